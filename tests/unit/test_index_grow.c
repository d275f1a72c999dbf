/* Unit tests: index add and index remove (vs_index_grow) give the index that
 * building from scratch over the same documents gives, byte for byte: the
 * vocabulary, df, idf, every posting and weight, the documents' names,
 * files, lines and lengths, and the terms kept for later growth; for every
 * option that changes the vocabulary (pruning, the hashing trick, n-grams,
 * stop words, binary, one document a line) and for typed texts; from an
 * index in memory and from one saved and opened again. And an index built
 * straight into its file (index --to, postings spilled to disk) is the file
 * that saving the index built in memory writes, byte for byte. With --lines,
 * a large file read in pieces by several threads, or streamed a window at a
 * time (gzip too), gives the index that reading it whole gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "text/text.h"

enum { NFILES = 12, NWORDS = 60 };

static char dir[] = "/tmp/vecsh-grow-XXXXXX";
static char paths[NFILES][128];

/* Documents of words drawn from a skewed vocabulary, so that document
 * frequencies differ and pruning has something to do; a few upper-case
 * words, one word in Japanese, and three lines a file for --lines. */
static void make_corpus(void)
{
	assert_non_null(mkdtemp(dir));
	static const char *extra[] = {"Zebra", "東京大学", "naïve", "x9"};
	uint32_t seed = 12345;
	for (int f = 0; f < NFILES; f++) {
		snprintf(paths[f], sizeof paths[f], "%s/f%02d.txt", dir, f);
		FILE *out = fopen(paths[f], "w");
		assert_non_null(out);
		for (int line = 0; line < 3; line++) {
			int n = 4 + (int)((seed >> 8) % 9);
			for (int w = 0; w < n; w++) {
				seed = seed * 1103515245u + 12345u;
				uint32_t r = (seed >> 8) % 1000;
				int word = (int)(r * r / 1000 * NWORDS / 1000); /* skewed to the low numbers */
				if (r % 37 == 0)
					fprintf(out, "%s ", extra[r % 4]);
				else
					fprintf(out, "w%c%c ", 'a' + word / 26, 'a' + word % 26);
			}
			fputc('\n', out);
		}
		fclose(out);
	}
}

static void remove_corpus(void)
{
	for (int f = 0; f < NFILES; f++)
		unlink(paths[f]);
	rmdir(dir);
}

static vs_index *build_over(const vs_index_options *o, int from, int to, const int *skip)
{
	const char *p[NFILES];
	size_t n = 0;
	for (int f = from; f < to; f++)
		if (!skip || !skip[f])
			p[n++] = paths[f];
	vs_error err;
	vs_index *ix = vs_index_build(p, n, o, NULL, &err);
	if (!ix)
		fprintf(stderr, "build: %s\n", err.msg);
	assert_non_null(ix);
	return ix;
}

static vs_index *grow(const vs_index *old, const unsigned char *drop, int from, int to)
{
	const char *p[NFILES];
	size_t n = 0;
	for (int f = from; f < to; f++)
		p[n++] = paths[f];
	vs_error err;
	vs_index *ix = vs_index_grow(old, drop, p, n, NULL, 0, NULL, NULL, &err);
	if (!ix)
		fprintf(stderr, "grow: %s\n", err.msg);
	assert_non_null(ix);
	return ix;
}

#define SAME_ARRAY(a, b, n) assert_memory_equal((a), (b), (n) * sizeof *(a))

/* Every posting's weight, both directions, bit for bit. */
static void same_weights(const vs_index *x, const vs_index *y)
{
	for (uint32_t d = 0; d < x->ndocs; d++)
		for (uint64_t e = x->doc_ptr[d]; e < x->doc_ptr[d + 1]; e++) {
			float a = vs_index_doc_weight(x, d, e), b = vs_index_doc_weight(y, d, e);
			assert_memory_equal(&a, &b, sizeof a);
		}
	for (uint32_t t = 0; t < x->nterms; t++)
		for (uint64_t e = x->term_ptr[t]; e < x->term_ptr[t + 1]; e++) {
			float a = vs_index_term_weight(x, t, e), b = vs_index_term_weight(y, t, e);
			assert_memory_equal(&a, &b, sizeof a);
		}
}

