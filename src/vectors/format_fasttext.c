/* fastText's own model files (.bin, and .ftz quantized): the arguments, the
 * dictionary, and the input matrix of word rows and character n-gram
 * buckets, read as fastText 0.9 writes them (Args::save, Dictionary::save,
 * DenseMatrix::save, QuantMatrix::save). A word's vector is fastText's
 * getWordVector: the mean of its own row and its n-grams' rows; a word that
 * is not in the dictionary gets the mean of its n-grams' rows alone. */
#include "vectors/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define FT_MAGIC 793712314
#define FT_VERSION 12
#define FT_KSUB 256

/* ---- reading the file: a cursor that names the offset of what is short */

typedef struct ft_reader {
	const unsigned char *base, *p, *end;
	const char *path;
	vs_error *err;
} ft_reader;

static size_t offset_of(const ft_reader *r) { return (size_t)(r->p - r->base); }

static int take(ft_reader *r, void *out, size_t n, const char *what)
{
	if ((size_t)(r->end - r->p) < n)
		return vs_fail(r->err, "%s: byte offset %zu: truncated fastText model (%s needs %zu bytes, %zu left)",
		               r->path, offset_of(r), what, n, (size_t)(r->end - r->p));
	memcpy(out, r->p, n);
	r->p += n;
	return 0;
}

static int take_i32(ft_reader *r, int32_t *v, const char *what) { return take(r, v, sizeof *v, what); }
static int take_i64(ft_reader *r, int64_t *v, const char *what) { return take(r, v, sizeof *v, what); }

static int bad(ft_reader *r, size_t at, const char *fmt, long long v)
{
	char msg[200];
	snprintf(msg, sizeof msg, fmt, v);
	return vs_fail(r->err, "%s: byte offset %zu: %s", r->path, at, msg);
}

/* ---- the arguments (Args::load) */

static int read_args(ft_reader *r, vs_subwords *sw)
{
	int32_t v[12];
	const char *names[12] = {"dim", "ws", "epoch", "minCount", "neg", "wordNgrams",
	                         "loss", "model", "bucket", "minn", "maxn", "lrUpdateRate"};
	size_t at[12];
	for (int i = 0; i < 12; i++) {
		at[i] = offset_of(r);
		if (take_i32(r, &v[i], names[i]) < 0)
			return -1;
	}
	if (take(r, &sw->t, sizeof sw->t, "t") < 0)
		return -1;
	sw->dim = v[0], sw->ws = v[1], sw->epoch = v[2], sw->min_count = v[3], sw->neg = v[4];
	sw->word_ngrams = v[5], sw->loss = v[6], sw->model = v[7];
	sw->minn = v[9], sw->maxn = v[10], sw->lr_update_rate = v[11];
	if (v[0] <= 0 || v[0] > VS_MAX_DIMS)
		return bad(r, at[0], "dim %lld is out of range (1 to 100000)", v[0]);
	if (v[7] < 1 || v[7] > 3)
		return bad(r, at[7], "model type %lld is not cbow (1), skipgram (2) or supervised (3)", v[7]);
	if (v[8] < 0)
		return bad(r, at[8], "bucket count %lld is negative", v[8]);
	sw->bucket = (uint32_t)v[8];
	if (sw->version == 11 && sw->model == 3)
		sw->maxn = 0; /* as fastText: old supervised models have no character n-grams */
	if (sw->maxn > 0 && (sw->minn < 1 || sw->minn > sw->maxn || sw->maxn > 64))
		return bad(r, at[9], "character n-gram lengths minn %lld to maxn out of range (1 <= minn <= maxn <= 64)",
		           sw->minn);
	if (sw->maxn > 0 && sw->bucket == 0)
		return bad(r, at[8], "character n-grams (maxn %lld) but no buckets", sw->maxn);
	return 0;
}

/* ---- the dictionary (Dictionary::load): words, then labels */

typedef struct ft_dict {
	size_t size;
	size_t *off, *len;  /* each entry's word, as offsets into the file */
	int64_t *count;
} ft_dict;

static void dict_free(ft_dict *d)
{
	free(d->off);
	free(d->len);
	free(d->count);
}

