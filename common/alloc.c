#include "alloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Running out of memory cannot be provoked by the test suite: these lines
 * are left out of the project's own coverage. */
/* LCOV_EXCL_START */
static void die_oom(size_t size)
{
	fprintf(stderr, "fatal: out of memory (allocating %zu bytes)\n", size);
	abort();
}
/* LCOV_EXCL_STOP */

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);
	if (!p)
		die_oom(size); /* LCOV_EXCL_LINE */
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		die_oom(nmemb * size); /* LCOV_EXCL_LINE */
	return p;
}

void *xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size) {
		/* LCOV_EXCL_START: a bug's symptom, not reachable by input */
		fprintf(stderr, "fatal: allocation size overflow (%zu x %zu)\n",
			nmemb, size);
		abort();
		/* LCOV_EXCL_STOP */
	}
	size_t total = nmemb * size;
	void *p = realloc(ptr, total ? total : 1);
	if (!p)
		die_oom(total); /* LCOV_EXCL_LINE */
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void grow_array(void **arr, size_t *alloc, size_t need, size_t elem_size)
{
	if (need <= *alloc)
		return;
	size_t n = *alloc < 8 ? 8 : *alloc;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die_oom(SIZE_MAX); /* LCOV_EXCL_LINE */
		n *= 2;
	}
	*arr = xreallocarray(*arr, n, elem_size);
	*alloc = n;
}

#ifdef CM_SELF_COVERAGE
/* Coverage builds of this project only (CM_COVERAGE): the test suite runs
 * through `runner --cov-prefix-env COVTOOLS_GCOV_PREFIX`, so the tests'
 * own fixture programs write their gcov data where they expect it, while
 * this project's programs move theirs into the runner's shard. gcov reads
 * GCOV_PREFIX when it writes the data, at exit, after this handler; the
 * processes started meanwhile do not inherit it. */
static void self_cov_prefix(void)
{
	const char *p = getenv("COVTOOLS_GCOV_PREFIX");
	if (p && *p) {
		setenv("GCOV_PREFIX", p, 1);
		setenv("GCOV_PREFIX_STRIP", "0", 1);
	}
}

__attribute__((constructor)) static void self_cov_init(void)
{
	atexit(self_cov_prefix);
}
#endif
