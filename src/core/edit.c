/* How far apart two strings are, for "did you mean" hints. */
#include "core/core.h"

/* Edit distance with adjacent transpositions (optimal string alignment)
 * if it is at most max, else max + 1. */
size_t vs_edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t max)
{
	size_t rows[3][64], *pp = rows[0], *prev = rows[1], *row = rows[2];
	if (lb >= 64)
		return max + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t best = row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t v = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
				v = pp[j - 2] + 1;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
		size_t *t = pp;
		pp = prev;
		prev = row;
		row = t;
	}
	return prev[lb];
}
