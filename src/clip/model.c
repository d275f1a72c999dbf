/* CLIP's text encoder: token and position embeddings, pre-LayerNorm
 * transformer blocks with the causal mask, QuickGELU (or GELU) MLPs, the
 * final LayerNorm, the features at the end-of-text token, the projection. */
#include "clip/internal.h"

#include <cblas.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void vs_clip_free(vs_clip_model *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nowned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->text.layer);
	free(m->vision.layer);
	vs_blip_free(m);
	vs_bert_tokenizer_free(m->bert);
	vs_safetensors_close(m->st);
	vs_clip_tokenizer_free(m->tokenizer);
	free(m->name);
	free(m->dir);
	free(m);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
		free(s);
		s = NULL;
	}
	if (s)
		s[n] = '\0';
	fclose(f);
	return s;
}

/* An integer of the text config, or the default Hugging Face applies when absent. */




/* The keys both towers' configs share (Hugging Face's defaults when absent),
 * and the blocks' tensors; 0, or -1 with a message naming the config. */
static int parse_tower(vs_clip_model *m, const cJSON *c, vs_clip_tower *t, const char *which, int width, int heads,
                       vs_error *err)
{
	t->width = vs_cfg_int(c, "hidden_size", width);
	t->inter = vs_cfg_int(c, "intermediate_size", 4 * width);
	t->heads = vs_cfg_int(c, "num_attention_heads", heads);
	t->layers = vs_cfg_int(c, "num_hidden_layers", 12);
	const cJSON *eps = cJSON_GetObjectItemCaseSensitive(c, "layer_norm_eps");
	t->eps = cJSON_IsNumber(eps) ? eps->valuedouble : 1e-5;
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(c, "hidden_act");
	t->quick_gelu = !cJSON_IsString(act) || strcmp(act->valuestring, "quick_gelu") == 0;
	if ((cJSON_IsString(act) && !t->quick_gelu && strcmp(act->valuestring, "gelu") != 0) || t->width <= 0 ||
	    t->heads <= 0 || t->width % t->heads || t->layers <= 0 || t->layers > 1000 || t->inter <= 0)
		return vs_fail(err, "%s/config.json: unsupported %s (sizes, heads or hidden_act)", m->dir, which);
	return 0;
}

static int load_tower(vs_clip_model *m, const char *prefix, vs_clip_text_layer *layers, int nl, int D, int F,
                      vs_error *err)
{
	char n[256];
	int ok = 1;
#define W(field, suffix, d0, d1)                                                                                 \
	(snprintf(n, sizeof n, "%s.encoder.layers.%d.%s", prefix, l, suffix), (L->field = vs_model_weight2(m, n, d0, d1, err)) != NULL)
	for (int l = 0; ok && l < nl; l++) {
		vs_clip_text_layer *L = &layers[l];
		ok = W(ln1_w, "layer_norm1.weight", D, -1) && W(ln1_b, "layer_norm1.bias", D, -1) &&
		     W(q_w, "self_attn.q_proj.weight", D, D) && W(q_b, "self_attn.q_proj.bias", D, -1) &&
		     W(k_w, "self_attn.k_proj.weight", D, D) && W(k_b, "self_attn.k_proj.bias", D, -1) &&
		     W(v_w, "self_attn.v_proj.weight", D, D) && W(v_b, "self_attn.v_proj.bias", D, -1) &&
		     W(o_w, "self_attn.out_proj.weight", D, D) && W(o_b, "self_attn.out_proj.bias", D, -1) &&
		     W(ln2_w, "layer_norm2.weight", D, -1) && W(ln2_b, "layer_norm2.bias", D, -1) &&
		     W(fc1_w, "mlp.fc1.weight", F, D) && W(fc1_b, "mlp.fc1.bias", F, -1) &&
		     W(fc2_w, "mlp.fc2.weight", D, F) && W(fc2_b, "mlp.fc2.bias", D, -1);
	}
#undef W
	return ok;
}

