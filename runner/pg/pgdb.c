#include "pgdb.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "alloc.h"
#include "collect.h"
#include "pgcmd.h"
#include "pgserver.h"
#include "proc.h"

extern char **environ;

/* PostgreSQL keeps NAMEDATALEN - 1 = 63 bytes of an identifier. */
#define NAME_MAX_BYTES 63
#define CONNECT_TIMEOUT "10"
/* connections that create or drop databases at the same time */
#define PARALLEL 4

struct pgdb {
	char *target;    /* what libpq is given: --db, or the private server's */
	char *described; /* for the header, password masked */
	struct pgserver *server; /* the private server of "temp", or NULL */
	int keep;
	int server_version;

	/* the connection parameters the maintenance connection ended up with */
	char *host, *port, *user, *password;

	char *tmpl;
	int tmpl_created;
	char **names;  /* worker databases, nworkers of them */
	int *created;  /* created[k]: names[k] exists */
	int nworkers;
	char ***env;   /* per worker, NULL-terminated */
};

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Appends libpq's message without its trailing newline. */
static void add_trimmed(struct strbuf *sb, const char *msg)
{
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ' ||
		     msg[n - 1] == '\t' || msg[n - 1] == '\r'))
		n--;
	strbuf_add(sb, msg, n);
}

/* Connects to database dbname with the target's other parameters (the
 * target string is expanded; the dbname after it wins). */
static PGconn *db_connect(const struct pgdb *db, const char *dbname)
{
	const char *keys[] = {"connect_timeout", "dbname", "dbname",
			      "fallback_application_name", NULL};
	const char *vals[] = {CONNECT_TIMEOUT, db->target, dbname, "runner",
			      NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (!c) {
		fprintf(stderr, "fatal: out of memory (libpq)\n");
		abort();
	}
	if (PQstatus(c) == CONNECTION_OK)
		PQsetNoticeProcessor(c, quiet_notices, NULL);
	return c;
}

/* The maintenance connection: database postgres, else template1 (as
 * PostgreSQL's own createdb does). */
static PGconn *connect_maintenance(const struct pgdb *db, struct strbuf *err)
{
	PGconn *c = db_connect(db, "postgres");
	if (PQstatus(c) == CONNECTION_OK)
		return c;
	struct strbuf first;
	strbuf_init(&first);
	add_trimmed(&first, PQerrorMessage(c));
	PQfinish(c);
	c = NULL;
	/* a server that cannot be reached at all need not be waited for twice
	 * (a match only saves time: any other failure tries template1) */
	if (!strstr(first.buf, "timeout expired") &&
	    !strstr(first.buf, "could not translate host name")) {
		c = db_connect(db, "template1");
		if (PQstatus(c) == CONNECTION_OK) {
			strbuf_release(&first);
			return c;
		}
	}
	strbuf_addf(err, "cannot connect to \"%s\": %s", db->described,
		    first.buf);
	if (c) {
		struct strbuf second;
		strbuf_init(&second);
		add_trimmed(&second, PQerrorMessage(c));
		if (strcmp(first.buf, second.buf))
			strbuf_addf(err, "\nwith dbname=template1: %s",
				    second.buf);
		strbuf_release(&second);
		PQfinish(c);
	}
	strbuf_release(&first);
	return NULL;
}

/* name quoted as an SQL identifier (libpq's escaping); the caller frees. */
static char *quote_ident(PGconn *c, const char *name)
{
	char *q = PQescapeIdentifier(c, name, strlen(name));
	if (!q)
		return NULL;
	char *copy = xstrdup(q);
	PQfreemem(q);
	return copy;
}

/* Runs one command; on failure appends libpq's message to msg. */
static int run_sql(PGconn *c, const char *sql, struct strbuf *msg)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ||
		 st == PGRES_EMPTY_QUERY;
	if (!ok)
		add_trimmed(msg, r ? PQresultErrorMessage(r)
				   : PQerrorMessage(c));
	PQclear(r);
	return ok ? 0 : -1;
}

