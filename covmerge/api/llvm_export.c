/* Running llvm-profdata and llvm-cov for source-based coverage: each tool
 * as a child process with its standard output and error in files of a
 * private temporary directory, which goes again whatever happens. What a
 * tool says on failure is shown whole, under a line naming the tool and
 * the files it was given. */
#include "llvm_export.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "elf_cov.h"
#include "infile.h"
#include "manifest.h"
#include "outfile.h"
#include "profraw.h"
#include "run_capture.h"
#include "strbuf.h"

/* Past this much argument text the profiles go to llvm-profdata as a
 * list file (-f) instead of on its command line. */
#define ARGV_TEXT_MAX 65536

struct ctx {
	cm_emit_fn *emit;
	void *emit_ctx;
	size_t errors;
};

static void say(struct ctx *c, enum cm_severity sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct ctx *c, enum cm_severity sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vemitf(c->emit, c->emit_ctx, sev, fmt, ap);
	va_end(ap);
	if (sev == CM_ERROR)
		c->errors++;
}

static int is_profile(const char *p)
{
	return path_has_suffix(p, ".profraw") || path_has_suffix(p, ".profdata");
}

/* ------------------------------------------------------------ inputs */

/* Sorts the inputs into profiles, runner manifests' binaries and the
 * rest. */
static void split_inputs(const char *const *inputs, size_t n,
			 struct path_list *profiles, struct path_list *ran,
			 struct path_list *rest)
{
	static const char *const suffixes[] = {".profraw", ".profdata", NULL};
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		const char *in = inputs[i];
		if (stat(in, &st) == 0 && S_ISREG(st.st_mode) && is_profile(in)) {
			path_list_add(profiles, path_absolute(NULL, in));
			continue;
		}
		path_list_add(rest, xstrdup(in));
		if (stat(in, &st) != 0 || !S_ISDIR(st.st_mode))
			continue;
		/* (an unreadable directory is reported by the shard search) */
		struct path_list found[2] = {{0}, {0}};
		char *bad = NULL;
		path_walk(in, suffixes, found, &bad);
		free(bad);
		for (int k = 0; k < 2; k++) {
			for (size_t j = 0; j < found[k].n; j++)
				path_list_add(profiles, found[k].v[j]);
			free(found[k].v);
		}
		char *manifest = path_join(in, "manifest.json");
		if (stat(manifest, &st) == 0)
			manifest_binaries(in, ran);
		free(manifest);
	}
	path_list_sort(profiles);
}

/* Takes the empty raw profiles out of profiles into empty: a program
 * instrumented by clang makes its .profraw when it starts and fills it when
 * it exits normally, so one that crashed, called abort() or _exit(), or
 * died of a signal leaves 0 bytes, which llvm-profdata skips without a
 * word. */
static void take_empty(struct path_list *profiles, struct path_list *empty)
{
	size_t kept = 0;
	for (size_t i = 0; i < profiles->n; i++) {
		struct stat st;
		char *p = profiles->v[i];
		if (path_has_suffix(p, ".profraw") && stat(p, &st) == 0 && st.st_size == 0)
			path_list_add(empty, p);
		else
			profiles->v[kept++] = p;
	}
	profiles->n = kept;
}

#define EMPTY_WHY "their programs ended without writing their counts (a crash, " \
	"abort(), _exit() or a signal)"

/* ---------------------------------------------------------- binaries */

static int listed(const struct path_list *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], p))
			return 1;
	return 0;
}

/* dir with $ORIGIN (or ${ORIGIN}) replaced by origin. */
static char *expand_origin(const char *dir, const char *origin)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (const char *p = dir; *p;) {
		if (!strncmp(p, "$ORIGIN", 7)) {
			strbuf_addstr(&sb, origin);
			p += 7;
		} else if (!strncmp(p, "${ORIGIN}", 9)) {
			strbuf_addstr(&sb, origin);
			p += 9;
		} else {
			strbuf_addch(&sb, *p++);
		}
	}
	return strbuf_detach(&sb, NULL);
}

