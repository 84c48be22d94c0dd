#!/usr/bin/env bash
# failover-auto.sh - the automatic failover drill with pg_auto_failover (Debian
# postgresql-15-auto-failover; docs/operations.md, "Failover drill").  Run by
# tests/ops/run.sh in `./dev test --deep ops` (it takes a minute or two), or alone with the
# stack's BGW_* variables; prints "N passed, N failed" last.
#
# On loopback TCP: a monitor and two data nodes, each a pg_autoctl service with its own
# PostgreSQL; the second is cloned from the first and becomes its synchronous standby.  A
# worker pool behind its own nginx connects with one multi-host conninfo
# (target_session_attrs=read-write).  A client writes projects without pause and keeps a
# ledger; the primary's whole node (its pg_autoctl and PostgreSQL) is killed as a host that
# dies would be; the monitor notices and promotes the standby with nobody's help.  Then:
# every failed request was a 503, the service answers again without a restart of the pool,
# no project the client saw committed (201) is missing on the new primary, and the time to
# recover is reported.
set -uo pipefail

: "${BGW_CONFIG:?run by tests/ops/run.sh}" "${BGW_STACK_DIR:?}" "${BGW_BUILD_DIR:?}"
SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ADMIN=${BGW_ADMIN:-$BGW_BUILD_DIR/tools/bgw-admin}
FCGI=$BGW_BUILD_DIR/cgi/bgw-fcgi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
W=$BGW_STACK_DIR/autofailover
BASE=${BGW_PORT_BASE:-$(sed -n 's|.*https://localhost:\([0-9]*\).*|\1|p' <<<"${BGW_BASE_URL:-https://localhost:9500}")}
# TCP on loopback, above the stacks' ranges of ten ports (the next stack's BGW_PORT_BASE may
# be BASE + 10; pg_auto_failover's monitor listens on every address of its port).
AUTO=$((BASE + 1010))
PM=$((AUTO + 2)) P1=$((AUTO + 3)) P2=$((AUTO + 4))   # monitor, node1, node2
PORT=$((AUTO + 5))                                   # the drill's nginx (TLS)
SETUP_WAIT_S=120        # a node's creation (initdb, or pg_basebackup of the primary)
SWITCH_WAIT_S=180       # the monitor's detection and promotion (~50 s with its defaults)
STEADY_S=8              # load before the kill, and after the recovery
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"
# shellcheck source=tests/ops/drill-nginx.sh
. "$SRC/tests/ops/drill-nginx.sh"
if ! command -v pg_autoctl >/dev/null; then
	skip "pg_autoctl is not installed (postgresql-15-auto-failover)"
	finish
fi

# pg_autoctl keeps its configuration and state under XDG directories: ours, not postgres's.
AUTOENV=(env "PATH=$PGBIN:$PATH" "XDG_CONFIG_HOME=$W/xdg/config" "XDG_DATA_HOME=$W/xdg/data"
	"XDG_RUNTIME_DIR=$W/xdg/run" "PG_CONFIG=$PGBIN/pg_config")
as_pg() { setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --inh-caps=-all -- "${AUTOENV[@]}" "$@"; }
autoctl() { as_pg pg_autoctl "$@"; }
psql_at() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$1 user=postgres dbname=${3:-bgw} connect_timeout=2" -c "$2"; }
MONITOR_URI="postgres://autoctl_node@127.0.0.1:$PM/pg_auto_failover?sslmode=disable"

SERVICES=() POOL= LOADPID=
cleanup() {
	local p
	[ -n "$LOADPID" ] && kill -TERM "$LOADPID" 2>/dev/null
	[ -n "$POOL" ] && kill -TERM "$POOL" 2>/dev/null
	[ -s "$W/nginx/nginx.pid" ] && kill -TERM "$(cat "$W/nginx/nginx.pid")" 2>/dev/null
	# Each pg_autoctl service leads a process group of its own (setsid): it and its
	# PostgreSQL go together.
	for p in "${SERVICES[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done
	sleep 2
	for p in "${SERVICES[@]}"; do kill -KILL -- "-$p" 2>/dev/null; done
}
trap cleanup EXIT

for p in $PM $P1 $P2 $PORT; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		bad "port $p is free for the drill (ss -ltnp 'sport = :$p')"
		finish
	fi
