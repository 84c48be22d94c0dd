#!/usr/bin/env bash
# arch-rules.sh - the architecture's rules (docs/architecture.md "The rules"), checked on the
# source tree, each after a self-test that proves on planted violations that it can fail.
#
# Usage: tests/security/arch-rules.sh [SRCDIR]   (default: this script's tree)
# Run by the security suite (security.sh, check "arch") and quick enough to run by hand
# (under a second).  Prints "ok RULE: ..." or "FAILED RULE: ..." per rule, each violation
# as "  path:line: text" under it, and ends with "N passed, N failed".
#
# A rule named in arch-pending.txt beside this script still runs, self-test included, and
# prints its violations, but reports "pending RULE" instead of failing: that file lists the
# rules whose violations other work in flight removes (issue 19), and is emptied as it lands.
# Never add a rule to it to make a new violation pass.
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${1:-$(cd "$HERE/../.." && pwd)}
PENDING=$(grep -vE '^[[:space:]]*(#|$)' "$HERE/arch-pending.txt" 2>/dev/null | awk '{print $1}')
PASS=0 FAIL=0

# C source under ROOT's DIRs ("path:line:text") matching the extended regex RE, comment
# lines left out (a rule is about code, and comments cite what the code must not do).
code_grep() {
	local root=$1 re=$2
	shift 2
	local dirs=()
	for d in "$@"; do [ -d "$root/$d" ] && dirs+=("$root/$d"); done
	[ ${#dirs[@]} -gt 0 ] || return 0
	grep -rnE --include='*.c' --include='*.h' -e "$re" "${dirs[@]}" 2>/dev/null |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' | sed "s|^$root/||" || true
}

# --- The rules: each prints its violations under ROOT, one per line, nothing if none. ----

# lib/ is everything testable without FastCGI: it never includes the FastCGI headers nor
# a header of cgi/ (cgi/'s own folders and top-level headers, by their path under cgi/).
rule_lib_no_cgi() {
	local root=$1 hdrs
	hdrs=$(cd "$root/cgi" 2>/dev/null && find . -name '*.h' | sed 's|^\./||' |
		sed 's/[.]/[.]/g' | paste -sd'|' -)
	code_grep "$root" '#[[:space:]]*include[[:space:]]*[<"](fcgi_stdio[.]h|fcgiapp[.]h|fcgi_config[.]h|cgi/)' lib
	[ -z "$hdrs" ] || code_grep "$root" "#[[:space:]]*include[[:space:]]*\"($hdrs)\"" lib
}

# libpq only in the store: no libpq-fe.h, PGresult, PGconn or PQ...( call elsewhere.
rule_libpq_in_store() {
	code_grep "$1" 'libpq-fe[.]h|\bPG(result|conn)\b|\bPQ[a-zA-Z]+[[:space:]]*\(' lib cgi tools |
		grep -v '^lib/store/' || true
}

# SQL text only in the store's statement tables: no string literal that starts a statement.
rule_sql_in_store() {
	code_grep "$1" '"[[:space:]]*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP)[[:space:]]+[a-zA-Z0-9_(*$]' \
		lib cgi tools | grep -v '^lib/store/' || true
}

# Pages translate forms to use cases: they never call an API handler (h_...).
rule_pages_no_handlers() {
	code_grep "$1" '(^|[^a-zA-Z0-9_])h_[a-z0-9_]+[[:space:]]*\(' cgi/pages
}

# Only the scanner talks to clamd: its commands appear nowhere else.
rule_clamd_in_scanner() {
	code_grep "$1" '"[zn]?(INSTREAM|PING|SCAN|CONTSCAN|MULTISCAN|VERSION|RELOAD|SHUTDOWN)\b' \
		lib cgi tools | grep -v '^lib/files/scan[.]c:' || true
}

# Only the mail and blob modules use libcurl.
rule_curl_in_mail_blob() {
	code_grep "$1" '\bcurl_[a-z_]+[[:space:]]*\(|#[[:space:]]*include[[:space:]]*<curl/' lib cgi tools |
		grep -vE '^lib/mail/smtp[.][ch]:|^lib/files/blob_azure[.]c:' || true
}

# Every lib module (lib/<area>/X.h with X.c) has a unit test of its name.
rule_module_tests() {
	local root=$1 h b
	for h in "$root"/lib/*/*.h; do
		[ -f "$h" ] && [ -f "${h%.h}.c" ] || continue
		b=$(basename "$h" .h)
		[ -f "$root/tests/unit/test_$b.c" ] ||
			echo "${h#"$root"/}: ${b}.c has no tests/unit/test_$b.c"
	done
}

RULES="lib_no_cgi libpq_in_store sql_in_store pages_no_handlers clamd_in_scanner
curl_in_mail_blob module_tests"

# --- Self-test: a planted tree laid out like ours. -------------------------------------
# plant ROOT: a tree that breaks no rule but holds every allowed form each rule must let
# pass (libpq, SQL and a statement table in lib/store/, curl in smtp.c and blob_azure.c,
# clamd's commands in scan.c, an API handler called from cgi/api/, comments naming what is
# banned, a word that merely contains a banned name).
plant() {
	local r=$1
	mkdir -p "$r/lib/core" "$r/lib/store" "$r/lib/mail" "$r/lib/files" "$r/cgi/api" \
		"$r/cgi/pages" "$r/tools" "$r/tests/unit"
	printf '%s\n' '#include "core/arena.h"' '/* never #include <fcgiapp.h> here */' \
		'int with_h(void) { return 0; }' >"$r/lib/core/arena.c"
	: >"$r/lib/core/arena.h"
	: >"$r/tests/unit/test_arena.c"
	printf '%s\n' '#include <libpq-fe.h>' 'static PGresult *r;' \
		'const char *q = "SELECT 1";' 'int n(void) { return PQntuples(r); }' >"$r/lib/store/db.c"
	: >"$r/lib/store/db.h"
	: >"$r/tests/unit/test_db.c"
	printf '%s\n' 'const char *s = "SELECT 1";' >"$r/lib/store/stmt_x.c"
	printf '%s\n' '#include <curl/curl.h>' 'void s(void) { curl_easy_init(); }' \
		>"$r/lib/mail/smtp.c"
	printf '%s\n' '#include <curl/curl.h>' 'void b(void) { curl_easy_init(); }' \
		>"$r/lib/files/blob_azure.c"
	printf '%s\n' 'static const char c[] = "zINSTREAM";' >"$r/lib/files/scan.c"
	printf '%s\n' '#include "api/handlers.h"' 'int x(void) { return h_thing(0); }' \
		'/* select the rows: Select, selected */ const char *m = "Selected";' \
		'static const char *verb = "DELETE";' \
		>"$r/cgi/api/h_thing.c"
	: >"$r/cgi/api/handlers.h"
	: >"$r/cgi/request.h"
	printf '%s\n' '/* pages never call h_thing() */' 'int p(void) { return with_h(0) + path_h(1); }' \
		>"$r/cgi/pages/page_thing.c"
	printf '%s\n' 'int main(void) { return 0; }' >"$r/tools/tool.c"
}

# The one violation planted for each rule: "rule|file|line".
VIOLATIONS='lib_no_cgi|lib/core/bad_fcgi.c|#include <fcgiapp.h>
lib_no_cgi|lib/core/bad_req.c|#include "request.h"
lib_no_cgi|lib/core/bad_api.c|#include "api/handlers.h"
libpq_in_store|cgi/api/bad_pq.c|#include <libpq-fe.h>
libpq_in_store|tools/bad_pq.c|int n = PQntuples(res);
libpq_in_store|lib/core/bad_pg.c|static PGresult *res;
sql_in_store|cgi/api/bad_sql.c|const char *q = "SELECT id FROM users WHERE id = $1";
sql_in_store|tools/bad_sql.c|db_sql = "DELETE FROM sessions";
sql_in_store|cgi/bad_sql.c|"UPDATE confirmations SET status = $2 "
sql_in_store|lib/core/bad_sql.c|static const char *w = " WITH x AS (SELECT 1) SELECT * FROM x";
pages_no_handlers|cgi/pages/bad_page.c|int e = h_doc_store(r, &rd);
clamd_in_scanner|lib/files/bad_clamd.c|static const char cmd[] = "zINSTREAM";
clamd_in_scanner|cgi/bad_clamd.c|write(fd, "nPING\n", 6);
curl_in_mail_blob|cgi/bad_curl.c|curl_global_init(CURL_GLOBAL_DEFAULT);
curl_in_mail_blob|lib/core/bad_curl.c|#include <curl/curl.h>
module_tests|lib/core/lonely.h|int lonely(void);'

# selftest RULE: on the clean planted tree the rule finds nothing; with each of its planted
# violations added (one at a time) it reports exactly that file.  Prints why on failure.
selftest() {
	local rule=$1 tmp out line file text ok=0
	tmp=$(mktemp -d)
	plant "$tmp"
	out=$("rule_$rule" "$tmp")
	if [ -n "$out" ]; then
		echo "self-test: reports the clean planted tree: $(head -n 1 <<<"$out")"
		rm -rf "$tmp"
		return 1
	fi
	while IFS='|' read -r r file text; do
		[ "$r" = "$rule" ] || continue
		mkdir -p "$(dirname "$tmp/$file")"
		printf '%s\n' "$text" >"$tmp/$file"
		[ "$rule" = module_tests ] && : >"$tmp/${file%.h}.c"
		out=$("rule_$rule" "$tmp")
		if ! grep -q "^$file" <<<"$out" || [ "$(grep -c . <<<"$out")" != 1 ]; then
			echo "self-test: the planted $file ($text) gave: ${out:-nothing}"
			rm -rf "$tmp"
			return 1
		fi
		rm -f "$tmp/$file" "$tmp/${file%.h}.c"
		ok=$((ok + 1))
	done <<<"$VIOLATIONS"
	rm -rf "$tmp"
	if [ "$ok" = 0 ]; then echo "self-test: no planted violation"; return 1; fi
	echo "$ok"
}

for rule in $RULES; do
	if ! why=$(selftest "$rule"); then
		echo "FAILED $rule: $why"
		FAIL=$((FAIL + 1))
		continue
	fi
	hits=$("rule_$rule" "$SRC")
	n=$(grep -c . <<<"$hits")
	if [ -z "$hits" ]; then
		echo "ok $rule: 0 violations (self-test: $why planted found)"
		PASS=$((PASS + 1))
	elif grep -qxF "$rule" <<<"$PENDING"; then
		echo "pending $rule: $n violations, left to the work listed in arch-pending.txt"
		sed 's/^/  /' <<<"$hits"
		PASS=$((PASS + 1))
	else
		echo "FAILED $rule: $n violations"
		sed 's/^/  /' <<<"$hits"
		FAIL=$((FAIL + 1))
	fi
done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
