#include "pgcmd.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"
#include "proc.h"

#define OUTPUT_MAX (1024 * 1024)
#define TAIL_LINES 10

void pgcmd_tail(struct strbuf *sb, const char *text, int max_lines)
{
	size_t len = strlen(text);
	while (len && strchr(" \t\r\n", text[len - 1]))
		len--;
	size_t start = len;
	int lines = 0;
	while (start > 0) {
		if (text[start - 1] == '\n' && ++lines == max_lines)
			break;
		start--;
	}
	strbuf_add(sb, text + start, len - start);
}

/* Is name an executable in PATH? */
static int in_path(const char *name)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		size_t n = strcspn(p, ":");
		char *cand = xasprintf("%.*s/%s", (int)n, n ? p : ".", name);
		int ok = access(cand, X_OK) == 0;
		free(cand);
		if (ok)
			return 1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

int pgcmd_run(char *const argv[], char *const env[],
	      const struct pgcmd_user *user, double timeout, const char *what,
	      struct strbuf *out, struct strbuf *err)
{
	/* Switching users goes through util-linux (setpriv without PAM, else
	 * runuser): proc.c keeps one way of starting a child. */
	size_t argc = 0;
	while (argv[argc])
		argc++;
	char **full = xcalloc(argc + 8, sizeof(*full));
	size_t n = 0;
	if (user) {
		if (in_path("setpriv")) {
			full[n++] = xstrdup("setpriv");
			full[n++] = xasprintf("--reuid=%ld", (long)user->uid);
			full[n++] = xasprintf("--regid=%ld", (long)user->gid);
			full[n++] = xstrdup("--clear-groups");
		} else if (in_path("runuser")) {
			full[n++] = xstrdup("runuser");
			full[n++] = xstrdup("-u");
			full[n++] = xstrdup(user->name);
		} else {
			strbuf_addf(err, "cannot run %s as \"%s\": neither setpriv "
				    "nor runuser found (package util-linux)",
				    what, user->name);
			free(full);
			return -1;
		}
		full[n++] = xstrdup("--");
	}
	for (size_t i = 0; i < argc; i++)
		full[n++] = xstrdup(argv[i]);
	full[n] = NULL;

	struct strbuf captured;
	strbuf_init(&captured);
	int status = 0, timed_out = 0;
	struct strbuf run_err;
	strbuf_init(&run_err);
	int rc = proc_run_capture(full, env, "/", timeout, OUTPUT_MAX, &captured,
				  &status, &timed_out, &run_err);
	for (size_t i = 0; i < n; i++)
		free(full[i]);
	free(full);
	if (rc < 0) {
		strbuf_addf(err, "%s failed: %s", what, run_err.buf);
	} else if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status)) {
		rc = -1;
		strbuf_addf(err, "%s failed: ", what);
		if (timed_out == 2)
			strbuf_addstr(err, "interrupted");
		else if (timed_out)
			strbuf_addf(err, "timed out after %g s", timeout);
		else if (WIFSIGNALED(status))
			strbuf_addf(err, "killed by signal %d (%s)",
				    WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			strbuf_addf(err, "exit status %d", WEXITSTATUS(status));
		if (captured.len) {
			strbuf_addch(err, '\n');
			pgcmd_tail(err, captured.buf, TAIL_LINES);
		}
	}
	if (out)
		strbuf_add(out, captured.buf, captured.len);
	strbuf_release(&run_err);
	strbuf_release(&captured);
	return rc;
}
