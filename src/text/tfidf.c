/* TF-IDF index: lookups, keywords, search (cosine and BM25), similar
 * documents, snippets. A query costs the postings of its terms. */
#include "text/internal.h"

#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

vs_index *vs_index_alloc(size_t ndocs, size_t nterms, const vs_index_options *opt, const vs_stopwords *stop)
{
	vs_index *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	ix->ndocs = (uint32_t)ndocs;
	ix->nterms = (uint32_t)nterms;
	ix->opt = *opt;
	ix->opt.stopwords_file = NULL;
	ix->opt.progress = NULL;
	ix->opt.progress_ctx = NULL;
	if (stop) {
		/* keep the stop words with the index: queries are analyzed the same way */
		size_t n = vs_stopwords_count(stop), bytes = 0;
		const char *const *w = vs_stopwords_words(stop);
		for (size_t i = 0; i < n; i++)
			bytes += strlen(w[i]) + 1;
		char *blob = vs_index_own(ix, malloc(bytes ? bytes : 1));
		if (!blob) {
			vs_index_free(ix);
			return NULL;
		}
		for (size_t i = 0, o = 0; i < n; i++) {
			size_t l = strlen(w[i]) + 1;
			memcpy(blob + o, w[i], l);
			o += l;
		}
		ix->stopwords_blob = blob;
		ix->nstop_blob = bytes;
		ix->stop = vs_stopwords_from_blob(blob, bytes);
		if (!ix->stop) {
			vs_index_free(ix);
			return NULL;
		}
	}
	return ix;
}

void *vs_index_own(vs_index *ix, void *p)
{
	if (!p)
		return NULL;
	if (ix->nmem == sizeof ix->mem / sizeof ix->mem[0]) {
		free(p);
		return NULL;
	}
	ix->mem[ix->nmem++] = p;
	return p;
}

void vs_index_free(vs_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->nmem; i++)
		free(ix->mem[i]);
	vs_stopwords_free(ix->stop);
	free(ix->sorted_docs);
	free(ix->name);
	free(ix->source);
	if (ix->map)
		vs_unmap_file((void *)ix->map, ix->map_len);
	free(ix);
}

/* The inverted postings are made in parts of the documents, one a core: each
 * part counts its terms, the counts give every part its place in each term's
 * list (parts in document order, so each list stays sorted by document), and
 * the parts fill their places at once. */
enum { INVERT_PARTS_MAX = 16 };

typedef struct invert_job {
	vs_index *ix;
	size_t nparts;
	uint32_t doc_from[INVERT_PARTS_MAX + 1];
	uint64_t *at[INVERT_PARTS_MAX];  /* per part: term -> its next place */
	uint64_t *tptr;
	uint32_t *tdoc;
	float *tw, *tc;
} invert_job;

static void invert_count(void *ctx, size_t from, size_t to)
{
	invert_job *j = ctx;
	const vs_index *ix = j->ix;
	for (size_t p = from; p < to; p++) {
		uint64_t *c = j->at[p];
		for (uint64_t e = ix->doc_ptr[j->doc_from[p]]; e < ix->doc_ptr[j->doc_from[p + 1]]; e++)
			c[ix->doc_term[e]]++;
	}
}

static void invert_fill(void *ctx, size_t from, size_t to)
{
	invert_job *j = ctx;
	const vs_index *ix = j->ix;
	for (size_t p = from; p < to; p++) {
		uint64_t *at = j->at[p];
		for (uint32_t d = j->doc_from[p]; d < j->doc_from[p + 1]; d++)
			for (uint64_t e = ix->doc_ptr[d]; e < ix->doc_ptr[d + 1]; e++) {
				uint64_t k = at[ix->doc_term[e]]++;
				j->tdoc[k] = d;
				if (j->tw)
					j->tw[k] = ix->doc_weight[e];
				j->tc[k] = ix->doc_count[e];
			}
	}
}

/* Parts of about equal postings, at most one a core. */
static void invert_parts(invert_job *j)
{
	const vs_index *ix = j->ix;
	size_t parts = vs_ncpu();
	if (parts > INVERT_PARTS_MAX)
		parts = INVERT_PARTS_MAX;
	if (ix->nnz < 1u << 16 || parts < 1)
		parts = 1;
	j->nparts = 0;
	j->doc_from[0] = 0;
	uint32_t d = 0;
	for (size_t p = 1; p <= parts; p++) {
		uint64_t goal = ix->nnz * p / parts;
		while (d < ix->ndocs && (p == parts || ix->doc_ptr[d] < goal))
			d++;
		if (d > j->doc_from[j->nparts] || p == parts)
			j->doc_from[++j->nparts] = d;
	}
}

