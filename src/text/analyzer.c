/* The analyzer. Character classes come from utf8proc: Python's \w is a
 * letter (Lu Ll Lt Lm Lo), a number (Nd Nl No) or the underscore. */
#include "text/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/core.h"

/* ---- stop words ---- */

struct vs_stopwords {
	char **words;    /* sorted */
	size_t n;
	int owned;
};

static const char *const english[] = {
	"a", "about", "above", "across", "after", "afterwards", "again", "against", "all", "almost", "alone", "along",
	"already", "also", "although", "always", "am", "among", "amongst", "amoungst", "amount", "an", "and",
	"another", "any", "anyhow", "anyone", "anything", "anyway", "anywhere", "are", "around", "as", "at", "back",
	"be", "became", "because", "become", "becomes", "becoming", "been", "before", "beforehand", "behind",
	"being", "below", "beside", "besides", "between", "beyond", "bill", "both", "bottom", "but", "by", "call",
	"can", "cannot", "cant", "co", "con", "could", "couldnt", "cry", "de", "describe", "detail", "do", "done",
	"down", "due", "during", "each", "eg", "eight", "either", "eleven", "else", "elsewhere", "empty", "enough",
	"etc", "even", "ever", "every", "everyone", "everything", "everywhere", "except", "few", "fifteen",
	"fifty", "fill", "find", "fire", "first", "five", "for", "former", "formerly", "forty", "found", "four",
	"from", "front", "full", "further", "get", "give", "go", "had", "has", "hasnt", "have", "he", "hence",
	"her", "here", "hereafter", "hereby", "herein", "hereupon", "hers", "herself", "him", "himself", "his",
	"how", "however", "hundred", "i", "ie", "if", "in", "inc", "indeed", "interest", "into", "is", "it", "its",
	"itself", "keep", "last", "latter", "latterly", "least", "less", "ltd", "made", "many", "may", "me",
	"meanwhile", "might", "mill", "mine", "more", "moreover", "most", "mostly", "move", "much", "must", "my",
	"myself", "name", "namely", "neither", "never", "nevertheless", "next", "nine", "no", "nobody", "none",
	"noone", "nor", "not", "nothing", "now", "nowhere", "of", "off", "often", "on", "once", "one", "only",
	"onto", "or", "other", "others", "otherwise", "our", "ours", "ourselves", "out", "over", "own", "part",
	"per", "perhaps", "please", "put", "rather", "re", "same", "see", "seem", "seemed", "seeming", "seems",
	"serious", "several", "she", "should", "show", "side", "since", "sincere", "six", "sixty", "so", "some",
	"somehow", "someone", "something", "sometime", "sometimes", "somewhere", "still", "such", "system", "take",
	"ten", "than", "that", "the", "their", "them", "themselves", "then", "thence", "there", "thereafter",
	"thereby", "therefore", "therein", "thereupon", "these", "they", "thick", "thin", "third", "this", "those",
	"though", "three", "through", "throughout", "thru", "thus", "to", "together", "too", "top", "toward",
	"towards", "twelve", "twenty", "two", "un", "under", "until", "up", "upon", "us", "very", "via", "was",
	"we", "well", "were", "what", "whatever", "when", "whence", "whenever", "where", "whereafter", "whereas",
	"whereby", "wherein", "whereupon", "wherever", "whether", "which", "while", "whither", "who", "whoever",
	"whole", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your",
	"yours", "yourself", "yourselves",
};

static const vs_stopwords english_list = {(char **)english, sizeof english / sizeof english[0], 0};

