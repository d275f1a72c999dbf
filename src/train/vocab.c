/* word2vec's vocabulary, Huffman tree and noise table (LearnVocabFromTrainFile,
 * SortVocab, CreateBinaryTree and InitUnigramTable of word2vec.c), and the
 * learning-rate schedule. */
#include "train/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct vs_w2v_counter {
	vs_strtab t;
	uint64_t *count;
	size_t cap;
	size_t max_vocab;
	uint64_t min_reduce; /* gensim's prune_vocab: words below it go when the table is full */
};

vs_w2v_counter *vs_w2v_counter_new(size_t max_vocab)
{
	vs_w2v_counter *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->max_vocab = max_vocab;
	c->min_reduce = 1;
	if (vs_strtab_init(&c->t) < 0 || vs_w2v_counter_add(c, "</s>", 4) < 0) {
		vs_w2v_counter_free(c);
		return NULL;
	}
	c->count[0] = 0; /* the sentence ends are counted as they come */
	return c;
}

/* gensim's prune_vocab: drop the words counted fewer than min_reduce times
 * (the sentence end stays), then raise min_reduce. */
static int prune(vs_w2v_counter *c)
{
	vs_strtab nt;
	if (vs_strtab_init(&nt) < 0)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < c->t.n; i++) {
		if (i > 0 && c->count[i] < c->min_reduce)
			continue;
		if (vs_strtab_intern(&nt, c->t.arena + c->t.off[i], c->t.len[i]) < 0) {
			vs_strtab_free(&nt);
			return -1;
		}
		c->count[k++] = c->count[i];
	}
	vs_strtab_free(&c->t);
	c->t = nt;
	c->min_reduce++;
	return 0;
}

int vs_w2v_counter_add(vs_w2v_counter *c, const char *word, size_t len)
{
	size_t before = c->t.n;
	long id = vs_strtab_intern(&c->t, word, len);
	if (id < 0)
		return -1;
	if (c->t.n > before) {
		if (c->t.n > c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 1024;
			uint64_t *nc = realloc(c->count, cap * sizeof *nc);
			if (!nc)
				return -1;
			c->count = nc;
			c->cap = cap;
		}
		c->count[id] = 0;
	}
	c->count[id]++;
	if (c->max_vocab && c->t.n > c->max_vocab + 1)
		return prune(c);
	return 0;
}

/* The words counted at least min_count times, most frequent first, as
 * gensim orders its vocabulary: numpy's argsort of the counts (in order of
 * first appearance) reversed, so that ties fall where numpy's introsort
 * leaves them (word2vec's stable sort keeps them in order of appearance;
 * the order decides which word of a tie takes which leaf of hierarchical
 * softmax's tree). "</s>" stays first. Returns how many, with it, or 0 when
 * memory runs out. */
static size_t sort_by_count(const vs_w2v_counter *c, size_t min_count, uint32_t *order)
{
	size_t n = c->t.n, kept = 0, m = 0;
	int64_t *counts = malloc(n * sizeof *counts);
	intptr_t *idx = malloc(n * sizeof *idx);
	uint32_t *ids = malloc(n * sizeof *ids);
	if (counts && idx && ids) {
		for (size_t i = 1; i < n; i++)
			if (c->count[i] >= min_count)
				ids[m] = (uint32_t)i, counts[m++] = (int64_t)c->count[i];
		vs_numpy_argsort(counts, idx, (intptr_t)m);
		order[kept++] = 0;
		for (size_t i = m; i-- > 0;)
			order[kept++] = ids[idx[i]];
	}
	free(counts), free(idx), free(ids);
	return kept;
}

int vs_w2v_counter_finish(vs_w2v_counter *c, size_t min_count, vs_w2v_vocab *out, vs_error *err)
{
	memset(out, 0, sizeof *out);
	size_t n = c->t.n;
	uint32_t *order = malloc(n * sizeof *order);
	if (!order || vs_strtab_init(&out->words) < 0 || !(out->count = malloc(n * sizeof *out->count))) {
		free(order);
		vs_w2v_vocab_free(out);
		return vs_oom(err);
	}
	size_t kept = sort_by_count(c, min_count, order);
	if (!kept) {
		free(order);
		vs_w2v_vocab_free(out);
		return vs_oom(err);
	}
	for (size_t i = 0; i < kept; i++) {
		uint32_t id = order[i];
		if (vs_strtab_intern(&out->words, c->t.arena + c->t.off[id], c->t.len[id]) < 0) {
			free(order);
			vs_w2v_vocab_free(out);
			return vs_oom(err);
		}
		out->count[out->n++] = c->count[id];
		out->total += c->count[id];
	}
	free(order);
	return 0;
}

void vs_w2v_counter_free(vs_w2v_counter *c)
{
	if (!c)
		return;
	vs_strtab_free(&c->t);
	free(c->count);
	free(c);
}

void vs_w2v_vocab_free(vs_w2v_vocab *v)
{
	if (v->words.arena || v->words.slots)
		vs_strtab_free(&v->words);
	free(v->count);
	memset(v, 0, sizeof *v);
}

/* gensim's tree comes from Python's heapq over items compared by count
 * alone, so its ties fall where heapq's sifting leaves them: the same steps
 * here (heapify, heappop, heappush), on node numbers. */
typedef struct pyheap {
	size_t *item, n;
	const uint64_t *count;
} pyheap;

static int heap_less(const pyheap *h, size_t a, size_t b)
{
	return h->count[a] < h->count[b];
}

static void heap_siftdown(pyheap *h, size_t start, size_t pos)
{
	size_t item = h->item[pos];
	while (pos > start) {
		size_t parent = (pos - 1) >> 1;
		if (!heap_less(h, item, h->item[parent]))
			break;
		h->item[pos] = h->item[parent];
		pos = parent;
	}
	h->item[pos] = item;
}

