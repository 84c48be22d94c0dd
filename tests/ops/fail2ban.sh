#!/usr/bin/env bash
# fail2ban.sh - the IPS: the shipped fail2ban filter (docs/deploy/fail2ban/filter.d) against
# access-log lines recorded from a test stack's nginx (fail2ban-regex, one case a line:
# what must count as a failure for which address, what must not, and forgeries through the
# path and the user agent), the shipped jail through `fail2ban-client -t`, and then a real
# ban in the running test stack: a fail2ban server of this test (own socket, database in
# memory, nftables table of its own) reads the stack's access log, WAF denials from one
# loopback address get that address rejected on the stack's ports while another address
# still gets through, and the table is deleted at the end.  Without nftables in this
# namespace the ban is skipped (said so).  Run by tests/ops/run.sh with the stack's
# environment (BGW_STACK_DIR, BGW_BASE_URL, BGW_PORT_BASE); prints "N passed, N failed" last.
set -uo pipefail

: "${BGW_STACK_DIR:?run by tests/ops/run.sh}"
SRC=${BGW_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
F2B_SRC=$SRC/docs/deploy/fail2ban
FILTER=$F2B_SRC/filter.d/balance-gateway.conf
W=$BGW_STACK_DIR/fail2ban
ACCESS_LOG=$BGW_STACK_DIR/log/nginx_access.log
HTTPS_PORT=${BGW_PORT_BASE:-$(sed -n 's|.*://localhost:\([0-9]*\).*|\1|p' <<<"${BGW_BASE_URL:-}")}
NFT_TABLE=f2b-bgw-test-$HTTPS_PORT
# The attacker and a bystander: addresses no integration test uses (the harness takes
# random 127.x.y.z below 127.250).
ATTACKER=127.250.0.7
BYSTANDER=127.250.0.8

# shellcheck source=tests/ops/tap.sh
. "$SRC/tests/ops/tap.sh"

rm -rf "$W"
mkdir -p "$W"
if ! command -v fail2ban-regex >/dev/null; then
	bad "fail2ban is not installed (Debian package fail2ban; ./dev installs it)"
	finish
fi

# ---- the filter on recorded lines ------------------------------------------------------
# Each case: the address the line must count against ("-": no failure), what it is, and
# the line as the test stack's nginx wrote it (format bgw_json of the site's snippets).
CASES=$(cat <<'EOF'
127.114.182.124	WAF denial on /api/ (nginx's own 403, no upstream)	{"time":"2026-12-07T19:07:53+00:00","request_id":"bf15b7506c28fd6d5ee11bebb75fb5e5","remote":"127.114.182.124","method":"GET","path":"/api/v1/projects","status":403,"bytes":99,"duration":0.000,"upstream_time":"","tls":"TLSv1.3","user_agent":""}
127.114.182.124	WAF denial on a page	{"time":"2026-12-07T19:07:53+00:00","request_id":"5711b9905accc1108e5c21123bf5133d","remote":"127.114.182.124","method":"GET","path":"/","status":403,"bytes":146,"duration":0.000,"upstream_time":"","tls":"TLSv1.3","user_agent":""}
127.10.138.226	failed API sign-in	{"time":"2026-12-07T19:06:32+00:00","request_id":"1e13ff7095672a3d98a40ebe3ea7d3f0","remote":"127.10.138.226","method":"POST","path":"/api/v1/session","status":401,"bytes":80,"duration":1.947,"upstream_time":"1.930","tls":"TLSv1.3","user_agent":""}
127.90.167.88	failed sign-in form	{"time":"2026-12-07T19:07:16+00:00","request_id":"1652fa204f23bf6d22f9ff12d3f70ba2","remote":"127.90.167.88","method":"POST","path":"/login","status":401,"bytes":1894,"duration":0.091,"upstream_time":"0.069","tls":"TLSv1.3","user_agent":""}
127.106.73.28	429 on the sign-in route	{"time":"2026-12-07T19:06:41+00:00","request_id":"b1c6756d118b65f3e29bd2146ceeec85","remote":"127.106.73.28","method":"POST","path":"/api/v1/session","status":429,"bytes":80,"duration":0.033,"upstream_time":"0.019","tls":"TLSv1.3","user_agent":""}
127.49.164.138	429 of nginx's limit_req (invitation token)	{"time":"2026-12-07T19:07:52+00:00","request_id":"1df4c85312bf4bc52b033a85f768175b","remote":"127.49.164.138","method":"POST","path":"/invitations/[redacted]","status":429,"bytes":633,"duration":0.000,"upstream_time":"","tls":"TLSv1.3","user_agent":""}
::1	an IPv6 client	{"time":"2026-12-07T19:07:53+00:00","request_id":"bf15b7506c28fd6d5ee11bebb75fb5e6","remote":"::1","method":"GET","path":"/api/v1/projects","status":403,"bytes":99,"duration":0.000,"upstream_time":"","tls":"TLSv1.3","user_agent":""}
-	the application's own 403 (a policy answer, not the WAF)	{"time":"2026-12-07T19:04:36+00:00","request_id":"e00dd9e20c5b1a9d9b336be55408526b","remote":"127.85.25.14","method":"POST","path":"/api/v1/projects","status":403,"bytes":62,"duration":0.035,"upstream_time":"0.007","tls":"TLSv1.3","user_agent":""}
-	401 of a GET without a session (not a sign-in)	{"time":"2026-12-07T19:04:30+00:00","request_id":"fba121bd367af275b6edc00d2ca678eb","remote":"127.118.177.191","method":"GET","path":"/api/v1/session","status":401,"bytes":62,"duration":0.011,"upstream_time":"0.011","tls":"TLSv1.3","user_agent":""}
-	a success	{"time":"2026-12-07T19:03:58+00:00","request_id":"cc5ccf1ad045f2f7082188831f158201","remote":"127.0.0.1","method":"GET","path":"/healthz","status":200,"bytes":26,"duration":0.006,"upstream_time":"0.006","tls":"TLSv1.3","user_agent":"curl/7.88.1"}
-	an operator route hidden from a stranger (404)	{"time":"2026-12-07T19:07:54+00:00","request_id":"ad00d1aa80924f2728c488e681fd5c3f","remote":"127.220.204.61","method":"GET","path":"/api/v1/operator/users","status":404,"bytes":53,"duration":0.000,"upstream_time":"","tls":"TLSv1.3","user_agent":"bgw-test-722da9f0c04496d5"}
-	a user agent forging a failed sign-in of 10.6.6.6	{"time":"2026-12-07T19:08:18+00:00","request_id":"04d6d865f755d3abb9753bfbb49c0d5d","remote":"127.0.0.1","method":"GET","path":"/healthz","status":200,"bytes":26,"duration":0.043,"upstream_time":"0.043","tls":"TLSv1.3","user_agent":"x\",\"remote\":\"10.6.6.6\",\"method\":\"POST\",\"path\":\"/login\",\"status\":401,\"bytes\":1"}
-	a path forging a 429	{"time":"2026-12-07T19:08:19+00:00","request_id":"e11cd23f73601b4b732a0af8b2f27f9f","remote":"127.0.0.1","method":"GET","path":"/a\",\"status\":429,","status":404,"bytes":1314,"duration":0.011,"upstream_time":"0.012","tls":"TLSv1.3","user_agent":"curl/7.88.1"}
EOF
)
n=0
while IFS=$'\t' read -r want what line; do
	n=$((n + 1))
	printf '%s\n' "$line" >"$W/case$n.log"
	out=$(fail2ban-regex "$W/case$n.log" "$FILTER" 2>&1)
	got=$(sed -n 's/^Lines: [0-9]* lines, [0-9]* ignored, \([0-9]*\) matched.*/\1/p' <<<"$out")
	if [ "$want" = - ]; then
		check "filter: $what: no failure" test "$got" = 0
	else
		# -v lists each failure with the address fail2ban took from it.
		check "filter: $what: one failure, of $want" sh -c '[ "$1" = 1 ] &&
			fail2ban-regex -v "$2" "$3" 2>/dev/null | grep -qE "^\|\s+$4\s+\S"' _ \
			"$got" "$W/case$n.log" "$FILTER" "$(sed 's/\./\\./g' <<<"$want")"
	fi
done <<<"$CASES"
# The whole set at once, as fail2ban reads a file: the date pattern finds every line's time.
printf '%s\n' "$CASES" | cut -f3 >"$W/all.log"
out=$(fail2ban-regex "$W/all.log" "$FILTER" 2>&1)
check "filter: the recorded log: 7 failures, every line's date found" bash -c \
	"grep -q '^Lines: 13 lines, 0 ignored, 7 matched, 6 missed' <<<\"\$1\" &&
	 ! grep -qi 'no date\\|date.*not found' <<<\"\$1\"" _ "$out"

# ---- the jail: fail2ban's own configuration test, with the shipped files ------------------
# A copy of Debian's /etc/fail2ban with the jail and filter as the package installs them;
# the jail's log path is the only change (this stack's access log).
cp -a /etc/fail2ban "$W/etc"
rm -f "$W/etc/jail.d/"*.conf "$W/etc/jail.d/"*.local
cp "$F2B_SRC/jail.d/balance-gateway.conf" "$W/etc/jail.d/"
cp "$FILTER" "$W/etc/filter.d/"
printf '[balance-gateway]\nlogpath = %s\n' "$ACCESS_LOG" >"$W/etc/jail.d/balance-gateway.local"
out=$(fail2ban-client -c "$W/etc" -t 2>&1)
check "jail: fail2ban-client -t accepts the shipped jail and filter" \
	grep -q 'configuration test is successful' <<<"$out"
out=$(fail2ban-client -c "$W/etc" -d 2>&1)
check "jail: enabled, reading the access log, maxretry 20 in 10 minutes, banned for an hour" \
	bash -c 'grep -q "add.*balance-gateway.*auto" <<<"$1" &&
		grep -q "set.*balance-gateway.*addlogpath.*nginx_access.log" <<<"$1" &&
		grep -q "set.*balance-gateway.*maxretry.*20" <<<"$1" &&
		grep -q "set.*balance-gateway.*findtime.*10m" <<<"$1" &&
		grep -q "set.*balance-gateway.*bantime.*1h" <<<"$1"' _ "$out"

# ---- a real ban in the test stack -------------------------------------------------------
# This test's own fail2ban server (socket, pid file, database in memory, log), the shipped
# jail with a lower threshold (5 in a minute: only lines written from now count) and its
# nftables action on the stack's two ports in a table of its own, deleted at the end.
code() { # code SOURCE-ADDRESS PATH: the HTTP status curl got from the stack, 000 if refused
	curl -s -k -o /dev/null -w '%{http_code}' --max-time 5 --interface "$1" \
		-H 'Host: localhost' "https://localhost:$HTTPS_PORT$2" 2>/dev/null
}
f2b_stop() {
	[ -S "$W/f2b.sock" ] && fail2ban-client -c "$W/etc" stop >/dev/null 2>&1
	nft delete table inet "$NFT_TABLE" 2>/dev/null
	return 0
}
if [ -z "$HTTPS_PORT" ] || [ ! -f "$ACCESS_LOG" ]; then
	skip "real ban: no test stack (BGW_PORT_BASE, $ACCESS_LOG)"
elif ! nft list tables >/dev/null 2>&1; then
	skip "real ban: nftables does not work in this machine's namespace (the filter tests above stand alone)"
else
	trap f2b_stop EXIT
	cat >"$W/etc/fail2ban.local" <<CONF
[Definition]
logtarget = $W/fail2ban.log
socket = $W/f2b.sock
pidfile = $W/f2b.pid
dbfile = :memory:
CONF
	cat >"$W/etc/jail.d/balance-gateway.local" <<CONF
[balance-gateway]
logpath = $ACCESS_LOG
maxretry = 5
findtime = 60
bantime = 600
ignoreip =
action = nftables-multiport[name=bgw, port="$HTTPS_PORT,$((HTTPS_PORT + 1))", protocol=tcp, table=$NFT_TABLE, blocktype=reject]
CONF
	check "real ban: the attacker's address gets through before (200)" test "$(code "$ATTACKER" /healthz)" = 200
	if fail2ban-client -c "$W/etc" start >"$W/start.log" 2>&1; then
		ok "real ban: fail2ban started with the shipped jail on the stack's access log"
		sleep 2
		# CRS denies a script tag in the query string: six WAF denials (403) in a row.
		for i in 1 2 3 4 5 6; do codes+="$(code "$ATTACKER" "/?q=%3Cscript%3Ealert($i)%3C/script%3E") "; done
		check "real ban: the probes were WAF denials ($codes)" grep -q '403 403 403 403 403' <<<"$codes"
		banned=0
		for i in $(seq 1 40); do
			fail2ban-client -c "$W/etc" status balance-gateway 2>/dev/null | grep -q "$ATTACKER" && { banned=1; break; }
			sleep 0.5
		done
		check "real ban: fail2ban banned $ATTACKER (jail status)" test $banned = 1
		check "real ban: the attacker's address is refused on the stack's HTTPS port" \
			test "$(code "$ATTACKER" /healthz)" = 000
		check "real ban: another address still gets through (200)" test "$(code "$BYSTANDER" /healthz)" = 200
		check "real ban: the rule is in nftables (table $NFT_TABLE)" \
			bash -c 'nft list table inet "$1" | grep -q "$2"' _ "$NFT_TABLE" "$ATTACKER"
		fail2ban-client -c "$W/etc" set balance-gateway unbanip "$ATTACKER" >/dev/null 2>&1
		check "real ban: unbanned, the address gets through again" test "$(code "$ATTACKER" /healthz)" = 200
	else
		sed 's/^/# /' "$W/start.log"
		bad "real ban: fail2ban started with the shipped jail on the stack's access log"
	fi
	f2b_stop
	check "real ban: nothing of it left in nftables" bash -c '! nft list table inet "$1" >/dev/null 2>&1' _ "$NFT_TABLE"
	trap - EXIT
fi

finish
