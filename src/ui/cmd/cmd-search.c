/* keywords, search, similar: querying the active index. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "text/text.h"

/* A document named by name, unique prefix, number or file name; reports errors. */
static long vs_session_doc(vs_session *s, vs_index *ix, const char *ref)
{
	long d = vs_index_doc(ix, ref);
	if (d == -2) {
		char list[512] = "";
		size_t shown = 0, len = strlen(ref);
		for (uint32_t i = 0; i < ix->ndocs && shown < 6; i++) {
			if (strncmp(ix->doc_names[i], ref, len) == 0 || strcmp(vs_doc_file_name(ix->doc_names[i]), ref) == 0) {
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", shown ? ", " : "",
				         shown < 5 ? ix->doc_names[i] : "...");
				shown++;
			}
		}
		return vs_session_error(s, "'%s' names several documents of %s (%s); give more of the name", ref, ix->name,
		                        list);
	}
	if (d < 0)
		return vs_session_error(s, "no document '%s' in %s (see 'docs')", ref, ix->name);
	return d;
}

/* The words of a text the index has never seen: --explain says they add nothing. */
static void note_unseen(vs_result *r, const vs_index *ix, const char *text)
{
	vs_bow b;
	vs_error err;
	if (ix->opt.hash_bits || vs_bag_of_words_index(ix, text, &b, &err) < 0)
		return; /* a hashed index has a bucket for every word */
	char list[400] = "";
	size_t n = 0;
	for (size_t i = 0; i < b.n; i++)
		if (b.t[i].column < 0 && ++n <= 8)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n > 1 ? ", " : "", b.t[i].term);
	if (n)
		vs_result_note(r, "not in %s's vocabulary, so left out: %s%s", ix->name, list, n > 8 ? ", ..." : "");
	vs_bow_free(&b);
}

/* What each figure of --explain is, as the index was built. */
static void note_weighting(vs_result *r, const vs_index *ix, double norm, int text)
{
	const vs_index_options *o = &ix->opt;
	vs_result_note(r, "tf = %s", o->binary ? "1 for every term there (binary=True)"
	                             : o->sublinear ? "1 + ln(count) (sublinear_tf=True)" : "count");
	if (o->no_idf)
		vs_result_note(r, "idf is not used (use_idf=False): tf-idf = tf");
	else
		vs_result_note(r, "idf = %s, n = %u documents", o->no_smooth ? "ln(n / df) + 1 (smooth_idf=False)"
		                                                             : "ln((1 + n) / (1 + df)) + 1 (smooth_idf=True)",
		               ix->ndocs);
	if (o->norm == VS_NORM_NONE)
		vs_result_note(r, "no normalisation (norm=None): weight = tf-idf");
	else
		vs_result_note(r, "weight = tf-idf / norm, norm = %s over the %s's terms = %.6f",
		               o->norm == VS_NORM_L2 ? "sqrt(sum of tf-idf^2)" : "sum of |tf-idf|", text ? "text" : "document",
		               norm);
	if (o->hash_bits)
		vs_result_note(r, "%s is hashed: each row is a bucket, its count the signed sum of the words in it", ix->name);
	if (o->hash_bits && o->sublinear && !o->binary)
		vs_result_note(r, "hashed and sublinear: a negative count c gets tf = -(1 + ln|c|), where scikit-learn's "
		                  "log of a negative count gives NaN");
}

/* keywords --explain: tf, df, idf, tf-idf, norm and weight of each term. */
static int keywords_explain(vs_session *s, vs_index *ix, long doc, const char *text, int unseen, size_t k)
{
	vs_weight_working w;
	vs_error err;
	if ((text ? vs_explain_text(ix, text, unseen, &w, &err) : vs_explain_doc(ix, doc, &w, &err)) < 0)
		return vs_session_error(s, "keywords: %s", err.msg);
	vs_result *r = vs_result_new();
	if (!r) {
		vs_weight_working_free(&w);
		return vs_session_oom(s);
	}
	int hashed = ix->opt.hash_bits > 0;
	if (hashed)
		vs_result_col(r, "bucket", VS_COL_INT, 0);
	vs_result_col(r, hashed ? "words" : "term", VS_COL_STR, 0);
	const char *cols[] = {"count", "tf", "df", "idf", "tfidf", "norm", "weight"};
	for (size_t c = 0; c < 7; c++)
		vs_result_col(r, cols[c], c == 0 || c == 2 ? VS_COL_INT : VS_COL_FLOAT, 6);
	for (size_t i = 0; i < w.n && i < k; i++) {
		const vs_weight_step *t = &w.t[i];
		if (vs_result_row(r) < 0)
			break;
		size_t c = 0;
		if (hashed)
			vs_result_int(r, c++, t->bucket);
		vs_result_str(r, c++, t->text);
		vs_result_int(r, c++, (long long)t->count);
		vs_result_float(r, c++, t->tf);
		vs_result_int(r, c++, t->df);
		vs_result_float(r, c++, t->idf);
		vs_result_float(r, c++, t->tfidf);
		vs_result_float(r, c++, w.norm);
		vs_result_float(r, c++, t->weight);
	}
	note_weighting(r, ix, w.norm, text != NULL);
	if (text && !unseen)
		note_unseen(r, ix, text);
	if (text && w.n == 0)
		vs_result_note(r, "no term of the text is in %s's vocabulary", ix->name);
	if (!text) {
		vs_result_title(r, "%s", ix->doc_names[doc]);
		vs_result_context_str(r, "doc", ix->doc_names[doc]);
	}
	vs_weight_working_free(&w);
	vs_session_show(s, r);
	return 0;
}

