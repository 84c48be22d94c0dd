# tap.sh - the "ok"/"not ok" lines and counters of the ops suite's own scripts (sourced).
# Each script ends with finish, whose last line "N passed, N failed" run.sh adds up.
PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
skip() { echo "ok - $* # SKIP"; }
log() { echo "# $*"; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit; }
