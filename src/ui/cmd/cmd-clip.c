/* clip: CLIP's side of vecsh. Today: tokens, CLIP's tokenizer exactly. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include <math.h>
#include <time.h>
#include <unistd.h>

#include "clip/clip.h"
#include "image/image.h"

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
		vs_session_oom(s);
		return NULL;
	}
	vs_clip_tokenizer_free(s->clip_tokenizer);
	free(s->clip_bpe);
	s->clip_tokenizer = t;
	s->clip_bpe = p;
	return t;
}

/* A text longer than the model's context: say so (OpenAI's tokenize raises
 * unless asked to truncate; vecsh truncates and says it did). */
static void warn_cut(vs_session *s, const char *cmd, const char *text, size_t total, size_t kept)
{
	vs_session_warn(s, "%s: '%.40s%s' has %zu tokens; the model reads the first %zu (the end token kept), the rest "
	                   "is cut", cmd, text, strlen(text) > 40 ? "..." : "", total, kept);
}

int vs_session_encode_text(vs_session *s, const char *cmd, const char *text, float *out)
{
	vs_error err;
	size_t total;
	if (vs_clip_encode_text(s->clip, text, out, &total, &err) < 0)
		return vs_session_error(s, "%s: %s", cmd, err.msg);
	if (total > (size_t)s->clip->context)
		warn_cut(s, cmd, text, total, (size_t)s->clip->context);
	return 0;
}

static int clip_tokens(vs_session *s, vs_args *a)
{
	/* the loaded model's own tokenizer unless a merges file is named */
	const vs_clip_model *m = s->clip && !vs_arg_opt(a, "--bpe") ? s->clip : NULL;
	vs_clip_tokenizer *t = m ? NULL : tokenizer(s, a);
	if (!m && !t)
		return -1;
	size_t context = m ? (size_t)m->context : VS_CLIP_CONTEXT;
	int32_t *ids = malloc(context * sizeof *ids);
	if (!ids)
		return vs_session_oom(s);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	int multi = a->argc > 1;
	if (multi)
		vs_result_col(r, "text", VS_COL_INT, 0);
	vs_result_col(r, "position", VS_COL_INT, 0);
	vs_result_col(r, "id", VS_COL_INT, 0);
	vs_result_col(r, "piece", VS_COL_STR, 0);
	for (int i = 0; i < a->argc; i++) {
		size_t total;
		int n = m ? vs_model_tokenize(m, a->argv[i], ids, &total)
		          : vs_clip_tokenize_full(t, a->argv[i], ids, VS_CLIP_CONTEXT, &total);
		if (n < 0) {
			vs_result_free(r);
			free(ids);
			return vs_session_oom(s);
		}
		if (total > (size_t)n)
			warn_cut(s, a->name, a->argv[i], total, (size_t)n);
		for (int k = 0; k < n; k++) {
			if (vs_result_row(r) < 0)
				break;
			char *piece = m ? vs_model_token_text(m, ids[k]) : vs_clip_token_text(t, ids[k]);
			size_t c = 0;
			if (multi)
				vs_result_int(r, c++, i + 1);
			vs_result_int(r, c++, k);
			vs_result_int(r, c++, ids[k]);
			vs_result_str(r, c, piece ? piece : "?");
			free(piece);
		}
	}
	free(ids);
	vs_session_show(s, r);
	return 0;
}