static int cmd_keywords_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_active_index(s);
	size_t k;
	if (!ix || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	const char *text = vs_arg_opt(a, "--text");
	if (text && a->argc == 1)
		return vs_session_error(s, "keywords: give a document or --text TEXT, not both");
	if (!text && a->argc == 0)
		return vs_session_error(s, "keywords: give a document (see 'docs') or --text TEXT");
	long doc = -1;
	if (vs_arg_flag(a, "--explain")) {
		if (!text && (doc = vs_session_doc(s, ix, a->argv[0])) < 0)
			return -1;
		return keywords_explain(s, ix, doc, text, vs_arg_flag(a, "--unseen"), k);
	}
	vs_term_weight *tw;
	size_t n;
	if (text) {
		size_t cap = k < 100000 ? k : 100000;
		tw = malloc((cap ? cap : 1) * sizeof *tw);
		n = tw ? vs_index_text_keywords(ix, text, cap, vs_arg_flag(a, "--unseen"), tw) : (size_t)-1;
		if (n == (size_t)-1) {
			free(tw);
			return vs_session_oom(s);
		}
	} else {
		if ((doc = vs_session_doc(s, ix, a->argv[0])) < 0)
			return -1;
		size_t have = (size_t)(ix->doc_ptr[doc + 1] - ix->doc_ptr[doc]);
		tw = malloc(((k < have ? k : have) + 1) * sizeof *tw);
		if (!tw)
			return vs_session_oom(s);
		n = vs_index_keywords(ix, doc, k, tw);
	}
	vs_result *r = vs_result_new();
	if (!r) {
		vs_term_weights_free(tw, n);
		free(tw);
		return vs_session_oom(s);
	}
	int hashed = ix->opt.hash_bits > 0, unseen = text && vs_arg_flag(a, "--unseen") && !hashed;
	size_t c = 0;
	vs_result_col(r, "rank", VS_COL_INT, 0);
	if (hashed) /* the buckets, with the words typed into them, or a word of them */
		vs_result_col(r, "bucket", VS_COL_INT, 0);
	vs_result_col(r, hashed ? "words" : "term", VS_COL_STR, 0);
	vs_result_col(r, "weight", VS_COL_FLOAT, 6);
	if (unseen)
		vs_result_col(r, "seen", VS_COL_STR, 0);
	for (size_t i = 0; i < n; i++) {
		if (vs_result_row(r) < 0)
			break;
		c = 0;
		vs_result_int(r, c++, (long long)i + 1);
		if (hashed)
			vs_result_int(r, c++, tw[i].bucket);
		vs_result_str(r, c++, tw[i].text);
		vs_result_float(r, c++, tw[i].weight);
		if (unseen)
			vs_result_str(r, c, tw[i].term >= 0 ? "yes" : "unseen");
	}
	if (hashed)
		vs_result_note(r, "%s is hashed: weights are of buckets, which every word hashed there shares", ix->name);
	if (!text) {
		vs_result_title(r, "%s", ix->doc_names[doc]);
		vs_result_context_str(r, "doc", ix->doc_names[doc]);
	}
	vs_term_weights_free(tw, n);
	free(tw);
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_keywords_options[] = {
	{"-k", "N", "how many terms (default 10)", VS_COMPLETE_NONE, NULL},
	{"--text", "TEXT", "score this text against the index's idf instead of a document", VS_COMPLETE_NONE, NULL},
	{"--unseen", NULL, "with --text: keep words the index has not seen (idf of df = 0), marked", VS_COMPLETE_NONE,
	 NULL},
	{"--explain", NULL, "show the working: count, tf, df, idf, tf-idf, the norm and the weight", VS_COMPLETE_NONE,
	 NULL},
	{0},
};

const vs_cmd_entry cmd_keywords_entry = {
	.name = "keywords",
	.args_complete = VS_COMPLETE_DOC,
	.usage = "DOC [-k N] [--explain] | --text TEXT [-k N] [--unseen] [--explain]",
	.summary = "the terms that characterise a document (or a text), by TF-IDF weight",
	.help = "DOC is a document's name, a unique prefix of it, its number (see 'docs'), or\n"
	        "for a file given by its path, its file name.\n"
	        "Ties are broken by term. With --text the text is weighted against the index's\n"
	        "idf as scikit-learn's transform does: words outside the vocabulary are left\n"
	        "out; --unseen keeps them with the idf of df = 0, marked. In a hashed index the\n"
	        "rows are buckets: with --text the words typed into each (+ or - the sign\n"
	        "their counts get), for a document an example word (its most frequent).\n"
	        "--explain shows how each weight is made, with scikit-learn's intermediate\n"
	        "values: the count, tf, df, idf (its formula as the index was built), tf-idf,\n"
	        "the norm of all the tf-idf values, and the weight.",
	.example = "keywords GPL-3 -k 5\nkeywords --text \"free software licence\"\nkeywords GPL-3 -k 3 --explain",
	.min_args = 0,
	.max_args = 1,
	.options = cmd_keywords_options,
	.exec = cmd_keywords_exec,
};

/* Ranked documents: rank, doc, score, and with a query a snippet. */
static vs_result *docs_result(const vs_index *ix, const vs_hit *hits, size_t n, const char *query)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, "doc", VS_COL_STR, 0);
	vs_result_col(r, "score", VS_COL_FLOAT, 6);
	if (query)
		vs_result_col(r, "snippet", VS_COL_STR, 0);
	for (size_t i = 0; i < n; i++) {
		if (vs_result_row(r) < 0)
			break;
		vs_result_int(r, 0, (long long)i + 1);
		vs_result_str(r, 1, ix->doc_names[hits[i].index]);
		vs_result_float(r, 2, hits[i].score);
		if (query) {
			char *snip = vs_index_snippet(ix, hits[i].index, query, 100);
			vs_result_str(r, 3, snip ? snip : "");
			free(snip);
		}
	}
	return r;
}

