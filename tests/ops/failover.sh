#!/usr/bin/env bash
# failover.sh - the PostgreSQL failover drill on loopback (docs/operations.md, "Failover
# drill").  Run by tests/ops/run.sh (the shell suite of ./dev test) with the stack's
# environment, or alone with the same BGW_* variables; prints "N passed, N failed" last.
#
# Two private clusters under var/<stack>/failover/ on unix sockets: a primary and a
# streaming replica (pg_basebackup -R).  A worker pool (bgw-fcgi) behind its own nginx
# connects with one two-host conninfo and target_session_attrs=read-write.  Data is written
# through the application, the primary is stopped hard, the replica is promoted
# (pg_ctl promote), and the same session must then read what was committed and write again
# through the same pool, which is never restarted.  pg_auto_failover / Patroni do the
# detection and promotion in production; the application's side is what is tested here.
set -uo pipefail

: "${BGW_CONFIG:?run by tests/ops/run.sh}" "${BGW_STACK_DIR:?}" "${BGW_BUILD_DIR:?}"
SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ADMIN=${BGW_ADMIN:-$BGW_BUILD_DIR/tools/bgw-admin}
FCGI=$BGW_BUILD_DIR/cgi/bgw-fcgi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
W=$BGW_STACK_DIR/failover
BASE=${BGW_PORT_BASE:-$(sed -n 's|.*https://localhost:\([0-9]*\).*|\1|p' <<<"${BGW_BASE_URL:-https://localhost:9500}")}
PORT=$((BASE + 8))                        # the drill's nginx (TLS)
P1=$((BASE + 10)) P2=$((BASE + 11))       # socket "ports" of the two clusters (no TCP)
PROMOTE_WAIT_S=60
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"
# shellcheck source=tests/ops/drill-nginx.sh
. "$SRC/tests/ops/drill-nginx.sh"
as_pg() { setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --inh-caps=-all -- "$@"; }
psql_at() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$1" -p "$2" -U postgres -d "${4:-bgw}" -c "$3"; }

