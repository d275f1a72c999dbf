/* images: a folder of images as a vector set of CLIP embeddings, cached,
 * and searched by text or by image. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <cblas.h>
#include <time.h>
#include <unistd.h>

#include "ui/ui.h"
#include "clip/clip.h"
#include "image/image.h"
#include "vectors/vectors.h"

static const char *const subcommands[] = {"add", "search", "like", NULL};

typedef struct file_list {
	char **rel;
	size_t n, cap;
} file_list;

static int is_image_name(const char *n)
{
	static const char *const ext[] = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", NULL};
	size_t l = strlen(n);
	for (int i = 0; ext[i]; i++) {
		size_t e = strlen(ext[i]);
		if (l > e && strcasecmp(n + l - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static int walk(const char *root, const char *rel, file_list *l, int depth)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char r[PATH_MAX], p[2 * PATH_MAX + 2];
		snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		snprintf(p, sizeof p, "%s/%s", root, r);
		struct stat st;
		if (stat(p, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode) && depth < 32) {
			walk(root, r, l, depth + 1);
		} else if (S_ISREG(st.st_mode) && is_image_name(e->d_name)) {
			if (l->n == l->cap) {
				size_t cap = l->cap ? l->cap * 2 : 64;
				char **nr = realloc(l->rel, cap * sizeof *nr);
				if (!nr)
					break;
				l->rel = nr;
				l->cap = cap;
			}
			if ((l->rel[l->n] = strdup(r)))
				l->n++;
		}
	}
	closedir(d);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The cache files of a model and folder: DIR/KEY.vecs and DIR/KEY.meta. */
