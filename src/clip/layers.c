/* The pieces CLIP's and BLIP's towers are made of: LayerNorm, linear layers
 * and attention through OpenBLAS, GELU, pre-LayerNorm transformer blocks,
 * and reading weights and configs. */
#include "clip/internal.h"

#include <cblas.h>
#include <math.h>
#ifdef VS_HAVE_MVEC
#include <immintrin.h>
/* glibc's libmvec: four floats at a time (SSE's vector ABI), and sixteen
 * (AVX-512's) on a processor that has it; the best code for the processor
 * chosen when loaded */
__m128 _ZGVbN4v_expf(__m128 x);
__m128 _ZGVbN4v_erff(__m128 x);
__m512 _ZGVeN16v_expf(__m512 x);
__m512 _ZGVeN16v_erff(__m512 x);
#define WIDE __attribute__((target("avx512f,avx512dq")))

/* VECSH_NO_AVX512 (tests) keeps to four at a time. */
static int wide(void)
{
	return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && !getenv("VECSH_NO_AVX512");
}

/* A row of scores softmaxed, sixteen at a time. */
WIDE static void softmax_wide(float *row, int n)
{
	__m512 vm = _mm512_set1_ps(-INFINITY);
	int c = 0;
	for (; c + 16 <= n; c += 16)
		vm = _mm512_max_ps(vm, _mm512_loadu_ps(row + c));
	float mx = _mm512_reduce_max_ps(vm);
	for (; c < n; c++)
		mx = row[c] > mx ? row[c] : mx;
	__m512 vs = _mm512_setzero_ps();
	vm = _mm512_set1_ps(mx);
	for (c = 0; c + 16 <= n; c += 16) {
		__m512 ex = _ZGVeN16v_expf(_mm512_sub_ps(_mm512_loadu_ps(row + c), vm));
		_mm512_storeu_ps(row + c, ex);
		vs = _mm512_add_ps(vs, ex);
	}
	float sum = _mm512_reduce_add_ps(vs);
	for (; c < n; c++)
		sum += row[c] = expf(row[c] - mx);
	__m512 inv = _mm512_set1_ps(sum);
	for (c = 0; c + 16 <= n; c += 16)
		_mm512_storeu_ps(row + c, _mm512_div_ps(_mm512_loadu_ps(row + c), inv));
	for (; c < n; c++)
		row[c] /= sum;
}

WIDE static void gelu_wide(float *x, size_t from, size_t to)
{
	const __m512 half = _mm512_set1_ps(0.5f), one = _mm512_set1_ps(1.0f), r2 = _mm512_set1_ps(sqrtf(2.0f));
	size_t e = from;
	for (; e + 16 <= to; e += 16) {
		__m512 v = _mm512_loadu_ps(x + e);
		_mm512_storeu_ps(x + e, _mm512_mul_ps(_mm512_mul_ps(half, v),
		                                      _mm512_add_ps(one, _ZGVeN16v_erff(_mm512_div_ps(v, r2)))));
	}
	for (; e < to; e++)
		x[e] = 0.5f * x[e] * (1.0f + erff(x[e] / sqrtf(2.0f)));
}
#endif
#include <stdlib.h>
#include <string.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

/* Subnormal floats (below 1.2e-38: a softmax's far tails) taken as zero while
 * attention computes, as oneDNN does and PyTorch's set_flush_denormal offers:
 * the processor makes them in slow microcode (the scores-times-values products
 * of BLIP's image encoder ran at half speed, 8% of its time), and no answer
 * moves by more than 1e-38. The caller's mode is put back after. */
static unsigned tiny_as_zero(void)
{
#if defined(__SSE__)
	unsigned was = _mm_getcsr();
	_mm_setcsr(was | 0x8040); /* flush to zero, denormals are zero */
	return was;
#else
	return 0;
#endif
}

static void tiny_as_before(unsigned was)
{
#if defined(__SSE__)
	_mm_setcsr(was);
#else
	(void)was;
#endif
}

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

/* The sum of d floats, and of their squared distances from mean, in double
 * in eight running sums (one chain of additions was the whole of the time). */
static double sum_of(const float *r, int d)
{
	double a[8] = {0}, tail = 0;
	int j = 0;
	for (; j + 8 <= d; j += 8)
		for (int u = 0; u < 8; u++)
			a[u] += r[j + u];
	for (; j < d; j++)
		tail += r[j];
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])) + tail;
}