POOL=
cleanup() {
	[ -n "$POOL" ] && kill -TERM "$POOL" 2>/dev/null
	[ -s "$W/nginx/nginx.pid" ] && kill -TERM "$(cat "$W/nginx/nginx.pid")" 2>/dev/null
	for d in primary replica; do
		[ -f "$W/$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$W/$d" -m immediate stop >/dev/null 2>&1
	done
	sleep 0.3
}
trap cleanup EXIT

rm -rf "$W"
mkdir -p "$W"/{sock1,sock2,pglog,secrets,blobs,run,nginx/tmp}
chown postgres:bgw "$W/sock1" "$W/sock2"; chmod 0750 "$W/sock1" "$W/sock2"
chown postgres:postgres "$W/pglog"
chown bgw:bgw "$W/blobs" "$W/secrets" "$W/run"; chmod 0750 "$W/blobs" "$W/secrets"
(umask 077 && openssl rand -out "$W/secrets/master.key" 32)
chown bgw:bgw "$W/secrets/master.key"; chmod 0400 "$W/secrets/master.key"

# ---- primary, then a streaming replica cloned from it -----------------------------------
log "primary on $W/sock1 (.s.PGSQL.$P1), replica on $W/sock2 (.s.PGSQL.$P2)"
mkdir -p "$W/primary"; chown postgres:postgres "$W/primary"; chmod 0700 "$W/primary"
as_pg "$PGBIN/initdb" -D "$W/primary" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
	--auth-host=reject >"$W/initdb.log" 2>&1
printf 'bgw bgw bgw_app\nbgw root bgw_owner\nbgw root bgw_app\nbgw root postgres\nbgw postgres postgres\n' >"$W/primary/pg_ident.conf"
printf 'local all all peer map=bgw\nlocal replication postgres peer map=bgw\n' >"$W/primary/pg_hba.conf"
cat >>"$W/primary/postgresql.conf" <<CONF
listen_addresses = ''
port = $P1
unix_socket_directories = '$W/sock1'
unix_socket_permissions = 0777
wal_level = replica
max_wal_senders = 4
hot_standby = on
CONF
start() { as_pg "$PGBIN/pg_ctl" -D "$W/$1" -l "$W/pglog/$1.log" -w -t 60 start >/dev/null; }
check "primary started" start primary
"$PGBIN/psql" -X -q -h "$W/sock1" -p $P1 -U postgres -d postgres -c 'CREATE DATABASE bgw' >/dev/null
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$W/sock1" -p $P1 -U postgres -d bgw -f "$SRC/db/roles.sql" >/dev/null 2>&1

# The pool and bgw-admin name both hosts; libpq tries them in order and keeps the first that
# accepts writes.
CONNINFO="host=$W/sock1,$W/sock2 port=$P1,$P2 dbname=bgw target_session_attrs=read-write connect_timeout=2"
sed -e "s|^db = .*|db = $CONNINFO user=bgw_app|" \
	-e "s|^db_owner = .*|db_owner = $CONNINFO user=bgw_owner|" \
	-e "s|^blob_dir = .*|blob_dir = $W/blobs|" \
	-e "s|^master_key_file = .*|master_key_file = $W/secrets/master.key|" \
	-e "s|^socket = .*|socket = $W/run/pool.sock|" -e "s|^workers = .*|workers = 2|" \
	-e "s|^base_url = .*|base_url = https://localhost:$PORT|" "$BGW_CONFIG" >"$W/pool.conf"
chgrp bgw "$W/pool.conf"; chmod 0640 "$W/pool.conf"
check "migrations through the two-host conninfo" "$ADMIN" --config "$W/pool.conf" migrate

mkdir -p "$W/replica"; chown postgres:postgres "$W/replica"; chmod 0700 "$W/replica"
check "pg_basebackup of the primary (-R: a standby)" as_pg "$PGBIN/pg_basebackup" -h "$W/sock1" \
	-p $P1 -U postgres -D "$W/replica" -R -X stream -c fast
cat >>"$W/replica/postgresql.conf" <<CONF
port = $P2
unix_socket_directories = '$W/sock2'
CONF
check "replica started" start replica
for i in $(seq 1 100); do
	[ "$(psql_at "$W/sock1" $P1 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1 ] && break
	sleep 0.2
done
check "the replica streams from the primary" test "$(psql_at "$W/sock1" $P1 "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1
check "the replica is read-only (in recovery)" test "$(psql_at "$W/sock2" $P2 "SELECT pg_is_in_recovery()")" = t

# ---- the application: a pool on the two-host conninfo behind its own nginx ---------------
setsid setpriv --reuid=bgw --regid="$(id -g bgw)" --init-groups --inh-caps=-all -- \
	"$FCGI" --config "$W/pool.conf" </dev/null >"$W/pool.log" 2>&1 &
POOL=$!
for i in $(seq 1 100); do [ -S "$W/run/pool.sock" ] && break; sleep 0.1; done
TLS=$BGW_STACK_DIR/tls
check "the drill's nginx is up" drill_nginx "$W" "$PORT" "$W/run/pool.sock"
export BGW_BASE_URL="https://localhost:$PORT" BGW_CONFIG="$W/pool.conf"
check "healthz through the drill's pool" curl -sf --cacert "$TLS/ca.crt" "$BGW_BASE_URL/healthz" -o /dev/null
check "a firm admin signs in and creates a project (on the primary)" \
	node "$SRC/tests/ops/failover.mjs" before "$W/state.json"
PID=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).project)' "$W/state.json" 2>/dev/null)
# The commit is on the replica before the primary goes (asynchronous replication: wait
# until the replica has replayed everything the primary wrote).
LSN=$(psql_at "$W/sock1" $P1 "SELECT pg_current_wal_lsn()")
for i in $(seq 1 100); do
	[ "$(psql_at "$W/sock2" $P2 "SELECT pg_last_wal_replay_lsn() >= '$LSN'")" = t ] && break
	sleep 0.1
done
check "the replica has replayed the primary's last commit" test "$(psql_at "$W/sock2" $P2 "SELECT pg_last_wal_replay_lsn() >= '$LSN'")" = t

# ---- failover ------------------------------------------------------------------------------
log "stopping the primary hard, promoting the replica"
as_pg "$PGBIN/pg_ctl" -D "$W/primary" -m immediate stop >/dev/null 2>&1
check "the primary is down" sh -c "! '$PGBIN/pg_isready' -q -h '$W/sock1' -p $P1"
code=$(node "$SRC/tests/ops/failover.mjs" probe "$W/state.json" 2>&1 | tail -n 1)
check "with no writable primary a signed-in read answers 503 ($code)" test "$code" = 503
t0=$(date +%s.%N)
check "pg_ctl promote" as_pg "$PGBIN/pg_ctl" -D "$W/replica" -w -t $PROMOTE_WAIT_S promote
check "the replica is now a primary" test "$(psql_at "$W/sock2" $P2 "SELECT pg_is_in_recovery()")" = f
check "the same session reads its project and writes again through the same pool" \
	node "$SRC/tests/ops/failover.mjs" after "$W/state.json"
log "the application answered again $(echo "$(date +%s.%N) - $t0" | bc 2>/dev/null || echo '?') s after the promotion"
check "the project committed before the failover is on the new primary" \
	test "$(psql_at "$W/sock2" $P2 "SELECT name FROM bgw.projects WHERE id = '$PID'")" = "Failover drill FY2026"
check "the pool was not restarted (same master pid)" kill -0 "$POOL"
check "bgw-admin status reaches the new primary" sh -c "'$ADMIN' --config '$W/pool.conf' status | grep -q '^projects active: [2-9]'"
check "no worker crashed" sh -c "! grep -qE 'ERROR: AddressSanitizer|runtime error:' '$W/pool.log'"

finish
