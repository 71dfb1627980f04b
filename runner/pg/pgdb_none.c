/* The per-worker databases of a runner built without PostgreSQL
 * (-DCM_POSTGRESQL=OFF, or libpq not found): pgdb.h's functions, which
 * refuse. main checks pgdb_available() first and exits 4 on --db. */
#include "pgdb.h"

#include <stdlib.h>

int pgdb_available(void)
{
	return 0;
}

struct pgdb *pgdb_start(const struct pgdb_config *cfg, const char *run_uid,
			int nworkers, struct strbuf *err)
{
	(void)cfg;
	(void)run_uid;
	(void)nworkers;
	strbuf_addstr(err, PGDB_UNAVAILABLE);
	return NULL;
}

const char *const *pgdb_worker_env(const struct pgdb *db, int worker)
{
	(void)db;
	(void)worker;
	static const char *const none[] = {NULL};
	return none;
}

int pgdb_alive(const struct pgdb *db, struct strbuf *why)
{
	(void)db;
	(void)why;
	return 1;
}

const char *pgdb_describe(const struct pgdb *db)
{
	(void)db;
	return "none";
}

int pgdb_finish(struct pgdb *db, struct strbuf *kept, struct strbuf *err)
{
	(void)db;
	(void)kept;
	(void)err;
	return 0;
}
