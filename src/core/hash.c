/* Hashes of byte strings: 64-bit FNV-1a, for the word tables of sets and indexes. */
#include "core/core.h"

uint64_t vs_hash_fnv1a(const char *w, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)w[i];
		h *= 1099511628211ULL;
	}
	return h;
}
