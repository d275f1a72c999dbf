/* CLIP's tokenizer. The merges give the vocabulary as OpenAI builds it: the
 * 256 byte symbols, the same with </w>, one symbol per merge, then the two
 * special tokens. */
#include "clip/clip.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "core/core.h"
#include "text/text.h"

#include "html_entities.inc"

#define NMERGES 48894
#define NVOCAB (256 * 2 + NMERGES + 2)

/* ---- a string -> int table ---- */

typedef struct strmap {
	char **keys;
	int32_t *vals;
	size_t n, cap; /* cap: power of two */
} strmap;

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int map_init(strmap *m, size_t expect)
{
	m->cap = 1;
	while (m->cap < expect * 2)
		m->cap <<= 1;
	m->n = 0;
	m->keys = calloc(m->cap, sizeof *m->keys);
	m->vals = malloc(m->cap * sizeof *m->vals);
	return m->keys && m->vals ? 0 : -1;
}

static void map_free(strmap *m)
{
	for (size_t i = 0; m->keys && i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
}

static long map_get(const strmap *m, const char *k, size_t n)
{
	size_t mask = m->cap - 1, i = (size_t)fnv(k, n) & mask;
	for (; m->keys[i]; i = (i + 1) & mask)
		if (strlen(m->keys[i]) == n && memcmp(m->keys[i], k, n) == 0)
			return m->vals[i];
	return -1;
}

/* Keeps the first value of a key. */
static int map_put(strmap *m, const char *k, int32_t v)
{
	size_t n = strlen(k), mask = m->cap - 1, i = (size_t)fnv(k, n) & mask;
	for (; m->keys[i]; i = (i + 1) & mask)
		if (strcmp(m->keys[i], k) == 0)
			return 0;
	if ((m->n + 1) * 2 > m->cap)
		return -1;
	m->keys[i] = strdup(k);
	if (!m->keys[i])
		return -1;
	m->vals[i] = v;
	m->n++;
	return 0;
}

struct vs_clip_tokenizer {
	char byte_sym[256][4];   /* bytes_to_unicode: each byte's printable symbol, UTF-8 */
	strmap encoder;          /* symbol -> id */
	strmap ranks;            /* "first second" -> merge rank */
	char **decoder;          /* id -> symbol */
};

/* GPT-2's bytes_to_unicode: printable bytes stand for themselves, the others
 * for 256 + n in order. */
static void bytes_to_unicode(char sym[256][4])
{
	int n = 0;
	for (int b = 0; b < 256; b++) {
		int printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
		int cp = printable ? b : 256 + n++;
		memset(sym[b], 0, 4);
		utf8proc_encode_char(cp, (utf8proc_uint8_t *)sym[b]);
	}
}

void vs_clip_tokenizer_free(vs_clip_tokenizer *t)
{
	if (!t)
		return;
	map_free(&t->encoder);
	map_free(&t->ranks);
	if (t->decoder)
		for (size_t i = 0; i < NVOCAB; i++)
			free(t->decoder[i]);
	free(t->decoder);
	free(t);
}

/* the order of bytes_to_unicode's values: printable bytes first, then the rest */
static void vocab_order(int order[256])
{
	int k = 0;
	for (int b = 0; b < 256; b++)
		if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF))
			order[k++] = b;
	for (int b = 0; b < 256; b++)
		if (!((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)))
			order[k++] = b;
}

