/* A string hash for in-memory tables (never stored: it may change). */
#ifndef CM_HASH_H
#define CM_HASH_H

#include <stdint.h>

/* FNV-1a, its high bits folded down: a table indexed by the low bits sees
 * every bit of every byte (FNV's product alone carries bits upwards
 * only). */
static inline uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h ^ (h >> 29);
}

/* A 64-bit mixer (splitmix64's finaliser): every input bit reaches every
 * output bit, so a table indexed by the low bits of a key made of several
 * small numbers does not cluster. */
static inline uint64_t hash_u64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

#endif
