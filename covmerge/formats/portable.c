#include "portable.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "alloc.h"
#include "outfile.h"

int pshard_detect(const char *data, size_t len)
{
	size_t m = strlen(PSHARD_PREFIX);
	return len >= m && !memcmp(data, PSHARD_PREFIX, m);
}

/* A stored path: relative ones are under the root. */
static char *rel_to(const char *root, const char *path)
{
	size_t lr = strlen(root);
	if (lr > 1 && !strncmp(path, root, lr) && path[lr] == '/')
		return xstrdup(path + lr + 1);
	return xstrdup(path);
}

/* Reads one line starting at *p; returns it (NUL-terminated copy), or
 * NULL when there is no complete line, or it holds a NUL byte (which
 * would cut it short without a word). */
static char *take_line(const char **p, const char *end)
{
	const char *nl = memchr(*p, '\n', (size_t)(end - *p));
	if (!nl || memchr(*p, '\0', (size_t)(nl - *p)))
		return NULL;
	char *line = xstrndup(*p, (size_t)(nl - *p));
	*p = nl + 1;
	return line;
}

static int parse_u64(const char **s, uint64_t *v)
{
	char *end;
	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	*v = strtoull(*s, &end, 10);
	if (errno)
		return -1;
	*s = end;
	return 0;
}

static int parse_i64(const char **s, int64_t *v)
{
	char *end;
	if (!(**s == '-' || (**s >= '0' && **s <= '9')))
		return -1;
	errno = 0;
	*v = strtoll(*s, &end, 10);
	if (errno || end == *s)
		return -1;
	*s = end;
	return 0;
}

static int parse_object(struct pshard *ps, char *line, const char **p,
			const char *end, struct strbuf *err)
{
	char *fields[5];
	char *s = line + strlen("object ");
	for (int i = 0; i < 5; i++) {
		fields[i] = s;
		char *tab = strchr(s, '\t');
		if (!tab && i < 4)
			return strbuf_addstr(err, "bad object record"), -1;
		if (tab) {
			*tab = '\0';
			s = tab + 1;
		}
	}
	uint64_t glen, runs, ndata, nfuncs;
	const char *q;
	if ((q = fields[1], parse_u64(&q, &glen)) || *q ||
	    (q = fields[2], parse_u64(&q, &runs)) || *q ||
	    (q = fields[3], parse_u64(&q, &ndata)) || *q ||
	    (q = fields[4], parse_u64(&q, &nfuncs)) || *q || !fields[0][0])
		return strbuf_addstr(err, "bad object record"), -1;
	if (glen > (uint64_t)(end - *p))
		return strbuf_addf(err, "object \"%s\": notes data cut short", fields[0]), -1;
	if (nfuncs > (uint64_t)(end - *p))
		return strbuf_addf(err, "object \"%s\": implausible function count",
				   fields[0]), -1;
	GROW(ps->objs, ps->aobjs, ps->nobjs + 1);
	struct pshard_obj *o = &ps->objs[ps->nobjs++];
	memset(o, 0, sizeof(*o));
	o->name = xstrdup(fields[0]);
	o->gcno = xmalloc(glen ? glen : 1);
	memcpy(o->gcno, *p, glen);
	o->gcno_len = glen;
	*p += glen;
	o->runs = runs;
	o->ndata = ndata;
	char *files = take_line(p, end);
	const char *q2 = files ? files + 6 : NULL;
	uint64_t npaths;
	if (!files || strncmp(files, "files ", 6) || parse_u64(&q2, &npaths) ||
	    *q2 || npaths > (uint64_t)(end - *p)) {
		free(files);
		return strbuf_addf(err, "object \"%s\": bad files record", o->name), -1;
	}
	free(files);
	o->paths = xcalloc(npaths ? npaths : 1, sizeof(char *));
	for (uint64_t i = 0; i < npaths; i++) {
		char *pl = take_line(p, end);
		if (!pl || !pl[0]) {
			free(pl);
			return strbuf_addf(err, "object \"%s\": file names cut short "
					   "(or holding a NUL byte)", o->name), -1;
		}
		o->paths[o->npaths++] = pl;
	}
	o->funcs = xcalloc(nfuncs ? nfuncs : 1, sizeof(*o->funcs));
	for (uint64_t i = 0; i < nfuncs; i++) {
		char *fl = take_line(p, end);
		if (!fl)
			return strbuf_addf(err, "object \"%s\": counters cut short",
					   o->name), -1;
		const char *t = fl;
		uint64_t ident, lc, cc, n;
		int bad = parse_u64(&t, &ident) || *t++ != ' ' ||
			  parse_u64(&t, &lc) || *t++ != ' ' ||
			  parse_u64(&t, &cc) || *t++ != ' ' ||
			  parse_u64(&t, &n) || ident > UINT32_MAX || lc > UINT32_MAX ||
			  cc > UINT32_MAX || n > strlen(fl);
		struct pshard_func *f = &o->funcs[o->nfuncs];
		if (!bad) {
			f->ident = (uint32_t)ident;
			f->lineno_checksum = (uint32_t)lc;
			f->cfg_checksum = (uint32_t)cc;
			f->n = (uint32_t)n;
			f->counters = xcalloc(n ? n : 1, sizeof(int64_t));
			o->nfuncs++;
			/* t never steps past the line's NUL: a line announcing
			 * more counters than it holds stops at its end */
			for (uint64_t k = 0; k < n && !bad; k++) {
				bad = *t != ' ';
				if (!bad)
					t++;
				bad = bad || parse_i64(&t, &f->counters[k]);
			}
			bad = bad || *t != '\0';
		}
		free(fl);
		if (bad)
			return strbuf_addf(err, "object \"%s\": bad counter line",
					   o->name), -1;
	}
	return 0;
}

