/* BLIP as Hugging Face's BlipForImageTextRetrieval computes it: a ViT
 * (fused qkv, pre-LayerNorm blocks, exact GELU, a final LayerNorm over every
 * token), a BERT text encoder (word and position embeddings, LayerNorm,
 * post-LayerNorm layers whose cross-attention reads the image tokens), ITC
 * (text_proj and vision_proj of the first tokens, normalised) and ITM
 * (itm_head on the first token of the text encoded with the image). */
#include "clip/internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct blip_text_layer {
	const float *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b, *ln_w, *ln_b;        /* self-attention */
	const float *cq_w, *cq_b, *ck_w, *ck_b, *cv_w, *cv_b, *co_w, *co_b, *cln_w, *cln_b; /* cross-attention */
	const float *fc1_w, *fc1_b, *fc2_w, *fc2_b, *oln_w, *oln_b;                      /* feed-forward */
} blip_text_layer;

struct vs_blip {
	int tw, tl, th, tf; /* text: width, layers, heads, feed-forward width */
	double teps;
	const float *word_emb, *pos_emb, *emb_ln_w, *emb_ln_b;
	blip_text_layer *text;
	const float *class_emb, *patch_w, *patch_b, *vpos_emb, *post_ln_w, *post_ln_b;
	const float *vproj_w, *vproj_b, *tproj_w, *tproj_b, *itm_w, *itm_b;
	int32_t enc_id; /* [ENC], or -1 */
	struct image_cache *images; /* image files encoded (vs_blip_image_file) */
};

struct vs_blip_image {
	int T;         /* tokens: 1 + patches */
	float *tokens; /* T x vision width, after post_layernorm */
	float *ck, *cv;/* each text layer's cross-attention keys and values: layers x T x text width (made on first use) */
};

/* Image files already encoded, by path, kept while the file's size and
 * modification time stay the same: a second `clip sim IMAGE ... --itm`
 * (another caption for the same picture) skips the vision tower. Only the
 * image last handed out keeps its cross-attention keys and values. */
#define IMAGE_CACHE_BYTES ((size_t)64 << 20)

typedef struct cached_image {
	char *path;
	off_t size;
	struct timespec mtime;
	vs_blip_image *im;
	float *itc;
	unsigned long used;
} cached_image;

typedef struct image_cache {
	cached_image *e;
	size_t n, cap;
	unsigned long clock;
} image_cache;

static void drop_cached(cached_image *c)
{
	free(c->path);
	vs_blip_image_free(c->im);
	free(c->itc);
}

void vs_blip_free(vs_clip_model *m)
{
	if (!m->blip)
		return;
	image_cache *ic = m->blip->images;
	for (size_t i = 0; ic && i < ic->n; i++)
		drop_cached(&ic->e[i]);
	if (ic)
		free(ic->e);
	free(ic);
	free(m->blip->text);
	free(m->blip);
	m->blip = NULL;
}


/* "gelu" (exact) is what BLIP's configs say; anything else is refused. */
static int gelu_only(const vs_clip_model *m, const cJSON *c, const char *which, vs_error *err)
{
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(c, "hidden_act");
	if (act && (!cJSON_IsString(act) || strcmp(act->valuestring, "gelu") != 0))
		return vs_fail(err, "%s/config.json: %s: hidden_act '%s' (BLIP's is 'gelu')", m->dir, which,
		               cJSON_IsString(act) ? act->valuestring : "?");
	return 0;
}

