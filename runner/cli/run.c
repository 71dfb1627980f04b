/* The run: collect, plan, then a poll loop over a fixed table of worker
 * slots (one running process each), a self-pipe for signals, timeouts by
 * TERM to the process group, a grace period, then KILL. Results are
 * printed whole as each process ends. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cache.h"
#include "collect.h"
#include "affected.h"
#include "contexts.h"
#include "cov.h"
#include "cpus.h"
#include "hung.h"
#include "fdlimit.h"
#include "junit.h"
#include "lock.h"
#include "orphans.h"
#include "output.h"
#include "path.h"
#include "pgdb.h"
#include "proc.h"
#include "results.h"
#include "runner.h"
#include "plan.h"
#include "preload_path.h"
#include "rerun.h"

extern char **environ;

#define CAPTURE_HEAD (256 * 1024)
#define CAPTURE_TAIL (256 * 1024)

/* A test's output: the first CAPTURE_HEAD bytes, and the last CAPTURE_TAIL
 * bytes in a ring, so a test that floods its output costs bounded memory
 * and still shows how it began and ended. */
struct capture {
	struct strbuf head;
	char *tail;
	size_t tail_pos, tail_len;
	size_t dropped;
};

static void capture_add(struct capture *c, const char *p, size_t n)
{
	if (c->head.len < CAPTURE_HEAD) {
		size_t k = CAPTURE_HEAD - c->head.len;
		if (k > n)
			k = n;
		strbuf_add(&c->head, p, k);
		p += k;
		n -= k;
	}
	if (!n)
		return;
	if (!c->tail)
		c->tail = xmalloc(CAPTURE_TAIL);
	for (size_t i = 0; i < n; i++) {
		if (c->tail_len == CAPTURE_TAIL)
			c->dropped++;
		else
			c->tail_len++;
		c->tail[c->tail_pos] = p[i];
		c->tail_pos = (c->tail_pos + 1) % CAPTURE_TAIL;
	}
}

static char *capture_text(struct capture *c)
{
	struct strbuf sb;
	strbuf_init(&sb);
	strbuf_add(&sb, c->head.buf, c->head.len);
	if (c->dropped)
		strbuf_addf(&sb, "\n[... %zu bytes of output not shown ...]\n",
			    c->dropped);
	size_t start = (c->tail_pos + CAPTURE_TAIL - c->tail_len) % CAPTURE_TAIL;
	for (size_t i = 0; i < c->tail_len; i++)
		strbuf_addch(&sb, c->tail[(start + i) % CAPTURE_TAIL]);
	/* NULs would cut the text short when it is printed */
	for (size_t i = 0; i < sb.len; i++)
		if (!sb.buf[i])
			sb.buf[i] = '?';
	return strbuf_detach(&sb, NULL);
}

static void capture_release(struct capture *c)
{
	strbuf_release(&c->head);
	free(c->tail);
	memset(c, 0, sizeof(*c));
}

struct slot {
	int busy;
	int interrupted;     /* stopped by Ctrl-C: its tests did not finish */
	struct proc p;
	const struct item *it;
	double start, deadline, kill_at, drain_until;
	int term_sent, timed_out, reaped, eof, wait_status;
	struct capture out;
	double next_notice;  /* when to say it is still running; 0 = never */
	size_t reported;     /* its tests reported at the last deadline */
	char *running_id;    /* the test it ran at the last notice, or NULL */
};

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	if (sig != SIGCHLD)
		proc_interrupt = 1; /* stops a running --db-setup */
	unsigned char b = (unsigned char)sig;
	ssize_t w = write(sig_pipe[1], &b, 1);
	(void)w;
	errno = saved;
}

static void install_signals(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static char *make_uid(void)
{
	unsigned char b[6] = {0};
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, b, sizeof(b));
		(void)n;
		close(fd);
	}
	unsigned long long t = (unsigned long long)time(NULL) ^ (unsigned long long)getpid();
	for (size_t i = 0; i < sizeof(b); i++)
		b[i] ^= (unsigned char)(t >> (8 * i));
	struct strbuf uid;
	strbuf_init(&uid);
	strbuf_addhex(&uid, b, sizeof(b));
	return strbuf_detach(&uid, NULL);
}

struct run {
	const struct runner_opts *o;
	struct suite suite;
	struct plan plan;
	struct cache cache;
	struct cache durations;  /* --durations-file */
	struct result_list results;
	struct reporter rp;
	struct slot *slots;
	int nslots;            /* parallel workers */
	int count;             /* RUNNER_WORKER_COUNT */
	char *uid;
	char *preload;
	char *cov_dir;         /* absolute, when --cov */
	int cov_lock;          /* flock on cov_dir, or -1 */
	struct pgdb *db;
	int interrupted;
	int stopping;
	char *infra;           /* what broke outside the tests (exit 3) */
	size_t failures;
	size_t nprocesses;
	struct rerun rerun;
	int in_rerun;          /* results go to rerun_record, not the counts */
	char *cov_scratch;     /* coverage prefix of reruns (no shard), or NULL */
	struct path_list cov_binaries; /* the programs, for LLVM profiles */
	struct run_contexts *ctx; /* --cov-context=test, or NULL */
};

