/* The working behind a weight and a score: each term's tf, df, idf and
 * tf-idf with the document's norm (the intermediate values of scikit-learn's
 * TfidfVectorizer), and each query term's part of a search score (cosine:
 * the two weights multiplied; BM25: Lucene's idf and tf normalisation). */
#include "text/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_step(const void *a, const void *b)
{
	const vs_weight_step *x = a, *y = b;
	float wx = (float)x->weight, wy = (float)y->weight; /* as the index keeps them (keywords' order) */
	if (wx != wy)
		return wx > wy ? -1 : 1;
	return strcmp(x->text, y->text);
}

/* tf, idf, tf-idf of each step, the norm, and the normalised weights. */
static void weigh_steps(const vs_index *ix, vs_weight_working *w)
{
	double norm = 0;
	for (size_t i = 0; i < w->n; i++) {
		vs_weight_step *t = &w->t[i];
		t->tf = vs_index_tf(ix, t->count);
		t->df = t->term >= 0 ? ix->df[t->term] : 0;
		t->idf = t->term >= 0 ? ix->idf[t->term] : vs_index_unseen_idf(ix);
		t->tfidf = t->tf * t->idf;
		norm += ix->opt.norm == VS_NORM_L1 ? fabs(t->tfidf) : t->tfidf * t->tfidf;
	}
	w->norm = ix->opt.norm == VS_NORM_L2 ? sqrt(norm) : ix->opt.norm == VS_NORM_L1 ? norm : 1;
	for (size_t i = 0; i < w->n; i++)
		w->t[i].weight = ix->opt.norm == VS_NORM_NONE || w->norm == 0 ? w->t[i].tfidf : w->t[i].tfidf / w->norm;
	if (w->n)
		qsort(w->t, w->n, sizeof *w->t, cmp_step);
}

int vs_explain_doc(const vs_index *ix, long doc, vs_weight_working *w, vs_error *err)
{
	uint64_t a = ix->doc_ptr[doc], b = ix->doc_ptr[doc + 1];
	memset(w, 0, sizeof *w);
	w->t = calloc(b > a ? (size_t)(b - a) : 1, sizeof *w->t);
	if (!w->t)
		return vs_oom(err);
	for (uint64_t e = a; e < b; e++) {
		vs_weight_step *t = &w->t[w->n++];
		t->term = ix->doc_term[e];
		t->bucket = ix->buckets ? (long)ix->buckets[t->term] : -1;
		t->count = ix->doc_count[e];
		t->text = strdup(ix->terms[t->term]);
		if (!t->text) {
			vs_weight_working_free(w);
			return vs_oom(err);
		}
	}
	weigh_steps(ix, w);
	return 0;
}

int vs_explain_text(const vs_index *ix, const char *text, int with_unseen, vs_weight_working *w, vs_error *err)
{
	vs_query q;
	memset(w, 0, sizeof *w);
	if (vs_query_analyze(ix, text, &q) < 0 || !(w->t = calloc(q.n ? q.n : 1, sizeof *w->t))) {
		vs_query_free(&q);
		return vs_oom(err);
	}
	for (size_t i = 0; i < q.n; i++) {
		/* as transform: unseen terms are left out, a hashed index has every bucket */
		if (q.t[i].id < 0 && !with_unseen && !ix->opt.hash_bits)
			continue;
		vs_weight_step *t = &w->t[w->n++];
		t->term = q.t[i].id;
		t->bucket = q.t[i].bucket;
		t->count = ix->opt.binary ? 1 : q.t[i].count; /* transform with binary=True counts 1 */
		t->text = q.t[i].text;
		q.t[i].text = NULL;
	}
	vs_query_free(&q);
	weigh_steps(ix, w);
	return 0;
}

void vs_weight_working_free(vs_weight_working *w)
{
	for (size_t i = 0; w->t && i < w->n; i++)
		free(w->t[i].text);
	free(w->t);
	memset(w, 0, sizeof *w);
}

/* The document's count of a term, or 0. */
static double count_in_doc(const vs_index *ix, long doc, long term, double *weight)
{
	for (uint64_t e = ix->doc_ptr[doc]; e < ix->doc_ptr[doc + 1]; e++)
		if (ix->doc_term[e] == (uint32_t)term) {
			*weight = vs_index_doc_weight(ix, (uint32_t)doc, e);
			return ix->doc_count[e];
		}
	*weight = 0;
	return 0;
}

int vs_explain_score(const vs_index *ix, const char *query, int bm25, long doc, vs_score_working *w, vs_error *err)
{
	vs_query q;
	memset(w, 0, sizeof *w);
	if (vs_query_analyze(ix, query, &q) < 0 || !(w->t = calloc(q.n ? q.n : 1, sizeof *w->t))) {
		vs_query_free(&q);
		return vs_oom(err);
	}
	/* the query's own weights, normalised as the documents' are (cosine) */
	vs_weight_working qw = {0};
	if (!bm25 && vs_explain_text(ix, query, 0, &qw, err) < 0) {
		vs_query_free(&q);
		vs_score_working_free(w);
		return -1;
	}
	w->k1 = VS_BM25_K1;
	w->b = VS_BM25_B;
	w->avgdl = ix->avgdl;
	w->dl = ix->doc_len[doc];
	for (size_t i = 0; i < q.n; i++) {
		if (q.t[i].id < 0)
			continue; /* not in the index: no document has it */
		vs_score_step *t = &w->t[w->n++];
		t->term = q.t[i].id;
		t->text = q.t[i].text;
		q.t[i].text = NULL;
		t->qcount = q.t[i].count;
		double dw;
		t->freq = count_in_doc(ix, doc, t->term, &dw);
		if (bm25) {
			double n = ix->ndocs, df = ix->df[t->term];
			t->df = ix->df[t->term];
			t->idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
			t->tfnorm = t->freq / (t->freq + w->k1 * (1.0 - w->b + w->b * w->dl / w->avgdl));
			t->contribution = t->qcount * t->idf * t->tfnorm; /* a repeated query term counts again */
		} else {
			for (size_t j = 0; j < qw.n; j++)
				if (qw.t[j].term == t->term)
					t->qweight = qw.t[j].weight;
			t->dweight = dw;
			t->contribution = t->qweight * t->dweight;
		}
		w->score += t->contribution;
	}
	vs_weight_working_free(&qw);
	vs_query_free(&q);
	return 0;
}

void vs_score_working_free(vs_score_working *w)
{
	for (size_t i = 0; w->t && i < w->n; i++)
		free(w->t[i].text);
	free(w->t);
	memset(w, 0, sizeof *w);
}
