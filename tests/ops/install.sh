#!/usr/bin/env bash
# install.sh - `make install` puts everything in its FHS place, and what it installs works:
# the units pass systemd-analyze verify, the nginx and ModSecurity files are the tree's as
# they are (the dev stack runs them, and tests/ops/package.sh runs nginx -t on the Debian
# package's copies), and the installed migrations build a database with the installed
# bgw-admin.  Run by tests/ops/run.sh (the shell suite of ./dev test) with the stack's
# environment (BGW_BUILD_DIR, BGW_STACK_DIR, BGW_PG_HOST); prints "N passed, N failed" last.
set -uo pipefail

: "${BGW_BUILD_DIR:?run by tests/ops/run.sh}" "${BGW_STACK_DIR:?}"
SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
W=$BGW_STACK_DIR/install
D=$W/destdir
PREFIX=/usr/local
SBIN=$D$PREFIX/sbin
DATA=$D$PREFIX/share/balance-gateway
UNITS=$D$PREFIX/lib/systemd/system
DOCS=$D$PREFIX/share/doc/balance-gateway
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"

rm -rf "$W"
mkdir -p "$W"
check "configured with prefix $PREFIX" grep -q "^prefix = $PREFIX\$" "$BGW_BUILD_DIR/Makefile"
if ! make -C "$BGW_BUILD_DIR" install DESTDIR="$D" >"$W/install.log" 2>&1; then
	tail -n 20 "$W/install.log"
	bad "make install DESTDIR=..."
	echo "$PASS passed, $FAIL failed"
	exit 1
fi
ok "make install DESTDIR=..."

# ---- the layout -------------------------------------------------------------------------------
for p in bgw-fcgi bgw-admin bgw-notify; do
	check "sbin/$p installed, executable" test -x "$SBIN/$p"
done
check "the programs look for their data in $PREFIX/share/balance-gateway" \
	grep -q "$PREFIX/share/balance-gateway" "$SBIN/bgw-fcgi"
missing() { # missing SRC_DIR DEST_DIR: files of SRC_DIR (no dot files) absent or different in DEST_DIR
	local f n=0
	for f in "$1"/*; do
		[ -f "$f" ] || continue
		cmp -s "$f" "$2/${f##*/}" || { echo "# not installed: ${f#"$SRC"/}"; n=$((n + 1)); }
	done
	[ $n = 0 ]
}
check "every migration of db/migrations is installed" missing "$SRC/db/migrations" "$DATA/db/migrations"
check "roles, XSD and password list in share/balance-gateway/db" \
	test -f "$DATA/db/roles.sql" -a -f "$DATA/db/confirmations.xsd" -a -s "$DATA/db/common-passwords.txt"
check "import templates in share/balance-gateway/db/templates" missing "$SRC/db/templates" "$DATA/db/templates"
check "every static file in share/balance-gateway/static" missing "$SRC/cgi/static" "$DATA/static"
check "nginx site, snippets and ModSecurity files in share/balance-gateway/nginx, as they are" \
	missing "$SRC/nginx/snippets" "$DATA/nginx/snippets"
check "the site file and ModSecurity's folder too" sh -c "
	cmp -s '$SRC/nginx/sites-available/balance-gateway' '$DATA/nginx/sites-available/balance-gateway' &&
	for f in '$SRC'/nginx/modsecurity/balance-gateway/*; do
		cmp -s \"\$f\" '$DATA/nginx/modsecurity/balance-gateway/'\"\${f##*/}\" || exit 1
	done"
check "no @NAME@ placeholder in what is installed for nginx" sh -c "! grep -rqE '@[A-Z0-9_]+@' '$DATA/nginx'"
check "deploy files in share/balance-gateway/deploy" \
	test -f "$DATA/deploy/bgw.cron" -a -f "$DATA/deploy/pgbackrest.conf" -a -f "$DATA/deploy/bgw.conf"
check "deploy scripts executable" test -x "$DATA/deploy/bgw-backup-blobs.sh"
check "documents in share/doc/balance-gateway" test -f "$DOCS/operations.md" -a -f "$DOCS/user-guide.md" -a -f "$DOCS/screenshots/login-en-desktop.png"
UNIT_LIST="bgw-fcgi.service bgw-notify-send.service bgw-batch.service bgw-batch.timer bgw-purge.service bgw-purge.timer"
for u in $UNIT_LIST; do
	check "unit $u in lib/systemd/system" test -f "$UNITS/$u"