int vs_index_invert(vs_index *ix)
{
	size_t nt = (size_t)ix->nterms, nnz = ix->nnz ? ix->nnz : 1;
	invert_job j = {.ix = ix};
	j.tptr = vs_index_own(ix, calloc(nt + 1, sizeof *j.tptr));
	j.tdoc = vs_index_own(ix, malloc(nnz * sizeof *j.tdoc));
	/* stored weights (an older build's) are inverted too; derived ones need nothing */
	j.tw = ix->doc_weight ? vs_index_own(ix, malloc(nnz * sizeof *j.tw)) : NULL;
	j.tc = vs_index_own(ix, malloc(nnz * sizeof *j.tc));
	invert_parts(&j);
	int ok = j.tptr && j.tdoc && (j.tw || !ix->doc_weight) && j.tc;
	for (size_t p = 0; p < j.nparts; p++)
		ok = ok && (j.at[p] = calloc(nt ? nt : 1, sizeof *j.at[p]));
	if (ok) {
		vs_parallel_ranges(j.nparts, 1, 0, invert_count, &j);
		uint64_t run = 0;
		for (size_t t = 0; t < nt; t++) {
			j.tptr[t] = run;
			for (size_t p = 0; p < j.nparts; p++) {
				uint64_t c = j.at[p][t];
				j.at[p][t] = run;
				run += c;
			}
		}
		j.tptr[nt] = run;
		vs_parallel_ranges(j.nparts, 1, 0, invert_fill, &j);
		ix->term_ptr = j.tptr;
		ix->term_doc = j.tdoc;
		ix->term_weight = j.tw;
		ix->term_count = j.tc;
	}
	for (size_t p = 0; p < j.nparts; p++)
		free(j.at[p]);
	return ok ? 0 : -1;
}

int vs_index_hash_terms(vs_index *ix)
{
	size_t n = 16;
	while (n < (size_t)ix->nterms * 2)
		n <<= 1;
	uint32_t *slots = vs_index_own(ix, calloc(n, sizeof *slots));
	if (!slots)
		return -1;
	for (uint32_t t = 0; t < ix->nterms; t++) {
		size_t i = (size_t)vs_hash_fnv1a(ix->terms[t], strlen(ix->terms[t])) & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = t + 1;
	}
	ix->slots = slots;
	ix->nslots = n;
	return 0;
}

void vs_index_analyzer(const vs_index *ix, vs_analyzer *an)
{
	an->ngram_min = ix->opt.ngram_min;
	an->ngram_max = ix->opt.ngram_max;
	an->stop = ix->stop;
}

static long find_text(const vs_index *ix, const char *term, size_t len)
{
	if (!ix->nslots)
		return -1;
	size_t mask = ix->nslots - 1, i = (size_t)vs_hash_fnv1a(term, len) & mask;
	for (size_t probes = 0; probes < ix->nslots; probes++, i = (i + 1) & mask) {
		uint32_t s = ix->slots[i];
		if (!s)
			return -1;
		if (s - 1 < ix->nterms && strncmp(ix->terms[s - 1], term, len) == 0 && ix->terms[s - 1][len] == '\0')
			return (long)(s - 1);
	}
	return -1;
}