static char *filter_for(const struct run *r, const struct item *it)
{
	struct strbuf sb;
	strbuf_init(&sb);
	for (size_t i = 0; i < it->ntests; i++) {
		const struct test *t = &r->suite.tests[it->tests[i]];
		strbuf_addf(&sb, "%s%c%s\n", t->group, '\x1f', t->name);
	}
	char *f = xasprintf("RUNNER_CMOCKA_FILTER=%s", sb.buf);
	strbuf_release(&sb);
	return f;
}

/* The environment of a test process on worker k. */
static char **item_env(const struct run *r, const struct item *it, int k)
{
	char *set[32];
	int n = 0;
	set[n++] = xasprintf("RUNNER_WORKER=gw%d", k);
	set[n++] = xasprintf("RUNNER_WORKER_COUNT=%d", r->count);
	set[n++] = xasprintf("RUNNER_TESTRUN_UID=%s", r->uid);
	set[n++] = xasprintf("RUNNER_OWNER=%s", orphans_token());
	if (r->cov_dir) {
		const char *var = r->o->cov_prefix_env;
		set[n++] = r->cov_scratch
			? xasprintf("%s=%s", var ? var : "GCOV_PREFIX", r->cov_scratch)
			: xasprintf("%s=%s/gw%d", var ? var : "GCOV_PREFIX",
				    r->cov_dir, k);
		if (!var)
			set[n++] = xstrdup("GCOV_PREFIX_STRIP=0");
		/* clang's source-based coverage: one raw profile per process
		 * (%p) and binary (%m) in the same shard (harmless for gcc's
		 * programs) */
		set[n++] = r->cov_scratch
			? xasprintf("LLVM_PROFILE_FILE=%s/%%m-%%p.profraw",
				    r->cov_scratch)
			: xasprintf("LLVM_PROFILE_FILE=%s/gw%d/%%m-%%p.profraw",
				    r->cov_dir, k);
		set[n++] = xstrdup("RUNNER_FLUSH_ON_SIGNAL=1");
	}
	if (r->preload && (r->cov_dir || it->prog->cmocka)) {
		set[n++] = preload_entry(r->preload);
		/* a sanitizer-built test would refuse a library loaded
		 * before its runtime */
		const char *asan = getenv("ASAN_OPTIONS");
		set[n++] = asan && *asan
			? xasprintf("ASAN_OPTIONS=%s:verify_asan_link_order=0", asan)
			: xstrdup("ASAN_OPTIONS=verify_asan_link_order=0");
	}
	if (it->prog->cmocka) {
		set[n++] = xstrdup("CMOCKA_MESSAGE_OUTPUT=TAP");
		if (!it->whole)
			set[n++] = filter_for(r, it);
	}
	if (r->db) {
		const char *const *dbenv = pgdb_worker_env(r->db, k);
		for (size_t i = 0; dbenv && dbenv[i] && n < 30; i++)
			set[n++] = xstrdup(dbenv[i]);
	}
	set[n] = NULL;
	char **base = it->prog->env ? env_with(environ, it->prog->env) : NULL;
	char **env = env_with(base ? base : environ, set);
	strv_free(base);
	for (int i = 0; i < n; i++)
		free(set[i]);
	return env;
}

/* The timeout of one test of item it, or 0. */
static double test_timeout(const struct run *r, const struct item *it)
{
	double t = it->prog->timeout > 0 ? it->prog->timeout : r->o->timeout;
	return t > 0 ? t : 0;
}

/* Processes the test left running outside its process group (daemons) are
 * killed, and said: a line, and the message of its results. */
static void warn_escaped(struct run *r, int k, size_t first)
{
	struct strbuf warn;
	strbuf_init(&warn);
	if (orphans_after_test(k, r->slots[k].p.pid, &warn)) {
		const char *id = first < r->results.n ? r->results.v[first].id
						      : r->slots[k].it->prog->name;
		if (!r->o->quiet) {
			reporter_clear(&r->rp);
			printf("[gw%d] WARNING %s: %s\n", k, id, warn.buf);
		}
		for (size_t i = first; i < r->results.n; i++)
			if (!r->results.v[i].message)
				r->results.v[i].message = xasprintf("warning: %s", warn.buf);
	}
	strbuf_release(&warn);
	/* adopted processes that ended by themselves leave no zombie */
	pid_t *keep = xcalloc((size_t)r->nslots, sizeof(*keep));
	size_t nkeep = 0;
	for (int j = 0; j < r->nslots; j++)
		if (r->slots[j].busy && j != k)
			keep[nkeep++] = r->slots[j].p.pid;
	orphans_reap_adopted(keep, nkeep);
	free(keep);
}