/* The vision tower: present in every CLIP checkpoint. */
static int load_vision(vs_clip_model *m, const cJSON *vc, vs_error *err)
{
	vs_clip_tower *t = &m->vision;
	if (parse_tower(m, vc, t, "vision_config", 768, 12, err) < 0)
		return -1;
	m->image_size = vs_cfg_int(vc, "image_size", 224);
	m->patch_size = vs_cfg_int(vc, "patch_size", 32);
	if (m->patch_size <= 0 || m->image_size < m->patch_size || m->image_size % m->patch_size || m->image_size > 4096)
		return vs_fail(err, "%s/config.json: unsupported vision_config (image and patch sizes)", m->dir);
	t->layer = calloc((size_t)t->layers, sizeof *t->layer);
	if (!t->layer)
		return vs_oom(err);
	int D = t->width, g = m->image_size / m->patch_size, p = m->patch_size;
	int64_t patch_dims[5] = {D, 3, p, p, -1};
	m->patch_w = vs_model_weight(m, "vision_model.embeddings.patch_embedding.weight", patch_dims, err);
	int ok = m->patch_w && (m->class_emb = vs_model_weight2(m, "vision_model.embeddings.class_embedding", D, -1, err)) &&
	         (m->vpos_emb = vs_model_weight2(m, "vision_model.embeddings.position_embedding.weight", g * g + 1, D, err)) &&
	         (m->pre_ln_w = vs_model_weight2(m, "vision_model.pre_layrnorm.weight", D, -1, err)) &&
	         (m->pre_ln_b = vs_model_weight2(m, "vision_model.pre_layrnorm.bias", D, -1, err)) &&
	         (m->post_ln_w = vs_model_weight2(m, "vision_model.post_layernorm.weight", D, -1, err)) &&
	         (m->post_ln_b = vs_model_weight2(m, "vision_model.post_layernorm.bias", D, -1, err)) &&
	         (m->visual_proj = vs_model_weight2(m, "visual_projection.weight", m->proj, D, err)) &&
	         load_tower(m, "vision_model", t->layer, t->layers, D, t->inter, err);
	return ok ? 0 : -1;
}

