/* lcov tracefile input.
 *
 * A record per source file: SF:<path>, then FN:<line>[,<end>],<name>,
 * FNDA:<count>,<name>, BRDA:<line>,<block>,<branch>,<taken or ->,
 * DA:<line>,<count>[,<checksum>], the FNF/FNH/BRF/BRH/LF/LH totals (which
 * we recompute) and end_of_record. lcov 2's FNL/FNA function records are
 * read too; TN, VER and other keys are ignored. Branches keep the order
 * they appear in on their line. In covmerge's extended tracefiles
 * (lcov-ext, first line LCOV_DST_MARKER) the block field is the branch's
 * destination line and a LCOV_FNEND comment gives each function's end
 * line; elsewhere (plain lcov, covmerge's included) a branch's destination
 * is unknown. */
#include "lcov_read.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "counts.h"
#include "infile.h"
#include "path.h"

/* A branch as read, before it joins its line. */
struct br_in {
	unsigned line;
	size_t seq;
	struct cm_branch b;
};

/* lcov 2's function index: FNL:<index>,... then FNA:<index>,... */
struct fn_index {
	uint64_t index;
	size_t fn;           /* position in file.functions */
};

struct rec {
	struct cm_file file;
	size_t alines, afuncs;
	struct br_in *brs;
	size_t nbrs, abrs;
	struct fn_index *fnl;
	size_t nfnl, afnl;
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
	for (size_t i = r->file.nfunctions; i-- > 0;)
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

static void add_line(struct rec *r, unsigned lineno, int64_t count)
{
	GROW(r->file.lines, r->alines, r->file.nlines + 1);
	struct cm_line *l = &r->file.lines[r->file.nlines++];
	memset(l, 0, sizeof(*l));
	l->lineno = lineno;
	l->count = count < 0 ? 0 : count;
}

static int cmp_line(const void *a, const void *b)
{
	unsigned x = ((const struct cm_line *)a)->lineno;
	unsigned y = ((const struct cm_line *)b)->lineno;
	return x < y ? -1 : x > y;
}

static int cmp_br(const void *a, const void *b)
{
	const struct br_in *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct cm_file *)a)->path,
		      ((const struct cm_file *)b)->path);
}

/* Sorts and combines a record's lines (DA lines of one line add up) and
 * gives each line its branches, in the order they were read. */
static void finish_record(struct rec *r)
{
	struct cm_file *f = &r->file;
	for (size_t i = 0; i < r->nbrs; i++)
		add_line(r, r->brs[i].line, 0); /* a branch line without DA */
	if (f->nlines > 1)
		qsort(f->lines, f->nlines, sizeof(*f->lines), cmp_line);
	size_t w = 0;
	for (size_t i = 0; i < f->nlines; i++) {
		if (w && f->lines[w - 1].lineno == f->lines[i].lineno)
			f->lines[w - 1].count = count_add(f->lines[w - 1].count,
							  f->lines[i].count);
		else
			f->lines[w++] = f->lines[i];
	}
	f->nlines = w;
	if (r->nbrs > 1)
		qsort(r->brs, r->nbrs, sizeof(*r->brs), cmp_br);
	size_t li = 0;
	for (size_t i = 0; i < r->nbrs;) {
		size_t j = i;
		while (j < r->nbrs && r->brs[j].line == r->brs[i].line)
			j++;
		while (f->lines[li].lineno != r->brs[i].line)
			li++;
		struct cm_line *l = &f->lines[li];
		l->branches = xcalloc(j - i, sizeof(*l->branches));
		l->nbranches = j - i;
		for (size_t k = i; k < j; k++)
			l->branches[k - i] = r->brs[k].b;
		i = j;
	}
	free(r->brs);
	r->brs = NULL;
	r->nbrs = r->abrs = 0;
	free(r->fnl);
	r->fnl = NULL;
	r->nfnl = r->afnl = 0;
}

