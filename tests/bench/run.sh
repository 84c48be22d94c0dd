#!/usr/bin/env bash
# tests/bench/run.sh: the benchmarks of ./dev bench, against the running dev stack.
#
#   ./dev bench [SCENARIO...]      (dev starts the baselines and the benchmark servers, then
#                                   runs this; never run it by hand without them)
#   run.sh --prepare               install wrk/hyperfine if missing, build the one-query
#                                   baseline (dev calls this first)
#
# Scenarios (default: all, in this order): signin kdf dashboard list page answer upload
# bigfile import bulk_answer500 reminders rss evidence_pack letters500.  Each prints one
# line per WAF mode
#
#   bench NAME rps=… p50_ms=… p99_ms=… ratio=… [base=… base_rps=… ratio_trivial=… errors=…]
#
# where ratio = rps / rps of the baseline measured just before, in the same run, through
# the same benchmark server (nginx/bench.conf.in: same TLS, headers and WAF), with the same
# request (path under a baseline prefix, same query, cookies, headers and body).  For the
# routes that use the database the baseline is the one-query responder (base=onequery); the
# trivial responder's ratio is printed beside it.  The list also gets ratio_samebody: the
# one-query responder asked to pad its answer to the list's size (baseline_pg_fcgi's
# bench_pad), which shows what is left once moving a larger body is paid by both.  The
# targets of issue 9 (PASS/MISS) are read on ratio, as the issue defines them; the list's
# ratio is the median of several baseline-then-list pairs, all printed as pair_ratios.
# Every request carries the Accept-Encoding a browser sends (wrk.lua), so the list comes
# gzip-encoded as Chromium gets it; list50_identity (WAF off, one pair) is the same list
# for a client that accepts no encoding.
#
# Environment from dev: BGW_* (export_test_env), BGW_BENCH_WAF_PORT, BGW_BENCH_NOWAF_PORT,
# BGW_BENCH_PG_BIN, BGW_PID_DIR, BGW_BENCH_WORKERS.  Knobs: BGW_BENCH_SECONDS (per wrk run,
# default 10), BGW_BENCH_CONNECTIONS (default 32), BGW_BENCH_RSS_REQUESTS (default 100000),
# BGW_BENCH_LIST_PAIRS (default 5: the list's ratio is the median of that many pairs),
# BGW_BENCH_LETTERS (default 500, smoke 20: letters in scenario_letters500's print run).
#
# Each scenario runs in a subshell of its own: one that stops (a failed seed, wrk or a
# request the harness needed) prints "bench NAME FAILED: ..." and the others still run; a
# scenario whose requests met errors prints them and its "target NAME_requests" line is a
# MISS.  The exit status is non-zero when a scenario failed or met request errors.
#
# BGW_BENCH_SMOKE=1 (./dev test's bench suite): every scenario on tiny sizes for about a
# second each, so the harness cannot rot; the figures then mean nothing and only the
# "smoke NAME ok|FAILED" lines at the end count.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
export LC_ALL=C.UTF-8

SMOKE=${BGW_BENCH_SMOKE:-0}
DURATION=${BGW_BENCH_SECONDS:-10}          # seconds of each measured wrk run
WARMUP=2                                   # seconds of an unmeasured run before each target
CONNECTIONS=${BGW_BENCH_CONNECTIONS:-32}   # the p99 target is defined at 32 connections
THREADS=2                                  # wrk threads (the machine has few cores)
SIGNIN_CONNECTIONS=4                       # scrypt: more would only queue on hashing slots
SIGNIN_TIMEOUT=30s
SIGNIN_SECONDS=$DURATION                   # scenario_signin's runs (the smoke needs longer)
WRK_TIMEOUT=10s                            # a slower answer is counted as an error
DRAIN_SECONDS=120                          # how long the pool may take to empty its queue
DASHBOARD_ROWS=10000                       # confirmations in the benchmark project
ANSWER_RATE_GUESS=1000                     # answers/s assumed before the first answer run
RSS_REQUESTS=${BGW_BENCH_RSS_REQUESTS:-100000}
RSS_FLAT_KIB=1024                          # target: worker RSS flat within ±1 MiB
UPLOAD_BYTES=$((20 * 1024 * 1024))
UPLOAD_CONNECTIONS=2
IMPORT_ROWS=10000
IMPORT_TARGET_S=5
BULK_ROWS=500                              # scenario bulk_answer500: answers in one upload
BULK_RATIO_TARGET=1                        # at most the time of the 10,000-row import
LIST_RATIO_WAF_OFF=0.6                     # targets of issue 9 item 2
LIST_RATIO_WAF_ON=0.9
P99_TARGET_MS=20
LIST_PAIRS=${BGW_BENCH_LIST_PAIRS:-5}      # baseline/application pairs behind each list ratio
# What Chromium sends (wrk.lua sends it on every request unless BENCH_ACCEPT_ENCODING says
# otherwise): answers are measured as the browser gets them.
BROWSER_ACCEPT_ENCODING="gzip, deflate, br"
export BENCH_ACCEPT_ENCODING=${BENCH_ACCEPT_ENCODING:-$BROWSER_ACCEPT_ENCODING}
# The parameters of lib/crypto/kdf.h (KDF_DEFAULT_*): N = 2^17, r = 8, p = 1, 32-byte output.
KDF_N=131072; KDF_R=8; KDF_P=1; KDF_LEN=32; KDF_MAXMEM=$((1 << 30))
KDF_RUNS=10
RSS_CHUNK_SECONDS=20                       # scenario_rss: wrk runs of this length
BIGFILE_BYTES=$((100 * 1024 * 1024))       # scenario_bigfile
JOURNEY_SCREENS_MAX=3                      # scenario_journey: mail link to receipt
BIGFILE_RSS_KIB=$((8 * 1024))
LETTERS=${BGW_BENCH_LETTERS:-500}          # scenario_letters500: letters in one print run
LETTERS_RSS_KIB=$((32 * 1024))             # target: worker peak RSS growth while printing
EVIDENCE_ROWS=1000                         # scenario_evidence_pack: answered confirmations
if [ "$SMOKE" = 1 ]; then
	DURATION=1; WARMUP=1; LIST_PAIRS=1; DASHBOARD_ROWS=200; ANSWER_RATE_GUESS=200
	# A sign-in hashes for about half a second, seconds on a loaded sanitizer build.
	SIGNIN_SECONDS=8
	RSS_REQUESTS=200; RSS_CHUNK_SECONDS=1; UPLOAD_BYTES=$((1024 * 1024))
	BIGFILE_BYTES=$((2 * 1024 * 1024)); IMPORT_ROWS=200; EVIDENCE_ROWS=20; KDF_RUNS=2; DRAIN_SECONDS=30
	BULK_ROWS=20
	export BGW_BENCH_REMINDERS=100
	LETTERS=${BGW_BENCH_LETTERS:-20}
fi

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# --- --prepare ------------------------------------------------------------------------------
prepare() {
	local missing=() p
	for p in wrk hyperfine; do command -v "$p" >/dev/null || missing+=("$p"); done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" >&2
	fi
	[ -n "${BGW_BENCH_PG_BIN:-}" ] || die "BGW_BENCH_PG_BIN is not set: run ./dev bench"
	mkdir -p "$(dirname "$BGW_BENCH_PG_BIN")"
	# shellcheck disable=SC2046
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 $(pkg-config --cflags libpq) \
		"$HERE/baseline_pg_fcgi.c" -lfcgi $(pkg-config --libs libpq) -o "$BGW_BENCH_PG_BIN"
}

