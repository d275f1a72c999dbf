#include "vectors/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/core.h"

/* numpy's pairwise summation of float32 (8 accumulators in blocks of up to
 * 128, halves above), so that norms equal np.linalg.norm(vectors, axis=1). */
float vs_pairwise_sum(const float *a, size_t n)
{
	if (n < 8) {
		float res = 0.0f;
		for (size_t i = 0; i < n; i++)
			res += a[i];
		return res;
	}
	if (n <= 128) {
		float r[8];
		size_t i;
		for (int j = 0; j < 8; j++)
			r[j] = a[j];
		for (i = 8; i < n - (n % 8); i += 8)
			for (int j = 0; j < 8; j++)
				r[j] += a[i + j];
		float res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
		for (; i < n; i++)
			res += a[i];
		return res;
	}
	size_t n2 = n / 2;
	n2 -= n2 % 8;
	return vs_pairwise_sum(a, n2) + vs_pairwise_sum(a + n2, n - n2);
}

static size_t slots_for(size_t count)
{
	size_t n = 16;
	while (n < count * 2)
		n <<= 1;
	return n;
}

long vs_vecset_find(const vs_vecset *set, const char *word)
{
	if (!set->slots || !set->nslots)
		return -1;
	size_t len = strlen(word), mask = set->nslots - 1;
	size_t i = (size_t)vs_hash_fnv1a(word, len) & mask;
	for (size_t probes = 0; probes < set->nslots; probes++, i = (i + 1) & mask) {
		uint32_t s = set->slots[i];
		if (s == 0)
			return -1;
		if (s - 1 < set->count + set->oov && strcmp(vs_vecset_word(set, s - 1), word) == 0)
			return (long)(s - 1);
	}
	return -1;
}

/* ---- work over every row, on every core */

/* The norm of a row as numpy's np.linalg.norm computes it (pairwise sum). */
static float row_norm(const float *v, size_t dims, float *sq)
{
	for (size_t d = 0; d < dims; d++)
		sq[d] = v[d] * v[d];
	return sqrtf(vs_pairwise_sum(sq, dims));
}

/* The norm of row i into own_norms: numpy's (pairwise, through sq), or a
 * plain sum when there was no memory for sq. */
static void set_norm(const vs_vecset *set, size_t i, float *sq)
{
	const float *v = set->vectors + i * set->dims;
	float s2 = 0;
	if (sq) {
		set->own_norms[i] = row_norm(v, set->dims, sq);
		return;
	}
	for (size_t d = 0; d < set->dims; d++)
		s2 += v[d] * v[d];
	set->own_norms[i] = sqrtf(s2);
}

enum { STACK_DIMS = 4096 };

static void make_norms(void *arg, size_t from, size_t to)
{
	const vs_vecset *set = arg;
	float stack[STACK_DIMS], *sq = set->dims <= STACK_DIMS ? stack : malloc(set->dims * sizeof *sq);
	for (size_t i = from; i < to; i++)
		set_norm(set, i, sq);
	if (sq != stack)
		free(sq);
}

/* ---- rows made on first use (fastText models) */

typedef struct vs_pending {
	uint8_t *todo;  /* 1: row i is not made yet */
	size_t left;    /* how many */
	/* a file's rounded rows (set->dtype not F32), else a fastText model's */
	const uint16_t *half;
	const int8_t *q;
	size_t stride;  /* bytes of a row of q */
	const float *scale;
} vs_pending;

/* Row i: from the file's rounded values (its norm is the file's), or as
 * fastText's getWordVector makes it, and its norm. */
static void make_row(const vs_vecset *set, size_t i, float *sq)
{
	vs_pending *p = set->pending;
	float *v = set->own_vectors + i * set->dims;
	size_t dims = set->dims;
	if (p->half) {
		for (size_t d = 0; d < dims; d++)
			v[d] = vs_half_to_float(p->half[i * dims + d]);
	} else if (p->q) {
		for (size_t d = 0; d < dims; d++)
			v[d] = p->scale[i] * (float)p->q[i * p->stride + d];
	} else {
		vs_subwords_vector(set->sub, vs_vecset_word(set, i), (long)i, v);
		set_norm(set, i, sq);
	}
	p->todo[i] = 0;
}

