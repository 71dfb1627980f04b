#include "pgserver.h"

#include <errno.h>
#include <glob.h>
#include <locale.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "collect.h"
#include "orphans.h"
#include "path.h"
#include "pgcmd.h"

extern char **environ;

/* The server's port only names its socket file (DIR/sock/.s.PGSQL.5432);
 * it is given explicitly so that PGPORT in the environment changes
 * nothing. */
#define SERVER_PORT "5432"
#define SUPERUSER "runner"

struct pgserver {
	char *dir;      /* the mkdtemp directory */
	char *data;     /* DIR/data */
	char *sock;     /* DIR/sock */
	char *pg_ctl;   /* path of pg_ctl */
	char *conninfo; /* host=... port=... user=runner dbname=postgres */
	char *user;     /* the server's user when running as root, or NULL */
	uid_t uid;
	gid_t gid;
};

static int has_initdb(const char *bindir)
{
	char *p = xasprintf("%s/initdb", bindir);
	int ok = access(p, X_OK) == 0;
	free(p);
	return ok;
}

/* "15" > "9.6" > "9.5": compares the numeric parts of two version names. */
static int version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		char *ea, *eb;
		long va = strtol(a, &ea, 10), vb = strtol(b, &eb, 10);
		if (va != vb)
			return va < vb ? -1 : 1;
		if (ea == a || eb == b)
			return strcmp(a, b);
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
	}
	return 0;
}

/* The directory holding initdb, pg_ctl and postgres, or NULL. */
static char *find_bindir(void)
{
	char *argv[] = {(char *)"pg_config", (char *)"--bindir", NULL};
	struct strbuf out, err;
	strbuf_init(&out);
	strbuf_init(&err);
	/* no pg_config (libpq-dev not installed) is fine: look further */
	if (pgcmd_run(argv, environ, NULL, 30, "pg_config", &out, &err) == 0) {
		while (out.len && strchr(" \t\r\n", out.buf[out.len - 1]))
			out.buf[--out.len] = '\0';
		if (out.len && has_initdb(out.buf)) {
			strbuf_release(&err);
			return strbuf_detach(&out, NULL);
		}
	}
	strbuf_release(&out);
	strbuf_release(&err);

	glob_t g;
	char *best = NULL, *best_version = NULL;
	if (glob("/usr/lib/postgresql/*/bin/initdb", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			const char *v = g.gl_pathv[i] + strlen("/usr/lib/postgresql/");
			size_t vlen = strcspn(v, "/");
			char *version = xstrndup(v, vlen);
			if (access(g.gl_pathv[i], X_OK) == 0 &&
			    (!best || version_cmp(version, best_version) > 0)) {
				free(best);
				free(best_version);
				best = xasprintf("/usr/lib/postgresql/%s/bin", version);
				best_version = version;
			} else {
				free(version);
			}
		}
		globfree(&g);
	}
	free(best_version);
	return best;
}