/* CREATE DATABASE name (the template database, from template1). */
static int create_db(PGconn *c, const char *name, struct strbuf *err)
{
	char *qname = quote_ident(c, name);
	if (!qname) {
		strbuf_addf(err, "cannot create database \"%s\": ", name);
		add_trimmed(err, PQerrorMessage(c));
		return -1;
	}
	char *sql = xasprintf("CREATE DATABASE %s", qname);
	struct strbuf msg;
	strbuf_init(&msg);
	int rc = run_sql(c, sql, &msg);
	if (rc < 0)
		strbuf_addf(err, "cannot create database \"%s\": %s", name,
			    msg.buf);
	strbuf_release(&msg);
	free(sql);
	free(qname);
	return rc;
}

/* Runs the n statements sql[0..n) over up to PARALLEL connections: m and
 * new ones to m's database (fewer when the server has none to spare).
 * done[j] becomes 1 when statement j succeeded; otherwise msg[j] gets
 * libpq's message (the caller frees it) or stays NULL when the statement
 * never ran: after a failure, when stop_on_error, no new one starts. The
 * statements in flight are always waited for, so that done[] tells exactly
 * what happened. Returns the number of statements that did not succeed. */
static int run_parallel(const struct pgdb *db, PGconn *m, char *const *sql,
			int n, int stop_on_error, int *done, char **msg)
{
	PGconn *conns[PARALLEL] = {m};
	int job[PARALLEL];
	int nconn = 1;
	while (nconn < PARALLEL && nconn < n) {
		PGconn *c = db_connect(db, PQdb(m));
		if (PQstatus(c) != CONNECTION_OK) {
			PQfinish(c);
			break;
		}
		conns[nconn++] = c;
	}
	for (int i = 0; i < nconn; i++)
		job[i] = -1;
	for (int j = 0; j < n; j++) {
		done[j] = 0;
		msg[j] = NULL;
	}
	int next = 0, running = 0, failed = 0;
	for (;;) {
		for (int i = 0; i < nconn && next < n; i++) {
			if (job[i] >= 0 || (failed && stop_on_error))
				continue;
			int j = next++;
			if (!PQsendQuery(conns[i], sql[j])) {
				struct strbuf sb;
				strbuf_init(&sb);
				add_trimmed(&sb, PQerrorMessage(conns[i]));
				msg[j] = strbuf_detach(&sb, NULL);
				failed++;
				continue;
			}
			job[i] = j;
			done[j] = 1; /* until a result says otherwise */
			running++;
		}
		if (!running)
			break;
		struct pollfd pfd[PARALLEL];
		for (int i = 0; i < nconn; i++) {
			pfd[i].fd = job[i] >= 0 ? PQsocket(conns[i]) : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		/* a signal for the runner (Ctrl-C) must not end the wait: the
		 * statements run on in the server anyway */
		if (poll(pfd, (nfds_t)nconn, -1) < 0)
			continue;
		for (int i = 0; i < nconn; i++) {
			if (job[i] < 0 || !pfd[i].revents)
				continue;
			PGconn *c = conns[i];
			int j = job[i];
			int lost = !PQconsumeInput(c);
			while (lost || !PQisBusy(c)) {
				PGresult *r = lost ? NULL : PQgetResult(c);
				ExecStatusType st = PQresultStatus(r);
				if (r && st != PGRES_COMMAND_OK &&
				    st != PGRES_TUPLES_OK && !msg[j]) {
					struct strbuf sb;
					strbuf_init(&sb);
					add_trimmed(&sb, PQresultErrorMessage(r));
					msg[j] = strbuf_detach(&sb, NULL);
				}
				PQclear(r);
				if (r)
					continue;
				if (lost && !msg[j]) {
					struct strbuf sb;
					strbuf_init(&sb);
					add_trimmed(&sb, PQerrorMessage(c));
					msg[j] = strbuf_detach(&sb, NULL);
				}
				if (msg[j]) {
					done[j] = 0;
					failed++;
				}
				job[i] = -1;
				running--;
				break;
			}
		}
	}
	for (int i = 1; i < nconn; i++)
		PQfinish(conns[i]);
	int bad = 0;
	for (int j = 0; j < n; j++)
		bad += !done[j];
	return bad;
}

/* CREATE DATABASE ... TEMPLATE for every worker, a few at a time (copies
 * of one template may run at once; only the template itself must have no
 * session). Marks what it created; returns -1 with the first failure. */
static int create_workers(struct pgdb *db, PGconn *m, struct strbuf *err)
{
	int n = db->nworkers;
	char **sql = xcalloc((size_t)n, sizeof(*sql));
	char **msg = xcalloc((size_t)n, sizeof(*msg));
	char *qtmpl = quote_ident(m, db->tmpl);
	int rc = 0;
	for (int k = 0; k < n && rc == 0; k++) {
		char *qname = quote_ident(m, db->names[k]);
		if (!qtmpl || !qname) {
			strbuf_addf(err, "cannot create database \"%s\": ",
				    db->names[k]);
			add_trimmed(err, PQerrorMessage(m));
			rc = -1;
		} else {
			sql[k] = xasprintf("CREATE DATABASE %s TEMPLATE %s",
					   qname, qtmpl);
		}
		free(qname);
	}
	if (rc == 0 && run_parallel(db, m, sql, n, 1, db->created, msg) > 0) {
		rc = -1;
		for (int k = 0; k < n; k++) {
			if (!msg[k])
				continue;
			strbuf_addf(err, "cannot create database \"%s\" from "
				    "template \"%s\": %s", db->names[k], db->tmpl,
				    msg[k]);
			break;
		}
	}
	for (int k = 0; k < n; k++) {
		free(sql[k]);
		free(msg[k]);
	}
	free(sql);
	free(msg);
	free(qtmpl);
	return rc;
}

/* Drops the workers' databases that exist and the template, ending every
 * other session on them first. Goes on after a failure (each one is a
 * line in err); returns -1 when anything failed. */
static int drop_all(struct pgdb *db, PGconn *m, struct strbuf *err)
{
	static const char terminate[] =
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		"WHERE datname = $1 AND pid <> pg_backend_pid()";
	int n = 0;
	const char **names = xcalloc((size_t)db->nworkers + 1, sizeof(*names));
	for (int k = 0; k < db->nworkers; k++)
		if (db->created[k])
			names[n++] = db->names[k];
	if (db->tmpl_created)
		names[n++] = db->tmpl;
	char **sql = xcalloc((size_t)n + 1, sizeof(*sql));
	char **msg = xcalloc((size_t)n + 1, sizeof(*msg));
	int *done = xcalloc((size_t)n + 1, sizeof(*done));
	int rc = 0;
	for (int j = 0; j < n; j++) {
		const char *params[] = {names[j]};
		/* a failure here (no right to signal another role's session)
		 * leaves the explaining to DROP DATABASE */
		PQclear(PQexecParams(m, terminate, 1, NULL, params, NULL, NULL, 0));
		char *qname = quote_ident(m, names[j]);
		if (!qname) {
			strbuf_addf(err, "cannot drop database \"%s\": ", names[j]);
			add_trimmed(err, PQerrorMessage(m));
			strbuf_addch(err, '\n');
			rc = -1;
			continue;
		}
		/* FORCE (13+) also ends sessions that connected in between */
		sql[j] = xasprintf("DROP DATABASE IF EXISTS %s%s", qname,
				   db->server_version >= 130000 ? " WITH (FORCE)"
								: "");
		free(qname);
	}
	/* statements that could not be quoted are skipped, not run */
	int m_n = 0;
	char **run = xcalloc((size_t)n + 1, sizeof(*run));
	const char **run_names = xcalloc((size_t)n + 1, sizeof(*run_names));
	for (int j = 0; j < n; j++)
		if (sql[j]) {
			run[m_n] = sql[j];
			run_names[m_n++] = names[j];
		}
	if (run_parallel(db, m, run, m_n, 0, done, msg) > 0) {
		rc = -1;
		for (int j = 0; j < m_n; j++)
			if (!done[j])
				strbuf_addf(err, "cannot drop database \"%s\": %s\n",
					    run_names[j],
					    msg[j] ? msg[j] : "not run");
	}
	for (int j = 0; j < n; j++) {
		free(sql[j]);
		free(msg[j]);
	}
	if (err->len && err->buf[err->len - 1] == '\n')
		err->buf[--err->len] = '\0';
	free(run);
	free(run_names);
	free(sql);
	free(msg);
	free(done);
	free(names);
	/* what could not be dropped is no longer ours to drop again */
	for (int k = 0; k < db->nworkers; k++)
		db->created[k] = 0;
	db->tmpl_created = 0;
	return rc;
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

static int decimal_digits(int n)
{
	int d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* <prefix>_<uid>, lowercased; when the longest name of the run
 * (<base>_tmpl or <base>_gwN) would pass 63 bytes, the base is cut (on a
 * UTF-8 character boundary) and a hash of all of it appended, so that two
 * long bases that differ anywhere still give different names. */
static char *name_base(const char *prefix, const char *uid, int nworkers)
{
	char *base = xasprintf("%s_%s", prefix, uid);
	for (char *p = base; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	size_t suffix = strlen("_tmpl");
	size_t gw = strlen("_gw") + (size_t)decimal_digits(nworkers - 1);
	if (gw > suffix)
		suffix = gw;
	size_t len = strlen(base);
	if (len + suffix <= NAME_MAX_BYTES)
		return base;
	size_t cut = NAME_MAX_BYTES - suffix - 17; /* "_" + 16 hex digits */
	while (cut > 0 && ((unsigned char)base[cut] & 0xc0) == 0x80)
		cut--;
	char *short_base = xasprintf("%.*s_%016llx", (int)cut, base,
				     (unsigned long long)fnv1a(base));
	free(base);
	return short_base;
}

/* Percent-encodes s for a URL; '/' stays when keep_slash. */
static void url_encode(struct strbuf *sb, const char *s, int keep_slash)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
		    ch == '~' || (keep_slash && ch == '/'))
			strbuf_addch(sb, (char)ch);
		else
			strbuf_addf(sb, "%%%02X", ch);
	}
}

/* postgresql://user[:password]@host:port/dbname, or for a Unix socket
 * directory postgresql://user@/dbname?host=/dir&port=5432. */
static char *database_url(const struct pgdb *db, const char *dbname)
{
	struct strbuf u;
	strbuf_init(&u);
	strbuf_addstr(&u, "postgresql://");
	if (db->user && *db->user) {
		url_encode(&u, db->user, 0);
		if (db->password) {
			strbuf_addch(&u, ':');
			url_encode(&u, db->password, 0);
		}
		strbuf_addch(&u, '@');
	}
	int unix_socket = db->host && (db->host[0] == '/' || db->host[0] == '@');
	if (db->host && *db->host && !unix_socket) {
		if (strchr(db->host, ':')) {
			strbuf_addf(&u, "[%s]", db->host);
		} else {
			url_encode(&u, db->host, 0);
		}
		if (db->port && *db->port)
			strbuf_addf(&u, ":%s", db->port);
	}
	strbuf_addch(&u, '/');
	url_encode(&u, dbname, 0);
	if (unix_socket) {
		strbuf_addstr(&u, "?host=");
		url_encode(&u, db->host, 1);
		if (db->port && *db->port)
			strbuf_addf(&u, "&port=%s", db->port);
	}
	return strbuf_detach(&u, NULL);
}

/* The environment of a process working on dbname. */
static char **make_env(const struct pgdb *db, const char *dbname,
		       const char *appname)
{
	char **env = xcalloc(8, sizeof(*env));
	int n = 0;
	if (db->host && *db->host)
		env[n++] = xasprintf("PGHOST=%s", db->host);
	if (db->port && *db->port)
		env[n++] = xasprintf("PGPORT=%s", db->port);
	if (db->user && *db->user)
		env[n++] = xasprintf("PGUSER=%s", db->user);
	if (db->password)
		env[n++] = xasprintf("PGPASSWORD=%s", db->password);
	env[n++] = xasprintf("PGDATABASE=%s", dbname);
	char *url = database_url(db, dbname);
	env[n++] = xasprintf("DATABASE_URL=%s", url);
	free(url);
	env[n++] = xasprintf("PGAPPNAME=%s", appname);
	env[n] = NULL;
	return env;
}

static int is_url(const char *s)
{
	return !strncmp(s, "postgresql://", 13) || !strncmp(s, "postgres://", 11);
}

/* A URL with the password of its user part and of a password=... query
 * parameter replaced by ***. */
static void mask_url(struct strbuf *sb, const char *s)
{
	const char *rest = strstr(s, "://") + 3;
	strbuf_add(sb, s, (size_t)(rest - s));
	size_t auth = strcspn(rest, "/?");
	const char *at = memchr(rest, '@', auth);
	if (at) {
		const char *colon = memchr(rest, ':', (size_t)(at - rest));
		if (colon) {
			strbuf_add(sb, rest, (size_t)(colon - rest) + 1);
			strbuf_addstr(sb, "***");
			rest = at;
		}
	}
	const char *q = strchr(rest, '?');
	if (!q) {
		strbuf_addstr(sb, rest);
		return;
	}
	strbuf_add(sb, rest, (size_t)(q - rest) + 1);
	for (const char *p = q + 1; *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		if (eq && eq - p == 8 && !strncmp(p, "password", 8)) {
			strbuf_addstr(sb, "password=***");
		} else {
			strbuf_add(sb, p, n);
		}
		p += n;
		if (*p == '&') {
			strbuf_addch(sb, '&');
			p++;
		}
	}
}

/* A conninfo string (key = value ..., values bare or single-quoted with
 * backslash escapes, as libpq reads them) with the value of password
 * replaced by ***. Text that does not parse is copied only when it cannot
 * hold a password. */
static void mask_conninfo(struct strbuf *sb, const char *s)
{
	const char *p = s;
	while (*p) {
		const char *start = p;
		while (isspace((unsigned char)*p))
			p++;
		const char *key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t key_len = (size_t)(p - key);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=' || key_len == 0) {
			p = start;
			break;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		const char *value = p;
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++)
				if (*p == '\\' && p[1])
					p++;
			if (*p != '\'') {
				p = start;
				break;
			}
			p++;
		} else {
			for (; *p && !isspace((unsigned char)*p); p++)
				if (*p == '\\' && p[1])
					p++;
		}
		strbuf_add(sb, start, (size_t)(value - start));
		if (key_len == 8 && !strncmp(key, "password", 8))
			strbuf_addstr(sb, "***");
		else
			strbuf_add(sb, value, (size_t)(p - value));
	}
	if (*p)
		strbuf_addstr(sb, strstr(p, "password") ? "***" : p);
}

