/* Building a TF-IDF index. Files are tokenized by worker threads, each with
 * a vocabulary of its own; the vocabularies are then merged, sorted (the
 * order of scikit-learn's vocabulary), pruned by min_df, max_df and
 * max_features, and weighted exactly as TfidfVectorizer does. */
#include "text/internal.h"
#include "core/core.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

void vs_index_options_default(vs_index_options *o)
{
	memset(o, 0, sizeof *o);
	o->ngram_min = o->ngram_max = 1;
	o->min_df = 1;
	o->max_df = 1.0;
	o->max_df_is_prop = 1;
	o->norm = VS_NORM_L2;
}

/* ---- a growable string table with a hash index ---- */

typedef struct strtab {
	char *arena;
	size_t alen, acap;
	uint64_t *off;      /* id -> offset in arena */
	uint32_t *len;
	size_t n, cap;
	uint32_t *slots;    /* id + 1 */
	size_t nslots;
} strtab;

static int strtab_init(strtab *t)
{
	memset(t, 0, sizeof *t);
	t->acap = 1 << 16;
	t->cap = 1024;
	t->nslots = 2048;
	t->arena = malloc(t->acap);
	t->off = malloc(t->cap * sizeof *t->off);
	t->len = malloc(t->cap * sizeof *t->len);
	t->slots = calloc(t->nslots, sizeof *t->slots);
	return t->arena && t->off && t->len && t->slots ? 0 : -1;
}

static void strtab_free(strtab *t)
{
	free(t->arena);
	free(t->off);
	free(t->len);
	free(t->slots);
}

/* id of s (added if new), or -1 when out of memory */
static long strtab_intern(strtab *t, const char *s, size_t n)
{
	uint64_t h = vs_hash_fnv1a(s, n);
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	for (; t->slots[i]; i = (i + 1) & mask) {
		uint32_t id = t->slots[i] - 1;
		if (t->len[id] == n && memcmp(t->arena + t->off[id], s, n) == 0)
			return id;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap * 2;
		uint64_t *no = realloc(t->off, cap * sizeof *no);
		if (!no)
			return -1;
		t->off = no;
		uint32_t *nl = realloc(t->len, cap * sizeof *nl);
		if (!nl)
			return -1;
		t->len = nl;
		t->cap = cap;
	}
	while (t->alen + n + 1 > t->acap) {
		char *na = realloc(t->arena, t->acap * 2);
		if (!na)
			return -1;
		t->arena = na;
		t->acap *= 2;
	}
	memcpy(t->arena + t->alen, s, n);
	t->arena[t->alen + n] = '\0';
	long id = (long)t->n++;
	t->off[id] = t->alen;
	t->len[id] = (uint32_t)n;
	t->alen += n + 1;
	t->slots[i] = (uint32_t)id + 1;
	if (t->n * 2 > t->nslots) { /* grow and rehash */
		size_t ns = t->nslots * 2;
		uint32_t *sl = calloc(ns, sizeof *sl);
		if (!sl)
			return -1;
		for (size_t k = 0; k < t->n; k++) {
			size_t j = (size_t)vs_hash_fnv1a(t->arena + t->off[k], t->len[k]) & (ns - 1);
			while (sl[j])
				j = (j + 1) & (ns - 1);
			sl[j] = (uint32_t)k + 1;
		}
		free(t->slots);
		t->slots = sl;
		t->nslots = ns;
	}
	return id;
}

/* ---- the documents of the corpus ---- */

typedef struct source_file {
	char *path;   /* to open */
	char *name;   /* to show */
} source_file;

typedef struct file_list {
	source_file *f;
	size_t n, cap;
} file_list;

static int add_file(file_list *l, const char *path, const char *name)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		source_file *nf = realloc(l->f, cap * sizeof *nf);
		if (!nf)
			return -1;
		l->f = nf;
		l->cap = cap;
	}
	l->f[l->n].path = strdup(path);
	l->f[l->n].name = strdup(name);
	if (!l->f[l->n].path || !l->f[l->n].name) {
		free(l->f[l->n].path);
		free(l->f[l->n].name);
		return -1;
	}
	l->n++;
	return 0;
}