/* The libraries of the binary at real (read into e) that its run path
 * finds, queued for a look. */
static void queue_libraries(const char *real, const struct elf_cov *e,
			    struct path_list *queue)
{
	char *origin = path_dirname(real);
	for (size_t i = 0; i < e->needed.n; i++) {
		if (strchr(e->needed.v[i], '/'))
			continue;
		for (size_t k = 0; k < e->runpath.n; k++) {
			char *dir = expand_origin(e->runpath.v[k], origin);
			char *lib = path_join(dir, e->needed.v[i]);
			free(dir);
			if (access(lib, R_OK) == 0) {
				path_list_add(queue, lib);
				break;
			}
			free(lib);
		}
	}
	free(origin);
}

/* The binaries to read the profiles with, into out (real paths, each
 * once): the named ones (an error each when it cannot be read or has no
 * coverage mapping), the ran ones and the libraries found with a
 * coverage mapping. */
static void pick_binaries(const struct path_list *named,
			  const struct path_list *ran, struct path_list *out,
			  struct ctx *c)
{
	struct path_list queue = {0}, seen = {0};
	size_t nnamed = named->n;
	for (size_t i = 0; i < named->n; i++)
		path_list_add(&queue, xstrdup(named->v[i]));
	for (size_t i = 0; i < ran->n; i++)
		path_list_add(&queue, xstrdup(ran->v[i]));
	for (size_t i = 0; i < queue.n; i++) {
		const char *p = queue.v[i];
		int is_named = i < nnamed;
		char *real = realpath(p, NULL);
		if (!real) {
			if (is_named)
				say(c, CM_ERROR, "cannot read the binary \"%s\": %s", p,
				    strerror(errno));
			continue;
		}
		if (listed(&seen, real)) {
			free(real);
			continue;
		}
		struct elf_cov e = {0};
		elf_cov_read(real, &e);
		if (is_named && !e.covmap)
			say(c, CM_ERROR, "the binary \"%s\" holds no coverage mapping%s\n"
			    "hint: build it with clang -fprofile-instr-generate "
			    "-fcoverage-mapping", p,
			    e.is_elf ? "" : " (it is no ELF program or library)");
		else if (e.covmap)
			path_list_add(out, xstrdup(real));
		/* the project's own instrumented libraries, found where the
		 * binary's run path says: only through an instrumented binary
		 * or a test program */
		if (e.is_elf && (e.covmap || i < nnamed + ran->n))
			queue_libraries(real, &e, &queue);
		elf_cov_release(&e);
		path_list_add(&seen, real);
	}
	path_list_release(&queue);
	path_list_release(&seen);
}

/* ------------------------------------------------------------- tools */

static int runnable(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* name (no '/') found on PATH, or NULL. */
static char *on_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		return NULL;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		char *dir = n ? xstrndup(p, n) : xstrdup(".");
		char *cand = path_join(dir, name);
		free(dir);
		if (runnable(cand))
			return cand;
		free(cand);
		p += n;
		if (*p == ':')
			p++;
	}
	return NULL;
}

/* The highest base-N (N digits) on PATH, or NULL. */
static char *highest_versioned(const char *base)
{
	const char *path = getenv("PATH");
	size_t bl = strlen(base);
	char *best = NULL;
	long best_v = -1;
	for (const char *p = path ? path : ""; *p;) {
		size_t n = strcspn(p, ":");
		char *dir = n ? xstrndup(p, n) : xstrdup(".");
		DIR *dp = opendir(dir);
		struct dirent *de;
		while (dp && (de = readdir(dp))) {
			const char *s = de->d_name;
			if (strncmp(s, base, bl) || s[bl] != '-' || !isdigit((unsigned char)s[bl + 1]) ||
			    strspn(s + bl + 1, "0123456789") != strlen(s + bl + 1))
				continue;
			long v = strtol(s + bl + 1, NULL, 10);
			char *cand = path_join(dir, s);
			if (v > best_v && runnable(cand)) {
				free(best);
				best = cand;
				best_v = v;
			} else {
				free(cand);
			}
		}
		if (dp)
			closedir(dp);
		free(dir);
		p += n;
		if (*p == ':')
			p++;
	}
	return best;
}