if [ "${1:-}" = --prepare ]; then prepare; exit 0; fi

for v in BGW_STACK_DIR BGW_BENCH_WAF_PORT BGW_BENCH_NOWAF_PORT BGW_PID_DIR BGW_PSQL BGW_PG_HOST; do
	[ -n "${!v:-}" ] || die "$v is not set: run ./dev bench"
done
WORK="$BGW_STACK_DIR/bench"
mkdir -p "$WORK"
chmod 0700 "$WORK"
RESULTS="$WORK/results.txt"
: >"$RESULTS"
# What a scenario keeps for the targets (keep NAME VALUE), read back after its subshell.
KEPT="$WORK/kept.sh"
: >"$KEPT"

# --- Helpers ----------------------------------------------------------------------------------
port_of() { [ "$1" = on ] && echo "$BGW_BENCH_WAF_PORT" || echo "$BGW_BENCH_NOWAF_PORT"; }

sql() { "$BGW_PSQL" -X -q -At -v ON_ERROR_STOP=1 -h "$BGW_PG_HOST" -U postgres -d bgw "$@"; }

# emit LINE: print a result line and keep it for docs/performance.md.
emit() { printf '%s\n' "$*" | tee -a "$RESULTS"; }

# keep NAME VALUE: set NAME for the targets, in this shell and in the main one.
keep() { printf -v "$1" '%s' "$2"; printf '%s=%q\n' "$1" "$2" >>"$KEPT"; }

# curl_status PORT METHOD PATH [curl args...]: the status of one request (TLS verified).
curl_status() {
	local port=$1 method=$2 path=$3; shift 3
	curl -sS -o "$WORK/last-body" -w '%{http_code}' --cacert "$BGW_CA_CERT" \
		--resolve "localhost:$port:127.0.0.1" -X "$method" "$@" "https://localhost:$port$path"
}

# wrk_run PORT SECONDS CONNECTIONS [wrk args]: one wrk run with tests/bench/wrk.lua; sets
# R_RPS R_P50 R_P99 R_ERR R_REQ.  The BENCH_* environment describes the request.
wrk_run() {
	local port=$1 secs=$2 conns=$3 out; shift 3
	out=$(BENCH_THREADS=$THREADS wrk -t "$THREADS" -c "$conns" -d "${secs}s" --timeout "$WRK_TIMEOUT" "$@" \
		-s "$HERE/wrk.lua" "https://localhost:$port" 2>&1) ||
		{ printf '%s\n' "$out" >&2; die "wrk failed"; }
	local line
	line=$(printf '%s\n' "$out" | grep '^WRK ' | tail -n 1)
	[ -n "$line" ] || { printf '%s\n' "$out" >&2; die "wrk printed no summary"; }
	R_REQ=$(field requests "$line"); R_RPS=$(field rps "$line")
	R_P50=$(field p50_ms "$line"); R_P99=$(field p99_ms "$line"); R_ERR=$(field errors "$line")
}
field() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# measure PORT PREFIX CONNECTIONS [wrk args]: a warm-up run, then the measured one.
measure() {
	local port=$1 prefix=$2 conns=$3; shift 3
	BENCH_PREFIX=$prefix wrk_run "$port" "$WARMUP" "$conns" "$@" >/dev/null
	[ -n "$prefix" ] || drain
	BENCH_PREFIX=$prefix wrk_run "$port" "$DURATION" "$conns" "$@"
	[ -n "$prefix" ] || drain
}

# drain: wait until the pool answers a cheap request within a second again.  wrk's closed
# connections leave requests queued in front of a slow route; the next run must not pay
# for them.
drain() {
	local i
	for i in $(seq 1 "$DRAIN_SECONDS"); do
		if curl -sS -o /dev/null --max-time 1 --cacert "$BGW_CA_CERT" \
			--resolve "localhost:$BGW_BENCH_NOWAF_PORT:127.0.0.1" \
			"https://localhost:$BGW_BENCH_NOWAF_PORT/api/v1/session" 2>/dev/null; then
			return 0
		fi
	done
	say "the worker pool did not drain within $DRAIN_SECONDS s"
}

div() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else print "nan" }'; }

# compare NAME CONNECTIONS [wrk args]: for each WAF mode, the trivial and one-query baselines
# and the application with the request the BENCH_* environment describes; one line each.
# Keeps the numbers in RATIO_<name>_<waf>, P99_<name>_<waf> for the targets.
compare() {
	local name=$1 conns=$2 waf port t_rps q_rps s_rps extra ratio; shift 2
	for waf in ${WAF_MODES:-on off}; do
		port=$(port_of $waf)
		measure "$port" /bench/trivial "$conns" "$@"; t_rps=$R_RPS
		measure "$port" /bench/onequery "$conns" "$@"; q_rps=$R_RPS
		# The same query with an answer as large as the route's (SAME_BODY_BYTES, set by
		# the scenario): what is left of the ratio without moving a larger body.
		s_rps=""
		if [ -n "${SAME_BODY_BYTES:-}" ]; then
			BENCH_PAD=$SAME_BODY_BYTES measure "$port" /bench/onequery "$conns" "$@"
			s_rps=$R_RPS
		fi
		measure "$port" "" "$conns" "$@"
		ratio=$(div "$R_RPS" "$q_rps")
		extra=""
		[ -z "$s_rps" ] ||
			extra=" ratio_samebody=$(div "$R_RPS" "$s_rps") samebody_rps=$s_rps samebody_bytes=$SAME_BODY_BYTES"
		[ "$R_ERR" = 0 ] || extra="$extra errors=$R_ERR/$R_REQ"
		# wrk counts neither answers nor timeouts still pending when the run ends.
		[ "$R_REQ" != 0 ] || extra="$extra no_answer_within_${DURATION}s"
		# A target's ratio: the median of PAIRS baseline-then-application pairs, so that one
		# pair caught by a change in the shared machine's speed does not decide it.
		if [ "${PAIRS:-1}" -gt 1 ]; then
			pair_ratios "$port" "$conns" "$ratio" "$@"
			extra="$extra pair_ratios=$R_PAIRS"
			ratio=$R_MEDIAN
		fi
		emit "bench ${name}_waf_$waf rps=$R_RPS p50_ms=$R_P50 p99_ms=$R_P99" \
			"ratio=$ratio base=onequery base_rps=$q_rps" \
			"ratio_trivial=$(div "$R_RPS" "$t_rps") trivial_rps=$t_rps conns=$conns$extra"
		keep "RATIO_${name}_${waf}" "$ratio"
		keep "P99_${name}_${waf}" "$R_P99"
		keep "ERR_${name}_${waf}" "$R_ERR"
	done
}