/* The id of an analyzed term: by text, or in hash mode by its bucket. */
static long term_id(const vs_index *ix, const char *term, size_t len)
{
	if (!ix->opt.hash_bits)
		return find_text(ix, term, len);
	uint32_t b = (uint32_t)vs_term_bucket(term, len, ix->opt.hash_bits, NULL);
	size_t lo = 0, hi = ix->nterms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix->buckets[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ix->nterms && ix->buckets[lo] == b ? (long)lo : -1;
}

long vs_index_term(const vs_index *ix, const char *term)
{
	return term_id(ix, term, strlen(term));
}

typedef struct tokens {
	char *joined;   /* the tokens joined by spaces */
	size_t n, len, cap;
	int oom;
} tokens;

static void join_token(const char *term, size_t len, size_t offset, void *ctx)
{
	(void)offset;
	tokens *t = ctx;
	if (t->oom)
		return;
	size_t need = t->len + len + 2;
	if (need > t->cap) {
		size_t cap = need * 2;
		char *nj = realloc(t->joined, cap);
		if (!nj) {
			t->oom = 1;
			return;
		}
		t->joined = nj;
		t->cap = cap;
	}
	if (t->n++)
		t->joined[t->len++] = ' ';
	memcpy(t->joined + t->len, term, len);
	t->len += len;
	t->joined[t->len] = '\0';
}

int vs_index_lookup(const vs_index *ix, const char *text, vs_term_lookup *out, vs_error *err)
{
	memset(out, 0, sizeof *out);
	out->id = -1;
	out->bucket = -1;
	vs_analyzer an = {1, 1, NULL}; /* the text's tokens, lowercased, stop words kept */
	tokens t = {0};
	if (vs_analyze(&an, text, strlen(text), join_token, &t, NULL) == (size_t)-1 || t.oom) {
		free(t.joined);
		return vs_oom(err);
	}
	if (t.n == 0) {
		free(t.joined);
		return 0;
	}
	out->term = t.joined;
	out->ntokens = t.n;
	out->stop = t.n == 1 && ix->stop && vs_stopwords_has(ix->stop, t.joined, t.len);
	out->id = term_id(ix, t.joined, t.len);
	if (ix->opt.hash_bits)
		out->bucket = vs_term_bucket(t.joined, t.len, ix->opt.hash_bits, &out->sign);
	return 0;
}

static const vs_index *sort_ix;
static int cmp_docname(const void *a, const void *b)
{
	return strcmp(sort_ix->doc_names[*(const uint32_t *)a], sort_ix->doc_names[*(const uint32_t *)b]);
}

/* The document whose name after its last '/' is ref (a file given by its
 * path, named by its file name): -1 none, -2 more than one. */
const char *vs_doc_file_name(const char *doc_name)
{
	const char *slash = strrchr(doc_name, '/');
	return slash ? slash + 1 : doc_name;
}

static long doc_by_file_name(const vs_index *ix, const char *ref)
{
	long found = -1;
	for (uint32_t d = 0; d < ix->ndocs; d++) {
		if (strcmp(vs_doc_file_name(ix->doc_names[d]), ref) == 0) {
			if (found >= 0)
				return -2;
			found = d;
		}
	}
	return found;
}

long vs_index_doc(vs_index *ix, const char *ref)
{
	char *end;
	unsigned long n = strtoul(ref, &end, 10);
	if (*ref >= '0' && *ref <= '9' && !*end && n >= 1 && n <= ix->ndocs) {
		/* a number, unless a document is named exactly that */
		int named = 0;
		for (uint32_t d = 0; d < ix->ndocs && !named; d++)
			named = strcmp(ix->doc_names[d], ref) == 0;
		if (!named)
			return (long)n - 1;
	}
	if (!ix->sorted_docs) {
		uint32_t *p = malloc((ix->ndocs ? ix->ndocs : 1) * sizeof *p);
		if (!p)
			return -1;
		for (uint32_t d = 0; d < ix->ndocs; d++)
			p[d] = d;
		sort_ix = ix;
		qsort(p, ix->ndocs, sizeof *p, cmp_docname);
		ix->sorted_docs = p;
	}
	size_t len = strlen(ref), lo = 0, hi = ix->ndocs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix->doc_names[ix->sorted_docs[mid]], ref) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->ndocs && strcmp(ix->doc_names[ix->sorted_docs[lo]], ref) == 0)
		return ix->sorted_docs[lo];
	if (lo < ix->ndocs && strncmp(ix->doc_names[ix->sorted_docs[lo]], ref, len) == 0) {
		if (lo + 1 < ix->ndocs && strncmp(ix->doc_names[ix->sorted_docs[lo + 1]], ref, len) == 0)
			return -2;
		return ix->sorted_docs[lo];
	}
	return doc_by_file_name(ix, ref);
}

/* ---- keywords ---- */

static int cmp_tw(const void *a, const void *b)
{
	const vs_term_weight *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcmp(x->text, y->text);
}

void vs_term_weights_free(vs_term_weight *tw, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(tw[i].text);
}