vs_clip_model *vs_clip_load(const char *dir, vs_error *err)
{
	struct stat st;
	if (stat(dir, &st) != 0) {
		vs_fail(err, "%s: %s (give the folder of a CLIP or BLIP checkpoint)", dir, strerror(errno));
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		vs_fail(err, "%s: a file, not a folder (a CLIP or BLIP checkpoint is a folder with config.json and "
		        "model.safetensors)", dir);
		return NULL;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/config.json", dir);
	char *json = read_text(path);
	if (!json) {
		vs_fail(err, "%s: cannot read it (a CLIP or BLIP checkpoint folder has config.json)", path);
		return NULL;
	}
	cJSON *cfg = cJSON_Parse(json);
	free(json);
	if (!cfg) {
		vs_fail(err, "%s: not valid JSON", path);
		return NULL;
	}
	const cJSON *tc = cJSON_GetObjectItemCaseSensitive(cfg, "text_config");
	if (!cJSON_IsObject(tc))
		tc = cJSON_GetObjectItemCaseSensitive(cfg, "text_config_dict");
	vs_clip_model *m = calloc(1, sizeof *m);
	if (!m) {
		cJSON_Delete(cfg);
		vs_oom(err);
		return NULL;
	}
	m->dir = strdup(dir);
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(cfg, "model_type");
	if (cJSON_IsString(type) && strcmp(type->valuestring, "clip") != 0) {
		int rc = !m->dir                                   ? vs_oom(err)
		         : strcmp(type->valuestring, "blip") == 0 ? vs_blip_load(m, cfg, err)
		                                                  : vs_fail(err, "%s: model_type '%s': vecsh runs 'clip' and "
		                                                                 "'blip' checkpoints", path, type->valuestring);
		cJSON_Delete(cfg);
		if (rc < 0) {
			vs_clip_free(m);
			return NULL;
		}
		return m;
	}
	m->context = vs_cfg_int(tc, "max_position_embeddings", 77);
	m->vocab = vs_cfg_int(tc, "vocab_size", 49408);
	m->proj = vs_cfg_int(cfg, "projection_dim", 512);
	int bad = !m->dir ? vs_oom(err)
	          : parse_tower(m, tc, &m->text, "text_config", 512, 8, err) < 0 ? -1
	          : m->context <= 0 || m->context > 4096 || m->vocab <= 0 || m->proj <= 0
	              ? vs_fail(err, "%s: unsupported text_config (context, vocabulary or projection)", path)
	              : 0;
	if (bad) {
		cJSON_Delete(cfg);
		vs_clip_free(m);
		return NULL;
	}
	snprintf(path, sizeof path, "%s/model.safetensors", dir);
	m->st = vs_safetensors_open(path, err);
	m->text.layer = calloc((size_t)m->text.layers, sizeof *m->text.layer);
	if (!m->st || !m->text.layer) {
		if (m->st)
			vs_oom(err);
		cJSON_Delete(cfg);
		vs_clip_free(m);
		return NULL;
	}
	int D = m->text.width, F = m->text.inter;
	int ok = (m->tok_emb = vs_model_weight2(m, "text_model.embeddings.token_embedding.weight", m->vocab, D, err)) &&
	         (m->pos_emb = vs_model_weight2(m, "text_model.embeddings.position_embedding.weight", m->context, D, err)) &&
	         (m->lnf_w = vs_model_weight2(m, "text_model.final_layer_norm.weight", D, -1, err)) &&
	         (m->lnf_b = vs_model_weight2(m, "text_model.final_layer_norm.bias", D, -1, err)) &&
	         (m->text_proj = vs_model_weight2(m, "text_projection.weight", m->proj, D, err));
	ok = ok && load_tower(m, "text_model", m->text.layer, m->text.layers, D, F, err);
	const cJSON *vc = cJSON_GetObjectItemCaseSensitive(cfg, "vision_config");
	if (!cJSON_IsObject(vc))
		vc = cJSON_GetObjectItemCaseSensitive(cfg, "vision_config_dict");
	ok = ok && load_vision(m, vc, err) == 0;
	cJSON_Delete(cfg);
	const vs_tensor *ls = ok ? vs_safetensors_find(m->st, "logit_scale") : NULL;
	if (ok && ls) {
		int64_t none[1] = {-1}, one[2] = {1, -1};
		float *owned;
		const float *v = vs_tensor_f32(m->st, "logit_scale", ls->ndim ? one : none, &owned, err);
		if (!v)
			ok = 0;
		else
			m->logit_scale = v[0];
		free(owned);
	} else if (ok) {
		vs_fail(err, "%s: no tensor 'logit_scale'", path);
		ok = 0;
	}
	if (ok) {
		snprintf(path, sizeof path, "%s/merges.txt", dir);
		if (access(path, R_OK) != 0)
			snprintf(path, sizeof path, "%s/bpe_simple_vocab_16e6.txt.gz", dir);
		m->tokenizer = vs_clip_tokenizer_load(path, err);
		ok = m->tokenizer != NULL;
	}
	if (!ok) {
		vs_clip_free(m);
		return NULL;
	}
	return m;
}






int vs_clip_encode_tokens(const vs_clip_model *m, const int32_t *ids, int n, float *out, vs_error *err)
{
	if (m->family == VS_FAMILY_BLIP)
		return vs_blip_encode_tokens(m, ids, n, out, err);
	if (n < 1 || n > m->context)
		return vs_fail(err, "%d tokens (the model takes 1 to %d)", n, m->context);
	int D = m->text.width;
	float *x = malloc((size_t)n * D * sizeof *x);
	int rc = -1;
	if (!x) {
		vs_oom(err);
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (ids[i] < 0 || ids[i] >= m->vocab) {
			vs_fail(err, "token id %d is outside the vocabulary of %d", ids[i], m->vocab);
			goto out;
		}
		for (int j = 0; j < D; j++)
			x[(size_t)i * D + j] = m->tok_emb[(size_t)ids[i] * D + j] + m->pos_emb[(size_t)i * D + j];
	}
	if (vs_nn_run_tower(&m->text, x, n, n, 1) < 0) {
		vs_oom(err);
		goto out;
	}
	vs_nn_layer_norm(x, n, D, m->lnf_w, m->lnf_b, m->text.eps);
	/* the features at the end-of-text token: the first position of the highest id */
	int eot = 0;
	for (int i = 1; i < n; i++)
		if (ids[i] > ids[eot])
			eot = i;
	vs_nn_linear(x + (size_t)eot * D, 1, D, m->text_proj, NULL, m->proj, out);
	rc = 0;
out:
	free(x);
	return rc;
}

int vs_clip_encode_pixels(const vs_clip_model *m, const float *pixels, float *out, vs_error *err)
{
	return vs_clip_encode_pixels_batch(m, pixels, 1, out, err);
}

int vs_clip_encode_pixels_batch(const vs_clip_model *m, const float *pixels, int batch, float *out, vs_error *err)
{
	if (m->family == VS_FAMILY_BLIP)
		return vs_blip_encode_pixels_batch(m, pixels, batch, out, err);
	int D = m->vision.width, g = m->image_size / m->patch_size, T = g * g + 1;
	float *x = vs_nn_vit_input(pixels, batch, m->image_size, m->patch_size, D, m->patch_w, NULL, m->class_emb,
	                           m->vpos_emb);
	float *pooled = malloc((size_t)batch * D * sizeof *pooled);
	int rc = -1;
	if (!x || !pooled) {
		vs_oom(err);
		goto out;
	}
	vs_nn_layer_norm(x, batch * T, D, m->pre_ln_w, m->pre_ln_b, m->vision.eps);
	if (vs_nn_run_tower(&m->vision, x, batch * T, T, 0) < 0) {
		vs_oom(err);
		goto out;
	}
	for (int b = 0; b < batch; b++)
		memcpy(pooled + (size_t)b * D, x + (size_t)b * T * D, (size_t)D * sizeof *pooled);
	vs_nn_layer_norm(pooled, batch, D, m->post_ln_w, m->post_ln_b, m->vision.eps);
	vs_nn_linear(pooled, batch, D, m->visual_proj, NULL, m->proj, out);
	rc = 0;
out:
	free(x);
	free(pooled);
	return rc;
}

int vs_model_tokenize(const vs_clip_model *m, const char *text, int32_t *ids, size_t *total)
{
	size_t ctx = m->context < 4096 ? (size_t)m->context : 4096;
	return m->family == VS_FAMILY_BLIP ? vs_bert_tokenize(m->bert, text, ids, ctx, total)
	                                   : vs_clip_tokenize_full(m->tokenizer, text, ids, ctx, total);
}

char *vs_model_token_text(const vs_clip_model *m, int32_t id)
{
	if (m->family != VS_FAMILY_BLIP)
		return vs_clip_token_text(m->tokenizer, id);
	const char *t = vs_bert_token_text(m->bert, id);
	return t ? strdup(t) : NULL;
}

int vs_clip_encode_text(const vs_clip_model *m, const char *text, float *out, size_t *total, vs_error *err)
{
	int32_t ids[4096];
	int n = vs_model_tokenize(m, text, ids, total);
	if (n < 0)
		return vs_oom(err);
	return vs_clip_encode_tokens(m, ids, n, out, err);
}

int vs_model_encode_texts(const vs_clip_model *m, const char *const *texts, int B, float *out, size_t *totals,
                          vs_error *err)
{
	if (m->family == VS_FAMILY_BLIP)
		return vs_blip_encode_texts(m, texts, B, out, totals, err);
	for (int sq = 0; sq < B; sq++) /* CLIP: one at a time */
		if (vs_clip_encode_text(m, texts[sq], out + (size_t)sq * m->proj, totals ? totals + sq : NULL, err) < 0)
			return -1;
	return 0;
}