/* --cov-context=test: what the item's process ran, under its tests' ids. */
static void collect_contexts(struct run *r, int k, const struct item *it)
{
	struct strbuf warn;
	strbuf_init(&warn);
	run_contexts_item_done(r->ctx, k, it, r->suite.tests, &warn);
	if (warn.len) {
		reporter_clear(&r->rp);
		fprintf(stderr, "runner: warning: %s", warn.buf);
	}
	strbuf_release(&warn);
}

static void finish_item(struct run *r, int k, const char *start_error,
			const struct item *it)
{
	struct slot *s = &r->slots[k];
	struct outcome oc = {0};
	char *text = NULL;
	oc.worker = k;
	if (start_error) {
		oc.started = 0;
		oc.start_error = start_error;
	} else {
		oc.started = 1;
		oc.wait_status = s->wait_status;
		oc.timed_out = s->timed_out;
		oc.term_signal = SIGTERM;
		oc.duration = now_seconds() - s->start;
		text = capture_text(&s->out);
		oc.output = text;
	}
	oc.process = r->nprocesses++;
	size_t first = r->results.n;
	/* tests that Ctrl-C stopped did not finish: they are not results */
	if (r->in_rerun && !s->interrupted)
		rerun_record(&r->rerun, &r->suite, it, &oc, &r->rp);
	else if (!s->interrupted)
		results_from_item(&r->suite, it, &oc, &r->results);
	if (!start_error)
		warn_escaped(r, k, first);
	if (r->ctx && !start_error && !r->in_rerun)
		collect_contexts(r, k, it);
	for (size_t i = first; i < r->results.n; i++) {
		reporter_result(&r->rp, &r->results.v[i]);
		if (result_failed(&r->results.v[i]))
			r->failures++;
	}
	if (r->o->maxfail && r->failures >= (size_t)r->o->maxfail)
		r->stopping = 1;
	free(text);
	if (!start_error) {
		capture_release(&s->out);
		close(s->p.out_fd);
	}
	free(s->running_id);
	memset(s, 0, sizeof(*s));
	r->rp.running--;
}

/* Something outside the tests broke (the temporary server died, no file
 * descriptors or processes left): said once, no more tests start, and the
 * run ends with exit 3. With kill_running, the running tests are stopped
 * too and their results dropped: they would only report the breakage. */
static void infra_failure(struct run *r, const char *what, int kill_running)
{
	if (r->infra)
		return;
	r->infra = xstrdup(what);
	r->stopping = 1;
	reporter_clear(&r->rp);
	fprintf(stderr, "runner: %s; stopping the run (no more tests start)\n",
		what);
	double now = now_seconds();
	for (int k = 0; kill_running && k < r->nslots; k++) {
		struct slot *s = &r->slots[k];
		if (!s->busy)
			continue;
		s->interrupted = 1;
		if (!s->reaped) {
			proc_signal_group(s->p.pid, SIGTERM);
			s->term_sent = 1;
			s->kill_at = now + r->o->grace;
		}
	}
}

/* The temporary server must outlive the run's tests. */
static void check_db(struct run *r)
{
	if (!r->db || r->infra)
		return;
	struct strbuf why;
	strbuf_init(&why);
	if (!pgdb_alive(r->db, &why))
		infra_failure(r, why.buf, 1);
	strbuf_release(&why);
}

static void start_item(struct run *r, int k, const struct item *it)
{
	struct slot *s = &r->slots[k];
	memset(s, 0, sizeof(*s));
	char **env = item_env(r, it, k);
	struct strbuf err;
	strbuf_init(&err);
	r->rp.running++;
	s->start = now_seconds();
	if (it->prog->not_run) {
		s->it = it;
		finish_item(r, k, it->prog->not_run, it);
	} else if (proc_start(&s->p, it->prog->argv, env, it->prog->cwd, &err) != 0) {
		s->it = it;
		if (s->p.sys_errno) {
			/* the runner's resources, not the test: not its result */
			infra_failure(r, err.buf, 0);
			s->interrupted = 1;
		}
		finish_item(r, k, err.buf, it);
	} else {
		s->busy = 1;
		s->it = it;
		strbuf_init(&s->out.head);
		double t = test_timeout(r, it);
		s->deadline = t > 0 ? s->start + t : 0;
		s->next_notice = r->o->still_running > 0
			? s->start + r->o->still_running : 0;
	}
	strbuf_release(&err);
	strv_free(env);
}

