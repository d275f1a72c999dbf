/* bow: the bag of words of a text (CountVectorizer), with the hashing trick
 * (HashingVectorizer), against an index; or an index's document-term matrix. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "text/text.h"

/* The index named by --index, or none (the text is analyzed on its own). */
static int chosen_index(vs_session *s, vs_args *a, vs_index **ix)
{
	const char *name = vs_arg_opt(a, "--index");
	*ix = NULL;
	if (!name)
		return 0;
	if (!(*ix = vs_session_find_index(s, name)))
		return vs_session_error(s, "bow: no index named '%s' (see 'sets')", name);
	if (vs_arg_opt(a, "--ngram") || vs_arg_opt(a, "--stopwords") || vs_arg_flag(a, "--binary") ||
	    vs_arg_opt(a, "--hash"))
		return vs_session_error(s, "bow: %s analyzes text as it was built: --ngram, --stopwords, --binary and "
		                           "--hash are its own",
		                        name);
	return 0;
}

/* The analyzer the options ask for; *own is a stop word list to free. */
static int options_analyzer(vs_session *s, vs_args *a, vs_analyzer *an, vs_stopwords **own, int *bits)
{
	memset(an, 0, sizeof *an);
	an->ngram_min = an->ngram_max = 1;
	*own = NULL;
	*bits = 0;
	const char *v;
	if ((v = vs_arg_opt(a, "--ngram")) && vs_parse_ngram(s, "bow", v, &an->ngram_min, &an->ngram_max) < 0)
		return -1;
	if ((v = vs_arg_opt(a, "--stopwords")) && strcmp(v, "none") != 0) {
		if (strcmp(v, "english") == 0) {
			an->stop = vs_stopwords_english();
		} else {
			vs_error err;
			if (!(*own = vs_stopwords_load(v, &err)))
				return vs_session_error(s, "bow: %s", err.msg);
			an->stop = *own;
		}
	}
	if ((v = vs_arg_opt(a, "--hash")))
		return vs_parse_bits(s, "bow", "--hash", v, VS_MAX_HASH_BITS, bits);
	return 0;
}

/* Buckets that more than one word fell into. */
static void note_collisions(vs_result *r, const vs_bow *b, int bits)
{
	size_t buckets = 0, shared = 0;
	for (size_t i = 0, j; i < b->n; i = j) {
		for (j = i; j < b->n && b->t[j].bucket == b->t[i].bucket; j++)
			;
		buckets++;
		if (j - i < 2)
			continue;
		shared++;
		char list[400] = "";
		for (size_t k = i; k < j; k++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%c%s", k > i ? ", " : "",
			         b->t[k].sign < 0 ? '-' : '+', b->t[k].term);
		vs_result_note(r, "collision in bucket %ld: %s", b->t[i].bucket, list);
	}
	vs_result_note(r, "%zu term%s in %zu of 2^%d buckets, %zu shared by more than one", b->n, b->n == 1 ? "" : "s",
	               buckets, bits, shared);
}

static vs_result *bow_result(const vs_bow *b, const vs_index *ix, int bits)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "term", VS_COL_STR, 0);
	vs_result_col(r, "count", VS_COL_INT, 0);
	if (bits) {
		vs_result_col(r, "bucket", VS_COL_INT, 0);
		vs_result_col(r, "sign", VS_COL_STR, 0);
		vs_result_col(r, "total", VS_COL_INT, 0);
	} else {
		vs_result_col(r, "column", VS_COL_INT, 0);
	}
	if (ix)
		vs_result_col(r, "known", VS_COL_STR, 0);
	for (size_t i = 0; i < b->n; i++) {
		const vs_bow_term *t = &b->t[i];
		if (vs_result_row(r) < 0)
			break;
		size_t c = 0;
		vs_result_str(r, c++, t->term);
		vs_result_int(r, c++, (long long)t->count);
		if (bits) {
			vs_result_int(r, c++, t->bucket);
			vs_result_str(r, c++, t->sign < 0 ? "-" : "+");
			vs_result_int(r, c++, (long long)t->total);
		} else if (t->column >= 0) {
			vs_result_int(r, c++, t->column);
		} else {
			c++; /* no column: the vocabulary has no such term */
		}
		if (ix)
			vs_result_str(r, c, t->column >= 0 ? "yes" : "no");
	}
	return r;
}