static char *describe_target(const char *target)
{
	struct strbuf sb;
	strbuf_init(&sb);
	if (is_url(target))
		mask_url(&sb, target);
	else
		mask_conninfo(&sb, target);
	return strbuf_detach(&sb, NULL);
}

/* The password the target names itself (not one from ~/.pgpass), or
 * NULL. */
static char *target_password(const char *target)
{
	if (!strchr(target, '=') && !is_url(target))
		return NULL;
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(target, &perr);
	PQfreemem(perr);
	char *pw = NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "password") && o->val && *o->val)
			pw = xstrdup(o->val);
	PQconninfoFree(opts);
	return pw;
}

static int read_schema(const char *path, struct strbuf *out,
		       struct strbuf *err)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		strbuf_addf(err, "cannot read schema \"%s\": %s", path,
			    strerror(errno));
		return -1;
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(out, buf, n);
	int bad = ferror(f);
	int saved = errno;
	fclose(f);
	if (bad) {
		strbuf_addf(err, "cannot read schema \"%s\": %s", path,
			    strerror(saved));
		return -1;
	}
	if (memchr(out->buf, '\0', out->len)) {
		strbuf_addf(err, "cannot read schema \"%s\": it holds a NUL "
			    "byte (not an SQL text file)", path);
		return -1;
	}
	return 0;
}

