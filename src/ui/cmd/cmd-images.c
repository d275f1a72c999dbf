/* images: a folder of images as a vector set of CLIP embeddings, cached,
 * and searched by text or by image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui.h"

/* The user's cache folder for embeddings ($VECSH_CACHE, else XDG's), made if needed. */
static void cache_dir(char *dir, size_t size)
{
	const char *env = getenv("VECSH_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (env && *env)
		snprintf(dir, size, "%s", env);
	else if (xdg && *xdg)
		snprintf(dir, size, "%s/vecsh", xdg);
	else
		snprintf(dir, size, "%s/.cache/vecsh", home ? home : "/tmp");
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
}

static void show_count(void *ctx, size_t done, size_t total)
{
	vs_progress_count(ctx, done, total);
}

static int images_add(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "images add: no image-text model: 'clip load DIR' (or 'model load DIR') first");
	if (a->argc == 2 || (a->argc == 3 && strcmp(a->argv[1], "as") != 0))
		return vs_session_error(s, "images add: expected DIR [as NAME]");
	const char *folder = a->argv[0], *base = strrchr(folder, '/');
	char name[256], dir[4096];
	snprintf(name, sizeof name, "%s", a->argc == 3 ? a->argv[2] : base && base[1] ? base + 1 : folder);
	if (vs_session_name_taken(s, name))
		return vs_session_error(s, "images add: the name '%s' is taken (unload it first)", name);
	cache_dir(dir, sizeof dir);
	vs_progress p;
	vs_progress_start(&p, s, "embedding images");
	vs_image_folder_options opt = {.cache_dir = dir, .progress = show_count, .progress_ctx = &p};
	vs_image_folder_report rep;
	vs_error err;
	vs_vecset *set = vs_clip_embed_folder(s->clip, folder, &opt, &rep, &err);
	vs_progress_end(&p);
	int rc = -1;
	if (!set)
		vs_session_error(s, "images add: %s", err.msg);
	else if (!(set->name = strdup(name)) || !(set->source = strdup(folder)) || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		vs_session_oom(s);
	} else {
		set->format = "clip images";
		set->unsaved = 1;
		if (rep.skipped)
			vs_session_warn(s, "images add: skipped %zu unreadable images: %s", rep.skipped, rep.skipped_list);
		vs_session_info(s, "images %s: %zu image%s (%zu embedded, %zu from the cache) in %.2f s", name, rep.images,
		                rep.images == 1 ? "" : "s",
		                rep.embedded, rep.cached, vs_seconds_since(&p.start));
		rc = 0;
	}
	free(rep.skipped_list);
	return rc;
}

/* BLIP's retrieval: the top images by ITC re-ranked by ITM, each image read
 * again from the folder the set was made from. */
static int rerank_by_itm(vs_session *s, const vs_args *a, const vs_vecset *set, const vs_hit *hits, size_t n)
{
	int enc = vs_arg_flag(a, "--enc-first"), rc = -1, *order = NULL;
	double *itm = malloc((n ? n : 1) * sizeof *itm), *score = malloc((n ? n : 1) * sizeof *score);
	vs_result *r = vs_result_new();
	if (!itm || !score || !r) {
		vs_session_oom(s);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", set->source, vs_vecset_word(set, hits[i].index));
		vs_blip_image *im = vs_session_blip_image(s, a->name, path, NULL); /* the model's: not freed here */
		if (!im || vs_session_blip_itm(s, a->name, im, a->argv[0], enc, &itm[i]) < 0)
			goto out;
		score[i] = itm[i];
	}
	if (!(order = vs_rank_order(score, (int)n))) {
		vs_session_oom(s);
		goto out;
	}
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, "image", VS_COL_STR, 0);
	vs_result_col(r, "itm", VS_COL_FLOAT, 6);
	vs_result_col(r, "cosine", VS_COL_FLOAT, 6);
	for (size_t i = 0; i < n && vs_result_row(r) == 0; i++) {
		vs_result_int(r, 0, (long long)i + 1);
		vs_result_str(r, 1, vs_vecset_word(set, hits[order[i]].index));
		vs_result_float(r, 2, itm[order[i]]);
		vs_result_float(r, 3, hits[order[i]].score);
	}
	vs_result_note(r, "the top %zu by ITC cosine, re-ranked by ITM's match probability (%s first), as BLIP's "
	                  "retrieval does", n, enc ? "[ENC]" : "[CLS]");
	vs_session_show(s, r);
	r = NULL;
	rc = 0;
out:
	vs_result_free(r);
	free(order);
	free(itm);
	free(score);
	return rc;
}