static int parse_configs(vs_clip_model *m, const cJSON *cfg, vs_error *err)
{
	struct vs_blip *b = m->blip;
	const cJSON *tc = cJSON_GetObjectItemCaseSensitive(cfg, "text_config");
	const cJSON *vc = cJSON_GetObjectItemCaseSensitive(cfg, "vision_config");
	/* Hugging Face's defaults (BlipTextConfig, BlipVisionConfig) where a key is absent */
	b->tw = vs_cfg_int(tc, "hidden_size", 768);
	b->tf = vs_cfg_int(tc, "intermediate_size", 3072);
	b->th = vs_cfg_int(tc, "num_attention_heads", 8);
	b->tl = vs_cfg_int(tc, "num_hidden_layers", 12);
	b->teps = vs_cfg_double(tc, "layer_norm_eps", 1e-12);
	m->context = vs_cfg_int(tc, "max_position_embeddings", 512);
	m->vocab = vs_cfg_int(tc, "vocab_size", 30524);
	vs_clip_tower *v = &m->vision;
	v->width = vs_cfg_int(vc, "hidden_size", 768);
	v->inter = vs_cfg_int(vc, "intermediate_size", 3072);
	v->heads = vs_cfg_int(vc, "num_attention_heads", 12);
	v->layers = vs_cfg_int(vc, "num_hidden_layers", 12);
	v->eps = vs_cfg_double(vc, "layer_norm_eps", 1e-5);
	v->quick_gelu = 0;
	m->image_size = vs_cfg_int(vc, "image_size", 384);
	m->patch_size = vs_cfg_int(vc, "patch_size", 16);
	m->proj = vs_cfg_int(cfg, "image_text_hidden_size", 256);
	/* the text tower is described in m->text too, for info */
	m->text.width = b->tw;
	m->text.inter = b->tf;
	m->text.heads = b->th;
	m->text.layers = b->tl;
	m->text.eps = b->teps;
	if (gelu_only(m, tc, "text_config", err) < 0 || gelu_only(m, vc, "vision_config", err) < 0)
		return -1;
	if (b->tw <= 0 || b->th <= 0 || b->tw % b->th || b->tl <= 0 || b->tl > 1000 || b->tf <= 0 || m->context <= 0 ||
	    m->context > 4096 || m->vocab <= 0 || !(b->teps > 0))
		return vs_fail(err, "%s/config.json: unsupported text_config (sizes, heads, positions or vocabulary)", m->dir);
	if (v->width <= 0 || v->heads <= 0 || v->width % v->heads || v->layers <= 0 || v->layers > 1000 || v->inter <= 0 ||
	    !(v->eps > 0) || m->patch_size <= 0 || m->image_size < m->patch_size || m->image_size % m->patch_size ||
	    m->image_size > 4096)
		return vs_fail(err, "%s/config.json: unsupported vision_config (sizes, heads, image or patch size)", m->dir);
	if (m->proj <= 0)
		return vs_fail(err, "%s/config.json: unsupported image_text_hidden_size", m->dir);
	return 0;
}

