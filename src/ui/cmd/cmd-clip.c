/* clip: CLIP's side of vecsh. Today: tokens, CLIP's tokenizer exactly. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include <math.h>
#include <time.h>
#include <unistd.h>

#include "clip/clip.h"
#include "image/image.h"

static const char *const subcommands[] = {"load", "tokens", "text", "image", "sim", "classify", NULL};

/* The tokenizer of --bpe FILE, or of $VECSH_CLIP_BPE; kept for the session. */
static vs_clip_tokenizer *tokenizer(vs_session *s, const vs_args *a)
{
	const char *path = vs_arg_opt(a, "--bpe");
	if (!path)
		path = getenv("VECSH_CLIP_BPE");
	if (!path || !*path) {
		if (s->clip)
			return s->clip->tokenizer;
		if (s->clip_tokenizer)
			return s->clip_tokenizer;
		vs_session_error(s, "clip: no tokenizer: 'clip load DIR', or give --bpe FILE (OpenAI's "
		                    "bpe_simple_vocab_16e6.txt.gz or a checkpoint's merges.txt), or set VECSH_CLIP_BPE");
		return NULL;
	}
	if (s->clip_tokenizer && s->clip_bpe && strcmp(s->clip_bpe, path) == 0)
		return s->clip_tokenizer;
	vs_error err;
	vs_clip_tokenizer *t = vs_clip_tokenizer_load(path, &err);
	if (!t) {
		vs_session_error(s, "clip: %s", err.msg);
		return NULL;
	}
	char *p = strdup(path);
	if (!p) {
		vs_clip_tokenizer_free(t);
		vs_session_error(s, "out of memory");
		return NULL;
	}
	vs_clip_tokenizer_free(s->clip_tokenizer);
	free(s->clip_bpe);
	s->clip_tokenizer = t;
	s->clip_bpe = p;
	return t;
}

static int clip_tokens(vs_session *s, vs_args *a)
{
	vs_clip_tokenizer *t = tokenizer(s, a);
	if (!t)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_error(s, "out of memory");
	int multi = a->argc > 2;
	if (multi)
		vs_result_col(r, "text", VS_COL_INT, 0);
	vs_result_col(r, "position", VS_COL_INT, 0);
	vs_result_col(r, "id", VS_COL_INT, 0);
	vs_result_col(r, "piece", VS_COL_STR, 0);
	for (int i = 1; i < a->argc; i++) {
		int32_t ids[VS_CLIP_CONTEXT];
		int n = vs_clip_tokenize(t, a->argv[i], ids, VS_CLIP_CONTEXT);
		if (n < 0) {
			vs_result_free(r);
			return vs_session_error(s, "out of memory");
		}
		for (int k = 0; k < n; k++) {
			if (vs_result_row(r) < 0)
				break;
			char *piece = vs_clip_token_text(t, ids[k]);
			size_t c = 0;
			if (multi)
				vs_result_int(r, c++, i);
			vs_result_int(r, c++, k);
			vs_result_int(r, c++, ids[k]);
			vs_result_str(r, c, piece ? piece : "?");
			free(piece);
		}
	}
	vs_session_show(s, r);
	return 0;
}

