/* A private PostgreSQL server for one run (the --db target "temp").
 *
 * The server binaries come from `pg_config --bindir` when that directory
 * has initdb, else from the highest /usr/lib/postgresql/VERSION/bin. The
 * server lives in a new directory (mkdtemp under $TMPDIR or /tmp; /tmp when
 * running as root): DIR/data is the cluster (initdb -A trust -U runner
 * --no-sync), DIR/sock the Unix socket directory; it listens on no TCP
 * port. As root, initdb and the server run as the user "postgres" (or
 * "nobody" when there is none), which owns data/ and sock/; sock/ is
 * group-accessible to the runner's group so that test processes running
 * as the runner's user reach the socket, and nobody else does. DIR/owner
 * names the runner (orphans.h), so that the next run stops a server whose
 * runner was killed; a server kept on purpose (pgserver_detach) has none. */
#ifndef RUNNER_PGSERVER_H
#define RUNNER_PGSERVER_H

#include "strbuf.h"

struct pgserver;

/* Creates, initialises and starts the server and waits until it accepts
 * connections. Returns NULL with a message in err (no binaries found,
 * initdb or start failed, with the tail of their output); nothing is left
 * behind then. */
struct pgserver *pgserver_start(struct strbuf *err);

/* libpq conninfo of the server's maintenance database:
 * "host=DIR/sock port=5432 user=runner dbname=postgres". Owned by srv. */
const char *pgserver_conninfo(const struct pgserver *srv);

/* The server's directory. Owned by srv. */
const char *pgserver_dir(const struct pgserver *srv);

/* Whether the server still runs (its postmaster, from postmaster.pid).
 * When not, says so in why. */
int pgserver_alive(const struct pgserver *srv, struct strbuf *why);

/* Stops the server (pg_ctl -m fast; SIGQUIT to the postmaster if that
 * fails), removes its directory and frees srv. Returns 0, or -1 with a
 * message in err (srv is freed anyway). NULL is allowed. */
int pgserver_stop(struct pgserver *srv, struct strbuf *err);

/* Leaves the server running and its directory in place, appends how to
 * reach and stop it to hint (one line, no newline), and frees srv. */
void pgserver_detach(struct pgserver *srv, struct strbuf *hint);

#endif
