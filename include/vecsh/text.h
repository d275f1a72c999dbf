/* text.h: turning text into terms, as scikit-learn's TfidfVectorizer does
 * with its defaults: lowercase, then the tokens of the pattern
 * (?u)\b\w\w+\b with Python's Unicode \w (letters, numbers, underscore),
 * stop words removed, word n-grams joined by spaces. Runs of Chinese,
 * Japanese and Korean characters become overlapping bigrams instead (a lone
 * CJK character stays a unigram), as Lucene's CJK analyzer does. */
#ifndef VECSH_TEXT_H
#define VECSH_TEXT_H

#include <stddef.h>

typedef struct vs_stopwords vs_stopwords;

/* scikit-learn's ENGLISH_STOP_WORDS (318 words). */
const vs_stopwords *vs_stopwords_english(void);
/* One word per line (blank lines and '#' comments skipped); lowercased. */
vs_stopwords *vs_stopwords_load(const char *path, char *err, size_t errlen);
void vs_stopwords_free(vs_stopwords *s);
int vs_stopwords_has(const vs_stopwords *s, const char *word, size_t len);
size_t vs_stopwords_count(const vs_stopwords *s);
/* The words, sorted. */
const char *const *vs_stopwords_words(const vs_stopwords *s);
/* From NUL-terminated words laid end to end (as an index file keeps them). */
vs_stopwords *vs_stopwords_from_blob(const char *blob, size_t len);

typedef struct vs_analyzer {
	int ngram_min, ngram_max;      /* word n-grams, default 1-1 */
	const vs_stopwords *stop;      /* or NULL */
} vs_analyzer;

/* Receives each term: its bytes, its length, and (for unigrams) the byte
 * offset of the token in the text given to vs_analyze. */
typedef void (*vs_term_fn)(const char *term, size_t len, size_t offset, void *ctx);

/* Analyze UTF-8 text: repair invalid UTF-8 (returning the number of
 * ill-formed sequences in *invalid), lowercase, tokenize, drop stop words,
 * form n-grams and call fn for each term. Returns the number of unigram
 * tokens kept (the document length used by BM25), or (size_t)-1 when out of
 * memory. */
size_t vs_analyze(const vs_analyzer *a, const char *text, size_t len, vs_term_fn fn, void *ctx,
                  size_t *invalid);

/* Is the code point a word character of Python's re (\w)? */
int vs_is_word_char(int cp);
/* Is it a Chinese, Japanese or Korean character (bigrammed)? */
int vs_is_cjk(int cp);

/* Python's str.lower: simple case mapping, U+0130 as i + U+0307, and the
 * final sigma. Returns a malloc'd string (its length in *out_len). */
char *vs_python_lower(const char *s, size_t len, size_t *out_len);
/* Python's "cased" and "case-ignorable" characters, and whether no cased
 * character follows (for the final sigma). */
int vs_is_cased(int cp);
int vs_case_ignorable(int cp);
int vs_final_sigma_follows(const char *p, size_t n);

/* MurmurHash3 x86 32-bit, as scikit-learn's murmurhash3_32. */
unsigned vs_murmur3_32(const void *key, size_t len, unsigned seed);

#endif
