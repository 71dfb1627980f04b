#!/usr/bin/env bash
# runner --db: a private PostgreSQL server, one database per worker, the
# schema in each, every test process on its own database, nothing left
# afterwards; set-up errors stop the run with exit 3 and a masked password.
set -euo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
need_runner
tl_workdir
chmod 755 "$work"
need_tool psql postgresql-client

cd "$work"
cat >schema.sql <<'SQL'
CREATE TABLE seen (worker text NOT NULL, db text NOT NULL);
INSERT INTO seen VALUES ('template', current_database());
SQL
mkdir tests
# each test records its worker and database in its own database, then
# checks that it sees only its own rows (the template's one plus its own)
for i in 1 2 3 4 5 6; do
	cat >"tests/test_db$i" <<'SH'
#!/bin/sh
set -e
psql -qAt -v ON_ERROR_STOP=1 -c "INSERT INTO seen VALUES ('$RUNNER_WORKER', current_database())"
echo "$RUNNER_WORKER $PGDATABASE $PGAPPNAME" >>"$OUT/env.$RUNNER_WORKER"
others=$(psql -qAt -c "SELECT count(*) FROM seen WHERE worker NOT IN ('template', '$RUNNER_WORKER')")
[ "$others" = 0 ] || { echo "saw $others rows of other workers"; exit 1; }
app=$(psql -qAt -c "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
[ "$app" = "runner-$RUNNER_WORKER" ] || { echo "application_name $app"; exit 1; }
case $DATABASE_URL in postgresql://*"/$PGDATABASE"*) ;; *) echo "DATABASE_URL $DATABASE_URL"; exit 1 ;; esac
SH
	chmod +x "tests/test_db$i"
done

rc=0
OUT=$work "$RUNNER" -n 2 -v --db temp --db-schema schema.sql tests >out 2>err || rc=$?
((rc == 0)) || fail "runner --db temp: exit $rc
$(cat out err)"
tail -n 1 out | grep -qx 'runner: 6 passed, 0 failed, 0 skipped' || fail "summary: $(tail -n 1 out)"
grep -q '^database: temp' out || fail "the header does not name the database: $(head -5 out)"
for w in gw0 gw1; do
	[[ -s env.$w ]] || fail "worker $w ran no test"
	read -r _ db app <"env.$w"
	[[ $db == runner_*_$w ]] || fail "worker $w's database is \"$db\""
	[[ $app == runner-$w ]] || fail "worker $w's PGAPPNAME is \"$app\""
	# the same database for all tests of a worker
	[[ $(cut -d' ' -f2 "env.$w" | sort -u | wc -l) == 1 ]] || fail "worker $w changed database"
done
db0=$(cut -d' ' -f2 env.gw0 | head -n 1)
db1=$(cut -d' ' -f2 env.gw1 | head -n 1)
[[ $db0 != "$db1" ]] || fail "both workers used $db0"
[[ ${db0%_gw0} == "${db1%_gw1}" ]] || fail "the two databases carry different run ids: $db0 $db1"
# the private server and its directory are gone (this run's, named by
# the header: other runs on the machine may have servers of their own)
own=$(sed -n 's/^database: temp (\(.*\))$/\1/p' out)
[[ $own == /tmp/runner-pg.* ]] || fail "no \"database: temp (DIR)\" header: $(head -5 out)"
[[ ! -e $own/data/postmaster.pid ]] || fail "a server is still running in $own"
[[ ! -e $own ]] || fail "the server directory $own is left behind"

# a schema with an error stops the run before any test: exit 3
printf 'CREATE TABLE broken (;\n' >bad.sql
rc=0
OUT=$work "$RUNNER" -n 2 --db temp --db-schema bad.sql tests >out2 2>err2 || rc=$?
((rc == 3)) || fail "a broken schema: exit $rc, expected 3"
grep -q 'bad.sql' err2 || fail "the message does not name the schema: $(cat err2)"
grep -q 'syntax error' err2 || fail "libpq's message is missing: $(cat err2)"
if grep -q '^\[gw' out2; then fail "tests ran although the set-up failed"; fi

# a server that is down: exit 3, libpq's message, the password masked
rc=0
OUT=$work "$RUNNER" -n 2 --db 'postgresql://someone:s3cret@127.0.0.1:1/postgres' tests >out3 2>err3 || rc=$?
((rc == 3)) || fail "a server that is down: exit $rc, expected 3"
grep -qi 'refused\|could not connect' err3 || fail "no connection error: $(cat err3)"
if grep -q 's3cret' out3 err3; then fail "the password is shown: $(cat out3 err3)"; fi
grep -q '\*\*\*' err3 || fail "the target is not shown masked: $(cat err3)"

# a missing schema file: exit 3 naming it
rc=0
OUT=$work "$RUNNER" -n 1 --db temp --db-schema nope.sql tests >out4 2>err4 || rc=$?
((rc == 3)) || fail "a missing schema: exit $rc, expected 3"
grep -q 'nope.sql' err4 || fail "the message does not name the file: $(cat err4)"
echo "test_runner_db: ok"