vs_clip_tokenizer *vs_clip_tokenizer_load(const char *merges_path, vs_error *err)
{
	vs_clip_tokenizer *t = calloc(1, sizeof *t);
	if (!t || map_init(&t->encoder, NVOCAB) < 0 || map_init(&t->ranks, NMERGES) < 0 ||
	    !(t->decoder = calloc(NVOCAB, sizeof *t->decoder))) {
		vs_clip_tokenizer_free(t);
		vs_oom(err);
		return NULL;
	}
	bytes_to_unicode(t->byte_sym);
	int order[256];
	vocab_order(order);
	int32_t id = 0;
	char buf[1024];
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < 256; k++, id++) {
			snprintf(buf, sizeof buf, "%s%s", t->byte_sym[order[k]], pass ? "</w>" : "");
			if (map_put(&t->encoder, buf, id) < 0 || !(t->decoder[id] = strdup(buf)))
				goto oom;
		}
	vs_linereader *lr = vs_linereader_open(merges_path, err);
	if (!lr) {
		vs_clip_tokenizer_free(t);
		return NULL;
	}
	char *line;
	size_t len;
	int rank = 0;
	while (rank < NMERGES && (line = vs_linereader_next(lr, &len, err))) {
		if (vs_linereader_line_no(lr) == 1)
			continue; /* the header ("#version: 0.2" or OpenAI's) */
		char *sp = strchr(line, ' ');
		if (!sp || strchr(sp + 1, ' ') || sp == line || !sp[1]) {
			vs_fail(err, "%s: line %zu: expected a merge 'a b'", merges_path, vs_linereader_line_no(lr));
			vs_linereader_close(lr);
			vs_clip_tokenizer_free(t);
			return NULL;
		}
		if (map_put(&t->ranks, line, rank) < 0)
			goto oom_lr;
		*sp = '\0';
		snprintf(buf, sizeof buf, "%s%s", line, sp + 1);
		if (map_put(&t->encoder, buf, id) < 0 || !(t->decoder[id] = strdup(buf)))
			goto oom_lr;
		id++;
		rank++;
	}
	int failed = vs_linereader_failed(lr);
	vs_linereader_close(lr);
	if (failed) {
		vs_clip_tokenizer_free(t);
		return NULL;
	}
	if (rank < NMERGES) {
		vs_fail(err, "%s: %d merges, but CLIP's vocabulary needs %d", merges_path, rank, NMERGES);
		vs_clip_tokenizer_free(t);
		return NULL;
	}
	if (map_put(&t->encoder, "<|startoftext|>", id) < 0 || !(t->decoder[id++] = strdup("<|startoftext|>")) ||
	    map_put(&t->encoder, "<|endoftext|>", id) < 0 || !(t->decoder[id++] = strdup("<|endoftext|>")))
		goto oom;
	return t;
oom_lr:
	vs_linereader_close(lr);
oom:
	vs_clip_tokenizer_free(t);
	vs_oom(err);
	return NULL;
}

/* ---- html.unescape ---- */

static int cmp_entity(const void *key, const void *elem)
{
	const char *k = key, *name = *(const char *const *)elem;
	return strcmp(k, name);
}

static const char *entity(const char *name)
{
	const void *e = bsearch(name, html5_entities, sizeof html5_entities / sizeof html5_entities[0],
	                        sizeof html5_entities[0], cmp_entity);
	return e ? ((const char *const *)e)[1] : NULL;
}

static void put_cp(char **o, unsigned cp)
{
	*o += utf8proc_encode_char((utf8proc_int32_t)cp, (utf8proc_uint8_t *)*o);
}

char *vs_html_unescape(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(n * 4 + 16), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n;) {
		if (s[i] != '&') {
			*o++ = s[i++];
			continue;
		}
		const char *p = s + i + 1;
		if (*p == '#') {
			/* numeric: &#[0-9]+;? or &#[xX][0-9a-fA-F]+;? */
			int hex = p[1] == 'x' || p[1] == 'X';
			const char *d = p + 1 + hex, *e = d;
			while (*e && (hex ? strchr("0123456789abcdefABCDEF", *e) != NULL : (*e >= '0' && *e <= '9')))
				e++;
			if (e == d) {
				*o++ = s[i++];
				continue;
			}
			unsigned long long num = 0;
			int big = 0;
			for (const char *q = d; q < e; q++) {
				int v = *q <= '9' ? *q - '0' : (*q | 0x20) - 'a' + 10;
				num = num * (hex ? 16 : 10) + (unsigned)v;
				if (num > 0x10FFFF)
					big = 1, num = 0x110000;
			}
			if (*e == ';')
				e++;
			const char *rep = NULL;
			for (size_t k = 0; !big && k < sizeof invalid_charrefs / sizeof invalid_charrefs[0]; k++)
				if (invalid_charrefs[k].code == num)
					rep = invalid_charrefs[k].text;
			if (rep) {
				o += sprintf(o, "%s", rep);
				if (!*rep && num == 0) /* "\0" is not a C string: it is U+FFFD anyway */
					put_cp(&o, 0xFFFD);
			} else if (big || (num >= 0xD800 && num <= 0xDFFF) || num > 0x10FFFF) {
				put_cp(&o, 0xFFFD);
			} else {
				int invalid = 0;
				for (size_t k = 0; k < sizeof invalid_codepoints / sizeof invalid_codepoints[0]; k++)
					invalid |= invalid_codepoints[k] == num;
				if (!invalid)
					put_cp(&o, (unsigned)num);
			}
			i = (size_t)(e - s);
			continue;
		}
		/* named: [^\t\n\f <&#;]{1,32};? then the longest known prefix */
		const char *e = p;
		while (*e && e - p < 32 && !strchr("\t\n\f <&#;", *e))
			e++;
		if (e == p) {
			*o++ = s[i++];
			continue;
		}
		size_t len = (size_t)(e - p) + (*e == ';');
		char name[40];
		memcpy(name, p, len);
		name[len] = '\0';
		const char *rep = entity(name);
		if (rep) {
			o += sprintf(o, "%s", rep);
			i += 1 + len;
			continue;
		}
		size_t x;
		for (x = len - 1; x > 1; x--) {
			name[x] = '\0';
			if ((rep = entity(name)))
				break;
		}
		if (rep) {
			o += sprintf(o, "%s", rep);
			memcpy(o, p + x, len - x);
			o += len - x;
		} else {
			*o++ = '&';
			memcpy(o, p, len);
			o += len;
		}
		i += 1 + len;
	}
	*o = '\0';
	return out;
}