const vs_stopwords *vs_stopwords_english(void)
{
	return &english_list;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

vs_stopwords *vs_stopwords_load(const char *path, vs_error *err)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		vs_fail(err, "%s: cannot open the stop-word file", path);
		return NULL;
	}
	vs_stopwords *s = calloc(1, sizeof *s);
	char *line = NULL;
	size_t cap = 0, wcap = 0;
	ssize_t n;
	if (!s)
		goto oom;
	s->owned = 1;
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p || *p == '#')
			continue;
		if (s->n == wcap) {
			wcap = wcap ? wcap * 2 : 64;
			char **nw = realloc(s->words, wcap * sizeof *nw);
			if (!nw)
				goto oom;
			s->words = nw;
		}
		/* lowercase as the analyzer does */
		char *low = NULL;
		size_t ll = 0;
		FILE *m = open_memstream(&low, &ll);
		if (!m)
			goto oom;
		const utf8proc_uint8_t *q = (const utf8proc_uint8_t *)p;
		while (*q) {
			utf8proc_int32_t cp;
			utf8proc_ssize_t l = utf8proc_iterate(q, -1, &cp);
			if (l <= 0) {
				fputc(*q++, m);
				continue;
			}
			q += l;
			utf8proc_uint8_t b[4];
			fwrite(b, 1, (size_t)utf8proc_encode_char(utf8proc_tolower(cp), b), m);
		}
		fclose(m);
		if (!low)
			goto oom;
		s->words[s->n++] = low;
	}
	free(line);
	fclose(f);
	if (s->n)
		qsort(s->words, s->n, sizeof *s->words, cmp_str);
	return s;
oom:
	free(line);
	fclose(f);
	vs_stopwords_free(s);
	vs_oom(err);
	return NULL;
}

void vs_stopwords_free(vs_stopwords *s)
{
	if (!s || !s->owned)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->words[i]);
	free(s->words);
	free(s);
}

const char *const *vs_stopwords_words(const vs_stopwords *s)
{
	return (const char *const *)s->words;
}

vs_stopwords *vs_stopwords_from_blob(const char *blob, size_t len)
{
	vs_stopwords *s = calloc(1, sizeof *s);
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += blob[i] == '\0';
	if (!s || !(s->words = malloc((n ? n : 1) * sizeof *s->words))) {
		free(s);
		return NULL;
	}
	s->owned = 1;
	for (size_t i = 0; i < len && s->n < n; i += strlen(blob + i) + 1) {
		s->words[s->n] = strdup(blob + i);
		if (!s->words[s->n]) {
			vs_stopwords_free(s);
			return NULL;
		}
		s->n++;
	}
	qsort(s->words, s->n, sizeof *s->words, cmp_str);
	return s;
}

size_t vs_stopwords_count(const vs_stopwords *s)
{
	return s->n;
}

int vs_stopwords_has(const vs_stopwords *s, const char *word, size_t len)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = s->words[mid];
		int c = strncmp(w, word, len);
		if (c == 0)
			c = w[len] ? 1 : 0;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* ---- character classes ---- */