static int load_text(vs_clip_model *m, vs_error *err)
{
	struct vs_blip *b = m->blip;
	int D = b->tw, F = b->tf, V = m->vision.width;
	b->text = calloc((size_t)b->tl, sizeof *b->text);
	if (!b->text)
		return vs_oom(err);
	int ok = (b->word_emb = vs_model_weight2(m, "text_encoder.embeddings.word_embeddings.weight", m->vocab, D, err)) &&
	         (b->pos_emb = vs_model_weight2(m, "text_encoder.embeddings.position_embeddings.weight", m->context, D, err)) &&
	         (b->emb_ln_w = vs_model_weight2(m, "text_encoder.embeddings.LayerNorm.weight", D, -1, err)) &&
	         (b->emb_ln_b = vs_model_weight2(m, "text_encoder.embeddings.LayerNorm.bias", D, -1, err));
	char n[256];
#define W(field, suffix, d0, d1)                                                                                 \
	(snprintf(n, sizeof n, "text_encoder.encoder.layer.%d.%s", l, suffix), (L->field = vs_model_weight2(m, n, d0, d1, err)) != NULL)
	for (int l = 0; ok && l < b->tl; l++) {
		blip_text_layer *L = &b->text[l];
		ok = W(q_w, "attention.self.query.weight", D, D) && W(q_b, "attention.self.query.bias", D, -1) &&
		     W(k_w, "attention.self.key.weight", D, D) && W(k_b, "attention.self.key.bias", D, -1) &&
		     W(v_w, "attention.self.value.weight", D, D) && W(v_b, "attention.self.value.bias", D, -1) &&
		     W(o_w, "attention.output.dense.weight", D, D) && W(o_b, "attention.output.dense.bias", D, -1) &&
		     W(ln_w, "attention.output.LayerNorm.weight", D, -1) && W(ln_b, "attention.output.LayerNorm.bias", D, -1) &&
		     W(cq_w, "crossattention.self.query.weight", D, D) && W(cq_b, "crossattention.self.query.bias", D, -1) &&
		     W(ck_w, "crossattention.self.key.weight", D, V) && W(ck_b, "crossattention.self.key.bias", D, -1) &&
		     W(cv_w, "crossattention.self.value.weight", D, V) && W(cv_b, "crossattention.self.value.bias", D, -1) &&
		     W(co_w, "crossattention.output.dense.weight", D, D) && W(co_b, "crossattention.output.dense.bias", D, -1) &&
		     W(cln_w, "crossattention.output.LayerNorm.weight", D, -1) &&
		     W(cln_b, "crossattention.output.LayerNorm.bias", D, -1) &&
		     W(fc1_w, "intermediate.dense.weight", F, D) && W(fc1_b, "intermediate.dense.bias", F, -1) &&
		     W(fc2_w, "output.dense.weight", D, F) && W(fc2_b, "output.dense.bias", D, -1) &&
		     W(oln_w, "output.LayerNorm.weight", D, -1) && W(oln_b, "output.LayerNorm.bias", D, -1);
	}
#undef W
	return ok ? 0 : -1;
}

/* The ViT: its blocks as CLIP's tower, q, k and v pointing into the fused qkv. */
static int load_vision(vs_clip_model *m, vs_error *err)
{
	struct vs_blip *b = m->blip;
	vs_clip_tower *t = &m->vision;
	int D = t->width, F = t->inter, p = m->patch_size, g = m->image_size / p;
	t->layer = calloc((size_t)t->layers, sizeof *t->layer);
	if (!t->layer)
		return vs_oom(err);
	int64_t cls_dims[4] = {1, 1, D, -1}, pos_dims[4] = {1, g * g + 1, D, -1}, patch_dims[5] = {D, 3, p, p, -1};
	int ok = (b->class_emb = vs_model_weight(m, "vision_model.embeddings.class_embedding", cls_dims, err)) &&
	         (b->vpos_emb = vs_model_weight(m, "vision_model.embeddings.position_embedding", pos_dims, err)) &&
	         (b->patch_w = vs_model_weight(m, "vision_model.embeddings.patch_embedding.weight", patch_dims, err)) &&
	         (b->patch_b = vs_model_weight2(m, "vision_model.embeddings.patch_embedding.bias", D, -1, err)) &&
	         (b->post_ln_w = vs_model_weight2(m, "vision_model.post_layernorm.weight", D, -1, err)) &&
	         (b->post_ln_b = vs_model_weight2(m, "vision_model.post_layernorm.bias", D, -1, err));
	char n[256];
	for (int l = 0; ok && l < t->layers; l++) {
		vs_clip_text_layer *L = &t->layer[l];
		const float *qkv_w, *qkv_b;
#define W(field, suffix, d0, d1)                                                                                 \
	(snprintf(n, sizeof n, "vision_model.encoder.layers.%d.%s", l, suffix), (field = vs_model_weight2(m, n, d0, d1, err)) != NULL)
		ok = W(L->ln1_w, "layer_norm1.weight", D, -1) && W(L->ln1_b, "layer_norm1.bias", D, -1) &&
		     W(qkv_w, "self_attn.qkv.weight", 3 * D, D) && W(qkv_b, "self_attn.qkv.bias", 3 * D, -1) &&
		     W(L->o_w, "self_attn.projection.weight", D, D) && W(L->o_b, "self_attn.projection.bias", D, -1) &&
		     W(L->ln2_w, "layer_norm2.weight", D, -1) && W(L->ln2_b, "layer_norm2.bias", D, -1) &&
		     W(L->fc1_w, "mlp.fc1.weight", F, D) && W(L->fc1_b, "mlp.fc1.bias", F, -1) &&
		     W(L->fc2_w, "mlp.fc2.weight", D, F) && W(L->fc2_b, "mlp.fc2.bias", D, -1);
#undef W
		if (ok) { /* rows of qkv: every head's q, then k, then v */
			L->q_w = qkv_w, L->k_w = qkv_w + (size_t)D * D, L->v_w = qkv_w + (size_t)2 * D * D;
			L->q_b = qkv_b, L->k_b = qkv_b + D, L->v_b = qkv_b + 2 * D;
		}
	}
	return ok ? 0 : -1;
}

