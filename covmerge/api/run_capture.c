#include "run_capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "infile.h"

/* Runs argv (argv[0] found on PATH) and collects its standard output into
 * out, up to the input limit. Returns 0 when it exits with 0, else -1
 * with the cause in err. */
int cm_run_capture(char *const *argv, const char *stdin_path,
		   struct strbuf *out, struct strbuf *err)
{
	int fd[2];
	if (pipe(fd)) {
		strbuf_addf(err, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "cannot start a process: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		if (dup2(fd[1], 1) < 0)
			_exit(127);
		if (stdin_path) {
			int in = open(stdin_path, O_RDONLY);
			if (in < 0 || dup2(in, 0) < 0)
				_exit(127);
			close(in);
		}
		close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "covmerge: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
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
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		strbuf_addf(err, "failed (%s %d)",
			    WIFEXITED(status) ? "exit status" : "signal",
			    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -1;
	}
	if (too_big) {
		strbuf_addf(err, "its output is larger than the input limit of %zu "
			    "bytes (--max-input)", infile_limit());
		return -1;
	}
	return 0;
}

