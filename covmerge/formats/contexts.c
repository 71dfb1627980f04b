#include "contexts.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST /* next_in points to const bytes */
#include <zlib.h>

#include "alloc.h"
#include "hash.h"
#include "thread.h"

/* Name -> index lookups: one open-addressing table per kind. */
struct name_table {
	uint32_t *slots;      /* index + 1, 0 = empty */
	size_t cap, n;
};

struct ctx_names {
	struct name_table tests, progs, files;
};

typedef const char *name_of_fn(const struct ctx_store *s, uint32_t i);

static const char *test_name(const struct ctx_store *s, uint32_t i)
{
	return s->tests[i].id;
}

static const char *prog_name(const struct ctx_store *s, uint32_t i)
{
	return s->progs[i].name;
}

static const char *file_name(const struct ctx_store *s, uint32_t i)
{
	return s->files[i].path;
}

static void table_put(struct name_table *t, const struct ctx_store *s,
		      name_of_fn *name_of, uint32_t idx);

static void table_grow(struct name_table *t, const struct ctx_store *s,
		       name_of_fn *name_of)
{
	uint32_t *old = t->slots;
	size_t oldcap = t->cap;
	t->cap = oldcap ? oldcap * 2 : 64;
	t->slots = xcalloc(t->cap, sizeof(*t->slots));
	t->n = 0;
	for (size_t i = 0; i < oldcap; i++)
		if (old[i])
			table_put(t, s, name_of, old[i] - 1);
	free(old);
}

static void table_put(struct name_table *t, const struct ctx_store *s,
		      name_of_fn *name_of, uint32_t idx)
{
	if ((t->n + 1) * 2 > t->cap)
		table_grow(t, s, name_of);
	size_t i = hash_str(name_of(s, idx)) & (t->cap - 1);
	while (t->slots[i])
		i = (i + 1) & (t->cap - 1);
	t->slots[i] = idx + 1;
	t->n++;
}

/* The index of name, or -1. */
static int64_t table_get(const struct name_table *t, const struct ctx_store *s,
			 name_of_fn *name_of, const char *name)
{
	if (!t->cap)
		return -1;
	size_t i = hash_str(name) & (t->cap - 1);
	while (t->slots[i]) {
		if (!strcmp(name_of(s, t->slots[i] - 1), name))
			return t->slots[i] - 1;
		i = (i + 1) & (t->cap - 1);
	}
	return -1;
}

void ctx_store_init(struct ctx_store *s)
{
	memset(s, 0, sizeof(*s));
	s->revision = xstrdup("");
	s->names = xcalloc(1, sizeof(*s->names));
}

void ctx_store_release(struct ctx_store *s)
{
	for (size_t i = 0; i < s->ntests; i++)
		free(s->tests[i].id);
	free(s->tests);
	for (size_t i = 0; i < s->nprogs; i++) {
		free(s->progs[i].name);
		free(s->progs[i].sources);
	}
	free(s->progs);
	for (size_t i = 0; i < s->nfiles; i++) {
		struct ctx_file *f = &s->files[i];
		free(f->path);
		free(f->blob);
		for (size_t e = 0; e < f->nentries; e++)
			free(f->entries[e].r);
		free(f->entries);
	}
	free(s->files);
	if (s->names) {
		free(s->names->tests.slots);
		free(s->names->progs.slots);
		free(s->names->files.slots);
		free(s->names);
	}
	free(s->revision);
	memset(s, 0, sizeof(*s));
}

uint32_t ctx_test_index(struct ctx_store *s, const char *id, uint32_t prog)
{
	int64_t i = table_get(&s->names->tests, s, test_name, id);
	if (i >= 0)
		return (uint32_t)i;
	GROW(s->tests, s->atests, s->ntests + 1);
	s->tests[s->ntests] = (struct ctx_test){xstrdup(id), prog};
	table_put(&s->names->tests, s, test_name, (uint32_t)s->ntests);
	return (uint32_t)s->ntests++;
}

uint32_t ctx_prog_index(struct ctx_store *s, const char *name)
{
	int64_t i = table_get(&s->names->progs, s, prog_name, name);
	if (i >= 0)
		return (uint32_t)i;
	GROW(s->progs, s->aprogs, s->nprogs + 1);
	memset(&s->progs[s->nprogs], 0, sizeof(s->progs[0]));
	s->progs[s->nprogs].name = xstrdup(name);
	table_put(&s->names->progs, s, prog_name, (uint32_t)s->nprogs);
	return (uint32_t)s->nprogs++;
}