static int read_dict(ft_reader *r, vs_subwords *sw, ft_dict *d)
{
	int32_t size, nwords, nlabels;
	int64_t pruned;
	size_t at = offset_of(r);
	if (take_i32(r, &size, "dictionary size") < 0 || take_i32(r, &nwords, "word count") < 0 ||
	    take_i32(r, &nlabels, "label count") < 0 || take_i64(r, &sw->ntokens, "token count") < 0)
		return -1;
	size_t pat = offset_of(r);
	if (take_i64(r, &pruned, "pruned bucket count") < 0)
		return -1;
	if (size < 0 || nwords < 0 || nlabels < 0 || (int64_t)nwords + nlabels != size)
		return bad(r, at, "dictionary sizes disagree (size %lld is not words + labels)", size);
	/* every entry takes at least 10 bytes: a NUL, a count and a type */
	if ((size_t)size > (size_t)(r->end - r->p) / 10)
		return bad(r, at, "dictionary of %lld entries is larger than the file", size);
	if (pruned < -1 || pruned > (int64_t)(r->end - r->p) / 8)
		return bad(r, pat, "pruned bucket count %lld is out of range", pruned);
	sw->nwords = (size_t)nwords;
	sw->nlabels = (size_t)nlabels;
	sw->pruned = (long)pruned;
	d->size = (size_t)size;
	d->off = malloc((d->size ? d->size : 1) * sizeof *d->off);
	d->len = malloc((d->size ? d->size : 1) * sizeof *d->len);
	d->count = malloc((d->size ? d->size : 1) * sizeof *d->count);
	if (!d->off || !d->len || !d->count)
		return vs_oom(r->err);
	for (size_t i = 0; i < d->size; i++) {
		size_t eat = offset_of(r);
		const unsigned char *nul = memchr(r->p, '\0', (size_t)(r->end - r->p));
		if (!nul)
			return vs_fail(r->err, "%s: byte offset %zu: truncated fastText model (entry %zu of the dictionary has "
			               "no end)", r->path, eat, i + 1);
		d->off[i] = eat;
		d->len[i] = (size_t)(nul - r->p);
		r->p = nul + 1;
		int8_t type;
		if (take_i64(r, &d->count[i], "a word's count") < 0 || take(r, &type, 1, "a word's type") < 0)
			return -1;
		if (d->len[i] == 0)
			return bad(r, eat, "entry %lld of the dictionary is empty", (long long)i + 1);
		if (type != (i < sw->nwords ? 0 : 1))
			return bad(r, eat, "entry %lld of the dictionary is out of order (words first, then labels)",
			           (long long)i + 1);
	}
	if (pruned > 0) {
		sw->prune_from = malloc((size_t)pruned * sizeof *sw->prune_from);
		sw->prune_to = malloc((size_t)pruned * sizeof *sw->prune_to);
		if (!sw->prune_from || !sw->prune_to)
			return vs_oom(r->err);
		for (long i = 0; i < pruned; i++)
			if (take_i32(r, &sw->prune_from[i], "the pruned buckets") < 0 ||
			    take_i32(r, &sw->prune_to[i], "the pruned buckets") < 0)
				return -1;
	}
	return 0;
}

/* pruned buckets sorted by their hash bucket, for a binary search */
static void sort_pruned(vs_subwords *sw)
{
	long n = sw->pruned;
	for (long i = 1; i < n; i++) { /* insertion sort in runs: the file keeps them in hash order mostly */
		int32_t f = sw->prune_from[i], t = sw->prune_to[i];
		long j = i;
		while (j > 0 && sw->prune_from[j - 1] > f) {
			sw->prune_from[j] = sw->prune_from[j - 1];
			sw->prune_to[j] = sw->prune_to[j - 1];
			j--;
		}
		sw->prune_from[j] = f;
		sw->prune_to[j] = t;
	}
}

/* ---- the matrices (DenseMatrix, QuantMatrix with its ProductQuantizer) */

/* A matrix's rows and columns, and the bytes of its float32 data. */
static int read_shape(ft_reader *r, int64_t *m, int64_t *n, uint64_t *bytes, const char *what)
{
	size_t at = offset_of(r);
	if (take_i64(r, m, what) < 0 || take_i64(r, n, what) < 0)
		return -1;
	if (*m < 0 || *n < 0 || *n > VS_MAX_DIMS || (uint64_t)*m > UINT64_MAX / 4 / VS_MAX_DIMS)
		return bad(r, at, "the matrix shape is out of range (%lld rows)", *m);
	*bytes = (uint64_t)*m * (uint64_t)*n * sizeof(float);
	return 0;
}

static int skip(ft_reader *r, uint64_t bytes, const char *what)
{
	if ((uint64_t)(r->end - r->p) < bytes)
		return vs_fail(r->err, "%s: byte offset %zu: truncated fastText model (%s needs %llu bytes, %zu left)",
		               r->path, offset_of(r), what, (unsigned long long)bytes, (size_t)(r->end - r->p));
	r->p += bytes;
	return 0;
}

