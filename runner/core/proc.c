#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* Searches PATH for name, so that a missing program is said so before
 * posix_spawn is tried. Returns a new string or NULL. */
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

/* Whether errno e of posix_spawn is the runner's want of resources rather
 * than the program's (an exec failure). */
static int resource_errno(int e)
{
	return e == EAGAIN || e == ENOMEM || e == EMFILE || e == ENFILE;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
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
	int out[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		p->sys_errno = errno;
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		free(exe);
		return -1;
	}
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0 && (errno == EMFILE || errno == ENFILE)) {
		p->sys_errno = errno;
		strbuf_addf(err, "cannot open /dev/null: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		free(exe);
		return -1;
	}
	/* posix_spawn, not fork: glibc's shares the runner's memory with the
	 * child until the exec (clone with CLONE_VM | CLONE_VFORK), so
	 * starting a test costs no copy of the runner's page tables, and the
	 * runner's later writes no copy-on-write faults; it reports an exec
	 * or chdir failure as its result, the child reaped already. */
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	if (devnull >= 0)
		posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETSIGMASK);
	pid_t pid;
	int e = posix_spawn(&pid, exe, &fa, &at, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (devnull >= 0)
		close(devnull);
	close(out[1]);
	if (e) {
		close(out[0]);
		if (resource_errno(e)) {
			p->sys_errno = e;
			strbuf_addf(err, "cannot start \"%s\": %s", argv[0], strerror(e));
		} else if (cwd && e == ENOENT && !is_dir(cwd)) {
			/* (an ENOENT of exec is a missing interpreter) */
			strbuf_addf(err, "cannot run \"%s\": working directory \"%s\": %s",
				    argv[0], cwd, strerror(e));
		} else {
			strbuf_addf(err, "cannot run \"%s\": %s", argv[0], strerror(e));
		}
		free(exe);
		return -1;
	}
	setpgid(pid, pid); /* also here: no race with an early kill */
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