static void cache_paths(const vs_clip_model *m, const char *folder, char *vecs, char *meta, size_t size)
{
	char a[PATH_MAX], b[PATH_MAX], dir[PATH_MAX];
	if (!realpath(m->dir, a))
		snprintf(a, sizeof a, "%s", m->dir);
	if (!realpath(folder, b))
		snprintf(b, sizeof b, "%s", folder);
	const char *env = getenv("VECSH_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (env && *env)
		snprintf(dir, sizeof dir, "%s", env);
	else if (xdg && *xdg)
		snprintf(dir, sizeof dir, "%s/vecsh", xdg);
	else
		snprintf(dir, sizeof dir, "%s/.cache/vecsh", home ? home : "/tmp");
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	char key[2 * PATH_MAX + 2];
	snprintf(key, sizeof key, "%s\n%s", a, b);
	unsigned long long h = vs_hash_word(key, strlen(key));
	snprintf(vecs, size, "%s/images-%016llx.vecs", dir, h);
	snprintf(meta, size, "%s/images-%016llx.meta", dir, h);
}

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static int images_add(vs_session *s, vs_args *a)
{
	vs_clip_model *m = s->clip;
	if (!m)
		return vs_session_error(s, "images add: no CLIP model: 'clip load DIR' first");
	if (a->argc != 2 && !(a->argc == 4 && strcmp(a->argv[2], "as") == 0))
		return vs_session_error(s, "images add: expected DIR [as NAME]");
	const char *folder = a->argv[1];
	struct stat st;
	if (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode))
		return vs_session_error(s, "images add: %s: %s", folder, errno ? strerror(errno) : "not a folder");
	char name[256];
	const char *base = strrchr(folder, '/');
	snprintf(name, sizeof name, "%s", a->argc == 4 ? a->argv[3] : base && base[1] ? base + 1 : folder);
	if (vs_session_name_taken(s, name))
		return vs_session_error(s, "images add: the name '%s' is taken (unload it first)", name);
	file_list l = {0};
	walk(folder, "", &l, 0);
	if (l.n == 0)
		return vs_session_error(s, "images add: %s: no images (PNG, JPEG, BMP, GIF, TGA)", folder);
	qsort(l.rel, l.n, sizeof *l.rel, cmp_str);
	int P = m->proj, rc = -1;
	char vecs_path[PATH_MAX + 64], meta_path[PATH_MAX + 64];
	cache_paths(m, folder, vecs_path, meta_path, sizeof vecs_path);
	/* the cache: embeddings by name, valid while size and mtime match */
	vs_error err;
	vs_load_options lo = {.format = VS_FMT_VECS};
	vs_vecset *cache = access(vecs_path, R_OK) == 0 ? vs_load(vecs_path, &lo, NULL, &err) : NULL;
	if (cache && cache->dims != (size_t)P) {
		vs_vecset_free(cache);
		cache = NULL;
	}
	long long *csize = NULL, *cmtime = NULL;
	if (cache) {
		csize = calloc(cache->count, sizeof *csize);
		cmtime = calloc(cache->count, sizeof *cmtime);
		FILE *mf = fopen(meta_path, "r");
		char line[PATH_MAX + 64];
		while (mf && csize && cmtime && fgets(line, sizeof line, mf)) {
			char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			if (!t2)
				continue;
			*t1 = '\0';
			long i = vs_vecset_find(cache, line);
			if (i >= 0) {
				csize[i] = atoll(t1 + 1);
				cmtime[i] = atoll(t2 + 1);
			}
		}
		if (mf)
			fclose(mf);
	}
	float *vals = malloc(l.n * (size_t)P * sizeof *vals);
	enum { BATCH = 8 }; /* images per encoder pass: the weights are read once a batch */
	size_t npx = 3 * (size_t)m->image_size * m->image_size;
	float *px = malloc(BATCH * npx * sizeof *px), *bout = malloc(BATCH * (size_t)P * sizeof *bout);
	size_t pending[BATCH];
	int npending = 0;
	char **names = malloc(l.n * sizeof *names);
	long long *sizes = malloc(l.n * sizeof *sizes), *mtimes = malloc(l.n * sizeof *mtimes);
	size_t kept = 0, cached = 0, skipped = 0;
	char *skipped_list = NULL;
	size_t sl_len = 0;
	FILE *sl = open_memstream(&skipped_list, &sl_len);
	if (!vals || !px || !bout || !names || !sizes || !mtimes || !sl) {
		vs_session_error(s, "out of memory");
		goto out;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int show = s->interactive && isatty(fileno(s->msg));
	size_t embedded = 0;
	for (size_t i = 0; i < l.n && !vs_interrupted; i++) {
		char path[2 * PATH_MAX + 2];
		snprintf(path, sizeof path, "%s/%s", folder, l.rel[i]);
		struct stat fs;
		if (stat(path, &fs) != 0)
			continue;
		long c = cache ? vs_vecset_find(cache, l.rel[i]) : -1;
		float *dst = vals + kept * (size_t)P;
		if (c >= 0 && csize[c] == (long long)fs.st_size && cmtime[c] == (long long)fs.st_mtime) {
			memcpy(dst, cache->vectors + (size_t)c * P, (size_t)P * sizeof *dst);
			cached++;
		} else {
			vs_image img;
			if (vs_image_load(path, &img, &err) < 0) {
				fprintf(sl, "%s%s", skipped++ ? ", " : "", l.rel[i]);
				continue;
			}
			int bad = vs_clip_preprocess(&img, m->image_size, px + (size_t)npending * npx, &err) < 0;
			vs_image_free(&img);
			if (bad) {
				fprintf(sl, "%s%s", skipped++ ? ", " : "", l.rel[i]);
				continue;
			}
			pending[npending++] = kept;
			(void)dst;
			if (npending == BATCH || i + 1 == l.n) {
				if (vs_clip_encode_pixels_batch(m, px, npending, bout, &err) < 0) {
					vs_session_error(s, "images add: %s", err.msg);
					goto out;
				}
				for (int b = 0; b < npending; b++)
					memcpy(vals + pending[b] * (size_t)P, bout + (size_t)b * P, (size_t)P * sizeof *vals);
				embedded += (size_t)npending;
				npending = 0;
			}
			if (show) {
				double el = since(&t0), left = el / (double)(i + 1) * (double)(l.n - i - 1);
				fprintf(s->msg, "\rembedding %zu/%zu images, %.0f s left   ", i + 1, l.n, left);
				fflush(s->msg);
			}
		}
		names[kept] = l.rel[i];
		sizes[kept] = (long long)fs.st_size;
		mtimes[kept] = (long long)fs.st_mtime;
		kept++;
	}
	if (npending) { /* the last images, when the last file was skipped or cached */
		if (vs_clip_encode_pixels_batch(m, px, npending, bout, &err) < 0) {
			vs_session_error(s, "images add: %s", err.msg);
			goto out;
		}
		for (int b = 0; b < npending; b++)
			memcpy(vals + pending[b] * (size_t)P, bout + (size_t)b * P, (size_t)P * sizeof *vals);
		embedded += (size_t)npending;
	}
	if (show)
		fprintf(s->msg, "\r\033[K");
	fclose(sl);
	sl = NULL;
	if (vs_interrupted) {
		vs_session_error(s, "images add: interrupted");
		goto out;
	}
	if (kept == 0) {
		vs_session_error(s, "images add: %s: no readable image (skipped: %s)", folder, skipped_list);
		goto out;
	}
	vs_vecset *set = vs_vecset_from_arrays((const char *const *)names, kept, vals, (size_t)P, &err);
	if (!set || !(set->name = strdup(name)) || !(set->source = strdup(folder)) || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		vs_session_error(s, "out of memory");
		goto out;
	}
	set->format = "clip images";
	/* write the cache: vectors, then the sizes and times (each renamed into place) */
	if (vs_vecs_write(set, vecs_path, &err) == 0) {
		char *tmp;
		FILE *mf = vs_tmpfile_open_public(meta_path, &tmp, &err);
		if (mf) {
			for (size_t i = 0; i < kept; i++)
				fprintf(mf, "%s\t%lld\t%lld\n", names[i], sizes[i], mtimes[i]);
			vs_tmpfile_commit_public(mf, tmp, meta_path, 0, &err);
		}
	}
	if (skipped)
		vs_session_warn(s, "images add: skipped %zu unreadable images: %s", skipped, skipped_list);
	vs_session_info(s, "images %s: %zu images (%zu embedded, %zu from the cache) in %.2f s", name, kept, embedded,
	                cached, since(&t0));
	rc = 0;
out:
	if (sl)
		fclose(sl);
	free(skipped_list);
	for (size_t i = 0; i < l.n; i++)
		free(l.rel[i]);
	free(l.rel);
	free(vals), free(px), free(bout), free(names), free(sizes), free(mtimes), free(csize), free(cmtime);
	vs_vecset_free(cache);
	return rc;
}

/* Rank the active set (image embeddings) by cosine with q (not normalised). */
static int rank_images(vs_session *s, const char *what, const float *q, size_t k)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	if (set->dims != (size_t)s->clip->proj)
		return vs_session_error(s, "images %s: the active set %s has %zu dimensions, the CLIP model %d (images add first)",
		                        what, set->name, set->dims, s->clip->proj);
	float *d = malloc(set->count * sizeof *d);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	if (!d || !hits) {
		free(d), free(hits);
		return vs_session_error(s, "out of memory");
	}
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)set->count, (int)set->dims, 1.0f, set->vectors, (int)set->dims, q, 1,
	            0.0f, d, 1);
	double qn = 0;
	for (size_t i = 0; i < set->dims; i++)
		qn += (double)q[i] * q[i];
	qn = sqrt(qn);
	for (size_t i = 0; i < set->count; i++)
		d[i] = set->norms[i] > 0 && qn > 0 ? (float)(d[i] / (set->norms[i] * qn)) : 0.0f;
	size_t n = vs_topk_select(d, set->count, k, NULL, 0, hits);
	vs_result *r = vs_ranked_result(set, hits, n, "image");
	if (r)
		vs_session_show(s, r);
	free(d), free(hits);
	return r ? 0 : vs_session_error(s, "out of memory");
}

