#!/usr/bin/env bash
# security.sh: the security suite (issue 9 item 4), run by `./dev test security` (quick) and
# `./dev test --deep security` (BGW_DEEP=1) against a running test stack.  Each check prints
# "ok NAME" or "FAILED NAME" with its tool's summary numbers; the last line is
# "N passed, N failed".  docs/security.md describes every check and its baseline.
#
# Measured on this 2-core machine: grep <1 s, cppcheck ~10-45 s, clang-tidy ~15-35 s (the
# range is other load), hardening <1 s, testssl.sh protocols + every cipher ~1-3 min, the WAF
# cases ~20 s, sqlmap at level 1 on six routes ~1 min, the whole CRS regression corpus
# ~75 s.  --deep changes only sqlmap: level 3 on every parameterised route (long: see
# docs/security.md).
#
# Environment (exported by ./dev): BGW_SRCDIR, BGW_STACK_DIR, BGW_BASE_URL, BGW_LOG_DIR,
# BGW_BUILD_DIR, BGW_CA_CERT, BGW_DEEP; BGW_HARDENED_BUILD_DIR (a build without sanitizers,
# whose binaries the hardening check reads and whose objects route_fields.c links against);
# BGW_NOWAF_URL (the WAF-off server, nginx/security.conf.in); BGW_CRS_CORPUS (the CRS
# source tree dev's crs_corpus fetched).  Optional: BGW_SECURITY_CHECKS (which checks, see
# the end), BGW_SQLMAP_ONLY (a regex: which sqlmap targets, see check_sqlmap).
#
# Self-tests: the banned-calls grep must find a planted canary line per banned pattern,
# and the hardening check must tell a hardened canary binary from an unhardened one,
# before either judges the tree (a check that cannot fail proves nothing).
set -uo pipefail

