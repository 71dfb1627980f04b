/* The unified diff reader: file headers ("--- OLD", "+++ NEW", names
 * possibly C-quoted as git writes them, possibly followed by a tab and a
 * time stamp) and hunks ("@@ -a,b +c,d @@"), whose line counts say where
 * each hunk ends. */
#include "udiff.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct parser {
	const char *buf;
	size_t len, pos;
	size_t lineno;
	const char *line;     /* the current line, without its '\n' */
	size_t linelen;
	struct strbuf *err;
};

static int next_line(struct parser *p)
{
	if (p->pos >= p->len)
		return 0;
	const char *s = p->buf + p->pos;
	const char *nl = memchr(s, '\n', p->len - p->pos);
	p->line = s;
	p->linelen = nl ? (size_t)(nl - s) : p->len - p->pos;
	p->pos += p->linelen + (nl ? 1 : 0);
	p->lineno++;
	if (p->linelen && p->line[p->linelen - 1] == '\r')
		p->linelen--;
	return 1;
}

static int fail(struct parser *p, const char *what)
{
	strbuf_addf(p->err, "line %zu: %s", p->lineno, what);
	return -1;
}

static int starts(const struct parser *p, const char *prefix)
{
	size_t n = strlen(prefix);
	return p->linelen >= n && !memcmp(p->line, prefix, n);
}

/* A name after "--- " or "+++ ": C-quoted ("b/a\tb.c") or plain up to a
 * tab (a time stamp follows). NULL with err set when the quoting is bad. */
static char *header_name(struct parser *p, size_t off)
{
	const char *s = p->line + off, *end = p->line + p->linelen;
	struct strbuf sb;
	strbuf_init(&sb);
	if (s < end && *s == '"') {
		for (s++; s < end && *s != '"'; s++) {
			if (*s != '\\') {
				strbuf_addch(&sb, *s);
				continue;
			}
			if (++s >= end)
				break;
			static const char esc[] = "abtnvfr\"\\", val[] = "\a\b\t\n\v\f\r\"\\";
			const char *e = strchr(esc, *s);
			if (*s && e) {
				strbuf_addch(&sb, val[e - esc]);
			} else if (*s >= '0' && *s <= '3' && end - s >= 3 &&
				   s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
				strbuf_addch(&sb, (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 +
							 (s[2] - '0')));
				s += 2;
			} else {
				break;
			}
		}
		if (s >= end || *s != '"') {
			strbuf_release(&sb);
			fail(p, "bad quoted file name");
			return NULL;
		}
	} else {
		const char *tab = memchr(s, '\t', (size_t)(end - s));
		strbuf_add(&sb, s, (size_t)((tab ? tab : end) - s));
	}
	if (!sb.len || memchr(sb.buf, '\0', sb.len)) {
		strbuf_release(&sb);
		fail(p, "empty file name");
		return NULL;
	}
	return strbuf_detach(&sb, NULL);
}

/* An unsigned decimal; advances *s. */
static int number(const char **s, const char *end, unsigned long *v)
{
	const char *q = *s;
	unsigned long n = 0;
	if (q >= end || *q < '0' || *q > '9')
		return -1;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (n > (UINT_MAX - 9) / 10)
			return -1;
		n = n * 10 + (unsigned long)(*q - '0');
	}
	*s = q;
	*v = n;
	return 0;
}

/* "@@ -a[,b] +c[,d] @@..." */
static int hunk_header(struct parser *p, unsigned long *old_start,
		       unsigned long *old_n, unsigned long *new_start,
		       unsigned long *new_n)
{
	const char *s = p->line + 4, *end = p->line + p->linelen;
	unsigned long a;
	*old_n = *new_n = 1;
	if (number(&s, end, &a))
		return -1;
	*old_start = a;
	if (s < end && *s == ',' && (++s, number(&s, end, old_n)))
		return -1;
	if (end - s < 2 || s[0] != ' ' || s[1] != '+')
		return -1;
	s += 2;
	if (number(&s, end, new_start))
		return -1;
	if (s < end && *s == ',' && (++s, number(&s, end, new_n)))
		return -1;
	if (end - s < 3 || memcmp(s, " @@", 3))
		return -1;
	/* lines count from 1, and the last must still have a number */
	if (*new_n && (!*new_start || *new_start + *new_n - 1 > UINT_MAX))
		return -1;
	return 0;
}

/* The index of the file named path (taken over) in files[0..*n), added
 * when new. */
static size_t file_in(struct udiff_file **files, size_t *n, size_t *alloc,
		      char *path)
{
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*files)[i].path, path)) {
			free(path);
			return i;
		}
	}
	GROW(*files, *alloc, *n + 1);
	struct udiff_file *f = &(*files)[*n];
	memset(f, 0, sizeof(*f));
	f->path = path;
	return (*n)++;
}

static size_t file_for(struct udiff *d, char *path)
{
	return file_in(&d->files, &d->nfiles, &d->alloc, path);
}

static void add_line(struct udiff_file *f, unsigned long line)
{
	if (!line || line > UINT_MAX)
		return;
	GROW(f->lines, f->alloc, f->nlines + 1);
	f->lines[f->nlines++] = (unsigned)line;
}