static void handle_signals(struct run *r)
{
	unsigned char buf[64];
	ssize_t n;
	while ((n = read(sig_pipe[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == SIGCHLD)
				continue;
			if (!r->interrupted) {
				r->interrupted = 1;
				r->stopping = 1;
				double now = now_seconds();
				for (int k = 0; k < r->nslots; k++) {
					struct slot *s = &r->slots[k];
					if (!s->busy || s->reaped)
						continue;
					proc_signal_group(s->p.pid, SIGTERM);
					s->term_sent = 1;
					s->interrupted = 1;
					s->kill_at = now + r->o->grace;
				}
			}
		}
	}
}

/* Reaps the tests that ended, each by its own pid: never waitpid(-1),
 * which would take the exit status of children that are not ours to
 * reap (a library's, or those the runner inherited across exec). */
static void reap(struct run *r)
{
	for (int k = 0; k < r->nslots; k++) {
		struct slot *s = &r->slots[k];
		if (!s->busy || s->reaped)
			continue;
		int status;
		pid_t pid = waitpid(s->p.pid, &status, WNOHANG);
		if (pid != s->p.pid)
			continue;
		s->reaped = 1;
		s->wait_status = status;
		/* what the test left running goes with it; its output may
		 * still be in the pipe */
		proc_signal_group(pid, SIGKILL);
		s->drain_until = now_seconds() + 1.0;
	}
}

/* Whether a cmocka item has reported tests since its last deadline. */
static int more_reported(const struct run *r, struct slot *s)
{
	if (!s->it->prog->cmocka || s->it->ntests < 2)
		return 0;
	char *text = capture_text(&s->out);
	size_t k = results_reported(&r->suite, s->it, text);
	free(text);
	if (k <= s->reported)
		return 0;
	s->reported = k;
	return 1;
}

static void check_timeouts(struct run *r)
{
	double now = now_seconds();
	for (int k = 0; k < r->nslots; k++) {
		struct slot *s = &r->slots[k];
		if (!s->busy || s->reaped)
			continue;
		if (!s->term_sent && s->deadline && now >= s->deadline &&
		    more_reported(r, s)) {
			/* a cmocka item runs several tests: the timeout is
			 * each one's; a test reported since the last deadline
			 * gives the next one a new period */
			s->deadline = now + test_timeout(r, s->it);
		} else if (!s->term_sent && s->deadline && now >= s->deadline) {
			proc_signal_group(s->p.pid, SIGTERM);
			s->term_sent = 1;
			s->timed_out = 1;
			s->kill_at = now + r->o->grace;
		} else if (s->term_sent && now >= s->kill_at) {
			proc_signal_group(s->p.pid, SIGKILL);
			s->kill_at = now + 3600;
		}
	}
}

static int poll_timeout_ms(const struct run *r)
{
	double now = now_seconds(), next = now + (r->rp.tty ? 0.2 : 1.0);
	for (int k = 0; k < r->nslots; k++) {
		const struct slot *s = &r->slots[k];
		if (!s->busy)
			continue;
		if (s->reaped && s->drain_until < next)
			next = s->drain_until;
		if (!s->term_sent && s->deadline && s->deadline < next)
			next = s->deadline;
		if (s->term_sent && s->kill_at < next)
			next = s->kill_at;
		if (!s->reaped && s->next_notice && s->next_notice < next)
			next = s->next_notice;
	}
	double ms = (next - now) * 1000;
	return ms < 0 ? 0 : (int)ms + 1;
}

/* "still running: TEST (N s)" for each test running past its next notice
 * time (a line, on no terminal), and the longest-running one on the
 * terminal's status line. */
static void notice_still_running(struct run *r)
{
	double now = now_seconds(), longest = 0;
	r->rp.still[0] = '\0';
	for (int k = 0; k < r->nslots; k++) {
		struct slot *s = &r->slots[k];
		if (!s->busy || s->reaped || !s->next_notice)
			continue;
		long secs = (long)(now - s->start);
		if (now >= s->next_notice) {
			/* which test: read from its output only now and then */
			char *text = capture_text(&s->out);
			free(s->running_id);
			s->running_id = xstrdup(hung_running_test(&r->suite, s->it, text));
			free(text);
			if (!r->rp.tty) {
				printf("still running: %s (%ld s)\n", s->running_id, secs);
				fflush(stdout);
			}
			while (s->next_notice <= now)
				s->next_notice += r->o->still_running;
		}
		if (s->running_id && now - s->start > longest) {
			longest = now - s->start;
			snprintf(r->rp.still, sizeof(r->rp.still),
				 "still running: %s (%ld s)", s->running_id, secs);
		}
	}
}

/* Runs items[0..n) on `width` slots; returns when all have ended or the
 * run stops. */
static void run_phase(struct run *r, const struct item *items, size_t n, int width)
{
	size_t next = 0;
	struct pollfd *pfd = xcalloc((size_t)r->nslots + 1, sizeof(*pfd));
	int *who = xcalloc((size_t)r->nslots + 1, sizeof(int));
	for (;;) {
		for (int k = 0; k < width && next < n && !r->stopping; k++)
			if (!r->slots[k].busy)
				start_item(r, k, &items[next++]);
		int busy = 0;
		for (int k = 0; k < r->nslots; k++)
			busy += r->slots[k].busy;
		if (!busy && (next >= n || r->stopping))
			break;
		if (!busy)
			continue;
		int np = 0;
		pfd[np].fd = sig_pipe[0];
		pfd[np].events = POLLIN;
		who[np++] = -1;
		for (int k = 0; k < r->nslots; k++) {
			struct slot *s = &r->slots[k];
			if (s->busy && !s->eof) {
				pfd[np].fd = s->p.out_fd;
				pfd[np].events = POLLIN;
				who[np++] = k;
			}
		}
		int rc = poll(pfd, (nfds_t)np, poll_timeout_ms(r));
		if (rc < 0 && errno != EINTR) {
			/* cannot wait any more: end what runs, leave nothing */
			fprintf(stderr, "runner: poll failed: %s; stopping\n",
				strerror(errno));
			r->stopping = 1;
			for (int k = 0; k < r->nslots; k++) {
				struct slot *s = &r->slots[k];
				if (!s->busy)
					continue;
				proc_signal_group(s->p.pid, SIGKILL);
				if (!s->reaped) {
					while (waitpid(s->p.pid, &s->wait_status, 0) < 0 &&
					       errno == EINTR)
						;
					s->reaped = 1;
				}
				finish_item(r, k, NULL, s->it);
			}
			break;
		}
		for (int i = 0; rc > 0 && i < np; i++) {
			if (!pfd[i].revents)
				continue;
			if (who[i] < 0) {
				handle_signals(r);
				continue;
			}
			struct slot *s = &r->slots[who[i]];
			char buf[65536];
			ssize_t got = read(s->p.out_fd, buf, sizeof(buf));
			if (got > 0)
				capture_add(&s->out, buf, (size_t)got);
			else if (got == 0 || (errno != EAGAIN && errno != EINTR))
				s->eof = 1;
		}
		reap(r);
		check_timeouts(r);
		notice_still_running(r);
		check_db(r);
		double now = now_seconds();
		for (int k = 0; k < r->nslots; k++) {
			struct slot *s = &r->slots[k];
			if (s->busy && s->reaped && (s->eof || now >= s->drain_until))
				finish_item(r, k, NULL, s->it);
		}
		reporter_progress(&r->rp, 0);
	}
	free(pfd);
	free(who);
}

int runner_auto_workers(const char *spec)
{
	return cpus_available(!strcmp(spec, "logical"));
}

static void print_header(const struct run *r)
{
	const struct runner_opts *o = r->o;
	static const char *const dist[] = {"load", "loadscope", "loadfile", "no"};
	if (o->workers == 0)
		printf("runner %s: sequential (-n 0, one worker gw0)\n", RUNNER_VERSION);
	else if (o->dist == DIST_NO)
		printf("runner %s: 1 worker (gw0), dist no\n", RUNNER_VERSION);
	else
		printf("runner %s: %d workers (gw0..gw%d), dist %s\n", RUNNER_VERSION,
		       r->nslots, r->nslots - 1, dist[o->dist]);
	if (r->cov_dir) {
		printf("coverage: .gcno under ");
		if (!o->ncov_paths)
			printf(".");
		for (size_t i = 0; i < o->ncov_paths; i++)
			printf("%s%s", i ? ", " : "", o->cov_paths[i]);
		printf("; shards in %s/gwK\n", r->cov_dir);
	}
	if (r->db)
		printf("database: %s\n", pgdb_describe(r->db));
	printf("collected %zu items from %zu programs", r->plan.ntests,
	       r->suite.nprogs);
	if (r->plan.deselected)
		printf(" (%zu deselected)", r->plan.deselected);
	if (o->shard_n > 1)
		printf(", shard %d/%d", o->shard_k, o->shard_n);
	printf("\n");
	fflush(stdout);
}

/* A new directory NAME.XXXXXX in $TMPDIR or /tmp for what the tests
 * write that is not the run's (the gcov data of listing cmocka programs,
 * of reruns): never in the coverage directory, which holds only the
 * shards and the manifest. Its owner file lets the next run remove it
 * when this one is killed. NULL when none can be made. */
static char *scratch_dir(const char *name)
{
	const char *base = getenv("TMPDIR");
	if (!base || base[0] != '/')
		base = "/tmp";
	char *tmpl = xasprintf("%s/%s.XXXXXX", base, name);
	if (mkdtemp(tmpl)) {
		orphans_claim_dir(tmpl);
		return tmpl;
	}
	free(tmpl);
	return NULL;
}

/* --rerun-alone: the tests that failed in the parallel phase, once more,
 * one at a time on gw0, their coverage in a scratch directory (the
 * shards hold the run itself, as a run without reruns would). */
static void rerun_alone(struct run *r)
{
	if (r->o->no_rerun_alone || r->nslots < 2 || r->stopping)
		return;
	rerun_plan(&r->rerun, &r->suite, &r->plan, &r->results);
	if (!r->rerun.n)
		return;
	if (r->cov_dir) {
		r->cov_scratch = scratch_dir("runner-rerun");
		if (!r->cov_scratch) {
			fprintf(stderr, "runner: cannot rerun failed tests alone: "
				"cannot make a scratch directory: %s\n", strerror(errno));
			return;
		}
	}
	reporter_clear(&r->rp);
	if (!r->o->quiet)
		printf("rerunning %zu failed test%s alone, one at a time, on gw0\n",
		       r->rerun.n, r->rerun.n == 1 ? "" : "s");
	fflush(stdout);
	r->in_rerun = 1;
	run_phase(r, r->rerun.items, r->rerun.n, 1);
	r->in_rerun = 0;
	rerun_settle(&r->rerun, &r->suite, &r->results);
	if (r->cov_scratch) {
		path_remove_tree(r->cov_scratch);
		free(r->cov_scratch);
		r->cov_scratch = NULL;
	}
}

/* --durations-file: a durations cache the user keeps (a copy of a
 * .runner-cache, committed), the same in every CI job. It must be a
 * readable regular file of sensible size. */
static int durations_load(struct cache *d, const char *path, struct strbuf *err)
{
	struct stat st;
	if (stat(path, &st) != 0 || access(path, R_OK) != 0) {
		strbuf_addf(err, "cannot read --durations-file \"%s\": %s", path,
			    strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (64 << 20)) {
		strbuf_addf(err, "cannot read --durations-file \"%s\": %s", path,
			    S_ISREG(st.st_mode) ? "larger than 64 MiB"
						: "not a regular file");
		return -1;
	}
	cache_load(d, path);
	return 0;
}

static int update_cache(struct run *r, struct strbuf *err)
{
	for (size_t i = 0; i < r->suite.ntests; i++) {
		const struct test *t = &r->suite.tests[i];
		if (t->ran)
			cache_put(&r->cache, t->id, t->duration, t->failed);
	}
	return cache_save(&r->cache, r->o->cache_file, err);
}

/* Collects the tests (the CTest inventory, the paths, the cmocka
 * listings), prepares the coverage directory and plans the run. Returns
 * -1 when the run is to go on, else its exit status (a message given). */
static int collect_and_plan(struct run *r, const char *searched,
			    struct strbuf *err)
{
	const struct runner_opts *o = r->o;
	/* Ctrl-C or SIGTERM stop ctest's listing and the cmocka programs'
	 * (a program may hang before it gets to its tests) */
	proc_interruptible = 1;
	if (cache_check(o->cache_file, err)) {
		fprintf(stderr, "runner: --cache-file \"%s\": %s\n", o->cache_file,
			err->buf);
		return RUNNER_EXIT_USAGE;
	}
	if (o->ctest_dir && collect_ctest(&r->suite, o->ctest_dir, err) &&
	    !proc_interrupt) {
		fprintf(stderr, "runner: %s\n", err->buf);
		return RUNNER_EXIT_USAGE;
	}
	if (collect_paths(&r->suite, o->paths, o->npaths, err)) {
		fprintf(stderr, "runner: %s\n", err->buf);
		return RUNNER_EXIT_USAGE;
	}
	if (o->cov) {
		r->cov_dir = path_absolute(NULL, o->cov_dir ? o->cov_dir : ".runner-cov");
		r->cov_lock = dir_lock(r->cov_dir, err);
		if (r->cov_lock == -2) {
			fprintf(stderr, "runner: note: %s\n", err->buf);
			strbuf_reset(err);
		} else if (r->cov_lock < 0) {
			fprintf(stderr, "runner: %s\n", err->buf);
			return RUNNER_EXIT_INTERNAL;
		}
		if (cov_prepare(r->cov_dir, r->nslots, err)) {
			fprintf(stderr, "runner: %s\n", err->buf);
			return RUNNER_EXIT_INTERNAL;
		}
		if (o->cov_context)
			r->ctx = run_contexts_new(r->cov_dir, r->nslots);
		if (cov_write_manifest(r->cov_dir, r->uid, r->nslots, &r->results, 0,
				       o->cov_paths, o->ncov_paths, NULL, 0, err)) {
			fprintf(stderr, "runner: cannot write the manifest: %s\n", err->buf);
			return RUNNER_EXIT_INTERNAL;
		}
	}
	/* listing a cmocka program runs its main: its coverage goes to a
	 * scratch prefix, never into a worker's shard */
	char *scratch = scratch_dir("runner-collect");
	size_t unsplit = collect_tests(&r->suite, r->preload, environ,
				       scratch ? scratch : "/nonexistent/runner-collect");
	if (!r->preload)
		preload_warn_missing(searched, unsplit, o->cov);
	if (scratch)
		path_remove_tree(scratch);
	free(scratch);
	proc_interruptible = 0;
	if (proc_interrupt) {
		fprintf(stderr, "runner: interrupted while collecting the tests\n");
		printf("runner: 0 passed, 0 failed, 0 skipped\n");
		return RUNNER_EXIT_INTERRUPTED;
	}

	cache_load(&r->cache, o->cache_file);
	if (o->durations_file && durations_load(&r->durations, o->durations_file,
						err)) {
		fprintf(stderr, "runner: %s\n", err->buf);
		return RUNNER_EXIT_USAGE;
	}
	if (o->affected_by && affected_select(&r->suite, o, err)) {
		fprintf(stderr, "runner: %s\n", err->buf);
		return RUNNER_EXIT_USAGE;
	}
	sched_plan(&r->plan, &r->suite, o, &r->cache,
		   o->durations_file ? &r->durations : NULL, err);
	if (r->plan.ntests == 0) {
		print_header(r);
		printf("no tests collected\nrunner: 0 passed, 0 failed, 0 skipped\n");
		return RUNNER_EXIT_NO_TESTS;
	}
	return -1;
}

/* --db: the worker databases. Returns -1, or the exit status when they
 * could not be made. */
static int start_databases(struct run *r, struct strbuf *err)
{
	const struct runner_opts *o = r->o;
	if (o->db) {
		struct pgdb_config cfg = {o->db, o->db_schema, o->db_setup, NULL,
					  o->db_keep, o->db_setup_timeout};
		r->db = pgdb_start(&cfg, r->uid, r->nslots, err);
		if (!r->db) {
			print_header(r);
			if (proc_interrupt) {
				/* Ctrl-C or SIGTERM: stopped, cleaned up */
				fprintf(stderr, "runner: interrupted during the database "
					"set-up: %s\n", err->buf);
				printf("runner: 0 passed, 0 failed, 0 skipped\n");
				return RUNNER_EXIT_INTERRUPTED;
			}
			fprintf(stderr, "runner: database set-up failed: %s\n", err->buf);
			return RUNNER_EXIT_INTERNAL;
		}
	}
	return -1;
}

/* The parallel phase, the reruns of its failures, the serial phase. */
static void run_tests(struct run *r)
{
	const struct runner_opts *o = r->o;
	if (!o->quiet)
		print_header(r);
	r->slots = xcalloc((size_t)r->nslots, sizeof(*r->slots));
	orphans_subreaper();
	reporter_init(&r->rp, o->verbose, o->quiet, r->nslots, r->plan.ntests);
	if (o->affected_by)
		r->rp.deselected = r->plan.deselected;
	run_phase(r, r->plan.items, r->plan.nitems, r->nslots);
	rerun_alone(r);
	if (!r->stopping && r->plan.nserial) {
		if (r->rp.tty)
			reporter_clear(&r->rp);
		if (!o->quiet)
			printf("serial tests: %zu, run alone on gw0\n", r->plan.nserial);
		run_phase(r, r->plan.serial, r->plan.nserial, 1);
	}
	reporter_clear(&r->rp);
}

/* Whether the run ran the whole suite (its contexts replace the kept
 * ones): no selection, nothing stopped it. */
static int full_run(const struct run *r)
{
	const struct runner_opts *o = r->o;
	return !o->nkeywords && !o->nlabels && !o->last_failed && !o->shard_n &&
	       !r->plan.deselected && !r->stopping && !r->interrupted && !r->infra;
}

/* Writes the context store (and its copy for --affected-by after a full
 * run); returns rc, or the internal error status when it cannot. */
static enum runner_exit write_contexts(struct run *r, int full,
				       enum runner_exit rc, struct strbuf *err)
{
	strbuf_reset(err);
	char *keep = full ? run_contexts_kept_path(r->o->cache_file) : NULL;
	if (run_contexts_finish(r->ctx, keep, err)) {
		fprintf(stderr, "runner: cannot write the contexts: %s\n", err->buf);
		r->rp.errors++;
		rc = RUNNER_EXIT_INTERNAL;
	}
	free(keep);
	return rc;
}

/* After the tests: the cache, JUnit, the failures, the coverage report
 * and gate, the databases, and the summary line. Returns the exit status,
 * starting from rc. */
static enum runner_exit finish_run(struct run *r, double elapsed,
				   enum runner_exit rc, struct strbuf *err)
{
	const struct runner_opts *o = r->o;
	/* the context store's bytes are made beside the rest of this */
	if (r->ctx)
		run_contexts_start_finish(r->ctx);
	if (update_cache(r, err)) {
		fprintf(stderr, "runner: cannot write the cache \"%s\": %s\n",
			o->cache_file, err->buf);
		r->rp.errors++;
		rc = RUNNER_EXIT_INTERNAL;
	}
	strbuf_reset(err);
	if (o->junitxml && junit_write(o->junitxml, &r->results, elapsed, err)) {
		fprintf(stderr, "runner: cannot write \"%s\": %s\n", o->junitxml, err->buf);
		r->rp.errors++;
		rc = RUNNER_EXIT_INTERNAL;
	}
	reporter_failures(&r->rp, &r->results);
	if (o->durations_set)
		reporter_durations(&r->results, o->durations);
	/* the store is written before a report that reads it, else after the
	 * report, which then runs beside its making */
	int reporting = r->cov_dir && !r->interrupted && !r->infra;
	int store_first = !reporting || cov_report_shows_contexts(o);
	int full = full_run(r);   /* before a Ctrl-C during the report */
	if (r->ctx && store_first)
		rc = write_contexts(r, full, rc, err);
	if (r->cov_dir) {
		strbuf_reset(err);
		cov_binaries(&r->suite, &r->cov_binaries);
		if (cov_write_manifest(r->cov_dir, r->uid, r->nslots, &r->results,
				       r->interrupted || r->infra, o->cov_paths,
				       o->ncov_paths, &r->cov_binaries, 1, err)) {
			fprintf(stderr, "runner: cannot write the manifest: %s\n", err->buf);
			rc = RUNNER_EXIT_INTERNAL;
		}
		if (!r->interrupted && !r->infra) {
			size_t cerrors = 0;
			int crc = cov_report(o, r->cov_dir, r->nslots,
					     &r->cov_binaries, &cerrors);
			/* the last line counts the coverage errors too */
			r->rp.errors += cerrors;
			if (crc == 2) {
				/* Ctrl-C: the shards and the manifest stay, for
				 * covmerge to merge later */
				fprintf(stderr, "runner: interrupted during the coverage "
					"merge: no report written\n");
				r->interrupted = 1;
			} else if (crc == 3)
				rc = RUNNER_EXIT_INTERNAL;
			else if (crc == 1 && rc == RUNNER_EXIT_OK)
				rc = RUNNER_EXIT_FAILED;
		}
	}
	if (r->ctx && !store_first)
		rc = write_contexts(r, full, rc, err);
	if (r->db) {
		struct strbuf kept;
		strbuf_init(&kept);
		strbuf_reset(err);
		if (pgdb_finish(r->db, &kept, err)) {
			fprintf(stderr, "runner: database clean-up: %s\n", err->buf);
			if (rc == RUNNER_EXIT_OK)
				rc = RUNNER_EXIT_INTERNAL;
		}
		if (kept.len)
			printf("kept databases:\n%s", kept.buf);
		strbuf_release(&kept);
		r->db = NULL;
	}
	if (r->rp.failed && rc == RUNNER_EXIT_OK)
		rc = RUNNER_EXIT_FAILED;
	if (r->interrupted)
		rc = RUNNER_EXIT_INTERRUPTED;
	else if (r->infra)
		rc = RUNNER_EXIT_INTERNAL;
	/* the last line says that exit 3 is not about the tests */
	if (rc == RUNNER_EXIT_INTERNAL && !r->rp.errors)
		r->rp.errors = 1;
	rerun_report(&r->rerun, &r->suite);
	reporter_summary(&r->rp, elapsed, r->interrupted);
	return rc;
}

static void run_release(struct run *r, struct strbuf *err)
{
	if (r->db) {
		struct strbuf kept;
		strbuf_init(&kept);
		pgdb_finish(r->db, &kept, err);
		strbuf_release(&kept);
	}
	free(r->slots);
	rerun_release(&r->rerun);
	result_list_release(&r->results);
	plan_release(&r->plan);
	cache_release(&r->cache);
	cache_release(&r->durations);
	suite_release(&r->suite);
	free(r->uid);
	free(r->preload);
	free(r->cov_dir);
	path_list_release(&r->cov_binaries);
	free(r->infra);
	run_contexts_free(r->ctx);
	if (r->cov_lock >= 0)
		close(r->cov_lock);
}

enum runner_exit runner_run(const struct runner_opts *o)
{
	struct run r;
	memset(&r, 0, sizeof(r));
	r.o = o;
	r.cov_lock = -1;
	double t0 = now_seconds();
	struct strbuf err;
	strbuf_init(&err);
	install_signals();
	orphans_reap();
	r.uid = make_uid();
	struct strbuf preload_searched;
	strbuf_init(&preload_searched);
	r.preload = preload_find(&preload_searched);
	r.nslots = o->workers > 0 && o->dist != DIST_NO ? o->workers : 1;
	r.nslots = fd_worker_cap(r.nslots, &err);
	if (err.len)
		fprintf(stderr, "runner: note: %s\n", err.buf);
	strbuf_reset(&err);
	r.count = r.nslots;

	int rc = collect_and_plan(&r, preload_searched.buf, &err);
	if (rc < 0)
		rc = start_databases(&r, &err);
	if (rc < 0) {
		run_tests(&r);
		rc = (int)finish_run(&r, now_seconds() - t0, RUNNER_EXIT_OK, &err);
	} else if (rc == RUNNER_EXIT_INTERNAL) {
		/* a run that could not start ends with the same last line */
		printf("runner: 0 passed, 0 failed, 0 skipped, 1 error\n");
	}
	strbuf_release(&preload_searched);
	run_release(&r, &err);
	strbuf_release(&err);
	return (enum runner_exit)rc;
}
