#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t proc_interrupt;
int proc_interruptible;

double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Searches PATH for name, before fork (execvpe is not async-signal-safe
 * on every libc). Returns a new string or NULL. */
static char *find_in_path(const char *name)
{
	if (strchr(name, '/'))
		return strdup(name);
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	struct strbuf sb;
	strbuf_init(&sb);
	const char *p = path;
	for (;;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		strbuf_reset(&sb);
		if (n)
			strbuf_add(&sb, p, n);
		else
			strbuf_addch(&sb, '.');
		strbuf_addch(&sb, '/');
		strbuf_addstr(&sb, name);
		if (access(sb.buf, X_OK) == 0)
			return strbuf_detach(&sb, NULL);
		if (!colon)
			break;
		p = colon + 1;
	}
	strbuf_release(&sb);
	return NULL;
}

int proc_start(struct proc *p, char *const argv[], char *const env[],
	       const char *cwd, struct strbuf *err)
{
	p->sys_errno = 0;
	char *exe = find_in_path(argv[0]);
	if (!exe) {
		strbuf_addf(err, "cannot run \"%s\": not found in PATH", argv[0]);
		return -1;
	}
	int out[2], ep[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		p->sys_errno = errno;
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		free(exe);
		return -1;
	}
	if (pipe2(ep, O_CLOEXEC) != 0) {
		p->sys_errno = errno;
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		free(exe);
		return -1;
	}
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 && (errno == EMFILE || errno == ENFILE)) {
		p->sys_errno = errno;
		strbuf_addf(err, "cannot open /dev/null: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		close(ep[0]);
		close(ep[1]);
		free(exe);
		return -1;
	}
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		/* child: async-signal-safe calls only. It ends in execve or
		 * _exit, so gcov never records these lines: they are left out
		 * of the project's own coverage. */
		/* LCOV_EXCL_START */
		setpgid(0, 0);
		struct sigaction dfl;
		memset(&dfl, 0, sizeof(dfl));
		dfl.sa_handler = SIG_DFL;
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(out[1], 1);
		dup2(out[1], 2);
		if (cwd && chdir(cwd) != 0) {
			int e = errno;
			ssize_t w = write(ep[1], &e, sizeof(e));
			(void)w;
			_exit(127);
		}
		execve(exe, argv, env);
		int e = errno;
		ssize_t w = write(ep[1], &e, sizeof(e));
		(void)w;
		_exit(127);
		/* LCOV_EXCL_STOP */
	}
	int fork_errno = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (devnull >= 0)
		close(devnull);
	close(out[1]);
	close(ep[1]);
	if (pid < 0) {
		p->sys_errno = fork_errno;
		strbuf_addf(err, "cannot fork: %s", strerror(fork_errno));
		close(out[0]);
		close(ep[0]);
		free(exe);
		return -1;
	}
	setpgid(pid, pid); /* also here: no race with an early kill */
	int child_errno = 0;
	ssize_t n;
	do {
		n = read(ep[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(ep[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		close(out[0]);
		if (cwd && child_errno == ENOENT && access(exe, X_OK) == 0)
			strbuf_addf(err, "cannot run \"%s\": working directory \"%s\": %s",
				    argv[0], cwd, strerror(child_errno));
		else
			strbuf_addf(err, "cannot run \"%s\": %s", argv[0],
				    strerror(child_errno));
		free(exe);
		return -1;
	}
	free(exe);
	fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
	p->pid = pid;
	p->out_fd = out[0];
	return 0;
}

void proc_signal_group(pid_t pgid, int sig)
{
	if (pgid > 0)
		kill(-pgid, sig);
}

int proc_run_capture(char *const argv[], char *const env[], const char *cwd,
		     double timeout, size_t max_out, struct strbuf *out,
		     int *status, int *timed_out, struct strbuf *err)
{
	struct proc p;
	*timed_out = 0;
	if (proc_start(&p, argv, env, cwd, err))
		return -1;
	double deadline = timeout > 0 ? now_seconds() + timeout : 0;
	double drain_until = 0, kill_at = 0;
	int reaped = 0, eof = 0;
	char buf[65536];
	for (;;) {
		double now = now_seconds();
		if (!reaped) {
			pid_t w = waitpid(p.pid, status, WNOHANG);
			if (w == p.pid) {
				reaped = 1;
				/* whatever the test left running goes too; its
				 * output may still be in the pipe */
				proc_signal_group(p.pid, SIGKILL);
				drain_until = now + 1.0;
			} else if (w < 0 && errno != EINTR) {
				strbuf_addf(err, "cannot wait for \"%s\": %s", argv[0],
					    strerror(errno));
				close(p.out_fd);
				return -1;
			} else if (deadline && now >= deadline) {
				proc_signal_group(p.pid, SIGKILL);
				*timed_out = 1;
				deadline = 0;
			} else if (proc_interruptible && proc_interrupt &&
				   !*timed_out) {
				proc_signal_group(p.pid, SIGTERM);
				*timed_out = 2;
				deadline = 0;
				kill_at = now + 2.0;
			} else if (kill_at && now >= kill_at) {
				proc_signal_group(p.pid, SIGKILL);
				kill_at = 0;
			}
		}
		if (reaped && (eof || now >= drain_until))
			break;
		struct pollfd pfd = {eof ? -1 : p.out_fd, POLLIN, 0};
		int r = poll(&pfd, 1, 20);
		if (r <= 0)
			continue;
		ssize_t n = read(p.out_fd, buf, sizeof(buf));
		if (n > 0) {
			size_t keep = out->len < max_out ? max_out - out->len : 0;
			strbuf_add(out, buf, (size_t)n < keep ? (size_t)n : keep);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			eof = 1;
		}
	}
	close(p.out_fd);
	return 0;
}