static int clip_load(vs_session *s, vs_args *a)
{
	if (a->argc != 2 && !(a->argc == 4 && strcmp(a->argv[2], "as") == 0))
		return vs_session_error(s, "clip load: expected DIR [as NAME]");
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vs_error err;
	vs_clip_model *m = vs_clip_load(a->argv[1], &err);
	if (!m)
		return vs_session_error(s, "clip load: %s", err.msg);
	const char *name = a->argc == 4 ? a->argv[3] : strrchr(a->argv[1], '/') && strrchr(a->argv[1], '/')[1]
	                                                  ? strrchr(a->argv[1], '/') + 1 : a->argv[1];
	m->name = strdup(name);
	vs_clip_free(s->clip);
	s->clip = m;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vs_session_info(s, "loaded CLIP %s: text encoder %d layers x %d, %d heads, projection %d, %s (%.2f s)", m->name,
	                m->text.layers, m->text.width, m->text.heads, m->proj, m->text.quick_gelu ? "QuickGELU" : "GELU",
	                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

static int clip_text(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "clip text: no CLIP model: 'clip load DIR' first");
	if (a->argc < 2)
		return vs_session_error(s, "clip text: give a text");
	int vec = vs_arg_flag(a, "--vec");
	vs_result *r = vs_result_new();
	float *e = malloc((size_t)s->clip->proj * sizeof *e);
	if (!r || !e) {
		vs_result_free(r);
		free(e);
		return vs_session_error(s, "out of memory");
	}
	vs_result_col(r, "text", VS_COL_STR, 0);
	if (vec)
		vs_result_col(r, "vector", VS_COL_VEC, -7);
	else
		vs_result_col(r, "norm", VS_COL_FLOAT, 6);
	for (int i = 1; i < a->argc; i++) {
		vs_error err;
		if (vs_clip_encode_text(s->clip, a->argv[i], e, &err) < 0) {
			vs_result_free(r);
			free(e);
			return vs_session_error(s, "clip text: %s", err.msg);
		}
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, a->argv[i]);
		if (vec) {
			vs_result_vec(r, 1, e, (size_t)s->clip->proj);
		} else {
			double n2 = 0;
			for (int d = 0; d < s->clip->proj; d++)
				n2 += (double)e[d] * e[d];
			vs_result_float(r, 1, sqrt(n2));
		}
	}
	free(e);
	vs_session_show(s, r);
	return 0;
}

static void normalise(float *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)v[i] * v[i];
	s = sqrt(s);
	if (s > 0)
		for (int i = 0; i < n; i++)
			v[i] = (float)(v[i] / s);
}

/* The embedding of an image file (not normalised); a name of the active set
 * (embeddings computed elsewhere, or by images add) when no such file exists. */
static int embed_image(vs_session *s, const char *path, float *out)
{
	vs_image img;
	vs_error err;
	vs_vecset *set = s->active >= 0 ? s->sets[s->active] : NULL;
	if (access(path, F_OK) != 0 && set && set->dims == (size_t)s->clip->proj && vs_vecset_find(set, path) >= 0) {
		memcpy(out, set->vectors + (size_t)vs_vecset_find(set, path) * set->dims, set->dims * sizeof *out);
		return 0;
	}
	if (vs_image_load(path, &img, &err) < 0)
		return vs_session_error(s, "clip: %s", err.msg);
	size_t n = 3 * (size_t)s->clip->image_size * (size_t)s->clip->image_size;
	float *px = malloc(n * sizeof *px);
	int rc = -1;
	if (!px)
		vs_session_error(s, "out of memory");
	else if (vs_clip_preprocess(&img, s->clip->image_size, px, &err) < 0 || vs_clip_encode_pixels(s->clip, px, out, &err) < 0)
		vs_session_error(s, "clip: %s: %s", path, err.msg);
	else
		rc = 0;
	free(px);
	vs_image_free(&img);
	return rc;
}

static int clip_image(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "clip image: no CLIP model: 'clip load DIR' first");
	if (a->argc < 2)
		return vs_session_error(s, "clip image: give an image file");
	int vec = vs_arg_flag(a, "--vec"), P = s->clip->proj;
	float *e = malloc((size_t)P * sizeof *e);
	vs_result *r = vs_result_new();
	if (!e || !r) {
		free(e);
		vs_result_free(r);
		return vs_session_error(s, "out of memory");
	}
	vs_result_col(r, "image", VS_COL_STR, 0);
	vs_result_col(r, vec ? "vector" : "norm", vec ? VS_COL_VEC : VS_COL_FLOAT, vec ? -7 : 6);
	for (int i = 1; i < a->argc; i++) {
		if (embed_image(s, a->argv[i], e) < 0) {
			free(e);
			vs_result_free(r);
			return -1;
		}
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, a->argv[i]);
		if (vec) {
			vs_result_vec(r, 1, e, (size_t)P);
		} else {
			double n2 = 0;
			for (int d = 0; d < P; d++)
				n2 += (double)e[d] * e[d];
			vs_result_float(r, 1, sqrt(n2));
		}
	}
	free(e);
	vs_session_show(s, r);
	return 0;
}