size_t vs_index_keywords(const vs_index *ix, long doc, size_t k, vs_term_weight *out)
{
	uint64_t a = ix->doc_ptr[doc], b = ix->doc_ptr[doc + 1];
	size_t n = (size_t)(b - a);
	vs_term_weight *all = malloc((n ? n : 1) * sizeof *all);
	if (!all)
		return 0;
	for (size_t i = 0; i < n; i++) {
		all[i].term = ix->doc_term[a + i];
		all[i].text = (char *)ix->terms[all[i].term];
		all[i].weight = vs_index_doc_weight(ix, (uint32_t)doc, a + i);
		all[i].bucket = ix->buckets ? (long)ix->buckets[all[i].term] : -1;
	}
	qsort(all, n, sizeof *all, cmp_tw);
	if (k > n)
		k = n;
	for (size_t i = 0; i < k; i++) {
		out[i] = all[i];
		if (all[i].bucket >= 0) { /* not the term: a word of the bucket, its most frequent */
			size_t l = strlen(all[i].text) + 8;
			if ((out[i].text = malloc(l)))
				snprintf(out[i].text, l, "e.g. %s", all[i].text);
		} else {
			out[i].text = strdup(all[i].text);
		}
	}
	free(all);
	return k;
}

static vs_qterm *find_qterm(vs_query *c, long id, long bucket, const char *term, size_t len)
{
	for (size_t i = 0; i < c->n; i++) {
		vs_qterm *q = &c->t[i];
		if (bucket >= 0 ? q->bucket == bucket
		                : (id >= 0 ? q->id == id : q->id < 0 && strlen(q->text) == len && memcmp(q->text, term, len) == 0))
			return q;
	}
	return NULL;
}

/* "+cat -on": a bucket's words as typed, each once, with its sign */
static char *add_word(char *words, const char *term, size_t len, int sign)
{
	size_t have = words ? strlen(words) : 0;
	for (const char *p = words; p && *p;) { /* already listed? */
		const char *e = strchr(p, ' ');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == len + 1 && memcmp(p + 1, term, len) == 0)
			return words;
		p += l + (e != NULL);
	}
	char *w = realloc(words, have + len + 3);
	if (!w)
		return NULL;
	snprintf(w + have, len + 3, "%s%c%.*s", have ? " " : "", sign < 0 ? '-' : '+', (int)len, term);
	return w;
}

static void collect_term(const char *term, size_t len, size_t offset, void *ctx)
{
	vs_query *c = ctx;
	if (c->oom)
		return;
	long id = term_id(c->ix, term, len), bucket = -1;
	int sign = 1;
	if (c->ix->opt.hash_bits)
		bucket = vs_term_bucket(term, len, c->ix->opt.hash_bits, &sign);
	vs_qterm *q = find_qterm(c, id, bucket, term, len);
	if (!q) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? c->cap * 2 : 16;
			vs_qterm *nt = realloc(c->t, cap * sizeof *nt);
			if (!nt) {
				c->oom = 1;
				return;
			}
			c->t = nt;
			c->cap = cap;
		}
		q = &c->t[c->n++];
		*q = (vs_qterm){bucket >= 0 ? NULL : strndup(term, len), id, bucket, 0, offset};
		if (bucket < 0 && !q->text) {
			c->n--;
			c->oom = 1;
			return;
		}
	}
	/* in hash mode terms of one bucket add up, with their signs, as the vectorizer does */
	q->count += sign;
	if (bucket >= 0 && !(q->text = add_word(q->text, term, len, sign)))
		c->oom = 1;
}

int vs_query_analyze(const vs_index *ix, const char *text, vs_query *c)
{
	vs_analyzer an;
	vs_index_analyzer(ix, &an);
	memset(c, 0, sizeof *c);
	c->ix = ix;
	size_t r = vs_analyze(&an, text, strlen(text), collect_term, c, NULL);
	return r == (size_t)-1 || c->oom ? -1 : 0;
}

void vs_query_free(vs_query *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->t[i].text);
	free(c->t);
}

double vs_index_unseen_idf(const vs_index *ix)
{
	if (ix->opt.no_idf)
		return 1.0;
	return ix->opt.no_smooth ? log((double)ix->ndocs) + 1.0 : log((double)ix->ndocs + 1.0) + 1.0;
}