/* Rank the active set (image embeddings) by cosine with q (not normalised). */
static int rank_images(vs_session *s, const vs_args *a, const float *q)
{
	size_t k;
	vs_vecset *set = vs_session_active(s);
	if (!set || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	if (set->dims != (size_t)s->clip->proj)
		return vs_session_error(s, "%s: the active set %s has %zu dimensions, the CLIP model %d (images add first)",
		                        a->name, set->name, set->dims, s->clip->proj);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	size_t n;
	vs_error err;
	int rc = -1;
	if (!hits)
		vs_session_oom(s);
	else if (vs_nearest_to_vector(set, q, k, hits, &n, &err) < 0)
		vs_session_error(s, "%s: %s", a->name, err.msg);
	else if (vs_arg_flag(a, "--itm"))
		rc = rerank_by_itm(s, a, set, hits, n);
	else {
		vs_result *r = vs_ranked_result(set, hits, n, "image");
		if (r) {
			vs_remote_note(r, set);
			vs_session_show(s, r);
			rc = 0;
		} else
			vs_session_oom(s);
	}
	free(hits);
	return rc;
}

/* images search TEXT  and  images like FILE */
static int images_query(vs_session *s, vs_args *a, int search)
{
	if (!s->clip)
		return vs_session_error(s, "%s: no image-text model: 'clip load DIR' (or 'model load DIR') first", a->name);
	if ((vs_arg_flag(a, "--itm") || vs_arg_flag(a, "--enc-first")) && s->clip->family != VS_FAMILY_BLIP)
		return vs_session_error(s, "%s: --itm needs a BLIP model (%s is CLIP, which has no matching head)", a->name,
		                        s->clip->name);
	if (vs_arg_flag(a, "--enc-first") && !vs_arg_flag(a, "--itm"))
		return vs_session_error(s, "%s: --enc-first changes ITM's input: give --itm too", a->name);
	const vs_vecset *active = s->active >= 0 ? s->sets[s->active] : NULL;
	if (vs_arg_flag(a, "--itm") && active && (!active->source || !active->format || strcmp(active->format, "clip images")))
		return vs_session_error(s, "%s: --itm reads the images again: the active set %s was not made by 'images add'",
		                        a->name, active->name);
	float *q = malloc((size_t)s->clip->proj * sizeof *q);
	if (!q)
		return vs_session_oom(s);
	vs_error err;
	int rc = search ? vs_session_encode_text(s, a->name, a->argv[0], q)
	                : vs_clip_encode_image_file(s->clip, a->argv[0], q, &err);
	if (rc < 0 && !search)
		vs_session_error(s, "%s: %s", a->name, err.msg);
	else
		rc = rank_images(s, a, q);
	free(q);
	return rc;
}

static int images_search(vs_session *s, vs_args *a)
{
	return images_query(s, a, 1);
}

static int images_like(vs_session *s, vs_args *a)
{
	return images_query(s, a, 0);
}

static const vs_option k_options[] = {
	{"-k", "N", "how many images (default 10)", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_option search_options[] = {
	{"-k", "N", "how many images (default 10)", VS_COMPLETE_NONE, NULL},
	{"--itm", NULL, "BLIP: re-rank the top k by image-text matching", VS_COMPLETE_NONE, NULL},
	{"--enc-first", NULL, "BLIP: [ENC] first for ITM, as Salesforce's code", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_cmd_entry images_add_entry = {
	.name = "add",
	.usage = "DIR [as NAME]",
	.summary = "embed every image of a folder with the active CLIP or BLIP model",
	.help = "Embeds every image of a folder (recursively; PNG, JPEG, BMP, GIF, TGA) with a\n"
	        "progress line and the time left; unreadable images are skipped and listed.\n"
	        "The embeddings become a vector set (active), cached as .vecs under the user's\n"
	        "cache folder ($VECSH_CACHE, else $XDG_CACHE_HOME/vecsh), keyed by model and\n"
	        "folder: adding the folder again embeds only new or changed files (by size\n"
	        "and modification time).",
	.example = "images add ~/Pictures as pics",
	.min_args = 1,
	.max_args = 3,
	.first_complete = VS_COMPLETE_FILE,
	.exec = images_add,
};

static const vs_cmd_entry images_search_entry = {
	.name = "search",
	.usage = "TEXT [-k N] [--itm] [--enc-first]",
	.summary = "the images of the active set ranked by cosine with a text's embedding",
	.help = "With a BLIP model, --itm re-ranks the top k by image-text matching (each of\n"
	        "them read again from the folder and encoded with the text), as BLIP's\n"
	        "retrieval does: ITC to find candidates, ITM to order them.",
	.example = "images search \"a dog on a beach\" -k 5\nimages search \"a dog on a beach\" -k 5 --itm",
	.min_args = 1,
	.max_args = 1,
	.options = search_options,
	.exec = images_search,
};

static const vs_cmd_entry images_like_entry = {
	.name = "like",
	.usage = "FILE [-k N]",
	.summary = "the images of the active set ranked by cosine with an image's embedding",
	.example = "images like cat.jpg -k 3\nbrowse images like cat.jpg",
	.min_args = 1,
	.max_args = 1,
	.first_complete = VS_COMPLETE_FILE,
	.options = k_options,
	.exec = images_like,
};

static const vs_cmd_entry *const images_subcommands[] = {
	&images_add_entry, &images_search_entry, &images_like_entry, NULL,
};

const vs_cmd_entry cmd_images_entry = {
	.name = "images",
	.usage = "SUBCOMMAND ...",
	.summary = "a folder of images as CLIP or BLIP embeddings, searched by text or image",
	.help = "search and like rank the images of the active set; both open in browse.",
	.example = "images add ~/Pictures as pics\nimages search \"a dog on a beach\" -k 5\nbrowse images like cat.jpg",
	.subcommands = images_subcommands,
};