typedef struct ft_pq {
	int32_t dim, nsubq, dsub, lastdsub;
	const unsigned char *centroids; /* dim * 256 floats, in the file */
} ft_pq;

static int read_pq(ft_reader *r, ft_pq *pq, int32_t want_dim)
{
	size_t at = offset_of(r);
	if (take_i32(r, &pq->dim, "quantizer") < 0 || take_i32(r, &pq->nsubq, "quantizer") < 0 ||
	    take_i32(r, &pq->dsub, "quantizer") < 0 || take_i32(r, &pq->lastdsub, "quantizer") < 0)
		return -1;
	if (pq->dim != want_dim || pq->dsub <= 0 || pq->nsubq <= 0 || pq->lastdsub <= 0 || pq->lastdsub > pq->dsub ||
	    (int64_t)(pq->nsubq - 1) * pq->dsub + pq->lastdsub != pq->dim)
		return bad(r, at, "the quantizer's sizes disagree with the dimensions (%lld)", want_dim);
	pq->centroids = r->p;
	return skip(r, (uint64_t)pq->dim * FT_KSUB * sizeof(float), "the quantizer's centroids");
}

/* A quantized matrix: its codes, and a product quantizer (norms too, if qnorm). */
typedef struct ft_quant {
	int64_t m, n;
	uint8_t qnorm;
	const unsigned char *codes, *norm_codes;
	ft_pq pq, npq;
} ft_quant;

static int read_quant(ft_reader *r, ft_quant *q)
{
	uint64_t unused;
	if (take(r, &q->qnorm, 1, "quantized matrix") < 0 || read_shape(r, &q->m, &q->n, &unused, "quantized matrix") < 0)
		return -1;
	int32_t codesize;
	size_t at = offset_of(r);
	if (take_i32(r, &codesize, "code size") < 0)
		return -1;
	if (q->n <= 0 || codesize < 0)
		return bad(r, at, "code size %lld is out of range", codesize);
	q->codes = r->p;
	if (skip(r, (uint64_t)codesize, "the codes") < 0 || read_pq(r, &q->pq, (int32_t)q->n) < 0)
		return -1;
	if ((uint64_t)codesize != (uint64_t)q->m * (uint64_t)q->pq.nsubq)
		return bad(r, at, "code size %lld disagrees with the rows and the quantizer", codesize);
	if (q->qnorm) {
		q->norm_codes = r->p;
		if (skip(r, (uint64_t)q->m, "the norm codes") < 0 || read_pq(r, &q->npq, 1) < 0)
			return -1;
	}
	return 0;
}

/* The input matrix: dense rows used where they lie in the mapped file, or a
 * quantized matrix copied out. */
static int read_input(ft_reader *r, vs_subwords *sw, int quant)
{
	size_t at = offset_of(r);
	if (!quant) {
		int64_t m, n;
		uint64_t bytes;
		if (read_shape(r, &m, &n, &bytes, "input matrix") < 0)
			return -1;
		if (n != sw->dim)
			return bad(r, at, "the input matrix has %lld columns, not dim", n);
		sw->rows = (size_t)m;
		sw->input = r->p; /* used where it lies: rows are read unaligned (the file rarely aligns them) */
		if (skip(r, bytes, "the input matrix") < 0)
			return -1;
		return 0;
	}
	ft_quant q;
	if (read_quant(r, &q) < 0)
		return -1;
	if (q.n != sw->dim)
		return bad(r, at, "the quantized input matrix has %lld columns, not dim", q.n);
	sw->rows = (size_t)q.m;
	sw->quantized = 1;
	sw->qnorm = q.qnorm;
	sw->nsubq = q.pq.nsubq, sw->dsub = q.pq.dsub, sw->lastdsub = q.pq.lastdsub;
	size_t ncodes = (size_t)q.m * (size_t)q.pq.nsubq, ncent = (size_t)sw->dim * FT_KSUB;
	sw->codes = malloc(ncodes ? ncodes : 1);
	sw->centroids = malloc(ncent * sizeof(float));
	if (!sw->codes || !sw->centroids)
		return vs_oom(r->err);
	memcpy(sw->codes, q.codes, ncodes);
	memcpy(sw->centroids, q.pq.centroids, ncent * sizeof(float));
	if (q.qnorm) {
		sw->norm_codes = malloc(sw->rows ? sw->rows : 1);
		if (!sw->norm_codes)
			return vs_oom(r->err);
		memcpy(sw->norm_codes, q.norm_codes, sw->rows);
		memcpy(sw->norm_centroids, q.npq.centroids, sizeof sw->norm_centroids);
	}
	return 0;
}

