/* BERT's uncased WordPiece tokenizer, as Hugging Face's BertTokenizer: the
 * special and added tokens split out first, then each piece of text cleaned
 * (control characters and U+FFFD dropped, white space made spaces), spaces
 * put around CJK ideographs, NFC, split at white space, each word lowercased
 * with its accents stripped (NFD, marks dropped) and split at punctuation,
 * then greedy longest-match WordPiece with "##" continuations. */
#include "clip/clip.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <utf8proc.h>

#include "core/core.h"
#include "text/text.h"

#define MAX_WORD_CHARS 100 /* a longer word is [UNK] */
#define MAX_SPECIALS 32

struct vs_bert_tokenizer {
	vs_strtab words;         /* the vocabulary's strings */
	int32_t *id_of;          /* strtab id -> token id (a repeated line: the later id, as a dict keeps it) */
	char **text_of;          /* token id -> its text (into words' arena, or specials) */
	size_t nids;
	int lower;               /* do_lower_case (and so strip accents) */
	int32_t cls, sep, unk;
	char *special[MAX_SPECIALS];
	int32_t special_id[MAX_SPECIALS];
	int nspecial;
};

void vs_bert_tokenizer_free(vs_bert_tokenizer *t)
{
	if (!t)
		return;
	vs_strtab_free(&t->words);
	free(t->id_of);
	free(t->text_of);
	for (int i = 0; i < t->nspecial; i++)
		free(t->special[i]);
	free(t);
}

static long word_id(const vs_bert_tokenizer *t, const char *s, size_t n)
{
	long sid = vs_strtab_find(&t->words, s, n);
	return sid < 0 ? -1 : t->id_of[sid];
}

/* Give token id `id` the text s (growing the id table). */
static int set_text(vs_bert_tokenizer *t, int32_t id, char *s)
{
	if ((size_t)id >= t->nids) {
		char **nt = realloc(t->text_of, ((size_t)id + 1) * sizeof *nt);
		if (!nt)
			return -1;
		memset(nt + t->nids, 0, ((size_t)id + 1 - t->nids) * sizeof *nt);
		t->text_of = nt;
		t->nids = (size_t)id + 1;
	}
	t->text_of[id] = s;
	return 0;
}

/* A special token: split out of the text before anything else. */
static int add_special(vs_bert_tokenizer *t, const char *s, int32_t id)
{
	for (int i = 0; i < t->nspecial; i++)
		if (strcmp(t->special[i], s) == 0) {
			t->special_id[i] = id;
			return set_text(t, id, t->special[i]);
		}
	if (t->nspecial == MAX_SPECIALS)
		return 0;
	char *c = strdup(s);
	if (!c)
		return -1;
	t->special[t->nspecial] = c;
	t->special_id[t->nspecial++] = id;
	return set_text(t, id, c);
}

/* vocab.txt: one token a line, its id the line number. */
static int read_vocab(vs_bert_tokenizer *t, const char *path, vs_error *err)
{
	size_t len;
	char *text = vs_read_file(path, &len, err);
	if (!text)
		return -1;
	int rc = vs_strtab_init(&t->words);
	size_t lines = 0;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	t->id_of = malloc((lines + 1) * sizeof *t->id_of);
	if (rc < 0 || !t->id_of) {
		free(text);
		return vs_oom(err);
	}
	int32_t id = 0;
	for (size_t at = 0; at < len; id++) {
		char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - text) - at : len - at;
		if (vs_utf8_first_invalid(text + at, n) < n) {
			free(text);
			return vs_fail(err, "%s: line %d is not valid UTF-8", path, id + 1);
		}
		long sid = vs_strtab_intern(&t->words, text + at, n);
		if (sid < 0) {
			free(text);
			return vs_oom(err);
		}
		t->id_of[sid] = id;
		at += n + 1;
	}
	free(text);
	if (id == 0)
		return vs_fail(err, "%s: empty (a BERT vocabulary has a token a line)", path);
	for (size_t sid = 0; sid < t->words.n; sid++)
		if (set_text(t, t->id_of[sid], t->words.arena + t->words.off[sid]) < 0)
			return vs_oom(err);
	return 0;
}