/* Parses one "KEY:value" line of a record. Returns NULL, or the problem. */
static const char *record_line(struct rec *r, const char *key, size_t klen,
			       const char *v, int ours)
{
	if (klen == 2 && !memcmp(key, "DA", 2)) {
		uint64_t ln;
		int64_t cnt;
		if (parse_u(&v, &ln) || *v++ != ',' || parse_i(&v, &cnt) ||
		    (*v && *v != ',') || !ln || ln > UINT32_MAX)
			return "bad DA record";
		add_line(r, (unsigned)ln, cnt);
	} else if (klen == 4 && !memcmp(key, "BRDA", 4)) {
		uint64_t ln, blk, br;
		int64_t taken = 0;
		int executed = 1;
		if (parse_u(&v, &ln) || *v++ != ',' || parse_u(&v, &blk) ||
		    *v++ != ',' || parse_u(&v, &br) || *v++ != ',' || !ln ||
		    ln > UINT32_MAX)
			return "bad BRDA record";
		if (*v == '-' && !v[1])
			executed = 0;
		else if (parse_i(&v, &taken) || *v)
			return "bad BRDA record";
		GROW(r->brs, r->abrs, r->nbrs + 1);
		struct br_in *b = &r->brs[r->nbrs];
		memset(b, 0, sizeof(*b));
		b->line = (unsigned)ln;
		b->seq = r->nbrs++;
		b->b.count = taken < 0 ? 0 : taken;
		b->b.src_executed = executed;
		b->b.dst_line = !ours ? CM_DST_UNKNOWN
			      : blk <= UINT32_MAX ? (unsigned)blk : CM_DST_UNKNOWN;
	} else if (klen == 2 && !memcmp(key, "FN", 2)) {
		uint64_t a, b = 0;
		if (parse_u(&v, &a) || *v++ != ',')
			return "bad FN record";
		/* lcov 2: FN:<start>,<end>,<name> */
		const char *save = v;
		if (parse_u(&v, &b) || *v != ',') {
			v = save;
			b = 0;
		} else {
			v++;
		}
		if (!*v)
			return "bad FN record";
		add_fn(r, v, (unsigned)a, (unsigned)b);
	} else if (klen == 4 && !memcmp(key, "FNDA", 4)) {
		int64_t c;
		if (parse_i(&v, &c) || *v++ != ',' || !*v)
			return "bad FNDA record";
		struct cm_function *fn = find_fn(r, v);
		if (!fn)
			fn = add_fn(r, v, 0, 0);
		fn->count = count_add(fn->count, c);
	} else if (klen == 3 && !memcmp(key, "FNL", 3)) {
		uint64_t idx, a, b = 0;
		if (parse_u(&v, &idx) || *v++ != ',' || parse_u(&v, &a) ||
		    (*v == ',' && (v++, parse_u(&v, &b))) || *v)
			return "bad FNL record";
		/* named by its first FNA; a placeholder until then */
		char *name = xasprintf("#%" PRIu64, idx);
		add_fn(r, name, (unsigned)a, (unsigned)b);
		free(name);
		GROW(r->fnl, r->afnl, r->nfnl + 1);
		r->fnl[r->nfnl++] = (struct fn_index){idx, r->file.nfunctions - 1};
	} else if (klen == 3 && !memcmp(key, "FNA", 3)) {
		uint64_t idx;
		int64_t c;
		if (parse_u(&v, &idx) || *v++ != ',' || parse_i(&v, &c) ||
		    *v++ != ',' || !*v)
			return "bad FNA record";
		struct cm_function *fn = NULL;
		for (size_t k = r->nfnl; k-- > 0 && !fn;)
			if (r->fnl[k].index == idx)
				fn = &r->file.functions[r->fnl[k].fn];
		if (!fn)
			return "FNA without its FNL";
		if (fn->name[0] == '#') {
			free(fn->name);
			fn->name = xstrdup(v);
			fn->count = c < 0 ? 0 : c;
		} else {
			/* an alias of the same function (a C++ constructor's
			 * variants, say): its calls add up */
			fn->count = count_add(fn->count, c);
		}
	}
	/* other keys (TN, FNF, FNH, BRF, BRH, LF, LH, ...) carry nothing we
	 * do not recompute */
	return NULL;
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
	size_t afiles = 0, lfne = strlen(LCOV_FNEND);
	struct rec r;
	int in_rec = 0, rc = 0, ours = 0;
	memset(&r, 0, sizeof(r));
	const char *p = text, *end = text + len;
	unsigned lineno = 0;
	/* a NUL would silently cut a line (or the whole file) short */
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		strbuf_addf(err, "a NUL byte at byte offset %zu: not a text tracefile",
			    (size_t)(nul - text));
		return -1;
	}
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
		if (lineno == 1 && !strcmp(line, LCOV_DST_MARKER)) {
			ours = 1;
		} else if (ours && in_rec && !strncmp(line, LCOV_FNEND, lfne)) {
			const char *q = line + lfne;
			uint64_t e;
			struct cm_function *fn;
			if (parse_u(&q, &e) || *q++ != ',' || !(fn = find_fn(&r, q)))
				bad = "bad function end comment";
			else
				fn->end_line = (unsigned)e;
		} else if (!line[0] || line[0] == '#') {
			/* blank lines and comments */
		} else if (!strcmp(line, "end_of_record")) {
			if (!in_rec) {
				bad = "end_of_record without SF";
			} else {
				finish_record(&r);
				GROW(out->files, afiles, out->nfiles + 1);
				out->files[out->nfiles++] = r.file;
				memset(&r, 0, sizeof(r));
				in_rec = 0;
			}
		} else if (!v) {
			bad = "not a tracefile line";
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
			} else {
				bad = record_line(&r, line, klen, v, ours);
			}
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
	if (in_rec || rc) {
		cm_file_release(&r.file);
		free(r.brs);
		free(r.fnl);
	}
	if (rc)
		obj_cov_release(out);
	else if (out->nfiles > 1)
		qsort(out->files, out->nfiles, sizeof(*out->files), cmp_file);
	return rc;
}