# pair_ratios PORT CONNECTIONS FIRST_RATIO [wrk args]: PAIRS - 1 more pairs of the one-query
# baseline and then the application, each pair back to back; R_PAIRS lists every pair's
# ratio (FIRST_RATIO first), R_MEDIAN is their median.  Leaves R_* of compare's first
# application run alone (rps, p50, p99 and errors stay those of one ordinary run).
pair_ratios() {
	local port=$1 conns=$2 ratios=$3 i b a keep; shift 3
	keep=("$R_RPS" "$R_P50" "$R_P99" "$R_ERR" "$R_REQ")
	for ((i = 1; i < PAIRS; i++)); do
		measure "$port" /bench/onequery "$conns" "$@"; b=$R_RPS
		measure "$port" "" "$conns" "$@"; a=$R_RPS
		ratios="$ratios,$(div "$a" "$b")"
	done
	R_RPS=${keep[0]} R_P50=${keep[1]} R_P99=${keep[2]} R_ERR=${keep[3]} R_REQ=${keep[4]}
	R_PAIRS=$ratios
	R_MEDIAN=$(printf '%s\n' "${ratios//,/$'\n'}" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
		    else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
}

# --- Seed -------------------------------------------------------------------------------------
# Through the API (tests/bench/seed.mjs): a firm, a project, a client admin, one confirmation
# taken to "sent" and its respondent's account.  Bulk SQL as the superuser: copies of that
# confirmation (status sent, same respondent organisation, same items), DASHBOARD_ROWS in all.
# No audit events are written for the copies: nothing reads them in these routes, and the
# project's audit chain stays valid (events are appended, never invented).
seed() {
	say "seeding through the API (tests/bench/seed.mjs)"
	node "$HERE/seed.mjs" "$WORK/seed.json" >&2
	PID_=$(node -e 'console.log(require(process.argv[1]).project_id)' "$WORK/seed.json")
	CID=$(node -e 'console.log(require(process.argv[1]).confirmation_id)' "$WORK/seed.json")
	AUDIT_COOKIE=$(node -e 'console.log(require(process.argv[1]).audit.cookie)' "$WORK/seed.json")
	RESP_COOKIE=$(node -e 'console.log(require(process.argv[1]).respondent.cookie)' "$WORK/seed.json")
	RESP_CSRF=$(node -e 'console.log(require(process.argv[1]).respondent.csrf)' "$WORK/seed.json")
	AUDIT_CSRF=$(node -e 'console.log(require(process.argv[1]).audit.csrf)' "$WORK/seed.json")
	say "copying the confirmation to $DASHBOARD_ROWS in the project (bulk SQL as postgres)"
	copy_confirmations $((DASHBOARD_ROWS - 1)) >/dev/null
}

# copy_confirmations N: N copies of confirmation CID (sent, same items); prints "CID ITEM..."
# per copy.
copy_confirmations() {
	sql -v n="$1" -v cid="$CID" <<'EOF' | awk -F'|' '{ a[$1] = a[$1] " " $2 } END { for (c in a) print c a[c] }'
WITH ins AS (
	INSERT INTO bgw.confirmations (project_id, type, form, status, respondent_org_id,
		respondent_email, respondent_name, as_of, due_date, sent_at, created_by)
	SELECT t.project_id, t.type, t.form, 'sent', t.respondent_org_id, t.respondent_email,
		t.respondent_name, t.as_of, t.due_date, now(), t.created_by
	FROM bgw.confirmations t CROSS JOIN generate_series(1, :n) g
	WHERE t.id = :'cid'
	RETURNING id
)
INSERT INTO bgw.confirmation_items (confirmation_id, position, label, reference, currency, amount)
SELECT ins.id, i.position, i.label, i.reference, i.currency, i.amount
FROM ins CROSS JOIN bgw.confirmation_items i
WHERE i.confirmation_id = :'cid'
RETURNING confirmation_id, id;
EOF
}

# --- Scenarios ----------------------------------------------------------------------------------
scenario_signin() {
	local body="$WORK/signin.json"
	node -e 'const s = require(process.argv[1]); console.log(JSON.stringify(s.login))' \
		"$WORK/seed.json" >"$body"
	local st
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" POST /api/v1/session -H 'Content-Type: application/json' \
		--data-binary "@$body")
	[ "$st" = 200 ] || { emit "bench signin skipped: POST /api/v1/session answered $st"; return; }
	DURATION=$SIGNIN_SECONDS
	BENCH_METHOD=POST BENCH_PATHS=/api/v1/session BENCH_BODY_FILE=$body \
		BENCH_CTYPE=application/json compare signin "$SIGNIN_CONNECTIONS" --timeout "$SIGNIN_TIMEOUT"
}

# The KDF alone, as a login runs it (EVP_KDF SCRYPT with lib/crypto/kdf.h's parameters), through
# openssl(1): hyperfine's time includes starting openssl, which the next line measures.
scenario_kdf() {
	local json="$WORK/kdf.json" salt
	salt=$(openssl rand -hex 16)
	hyperfine -N -w 1 -r "$KDF_RUNS" --export-json "$json" \
		"openssl kdf -keylen $KDF_LEN -kdfopt pass:benchmark-password -kdfopt hexsalt:$salt -kdfopt n:$KDF_N -kdfopt r:$KDF_R -kdfopt p:$KDF_P -kdfopt maxmem_bytes:$KDF_MAXMEM SCRYPT" \
		"openssl kdf -keylen $KDF_LEN -kdfopt pass:benchmark-password -kdfopt hexsalt:$salt -kdfopt n:2 -kdfopt r:1 -kdfopt p:1 SCRYPT" \
		>/dev/null 2>&1 || { emit "bench kdf_scrypt skipped: hyperfine failed"; return; }
	python3 - "$json" <<'EOF' | while read -r l; do emit "$l"; done
import json, sys
r = json.load(open(sys.argv[1]))["results"]
def pct(ts, p):
    ts = sorted(ts); return ts[min(len(ts) - 1, int(round(p / 100 * (len(ts) - 1))))]
full, start = r[0], r[1]
cost = full["median"] - start["median"]
print("bench kdf_scrypt rps=%.2f p50_ms=%.1f p99_ms=%.1f ratio=n/a one_core=1 "
      "process_start_ms=%.1f kdf_alone_ms=%.1f" % (1 / full["mean"], full["median"] * 1e3,
      pct(full["times"], 99) * 1e3, start["median"] * 1e3, cost * 1e3))
EOF
}

scenario_dashboard() {
	local st
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" GET "/api/v1/projects/$PID_" -H "Cookie: $AUDIT_COOKIE")
	[ "$st" = 200 ] || { emit "bench dashboard skipped: GET /api/v1/projects/{pid} answered $st"; return; }
	BENCH_PATHS="/api/v1/projects/$PID_" BENCH_COOKIE=$AUDIT_COOKIE compare dashboard "$CONNECTIONS"
}

scenario_list() {
	local st plain_bytes gzip_bytes path="/api/v1/projects/$PID_/confirmations?per_page=50"
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" GET "$path" -H "Cookie: $AUDIT_COOKIE")
	[ "$st" = 200 ] || { emit "bench list50 skipped: GET …/confirmations answered $st"; return; }
	local n
	n=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(j.items.length + "/" + j.total)' "$WORK/last-body")
	say "the 50-row list answers $n rows (items/total)"
	plain_bytes=$(stat -c %s "$WORK/last-body")
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" GET "$path" -H "Cookie: $AUDIT_COOKIE" \
		-H "Accept-Encoding: $BROWSER_ACCEPT_ENCODING")
	[ "$st" = 200 ] || { emit "bench list50 skipped: GET …/confirmations (gzip) answered $st"; return; }
	gzip_bytes=$(stat -c %s "$WORK/last-body")
	say "its answer: $plain_bytes bytes, $gzip_bytes gzip-encoded"
	SAME_BODY_BYTES=$gzip_bytes BENCH_PATHS=$path BENCH_COOKIE=$AUDIT_COOKIE \
		PAIRS=$LIST_PAIRS compare list50 "$CONNECTIONS"
	SAME_BODY_BYTES=$plain_bytes BENCH_PATHS=$path BENCH_COOKIE=$AUDIT_COOKIE \
		BENCH_ACCEPT_ENCODING=identity WAF_MODES=off PAIRS=1 compare list50_identity "$CONNECTIONS"
}

scenario_page() {
	local st
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" GET "/api/v1/confirmations/$CID" -H "Cookie: $AUDIT_COOKIE")
	[ "$st" = 200 ] || { emit "bench confirmation skipped: GET /api/v1/confirmations/{cid} answered $st"; return; }
	BENCH_PATHS="/api/v1/confirmations/$CID" BENCH_COOKIE=$AUDIT_COOKIE compare confirmation "$CONNECTIONS"
}

# The respondent admin answers fresh confirmations (sent, never answered), one request each:
# an admin's answer is final at once (seal, audit event, status answered).  Every run of the
# application gets fresh confirmations of its own, as many as twice the rate of the run
# before could use (an answered one answered again is a 409: counted as an error, never as
# a fast success); the baselines ignore the path and get one made-up line.
scenario_answer() {
	local one st body waf port t_rps q_rps extra
	one=$(copy_confirmations 1)
	body=$(awk '{ printf "{\"items\":["; for (i = 2; i <= NF; i++) printf "%s{\"item_id\":\"%s\",\"agrees\":true}", (i > 2 ? "," : ""), $i; printf "],\"responder\":{\"name\":\"Bench Responder\",\"title\":\"Manager\"}}" }' <<<"$one")
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" POST "/api/v1/confirmations/${one%% *}/response" \
		-H "Cookie: $RESP_COOKIE" -H "X-CSRF-Token: $RESP_CSRF" \
		-H 'Content-Type: application/json' --data-binary "$body")
	[ "$st" = 201 ] || { emit "bench answer skipped: POST …/response answered $st: $(head -c 300 "$WORK/last-body")"; return 1; }
	# One line a wrk thread.
	for _ in $(seq 1 "$THREADS"); do echo "baseline-ignores-this item"; done >"$WORK/answers-baseline"
	ANSWER_RATE=$ANSWER_RATE_GUESS
	for waf in on off; do
		port=$(port_of $waf)
		answer_measure "$port" /bench/trivial; t_rps=$R_RPS
		answer_measure "$port" /bench/onequery; q_rps=$R_RPS
		answer_measure "$port" ""
		extra=""
		[ "$R_ERR" = 0 ] || extra=" errors=$R_ERR/$R_REQ"
		emit "bench answer_waf_$waf rps=$R_RPS p50_ms=$R_P50 p99_ms=$R_P99" \
			"ratio=$(div "$R_RPS" "$q_rps") base=onequery base_rps=$q_rps" \
			"ratio_trivial=$(div "$R_RPS" "$t_rps") trivial_rps=$t_rps conns=$CONNECTIONS$extra"
		keep "ERR_answer_$waf" "$R_ERR"
	done
}

# answer_measure PORT PREFIX: a warm-up and a measured run of answers.
answer_measure() {
	local port=$1 prefix=$2 secs
	for secs in "$WARMUP" "$DURATION"; do
		answer_rows "$prefix" "$secs"
		BENCH_PREFIX=$prefix BENCH_ANSWERS=$WORK/answers-run BENCH_COOKIE=$RESP_COOKIE \
			BENCH_CSRF=$RESP_CSRF wrk_run "$port" "$secs" "$CONNECTIONS"
		[ -n "$prefix" ] || ANSWER_RATE=$(awk -v r="$R_RPS" -v g="$ANSWER_RATE" \
			'BEGIN { r *= 2; print (r > g ? int(r) + 1 : g) }')
	done
}

# answer_rows PREFIX SECONDS: $WORK/answers-run, the lines one run of SECONDS may use.
answer_rows() {
	if [ -n "$1" ]; then
		cp "$WORK/answers-baseline" "$WORK/answers-run"
	else
		copy_confirmations $(($2 * ANSWER_RATE + CONNECTIONS)) >"$WORK/answers-run"
	fi
}

# A 20 MiB upload (a PDF by its magic, random bytes behind it: clamd finds nothing, and the
# type check, which judges content, accepts it) against raw clamd INSTREAM of the same
# bytes; MB/s = rps * size.
scenario_upload() {
	local file="$WORK/upload.pdf" body="$WORK/upload.multipart" boundary st
	{ printf '%%PDF-1.7\n'; head -c "$((UPLOAD_BYTES - 9))" /dev/urandom; } >"$file"
	boundary="bench$(openssl rand -hex 12)"
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="bench.pdf"\r\n' "$boundary"
		printf 'Content-Type: application/pdf\r\n\r\n'
		cat "$file"
		printf '\r\n--%s--\r\n' "$boundary"
	} >"$body"
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" POST "/api/v1/projects/$PID_/documents" \
		-H "Cookie: $AUDIT_COOKIE" -H "X-CSRF-Token: $AUDIT_CSRF" \
		-H "Content-Type: multipart/form-data; boundary=$boundary" --data-binary "@$body")
	case $st in
	404) emit "bench upload20m skipped: POST /api/v1/projects/{pid}/documents answered 404"; return ;;
	201) ;;
	*) emit "bench upload20m skipped: POST …/documents answered $st: $(head -c 300 "$WORK/last-body")"; return ;;
	esac
	local clamd_mbs
	clamd_mbs=$(python3 "$HERE/clamd_instream.py" "$BGW_CLAMD_SOCKET" "$file" 5)
	emit "bench clamd_instream20m mb_s=$clamd_mbs"
	local waf port t_rps mbs
	for waf in on off; do
		port=$(port_of $waf)
		BENCH_METHOD=POST BENCH_PATHS="/api/v1/projects/$PID_/documents" BENCH_BODY_FILE=$body \
			BENCH_CTYPE="multipart/form-data; boundary=$boundary" BENCH_COOKIE=$AUDIT_COOKIE \
			BENCH_CSRF=$AUDIT_CSRF measure "$port" /bench/trivial "$UPLOAD_CONNECTIONS" --timeout 60s
		t_rps=$R_RPS
		BENCH_METHOD=POST BENCH_PATHS="/api/v1/projects/$PID_/documents" BENCH_BODY_FILE=$body \
			BENCH_CTYPE="multipart/form-data; boundary=$boundary" BENCH_COOKIE=$AUDIT_COOKIE \
			BENCH_CSRF=$AUDIT_CSRF measure "$port" "" "$UPLOAD_CONNECTIONS" --timeout 60s
		mbs=$(awk -v r="$R_RPS" -v b="$UPLOAD_BYTES" 'BEGIN { printf "%.1f", r * b / 1048576 }')
		emit "bench upload20m_waf_$waf rps=$R_RPS p50_ms=$R_P50 p99_ms=$R_P99" \
			"ratio=$(div "$R_RPS" "$t_rps") base=trivial base_rps=$t_rps mb_s=$mbs" \
			"clamd_ratio=$(div "$mbs" "$clamd_mbs") conns=$UPLOAD_CONNECTIONS errors=$R_ERR/$R_REQ"
		keep "ERR_upload20m_$waf" "$R_ERR"
		[ $waf = off ] && keep UPLOAD_CLAMD_RATIO "$(div "$mbs" "$clamd_mbs")"
	done
}