/* The tool base (llvm-profdata, llvm-cov): $env, else base-<suffix> when a
 * suffix (a version) is preferred, else base, else the highest
 * base-N. NULL with an error said when there is none. */
static char *find_tool(const char *base, const char *env, const char *suffix,
		       struct ctx *c)
{
	const char *set = getenv(env);
	if (set && *set) {
		char *t = strchr(set, '/') ? (runnable(set) ? xstrdup(set) : NULL)
					   : on_path(set);
		if (!t)
			say(c, CM_ERROR, "%s names \"%s\", which is no executable "
			    "file%s", env, set, strchr(set, '/') ? "" : " on PATH");
		return t;
	}
	char *t = NULL;
	if (suffix) {
		char *name = xasprintf("%s%s", base, suffix);
		t = on_path(name);
		free(name);
	}
	if (!t)
		t = on_path(base);
	if (!t)
		t = highest_versioned(base);
	if (!t)
		say(c, CM_ERROR, "cannot read the LLVM profiles: %s is not on PATH "
		    "(nor a versioned %s-N)\n"
		    "hint: install LLVM's tools (Debian package \"llvm\"), or name "
		    "the tool with %s=PATH", base, base, env);
	return t;
}

/* The version suffix ("-14") of a tool found as base-N, or NULL. */
static const char *version_suffix(const char *tool, const char *base)
{
	const char *name = path_basename(tool);
	size_t bl = strlen(base);
	if (strncmp(name, base, bl) || name[bl] != '-' || !name[bl + 1] ||
	    strspn(name + bl + 1, "0123456789") != strlen(name + bl + 1))
		return NULL;
	return name + bl;
}

/* ---------------------------------------------------------- running */


/* A tool's standard error, its last newline taken off ("" when empty). */
static void read_stderr(const char *err_path, struct strbuf *text)
{
	struct strbuf why;
	strbuf_init(&why);
	if (infile_load(err_path, text, &why))
		strbuf_addf(text, "(its output could not be read: %s)", why.buf);
	while (text->len && text->buf[text->len - 1] == '\n')
		text->buf[--text->len] = '\0';
	strbuf_release(&why);
}

/* "a", "a" and "b", or "a" and N more. */
static void name_files(struct strbuf *sb, const struct path_list *l)
{
	if (l->n == 0)
		return;
	strbuf_addf(sb, "\"%s\"", l->v[0]);
	if (l->n == 2)
		strbuf_addf(sb, " and \"%s\"", l->v[1]);
	else if (l->n > 2)
		strbuf_addf(sb, " and %zu more", l->n - 1);
}

/* Runs argv; an error naming what and the tool's own words when it
 * fails. Returns 0 or -1. */
static int run_step(char *const *argv, const char *out_path,
		    const char *err_path, const char *what, struct ctx *c)
{
	struct strbuf why, text;
	strbuf_init(&why);
	strbuf_init(&text);
	int status = cm_run_to_files(argv, out_path, err_path, &why);
	int rc = 0;
	if (status < 0) {
		say(c, CM_ERROR, "%s: %s", what, why.buf);
		rc = -1;
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		read_stderr(err_path, &text);
		cm_describe_status(&why, status);
		say(c, CM_ERROR, "%s: `%s` failed (%s)%s%s", what,
		    path_basename(argv[0]), why.buf, text.len ? ", saying:\n" : "",
		    text.buf);
		rc = -1;
	}
	strbuf_release(&why);
	strbuf_release(&text);
	return rc;
}

