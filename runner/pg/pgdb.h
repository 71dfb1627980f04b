/* Per-worker PostgreSQL databases (libpq).
 *
 * Before the run: connect to the maintenance database of the target
 * (postgres, then template1), create a template database once (from a
 * schema file, or by running a setup command against it), then one
 * database per worker with CREATE DATABASE ... TEMPLATE. Names are
 * <prefix>_<run uid>_gwK, fit PostgreSQL's 63-byte limit and are always
 * quoted with libpq's identifier escaping. After the run every database of
 * the run is dropped (open connections terminated first) unless kept.
 * The target "temp" starts a private server for the run (initdb into a
 * temporary directory, Unix socket only, as an unprivileged user when
 * running as root) and removes it afterwards. */
#ifndef RUNNER_PGDB_H
#define RUNNER_PGDB_H

#include "strbuf.h"

struct pgdb_config {
	const char *target;      /* conninfo, postgres:// URL, or "temp" */
	const char *schema_file; /* SQL run in the template database, or NULL */
	const char *setup_cmd;   /* shell command run against it, or NULL */
	const char *prefix;      /* database name prefix; NULL = "runner" */
	int keep;                /* keep the databases at the end */
	double setup_timeout;    /* seconds for setup_cmd; 0 = no limit */
};

struct pgdb;

/* 1 when the runner was built with PostgreSQL (libpq), else 0: then
 * pgdb_start fails with PGDB_UNAVAILABLE (pgdb_none.c). */
int pgdb_available(void);
#define PGDB_UNAVAILABLE "this runner was built without PostgreSQL support"

/* Sets everything up for nworkers workers. Returns NULL with libpq's (or
 * the setup's) message in err when the server is down, the credentials
 * are wrong, the schema file is missing or fails, ... (the caller exits 3).
 * Anything created before the failure is removed again. */
struct pgdb *pgdb_start(const struct pgdb_config *cfg, const char *run_uid,
			int nworkers, struct strbuf *err);

/* NULL-terminated "NAME=value" strings for worker k's test processes:
 * PGHOST, PGPORT, PGUSER (and PGPASSWORD when the target has one),
 * PGDATABASE, DATABASE_URL and PGAPPNAME=runner-gwK. Owned by db. */
const char *const *pgdb_worker_env(const struct pgdb *db, int worker);

/* 0 (with the cause in why) when the run's private server ("temp") has
 * stopped; 1 otherwise. An outside server is not watched. */
int pgdb_alive(const struct pgdb *db, struct strbuf *why);

/* The target for the header, any password masked ("temp (/tmp/...)" for
 * the private server). Owned by db. */
const char *pgdb_describe(const struct pgdb *db);

/* Terminates connections and drops the run's databases (or, when kept,
 * writes their names to kept, one per line), stops a private server and
 * frees db. Returns 0, or -1 with a message in err (db is freed anyway). */
int pgdb_finish(struct pgdb *db, struct strbuf *kept, struct strbuf *err);

#endif