/* The added tokens: added_tokens.json when the folder has one, else BLIP's
 * [DEC] and [ENC] after the vocabulary when it lacks them. */
static int read_added(vs_bert_tokenizer *t, const char *dir, vs_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/added_tokens.json", dir);
	size_t len;
	char *json = access(path, F_OK) == 0 ? vs_read_file(path, &len, err) : NULL;
	if (!json && access(path, F_OK) == 0)
		return -1;
	if (json) {
		cJSON *j = cJSON_Parse(json);
		free(json);
		if (!cJSON_IsObject(j)) {
			cJSON_Delete(j);
			return vs_fail(err, "%s: not a JSON object of tokens and ids", path);
		}
		const cJSON *e;
		int bad = 0;
		cJSON_ArrayForEach(e, j)
		{
			if (!cJSON_IsNumber(e) || e->valuedouble < 0 || e->valuedouble > 1e6 || !e->string) {
				bad = vs_fail(err, "%s: '%s' has no valid id", path, e->string ? e->string : "?");
				break;
			}
			if (add_special(t, e->string, (int32_t)e->valuedouble) < 0) {
				bad = vs_oom(err);
				break;
			}
		}
		cJSON_Delete(j);
		return bad;
	}
	static const char *const blip[] = {"[DEC]", "[ENC]"};
	for (int i = 0; i < 2; i++) {
		long id = word_id(t, blip[i], strlen(blip[i]));
		if (add_special(t, blip[i], id >= 0 ? (int32_t)id : (int32_t)t->nids) < 0)
			return vs_oom(err);
	}
	return 0;
}

/* do_lower_case from tokenizer_config.json (true when absent, as BERT uncased). */
static int read_lower(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tokenizer_config.json", dir);
	size_t len;
	vs_error ignored;
	char *json = access(path, F_OK) == 0 ? vs_read_file(path, &len, &ignored) : NULL;
	if (!json)
		return 1;
	cJSON *j = cJSON_Parse(json);
	free(json);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "do_lower_case");
	int lower = !cJSON_IsFalse(v);
	cJSON_Delete(j);
	return lower;
}