int pshard_parse(struct pshard *ps, const char *data, size_t len,
		 struct strbuf *err)
{
	const char *p = data, *end = data + len;
	if (!pshard_detect(data, len)) {
		strbuf_addstr(err, "not a covmerge portable shard");
		return -1;
	}
	if (len < strlen(PSHARD_MAGIC) ||
	    memcmp(data, PSHARD_MAGIC, strlen(PSHARD_MAGIC))) {
		const char *v = data + strlen(PSHARD_PREFIX);
		const char *nl = memchr(v, '\n', (size_t)(end - v));
		strbuf_addf(err, "portable shard format version \"%.*s\" is not "
			    "supported (this covmerge reads version 1)",
			    nl && nl - v < 20 ? (int)(nl - v) : 20, v);
		return -1;
	}
	p += strlen(PSHARD_MAGIC);
	int rc = 0, ended = 0;
	while (!rc && !ended) {
		char *line = take_line(&p, end);
		if (!line) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *nul = nl ? memchr(p, '\0', (size_t)(nl - p)) : NULL;
			if (nul)
				strbuf_addf(err, "a NUL byte at byte offset %zu of the "
					    "inflated shard", (size_t)(nul - data));
			else
				strbuf_addstr(err, "truncated: no end record");
			return -1;
		}
		if (!strncmp(line, "root ", 5) && !ps->root) {
			if (line[5] != '/') {
				strbuf_addstr(err, "the root record is not an absolute path");
				rc = -1;
			} else {
				ps->root = xstrdup(line + 5);
			}
		} else if (!strncmp(line, "object ", 7)) {
			rc = parse_object(ps, line, &p, end, err);
		} else if (!strncmp(line, "tracefile ", 10)) {
			const char *q = line + 10;
			uint64_t n;
			if (parse_u64(&q, &n) || *q || n > (uint64_t)(end - p)) {
				strbuf_addstr(err, "bad tracefile record");
				rc = -1;
			} else {
				GROW(ps->traces, ps->atraces, ps->ntraces + 1);
				strbuf_init(&ps->traces[ps->ntraces]);
				strbuf_add(&ps->traces[ps->ntraces], p, n);
				ps->ntraces++;
				p += n;
			}
		} else if (!strncmp(line, "contexts ", 9)) {
			const char *q = line + 9;
			uint64_t n;
			if (parse_u64(&q, &n) || *q || n > (uint64_t)(end - p)) {
				strbuf_addstr(err, "bad contexts record");
				rc = -1;
			} else {
				GROW(ps->contexts, ps->acontexts, ps->ncontexts + 1);
				strbuf_init(&ps->contexts[ps->ncontexts]);
				strbuf_add(&ps->contexts[ps->ncontexts], p, n);
				ps->ncontexts++;
				p += n;
			}
		} else if (!strcmp(line, "end")) {
			ended = 1;
		} else {
			strbuf_addf(err, "unknown record \"%.40s\"", line);
			rc = -1;
		}
		free(line);
	}
	if (!rc && !ps->root) {
		strbuf_addstr(err, "no root record");
		rc = -1;
	}
	return rc;
}