/* Everything an index is, compared. */
static void assert_same_index(const vs_index *x, const vs_index *y)
{
	assert_int_equal(x->ndocs, y->ndocs);
	assert_int_equal(x->nterms, y->nterms);
	assert_int_equal(x->nnz, y->nnz);
	assert_memory_equal(&x->avgdl, &y->avgdl, sizeof x->avgdl);
	for (uint32_t t = 0; t < x->nterms; t++)
		assert_string_equal(x->terms[t], y->terms[t]);
	SAME_ARRAY(x->df, y->df, x->nterms);
	SAME_ARRAY(x->idf, y->idf, x->nterms);
	if (x->buckets || y->buckets) {
		assert_true(x->buckets && y->buckets);
		SAME_ARRAY(x->buckets, y->buckets, x->nterms);
	}
	for (uint32_t d = 0; d < x->ndocs; d++) {
		assert_string_equal(x->doc_names[d], y->doc_names[d]);
		assert_string_equal(x->doc_files[d], y->doc_files[d]);
		if (x->doc_source || y->doc_source)
			assert_string_equal(x->doc_source[d], y->doc_source[d]);
	}
	SAME_ARRAY(x->doc_line, y->doc_line, x->ndocs);
	SAME_ARRAY(x->doc_len, y->doc_len, x->ndocs);
	SAME_ARRAY(x->doc_ptr, y->doc_ptr, (size_t)x->ndocs + 1);
	SAME_ARRAY(x->doc_term, y->doc_term, x->nnz);
	SAME_ARRAY(x->doc_count, y->doc_count, x->nnz);
	SAME_ARRAY(x->term_ptr, y->term_ptr, (size_t)x->nterms + 1);
	SAME_ARRAY(x->term_doc, y->term_doc, x->nnz);
	SAME_ARRAY(x->term_count, y->term_count, x->nnz);
	same_weights(x, y); /* (stored in a saved index, derived in a built one) */
	assert_int_equal(x->raw_terms != NULL, y->raw_terms != NULL);
	if (x->raw_terms) {
		assert_int_equal(x->raw_nterms, y->raw_nterms);
		assert_int_equal(x->raw_nnz, y->raw_nnz);
		for (uint32_t t = 0; t < x->raw_nterms; t++)
			assert_string_equal(x->raw_terms[t], y->raw_terms[t]);
		SAME_ARRAY(x->raw_ptr, y->raw_ptr, (size_t)x->ndocs + 1);
		SAME_ARRAY(x->raw_term, y->raw_term, x->raw_nnz);
		SAME_ARRAY(x->raw_count, y->raw_count, x->raw_nnz);
	}
}

static vs_index *save_and_open(const vs_index *ix)
{
	char path[160];
	snprintf(path, sizeof path, "%s/saved.vsix", dir);
	vs_error err;
	assert_int_equal(vs_index_save(ix, path, &err), 0);
	vs_index *back = vs_index_open(path, &err);
	assert_non_null(back);
	unlink(path);
	return back;
}

typedef struct option_case {
	const char *what;
	void (*set)(vs_index_options *o);
} option_case;

static void o_default(vs_index_options *o) { (void)o; }
static void o_min_df(vs_index_options *o) { o->min_df = 2; }
static void o_max_df_prop(vs_index_options *o) { o->max_df = 0.5; }
static void o_max_df_count(vs_index_options *o) { o->max_df = 4, o->max_df_is_prop = 0; }
static void o_max_features(vs_index_options *o) { o->max_features = 20; }
static void o_binary_max_features(vs_index_options *o) { o->binary = 1, o->max_features = 15, o->no_idf = 1; }
static void o_sublinear(vs_index_options *o) { o->sublinear = 1, o->no_smooth = 1, o->norm = VS_NORM_L1; }
static void o_hash(vs_index_options *o) { o->hash_bits = 5; }
static void o_hash_binary(vs_index_options *o) { o->hash_bits = 4, o->binary = 1, o->ngram_max = 2; }
static void o_ngrams_stop(vs_index_options *o) { o->ngram_min = 1, o->ngram_max = 3, o->stopwords = 1, o->min_df = 0.1, o->min_df_is_prop = 1; }
static void o_lines(vs_index_options *o) { o->lines = 1, o->min_df = 2; }
static void o_lines_plain(vs_index_options *o) { o->lines = 1, o->threads = 1; }