# A 10,000-row CSV import (one item per confirmation), timed once per WAF mode with curl.
scenario_import() {
	local csv="$WORK/import.csv" st
	{
		printf 'group,type,form,respondent_organization,respondent_email,respondent_name,as_of,due_date,label,reference,currency,amount\r\n'
		awk -v n="$IMPORT_ROWS" 'BEGIN { for (i = 1; i <= n; i++)
			printf "%d,receivable,positive,Customer %d,ar%d@example.test,AR,2026-03-31,2026-04-30,Trade receivable,INV-%d,JPY,%d\r\n", i, i, i, i, 1000 + i }'
	} >"$csv"
	st=$(curl_status "$BGW_BENCH_NOWAF_PORT" POST "/api/v1/projects/$PID_/confirmations/import" \
		-H "Cookie: $AUDIT_COOKIE" -H "X-CSRF-Token: $AUDIT_CSRF" -H 'Content-Type: text/csv' \
		--data-binary @/dev/null)
	[ "$st" != 404 ] || { emit "bench import10k skipped: POST …/confirmations/import answered 404"; return; }
	local waf port t
	for waf in on off; do
		port=$(port_of $waf)
		t=$( { /usr/bin/time -f '%e' curl -sS -o "$WORK/last-body" -w '%{http_code}\n' \
			--cacert "$BGW_CA_CERT" --resolve "localhost:$port:127.0.0.1" -X POST \
			-H "Cookie: $AUDIT_COOKIE" -H "X-CSRF-Token: $AUDIT_CSRF" -H 'Content-Type: text/csv' \
			--data-binary "@$csv" "https://localhost:$port/api/v1/projects/$PID_/confirmations/import" \
			>"$WORK/import-status"; } 2>&1 | tail -n 1)
		st=$(cat "$WORK/import-status")
		emit "bench import10k_waf_$waf seconds=$t status=$st rows=$IMPORT_ROWS bytes=$(stat -c %s "$csv")" \
			"$( [ "$st" = 201 ] || head -c 200 "$WORK/last-body")"
		if [ $waf = off ]; then keep IMPORT_SECONDS "$t"; keep IMPORT_STATUS "$st"; fi
	done
}

