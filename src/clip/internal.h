/* internal.h: what the CLIP and BLIP models share (private to src/clip). */
#ifndef VECSH_CLIP_INTERNAL_H
#define VECSH_CLIP_INTERNAL_H

#include <cjson/cJSON.h>

#include "clip/clip.h"

/* LayerNorm of n rows of d values, in place. */
void vs_nn_layer_norm(float *x, int n, int d, const float *w, const float *b, double eps);
/* x += h (when h is not NULL), then y = LayerNorm(x) (y may be x or h), row
 * by row; many rows on every core. */
void vs_nn_add_norm(float *x, const float *h, float *y, int n, int d, const float *w, const float *b, double eps);
/* y[n x out] = x[n x in] W^T + b, W stored [out x in] (b may be NULL). */
void vs_nn_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y);
/* Attention of n rows of q (each row D wide, heads of D/H) over m rows of k
 * and v (row strides ldq, ldk, ldv), softmax(q k^T / sqrt(D/H)) v into o
 * (stride ldo); causal: row i sees rows 0..i. The heads run on every core.
 * 0, or -1 when out of memory. */
int vs_nn_attention(const float *q, int ldq, const float *k, int ldk, const float *v, int ldv, float *o, int ldo,
                    int n, int m, int D, int H, int causal);
/* A ViT's input for a batch of images (pixels 3 x S x S each): the class
 * token, then each p x p patch embedded (the convolution's weight [D, 3, p,
 * p] and bias, which may be NULL), plus the position embeddings; batch x
 * ((S/p)^2 + 1) x D floats (malloc'd), or NULL when out of memory. */
float *vs_nn_vit_input(const float *pixels, int batch, int S, int p, int D, const float *patch_w, const float *patch_b,
                       const float *class_emb, const float *pos_emb);
/* exact (erf) GELU, in place */
void vs_nn_gelu(float *x, size_t n);
/* The pre-LayerNorm blocks of a tower over n rows in sequences of seq; in place. */
int vs_nn_run_tower(const vs_clip_tower *t, float *x, int n, int seq, int causal);

/* A tensor of the given shape (dims end with -1) as float32; a converted copy
 * is kept to be freed with the model. */
const float *vs_model_weight(vs_clip_model *m, const char *name, const int64_t *dims, vs_error *err);
/* The same for a matrix (d1 = -1: a vector). */
const float *vs_model_weight2(vs_clip_model *m, const char *name, int64_t d0, int64_t d1, vs_error *err);
/* An integer of a config (the default when absent). */
int vs_cfg_int(const cJSON *c, const char *key, int def);
double vs_cfg_double(const cJSON *c, const char *key, double def);

/* BLIP (blip.c): the rest of vs_clip_load for a config whose model_type is "blip". */
int vs_blip_load(vs_clip_model *m, const cJSON *cfg, vs_error *err);
void vs_blip_free(vs_clip_model *m);
int vs_blip_encode_tokens(const vs_clip_model *m, const int32_t *ids, int n, float *out, vs_error *err);
int vs_blip_encode_texts(const vs_clip_model *m, const char *const *texts, int B, float *out, size_t *totals,
                         vs_error *err);
int vs_blip_encode_token_batch(const vs_clip_model *m, const int32_t *ids, const int *len, int B, float *out,
                               vs_error *err);
int vs_blip_encode_pixels_batch(const vs_clip_model *m, const float *pixels, int batch, float *out, vs_error *err);

#endif