uint32_t ctx_file_index(struct ctx_store *s, const char *path)
{
	int64_t i = table_get(&s->names->files, s, file_name, path);
	if (i >= 0)
		return (uint32_t)i;
	GROW(s->files, s->afiles, s->nfiles + 1);
	memset(&s->files[s->nfiles], 0, sizeof(s->files[0]));
	s->files[s->nfiles].path = xstrdup(path);
	s->files[s->nfiles].blob = xstrdup("");
	table_put(&s->names->files, s, file_name, (uint32_t)s->nfiles);
	return (uint32_t)s->nfiles++;
}

int64_t ctx_file_lookup(const struct ctx_store *s, const char *path)
{
	return table_get(&s->names->files, s, file_name, path);
}

void ctx_prog_add_source(struct ctx_prog *p, uint32_t file)
{
	ctx_prog_add_sources(p, &file, 1);
}

void ctx_prog_add_sources(struct ctx_prog *p, const uint32_t *files, size_t n)
{
	if (!n)
		return;
	/* merged from the ends, in place */
	size_t had = p->nsources, room = had + n;
	GROW(p->sources, p->asources, room);
	size_t i = had, j = n, at = room;
	while (j) {
		if (i && p->sources[i - 1] > files[j - 1])
			p->sources[--at] = p->sources[--i];
		else if (i && p->sources[i - 1] == files[j - 1])
			j--;   /* already there: taken from the list */
		else
			p->sources[--at] = files[--j];
	}
	/* at - i slots are unused (the files already there): closed up */
	if (at > i)
		memmove(p->sources + i, p->sources + at,
			(room - at) * sizeof(*p->sources));
	p->nsources = i + (room - at);
}

const struct ctx_entry *ctx_file_find(const struct ctx_file *f, uint32_t line,
				      uint32_t branch)
{
	size_t lo = 0, hi = f->nentries;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct ctx_entry *e = &f->entries[mid];
		if (e->line < line || (e->line == line && e->branch < branch))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < f->nentries && f->entries[lo].line == line &&
	    f->entries[lo].branch == branch)
		return &f->entries[lo];
	return NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ctx_entry *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->branch < y->branch ? -1 : x->branch > y->branch;
}

static void put_run(struct ctx_entry *e, size_t at, uint32_t s, uint32_t end)
{
	if (e->nr + 2 > e->ar) {
		e->ar = e->ar ? e->ar * 2 : 4;
		e->r = xreallocarray(e->r, e->ar, sizeof(*e->r));
	}
	memmove(e->r + at + 2, e->r + at, (e->nr - at) * sizeof(*e->r));
	e->r[at] = s;
	e->r[at + 1] = end;
	e->nr += 2;
}

/* Joins run k with the next when they touch. */
static void join_next(struct ctx_entry *e, size_t k)
{
	if (k + 2 >= e->nr || (uint64_t)e->r[k + 1] + 1 < e->r[k + 2])
		return;
	if (e->r[k + 3] > e->r[k + 1])
		e->r[k + 1] = e->r[k + 3];
	memmove(e->r + k + 2, e->r + k + 4, (e->nr - k - 4) * sizeof(*e->r));
	e->nr -= 2;
}