static double squares_from(const float *r, int d, double mean)
{
	double a[8] = {0}, tail = 0;
	int j = 0;
	for (; j + 8 <= d; j += 8)
		for (int u = 0; u < 8; u++)
			a[u] += (r[j + u] - mean) * (r[j + u] - mean);
	for (; j < d; j++)
		tail += (r[j] - mean) * (r[j] - mean);
	return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])) + tail;
}

typedef struct norm_job {
	float *x, *y;
	const float *h, *w, *b;
	int d;
	double eps;
} norm_job;

static void norm_rows(void *ctx, size_t from, size_t to)
{
	const norm_job *j = ctx;
	int d = j->d;
	for (size_t i = from; i < to; i++) {
		float *x = j->x + i * d, *y = j->y + i * d;
		if (j->h)
			for (int e = 0; e < d; e++)
				x[e] += j->h[i * d + e];
		double mean = sum_of(x, d) / d;
		double inv = 1.0 / sqrt(squares_from(x, d, mean) / d + j->eps);
		for (int e = 0; e < d; e++)
			y[e] = (float)((x[e] - mean) * inv) * j->w[e] + j->b[e];
	}
}

void vs_nn_add_norm(float *x, const float *h, float *y, int n, int d, const float *w, const float *b, double eps)
{
	norm_job j = {x, y, h, w, b, d, eps};
	if ((size_t)n * d < 65536) /* a text's few rows: not worth a thread */
		norm_rows(&j, 0, (size_t)n);
	else
		vs_parallel_ranges((size_t)n, 16, 0, norm_rows, &j);
}

void vs_nn_layer_norm(float *x, int n, int d, const float *w, const float *b, double eps)
{
	vs_nn_add_norm(x, NULL, x, n, d, w, b, eps);
}

/* A part of a linear layer: rows [r0, r1) of y, columns [c0, c1), with
 * single-threaded BLAS. */
typedef struct linear_job {
	const float *x, *w, *b;
	float *y;
	int n, in, out, by_rows;
} linear_job;

static void linear_part(void *ctx, size_t from, size_t to)
{
	const linear_job *j = ctx;
	int r0 = j->by_rows ? (int)from : 0, r1 = j->by_rows ? (int)to : j->n;
	int c0 = j->by_rows ? 0 : (int)from, c1 = j->by_rows ? j->out : (int)to;
	if (r1 <= r0 || c1 <= c0)
		return;
	/* a few rows: OpenBLAS (0.3.21, AVX-512) multiplies a product of up to
	 * 100^3 multiply-adds and 1,200 outputs without first copying the
	 * weights into its own layout (a copy that took 56% of a short text's
	 * time), so their columns go in slices of that size, and when a slice
	 * would be too narrow (many rows, a long input), the input in parts
	 * too, added up in y */
	int step = c1 - c0, rows = r1 - r0, part = j->in;
	if (rows <= 32 && ((double)rows * j->in * step > 1e6 || rows * step > 1200)) {
		step = 1200 / rows / 16 * 16;
		step = step < 16 ? 16 : step;
		part = (int)(1e6 / ((double)rows * step)) / 16 * 16;
		part = part < 64 ? 64 : part > j->in ? j->in : part;
	}
	for (int c = c0; c < c1; c += step) {
		int w = c1 - c < step ? c1 - c : step;
		for (int k = 0; k < j->in; k += part)
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, w, j->in - k < part ? j->in - k : part, 1.0f,
			            j->x + (size_t)r0 * j->in + k, j->in, j->w + (size_t)c * j->in + k, j->in, k ? 1.0f : 0.0f,
			            j->y + (size_t)r0 * j->out + c, j->out);
	}
	if (j->b)
		for (int i = r0; i < r1; i++)
			for (int c = c0; c < c1; c++)
				j->y[(size_t)i * j->out + c] += j->b[c];
}

/* y[n x out] = x[n x in] W^T + b, with W as stored [out x in]. On every
 * core, each with single-threaded BLAS: many rows are split by rows (each
 * part reads all of W, from cache), a few by output columns (each part
 * reads its share of W: the product is as fast as memory). */