/* Runs the schema in the template database. */
static int load_schema(const struct pgdb *db, const char *path,
		       const char *sql, struct strbuf *err)
{
	PGconn *c = db_connect(db, db->tmpl);
	if (PQstatus(c) != CONNECTION_OK) {
		strbuf_addf(err, "cannot connect to database \"%s\" of \"%s\": ",
			    db->tmpl, db->described);
		add_trimmed(err, PQerrorMessage(c));
		PQfinish(c);
		return -1;
	}
	/* several statements in one PQexec run as one implicit transaction
	 * (unless the file has its own BEGIN/COMMIT) */
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	int rc = 0;
	if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
		strbuf_addf(err, "cannot load schema \"%s\": COPY ... FROM STDIN "
			    "and TO STDOUT need psql; use --db-setup \"psql -f %s\" "
			    "for such a file", path, path);
		rc = -1;
	} else if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK &&
		   st != PGRES_EMPTY_QUERY) {
		strbuf_addf(err, "cannot load schema \"%s\": ", path);
		add_trimmed(err, r ? PQresultErrorMessage(r) : PQerrorMessage(c));
		rc = -1;
	}
	PQclear(r);
	PQfinish(c); /* the template may have no session when it is copied */
	return rc;
}

/* Replaces every copy of secret in sb by "***". */
static void mask_in(struct strbuf *sb, const char *secret)
{
	size_t n = secret ? strlen(secret) : 0;
	if (!n)
		return;
	struct strbuf out;
	strbuf_init(&out);
	const char *p = sb->buf, *hit;
	while ((hit = strstr(p, secret))) {
		strbuf_add(&out, p, (size_t)(hit - p));
		strbuf_addstr(&out, "***");
		p = hit + n;
	}
	strbuf_addstr(&out, p);
	strbuf_reset(sb);
	strbuf_add(sb, out.buf, out.len);
	strbuf_release(&out);
}

