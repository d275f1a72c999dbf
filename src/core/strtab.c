/* A growable table of strings with a hash index: each string once, numbered
 * in the order it was first seen. Each slot keeps the high half of its
 * string's hash beside the id, so a probe compares bytes only on a likely
 * match (the table is the hot spot of tokenizing a corpus). */
#include "core/core.h"

#include <stdlib.h>
#include <string.h>

int vs_strtab_init(vs_strtab *t)
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

void vs_strtab_free(vs_strtab *t)
{
	free(t->arena);
	free(t->off);
	free(t->len);
	free(t->slots);
}

static inline uint64_t load8(const char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	return w;
}

static inline uint64_t load4(const char *s)
{
	uint32_t w;
	memcpy(&w, s, 4);
	return w;
}

/* The first min(n, 8) bytes, zero above, from fixed-size loads (a copy of a
 * variable length would go through memory and stall the load after it). */
static inline uint64_t head_of(const char *s, size_t n)
{
	if (n >= 8)
		return load8(s);
	if (n >= 4) /* two loads overlapping in the middle: the same bytes where they meet */
		return load4(s) | load4(s + n - 4) << ((n - 4) * 8);
	uint64_t w = 0;
	switch (n) {
	case 3:
		w |= (uint64_t)(unsigned char)s[2] << 16; /* fall through */
	case 2:
		w |= (uint64_t)(unsigned char)s[1] << 8; /* fall through */
	case 1:
		w |= (unsigned char)s[0];
	}
	return w;
}

/* Eight bytes at a time, multiplied and folded; the last (partial) eight
 * read as head_of reads a short string. The table is never stored, so the
 * hash is free to differ from the files' FNV-1a. */
static inline uint64_t hash_bytes(const char *s, size_t n)
{
	const uint64_t m = 0x9E3779B97F4A7C15ull;
	uint64_t h = 0x243F6A8885A308D3ull ^ (uint64_t)n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		h = (h ^ load8(s + i)) * m;
		h ^= h >> 29;
	}
	if (i < n) {
		h = (h ^ head_of(s + i, n - i)) * m;
		h ^= h >> 29;
	}
	h *= m;
	return h ^ (h >> 32);
}

/* The slot's tag: 24 bits of the hash and the length (255: 255 or more). */
static inline uint32_t tag_of(uint64_t h, size_t n)
{
	return (uint32_t)(h >> 40) << 8 | (uint32_t)(n < 255 ? n : 255);
}

static long probe(const vs_strtab *t, const char *s, size_t n, uint64_t h, size_t *at)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	uint32_t tag = tag_of(h, n);
	uint64_t head = head_of(s, n);
	for (; t->slots[i].id1; i = (i + 1) & mask) {
		const vs_strtab_slot *e = &t->slots[i];
		if (e->tag != tag || e->head != head)
			continue;
		uint32_t id = e->id1 - 1;
		if (n <= 8 || (t->len[id] == n && memcmp(t->arena + t->off[id] + 8, s + 8, n - 8) == 0)) {
			*at = i;
			return id;
		}
	}
	*at = i;
	return -1;
}

static void fill_slot(vs_strtab_slot *e, const char *s, size_t n, uint64_t h, uint32_t id)
{
	e->head = head_of(s, n);
	e->tag = tag_of(h, n);
	e->id1 = id + 1;
}

static int grow_slots(vs_strtab *t)
{
	size_t ns = t->nslots * 2;
	vs_strtab_slot *sl = calloc(ns, sizeof *sl);
	if (!sl)
		return -1;
	for (size_t k = 0; k < t->n; k++) {
		const char *s = t->arena + t->off[k];
		uint64_t h = hash_bytes(s, t->len[k]);
		size_t j = (size_t)h & (ns - 1);
		while (sl[j].id1)
			j = (j + 1) & (ns - 1);
		fill_slot(&sl[j], s, t->len[k], h, (uint32_t)k);
	}
	free(t->slots);
	t->slots = sl;
	t->nslots = ns;
	return 0;
}

static int grow_entries(vs_strtab *t, size_t n)
{
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
	return 0;
}

long vs_strtab_intern(vs_strtab *t, const char *s, size_t n)
{
	uint64_t h = hash_bytes(s, n);
	size_t i;
	long found = probe(t, s, n, h, &i);
	if (found >= 0)
		return found;
	if (n > UINT32_MAX || t->n >= UINT32_MAX - 1 || grow_entries(t, n) < 0)
		return -1;
	memcpy(t->arena + t->alen, s, n);
	t->arena[t->alen + n] = '\0';
	long id = (long)t->n++;
	t->off[id] = t->alen;
	t->len[id] = (uint32_t)n;
	t->alen += n + 1;
	fill_slot(&t->slots[i], s, n, h, (uint32_t)id);
	if (t->n * 2 > t->nslots && grow_slots(t) < 0)
		return -1;
	return id;
}

long vs_strtab_find(const vs_strtab *t, const char *s, size_t n)
{
	size_t i;
	return probe(t, s, n, hash_bytes(s, n), &i);
}