size_t vs_index_text_keywords(const vs_index *ix, const char *text, size_t k, int with_unseen, vs_term_weight *out)
{
	vs_query c;
	if (vs_query_analyze(ix, text, &c) < 0) {
		vs_query_free(&c);
		return (size_t)-1;
	}
	vs_term_weight *all = malloc((c.n ? c.n : 1) * sizeof *all);
	if (!all) {
		vs_query_free(&c);
		return (size_t)-1;
	}
	/* as scikit-learn's transform: terms outside the vocabulary are dropped (a
	 * hashed index has every bucket: an empty one has the idf of df = 0) */
	size_t n = 0;
	double norm = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (c.t[i].id < 0 && !with_unseen && !ix->opt.hash_bits) {
			free(c.t[i].text);
			continue;
		}
		double idf = c.t[i].id >= 0 ? ix->idf[c.t[i].id] : vs_index_unseen_idf(ix);
		all[n] = (vs_term_weight){c.t[i].id, c.t[i].text, vs_index_tf(ix, c.t[i].count) * idf, c.t[i].bucket};
		norm += ix->opt.norm == VS_NORM_L1 ? fabs(all[n].weight) : all[n].weight * all[n].weight;
		n++;
	}
	if (ix->opt.norm == VS_NORM_L2)
		norm = sqrt(norm);
	if (ix->opt.norm != VS_NORM_NONE && norm > 0)
		for (size_t i = 0; i < n; i++)
			all[i].weight /= norm;
	qsort(all, n, sizeof *all, cmp_tw);
	if (k > n)
		k = n;
	for (size_t i = 0; i < n; i++) {
		if (i < k)
			out[i] = all[i];
		else
			free(all[i].text);
	}
	free(all);
	free(c.t);
	return k;
}

/* ---- search ---- */

static int top_docs(const vs_index *ix, const double *acc, const uint32_t *touched, size_t nt, long skip, size_t k,
                    vs_hit *out, size_t *nout)
{
	vs_topk t;
	if (vs_topk_init(&t, k) < 0)
		return -1;
	for (size_t i = 0; i < nt; i++)
		if ((long)touched[i] != skip && (float)acc[touched[i]] >= vs_topk_threshold(&t))
			vs_topk_push(&t, touched[i], (float)acc[touched[i]]);
	*nout = vs_topk_sorted(&t, out);
	vs_topk_free(&t);
	(void)ix;
	return 0;
}

int vs_index_search(const vs_index *ix, const char *query, int bm25, size_t k, vs_hit *out, size_t *nout,
                    vs_error *err)
{
	*nout = 0;
	vs_query c;
	if (vs_query_analyze(ix, query, &c) < 0) {
		vs_query_free(&c);
		return vs_oom(err);
	}
	double *acc = calloc(ix->ndocs ? ix->ndocs : 1, sizeof *acc); /* in double, as scikit-learn's float64 */
	uint32_t *touched = malloc((ix->ndocs ? ix->ndocs : 1) * sizeof *touched);
	unsigned char *seen = calloc(ix->ndocs ? ix->ndocs : 1, 1);
	if (!acc || !touched || !seen) {
		free(acc), free(touched), free(seen);
		vs_query_free(&c);
		return vs_oom(err);
	}
	size_t nt = 0;
	/* the query's own tf-idf vector, normalised as the documents are */
	double qnorm = 0;
	for (size_t i = 0; i < c.n; i++)
		if (c.t[i].id >= 0 || ix->opt.hash_bits) { /* a hashed space has every bucket, empty ones too */
			double w = vs_index_tf(ix, c.t[i].count) * (c.t[i].id >= 0 ? ix->idf[c.t[i].id] : vs_index_unseen_idf(ix));
			qnorm += ix->opt.norm == VS_NORM_L1 ? fabs(w) : w * w;
		}
	if (ix->opt.norm == VS_NORM_L2)
		qnorm = sqrt(qnorm);
	if (ix->opt.norm == VS_NORM_NONE || qnorm == 0)
		qnorm = 1;
	const double k1 = VS_BM25_K1, b = VS_BM25_B;
	for (size_t i = 0; i < c.n; i++) {
		long t = c.t[i].id;
		if (t < 0)
			continue;
		double qw = vs_index_tf(ix, c.t[i].count) * ix->idf[t] / qnorm;
		double n = ix->ndocs, df = ix->df[t];
		double bidf = log(1.0 + (n - df + 0.5) / (df + 0.5));
		for (uint64_t e = ix->term_ptr[t]; e < ix->term_ptr[t + 1]; e++) {
			uint32_t d = ix->term_doc[e];
			if (!seen[d]) {
				seen[d] = 1;
				touched[nt++] = d;
			}
			if (bm25) {
				double tf = ix->term_count[e];
				double part = tf / (tf + k1 * (1.0 - b + b * ix->doc_len[d] / ix->avgdl));
				acc[d] += c.t[i].count * bidf * part; /* a repeated query term counts again */
			} else {
				acc[d] += qw * vs_index_term_weight(ix, (uint32_t)t, e);
			}
		}
	}
	int rc = top_docs(ix, acc, touched, nt, -1, k, out, nout);
	free(acc), free(touched), free(seen);
	vs_query_free(&c);
	return rc < 0 ? vs_oom(err) : 0;
}