void ctx_entry_add(struct ctx_entry *e, uint32_t t)
{
	if (e->nr && t >= e->r[e->nr - 2]) {
		if (t <= e->r[e->nr - 1])
			return;
		if ((uint64_t)t == (uint64_t)e->r[e->nr - 1] + 1) {
			e->r[e->nr - 1] = t;
			return;
		}
		put_run(e, e->nr, t, t);
		return;
	}
	/* the first run that ends at or after t */
	size_t lo = 0, hi = e->nr / 2;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (e->r[2 * mid + 1] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t k = 2 * lo;
	if (k < e->nr && e->r[k] <= t)
		return;
	if (k < e->nr && (uint64_t)t + 1 == e->r[k]) {
		e->r[k] = t;
	} else {
		put_run(e, k, t, t);
	}
	if (k >= 2)
		join_next(e, k - 2);
	else
		join_next(e, k);
}

static int cmp_run(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;
	return x[0] < y[0] ? -1 : x[0] > y[0];
}

void ctx_entry_tidy(struct ctx_entry *e)
{
	int sorted = 1;
	for (uint32_t k = 2; k < e->nr && sorted; k += 2)
		sorted = e->r[k] > e->r[k - 1];
	if (sorted) {   /* ascending; touching runs join below */
		for (uint32_t k = 2; k < e->nr && sorted; k += 2)
			sorted = (uint64_t)e->r[k - 1] + 1 < e->r[k];
		if (sorted)
			return;
	} else {
		qsort(e->r, e->nr / 2, 2 * sizeof(*e->r), cmp_run);
	}
	uint32_t n = 0;
	for (uint32_t k = 0; k < e->nr; k += 2) {
		if (n && (uint64_t)e->r[n - 1] + 1 >= e->r[k]) {
			if (e->r[k + 1] > e->r[n - 1])
				e->r[n - 1] = e->r[k + 1];
			continue;
		}
		e->r[n] = e->r[k];
		e->r[n + 1] = e->r[k + 1];
		n += 2;
	}
	e->nr = n;
}

size_t ctx_entry_count(const struct ctx_entry *e)
{
	size_t n = 0;
	for (uint32_t k = 0; k < e->nr; k += 2)
		n += (size_t)(e->r[k + 1] - e->r[k]) + 1;
	return n;
}

static void normalize_file(struct ctx_file *f)
{
	size_t in_order = 1;
	while (in_order < f->nentries &&
	       cmp_entry(&f->entries[in_order - 1], &f->entries[in_order]) < 0)
		in_order++;
	if (in_order < f->nentries)   /* not already (the collector's are) */
		qsort(f->entries, f->nentries, sizeof(*f->entries), cmp_entry);
	size_t k = 0;
	for (size_t i = 0; i < f->nentries; i++) {
		struct ctx_entry *e = &f->entries[i];
		if (k && f->entries[k - 1].line == e->line &&
		    f->entries[k - 1].branch == e->branch) {
			struct ctx_entry *d = &f->entries[k - 1];
			CTX_FOR_TESTS(e, t)
				ctx_entry_add(d, (uint32_t)t);
			free(e->r);
			continue;
		}
		f->entries[k++] = *e;
	}
	f->nentries = k;
}

void ctx_store_normalize(struct ctx_store *s)
{
	for (size_t i = 0; i < s->nfiles; i++)
		normalize_file(&s->files[i]);
}

void ctx_store_merge(struct ctx_store *dst, const struct ctx_store *src)
{
	if (!dst->revision[0] && src->revision[0]) {
		free(dst->revision);
		dst->revision = xstrdup(src->revision);
	}
	uint32_t *pmap = xcalloc(src->nprogs ? src->nprogs : 1, sizeof(*pmap));
	uint32_t *fmap = xcalloc(src->nfiles ? src->nfiles : 1, sizeof(*fmap));
	uint32_t *tmap = xcalloc(src->ntests ? src->ntests : 1, sizeof(*tmap));
	for (size_t i = 0; i < src->nfiles; i++) {
		fmap[i] = ctx_file_index(dst, src->files[i].path);
		struct ctx_file *d = &dst->files[fmap[i]];
		if (!d->blob[0] && src->files[i].blob[0]) {
			free(d->blob);
			d->blob = xstrdup(src->files[i].blob);
		}
	}
	for (size_t i = 0; i < src->nprogs; i++) {
		pmap[i] = ctx_prog_index(dst, src->progs[i].name);
		for (size_t k = 0; k < src->progs[i].nsources; k++)
			ctx_prog_add_source(&dst->progs[pmap[i]],
					    fmap[src->progs[i].sources[k]]);
	}
	for (size_t i = 0; i < src->ntests; i++)
		tmap[i] = ctx_test_index(dst, src->tests[i].id, pmap[src->tests[i].prog]);
	for (size_t i = 0; i < src->nfiles; i++) {
		const struct ctx_file *sf = &src->files[i];
		struct ctx_file *df = &dst->files[fmap[i]];
		GROW(df->entries, df->aentries, df->nentries + sf->nentries);
		for (size_t e = 0; e < sf->nentries; e++) {
			const struct ctx_entry *se = &sf->entries[e];
			struct ctx_entry *de = &df->entries[df->nentries++];
			*de = (struct ctx_entry){se->line, se->branch, 0, 0, NULL};
			CTX_FOR_TESTS(se, t)
				ctx_entry_add(de, tmap[t]);
		}
	}
	free(pmap);
	free(fmap);
	free(tmap);
	ctx_store_normalize(dst);
}

/* Writing. */

/* v as LEB128 at p, which has room (10 bytes; 5 for 32 bits); returns
 * the byte after it. */
static unsigned char *put_uv(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static void put_u(struct strbuf *b, uint64_t v)
{
	strbuf_grow(b, 10);
	unsigned char *p = put_uv((unsigned char *)b->buf + b->len, v);
	b->len = (size_t)((char *)p - b->buf);
	b->buf[b->len] = '\0';
}

static void put_str(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);
	put_u(b, n);
	strbuf_add(b, s, n);
}

/* One piece of a raw deflate stream (no zlib header or trailer) of in
 * (len), appended to out: the last piece ends with the final block; the
 * others with an empty stored block (Z_SYNC_FLUSH), so that the pieces
 * concatenated are one stream. dict (dlen, up to 32 KiB) is the data
 * before the piece, for matches across the cut. Level 1: the runner
 * makes the store after its last test, on the wall clock. Measured on
 * the generated suites' and jansson's stores: level 4 filtered (the
 * numbers are small and varied, matches short) is 10 to 25% smaller in
 * twice to two and a half times the time, level 6 no smaller than that
 * in three times more. */
static void deflate_piece(const unsigned char *in, size_t len,
			  const unsigned char *dict, size_t dlen, int last,
			  struct strbuf *out)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK ||
	    (dlen && deflateSetDictionary(&zs, dict, (uInt)dlen) != Z_OK))
		abort(); /* only on out of memory */
	strbuf_grow(out, deflateBound(&zs, (uLong)len) + 64);
	zs.next_in = in;
	size_t in_left = len;
	for (;;) {
		/* avail_in and avail_out are 32 bits: fed in pieces */
		if (out->alloc - out->len < 64)
			strbuf_grow(out, out->alloc);
		size_t room_left = out->alloc - out->len - 1;
		uInt n = in_left > UINT_MAX ? UINT_MAX : (uInt)in_left;
		uInt room = room_left > UINT_MAX ? UINT_MAX : (uInt)room_left;
		zs.avail_in = n;
		zs.next_out = (Bytef *)out->buf + out->len;
		zs.avail_out = room;
		int zr = deflate(&zs, n < in_left ? Z_NO_FLUSH
				 : last ? Z_FINISH : Z_SYNC_FLUSH);
		in_left -= n - zs.avail_in;
		out->len += room - zs.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && zr != Z_BUF_ERROR)
			abort(); /* not with a valid stream */
		/* a flush is done when it left room unused */
		if (!last && !in_left && zs.avail_out)
			break;
	}
	deflateEnd(&zs);
	out->buf[out->len] = '\0';
}