/* ---- cleaning ---- */

/* Python's str.isspace: bidirectional class WS, B or S, or category Zs. */
static int py_space(int cp)
{
	if (cp < 0x80)
		return cp == ' ' || (cp >= 9 && cp <= 13) || (cp >= 0x1c && cp <= 0x1f);
	const utf8proc_property_t *p = utf8proc_get_property(cp);
	return p->category == UTF8PROC_CATEGORY_ZS || p->bidi_class == UTF8PROC_BIDI_CLASS_WS ||
	       p->bidi_class == UTF8PROC_BIDI_CLASS_B || p->bidi_class == UTF8PROC_BIDI_CLASS_S;
}

char *vs_clip_clean(const char *text)
{
	/* NFC (what ftfy's fix_text ends with), then html.unescape twice */
	size_t n = strlen(text);
	char *fixed = malloc(n + 2 * vs_utf8_invalid_count(text, n) + 1);
	if (!fixed)
		return NULL;
	vs_utf8_repair(text, n, fixed);
	char *nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)fixed);
	free(fixed);
	if (!nfc)
		return NULL;
	char *u1 = vs_html_unescape(nfc);
	free(nfc);
	char *u2 = u1 ? vs_html_unescape(u1) : NULL;
	free(u1);
	if (!u2)
		return NULL;
	/* strip, collapse \s+ to one space, strip; then lowercase */
	size_t len = strlen(u2), o = 0;
	char *ws = malloc(len + 1);
	if (!ws) {
		free(u2);
		return NULL;
	}
	int space = 0;
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)u2 + i, (utf8proc_ssize_t)(len - i), &cp);
		if (l <= 0)
			l = 1, cp = 0xFFFD;
		if (py_space(cp)) {
			space = o > 0;
		} else {
			if (space)
				ws[o++] = ' ';
			space = 0;
			memcpy(ws + o, u2 + i, (size_t)l);
			o += (size_t)l;
		}
		i += (size_t)l;
	}
	ws[o] = '\0';
	free(u2);
	size_t ll;
	char *low = vs_python_lower(ws, o, &ll);
	free(ws);
	return low;
}

/* ---- splitting and BPE ---- */

static int is_letter(int cp)
{
	if (cp < 0x80)
		return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LL || c == UTF8PROC_CATEGORY_LT ||
	       c == UTF8PROC_CATEGORY_LM || c == UTF8PROC_CATEGORY_LO;
}

static int is_number(int cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9';
	utf8proc_category_t c = utf8proc_category(cp);
	return c == UTF8PROC_CATEGORY_ND || c == UTF8PROC_CATEGORY_NL || c == UTF8PROC_CATEGORY_NO;
}

static int cp_at(const char *s, size_t len, size_t i, size_t *l)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t n = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
	*l = n > 0 ? (size_t)n : 1;
	return n > 0 ? cp : 0xFFFD;
}

