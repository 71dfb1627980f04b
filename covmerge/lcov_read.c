/* lcov tracefile input.
 *
 * A record per source file: SF:<path>, then FN:<line>[,<end>],<name>,
 * FNDA:<count>,<name>, BRDA:<line>,<block>,<branch>,<taken or ->,
 * DA:<line>,<count>[,<checksum>], the FNF/FNH/BRF/BRH/LF/LH totals (which
 * we recompute) and end_of_record. lcov 2's FNL/FNA function records are
 * read too; TN, VER and other keys are ignored. Branches keep the order
 * they appear in on their line. In tracefiles covmerge wrote (first line
 * LCOV_DST_MARKER) the block field is the branch's destination line. */
#include "lcov_read.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "infile.h"
#include "path.h"

struct rec {
	struct cm_file file;
	size_t alines, afuncs;
};

static int parse_u(const char **p, uint64_t *v)
{
	char *end;
	if (**p < '0' || **p > '9')
		return -1;
	*v = strtoull(*p, &end, 10);
	*p = end;
	return 0;
}

static int parse_i(const char **p, int64_t *v)
{
	char *end;
	if ((**p < '0' || **p > '9') && **p != '-')
		return -1;
	*v = strtoll(*p, &end, 10);
	if (end == *p)
		return -1;
	*p = end;
	return 0;
}

static struct cm_function *find_fn(struct rec *r, const char *name)
{
	for (size_t i = 0; i < r->file.nfunctions; i++)
		if (!strcmp(r->file.functions[i].name, name))
			return &r->file.functions[i];
	return NULL;
}

static struct cm_function *add_fn(struct rec *r, const char *name, unsigned line,
				  unsigned end)
{
	struct cm_function *fn = find_fn(r, name);
	if (fn)
		return fn;
	GROW(r->file.functions, r->afuncs, r->file.nfunctions + 1);
	fn = &r->file.functions[r->file.nfunctions++];
	memset(fn, 0, sizeof(*fn));
	fn->name = xstrdup(name);
	fn->start_line = line;
	fn->end_line = end ? end : line;
	return fn;
}

static struct cm_line *line_of(struct rec *r, unsigned lineno)
{
	/* records list lines in order, so the last one is the usual hit */
	for (size_t i = r->file.nlines; i-- > 0;) {
		if (r->file.lines[i].lineno == lineno)
			return &r->file.lines[i];
		if (r->file.nlines - i > 8)
			break;
	}
	for (size_t i = 0; i < r->file.nlines; i++)
		if (r->file.lines[i].lineno == lineno)
			return &r->file.lines[i];
	GROW(r->file.lines, r->alines, r->file.nlines + 1);
	struct cm_line *l = &r->file.lines[r->file.nlines++];
	memset(l, 0, sizeof(*l));
	l->lineno = lineno;
	return l;
}

static int cmp_line(const void *a, const void *b)
{
	unsigned x = ((const struct cm_line *)a)->lineno;
	unsigned y = ((const struct cm_line *)b)->lineno;
	return x < y ? -1 : x > y;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct cm_file *)a)->path,
		      ((const struct cm_file *)b)->path);
}

int lcov_read(const char *path, struct obj_cov *out, struct strbuf *err)
{
	struct strbuf data;
	strbuf_init(&data);
	int rc = infile_load(path, &data, err);
	if (rc == 0)
		rc = lcov_parse(data.buf, data.len, out, err);
	strbuf_release(&data);
	return rc;
}