static int load_heads(vs_clip_model *m, vs_error *err)
{
	struct vs_blip *b = m->blip;
	int E = m->proj, V = m->vision.width, D = b->tw;
	if (!vs_safetensors_find(m->st, "itm_head.weight"))
		return vs_fail(err, "%s/model.safetensors: no tensor 'itm_head.weight': vecsh runs BLIP's retrieval "
		               "checkpoints (BlipForImageTextRetrieval, such as Salesforce/blip-itm-base-coco)", m->dir);
	int ok = (b->vproj_w = vs_model_weight2(m, "vision_proj.weight", E, V, err)) && (b->vproj_b = vs_model_weight2(m, "vision_proj.bias", E, -1, err)) &&
	         (b->tproj_w = vs_model_weight2(m, "text_proj.weight", E, D, err)) && (b->tproj_b = vs_model_weight2(m, "text_proj.bias", E, -1, err)) &&
	         (b->itm_w = vs_model_weight2(m, "itm_head.weight", 2, D, err)) && (b->itm_b = vs_model_weight2(m, "itm_head.bias", 2, -1, err));
	return ok ? 0 : -1;
}

int vs_blip_load(vs_clip_model *m, const cJSON *cfg, vs_error *err)
{
	m->family = VS_FAMILY_BLIP;
	m->blip = calloc(1, sizeof *m->blip);
	if (!m->blip)
		return vs_oom(err);
	if (parse_configs(m, cfg, err) < 0)
		return -1;
	char path[4096];
	snprintf(path, sizeof path, "%s/model.safetensors", m->dir);
	m->st = vs_safetensors_open(path, err);
	if (!m->st || load_heads(m, err) < 0 || load_vision(m, err) < 0 || load_text(m, err) < 0)
		return -1;
	m->bert = vs_bert_tokenizer_load(m->dir, err);
	if (!m->bert)
		return -1;
	if (vs_bert_vocab_size(m->bert) > (size_t)m->vocab)
		return vs_fail(err, "%s/vocab.txt: %zu tokens with the added ones, more than the model's vocab_size %d", m->dir,
		               vs_bert_vocab_size(m->bert), m->vocab);
	m->blip->enc_id = (int32_t)vs_bert_token_id(m->bert, "[ENC]");
	return 0;
}


/* The image's cross-attention keys and values in every text layer. */
static int cross_kv(const vs_clip_model *m, vs_blip_image *im)
{
	const struct vs_blip *b = m->blip;
	size_t per = (size_t)im->T * b->tw;
	im->ck = malloc((size_t)b->tl * per * sizeof *im->ck);
	im->cv = malloc((size_t)b->tl * per * sizeof *im->cv);
	if (!im->ck || !im->cv) {
		free(im->ck), free(im->cv);
		im->ck = im->cv = NULL;
		return -1;
	}
	for (int l = 0; l < b->tl; l++) {
		const blip_text_layer *L = &b->text[l];
		vs_nn_linear(im->tokens, im->T, m->vision.width, L->ck_w, L->ck_b, b->tw, im->ck + l * per);
		vs_nn_linear(im->tokens, im->T, m->vision.width, L->cv_w, L->cv_b, b->tw, im->cv + l * per);
	}
	return 0;
}