static int cmd_images_exec(vs_session *s, vs_args *a)
{
	if (strcmp(a->argv[0], "add") == 0)
		return images_add(s, a);
	if (strcmp(a->argv[0], "search") != 0 && strcmp(a->argv[0], "like") != 0)
		return vs_session_error(s, "images: unknown subcommand '%s' (add, search, like)", a->argv[0]);
	int search = a->argv[0][0] == 's';
	if (!s->clip)
		return vs_session_error(s, "images %s: no CLIP model: 'clip load DIR' first", a->argv[0]);
	if (a->argc != 2)
		return vs_session_error(s, "images %s: give one %s", a->argv[0], search ? "text (quoted)" : "image file");
	size_t k;
	if (vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	float *q = malloc((size_t)s->clip->proj * sizeof *q);
	if (!q)
		return vs_session_error(s, "out of memory");
	vs_error err;
	int rc;
	if (search) {
		rc = vs_clip_encode_text(s->clip, a->argv[1], q, &err) < 0 ? vs_session_error(s, "images search: %s", err.msg) : 0;
	} else {
		vs_image img;
		float *px = malloc(3 * (size_t)s->clip->image_size * s->clip->image_size * sizeof *px);
		rc = -1;
		if (!px)
			vs_session_error(s, "out of memory");
		else if (vs_image_load(a->argv[1], &img, &err) < 0)
			vs_session_error(s, "images like: %s", err.msg);
		else {
			if (vs_clip_preprocess(&img, s->clip->image_size, px, &err) < 0 || vs_clip_encode_pixels(s->clip, px, q, &err) < 0)
				vs_session_error(s, "images like: %s: %s", a->argv[1], err.msg);
			else
				rc = 0;
			vs_image_free(&img);
		}
		free(px);
	}
	if (rc == 0)
		rc = rank_images(s, a->argv[0], q, k);
	free(q);
	return rc;
}

static const vs_option cmd_images_options[] = {
	{"-k", "N", "search, like: how many images (default 10)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_images_entry = {
	.name = "images",
	.usage = "add DIR [as NAME] | search TEXT [-k N] | like FILE [-k N]",
	.summary = "a folder of images as CLIP embeddings, searched by text or image",
	.help = "add: embeds every image of a folder (recursively) with the loaded CLIP model,\n"
	        "with a progress bar and the time left; unreadable images are skipped and\n"
	        "listed. The embeddings become a vector set (active), cached as .vecs under\n"
	        "the user's cache folder, keyed by model and folder: adding the folder again\n"
	        "embeds only new or changed files (by size and modification time).\n"
	        "search: the images of the active set ranked by cosine with a text's\n"
	        "embedding; like: with an image's. Both open in browse.",
	.example = "images add ~/Pictures as pics\nimages search \"a dog on a beach\" -k 5\nbrowse images like cat.jpg",
	.min_args = 1,
	.max_args = 4,
	.first_complete = VS_COMPLETE_CHOICE,
	.args_complete = VS_COMPLETE_FILE,
	.choices = subcommands,
	.options = cmd_images_options,
	.exec = cmd_images_exec,
};