int vs_vecset_has_row(const vs_vecset *set, size_t i)
{
	return !set->pending || !set->pending->left || (i < set->count && !set->pending->todo[i]);
}

void vs_vecset_need_row(const vs_vecset *set, size_t i)
{
	vs_pending *p = set->pending;
	if (!p || !p->left || i >= set->count || !p->todo[i])
		return;
	float *sq = malloc(set->dims * sizeof *sq); /* NULL: the norm as a plain sum */
	make_row(set, i, sq);
	free(sq);
	p->left--;
}

static void make_rows(void *arg, size_t from, size_t to)
{
	const vs_vecset *set = arg;
	float stack[STACK_DIMS], *sq = set->dims <= STACK_DIMS ? stack : malloc(set->dims * sizeof *sq);
	for (size_t i = from; i < to; i++)
		if (set->pending->todo[i])
			make_row(set, i, sq);
	if (sq != stack)
		free(sq);
}

void vs_vecset_need_all(const vs_vecset *set)
{
	vs_pending *p = set->pending;
	if (!p || !p->left)
		return;
	vs_parallel_ranges(set->count, 256, 0, make_rows, (void *)set);
	p->left = 0;
}

int vs_vecset_defer_stored(vs_vecset *set, vs_vec_dtype dtype, const void *rows, size_t stride, const float *scales,
                           vs_error *err)
{
	size_t n = set->count ? set->count : 1;
	set->own_vectors = malloc(n * set->dims * sizeof *set->own_vectors); /* pages touched as rows are made */
	set->pending = calloc(1, sizeof *set->pending);
	uint8_t *todo = malloc(n);
	if (!set->own_vectors || !set->pending || !todo) {
		free(todo);
		return vs_fail(err, "out of memory for %zu x %zu word vectors", set->count, set->dims);
	}
	memset(todo, 1, n);
	set->pending->todo = todo;
	set->pending->left = set->count;
	if (dtype == VS_VEC_F16)
		set->pending->half = rows;
	else
		set->pending->q = rows, set->pending->stride = stride, set->pending->scale = scales;
	set->dtype = dtype;
	set->vectors = set->own_vectors;
	return 0;
}

const char *vs_vec_dtype_name(vs_vec_dtype t)
{
	return t == VS_VEC_F16 ? "f16" : t == VS_VEC_INT8 ? "int8" : "f32";
}

int vs_vec_dtype_parse(const char *name, vs_vec_dtype *t)
{
	static const char *const names[] = {"f32", "f16", "int8"};
	for (int i = 0; i < 3; i++)
		if (strcmp(name, names[i]) == 0) {
			*t = (vs_vec_dtype)i;
			return 0;
		}
	return -1;
}

int vs_vecset_defer_rows(vs_vecset *set, vs_error *err)
{
	size_t n = set->count ? set->count : 1;
	set->own_vectors = malloc(n * set->dims * sizeof *set->own_vectors); /* pages touched as rows are made */
	set->own_norms = malloc(n * sizeof *set->own_norms);
	set->pending = calloc(1, sizeof *set->pending);
	uint8_t *todo = malloc(n);
	if (!set->own_vectors || !set->own_norms || !set->pending || !todo) {
		free(todo);
		return vs_fail(err, "out of memory for %zu x %zu word vectors", set->count, set->dims);
	}
	memset(todo, 1, n);
	set->pending->todo = todo;
	set->pending->left = set->count;
	set->vectors = set->own_vectors;
	set->norms = set->own_norms;
	return 0;
}

/* The word index rebuilt for rows words (the dictionary and the words made
 * from subwords so far). */
static int rebuild_slots(vs_vecset *set, size_t rows, vs_error *err)
{
	size_t n = slots_for(rows), mask = n - 1;
	uint32_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return vs_fail(err, "out of memory for the index of %zu words", rows);
	for (size_t w = 0; w < set->count + set->oov; w++) {
		size_t i = (size_t)vs_hash_fnv1a(vs_vecset_word(set, w), strlen(vs_vecset_word(set, w))) & mask;
		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)w + 1;
	}
	free(set->own_slots);
	set->own_slots = slots;
	set->slots = slots;
	set->nslots = n;
	return 0;
}