/* The text encoder over B sequences at once (their ids one after another,
 * len[s] each), with cross-attention over im's tokens when im is given (its
 * keys and values made); each sequence's first token's final state into
 * first (B x text width). The linear layers see every token of every
 * sequence in one product, so a batch reads the weights once. */
static int bert_forward(const vs_clip_model *m, const int32_t *ids, const int *len, int B, const vs_blip_image *im,
                        float *first, vs_error *err)
{
	const struct vs_blip *b = m->blip;
	int D = b->tw, F = b->tf, H = b->th, T = im ? im->T : 0, n = 0;
	for (int sq = 0; sq < B; sq++) {
		if (len[sq] < 1 || len[sq] > m->context)
			return vs_fail(err, "%d tokens (the model takes 1 to %d)", len[sq], m->context);
		n += len[sq];
	}
	for (int i = 0; i < n; i++)
		if (ids[i] < 0 || ids[i] >= m->vocab)
			return vs_fail(err, "token id %d is outside the vocabulary of %d", ids[i], m->vocab);
	size_t nd = (size_t)n * D;
	float *x = malloc(nd * sizeof *x), *h = malloc(nd * sizeof *h), *q = malloc(nd * sizeof *q);
	float *k = malloc(nd * sizeof *k), *v = malloc(nd * sizeof *v), *o = malloc(nd * sizeof *o);
	float *mlp = malloc((size_t)n * F * sizeof *mlp);
	int rc = -1;
	if (!x || !h || !q || !k || !v || !o || !mlp) {
		vs_oom(err);
		goto out;
	}
	for (int sq = 0, at = 0; sq < B; at += len[sq++])
		for (int i = 0; i < len[sq]; i++)
			for (int j = 0; j < D; j++)
				x[(size_t)(at + i) * D + j] = b->word_emb[(size_t)ids[at + i] * D + j] + b->pos_emb[(size_t)i * D + j];
	vs_nn_layer_norm(x, n, D, b->emb_ln_w, b->emb_ln_b, b->teps);
	for (int l = 0; l < b->tl; l++) {
		const blip_text_layer *L = &b->text[l];
		vs_nn_linear(x, n, D, L->q_w, L->q_b, D, q);
		vs_nn_linear(x, n, D, L->k_w, L->k_b, D, k);
		vs_nn_linear(x, n, D, L->v_w, L->v_b, D, v);
		for (int sq = 0, at = 0; sq < B; at += len[sq++]) { /* each sequence attends to itself */
			size_t r = (size_t)at * D;
			if (vs_nn_attention(q + r, D, k + r, D, v + r, D, o + r, D, len[sq], len[sq], D, H, 0) < 0)
				goto oom;
		}
		vs_nn_linear(o, n, D, L->o_w, L->o_b, D, h);
		vs_nn_add_norm(x, h, x, n, D, L->ln_w, L->ln_b, b->teps);
		if (im) {
			size_t per = (size_t)T * D;
			vs_nn_linear(x, n, D, L->cq_w, L->cq_b, D, q);
			if (vs_nn_attention(q, D, im->ck + l * per, D, im->cv + l * per, D, o, D, n, T, D, H, 0) < 0)
				goto oom;
			vs_nn_linear(o, n, D, L->co_w, L->co_b, D, h);
			vs_nn_add_norm(x, h, x, n, D, L->cln_w, L->cln_b, b->teps);
		}
		vs_nn_linear(x, n, D, L->fc1_w, L->fc1_b, F, mlp);
		vs_nn_gelu(mlp, (size_t)n * F);
		vs_nn_linear(mlp, n, F, L->fc2_w, L->fc2_b, D, h);
		vs_nn_add_norm(x, h, x, n, D, L->oln_w, L->oln_b, b->teps);
	}
	for (int sq = 0, at = 0; sq < B; at += len[sq++])
		memcpy(first + (size_t)sq * D, x + (size_t)at * D, (size_t)D * sizeof *first);
	rc = 0;
	goto out;
oom:
	vs_oom(err);
out:
	free(x), free(h), free(q), free(k), free(v), free(o), free(mlp);
	return rc;
}