/* Single-quotes s for /bin/sh. */
static void sh_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/* Quotes s as a libpq conninfo value. */
static void conninfo_quote(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

static int rm_rf(const char *dir, struct strbuf *err)
{
	if (path_remove_tree(dir) < 0) {
		strbuf_addf(err, "cannot remove \"%s\": %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The runner's environment without PG*: the server and its tools read
 * PGPORT, PGDATA, ..., and none of the runner's own settings may leak into
 * the private server. */
static char **server_env(void)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = xcalloc(n + 1, sizeof(*env));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PG", 2))
			env[k++] = xstrdup(environ[i]);
	return env;
}

/* Runs a server command, as the server's user when there is one. */
static int run_server_cmd(const struct pgserver *srv,
			  const char *const *args, double timeout,
			  const char *what, struct strbuf *err)
{
	struct pgcmd_user user = {srv->user, srv->uid, srv->gid};
	/* a copy: argv's strings are not const */
	size_t n = 0;
	while (args[n])
		n++;
	char **argv = xcalloc(n + 1, sizeof(*argv));
	for (size_t i = 0; i < n; i++)
		argv[i] = xstrdup(args[i]);
	char **env = server_env();
	int rc = pgcmd_run(argv, env, srv->user ? &user : NULL, timeout, what,
			   NULL, err);
	strv_free(env);
	strv_free(argv);
	return rc;
}

/* Appends the tail of the server log (after a failed start) to err. */
static void add_log_tail(const struct pgserver *srv, struct strbuf *err)
{
	char *log = xasprintf("%s/server.log", srv->data);
	FILE *f = fopen(log, "r");
	free(log);
	if (!f)
		return;
	struct strbuf text;
	strbuf_init(&text);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&text, buf, n);
	fclose(f);
	if (text.len) {
		strbuf_addch(err, '\n');
		pgcmd_tail(err, text.buf, 8);
	}
	strbuf_release(&text);
}

static void pgserver_free(struct pgserver *srv)
{
	free(srv->dir);
	free(srv->data);
	free(srv->sock);
	free(srv->pg_ctl);
	free(srv->conninfo);
	free(srv->user);
	free(srv);
}

/* The postmaster's pid from postmaster.pid, or 0. */
static pid_t postmaster_pid(const struct pgserver *srv)
{
	char *path = xasprintf("%s/postmaster.pid", srv->data);
	FILE *f = fopen(path, "r");
	free(path);
	long pid = 0;
	if (f) {
		if (fscanf(f, "%ld", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	return (pid_t)pid;
}

/* Last resort when pg_ctl cannot stop the server: SIGQUIT (immediate
 * shutdown), then SIGKILL, each with a grace period. */
static void kill_postmaster(const struct pgserver *srv)
{
	pid_t pid = postmaster_pid(srv);
	if (pid <= 0)
		return;
	int sigs[] = {SIGQUIT, SIGKILL};
	for (int i = 0; i < 2; i++) {
		if (kill(pid, sigs[i]) < 0)
			return;
		for (int t = 0; t < 50; t++) {
			if (kill(pid, 0) < 0)
				return;
			struct timespec ts = {0, 100 * 1000 * 1000};
			nanosleep(&ts, NULL);
		}
	}
}

static const char *pick_locale(void)
{
	locale_t l = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	if (l) {
		freelocale(l);
		return "C.UTF-8";
	}
	return "C";
}

/* PostgreSQL refuses to run as root: as root, the server runs as
 * "postgres" (or "nobody"). Returns 0, or -1 with the cause in err. */
static int pick_user(struct pgserver *srv, struct strbuf *err)
{
	if (geteuid() != 0)
		return 0;
	struct passwd *pw = getpwnam("postgres");
	if (!pw)
		pw = getpwnam("nobody");
	if (!pw) {
		strbuf_addstr(err,
			"cannot start a temporary PostgreSQL server as root: "
			"neither the user \"postgres\" nor \"nobody\" exists");
		return -1;
	}
	srv->user = xstrdup(pw->pw_name);
	srv->uid = pw->pw_uid;
	srv->gid = pw->pw_gid;
	return 0;
}

/* The server's directory (runner-pg.XXXXXX under $TMPDIR or /tmp) with
 * data/ and sock/. Returns 0, or -1 with the cause in err; srv->dir is
 * set once the directory exists. */
static int make_dirs(struct pgserver *srv, struct strbuf *err)
{
	/* The socket path must fit sockaddr_un; and the server's user must be
	 * able to reach the directory, which /tmp guarantees. */
	const char *base = getenv("TMPDIR");
	struct sockaddr_un sun;
	if (srv->user || !base || base[0] != '/' ||
	    strlen(base) + sizeof("/runner-pg.XXXXXX/sock/.s.PGSQL." SERVER_PORT) >
		    sizeof(sun.sun_path))
		base = "/tmp";
	char *tmpl = xasprintf("%s/runner-pg.XXXXXX", base);
	if (!mkdtemp(tmpl)) {
		strbuf_addf(err, "cannot create a directory in \"%s\" for the "
			    "temporary PostgreSQL server: %s", base,
			    strerror(errno));
		free(tmpl);
		return -1;
	}
	srv->dir = tmpl;
	srv->data = xasprintf("%s/data", srv->dir);
	srv->sock = xasprintf("%s/sock", srv->dir);

	/* a run killed with SIGKILL leaves the server: the next run stops it */
	const char *failed = NULL;
	if (orphans_claim_dir(srv->dir) < 0)
		failed = srv->dir;
	else if (srv->user && chmod(srv->dir, 0711) < 0)
		failed = srv->dir;
	else if (mkdir(srv->data, 0700) < 0)
		failed = srv->data;
	else if (mkdir(srv->sock, 0750) < 0)
		failed = srv->sock;
	else if (srv->user && chown(srv->data, srv->uid, srv->gid) < 0)
		failed = srv->data;
	/* the runner's group may enter sock/, others may not */
	else if (srv->user && chown(srv->sock, srv->uid, getegid()) < 0)
		failed = srv->sock;
	if (failed) {
		strbuf_addf(err, "cannot prepare \"%s\" for the temporary "
			    "PostgreSQL server: %s", failed, strerror(errno));
		return -1;
	}
	return 0;
}

/* initdb, then pg_ctl start. Returns 0, or -1 with the cause in err. */
static int init_and_start(struct pgserver *srv, const char *initdb,
			  struct strbuf *err)
{
	char *locale_opt = xasprintf("--locale=%s", pick_locale());
	const char *initdb_argv[] = {initdb, "-D", srv->data, "-A", "trust",
				     "-U", SUPERUSER, "-E", "UTF8", locale_opt,
				     "--no-sync", NULL};
	struct strbuf cmd_err;
	strbuf_init(&cmd_err);
	int rc = run_server_cmd(srv, initdb_argv, 300, "initdb", &cmd_err);
	free(locale_opt);
	if (rc < 0) {
		strbuf_addf(err, "cannot create the temporary PostgreSQL server "
			    "in \"%s\": %s", srv->data, cmd_err.buf);
		strbuf_release(&cmd_err);
		return -1;
	}

	struct strbuf opts, log;
	strbuf_init(&opts);
	strbuf_init(&log);
	/* no TCP at all, fsync off: the cluster is thrown away after the run */
	strbuf_addstr(&opts, "-p " SERVER_PORT " -k ");
	sh_quote(&opts, srv->sock);
	strbuf_addstr(&opts, " -c listen_addresses='' -F"
			     " -c full_page_writes=off -c synchronous_commit=off");
	strbuf_addf(&log, "%s/server.log", srv->data);
	const char *start_argv[] = {srv->pg_ctl, "-D", srv->data, "-l", log.buf,
				    "-o", opts.buf, "-w", "-t", "60", "start",
				    NULL};
	rc = run_server_cmd(srv, start_argv, 120, "pg_ctl start", &cmd_err);
	strbuf_release(&opts);
	strbuf_release(&log);
	if (rc < 0) {
		strbuf_addf(err, "cannot start the temporary PostgreSQL server "
			    "in \"%s\": %s", srv->data, cmd_err.buf);
		strbuf_release(&cmd_err);
		add_log_tail(srv, err);
		kill_postmaster(srv);
		return -1;
	}
	strbuf_release(&cmd_err);
	return 0;
}

struct pgserver *pgserver_start(struct strbuf *err)
{
	char *bindir = find_bindir();
	if (!bindir) {
		strbuf_addstr(err,
			"cannot start a temporary PostgreSQL server: no server "
			"binaries found (no initdb in \"pg_config --bindir\" nor in "
			"/usr/lib/postgresql/*/bin)\n"
			"hint: install the server with \"apt-get install postgresql\" "
			"(package postgresql), or give --db a running server");
		return NULL;
	}
	struct pgserver *srv = xcalloc(1, sizeof(*srv));
	char *initdb = xasprintf("%s/initdb", bindir);
	srv->pg_ctl = xasprintf("%s/pg_ctl", bindir);
	free(bindir);

	if (pick_user(srv, err) < 0) {
		free(initdb);
		pgserver_free(srv);
		return NULL;
	}
	if (make_dirs(srv, err) < 0 || init_and_start(srv, initdb, err) < 0) {
		free(initdb);
		if (srv->dir) {
			struct strbuf ignore;
			strbuf_init(&ignore);
			rm_rf(srv->dir, &ignore);
			strbuf_release(&ignore);
		}
		pgserver_free(srv);
		return NULL;
	}
	free(initdb);

	struct strbuf ci;
	strbuf_init(&ci);
	strbuf_addstr(&ci, "host=");
	conninfo_quote(&ci, srv->sock);
	strbuf_addstr(&ci, " port=" SERVER_PORT " user=" SUPERUSER
			   " dbname=postgres");
	srv->conninfo = strbuf_detach(&ci, NULL);
	return srv;
}

const char *pgserver_conninfo(const struct pgserver *srv)
{
	return srv->conninfo;
}

const char *pgserver_dir(const struct pgserver *srv)
{
	return srv->dir;
}

/* Whether pid runs (a zombie does not). */
static int process_running(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return kill(pid, 0) == 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

int pgserver_alive(const struct pgserver *srv, struct strbuf *why)
{
	pid_t pid = postmaster_pid(srv);
	if (pid > 0 && process_running(pid))
		return 1;
	strbuf_addf(why, "the temporary PostgreSQL server in \"%s\" stopped "
		    "during the run", srv->dir);
	if (pid > 0)
		strbuf_addf(why, " (its postmaster, pid %ld, is gone)", (long)pid);
	return 0;
}

int pgserver_stop(struct pgserver *srv, struct strbuf *err)
{
	if (!srv)
		return 0;
	const char *stop_argv[] = {srv->pg_ctl, "-D", srv->data, "-m", "fast",
				   "-w", "-t", "60", "stop", NULL};
	struct strbuf stop_err;
	strbuf_init(&stop_err);
	int rc = 0;
	if (run_server_cmd(srv, stop_argv, 120, "pg_ctl stop",
			   &stop_err) < 0) {
		/* it may be gone already; if not, end it the hard way */
		if (postmaster_pid(srv) > 0 && kill(postmaster_pid(srv), 0) == 0) {
			strbuf_addf(err, "cannot stop the temporary PostgreSQL "
				    "server in \"%s\": %s", srv->data,
				    stop_err.buf);
			rc = -1;
		}
		kill_postmaster(srv);
	}
	strbuf_reset(&stop_err);
	/* one message is enough: a server that would not stop explains the
	 * directory that cannot be removed */
	if (rm_rf(srv->dir, rc ? &stop_err : err) < 0)
		rc = -1;
	strbuf_release(&stop_err);
	pgserver_free(srv);
	return rc;
}

void pgserver_detach(struct pgserver *srv, struct strbuf *hint)
{
	/* kept on purpose: no later run may take it for a killed run's */
	char *owner = xasprintf("%s/owner", srv->dir);
	unlink(owner);
	free(owner);
	strbuf_addstr(hint, "temporary server kept running: ");
	strbuf_addstr(hint, srv->conninfo);
	strbuf_addstr(hint, "; stop it with: ");
	if (srv->user)
		strbuf_addf(hint, "runuser -u %s -- ", srv->user);
	sh_quote(hint, srv->pg_ctl);
	strbuf_addstr(hint, " -D ");
	sh_quote(hint, srv->data);
	strbuf_addstr(hint, " -m fast stop && rm -rf ");
	sh_quote(hint, srv->dir);
	pgserver_free(srv);
}