struct piece {
	const unsigned char *in, *dict;
	size_t len, dlen;
	struct strbuf out;
};

static void *deflate_last_piece(void *arg)
{
	struct piece *pc = arg;
	deflate_piece(pc->in, pc->len, pc->dict, pc->dlen, 1, &pc->out);
	return NULL;
}

/* From this many bytes a store is deflated in two halves at once (the
 * runner makes its store after the last test, when the cores are free). */
#define DEFLATE_SPLIT (1u << 20)

/* raw (len) as a zlib stream, appended to out. */
static void deflate_store(const unsigned char *raw, size_t len, struct strbuf *out)
{
	static const unsigned char header[2] = {0x78, 0x01};  /* 32K window, level 1 */
	strbuf_add(out, header, 2);
	size_t half = len >= DEFLATE_SPLIT ? len / 2 : len;
	struct piece second = {raw + half, raw + half - (half < 32768 ? half : 32768),
			       len - half, half < 32768 ? half : 32768, {0}};
	strbuf_init(&second.out);
	pthread_t th;
	int threaded = 0;
	if (half < len)
		threaded = thread_start_quiet(&th, deflate_last_piece, &second) == 0;
	deflate_piece(raw, half, NULL, 0, half == len, out);
	if (half < len) {
		if (threaded)
			pthread_join(th, NULL);
		else
			deflate_last_piece(&second);
		strbuf_add(out, second.out.buf, second.out.len);
	}
	strbuf_release(&second.out);
	uLong adler = adler32(0L, Z_NULL, 0);
	for (size_t at = 0; at < len;) {
		uInt n = len - at > UINT_MAX ? UINT_MAX : (uInt)(len - at);
		adler = adler32(adler, raw + at, n);
		at += n;
	}
	unsigned char trailer[4] = {(unsigned char)(adler >> 24), (unsigned char)(adler >> 16),
				    (unsigned char)(adler >> 8), (unsigned char)adler};
	strbuf_add(out, trailer, 4);
}