int vs_blip_encode_token_batch(const vs_clip_model *m, const int32_t *ids, const int *len, int B, float *out,
                               vs_error *err)
{
	float *first = malloc((size_t)(B > 0 ? B : 1) * m->blip->tw * sizeof *first);
	if (!first)
		return vs_oom(err);
	int rc = bert_forward(m, ids, len, B, NULL, first, err);
	if (rc == 0) {
		vs_nn_linear(first, B, m->blip->tw, m->blip->tproj_w, m->blip->tproj_b, m->proj, out);
		for (int sq = 0; sq < B; sq++)
			vs_clip_normalise(out + (size_t)sq * m->proj, m->proj);
	}
	free(first);
	return rc;
}

int vs_blip_encode_tokens(const vs_clip_model *m, const int32_t *ids, int n, float *out, vs_error *err)
{
	return vs_blip_encode_token_batch(m, ids, &n, 1, out, err);
}

/* Every image's tokens (batch x T x width) after the tower and post_layernorm. */
static float *vision_tokens(const vs_clip_model *m, const float *pixels, int batch, vs_error *err)
{
	const struct vs_blip *b = m->blip;
	int D = m->vision.width, g = m->image_size / m->patch_size, T = g * g + 1;
	float *x = vs_nn_vit_input(pixels, batch, m->image_size, m->patch_size, D, b->patch_w, b->patch_b, b->class_emb,
	                           b->vpos_emb);
	if (!x) {
		vs_oom(err);
		return NULL;
	}
	if (vs_nn_run_tower(&m->vision, x, batch * T, T, 0) < 0) {
		free(x);
		vs_oom(err);
		return NULL;
	}
	vs_nn_layer_norm(x, batch * T, D, b->post_ln_w, b->post_ln_b, m->vision.eps);
	return x;
}

/* ITC's image embedding from the image's first token. */
static void image_itc(const vs_clip_model *m, const float *first, float *out)
{
	vs_nn_linear(first, 1, m->vision.width, m->blip->vproj_w, m->blip->vproj_b, m->proj, out);
	vs_clip_normalise(out, m->proj);
}

int vs_blip_encode_pixels_batch(const vs_clip_model *m, const float *pixels, int batch, float *out, vs_error *err)
{
	float *x = vision_tokens(m, pixels, batch, err);
	if (!x)
		return -1;
	size_t per = (size_t)(m->image_size / m->patch_size) * (m->image_size / m->patch_size) + 1;
	for (int bi = 0; bi < batch; bi++)
		image_itc(m, x + (size_t)bi * per * m->vision.width, out + (size_t)bi * m->proj);
	free(x);
	return 0;
}

vs_blip_image *vs_blip_image_encode(const vs_clip_model *m, const float *pixels, float *itc, vs_error *err)
{
	if (m->family != VS_FAMILY_BLIP) {
		vs_fail(err, "%s is a CLIP model: image-text matching needs a BLIP model", m->name ? m->name : m->dir);
		return NULL;
	}
	vs_blip_image *im = calloc(1, sizeof *im);
	if (!im) {
		vs_oom(err);
		return NULL;
	}
	int g = m->image_size / m->patch_size;
	im->T = g * g + 1;
	im->tokens = vision_tokens(m, pixels, 1, err);
	if (!im->tokens) {
		free(im);
		return NULL;
	}
	if (itc)
		image_itc(m, im->tokens, itc);
	return im;
}

