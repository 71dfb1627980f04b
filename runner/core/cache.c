#include "cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "infile.h"
#include "outfile.h"

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct cache_entry *)a)->id,
		      ((const struct cache_entry *)b)->id);
}

void cache_load(struct cache *c, const char *path)
{
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	if (infile_load(path, &data, &err) == 0) {
		char *line = data.buf;
		while (line && *line) {
			char *nl = strchr(line, '\n');
			if (nl)
				*nl = '\0';
			char *t1 = strchr(line, '\t');
			char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
			if (t1 && t2 && t2[1]) {
				char *end;
				double d = strtod(line, &end);
				if (end == t1 && d >= 0) {
					GROW(c->v, c->alloc, c->n + 1);
					c->v[c->n].id = xstrdup(t2 + 1);
					c->v[c->n].duration = d;
					c->v[c->n].failed = !strncmp(t1 + 1, "failed", 6);
					c->n++;
				}
			}
			line = nl ? nl + 1 : NULL;
		}
		if (c->n > 1)
			qsort(c->v, c->n, sizeof(*c->v), cmp_entry);
		/* one entry per id: keep the last one read */
		size_t w = 0;
		for (size_t i = 0; i < c->n; i++) {
			if (w && !strcmp(c->v[w - 1].id, c->v[i].id)) {
				free(c->v[w - 1].id);
				c->v[w - 1] = c->v[i];
			} else {
				c->v[w++] = c->v[i];
			}
		}
		c->n = w;
	}
	strbuf_release(&data);
	strbuf_release(&err);
}

/* bsearch's key is the id itself */
static int cmp_id_entry(const void *id, const void *e)
{
	return strcmp(id, ((const struct cache_entry *)e)->id);
}

static struct cache_entry *find(const struct cache *c, const char *id)
{
	if (!c->n)
		return NULL;
	return bsearch(id, c->v, c->n, sizeof(*c->v), cmp_id_entry);
}

const struct cache_entry *cache_find(const struct cache *c, const char *id)
{
	return find(c, id);
}

void cache_put(struct cache *c, const char *id, double duration, int failed)
{
	struct cache_entry *e = find(c, id);
	if (e) {
		e->duration = duration;
		e->failed = failed;
		return;
	}
	GROW(c->v, c->alloc, c->n + 1);
	size_t i = c->n;
	while (i > 0 && strcmp(c->v[i - 1].id, id) > 0) {
		c->v[i] = c->v[i - 1];
		i--;
	}
	c->v[i] = (struct cache_entry){xstrdup(id), duration, failed};
	c->n++;
}

int cache_check(const char *path, struct strbuf *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0; /* the first run makes it */
		strbuf_addstr(err, strerror(errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		strbuf_addstr(err, "is a directory");
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		strbuf_addstr(err, "not a regular file (a device, FIFO or socket)");
		return -1;
	}
	if (st.st_size > CACHE_MAX_BYTES) {
		strbuf_addf(err, "too large for a durations cache (%lld bytes, "
			    "at most %d MiB)", (long long)st.st_size,
			    CACHE_MAX_BYTES >> 20);
		return -1;
	}
	return 0;
}

int cache_save(const struct cache *c, const char *path, struct strbuf *err)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < c->n; i++)
		strbuf_addf(&sb, "%.6f\t%s\t%s\n", c->v[i].duration,
			    c->v[i].failed ? "failed" : "ok", c->v[i].id);
	struct outfile of;
	int rc = cache_check(path, err);
	if (rc == 0)
		rc = outfile_open(&of, path, err);
	if (rc == 0) {
		fwrite(sb.buf, 1, sb.len, of.fp);
		rc = outfile_commit(&of, err);
	}
	strbuf_release(&sb);
	return rc;
}

void cache_release(struct cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].id);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