/* Cosines of the image with each class embedding (normalised, n x P), and the
 * softmax of exp(logit_scale) x cosine over them, as CLIP's logits_per_image. */
static void softmax_scores(const vs_clip_model *m, const float *img, const float *cls, int n, double *cos, double *prob)
{
	double scale = exp((double)m->logit_scale), mx = -INFINITY, sum = 0;
	for (int i = 0; i < n; i++) {
		double c = 0;
		for (int d = 0; d < m->proj; d++)
			c += (double)img[d] * cls[(size_t)i * m->proj + d];
		cos[i] = c;
		mx = fmax(mx, scale * c);
	}
	for (int i = 0; i < n; i++)
		sum += prob[i] = exp(scale * cos[i] - mx);
	for (int i = 0; i < n; i++)
		prob[i] /= sum;
}

/* clip sim IMAGE TEXT...  and  clip classify IMAGE LABEL... [--template T]... */
static int clip_compare(vs_session *s, vs_args *a, int classify)
{
	const char *what = classify ? "classify" : "sim";
	if (!s->clip)
		return vs_session_error(s, "clip %s: no CLIP model: 'clip load DIR' first", what);
	if (a->argc < 3)
		return vs_session_error(s, "clip %s: give an image and at least one %s", what, classify ? "label" : "text");
	int n = a->argc - 2, P = s->clip->proj, nt;
	const char *const *templates = vs_arg_all(a, "--template", &nt);
	static const char *const default_template[] = {"a photo of a {}."};
	if (!classify || nt == 0) {
		templates = classify ? default_template : NULL;
		nt = classify ? 1 : 0;
	}
	float *img = malloc((size_t)P * sizeof *img), *cls = calloc((size_t)n * P, sizeof *cls), *t = malloc((size_t)P * sizeof *t);
	double *cos = malloc((size_t)n * sizeof *cos), *prob = malloc((size_t)n * sizeof *prob);
	int rc = -1;
	if (!img || !cls || !t || !cos || !prob) {
		vs_session_error(s, "out of memory");
		goto out;
	}
	if (embed_image(s, a->argv[1], img) < 0)
		goto out;
	normalise(img, P);
	for (int i = 0; i < n; i++) {
		const char *label = a->argv[2 + i];
		float *c = cls + (size_t)i * P;
		for (int k = 0; k < (classify ? nt : 1); k++) {
			/* the template with {} replaced by the label */
			char text[4096];
			const char *tpl = classify ? templates[k] : "{}", *hole = strstr(tpl, "{}");
			if (hole)
				snprintf(text, sizeof text, "%.*s%s%s", (int)(hole - tpl), tpl, label, hole + 2);
			else
				snprintf(text, sizeof text, "%s", tpl);
			vs_error err;
			if (vs_clip_encode_text(s->clip, text, t, &err) < 0) {
				vs_session_error(s, "clip %s: %s", what, err.msg);
				goto out;
			}
			normalise(t, P);
			for (int d = 0; d < P; d++)
				c[d] += t[d];
		}
		normalise(c, P); /* the templates' mean, renormalised (the CLIP paper's ensemble) */
	}
	softmax_scores(s->clip, img, cls, n, cos, prob);
	vs_result *r = vs_result_new();
	if (!r) {
		vs_session_error(s, "out of memory");
		goto out;
	}
	int *order = malloc((size_t)n * sizeof *order);
	for (int i = 0; order && i < n; i++)
		order[i] = i;
	for (int i = 1; classify && order && i < n; i++) /* classify ranks the labels */
		for (int j = i; j > 0 && prob[order[j]] > prob[order[j - 1]]; j--) {
			int tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, classify ? "label" : "text", VS_COL_STR, 0);
	vs_result_col(r, "probability", VS_COL_FLOAT, 6);
	vs_result_col(r, "cosine", VS_COL_FLOAT, 6);
	for (int i = 0; order && i < n; i++) {
		if (vs_result_row(r) < 0)
			break;
		vs_result_int(r, 0, i + 1);
		vs_result_str(r, 1, a->argv[2 + order[i]]);
		vs_result_float(r, 2, prob[order[i]]);
		vs_result_float(r, 3, cos[order[i]]);
	}
	free(order);
	vs_result_title(r, "%s", a->argv[1]);
	vs_session_show(s, r);
	rc = 0;
out:
	free(img), free(cls), free(t), free(cos), free(prob);
	return rc;
}