vs_bert_tokenizer *vs_bert_tokenizer_load(const char *dir, vs_error *err)
{
	vs_bert_tokenizer *t = calloc(1, sizeof *t);
	if (!t) {
		vs_oom(err);
		return NULL;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/vocab.txt", dir);
	if (read_vocab(t, path, err) < 0) {
		vs_bert_tokenizer_free(t);
		return NULL;
	}
	static const char *const base[] = {"[UNK]", "[SEP]", "[PAD]", "[CLS]", "[MASK]"};
	for (int i = 0; i < 5; i++) {
		long id = word_id(t, base[i], strlen(base[i]));
		if (id < 0 && i != 2 && i != 4) {
			vs_fail(err, "%s: no %s token (not a BERT vocabulary)", path, base[i]);
			vs_bert_tokenizer_free(t);
			return NULL;
		}
		if (id >= 0 && add_special(t, base[i], (int32_t)id) < 0) {
			vs_oom(err);
			vs_bert_tokenizer_free(t);
			return NULL;
		}
	}
	t->unk = (int32_t)word_id(t, "[UNK]", 5);
	t->sep = (int32_t)word_id(t, "[SEP]", 5);
	t->cls = (int32_t)word_id(t, "[CLS]", 5);
	t->lower = read_lower(dir);
	if (read_added(t, dir, err) < 0) {
		vs_bert_tokenizer_free(t);
		return NULL;
	}
	return t;
}

size_t vs_bert_vocab_size(const vs_bert_tokenizer *t)
{
	return t->nids;
}

long vs_bert_token_id(const vs_bert_tokenizer *t, const char *token)
{
	for (int i = 0; i < t->nspecial; i++)
		if (strcmp(t->special[i], token) == 0)
			return t->special_id[i];
	return word_id(t, token, strlen(token));
}

const char *vs_bert_token_text(const vs_bert_tokenizer *t, int32_t id)
{
	return id >= 0 && (size_t)id < t->nids && t->text_of[id] ? t->text_of[id] : NULL;
}

/* ---- the character classes of BERT's BasicTokenizer ---- */

static int is_control(int32_t c)
{
	if (c == '\t' || c == '\n' || c == '\r')
		return 0;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_CC || k == UTF8PROC_CATEGORY_CF || k == UTF8PROC_CATEGORY_CN ||
	       k == UTF8PROC_CATEGORY_CO || k == UTF8PROC_CATEGORY_CS;
}

static int is_space(int32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

/* Python's str.split() boundaries among what cleaning leaves: spaces and the
 * line and paragraph separators. */
static int splits(int32_t c)
{
	return c == ' ' || c == 0x2028 || c == 0x2029;
}

static int is_punct(int32_t c)
{
	if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126))
		return 1;
	utf8proc_category_t k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

static int is_cjk_ideograph(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
	       (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B820 && c <= 0x2CEAF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

/* ---- the pieces of one stretch of text without special tokens ---- */

typedef struct out_ids {
	int32_t *ids;
	size_t n, cap;
} out_ids;

static int push(out_ids *o, int32_t id)
{
	if (o->n == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 64;
		int32_t *ni = realloc(o->ids, nc * sizeof *ni);
		if (!ni)
			return -1;
		o->ids = ni;
		o->cap = nc;
	}
	o->ids[o->n++] = id;
	return 0;
}

/* Greedy longest match from the left; a word with no match at some point,
 * or longer than 100 characters, is one [UNK]. */
static int wordpiece(const vs_bert_tokenizer *t, const char *w, size_t n, out_ids *o)
{
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)w[i] & 0xC0) != 0x80;
	if (chars > MAX_WORD_CHARS)
		return push(o, t->unk);
	size_t mark = o->n, start = 0;
	char buf[4 * MAX_WORD_CHARS + 8];
	while (start < n) {
		size_t end = n;
		long id = -1;
		while (start < end) {
			size_t k = 0;
			if (start > 0) {
				memcpy(buf, "##", 2);
				k = 2;
			}
			memcpy(buf + k, w + start, end - start);
			id = word_id(t, buf, k + end - start);
			if (id >= 0)
				break;
			do /* one character back */
				end--;
			while (end > start && ((unsigned char)w[end] & 0xC0) == 0x80);
		}
		if (id < 0) {
			o->n = mark;
			return push(o, t->unk);
		}
		if (push(o, (int32_t)id) < 0)
			return -1;
		start = end;
	}
	return 0;
}

static int emit_cp(char **p, int32_t c)
{
	*p += utf8proc_encode_char(c, (utf8proc_uint8_t *)*p);
	return 0;
}

/* One word after white space splitting: lowercased, accents stripped, split at
 * punctuation, each part through WordPiece. */
static int basic_word(const vs_bert_tokenizer *t, const char *w, size_t n, out_ids *o)
{
	char *low = NULL, *nfd = NULL;
	const char *s = w;
	size_t len = n;
	int rc = -1;
	if (t->lower) {
		low = vs_python_lower(w, n, &len);
		nfd = low ? (char *)utf8proc_NFD((const utf8proc_uint8_t *)low) : NULL;
		if (!nfd)
			goto out;
		/* the marks (Mn) dropped, in place */
		char *d = nfd;
		for (size_t i = 0; nfd[i];) {
			utf8proc_int32_t c;
			utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)nfd + i, -1, &c);
			if (l <= 0)
				break;
			if (utf8proc_category(c) != UTF8PROC_CATEGORY_MN) {
				memmove(d, nfd + i, (size_t)l);
				d += l;
			}
			i += (size_t)l;
		}
		*d = '\0';
		s = nfd;
		len = (size_t)(d - nfd);
	}
	/* each punctuation character a piece of its own */
	size_t from = 0;
	for (size_t i = 0; i < len;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
		if (l <= 0)
			break;
		if (is_punct(c)) {
			if ((i > from && wordpiece(t, s + from, i - from, o) < 0) || wordpiece(t, s + i, (size_t)l, o) < 0)
				goto out;
			from = i + (size_t)l;
		}
		i += (size_t)l;
	}
	if (len > from && wordpiece(t, s + from, len - from, o) < 0)
		goto out;
	rc = 0;
