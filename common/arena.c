#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t size, used;
	/* data follows, 8-byte aligned */
	uint64_t data[];
};

#define CHUNK_MIN 65536

void *arena_alloc(struct arena *a, size_t nmemb, size_t size)
{
	if (size && nmemb > (SIZE_MAX - 64) / size) {
		fprintf(stderr, "fatal: allocation size overflow\n");
		abort();
	}
	size_t n = (nmemb * size + 7) & ~(size_t)7;
	struct arena_chunk *c = a->head;
	if (!c || c->size - c->used < n) {
		size_t cap = n > CHUNK_MIN ? n : CHUNK_MIN;
		c = xmalloc(sizeof(*c) + cap);
		c->size = cap;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	void *p = (char *)c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1, 1);
	memcpy(p, s, n);
	return p;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c = a->head;
	while (c) {
		struct arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
}