/* The output matrix is not needed to explore the words; it is checked so
 * that a truncated model is refused. */
static int skip_output(ft_reader *r, int quant_input)
{
	uint8_t qout = 0;
	if (take(r, &qout, 1, "the output matrix flag") < 0)
		return -1;
	if (quant_input && qout) {
		ft_quant q;
		return read_quant(r, &q);
	}
	int64_t m, n;
	uint64_t bytes;
	if (read_shape(r, &m, &n, &bytes, "output matrix") < 0)
		return -1;
	return skip(r, bytes, "the output matrix");
}

/* The dictionary words' vectors (each a mean of rows the checks above keep
 * inside the input matrix), made on every core. */
typedef struct word_job {
	const vs_subwords *sw;
	const unsigned char *base;
	const ft_dict *dict;
	float *vectors;
} word_job;

static void make_word_vectors(void *arg, size_t from, size_t to)
{
	word_job *j = arg;
	size_t dims = (size_t)j->sw->dim;
	for (size_t i = from; i < to; i++)
		vs_subwords_vector(j->sw, (const char *)j->base + j->dict->off[i], (long)i, j->vectors + i * dims);
}

static void word_vectors(const vs_subwords *sw, const unsigned char *base, const ft_dict *dict, float *vectors,
                         int threads)
{
	word_job j = {sw, base, dict, vectors};
	vs_parallel_ranges(sw->nwords, 256, threads, make_word_vectors, &j);
}

/* ---- the whole model */

/* The arguments as info shows them: "field\tvalue" lines. */
static char *describe(const vs_subwords *sw, int quant)
{
	static const char *const models[] = {"?", "cbow", "skipgram", "supervised"};
	static const char *const losses[] = {"?", "hs", "ns", "softmax", "ova"};
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);
	if (!f)
		return NULL;
	fprintf(f, "model\t%s (fastText %s, version %d)\n", models[sw->model], quant ? ".ftz, quantized" : ".bin",
	        sw->version);
	fprintf(f, "loss\t%s\n", sw->loss >= 1 && sw->loss <= 4 ? losses[sw->loss] : "?");
	fprintf(f, "subwords\t%s\n", sw->maxn > 0 ? "yes: any word has a vector" : "no (maxn 0)");
	fprintf(f, "minn maxn\t%d %d\n", sw->minn, sw->maxn);
	fprintf(f, "bucket\t%u%s\n", sw->bucket, sw->pruned >= 0 ? " (pruned when quantized)" : "");
	if (sw->pruned >= 0)
		fprintf(f, "kept buckets\t%ld\n", sw->pruned);
	fprintf(f, "window\t%d\n", sw->ws);
	fprintf(f, "epochs\t%d\n", sw->epoch);
	fprintf(f, "min count\t%d\n", sw->min_count);
	fprintf(f, "negatives\t%d\n", sw->neg);
	fprintf(f, "word n-grams\t%d\n", sw->word_ngrams);
	fprintf(f, "sample\t%g\n", sw->t);
	fprintf(f, "lr update rate\t%d\n", sw->lr_update_rate);
	fprintf(f, "corpus tokens\t%lld\n", (long long)sw->ntokens);
	if (sw->nlabels)
		fprintf(f, "labels\t%zu (a classifier)\n", sw->nlabels);
	fprintf(f, "input rows\t%zu (%s)\n", sw->rows,
	        sw->quantized ? "product-quantized, read" : "mapped");
	return fclose(f) == 0 ? s : (free(s), NULL);
}

static int check_rows(ft_reader *r, vs_subwords *sw, size_t at)
{
	size_t buckets = sw->pruned < 0 ? sw->bucket : (size_t)sw->pruned;
	if (sw->rows != sw->nwords + buckets)
		return bad(r, at, "the input matrix has %lld rows, not the words plus the buckets", (long long)sw->rows);
	for (long i = 0; i < sw->pruned; i++)
		if (sw->prune_to[i] < 0 || (size_t)sw->prune_to[i] >= buckets || sw->prune_from[i] < 0 ||
		    (uint32_t)sw->prune_from[i] >= sw->bucket)
			return bad(r, at, "pruned bucket %lld points outside the input matrix", i);
	return 0;
}