void pshard_release(struct pshard *ps)
{
	for (size_t i = 0; i < ps->nobjs; i++) {
		struct pshard_obj *o = &ps->objs[i];
		for (size_t f = 0; f < o->nfuncs; f++)
			free(o->funcs[f].counters);
		free(o->funcs);
		free(o->gcno);
		free(o->name);
		for (size_t k = 0; k < o->npaths; k++)
			free(o->paths[k]);
		free(o->paths);
	}
	free(ps->objs);
	for (size_t i = 0; i < ps->ntraces; i++)
		strbuf_release(&ps->traces[i]);
	free(ps->traces);
	for (size_t i = 0; i < ps->ncontexts; i++)
		strbuf_release(&ps->contexts[i]);
	free(ps->contexts);
	free(ps->root);
	free(ps->path);
	memset(ps, 0, sizeof(*ps));
}

void pshard_writer_init(struct pshard_writer *w, const char *root)
{
	strbuf_init(&w->body);
	w->root = xstrdup(root);
	strbuf_addf(&w->body, "%sroot %s\n", PSHARD_MAGIC, root);
}

void pshard_add_object(struct pshard_writer *w, const char *gcno_path,
		       const void *gcno, size_t gcno_len, uint64_t runs,
		       size_t ndata, char *const *paths, size_t npaths,
		       const struct pshard_func *funcs, size_t nfuncs)
{
	char *name = rel_to(w->root, gcno_path);
	size_t with_data = 0;
	for (size_t i = 0; i < nfuncs; i++)
		with_data += funcs[i].counters != NULL;
	strbuf_addf(&w->body, "object %s\t%zu\t%" PRIu64 "\t%zu\t%zu\n", name,
		    gcno_len, runs, ndata, with_data);
	free(name);
	strbuf_add(&w->body, gcno, gcno_len);
	strbuf_addf(&w->body, "files %zu\n", npaths);
	for (size_t i = 0; i < npaths; i++) {
		char *rel = rel_to(w->root, paths[i]);
		strbuf_addf(&w->body, "%s\n", rel);
		free(rel);
	}
	for (size_t i = 0; i < nfuncs; i++) {
		const struct pshard_func *f = &funcs[i];
		if (!f->counters)
			continue;
		strbuf_addf(&w->body, "%u %u %u %u", f->ident, f->lineno_checksum,
			    f->cfg_checksum, f->n);
		for (uint32_t k = 0; k < f->n; k++)
			strbuf_addf(&w->body, " %" PRId64, f->counters[k]);
		strbuf_addch(&w->body, '\n');
	}
}

void pshard_add_contexts(struct pshard_writer *w, const void *data, size_t len)
{
	strbuf_addf(&w->body, "contexts %zu\n", len);
	strbuf_add(&w->body, data, len);
}

void pshard_add_tracefile(struct pshard_writer *w, const char *text, size_t len)
{
	strbuf_addf(&w->body, "tracefile %zu\n", len);
	strbuf_add(&w->body, text, len);
}

int pshard_writer_commit(struct pshard_writer *w, const char *path,
			 struct strbuf *err)
{
	strbuf_addstr(&w->body, "end\n");
	/* a gzip stream (windowBits 15 + 16), so infile_load reads it back */
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	int rc = -1;
	struct strbuf out;
	strbuf_init(&out);
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		strbuf_addstr(err, "cannot initialise zlib");
		goto done;
	}
	strbuf_grow(&out, deflateBound(&zs, w->body.len) + 64);
	zs.next_in = (Bytef *)w->body.buf;
	zs.avail_in = (uInt)w->body.len;
	zs.next_out = (Bytef *)out.buf;
	zs.avail_out = (uInt)(out.alloc - 1);
	int zr = deflate(&zs, Z_FINISH);
	out.len = zs.total_out;
	deflateEnd(&zs);
	if (zr != Z_STREAM_END) {
		strbuf_addstr(err, "compression failed");
		goto done;
	}
	struct outfile of;
	if (outfile_open(&of, path, err) == 0) {
		fwrite(out.buf, 1, out.len, of.fp);
		rc = outfile_commit(&of, err);
	}
done:
	strbuf_release(&out);
	strbuf_release(&w->body);
	free(w->root);
	w->root = NULL;
	return rc;
}