/* Writes text to path whole; an error said when it cannot. */
static int write_file(const char *path, const char *text, size_t len,
		      struct ctx *c)
{
	FILE *fp = fopen(path, "w");
	int bad = !fp;
	if (fp) {
		bad = fwrite(text, 1, len, fp) != len;
		bad |= fclose(fp) != 0;
	}
	if (bad)
		say(c, CM_ERROR, "cannot write \"%s\": %s", path, strerror(errno));
	return bad ? -1 : 0;
}

static int merge_profiles(const char *tool, const struct path_list *profiles,
			  const char *tmp, const char *profdata, struct ctx *c)
{
	size_t text = 0;
	for (size_t i = 0; i < profiles->n; i++)
		text += strlen(profiles->v[i]) + 1;
	char *list = path_join(tmp, "profiles.txt");
	size_t argc = 0;
	char **argv = xcalloc(profiles->n + 8, sizeof(*argv));
	argv[argc++] = xstrdup(tool);
	argv[argc++] = xstrdup("merge");
	argv[argc++] = xstrdup("-sparse");
	argv[argc++] = xstrdup("-o");
	argv[argc++] = xstrdup(profdata);
	int rc = 0;
	if (text > ARGV_TEXT_MAX) {
		struct strbuf sb;
		strbuf_init(&sb);
		for (size_t i = 0; i < profiles->n; i++)
			strbuf_addf(&sb, "%s\n", profiles->v[i]);
		rc = write_file(list, sb.buf, sb.len, c);
		strbuf_release(&sb);
		argv[argc++] = xasprintf("--input-files=%s", list);
	} else {
		for (size_t i = 0; i < profiles->n; i++)
			argv[argc++] = xstrdup(profiles->v[i]);
	}
	if (!rc) {
		struct strbuf what;
		strbuf_init(&what);
		strbuf_addstr(&what, "cannot merge the LLVM profiles ");
		name_files(&what, profiles);
		char *out = path_join(tmp, "profdata.out");
		char *err = path_join(tmp, "profdata.err");
		rc = run_step(argv, out, err, what.buf, c);
		free(out);
		free(err);
		strbuf_release(&what);
	}
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	free(list);
	return rc;
}

/* ------------------------------------------------- the exported text */

/* LLVM names a function of internal linkage "<source file>:<name>" in its
 * profiles, and so in the export; the same static function of a header
 * compiled into several programs is one function, as gcov's data has it:
 * the prefix goes (C names and mangled C++ names hold no ':'). */
static void add_line_plain_names(struct strbuf *out, const char *line,
				 size_t n)
{
	size_t key = !strncmp(line, "FN:", 3) ? 3 : !strncmp(line, "FNDA:", 5) ? 5 : 0;
	const char *comma = key ? memchr(line + key, ',', n - key) : NULL;
	const char *colon = NULL;
	for (const char *p = comma; p && p < line + n; p++)
		if (*p == ':')
			colon = p;
	if (colon && colon + 1 < line + n) {
		strbuf_add(out, line, (size_t)(comma + 1 - line));
		strbuf_add(out, colon + 1, (size_t)(line + n - colon - 1));
	} else {
		strbuf_add(out, line, n);
	}
	strbuf_addch(out, '\n');
}

/* What the export holds, besides its text. */
struct export_scan {
	int counted;            /* some line ran */
	/* records listing more branches (BRDA) than their summary (BRF)
	 * counts: code compiled into several binaries, whose branches
	 * llvm-cov lists once per binary */
	size_t nrepeated;
	char *first;            /* the first such file */
	size_t listed, summary; /* its counts */
};