SRC=${BGW_SRCDIR:?run through ./dev test security}
HERE="$SRC/tests/security"
OUT="$BGW_STACK_DIR/security"
HTTPS_PORT=${BGW_BASE_URL##*:}
PASS=0
FAIL=0
rm -rf "$OUT"
mkdir -p "$OUT"

result() { # result NAME STATUS SUMMARY
	if [ "$2" = 0 ]; then PASS=$((PASS + 1)); echo "ok $1: $3"
	else FAIL=$((FAIL + 1)); echo "FAILED $1: $3"; fi
}

# --- 1. Banned calls --------------------------------------------------------------------
# No shell, no libc randomness, no entity expansion, no SQL text built at run time, no
# early-exit comparison (memcmp/bcmp) of anything named like a secret, anywhere in our C.
# PQexec is allowed with a string literal only; reviewed exceptions, each with its reason,
# are in banned-allow.txt as "path|source line" (whitespace squeezed).
#
# banned_grep ROOT DIR...: the hits under ROOT's DIRs ("path:line:text", path as grep gives
# it), comments and allowed lines left out.  One function for the self-test and the scan.
banned_grep() {
	local root=$1 allow
	shift
	allow=$(grep -vE '^[[:space:]]*(#|$)' "$HERE/banned-allow.txt" | cut -d'|' -f1,2)
	grep -rnE --include='*.c' --include='*.h' \
		-e '\b(system|popen|rand|srand|random|drand48|rand_r)[[:space:]]*\(' \
		-e 'XML_PARSE_NOENT|XML_PARSE_DTDLOAD' \
		-e '\bPQexec[[:space:]]*\([^,]*,[[:space:]]*[^"[:space:]]' \
		-e '\bPQexecParams[[:space:]]*\(' \
		-e '\b(memcmp|bcmp)[[:space:]]*\(([^;]*[^a-z_])?(token|secret|key|mac|hash|tag|code|password|passwd|otp|csrf|digest|sig|seal)s?[^a-z]' \
		"$@" |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/?\*|//)' |
		while IFS= read -r h; do
			local f=${h%%:*} t
			t=$(echo "$h" | cut -d: -f3- | tr -s ' \t' ' ' | sed 's/^ //;s/ $//')
			grep -qxF "${f#"$root"/}|$t" <<<"$allow" || echo "$h"
		done || true
}

# The self-test: a canary file with one line per banned pattern, in a temporary tree laid
# out like ours, must give one hit per line (a grep that silently matches nothing, after an
# edit of a pattern or of grep's options, would otherwise pass every tree).  Each line's
# first word names what it plants.
BANNED_CANARY='system: int a = system(cmd);
popen: FILE *b = popen(cmd, "r");
rand: int c = rand();
srand: srand(seed);
random: long d = random();
drand48: double e = drand48();
rand_r: int g = rand_r(&seed);
XML_PARSE_NOENT: int h = XML_PARSE_NOENT;
XML_PARSE_DTDLOAD: int i = XML_PARSE_DTDLOAD;
PQexec: PGresult *j = PQexec(conn, query);
PQexecParams: PGresult *k = PQexecParams(conn, "SELECT $1", 1, NULL, v, NULL, NULL, 0);
memcmp-token: int l = memcmp(a, token, n);
memcmp-secret: int m = memcmp(secret, b, n);
bcmp-mac: int o = bcmp(mac, expected, 32);'
banned_selftest() {
	local tmp miss="" name line
	tmp=$(mktemp -d)
	mkdir -p "$tmp/lib"
	while IFS= read -r line; do
		echo "${line#*: }"
	done <<<"$BANNED_CANARY" >"$tmp/lib/canary.c"
	# Lines the grep must NOT report: comments, a literal PQexec (the allowed form), and a
	# word that merely contains a banned name.
	printf '%s\n' '/* system(cmd) in a comment */' '// rand() in a comment' \
		'PGresult *p = PQexec(conn, "BEGIN");' 'int q = operand(x);' >>"$tmp/lib/canary.c"
	local hits
	hits=$(banned_grep "$tmp" "$tmp/lib" | cut -d: -f3-)
	while IFS= read -r line; do
		name=${line%%: *}
		grep -qxF -- "${line#*: }" <<<"$hits" || miss+=" $name"
	done <<<"$BANNED_CANARY"
	local extra
	extra=$(($(grep -c . <<<"$hits") - $(grep -c . <<<"$BANNED_CANARY")))
	rm -rf "$tmp"
	if [ -n "$miss" ]; then echo "banned-calls grep missed the planted${miss}"; return 1; fi
	if [ "$extra" != 0 ]; then echo "banned-calls grep reported $extra line(s) that are not banned calls"; return 1; fi
	return 0
}

check_banned() {
	local hits why
	if ! why=$(banned_selftest); then result banned-calls 1 "$why"; return; fi
	hits=$(banned_grep "$SRC" "$SRC/lib" "$SRC/cgi" "$SRC/tools")
	if [ -z "$hits" ]; then result banned-calls 0 "0 hits in lib/ cgi/ tools/ (self-test: $(grep -c . <<<"$BANNED_CANARY") planted calls found)"
	else echo "$hits" | sed "s|$SRC/||" >&2; result banned-calls 1 "$(echo "$hits" | wc -l) hits"; fi
}

# --- 1b. Architecture rules -------------------------------------------------------------
# arch-rules.sh (docs/architecture.md "The rules"): lib/ without FastCGI, libpq and SQL only
# in lib/store/, pages never call API handlers, clamd only from the scanner, curl only in
# the mail and blob modules, a unit test per lib module; each rule self-tested first.
check_arch() {
	local log="$OUT/arch-rules.txt" rc=0
	bash "$HERE/arch-rules.sh" "$SRC" >"$log" 2>&1 || rc=1
	[ "$rc" = 0 ] || grep -vE '^(ok|pending) ' "$log" >&2
	result arch-rules "$rc" "$(grep -cE '^ok ' "$log") rules hold, $(grep -cE '^pending ' "$log") pending (arch-pending.txt), $(grep -cE '^FAILED ' "$log") broken"
}

# --- 2. cppcheck ------------------------------------------------------------------------
check_cppcheck() {
	local log="$OUT/cppcheck.txt" n
	cppcheck -q -j2 --std=c11 --enable=warning,portability --inline-suppr \
		--suppressions-list="$HERE/cppcheck-suppressions.txt" --suppress=missingIncludeSystem \
		--include=/usr/include/jansson.h \
		-D_GNU_SOURCE -DBGW_DATADIR='"/usr/share/balance-gateway"' \
		-DBGW_SYSCONFDIR='"/etc/balance-gateway"' -I"$SRC/lib" -I"$SRC/cgi" \
		--template='{file}:{line}: {severity} ({id}): {message}' \
		"$SRC/lib" "$SRC/cgi" "$SRC/tools" 2>"$log" >/dev/null
	n=$(grep -c ': \(error\|warning\|portability\) (' "$log" || true)
	[ "$n" = 0 ] || sed "s|$SRC/||" "$log" >&2
	result cppcheck "$([ "$n" = 0 ] && echo 0 || echo 1)" \
		"cppcheck $(cppcheck --version | cut -d' ' -f2): $n findings in $(find "$SRC"/lib "$SRC"/cgi "$SRC"/tools -name '*.c' | wc -l) files"
}

# --- 3. clang-tidy (cert-*, bugprone-*) -------------------------------------------------
# Checks and disabled checks: tests/security/clang-tidy.yaml (each with its reason).
# Reviewed false positives: clang-tidy-suppressions.txt, "path|check|source line" (the line's
# text, whitespace squeezed, so a suppression survives edits elsewhere in the file).
check_clang_tidy() {
	local log="$OUT/clang-tidy.txt" supp n=0 total=0 f l check text
	# Expanded unquoted inside sh -c: the quotes of the string macros stay literal.
	export TIDY_FLAGS="-std=c11 -D_GNU_SOURCE -DBGW_DATADIR=\"/usr/share/balance-gateway\" -DBGW_SYSCONFDIR=\"/etc/balance-gateway\" -I$SRC/lib -I$SRC/cgi $(pkg-config --cflags libxml-2.0 libpq jansson libcurl libzip libqrencode openssl pangocairo cairo xlsxwriter 2>/dev/null)"
	(cd "$SRC" && find lib cgi tools -name '*.c' | sort) | (cd "$SRC" && xargs -P2 -n8 sh -c \
		'clang-tidy -quiet --config-file="$0" "$@" -- $TIDY_FLAGS 2>/dev/null' \
		"$HERE/clang-tidy.yaml") >"$log"
	: >"$OUT/clang-tidy-new.txt"
	# Read once: grep -q on a pipe would end its writer early (SIGPIPE, and pipefail).
	supp=$(grep -vE '^[[:space:]]*(#|$)' "$HERE/clang-tidy-suppressions.txt")
	while IFS= read -r line; do
		f=${line%%:*}; l=$(echo "$line" | cut -d: -f2)
		check=$(echo "$line" | grep -oE '\[[a-z0-9.,-]+\]$' | tr -d '[]')
		total=$((total + 1))
		text=$(sed -n "${l}p" "$f" | tr -s ' \t' ' ' | sed 's/^ //;s/ $//')
		if grep -qxF "${f#"$SRC"/}|$check|$text" <<<"$supp"; then continue; fi
		n=$((n + 1))
		echo "${line#"$SRC"/}" >>"$OUT/clang-tidy-new.txt"
		echo "  suppress as: ${f#"$SRC"/}|$check|$text" >>"$OUT/clang-tidy-new.txt"
	done < <(grep -E ': (warning|error):' "$log" | sort -u)
	[ "$n" = 0 ] || cat "$OUT/clang-tidy-new.txt" >&2
	result clang-tidy "$([ "$n" = 0 ] && echo 0 || echo 1)" \
		"clang-tidy $(clang-tidy --version | grep -oE 'version [0-9.]+' | cut -d' ' -f2): $n findings, $((total - n)) reviewed and suppressed"
}

# --- 4. Hardened binaries ---------------------------------------------------------------
# Every installed program of the build without sanitizers (ASan excludes _FORTIFY_SOURCE):
# PIE (ELF type DYN with DF_1_PIE), full RELRO (GNU_RELRO segment and BIND_NOW), stack
# protector (__stack_chk_fail imported) and _FORTIFY_SOURCE=2 (a __*_chk function imported).
# hardening_why BIN: what BIN lacks (" not-PIE no-RELRO ..."), empty when nothing.
hardening_why() {
	local bin=$1 why="" hdr dyn seg syms
	# Captured first: grep -q on a pipe would end readelf early (SIGPIPE, and pipefail).
	hdr=$(readelf -h "$bin"); dyn=$(readelf -d "$bin"); seg=$(readelf -lW "$bin")
	syms=$(readelf --dyn-syms -W "$bin")
	grep -q 'Type:[[:space:]]*DYN' <<<"$hdr" || why+=" not-PIE"
	grep -q 'FLAGS_1.*PIE' <<<"$dyn" || why+=" no-DF_1_PIE"
	grep -q 'GNU_RELRO' <<<"$seg" || why+=" no-RELRO"
	grep -qE 'BIND_NOW|FLAGS.*\bNOW\b' <<<"$dyn" || why+=" no-BIND_NOW"
	grep -q '__stack_chk_fail' <<<"$syms" || why+=" no-stack-protector"
	grep -qE '__[a-z_]+_chk(@|[[:space:]]|$)' <<<"$syms" || why+=" no-FORTIFY"
	echo "$why"
}

# The self-test: the same small program built with and without the hardening flags must
# pass and be flagged for every property respectively (a check that reads nothing, after a
# readelf or grep change, would otherwise pass every binary).
HARDENING_CANARY='#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) { char b[64]; strcpy(b, argc > 1 ? argv[1] : "x"); printf("%s\n", b); return 0; }'
hardening_selftest() {
	local tmp why want=" not-PIE no-DF_1_PIE no-RELRO no-BIND_NOW no-stack-protector no-FORTIFY"
	tmp=$(mktemp -d)
	echo "$HARDENING_CANARY" >"$tmp/c.c"
	if ! gcc -O2 -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE -pie -Wl,-z,relro,-z,now \
		"$tmp/c.c" -o "$tmp/good" 2>"$tmp/log" ||
		! gcc -O0 -U_FORTIFY_SOURCE -fno-stack-protector -fno-PIE -no-pie -Wl,-z,norelro,-z,lazy \
		"$tmp/c.c" -o "$tmp/bad" 2>>"$tmp/log"; then
		cat "$tmp/log" >&2; rm -rf "$tmp"; echo "could not build the canary binaries"; return 1
	fi
	why=$(hardening_why "$tmp/good")
	[ -z "$why" ] || { rm -rf "$tmp"; echo "the hardened canary was flagged:$why"; return 1; }
	why=$(hardening_why "$tmp/bad")
	rm -rf "$tmp"
	[ "$why" = "$want" ] || { echo "the unhardened canary was flagged only for:${why:- nothing}"; return 1; }
}

check_hardening() {
	local dir=${BGW_HARDENED_BUILD_DIR:-} bin bad=0 n=0 why
	if ! why=$(hardening_selftest); then result hardening 1 "self-test: $why"; return; fi
	if [ -z "$dir" ] || [ ! -d "$dir" ]; then result hardening 1 "no hardened build"; return; fi
	for bin in "$dir/cgi/bgw-fcgi" "$dir"/tools/bgw-*; do
		[ -f "$bin" ] && [ -x "$bin" ] || continue
		n=$((n + 1))
		why=$(hardening_why "$bin")
		if [ -n "$why" ]; then bad=$((bad + 1)); echo "${bin#"$SRC"/}:$why" >&2; fi
	done
	[ "$n" -gt 0 ] || bad=1
	result hardening "$bad" "$n binaries, $bad without PIE/full RELRO/stack protector/FORTIFY (self-test: canaries told apart)"
}

# --- 5. TLS: only 1.2 and 1.3, AEAD suites only -----------------------------------------
check_tls() {
	local json="$OUT/testssl.json" bad=0 offered
	testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --protocols --each-cipher \
		--jsonfile "$json" "localhost:$HTTPS_PORT" >"$OUT/testssl.txt" 2>&1
	if [ ! -s "$json" ]; then tail -n 20 "$OUT/testssl.txt" >&2; result tls 1 "testssl.sh wrote no result"; return; fi
	python3 - "$json" <<'EOF' || bad=1
import json, re, sys
rows = json.load(open(sys.argv[1]))
proto = {r["id"]: r["finding"] for r in rows if r["id"] in ("SSLv2", "SSLv3", "TLS1", "TLS1_1", "TLS1_2", "TLS1_3")}
bad = [p for p in ("SSLv2", "SSLv3", "TLS1", "TLS1_1") if not proto.get(p, "").startswith("not offered")]
bad += [p for p in ("TLS1_2", "TLS1_3") if not proto.get(p, "").startswith("offered")]
ciphers = [r["finding"] for r in rows if r["id"].startswith("cipher_x") or r["id"].startswith("cipher-tls")]
weak = [c for c in ciphers if not re.search(r"GCM|CHACHA20|CCM", c)]
for b in bad: print(f"protocol {b}: {proto.get(b)}", file=sys.stderr)
for w in weak: print(f"not AEAD: {w}", file=sys.stderr)
print(f"{len(ciphers)} suites offered, {len(weak)} not AEAD; protocols wrong: {len(bad)}")
sys.exit(1 if bad or weak or not ciphers else 0)
EOF
	result tls "$bad" "testssl.sh: $(python3 - "$json" <<'EOF'
import json, sys
rows = json.load(open(sys.argv[1]))
p = [r["id"] for r in rows if r["id"] in ("SSLv2","SSLv3","TLS1","TLS1_1","TLS1_2","TLS1_3") and r["finding"].startswith("offered")]
c = [r for r in rows if r["id"].startswith("cipher_x") or r["id"].startswith("cipher-tls")]
print("offered " + " ".join(p) + f", {len(c)} suites")
EOF
)"
}

