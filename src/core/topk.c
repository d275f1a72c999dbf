#include "core/core.h"

#include <math.h>
#include <stdlib.h>

/* a is worse than b */
static int worse(vs_hit a, vs_hit b)
{
	return a.score < b.score || (a.score == b.score && a.index > b.index);
}

int vs_topk_init(vs_topk *t, size_t k)
{
	t->k = k;
	t->n = 0;
	t->heap = malloc((k ? k : 1) * sizeof *t->heap);
	return t->heap ? 0 : -1;
}

void vs_topk_free(vs_topk *t)
{
	free(t->heap);
	t->heap = NULL;
}

float vs_topk_threshold(const vs_topk *t)
{
	return t->n < t->k ? -INFINITY : t->heap[0].score;
}

static void sift_down(vs_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(h[l], h[m]))
			m = l;
		if (r < n && worse(h[r], h[m]))
			m = r;
		if (m == i)
			return;
		vs_hit tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

void vs_topk_push(vs_topk *t, long index, float score)
{
	vs_hit x = {index, score};
	if (t->k == 0)
		return;
	if (t->n < t->k) {
		size_t i = t->n++;
		t->heap[i] = x;
		while (i > 0) {
			size_t p = (i - 1) / 2;
			if (!worse(t->heap[i], t->heap[p]))
				break;
			vs_hit tmp = t->heap[i];
			t->heap[i] = t->heap[p];
			t->heap[p] = tmp;
			i = p;
		}
	} else if (worse(t->heap[0], x)) {
		t->heap[0] = x;
		sift_down(t->heap, t->n, 0);
	}
}

size_t vs_topk_sorted(vs_topk *t, vs_hit *out)
{
	size_t n = t->n;
	for (size_t i = n; i > 0; i--) { /* pop the worst into the last free place */
		out[i - 1] = t->heap[0];
		t->heap[0] = t->heap[--t->n];
		sift_down(t->heap, t->n, 0);
	}
	return n;
}

size_t vs_topk_select(const float *scores, size_t n, size_t k, const long *exclude, size_t nex,
                      vs_hit *out)
{
	vs_topk t;
	if (vs_topk_init(&t, k) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		float s = scores[i];
		if (!(s >= vs_topk_threshold(&t))) /* also skips NaN (zero vectors) */
			continue;
		int skip = 0;
		for (size_t e = 0; e < nex; e++)
			skip |= exclude[e] == (long)i;
		if (!skip)
			vs_topk_push(&t, (long)i, s);
	}
	size_t got = vs_topk_sorted(&t, out);
	vs_topk_free(&t);
	return got;
}
