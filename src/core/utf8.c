/* UTF-8 handling. Decoding of ill-formed input follows the Unicode
 * "maximal subpart" practice (what Python's decoder does): each maximal
 * prefix of a well-formed sequence that breaks off becomes one U+FFFD. */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* Length of a well-formed sequence at s (n bytes left), or 0 when ill-formed;
 * *bad receives the length of the maximal ill-formed subpart to replace. */
static size_t seq_len(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xBF;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else {
		*bad = 1;
		return 0;
	}
	for (size_t i = 1; i < need; i++) {
		if (i >= n) {
			*bad = i;
			return 0;
		}
		unsigned char b = s[i];
		unsigned char l = i == 1 ? lo : 0x80, h = i == 1 ? hi : 0xBF;
		if (b < l || b > h) {
			*bad = i;
			return 0;
		}
	}
	return need;
}

size_t vs_utf8_invalid_count(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, bad_count = 0;
	while (i < n) {
		if (i + 8 <= n) { /* eight ASCII bytes at a time */
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (!(w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t bad = 0, len = seq_len(p + i, n - i, &bad);
		if (len) {
			i += len;
		} else {
			bad_count++;
			i += bad;
		}
	}
	return bad_count;
}

size_t vs_utf8_first_invalid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t bad = 0, len = seq_len(p + i, n - i, &bad);
		if (!len)
			return i;
		i += len;
	}
	return n;
}

size_t vs_utf8_repair(const char *s, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < n) {
		size_t bad = 0, len = seq_len(p + i, n - i, &bad);
		if (len) {
			memcpy(out + o, p + i, len);
			o += len;
			i += len;
		} else {
			memcpy(out + o, "\xEF\xBF\xBD", 3);
			o += 3;
			i += bad;
		}
	}
	out[o] = '\0';
	return o;
}

char *vs_utf8_upper(const char *s)
{
	size_t n = strlen(s);
	char *out = malloc(4 * n + 1);
	if (!out)
		return NULL;
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t o = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
		if (len <= 0) { /* not valid UTF-8: copy the byte as it is */
			out[o++] = (char)*p++;
			continue;
		}
		p += len;
		o += (size_t)utf8proc_encode_char(utf8proc_toupper(cp), (utf8proc_uint8_t *)out + o);
	}
	out[o] = '\0';
	return out;
}

size_t vs_utf8_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
		if (len <= 0) {
			p++;
			w++;
			continue;
		}
		p += len;
		int cw = utf8proc_charwidth(cp);
		w += cw > 0 ? (size_t)cw : 0;
	}
	return w;
}

size_t vs_utf8_fit(const char *s, size_t cols, size_t *used)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	size_t w = 0;
	while (*p) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t len = utf8proc_iterate(p, -1, &cp);
		size_t cw = 1;
		if (len <= 0)
			len = 1;
		else {
			int c = utf8proc_charwidth(cp);
			cw = c > 0 ? (size_t)c : 0;
		}
		if (w + cw > cols)
			break;
		w += cw;
		p += len;
	}
	if (used)
		*used = w;
	return (size_t)((const char *)p - s);
}
