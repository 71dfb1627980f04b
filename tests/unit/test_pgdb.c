/* pgdb against a real PostgreSQL server: the private "temp" server (started
 * once by the group set-up, through pgdb_start itself), a database per
 * worker made from a schema or a setup command, each worker's environment
 * reaching its own database, concurrent runs kept apart, clean-up after
 * success and failure, --db-keep, long names, error messages and password
 * masking. Needs the PostgreSQL server binaries (initdb, pg_ctl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <sys/wait.h>

#include "pgdb.h"
#include "strbuf.h"
#include "unit_util.h"

#define SCHEMA "CREATE TABLE items (id serial PRIMARY KEY, note text);\n" \
	       "INSERT INTO items (note) VALUES ('seed');\n"

static struct {
	char *tmp;
	char *schema;        /* SCHEMA as a file */
	struct pgdb *temp;   /* the group's run on the "temp" target, 3 workers */
	char *target;        /* conninfo of that private server */
	char *server_dir;
} fx;

static const char *env_get(const char *const *env, const char *name)
{
	size_t n = strlen(name);
	for (; env && *env; env++)
		if (!strncmp(*env, name, n) && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

/* A connection to dbname on the private server. */
static PGconn *connect_db(const char *dbname)
{
	const char *keys[] = {"dbname", "dbname", NULL};
	const char *vals[] = {fx.target, dbname, NULL};
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to %s: %s", dbname, PQerrorMessage(c));
	return c;
}

/* A connection made the way a test process makes one: libpq reading
 * PGHOST, PGDATABASE, ... from the environment. */
static PGconn *connect_with_env(const char *const *env)
{
	for (const char *const *e = env; *e; e++) {
		char *name = strndup(*e, strcspn(*e, "="));
		setenv(name, strchr(*e, '=') + 1, 1);
		free(name);
	}
	PGconn *c = PQconnectdb("");
	for (const char *const *e = env; *e; e++) {
		char *name = strndup(*e, strcspn(*e, "="));
		unsetenv(name);
		free(name);
	}
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect with the worker env: %s",
			 PQerrorMessage(c));
	return c;
}

/* The single value of a query with at most one text parameter. */
static long long query_int(PGconn *c, const char *sql, const char *param)
{
	const char *params[] = {param};
	PGresult *r = PQexecParams(c, sql, param ? 1 : 0, NULL, params, NULL,
				   NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	long long v = atoll(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* How many databases of the server have uid in their name. */
static long long count_run_dbs(const char *uid)
{
	PGconn *c = connect_db("postgres");
	long long n = query_int(c, "SELECT count(*) FROM pg_database "
				   "WHERE strpos(datname, $1) > 0", uid);
	PQfinish(c);
	return n;
}

static int exists_db(const char *name)
{
	PGconn *c = connect_db("postgres");
	long long n = query_int(c, "SELECT count(*) FROM pg_database "
				   "WHERE datname = $1", name);
	PQfinish(c);
	return n == 1;
}

static struct pgdb *start_ok(const char *target, const char *uid, int n,
			     const char *schema, const char *setup,
			     const char *prefix, int keep)
{
	struct pgdb_config cfg = {.target = target, .schema_file = schema,
				  .setup_cmd = setup, .prefix = prefix,
				  .keep = keep};
	struct strbuf err;
	strbuf_init(&err);
	struct pgdb *db = pgdb_start(&cfg, uid, n, &err);
	if (!db)
		fail_msg("pgdb_start(%s): %s", uid, err.buf);
	strbuf_release(&err);
	return db;
}

/* Starts a run that must fail; returns the message (the caller frees). */
static char *start_fails(const char *target, const char *uid,
			 const char *schema, const char *setup)
{
	struct pgdb_config cfg = {.target = target, .schema_file = schema,
				  .setup_cmd = setup};
	struct strbuf err;
	strbuf_init(&err);
	struct pgdb *db = pgdb_start(&cfg, uid, 2, &err);
	assert_null(db);
	assert_true(err.len > 0);
	return strbuf_detach(&err, NULL);
}

static void finish_ok(struct pgdb *db)
{
	struct strbuf err;
	strbuf_init(&err);
	int rc = pgdb_finish(db, NULL, &err);
	if (rc != 0)
		fail_msg("pgdb_finish: %s", err.buf);
	strbuf_release(&err);
}

static void assert_contains(const char *haystack, const char *needle)
{
	if (!strstr(haystack, needle))
		fail_msg("\"%s\" does not contain \"%s\"", haystack, needle);
}

extern char **environ;

static int setup(void **state)
{
	(void)state;
	/* run under a runner with --db, this program has a database of its
	 * own in PGDATABASE, PGAPPNAME, ...: none of it may reach these
	 * tests' connections */
	for (int again = 1; again;) {
		again = 0;
		for (char **e = environ; *e; e++) {
			if (strncmp(*e, "PG", 2) && strncmp(*e, "DATABASE_URL=", 13))
				continue;
			char *name = strndup(*e, strcspn(*e, "="));
			unsetenv(name);
			free(name);
			again = 1;
			break;
		}
	}
	fx.tmp = ut_tmpdir("pgdb");
	if (!fx.tmp)
		return -1;
	fx.schema = ut_join(fx.tmp, "schema.sql");
	if (ut_write_file(fx.schema, SCHEMA, strlen(SCHEMA)) < 0)
		return -1;
	struct pgdb_config cfg = {.target = "temp", .schema_file = fx.schema};
	struct strbuf err;
	strbuf_init(&err);
	fx.temp = pgdb_start(&cfg, "grp", 3, &err);
	if (!fx.temp) {
		fprintf(stderr, "cannot start the temp server: %s\n", err.buf);
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	const char *const *env = pgdb_worker_env(fx.temp, 0);
	fx.target = malloc(4096);
	snprintf(fx.target, 4096, "host='%s' port=%s user=%s",
		 env_get(env, "PGHOST"), env_get(env, "PGPORT"),
		 env_get(env, "PGUSER"));
	const char *d = pgdb_describe(fx.temp);
	/* "temp (DIR)" */
	fx.server_dir = strndup(d + 6, strlen(d) - 7);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	struct strbuf err;
	strbuf_init(&err);
	int rc = pgdb_finish(fx.temp, NULL, &err);
	if (rc)
		fprintf(stderr, "pgdb_finish: %s\n", err.buf);
	strbuf_release(&err);
	ut_rm_rf(fx.tmp);
	free(fx.tmp);
	free(fx.schema);
	free(fx.target);
	free(fx.server_dir);
	return rc ? -1 : 0;
}

static void test_temp_describe_and_env(void **state)
{
	(void)state;
	assert_true(!strncmp(pgdb_describe(fx.temp), "temp (/", 7));
	struct stat st;
	assert_int_equal(stat(fx.server_dir, &st), 0);

	const char *const *env = pgdb_worker_env(fx.temp, 1);
	const char *want[] = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE",
			      "DATABASE_URL", "PGAPPNAME"};
	int i = 0;
	for (; env[i]; i++) {
		assert_true(i < 6);
		assert_int_equal(strncmp(env[i], want[i], strlen(want[i])), 0);
		assert_int_equal(env[i][strlen(want[i])], '=');
	}
	assert_int_equal(i, 6);
	/* Unix socket only, in the server's directory */
	assert_int_equal(strncmp(env_get(env, "PGHOST"), fx.server_dir,
				 strlen(fx.server_dir)), 0);
	assert_string_equal(env_get(env, "PGDATABASE"), "runner_grp_gw1");
	assert_string_equal(env_get(env, "PGAPPNAME"), "runner-gw1");
	assert_null(pgdb_worker_env(fx.temp, 3));
	assert_null(pgdb_worker_env(fx.temp, -1));
}

static void test_temp_worker_databases(void **state)
{
	(void)state;
	PGconn *conns[3];
	for (int k = 0; k < 3; k++) {
		const char *const *env = pgdb_worker_env(fx.temp, k);
		const char *dbname = env_get(env, "PGDATABASE");
		assert_true(exists_db(dbname));
		conns[k] = connect_with_env(env);
		assert_string_equal(PQdb(conns[k]), dbname);
		/* the schema's table and row, in each copy */
		assert_int_equal(query_int(conns[k], "SELECT count(*) FROM items",
					   NULL), 1);
	}
	assert_string_not_equal(PQdb(conns[0]), PQdb(conns[1]));
	assert_string_not_equal(PQdb(conns[1]), PQdb(conns[2]));
	exec_ok(conns[0], "INSERT INTO items (note) VALUES ('gw0 only')");
	assert_int_equal(query_int(conns[0], "SELECT count(*) FROM items", NULL), 2);
	assert_int_equal(query_int(conns[1], "SELECT count(*) FROM items", NULL), 1);
	assert_int_equal(query_int(conns[2], "SELECT count(*) FROM items", NULL), 1);
	exec_ok(conns[0], "DELETE FROM items WHERE note = 'gw0 only'");
	for (int k = 0; k < 3; k++)
		PQfinish(conns[k]);
	assert_int_equal(count_run_dbs("_grp_"), 4); /* 3 workers + template */
}

static void test_appname_in_pg_stat_activity(void **state)
{
	(void)state;
	const char *const *env = pgdb_worker_env(fx.temp, 2);
	PGconn *w = connect_with_env(env);
	PGconn *c = connect_db("postgres");
	assert_int_equal(query_int(c, "SELECT count(*) FROM pg_stat_activity "
				      "WHERE application_name = 'runner-gw2' "
				      "AND datname = $1",
				   env_get(env, "PGDATABASE")), 1);
	assert_int_equal(query_int(c, "SELECT count(*) FROM pg_stat_activity "
				      "WHERE application_name = 'runner-gw1'",
				   NULL), 0);
	PQfinish(w);
	PQfinish(c);
}

static void test_database_url_connects(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		const char *const *env = pgdb_worker_env(fx.temp, k);
		PGconn *c = PQconnectdb(env_get(env, "DATABASE_URL"));
		if (PQstatus(c) != CONNECTION_OK)
			fail_msg("%s: %s", env_get(env, "DATABASE_URL"),
				 PQerrorMessage(c));
		assert_string_equal(PQdb(c), env_get(env, "PGDATABASE"));
		assert_int_equal(query_int(c, "SELECT count(*) FROM items", NULL), 1);
		PQfinish(c);
	}
}

/* Two runs as two processes, as two runners would be: the child starts
 * its run while the parent starts another, and finishes it only when told. */
static void test_concurrent_runs_stay_apart(void **state)
{
	(void)state;
	int up[2], go[2];
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(go), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pgdb_config cfg = {.target = fx.target,
					  .schema_file = fx.schema};
		struct strbuf err;
		strbuf_init(&err);
		struct pgdb *b = pgdb_start(&cfg, "concb", 2, &err);
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", b ? "up" : err.buf);
		ssize_t w = write(up[1], msg, strlen(msg));
		char c;
		ssize_t r = read(go[0], &c, 1);
		(void)w;
		(void)r;
		int rc = b ? pgdb_finish(b, NULL, &err) : 1;
		_exit(rc ? 1 : 0);
	}
	close(up[1]);
	close(go[0]);
	struct pgdb *a = start_ok(fx.target, "conca", 2, fx.schema, NULL, NULL, 0);
	char msg[513] = {0};
	ssize_t n = read(up[0], msg, sizeof(msg) - 1);
	if (n != 2 || strcmp(msg, "up"))
		fail_msg("concurrent start of the other run: %s", msg);
	assert_int_equal(count_run_dbs("_conca_"), 3);
	assert_int_equal(count_run_dbs("_concb_"), 3);

	/* a test process of a that never closed its connection, and a session
	 * on b's database, while a finishes */
	PGconn *left_open = connect_with_env(pgdb_worker_env(a, 0));
	PGconn *bc = connect_db("runner_concb_gw1");
	exec_ok(bc, "INSERT INTO items (note) VALUES ('b')");
	finish_ok(a);
	assert_int_equal(count_run_dbs("_conca_"), 0);
	assert_int_equal(count_run_dbs("_concb_"), 3);
	/* the server ended a's session, and only that one */
	PGresult *r = PQexec(left_open, "SELECT 1");
	assert_int_not_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(left_open);
	assert_int_equal(PQstatus(bc), CONNECTION_OK);
	assert_int_equal(query_int(bc, "SELECT count(*) FROM items", NULL), 2);
	PQfinish(bc);

	assert_int_equal(write(go[1], "x", 1), 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(up[0]);
	close(go[1]);
	assert_int_equal(count_run_dbs("_concb_"), 0);
}

static void test_keep_lists_and_leaves(void **state)
{
	(void)state;
	struct pgdb *db = start_ok(fx.target, "keep1", 1, fx.schema, NULL, NULL, 1);
	struct strbuf kept, err;
	strbuf_init(&kept);
	strbuf_init(&err);
	assert_int_equal(pgdb_finish(db, &kept, &err), 0);
	assert_string_equal(kept.buf, "runner_keep1_gw0\nrunner_keep1_tmpl\n");
	assert_int_equal(count_run_dbs("_keep1_"), 2);
	PGconn *w = connect_db("runner_keep1_gw0");
	assert_int_equal(query_int(w, "SELECT count(*) FROM items", NULL), 1);
	PQfinish(w);
	PGconn *c = connect_db("postgres");
	exec_ok(c, "DROP DATABASE runner_keep1_gw0");
	exec_ok(c, "DROP DATABASE runner_keep1_tmpl");
	PQfinish(c);
	strbuf_release(&kept);
	strbuf_release(&err);
}

static void test_long_prefix_names(void **state)
{
	(void)state;
	char prefix[100];
	memset(prefix, 'x', 80);
	strcpy(prefix + 80, "MiXed \"q\"");
	/* two runs whose names differ only past the cut */
	struct pgdb *a = start_ok(fx.target, "LongA", 2, NULL, NULL, prefix, 0);
	struct pgdb *b = start_ok(fx.target, "LongB", 1, NULL, NULL, prefix, 0);
	const char *names[3];
	for (int k = 0; k < 3; k++) {
		const char *const *env = pgdb_worker_env(k < 2 ? a : b, k % 2);
		const char *n = env_get(env, "PGDATABASE");
		names[k] = n;
		/* 63 bytes for <base>_tmpl, one less for <base>_gwK */
		assert_int_equal(strlen(n), 62);
		for (const char *p = n; *p; p++)
			assert_false(*p >= 'A' && *p <= 'Z');
		/* the server kept the name whole: it can be connected to */
		PGconn *c = connect_with_env(env);
		assert_string_equal(PQdb(c), n);
		PQfinish(c);
	}
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			assert_string_not_equal(names[i], names[j]);
	PGconn *c = connect_db("postgres");
	assert_int_equal(query_int(c, "SELECT count(*) FROM pg_database WHERE "
				      "datname LIKE 'xxxxxxxxxx%'", NULL), 5);
	PQfinish(c);
	finish_ok(a);
	finish_ok(b);
	c = connect_db("postgres");
	assert_int_equal(query_int(c, "SELECT count(*) FROM pg_database WHERE "
				      "datname LIKE 'xxxxxxxxxx%'", NULL), 0);
	PQfinish(c);
}

static void test_setup_command(void **state)
{
	(void)state;
	if (system("command -v psql >/dev/null 2>&1") != 0)
		skip();
	/* the command sees the template's variables, and psql accepts both
	 * them and DATABASE_URL */
	const char *cmd =
		"test \"$PGDATABASE\" = runner_setup1_tmpl && "
		"test \"$PGAPPNAME\" = runner-setup && "
		"psql -qX -v ON_ERROR_STOP=1 -c 'CREATE TABLE from_setup (x int)' && "
		"psql -qX -v ON_ERROR_STOP=1 \"$DATABASE_URL\" "
		"-c 'INSERT INTO from_setup VALUES (42)'";
	struct pgdb *db = start_ok(fx.target, "setup1", 1, fx.schema, cmd, NULL, 0);
	for (int k = 0; k < 1; k++) {
		PGconn *c = connect_with_env(pgdb_worker_env(db, k));
		/* schema first, then the command */
		assert_int_equal(query_int(c, "SELECT count(*) FROM items", NULL), 1);
		assert_int_equal(query_int(c, "SELECT sum(x) FROM from_setup", NULL), 42);
		PQfinish(c);
	}
	finish_ok(db);
	assert_int_equal(count_run_dbs("_setup1_"), 0);
}

static void test_setup_command_fails(void **state)
{
	(void)state;
	char *msg = start_fails(fx.target, "setup2", NULL,
				"echo migrating; echo boom >&2; exit 3");
	assert_contains(msg, "setup command \"echo migrating; echo boom >&2; "
			     "exit 3\" failed: exit status 3");
	assert_contains(msg, "boom");
	free(msg);
	assert_int_equal(count_run_dbs("_setup2_"), 0);
}

static void test_server_down(void **state)
{
	(void)state;
	char *msg = start_fails("postgres://u:secret@127.0.0.1:1/x", "down1",
				NULL, NULL);
	if (!strstr(msg, "Connection refused") && !strstr(msg, "could not connect"))
		fail_msg("unexpected message: %s", msg);
	assert_contains(msg, "cannot connect to \"postgres://u:***@127.0.0.1:1/x\"");
	assert_null(strstr(msg, "secret"));
	free(msg);
}

static void test_unknown_role(void **state)
{
	(void)state;
	char target[4200];
	snprintf(target, sizeof(target), "%s user=nobody_here password=hush",
		 fx.target);
	char *msg = start_fails(target, "role1", fx.schema, NULL);
	assert_contains(msg, "role \"nobody_here\" does not exist");
	assert_contains(msg, "password=***");
	assert_null(strstr(msg, "hush"));
	free(msg);
}

static void test_missing_schema(void **state)
{
	(void)state;
	char *path = ut_join(fx.tmp, "nope.sql");
	char *msg = start_fails(fx.target, "miss1", path, NULL);
	char want[4200];
	snprintf(want, sizeof(want),
		 "cannot read schema \"%s\": No such file or directory", path);
	assert_string_equal(msg, want);
	free(msg);
	free(path);
	assert_int_equal(count_run_dbs("_miss1_"), 0);
}

static void test_schema_sql_error(void **state)
{
	(void)state;
	char *path = ut_join(fx.tmp, "broken.sql");
	const char *sql = "CREATE TABLE ok1 (x int);\n\nCREAT TABLE bad (y int);\n";
	assert_int_equal(ut_write_file(path, sql, strlen(sql)), 0);
	char *msg = start_fails(fx.target, "bad1", path, NULL);
	assert_contains(msg, path);
	assert_contains(msg, "syntax error at or near \"CREAT\"");
	assert_contains(msg, "LINE 3");
	free(msg);
	free(path);
	/* the template made before the failure is gone again */
	assert_int_equal(count_run_dbs("_bad1_"), 0);
}

/* The message of a start against a port where nothing listens. */
static void expect_masked(const char *target, const char *want_shown,
			  const char *secret)
{
	char *msg = start_fails(target, "mask0", NULL, NULL);
	char want[1024];
	snprintf(want, sizeof(want), "cannot connect to \"%s\": ", want_shown);
	if (strncmp(msg, want, strlen(want)))
		fail_msg("message \"%s\", want it to start with \"%s\"", msg, want);
	if (strstr(msg, secret))
		fail_msg("message \"%s\" shows the password", msg);
	free(msg);
}

static void test_describe_masks_password(void **state)
{
	(void)state;
	expect_masked("postgresql://u:s3cr%40t@127.0.0.1:1/db",
		      "postgresql://u:***@127.0.0.1:1/db", "s3cr");
	expect_masked("postgres://u:pw@127.0.0.1:1,127.0.0.1:1/db?sslmode=disable",
		      "postgres://u:***@127.0.0.1:1,127.0.0.1:1/db?sslmode=disable",
		      "pw@");
	expect_masked("postgres://127.0.0.1:1/db?user=u&password=hunter2&x=1",
		      "postgres://127.0.0.1:1/db?user=u&password=***&x=1",
		      "hunter2");
	expect_masked("postgresql://u@127.0.0.1:1/db",
		      "postgresql://u@127.0.0.1:1/db", "\x01");
	expect_masked("host=127.0.0.1 port=1 password=hunter2 user=u",
		      "host=127.0.0.1 port=1 password=*** user=u", "hunter2");
	expect_masked("host=127.0.0.1 port=1 password = 'a b\\' c' user=u",
		      "host=127.0.0.1 port=1 password = *** user=u", "a b");

	/* and on a run that started: the header, PGPASSWORD and DATABASE_URL
	 * (the private server trusts local connections: any password will
	 * do) */
	char target[4200];
	snprintf(target, sizeof(target), "%s password='s3 cr\\'et' dbname=x",
		 fx.target);
	struct pgdb *db = start_ok(target, "mask1", 1, NULL, NULL, NULL, 0);
	char want[4200];
	snprintf(want, sizeof(want), "%s password=*** dbname=x", fx.target);
	assert_string_equal(pgdb_describe(db), want);
	const char *const *wenv = pgdb_worker_env(db, 0);
	assert_string_equal(env_get(wenv, "PGPASSWORD"), "s3 cr'et");
	assert_contains(env_get(wenv, "DATABASE_URL"),
			"postgresql://runner:s3%20cr%27et@/runner_mask1_gw0?host=");
	PGconn *c = PQconnectdb(env_get(wenv, "DATABASE_URL"));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	assert_string_equal(PQpass(c), "s3 cr'et");
	PQfinish(c);
	finish_ok(db);
}

/* Last: the group's own run ends, and the private server with it. */
static void test_temp_finish_removes_server(void **state)
{
	(void)state;
	struct strbuf err;
	strbuf_init(&err);
	int rc = pgdb_finish(fx.temp, NULL, &err);
	fx.temp = NULL;
	if (rc)
		fail_msg("pgdb_finish: %s", err.buf);
	strbuf_release(&err);
	struct stat st;
	assert_int_equal(stat(fx.server_dir, &st), -1);
	assert_int_equal(errno, ENOENT);
	PGconn *c = PQconnectdb(fx.target);
	assert_int_not_equal(PQstatus(c), CONNECTION_OK);
	PQfinish(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_temp_describe_and_env),
		cmocka_unit_test(test_temp_worker_databases),
		cmocka_unit_test(test_appname_in_pg_stat_activity),
		cmocka_unit_test(test_database_url_connects),
		cmocka_unit_test(test_concurrent_runs_stay_apart),
		cmocka_unit_test(test_keep_lists_and_leaves),
		cmocka_unit_test(test_long_prefix_names),
		cmocka_unit_test(test_setup_command),
		cmocka_unit_test(test_setup_command_fails),
		cmocka_unit_test(test_server_down),
		cmocka_unit_test(test_unknown_role),
		cmocka_unit_test(test_missing_schema),
		cmocka_unit_test(test_schema_sql_error),
		cmocka_unit_test(test_describe_masks_password),
		cmocka_unit_test(test_temp_finish_removes_server),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