out:
	free(low);
	free(nfd);
	return rc;
}

/* A stretch of text between special tokens. */
static int basic_text(const vs_bert_tokenizer *t, const char *text, size_t n, out_ids *o)
{
	char *fixed = malloc(n * 3 + 1), *clean = malloc(n * 3 * 3 + 1);
	char *nfc = NULL;
	int rc = -1;
	if (!fixed || !clean)
		goto out;
	size_t fl = vs_utf8_repair(text, n, fixed); /* bytes that are not UTF-8 become U+FFFD, then go */
	fixed[fl] = '\0';
	char *p = clean;
	for (size_t i = 0; i < fl;) {
		utf8proc_int32_t c;
		utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)fixed + i, (utf8proc_ssize_t)(fl - i), &c);
		if (l <= 0)
			break;
		i += (size_t)l;
		if (c == 0 || c == 0xFFFD || is_control(c))
			continue;
		if (is_space(c))
			c = ' ';
		if (is_cjk_ideograph(c)) {
			emit_cp(&p, ' ');
			emit_cp(&p, c);
			emit_cp(&p, ' ');
		} else {
			emit_cp(&p, c);
		}
	}
	*p = '\0';
	nfc = (char *)utf8proc_NFC((const utf8proc_uint8_t *)clean);
	if (!nfc)
		goto out;
	size_t len = strlen(nfc), from = 0;
	for (size_t i = 0; i <= len;) {
		utf8proc_int32_t c = 0;
		utf8proc_ssize_t l = 1;
		if (i < len) {
			l = utf8proc_iterate((const utf8proc_uint8_t *)nfc + i, (utf8proc_ssize_t)(len - i), &c);
			if (l <= 0)
				break;
		}
		if (i == len || splits(c)) {
			if (i > from && basic_word(t, nfc + from, i - from, o) < 0)
				goto out;
			from = i + (size_t)l;
		}
		i += (size_t)l;
	}
	rc = 0;
out:
	free(fixed);
	free(clean);
	free(nfc);
	return rc;
}

int vs_bert_tokenize(const vs_bert_tokenizer *t, const char *text, int32_t *ids, size_t context, size_t *total)
{
	out_ids o = {0};
	int rc = push(&o, t->cls);
	size_t len = strlen(text), from = 0;
	/* the special tokens first, longest at the earliest place */
	for (size_t i = 0; rc == 0 && i <= len; i++) {
		int best = -1;
		size_t bl = 0;
		for (int k = 0; i < len && k < t->nspecial; k++) {
			size_t sl = strlen(t->special[k]);
			if (sl > bl && sl <= len - i && memcmp(text + i, t->special[k], sl) == 0) {
				best = k;
				bl = sl;
			}
		}
		if (best < 0 && i < len)
			continue;
		if (i > from)
			rc = basic_text(t, text + from, i - from, &o);
		if (rc == 0 && best >= 0)
			rc = push(&o, t->special_id[best]);
		if (best >= 0) {
			from = i + bl;
			i += bl - 1;
		}
	}
	if (rc == 0)
		rc = push(&o, t->sep);
	if (rc < 0) {
		free(o.ids);
		return -1;
	}
	if (total)
		*total = o.n;
	size_t keep = o.n;
	if (keep > context && context >= 2) { /* cut before [SEP], which stays last */
		keep = context;
		o.ids[keep - 1] = t->sep;
	}
	memcpy(ids, o.ids, keep * sizeof *ids);
	free(o.ids);
	return (int)keep;
}