void vs_nn_linear(const float *x, int n, int in, const float *w, const float *b, int out, float *y)
{
	linear_job j = {x, w, b, y, n, in, out, n >= 64};
	if ((double)n * in * out < 4e6) { /* too small to share */
		linear_part(&j, 0, j.by_rows ? (size_t)n : (size_t)out);
		return;
	}
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	vs_parallel_ranges(j.by_rows ? (size_t)n : (size_t)out, j.by_rows ? 16 : 64, 0, linear_part, &j);
	openblas_set_num_threads(blas_threads);
}

/* The heads of one attention, split among threads: each thread runs its
 * heads' two products with single-threaded BLAS and their softmax. */
typedef struct heads_job {
	const float *q, *k, *v;
	int ldq, ldk, ldv, ldo, n, m, hd, causal;
	float *o;
	float scale;
	int failed;
	int wide;    /* AVX-512's libmvec */
} heads_job;

static void one_head(const heads_job *j, int hh, float *att)
{
	int n = j->n, m = j->m, hd = j->hd;
	/* scores = q_h k_h^T (n x m) scaled, masked and softmaxed per row; o_h = scores v_h */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, m, hd, j->scale, j->q + hh * hd, j->ldq, j->k + hh * hd,
	            j->ldk, 0.0f, att, m);
	for (int i = 0; i < n; i++) {
		float *row = att + (size_t)i * m, mx = -INFINITY, sum = 0;
		int last = j->causal ? i : m - 1; /* causal: token i sees tokens 0..i */
#ifdef VS_HAVE_MVEC
		if (j->wide) {
			softmax_wide(row, last + 1);
			for (int c = last + 1; c < m; c++)
				row[c] = 0.0f;
			continue;
		}
#endif
		for (int c = 0; c <= last; c++)
			mx = row[c] > mx ? row[c] : mx;
		int e = 0;
#ifdef VS_HAVE_MVEC
		__m128 vm = _mm_set1_ps(mx), vs = _mm_setzero_ps();
		for (; e + 4 <= last + 1; e += 4) {
			__m128 ex = _ZGVbN4v_expf(_mm_sub_ps(_mm_loadu_ps(row + e), vm));
			_mm_storeu_ps(row + e, ex);
			vs = _mm_add_ps(vs, ex);
		}
		float lanes[4];
		_mm_storeu_ps(lanes, vs);
		sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
#endif
		for (; e <= last; e++)
			sum += row[e] = expf(row[e] - mx);
		for (int c = 0; c <= last; c++)
			row[c] /= sum;
		for (int c = last + 1; c < m; c++)
			row[c] = 0.0f;
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, hd, m, 1.0f, att, m, j->v + hh * hd, j->ldv, 0.0f,
	            j->o + hh * hd, j->ldo);
}

static void heads_part(void *ctx, size_t from, size_t to)
{
	heads_job *j = ctx;
	float *att = malloc((size_t)j->n * j->m * sizeof *att);
	if (!att) {
		j->failed = 1;
		return;
	}
	unsigned mode = tiny_as_zero();
	for (size_t hh = from; hh < to; hh++)
		one_head(j, (int)hh, att);
	tiny_as_before(mode);
	free(att);
}

int vs_nn_attention(const float *q, int ldq, const float *k, int ldk, const float *v, int ldv, float *o, int ldo,
                    int n, int m, int D, int H, int causal)
{
	heads_job j = {q, k, v, ldq, ldk, ldv, ldo, n, m, D / H, causal, o, 1.0f / sqrtf((float)(D / H)), 0, 0};
#ifdef VS_HAVE_MVEC
	j.wide = wide();
#endif
	if ((size_t)n * m < 4096) { /* a short text: one thread, BLAS as it is */
		heads_part(&j, 0, (size_t)H);
		return j.failed ? -1 : 0;
	}
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	vs_parallel_ranges((size_t)H, 1, 0, heads_part, &j);
	openblas_set_num_threads(blas_threads);
	return j.failed ? -1 : 0;
}