/* The export with plain function names into out, scanned into sc. */
static void plain_names(const struct strbuf *in, struct strbuf *out,
			struct export_scan *sc)
{
	const char *sf = NULL;
	size_t sf_len = 0, nbrda = 0;
	unsigned long long brf = 0;
	for (const char *p = in->buf, *end = in->buf + in->len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 3 && !strncmp(p, "DA:", 3)) {
			const char *comma = memchr(p, ',', n);
			if (comma && comma + 1 < p + n && comma[1] != '0')
				sc->counted = 1;
		} else if (n > 3 && !strncmp(p, "SF:", 3)) {
			sf = p + 3;
			sf_len = n - 3;
			nbrda = 0;
			brf = 0;
		} else if (n > 5 && !strncmp(p, "BRDA:", 5)) {
			nbrda++;
		} else if (n > 4 && !strncmp(p, "BRF:", 4)) {
			brf = strtoull(p + 4, NULL, 10);
		} else if (n == 13 && !strncmp(p, "end_of_record", 13) && sf &&
			   nbrda > brf) {
			if (!sc->nrepeated++) {
				sc->first = xstrndup(sf, sf_len);
				sc->listed = nbrda;
				sc->summary = (size_t)brf;
			}
		}
		add_line_plain_names(out, p, n);
		p += n + 1;
	}
}

static int mtime_after(const struct stat *a, const struct stat *b)
{
	if (a->st_mtim.tv_sec != b->st_mtim.tv_sec)
		return a->st_mtim.tv_sec > b->st_mtim.tv_sec;
	return a->st_mtim.tv_nsec > b->st_mtim.tv_nsec;
}

/* The first binary written after the newest profile, or NULL. */
static const char *newer_binary(const struct path_list *bins,
				const struct path_list *profiles)
{
	struct stat newest = {0}, st;
	for (size_t i = 0; i < profiles->n; i++)
		if (stat(profiles->v[i], &st) == 0 && mtime_after(&st, &newest))
			newest = st;
	for (size_t i = 0; i < bins->n; i++)
		if (stat(bins->v[i], &st) == 0 && mtime_after(&st, &newest))
			return bins->v[i];
	return NULL;
}

/* Checks llvm-cov's export (its output in out, its standard error in
 * err) and writes it, function names plain, to tracefile. what names the
 * step in errors. Functions with mismatched data are an error when a
 * binary is newer than every profile (rebuilt since the run: its counts
 * would read as 0), else a warning: a function whose name several
 * binaries share, run in one of them only, reads so too. */
static int take_export(const char *tool, const char *what, const char *out,
		       const char *err, const char *tracefile,
		       const struct path_list *bins,
		       const struct path_list *profiles, int branch,
		       struct ctx *c)
{
	const char *newer;
	struct strbuf text, warn, plain, why;
	strbuf_init(&text);
	strbuf_init(&warn);
	strbuf_init(&plain);
	strbuf_init(&why);
	read_stderr(err, &warn);
	struct export_scan sc = {0};
	int rc = 0;
	if (infile_load(out, &text, &why)) {
		say(c, CM_ERROR, "%s: %s", what, why.buf);
		rc = -1;
	} else if (strstr(warn.buf, "mismatched data") &&
		   (newer = newer_binary(bins, profiles))) {
		/* counters of another build of a function: its counts would
		 * read as 0 */
		say(c, CM_ERROR, "%s: the profiles do not match the binaries: "
		    "\"%s\" is newer than every profile (rebuilt since the "
		    "run?); `%s` said:\n%s", what, newer, path_basename(tool),
		    warn.buf);
		rc = -1;
	} else {
		plain_names(&text, &plain, &sc);
		if (!sc.counted) {
			say(c, CM_ERROR, "%s: no line of the binaries ran in these "
			    "profiles (were they written by other programs?)%s%s",
			    what, warn.len ? "; llvm-cov said:\n" : "", warn.buf);
			rc = -1;
		} else if (warn.len) {
			/* a function whose name several binaries share, run
			 * in one of them only, reads as mismatched in the
			 * others (and counts 0 there, as it should) */
			say(c, CM_WARNING, "`%s export` said:\n%s",
			    path_basename(tool), warn.buf);
		}
	}
	if (!rc && branch && sc.nrepeated)
		say(c, CM_WARNING, "branches of code compiled into several binaries "
		    "count once per binary: llvm-cov's export lists %zu branches "
		    "of \"%s\", its own summary %zu (%zu file%s so)", sc.listed,
		    sc.first, sc.summary, sc.nrepeated, sc.nrepeated == 1 ? "" : "s");
	if (!rc)
		rc = write_file(tracefile, plain.buf, plain.len, c);
	free(sc.first);
	strbuf_release(&text);
	strbuf_release(&warn);
	strbuf_release(&plain);
	strbuf_release(&why);
	return rc;
}