void ctx_store_write(const struct ctx_store *s, struct strbuf *out)
{
	struct strbuf raw;
	strbuf_init(&raw);
	put_str(&raw, s->revision);
	put_u(&raw, s->ntests);
	for (size_t i = 0; i < s->ntests; i++) {
		put_str(&raw, s->tests[i].id);
		put_u(&raw, s->tests[i].prog);
	}
	put_u(&raw, s->nprogs);
	for (size_t i = 0; i < s->nprogs; i++) {
		put_str(&raw, s->progs[i].name);
		put_u(&raw, s->progs[i].nsources);
		for (size_t k = 0; k < s->progs[i].nsources; k++)
			put_u(&raw, s->progs[i].sources[k]);
	}
	put_u(&raw, s->nfiles);
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct ctx_file *f = &s->files[i];
		put_str(&raw, f->path);
		put_str(&raw, f->blob);
		put_u(&raw, f->nentries);
		uint32_t prev = 0;
		for (size_t e = 0; e < f->nentries; e++) {
			const struct ctx_entry *en = &f->entries[e];
			/* three numbers of 32 bits, and per run two of 33 */
			strbuf_grow(&raw, 15 + (size_t)en->nr * 5);
			unsigned char *p = (unsigned char *)raw.buf + raw.len;
			p = put_uv(p, en->line - prev);
			prev = en->line;
			p = put_uv(p, en->branch);
			p = put_uv(p, en->nr / 2);
			for (uint32_t k = 0; k < en->nr; k += 2) {
				uint64_t gap = k ? en->r[k] - en->r[k - 1] - 2 : en->r[0];
				uint32_t more = en->r[k + 1] - en->r[k];
				p = put_uv(p, gap << 1 | (more != 0));
				if (more)
					p = put_uv(p, more - 1);
			}
			raw.len = (size_t)((char *)p - raw.buf);
		}
		raw.buf[raw.len] = '\0';
	}
	strbuf_addstr(out, CTX_MAGIC);
	unsigned char len8[8];
	for (int i = 0; i < 8; i++)
		len8[i] = (unsigned char)((uint64_t)raw.len >> (8 * i));
	strbuf_add(out, len8, 8);
	deflate_store((const unsigned char *)raw.buf, raw.len, out);
	out->buf[out->len] = '\0';
	strbuf_release(&raw);
}