/* search --explain: each query term's part of each document's score. */
static int search_explain(vs_session *s, const vs_index *ix, const char *q, int bm25, const vs_hit *hits, size_t n)
{
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	const char *cosine[] = {"qweight", "dweight"}, *bm[] = {"count", "df", "idf", "freq", "dl", "tfnorm"};
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, "doc", VS_COL_STR, 0);
	vs_result_col(r, "score", VS_COL_FLOAT, 6);
	vs_result_col(r, "term", VS_COL_STR, 0);
	for (size_t c = 0; c < (bm25 ? 6u : 2u); c++)
		vs_result_col(r, bm25 ? bm[c] : cosine[c], bm25 && (c == 0 || c == 1 || c == 3 || c == 4) ? VS_COL_INT
		                                                                                          : VS_COL_FLOAT, 6);
	vs_result_col(r, "part", VS_COL_FLOAT, 6);
	double avgdl = ix->avgdl;
	for (size_t i = 0; i < n; i++) {
		vs_score_working w;
		vs_error err;
		if (vs_explain_score(ix, q, bm25, hits[i].index, &w, &err) < 0) {
			vs_result_free(r);
			return vs_session_error(s, "search: %s", err.msg);
		}
		for (size_t j = 0; j < w.n; j++) {
			const vs_score_step *t = &w.t[j];
			if (vs_result_row(r) < 0)
				break;
			size_t c = 0;
			vs_result_int(r, c++, (long long)i + 1);
			vs_result_str(r, c++, ix->doc_names[hits[i].index]);
			vs_result_float(r, c++, hits[i].score);
			vs_result_str(r, c++, t->text);
			if (bm25) {
				vs_result_int(r, c++, (long long)t->qcount);
				vs_result_int(r, c++, t->df);
				vs_result_float(r, c++, t->idf);
				vs_result_int(r, c++, (long long)t->freq);
				vs_result_int(r, c++, (long long)w.dl);
			} else {
				vs_result_float(r, c++, t->qweight);
				vs_result_float(r, c++, t->dweight);
			}
			if (bm25)
				vs_result_float(r, c++, t->tfnorm);
			vs_result_float(r, c, t->contribution);
		}
		vs_score_working_free(&w);
	}
	note_unseen(r, ix, q);
	if (n == 0)
		vs_result_note(r, "no document matches");
	else if (bm25)
		vs_result_note(r, "part = count x idf x tfnorm, idf = ln(1 + (N - df + 0.5) / (df + 0.5)), N = %u; "
		                  "tfnorm = freq / (freq + k1 (1 - b + b dl / avgdl)), k1 = %g, b = %g, avgdl = %.6f "
		                  "(Lucene's BM25)",
		               ix->ndocs, VS_BM25_K1, VS_BM25_B, avgdl);
	else
		vs_result_note(r, "part = qweight x dweight: the query's and the document's normalised tf-idf weights of "
		                  "the term; the parts add up to the cosine");
	vs_session_show(s, r);
	return 0;
}