static int export_lcov(const char *tool, const struct path_list *bins,
		       const char *profdata, const char *tmp,
		       const struct path_list *profiles, const char *tracefile,
		       int branch, struct ctx *c)
{
	char **argv = xcalloc(2 * bins->n + 6, sizeof(*argv));
	size_t argc = 0;
	argv[argc++] = xstrdup(tool);
	argv[argc++] = xstrdup("export");
	argv[argc++] = xstrdup("-format=lcov");
	argv[argc++] = xasprintf("-instr-profile=%s", profdata);
	for (size_t i = 0; i < bins->n; i++) {
		if (i)
			argv[argc++] = xstrdup("-object");
		argv[argc++] = xstrdup(bins->v[i]);
	}
	struct strbuf what;
	strbuf_init(&what);
	strbuf_addstr(&what, "cannot read the LLVM profiles ");
	name_files(&what, profiles);
	strbuf_addstr(&what, " with the binaries ");
	name_files(&what, bins);
	char *out = path_join(tmp, "export.info");
	char *err = path_join(tmp, "export.err");
	int rc = run_step(argv, out, err, what.buf, c);
	if (!rc)
		rc = take_export(tool, what.buf, out, err, tracefile, bins,
				 profiles, branch, c);
	free(out);
	free(err);
	for (size_t i = 0; i < argc; i++)
		free(argv[i]);
	free(argv);
	strbuf_release(&what);
	return rc;
}

/* ------------------------------------------------------------- public */

/* The names the tools' files get in the temporary directory. */
static const char *const tmp_names[] = {
	"profiles.txt", "profdata.out", "profdata.err", "merged.profdata",
	"export.info", "export.err", "llvm-cov-export.info",
};
#define NTMP (sizeof(tmp_names) / sizeof(tmp_names[0]))

/* Makes x->tmpdir, its files tracked for removal on SIGINT, SIGTERM and
 * SIGHUP (outfile_cleanup_on_signals) and the directory after them. */
static int make_tmpdir(struct llvm_export *x, struct ctx *c)
{
	const char *base = getenv("TMPDIR");
	char *templ = xasprintf("%s/covmerge-llvm.XXXXXX",
				base && *base ? base : "/tmp");
	if (!mkdtemp(templ)) {
		say(c, CM_ERROR, "cannot create a temporary directory \"%s\": %s",
		    templ, strerror(errno));
		free(templ);
		return -1;
	}
	x->tmpdir = templ;
	for (size_t i = 0; i < NTMP; i++) {
		path_list_add(&x->tracked, path_join(templ, tmp_names[i]));
		outfile_track(x->tracked.v[i]);
	}
	outfile_track(x->tmpdir);
	return 0;
}

/* Says which binaries no raw profile names by its build id (their
 * programs did not run: llvm-cov's export leaves the code that only they
 * compile out of the report, or counts it with another program's
 * function of the same name), and which raw profiles name a build id no
 * binary has (the code that only their programs compile is read with no
 * binary: not in the report).
 * Says nothing when a profile cannot tell (an indexed .profdata, a raw
 * format without ids), and nothing of the profiles when a binary has no
 * build id. */