static void gelu_part(void *ctx, size_t from, size_t to)
{
	float *x = ctx;
	size_t e = from;
#ifdef VS_HAVE_MVEC
	if (wide()) {
		gelu_wide(x, from, to);
		return;
	}
	const __m128 half = _mm_set1_ps(0.5f), one = _mm_set1_ps(1.0f), r2 = _mm_set1_ps(sqrtf(2.0f));
	for (; e + 4 <= to; e += 4) {
		__m128 v = _mm_loadu_ps(x + e);
		__m128 g = _mm_mul_ps(_mm_mul_ps(half, v), _mm_add_ps(one, _ZGVbN4v_erff(_mm_div_ps(v, r2))));
		_mm_storeu_ps(x + e, g);
	}
#endif
	for (; e < to; e++)
		x[e] = 0.5f * x[e] * (1.0f + erff(x[e] / sqrtf(2.0f)));
}

void vs_nn_gelu(float *x, size_t n)
{
	vs_parallel_ranges(n, 1 << 16, 0, gelu_part, x);
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
	float *mlp = malloc((size_t)n * F * sizeof *mlp);
	int rc = -1;
	if (!h || !q || !k || !v || !o || !mlp)
		goto out;
	for (int l = 0; l < t->layers; l++) {
		const vs_clip_text_layer *L = &t->layer[l];
		/* x += the last layer's MLP, h = LayerNorm(x) */
		vs_nn_add_norm(x, l ? h : NULL, h, n, D, L->ln1_w, L->ln1_b, t->eps);
		vs_nn_linear(h, n, D, L->q_w, L->q_b, D, q);
		vs_nn_linear(h, n, D, L->k_w, L->k_b, D, k);
		vs_nn_linear(h, n, D, L->v_w, L->v_b, D, v);
		for (int b0 = 0; b0 < n; b0 += seq) {
			size_t at = (size_t)b0 * D;
			if (vs_nn_attention(q + at, D, k + at, D, v + at, D, o + at, D, seq, seq, D, H, causal) < 0)
				goto out;
		}
		vs_nn_linear(o, n, D, L->o_w, L->o_b, D, h);
		vs_nn_add_norm(x, h, h, n, D, L->ln2_w, L->ln2_b, t->eps); /* x += attention, h = LayerNorm(x) */
		vs_nn_linear(h, n, D, L->fc1_w, L->fc1_b, F, mlp);
		if (t->quick_gelu)
			for (size_t e = 0; e < (size_t)n * F; e++)
				mlp[e] = mlp[e] / (1.0f + expf(-1.702f * mlp[e]));
		else
			vs_nn_gelu(mlp, (size_t)n * F);
		vs_nn_linear(mlp, n, F, L->fc2_w, L->fc2_b, D, h);
	}
	if (t->layers > 0) /* the last layer's MLP */
		for (size_t e = 0; e < (size_t)n * D; e++)
			x[e] += h[e];
	rc = 0;
out:
	free(h), free(q), free(k), free(v), free(o), free(mlp);
	return rc;
}

static void patches_of(const float *pixels, int batch, int S, int p, float *out)
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

float *vs_nn_vit_input(const float *pixels, int batch, int S, int p, int D, const float *patch_w, const float *patch_b,
                       const float *class_emb, const float *pos_emb)
{
	int g = S / p, np = g * g, pp = 3 * p * p, T = np + 1;
	float *patches = calloc((size_t)batch * np * pp, sizeof *patches);
	float *emb = malloc((size_t)batch * np * D * sizeof *emb), *x = malloc((size_t)batch * T * D * sizeof *x);
	if (!patches || !emb || !x) {
		free(patches), free(emb), free(x);
		return NULL;
	}
	/* the patch embeddings of the whole batch (the convolution as one sgemm), then per
	 * image the class token first and the position embeddings */
	patches_of(pixels, batch, S, p, patches);
	vs_nn_linear(patches, batch * np, pp, patch_w, patch_b, D, emb);
	free(patches);
	for (int b = 0; b < batch; b++) {
		float *xb = x + (size_t)b * T * D;
		memcpy(xb, class_emb, (size_t)D * sizeof *xb);
		memcpy(xb + D, emb + (size_t)b * np * D, (size_t)np * D * sizeof *xb);
		for (size_t e = 0; e < (size_t)T * D; e++)
			xb[e] += pos_emb[e];
	}
	free(emb);
	return x;
}

void vs_clip_normalise(float *v, int n)
{
	double s = 0;
	for (int i = 0; i < n; i++)
		s += (double)v[i] * v[i];
	s = sqrt(s);
	if (s > 0)
		for (int i = 0; i < n; i++)
			v[i] = (float)(v[i] / s);
}