int vs_is_fasttext_model(const unsigned char *magic, size_t len)
{
	int32_t m;
	if (len < 4)
		return 0;
	memcpy(&m, magic, 4);
	return m == FT_MAGIC;
}

vs_vecset *vs_fasttext_load(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	size_t len;
	unsigned char *map = vs_map_file(path, 8, "fastText model", &len, err);
	if (!map)
		return NULL;
	ft_reader r = {map, map, map + len, path, err};
	vs_subwords *sw = calloc(1, sizeof *sw);
	ft_dict dict = {0};
	vs_vecset *set = NULL;
	float *vectors = NULL;
	int32_t magic, version;
	uint8_t quant = 0;
	if (!sw) {
		vs_oom(err);
		goto fail;
	}
	if (take_i32(&r, &magic, "magic") < 0 || take_i32(&r, &version, "version") < 0)
		goto fail;
	if (version < 11 || version > FT_VERSION) {
		bad(&r, 4, "fastText model version %lld (vecsh reads versions 11 and 12)", version);
		goto fail;
	}
	sw->version = version;
	if (read_args(&r, sw) < 0 || read_dict(&r, sw, &dict) < 0)
		goto fail;
	size_t qat = offset_of(&r);
	if (take(&r, &quant, 1, "the quantization flag") < 0)
		goto fail;
	if (quant > 1) {
		bad(&r, qat, "quantization flag %lld is not 0 or 1", quant);
		goto fail;
	}
	if (sw->pruned >= 0 && !quant) {
		bad(&r, qat, "a model that is not quantized has pruned buckets (%lld)", sw->pruned);
		goto fail;
	}
	sort_pruned(sw);
	size_t iat = offset_of(&r);
	if (read_input(&r, sw, quant) < 0 || check_rows(&r, sw, iat) < 0 || skip_output(&r, quant) < 0)
		goto fail;
	if (sw->nlabels && !opt->supervised) {
		vs_fail(err, "%s: a supervised fastText model (a classifier with %zu labels): its word vectors were trained "
		        "to predict labels, not as embeddings; load it with --supervised to explore them anyway",
		        path, sw->nlabels);
		goto fail;
	}
	if (opt->limit) {
		vs_fail(err, "%s: --limit does not apply to a fastText model (its whole dictionary makes the vectors)", path);
		goto fail;
	}
	if (sw->nwords == 0) {
		vs_fail(err, "%s: the fastText model has no words", path);
		goto fail;
	}
	size_t dims = (size_t)sw->dim;
	/* the words' vectors are made on first use, from the words as the set
	 * keeps them: unless a word had to be repaired (not UTF-8), then now */
	int lazy = 1;
	for (size_t i = 0; i < sw->nwords && lazy; i++)
		lazy = vs_utf8_invalid_count((const char *)map + dict.off[i], dict.len[i]) == 0;
	if (!lazy) {
		vectors = malloc(sw->nwords * dims * sizeof *vectors);
		if (!vectors) {
			vs_fail(err, "%s: out of memory for %zu x %zu word vectors", path, sw->nwords, dims);
			goto fail;
		}
		word_vectors(sw, map, &dict, vectors, opt->threads);
	}
	if (vs_map_is_damaged(map)) {
		vs_fail(err, "%s: the file shrank while it was read (another program changed it)", path);
		goto fail;
	}
	set = vs_build_set(path, (const char *)map, sw->nwords, dims, vectors, dict.off, dict.len, 0, opt, rep, err);
	vectors = NULL; /* the set owns them now, or they are freed */
	if (!set)
		goto fail;
	if (lazy && set->count != sw->nwords) {
		vs_fail(err, "%s: the dictionary holds a word twice (%zu entries, %zu different words)", path, sw->nwords,
		        set->count);
		goto fail;
	}
	dict_free(&dict);
	if (!sw->quantized) { /* the input rows stay in the mapping */
		set->map = map;
		set->map_len = len;
	} else {
		vs_unmap_file(map, len);
	}
	set->sub = sw;
	set->about = describe(sw, quant);
	set->source = strdup(path);
	set->format = rep->format = quant ? "fasttext-ftz" : "fasttext-bin";
	if (lazy && vs_vecset_defer_rows(set, err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	if (!set->source || !set->about) {
		vs_vecset_free(set);
		vs_oom(err);
		return NULL;
	}
	return set;
fail:
	vs_vecset_free(set);
	free(vectors);
	dict_free(&dict);
	vs_subwords_free(sw);
	vs_unmap_file(map, len);
	return NULL;
}
