#!/usr/bin/env bash
# run.sh - the operations suite: restore drill, retention purge (local and Azure blob
# stores), master-key rotation, account lock, metrics, the alert rules (promtool), two worker
# pools behind one nginx, and through scripts of their own the installed tree (install.sh),
# the PostgreSQL failover drill (failover.sh), fail2ban's filter, jail and a real ban
# (fail2ban.sh), the Debian package (package.sh: contents and lintian; --deep: installed in
# a fresh chroot) and, with --deep, the pg_auto_failover drill under load
# (failover-auto.sh).  Run by `./dev test shell` (or `./dev test [--deep] ops`) with the
# test stack up (BGW_* from ./dev); prints "N passed, N failed" last.
#
# The drill and the key tests run on a side PostgreSQL cluster of their own under
# var/<stack>/ops/ (WAL archiving needs a restart the stack's cluster must not get), with
# a pgBackRest repository there, encrypted.  The metrics and scale-out tests use the
# stack's own PostgreSQL, clamd and mail sink with two extra worker pools and an extra nginx
# on ports BGW_PORT_BASE+5..+7 (default 9505..9507).
set -uo pipefail

: "${BGW_CONFIG:?run by ./dev test shell}" "${BGW_STACK_DIR:?}" "${BGW_BUILD_DIR:?}"
SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
ADMIN=${BGW_ADMIN:-$BGW_BUILD_DIR/tools/bgw-admin}
FCGI=$BGW_BUILD_DIR/cgi/bgw-fcgi
NOTIFY=${BGW_NOTIFY:-$BGW_BUILD_DIR/tools/bgw-notify}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
W=$BGW_STACK_DIR/ops
PORT=$(( ${BGW_PORT_BASE:-$(sed -n 's|.*https://localhost:\([0-9]*\).*|\1|p' <<<"${BGW_BASE_URL:-https://localhost:9500}")} + 5 ))
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=0}

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"
as_pg() { setpriv --reuid=postgres --regid="$(id -g postgres)" --init-groups --inh-caps=-all -- "$@"; }
as_bgw() { setpriv --reuid=bgw --regid="$(id -g bgw)" --init-groups --inh-caps=-all -- "$@"; }

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	[ -s "$W/nginx/nginx.pid" ] && kill -TERM "$(cat "$W/nginx/nginx.pid")" 2>/dev/null
	for d in primary restored restored2; do
		[ -f "$W/$d/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$W/$d" -m immediate stop >/dev/null 2>&1
	done
	sleep 0.5
}
trap cleanup EXIT

rm -rf "$W"
mkdir -p "$W"/{sock,sock2,sock3,repo,repo2,pglog,lock,spool,secrets,blobs,blobs-backup,run,nginx/tmp,pgbr.d,textfile}
chown postgres:bgw "$W/sock" "$W/sock2" "$W/sock3"; chmod 0750 "$W/sock" "$W/sock2" "$W/sock3"
chown postgres:postgres "$W/repo" "$W/repo2" "$W/pglog" "$W/lock" "$W/spool" "$W/textfile"
chmod 0700 "$W/repo" "$W/repo2"
chown bgw:bgw "$W/blobs" "$W/secrets" "$W/run"; chmod 0750 "$W/blobs" "$W/secrets"
(umask 077 && openssl rand -out "$W/secrets/master.key" 32)
chown bgw:bgw "$W/secrets/master.key"; chmod 0400 "$W/secrets/master.key"

# ---- the fixture helper, linked against the stack's build -------------------------------
FX=$W/ops_fixture
if ! gcc -std=c11 -D_GNU_SOURCE -O1 -I"$SRC/lib" $(pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql) \
	"$SRC/tests/ops/ops_fixture.c" "$BGW_BUILD_DIR/lib/libbgw.a" -lpq -lssl -lcrypto -lcurl -ljansson -lxml2 \
	$([ "$(nm "$BGW_BUILD_DIR/lib/libbgw.a" 2>/dev/null | grep -c __asan_report)" != 0 ] && echo -fsanitize=address,undefined) \
	-o "$FX" 2>"$W/fixture-build.log"; then
	cat "$W/fixture-build.log"
	bad "build the fixture helper"
	echo "$PASS passed, $FAIL failed"
	exit 1
fi

