#!/usr/bin/env bash
# notify_bench.sh - 10,000 reminders through one bgw-notify --once run, against a baseline:
# the same SMTP sink fed by a trivial sender (python3 smtplib, one connection per message as
# libcurl makes) in the same run.  Not a test: it prints one line
#   bench notify_10k_reminders mails_per_s=... baseline_mails_per_s=... ratio=...
# Run against a stack started by ./dev (the environment of ./dev bench or ./dev test:
# BGW_CONFIG, BGW_NOTIFY, BGW_PSQL, BGW_PG_HOST, BGW_SMTP_PORT).  The data is made with SQL in
# a past era (2022) so nothing else is due for this run; the stack's own sender (--send)
# may share the draining, as it would in production: the figure is the time from the start
# of the run until every one of the 10,000 is accepted by the sink.
set -euo pipefail

N=${BGW_BENCH_REMINDERS:-10000}
NOW=2022-02-22T00:00:00Z
: "${BGW_CONFIG:?run through ./dev}" "${BGW_NOTIFY:?}" "${BGW_PSQL:?}" "${BGW_PG_HOST:?}"
: "${BGW_SMTP_PORT:?}"
TAG="bench-$(openssl rand -hex 4)"

psql_su() { "$BGW_PSQL" -X -q -At -v ON_ERROR_STOP=1 -h "$BGW_PG_HOST" -U postgres -d "${BGW_PG_DB:-bgw}" "$@"; }

psql_su <<SQL
SET search_path = bgw, public;
WITH firm AS (INSERT INTO organizations (kind, name) VALUES ('audit_firm', '$TAG firm') RETURNING id),
client AS (INSERT INTO organizations (kind, name) VALUES ('client', '$TAG client') RETURNING id),
resp AS (INSERT INTO organizations (kind, name) VALUES ('respondent', '$TAG bank') RETURNING id),
proj AS (
	INSERT INTO projects (name, client_name, client_org_id, audit_firm_id, period_end,
	    first_access_code_hash, created_at)
	SELECT '$TAG', 'client', client.id, firm.id, '2021-12-31', gen_random_bytes(32),
	    '2022-01-01T00:00:00Z' FROM firm, client RETURNING id)
INSERT INTO confirmations (project_id, type, form, status, respondent_org_id, respondent_email,
    respondent_name, as_of, due_date, sent_at, created_at)
SELECT proj.id, 'bank', 'positive', 'sent', resp.id, '$TAG-' || i || '@example.test',
    'ご担当者', '2021-12-31', '2022-02-28', '2022-02-01T00:00:00Z', '2022-02-01T00:00:00Z'
FROM proj, resp, generate_series(1, $N) i;
SQL

sent() { psql_su -c "SELECT count(*) FROM bgw.outbox WHERE to_address::text LIKE '$TAG-%' AND status = 'sent'"; }

start=$(date +%s.%N)
"$BGW_NOTIFY" --config "$BGW_CONFIG" --once --now "$NOW" >/dev/null 2>&1
while [ "$(sent)" -lt "$N" ]; do sleep 0.2; done
end=$(date +%s.%N)

baseline=$(python3 - "$BGW_SMTP_PORT" "$N" "$TAG" <<'PY'
import smtplib, sys, time
from email.message import EmailMessage
port, n, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
body = "確認状のご回答のお願い\n" * 30
t = time.monotonic()
for i in range(n):
    m = EmailMessage()
    m["From"] = "no-reply@localhost"
    m["To"] = f"{tag}-base-{i}@example.test"
    m["Subject"] = "【監査法人】確認状のご回答のお願い（再送）"
    m.set_content(body)
    with smtplib.SMTP("127.0.0.1", port) as s:
        s.send_message(m)
print(f"{n / (time.monotonic() - t):.1f}")
PY
)

awk -v n="$N" -v s="$start" -v e="$end" -v b="$baseline" 'BEGIN {
	r = n / (e - s)
	printf "bench notify_10k_reminders mails_per_s=%.1f baseline_mails_per_s=%.1f ratio=%.2f\n", r, b, r / b
}'