static int cmd_search_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_active_index(s);
	size_t k;
	if (!ix || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	if (k > ix->ndocs)
		k = ix->ndocs;
	char *q = vs_join_args(a->argc, a->argv);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	if (!q || !hits) {
		free(q), free(hits);
		return vs_session_oom(s);
	}
	size_t n;
	vs_error err;
	int bm25 = vs_arg_flag(a, "--bm25");
	if (vs_index_search(ix, q, bm25, k, hits, &n, &err) < 0) {
		free(q), free(hits);
		return vs_session_error(s, "search: %s", err.msg);
	}
	if (vs_arg_flag(a, "--explain")) {
		int rc = search_explain(s, ix, q, bm25, hits, n);
		free(q), free(hits);
		return rc;
	}
	vs_result *r = docs_result(ix, hits, n, q);
	free(q), free(hits);
	if (!r)
		return vs_session_oom(s);
	if (n == 0)
		vs_result_note(r, "no document matches");
	if (ix->opt.hash_bits)
		vs_result_note(r, "%s is hashed: documents match through buckets, which other words share", ix->name);
	for (int i = 0; i < a->argc; i++) { /* words that are never searched */
		vs_term_lookup l;
		if (vs_index_lookup(ix, a->argv[i], &l, &err) == 0 && l.stop)
			vs_result_note(r, "'%s' is a stop word of %s: it is not searched", l.term, ix->name);
		free(l.term);
	}
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_search_options[] = {
	{"-k", "N", "how many documents (default 10)", VS_COMPLETE_NONE, NULL},
	{"--bm25", NULL, "rank by BM25 (k1 1.2, b 0.75, as Lucene) instead of cosine", VS_COMPLETE_NONE, NULL},
	{"--explain", NULL, "each query term's part of each score", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_search_entry = {
	.name = "search",
	.args_complete = VS_COMPLETE_TERM,
	.usage = "QUERY... [-k N] [--bm25] [--explain]",
	.summary = "documents that answer a query, with snippets",
	.help = "The query is analyzed as the documents were; by default documents are ranked\n"
	        "by the cosine of their tf-idf vectors with the query's, with --bm25 by BM25 as\n"
	        "Lucene 8+ scores it, with exact document lengths. Only the postings of the\n"
	        "query's terms are read. --explain breaks each score into its query terms'\n"
	        "parts, as Lucene's explain does: cosine, the query's weight times the\n"
	        "document's; BM25, idf times the normalised term frequency.",
	.example = "search patent\nsearch free software --bm25 -k 3\nsearch free software --bm25 -k 2 --explain",
	.min_args = 1,
	.max_args = -1,
	.options = cmd_search_options,
	.exec = cmd_search_exec,
};

static int cmd_similar_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_active_index(s);
	size_t k;
	if (!ix || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	long doc = vs_session_doc(s, ix, a->argv[0]);
	if (doc < 0)
		return -1;
	if (k > ix->ndocs)
		k = ix->ndocs;
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	size_t n;
	vs_error err;
	if (!hits)
		return vs_session_oom(s);
	if (vs_index_similar(ix, doc, k, hits, &n, &err) < 0) {
		free(hits);
		return vs_session_error(s, "similar: %s", err.msg);
	}
	vs_result *r = docs_result(ix, hits, n, NULL);
	free(hits);
	if (!r)
		return vs_session_oom(s);
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_similar_options[] = {
	{"-k", "N", "how many documents (default 10)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_similar_entry = {
	.name = "similar",
	.args_complete = VS_COMPLETE_DOC,
	.usage = "DOC [-k N]",
	.summary = "documents most similar to a document (cosine of tf-idf vectors)",
	.example = "similar GPL-3 -k 3",
	.min_args = 1,
	.max_args = 1,
	.options = cmd_similar_options,
	.exec = cmd_similar_exec,
};