/* Runs the setup command against the template database: stopped by
 * Ctrl-C or SIGTERM, and after timeout seconds (0 = never). Its output,
 * shown when it fails, has the password masked, as typed and as it
 * appears in DATABASE_URL. */
static int run_setup(const struct pgdb *db, const char *setup_cmd,
		     double timeout, struct strbuf *err)
{
	char **add = make_env(db, db->tmpl, "runner-setup");
	char **env = env_with(environ, add);
	strv_free(add);
	char *cmd = xstrdup(setup_cmd); /* argv's strings are not const */
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	char *what = xasprintf("setup command \"%s\"", setup_cmd);
	struct strbuf msg;
	strbuf_init(&msg);
	proc_interruptible = 1;
	int rc = proc_interrupt ? -1 : pgcmd_run(argv, env, NULL, timeout, what,
						 NULL, &msg);
	proc_interruptible = 0;
	if (proc_interrupt && !msg.len)
		strbuf_addf(&msg, "%s failed: interrupted", what);
	if (rc < 0 && db->password) {
		struct strbuf enc;
		strbuf_init(&enc);
		url_encode(&enc, db->password, 0);
		mask_in(&msg, db->password);
		mask_in(&msg, enc.buf);
		strbuf_release(&enc);
	}
	strbuf_add(err, msg.buf, msg.len);
	strbuf_release(&msg);
	free(what);
	free(cmd);
	strv_free(env);
	return rc;
}