int vs_session_load_model(vs_session *s, vs_args *a)
{
	if (a->argc == 2 || (a->argc == 3 && strcmp(a->argv[1], "as") != 0))
		return vs_session_error(s, "%s: expected DIR [as NAME]", a->name);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	vs_error err;
	vs_clip_model *m = vs_clip_load(a->argv[0], &err);
	if (!m)
		return vs_session_error(s, "%s: %s", a->name, err.msg);
	char name[256];
	if (a->argc == 3) {
		snprintf(name, sizeof name, "%s", a->argv[2]);
		if (vs_session_name_taken(s, name)) {
			vs_clip_free(m);
			return vs_session_error(s, "%s: the name '%s' is taken (unload it, or load as another name)", a->name, name);
		}
	} else { /* the folder's name, made unique */
		char base[200];
		size_t l = strlen(a->argv[0]);
		while (l > 1 && a->argv[0][l - 1] == '/')
			l--;
		const char *b = a->argv[0];
		for (size_t i = 0; i < l; i++)
			if (a->argv[0][i] == '/' && i + 1 < l)
				b = a->argv[0] + i + 1;
		snprintf(base, sizeof base, "%.*s", (int)(a->argv[0] + l - b), b);
		snprintf(name, sizeof name, "%s", base);
		for (int i = 2; vs_session_name_taken(s, name); i++)
			snprintf(name, sizeof name, "%s-%d", base, i);
	}
	m->name = strdup(name);
	if (!m->name || vs_session_add_model(s, m) < 0) {
		vs_clip_free(m);
		return vs_session_oom(s);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (m->family == VS_FAMILY_BLIP)
		vs_session_info(s, "loaded BLIP %s: text encoder (BERT) %d layers x %d, %d heads; image encoder %d layers x %d, "
		                "%dx%d pixels; ITC %d dims and ITM (%.2f s)", m->name, m->text.layers, m->text.width,
		                m->text.heads, m->vision.layers, m->vision.width, m->image_size, m->image_size, m->proj, secs);
	else
		vs_session_info(s, "loaded CLIP %s: text encoder %d layers x %d, %d heads, projection %d, %s (%.2f s)", m->name,
		                m->text.layers, m->text.width, m->text.heads, m->proj, m->text.quick_gelu ? "QuickGELU" : "GELU",
		                secs);
	return 0;
}

static int clip_text(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "clip text: no image-text model: 'clip load DIR' (or 'model load DIR') first");
	int vec = vs_arg_flag(a, "--vec");
	vs_result *r = vs_result_new();
	float *e = malloc((size_t)s->clip->proj * sizeof *e);
	if (!r || !e) {
		vs_result_free(r);
		free(e);
		return vs_session_oom(s);
	}
	vs_result_col(r, "text", VS_COL_STR, 0);
	if (vec)
		vs_result_col(r, "vector", VS_COL_VEC, -7);
	else
		vs_result_col(r, "norm", VS_COL_FLOAT, 6);
	for (int i = 0; i < a->argc; i++) {
		if (vs_session_encode_text(s, a->name, a->argv[i], e) < 0) {
			vs_result_free(r);
			free(e);
			return -1;
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


/* The embedding of an image file (not normalised); a name of the active set
 * (embeddings computed elsewhere, or by images add) when no such file exists. */
static int embed_image(vs_session *s, const char *path, float *out)
{
	vs_vecset *set = s->active >= 0 ? s->sets[s->active] : NULL;
	long i = set && set->dims == (size_t)s->clip->proj && access(path, F_OK) != 0 ? vs_vecset_find(set, path) : -1;
	if (i >= 0) {
		vs_vecset_need_row(set, (size_t)i);
		memcpy(out, set->vectors + (size_t)i * set->dims, set->dims * sizeof *out);
		return 0;
	}
	vs_error err;
	if (vs_clip_encode_image_file(s->clip, path, out, &err) < 0)
		return vs_session_error(s, "clip: %s", err.msg);
	return 0;
}

static int clip_image(vs_session *s, vs_args *a)
{
	if (!s->clip)
		return vs_session_error(s, "clip image: no image-text model: 'clip load DIR' (or 'model load DIR') first");
	int vec = vs_arg_flag(a, "--vec"), P = s->clip->proj;
	float *e = malloc((size_t)P * sizeof *e);
	vs_result *r = vs_result_new();
	if (!e || !r) {
		free(e);
		vs_result_free(r);
		return vs_session_oom(s);
	}
	vs_result_col(r, "image", VS_COL_STR, 0);
	vs_result_col(r, vec ? "vector" : "norm", vec ? VS_COL_VEC : VS_COL_FLOAT, vec ? -7 : 6);
	for (int i = 0; i < a->argc; i++) {
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

/* The template with {} replaced by the label. */
static void fill_template(const char *tpl, const char *label, char *text, size_t size)
{
	const char *hole = strstr(tpl, "{}");
	if (hole)
		snprintf(text, size, "%.*s%s%s", (int)(hole - tpl), tpl, label, hole + 2);
	else
		snprintf(text, size, "%s", tpl);
}

/* clip classify --explain: each filled prompt's cosine with the image, then
 * each label's ensemble: its cosine, logit and probability. */
static int classify_explain(vs_session *s, vs_args *a, const char *const *templates, int nt, const double *pcos,
                            const double *cos, const double *prob)
{
	int n = a->argc - 1;
	double scale = exp((double)s->clip->logit_scale);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "label", VS_COL_STR, 0);
	vs_result_col(r, "prompt", VS_COL_STR, 0);
	vs_result_col(r, "cosine", VS_COL_FLOAT, 6);
	vs_result_col(r, "logit", VS_COL_FLOAT, 6);
	vs_result_col(r, "probability", VS_COL_FLOAT, 6);
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < nt && vs_result_row(r) == 0; k++) {
			char text[4096];
			fill_template(templates[k], a->argv[1 + i], text, sizeof text);
			vs_result_str(r, 0, a->argv[1 + i]);
			vs_result_str(r, 1, text);
			vs_result_float(r, 2, pcos[(size_t)i * nt + k]);
		}
		if (vs_result_row(r) < 0)
			break;
		char mean[64];
		snprintf(mean, sizeof mean, nt > 1 ? "(mean of the %d prompts)" : "(the one prompt)", nt);
		vs_result_str(r, 0, a->argv[1 + i]);
		vs_result_str(r, 1, mean);
		vs_result_float(r, 2, cos[i]);
		vs_result_float(r, 3, scale * cos[i]);
		vs_result_float(r, 4, prob[i]);
	}
	if (nt > 1)
		vs_result_note(r, "a label's embedding is the mean of its prompts' unit embeddings, normalised again: its "
		                  "cosine is not the mean of theirs");
	vs_result_note(r, "logit = %g x cosine (exp(logit_scale), the model's temperature); probability = softmax of "
	                  "the logits over the %d labels",
	               scale, n);
	vs_result_title(r, "%s", a->argv[0]);
	vs_result_context_str(r, "image", a->argv[0]);
	vs_session_show(s, r);
	return 0;
}

/* A BLIP model's view of an image file: its tokens (for ITM) and its ITC
 * embedding (normalised). */
vs_blip_image *vs_session_blip_image(vs_session *s, const char *cmd, const char *path, float *itc)
{
	vs_error err;
	vs_blip_image *im = vs_blip_image_file(s->clip, path, itc, &err);
	if (!im)
		vs_session_error(s, "%s: %s%s", cmd, err.msg,
		                 access(path, F_OK) != 0 ? " (ITM reads the image itself: give its file)" : "");
	return im;
}

/* The match probability of a text with an image, warning when the text is cut. */
int vs_session_blip_itm(vs_session *s, const char *cmd, vs_blip_image *im, const char *text, int enc_first, double *p)
{
	vs_error err;
	size_t total;
	if (vs_blip_itm_text(s->clip, im, text, enc_first, p, &total, &err) < 0)
		return vs_session_error(s, "%s: %s", cmd, err.msg);
	if (total > (size_t)s->clip->context)
		warn_cut(s, cmd, text, total, (size_t)s->clip->context);
	return 0;
}

/* Indexes 0..n-1 ordered by score, best first (stable). */
int *vs_rank_order(const double *score, int n)
{
	int *order = malloc((size_t)(n ? n : 1) * sizeof *order);
	for (int i = 0; order && i < n; i++)
		order[i] = i;
	for (int i = 1; order && i < n; i++)
		for (int j = i; j > 0 && score[order[j]] > score[order[j - 1]]; j--) {
			int tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	return order;
}

/* What clip sim and clip classify compute with a BLIP model: each label's
 * prompts (one for sim), their cosines and match probabilities, and each
 * label's ensembled cosine and mean probability. */
typedef struct blip_scores {
	int n, per, itm, enc;         /* labels, prompts a label, --itm, --enc-first */
	char **prompts;               /* n x per */
	double *pcos, *pitm;          /* each prompt's cosine and match probability */
	double *cos, *match;          /* each label's */
} blip_scores;

static void blip_scores_free(blip_scores *b)
{
	for (int e = 0; b->prompts && e < b->n * b->per; e++)
		free(b->prompts[e]);
	free(b->prompts), free(b->pcos), free(b->pitm), free(b->cos), free(b->match);
}

/* Each label put in each template ("{}" for sim). */
static int blip_prompts(vs_session *s, const vs_args *a, const char *const *templates, blip_scores *b)
{
	size_t np = (size_t)b->n * b->per;
	b->prompts = calloc(np, sizeof *b->prompts);
	b->pcos = malloc(np * sizeof *b->pcos);
	b->pitm = calloc(np, sizeof *b->pitm);
	b->cos = calloc((size_t)b->n, sizeof *b->cos);
	b->match = calloc((size_t)b->n, sizeof *b->match);
	if (!b->prompts || !b->pcos || !b->pitm || !b->cos || !b->match)
		return vs_session_oom(s);
	for (size_t e = 0; e < np; e++) {
		char text[4096];
		fill_template(templates ? templates[e % b->per] : "{}", a->argv[1 + e / b->per], text, sizeof text);
		if (!(b->prompts[e] = strdup(text)))
			return vs_session_oom(s);
	}
	return 0;
}

/* Every prompt encoded in one batch (and matched with the image in another);
 * each label's embedding the mean of its prompts' renormalised, as CLIP's. */
static int blip_score(vs_session *s, const char *cmd, const float *img, vs_blip_image *im, blip_scores *b)
{
	int P = s->clip->proj, np = b->n * b->per, rc = -1;
	float *tv = malloc((size_t)np * P * sizeof *tv), *c = malloc((size_t)P * sizeof *c);
	size_t *totals = malloc((size_t)np * sizeof *totals);
	vs_error err;
	if (!tv || !c || !totals) {
		vs_session_oom(s);
		goto out;
	}
	if (vs_model_encode_texts(s->clip, (const char *const *)b->prompts, np, tv, totals, &err) < 0 ||
	    (b->itm && vs_blip_itm_texts(s->clip, im, (const char *const *)b->prompts, np, b->enc, b->pitm, NULL, &err) < 0)) {
		vs_session_error(s, "%s: %s", cmd, err.msg);
		goto out;
	}
	for (int e = 0; e < np; e++)
		if (totals[e] > (size_t)s->clip->context)
			warn_cut(s, cmd, b->prompts[e], totals[e], (size_t)s->clip->context);
	for (int i = 0; i < b->n; i++) {
		memset(c, 0, (size_t)P * sizeof *c);
		for (int k = 0; k < b->per; k++) {
			int e = i * b->per + k;
			const float *pt = tv + (size_t)e * P;
			double pc = 0;
			for (int d = 0; d < P; d++) {
				c[d] += pt[d];
				pc += (double)img[d] * pt[d];
			}
			b->pcos[e] = pc;
			b->match[i] += b->pitm[e] / b->per;
		}
		vs_clip_normalise(c, P);
		for (int d = 0; d < P; d++)
			b->cos[i] += (double)img[d] * c[d];
	}
	rc = 0;
out:
	free(tv), free(c), free(totals);
	return rc;
}

/* The labels ranked (by match probability with --itm, else by cosine), or
 * with --explain every prompt of every label and the label's mean. */
static vs_result *blip_result(const vs_args *a, const blip_scores *b, int classify, int explain)
{
	vs_result *r = vs_result_new();
	int *order = vs_rank_order(b->itm ? b->match : b->cos, b->n);
	if (!r || !order) {
		vs_result_free(r);
		free(order);
		return NULL;
	}
	vs_result_col(r, explain ? "label" : "rank", explain ? VS_COL_STR : VS_COL_INT, 0);
	vs_result_col(r, explain ? "prompt" : classify ? "label" : "text", VS_COL_STR, 0);
	if (b->itm)
		vs_result_col(r, "itm", VS_COL_FLOAT, 6);
	vs_result_col(r, "cosine", VS_COL_FLOAT, 6);
	for (int oi = 0; oi < b->n; oi++) {
		int i = explain ? oi : order[oi];
		const char *label = a->argv[1 + i];
		for (int k = 0; explain && k < b->per && vs_result_row(r) == 0; k++) {
			vs_result_str(r, 0, label);
			vs_result_str(r, 1, b->prompts[i * b->per + k]);
			if (b->itm)
				vs_result_float(r, 2, b->pitm[i * b->per + k]);
			vs_result_float(r, 2 + b->itm, b->pcos[i * b->per + k]);
		}
		if (vs_result_row(r) < 0)
			break;
		if (explain) {
			char mean[64];
			snprintf(mean, sizeof mean, b->per > 1 ? "(mean of the %d prompts)" : "(the one prompt)", b->per);
			vs_result_str(r, 0, label);
			vs_result_str(r, 1, mean);
		} else {
			vs_result_int(r, 0, oi + 1);
			vs_result_str(r, 1, label);
		}
		if (b->itm)
			vs_result_float(r, 2, b->match[i]);
		vs_result_float(r, 2 + b->itm, b->cos[i]);
	}
	free(order);
	vs_result_note(r, "cosine: ITC, of the normalised text_proj and vision_proj of the first tokens");
	if (b->itm)
		vs_result_note(r, "itm: the probability that they match (itm_head on the text encoded with cross-attention over "
		                  "the image, %s first%s)%s", b->enc ? "[ENC]" : "[CLS]",
		               b->enc ? ", as Salesforce's code feeds it" : ", as Hugging Face feeds it",
		               b->per > 1 ? "; a label's itm is the mean over its prompts" : "");
	vs_result_title(r, "%s", a->argv[0]);
	vs_result_context_str(r, "image", a->argv[0]);
	return r;
}

/* clip sim and clip classify with a BLIP model: ITC's cosine, and with --itm
 * ITM's match probability (the ranking then). BLIP's retrieval checkpoints
 * have no temperature for a softmax. */
static int blip_compare(vs_session *s, vs_args *a, int classify, const char *const *templates, int nt)
{
	blip_scores b = {.n = a->argc - 1, .per = nt ? nt : 1, .itm = vs_arg_flag(a, "--itm"),
	                 .enc = vs_arg_flag(a, "--enc-first")};
	if (b.enc && !b.itm)
		return vs_session_error(s, "%s: --enc-first changes ITM's input: give --itm too", a->name);
	float *img = malloc((size_t)s->clip->proj * sizeof *img);
	vs_blip_image *im = NULL;
	vs_result *r = NULL;
	int rc = -1;
	if (!img)
		return vs_session_oom(s);
	if (b.itm ? !(im = vs_session_blip_image(s, a->name, a->argv[0], img)) : embed_image(s, a->argv[0], img) < 0)
		goto out;
	vs_clip_normalise(img, s->clip->proj);
	if (blip_prompts(s, a, classify ? templates : NULL, &b) < 0 || blip_score(s, a->name, img, im, &b) < 0)
		goto out;
	if (!(r = blip_result(a, &b, classify, classify && vs_arg_flag(a, "--explain")))) {
		vs_session_oom(s);
		goto out;
	}
	vs_session_show(s, r);
	rc = 0;
out:
	blip_scores_free(&b);
	free(img);
	return rc;
}

/* clip sim IMAGE TEXT...  and  clip classify IMAGE LABEL... [--template T]... */
static int clip_compare(vs_session *s, vs_args *a, int classify)
{
	const char *what = classify ? "classify" : "sim";
	if (!s->clip)
		return vs_session_error(s, "clip %s: no image-text model: 'clip load DIR' (or 'model load DIR') first", what);
	int n = a->argc - 1, P = s->clip->proj, nt;
	const char *const *templates = vs_arg_all(a, "--template", &nt);
	static const char *const default_template[] = {"a photo of a {}."};
	if (!classify || nt == 0) {
		templates = classify ? default_template : NULL;
		nt = classify ? 1 : 0;
	}
	for (int k = 0; k < nt; k++) /* a template without a place for the label gives every label one prompt */
		if (!strstr(templates[k], "{}"))
			return vs_session_error(s, "%s: the template '%s' has no {} for the label", a->name, templates[k]);
	if (s->clip->family == VS_FAMILY_BLIP)
		return blip_compare(s, a, classify, templates, nt);
	if (vs_arg_flag(a, "--itm") || vs_arg_flag(a, "--enc-first"))
		return vs_session_error(s, "%s: --itm needs a BLIP model (%s is CLIP, which has no matching head)", a->name,
		                        s->clip->name);
	float *img = malloc((size_t)P * sizeof *img), *cls = calloc((size_t)n * P, sizeof *cls), *t = malloc((size_t)P * sizeof *t);
	double *cos = malloc((size_t)n * sizeof *cos), *prob = malloc((size_t)n * sizeof *prob);
	double *pcos = malloc((size_t)n * (nt ? nt : 1) * sizeof *pcos); /* each prompt's cosine (--explain) */
	int rc = -1, explain = classify && vs_arg_flag(a, "--explain");
	if (!img || !cls || !t || !cos || !prob || !pcos) {
		vs_session_oom(s);
		goto out;
	}
	if (embed_image(s, a->argv[0], img) < 0)
		goto out;
	vs_clip_normalise(img, P);
	for (int i = 0; i < n; i++) {
		const char *label = a->argv[1 + i];
		float *c = cls + (size_t)i * P;
		for (int k = 0; k < (classify ? nt : 1); k++) {
			/* the template with {} replaced by the label */
			char text[4096];
			fill_template(classify ? templates[k] : "{}", label, text, sizeof text);
			if (vs_session_encode_text(s, a->name, text, t) < 0)
				goto out;
			vs_clip_normalise(t, P);
			double pc = 0;
			for (int d = 0; d < P; d++) {
				c[d] += t[d];
				pc += (double)img[d] * t[d];
			}
			pcos[(size_t)i * (nt ? nt : 1) + k] = pc;
		}
		vs_clip_normalise(c, P); /* the templates' mean, renormalised (the CLIP paper's ensemble) */
	}
	softmax_scores(s->clip, img, cls, n, cos, prob);
	if (explain) {
		rc = classify_explain(s, a, templates, nt, pcos, cos, prob);
		goto out;
	}
	vs_result *r = vs_result_new();
	if (!r) {
		vs_session_oom(s);
		goto out;
	}
	int *order = malloc((size_t)n * sizeof *order);
	for (int i = 0; order && i < n; i++)
		order[i] = i;
	for (int i = 1; order && i < n; i++) /* ranked by probability, best first */
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
		vs_result_str(r, 1, a->argv[1 + order[i]]);
		vs_result_float(r, 2, prob[order[i]]);
		vs_result_float(r, 3, cos[order[i]]);
	}
	free(order);
	vs_result_title(r, "%s", a->argv[0]);
	vs_result_context_str(r, "image", a->argv[0]);
	vs_session_show(s, r);
	rc = 0;
out:
	free(img), free(cls), free(t), free(cos), free(prob), free(pcos);
	return rc;
}

static int clip_sim(vs_session *s, vs_args *a)
{
	return clip_compare(s, a, 0);
}

static int clip_classify(vs_session *s, vs_args *a)
{
	return clip_compare(s, a, 1);
}

static const vs_option bpe_options[] = {
	{"--bpe", "FILE", "the BPE merges (bpe_simple_vocab_16e6.txt.gz or merges.txt)", VS_COMPLETE_FILE, NULL},
	{0},
};

static const vs_option vec_options[] = {
	{"--vec", NULL, "print the embeddings (7 significant digits)", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_option sim_options[] = {
	{"--itm", NULL, "BLIP: rank by image-text matching, with its probability", VS_COMPLETE_NONE, NULL},
	{"--enc-first", NULL, "BLIP: [ENC] first for ITM, as Salesforce's code (not Hugging Face)", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_option classify_options[] = {
	{"--template", "T", "a prompt with {} for the label (repeat to ensemble)", VS_COMPLETE_NONE, NULL},
	{"--explain", NULL, "each prompt's cosine, each label's mean, logit and softmax", VS_COMPLETE_NONE, NULL},
	{"--itm", NULL, "BLIP: rank by image-text matching, with its probability", VS_COMPLETE_NONE, NULL},
	{"--enc-first", NULL, "BLIP: [ENC] first for ITM, as Salesforce's code (not Hugging Face)", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_cmd_entry clip_load_entry = {
	.name = "load",
	.usage = "DIR [as NAME]",
	.summary = "load a Hugging Face CLIP or BLIP checkpoint folder (as 'model load')",
	.help = "DIR holds config.json, model.safetensors (mapped, F32 or F16) and the\n"
	        "tokenizer: merges.txt for CLIP, vocab.txt for BLIP. config.json's model_type\n"
	        "says which ('clip', or 'blip' for BlipForImageTextRetrieval checkpoints such\n"
	        "as Salesforce/blip-itm-base-coco); sizes come from the files and every\n"
	        "tensor's shape is checked. The model becomes the active one.",
	.example = "clip load clip-vit-base-patch32",
	.min_args = 1,
	.max_args = 3,
	.first_complete = VS_COMPLETE_FILE,
	.exec = vs_session_load_model,
};

static const vs_cmd_entry clip_tokens_entry = {
	.name = "tokens",
	.usage = "TEXT... [--bpe FILE]",
	.summary = "the tokens of texts, as the model's tokenizer gives them",
	.help = "With a BLIP model loaded: BERT's uncased WordPiece as Hugging Face's\n"
	        "BertTokenizer ([CLS] ... [SEP], special tokens split out first, accents\n"
	        "stripped, punctuation split, '##' continuations, [UNK] for what has no piece).\n"
	        "Otherwise CLIP's: "
	        "Unicode NFC, HTML entities unescaped twice, white space collapsed, lowercased,\n"
	        "split by CLIP's pattern, byte-level BPE with </w> word ends, <|startoftext|> and\n"
	        "<|endoftext|> around, at most 77 tokens (the end token kept). The merges file is\n"
	        "OpenAI's bpe_simple_vocab_16e6.txt.gz or a checkpoint's merges.txt, given with\n"
	        "--bpe (CLIP's, whatever model is loaded), or the loaded model's, or\n"
	        "VECSH_CLIP_BPE (kept for the session).",
	.example = "clip tokens \"a photo of a cat.\" --bpe bpe_simple_vocab_16e6.txt.gz",
	.min_args = 1,
	.max_args = -1,
	.options = bpe_options,
	.exec = clip_tokens,
};

static const vs_cmd_entry clip_text_entry = {
	.name = "text",
	.usage = "TEXT... [--vec]",
	.summary = "the text encoder's embedding of each text, with its norm",
	.help = "The norm of each embedding, or its values with --vec. For BLIP, ITC's text\n"
	        "embedding: text_proj of the first token, normalised (norm 1).",
	.example = "clip text \"a photo of a cat\" \"a diagram\" --vec",
	.min_args = 1,
	.max_args = -1,
	.options = vec_options,
	.exec = clip_text,
};

static const vs_cmd_entry clip_image_entry = {
	.name = "image",
	.usage = "FILE... [--vec]",
	.summary = "the image encoder's embedding of each image file, with its norm",
	.help = "PNG, JPEG, BMP, GIF and TGA, preprocessed as OpenAI's _transform through PIL\n"
	        "(CLIP), or as Hugging Face's BlipImageProcessor (BLIP: RGB, bicubic resize\n"
	        "straight to the model's size, no crop). For BLIP, ITC's image embedding:\n"
	        "vision_proj of the first token, normalised.",
	.example = "clip image cat.jpg --vec",
	.min_args = 1,
	.max_args = -1,
	.args_complete = VS_COMPLETE_FILE,
	.options = vec_options,
	.exec = clip_image,
};

static const vs_cmd_entry clip_sim_entry = {
	.name = "sim",
	.usage = "IMAGE TEXT... [--itm] [--enc-first]",
	.summary = "how well each text fits an image: cosine and probability",
	.help = "CLIP: the cosine of the image with each text, and the softmax over the texts\n"
	        "of exp(logit_scale) x cosine (CLIP's logits_per_image). BLIP: ITC's cosine,\n"
	        "and with --itm the image-text matching probability (the text encoded with\n"
	        "cross-attention over every image patch, itm_head, softmax), which then ranks\n"
	        "the texts. Hugging Face feeds ITM [CLS] first; --enc-first puts [ENC] first,\n"
	        "as Salesforce's BLIP code does. IMAGE may also name an embedding of the\n"
	        "active set (images add, or load FILE.npy --labels), except for --itm.",
	.example = "clip sim cat.jpg \"a cat\" \"a dog\"\nclip sim cat.jpg \"a cat on a sofa\" \"a dog\" --itm",
	.options = sim_options,
	.min_args = 2,
	.max_args = -1,
	.first_complete = VS_COMPLETE_FILE,
	.exec = clip_sim,
};

static const vs_cmd_entry clip_classify_entry = {
	.name = "classify",
	.usage = "IMAGE LABEL... [--template T]... [--explain] [--itm] [--enc-first]",
	.summary = "zero-shot labels: the labels ranked by CLIP's probability",
	.help = "Each label is put in the template ('a photo of a {}.' by default); several\n"
	        "--template options are averaged (normalised embeddings, renormalised), as the\n"
	        "CLIP paper ensembles prompts. --explain shows each filled prompt's cosine with\n"
	        "the image, and each label's ensembled cosine, logit and softmax probability.\n"
	        "With a BLIP model: ITC's cosine (no temperature, so no softmax), and with\n"
	        "--itm each label's ITM match probability (the mean over its prompts), which\n"
	        "ranks them.",
	.example = "clip classify cat.jpg cat dog bird --template \"a photo of a {}.\" --template \"a drawing of a {}.\"",
	.min_args = 2,
	.max_args = -1,
	.first_complete = VS_COMPLETE_FILE,
	.options = classify_options,
	.exec = clip_classify,
};

static const vs_cmd_entry *const clip_subcommands[] = {
	&clip_load_entry, &clip_tokens_entry, &clip_text_entry, &clip_image_entry, &clip_sim_entry, &clip_classify_entry,
	NULL,
};

const vs_cmd_entry cmd_clip_entry = {
	.name = "clip",
	.usage = "SUBCOMMAND ...",
	.summary = "CLIP and BLIP: tokens, text and image embeddings, similarity, zero-shot labels",
	.help = "CLIP puts images and texts in one space and compares them by cosine. BLIP\n"
	        "does the same (ITC) and adds a sharper judgement, image-text matching (ITM):\n"
	        "the text read with attention to every image patch, and a head that says\n"
	        "whether the pair matches (--itm). 'clip load' (or 'model load') reads a\n"
	        "checkpoint of either family; the other subcommands use the active model\n"
	        "(tokens needs only a merges file for CLIP).",
	.example = "clip load clip-vit-base-patch32\nclip classify cat.jpg cat dog bird",
	.subcommands = clip_subcommands,
};