int vs_is_word_char(int cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') || cp == '_';
	switch (utf8proc_category(cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Han, Hiragana, Katakana and Hangul blocks (the scripts Lucene's CJK
 * bigram filter handles); utf8proc has categories but no script property. */
int vs_is_cjk(int cp)
{
	return (cp >= 0x1100 && cp <= 0x11FF) ||   /* Hangul Jamo */
	       (cp >= 0x2E80 && cp <= 0x2FDF) ||   /* CJK radicals, Kangxi */
	       (cp >= 0x3005 && cp <= 0x3007) ||   /* 々 〆 〇 */
	       (cp >= 0x3021 && cp <= 0x3029) ||   /* Hangzhou numerals */
	       (cp >= 0x3031 && cp <= 0x3035) ||   /* kana repeat marks */
	       (cp >= 0x3040 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
	       (cp >= 0x3130 && cp <= 0x318F) ||   /* Hangul compatibility Jamo */
	       (cp >= 0x31F0 && cp <= 0x31FF) ||   /* Katakana extensions */
	       (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK extension A */
	       (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified ideographs */
	       (cp >= 0xA960 && cp <= 0xA97F) ||   /* Hangul Jamo extended A */
	       (cp >= 0xAC00 && cp <= 0xD7FF) ||   /* Hangul syllables, Jamo extended B */
	       (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility ideographs */
	       (cp >= 0xFF66 && cp <= 0xFF9F) ||   /* halfwidth Katakana */
	       (cp >= 0xFFA0 && cp <= 0xFFDC) ||   /* halfwidth Hangul */
	       (cp >= 0x20000 && cp <= 0x3134F);   /* CJK extensions B to G */
}

/* ---- analysis ---- */

/* Python's notion of "cased" (Lowercase, Uppercase or titlecase letters)
 * and "case-ignorable" (marks, format characters, modifier letters and
 * symbols, and the word-internal punctuation of Word_Break), as used for the
 * final sigma; approximated from general categories. */
int vs_is_cased(int cp)
{
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT;
}

int vs_case_ignorable(int cp)
{
	switch (cp) {
	case '\'': case '.': case ':': case '^': case '`': case 0xB7: case 0x2018: case 0x2019: case 0x2024:
	case 0xFE52: case 0xFF07: case 0xFF0E: case 0x387: case 0x5F4: case 0x2027: case 0xFE13: case 0xFE55:
	case 0xFF1A:
		return 1;
	}
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_ME || c == UTF8PROC_CATEGORY_CF ||
	       c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_SK;
}

/* After a capital sigma: does no cased letter follow (case-ignorables skipped)? */
int vs_final_sigma_follows(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		utf8proc_int32_t u;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)p + i, (utf8proc_ssize_t)(n - i), &u);
		if (l <= 0)
			return 1;
		if (!vs_case_ignorable(u))
			return !vs_is_cased(u);
		i += (size_t)l;
	}
	return 1;
}

/* ASCII characters: 1 word character, 0 not */
static const unsigned char ascii_class[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['_'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

typedef struct tok {
	size_t start, len;   /* in the lowercased buffer */
	size_t offset;       /* in the original text */
} tok;

/* The tokenizer's state: the text read so far lowercased into buf (as
 * Python's str.lower does), the tokens found, and the current run of word
 * characters (CJK runs give bigrams, as the index's analyzer documents). */
typedef struct scanner {
	const char *text;
	size_t len, i;
	char *buf;
	size_t o;
	tok *toks;
	size_t ntok, tcap;
	size_t run_start, run_chars, run_off;
	int run_cjk;
	size_t prev_cjk_start, prev_cjk_off, cjk_chars;
	int prev_cased;       /* the last character that is not case-ignorable was cased */
	int oom;
} scanner;

static inline void push(scanner *s, size_t start, size_t len, size_t off)
{
	if (s->ntok == s->tcap) {
		tok *nt = realloc(s->toks, s->tcap * 2 * sizeof *nt);
		if (!nt) {
			s->oom = 1;
			return;
		}
		s->toks = nt;
		s->tcap *= 2;
	}
	s->toks[s->ntok++] = (tok){start, len, off};
}

#define ONES 0x0101010101010101ull
#define HIGH_BITS 0x8080808080808080ull

/* Of eight ASCII bytes: the high bit of each byte in [lo, hi] (no carry
 * crosses a byte: every byte is below 0x80). */
static inline uint64_t bytes_in(uint64_t x, unsigned lo, unsigned hi)
{
	return (x + ONES * (0x80 - lo)) & ~(x + ONES * (0x7F - hi)) & HIGH_BITS;
}

/* Which of eight ASCII bytes are word characters (high bits), and the bytes lowercased. */
static inline uint64_t word_bytes(uint64_t x, uint64_t *lower)
{
	uint64_t upper = bytes_in(x, 'A', 'Z');
	*lower = x | upper >> 2; /* 'A' + 0x20 = 'a' */
	return upper | bytes_in(x, 'a', 'z') | bytes_in(x, '0', '9') | bytes_in(x, '_', '_');
}

/* The fast path: a run of plain ASCII word characters goes straight into buf. */
static inline void ascii_run(scanner *s)
{
	size_t j = s->i;
	if (!s->run_chars) {
		s->run_start = s->o;
		s->run_off = s->i;
		s->run_cjk = 0;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* eight bytes at a time while they are ASCII; the buffer has room for
	 * eight more (it holds twice the text, and plain ASCII only shrinks) */
	while (j + 8 <= s->len) {
		uint64_t x, word, lower;
		memcpy(&x, s->text + j, 8);
		if (x & HIGH_BITS)
			break;
		word = word_bytes(x, &lower);
		memcpy(s->buf + s->o, &lower, 8);
		if (word == HIGH_BITS) {
			s->o += 8, j += 8, s->run_chars += 8;
			continue;
		}
		size_t k = (size_t)__builtin_ctzll(~word & HIGH_BITS) / 8; /* the word characters before the first other */
		if (k == 0) /* (never, while the two classifications agree) */
			break;
		s->o += k, j += k, s->run_chars += k;
		goto done;
	}
#endif
	while (j < s->len && (unsigned char)s->text[j] < 0x80 && ascii_class[(unsigned char)s->text[j]] == 1) {
		unsigned char d = (unsigned char)s->text[j++];
		s->buf[s->o++] = (char)(d >= 'A' && d <= 'Z' ? d + 32 : d);
		s->run_chars++;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
done:;
#endif
	unsigned char last = (unsigned char)s->text[j - 1];
	s->prev_cased = (last >= 'A' && last <= 'Z') || (last >= 'a' && last <= 'z') ? 1
	                : (last >= '0' && last <= '9') || last == '_'                 ? 0
	                                                                              : s->prev_cased;
	s->i = j;
}

/* The next character lowercased: one or two code points in cps; 0 at the end. */
static inline int lower_next(scanner *s, int cps[2])
{
	if (s->i >= s->len)
		return 0;
	unsigned char c = (unsigned char)s->text[s->i];
	if (c < 0x80) {
		cps[0] = c >= 'A' && c <= 'Z' ? c + 32 : c;
		s->prev_cased = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')                         ? 1
		                : (c == '\'' || c == '.' || c == ':' || c == '^' || c == '`') ? s->prev_cased
		                                                                              : 0;
		s->i++;
		return 1;
	}
	utf8proc_int32_t u;
	utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s->text + s->i, (utf8proc_ssize_t)(s->len - s->i), &u);
	size_t clen = l > 0 ? (size_t)l : 1;
	int n = 1;
	if (l <= 0)
		u = 0xFFFD;
	if (u == 0x130) { /* the one unconditional full lowercase mapping: i + U+0307 */
		cps[0] = 'i';
		cps[1] = 0x307;
		n = 2;
	} else if (u == 0x3A3) { /* final sigma */
		cps[0] = s->prev_cased && vs_final_sigma_follows(s->text + s->i + clen, s->len - s->i - clen) ? 0x3C2 : 0x3C3;
	} else {
		cps[0] = utf8proc_tolower(u);
	}
	if (!vs_case_ignorable(u))
		s->prev_cased = vs_is_cased(u);
	s->i += clen;
	return n;
}

/* The run of word characters ends: a token of two or more characters, or a lone CJK character. */
static inline void close_run(scanner *s)
{
	if (!s->run_cjk) {
		if (s->run_chars >= 2)
			push(s, s->run_start, s->o - s->run_start, s->run_off);
	} else if (s->cjk_chars == 1) {
		push(s, s->run_start, s->o - s->run_start, s->run_off);
	}
	s->run_chars = 0;
	s->cjk_chars = 0;
}

/* One lowercased code point read at text offset src. */
static inline void feed(scanner *s, int cp, size_t src)
{
	int word = vs_is_word_char(cp);
	int cjk = word && cp >= 0x1100 && vs_is_cjk(cp);
	if (s->run_chars && (!word || cjk != s->run_cjk))
		close_run(s);
	if (!word)
		return;
	size_t cstart = s->o;
	if (cp < 0x80)
		s->buf[s->o++] = (char)cp;
	else
		s->o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)s->buf + s->o);
	if (!s->run_chars) {
		s->run_start = cstart;
		s->run_off = src;
		s->run_cjk = cjk;
	}
	s->run_chars++;
	if (cjk) {
		if (s->cjk_chars)
			push(s, s->prev_cjk_start, s->o - s->prev_cjk_start, s->prev_cjk_off); /* the bigram ending here */
		s->prev_cjk_start = cstart;
		s->prev_cjk_off = src;
		s->cjk_chars++;
	}
}

static void scan_tokens(scanner *s)
{
	while (!s->oom) {
		if (s->i < s->len) {
			unsigned char c = (unsigned char)s->text[s->i], k = c < 0x80 ? ascii_class[c] : 2;
			if (k == 1 && (!s->run_chars || !s->run_cjk)) {
				ascii_run(s);
				continue;
			}
			if (k == 0) { /* ASCII that is not a word character: as lower_next and feed take it */
				if (s->run_chars)
					close_run(s);
				if (c != '\'' && c != '.' && c != ':' && c != '^' && c != '`')
					s->prev_cased = 0;
				s->i++;
				continue;
			}
		}
		size_t src = s->i;
		int cps[2], n = lower_next(s, cps);
		if (n == 0) {
			if (s->run_chars)
				close_run(s);
			break;
		}
		for (int m = 0; m < n; m++)
			feed(s, cps[m], src);
	}
}

/* The kept tokens as terms: unigrams, then each n-gram size in turn. */
static int emit_terms(const vs_analyzer *a, const scanner *s, size_t kept, vs_term_fn fn, void *ctx)
{
	int nmin = a->ngram_min > 0 ? a->ngram_min : 1, nmax = a->ngram_max >= nmin ? a->ngram_max : nmin;
	const tok *toks = s->toks;
	if (nmin == 1)
		for (size_t t = 0; t < kept; t++)
			fn(s->buf + toks[t].start, toks[t].len, toks[t].offset, ctx);
	if (nmax < 2)
		return 0;
	char *gram = malloc(s->o + kept + 1);
	if (!gram)
		return -1;
	for (int n = nmin > 2 ? nmin : 2; n <= nmax; n++)
		for (size_t t = 0; t + (size_t)n <= kept; t++) {
			size_t g = 0;
			for (int k = 0; k < n; k++) {
				if (k)
					gram[g++] = ' ';
				memcpy(gram + g, s->buf + toks[t + (size_t)k].start, toks[t + (size_t)k].len);
				g += toks[t + (size_t)k].len;
			}
			fn(gram, g, toks[t].offset, ctx);
		}
	free(gram);
	return 0;
}

/* Grow a scratch array to hold n items of size bytes. */
static int reserve(void **p, size_t *cap, size_t n, size_t size)
{
	if (n <= *cap)
		return 0;
	size_t c = *cap ? *cap : 64;
	while (c < n)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

void vs_analyze_scratch_free(vs_analyze_scratch *sc)
{
	free(sc->buf);
	free(sc->toks);
	free(sc->fixed);
	memset(sc, 0, sizeof *sc);
}

size_t vs_analyze_with(const vs_analyzer *a, vs_analyze_scratch *sc, const char *text, size_t len, vs_term_fn fn,
                       void *ctx, size_t *invalid)
{
	/* repair, then lowercase into buf, remembering each token's source offset */
	size_t bad = vs_utf8_invalid_count(text, len);
	if (invalid)
		*invalid = bad;
	if (bad) {
		if (reserve((void **)&sc->fixed, &sc->fcap, len + 2 * bad + 1, 1) < 0)
			return (size_t)-1;
		len = vs_utf8_repair(text, len, sc->fixed);
		text = sc->fixed;
	}
	/* lowercase mappings grow by at most 2 bytes per 1-byte character */
	if (reserve((void **)&sc->buf, &sc->bcap, len * 2 + 8, 1) < 0 ||
	    reserve(&sc->toks, &sc->tcap, 64, sizeof(tok)) < 0)
		return (size_t)-1;
	scanner s = {.text = text, .len = len, .buf = sc->buf, .toks = sc->toks, .tcap = sc->tcap};
	size_t kept = 0;
	scan_tokens(&s);
	sc->toks = s.toks; /* push may have grown it */
	sc->tcap = s.tcap;
	if (!s.oom) {
		for (size_t t = 0; t < s.ntok; t++) /* stop words out */
			if (!a->stop || !vs_stopwords_has(a->stop, s.buf + s.toks[t].start, s.toks[t].len))
				s.toks[kept++] = s.toks[t];
		s.oom = emit_terms(a, &s, kept, fn, ctx) < 0;
	}
	return s.oom ? (size_t)-1 : kept;
}

size_t vs_analyze(const vs_analyzer *a, const char *text, size_t len, vs_term_fn fn, void *ctx, size_t *invalid)
{
	vs_analyze_scratch sc = {0};
	size_t n = vs_analyze_with(a, &sc, text, len, fn, ctx, invalid);
	vs_analyze_scratch_free(&sc);
	return n;
}

unsigned vs_murmur3_32(const void *key, size_t len, unsigned seed)
{
	const unsigned char *data = key;
	size_t nblocks = len / 4;
	uint32_t h1 = seed, c1 = 0xcc9e2d51, c2 = 0x1b873593;
	for (size_t i = 0; i < nblocks; i++) {
		uint32_t k1;
		memcpy(&k1, data + 4 * i, 4);
		k1 *= c1;
		k1 = (k1 << 15) | (k1 >> 17);
		k1 *= c2;
		h1 ^= k1;
		h1 = (h1 << 13) | (h1 >> 19);
		h1 = h1 * 5 + 0xe6546b64;
	}
	const unsigned char *tail = data + nblocks * 4;
	uint32_t k1 = 0;
	switch (len & 3) {
	case 3:
		k1 ^= (uint32_t)tail[2] << 16; /* fall through */
	case 2:
		k1 ^= (uint32_t)tail[1] << 8; /* fall through */
	case 1:
		k1 ^= tail[0];
		k1 *= c1;
		k1 = (k1 << 15) | (k1 >> 17);
		k1 *= c2;
		h1 ^= k1;
	}
	h1 ^= (uint32_t)len;
	h1 ^= h1 >> 16;
	h1 *= 0x85ebca6b;
	h1 ^= h1 >> 13;
	h1 *= 0xc2b2ae35;
	h1 ^= h1 >> 16;
	return h1;
}

char *vs_python_lower(const char *s, size_t len, size_t *out_len)
{
	char *out = malloc(len * 3 + 1);
	if (!out)
		return NULL;
	size_t o = 0, i = 0;
	int prev_cased = 0;
	while (i < len) {
		utf8proc_int32_t u;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &u);
		if (l <= 0) {
			out[o++] = s[i++];
			continue;
		}
		i += (size_t)l;
		if (u == 0x130) {
			out[o++] = 'i';
			o += (size_t)utf8proc_encode_char(0x307, (utf8proc_uint8_t *)out + o);
		} else if (u == 0x3A3) {
			o += (size_t)utf8proc_encode_char(prev_cased && vs_final_sigma_follows(s + i, len - i) ? 0x3C2 : 0x3C3,
			                                  (utf8proc_uint8_t *)out + o);
		} else {
			o += (size_t)utf8proc_encode_char(utf8proc_tolower(u), (utf8proc_uint8_t *)out + o);
		}
		if (!vs_case_ignorable(u))
			prev_cased = vs_is_cased(u);
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

uint32_t vs_hash_bucket(int32_t h, uint32_t nb)
{
	if (h == INT32_MIN) /* abs() of INT32_MIN overflows in numpy's int32 too */
		return (uint32_t)((2147483647u - (nb - 1)) % nb);
	return (uint32_t)(h < 0 ? -h : h) % nb;
}

long vs_term_bucket(const char *term, size_t len, int bits, int *sign)
{
	int32_t h = (int32_t)vs_murmur3_32(term, len, 0);
	if (sign)
		*sign = h < 0 ? -1 : 1;
	return (long)vs_hash_bucket(h, 1u << bits);
}