int lcov_parse(const char *text, size_t len, struct obj_cov *out,
	       struct strbuf *err)
{
	size_t afiles = 0;
	struct rec r;
	int in_rec = 0, rc = 0, dst_mode = 0;
	memset(&r, 0, sizeof(r));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	while (p < end && !rc) {
		lineno++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *line = xstrndup(p, n);
		if (n && line[n - 1] == '\r')
			line[n - 1] = '\0';
		p = nl ? nl + 1 : end;
		const char *v = strchr(line, ':');
		const char *bad = NULL;
		if (lineno == 1 && !strcmp(line, LCOV_DST_MARKER))
			dst_mode = 1;
		if (!line[0] || line[0] == '#' || !v) {
			if (line[0] && line[0] != '#' && strcmp(line, "end_of_record"))
				bad = "not a tracefile line";
			else if (!strcmp(line, "end_of_record")) {
				if (!in_rec) {
					bad = "end_of_record without SF";
				} else {
					if (r.file.nlines > 1)
						qsort(r.file.lines, r.file.nlines,
						      sizeof(*r.file.lines), cmp_line);
					GROW(out->files, afiles, out->nfiles + 1);
					out->files[out->nfiles++] = r.file;
					memset(&r, 0, sizeof(r));
					in_rec = 0;
				}
			}
		} else {
			size_t klen = (size_t)(v - line);
			v++;
			if (klen == 2 && !memcmp(line, "SF", 2)) {
				if (in_rec)
					bad = "SF inside a record (missing end_of_record)";
				else if (!*v)
					bad = "empty SF";
				else {
					r.file.path = path_absolute(NULL, v);
					in_rec = 1;
				}
			} else if (!in_rec) {
				/* only TN and VER may stand outside records */
				if (!(klen == 2 && !memcmp(line, "TN", 2)) &&
				    !(klen == 3 && !memcmp(line, "VER", 3)))
					bad = "record line outside SF ... end_of_record";
			} else if (klen == 2 && !memcmp(line, "DA", 2)) {
				uint64_t ln;
				int64_t cnt;
				if (parse_u(&v, &ln) || *v++ != ',' || parse_i(&v, &cnt) ||
				    !ln || ln > UINT32_MAX)
					bad = "bad DA record";
				else {
					struct cm_line *l = line_of(&r, (unsigned)ln);
					if (cnt < 0)
						cnt = 0;
					l->count = (int64_t)((uint64_t)l->count + (uint64_t)cnt);
				}
			} else if (klen == 4 && !memcmp(line, "BRDA", 4)) {
				uint64_t ln, blk, br;
				int64_t taken = 0;
				int executed = 1;
				if (parse_u(&v, &ln) || *v++ != ',' || parse_u(&v, &blk) ||
				    *v++ != ',' || parse_u(&v, &br) || *v++ != ',' || !ln ||
				    ln > UINT32_MAX)
					bad = "bad BRDA record";
				else if (*v == '-' && !v[1])
					executed = 0;
				else if (parse_i(&v, &taken))
					bad = "bad BRDA record";
				if (!bad) {
					struct cm_line *l = line_of(&r, (unsigned)ln);
					l->branches = xreallocarray(l->branches, l->nbranches + 1,
								    sizeof(*l->branches));
					struct cm_branch *b = &l->branches[l->nbranches++];
					memset(b, 0, sizeof(*b));
					b->count = taken < 0 ? 0 : taken;
					b->src_executed = executed;
					b->dst_line = dst_mode && blk <= UINT32_MAX ? (unsigned)blk : 0;
				}
			} else if (klen == 2 && !memcmp(line, "FN", 2)) {
				uint64_t a, b = 0;
				if (parse_u(&v, &a) || *v++ != ',')
					bad = "bad FN record";
				else {
					/* lcov 2: FN:<start>,<end>,<name> */
					const char *save = v;
					if (parse_u(&v, &b) || *v != ',') {
						v = save;
						b = 0;
					} else {
						v++;
					}
					if (!*v)
						bad = "bad FN record";
					else
						add_fn(&r, v, (unsigned)a, (unsigned)b);
				}
			} else if (klen == 4 && !memcmp(line, "FNDA", 4)) {
				int64_t c;
				if (parse_i(&v, &c) || *v++ != ',' || !*v)
					bad = "bad FNDA record";
				else {
					struct cm_function *fn = find_fn(&r, v);
					if (!fn)
						fn = add_fn(&r, v, 0, 0);
					fn->count = (int64_t)((uint64_t)fn->count +
							      (uint64_t)(c < 0 ? 0 : c));
				}
			} else if (klen == 3 && !memcmp(line, "FNL", 3)) {
				uint64_t idx, a, b = 0;
				if (parse_u(&v, &idx) || *v++ != ',' || parse_u(&v, &a) ||
				    (*v == ',' && (v++, parse_u(&v, &b))))
					bad = "bad FNL record";
				else {
					char *name = xasprintf("#%" PRIu64, idx);
					add_fn(&r, name, (unsigned)a, (unsigned)b);
					free(name);
				}
			} else if (klen == 3 && !memcmp(line, "FNA", 3)) {
				uint64_t idx;
				int64_t c;
				if (parse_u(&v, &idx) || *v++ != ',' || parse_i(&v, &c) ||
				    *v++ != ',' || !*v)
					bad = "bad FNA record";
				else {
					char *key = xasprintf("#%" PRIu64, idx);
					struct cm_function *fn = find_fn(&r, key);
					free(key);
					if (!fn) {
						bad = "FNA without its FNL";
					} else if (fn->name[0] == '#') {
						free(fn->name);
						fn->name = xstrdup(v);
						fn->count = c < 0 ? 0 : c;
					} else {
						/* an alias of the same function */
						fn->count += c < 0 ? 0 : c;
					}
				}
			}
			/* other keys (TN, FNF, FNH, BRF, BRH, LF, LH, ...) carry
			 * nothing we do not recompute */
		}
		free(line);
		if (bad) {
			strbuf_addf(err, "line %u: %s", lineno, bad);
			rc = -1;
		}
	}
	if (!rc && in_rec) {
		strbuf_addstr(err, "truncated: the last record has no end_of_record");
		rc = -1;
	}
	if (in_rec || rc)
		cm_file_release(&r.file);
	if (rc)
		obj_cov_release(out);
	else if (out->nfiles > 1)
		qsort(out->files, out->nfiles, sizeof(*out->files), cmp_file);
	return rc;
}