static void pgdb_free(struct pgdb *db)
{
	free(db->target);
	free(db->described);
	free(db->host);
	free(db->port);
	free(db->user);
	free(db->password);
	free(db->tmpl);
	for (int k = 0; k < db->nworkers; k++) {
		free(db->names[k]);
		if (db->env)
			strv_free(db->env[k]);
	}
	free(db->names);
	free(db->created);
	free(db->env);
	free(db);
}

int pgdb_available(void)
{
	return 1;
}

struct pgdb *pgdb_start(const struct pgdb_config *cfg, const char *run_uid,
			int nworkers, struct strbuf *err)
{
	if (!cfg->target || !*cfg->target) {
		strbuf_addstr(err, "no database target given");
		return NULL;
	}
	if (!run_uid || !*run_uid || nworkers < 1) {
		strbuf_addf(err, "invalid database set-up: run uid \"%s\", %d "
			    "workers", run_uid ? run_uid : "", nworkers);
		return NULL;
	}
	/* a missing schema costs nothing to report: check it first */
	struct strbuf schema;
	strbuf_init(&schema);
	if (cfg->schema_file && read_schema(cfg->schema_file, &schema, err) < 0) {
		strbuf_release(&schema);
		return NULL;
	}

	struct pgdb *db = xcalloc(1, sizeof(*db));
	db->keep = cfg->keep;
	if (!strcmp(cfg->target, "temp")) {
		db->server = pgserver_start(err);
		if (!db->server) {
			strbuf_release(&schema);
			pgdb_free(db);
			return NULL;
		}
		db->target = xstrdup(pgserver_conninfo(db->server));
		db->described = xasprintf("temp (%s)", pgserver_dir(db->server));
	} else {
		db->target = xstrdup(cfg->target);
		db->described = describe_target(cfg->target);
	}

	PGconn *m = connect_maintenance(db, err);
	if (!m)
		goto fail;
	db->server_version = PQserverVersion(m);
	db->host = xstrdup(PQhost(m) ? PQhost(m) : "");
	db->port = xstrdup(PQport(m) ? PQport(m) : "");
	db->user = xstrdup(PQuser(m) ? PQuser(m) : "");
	db->password = target_password(db->target);

	char *base = name_base(cfg->prefix ? cfg->prefix : "runner", run_uid,
			       nworkers);
	db->tmpl = xasprintf("%s_tmpl", base);
	db->nworkers = nworkers;
	db->names = xcalloc((size_t)nworkers, sizeof(*db->names));
	db->created = xcalloc((size_t)nworkers, sizeof(*db->created));
	for (int k = 0; k < nworkers; k++)
		db->names[k] = xasprintf("%s_gw%d", base, k);
	free(base);

	if (create_db(m, db->tmpl, err) < 0)
		goto fail;
	db->tmpl_created = 1;
	if (cfg->schema_file &&
	    load_schema(db, cfg->schema_file, schema.buf, err) < 0)
		goto fail;
	if (cfg->setup_cmd && run_setup(db, cfg->setup_cmd, cfg->setup_timeout, err) < 0)
		goto fail;
	if (create_workers(db, m, err) < 0)
		goto fail;

	db->env = xcalloc((size_t)nworkers, sizeof(*db->env));
	for (int k = 0; k < nworkers; k++) {
		char *app = xasprintf("runner-gw%d", k);
		db->env[k] = make_env(db, db->names[k], app);
		free(app);
	}
	PQfinish(m);
	strbuf_release(&schema);
	return db;

fail:
	/* a private server goes as a whole */
	if (m && !db->server) {
		struct strbuf drop_err;
		strbuf_init(&drop_err);
		if (drop_all(db, m, &drop_err) < 0)
			strbuf_addf(err, "\nwhile cleaning up: %s", drop_err.buf);
		strbuf_release(&drop_err);
	}
	PQfinish(m);
	if (db->server) {
		struct strbuf stop_err;
		strbuf_init(&stop_err);
		if (pgserver_stop(db->server, &stop_err) < 0)
			strbuf_addf(err, "\nwhile cleaning up: %s", stop_err.buf);
		strbuf_release(&stop_err);
	}
	strbuf_release(&schema);
	pgdb_free(db);
	return NULL;
}