int vs_index_similar(const vs_index *ix, long doc, size_t k, vs_hit *out, size_t *nout, vs_error *err)
{
	*nout = 0;
	double *acc = calloc(ix->ndocs ? ix->ndocs : 1, sizeof *acc); /* in double, as scikit-learn's float64 */
	uint32_t *touched = malloc((ix->ndocs ? ix->ndocs : 1) * sizeof *touched);
	unsigned char *seen = calloc(ix->ndocs ? ix->ndocs : 1, 1);
	if (!acc || !touched || !seen) {
		free(acc), free(touched), free(seen);
		return vs_oom(err);
	}
	size_t nt = 0;
	for (uint64_t e = ix->doc_ptr[doc]; e < ix->doc_ptr[doc + 1]; e++) {
		uint32_t t = ix->doc_term[e];
		double w = vs_index_doc_weight(ix, (uint32_t)doc, e);
		for (uint64_t f = ix->term_ptr[t]; f < ix->term_ptr[t + 1]; f++) {
			uint32_t d = ix->term_doc[f];
			if (!seen[d]) {
				seen[d] = 1;
				touched[nt++] = d;
			}
			acc[d] += w * vs_index_term_weight(ix, t, f);
		}
	}
	int rc = top_docs(ix, acc, touched, nt, doc, k, out, nout);
	free(acc), free(touched), free(seen);
	return rc < 0 ? vs_oom(err) : 0;
}

/* ---- document text ---- */

static char *document_bytes(const vs_index *ix, long doc, size_t *len);

/* A document's text, its ill-formed UTF-8 made U+FFFD as the index read it. */
static char *document_text(const vs_index *ix, long doc, size_t *len)
{
	char *text = document_bytes(ix, doc, len);
	size_t bad = text ? vs_utf8_invalid_count(text, *len) : 0;
	if (!bad)
		return text;
	char *fixed = malloc(*len + 2 * bad + 1);
	if (fixed) {
		*len = vs_utf8_repair(text, *len, fixed);
		fixed[*len] = '\0';
	}
	free(text);
	return fixed;
}

static char *document_bytes(const vs_index *ix, long doc, size_t *len)
{
	size_t n;
	char *all = ix->doc_source && ix->doc_source[doc] ? strdup(ix->doc_source[doc])
	                                                  : vs_read_file_gz(ix->doc_files[doc], &n);
	if (!all)
		return NULL;
	if (ix->doc_source && ix->doc_source[doc])
		n = strlen(all);
	if (!ix->doc_line[doc]) {
		*len = n;
		return all;
	}
	size_t line = 1, pos = 0;
	while (pos < n && line < ix->doc_line[doc]) {
		char *nl = memchr(all + pos, '\n', n - pos);
		if (!nl)
			break;
		pos = (size_t)(nl - all) + 1;
		line++;
	}
	char *nl = memchr(all + pos, '\n', n - pos);
	size_t e = nl ? (size_t)(nl - all) : n;
	memmove(all, all + pos, e - pos);
	all[e - pos] = '\0';
	*len = e - pos;
	return all;
}

/* Copy text[a, b) with runs of white space folded to one space, cut to
 * whole UTF-8 characters. */
