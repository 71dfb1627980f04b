#include "tap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

static char *trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

static void parse_test_line(struct tap *t, const char *s, size_t n, int ok)
{
	const char *end = s + n;
	long num = -1;
	if (s < end && isdigit((unsigned char)*s))
		num = 0;
	while (s < end && isdigit((unsigned char)*s)) {
		if (num < 100000000L)
			num = num * 10 + (*s - '0');
		s++;
	}
	while (s < end && *s == ' ')
		s++;
	if (s < end && *s == '-')
		s++;
	const char *hash = memchr(s, '#', (size_t)(end - s));
	struct tap_line l = {0};
	l.ok = ok;
	l.num = num;
	l.desc = trim(s, hash ? (size_t)(hash - s) : (size_t)(end - s));
	if (hash) {
		const char *d = hash + 1;
		while (d < end && *d == ' ')
			d++;
		if ((size_t)(end - d) >= 4 && !strncasecmp(d, "skip", 4)) {
			l.skip = 1;
			l.reason = trim(d + 4, (size_t)(end - d - 4));
		} else if ((size_t)(end - d) >= 4 && !strncasecmp(d, "todo", 4)) {
			l.todo = 1;
			l.reason = trim(d + 4, (size_t)(end - d - 4));
		}
	}
	GROW(t->v, t->alloc, t->n + 1);
	t->v[t->n++] = l;
}

size_t tap_parse(struct tap *t, const char *text)
{
	size_t found = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		if (n >= 3 && !strncmp(p, "ok", 2) && (p[2] == ' ' || n == 2)) {
			parse_test_line(t, p + 3, n - 3, 1);
			found++;
		} else if (n == 2 && !strncmp(p, "ok", 2)) {
			parse_test_line(t, p + 2, 0, 1);
			found++;
		} else if (n >= 6 && !strncmp(p, "not ok", 6)) {
			parse_test_line(t, p + 6 + (n > 6), n - 6 - (n > 6), 0);
			found++;
		} else if (n >= 3 && !strncmp(p, "1..", 3)) {
			t->planned += strtoul(p + 3, NULL, 10);
		} else if (n >= 9 && !strncmp(p, "Bail out!", 9)) {
			t->bailed_out = 1;
		}
		p += nl ? (size_t)(nl - p) + 1 : n;
		if (!nl)
			break;
	}
	return found;
}

void tap_release(struct tap *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].desc);
		free(t->v[i].reason);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}