const char *const *pgdb_worker_env(const struct pgdb *db, int worker)
{
	if (worker < 0 || worker >= db->nworkers)
		return NULL;
	return (const char *const *)db->env[worker];
}

int pgdb_alive(const struct pgdb *db, struct strbuf *why)
{
	return !db->server || pgserver_alive(db->server, why);
}

const char *pgdb_describe(const struct pgdb *db)
{
	return db->described;
}

int pgdb_finish(struct pgdb *db, struct strbuf *kept, struct strbuf *err)
{
	if (!db)
		return 0;
	int rc = 0;
	if (db->keep) {
		for (int k = 0; kept && k < db->nworkers; k++)
			if (db->created[k])
				strbuf_addf(kept, "%s\n", db->names[k]);
		if (kept && db->tmpl_created)
			strbuf_addf(kept, "%s\n", db->tmpl);
		if (db->server) {
			/* kept databases need their server: it stays up */
			struct strbuf hint;
			strbuf_init(&hint);
			pgserver_detach(db->server, &hint);
			if (kept)
				strbuf_addf(kept, "# %s\n", hint.buf);
			strbuf_release(&hint);
		}
	} else if (db->server) {
		/* the whole cluster goes: no need to drop database by database */
		rc = pgserver_stop(db->server, err);
	} else {
		PGconn *m = connect_maintenance(db, err);
		if (!m) {
			strbuf_addstr(err, "\nleft behind:");
			for (int k = 0; k < db->nworkers; k++)
				if (db->created[k])
					strbuf_addf(err, " %s", db->names[k]);
			if (db->tmpl_created)
				strbuf_addf(err, " %s", db->tmpl);
			rc = -1;
		} else {
			rc = drop_all(db, m, err);
			PQfinish(m);
		}
	}
	pgdb_free(db);
	return rc;
}