static char *fold(const char *text, size_t a, size_t b, int lead, int trail)
{
	while (a > 0 && (text[a] & 0xC0) == 0x80)
		a--;
	while (b > a && (text[b] & 0xC0) == 0x80)
		b--;
	char *out = malloc(b - a + 8);
	if (!out)
		return NULL;
	size_t o = 0;
	if (lead)
		memcpy(out, "\xe2\x80\xa6", 3), o = 3;
	int space = 0;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c < 0x20) {
			space = o > 0;
			continue;
		}
		if (space)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)c;
	}
	if (trail)
		memcpy(out + o, "\xe2\x80\xa6", 3), o += 3;
	out[o] = '\0';
	return out;
}

typedef struct finder {
	const char *want;
	size_t at;
	int found;
} finder;

static void find_fn(const char *term, size_t l, size_t off, void *ctx)
{
	finder *f = ctx;
	if (!f->found && strlen(f->want) == l && memcmp(f->want, term, l) == 0) {
		f->found = 1;
		f->at = off;
	}
}

char *vs_index_snippet(const vs_index *ix, long doc, const char *query, size_t width)
{
	size_t len;
	char *text = document_text(ix, doc, &len);
	if (!text)
		return NULL;
	vs_query c;
	size_t at = 0;
	if (vs_query_analyze(ix, query, &c) == 0) {
		/* the rarest query term that the document has: find its first occurrence */
		double best = -1;
		const char *want = NULL;
		for (size_t i = 0; i < c.n; i++)
			if (c.t[i].id >= 0 && ix->idf[c.t[i].id] > best && !strchr(c.t[i].text, ' ')) {
				/* hash mode: the one word "+cat" typed into the bucket */
				int has = 0;
				for (uint64_t e = ix->doc_ptr[doc]; e < ix->doc_ptr[doc + 1] && !has; e++)
					has = ix->doc_term[e] == (uint32_t)c.t[i].id;
				if (has)
					best = ix->idf[c.t[i].id], want = c.t[i].text + (c.t[i].bucket >= 0);
			}
		if (want) {
			/* the document's own tokens, with their offsets */
			vs_analyzer an = {1, 1, NULL};
			finder f = {want, 0, 0};
			vs_analyze(&an, text, len, find_fn, &f, NULL);
			if (f.found)
				at = f.at;
		}
	}
	vs_query_free(&c);
	size_t a = at > width / 3 ? at - width / 3 : 0, b = a + width < len ? a + width : len;
	char *s = fold(text, a, b, a > 0, b < len);
	free(text);
	return s;
}

char *vs_index_doc_text(const vs_index *ix, long doc, size_t max_bytes)
{
	size_t len;
	char *text = document_text(ix, doc, &len);
	if (!text)
		return NULL;
	if (len > max_bytes) {
		size_t b = max_bytes;
		while (b > 0 && (text[b] & 0xC0) == 0x80)
			b--;
		text[b] = '\0';
	}
	return text;
}

void vs_index_options_default(vs_index_options *o)
{
	memset(o, 0, sizeof *o);
	o->ngram_min = o->ngram_max = 1;
	o->min_df = 1;
	o->max_df = 1.0;
	o->max_df_is_prop = 1;
	o->norm = VS_NORM_L2;
}

int vs_index_needs_raw(const vs_index_options *o)
{
	/* df is at least 1; anything else may prune once documents come or go */
	int low = o->min_df_is_prop ? o->min_df > 0 : o->min_df > 1;
	int high = !o->max_df_is_prop || o->max_df < 1.0;
	return o->hash_bits || o->max_features || low || high;
}

size_t vs_index_memory(const vs_index *ix)
{
	if (ix->map)
		return ix->map_len;
	/* each direction: id, count and (when kept rather than derived) weight */
	size_t per = 4 + 4 + (ix->doc_weight ? 4 : 0);
	size_t m = ix->nnz * per * 2 + ((size_t)ix->ndocs + ix->nterms) * 24 + (ix->doc_norm ? 8 * (size_t)ix->ndocs : 0);
	for (uint32_t t = 0; t < ix->nterms; t++)
		m += strlen(ix->terms[t]) + 1;
	if (ix->raw_terms) {
		m += ix->raw_nnz * 8 + ((size_t)ix->ndocs + 1) * 8 + (size_t)ix->raw_nterms * 8;
		for (uint32_t t = 0; t < ix->raw_nterms; t++)
			m += strlen(ix->raw_terms[t]) + 1;
	}
	return m;
}
