/* The training examples word2vec draws from a sentence: the words split on
 * white space as word2vec.c and gensim's LineSentence split them, the
 * (center, context) pairs of a window, and the chance each is used. */
#include "text/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int vs_split_words(const char *text, char ***words, size_t *n, vs_error *err)
{
	size_t cap = 16;
	*n = 0;
	*words = malloc(cap * sizeof **words);
	if (!*words)
		return vs_oom(err);
	for (const char *p = text; *p;) {
		while (*p && is_space(*p))
			p++;
		if (!*p)
			break;
		const char *e = p;
		while (*e && !is_space(*e))
			e++;
		if (*n == cap) {
			char **w = realloc(*words, (cap *= 2) * sizeof *w);
			if (!w)
				goto oom;
			*words = w;
		}
		if (!((*words)[*n] = strndup(p, (size_t)(e - p))))
			goto oom;
		++*n;
		p = e;
	}
	return 0;
oom:
	vs_free_split(*words, *n);
	*words = NULL;
	*n = 0;
	return vs_oom(err);
}

void vs_free_split(char **words, size_t n)
{
	for (size_t i = 0; words && i < n; i++)
		free(words[i]);
	free(words);
}

int vs_window_pairs(size_t n, int window, vs_window_pair **out, size_t *npairs, vs_error *err)
{
	*npairs = 0;
	*out = NULL;
	if (window < 1)
		return vs_fail(err, "a window of %d words: it must be at least 1", window);
	size_t w = (size_t)window, most = n * 2 * w;
	if (n && most / n / 2 != w)
		return vs_fail(err, "too many pairs");
	*out = malloc((most ? most : 1) * sizeof **out);
	if (!*out)
		return vs_oom(err);
	for (size_t c = 0; c < n; c++)
		for (size_t j = c > w ? c - w : 0; j < n && j <= c + w; j++) {
			if (j == c)
				continue;
			size_t d = j > c ? j - c : c - j;
			/* the window shrinks at random: b uniform in 0..window-1, reach window - b */
			(*out)[(*npairs)++] = (vs_window_pair){c, j, j > c ? (int)d : -(int)d, (double)(w - d + 1) / (double)w};
		}
	return 0;
}

double vs_word2vec_keep(double count, double total, double sample)
{
	if (sample <= 0 || count <= 0)
		return count > 0 ? 1.0 : 0.0;
	double threshold = sample * total;
	double p = (sqrt(count / threshold) + 1.0) * threshold / count;
	return p < 1.0 ? p : 1.0;
}
