/* numpy's default argsort (kind='quicksort': an introsort with a median of
 * three, insertion sort below 16 items and heapsort when too deep), step by
 * step, so that ties fall as they do in numpy (scikit-learn's max_features
 * keeps `(-tfs).argsort()[:limit]`). */
#include "core/core.h"

static void aheapsort(const int64_t *v, intptr_t *tosort, intptr_t n)
{
	intptr_t *a = tosort - 1; /* 1-based */
	intptr_t i, j, l, tmp;
	for (l = n >> 1; l > 0; --l) {
		tmp = a[l];
		for (i = l, j = l << 1; j <= n;) {
			if (j < n && v[a[j]] < v[a[j + 1]])
				j += 1;
			if (v[tmp] < v[a[j]]) {
				a[i] = a[j];
				i = j;
				j += j;
			} else {
				break;
			}
		}
		a[i] = tmp;
	}
	for (; n > 1;) {
		tmp = a[n];
		a[n] = a[1];
		n -= 1;
		for (i = 1, j = 2; j <= n;) {
			if (j < n && v[a[j]] < v[a[j + 1]])
				j++;
			if (v[tmp] < v[a[j]]) {
				a[i] = a[j];
				i = j;
				j += j;
			} else {
				break;
			}
		}
		a[i] = tmp;
	}
}

#define SWAP(a, b)                                                                                                \
	do {                                                                                                      \
		intptr_t t_ = (a);                                                                                \
		(a) = (b);                                                                                        \
		(b) = t_;                                                                                         \
	} while (0)

void vs_numpy_argsort(const int64_t *v, intptr_t *tosort, intptr_t num)
{
	for (intptr_t i = 0; i < num; i++)
		tosort[i] = i;
	if (num < 2)
		return;
	intptr_t *pl = tosort, *pr = tosort + num - 1;
	intptr_t *stack[128], **sptr = stack;
	int depth[64], *psdepth = depth;
	int cdepth = 0;
	for (uintptr_t u = (uintptr_t)num; u >>= 1;)
		cdepth++;
	cdepth *= 2;
	for (;;) {
		if (cdepth < 0) {
			aheapsort(v, pl, pr - pl + 1);
			goto stack_pop;
		}
		while ((pr - pl) > 15) {
			intptr_t *pm = pl + ((pr - pl) >> 1), *pi, *pj;
			if (v[*pm] < v[*pl])
				SWAP(*pm, *pl);
			if (v[*pr] < v[*pm])
				SWAP(*pr, *pm);
			if (v[*pm] < v[*pl])
				SWAP(*pm, *pl);
			int64_t vp = v[*pm];
			pi = pl;
			pj = pr - 1;
			SWAP(*pm, *pj);
			for (;;) {
				do
					++pi;
				while (v[*pi] < vp);
				do
					--pj;
				while (vp < v[*pj]);
				if (pi >= pj)
					break;
				SWAP(*pi, *pj);
			}
			intptr_t *pk = pr - 1;
			SWAP(*pi, *pk);
			/* push the larger partition */
			if (pi - pl < pr - pi) {
				*sptr++ = pi + 1;
				*sptr++ = pr;
				pr = pi - 1;
			} else {
				*sptr++ = pl;
				*sptr++ = pi - 1;
				pl = pi + 1;
			}
			*psdepth++ = --cdepth;
		}
		for (intptr_t *pi = pl + 1; pi <= pr; ++pi) { /* insertion sort */
			intptr_t vi = *pi;
			int64_t vp = v[vi];
			intptr_t *pj = pi, *pk = pi - 1;
			while (pj > pl && vp < v[*pk])
				*pj-- = *pk--;
			*pj = vi;
		}
	stack_pop:
		if (sptr == stack)
			break;
		pr = *(--sptr);
		pl = *(--sptr);
		cdepth = *(--psdepth);
	}
}