/* Reading. */
struct rd {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t get_u(struct rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64; shift += 7) {
		if (r->p >= r->end) {
			r->bad = 1;
			return 0;
		}
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

/* A count that must fit in what is left (each item takes >= 1 byte). */
static size_t get_n(struct rd *r)
{
	uint64_t n = get_u(r);
	if (n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return 0;
	}
	return (size_t)n;
}

static char *get_str(struct rd *r)
{
	size_t n = get_n(r);
	if (r->bad || memchr(r->p, '\0', n)) {
		r->bad = 1;
		return xstrdup("");
	}
	char *s = xstrndup((const char *)r->p, n);
	r->p += n;
	return s;
}

int ctx_store_detect(const void *data, size_t len)
{
	size_t m = strlen(CTX_MAGIC);
	return len >= m && !memcmp(data, CTX_MAGIC, m);
}

static int parse_raw(struct ctx_store *s, struct rd *r, struct strbuf *err)
{
	free(s->revision);
	s->revision = get_str(r);
	size_t nt = get_n(r);
	for (size_t i = 0; i < nt && !r->bad; i++) {
		char *id = get_str(r);
		uint64_t prog = get_u(r);
		if (prog > UINT32_MAX)
			r->bad = 1;
		if (ctx_test_index(s, id, (uint32_t)prog) != i)
			r->bad = 1;
		free(id);
	}
	size_t np = get_n(r);
	for (size_t i = 0; i < np && !r->bad; i++) {
		char *name = get_str(r);
		if (ctx_prog_index(s, name) != i)
			r->bad = 1;
		free(name);
		size_t ns = get_n(r);
		for (size_t k = 0; k < ns && !r->bad; k++) {
			uint64_t f = get_u(r);
			if (f > UINT32_MAX)
				r->bad = 1;
			else
				ctx_prog_add_source(&s->progs[i], (uint32_t)f);
		}
	}
	size_t nf = get_n(r);
	for (size_t i = 0; i < nf && !r->bad; i++) {
		char *path = get_str(r);
		if (ctx_file_index(s, path) != i)
			r->bad = 1;
		free(path);
		struct ctx_file *f = &s->files[s->nfiles - 1];
		free(f->blob);
		f->blob = get_str(r);
		size_t ne = get_n(r);
		GROW(f->entries, f->aentries, ne);
		uint64_t line = 0;
		for (size_t e = 0; e < ne && !r->bad; e++) {
			line += get_u(r);
			uint64_t br = get_u(r);
			size_t n = get_n(r);
			if (line > UINT32_MAX || br > UINT32_MAX) {
				r->bad = 1;
				break;
			}
			struct ctx_entry *en = &f->entries[f->nentries++];
			*en = (struct ctx_entry){(uint32_t)line, (uint32_t)br, 0, 0, NULL};
			uint64_t end = 0;
			for (size_t k = 0; k < n && !r->bad; k++) {
				/* every number below the test count: no overflow */
				uint64_t word = get_u(r), gap = word >> 1, len = 0;
				if (word & 1)
					len = get_u(r) + 1;
				if (len >= nt)
					len = nt;   /* refused below */
				uint64_t start = k ? end + 2 + gap : gap;
				if (gap >= nt || len >= nt || start + len >= nt) {
					r->bad = 1;
					break;
				}
				end = start + len;
				put_run(en, en->nr, (uint32_t)start, (uint32_t)end);
			}
		}
	}
	for (size_t i = 0; i < s->ntests && !r->bad; i++)
		if (s->tests[i].prog >= s->nprogs)
			r->bad = 1;
	for (size_t i = 0; i < s->nprogs && !r->bad; i++)
		for (size_t k = 0; k < s->progs[i].nsources; k++)
			if (s->progs[i].sources[k] >= s->nfiles)
				r->bad = 1;
	if (!r->bad && r->p != r->end)
		r->bad = 1;
	if (r->bad) {
		strbuf_addstr(err, "corrupt context store (bad table)");
		return -1;
	}
	ctx_store_normalize(s);
	return 0;
}

int ctx_store_parse(struct ctx_store *s, const void *data, size_t len,
		    struct strbuf *err)
{
	size_t m = strlen(CTX_MAGIC);
	if (!ctx_store_detect(data, len)) {
		strbuf_addstr(err, "not a context store (no \"covmerge-contexts 1\" "
			      "header)");
		return -1;
	}
	if (len < m + 8) {
		strbuf_addstr(err, "truncated context store");
		return -1;
	}
	const unsigned char *p = (const unsigned char *)data + m;
	uint64_t rawlen = 0;
	for (int i = 0; i < 8; i++)
		rawlen |= (uint64_t)p[i] << (8 * i);
	/* deflate shrinks by at most ~1032:1 */
	if (rawlen > (uint64_t)(len - m - 8) * 1100 + 64 || rawlen > (1ull << 32)) {
		strbuf_addstr(err, "corrupt context store (impossible length)");
		return -1;
	}
	unsigned char *raw = xmalloc(rawlen ? rawlen : 1);
	uLongf got = (uLongf)rawlen;
	int zrc = uncompress(raw, &got, p + 8, (uLong)(len - m - 8));
	if (zrc != Z_OK || got != rawlen) {
		free(raw);
		strbuf_addstr(err, "corrupt or truncated context store (zlib)");
		return -1;
	}
	struct rd r = {raw, raw + rawlen, 0};
	int rc = parse_raw(s, &r, err);
	free(raw);
	return rc;
}
