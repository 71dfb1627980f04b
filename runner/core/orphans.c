#include "orphans.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "path.h"

#define OWNER_VAR "RUNNER_OWNER="

/* Field 22 (start time) and field 4 (parent) of /proc/PID/stat; 0 when
 * the process is gone. */
static unsigned long long proc_start_time(pid_t pid, pid_t *ppid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name may hold spaces and ')': skip to the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	unsigned long long start = 0;
	char state;
	long pp = 0;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice threads itreal
	 * starttime */
	if (sscanf(p, " %c %ld %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d "
		   "%*d %*d %*d %*d %*d %llu", &state, &pp, &start) != 3)
		return 0;
	if (ppid)
		*ppid = (pid_t)pp;
	if (state == 'Z' || state == 'X')
		return 0;
	return start;
}

const char *orphans_token(void)
{
	static char token[PATH_MAX + 64];
	if (!token[0]) {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, "?");
		snprintf(token, sizeof(token), "%ld.%llu:%s", (long)getpid(),
			 proc_start_time(getpid(), NULL), cwd);
	}
	return token;
}

/* Whether a token names a run started in our working directory. */
static int same_dir(const char *token)
{
	const char *mine = strchr(orphans_token(), ':');
	const char *theirs = strchr(token, ':');
	return mine && theirs && !strcmp(mine, theirs);
}

int orphans_token_alive(const char *token)
{
	char *end;
	long pid = strtol(token, &end, 10);
	if (end == token || *end != '.' || pid <= 0)
		return 1; /* not ours to judge */
	unsigned long long start = strtoull(end + 1, NULL, 10); /* to ':' */
	unsigned long long now = proc_start_time((pid_t)pid, NULL);
	return now != 0 && now == start;
}

int orphans_claim_dir(const char *dir)
{
	char *path = xasprintf("%s/owner", dir);
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return -1;
	fprintf(f, "%s\n", orphans_token());
	return fclose(f) == 0 ? 0 : -1;
}

/* The value of RUNNER_OWNER and RUNNER_WORKER in /proc/PID/environ. */
static int proc_owner(pid_t pid, char *owner, size_t on, char *worker, size_t wn)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct strbuf env;
	strbuf_init(&env);
	char buf[65536];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) > 0 && env.len < (1u << 22))
		strbuf_add(&env, buf, (size_t)n);
	close(fd);
	owner[0] = worker[0] = '\0';
	for (size_t i = 0; i < env.len;) {
		const char *e = env.buf + i;
		size_t len = strnlen(e, env.len - i);
		if (!strncmp(e, OWNER_VAR, strlen(OWNER_VAR)))
			snprintf(owner, on, "%.*s", (int)(len - strlen(OWNER_VAR)),
				 e + strlen(OWNER_VAR));
		else if (!strncmp(e, "RUNNER_WORKER=", 14))
			snprintf(worker, wn, "%.*s", (int)(len - 14), e + 14);
		i += len + 1;
	}
	strbuf_release(&env);
	return owner[0] ? 0 : -1;
}

/* Whether pid is this process or one of its ancestors. */
static int is_ancestor(pid_t pid)
{
	pid_t p = getpid();
	for (int depth = 0; p > 1 && depth < 4096; depth++) {
		if (p == pid)
			return 1;
		pid_t pp = 0;
		if (!proc_start_time(p, &pp))
			break;
		p = pp;
	}
	return 0;
}