static void say_unmatched(const struct path_list *profiles,
			  const struct path_list *bins, struct ctx *c)
{
	/* the profiles' ids, profile i's from first[i] */
	struct path_list ids = {0};
	size_t *first = xcalloc(profiles->n + 1, sizeof(*first));
	struct strbuf data, err;
	strbuf_init(&data);
	strbuf_init(&err);
	int tells = profiles->n > 0;
	for (size_t i = 0; i < profiles->n && tells; i++) {
		strbuf_reset(&data);
		strbuf_reset(&err);
		first[i] = ids.n;
		tells = path_has_suffix(profiles->v[i], ".profraw") &&
			!infile_load(profiles->v[i], &data, &err) &&
			profraw_binary_ids((const unsigned char *)data.buf, data.len,
					   &ids) == 1;
	}
	first[profiles->n] = ids.n;
	struct path_list missing = {0}, foreign = {0};
	if (tells) {
		struct path_list named = {0}, bin_ids = {0};
		for (size_t i = 0; i < ids.n; i++)
			path_list_add(&named, xstrdup(ids.v[i]));
		path_list_sort(&named);
		int all_ids = 1;
		for (size_t i = 0; i < bins->n; i++) {
			struct elf_cov e = {0};
			elf_cov_read(bins->v[i], &e);
			all_ids &= e.build_id != NULL;
			if (e.build_id && !path_list_has_sorted(&named, e.build_id))
				path_list_add(&missing, xstrdup(bins->v[i]));
			if (e.build_id)
				path_list_add(&bin_ids, xstrdup(e.build_id));
			elf_cov_release(&e);
		}
		path_list_sort(&bin_ids);
		for (size_t i = 0; all_ids && i < profiles->n; i++) {
			int out = 0;
			for (size_t k = first[i]; k < first[i + 1]; k++)
				out |= !path_list_has_sorted(&bin_ids, ids.v[k]);
			if (out)
				path_list_add(&foreign, xstrdup(profiles->v[i]));
		}
		path_list_release(&named);
		path_list_release(&bin_ids);
	}
	struct strbuf names;
	strbuf_init(&names);
	if (missing.n) {
		name_files(&names, &missing);
		if (missing.n == 1)
			say(c, CM_WARNING, "no LLVM profile comes from the binary %s "
			    "(none names its build id): it did not run, and llvm-cov's "
			    "export leaves the code that only it compiles out of the "
			    "report, or counts it with another program's function of "
			    "the same name (such as main)", names.buf);
		else
			say(c, CM_WARNING, "no LLVM profile comes from the binaries %s "
			    "(none names their build id): they did not run, and "
			    "llvm-cov's export leaves the code that only they compile "
			    "out of the report, or counts it with another program's "
			    "function of the same name (such as main)", names.buf);
	}
	if (foreign.n) {
		strbuf_reset(&names);
		name_files(&names, &foreign);
		say(c, CM_WARNING, "the LLVM profile%s %s come%s from no binary given "
		    "(no binary has %s build id): the code that only %s program%s "
		    "compile%s is not in the report\n"
		    "hint: pass the programs or libraries that wrote %s with --binary "
		    "(or were they rebuilt since the run?)",
		    foreign.n == 1 ? "" : "s", names.buf, foreign.n == 1 ? "s" : "",
		    foreign.n == 1 ? "its" : "their", foreign.n == 1 ? "its" : "their",
		    foreign.n == 1 ? "" : "s", foreign.n == 1 ? "s" : "",
		    foreign.n == 1 ? "it" : "them");
	}
	strbuf_release(&names);
	free(first);
	path_list_release(&ids);
	path_list_release(&missing);
	path_list_release(&foreign);
	strbuf_release(&data);
	strbuf_release(&err);
}