void vs_blip_image_free(vs_blip_image *im)
{
	if (!im)
		return;
	free(im->tokens);
	free(im->ck);
	free(im->cv);
	free(im);
}

int vs_blip_itm_batch(const vs_clip_model *m, vs_blip_image *im, const int32_t *ids, const int *len, int B,
                      int enc_first, double *prob, vs_error *err)
{
	if (enc_first && m->blip->enc_id < 0)
		return vs_fail(err, "%s/vocab.txt: no [ENC] token to put first", m->dir);
	if (!im->ck && cross_kv(m, im) < 0)
		return vs_oom(err);
	size_t n = 0;
	for (int sq = 0; sq < B; sq++)
		n += len[sq] > 0 ? (size_t)len[sq] : 0;
	int32_t *use = malloc((n ? n : 1) * sizeof *use);
	float *first = malloc((size_t)(B > 0 ? B : 1) * m->blip->tw * sizeof *first);
	int rc = -1;
	if (!use || !first) {
		vs_oom(err);
		goto out;
	}
	memcpy(use, ids, n * sizeof *use);
	for (int sq = 0, at = 0; enc_first && sq < B; at += len[sq++])
		if (len[sq] > 0)
			use[at] = m->blip->enc_id;
	if (bert_forward(m, use, len, B, im, first, err) < 0)
		goto out;
	for (int sq = 0; sq < B; sq++) {
		float logit[2];
		vs_nn_linear(first + (size_t)sq * m->blip->tw, 1, m->blip->tw, m->blip->itm_w, m->blip->itm_b, 2, logit);
		/* softmax over (no match, match) */
		prob[sq] = 1.0 / (1.0 + exp((double)logit[0] - (double)logit[1]));
	}
	rc = 0;
out:
	free(use);
	free(first);
	return rc;
}

int vs_blip_itm(const vs_clip_model *m, vs_blip_image *im, const int32_t *ids, int n, int enc_first, double *prob,
                vs_error *err)
{
	return vs_blip_itm_batch(m, im, ids, &n, 1, enc_first, prob, err);
}

/* The token ids of texts, one after another (malloc'd), their counts in len
 * and their counts before cutting in totals (may be NULL). */
static int32_t *tokenize_all(const vs_clip_model *m, const char *const *texts, int B, int *len, size_t *totals,
                             vs_error *err)
{
	size_t ctx = m->context < 4096 ? (size_t)m->context : 4096;
	int32_t *ids = malloc((size_t)(B > 0 ? B : 1) * ctx * sizeof *ids);
	if (!ids) {
		vs_oom(err);
		return NULL;
	}
	size_t at = 0;
	for (int sq = 0; sq < B; sq++) {
		size_t total;
		len[sq] = vs_bert_tokenize(m->bert, texts[sq], ids + at, ctx, &total);
		if (len[sq] < 0) {
			free(ids);
			vs_oom(err);
			return NULL;
		}
		if (totals)
			totals[sq] = total;
		at += (size_t)len[sq];
	}
	return ids;
}

int vs_blip_itm_texts(const vs_clip_model *m, vs_blip_image *im, const char *const *texts, int B, int enc_first,
                      double *prob, size_t *totals, vs_error *err)
{
	int *len = malloc((size_t)(B > 0 ? B : 1) * sizeof *len);
	int32_t *ids = len ? tokenize_all(m, texts, B, len, totals, err) : NULL;
	int rc = ids ? vs_blip_itm_batch(m, im, ids, len, B, enc_first, prob, err) : len ? -1 : vs_oom(err);
	free(ids);
	free(len);
	return rc;
}