# --- 6. WAF: benign audit texts pass, attacks are refused -------------------------------
# The cases live in tests/integration/waf.test.mjs (one list, not two).
check_waf_benign() {
	local log="$OUT/waf.tap" p f
	node --test --test-reporter=tap "$SRC/tests/integration/waf.test.mjs" >"$log" 2>&1
	p=$(awk '$1 == "#" && $2 == "pass" { print $3 }' "$log"); f=$(awk '$1 == "#" && $2 == "fail" { print $3 }' "$log")
	[ "${f:-1}" = 0 ] || grep -A20 '^ *not ok' "$log" | head -60 >&2
	result waf-benign "$([ "${f:-1}" = 0 ] && [ "${p:-0}" -gt 0 ] && echo 0 || echo 1)" \
		"tests/integration/waf.test.mjs: ${p:-0} passed, ${f:-?} failed"
}

# --- 7. sqlmap against our code, WAF bypassed ----------------------------------------
# dev's security_nginx serves the app on a WAF-off server (BGW_NOWAF_URL): CRS would refuse
# sqlmap's payloads and hide what the application does with them.  The routes and their
# declared body fields come from the route table itself (route_fields.c, linked against the
# hardened build's objects), real ids and a session from sqlmap-seed.mjs; sqlmap_check.py
# says which inputs are tested and how a target passes.  Quick: level 1 on a few routes of
# each input kind; --deep: level 3 on every parameterised route (operator routes as an
# operator, answer routes as the respondent, multipart and CSV bodies included).  Both fail
# if a route has no target and no written reason (sqlmap_check.py's NO_INPUT).
# BGW_SQLMAP_ONLY=REGEX runs only the targets whose "METHOD /pattern" matches (e.g. to try
# new targets at level 3 without the hour-long sweep); the coverage checks still see all.
check_sqlmap() {
	local dir="$OUT/sqlmap" mode=quick hard=${BGW_HARDENED_BUILD_DIR:-} rc=0 libs cflags objs
	[ "${BGW_DEEP:-0}" = 1 ] && mode=deep
	if [ -z "${BGW_NOWAF_URL:-}" ] || [ -z "$hard" ]; then
		result sqlmap 1 "no WAF-off server or build (run through ./dev test security)"; return
	fi
	mkdir -p "$dir"
	# The programs' own libraries, as the build's make expands them (BGW_LIBS without the
	# archive, which is named below): a library added to Makefile.am is linked here too.
	libs=$(printf 'bgw-print-libs:\n\t@echo $(filter-out lib/libbgw.a,$(BGW_LIBS))\n' |
		make -s --no-print-directory -C "$hard" -f Makefile -f - bgw-print-libs)
	cflags=$(sed -n 's/^\(PQ\|SSL\|XML\|CURL\|JANSSON\)_CFLAGS = //p' "$hard/Makefile" | tr '\n' ' ')
	# The program's objects as make knows them (not every .o under cgi/: an old layout's
	# would stay behind in a reused build folder), but its main.
	objs=$(printf 'bgw-print-objs:\n\t@echo $(cgi_bgw_fcgi_OBJECTS)\n' |
		make -s --no-print-directory -C "$hard" -f Makefile -f - bgw-print-objs |
		tr ' ' '\n' | grep -v 'main\.o$' | sed "s|^|$hard/|" | tr '\n' ' ')
	# shellcheck disable=SC2046,SC2086
	if ! gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$SRC/lib" -I"$SRC/cgi" $cflags \
		"$HERE/route_fields.c" $objs "$hard/lib/libbgw.a" \
		$libs -o "$dir/route_fields" >"$dir/build.log" 2>&1 ||
		! "$dir/route_fields" >"$dir/routes.jsonl"; then
		cat "$dir/build.log" >&2; result sqlmap 1 "could not list the routes with their fields"; return
	fi
	if ! (umask 077 && node "$HERE/sqlmap-seed.mjs" "$dir/seed.json") >"$dir/seed.log" 2>&1; then
		tail -n 20 "$dir/seed.log" >&2; result sqlmap 1 "could not create the test data"; return
	fi
	python3 "$HERE/sqlmap_check.py" "$dir/routes.jsonl" "$dir/seed.json" "$BGW_NOWAF_URL" \
		"$BGW_LOG_DIR/nginx_nowaf_access.log" "$dir" "$mode" >"$dir/summary.txt" 2>&1 || rc=1
	[ "$rc" = 0 ] || grep -v '^ok ' "$dir/summary.txt" | head -40 >&2
	result sqlmap "$rc" "sqlmap $(sqlmap --version 2>/dev/null | grep -oE '[0-9][0-9.]+' | head -n 1) $mode (level $([ $mode = deep ] && echo 3 || echo 1)): $(tail -n 1 "$dir/summary.txt")"
}