# The first-time respondent's journey (issue 17), driven over HTTP from the request mail's
# link to the receipt by tests/bench/journey.mjs: document navigations and typed fields.
scenario_journey() {
	local out
	out=$(node "$HERE/journey.mjs" | tail -n 1)
	local screens typed secs
	screens=$(node -e 'console.log(JSON.parse(process.argv[1]).screens)' "$out")
	typed=$(node -e 'console.log(JSON.parse(process.argv[1]).typed_fields)' "$out")
	secs=$(node -e 'console.log(JSON.parse(process.argv[1]).seconds)' "$out")
	emit "bench respondent_journey screens=$screens typed_fields=$typed seconds=$secs"
	keep JOURNEY_SCREENS "$screens"
	keep JOURNEY_TYPED "$typed"
}

# A respondent desk's bulk answer (issue 17): BULK_ROWS fresh open requests of the seeded
# respondent, its sheet downloaded (GET /inbox/open.csv), each of them answered "agrees" and
# the sheet uploaded (POST /inbox/answers) once, WAF off, timed with curl; ratio = the
# upload's seconds / the 10,000-row import's of this run (scenario import, which runs
# before; without it the ratio is n/a).
scenario_bulk_answer500() {
	local filled="$WORK/bulk-filled.csv" st t port=$BGW_BENCH_NOWAF_PORT
	copy_confirmations "$BULK_ROWS" | awk '{ for (i = 2; i <= NF; i++) print $i }' >"$WORK/bulk-items"
	st=$(curl_status "$port" GET "/api/v1/inbox/open.csv?lang=en" -H "Cookie: $RESP_COOKIE")
	[ "$st" = 200 ] || { emit "bench bulk_answer500 skipped: GET /inbox/open.csv answered $st"; return 1; }
	# The fresh copies' item rows, agrees = yes.  They are written from the database: the
	# project holds DASHBOARD_ROWS open requests, more than one sheet lists.
	{
		printf '\xEF\xBB\xBFreference,item_id,label,currency,agrees,amount,note\r\n'
		sql -F, -v items="{$(paste -sd, "$WORK/bulk-items")}" <<'EOF2' | awk '{ printf "%s,,,yes,,\r\n", $0 }'
SELECT c.reference, i.id FROM bgw.confirmation_items i
JOIN bgw.confirmations c ON c.id = i.confirmation_id
WHERE i.id = ANY (:'items'::text[]) ORDER BY c.reference, i.position;
EOF2
	} >"$filled"
	t=$( { /usr/bin/time -f '%e' curl -sS -o "$WORK/last-body" -w '%{http_code}\n' \
		--cacert "$BGW_CA_CERT" --resolve "localhost:$port:127.0.0.1" -X POST \
		-H "Cookie: $RESP_COOKIE" -H "X-CSRF-Token: $RESP_CSRF" -H 'Content-Type: text/csv' \
		--data-binary "@$filled" "https://localhost:$port/api/v1/inbox/answers" \
		>"$WORK/bulk-status"; } 2>&1 | tail -n 1)
	st=$(cat "$WORK/bulk-status")
	local answered ratio=n/a
	answered=$(node -e 'try { console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).answered ?? 0) } catch { console.log(0) }' "$WORK/last-body")
	[ -z "${IMPORT_SECONDS:-}" ] || ratio=$(div "$t" "$IMPORT_SECONDS")
	emit "bench bulk_answer500 seconds=$t rows=$answered status=$st ratio=$ratio import10k_seconds=${IMPORT_SECONDS:-n/a}" \
		"$( [ "$st" = 201 ] || head -c 200 "$WORK/last-body")"
	keep BULK_SECONDS "$t"; keep BULK_STATUS "$st"; keep BULK_RATIO "$ratio"; keep BULK_ANSWERED "$answered"
	[ "$st" = 201 ] && [ "$answered" = "$BULK_ROWS" ]
}

scenario_reminders() {
	if [ ! -f "$HERE/notify_bench.sh" ]; then
		emit "bench reminders10k skipped: tests/bench/notify_bench.sh does not exist yet"
		return
	fi
	if ! bash "$HERE/notify_bench.sh" >"$WORK/notify.out" 2>"$WORK/notify.err"; then
		emit "bench reminders10k skipped: tests/bench/notify_bench.sh failed: $(tail -n 1 "$WORK/notify.err")"
		return
	fi
	# Its own errors on stderr mean its figure cannot be trusted, even when it printed one.
	if grep -qE 'ERROR|expression expected' "$WORK/notify.err"; then
		emit "bench reminders10k invalid: tests/bench/notify_bench.sh reported: $(grep -m1 -E 'ERROR|expression expected' "$WORK/notify.err")"
	fi
	while read -r l; do emit "$l"; done <"$WORK/notify.out"
}

