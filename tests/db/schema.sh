#!/usr/bin/env bash
# schema.sh - db/schema.sql and db/policies.sql are exactly what the migrations make.
#
# Migrates a throw-away cluster with the built bgw-admin (db/dump-schema.sh) and compares the
# dump with the committed files; then proves the check can fail: a planted migration (a table
# with a policy) in a copy of the tree must make both files differ.  Run by ./dev test's
# shell suite (BGW_ADMIN, BGW_SRCDIR from the stack); prints "N passed, N failed".
set -uo pipefail

src=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
admin=${BGW_ADMIN:-${BGW_BUILD_DIR:-$src/build-test}/tools/bgw-admin}
pass=0 fail=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAILED $1"; fail=$((fail + 1)); }

work=$(mktemp -d /tmp/bgw-schema-test.XXXXXX)
trap 'rm -rf "$work"' EXIT

# compare NAME: the fresh dump of NAME equals the committed one.
compare() {
	if diff -u "$src/db/$1" "$work/now/$1" >"$work/$1.diff"; then
		ok "db/$1 is the schema the migrations make"
	else
		bad "db/$1 differs from a fresh migration: run ./dev schema (diff below)"
		head -n 40 "$work/$1.diff"
	fi
}

if bash "$src/db/dump-schema.sh" "$admin" "$src" "$work/now" 2>"$work/dump.err"; then
	compare schema.sql
	compare policies.sql
else
	bad "could not dump a freshly migrated database"
	tail -n 20 "$work/dump.err"
fi

# The planted change: a migration the committed files do not know.
mkdir -p "$work/src/db"
cp "$src/db/roles.sql" "$work/src/db/"
cp -r "$src/db/migrations" "$work/src/db/"
cat >"$work/src/db/migrations/9999_planted.sql" <<'EOF'
CREATE TABLE bgw.planted_probe (a integer);
ALTER TABLE bgw.planted_probe ENABLE ROW LEVEL SECURITY;
CREATE POLICY planted_probe_read ON bgw.planted_probe FOR SELECT USING (true);
EOF
if bash "$src/db/dump-schema.sh" "$admin" "$work/src" "$work/planted" 2>"$work/planted.err"; then
	for f in schema.sql policies.sql; do
		if ! diff -q "$src/db/$f" "$work/planted/$f" >/dev/null &&
			grep -q planted_probe "$work/planted/$f"; then
			ok "a planted migration makes db/$f differ"
		else
			bad "a planted migration went unnoticed in db/$f"
		fi
	done
else
	bad "could not dump the tree with a planted migration"
	tail -n 20 "$work/planted.err"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