/* The top terms of an index by corpus count, or those --terms names. */
static int matrix_terms(vs_session *s, vs_args *a, const vs_index *ix, long *cols, size_t *ncols)
{
	const char *want = vs_arg_opt(a, "--terms");
	*ncols = 0;
	if (want) {
		char *copy = strdup(want), *save = NULL;
		if (!copy)
			return vs_session_oom(s);
		for (char *t = strtok_r(copy, ",", &save); t && *ncols < 64; t = strtok_r(NULL, ",", &save)) {
			long id = vs_index_term(ix, t);
			if (id < 0) {
				vs_session_error(s, "bow: '%s' is not a term of %s", t, ix->name);
				free(copy);
				return -1;
			}
			cols[(*ncols)++] = id;
		}
		free(copy);
		return 0;
	}
	double *freq = calloc(ix->nterms ? ix->nterms : 1, sizeof *freq);
	if (!freq)
		return vs_session_oom(s);
	for (uint64_t e = 0; e < ix->nnz; e++)
		freq[ix->doc_term[e]] += ix->doc_count[e] < 0 ? -ix->doc_count[e] : ix->doc_count[e];
	/* as many of the most frequent terms (ties by term) as fit in 80 columns */
	size_t width = 0;
	for (uint32_t d = 0; d < ix->ndocs && d < 20; d++)
		if (strlen(ix->doc_names[d]) > width)
			width = strlen(ix->doc_names[d]);
	width = (width > 20 ? 20 : width < 3 ? 3 : width) + 2;
	while (*ncols < 64) {
		long best = -1;
		for (uint32_t t = 0; t < ix->nterms; t++)
			if (freq[t] > 0 && (best < 0 || freq[t] > freq[best]))
				best = t;
		if (best < 0)
			break;
		size_t w = strlen(ix->terms[best]) + 2;
		if (width + w > 80)
			break;
		width += w;
		freq[best] = 0;
		cols[(*ncols)++] = best;
	}
	free(freq);
	return 0;
}

static int bow_matrix(vs_session *s, vs_args *a)
{
	vs_index *ix;
	if (chosen_index(s, a, &ix) < 0 || (!ix && !(ix = vs_session_active_index(s))))
		return -1;
	size_t k, ncols;
	long cols[64];
	if (vs_arg_size(s, a, "-k", 20, &k) < 0 || matrix_terms(s, a, ix, cols, &ncols) < 0)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "doc", VS_COL_STR, 0);
	for (size_t c = 0; c < ncols; c++)
		vs_result_col(r, ix->terms[cols[c]], VS_COL_INT, 0);
	size_t shown = k < ix->ndocs ? k : ix->ndocs;
	for (size_t d = 0; d < shown; d++) {
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, ix->doc_names[d]);
		for (size_t c = 0; c < ncols; c++) {
			double v = 0;
			for (uint64_t e = ix->doc_ptr[d]; e < ix->doc_ptr[d + 1]; e++)
				if (ix->doc_term[e] == (uint32_t)cols[c])
					v = ix->doc_count[e];
			vs_result_int(r, c + 1, (long long)v);
		}
	}
	if (shown < ix->ndocs)
		vs_result_note(r, "the first %zu of %u documents (-k N for more)", shown, ix->ndocs);
	if (!vs_arg_opt(a, "--terms") && ncols < ix->nterms)
		vs_result_note(r, "the %zu most frequent of %u terms (--terms A,B,... to choose)", ncols, ix->nterms);
	if (ix->opt.hash_bits)
		vs_result_note(r, "%s is hashed: the columns are buckets, named by their most frequent word", ix->name);
	vs_session_show(s, r);
	return 0;
}

