/* subwords: a word's character n-grams in a fastText model, as fastText's
 * print-ngrams lists them, and how much each one pulls the word's vector. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

typedef struct ngram_rows {
	vs_result *r;
	const vs_subwords *sw;
	const float *word_vec; /* the word's vector (fastText's getWordVector) */
	float *row;            /* scratch: one input row */
	size_t zero;           /* rows never trained (all zero) */
	size_t pruned;         /* n-grams a quantized model dropped */
} ngram_rows;

static float cosine(const float *a, const float *b, size_t n, int *zero)
{
	double ab = 0, aa = 0, bb = 0;
	for (size_t i = 0; i < n; i++) {
		ab += (double)a[i] * b[i];
		aa += (double)a[i] * a[i];
		bb += (double)b[i] * b[i];
	}
	*zero = aa == 0 || bb == 0;
	return *zero ? 0.0f : (float)(ab / sqrt(aa * bb));
}

static void add_line(ngram_rows *c, const char *text, const char *kind, long long bucket, long row)
{
	if (vs_result_row(c->r) < 0)
		return;
	vs_result_str(c->r, 0, text);
	vs_result_str(c->r, 1, kind);
	if (bucket >= 0)
		vs_result_int(c->r, 2, bucket);
	vs_result_int(c->r, 3, row);
	if (row < 0) {
		c->pruned++;
		return;
	}
	memset(c->row, 0, (size_t)c->sw->dim * sizeof *c->row);
	vs_subwords_add_row(c->sw, (size_t)row, c->row);
	int zero;
	vs_result_float(c->r, 4, cosine(c->row, c->word_vec, (size_t)c->sw->dim, &zero));
	c->zero += zero;
}

static void one_ngram(void *ctx, const char *ngram, size_t len, uint32_t bucket, long row)
{
	char text[512];
	snprintf(text, sizeof text, "%.*s", (int)(len < 500 ? len : 500), ngram);
	add_line(ctx, text, "n-gram", bucket, row);
}

static int cmd_subwords_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const vs_subwords *sw = set->sub;
	if (!sw)
		return vs_session_error(s, "subwords: %s has no character n-grams (load a fastText .bin or .ftz model)",
		                        set->name);
	const char *word = a->argv[0];
	long own = vs_vecset_find(set, word);
	if (own >= (long)set->count || set->count != sw->nwords) /* made from subwords, or rows renumbered */
		own = -1;
	float *vec = malloc((size_t)sw->dim * 2 * sizeof *vec);
	vs_result *r = vs_result_new();
	if (!vec || !r) {
		free(vec);
		vs_result_free(r);
		return vs_session_oom(s);
	}
	size_t n = vs_subwords_vector(sw, word, own, vec);
	vs_result_title(r, "%s: %s, the mean of %zu row%s", word, own >= 0 ? "in the dictionary" : "not in the dictionary",
	                n, n == 1 ? "" : "s");
	vs_result_col(r, "subword", VS_COL_STR, 0);
	vs_result_col(r, "kind", VS_COL_STR, 0);
	vs_result_col(r, "bucket", VS_COL_INT, 0);
	vs_result_col(r, "row", VS_COL_INT, 0);
	vs_result_col(r, "cosine", VS_COL_FLOAT, 6);
	ngram_rows c = {r, sw, vec, vec + sw->dim, 0, 0};
	if (own >= 0)
		add_line(&c, word, "word", -1, own);
	vs_subwords_walk(sw, word, one_ngram, &c);
	if (n == 0)
		vs_result_note(r, "no row: the word's vector is zero (fastText gives it no direction)");
	if (c.zero)
		vs_result_note(r, "%zu row%s never trained (all zero): no direction, cosine 0", c.zero, c.zero == 1 ? "" : "s");
	if (c.pruned)
		vs_result_note(r, "%zu n-gram%s pruned when the model was quantized (row -1)", c.pruned,
		               c.pruned == 1 ? "" : "s");
	free(vec);
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_subwords_entry = {
	.name = "subwords",
	.aliases = (const char *const[]){"ngrams", NULL},
	.usage = "WORD",
	.summary = "a word's character n-grams in a fastText model, and what each adds",
	.help = "fastText gives a word the mean of its own row (when it is in the dictionary)\n"
	        "and the rows of its character n-grams: <word> cut into pieces of minn to maxn\n"
	        "characters, each hashed (FNV-1a) into one of the model's buckets. The list is\n"
	        "fastText's print-ngrams order; cosine is each row's cosine with the word's\n"
	        "vector, so the n-grams that pull it most stand out. Works for unseen words too.",
	.example = "load examples/data/kjv-fasttext.bin as kjv\nsubwords kingdom\nsubwords kingdum",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_subwords_exec,
};