static const option_case cases[] = {
	{"defaults", o_default},
	{"min_df 2", o_min_df},
	{"max_df 0.5", o_max_df_prop},
	{"max_df 4 documents", o_max_df_count},
	{"max_features 20", o_max_features},
	{"binary, max_features 15, no idf", o_binary_max_features},
	{"sublinear, no smooth, l1", o_sublinear},
	{"hash 2^5", o_hash},
	{"hash 2^4, binary, bigrams", o_hash_binary},
	{"1- to 3-grams, stop words, min_df 0.1", o_ngrams_stop},
	{"lines, min_df 2", o_lines},
	{"lines", o_lines_plain},
};

static void options_of(const option_case *c, vs_index_options *o)
{
	vs_index_options_default(o);
	c->set(o);
	if (o->stopwords == 1)
		o->stopwords = 1; /* english: the builder loads it */
}

/* A drop mask: every document of the files marked in skip. */
static unsigned char *drop_files(const vs_index *ix, const int *skip)
{
	unsigned char *drop = calloc(ix->ndocs, 1);
	assert_non_null(drop);
	for (uint32_t d = 0; d < ix->ndocs; d++)
		for (int f = 0; f < NFILES; f++)
			if (skip[f] && strcmp(ix->doc_files[d], paths[f]) == 0)
				drop[d] = 1;
	return drop;
}

static void add_equals_building_from_scratch(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		vs_index_options o;
		options_of(&cases[c], &o);
		print_message("  %s\n", cases[c].what);
		vs_index *full = build_over(&o, 0, NFILES, NULL);
		vs_index *base = build_over(&o, 0, 7, NULL);
		assert_int_equal(base->raw_terms != NULL, vs_index_needs_raw(&o));
		vs_index *grown = grow(base, NULL, 7, NFILES);
		assert_same_index(full, grown);
		/* in two steps, through a saved file */
		vs_index *saved = save_and_open(base);
		vs_index *half = grow(saved, NULL, 7, 10);
		vs_index *half_saved = save_and_open(half);
		vs_index *rest = grow(half_saved, NULL, 10, NFILES);
		assert_same_index(full, rest);
		vs_index_free(base), vs_index_free(grown), vs_index_free(saved), vs_index_free(half);
		vs_index_free(half_saved), vs_index_free(rest), vs_index_free(full);
	}
}

static void remove_equals_building_from_scratch(void **state)
{
	(void)state;
	static const int skip[NFILES] = {[0] = 1, [3] = 1, [4] = 1, [11] = 1};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		vs_index_options o;
		options_of(&cases[c], &o);
		print_message("  %s\n", cases[c].what);
		vs_index *full = build_over(&o, 0, NFILES, NULL);
		vs_index *without = build_over(&o, 0, NFILES, skip);
		unsigned char *drop = drop_files(full, skip);
		vs_index *removed = grow(full, drop, 0, 0);
		assert_same_index(without, removed);
		/* removed and added back: the files come last, as if given last */
		int first[NFILES] = {0}, last[NFILES] = {0};
		for (int f = 0; f < NFILES; f++)
			(f < 6 ? first : last)[f] = 1;
		vs_index *front = build_over(&o, 0, NFILES, last);
		unsigned char *drop_back = drop_files(full, last);
		vs_index *cut = grow(full, drop_back, 0, 0);
		assert_same_index(front, cut);
		vs_index *again = grow(cut, NULL, 6, NFILES);
		assert_same_index(full, again);
		free(drop), free(drop_back);
		vs_index_free(full), vs_index_free(without), vs_index_free(removed), vs_index_free(front);
		vs_index_free(cut), vs_index_free(again);
	}
}

static void typed_texts_grow_too(void **state)
{
	(void)state;
	const vs_text_source src[] = {
		{"a", "the cat sat on the mat", 22},  {"b", "the dog sat on the log", 22},
		{"c", "cats and dogs\nand birds", 23}, {"d", "the bird sat on the cat", 23},
		{"e", "a dog and a cat and a bird", 26}, {"f", "The Mat, the LOG: the cat's!", 28},
	};
	for (int lines = 0; lines < 2; lines++) {
		vs_index_options o;
		vs_index_options_default(&o);
		o.lines = lines;
		o.max_df = 0.6;
		vs_error err;
		vs_index *full = vs_index_build_texts(src, 6, &o, NULL, &err);
		vs_index *base = vs_index_build_texts(src, 4, &o, NULL, &err);
		assert_non_null(full);
		assert_non_null(base);
		vs_index *grown = vs_index_grow(base, NULL, NULL, 0, src + 4, 2, NULL, NULL, &err);
		assert_non_null(grown);
		assert_same_index(full, grown);
		/* files are not texts */
		const char *p[] = {paths[0]};
		assert_null(vs_index_grow(base, NULL, p, 1, NULL, 0, NULL, NULL, &err));
		assert_non_null(strstr(err.msg, "typed texts"));
		vs_index_free(full), vs_index_free(base), vs_index_free(grown);
	}
}