done
check "every ExecStart names an installed program" sh -c "
	grep -h '^ExecStart=' '$UNITS'/*.service | sed 's/^ExecStart=//; s/ .*//' | while read -r p; do
		test -x '$D'\"\$p\" || { echo \"# \$p is not installed\"; exit 1; }
	done"
check "the cron file names installed programs and scripts" sh -c "
	grep -v '^#' '$DATA/deploy/bgw.cron' | grep -o '$PREFIX/[^ ]*' | while read -r p; do
		test -x '$D'\"\$p\" || { echo \"# \$p is not installed\"; exit 1; }
	done"
check "nothing installed names the build or source tree" sh -c "! grep -rlI -e '$BGW_BUILD_DIR' -e '$SRC/' '$DATA' '$UNITS' '$DOCS'"

# ---- the units ------------------------------------------------------------------------------
if systemd-analyze --version >/dev/null 2>&1; then
	# Copies whose programs point into DESTDIR, so verify also finds them executable
	# (--root would look for every system unit, sysinit.target too, inside DESTDIR).
	mkdir -p "$W/units"
	for u in $UNIT_LIST; do sed "s|$PREFIX/sbin/|$SBIN/|g" "$UNITS/$u" >"$W/units/$u"; done
	out=$(systemd-analyze verify --man=no $(for u in $UNIT_LIST; do echo "$W/units/$u"; done) 2>&1)
	[ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/# /'
	check "systemd-analyze verify of the installed units (no finding)" test -z "$out"
else
	skip "systemd-analyze is not available"
fi

# ---- the installed bgw-admin setup builds a database, and again changes nothing ------------
# The stack's cluster, a database of this test's own: setup creates it, runs the installed
# roles.sql as the superuser, keeps the roles' passwords in a passfile the conninfo names
# (made now, kept on the second run) and applies the installed migrations.
if [ -n "${BGW_PG_HOST:-}" ] && [ -n "${BGW_CONFIG:-}" ]; then
	PSQL=("$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$BGW_PG_HOST" -U postgres)
	"${PSQL[@]}" -d postgres -c 'DROP DATABASE IF EXISTS bgw_install' >/dev/null 2>&1
	sed -e "s|dbname=bgw |dbname=bgw_install passfile=$W/pgpass |" -e "s|^srcdir = .*|srcdir = $DATA|" \
		"$BGW_CONFIG" >"$W/bgw.conf"
	chmod 0400 "$W/bgw.conf"
	setup() { env ASAN_OPTIONS=detect_leaks=0 "$SBIN/bgw-admin" --config "$W/bgw.conf" setup \
		--superuser "host=$BGW_PG_HOST user=postgres dbname=postgres" 2>&1; }
	out=$(setup)
	printf '%s\n' "$out" | sed 's/^/# setup: /'
	n=$(ls "$SRC"/db/migrations/*.sql | wc -l)
	check "installed bgw-admin setup: database, roles, all $n migrations" \
		grep -q "^migrations applied: $n\$" <<<"$out"
	got=$("${PSQL[@]}" -At -d bgw_install -c 'SELECT count(*) FROM bgw.schema_migrations' 2>/dev/null || echo 0)
	check "all $n migrations recorded ($got)" test "$got" = "$n"
	check "setup kept both roles' passwords in the passfile, private to the config's owner" bash -c \
		'[ "$(grep -c "^\*:\*:bgw_install:bgw_\(app\|owner\):." "$1")" = 2 ] && [ "$(stat -c %a "$1")" = 400 ]' _ "$W/pgpass"
	sum=$(sha256sum <"$W/pgpass")
	out=$(setup)
	check "bgw-admin setup again: nothing to apply (idempotent)" grep -q '^migrations applied: 0$' <<<"$out"
	check "bgw-admin setup again: the passwords are kept" test "$(sha256sum <"$W/pgpass")" = "$sum"
	"${PSQL[@]}" -d postgres -c 'DROP DATABASE IF EXISTS bgw_install' >/dev/null 2>&1
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