static int cmd_bow_exec(vs_session *s, vs_args *a)
{
	if (vs_arg_flag(a, "--matrix")) {
		if (a->argc)
			return vs_session_error(s, "bow: --matrix shows an index's documents: it takes no text");
		return bow_matrix(s, a);
	}
	if (a->argc == 0)
		return vs_session_error(s, "bow: give a text, or --matrix for an index's document-term matrix");
	if (vs_arg_opt(a, "--terms") || vs_arg_opt(a, "-k"))
		return vs_session_error(s, "bow: --terms and -k choose what --matrix shows");
	vs_index *ix;
	vs_analyzer an;
	vs_stopwords *own = NULL;
	int bits = 0;
	if (chosen_index(s, a, &ix) < 0 || (!ix && options_analyzer(s, a, &an, &own, &bits) < 0)) {
		vs_stopwords_free(own);
		return -1;
	}
	char *text = vs_join_args(a->argc, a->argv);
	vs_bow b;
	vs_error err;
	int rc = !text ? vs_oom(&err)
	         : ix  ? vs_bag_of_words_index(ix, text, &b, &err)
	               : vs_bag_of_words(&an, text, bits, vs_arg_flag(a, "--binary"), &b, &err);
	free(text);
	vs_stopwords_free(own);
	if (rc < 0)
		return vs_session_error(s, "bow: %s", err.msg);
	if (ix)
		bits = ix->opt.hash_bits;
	vs_result *r = bow_result(&b, ix, bits);
	if (r && b.n == 0)
		vs_result_note(r, "the text has no terms: tokens are runs of two or more letters or digits%s",
		               an.stop || (ix && ix->stop) ? ", stop words left out" : "");
	if (r && bits && b.n)
		note_collisions(r, &b, bits);
	vs_bow_free(&b);
	if (!r)
		return vs_session_oom(s);
	vs_session_show(s, r);
	return 0;
}

static const char *const stopword_choices[] = {"english", "none", NULL};

static const vs_option cmd_bow_options[] = {
	{"--index", "NAME", "as this index analyzes text: its columns, and which terms it knows", VS_COMPLETE_SET, NULL},
	{"--ngram", "MIN,MAX", "word n-grams, e.g. 1,2 (default 1,1)", VS_COMPLETE_NONE, NULL},
	{"--stopwords", "english|FILE|none", "leave out stop words (default none)", VS_COMPLETE_FILE, stopword_choices},
	{"--binary", NULL, "count 1 for every term there (binary=True)", VS_COMPLETE_NONE, NULL},
	{"--hash", "BITS", "the hashing trick into 2^BITS buckets (1 to 30)", VS_COMPLETE_NONE, NULL},
	{"--matrix", NULL, "the document-term matrix of the index (--index, or the active one)", VS_COMPLETE_NONE, NULL},
	{"--terms", "A,B,...", "with --matrix: the columns (default the most frequent terms that fit)",
	 VS_COMPLETE_NONE, NULL},
	{"-k", "N", "with --matrix: how many documents (default 20)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_bow_entry = {
	.name = "bow",
	.usage = "TEXT... [--index NAME] [--ngram MIN,MAX] [--stopwords english|FILE|none] [--binary] [--hash BITS]\n"
	         "       | --matrix [--index NAME] [--terms A,B,...] [-k N]",
	.summary = "the bag of words of a text, the hashing trick, a document-term matrix",
	.help = "The text's terms in sorted order with their counts, as scikit-learn's\n"
	        "CountVectorizer().fit_transform([TEXT]) gives them; 'column' is the term's\n"
	        "column there. With --index the text is analyzed as the index analyzes it,\n"
	        "'column' is the index's column and 'known' says whether its vocabulary has\n"
	        "the term. With --hash, as HashingVectorizer(n_features=2^BITS,\n"
	        "alternate_sign=True, norm=None): each term's bucket, the sign its count\n"
	        "gets, and the bucket's signed total; the notes list the collisions.\n"
	        "--matrix prints an index's documents as rows and its most frequent terms\n"
	        "as columns (as many as fit in 80 columns), the counts in the cells.",
	.example = "bow the cat sat on the mat with the other cat\nbow the cat sat on the mat --hash 3\n"
	           "bow --matrix --terms cat,dog",
	.min_args = 0,
	.max_args = -1,
	.options = cmd_bow_options,
	.exec = cmd_bow_exec,
};
