#include "pgcmd.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc.h"

extern char **environ;

#define OUTPUT_MAX (1024 * 1024)

char *pgcmd_which(const char *name)
{
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *cand = n ? xasprintf("%.*s/%s", (int)n, p, name)
			       : xasprintf("./%s", name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!end)
			return NULL;
		p = end + 1;
	}
}

static int env_dropped(const char *entry, const char *const *drop)
{
	size_t name_len = strcspn(entry, "=");
	for (; drop && *drop; drop++) {
		size_t n = strlen(*drop);
		if (n && (*drop)[n - 1] == '*') {
			if (name_len >= n - 1 && !strncmp(entry, *drop, n - 1))
				return 1;
		} else if (name_len == n && !strncmp(entry, *drop, n)) {
			return 1;
		}
	}
	return 0;
}

char **pgcmd_env(const char *const *drop, const char *const *add)
{
	size_t n = 0, alloc = 0;
	char **env = NULL;
	for (char **e = environ; e && *e; e++) {
		if (env_dropped(*e, drop))
			continue;
		/* a variable that add sets again must not appear twice */
		int replaced = 0;
		size_t name_len = strcspn(*e, "=");
		for (const char *const *a = add; a && *a; a++)
			if (strcspn(*a, "=") == name_len &&
			    !strncmp(*a, *e, name_len))
				replaced = 1;
		if (replaced)
			continue;
		GROW(env, alloc, n + 1);
		env[n++] = xstrdup(*e);
	}
	for (const char *const *a = add; a && *a; a++) {
		GROW(env, alloc, n + 1);
		env[n++] = xstrdup(*a);
	}
	GROW(env, alloc, n + 1);
	env[n] = NULL;
	return env;
}

void pgcmd_env_free(char **env)
{
	if (!env)
		return;
	for (char **e = env; *e; e++)
		free(*e);
	free(env);
}

void pgcmd_status(struct strbuf *sb, int status)
{
	if (WIFEXITED(status))
		strbuf_addf(sb, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		strbuf_addf(sb, "killed by signal %d (%s)", WTERMSIG(status),
			    strsignal(WTERMSIG(status)));
	else
		strbuf_addf(sb, "wait status %d", status);
}

void pgcmd_tail(struct strbuf *sb, const char *text, int max_lines)
{
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' ' ||
		       text[len - 1] == '\t' || text[len - 1] == '\r'))
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

/* In the child: report errno through the pipe and end. */
static void child_fail(int fd, int stage)
{
	int msg[2] = {stage, errno};
	ssize_t w = write(fd, msg, sizeof(msg));
	(void)w;
	_exit(127);
}

enum { STAGE_SETUP, STAGE_USER, STAGE_CHDIR, STAGE_EXEC };

static void append_output(struct strbuf *out, const char *buf, size_t n)
{
	if (!out || out->len >= OUTPUT_MAX)
		return;
	if (n > OUTPUT_MAX - out->len)
		n = OUTPUT_MAX - out->len;
	strbuf_add(out, buf, n);
}

int pgcmd_run(const struct pgcmd *cmd, struct strbuf *out, struct strbuf *err)
{
	char *path = pgcmd_which(cmd->argv[0]);
	if (!path) {
		strbuf_addf(err, "cannot run \"%s\": command not found",
			    cmd->argv[0]);
		return -1;
	}
	char *const *envp = (char *const *)(cmd->envp ? cmd->envp
						      : (const char *const *)environ);
	int out_pipe[2], exec_pipe[2];
	if (pipe2(out_pipe, O_CLOEXEC) < 0) {
		strbuf_addf(err, "cannot run \"%s\": pipe: %s", path,
			    strerror(errno));
		free(path);
		return -1;
	}
	if (pipe2(exec_pipe, O_CLOEXEC) < 0) {
		strbuf_addf(err, "cannot run \"%s\": pipe: %s", path,
			    strerror(errno));
		close(out_pipe[0]);
		close(out_pipe[1]);
		free(path);
		return -1;
	}
	sigset_t all, old;
	sigfillset(&all);
	/* no handler of the runner may run in the child between fork and exec */
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		close(out_pipe[0]);
		close(exec_pipe[0]);
		int null_fd = open("/dev/null", O_RDONLY);
		if (null_fd < 0 || dup2(null_fd, 0) < 0 ||
		    dup2(out_pipe[1], 1) < 0 || dup2(out_pipe[1], 2) < 0)
			child_fail(exec_pipe[1], STAGE_SETUP);
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		if (cmd->as_user &&
		    (setgroups(1, &cmd->gid) < 0 || setgid(cmd->gid) < 0 ||
		     setuid(cmd->uid) < 0))
			child_fail(exec_pipe[1], STAGE_USER);
		if (cmd->dir && chdir(cmd->dir) < 0)
			child_fail(exec_pipe[1], STAGE_CHDIR);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execve(path, (char *const *)cmd->argv, envp);
		child_fail(exec_pipe[1], STAGE_EXEC);
	}
	int fork_errno = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	close(out_pipe[1]);
	close(exec_pipe[1]);
	if (pid < 0) {
		strbuf_addf(err, "cannot run \"%s\": fork: %s", path,
			    strerror(fork_errno));
		close(out_pipe[0]);
		close(exec_pipe[0]);
		free(path);
		return -1;
	}

	int status = 0, reaped = 0;
	char buf[8192];
	for (;;) {
		struct pollfd pfd = {.fd = out_pipe[0], .events = POLLIN};
		int r = poll(&pfd, 1, reaped ? 0 : 100);
		if (r > 0) {
			ssize_t n = read(out_pipe[0], buf, sizeof(buf));
			if (n > 0) {
				append_output(out, buf, (size_t)n);
				continue;
			}
			if (n == 0 || errno != EINTR)
				break; /* end of output */
			continue;
		}
		if (r < 0 && errno != EINTR)
			break;
		if (reaped)
			break; /* exited, and nothing more is ready */
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			reaped = 1; /* drain what is buffered, then stop */
	}
	close(out_pipe[0]);
	while (!reaped) {
		pid_t w = waitpid(pid, &status, 0);
		if (w == pid)
			reaped = 1;
		else if (w < 0 && errno != EINTR)
			break;
	}

	int msg[2];
	ssize_t n;
	do
		n = read(exec_pipe[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	close(exec_pipe[0]);
	if (n == (ssize_t)sizeof(msg)) {
		static const char *const what[] = {
			"cannot set up its input and output",
			"cannot switch to the server's user", "cannot enter",
			"cannot execute"};
		strbuf_addf(err, "cannot run \"%s\": %s", path,
			    what[msg[0] >= 0 && msg[0] <= STAGE_EXEC ? msg[0] : 0]);
		if (msg[0] == STAGE_CHDIR)
			strbuf_addf(err, " \"%s\"", cmd->dir);
		strbuf_addf(err, ": %s", strerror(msg[1]));
		free(path);
		return -1;
	}
	if (!reaped) {
		strbuf_addf(err, "cannot run \"%s\": waitpid: %s", path,
			    strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return status;
}