done
rm -rf "$W"
mkdir -p "$W"/{xdg/config,xdg/data,xdg/run,pglog,secrets,blobs,run,nginx/tmp}
chown -R postgres:postgres "$W/xdg" "$W/pglog"; chmod 0700 "$W/xdg/run"
chown bgw:bgw "$W/blobs" "$W/secrets" "$W/run"; chmod 0750 "$W/blobs" "$W/secrets"
(umask 077 && openssl rand -out "$W/secrets/master.key" 32)
chown bgw:bgw "$W/secrets/master.key"; chmod 0400 "$W/secrets/master.key"
chown postgres "$W"

# service NAME ARGS...: `pg_autoctl create ... --run` in a process group of its own.
service() {
	local name=$1; shift
	setsid setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --inh-caps=-all -- \
		"${AUTOENV[@]}" pg_autoctl "$@" --run </dev/null >"$W/pglog/$name.log" 2>&1 &
	SERVICES+=($!)
	eval "SVC_$name=$!"
}
# state NODE: the node's current state as the monitor records it (single, primary, ...).
state() {
	psql_at $PM "SELECT reportedstate FROM pgautofailover.node WHERE nodename = '$1'" pg_auto_failover 2>/dev/null
}
wait_state() { # wait_state NODE STATE SECONDS
	local i
	for i in $(seq 1 $(($3 * 2))); do [ "$(state "$1")" = "$2" ] && return 0; sleep 0.5; done
	return 1
}

log "monitor on 127.0.0.1:$PM, node1 on :$P1, node2 on :$P2"
service monitor create monitor --pgdata "$W/monitor" --pgport $PM --hostname 127.0.0.1 \
	--auth trust --no-ssl
for i in $(seq 1 $((SETUP_WAIT_S * 2))); do psql_at $PM "SELECT 1" pg_auto_failover >/dev/null 2>&1 && break; sleep 0.5; done
check "the monitor answers" sh -c "'$PGBIN/pg_isready' -q -h 127.0.0.1 -p $PM"

service node1 create postgres --pgdata "$W/node1" --pgport $P1 --pghost 127.0.0.1 \
	--hostname 127.0.0.1 --name node1 --dbname bgw --auth trust --no-ssl --monitor "$MONITOR_URI"
check "node1 is the single primary" wait_state node1 single $SETUP_WAIT_S
# The application's roles connect over loopback TCP; trust stands in for the password or
# certificate authentication of production (docs/operations.md).  pg_basebackup copies
# these lines to node2.
printf 'host all all 127.0.0.1/32 trust\n' >>"$W/node1/pg_hba.conf"
psql_at $P1 "SELECT pg_reload_conf()" >/dev/null
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=$P1 user=postgres dbname=bgw" -f "$SRC/db/roles.sql" >/dev/null 2>&1

CONNINFO="host=127.0.0.1,127.0.0.1 port=$P1,$P2 dbname=bgw target_session_attrs=read-write connect_timeout=2"
sed -e "s|^db = .*|db = $CONNINFO user=bgw_app|" \
	-e "s|^db_owner = .*|db_owner = $CONNINFO user=bgw_owner|" \
	-e "s|^blob_dir = .*|blob_dir = $W/blobs|" \
	-e "s|^master_key_file = .*|master_key_file = $W/secrets/master.key|" \
	-e "s|^audit_checkpoint_file = .*|audit_checkpoint_file = $W/checkpoints|" \
	-e "s|^socket = .*|socket = $W/run/pool.sock|" -e "s|^workers = .*|workers = 4|" \
	-e "s|^base_url = .*|base_url = https://localhost:$PORT|" "$BGW_CONFIG" >"$W/pool.conf"
chgrp bgw "$W/pool.conf"; chmod 0640 "$W/pool.conf"
check "migrations through the multi-host conninfo" sh -c "'$ADMIN' --config '$W/pool.conf' migrate >'$W/migrate.log' 2>&1"

service node2 create postgres --pgdata "$W/node2" --pgport $P2 --pghost 127.0.0.1 \
	--hostname 127.0.0.1 --name node2 --dbname bgw --auth trust --no-ssl --monitor "$MONITOR_URI"
# pg_autoctl clones node2 with pg_basebackup, which waits for a spread checkpoint (minutes
# on an idle cluster): ask node1 for an immediate one until node2 is a secondary.
for i in $(seq 1 $((SETUP_WAIT_S / 2))); do
	[ "$(state node2)" = secondary ] && break
	psql_at $P1 CHECKPOINT >/dev/null 2>&1
	sleep 2
done
check "node2 is the secondary" wait_state node2 secondary 10
check "node1 is the primary" wait_state node1 primary 30
check "replication is synchronous (a commit the application saw is on both nodes)" \
	test -n "$(psql_at $P1 "SHOW synchronous_standby_names")"