/* Reads the lines of one hunk into file fi (none when !have: a deleted
 * file), and the old side's into old file oi (none when oi is -1: a new
 * file). */
static int hunk_body(struct parser *p, struct udiff *d, size_t fi, int have,
		     long oi, unsigned long old_start, unsigned long old_n,
		     unsigned long line, unsigned long new_n)
{
	/* the next old line: an empty old range is after line old_start */
	unsigned long oline = old_n ? old_start : old_start + 1;
	struct udiff_file *of = oi >= 0 ? &d->old[oi] : NULL;
	int replaced = 0;     /* '-' lines since the last context line: the
				 '+' lines that follow replace them */
	while (old_n || new_n) {
		if (!next_line(p)) {
			p->lineno++;
			return fail(p, "the diff ends inside a hunk");
		}
		char c = p->linelen ? p->line[0] : ' ';
		if (c == '\\')
			continue;   /* "\ No newline at end of file" */
		if ((c == ' ' || c == '-') && !old_n)
			return fail(p, "more old lines than the hunk header says");
		if ((c == ' ' || c == '+') && !new_n)
			return fail(p, "more new lines than the hunk header says");
		if (c == ' ') {
			old_n--, new_n--, line++, oline++;
			replaced = 0;
		} else if (c == '-') {
			if (of)
				add_line(of, oline);
			old_n--, oline++;
			replaced = 1;
		} else if (c == '+') {
			if (of && !replaced) {
				add_line(of, oline - 1);
				add_line(of, oline);
			}
			if (have) {
				struct udiff_file *f = &d->files[fi];
				GROW(f->lines, f->alloc, f->nlines + 1);
				f->lines[f->nlines++] = (unsigned)line;
			}
			new_n--, line++;
		} else {
			return fail(p, "the hunk ends before its header's line counts");
		}
	}
	return 0;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* Sorts each file's lines, drops repeats and files without lines. */
static void tidy_files(struct udiff_file *files, size_t *nfiles)
{
	size_t k = 0;
	for (size_t i = 0; i < *nfiles; i++) {
		struct udiff_file *f = &files[i];
		if (f->nlines)
			qsort(f->lines, f->nlines, sizeof(*f->lines), cmp_unsigned);
		size_t n = 0;
		for (size_t j = 0; j < f->nlines; j++)
			if (!n || f->lines[n - 1] != f->lines[j])
				f->lines[n++] = f->lines[j];
		f->nlines = n;
		if (!n) {
			free(f->path);
			free(f->lines);
			continue;
		}
		files[k++] = *f;
	}
	*nfiles = k;
}

static void tidy(struct udiff *d)
{
	tidy_files(d->files, &d->nfiles);
	tidy_files(d->old, &d->nold);
}

int udiff_parse(const char *buf, size_t len, struct udiff *d,
		struct strbuf *err)
{
	struct parser p = {.buf = buf, .len = len, .err = err};
	char *old = NULL;
	size_t fi = 0;
	long oi = -1;
	int have = 0, seen_new = 0, rc = 0;
	if (len && memchr(buf, '\0', len)) {
		strbuf_addstr(err, "a NUL byte: not a text diff");
		return -1;
	}
	while (!rc && next_line(&p)) {
		if (starts(&p, "--- ")) {
			free(old);
			old = header_name(&p, 4);
			seen_new = 0;
			if (!old)
				rc = -1;
		} else if (starts(&p, "+++ ") && old && !seen_new) {
			char *name = header_name(&p, 4);
			if (!name) {
				rc = -1;
				break;
			}
			seen_new = 1;
			oi = -1;
			if (strcmp(old, "/dev/null")) {
				int git = !strncmp(old, "a/", 2) &&
					  (!strncmp(name, "b/", 2) || !strcmp(name, "/dev/null"));
				oi = (long)file_in(&d->old, &d->nold, &d->aold,
						   xstrdup(old + (git ? 2 : 0)));
			}
			have = strcmp(name, "/dev/null") != 0;
			if (!have) {
				free(name);
				continue;
			}
			/* git's prefixes */
			if (!strncmp(name, "b/", 2) &&
			    (!strncmp(old, "a/", 2) || !strcmp(old, "/dev/null"))) {
				char *s = xstrdup(name + 2);
				free(name);
				name = s;
			}
			fi = file_for(d, name);
		} else if (starts(&p, "@@ ")) {
			unsigned long old_start, old_n, start, new_n;
			if (!seen_new)
				rc = fail(&p, "a hunk before the \"+++\" line of its file");
			else if (hunk_header(&p, &old_start, &old_n, &start, &new_n))
				rc = fail(&p, "bad hunk header (expected "
					  "\"@@ -A,B +C,D @@\")");
			else
				rc = hunk_body(&p, d, fi, have, oi, old_start, old_n, start,
					       new_n);
		}
	}
	free(old);
	if (rc) {
		udiff_release(d);
		return -1;
	}
	tidy(d);
	return 0;
}

void udiff_release(struct udiff *d)
{
	for (size_t i = 0; i < d->nfiles; i++) {
		free(d->files[i].path);
		free(d->files[i].lines);
	}
	free(d->files);
	for (size_t i = 0; i < d->nold; i++) {
		free(d->old[i].path);
		free(d->old[i].lines);
	}
	free(d->old);
	memset(d, 0, sizeof(*d));
}
