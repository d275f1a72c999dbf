/* The pieces CLIP's and BLIP's towers are made of: LayerNorm, linear layers
 * and attention through OpenBLAS, GELU, pre-LayerNorm transformer blocks,
 * and reading weights and configs. */
#include "clip/internal.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int vs_cfg_int(const cJSON *c, const char *key, int def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
	return cJSON_IsNumber(v) ? v->valueint : def;
}

double vs_cfg_double(const cJSON *c, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(c, key);
	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

/* A tensor of the given shape (dims end with -1) as float32; a converted copy
 * is kept to be freed with the model. */
const float *vs_model_weight(vs_clip_model *m, const char *name, const int64_t *dims, vs_error *err)
{
	float *owned;
	const float *w = vs_tensor_f32(m->st, name, dims, &owned, err);
	if (owned) {
		float **no = realloc(m->owned, (m->nowned + 1) * sizeof *no);
		if (!no) {
			free(owned);
			vs_oom(err);
			return NULL;
		}
		m->owned = no;
		m->owned[m->nowned++] = owned;
	}
	return w;
}

const float *vs_model_weight2(vs_clip_model *m, const char *name, int64_t d0, int64_t d1, vs_error *err)
{
	int64_t dims[3] = {d0, d1, -1};
	return vs_model_weight(m, name, dims, err);
}

void vs_nn_layer_norm(float *x, int n, int d, const float *w, const float *b, double eps)
{
	for (int i = 0; i < n; i++) {
		float *r = x + (size_t)i * d;
		double mean = 0, var = 0;
		for (int j = 0; j < d; j++)
			mean += r[j];
		mean /= d;
		for (int j = 0; j < d; j++)
			var += (r[j] - mean) * (r[j] - mean);
		var /= d;
		double inv = 1.0 / sqrt(var + eps);
		for (int j = 0; j < d; j++)
			r[j] = (float)((r[j] - mean) * inv) * w[j] + b[j];
	}
}

/* y[n x out] = x[n x in] W^T + b, with W as stored [out x in] */
void vs_nn_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, out, in, 1.0f, x, in, w, in, 0.0f, y, out);
	if (b)
		for (int i = 0; i < n; i++)
			for (int j = 0; j < out; j++)
				y[(size_t)i * out + j] += b[j];
}

void vs_nn_attention(const float *q, int ldq, const float *k, int ldk, const float *v, int ldv, float *o, int ldo,
                     int n, int m, int D, int H, int causal, float *att)
{
	int hd = D / H;
	float scale = 1.0f / sqrtf((float)hd);
	for (int hh = 0; hh < H; hh++) {
		/* scores = q_h k_h^T (n x m) scaled, masked and softmaxed per row; o_h = scores v_h */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, hd, scale, q + hh * hd, ldq, k + hh * hd, ldk, 0.0f,
		            att, m);
		for (int i = 0; i < n; i++) {
			float *row = att + (size_t)i * m, mx = -INFINITY, sum = 0;
			int last = causal ? i : m - 1; /* causal: token i sees tokens 0..i */
			for (int j = 0; j <= last; j++)
				mx = fmaxf(mx, row[j]);
			for (int j = 0; j <= last; j++)
				sum += row[j] = expf(row[j] - mx);
			for (int j = 0; j <= last; j++)
				row[j] /= sum;
			for (int j = last + 1; j < m; j++)
				row[j] = 0.0f;
		}
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hd, m, 1.0f, att, m, v + hh * hd, ldv, 0.0f,
		            o + hh * hd, ldo);
	}
}

void vs_nn_gelu(float *x, size_t n)
{
	for (size_t e = 0; e < n; e++)
		x[e] = 0.5f * x[e] * (1.0f + erff(x[e] / sqrtf(2.0f)));
}

/* The blocks of a tower over x: n rows, sequences of seq rows each (attention
 * stays within a sequence; the linear layers see all rows in one sgemm, so a
 * batch reads the weights once). In place; causal for text. */
int vs_nn_run_tower(const vs_clip_tower *t, float *x, int n, int seq, int causal)
{
	int D = t->width, H = t->heads, F = t->inter;
	float *h = malloc((size_t)n * D * sizeof *h);
	float *q = malloc((size_t)n * D * sizeof *q), *k = malloc((size_t)n * D * sizeof *k);
	float *v = malloc((size_t)n * D * sizeof *v), *o = malloc((size_t)n * D * sizeof *o);
	float *mlp = malloc((size_t)n * F * sizeof *mlp), *att = malloc((size_t)seq * seq * sizeof *att);
	int rc = -1;
	if (!h || !q || !k || !v || !o || !mlp || !att)
		goto out;
	for (int l = 0; l < t->layers; l++) {
		const vs_clip_text_layer *L = &t->layer[l];
		memcpy(h, x, (size_t)n * D * sizeof *h);
		vs_nn_layer_norm(h, n, D, L->ln1_w, L->ln1_b, t->eps);
		vs_nn_linear(h, n, D, L->q_w, L->q_b, D, q);
		vs_nn_linear(h, n, D, L->k_w, L->k_b, D, k);
		vs_nn_linear(h, n, D, L->v_w, L->v_b, D, v);
		for (int b0 = 0; b0 < n; b0 += seq) {
			size_t at = (size_t)b0 * D;
			vs_nn_attention(q + at, D, k + at, D, v + at, D, o + at, D, seq, seq, D, H, causal, att);
		}
		vs_nn_linear(o, n, D, L->o_w, L->o_b, D, h);
		for (size_t e = 0; e < (size_t)n * D; e++)
			x[e] += h[e];
		memcpy(h, x, (size_t)n * D * sizeof *h);
		vs_nn_layer_norm(h, n, D, L->ln2_w, L->ln2_b, t->eps);
		vs_nn_linear(h, n, D, L->fc1_w, L->fc1_b, F, mlp);
		if (t->quick_gelu)
			for (size_t e = 0; e < (size_t)n * F; e++)
				mlp[e] = mlp[e] / (1.0f + expf(-1.702f * mlp[e]));
		else
			vs_nn_gelu(mlp, (size_t)n * F);
		vs_nn_linear(mlp, n, F, L->fc2_w, L->fc2_b, D, h);
		for (size_t e = 0; e < (size_t)n * D; e++)
			x[e] += h[e];
	}
	rc = 0;
out:
	free(h), free(q), free(k), free(v), free(o), free(mlp), free(att);
	return rc;
}

void vs_nn_patches(const float *pixels, int batch, int S, int p, float *out)
{
	int g = S / p, np = g * g, pp = 3 * p * p;
	for (int b = 0; b < batch; b++) {
		const float *img = pixels + (size_t)b * 3 * S * S;
		for (int gy = 0; gy < g; gy++)
			for (int gx = 0; gx < g; gx++) {
				float *dst = out + ((size_t)b * np + (size_t)(gy * g + gx)) * pp;
				for (int c = 0; c < 3; c++)
					for (int y = 0; y < p; y++)
						memcpy(dst + (c * p + y) * p, img + ((size_t)c * S + (size_t)(gy * p + y)) * S + (size_t)gx * p,
						       (size_t)p * sizeof *dst);
			}
	}
}