# Worker RSS: VmRSS of every bgw-fcgi worker after a warm-up, and again after RSS_REQUESTS
# more requests (WAF off): a confirmation page, the project list, the session, and the
# inbox, in turn.  The dashboard and the list of the 10,000-row project are left out while
# they take seconds each (see docs/performance.md): 100,000 of them would take hours.
# wrk runs for a fixed time (a thread that stops early still waits for the whole -d), so
# the requests are made in RSS_CHUNK_SECONDS runs until enough have been answered.
scenario_rss() {
	local master before after paths total=0 errors=0 secs=0
	master=$(cat "$BGW_PID_DIR/bgw-fcgi.pid")
	# The list too: its kept pages (lib/http/pagecache.c) are the one thing a worker holds on to.
	paths="/api/v1/confirmations/$CID /api/v1/projects /api/v1/session /api/v1/inbox?per_page=50"
	paths="$paths /api/v1/projects/$PID_/confirmations?per_page=50"
	BENCH_PATHS=$paths BENCH_COOKIE=$AUDIT_COOKIE \
		wrk_run "$BGW_BENCH_NOWAF_PORT" "$RSS_CHUNK_SECONDS" "$CONNECTIONS"
	before=$(worker_rss "$master")
	say "worker RSS after $R_REQ warm-up requests: $before"
	while [ "$total" -lt "$RSS_REQUESTS" ]; do
		BENCH_PATHS=$paths BENCH_COOKIE=$AUDIT_COOKIE \
			wrk_run "$BGW_BENCH_NOWAF_PORT" "$RSS_CHUNK_SECONDS" "$CONNECTIONS"
		total=$((total + R_REQ)); errors=$((errors + R_ERR)); secs=$((secs + RSS_CHUNK_SECONDS))
		say "$total requests, worker RSS $(worker_rss "$master")"
	done
	after=$(worker_rss "$master")
	local verdict
	verdict=$(python3 - "$before" "$after" "$RSS_FLAT_KIB" <<'EOF'
import sys
b = dict(x.split(":") for x in sys.argv[1].split())
a = dict(x.split(":") for x in sys.argv[2].split())
lim = int(sys.argv[3])
same = sorted(set(a) & set(b))
deltas = [int(a[p]) - int(b[p]) for p in same]
worst = max(deltas, key=abs) if deltas else 0
restarted = len(set(b) - set(a))
ok = bool(same) and restarted == 0 and abs(worst) <= lim
print("%s %d %d" % ("PASS" if ok else "MISS", worst, restarted))
EOF
)
	local rest=${verdict#* }
	keep RSS_VERDICT "${verdict%% *}"
	keep RSS_WORST_KIB "${rest%% *}"
	keep RSS_RESTARTED "${rest##* }"
	emit "bench worker_rss requests=$total rps=$(div "$total" "$secs") ratio=n/a" \
		"before_kib=[$before] after_kib=[$after] worst_delta_kib=$RSS_WORST_KIB" \
		"workers_replaced=$RSS_RESTARTED errors=$errors"
}

# worker_rss MASTER: "pid:VmRSS_kB" for each child of the pool's master.
worker_rss() {
	local p out=""
	for p in $(pgrep -P "$1" | sort -n); do
		out="$out $p:$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")"
	done
	echo "${out# }"
}