/* A mapped set's words as pointers (before rows are added after them). */
static const char **word_array(vs_vecset *set)
{
	const char **w = malloc((set->count ? set->count : 1) * sizeof *w);
	if (!w)
		return NULL;
	for (size_t i = 0; i < set->count; i++)
		w[i] = vs_vecset_word(set, i);
	return set->words = w;
}

/* Room for one more row built from subwords after the dictionary's. */
static int grow_oov(vs_vecset *set, vs_error *err)
{
	if (set->oov < set->oov_cap)
		return 0;
	size_t cap = set->oov_cap ? 2 * set->oov_cap : 16, rows = set->count + cap;
	float *v = realloc(set->own_vectors, rows * set->dims * sizeof *v);
	if (v)
		set->own_vectors = v, set->vectors = v;
	float *nm = v ? realloc(set->own_norms, rows * sizeof *nm) : NULL;
	if (nm)
		set->own_norms = nm, set->norms = nm;
	if (nm && !set->words && set->word_offs && !word_array(set))
		return vs_oom(err);
	const char **w = nm ? realloc(set->words, rows * sizeof *w) : NULL;
	if (!w)
		return vs_oom(err);
	set->words = w;
	set->oov_cap = cap;
	return rows * 2 > set->nslots ? rebuild_slots(set, rows, err) : 0;
}

/* The row after the kept ones holds word and its vector v (already in
 * place, at own_vectors + row * dims): its norm, word and slot. */
static long keep_new_row(vs_vecset *set, const char *word, vs_error *err)
{
	size_t row = set->count + set->oov;
	const float *v = set->own_vectors + row * set->dims;
	char *copy = strdup(word);
	float *sq = malloc((set->dims ? set->dims : 1) * sizeof *sq);
	if (!copy || !sq) {
		free(copy), free(sq);
		return vs_oom(err);
	}
	set->own_norms[row] = row_norm(v, set->dims, sq);
	free(sq);
	set->words[row] = copy;
	set->oov++;
	size_t mask = set->nslots - 1, i = (size_t)vs_hash_fnv1a(copy, strlen(copy)) & mask;
	while (set->own_slots[i])
		i = (i + 1) & mask;
	set->own_slots[i] = (uint32_t)row + 1;
	return (long)row;
}

long vs_vecset_add_oov(vs_vecset *set, const char *word, vs_error *err)
{
	long known = vs_vecset_find(set, word);
	if (known >= 0)
		return known;
	if (!set->sub)
		return vs_fail(err, "'%s' is not in the vocabulary of %s", word, set->name ? set->name : "the set");
	if (grow_oov(set, err) < 0)
		return -1;
	float *v = set->own_vectors + (set->count + set->oov) * set->dims;
	if (vs_subwords_vector(set->sub, word, -1, v) == 0) {
		if (set->sub->maxn <= 0)
			return vs_fail(err, "'%s' is not in the vocabulary of %s, and the model has no character n-grams "
			               "(maxn 0): it has no vector", word, set->name ? set->name : "the set");
		return vs_fail(err, "'%s' is not in the vocabulary of %s and has none of its character n-grams "
		               "(%d to %d characters): its vector would be zero", word, set->name ? set->name : "the set",
		               set->sub->minn, set->sub->maxn);
	}
	return keep_new_row(set, word, err);
}

/* ---- sets whose rows live elsewhere */