/* A whole file, read. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	char *p = malloc(*len ? *len : 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, *len, f), *len);
	fclose(f);
	return p;
}

/* The files in the corpus folder besides the corpus: none are left behind. */
static int strays(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += e->d_name[0] != '.' && !(e->d_name[0] == 'f' && strstr(e->d_name, ".txt"));
	closedir(d);
	return n;
}

static vs_index *build_to(const vs_index_options *o, const char *path, size_t memory, vs_error *err)
{
	const char *p[NFILES];
	for (int f = 0; f < NFILES; f++)
		p[f] = paths[f];
	return vs_index_build_to(p, NFILES, o, path, memory, NULL, err);
}

static void built_to_a_file_equals_saved(void **state)
{
	(void)state;
	char saved[160], to[160];
	snprintf(saved, sizeof saved, "%s/saved.vsix", dir);
	snprintf(to, sizeof to, "%s/to.vsix", dir);
	static const size_t memory[] = {1, 100, 1 << 20}; /* a term a pass, a few terms, all at once */
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		vs_index_options o;
		options_of(&cases[c], &o);
		print_message("  %s\n", cases[c].what);
		vs_index *full = build_over(&o, 0, NFILES, NULL);
		vs_error err;
		assert_int_equal(vs_index_save(full, saved, &err), 0);
		size_t want_len, got_len;
		char *want = slurp(saved, &want_len);
		for (size_t m = 0; m < sizeof memory / sizeof memory[0]; m++) {
			vs_index *ix = build_to(&o, to, memory[m], &err);
			if (!ix)
				fprintf(stderr, "build to: %s\n", err.msg);
			assert_non_null(ix);
			assert_non_null(ix->map); /* the file, mapped */
			assert_same_index(full, ix);
			char *got = slurp(to, &got_len);
			assert_int_equal(got_len, want_len);
			assert_memory_equal(got, want, want_len);
			free(got);
			if (m == 0) { /* it grows as any index does */
				vs_index *grown = grow(ix, NULL, 0, 0);
				assert_same_index(full, grown);
				vs_index_free(grown);
			}
			vs_index_free(ix);
		}
		free(want);
		vs_index_free(full);
		unlink(saved), unlink(to);
		assert_int_equal(strays(), 0);
	}
}

static vs_index *grow_to(const vs_index *old, const unsigned char *drop, int from, int to, const char *path,
                         size_t memory)
{
	const char *p[NFILES];
	size_t n = 0;
	for (int f = from; f < to; f++)
		p[n++] = paths[f];
	vs_error err;
	vs_index *ix = vs_index_grow_to(old, drop, p, n, NULL, path, memory, NULL, &err);
	if (!ix)
		fprintf(stderr, "grow to: %s\n", err.msg);
	assert_non_null(ix);
	assert_non_null(ix->map);
	return ix;
}

static void same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = slurp(a, &la), *y = slurp(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(x, y, la);
	free(x), free(y);
}

/* index add and remove --to: the file saving the same index built from
 * scratch writes, from an old index in memory or mapped from its file
 * (written over: the old mapping stays good until the new file is in place). */
static void grown_to_a_file_equals_saved(void **state)
{
	(void)state;
	char want[160], to[160];
	snprintf(want, sizeof want, "%s/want.vsix", dir);
	snprintf(to, sizeof to, "%s/to.vsix", dir);
	static const int skip[NFILES] = {[0] = 1, [3] = 1, [4] = 1, [11] = 1};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		vs_index_options o;
		options_of(&cases[c], &o);
		print_message("  %s\n", cases[c].what);
		vs_error err;
		vs_index *full = build_over(&o, 0, NFILES, NULL);
		assert_int_equal(vs_index_save(full, want, &err), 0);
		vs_index *base = build_over(&o, 0, 7, NULL);
		vs_index *grown = grow_to(base, NULL, 7, NFILES, to, c % 2 ? 1 : 1 << 20);
		assert_same_index(full, grown);
		same_file(to, want);
		vs_index_free(grown);
		/* from a mapped index, into its own file */
		assert_int_equal(vs_index_save(base, to, &err), 0);
		vs_index *mapped = vs_index_open(to, &err);
		assert_non_null(mapped);
		grown = grow_to(mapped, NULL, 7, NFILES, to, 100);
		same_file(to, want);
		vs_index_free(mapped), vs_index_free(grown);
		/* remove */
		vs_index *without = build_over(&o, 0, NFILES, skip);
		assert_int_equal(vs_index_save(without, want, &err), 0);
		unsigned char *drop = drop_files(full, skip);
		vs_index *removed = grow_to(full, drop, 0, 0, to, 1 << 20);
		assert_same_index(without, removed);
		same_file(to, want);
		free(drop);
		vs_index_free(removed), vs_index_free(without), vs_index_free(base), vs_index_free(full);
		unlink(want), unlink(to);
		assert_int_equal(strays(), 0);
	}
}