/* Runs the tools on the profiles and binaries into x. */
static int run_tools(const struct path_list *profiles,
		     const struct path_list *bins, int branch,
		     struct llvm_export *x, struct ctx *c)
{
	char *profdata_tool = find_tool("llvm-profdata", "LLVM_PROFDATA", NULL, c);
	char *cov_tool = profdata_tool
		? find_tool("llvm-cov", "LLVM_COV",
			    version_suffix(profdata_tool, "llvm-profdata"), c)
		: NULL;
	int rc = -1;
	if (cov_tool && !make_tmpdir(x, c)) {
		char *profdata = path_join(x->tmpdir, "merged.profdata");
		char *tracefile = path_join(x->tmpdir, "llvm-cov-export.info");
		rc = merge_profiles(profdata_tool, profiles, x->tmpdir, profdata, c);
		if (!rc)
			rc = export_lcov(cov_tool, bins, profdata, x->tmpdir, profiles,
					 tracefile, branch, c);
		if (!rc) {
			path_list_add(&x->inputs, tracefile);
			say_unmatched(profiles, bins, c);
		} else {
			free(tracefile);
		}
		free(profdata);
	}
	free(profdata_tool);
	free(cov_tool);
	return rc;
}

int llvm_export_run(const char *const *inputs, size_t n,
		    const struct llvm_binaries *b, struct llvm_export *x,
		    cm_emit_fn *emit, void *emit_ctx)
{
	struct ctx c = {emit, emit_ctx, 0};
	struct path_list profiles = {0}, named = {0}, ran = {0}, bins = {0};
	memset(x, 0, sizeof(*x));
	split_inputs(inputs, n, &profiles, &ran, &x->inputs);
	struct path_list empty = {0};
	take_empty(&profiles, &empty);
	for (size_t i = 0; i < b->nnamed; i++)
		path_list_add(&named, xstrdup(b->named[i]));
	for (size_t i = 0; i < b->nran; i++)
		path_list_add(&ran, xstrdup(b->ran[i]));
	int rc = 0;
	if (empty.n) {
		struct strbuf names;
		strbuf_init(&names);
		name_files(&names, &empty);
		if (profiles.n)
			say(&c, CM_WARNING, "the LLVM profiles %s are empty (0 bytes), "
			    "left out: " EMPTY_WHY, names.buf);
		else
			say(&c, CM_ERROR, "cannot read the LLVM profiles %s: they are "
			    "empty (0 bytes): " EMPTY_WHY, names.buf);
		strbuf_release(&names);
	}
	if (c.errors) {
		rc = -1;
	} else if (profiles.n || named.n) {
		pick_binaries(&named, &ran, &bins, &c);
		if (c.errors)
			rc = -1;
		else if (!profiles.n)
			say(&c, CM_ERROR, "--binary names the binaries that LLVM profiles "
			    "(.profraw, .profdata) are read with, but no input is or "
			    "holds one");
		else if (!bins.n) {
			struct strbuf names;
			strbuf_init(&names);
			name_files(&names, &profiles);
			say(&c, CM_ERROR, "cannot read the LLVM profiles %s: no binary "
			    "to read them with\n"
			    "hint: pass --binary FILE (repeatable) naming the "
			    "instrumented programs and shared libraries", names.buf);
			strbuf_release(&names);
		}
		if (c.errors)
			rc = -1;
		else
			rc = run_tools(&profiles, &bins, b->branch, x, &c);
	}
	x->nprofiles = rc ? 0 : profiles.n;
	x->nbinaries = rc ? 0 : bins.n;
	path_list_release(&profiles);
	path_list_release(&empty);
	path_list_release(&named);
	path_list_release(&ran);
	path_list_release(&bins);
	if (rc)
		llvm_export_release(x);
	return rc;
}

void llvm_export_release(struct llvm_export *x)
{
	path_list_release(&x->inputs);
	if (x->tmpdir)
		path_remove_tree(x->tmpdir);
	if (x->tmpdir)
		outfile_untrack(x->tmpdir);
	for (size_t i = 0; i < x->tracked.n; i++)
		outfile_untrack(x->tracked.v[i]);
	path_list_release(&x->tracked);
	free(x->tmpdir);
	memset(x, 0, sizeof(*x));
}