static void heap_siftup(pyheap *h, size_t pos)
{
	size_t start = pos, item = h->item[pos], child = 2 * pos + 1;
	while (child < h->n) {
		size_t right = child + 1;
		if (right < h->n && !heap_less(h, h->item[child], h->item[right]))
			child = right;
		h->item[pos] = h->item[child];
		pos = child;
		child = 2 * pos + 1;
	}
	h->item[pos] = item;
	heap_siftdown(h, start, pos);
}

static size_t heap_pop(pyheap *h)
{
	if (h->n == 0) /* not reached: n - 1 joins take 2 of n items each */
		return 0;
	size_t last = h->item[--h->n];
	if (!h->n)
		return last;
	size_t top = h->item[0];
	h->item[0] = last;
	heap_siftup(h, 0);
	return top;
}

static void heap_push(pyheap *h, size_t node)
{
	h->item[h->n++] = node;
	heap_siftdown(h, 0, h->n - 1);
}

/* The two nodes joined at each step (into node n + a), the rarer first. */
static void join_gensim(uint64_t *count, size_t n, size_t *heap, size_t (*joined)[2])
{
	pyheap h = {heap, n, count};
	for (size_t i = 0; i < n; i++)
		heap[i] = i;
	for (size_t i = n / 2; i-- > 0;)
		heap_siftup(&h, i);
	for (size_t a = 0; a + 1 < n; a++) {
		joined[a][0] = heap_pop(&h);
		joined[a][1] = heap_pop(&h);
		count[n + a] = count[joined[a][0]] + count[joined[a][1]];
		heap_push(&h, n + a);
	}
}

/* word2vec's CreateBinaryTree: leaves from the end of the list, inner nodes
 * in the order they were made; on a tie the inner node. */
static void join_word2vec(uint64_t *count, size_t n, size_t (*joined)[2])
{
	long pos1 = (long)n - 1;
	size_t pos2 = n;
	for (size_t a = 0; a + 1 < n; a++) {
		for (int m = 0; m < 2; m++)
			joined[a][m] = pos1 >= 0 && count[pos1] < count[pos2] ? (size_t)pos1-- : pos2++;
		count[n + a] = count[joined[a][0]] + count[joined[a][1]];
	}
}

int vs_w2v_huffman(const uint64_t *cnt, size_t n, vs_w2v_ties ties, uint8_t *codelen,
                   uint8_t (*code)[VS_W2V_MAX_CODE], uint32_t (*point)[VS_W2V_MAX_CODE + 1], vs_error *err)
{
	if (n < 2)
		return vs_fail(err, "hierarchical softmax needs at least 2 words in the vocabulary");
	uint64_t *count = malloc((n * 2 + 1) * sizeof *count);
	uint8_t *binary = calloc(n * 2 + 1, 1);
	size_t *parent = malloc((n * 2 + 1) * sizeof *parent), *heap = malloc(n * sizeof *heap);
	size_t (*joined)[2] = malloc(n * sizeof *joined);
	if (!count || !binary || !parent || !heap || !joined) {
		free(count), free(binary), free(parent), free(heap), free(joined);
		return vs_oom(err);
	}
	for (size_t a = 0; a < n; a++)
		count[a] = cnt[a];
	for (size_t a = n; a < n * 2; a++)
		count[a] = (uint64_t)1e15;
	if (ties == VS_W2V_TIES_GENSIM)
		join_gensim(count, n, heap, joined);
	else
		join_word2vec(count, n, joined);
	/* the first of a pair takes code 0, the second 1 (both tools) */
	for (size_t a = 0; a + 1 < n; a++) {
		parent[joined[a][0]] = parent[joined[a][1]] = n + a;
		binary[joined[a][1]] = 1;
	}
	int rc = 0;
	for (size_t a = 0; a < n && rc == 0; a++) {
		uint8_t c[VS_W2V_MAX_CODE];
		size_t p[VS_W2V_MAX_CODE], i = 0;
		for (size_t b = a; b != n * 2 - 2; b = parent[b]) {
			if (i == VS_W2V_MAX_CODE) {
				rc = vs_fail(err, "the Huffman tree is deeper than %d levels (counts too skewed)", VS_W2V_MAX_CODE);
				break;
			}
			c[i] = binary[b];
			p[i] = b;
			i++;
		}
		if (rc)
			break;
		codelen[a] = (uint8_t)i;
		point[a][0] = (uint32_t)(n - 2);
		for (size_t b = 0; b < i; b++) {
			code[a][i - b - 1] = c[b];
			point[a][i - b] = (uint32_t)(p[b] - n);
		}
	}
	free(count), free(binary), free(parent), free(heap), free(joined);
	return rc;
}

uint32_t *vs_w2v_noise_table(const uint64_t *count, size_t n, size_t size)
{
	uint32_t *table = malloc(size * sizeof *table);
	if (!table || n == 0) {
		free(table);
		return NULL;
	}
	double total = 0;
	for (size_t a = 0; a < n; a++)
		total += pow((double)count[a], 0.75);
	size_t i = 0;
	double d1 = pow((double)count[0], 0.75) / total;
	for (size_t a = 0; a < size; a++) {
		table[a] = (uint32_t)i;
		if ((double)a / (double)size > d1 && i + 1 < n) {
			i++;
			d1 += pow((double)count[i], 0.75) / total;
		}
	}
	return table;
}

double vs_w2v_alpha(double alpha, double min_alpha, double done)
{
	double a = alpha - (alpha - min_alpha) * (done < 1 ? done : 1);
	return a > min_alpha ? a : min_alpha;
}