typedef struct seen_progress {
	double last;
	int calls, backwards;
} seen_progress;

static void note_writing(void *ctx, double done)
{
	seen_progress *sp = ctx;
	sp->backwards += done < sp->last;
	sp->last = done;
	sp->calls++;
}

/* The passes that write the file say how far they are: onwards, to 1. */
static void writing_progress_reaches_one(void **state)
{
	(void)state;
	char to[160];
	snprintf(to, sizeof to, "%s/to.vsix", dir);
	for (size_t memory = 100; memory <= 1 << 20; memory <<= 7) {
		vs_index_options o;
		vs_index_options_default(&o);
		seen_progress sp = {0};
		o.progress_writing = note_writing;
		o.progress_ctx = &sp;
		vs_error err;
		vs_index *ix = build_to(&o, to, memory, &err);
		assert_non_null(ix);
		assert_true(sp.calls >= 4);
		assert_int_equal(sp.backwards, 0);
		assert_true(sp.last == 1.0);
		vs_index_free(ix);
	}
	unlink(to);
}

static void stop_at_once(void *ctx, size_t files, size_t total, size_t bytes)
{
	(void)ctx, (void)files, (void)total, (void)bytes;
	vs_interrupted = 1;
}

/* A build that fails leaves no file, no temporary file, and an old file as it was. */
static void failed_build_to_leaves_nothing(void **state)
{
	(void)state;
	char to[160], bad[160];
	snprintf(to, sizeof to, "%s/to.vsix", dir);
	snprintf(bad, sizeof bad, "%s/no-such-folder/to.vsix", dir);
	vs_index_options o;
	vs_index_options_default(&o);
	vs_error err;
	assert_null(build_to(&o, bad, 1 << 20, &err));
	assert_non_null(strstr(err.msg, "no-such-folder/to.vsix"));
	FILE *f = fopen(to, "w");
	assert_non_null(f);
	fputs("an old file", f);
	fclose(f);
	o.min_df = 1000; /* more than the documents: the build fails after the postings were spilled */
	assert_null(build_to(&o, to, 1 << 20, &err));
	assert_non_null(strstr(err.msg, "fewer documents than min_df"));
	o.min_df = 1;
	o.progress = stop_at_once; /* Ctrl-C */
	assert_null(build_to(&o, to, 1 << 20, &err));
	assert_string_equal(err.msg, "interrupted");
	vs_interrupted = 0;
	size_t len;
	char *old = slurp(to, &len);
	assert_int_equal(len, 11);
	assert_memory_equal(old, "an old file", 11);
	free(old);
	/* index add of a file the index has: refused before anything is written */
	o.progress = NULL;
	vs_index *base = build_over(&o, 0, 7, NULL);
	const char *again[] = {paths[8], paths[3]};
	assert_null(vs_index_grow_to(base, NULL, again, 2, NULL, to, 1 << 20, NULL, &err));
	assert_non_null(strstr(err.msg, "f03.txt' is in the index already"));
	old = slurp(to, &len);
	assert_int_equal(len, 11);
	free(old);
	vs_index_free(base);
	unlink(to);
	assert_int_equal(strays(), 0);
}

/* A file of many lines: blank ones, CRLF, tabs, a long one, a word in
 * Japanese, no newline at the end; gzipped beside it (if gzip is there). */
