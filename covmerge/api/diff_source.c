/* Loading the diff: a file, standard input, or the real git run as a
 * child process (its error messages reach standard error as they are). */
#include "diff_source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "diag.h"
#include "infile.h"
#include "path.h"
#include "run_capture.h"
#include "strbuf.h"

/* git's output, its trailing newline taken off. */
static int git(char *const *argv, struct strbuf *out, cm_emit_fn *emit,
	       void *ctx)
{
	struct strbuf err;
	strbuf_init(&err);
	strbuf_reset(out);
	int rc = cm_run_capture(argv, NULL, out, &err);
	if (rc) {
		struct strbuf cmd;
		strbuf_init(&cmd);
		for (size_t i = 0; argv[i]; i++)
			strbuf_addf(&cmd, "%s%s", i ? " " : "", argv[i]);
		diag_emitf(emit, ctx, CM_ERROR, "--diff: `%s` %s", cmd.buf, err.buf);
		strbuf_release(&cmd);
	}
	strbuf_release(&err);
	while (!rc && out->len && out->buf[out->len - 1] == '\n')
		out->buf[--out->len] = '\0';
	return rc;
}

/* The diff of the working tree against the merge base of rev and HEAD,
 * renames followed, no context lines, git's a/ b/ prefixes whatever the
 * user's configuration says. git runs in dir (the report's root): the
 * repository is the project's, wherever covmerge was started. */
static int git_diff(const char *dir, const char *rev, struct strbuf *diff,
		    char **top, cm_emit_fn *emit, void *ctx)
{
	struct strbuf out;
	strbuf_init(&out);
	char *d = xstrdup(dir);
	char *toplevel[] = {"git", "-C", d, "rev-parse", "--show-toplevel", NULL};
	char *r = xstrdup(rev);
	char *merge_base[] = {"git", "-C", d, "merge-base", r, "HEAD", NULL};
	int rc = git(toplevel, &out, emit, ctx);
	if (!rc) {
		*top = xstrdup(out.buf);
		rc = git(merge_base, &out, emit, ctx);
	}
	if (!rc) {
		char *base = xstrdup(out.buf);
		char *cmd[] = {"git", "-C", d, "-c", "core.quotePath=true", "diff",
			       "--no-color", "--no-ext-diff", "--no-textconv", "-M",
			       "-U0", "--src-prefix=a/", "--dst-prefix=b/", base, "--",
			       NULL};
		rc = git(cmd, diff, emit, ctx);
		free(base);
	}
	strbuf_release(&out);
	free(r);
	free(d);
	return rc;
}

static int read_stdin(struct strbuf *out, struct strbuf *err)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (out->len + n > infile_limit()) {
			strbuf_addf(err, "larger than the input limit of %zu bytes "
				    "(--max-input)", infile_limit());
			return -1;
		}
		strbuf_add(out, buf, n);
	}
	if (ferror(stdin)) {
		strbuf_addf(err, "cannot read: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int cm_diff_load(const char *rev, const char *patch, const char *root,
		 struct udiff *u, char **base, cm_emit_fn *emit, void *emit_ctx)
{
	struct strbuf text, err;
	strbuf_init(&text);
	strbuf_init(&err);
	char *top = NULL;
	int rc;
	const char *name = rev ? rev : !strcmp(patch, "-") ? "standard input" : patch;
	if (rev) {
		rc = git_diff(root ? root : ".", rev, &text, &top, emit, emit_ctx);
	} else {
		rc = !strcmp(patch, "-") ? read_stdin(&text, &err)
					 : infile_load(patch, &text, &err);
		if (rc)
			diag_emitf(emit, emit_ctx, CM_ERROR, "--diff-file \"%s\": %s", name, err.buf);
	}
	if (!rc && udiff_parse(text.buf ? text.buf : "", text.len, u, &err)) {
		if (rev)
			diag_emitf(emit, emit_ctx, CM_ERROR, "git diff against %s: %s", name, err.buf);
		else
			diag_emitf(emit, emit_ctx, CM_ERROR, "--diff-file \"%s\": %s", name, err.buf);
		rc = -1;
	}
	if (!rc)
		*base = rev ? path_normalize(top) : path_absolute(NULL, root);
	free(top);
	strbuf_release(&text);
	strbuf_release(&err);
	return rc;
}