static void proc_name(pid_t pid, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	ssize_t got = read(fd, buf, n - 1);
	close(fd);
	buf[got > 0 ? got : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Kills pid and, when it leads a group other than ours, its group. */
static void kill_tree(pid_t pid)
{
	pid_t pgid = getpgid(pid);
	if (pgid > 1 && pgid == pid && pgid != getpgrp())
		kill(-pgid, SIGKILL);
	kill(pid, SIGKILL);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The postmaster of a left-behind server: the pid in data/postmaster.pid,
 * when that process still runs in that data directory. */
static pid_t left_postmaster(const char *dir)
{
	char *pidfile = xasprintf("%s/data/postmaster.pid", dir);
	FILE *f = fopen(pidfile, "r");
	free(pidfile);
	long pid = 0;
	if (!f)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 1)
		return 0;
	char cwd_link[64], cwd[PATH_MAX], data[PATH_MAX];
	snprintf(cwd_link, sizeof(cwd_link), "/proc/%ld/cwd", pid);
	ssize_t n = readlink(cwd_link, cwd, sizeof(cwd) - 1);
	char *want = xasprintf("%s/data", dir);
	int same = n > 0 && realpath(want, data) &&
		   (cwd[n] = '\0', !strcmp(cwd, data));
	free(want);
	return same ? (pid_t)pid : 0;
}

/* Whether the owner file at path names a dead run of our directory; its
 * token in token. */
static int owner_dead(const char *path, char *token, size_t n)
{
	token[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(token, (int)n, f))
		token[0] = '\0';
	fclose(f);
	token[strcspn(token, "\n")] = '\0';
	return token[0] && same_dir(token) && !orphans_token_alive(token);
}

/* The scratch directories (runner-rerun.*, runner-collect.*) of a killed
 * run in base: removed. */
static void reap_scratch_in(const char *base, const char *kind)
{
	char *pattern = xasprintf("%s/%s.*/owner", base, kind);
	glob_t g;
	int found = glob(pattern, 0, NULL, &g) == 0;
	free(pattern);
	for (size_t i = 0; found && i < g.gl_pathc; i++) {
		char token[PATH_MAX + 64];
		if (!owner_dead(g.gl_pathv[i], token, sizeof(token)))
			continue;
		char *dir = path_dirname(g.gl_pathv[i]);
		long owner = strtol(token, NULL, 10);
		if (path_remove_tree(dir) == 0)
			fprintf(stderr, "runner: a killed run (pid %ld) left its scratch "
				"directory \"%s\": removed\n", owner, dir);
		else
			fprintf(stderr, "runner: a killed run (pid %ld) left its scratch "
				"directory \"%s\": cannot remove it: %s\n", owner, dir,
				strerror(errno));
		free(dir);
	}
	if (found)
		globfree(&g);
}

static void reap_servers_in(const char *base)
{
	char *pattern = xasprintf("%s/runner-pg.*/owner", base);
	glob_t g;
	if (glob(pattern, 0, NULL, &g) != 0) {
		free(pattern);
		return;
	}
	free(pattern);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char token[PATH_MAX + 64];
		if (!owner_dead(g.gl_pathv[i], token, sizeof(token)))
			continue;
		char *dir = path_dirname(g.gl_pathv[i]);
		pid_t pm = left_postmaster(dir);
		if (pm > 0) {
			/* immediate shutdown, then KILL */
			kill(pm, SIGQUIT);
			for (int t = 0; t < 50 && kill(pm, 0) == 0; t++)
				sleep_ms(100);
			if (kill(pm, 0) == 0) {
				kill(pm, SIGKILL);
				for (int t = 0; t < 50 && kill(pm, 0) == 0; t++)
					sleep_ms(100);
			}
		}
		long owner = strtol(token, NULL, 10);
		if (path_remove_tree(dir) == 0)
			fprintf(stderr, "runner: a killed run (pid %ld) left a temporary "
				"PostgreSQL server in \"%s\": %s, directory removed\n",
				owner, dir, pm > 0 ? "stopped it" : "it was not running");
		else
			fprintf(stderr, "runner: a killed run (pid %ld) left a temporary "
				"PostgreSQL server in \"%s\": cannot remove it: %s\n",
				owner, dir, strerror(errno));
		free(dir);
	}
	globfree(&g);
}

typedef void owned_fn(pid_t, const char *, const char *, void *);

static void call_if_owned(pid_t pid, owned_fn *fn, void *ctx)
{
	char owner[PATH_MAX + 64], worker[32];
	if (proc_owner(pid, owner, sizeof(owner), worker, sizeof(worker)) == 0 &&
	    !is_ancestor(pid))
		fn(pid, owner, worker, ctx);
}

/* Our children, from /proc/self/task/PID/children (the runner has one
 * thread): -1 when the kernel has no such file. */
static int each_owned_child(owned_fn *fn, void *ctx)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)getpid());
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		if (pid > 1)
			call_if_owned((pid_t)pid, fn, ctx);
	fclose(f);
	return 0;
}

/* Calls fn for every process whose RUNNER_OWNER is set, but this process
 * and its ancestors (only for this process's children when children). */
static void each_owned(owned_fn *fn, void *ctx, int children)
{
	if (children && each_owned_child(fn, ctx) == 0)
		return;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 1)
			continue;
		pid_t ppid = 0;
		if (children && (!proc_start_time((pid_t)pid, &ppid) ||
				 ppid != getpid()))
			continue;
		call_if_owned((pid_t)pid, fn, ctx);
	}
	closedir(d);
}