int vs_blip_itm_text(const vs_clip_model *m, vs_blip_image *im, const char *text, int enc_first, double *prob,
                     size_t *total, vs_error *err)
{
	return vs_blip_itm_texts(m, im, &text, 1, enc_first, prob, total, err);
}

int vs_blip_encode_texts(const vs_clip_model *m, const char *const *texts, int B, float *out, size_t *totals,
                         vs_error *err)
{
	int *len = malloc((size_t)(B > 0 ? B : 1) * sizeof *len);
	int32_t *ids = len ? tokenize_all(m, texts, B, len, totals, err) : NULL;
	int rc = ids ? vs_blip_encode_token_batch(m, ids, len, B, out, err) : len ? -1 : vs_oom(err);
	free(ids);
	free(len);
	return rc;
}

static size_t image_bytes(const vs_clip_model *m)
{
	int g = m->image_size / m->patch_size;
	return ((size_t)g * g + 1) * (size_t)m->vision.width * sizeof(float);
}

/* Room for one more image: the least recently used go while the cache
 * would pass its size (the one just used always stays). */
static int make_room(vs_clip_model *m, image_cache *ic)
{
	size_t per = image_bytes(m), keep = IMAGE_CACHE_BYTES / per;
	while (ic->n > 0 && ic->n >= (keep ? keep : 1)) {
		size_t old = 0;
		for (size_t i = 1; i < ic->n; i++)
			if (ic->e[i].used < ic->e[old].used)
				old = i;
		drop_cached(&ic->e[old]);
		ic->e[old] = ic->e[--ic->n];
	}
	if (ic->n == ic->cap) {
		size_t cap = ic->cap ? 2 * ic->cap : 8;
		cached_image *e = realloc(ic->e, cap * sizeof *e);
		if (!e)
			return -1;
		ic->e = e;
		ic->cap = cap;
	}
	return 0;
}

vs_blip_image *vs_blip_image_file(vs_clip_model *m, const char *path, float *itc, vs_error *err)
{
	if (m->family != VS_FAMILY_BLIP) {
		vs_fail(err, "%s is a CLIP model: image-text matching needs a BLIP model", m->name ? m->name : m->dir);
		return NULL;
	}
	struct stat st;
	if (stat(path, &st) != 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!m->blip->images && !(m->blip->images = calloc(1, sizeof *m->blip->images))) {
		vs_oom(err);
		return NULL;
	}
	image_cache *ic = m->blip->images;
	cached_image *hit = NULL;
	for (size_t i = 0; i < ic->n; i++) {
		cached_image *c = &ic->e[i];
		if (strcmp(c->path, path) != 0)
			continue;
		if (c->size == st.st_size && c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec)
			hit = c;
		else { /* the file changed: encoded again */
			drop_cached(c);
			ic->e[i] = ic->e[--ic->n];
		}
		break;
	}
	if (!hit) {
		float *e_itc = malloc((size_t)m->proj * sizeof *e_itc);
		char *p = strdup(path);
		float *px = e_itc && p && make_room(m, ic) == 0 ? vs_model_file_pixels(m, path, err) : NULL;
		vs_blip_image *im = px ? vs_blip_image_encode(m, px, e_itc, err) : NULL;
		free(px);
		if (!im) {
			if (!e_itc || !p)
				vs_oom(err);
			free(e_itc), free(p);
			return NULL;
		}
		hit = &ic->e[ic->n++];
		*hit = (cached_image){p, st.st_size, st.st_mtim, im, e_itc, 0};
	}
	hit->used = ++ic->clock;
	for (size_t i = 0; i < ic->n; i++) /* only this one keeps its keys and values (42 MB at base shapes) */
		if (&ic->e[i] != hit) {
			free(ic->e[i].im->ck), free(ic->e[i].im->cv);
			ic->e[i].im->ck = ic->e[i].im->cv = NULL;
		}
	if (itc)
		memcpy(itc, hit->itc, (size_t)m->proj * sizeof *itc);
	return hit->im;
}