log "synchronous_standby_names = $(psql_at $P1 "SHOW synchronous_standby_names")"

# ---- the application: a pool on the multi-host conninfo behind its own nginx -------------
setsid setpriv --reuid=bgw --regid="$(id -g bgw)" --init-groups --inh-caps=-all -- \
	"$FCGI" --config "$W/pool.conf" </dev/null >"$W/pool.log" 2>&1 &
POOL=$!
for i in $(seq 1 100); do [ -S "$W/run/pool.sock" ] && break; sleep 0.1; done
TLS=$BGW_STACK_DIR/tls
check "the drill's nginx is up" drill_nginx "$W" "$PORT" "$W/run/pool.sock"
export BGW_BASE_URL="https://localhost:$PORT" BGW_CONFIG="$W/pool.conf"
check "healthz through the drill's pool" curl -sf --cacert "$TLS/ca.crt" "$BGW_BASE_URL/healthz" -o /dev/null

# ---- load, kill the primary's node, let the monitor promote ---------------------------------
node "$SRC/tests/ops/failover-auto.mjs" load "$W/ledger.json" "$W/ready" "$W/stop" >"$W/load.log" 2>&1 &
LOADPID=$!
for i in $(seq 1 600); do [ -e "$W/ready" ] && break; kill -0 $LOADPID 2>/dev/null || break; sleep 0.1; done
check "the client signed in and writes" test -e "$W/ready"
sleep $STEADY_S
KILLED_MS=$(date +%s%3N)
log "killing node1 (pg_autoctl and its PostgreSQL) under load"
kill -KILL -- "-$SVC_node1"
check "node1's PostgreSQL is gone" sh -c "! '$PGBIN/pg_isready' -q -h 127.0.0.1 -p $P1"
check "the monitor promotes node2 (within $SWITCH_WAIT_S s)" wait_state node2 wait_primary $SWITCH_WAIT_S
PROMOTED_MS=$(date +%s%3N)
log "node2 is wait_primary $(( (PROMOTED_MS - KILLED_MS) / 1000 )) s after the kill"
# The application finds the new primary by itself: wait until it answers writes again.
AT=$(stat -c %s "$W/pool.log")
for i in $(seq 1 120); do
	tail -c +$((AT + 1)) "$W/pool.log" | grep -q '"status":201' && break
	sleep 0.5
done
sleep $STEADY_S
touch "$W/stop"
wait $LOADPID; lrc=$?; LOADPID=
check "the client's load ran to the end" test $lrc = 0
cat "$W/load.log" | sed 's/^/# /'

# ---- the ledger against the new primary ---------------------------------------------------
psql_at $P2 "SELECT name FROM bgw.projects WHERE name LIKE 'ledger-%'" >"$W/names.txt"
R=$(node "$SRC/tests/ops/failover-auto.mjs" report "$W/ledger.json" "$KILLED_MS" "$W/names.txt")
printf '%s\n' "$R" | sed 's/^/# /'
get() { printf '%s\n' "$R" | sed -n "s/^$1=//p"; }
check "writes committed before the kill ($(get committed_before_kill))" test "$(get committed_before_kill)" -gt 0
check "no failure before the kill" test "$(get failures_before_kill)" = 0
check "rows lost against the client's ledger: $(get lost) ($(get lost_names))" test "$(get lost)" = 0
check "the switch answered 503 and nothing else ($(get failed_statuses))" test "$(get failed_not_503)" = 0
check "the service answered again after $(get recovered_after_s) s" test "$(get recovered_after_s)" != never
check "writes committed after the switch ($(get committed_after_switch))" test "$(get committed_after_switch)" -gt 0
check "the pool was not restarted (same master pid)" kill -0 "$POOL"
check "no worker crashed" sh -c "! grep -qE 'ERROR: AddressSanitizer|runtime error:' '$W/pool.log'"
check "bgw-admin status reaches the new primary" sh -c "'$ADMIN' --config '$W/pool.conf' status 2>/dev/null | grep -q '^projects active: [1-9]'"
# The figures for docs/operations.md, on one line.
log "FIGURES: kill->promoted $(( (PROMOTED_MS - KILLED_MS) / 1000 )) s; first failure $(get first_failure_after_kill_s) s after the kill; 503s for $(get unavailable_s) s; answered again $(get recovered_after_s) s after the kill; requests $(get requests), failed $(get failed) ($(get failed_statuses)), committed $(get committed), lost $(get lost), in doubt (failed but committed) $(get in_doubt_committed)"

finish
