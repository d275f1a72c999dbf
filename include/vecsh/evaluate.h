/* evaluate.h: the standard word-vector benchmarks, with gensim's rules
 * (evaluate_word_analogies, evaluate_word_pairs). */
#ifndef VECSH_EVALUATE_H
#define VECSH_EVALUATE_H

#include <stddef.h>

#include "vecsh/error.h"
#include "vecsh/vecset.h"

typedef struct vs_analogy_section {
	char *name;
	size_t correct, incorrect;
} vs_analogy_section;

typedef struct vs_analogy_report {
	vs_analogy_section *sections;
	size_t nsections;
	size_t correct, incorrect;  /* over all sections */
	size_t questions;           /* well-formed question lines */
	size_t oov;                 /* questions skipped for a word outside the restricted vocabulary */
	size_t invalid_lines;       /* lines that are not 4 words, skipped */
} vs_analogy_report;

/* The Google analogy format: ": section" lines, then "a b c d" lines. Each
 * question is answered with 3CosAdd over the first restrict_vocab words,
 * case-insensitively; batched into sgemm over threads. */
int vs_eval_analogies(vs_vecset *set, const char *path, size_t restrict_vocab, vs_analogy_report *rep,
                      vs_error *err);
void vs_analogy_report_free(vs_analogy_report *rep);

typedef struct vs_pairs_report {
	double pearson, spearman;
	size_t pairs;          /* pairs used */
	size_t oov;            /* pairs skipped for an unknown word */
	size_t invalid_lines;  /* lines not of the form word TAB word TAB score */
	double oov_ratio;      /* percent, as gensim reports it */
} vs_pairs_report;

/* Word-pair similarity files (wordsim353, SimLex): word TAB word TAB score. */
int vs_eval_pairs(vs_vecset *set, const char *path, size_t restrict_vocab, vs_pairs_report *rep,
                  vs_error *err);

#endif