vs_vecset *vs_vecset_remote(size_t dims, const vs_remote_ops *ops, void *ctx, vs_error *err)
{
	vs_vecset *set = calloc(1, sizeof *set);
	if (!set) {
		ops->close(ctx);
		vs_oom(err);
		return NULL;
	}
	set->dims = dims;
	set->remote = ops;
	set->remote_ctx = ctx;
	if (vs_vecset_finish(set, err) < 0 || grow_oov(set, err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	return set;
}

long vs_vecset_keep_row(vs_vecset *set, const char *word, const float *vec, vs_error *err)
{
	long known = vs_vecset_find(set, word);
	if (known >= 0)
		return known;
	if (grow_oov(set, err) < 0)
		return -1;
	memcpy(set->own_vectors + (set->count + set->oov) * set->dims, vec, set->dims * sizeof *vec);
	return keep_new_row(set, word, err);
}

long vs_vecset_fetch(vs_vecset *set, const char *word, vs_error *err)
{
	long known = vs_vecset_find(set, word);
	if (known >= 0 || !set->remote)
		return known >= 0 ? known : vs_fail(err, "'%s' is not in the vocabulary of %s", word, set->name);
	float *v = malloc((set->dims ? set->dims : 1) * sizeof *v);
	if (!v)
		return vs_oom(err);
	char *name = NULL;
	int found = set->remote->lookup(set->remote_ctx, word, v, &name, err);
	long row = found > 0 ? vs_vecset_keep_row(set, name ? name : word, v, err) : -1;
	free(v), free(name);
	if (found == 0)
		return vs_fail(err, "'%s' is not in %s (%s)", word, set->name, set->remote->what);
	return row;
}

size_t vs_vecset_rows(const vs_vecset *set)
{
	return set->remote ? set->remote_rows : set->count;
}

int vs_vecset_whole(const vs_vecset *set, const char *what, vs_error *err)
{
	if (!set->remote)
		return 0;
	return vs_fail(err, "%s reads every row here, and %s is %s: nn, sim, analogy, odd, rank, browse, project "
	               "and plot of a result, and info work on it (the server does the scanning)",
	               what, set->name, set->remote->what);
}

static void free_upper(vs_vecset *set)
{
	if (set->upper_words)
		free(set->upper_words[0]); /* one block holds every upper-cased word */
	free(set->upper_words);
	free(set->upper_slots);
	set->upper_words = NULL;
	set->upper_slots = NULL;
	set->upper_limit = 0;
}

static int build_upper(vs_vecset *set, size_t limit, vs_error *err)
{
	if (set->upper_slots && set->upper_limit == limit)
		return 0;
	free_upper(set);
	size_t n = slots_for(limit), mask = n - 1, total = 1;
	for (size_t w = 0; w < limit; w++)
		total += 4 * strlen(vs_vecset_word(set, w)) + 1; /* an upper-cased character takes at most 4 bytes */
	uint32_t *slots = calloc(n, sizeof *slots);
	char **uw = malloc((limit ? limit : 1) * sizeof *uw);
	char *blob = malloc(total);
	if (!slots || !uw || !blob) {
		free(slots);
		free(uw);
		free(blob);
		return vs_fail(err, "out of memory building the case-folded index");
	}
	uint64_t *hash = malloc((limit ? limit : 1) * sizeof *hash);
	if (!hash) {
		free(slots);
		free(uw);
		free(blob);
		return vs_fail(err, "out of memory building the case-folded index");
	}
	/* pass 1, sequential: upper-case and hash every word */
	char *o = blob;
	uw[0] = blob; /* free_upper frees the block through the first word */
	for (size_t w = 0; w < limit; w++) {
		const unsigned char *p = (const unsigned char *)vs_vecset_word(set, w);
		uw[w] = o;
		int ascii = 1;
		for (const unsigned char *q = p; *q; q++)
			ascii &= *q < 0x80;
		if (ascii) {
			for (; *p; p++)
				*o++ = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		} else {
			char *u = vs_utf8_upper((const char *)p);
			if (!u) {
				free(slots), free(uw), free(blob), free(hash);
				return vs_fail(err, "out of memory building the case-folded index");
			}
			size_t len = strlen(u);
			memcpy(o, u, len);
			o += len;
			free(u);
		}
		hash[w] = vs_hash_fnv1a(uw[w], (size_t)(o - uw[w]));
		*o++ = '\0';
	}
	/* pass 2: insert, prefetching the slots a few words ahead (the table is
	 * larger than the caches, so this is bound by memory latency) */
	for (size_t w = 0; w < limit; w++) {
		if (w + 16 < limit)
			__builtin_prefetch(&slots[hash[w + 16] & mask], 1);
		size_t i = (size_t)hash[w] & mask;
		for (;; i = (i + 1) & mask) {
			uint32_t s = slots[i];
			if (s == 0) {
				slots[i] = (uint32_t)w + 1;
				break;
			}
			if (hash[s - 1] == hash[w] && strcmp(uw[s - 1], uw[w]) == 0)
				break; /* keep the first (most frequent) variant */
		}
	}
	free(hash);
	set->upper_words = uw;
	set->upper_slots = slots;
	set->upper_nslots = n;
	set->upper_limit = limit;
	return 0;
}

long vs_vecset_find_upper(vs_vecset *set, const char *upper, size_t limit, vs_error *err)
{
	if (limit > set->count)
		limit = set->count;
	if (build_upper(set, limit, err) < 0)
		return -2;
	size_t mask = set->upper_nslots - 1;
	size_t i = (size_t)vs_hash_fnv1a(upper, strlen(upper)) & mask;
	for (;; i = (i + 1) & mask) {
		uint32_t s = set->upper_slots[i];
		if (s == 0)
			return -1;
		if (strcmp(set->upper_words[s - 1], upper) == 0)
			return (long)(s - 1);
	}
}

int vs_vecset_finish(vs_vecset *set, vs_error *err)
{
	if (!set->norms && set->vectors) { /* (a set whose rows are made later has none yet) */
		float *norms = malloc((set->count ? set->count : 1) * sizeof *norms);
		if (!norms)
			return vs_fail(err, "out of memory for the norms of %zu vectors", set->count);
		set->own_norms = norms; /* filled on every core */
		vs_parallel_ranges(set->count, 256, 0, make_norms, set);
		set->norms = norms;
	}
	if (!set->slots) {
		size_t n = slots_for(set->count), mask = n - 1;
		uint32_t *slots = calloc(n, sizeof *slots);
		if (!slots)
			return vs_fail(err, "out of memory for the index of %zu words", set->count);
		for (size_t w = 0; w < set->count; w++) {
			size_t i = (size_t)vs_hash_fnv1a(vs_vecset_word(set, w), strlen(vs_vecset_word(set, w))) & mask;
			while (slots[i])
				i = (i + 1) & mask;
			slots[i] = (uint32_t)w + 1;
		}
		set->own_slots = slots;
		set->slots = slots;
		set->nslots = n;
	}
	return 0;
}

static const vs_vecset *sort_set;
static int cmp_word(const void *a, const void *b)
{
	return strcmp(vs_vecset_word(sort_set, *(const uint32_t *)a), vs_vecset_word(sort_set, *(const uint32_t *)b));
}

const uint32_t *vs_vecset_sorted(vs_vecset *set)
{
	if (!set->sorted) {
		uint32_t *perm = malloc((set->count ? set->count : 1) * sizeof *perm);
		if (!perm)
			return NULL;
		for (size_t i = 0; i < set->count; i++)
			perm[i] = (uint32_t)i;
		sort_set = set;
		qsort(perm, set->count, sizeof *perm, cmp_word);
		set->sorted = set->own_sorted = perm;
	}
	return set->sorted;
}

int vs_vecset_prefix(vs_vecset *set, const char *prefix,
                     int (*fn)(const char *word, void *ctx), void *ctx)
{
	if (set->remote)
		return set->remote->prefix(set->remote_ctx, prefix, 200, fn, ctx);
	if (!vs_vecset_sorted(set))
		return -1;
	size_t plen = strlen(prefix), lo = 0, hi = set->count;
	while (lo < hi) { /* first word >= prefix */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(vs_vecset_word(set, set->sorted[mid]), prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < set->count; i++) {
		const char *w = vs_vecset_word(set, set->sorted[i]);
		if (strncmp(w, prefix, plen) != 0)
			break;
		if (fn(w, ctx))
			break;
	}
	return 0;
}

size_t vs_vecset_memory(const vs_vecset *set)
{
	size_t m = set->map_len;
	if (set->own_vectors) /* (rows made on first use: only those made hold memory) */
		m += (set->pending ? set->count - set->pending->left : set->count) * set->dims * sizeof(float);
	if (set->own_norms)
		m += set->count * sizeof(float);
	if (set->own_slots)
		m += set->nslots * sizeof(uint32_t);
	if (set->word_blob) {
		for (size_t i = 0; i < set->count; i++)
			m += strlen(vs_vecset_word(set, i)) + 1;
	}
	m += set->count * sizeof(char *);
	if (set->remote)
		m += set->oov_cap * (set->dims + 1) * sizeof(float);
	if (set->sub) {
		const vs_subwords *sw = set->sub;
		m += set->oov_cap * (set->dims + 1) * sizeof(float);
		if (sw->quantized)
			m += sw->rows * (size_t)sw->nsubq + (size_t)sw->dim * 256 * sizeof(float) + (sw->qnorm ? sw->rows : 0);
	}
	const vs_codes *c = set->codes; /* (codes.c's own count would make the two files depend on each other) */
	if (c && c->own_q)
		m += c->count * (c->stride + 3 * sizeof(float));
	if (c && c->nib) /* nn's first pass: the high bits and the numbers as columns */
		m += c->count * (c->stride / 2 + 3 * sizeof(float));
	return m;
}

void vs_vecset_free(vs_vecset *set)
{
	if (!set)
		return;
	free(set->name);
	free(set->source);
	free(set->about);
	for (size_t i = 0; i < set->oov; i++)
		free((char *)set->words[set->count + i]);
	vs_subwords_free(set->sub);
	if (set->codes) { /* (as for the memory: codes.c makes rows through this file) */
		free(set->codes->own_q);
		free(set->codes->own_row);
		free(set->codes->nib);
		free(set->codes->cols);
		free(set->codes);
	}
	if (set->meta) { /* (meta.c's own free would make the two files depend on each other) */
		free(set->meta->names);
		free(set->meta->values);
		free(set->meta->blob);
		free(set->meta);
	}
	if (set->pending)
		free(set->pending->todo);
	free(set->pending);
	free(set->words);
	free(set->word_blob);
	free(set->own_vectors);
	free(set->own_norms);
	free(set->own_slots);
	free_upper(set);
	free(set->own_sorted);
	if (set->map)
		vs_unmap_file((void *)set->map, set->map_len);
	if (set->remote)
		set->remote->close(set->remote_ctx);
	free(set);
}

/* A set of n words (name(ctx, i) the i-th) and values, both copied. */
static vs_vecset *set_of(const char *(*name)(const void *ctx, size_t i), const void *ctx, size_t n,
                         const float *values, size_t dims, vs_error *err)
{
	vs_vecset *set = calloc(1, sizeof *set);
	size_t bytes = 1;
	for (size_t i = 0; i < n; i++)
		bytes += strlen(name(ctx, i)) + 1;
	char *blob = malloc(bytes);
	const char **words = malloc((n ? n : 1) * sizeof *words);
	float *v = malloc((n && dims ? n * dims : 1) * sizeof *v);
	if (!set || !blob || !words || !v) {
		free(set), free(blob), free(words), free(v);
		vs_oom(err);
		return NULL;
	}
	for (size_t i = 0, o = 0; i < n; i++) {
		size_t l = strlen(name(ctx, i)) + 1;
		memcpy(blob + o, name(ctx, i), l);
		words[i] = blob + o;
		o += l;
	}
	memcpy(v, values, n * dims * sizeof *v);
	set->count = n;
	set->dims = dims;
	set->words = words;
	set->word_blob = blob;
	set->own_vectors = v;
	set->vectors = v;
	if (vs_vecset_finish(set, err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	return set;
}

static const char *name_in_array(const void *ctx, size_t i)
{
	return ((const char *const *)ctx)[i];
}

static const char *name_in_set(const void *ctx, size_t i)
{
	return vs_vecset_word(ctx, i);
}

vs_vecset *vs_vecset_from_arrays(const char *const *names, size_t n, const float *values, size_t dims,
                                 vs_error *err)
{
	return set_of(name_in_array, names, n, values, dims, err);
}

vs_vecset *vs_vecset_with_values(const vs_vecset *words_of, const float *values, vs_error *err)
{
	return set_of(name_in_set, words_of, words_of->count, values, words_of->dims, err);
}