static void write_lines(const char *path, const char *bad_at_line)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	uint32_t seed = 99;
	for (int line = 1; line <= 3000; line++) {
		seed = seed * 1103515245u + 12345u;
		if (line % 17 == 0)
			fputs(line % 34 ? "\n" : "  \t \r\n", f);
		else if (line == 1234)
			for (int w = 0; w < 450; w++) /* 3 KB: the windows in the tests are 4 KiB */
				fprintf(f, "long%d%s", w % 50, w + 1 < 450 ? " " : "\n");
		else if (bad_at_line && line == 2500)
			fputs("naïve but \xff broken\n", f);
		else
			fprintf(f, "w%u w%u 東京 x%u%s", (seed >> 8) % 40, (seed >> 12) % 300, line % 7,
			        line == 3000 ? "" : line % 5 ? "\n" : "\r\n");
	}
	fclose(f);
}

static vs_index *lines_index(const char *path, const char *piece, const char *window, vs_error *err)
{
	if (piece)
		setenv("VECSH_INDEX_PIECE", piece, 1);
	if (window)
		setenv("VECSH_STREAM_WINDOW", window, 1);
	vs_index_options o;
	vs_index_options_default(&o);
	o.lines = 1;
	o.strict = 1;
	const char *p[] = {path};
	vs_index *ix = vs_index_build(p, 1, &o, NULL, err);
	unsetenv("VECSH_INDEX_PIECE");
	unsetenv("VECSH_STREAM_WINDOW");
	return ix;
}

static void lines_in_pieces_equal_whole(void **state)
{
	(void)state;
	char path[160], gz[180], cmd[400];
	snprintf(path, sizeof path, "%s/lines.txt", dir);
	snprintf(gz, sizeof gz, "%s.gz", path);
	write_lines(path, NULL);
	vs_error err;
	vs_index *whole = lines_index(path, NULL, NULL, &err);
	assert_non_null(whole);
	assert_true(whole->ndocs > 2800);
	/* (the last: one piece, streamed whole) */
	static const char *const ways[][2] = {{"1000", "4096"}, {"1000", "map"}, {"7000", "4096"}, {"1000000", "4096"}};
	for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
		print_message("  pieces of %s bytes, window %s\n", ways[w][0], ways[w][1]);
		vs_index *ix = lines_index(path, ways[w][0], ways[w][1], &err);
		if (!ix)
			fprintf(stderr, "%s\n", err.msg);
		assert_non_null(ix);
		assert_same_index(whole, ix);
		vs_index_free(ix);
	}
	snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", path, gz);
	if (system(cmd) == 0) { /* through zlib, a window at a time */
		vs_index *ix = lines_index(gz, "1000", "4096", &err);
		if (!ix)
			fprintf(stderr, "%s\n", err.msg);
		assert_non_null(ix);
		assert_int_equal(ix->ndocs, whole->ndocs);
		SAME_ARRAY(whole->doc_line, ix->doc_line, whole->ndocs);
		SAME_ARRAY(whole->doc_ptr, ix->doc_ptr, (size_t)whole->ndocs + 1);
		SAME_ARRAY(whole->doc_term, ix->doc_term, whole->nnz);
		SAME_ARRAY(whole->doc_count, ix->doc_count, whole->nnz);
		vs_index_free(ix);
		/* a line longer than the window cannot be a document */
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs("a short line\n", f);
		for (int w = 0; w < 1000; w++)
			fputs("longer ", f);
		fclose(f);
		assert_int_equal(system(cmd), 0);
		assert_null(lines_index(gz, NULL, "4096", &err));
		assert_non_null(strstr(err.msg, "a line longer than 4096 bytes at byte 13"));
		unlink(gz);
	}
	vs_index_free(whole);
	/* --strict names the byte and the line, from whichever piece finds it */
	write_lines(path, "bad");
	char want[sizeof err.msg];
	assert_null(lines_index(path, NULL, NULL, &err));
	snprintf(want, sizeof want, "%s", err.msg);
	assert_non_null(strstr(want, "(line 2500)"));
	assert_null(lines_index(path, "1000", "4096", &err));
	assert_string_equal(err.msg, want);
	unlink(path);
}

int main(void)
{
	make_corpus();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(add_equals_building_from_scratch),
		cmocka_unit_test(remove_equals_building_from_scratch),
		cmocka_unit_test(typed_texts_grow_too),
		cmocka_unit_test(built_to_a_file_equals_saved),
		cmocka_unit_test(grown_to_a_file_equals_saved),
		cmocka_unit_test(writing_progress_reaches_one),
		cmocka_unit_test(failed_build_to_leaves_nothing),
		cmocka_unit_test(lines_in_pieces_equal_whole),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	remove_corpus();
	return rc;
}
