/* Running helper programs (git, llvm-profdata, llvm-cov): one way to start
 * a child with its standard streams set and to wait for it, used to
 * capture its output through a pipe or to send it to files. */
#include "run_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "infile.h"

extern char **environ;

/* Starts argv (argv[0] found on PATH, or a path) with standard input,
 * output and error from in_fd, out_fd and err_fd (each -1: inherited).
 * Returns its pid, or -1 with the cause in why. posix_spawnp, not fork:
 * the runner starts git from a thread while its report runs (a forked
 * child of a threaded process may only call async-signal-safe functions
 * until it execs), and a spawn does not copy the parent's page tables. */
static pid_t start(char *const *argv, int in_fd, int out_fd, int err_fd,
		   struct strbuf *why)
{
	fflush(stdout);
	fflush(stderr);
	posix_spawn_file_actions_t fa;
	int rc = posix_spawn_file_actions_init(&fa);
	if (!rc && in_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
	if (!rc && out_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	if (!rc && err_fd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
	/* the child takes signals whatever the calling thread blocks (the
	 * runner's store thread blocks them all) */
	posix_spawnattr_t at;
	sigset_t none;
	sigemptyset(&none);
	int ainit = posix_spawnattr_init(&at);
	int arc = ainit;
	if (!arc)
		arc = posix_spawnattr_setsigmask(&at, &none);
	if (!arc)
		arc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	if (!rc)
		rc = arc;
	pid_t pid = -1;
	if (!rc)
		rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!ainit)
		posix_spawnattr_destroy(&at);
	if (rc) {
		strbuf_addf(why, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	return pid;
}

/* The wait status of child pid, or -1 with the cause in why. */
static int wait_for(pid_t pid, struct strbuf *why)
{
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			strbuf_addf(why, "cannot wait for it: %s", strerror(errno));
			return -1;
		}
	}
	return status;
}

void cm_describe_status(struct strbuf *sb, int status)
{
	if (WIFEXITED(status))
		strbuf_addf(sb, "exit status %d", WEXITSTATUS(status));
	else
		strbuf_addf(sb, "signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* cm_run_capture, its standard error from err_fd (-1: inherited). */
static int capture(char *const *argv, const char *stdin_path, int err_fd,
		   struct strbuf *out, struct strbuf *err)
{
	int in = -1;
	if (stdin_path && (in = open(stdin_path, O_RDONLY | O_CLOEXEC)) < 0) {
		strbuf_addf(err, "cannot open \"%s\": %s", stdin_path, strerror(errno));
		return -1;
	}
	int fd[2];
	if (pipe2(fd, O_CLOEXEC)) {
		strbuf_addf(err, "cannot make a pipe: %s", strerror(errno));
		if (in >= 0)
			close(in);
		return -1;
	}
	pid_t pid = start(argv, in, fd[1], err_fd, err);
	close(fd[1]);
	if (in >= 0)
		close(in);
	if (pid < 0) {
		close(fd[0]);
		return -1;
	}
	char buf[65536];
	int too_big = 0;
	for (;;) {
		ssize_t n = read(fd[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > infile_limit())
			too_big = 1;   /* keep reading, so that the child ends */
		else
			strbuf_add(out, buf, (size_t)n);
	}
	close(fd[0]);
	int status = wait_for(pid, err);
	if (status < 0)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		strbuf_addstr(err, "failed (");
		cm_describe_status(err, status);
		strbuf_addch(err, ')');
		return -1;
	}
	if (too_big) {
		strbuf_addf(err, "its output is larger than the input limit of %zu "
			    "bytes (--max-input)", infile_limit());
		return -1;
	}
	return 0;
}

int cm_run_capture(char *const *argv, const char *stdin_path,
		   struct strbuf *out, struct strbuf *err)
{
	return capture(argv, stdin_path, -1, out, err);
}

int cm_run_capture_quiet(char *const *argv, const char *stdin_path,
			 struct strbuf *out, struct strbuf *err)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int rc = capture(argv, stdin_path, null, out, err);
	if (null >= 0)
		close(null);
	return rc;
}

int cm_run_to_files(char *const *argv, const char *out_path,
		    const char *err_path, struct strbuf *why)
{
	int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int err = out < 0 ? -1 : open(err_path, O_WRONLY | O_CREAT | O_TRUNC |
				     O_CLOEXEC, 0600);
	if (out < 0 || err < 0) {
		strbuf_addf(why, "cannot create \"%s\": %s", out < 0 ? out_path
			    : err_path, strerror(errno));
		if (out >= 0)
			close(out);
		return -1;
	}
	/* no terminal input for a tool (inherited when /dev/null is gone) */
	int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t pid = start(argv, in, out, err, why);
	close(out);
	close(err);
	if (in >= 0)
		close(in);
	return pid < 0 ? -1 : wait_for(pid, why);
}