# --- 8. The CRS 3.3.4 regression corpus against our nginx -----------------------------
# dev's crs_corpus fetches the corpus of the installed modsecurity-crs (BGW_CRS_CORPUS);
# crs_regression.py sends each test to the stack's main server and judges it as go-ftw does
# from the rule ids ModSecurity logged for it.  Expected failures (PL1 instead of the
# corpus's PL4, our exclusions, nginx refusing a malformed request first, ...) are listed
# with their reason in crs-baseline.txt; any other failure fails the check.  Quick: the
# files of the rules our exclusions touch plus one per family; --deep: every file.
# BGW_CRS_RECORD=1 rewrites the baseline from this run (review the diff).
check_crs() {
	local corpus=${BGW_CRS_CORPUS:-} mode=quick rc=0 rec=()
	[ "${BGW_DEEP:-0}" = 1 ] && mode=deep
	[ "${BGW_CRS_RECORD:-0}" = 1 ] && rec=(--record)
	if [ -z "$corpus" ] || [ ! -d "$corpus/tests/regression/tests" ]; then
		result crs-regression 1 "no CRS regression corpus (dev's crs_corpus could not fetch it)"; return
	fi
	python3 "$HERE/crs_regression.py" "$corpus/tests/regression/tests" "$HTTPS_PORT" \
		"$BGW_LOG_DIR/modsec_rules.log" "$HERE/crs-baseline.txt" "$OUT" "$mode" "${rec[@]}" \
		>"$OUT/crs.txt" 2>&1 || rc=1
	[ "$rc" = 0 ] || grep -v '^fixed' "$OUT/crs.txt" | head -40 >&2
	result crs-regression "$rc" "CRS $(basename "$corpus") $mode: $(tail -n 1 "$OUT/crs.txt")"
}

# BGW_SECURITY_CHECKS picks checks by name (e.g. "banned cppcheck clang_tidy" for the
# static ones, which need no stack; "arch" for the architecture rules); default all.
for c in ${BGW_SECURITY_CHECKS:-banned arch cppcheck clang_tidy hardening tls waf_benign sqlmap crs}; do
	"check_$c"
done
echo "$PASS passed, $FAIL failed"