# Issue 5: a 100 MiB upload and its download keep every worker's peak RSS within
# BIGFILE_RSS_KIB of its idle RSS.  The kernel's peak (VmHWM) is reset first through
# /proc/PID/clear_refs, so the figure is this upload's and download's, not an earlier
# request's.  WAF off: ModSecurity buffers bodies in nginx, which is not the worker.  This
# runs on the dev build (-O2): ASan's quarantine keeps freed memory and would hide the
# answer.
scenario_bigfile() {
	local file="$WORK/bigfile.bin" body="$WORK/bigfile.multipart" boundary st master p
	local idle="" id got sha want t_up t_down
	master=$(cat "$BGW_PID_DIR/bgw-fcgi.pid")
	# A PDF by its magic (types are judged by content) with random bytes behind it.
	{ printf '%%PDF-1.7\n'; head -c "$((BIGFILE_BYTES - 9))" /dev/urandom; } >"$file"
	want=$(sha256sum "$file" | cut -d' ' -f1)
	boundary="bench$(openssl rand -hex 12)"
	{
		printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n' "$boundary"
		printf 'Content-Type: application/pdf\r\n\r\n'
		cat "$file"
		printf '\r\n--%s--\r\n' "$boundary"
	} >"$body"
	for p in $(pgrep -P "$master" | sort -n); do
		idle="$idle $p:$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")"
		echo 5 >"/proc/$p/clear_refs"
	done
	t_up=$( { /usr/bin/time -f '%e' curl -sS -o "$WORK/last-body" -w '%{http_code}\n' \
		--cacert "$BGW_CA_CERT" --resolve "localhost:$BGW_BENCH_NOWAF_PORT:127.0.0.1" -X POST \
		-H "Cookie: $AUDIT_COOKIE" -H "X-CSRF-Token: $AUDIT_CSRF" \
		-H "Content-Type: multipart/form-data; boundary=$boundary" --data-binary "@$body" \
		"https://localhost:$BGW_BENCH_NOWAF_PORT/api/v1/projects/$PID_/documents" \
		>"$WORK/bigfile-status"; } 2>&1 | tail -n 1)
	st=$(cat "$WORK/bigfile-status")
	[ "$st" = 201 ] || { emit "bench bigfile100m skipped: upload answered $st: $(head -c 300 "$WORK/last-body")"; return; }
	id=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log((j.document || j).id)' "$WORK/last-body")
	t_down=$( { /usr/bin/time -f '%e' curl -sS -o "$WORK/bigfile.down" -w '%{http_code}\n' \
		--cacert "$BGW_CA_CERT" --resolve "localhost:$BGW_BENCH_NOWAF_PORT:127.0.0.1" \
		-H "Cookie: $AUDIT_COOKIE" "https://localhost:$BGW_BENCH_NOWAF_PORT/api/v1/documents/$id" \
		>"$WORK/bigfile-status"; } 2>&1 | tail -n 1)
	got=$(cat "$WORK/bigfile-status")
	sha=$(sha256sum "$WORK/bigfile.down" | cut -d' ' -f1)
	rm -f "$WORK/bigfile.down" "$body"
	local peaks="" worst=0 d
	for p in $(pgrep -P "$master" | sort -n); do
		d=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")
		peaks="$peaks $p:$d"
		for x in $idle; do
			[ "${x%%:*}" = "$p" ] && d=$((d - ${x#*:})) && [ "$d" -gt "$worst" ] && worst=$d
		done
	done
	keep BIGFILE_WORST_KIB "$worst"
	keep BIGFILE_OK "$([ "$got" = 200 ] && [ "$sha" = "$want" ] && echo yes || echo no)"
	emit "bench bigfile100m upload_s=$t_up download_s=$t_down download_status=$got" \
		"same_bytes=$BIGFILE_OK idle_kib=[${idle# }] peak_kib=[${peaks# }] worst_growth_kib=$worst ratio=n/a"
}

# Issue 18: one POST /projects/{pid}/letters.pdf of LETTERS request letters (a print run of
# the project's sent confirmations; one respondent organisation, so one code is issued).
# The worker's peak RSS (VmHWM, reset first as in scenario_bigfile) must stay within
# LETTERS_RSS_KIB of its idle RSS: the PDF streams page by page (lib/pdf/pdf.h).
scenario_letters500() {
	local master ids body="$WORK/letters.json" out="$WORK/letters.pdf" idle="" p t st pages
	master=$(cat "$BGW_PID_DIR/bgw-fcgi.pid")
	# A project smaller than the print run (the smoke's) gets copies up to LETTERS.
	local have
	have=$(sql -v pid="$PID_" <<'EOF'
SELECT count(*) FROM bgw.confirmations WHERE project_id = :'pid' AND sent_at IS NOT NULL;
EOF
)
	[ "$have" -ge "$LETTERS" ] || copy_confirmations $((LETTERS - have)) >/dev/null
	# (psql interpolates :variables only in its input, not in -c.)
	ids=$(sql -v pid="$PID_" -v n="$LETTERS" <<'EOF'
SELECT id FROM bgw.confirmations WHERE project_id = :'pid' AND sent_at IS NOT NULL ORDER BY id LIMIT :n;
EOF
)
	# Ids are [A-Za-z0-9_-] (and may start with "-", which a command line would take for an
	# option): written into the JSON as they are.
	printf '%s\n' $ids | awk 'BEGIN { printf "{\"ids\":[" }
		{ printf "%s\"%s\"", (NR > 1 ? "," : ""), $0 } END { print "]}" }' >"$body"
	for p in $(pgrep -P "$master" | sort -n); do
		idle="$idle $p:$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")"
		echo 5 >"/proc/$p/clear_refs"
	done
	t=$( { /usr/bin/time -f '%e' curl -sS -o "$out" -w '%{http_code}\n' --max-time 600 \
		--cacert "$BGW_CA_CERT" --resolve "localhost:$BGW_BENCH_NOWAF_PORT:127.0.0.1" -X POST \
		-H "Cookie: $AUDIT_COOKIE" -H "X-CSRF-Token: $AUDIT_CSRF" \
		-H 'Content-Type: application/json' --data-binary "@$body" \
		"https://localhost:$BGW_BENCH_NOWAF_PORT/api/v1/projects/$PID_/letters.pdf" \
		>"$WORK/letters-status"; } 2>&1 | tail -n 1)
	st=$(cat "$WORK/letters-status")
	[ "$st" = 200 ] || { emit "bench letters500 skipped: POST letters.pdf answered $st: $(head -c 300 "$out")"; return; }
	pages=$(pdfinfo "$out" 2>/dev/null | awk '/^Pages:/ { print $2 }')
	local worst=0 d x
	for p in $(pgrep -P "$master" | sort -n); do
		d=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status")
		for x in $idle; do
			[ "${x%%:*}" = "$p" ] && d=$((d - ${x#*:})) && [ "$d" -gt "$worst" ] && worst=$d
		done
	done
	rm -f "$out"
	keep LETTERS_WORST_KIB "$worst"
	keep LETTERS_OK "$([ "${pages:-0}" -ge "$LETTERS" ] && echo yes || echo no)"
	emit "bench letters500 pages_s=$(div "${pages:-0}" "$t") rss_growth_kib=$worst letters=$LETTERS" \
		"pages=${pages:-0} seconds=$t ratio=n/a"
}

# The evidence pack (issue 18) of a project of EVIDENCE_ROWS answered confirmations: a new
# project beside the seed's (same members), copies of the seed's confirmation each with a
# final sealed answer agreeing with every item (bulk SQL as the superuser, as seed's
# copies), its pack downloaded once through the WAF-off server and timed; mb_s is the
# pack's size over that time.  The pack must pass bgw-admin evidence-verify.
scenario_evidence_pack() {
	local pid st t bytes verified
	pid=$(sql -v n="$EVIDENCE_ROWS" -v pid="$PID_" -v cid="$CID" <<'EOF' | head -n 1
WITH p AS (
	INSERT INTO bgw.projects (name, client_name, client_org_id, audit_firm_id, period_end,
		first_access_code_hash, created_by)
	SELECT 'evidence bench', client_name, client_org_id, audit_firm_id, period_end,
		first_access_code_hash, created_by FROM bgw.projects WHERE id = :'pid'
	RETURNING id
), m AS (
	INSERT INTO bgw.memberships (project_id, user_id, side, admin, organization_id,
		code_verified_at, created_by)
	SELECT p.id, x.user_id, x.side, x.admin, x.organization_id, x.code_verified_at, x.created_by
	FROM bgw.memberships x CROSS JOIN p WHERE x.project_id = :'pid'
	RETURNING 1
), c AS (
	INSERT INTO bgw.confirmations (project_id, type, form, status, respondent_org_id,
		respondent_email, respondent_name, as_of, due_date, sent_at, answered_at, created_by)
	SELECT p.id, t.type, t.form, 'answered', t.respondent_org_id, t.respondent_email,
		t.respondent_name, t.as_of, t.due_date, now(), now(), t.created_by
	FROM bgw.confirmations t CROSS JOIN p CROSS JOIN generate_series(1, :n) g
	WHERE t.id = :'cid'
	RETURNING id
), i AS (
	INSERT INTO bgw.confirmation_items (confirmation_id, position, label, reference, currency, amount)
	SELECT c.id, x.position, x.label, x.reference, x.currency, x.amount
	FROM c CROSS JOIN bgw.confirmation_items x WHERE x.confirmation_id = :'cid'
	RETURNING confirmation_id, id
), r AS (
	INSERT INTO bgw.responses (confirmation_id, version, responder_name, responder_title)
	SELECT c.id, 1, '銀行 花子', '課長' FROM c
	RETURNING id, confirmation_id
), ri AS (
	INSERT INTO bgw.response_items (response_id, item_id, agrees)
	SELECT r.id, i.id, true FROM r JOIN i ON i.confirmation_id = r.confirmation_id
	RETURNING 1
)
SELECT id AS newpid FROM p \gset
-- Sealed after its items, as the application does (a final answer's items are frozen).
UPDATE bgw.responses r SET final = true,
	seal = decode(md5(r.id) || md5(r.id || 'seal'), 'hex')
FROM bgw.confirmations c WHERE c.id = r.confirmation_id AND c.project_id = :'newpid';
SELECT :'newpid';
EOF
)
	[ -n "$pid" ] || { emit "bench evidence_pack FAILED: no project seeded"; return 1; }
	t=$( { /usr/bin/time -f '%e' curl -sS -o "$WORK/evidence.zip" -w '%{http_code}\n' \
		--cacert "$BGW_CA_CERT" --resolve "localhost:$BGW_BENCH_NOWAF_PORT:127.0.0.1" \
		-H "Cookie: $AUDIT_COOKIE" \
		"https://localhost:$BGW_BENCH_NOWAF_PORT/api/v1/projects/$pid/evidence.zip" \
		>"$WORK/evidence-status"; } 2>&1 | tail -n 1)
	st=$(cat "$WORK/evidence-status")
	bytes=$(stat -c %s "$WORK/evidence.zip")
	verified=no
	[ "$st" != 200 ] || ! "$BGW_ADMIN" evidence-verify "$WORK/evidence.zip" >"$WORK/evidence-verify.log" 2>&1 ||
		verified=yes
	emit "bench evidence_pack seconds=$t mb_s=$(div "$(awk -v b="$bytes" 'BEGIN { print b / 1048576 }')" "$t") status=$st bytes=$bytes confirmations=$EVIDENCE_ROWS verified=$verified$([ "$verified" = yes ] || echo ' errors=1')"
}

# --- Targets -------------------------------------------------------------------------------------
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {
	if (a == "" || a == "nan" || a + 0 == 0) { print "MISS"; exit }
	ok = (op == ">=") ? (a + 0 >= b + 0) : (a + 0 < b + 0); print ok ? "PASS" : "MISS" }'; }

targets() {
	if [ -z "${RATIO_list50_off:-}" ]; then
		emit "target list50 (ratios, p99): not run (scenario list)"
	else
		list_targets
	fi
	rest_targets
}

list_targets() {
	emit "target list50_ratio_waf_off >= $LIST_RATIO_WAF_OFF of onequery: ${RATIO_list50_off:-n/a} $(verdict "${RATIO_list50_off:-}" '>=' $LIST_RATIO_WAF_OFF)"
	emit "target list50_ratio_waf_on >= $LIST_RATIO_WAF_ON of onequery: ${RATIO_list50_on:-n/a} $(verdict "${RATIO_list50_on:-}" '>=' $LIST_RATIO_WAF_ON)"
	local p99v=MISS
	# A run with errors (timeouts) or no answer at all has no honest p99.
	[ "${ERR_list50_off:-1}" != 0 ] || [ "$(verdict "${RATIO_list50_off:-0}" '>=' 0)" = MISS ] ||
		p99v=$(verdict "${P99_list50_off:-}" '<' $P99_TARGET_MS)
	emit "target list50_p99_waf_off < $P99_TARGET_MS ms at $CONNECTIONS conns: ${P99_list50_off:-n/a} errors ${ERR_list50_off:-n/a} $p99v"
}

rest_targets() {
	if [ -n "${RSS_VERDICT:-}" ]; then
		emit "target worker_rss flat ±$RSS_FLAT_KIB KiB over $RSS_REQUESTS requests: worst ${RSS_WORST_KIB} KiB $RSS_VERDICT"
	fi
	if [ -n "${UPLOAD_CLAMD_RATIO:-}" ]; then
		emit "target upload20m >= 0.5 of clamd INSTREAM (WAF off): $UPLOAD_CLAMD_RATIO $(verdict "$UPLOAD_CLAMD_RATIO" '>=' 0.5)"
	fi
	if [ -n "${BIGFILE_WORST_KIB:-}" ]; then
		local bv=MISS
		[ "$BIGFILE_OK" = yes ] && [ "$BIGFILE_WORST_KIB" -le "$BIGFILE_RSS_KIB" ] && bv=PASS
		emit "target bigfile100m worker peak RSS within $BIGFILE_RSS_KIB KiB of idle (WAF off): ${BIGFILE_WORST_KIB} KiB, bytes identical $BIGFILE_OK $bv"
	fi
	if [ -n "${LETTERS_WORST_KIB:-}" ]; then
		local lv=MISS
		[ "$LETTERS_OK" = yes ] && [ "$LETTERS_WORST_KIB" -lt "$LETTERS_RSS_KIB" ] && lv=PASS
		emit "target letters500 worker peak RSS growth < $LETTERS_RSS_KIB KiB while printing $LETTERS letters (WAF off): ${LETTERS_WORST_KIB} KiB, every page $LETTERS_OK $lv"
	fi
	if [ -n "${JOURNEY_SCREENS:-}" ]; then
		local jv=MISS
		[ "$JOURNEY_SCREENS" -gt 0 ] && [ "$JOURNEY_SCREENS" -le "$JOURNEY_SCREENS_MAX" ] && jv=PASS
		emit "target respondent_journey screens <= $JOURNEY_SCREENS_MAX (mail link to receipt): $JOURNEY_SCREENS screens, $JOURNEY_TYPED typed fields $jv"
	fi
	if [ -n "${IMPORT_SECONDS:-}" ]; then
		local v=MISS
		[ "$IMPORT_STATUS" = 201 ] && v=$(verdict "$IMPORT_SECONDS" '<' $IMPORT_TARGET_S)
		emit "target import10k < $IMPORT_TARGET_S s (WAF off): ${IMPORT_SECONDS}s status $IMPORT_STATUS $v"
	fi
	if [ -n "${BULK_SECONDS:-}" ]; then
		local bulkv=MISS
		[ "$BULK_STATUS" = 201 ] && [ "$BULK_ANSWERED" = "$BULK_ROWS" ] &&
			bulkv=$(awk -v r="$BULK_RATIO" -v t="$BULK_RATIO_TARGET" \
				'BEGIN { print (r != "n/a" && r + 0 > 0 && r + 0 <= t + 0) ? "PASS" : "MISS" }')
		emit "target bulk_answer500 ratio <= $BULK_RATIO_TARGET of import10k (WAF off): ${BULK_SECONDS}s / ${IMPORT_SECONDS:-n/a}s = $BULK_RATIO rows $BULK_ANSWERED $bulkv"
	fi
}

# --- Main ----------------------------------------------------------------------------------------
ALL=(signin kdf dashboard list page answer upload bigfile import bulk_answer500 reminders rss
	evidence_pack letters500 journey)
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=("${ALL[@]}")
for s in "${SCENARIOS[@]}"; do
	case " ${ALL[*]} " in *" $s "*) ;; *) die "unknown scenario $s (one of: ${ALL[*]})" ;; esac
done

emit "# ./dev bench $(date -u +%Y-%m-%dT%H:%M:%SZ): ${DURATION}s per run, $CONNECTIONS connections, wrk -t $THREADS, load average $(cut -d' ' -f1-3 /proc/loadavg)$([ "$SMOKE" = 1 ] && echo ', SMOKE: sizes too small for figures')"
seed
# SCENARIO_LINES[name]: the result lines it printed; FAILED: those that stopped.
declare -A SCENARIO_LINES=()
FAILED=()
for s in "${SCENARIOS[@]}"; do
	say "scenario $s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	before=$(wc -l <"$RESULTS")
	set +e
	( set -e; "scenario_$s" )
	rc=$?
	set -e
	[ $rc = 0 ] || { emit "bench $s FAILED: the scenario stopped with status $rc (its output is above)"; FAILED+=("$s"); }
	# shellcheck disable=SC1090
	. "$KEPT"
	SCENARIO_LINES[$s]=$(tail -n +"$((before + 1))" "$RESULTS")
done
targets
emit "# done $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
say "results kept in ${RESULTS#"$ROOT"/}"
# A scenario is whole when it ran to its end, printed a line, and met no request error, no
# skip and no request left unanswered.
status=0
for s in "${SCENARIOS[@]}"; do
	lines=${SCENARIO_LINES[$s]}
	why=""
	case " ${FAILED[*]} " in *" $s "*) why="stopped" ;; esac
	[ -n "$why" ] || [ -n "$lines" ] || why="printed no result"
	[ -n "$why" ] || ! grep -qE 'skipped|invalid|no_answer' <<<"$lines" || why="skipped a part"
	[ -n "$why" ] || ! grep -qE 'errors=[1-9]' <<<"$lines" || why="met request errors"
	if [ "$SMOKE" = 1 ]; then
		echo "smoke $s ${why:-ok}"
	else
		emit "target ${s}_requests ran whole without request errors: ${why:-yes} $([ -z "$why" ] && echo PASS || echo MISS)"
	fi
	[ -z "$why" ] || status=1
done
exit $status
