/* clip_model.h: a CLIP checkpoint (Hugging Face layout: config.json,
 * model.safetensors, merges.txt) and its text encoder, in float32 through
 * OpenBLAS, and its image encoder. */
#ifndef VECSH_CLIP_MODEL_H
#define VECSH_CLIP_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "vecsh/clip_tokenizer.h"
#include "vecsh/error.h"
#include "vecsh/safetensors.h"

typedef struct vs_clip_text_layer {
	const float *ln1_w, *ln1_b, *q_w, *q_b, *k_w, *k_b, *v_w, *v_b, *o_w, *o_b;
	const float *ln2_w, *ln2_b, *fc1_w, *fc1_b, *fc2_w, *fc2_b;
} vs_clip_text_layer;

/* A transformer: pre-LayerNorm blocks of attention and MLP. */
typedef struct vs_clip_tower {
	int width, layers, heads, inter;
	double eps;
	int quick_gelu;        /* QuickGELU (OpenAI) or GELU (as LAION's configs say) */
	vs_clip_text_layer *layer;
} vs_clip_tower;

typedef struct vs_clip_model {
	char *name, *dir;
	int context, vocab, proj;
	float logit_scale;     /* exp(logit_scale) multiplies cosines */
	/* the text encoder */
	vs_clip_tower text;
	const float *tok_emb, *pos_emb, *lnf_w, *lnf_b, *text_proj;
	/* the image encoder (a ViT) */
	vs_clip_tower vision;
	int image_size, patch_size;
	const float *class_emb, *patch_w, *vpos_emb, *pre_ln_w, *pre_ln_b, *post_ln_w, *post_ln_b, *visual_proj;
	vs_safetensors *st;
	vs_clip_tokenizer *tokenizer;
	float **owned;
	size_t nowned;
} vs_clip_model;

/* The image embedding (proj values) of pixels already preprocessed: 3 x
 * image_size x image_size floats, channel-major, normalised. */
int vs_clip_encode_pixels(const vs_clip_model *m, const float *pixels, float *out, vs_error *err);
/* batch images at once (pixels one after another, out batch x proj): the
 * weights are read once for the batch. */
int vs_clip_encode_pixels_batch(const vs_clip_model *m, const float *pixels, int batch, float *out, vs_error *err);

/* Load DIR/config.json, DIR/model.safetensors and the tokenizer (DIR/merges.txt,
 * or OpenAI's bpe_simple_vocab_16e6.txt.gz in DIR). */
vs_clip_model *vs_clip_load(const char *dir, vs_error *err);
void vs_clip_free(vs_clip_model *m);

/* The text embedding (proj values, not normalised) of token ids (SOT ... EOT).
 * Only the real tokens run: exact under the causal mask. */
int vs_clip_encode_tokens(const vs_clip_model *m, const int32_t *ids, int n, float *out, vs_error *err);
int vs_clip_encode_text(const vs_clip_model *m, const char *text, float *out, vs_error *err);

#endif