# ---- the shipped alert rules (docs/deploy/alerts/) -----------------------------------------
log "alert rules: promtool check rules and promtool test rules"
check "promtool check rules docs/deploy/alerts/*.yml" promtool check rules "$SRC"/docs/deploy/alerts/*.yml
check "promtool test rules tests/ops/alerts.test.yml (every alert fires on its cause, quiet otherwise)" \
	promtool test rules "$SRC/tests/ops/alerts.test.yml"
# The tests must catch a wrong limit: the same tests against rules whose signature limit
# is 30 days instead of 3 fail.
mkdir -p "$W/alerts-mutant/docs/deploy/alerts" "$W/alerts-mutant/tests/ops"
sed 's/bgw_clamd_signatures_age_seconds > 3 \* 86400/bgw_clamd_signatures_age_seconds > 30 * 86400/' \
	"$SRC/docs/deploy/alerts/bgw.yml" >"$W/alerts-mutant/docs/deploy/alerts/bgw.yml"
cp "$SRC/tests/ops/alerts.test.yml" "$W/alerts-mutant/tests/ops/"
check "the alert tests fail on rules with a 30-day signature limit" sh -c \
	'! cmp -s "$1" "$2" && ! promtool test rules "$3" >/dev/null 2>&1' _ "$SRC/docs/deploy/alerts/bgw.yml" \
	"$W/alerts-mutant/docs/deploy/alerts/bgw.yml" "$W/alerts-mutant/tests/ops/alerts.test.yml"

# ---- clamd's signature updates in production (docs/deploy/freshclam.conf) ------------------
FC=$W/freshclam-check
mkdir -p "$FC" && cp "$SRC/docs/deploy/freshclam.conf" "$FC/"
clamconf -c "$FC" >"$FC/clamconf.out" 2>&1
check "freshclam.conf: clamconf reads it without error, 24 checks a day, tested databases, clamd notified" \
	sh -c '! grep -q "ERROR" "$1" && grep -qx "Checks = \"24\"" "$1" && grep -qx "TestDatabases = \"yes\"" "$1" && grep -qx "NotifyClamd = \"/etc/clamav/clamd.conf\"" "$1"' _ "$FC/clamconf.out"

# ---- bgw-admin doctor: encryption at rest (docs/operations.md, "Encryption at rest") -------
log "bgw-admin doctor"
DOC=$("$ADMIN" --config "$BGW_CONFIG" doctor --pgdata "$BGW_STACK_DIR/pg" 2>/dev/null); rc=$?
printf '%s\n' "$DOC" | sed 's/^/# /'
check "doctor on this host: the database volume is not (known to be) encrypted, exit 1" sh -c \
	'printf "%s\n" "$1" | grep -Eq "^database volume: NOT ok: (not encrypted|cannot tell) " && test "$2" = 1' _ "$DOC" "$rc"
check "doctor: the offline test signatures are not production signatures" sh -c \
	'printf "%s\n" "$1" | grep -q "^clamd signatures: NOT ok: no official database loaded"' _ "$DOC"
# A host's block devices as sysfs shows them: LVM (254:1) on LUKS2 (254:0) for the
# database, LVM (254:2) on LUKS2 and a plain partition (8:3), a plain partition (8:2) for
# the blobs.
FS=$W/fakesys
mkdir -p "$FS"/sys/dev/block/{254:0,254:1,254:2,8:1,8:2,8:3}/dm "$FS"/sys/dev/block/254:1/slaves/dm-0 \
	"$FS"/sys/dev/block/254:2/slaves/{dm-0,sda3} "$FS"/sys/class/block/{dm-0,sda3}
echo CRYPT-LUKS2-5a1e0c3d-pgdata >"$FS/sys/dev/block/254:0/dm/uuid"
echo LVM-vg-pg >"$FS/sys/dev/block/254:1/dm/uuid"
echo LVM-vg-mixed >"$FS/sys/dev/block/254:2/dm/uuid"
echo 254:0 >"$FS/sys/class/block/dm-0/dev"; echo 8:3 >"$FS/sys/class/block/sda3/dev"
cat >"$FS/mountinfo" <<INFO
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
30 22 254:1 / /srv/pg rw,relatime shared:2 - ext4 /dev/mapper/vg-pg rw
31 22 254:2 / /srv/mixed rw,relatime shared:3 - ext4 /dev/mapper/vg-mixed rw
32 22 8:2 / $BGW_STACK_DIR rw,relatime shared:4 - ext4 /dev/sda2 rw
INFO
doctor() { "$ADMIN" --config "$BGW_CONFIG" doctor --sysfs "$FS/sys" --mountinfo "$FS/mountinfo" "$@" 2>/dev/null; }
check "doctor: PostgreSQL on LVM on LUKS2 is encrypted" sh -c \
	'printf "%s\n" "$1" | grep -qx "database volume: ok: encrypted (dm-crypt LUKS2, /srv/pg/15/main on /dev/mapper/vg-pg, device 254:1)"' _ "$(doctor --pgdata /srv/pg/15/main)"
check "doctor: a volume group with one plain disk under it is not" sh -c \
	'printf "%s\n" "$1" | grep -q "^database volume: NOT ok: not encrypted (/srv/mixed/main on /dev/mapper/vg-mixed, device 254:2)"' _ "$(doctor --pgdata /srv/mixed/main)"
check "doctor: the blob store on a plain partition is not" sh -c \
	'printf "%s\n" "$1" | grep -q "^blob volume: NOT ok: not encrypted (.* on /dev/sda2, device 8:2)"' _ "$(doctor --pgdata /srv/pg/15/main)"

# ---- a primary with WAL archiving into two encrypted pgBackRest repositories ------------
# As in production (docs/deploy/pgbackrest.conf): the passphrases are not in the main file
# but in an include directory outside the cluster's data directory; repo2 stands for the
# mirror site (a second local path here).
CIPHER1=$(openssl rand -base64 48 | tr -d '\n')
CIPHER2=$(openssl rand -base64 48 | tr -d '\n')
printf '[global]\nrepo1-cipher-pass=%s\nrepo2-cipher-pass=%s\n' "$CIPHER1" "$CIPHER2" >"$W/pgbr.d/bgw-cipher.conf"
chown -R postgres "$W/pgbr.d"; chmod 0700 "$W/pgbr.d"; chmod 0600 "$W/pgbr.d/bgw-cipher.conf"
cat >"$W/pgbackrest.conf" <<CONF
[global]
repo1-path=$W/repo
repo1-cipher-type=aes-256-cbc
repo1-retention-full=2
repo2-path=$W/repo2
repo2-cipher-type=aes-256-cbc
repo2-retention-full=2
lock-path=$W/lock
log-path=$W/pglog
spool-path=$W/spool
log-level-console=warn
log-level-file=info
start-fast=y
compress-type=lz4

[bgw]
pg1-path=$W/primary
pg1-socket-path=$W/sock
CONF
chown postgres "$W/pgbackrest.conf"; chmod 0600 "$W/pgbackrest.conf"
export PGBACKREST_CONFIG=$W/pgbackrest.conf PGBACKREST_CONFIG_INCLUDE_PATH=$W/pgbr.d
BR=(pgbackrest --stanza=bgw)

make_cluster() {
	local dir=$1
	mkdir -p "$dir"; chown postgres:postgres "$dir"; chmod 0700 "$dir"
	as_pg "$PGBIN/initdb" -D "$dir" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer \
		--auth-host=reject >"$W/initdb.log" 2>&1 || return 1
	printf 'bgw bgw bgw_app\nbgw root bgw_owner\nbgw root bgw_app\nbgw root postgres\nbgw postgres postgres\n' >"$dir/pg_ident.conf"
	printf 'local all all peer map=bgw\n' >"$dir/pg_hba.conf"
	cat >>"$dir/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$W/sock'
unix_socket_permissions = 0777
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$W/pgbackrest.conf --config-include-path=$W/pgbr.d --stanza=bgw archive-push %p'
archive_timeout = 0
max_wal_senders = 3
CONF
}
pg_start() { as_pg "$PGBIN/pg_ctl" -D "$1" -l "$W/pglog/$(basename "$1").log" -w -t 60 start >/dev/null; }
psql_at() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$1" -U postgres -d bgw -c "$2"; }

# Each cluster keeps its own checkpoint file: a checkpoint anchors one database's chains.
side_conf() { # side_conf FILE SOCKDIR BLOBDIR
	sed -e "s|^db = .*|db = host=$2 dbname=bgw user=bgw_app|" \
		-e "s|^db_owner = .*|db_owner = host=$2 dbname=bgw user=bgw_owner|" \
		-e "s|^blob_dir = .*|blob_dir = $3|" \
		-e "s|^master_key_file = .*|master_key_file = $W/secrets/master.key|" \
		-e "s|^audit_checkpoint_file = .*|audit_checkpoint_file = ${1%.conf}.checkpoints|" \
		-e "s|^socket = .*|socket = $W/run/side.sock|" "$BGW_CONFIG" >"$1"
}
side_conf "$W/primary.conf" "$W/sock" "$W/blobs"
side_conf "$W/restored.conf" "$W/sock2" "$W/blobs-restored"
side_conf "$W/restored2.conf" "$W/sock3" "$W/blobs-restored2"

log "creating the primary cluster with WAL archiving"
check "primary cluster created" make_cluster "$W/primary"
check "primary started" pg_start "$W/primary"
"$PGBIN/psql" -X -q -h "$W/sock" -U postgres -d postgres -c 'CREATE DATABASE bgw' >/dev/null
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$W/sock" -U postgres -d bgw -f "$SRC/db/roles.sql" >/dev/null 2>&1
check "migrations on the primary" "$ADMIN" --config "$W/primary.conf" migrate
check "pgbackrest stanza-create" as_pg "${BR[@]}" stanza-create
check "pgbackrest check (archiving works)" as_pg "${BR[@]}" check

seed() { BGW_CONFIG=$1 "$FX" seed "${@:2}"; }

# Content checksums: every row of what must come back, in a stable order.
SUMQ="SELECT string_agg(t || ':' || n || ':' || h, ' ' ORDER BY t) FROM (
 SELECT 'confirmations' t, count(*) n, md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) h FROM bgw.confirmations c
 UNION ALL SELECT 'items', count(*), md5(coalesce(string_agg(i::text, '|' ORDER BY i.id), '')) FROM bgw.confirmation_items i
 UNION ALL SELECT 'responses', count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r.id), '')) FROM bgw.responses r
 UNION ALL SELECT 'response_items', count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x.response_id, x.item_id), '')) FROM bgw.response_items x
 UNION ALL SELECT 'documents', count(*), md5(coalesce(string_agg(d::text, '|' ORDER BY d.id), '')) FROM bgw.documents d
 UNION ALL SELECT 'audit_events', count(*), md5(coalesce(string_agg(e::text, '|' ORDER BY e.id), '')) FROM bgw.audit_events e
 UNION ALL SELECT 'users', count(*), md5(coalesce(string_agg(u::text, '|' ORDER BY u.id), '')) FROM bgw.users u) s"

# The backups go through bgw-backup-db.sh as bgw.cron runs it: one repository per run.
backup() { as_pg env BGW_BACKUP_METRICS_DIR="$W/textfile" ${BGW_BACKUP_STANZA:+BGW_BACKUP_STANZA=$BGW_BACKUP_STANZA} "$SRC/docs/deploy/bgw-backup-db.sh" "$@"; }
log "drill: full backups into both repositories, incremental (repo1) and differential (repo2), then commits only in the WAL archive"
P1=$(seed "$W/primary.conf") && ok "seed before the full backups" || bad "seed before the full backups"
check "full backup into repo1" backup 1 full
check "full backup into repo2" backup 2 full
P2=$(seed "$W/primary.conf") && ok "seed before the incremental" || bad "seed before the incremental"
check "incremental backup into repo1" backup 1 incr
check "differential backup into repo2" backup 2 diff
# The old bgw.cron ran "pgbackrest backup" without --repo: repo2 then held WAL and no backup.
for r in 1 2; do
	check "repo$r holds its own full and later backup" test "$(as_pg "${BR[@]}" --repo=$r --output=json info |
		grep -o '"type":"[a-z]*"' | sort | uniq -c | awk '{printf "%s%s ", $1, $2}')" = \
		"1\"type\":\"$([ $r = 1 ] && echo full || echo diff)\" 1\"type\":\"$([ $r = 1 ] && echo incr || echo full)\" "
done
now=$(date +%s)
check "bgw-backup-db.sh recorded each repository's success for the backup-age alert" sh -c '
	for f in 1-full 1-incr 2-full 2-diff; do
		t=$(sed -n "s/^bgw_backup_last_success_timestamp_seconds{repo=\"${f%%-*}\",type=\"${f#*-}\"} //p" "$1/bgw-backup-repo$f.prom")
		[ -n "$t" ] && [ $(($2 - t)) -lt 600 ] || exit 1
	done' _ "$W/textfile" "$now"
check "the backup-age files are valid Prometheus text" sh -c 'for f in "$1"/*.prom; do promtool check metrics <"$f" || exit 1; done' _ "$W/textfile"
T1=$(cat "$W/textfile/bgw-backup-repo1-full.prom" 2>/dev/null)
sleep 1
BGW_BACKUP_STANZA=nosuch backup 1 full >"$W/failed-backup.log" 2>&1; rc=$?
check "a failed backup fails and keeps the last success's time (the alert sees its age)" \
	test "$rc" != 0 -a -n "$T1" -a "$(cat "$W/textfile/bgw-backup-repo1-full.prom")" = "$T1"
check "both repositories are encrypted (no plain info file)" sh -c 'for r in repo repo2; do [ "$(head -c 8 "$1/$r/backup/bgw/backup.info")" = Salted__ ] || exit 1; done' _ "$W"
check "the cipher passphrases are nowhere in the data directory" sh -c '! grep -rqF -e "$2" -e "$3" "$1/primary"' _ "$W" "$CIPHER1" "$CIPHER2"
P3=$(seed "$W/primary.conf") && ok "seed after the last backup" || bad "seed after the last backup"
# The trap: these last commits are only in the current WAL segment.  Switch it and wait
# until the archiver has it, or the restore ends before them.
SEG=$(psql_at "$W/sock" "SELECT pg_walfile_name(pg_switch_wal())")
for i in $(seq 1 150); do
	[ "$(psql_at "$W/sock" "SELECT coalesce(last_archived_wal >= '$SEG', false) FROM pg_stat_archiver")" = t ] && break
	sleep 0.2
done
check "last WAL segment $SEG archived" test "$(psql_at "$W/sock" "SELECT coalesce(last_archived_wal >= '$SEG', false) FROM pg_stat_archiver")" = t
BEFORE=$(psql_at "$W/sock" "$SUMQ")
check "blobs backed up" "$SRC/docs/deploy/bgw-backup-blobs.sh" "$W/blobs" "$W/blobs-backup"
check "pgbackrest verify of repo1" as_pg "${BR[@]}" --repo=1 verify
check "pgbackrest verify of repo2" as_pg "${BR[@]}" --repo=2 verify
as_pg "$PGBIN/pg_ctl" -D "$W/primary" -m immediate stop >/dev/null
# restore_from REPO DIR SOCKDIR: restore the stanza from that repository alone into DIR,
# start it as a side cluster on SOCKDIR with the blob copy (DIR.conf, side_conf), and prove
# that everything came back.
restore_from() {
	local repo=$1 dir=$2 sock=$3 blobs=$W/blobs-${2##*/} after p i
	mkdir -p "$dir"; chown postgres:postgres "$dir"; chmod 0700 "$dir"
	check "pgbackrest restore from repo$repo" as_pg "${BR[@]}" --repo="$repo" --pg1-path="$dir" restore
	printf "unix_socket_directories = '%s'\narchive_mode = off\n" "$sock" >>"$dir/postgresql.conf"
	cp -a "$W/blobs-backup" "$blobs"; chown -R bgw:bgw "$blobs"; chmod 0750 "$blobs"
	check "repo$repo: restored cluster started" pg_start "$dir"
	for i in $(seq 1 150); do [ "$(psql_at "$sock" "SELECT pg_is_in_recovery()")" = f ] && break; sleep 0.2; done
	after=$(psql_at "$sock" "$SUMQ")
	check "repo$repo: every confirmation, response, document and audit event came back (counts + checksums)" test "$BEFORE" = "$after"
	[ "$BEFORE" = "$after" ] || { echo "# before: $BEFORE"; echo "# after:  $after"; }
	for p in "$P1" "$P2" "$P3"; do
		check "repo$repo: project $p restored" test "$(psql_at "$sock" "SELECT count(*) FROM bgw.documents WHERE project_id = '$p'")" -gt 0
	done
	check "repo$repo: every restored file decrypts to its sha256" env BGW_CONFIG="$dir.conf" "$FX" verify-files
	check "repo$repo: every restored audit chain verifies" env BGW_CONFIG="$dir.conf" "$FX" verify-audit
	check "repo$repo: bgw-admin audit-verify on the restored cluster" "$ADMIN" --config "$dir.conf" audit-verify
}
log "the primary is gone; restoring from repo1 into a side cluster"
restore_from 1 "$W/restored" "$W/sock2"
# The same from the mirror repository alone, into a second side cluster.
log "restoring from repo2 (the mirror) into a second side cluster"
restore_from 2 "$W/restored2" "$W/sock3"
as_pg "$PGBIN/pg_ctl" -D "$W/restored2" -m fast stop >/dev/null 2>&1