struct dead_owned {
	struct strbuf pids;
	size_t n;
	char owner[PATH_MAX + 64];
};

static void kill_if_dead(pid_t pid, const char *owner, const char *worker,
			 void *ctx)
{
	(void)worker;
	struct dead_owned *dl = ctx;
	if (!strcmp(owner, orphans_token()) || !same_dir(owner) ||
	    orphans_token_alive(owner))
		return;
	char name[64];
	proc_name(pid, name, sizeof(name));
	kill_tree(pid);
	strbuf_addf(&dl->pids, "%s%ld (%s)", dl->n ? ", " : "", (long)pid, name);
	snprintf(dl->owner, sizeof(dl->owner), "%s", owner);
	dl->n++;
}

void orphans_reap(void)
{
	struct dead_owned dl;
	memset(&dl, 0, sizeof(dl));
	strbuf_init(&dl.pids);
	each_owned(kill_if_dead, &dl, 0);
	if (dl.n)
		fprintf(stderr, "runner: %zu test process%s of a killed run (pid %ld) "
			"%s still running: killed %s\n", dl.n, dl.n == 1 ? "" : "es",
			strtol(dl.owner, NULL, 10), dl.n == 1 ? "was" : "were",
			dl.pids.buf);
	strbuf_release(&dl.pids);
	const char *tmp = getenv("TMPDIR");
	const char *bases[] = {"/tmp", tmp && tmp[0] == '/' && strcmp(tmp, "/tmp")
				       ? tmp : NULL};
	for (size_t i = 0; i < 2 && bases[i]; i++) {
		reap_servers_in(bases[i]);
		reap_scratch_in(bases[i], "runner-rerun");
		reap_scratch_in(bases[i], "runner-collect");
	}
}

/* Children the runner had before the run (inherited across exec): not
 * adopted, so never reaped by orphans_reap_adopted. */
static pid_t *inherited;
static size_t ninherited;

static FILE *open_children(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children", (long)getpid());
	return fopen(path, "r");
}

void orphans_subreaper(void)
{
	FILE *f = open_children();
	long pid;
	size_t cap = 0;
	while (f && fscanf(f, "%ld", &pid) == 1) {
		if (ninherited == cap) {
			cap = cap ? 2 * cap : 8;
			inherited = xreallocarray(inherited, cap, sizeof(*inherited));
		}
		inherited[ninherited++] = (pid_t)pid;
	}
	if (f)
		fclose(f);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static int listed(pid_t pid, const pid_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == pid)
			return 1;
	return 0;
}

struct escaped {
	char worker[32];
	pid_t pgid;          /* the test's own group: killed already */
	struct strbuf desc;
	size_t n;
};

static void kill_escaped(pid_t pid, const char *owner, const char *worker,
			 void *ctx)
{
	struct escaped *e = ctx;
	if (strcmp(owner, orphans_token()) || strcmp(worker, e->worker) ||
	    getpgid(pid) == e->pgid)
		return;
	char name[64];
	proc_name(pid, name, sizeof(name));
	pid_t ppid = 0;
	proc_start_time(pid, &ppid);
	kill_tree(pid);
	/* a child of ours now (we are its subreaper): no zombie left */
	if (ppid == getpid())
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	strbuf_addf(&e->desc, "%s%ld (%s)", e->n ? ", " : "", (long)pid, name);
	e->n++;
}

size_t orphans_after_test(int worker, pid_t pgid, struct strbuf *warn)
{
	struct escaped e;
	memset(&e, 0, sizeof(e));
	e.pgid = pgid;
	snprintf(e.worker, sizeof(e.worker), "gw%d", worker);
	strbuf_init(&e.desc);
	each_owned(kill_escaped, &e, 1);
	if (e.n)
		strbuf_addf(warn, "left %zu process%s running outside its process "
			    "group: %s; killed", e.n, e.n == 1 ? "" : "es", e.desc.buf);
	strbuf_release(&e.desc);
	return e.n;
}

void orphans_reap_adopted(const pid_t *keep, size_t nkeep)
{
	FILE *f = open_children();
	if (!f)
		return;
	long pid;
	while (fscanf(f, "%ld", &pid) == 1)
		if (!listed((pid_t)pid, keep, nkeep) &&
		    !listed((pid_t)pid, inherited, ninherited))
			waitpid((pid_t)pid, NULL, WNOHANG);
	fclose(f);
}