/* The length of the token of CLIP's pattern at s[i], or 0 at white space:
 * <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+ */
static size_t next_piece(const char *s, size_t len, size_t i)
{
	static const char *const lit[] = {"<|startoftext|>", "<|endoftext|>", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"};
	for (size_t k = 0; k < sizeof lit / sizeof lit[0]; k++) {
		size_t n = strlen(lit[k]);
		if (len - i >= n && memcmp(s + i, lit[k], n) == 0)
			return n;
	}
	size_t l, j = i;
	int cp = cp_at(s, len, i, &l);
	if (is_letter(cp)) {
		while (j < len && is_letter(cp_at(s, len, j, &l)))
			j += l;
		return j - i;
	}
	if (is_number(cp))
		return l;
	if (py_space(cp))
		return 0;
	while (j < len) {
		int c = cp_at(s, len, j, &l);
		if (py_space(c) || is_letter(c) || is_number(c))
			break;
		j += l;
	}
	return j - i;
}

/* BPE of one piece (already mapped to byte symbols), appending ids. */
static int bpe(const vs_clip_tokenizer *t, const char *piece, size_t plen, int32_t **ids, size_t *n, size_t *cap)
{
	long special = map_get(&t->encoder, piece, plen);
	if ((plen == 15 && memcmp(piece, "<|startoftext|>", 15) == 0) || (plen == 13 && memcmp(piece, "<|endoftext|>", 13) == 0)) {
		if (*n == *cap) {
			int32_t *ni = realloc(*ids, (*cap *= 2) * sizeof *ni);
			if (!ni)
				return -1;
			*ids = ni;
		}
		(*ids)[(*n)++] = (int32_t)special;
		return 0;
	}
	/* symbols: one per character, the last with </w> */
	size_t nsym = 0;
	for (size_t i = 0; i < plen;) {
		size_t l;
		cp_at(piece, plen, i, &l);
		i += l;
		nsym++;
	}
	char **sym = malloc(nsym * sizeof *sym);
	if (!sym)
		return -1;
	size_t k = 0;
	for (size_t i = 0; i < plen; k++) {
		size_t l;
		cp_at(piece, plen, i, &l);
		int last = i + l == plen;
		sym[k] = malloc(l + (last ? 5 : 1));
		if (!sym[k]) {
			while (k--)
				free(sym[k]);
			free(sym);
			return -1;
		}
		memcpy(sym[k], piece + i, l);
		strcpy(sym[k] + l, last ? "</w>" : "");
		i += l;
	}
	char pair[2048];
	while (nsym > 1) {
		/* the pair with the lowest merge rank */
		long best = -1;
		for (size_t i = 0; i + 1 < nsym; i++) {
			int w = snprintf(pair, sizeof pair, "%s %s", sym[i], sym[i + 1]);
			long r = w < (int)sizeof pair ? map_get(&t->ranks, pair, (size_t)w) : -1;
			if (r >= 0 && (best < 0 || r < best))
				best = r;
		}
		if (best < 0)
			break;
		/* merge every occurrence of that pair, left to right */
		size_t o = 0;
		for (size_t i = 0; i < nsym;) {
			if (i + 1 < nsym) {
				int w = snprintf(pair, sizeof pair, "%s %s", sym[i], sym[i + 1]);
				if (w < (int)sizeof pair && map_get(&t->ranks, pair, (size_t)w) == best) {
					size_t a = strlen(sym[i]), b = strlen(sym[i + 1]);
					char *m = malloc(a + b + 1);
					if (!m)
						return -1;
					memcpy(m, sym[i], a);
					memcpy(m + a, sym[i + 1], b + 1);
					free(sym[i]);
					free(sym[i + 1]);
					sym[o++] = m;
					i += 2;
					continue;
				}
			}
			sym[o++] = sym[i++];
		}
		nsym = o;
	}
	int rc = 0;
	for (size_t i = 0; i < nsym; i++) {
		long id = map_get(&t->encoder, sym[i], strlen(sym[i]));
		if (*n == *cap) {
			int32_t *ni = realloc(*ids, (*cap *= 2) * sizeof *ni);
			if (!ni)
				rc = -1;
			else
				*ids = ni;
		}
		if (rc == 0 && id >= 0)
			(*ids)[(*n)++] = (int32_t)id;
		free(sym[i]);
	}
	free(sym);
	return rc;
}

int vs_clip_tokenize(const vs_clip_tokenizer *t, const char *text, int32_t *ids, size_t context)
{
	return vs_clip_tokenize_full(t, text, ids, context, NULL);
}

int vs_clip_tokenize_full(const vs_clip_tokenizer *t, const char *text, int32_t *ids, size_t context, size_t *total)
{
	char *clean = vs_clip_clean(text);
	if (!clean)
		return -1;
	size_t len = strlen(clean), n = 0, cap = 64;
	int32_t *all = malloc(cap * sizeof *all);
	char *mapped = malloc(len * 4 + 16);
	if (!all || !mapped) {
		free(all), free(mapped), free(clean);
		return -1;
	}
	all[n++] = VS_CLIP_SOT;
	for (size_t i = 0; i < len;) {
		size_t pl = next_piece(clean, len, i);
		if (pl == 0) {
			size_t l;
			cp_at(clean, len, i, &l);
			i += l;
			continue;
		}
		/* the piece's UTF-8 bytes, each as its printable symbol */
		size_t m = 0;
		if ((pl == 15 && memcmp(clean + i, "<|startoftext|>", 15) == 0) ||
		    (pl == 13 && memcmp(clean + i, "<|endoftext|>", 13) == 0)) {
			memcpy(mapped, clean + i, pl);
			m = pl;
		} else {
			for (size_t k = 0; k < pl; k++) {
				const char *sy = t->byte_sym[(unsigned char)clean[i + k]];
				size_t sl = strlen(sy);
				memcpy(mapped + m, sy, sl);
				m += sl;
			}
		}
		mapped[m] = '\0';
		if (bpe(t, mapped, m, &all, &n, &cap) < 0) {
			free(all), free(mapped), free(clean);
			return -1;
		}
		i += pl;
	}
	if (n == cap) {
		int32_t *ni = realloc(all, (cap + 1) * sizeof *ni);
		if (!ni) {
			free(all), free(mapped), free(clean);
			return -1;
		}
		all = ni;
	}
	all[n++] = VS_CLIP_EOT;
	if (total)
		*total = n;
	if (n > context) {
		n = context;
		all[n - 1] = VS_CLIP_EOT;
	}
	memcpy(ids, all, n * sizeof *ids);
	free(all), free(mapped), free(clean);
	return (int)n;
}

char *vs_clip_token_text(const vs_clip_tokenizer *t, int32_t id)
{
	if (id < 0 || id >= NVOCAB || !t->decoder[id])
		return NULL;
	const char *s = t->decoder[id];
	if (s[0] == '<' && (strcmp(s, "<|startoftext|>") == 0 || strcmp(s, "<|endoftext|>") == 0))
		return strdup(s);
	/* map the byte symbols back to bytes; keep </w> visible */
	size_t len = strlen(s);
	char *out = malloc(len + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < len;) {
		if (strncmp(s + i, "</w>", 4) == 0 && i + 4 == len) {
			strcpy(o, "</w>");
			o += 4;
			break;
		}
		size_t l;
		cp_at(s, len, i, &l);
		int b;
		for (b = 0; b < 256; b++)
			if (strlen(t->byte_sym[b]) == l && memcmp(t->byte_sym[b], s + i, l) == 0)
				break;
		*o++ = b < 256 ? (char)b : '?';
		i += l;
	}
	*o = '\0';
	/* a piece can be part of a character: show such bytes as \xNN */
	size_t bl = (size_t)(o - out);
	if (vs_utf8_invalid_count(out, bl) == 0)
		return out;
	char *esc = malloc(bl * 4 + 1), *e = esc;
	if (!esc) {
		free(out);
		return NULL;
	}
	for (size_t i = 0; i < bl;) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)out + i, (utf8proc_ssize_t)(bl - i), &cp);
		if (l > 0) {
			memcpy(e, out + i, (size_t)l);
			e += l;
			i += (size_t)l;
		} else {
			e += sprintf(e, "\\x%02x", (unsigned char)out[i]);
			i++;
		}
	}
	*e = '\0';
	free(out);
	return esc;
}
