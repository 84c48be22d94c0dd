#!/bin/sh
# run.sh - run tests/unit/test_migrate against a throw-away PostgreSQL 15 cluster.
#
# Usage: tests/db/run.sh [path/to/test_migrate]   (default: tests/unit/test_migrate, as
# built in the current directory, which is what `make check` provides).
# Makes a private cluster in a fresh /tmp directory (as the postgres OS user: PostgreSQL
# refuses root), listening only on a unix socket there, creates database bgw, runs
# db/roles.sql twice as the superuser (it must be idempotent), then runs the test program
# with BGW_TEST_PG set, which applies the migrations as bgw_owner and probes as bgw_app.
# The cluster is stopped and removed on exit.  Speaks TAP (the program's own, or one SKIP
# line when this machine cannot run a cluster), so automake's tap-driver can run it.
set -eu

prog=${1:-tests/unit/test_migrate}
srcdir=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
pgbin=${BGW_PGBIN:-/usr/lib/postgresql/15/bin}
pguser=${BGW_PGUSER:-postgres}

skip() {
	echo "1..0 # SKIP $1"
	exit 0
}

[ -x "$pgbin/initdb" ] || skip "no PostgreSQL 15 in $pgbin"
[ -x "$prog" ] || skip "no test program $prog"
command -v psql >/dev/null 2>&1 || skip "no psql"
if [ "$(id -u)" = 0 ]; then
	id "$pguser" >/dev/null 2>&1 || skip "no OS user $pguser to run PostgreSQL"
	as_pg() { runuser -u "$pguser" -- "$@"; }
else
	as_pg() { "$@"; }
fi

work=$(mktemp -d /tmp/bgw-db.XXXXXX)
log=$work/server.log
cleanup() {
	as_pg "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown "$pguser" "$work"

# Everything but the test program's TAP goes to stderr.
as_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --no-sync >&2
as_pg "$pgbin/pg_ctl" -D "$work/pg" -l "$log" -w \
	-o "-k $work -c listen_addresses='' -c fsync=off" start >&2

psql_su() {
	psql -X -q -h "$work" -U postgres -v ON_ERROR_STOP=1 "$@" >&2
}
psql_su -d postgres -c 'CREATE DATABASE bgw'
psql_su -d bgw -f "$srcdir/db/roles.sql"
psql_su -d bgw -f "$srcdir/db/roles.sql"

BGW_TEST_PG="host=$work dbname=bgw" BGW_SRCDIR=$srcdir "$prog"