# ---- retention purge (on the restored cluster, which is now a working database) ---------
log "purge"
RC=$W/restored.conf
Q() { psql_at "$W/sock2" "$1"; }
DUE=$(seed "$RC" --completed-days-ago 40 --retention-days 30)
LATER=$(seed "$RC" --completed-days-ago 10 --retention-days 30)
ACTIVE=$(seed "$RC")
DUE_BLOBS=$(Q "SELECT blob_id FROM bgw.documents WHERE project_id = '$DUE'")
blob_path() { echo "$W/blobs-restored/${1:0:2}/${1:2:2}/$1"; }
n=0; for b in $DUE_BLOBS; do [ -f "$(blob_path "$b")" ] && n=$((n + 1)); done
check "the expired project has blobs before the purge ($n)" test "$n" -gt 0
OUT=$("$ADMIN" --config "$RC" purge 2>&1); rc=$?
echo "$OUT" | sed 's/^/# /'
check "purge succeeds" test $rc = 0
ROWS=$(Q "SELECT (SELECT count(*) FROM bgw.confirmations WHERE project_id = '$DUE')
 + (SELECT count(*) FROM bgw.documents WHERE project_id = '$DUE')
 + (SELECT count(*) FROM bgw.memberships WHERE project_id = '$DUE')
 + (SELECT count(*) FROM bgw.notifications WHERE project_id = '$DUE')
 + (SELECT count(*) FROM bgw.outbox WHERE project_id = '$DUE')
 + (SELECT count(*) FROM bgw.tokens WHERE project_id = '$DUE')")
check "no row of the purged project remains" test "$ROWS" = 0
check "no response or item of the purged project remains (orphans)" test "$(Q "SELECT (SELECT count(*) FROM bgw.responses r WHERE NOT EXISTS (SELECT 1 FROM bgw.confirmations c WHERE c.id = r.confirmation_id)) + (SELECT count(*) FROM bgw.confirmation_items i WHERE NOT EXISTS (SELECT 1 FROM bgw.confirmations c WHERE c.id = i.confirmation_id))")" = 0
n=0; for b in $DUE_BLOBS; do [ -e "$(blob_path "$b")" ] && n=$((n + 1)); done
check "no blob of the purged project remains" test "$n" = 0
check "no wrapped key of the purged project remains" test "$(Q "SELECT count(*) FROM bgw.documents WHERE project_id = '$DUE' OR blob_id IN ($(for b in $DUE_BLOBS; do printf "'%s'," "$b"; done)'')")" = 0
check "the project row is a scrubbed tombstone" test "$(Q "SELECT status || '|' || name || '|' || client_name || '|' || (purged_at IS NOT NULL) FROM bgw.projects WHERE id = '$DUE'")" = "purged|purged|purged|true"
check "the destruction record is in the global chain" test "$(Q "SELECT count(*) FROM bgw.audit_events WHERE project_id IS NULL AND action = 'project.purged' AND object_id = '$DUE'")" = 1
check "the not-yet-due project is untouched" test "$(Q "SELECT status FROM bgw.projects WHERE id = '$LATER'")|$(Q "SELECT count(*) > 0 FROM bgw.documents WHERE project_id = '$LATER'")" = "completed|t"
check "the active project is untouched" test "$(Q "SELECT status FROM bgw.projects WHERE id = '$ACTIVE'")" = active
check "audit chains still verify after the purge" env BGW_CONFIG="$RC" "$FX" verify-audit
check "a second purge finds nothing" sh -c "'$ADMIN' --config '$RC' purge | grep -q 'projects purged: 0'"
check "purge --now in 25 days takes the later project" sh -c "'$ADMIN' --config '$RC' purge --now '$(date -u -d '+25 days' '+%Y-%m-%d %H:%M:%S+00')' | grep -q 'projects purged: 1'"
check "the later project is purged" test "$(Q "SELECT status FROM bgw.projects WHERE id = '$LATER'")" = purged
check "purge refuses a bad option" sh -c "'$ADMIN' --config '$RC' purge --when x; test \$? = 2"

# ---- purge and status with the Azure blob store (Azurite of the test stack) -------------
# The well-known development key of Azurite's devstoreaccount1 (not a secret).
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
if [ -n "${BGW_TEST_AZURE:-}" ]; then
	log "purge and status with blob_backend = azure ($BGW_TEST_AZURE)"
	AC=$W/azure.conf
	(umask 077 && printf '%s\n' "$AZURITE_KEY" >"$W/secrets/azure.key")
	{
		grep -vE '^(blob_backend|azure_[a-z_]+) =' "$RC"
		printf 'blob_backend = azure\nazure_endpoint = %s\nazure_account = devstoreaccount1\n' "$BGW_TEST_AZURE"
		printf 'azure_container = bgw-ops-%s\nazure_key_file = %s\n' "$(openssl rand -hex 4)" "$W/secrets/azure.key"
	} >"$AC"
	AZ_DUE=$(seed "$AC" --completed-days-ago 40 --retention-days 30)
	AZ_BLOBS=$(Q "SELECT blob_id FROM bgw.documents WHERE project_id = '$AZ_DUE'")
	AZ_N=$(echo $AZ_BLOBS | wc -w)
	n=$(env BGW_CONFIG="$AC" "$FX" count-blobs $AZ_BLOBS)
	check "the expired project's $AZ_N blobs are in the Azure container ($n)" test "$AZ_N" -gt 0 -a "$n" = "$AZ_N"
	ST=$("$ADMIN" --config "$AC" status 2>&1)
	echo "$ST" | grep '^blob' | sed 's/^/# /'
	check "status reports the Azure blob store (blob count and size)" sh -c "printf '%s\n' \"\$1\" | grep -q '^blob store backend: azure\$' && printf '%s\n' \"\$1\" | grep -q '^blob store files: $AZ_N\$' && printf '%s\n' \"\$1\" | grep -q '^blob store size (bytes): [1-9]'" _ "$ST"
	OUT=$("$ADMIN" --config "$AC" purge 2>&1); rc=$?
	echo "$OUT" | sed 's/^/# /'
	check "purge with the Azure store succeeds" test $rc = 0
	check "purge reports the project's $AZ_N Azure blobs deleted" sh -c "printf '%s\n' \"\$1\" | grep -q '^purged project $AZ_DUE: $AZ_N blobs deleted\$'" _ "$OUT"
	check "no blob of the purged project remains in Azure" test "$(env BGW_CONFIG="$AC" "$FX" count-blobs $AZ_BLOBS)" = 0
	check "status counts the emptied container" sh -c "'$ADMIN' --config '$AC' status | grep -q '^blob store files: 0\$'"
	check "the Azure-backed project is a tombstone" test "$(Q "SELECT status FROM bgw.projects WHERE id = '$AZ_DUE'")" = purged
	PURGED_TOTAL=3
else
	skip "no Azurite on this stack (BGW_TEST_AZURE unset): purge and status with Azure"
	PURGED_TOTAL=2
fi

# ---- master-key rotation -------------------------------------------------------------------
log "rotate-master-key"
BLOBSUM_BEFORE=$(cd "$W/blobs-restored" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
check "rotate-master-key" "$ADMIN" --config "$RC" rotate-master-key
check "version 2 key file written (0400)" test "$(stat -c %a "$W/secrets/master.key.2" 2>/dev/null)" = 400
check "master_keys: version 2 active, version 1 retired" test "$(Q "SELECT string_agg(version || ':' || active || ':' || (retired_at IS NOT NULL), ' ' ORDER BY version) FROM bgw.master_keys")" = "1:false:true 2:true:false"
check "every document key re-wrapped under version 2" test "$(Q "SELECT count(*) FROM bgw.documents WHERE key_version <> 2")" = 0
check "every MFA secret re-wrapped under version 2" test "$(Q "SELECT count(*) FROM bgw.users WHERE mfa_key_version <> 2")" = 0
check "every file still decrypts byte-identical" env BGW_CONFIG="$RC" "$FX" verify-files
check "every MFA secret still opens to the same value" env BGW_CONFIG="$RC" "$FX" verify-mfa
BLOBSUM_AFTER=$(cd "$W/blobs-restored" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum)
check "no blob was touched by the rotation" test "$BLOBSUM_BEFORE" = "$BLOBSUM_AFTER"
check "the rotation is in the audit log" test "$(Q "SELECT count(*) FROM bgw.audit_events WHERE action = 'master_key.rotated' AND object_id = '2'")" = 1
check "a second rotation makes version 3" "$ADMIN" --config "$RC" rotate-master-key
check "files decrypt after two rotations" env BGW_CONFIG="$RC" "$FX" verify-files
check "rewrap-only on a rotated store changes nothing" sh -c "'$ADMIN' --config '$RC' rotate-master-key --rewrap-only | grep -q 're-wrapped: 0 document keys, 0 MFA'"

# ---- lock / unlock and status -----------------------------------------------------------------
EMAIL=$(Q "SELECT email FROM bgw.users ORDER BY created_at LIMIT 1")
check "lock" "$ADMIN" --config "$RC" lock --email "$EMAIL"
check "locked for good" test "$(Q "SELECT locked_until = 'infinity' FROM bgw.users WHERE email = '$EMAIL'")" = t
check "unlock" "$ADMIN" --config "$RC" unlock --email "$EMAIL"
check "unlocked" test "$(Q "SELECT locked_until IS NULL FROM bgw.users WHERE email = '$EMAIL'")" = t
check "lock of an unknown address fails" sh -c "! '$ADMIN' --config '$RC' lock --email nobody@example.invalid 2>/dev/null"
STATUS=$("$ADMIN" --config "$RC" status 2>&1)
echo "$STATUS" | sed 's/^/# /'
check "status shows counts, backlog and blob disk use" sh -c "printf '%s' \"\$1\" | grep -q '^projects purged: $PURGED_TOTAL' && printf '%s' \"\$1\" | grep -q '^outbox backlog: ' && printf '%s' \"\$1\" | grep -q '^blob store disk use (bytes): [1-9]'" _ "$STATUS"

# ---- two worker pools behind one nginx upstream, metrics ------------------------------------
if [[ $("$FCGI" --routes) != *'"/metrics"'* ]]; then
	skip "bgw-fcgi has no /metrics route in this build (mk/ops.am not included yet)"
	SCALE=0
else
	SCALE=1
fi
URL=https://localhost:$PORT
pool_conf() { # pool_conf N
	sed -e "s|^socket = .*|socket = $W/run/pool$1.sock|" -e "s|^workers = .*|workers = 2|" \
		-e "s|^audit_checkpoint_file = .*|audit_checkpoint_file = $W/pool.checkpoints|" \
		-e "s|^base_url = .*|base_url = $URL|" "$BGW_CONFIG" >"$W/pool$1.conf"
	chgrp bgw "$W/pool$1.conf"; chmod 0640 "$W/pool$1.conf"
}
if [ $SCALE = 1 ]; then
	log "two worker pools on two sockets, one nginx upstream on $URL"
	for n in 1 2; do
		pool_conf $n
		setsid setpriv --reuid=bgw --regid="$(id -g bgw)" --init-groups --inh-caps=-all -- \
			"$FCGI" --config "$W/pool$n.conf" </dev/null >"$W/pool$n.log" 2>&1 &
		PIDS+=($!)
	done
	for i in $(seq 1 100); do [ -S "$W/run/pool1.sock" ] && [ -S "$W/run/pool2.sock" ] && break; sleep 0.1; done
	TLS=$BGW_STACK_DIR/tls
	cat >"$W/nginx/nginx.conf" <<CONF
user www-data bgw;
worker_processes 2;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log warn;
events { worker_connections 256; }
http {
    client_body_temp_path $W/nginx/tmp/body;
    fastcgi_temp_path $W/nginx/tmp/fastcgi;
    proxy_temp_path $W/nginx/tmp/proxy;
    uwsgi_temp_path $W/nginx/tmp/uwsgi;
    scgi_temp_path $W/nginx/tmp/scgi;
    access_log off;
    # Two hosts' worker pools: plain round robin, no affinity of any kind.
    upstream bgw_pools {
        server unix:$W/run/pool1.sock max_fails=0;
        server unix:$W/run/pool2.sock max_fails=0;
    }
    upstream bgw_pool1 { server unix:$W/run/pool1.sock; }
    server {
        listen 127.0.0.1:$PORT ssl;
        server_name localhost;
        ssl_certificate $TLS/server.crt;
        ssl_certificate_key $TLS/server.key;
        client_max_body_size 30m;
        location / {
            include /etc/nginx/fastcgi_params;
            fastcgi_param REQUEST_ID \$request_id;
            fastcgi_pass bgw_pools;
        }
    }
    # Pool 1 alone, to scrape its own counters.
    server {
        listen 127.0.0.1:$((PORT + 1));
        location / { include /etc/nginx/fastcgi_params; fastcgi_pass bgw_pool1; }
    }
    # Pool 1 as a client outside loopback and the operator networks sees it (as behind a
    # proxy that passes the real client address).
    server {
        listen 127.0.0.1:$((PORT + 2));
        location / {
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_param DOCUMENT_URI \$document_uri;
            fastcgi_param QUERY_STRING \$query_string;
            fastcgi_param REMOTE_ADDR 203.0.113.7;
            fastcgi_pass bgw_pool1;
        }
    }
}
CONF
	check "second nginx configuration is valid" nginx -t -q -p "$W/nginx" -c "$W/nginx/nginx.conf"
	nginx -p "$W/nginx" -c "$W/nginx/nginx.conf"
	for i in $(seq 1 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
	check "healthz through the two-pool upstream" curl -sf --cacert "$TLS/ca.crt" "$URL/healthz" -o /dev/null
	check "an engagement moves between the pools (sessions, workflow, invitation)" \
		env BGW_BASE_URL="$URL" node "$SRC/tests/ops/scaleout.mjs"
	a1=$(grep -c '"method"' "$W/pool1.log" || true); a2=$(grep -c '"method"' "$W/pool2.log" || true)
	log "requests served: pool 1 $a1, pool 2 $a2"
	check "both pools served the engagement's requests" test "$a1" -gt 5 -a "$a2" -gt 5

	# A checkpoint on this host, so that its age is exported as in production.
	"$ADMIN" --config "$W/pool1.conf" audit-checkpoint >/dev/null 2>&1
	chown bgw:bgw "$W/pool.checkpoints" 2>/dev/null; chmod 0640 "$W/pool.checkpoints" 2>/dev/null
	M=$(curl -s "http://127.0.0.1:$((PORT + 1))/metrics")
	# Every series the alert rules read that the app owns is exported (bgw_backup_* comes
	# from bgw-backup-db.sh, checked in the drill; the signature age needs an official
	# database, which the offline stack has not: tests/faults/signatures.test.mjs).
	missing=$(grep -o 'bgw_[a-z_]*' "$SRC/docs/deploy/alerts/bgw.yml" | sort -u |
		grep -vE '^bgw_(backup_|clamd_signatures_age_seconds$)' | while read -r m; do
			printf '%s\n' "$M" | grep -q "^$m[{ ]" || echo "$m"; done)
	check "metrics: every series the alert rules need is exported${missing:+ (missing: $(echo $missing))}" test -z "$missing"
	check "metrics: audit checkpoint age, outbox retrying and failed" sh -c 'printf "%s" "$1" | grep -Eq "^bgw_audit_checkpoint_age_seconds [0-9]" && printf "%s" "$1" | grep -Eq "^bgw_outbox_retrying [0-9]" && printf "%s" "$1" | grep -Eq "^bgw_outbox_failed [0-9]"' _ "$M"
	check "metrics: no signature age from the offline test signatures" sh -c '! printf "%s" "$1" | grep -q "^bgw_clamd_signatures_age_seconds"' _ "$M"
	check "metrics: Prometheus text with request counters" sh -c 'printf "%s" "$1" | grep -q "^# TYPE bgw_http_requests_total counter$" && printf "%s" "$1" | grep -Eq "^bgw_http_requests_total\{method=\"POST\",route=\"/api/v1/session\",status=\"[0-9]+\"\} [1-9]"' _ "$M"
	check "metrics: latency histogram" sh -c 'printf "%s" "$1" | grep -q "^# TYPE bgw_http_request_duration_seconds histogram$" && printf "%s" "$1" | grep -q "^bgw_http_request_duration_seconds_bucket{method=\"GET\",route=\"/healthz\",le=\"+Inf\"} "' _ "$M"
	check "metrics: PostgreSQL and clamd up, outbox backlog, blob disk" sh -c 'printf "%s" "$1" | grep -q "^bgw_postgresql_up 1$" && printf "%s" "$1" | grep -q "^bgw_clamd_up 1$" && printf "%s" "$1" | grep -q "^bgw_outbox_backlog [0-9]" && printf "%s" "$1" | grep -q "^bgw_blob_store_fs_avail_bytes [0-9]"' _ "$M"
	check "metrics: every sample line is well formed" sh -c 'printf "%s\n" "$1" | grep -v "^#" | grep -v "^$" | grep -Evq "^[a-z_]+(\{([a-z_]+=\"([^\"\\\\]|\\\\.)*\",?)*\})? [0-9.e+-]+$" && exit 1 || exit 0' _ "$M"
	# Counters of every worker of the pool add up: 20 more health checks are all counted.
	h0=$(printf '%s\n' "$M" | sed -n 's/^bgw_http_requests_total{method="GET",route="\/healthz",status="200"} //p')
	for i in $(seq 1 20); do curl -s "http://127.0.0.1:$((PORT + 1))/healthz" -o /dev/null; done
	h1=$(curl -s "http://127.0.0.1:$((PORT + 1))/metrics" | sed -n 's/^bgw_http_requests_total{method="GET",route="\/healthz",status="200"} //p')
	check "metrics aggregate across the pool's workers ($h0 -> $h1)" test "$h1" -ge $(( ${h0:-0} + 20 ))
	check "metrics: 404 outside loopback and operator networks" test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((PORT + 2))/metrics")" = 404
	WPID=$(pgrep -P "${PIDS[0]}" | head -n 1)
	kill -KILL "$WPID" 2>/dev/null
	sleep 1.5
	check "metrics: a replaced worker is counted" sh -c "curl -s http://127.0.0.1:$((PORT + 1))/metrics | grep -q '^bgw_worker_restarts_total [1-9]'"

	log "batch job on both hosts at once"
	if [[ $("$NOTIFY" 2>&1) == *--once* ]]; then
		as_bgw "$NOTIFY" --config "$W/pool1.conf" --once >"$W/once1.log" 2>&1 &
		o1=$!
		as_bgw "$NOTIFY" --config "$W/pool2.conf" --once >"$W/once2.log" 2>&1 &
		o2=$!
		wait $o1; r1=$?; wait $o2; r2=$?
		check "two concurrent batch runs both succeed" test "$r1$r2" = 00
		DUPS=$(grep -hi '^message-id:' "$BGW_SMTP_MAILDIR"/new/* 2>/dev/null | sort | uniq -d | wc -l)
		check "no mail was sent twice" test "$DUPS" = 0
		# A row sent on a later attempt is a retry after an SMTP error, which the design
		# allows (lib/mail/outbox.c); what it forbids is one run's lease running out while it
		# still works on a row, so that the other run takes it over: that run logs it.
		check "no outbox row was taken over by the other run" \
			sh -c '! grep -q "was claimed again before" "$1" "$2"' _ "$W/once1.log" "$W/once2.log"
	else
		skip "bgw-notify has no --once yet"
	fi
fi

# ---- the installed tree, the failover drill, fail2ban, the package (scripts of their own) --
# Each prints its own "ok"/"not ok" lines and "N passed, N failed", added to this suite's.
subsuite() {
	local out line
	log "${1##*/}"
	out=$(bash "$@" 2>&1)
	printf '%s\n' "$out" | grep -vE '^[0-9]+ passed, [0-9]+ failed$'
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
	if [ -z "$line" ]; then bad "${1##*/} ended without a summary"; return; fi
	PASS=$((PASS + ${line%% passed*}))
	line=${line#*, }
	FAIL=$((FAIL + ${line%% failed}))
}
subsuite "$SRC/tests/ops/install.sh"
subsuite "$SRC/tests/ops/failover.sh"
subsuite "$SRC/tests/ops/fail2ban.sh"
subsuite "$SRC/tests/ops/package.sh"
# pg_auto_failover's own detection and promotion under load: a minute or two.
if [ "${BGW_DEEP:-0}" = 1 ]; then
	subsuite "$SRC/tests/ops/failover-auto.sh"
else
	skip "the pg_auto_failover drill under load (tests/ops/failover-auto.sh) runs in ./dev test --deep ops"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