static int cmd_clip_exec(vs_session *s, vs_args *a)
{
	if (strcmp(a->argv[0], "image") == 0)
		return clip_image(s, a);
	if (strcmp(a->argv[0], "sim") == 0)
		return clip_compare(s, a, 0);
	if (strcmp(a->argv[0], "classify") == 0)
		return clip_compare(s, a, 1);
	if (strcmp(a->argv[0], "load") == 0)
		return clip_load(s, a);
	if (strcmp(a->argv[0], "text") == 0)
		return clip_text(s, a);
	if (strcmp(a->argv[0], "tokens") == 0) {
		if (a->argc < 2)
			return vs_session_error(s, "clip tokens: give a text (quote it: clip tokens \"a photo of a cat\")");
		return clip_tokens(s, a);
	}
	return vs_session_error(s, "clip: unknown subcommand '%s' (this vecsh has: load, tokens, text, image, sim, classify)", a->argv[0]);
}

static const vs_option cmd_clip_options[] = {
	{"--bpe", "FILE", "the BPE merges (bpe_simple_vocab_16e6.txt.gz or merges.txt)", VS_COMPLETE_FILE, NULL},
	{"--vec", NULL, "text, image: print the embeddings (7 significant digits)", VS_COMPLETE_NONE, NULL},
	{"--template", "T", "classify: a prompt with {} for the label (repeat to ensemble)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_clip_entry = {
	.name = "clip",
	.usage = "load DIR [as NAME] | tokens TEXT... [--bpe FILE] | text TEXT... [--vec] | image FILE... [--vec]\n"
	         "       | sim IMAGE TEXT... | classify IMAGE LABEL... [--template T]...",
	.summary = "CLIP: tokens, text and image embeddings, similarity, zero-shot labels",
	.help = "CLIP's tokenizer exactly as OpenAI's: Unicode NFC, HTML entities unescaped\n"
	        "twice, white space collapsed, lowercased, split by CLIP's pattern, byte-level\n"
	        "BPE with </w> word ends, <|startoftext|> and <|endoftext|> around, at most 77\n"
	        "tokens (the end token kept). The merges file is OpenAI's\n"
	        "bpe_simple_vocab_16e6.txt.gz or a Hugging Face checkpoint's merges.txt, given\n"
	        "with --bpe or in VECSH_CLIP_BPE, and kept for the session.\n"
	        "load: a Hugging Face CLIP checkpoint folder (config.json, model.safetensors\n"
	        "mapped, F32 or F16, merges.txt); sizes come from the files and every tensor's\n"
	        "shape is checked. text: the text encoder's embedding of each text, with its\n"
	        "norm, or the values with --vec. image: the same for image files (PNG, JPEG,\n"
	        "BMP, GIF, TGA), preprocessed as OpenAI's _transform through PIL.\n"
	        "sim: the cosine of the image with each text, and the softmax over the texts\n"
	        "of exp(logit_scale) x cosine (CLIP's logits_per_image); IMAGE may also name an\n"
	        "embedding of the active set (images add, or load FILE.npy --labels).\n"
	        "classify: labels\n"
	        "ranked by that probability, each label put in the template ('a photo of a\n"
	        "{}.' by default); several --template options are averaged (normalised\n"
	        "embeddings, renormalised), as the CLIP paper ensembles prompts.",
	.example = "clip tokens \"a photo of a cat.\" --bpe bpe_simple_vocab_16e6.txt.gz\n"
	           "clip load clip-vit-base-patch32\nclip text \"a photo of a cat\" \"a diagram\" --vec\n"
	           "clip sim cat.jpg \"a cat\" \"a dog\"\n"
	           "clip classify cat.jpg cat dog bird --template \"a photo of a {}.\" --template \"a drawing of a {}.\"",
	.min_args = 1,
	.max_args = -1,
	.first_complete = VS_COMPLETE_CHOICE,
	.args_complete = VS_COMPLETE_FILE,
	.choices = subcommands,
	.options = cmd_clip_options,
	.exec = cmd_clip_exec,
};
