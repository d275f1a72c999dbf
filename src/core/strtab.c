/* A growable table of strings with a hash index: each string once, numbered
 * in the order it was first seen. */
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

long vs_strtab_intern(vs_strtab *t, const char *s, size_t n)
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

long vs_strtab_find(const vs_strtab *t, const char *s, size_t n)
{
	size_t mask = t->nslots - 1, i = (size_t)vs_hash_fnv1a(s, n) & mask;
	for (; t->slots[i]; i = (i + 1) & mask) {
		uint32_t id = t->slots[i] - 1;
		if (t->len[id] == n && memcmp(t->arena + t->off[id], s, n) == 0)
			return id;
	}
	return -1;
}