static int walk(file_list *l, const char *dir, const char *rel, vs_index_report *rep, int depth)
{
	DIR *d = opendir(dir);
	if (!d) {
		rep->skipped_unreadable++;
		return 0;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t pl = strlen(dir) + strlen(e->d_name) + 2, rl = strlen(rel) + strlen(e->d_name) + 2;
		char *p = malloc(pl), *r = malloc(rl);
		if (!p || !r) {
			free(p), free(r);
			rc = -1;
			break;
		}
		snprintf(p, pl, "%s/%s", dir, e->d_name);
		snprintf(r, rl, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		struct stat st, lst;
		if (lstat(p, &lst) == 0 && S_ISLNK(lst.st_mode) && stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			/* symbolic links to folders are not followed (no loops) */
		} else if (stat(p, &st) != 0) {
			rep->skipped_unreadable++;
		} else if (S_ISDIR(st.st_mode)) {
			rc = depth < 64 ? walk(l, p, r, rep, depth + 1) : 0;
		} else if (S_ISREG(st.st_mode)) {
			rc = add_file(l, p, r);
		}
		free(p), free(r);
	}
	closedir(d);
	return rc;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(((const source_file *)a)->name, ((const source_file *)b)->name);
}

/* ---- tokenizing, in worker threads ---- */

typedef struct posting {
	uint32_t term; /* local id */
	float count;
} posting;

typedef struct doc_out {
	char *name;
	uint32_t line;
	uint32_t len;          /* tokens */
	posting *p;
	uint32_t np;
} doc_out;

typedef struct file_out {
	doc_out *docs;
	size_t ndocs;
	int worker;
	int skipped;           /* 1 binary, 2 unreadable */
	int invalid;           /* documents with invalid UTF-8 */
	size_t bytes;
} file_out;

typedef struct worker {
	strtab vocab;          /* local terms */
	double *freq;          /* local term frequency over the corpus (for max_features, buckets) */
	size_t freq_cap;
	int32_t *bucket;       /* hash mode: local term -> signed murmur hash */
	/* per-document accumulation */
	int32_t *slot_of;      /* local term -> index in cur, or -1 */
	size_t slot_cap;
	posting *cur;
	size_t ncur, curcap;
	int oom;
} worker;

typedef struct build_job {
	const file_list *files;
	file_out *out;
	const vs_index_options *opt;
	vs_analyzer an;
	worker *w;
	atomic_size_t next, done_files, done_bytes;
} build_job;

typedef struct term_ctx {
	worker *w;
	int hash;
} term_ctx;

static int grow_worker(worker *w, size_t need)
{
	if (need <= w->slot_cap)
		return 0;
	size_t cap = w->slot_cap ? w->slot_cap : 1024;
	while (cap < need)
		cap *= 2;
	int32_t *s = realloc(w->slot_of, cap * sizeof *s);
	if (!s)
		return -1;
	for (size_t i = w->slot_cap; i < cap; i++)
		s[i] = -1;
	w->slot_of = s;
	double *f = realloc(w->freq, cap * sizeof *f);
	if (!f)
		return -1;
	for (size_t i = w->slot_cap; i < cap; i++)
		f[i] = 0;
	w->freq = f;
	int32_t *b = realloc(w->bucket, cap * sizeof *b);
	if (!b)
		return -1;
	w->bucket = b;
	w->slot_cap = cap;
	return 0;
}

static void on_term(const char *term, size_t len, size_t offset, void *ctx)
{
	(void)offset;
	term_ctx *c = ctx;
	worker *w = c->w;
	if (w->oom)
		return;
	size_t before = w->vocab.n;
	long id = strtab_intern(&w->vocab, term, len);
	if (id < 0 || grow_worker(w, w->vocab.n) < 0) {
		w->oom = 1;
		return;
	}
	if (w->vocab.n > before && c->hash)
		w->bucket[id] = (int32_t)vs_murmur3_32(term, len, 0);
	w->freq[id] += 1;
	if (w->slot_of[id] < 0) {
		if (w->ncur == w->curcap) {
			size_t cap = w->curcap ? w->curcap * 2 : 256;
			posting *np = realloc(w->cur, cap * sizeof *np);
			if (!np) {
				w->oom = 1;
				return;
			}
			w->cur = np;
			w->curcap = cap;
		}
		w->slot_of[id] = (int32_t)w->ncur;
		w->cur[w->ncur++] = (posting){(uint32_t)id, 0};
	}
	w->cur[w->slot_of[id]].count += 1;
}

static int finish_doc(worker *w, file_out *fo, const char *name, uint32_t line, size_t ntok)
{
	doc_out *nd = realloc(fo->docs, (fo->ndocs + 1) * sizeof *nd);
	if (!nd)
		return -1;
	fo->docs = nd;
	doc_out *d = &fo->docs[fo->ndocs++];
	memset(d, 0, sizeof *d);
	d->name = strdup(name);
	d->line = line;
	d->len = (uint32_t)ntok;
	d->np = (uint32_t)w->ncur;
	d->p = malloc((w->ncur ? w->ncur : 1) * sizeof *d->p);
	if (!d->name || !d->p)
		return -1;
	memcpy(d->p, w->cur, w->ncur * sizeof *d->p);
	for (size_t i = 0; i < w->ncur; i++)
		w->slot_of[w->cur[i].term] = -1;
	w->ncur = 0;
	return 0;
}

static void process_file(build_job *j, worker *w, const source_file *sf, file_out *fo)
{
	size_t len;
	char *text = vs_read_file_gz(sf->path, &len);
	if (!text) {
		fo->skipped = 2;
		return;
	}
	fo->bytes = len;
	/* binary: a NUL byte in the first 8000 bytes, as git decides */
	if (memchr(text, '\0', len < 8000 ? len : 8000)) {
		fo->skipped = 1;
		free(text);
		return;
	}
	term_ctx c = {w, j->opt->hash_bits > 0};
	if (!j->opt->lines) {
		size_t invalid = 0, ntok = vs_analyze(&j->an, text, len, on_term, &c, &invalid);
		if (ntok == (size_t)-1 || w->oom || finish_doc(w, fo, sf->name, 0, ntok) < 0)
			w->oom = 1;
		fo->invalid += invalid > 0;
	} else {
		size_t pos = 0, line = 0;
		char *name = malloc(strlen(sf->name) + 24);
		if (!name) {
			w->oom = 1;
			free(text);
			return;
		}
		while (pos < len && !w->oom) {
			char *nl = memchr(text + pos, '\n', len - pos);
			size_t e = nl ? (size_t)(nl - text) : len;
			line++;
			int blank = 1;
			for (size_t k = pos; k < e && blank; k++)
				blank = text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\f' || text[k] == '\v';
			if (!blank) { /* blank lines are not documents */
				size_t invalid = 0, ntok = vs_analyze(&j->an, text + pos, e - pos, on_term, &c, &invalid);
				sprintf(name, "%s:%zu", sf->name, line);
				if (ntok == (size_t)-1 || w->oom || finish_doc(w, fo, name, (uint32_t)line, ntok) < 0)
					w->oom = 1;
				fo->invalid += invalid > 0;
			}
			pos = e + 1;
		}
		free(name);
	}
	free(text);
}

static void *build_worker(void *arg)
{
	build_job *j = ((void **)arg)[0];
	worker *w = ((void **)arg)[1];
	int id = (int)(w - j->w);
	for (;;) {
		size_t f = atomic_fetch_add(&j->next, 1);
		if (f >= j->files->n || vs_interrupted || w->oom)
			break;
		j->out[f].worker = id;
		process_file(j, w, &j->files->f[f], &j->out[f]);
		size_t done = atomic_fetch_add(&j->done_files, 1) + 1;
		size_t bytes = atomic_fetch_add(&j->done_bytes, j->out[f].bytes) + j->out[f].bytes;
		/* worker 0 is the calling thread: it reports the progress */
		if (id == 0 && j->opt->progress && (done & 63) == 0)
			j->opt->progress(j->opt->progress_ctx, done, bytes);
	}
	return NULL;
}

/* ---- merging and weighting ---- */

typedef struct gterm {
	const char *s;
	uint32_t len;
	double freq;      /* corpus frequency (sum of counts) */
	uint32_t df;
	int32_t bucket;   /* hash mode: signed murmur hash */
} gterm;

static gterm *sort_terms;
static int cmp_gterm(const void *a, const void *b)
{
	const gterm *x = &sort_terms[*(const uint32_t *)a], *y = &sort_terms[*(const uint32_t *)b];
	return strcmp(x->s, y->s);
}

static void free_outputs(file_out *out, size_t n)
{
	for (size_t f = 0; f < n; f++) {
		for (size_t d = 0; d < out[f].ndocs; d++) {
			free(out[f].docs[d].name);
			free(out[f].docs[d].p);
		}
		free(out[f].docs);
	}
	free(out);
}

/* scikit-learn's HashingVectorizer bucket of a signed hash */
static uint32_t hash_bucket(int32_t h, uint32_t nb)
{
	if (h == INT32_MIN)
		return (uint32_t)((2147483647u - (nb - 1)) % nb);
	return (uint32_t)(h < 0 ? -h : h) % nb;
}

vs_index *vs_index_build(const char *const *paths, size_t npaths, const vs_index_options *opt,
                         vs_index_report *rep, vs_error *err)
{
	vs_index_report dummy;
	vs_index *ix = NULL;
	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	if (opt->hash_bits && (opt->min_df != 1 || opt->min_df_is_prop || opt->max_df != 1.0 || !opt->max_df_is_prop ||
	                       opt->max_features)) {
		vs_fail(err, "--hash has no vocabulary to prune: it takes no --min-df, --max-df or --max-features");
		return NULL;
	}
	if (opt->hash_bits < 0 || opt->hash_bits > 28) {
		vs_fail(err, "--hash takes 1 to 28 bits");
		return NULL;
	}
	/* the stop words */
	vs_stopwords *own_stop = NULL;
	const vs_stopwords *stop = NULL;
	if (opt->stopwords == 1)
		stop = vs_stopwords_english();
	else if (opt->stopwords == 2) {
		own_stop = vs_stopwords_load(opt->stopwords_file, err->msg, sizeof err->msg);
		if (!own_stop)
			return NULL;
		stop = own_stop;
	}
	/* the files */
	file_list files = {0};
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0) {
			vs_fail(err, "%s: %s", paths[i], strerror(errno));
			goto fail_files;
		}
		size_t first = files.n;
		if (S_ISDIR(st.st_mode)) {
			if (walk(&files, paths[i], "", rep, 0) < 0) {
				vs_fail(err, "out of memory");
				goto fail_files;
			}
			if (files.n > first)
				qsort(files.f + first, files.n - first, sizeof *files.f, cmp_name);
		} else if (add_file(&files, paths[i], paths[i]) < 0) {
			vs_fail(err, "out of memory");
			goto fail_files;
		}
	}
	size_t nfiles = files.n;
	file_out *out = calloc(nfiles ? nfiles : 1, sizeof *out);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nw = opt->threads > 0 ? opt->threads : (int)(ncpu > 0 ? ncpu : 1);
	if (nw > 16)
		nw = 16;
	if ((size_t)nw > nfiles)
		nw = nfiles ? (int)nfiles : 1;
	worker *ws = calloc((size_t)nw, sizeof *ws);
	if (!out || !ws) {
		free(out), free(ws);
		vs_fail(err, "out of memory");
		goto fail_files;
	}
	build_job job = {.files = &files, .out = out, .opt = opt, .w = ws};
	job.an.ngram_min = opt->ngram_min;
	job.an.ngram_max = opt->ngram_max;
	job.an.stop = stop;
	atomic_init(&job.next, 0);
	atomic_init(&job.done_files, 0);
	atomic_init(&job.done_bytes, 0);
	int init_ok = 1;
	for (int t = 0; t < nw; t++)
		init_ok &= strtab_init(&ws[t].vocab) == 0;
	pthread_t tids[16];
	void *args[16][2];
	int started[16] = {0};
	for (int t = 0; init_ok && t < nw; t++) {
		args[t][0] = &job;
		args[t][1] = &ws[t];
		started[t] = t > 0 && pthread_create(&tids[t], NULL, build_worker, args[t]) == 0;
	}
	if (init_ok)
		build_worker(args[0]);
	for (int t = 1; t < nw; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
	if (opt->progress)
		opt->progress(opt->progress_ctx, atomic_load(&job.done_files), atomic_load(&job.done_bytes));
	int oom = !init_ok;
	for (int t = 0; t < nw; t++)
		oom |= ws[t].oom;
	if (vs_interrupted) {
		vs_fail(err, "interrupted");
		goto fail_work;
	}
	if (oom) {
		vs_fail(err, "out of memory while tokenizing");
		goto fail_work;
	}
	/* merge the local vocabularies into one */
	strtab g;
	if (strtab_init(&g) < 0) {
		vs_fail(err, "out of memory");
		goto fail_work;
	}
	uint32_t *maps[16] = {0};
	for (int t = 0; t < nw && !oom; t++) {
		maps[t] = malloc((ws[t].vocab.n ? ws[t].vocab.n : 1) * sizeof *maps[t]);
		if (!maps[t]) {
			oom = 1;
			break;
		}
		for (size_t k = 0; k < ws[t].vocab.n; k++) {
			long id = strtab_intern(&g, ws[t].vocab.arena + ws[t].vocab.off[k], ws[t].vocab.len[k]);
			if (id < 0) {
				oom = 1;
				break;
			}
			maps[t][k] = (uint32_t)id;
		}
	}
	size_t ng = g.n, ndocs = 0, nnz = 0;
	gterm *gt = calloc(ng ? ng : 1, sizeof *gt);
	if (oom || !gt) {
		vs_fail(err, "out of memory");
		goto fail_merge;
	}
	for (size_t k = 0; k < ng; k++) {
		gt[k].s = g.arena + g.off[k];
		gt[k].len = g.len[k];
	}
	for (int t = 0; t < nw; t++)
		for (size_t k = 0; k < ws[t].vocab.n; k++) {
			gt[maps[t][k]].freq += ws[t].freq[k];
			if (opt->hash_bits)
				gt[maps[t][k]].bucket = ws[t].bucket[k];
		}
	for (size_t f = 0; f < nfiles; f++) {
		if (out[f].skipped == 1)
			rep->skipped_binary++;
		else if (out[f].skipped == 2)
			rep->skipped_unreadable++;
		rep->invalid_utf8_docs += (size_t)out[f].invalid;
		rep->bytes += out[f].bytes;
		ndocs += out[f].ndocs;
		for (size_t d = 0; d < out[f].ndocs; d++) {
			doc_out *dd = &out[f].docs[d];
			for (uint32_t p = 0; p < dd->np; p++) {
				dd->p[p].term = maps[out[f].worker][dd->p[p].term];
				gt[dd->p[p].term].df++;
			}
		}
	}
	if (ndocs == 0) {
		vs_fail(err, "no documents: every file was empty, binary or unreadable");
		goto fail_merge;
	}
	if (ndocs > UINT32_MAX - 1) {
		vs_fail(err, "too many documents");
		goto fail_merge;
	}
	/* the kept terms and their final ids */
	uint32_t *order = malloc((ng ? ng : 1) * sizeof *order);
	uint32_t *final_id = malloc((ng ? ng : 1) * sizeof *final_id);
	if (!order || !final_id) {
		free(order), free(final_id);
		vs_fail(err, "out of memory");
		goto fail_merge;
	}
	size_t nkept = 0;
	uint32_t nbuckets = opt->hash_bits ? 1u << opt->hash_bits : 0;
	uint32_t *bucket_rep = NULL; /* hash mode: the bucket's most frequent term */
	if (!opt->hash_bits) {
		double high = opt->max_df_is_prop ? opt->max_df * (double)ndocs : opt->max_df;
		double low = opt->min_df_is_prop ? opt->min_df * (double)ndocs : opt->min_df;
		if (high < low) {
			free(order), free(final_id);
			vs_fail(err, "--max-df corresponds to fewer documents than --min-df");
			goto fail_merge;
		}
		for (size_t k = 0; k < ng; k++)
			if ((double)gt[k].df <= high && (double)gt[k].df >= low)
				order[nkept++] = (uint32_t)k;
		sort_terms = gt;
		qsort(order, nkept, sizeof *order, cmp_gterm);
		if (opt->max_features && nkept > opt->max_features) {
			/* scikit-learn keeps (-tfs).argsort()[:limit] over the terms in
			 * vocabulary order; ties fall where numpy's argsort puts them */
			int64_t *neg = malloc(nkept * sizeof *neg);
			intptr_t *perm = malloc(nkept * sizeof *perm);
			if (!neg || !perm) {
				free(neg), free(perm), free(order), free(final_id);
				vs_fail(err, "out of memory");
				goto fail_merge;
			}
			for (size_t k = 0; k < nkept; k++)
				neg[k] = -(int64_t)gt[order[k]].freq;
			vs_numpy_argsort(neg, perm, (intptr_t)nkept);
			for (size_t k = 0; k < opt->max_features; k++)
				neg[k] = order[perm[k]];
			for (size_t k = 0; k < opt->max_features; k++)
				order[k] = (uint32_t)neg[k];
			free(neg), free(perm);
			nkept = opt->max_features;
			qsort(order, nkept, sizeof *order, cmp_gterm);
		}
		if (nkept == 0) {
			free(order), free(final_id);
			vs_fail(err, "after pruning, no terms remain; try a lower --min-df or a higher --max-df");
			goto fail_merge;
		}
		for (size_t k = 0; k < ng; k++)
			final_id[k] = UINT32_MAX;
		for (size_t k = 0; k < nkept; k++)
			final_id[order[k]] = (uint32_t)k;
	} else {
		/* the terms of the index are the used buckets, in bucket order */
		bucket_rep = malloc(nbuckets * sizeof *bucket_rep);
		if (!bucket_rep) {
			free(order), free(final_id);
			vs_fail(err, "out of memory for 2^%d buckets", opt->hash_bits);
			goto fail_merge;
		}
		for (uint32_t b = 0; b < nbuckets; b++)
			bucket_rep[b] = UINT32_MAX;
		for (size_t k = 0; k < ng; k++) {
			uint32_t b = hash_bucket(gt[k].bucket, nbuckets);
			uint32_t r = bucket_rep[b];
			if (r == UINT32_MAX || gt[k].freq > gt[r].freq || (gt[k].freq == gt[r].freq && strcmp(gt[k].s, gt[r].s) < 0))
				bucket_rep[b] = (uint32_t)k;
		}
		for (uint32_t b = 0; b < nbuckets; b++)
			if (bucket_rep[b] != UINT32_MAX) {
				final_id[bucket_rep[b]] = (uint32_t)nkept; /* reused below as bucket -> id */
				order[nkept++] = bucket_rep[b];
			}
		/* every term maps to its bucket's id */
		uint32_t *bucket_id = bucket_rep; /* bucket -> id, in place */
		for (uint32_t b = 0, id = 0; b < nbuckets; b++)
			bucket_id[b] = bucket_rep[b] == UINT32_MAX ? UINT32_MAX : id++;
		for (size_t k = 0; k < ng; k++)
			final_id[k] = bucket_id[hash_bucket(gt[k].bucket, nbuckets)];
	}
	ix = vs_index_alloc(ndocs, nkept, opt, stop);
	if (!ix) {
		free(order), free(final_id), free(bucket_rep);
		vs_fail(err, "out of memory");
		goto fail_merge;
	}
	/* terms */
	size_t tbytes = 0;
	for (size_t k = 0; k < nkept; k++)
		tbytes += gt[order[k]].len + 1;
	char *tblob = vs_index_own(ix, malloc(tbytes ? tbytes : 1));
	const char **terms = vs_index_own(ix, malloc(nkept * sizeof *terms));
	uint32_t *df = vs_index_own(ix, calloc(nkept, sizeof *df));
	double *idf = vs_index_own(ix, malloc(nkept * sizeof *idf));
	uint32_t *buckets = opt->hash_bits ? vs_index_own(ix, malloc(nkept * sizeof *buckets)) : NULL;
	if (!tblob || !terms || !df || !idf || (opt->hash_bits && !buckets)) {
		free(order), free(final_id), free(bucket_rep);
		vs_fail(err, "out of memory");
		goto fail_index;
	}
	for (size_t k = 0, o = 0; k < nkept; k++) {
		memcpy(tblob + o, gt[order[k]].s, gt[order[k]].len + 1);
		terms[k] = tblob + o;
		o += gt[order[k]].len + 1;
		if (buckets)
			buckets[k] = hash_bucket(gt[order[k]].bucket, nbuckets);
	}
	ix->terms = terms;
	ix->buckets = buckets;
	/* documents: names, files, lengths, and the forward postings mapped to final ids */
	size_t nbytes = 0, fbytes = 0;
	for (size_t f = 0; f < nfiles; f++) {
		fbytes += strlen(files.f[f].path) + 1;
		for (size_t d = 0; d < out[f].ndocs; d++) {
			nbytes += strlen(out[f].docs[d].name) + 1;
			for (uint32_t p = 0; p < out[f].docs[d].np; p++)
				nnz += final_id[out[f].docs[d].p[p].term] != UINT32_MAX;
		}
	}
	char *nblob = vs_index_own(ix, malloc(nbytes ? nbytes : 1));
	char *fblob = vs_index_own(ix, malloc(fbytes ? fbytes : 1));
	const char **names = vs_index_own(ix, malloc(ndocs * sizeof *names));
	const char **dfiles = vs_index_own(ix, malloc(ndocs * sizeof *dfiles));
	uint32_t *dline = vs_index_own(ix, malloc(ndocs * sizeof *dline));
	uint32_t *dlen = vs_index_own(ix, malloc(ndocs * sizeof *dlen));
	uint64_t *dptr = vs_index_own(ix, malloc((ndocs + 1) * sizeof *dptr));
	uint32_t *dterm = vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *dterm));
	float *dweight = vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *dweight));
	float *dcount = vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *dcount));
	uint32_t *seen_in_doc = opt->hash_bits ? calloc(nkept ? nkept : 1, sizeof *seen_in_doc) : NULL;
	uint32_t *slot_in_doc = opt->hash_bits ? malloc((nkept ? nkept : 1) * sizeof *slot_in_doc) : NULL;
	if (!nblob || !fblob || !names || !dfiles || !dline || !dlen || !dptr || !dterm || !dweight || !dcount ||
	    (opt->hash_bits && (!seen_in_doc || !slot_in_doc))) {
		free(seen_in_doc), free(slot_in_doc);
		free(order), free(final_id), free(bucket_rep);
		vs_fail(err, "out of memory");
		goto fail_index;
	}
	size_t di = 0, no = 0, fo = 0, q = 0;
	double total_len = 0;
	dptr[0] = 0;
	for (size_t f = 0; f < nfiles; f++) {
		size_t pl = strlen(files.f[f].path) + 1;
		memcpy(fblob + fo, files.f[f].path, pl);
		for (size_t d = 0; d < out[f].ndocs; d++, di++) {
			doc_out *dd = &out[f].docs[d];
			size_t l = strlen(dd->name) + 1;
			memcpy(nblob + no, dd->name, l);
			names[di] = nblob + no;
			no += l;
			dfiles[di] = fblob + fo;
			dline[di] = dd->line;
			dlen[di] = dd->len;
			total_len += dd->len;
			size_t first = q;
			for (uint32_t p = 0; p < dd->np; p++) {
				uint32_t id = final_id[dd->p[p].term];
				if (id == UINT32_MAX)
					continue;
				float c = dd->p[p].count;
				if (opt->hash_bits) {
					/* several terms can share a bucket: add their signed counts */
					if (gt[dd->p[p].term].bucket < 0)
						c = -c;
					if (seen_in_doc[id] != di + 1) {
						seen_in_doc[id] = (uint32_t)di + 1;
						slot_in_doc[id] = (uint32_t)(q - first);
						dterm[q] = id;
						dcount[q++] = c;
					} else {
						dcount[first + slot_in_doc[id]] += c;
					}
				} else { /* distinct terms of a document have distinct ids */
					dterm[q] = id;
					dcount[q++] = c;
				}
			}
			for (size_t e = first; e < q; e++)
				df[dterm[e]]++;
			dptr[di + 1] = q;
		}
		fo += pl;
	}
	nnz = q;
	free(seen_in_doc);
	free(slot_in_doc);
	free(order);
	free(final_id);
	free(bucket_rep);
	ix->nnz = nnz;
	ix->doc_names = names;
	ix->doc_files = dfiles;
	ix->doc_line = dline;
	ix->doc_len = dlen;
	ix->avgdl = total_len / (double)ndocs;
	ix->df = df;
	ix->idf = idf;
	ix->doc_ptr = dptr;
	ix->doc_term = dterm;
	ix->doc_count = dcount;
	/* idf, then the weights: tf * idf, normalised per document */
	for (size_t k = 0; k < nkept; k++) {
		double n = (double)ndocs + (opt->no_smooth ? 0 : 1), d = (double)df[k] + (opt->no_smooth ? 0 : 1);
		idf[k] = log(n / d) + 1.0;
	}
	for (size_t d = 0; d < ndocs; d++) {
		double norm = 0;
		for (uint64_t e = dptr[d]; e < dptr[d + 1]; e++) {
			double tf = dcount[e];
			if (opt->sublinear && tf != 0)
				tf = tf > 0 ? 1.0 + log(tf) : -(1.0 + log(-tf));
			double w = tf * idf[dterm[e]];
			dweight[e] = (float)w;
			norm += opt->norm == VS_NORM_L1 ? fabs(w) : w * w;
		}
		if (opt->norm == VS_NORM_L2)
			norm = sqrt(norm);
		for (uint64_t e = dptr[d]; e < dptr[d + 1]; e++) {
			double tf = dcount[e];
			if (opt->sublinear && tf != 0)
				tf = tf > 0 ? 1.0 + log(tf) : -(1.0 + log(-tf));
			double w = tf * idf[dterm[e]];
			dweight[e] = (float)(opt->norm == VS_NORM_NONE || norm == 0 ? w : w / norm);
		}
	}
	ix->doc_weight = dweight;
	if (vs_index_invert(ix) < 0 || vs_index_hash_terms(ix) < 0) {
		vs_fail(err, "out of memory");
		goto fail_index;
	}
	free(gt);
	for (int t = 0; t < nw; t++)
		free(maps[t]);
	strtab_free(&g);
	goto done;
fail_index:
	vs_index_free(ix);
	ix = NULL;
fail_merge:
	free(gt);
	for (int t = 0; t < nw; t++)
		free(maps[t]);
	strtab_free(&g);
fail_work:
done:
	for (int t = 0; t < nw; t++) {
		strtab_free(&ws[t].vocab);
		free(ws[t].freq);
		free(ws[t].bucket);
		free(ws[t].slot_of);
		free(ws[t].cur);
	}
	free(ws);
	free_outputs(out, nfiles);
fail_files:
	for (size_t f = 0; f < files.n; f++) {
		free(files.f[f].path);
		free(files.f[f].name);
	}
	free(files.f);
	vs_stopwords_free(own_stop);
	return ix;
}
