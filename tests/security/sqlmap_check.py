#!/usr/bin/env python3
"""sqlmap_check.py: sqlmap against our routes with the WAF bypassed (security.sh's sqlmap).

    sqlmap_check.py ROUTES.jsonl SEED.json NOWAF_URL ACCESS_LOG OUTDIR quick|deep

ROUTES.jsonl: tests/security/route_fields.c's output (every route with its declared body
fields); SEED.json: tests/security/sqlmap-seed.mjs's (real ids, a signed-in session);
NOWAF_URL: the test stack's WAF-off server (nginx/security.conf.in), whose access log
ACCESS_LOG counts what sqlmap really sent.

Every value sqlmap may change carries a '*' marker: the path ids (a real id before the
marker), the query parameters the code reads, each declared JSON or form field, the fields
the page handlers read from their forms themselves (FORMS), and the user text inside
streamed bodies (STREAMS: multipart uploads' file names, the cells of an imported CSV).
quick runs level 1 on QUICK (a path id, query filters, JSON bodies, an HTML form body, a
multipart upload); deep runs level 3 on every parameterised route.  --dbms PostgreSQL: the
back end is known, and the other engines' payloads only cost time.

Sessions: the audit firm's admin for most routes; the operator (signed in with MFA, from
127.0.0.1, inside the test stack's operator_networks) for the operator routes; the sent
confirmation's respondent admin for the answer routes (RESPONDENT).

No route escapes silently: a route left without a target must be listed in NO_INPUT with
the reason; a page route with a form body must be in FORMS or NO_FORM_FIELDS; a streamed
route must be in STREAMS; and every form field name the page handlers read (cgi/page_*.c)
must be sent by some FORMS body.  Otherwise the check fails, in quick mode too.

BGW_SQLMAP_ONLY=REGEX (environment): run only the targets whose "METHOD /pattern"
matches REGEX (re.search), in either mode; the coverage checks above still run on every
route.  For trying new targets without the hour-long deep sweep, e.g.
  BGW_SQLMAP_ONLY='documents|import|/answer|/response$|operator' ./dev test --deep security

Pass: for every target sqlmap ends with "all tested parameters do not appear to be
injectable", reports no injection point, and the access log grew by at least MIN_REQUESTS
(sqlmap that silently sent nothing must not pass).  Prints one line per target and a last
line "TARGETS targets, FINDINGS with findings, REQUESTS requests"; exit 1 on any failure.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.parse

LEVEL = {"quick": 1, "deep": 3}
RISK = 1                      # risk 2-3 adds heavy time-based and OR payloads that rewrite rows
TIMEOUT_SECONDS = 30          # one request; the ASan worker is slow under load
TARGET_TIMEOUT_SECONDS = {"quick": 600, "deep": 1800}   # one sqlmap run
MIN_REQUESTS = 10             # fewer means sqlmap did not really test the target

# The query parameters the code reads, by route pattern (the route table does not declare
# them).  main() fails if cgi/ reads a name (kv_get(r->query, "...")) that no row lists,
# so a new filter cannot be added without sqlmap testing it.
PAGING = {"page": "1", "per_page": "20"}
FILTERS = {**PAGING, "status": "draft", "type": "bank", "q": "acme", "overdue": "false"}
QUERY = {
    "/api/v1/projects/{}/confirmations": FILTERS,
    "/projects/{}": {**FILTERS, "authorized": "1"},
    "/api/v1/inbox": PAGING,
    "/inbox": PAGING,
    "/api/v1/confirmations/{}/history": PAGING,
    "/api/v1/projects/{}/audit-log": PAGING,
    "/api/v1/confirmations/{}/comments": PAGING,
    "/confirmations/{}": {"next": "/projects"},
    "/login": {"next": "/projects", "lang": "en"},
    "/verify": {"reference": "@reference"},
    "/invitation": {"token": "abc"},
    "/password-reset": {"token": "abc"},
    "/projects/{}/access": {"next": "/projects"},
    "/api/v1/directory": {"q": "acme", "corporate_number": "7123456789012", "bank_code": "0001",
                          "branch_code": "001"},
    "/api/v1/operator/certified-respondents": {"q": "acme", "corporate_number": "7123456789012",
                                               "bank_code": "0001", "branch_code": "001"},
    "/api/v1/desk": {"branch_code": "001", "overdue": "false"},
    "/desk": {"branch_code": "001", "overdue": "false", "routed": "false"},
}

# The quick run: one of each kind of input, on routes that change nothing lasting.
QUICK = [
    ("GET", "/api/v1/projects/{}/confirmations"),   # path id + every list filter
    ("GET", "/projects/{}"),                          # an HTML page's path id + filters
    ("PATCH", "/api/v1/projects/{}/reminders"),      # a JSON body of integers
    ("POST", "/api/v1/confirmations/{}/addressee"),  # JSON strings (email, name)
    ("POST", "/projects"),                            # an HTML form body
    ("POST", "/api/v1/confirmations/{}/documents"),  # a multipart upload's file name
]
# Not in the quick run: the sign-in routes (every request hashes a password: ~2.5 s each
# under ASan here, minutes for one route); --deep tests them.

# Bodies the route table does not declare (the handler reads the JSON itself): realistic
# ones, each value marked.
BODIES = {
    ("POST", "/api/v1/projects/{}/confirmations"): {
        "type": "bank", "form": "positive", "as_of": "2026-03-31", "due_date": "2026-04-30",
        "respondent": {"organization": "Bank", "email": "bank@example.com", "name": "Clerk"},
        "items": [{"label": "Current account", "reference": "001", "currency": "JPY",
                   "amount": "1250000"}]},
    ("PATCH", "/api/v1/confirmations/{}"): {"due_date": "2026-05-31", "as_of": "2026-03-31"},
    # The readdress with its nested check (0018), so that sqlmap reaches the check's fields;
    # the seed's request is not undeliverable, so no request of the run changes it (409).
    ("POST", "/api/v1/confirmations/{}/addressee"): {
        "email": "bank2@example.com", "name": "Clerk",
        "address_check": {"method": "phone", "note": "Called the branch"}},
    # The respondent's answer (RESPONDENT): disagreeing without an amount, so that no request
    # sqlmap makes can answer the confirmation and end the route for the rest of the run.
    ("POST", "/api/v1/confirmations/{}/response"): {
        "items": [{"item_id": "@sent_item_id", "agrees": False, "amount": "", "note": "Differs"}],
        "extra_items": [{"label": "Deposit", "currency": "JPY", "amount": "100", "note": "n"}],
        "responder": {"name": "Clerk", "title": "Manager"}},
}
BODIES[("POST", "/api/v1/inbox/approve")] = {
    "ids": ["@confirmation_id"], "approver": {"name": "Clerk", "title": "Manager"}}

# The forms of the page routes (BODY_FORM; the page handlers read and validate them
# themselves, cgi/page_*.c): realistic values, each marked.  "@name" is the seed's value.
CONF_FORM = {"type": "bank", "form": "positive", "as_of": "2026-03-31",
             "due_date": "2026-04-30", "respondent.organization": "Sample Bank",
             "respondent.email": "bank@example.com", "respondent.name": "Clerk",
             "items[0].label": "Current account", "items[0].reference": "001",
             "items[0].currency": "JPY", "items[0].amount": "1250000"}
REASON = {"reason": "Not needed"}
FORMS = {
    ("POST", "/login"): {"email": "@login.email", "password": "@login.password", "otp": "123456"},
    ("POST", "/projects"): {"name": "Sample", "client_name": "Sample Co",
                            "period_end": "2026-03-31", "retention_days": "3650"},
    ("POST", "/projects/{}/access"): {"code": "ABCD-EFGH", "next": "/projects"},
    ("POST", "/projects/{}/authorize"): {"cid": "@confirmation_id"},
    ("POST", "/confirmations/{}/return"): REASON,
    ("POST", "/confirmations/{}/refuse"): REASON,
    ("POST", "/confirmations/{}/decline"): REASON,
    ("POST", "/confirmations/{}/ask-again"): REASON,
    ("POST", "/confirmations/{}/cancel"): REASON,
    ("POST", "/confirmations/{}/send-back"): REASON,
    ("POST", "/confirmations/{}/send"): {"code_channel": "phone"},
    ("POST", "/confirmations/{}/respondent-code"): {"code_channel": "phone"},
    ("POST", "/confirmations/{}/address-check"): {"method": "phone", "note": "Called the branch"},
    ("POST", "/confirmations/{}/approve"): {"approver_name": "Clerk", "approver_title": "Manager"},
    ("POST", "/confirmations/{}/review"): {"result": "agreed", "note": "Agreed"},
    ("POST", "/confirmations/{}/resolve"): {"note": "Timing", "kind": "timing",
                                            "currency": "JPY", "amount": "100",
                                            "item_note": "In transit"},
    ("POST", "/confirmations/{}/close"): {"alternative_procedures": "Vouched to receipts"},
    ("POST", "/confirmations/{}/share"): {"with_client": "true"},
    ("POST", "/projects/{}/confirmations/new"): CONF_FORM,
    ("POST", "/confirmations/{}/edit"): CONF_FORM,
    ("POST", "/confirmations/{}/comments"): {"body": "A comment", "thread": "audit_client"},
    # As /api/v1/.../response above: never a complete answer.
    ("POST", "/confirmations/{}/answer"): {
        "items[0].item_id": "@sent_item_id", "items[0].agrees": "false", "items[0].amount": "",
        "items[0].note": "Differs", "extra_items[0].label": "Deposit",
        "extra_items[0].currency": "JPY", "extra_items[0].amount": "100",
        "extra_items[0].note": "n", "responder.name": "Clerk", "responder.title": "Manager"},
    ("POST", "/invitations/accept"): {"token": "abc", "name": "Sample", "password": "Sample-pass-1"},
    ("POST", "/password-reset"): {"email": "someone@example.com"},
    ("POST", "/password-reset/complete"): {"token": "abc", "password": "Sample-pass-1"},
    # A wrong current password: the account's password never changes.
    ("POST", "/me/password"): {"current_password": "Wrong-pass-1", "new_password": "Sample-pass-2"},
    ("POST", "/me/mfa/verify"): {"otp": "123456"},
    ("POST", "/me/mfa/disable"): {"password": "Wrong-pass-1", "otp": "123456"},
    ("POST", "/projects/{}/members"): {"email": "new@example.com", "side": "client",
                                       "organization": "Sample Co", "admin": "false"},
    ("POST", "/orgs/{}/members"): {"email": "new@example.com", "admin": "false", "unit_id": ""},
    ("POST", "/orgs/{}/members/{}"): {"admin": "false", "unit_id": ""},
    ("POST", "/orgs/{}/units"): {"kind": "department", "name": "Sample", "code": "",
                                 "email": ""},
    ("POST", "/me/notifications"): {"digest": "daily", "overdue_alerts": "true",
                                    "answer_mail": "false"},
    ("POST", "/desk/route"): {"cid": "@confirmation_id", "branch_code": "001"},
    ("POST", "/inbox/desk/approve"): {"id": "@confirmation_id", "approver_name": "Clerk",
                                      "approver_title": "Manager"},
    ("POST", "/projects/{}/settings"): {"days_before": "7", "days_after": "3", "every_days": "7",
                                       "retention_days": "3650", "mfa_required": "false"},
    # The seed's request is not undeliverable: every request of the run is refused (409).
    ("POST", "/confirmations/{}/addressee"): {"email": "bank2@example.com", "name": "Clerk",
                                              "method": "phone", "note": "Called the branch"},
    ("POST", "/projects/{}/letters.pdf"): {"cid": "@confirmation_id"},
}
# Page routes whose form carries nothing but csrf_token (checked by the router against the
# session, never in SQL): their path ids are still tested.
NO_FORM_FIELDS = {
    ("POST", "/logout"), ("POST", "/projects/{}/complete"), ("POST", "/me/mfa"),
    ("POST", "/confirmations/{}/submit"), ("POST", "/confirmations/{}/authorize"),
    ("POST", "/confirmations/{}/remind"),
    ("POST", "/projects/{}/members/{}/remove"), ("POST", "/projects/{}/members/{}/unlock"),
    ("POST", "/projects/{}/access-code"),
    ("POST", "/operator/users/{}/lock"), ("POST", "/operator/users/{}/unlock"),
    ("POST", "/orgs/{}/members/{}/deactivate"), ("POST", "/orgs/{}/members/{}/reactivate"),
    # The digest's one-click unsubscribe: public, the path token is the whole input.
    ("POST", "/unsubscribe/{}"),
}

# Streamed bodies (BODY_STREAM), which neither the route table nor the router reads:
# (content type, body) with '*' markers.  A multipart file name is stored (documents.name)
# and the imported CSV's cells become confirmations; the file's bytes go to the blob store,
# not to SQL.  The page forms put csrf_token (the session's, unmarked) before the file, as
# the browser does.  "@name" is the seed's value.  sqlmap keeps these markers (its own
# multipart processing only marks fields when none are given) and runs with
# --skip-urlencode and our Content-Type, whose boundary it would otherwise drop.
BOUNDARY = "bgwsqlmap7MA4YWxkTrZu0gW"
PDF = "%PDF-1.4\n%%EOF\n"
CSV_HEAD = ("group,type,form,respondent_organization,respondent_email,respondent_name,"
            "as_of,due_date,label,reference,currency,amount\r\n")
CSV_ROW = ("1,bank*,positive*,Sample Bank*,bank@example.com*,Clerk*,2026-03-31*,2026-04-30*,"
           "Current account*,001*,JPY*,1250000*\r\n")
BULK_CSV = ("reference,item_id,section,label,currency,requested_amount,agrees,amount,note\r\n"
            "ABCDEFGH23*,item*,*,Current account*,JPY*,1250000*,no*,1*,Differs*\r\n")


def multipart(parts):
    """A multipart/form-data body of (name, filename or None, content type or None, value)."""
    out = []
    for name, filename, ctype, value in parts:
        out.append(f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"" +
                   (f"; filename=\"{filename}\"" if filename is not None else "") + "\r\n" +
                   (f"Content-Type: {ctype}\r\n" if ctype else "") + f"\r\n{value}\r\n")
    return "".join(out) + f"--{BOUNDARY}--\r\n"


MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
UPLOAD = (MULTIPART, multipart([("file", "scan.pdf*", "application/pdf", PDF)]))
STREAMS = {
    ("POST", "/api/v1/projects/{}/documents"): UPLOAD,
    ("POST", "/api/v1/confirmations/{}/documents"): UPLOAD,
    ("POST", "/confirmations/{}/documents"): (MULTIPART, multipart([
        ("csrf_token", None, None, "@csrf"), ("file", "scan.pdf*", "application/pdf", PDF)])),
    ("POST", "/projects/{}/import"): (MULTIPART, multipart([
        ("csrf_token", None, None, "@csrf"),
        ("file", "import.csv", "text/csv", CSV_HEAD + CSV_ROW)])),
    ("POST", "/api/v1/projects/{}/confirmations/import"): ("text/csv", CSV_HEAD + CSV_ROW),
    ("POST", "/projects/{}/documents"): (MULTIPART, multipart([
        ("csrf_token", None, None, "@csrf"), ("file", "scan.pdf*", "application/pdf", PDF)])),
    # A desk's filled-in sheet (lib/records/bulkanswer.h): its cells are matched to the
    # caller's open requests by reference and item id.
    ("POST", "/api/v1/inbox/answers"): ("text/csv", BULK_CSV),
    ("POST", "/inbox/desk"): (MULTIPART, multipart([
        ("csrf_token", None, None, "@csrf"), ("file", "answers.csv", "text/csv", BULK_CSV)])),
}

# Routes that read no input at all but the session cookie (or nothing): nothing for sqlmap
# to mark.  Any other route left without a target fails the check.
NO_INPUT = {
    "GET /healthz": "public liveness probe, reads nothing",
    "GET /metrics": "counters of this worker, reads nothing (nginx limits who may ask)",
    "GET /": "home page: redirects by session, reads nothing",
    "GET /help": "static help page, reads nothing",
    "GET /api/v1/session": "the caller's own session, from the cookie only",
    "DELETE /api/v1/session": "ends the caller's session, from the cookie only",
    "POST /api/v1/me/mfa": "a new MFA secret for the caller, no body",
    "POST /me/mfa": "the same as a page, only csrf_token",
    "POST /logout": "ends the caller's session, only csrf_token",
    "GET /api/v1/projects": "the caller's projects, no filters",
    "GET /projects": "the caller's projects, no filters",
    "GET /account": "the caller's account page, reads nothing",
    "GET /api/v1/operator/firms": "every firm, no filters (operator)",
    "GET /api/v1/operator/users": "every user, no filters (operator)",
    "GET /operator": "the operator page, no filters",
    "GET /api/v1/org": "the caller's own respondent organisation, from the session only",
    "GET /org": "the same as a page: a redirect",
    "GET /api/v1/inbox/open.csv": "the caller's open requests as a sheet, from the session only",
    "GET /api/v1/inbox/open.xlsx": "the same as XLSX, from the session only",
    "GET /inbox/desk": "the desk's bulk-answer page, from the session only",
    "GET /api/v1/me/notifications": "the caller's own preferences, from the session only",
    "GET /unsubscribe/{}": "the path token is an HMAC-signed user id checked before any SQL "
                           "(lib/mail/unsub.c); the page reads nothing else",
    "POST /unsubscribe/{}": "the same token, checked before any SQL; no form fields",
}

# The answer routes, tried as the sent confirmation's respondent admin (on the sent
# confirmation): the audit admin is refused before the body is read.
RESPONDENT = {("GET", "/confirmations/{}/answer"), ("POST", "/confirmations/{}/answer"),
              ("POST", "/api/v1/confirmations/{}/response")}
# A respondent organisation's routes (cgi/routes_org.c), tried as the seed's respondent
# admin, an admin of its organisation ("orgs" is its id); "members" is a user of another
# organisation, so that no request of the run changes a member (404).
ORG_PREFIXES = ("/api/v1/orgs/", "/orgs/")

# Routes that would end the session or the test data for every later target run last
# (entering a wrong access code, cancelling the draft, completing the project, ...).
LAST = [re.compile(r"^(POST (/api/v1)?/projects/\{\}/(complete|access)|POST (/api/v1)?/confirmations/\{\}/cancel|"
                   r"PUT /api/v1/me/password|POST /me/password)"),
        re.compile(r"^DELETE /api/v1/users/")]          # the very last: deletes the account


def order(route):
    key = f"{route['method']} {route['pattern']}"
    return next((i + 1 for i, rx in enumerate(LAST) if rx.match(key)), 0)

FINDING = re.compile(r"identified the following injection point|parameter '[^']*' is vulnerable|"
                     r"appears to be '[^']*' injectable")
CLEAN = "all tested parameters do not appear to be injectable"


def path_ids(seed, route):
    """The real id for the segment before each '{}' (None: no id to test with)."""
    respondent = (route["method"], route["pattern"]) in RESPONDENT
    operator = route["pattern"].startswith(("/api/v1/operator/", "/operator/"))
    return {
        "projects": seed["project_id"],
        "confirmations": seed["sent_confirmation_id"] if respondent else seed["confirmation_id"],
        "documents": seed["document_id"],
        # The operator routes lock and unlock a member of no importance to the other targets.
        "users": seed["victim_user_id"] if operator else seed["user_id"],
        "members": seed["member_user_id"],
        "lang": "en", "import-templates": "confirmations-template.csv",
        "verify": seed["reference"],
        "orgs": seed.get("org_id"),
    }


def seeded(seed, value):
    """value, or the seed's value for "@name" / "@a.b"."""
    if isinstance(value, str) and value.startswith("@"):
        v = seed
        for k in value[1:].split("."):
            v = v[k]
        return str(v)
    if isinstance(value, dict):
        return {k: seeded(seed, v) for k, v in value.items()}
    if isinstance(value, list):
        return [seeded(seed, v) for v in value]
    return value


def session_of(route, seed):
    """The {cookie, csrf} sqlmap uses for route."""
    if route["auth"] == "operator":
        return seed["operator"]
    if (route["method"], route["pattern"]) in RESPONDENT or \
            route["pattern"].startswith(ORG_PREFIXES):
        return seed["respondent"]
    return seed["audit"]


def sample(field):
    """A valid value of a declared field, as JSON text with the marker, or None (objects and
    arrays are sent empty and unmarked)."""
    t = field["type"]
    if t in ("object", "array"):
        return None
    if t == "enum":
        v = field["enum"][0] if field["enum"] else "x"
    else:
        v = {"string": "Sample", "text": "Sample text", "email": "someone@example.com",
             "date": "2026-03-31", "int": 1, "bool": True, "amount": "100.00",
             "id": "abc123"}.get(t, "x")
    return v


def mark_json(value):
    """JSON text of value with '*' after every scalar (sqlmap's custom injection marks)."""
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + mark_json(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(mark_json(v) for v in value) + "]"
    text = json.dumps(value)
    return text[:-1] + '*"' if text.endswith('"') else text + "*"


def build(route, seed, base):
    """The sqlmap target for a route: (url, data, content type, raw), or None when the route
    has nothing to test or no real id to test it with (raw: a streamed body, sent with
    --skip-urlencode and our Content-Type)."""
    ids = path_ids(seed, route)
    segs = route["pattern"].split("/")
    for i, s in enumerate(segs):
        if s == "{}":
            real = ids.get(segs[i - 1])
            if real is None:
                return None
            segs[i] = urllib.parse.quote(str(real), safe="") + "*"
    url = base + "/".join(segs)
    query = QUERY.get(route["pattern"], {}) if route["method"] == "GET" else {}
    if query:
        url += "?" + "&".join(f"{k}={urllib.parse.quote(seeded(seed, v))}*" for k, v in query.items())
    data, ctype, raw = None, None, False
    key = (route["method"], route["pattern"])
    if route["body"] == "json":
        if key in BODIES:
            data = mark_json(seeded(seed, BODIES[key]))
        else:
            obj = {}
            for f in route["fields"]:
                v = sample(f)
                obj[f["name"]] = {} if v is None and f["type"] == "object" else [] if v is None else v
            if key == ("POST", "/api/v1/session"):
                obj = {"email": seed["login"]["email"], "password": seed["login"]["password"]}
            data = mark_json(obj) if obj else "{}"
        ctype = "application/json"
    elif route["body"] == "form":
        pairs = [f"{k}={urllib.parse.quote(v)}*" for k, v in seeded(seed, FORMS.get(key, {})).items()]
        for f in route["fields"]:
            v = sample(f)
            if v is not None:
                v = "true" if v is True else str(v)
                pairs.append(f"{f['name']}={urllib.parse.quote(v)}*")
        data = "&".join(pairs) if pairs else ""
        ctype = "application/x-www-form-urlencoded"
    elif route["body"] in ("stream", "multipart") and key in STREAMS:
        ctype, data = STREAMS[key]
        data = data.replace("@csrf", session_of(route, seed)["csrf"])
        raw = True
    if "*" not in url and (data is None or "*" not in data):
        return None
    return url, data, ctype, raw


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def run(route, target, seed, mode, outdir, access_log, n):
    url, data, ctype, raw = target
    session = session_of(route, seed)
    slug = f"{n:03d}-{route['method']}-" + re.sub(r"[^a-z0-9]+", "-", route["pattern"].lower()).strip("-")
    work = os.path.join(outdir, slug)
    os.makedirs(work, exist_ok=True)
    origin = os.environ["BGW_BASE_URL"]   # the app compares Origin with its base_url
    headers = [f"Origin: {origin}", f"X-CSRF-Token: {session['csrf']}"]
    if ctype:
        headers.append(f"Content-Type: {ctype}")
    cmd = ["sqlmap", "-u", url, "--method", route["method"], "--batch", "--flush-session",
           "--output-dir", work, "--level", str(LEVEL[mode]), "--risk", str(RISK),
           "--dbms", "PostgreSQL", "--disable-coloring", "--timeout", str(TIMEOUT_SECONDS),
           "--retries", "1", "--headers", "\n".join(headers),
           "--ignore-code", "400,401,403,404,405,409,413,422,429"]
    if route["auth"] != "public":
        cmd += ["--cookie", session["cookie"]]
    if data is not None:
        cmd += ["--data", data]
    if raw:
        cmd += ["--skip-urlencode"]
    before = count_lines(access_log)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=TARGET_TIMEOUT_SECONDS[mode], errors="replace")
        out = p.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        out += "\n[timeout]"
    secs = time.monotonic() - t0
    with open(os.path.join(work, "stdout.txt"), "w") as f:
        f.write(" ".join(cmd[:3]) + "\n" + out)
    time.sleep(0.2)   # nginx writes the access log line after the response
    sent = count_lines(access_log) - before
    findings = [l for l in out.splitlines() if FINDING.search(l)]
    why = []
    if findings:
        why.append("injectable: " + "; ".join(findings[:3]))
    if CLEAN not in out:
        crit = [l for l in out.splitlines() if "[CRITICAL]" in l or "[timeout]" in l]
        why.append("did not finish clean: " + ("; ".join(crit[:2]) or "no verdict"))
    if sent < MIN_REQUESTS:
        why.append(f"only {sent} requests reached the WAF-off server")
    return {"route": f"{route['method']} {route['pattern']}", "requests": sent,
            "seconds": round(secs, 1), "findings": len(findings), "why": why, "dir": work}


def query_names_in_code(srcdir):
    names = set()
    for d in ("cgi", "lib"):
        for fn in os.listdir(os.path.join(srcdir, d)):
            if fn.endswith(".c"):
                with open(os.path.join(srcdir, d, fn), encoding="utf-8", errors="replace") as f:
                    names |= set(re.findall(r'kv_get\(r->query,\s*"([a-z_]+)"', f.read()))
    return names


# Form names the page handlers read that need no target: the CSRF token (compared with the
# session's, never in SQL) and the answer form's file input (an urlencoded form sends only
# the chosen file's name, which stops the answer with "not attached" before anything else).
FORM_NAMES_NOT_SQL = {"csrf_token", "file"}


def form_names_in_code(srcdir, specs):
    """The form field names cgi/page_*.c reads: literal kv_get/posted names on a form, the
    fields of each table passed to page_fields, and the names of the tables defined there."""
    names = set()
    d = os.path.join(srcdir, "cgi")
    for fn in sorted(os.listdir(d)):
        if not (fn.startswith("page_") and fn.endswith(".c")):
            continue
        with open(os.path.join(d, fn), encoding="utf-8", errors="replace") as f:
            text = f.read()
        for expr, name in re.findall(r'kv_get\(([^,"]*),\s*"([^"]+)"\)', text):
            if re.search(r"form|^f$|^src$", expr.strip()):
                names.add(name)
        names |= set(re.findall(r'posted\([^,()]+,\s*"([^"]+)"', text))
        names |= set(re.findall(r'\.name\s*=\s*"([^"]+)"', text))
        for arg in re.findall(r'page_fields\(r,\s*([^)]*)\)', text):
            for ident in re.findall(r"\b\w+_fields\b", arg):
                names |= {f["name"] for f in specs.get(ident, [])
                          if f["type"] not in ("object", "array")}
    return names - FORM_NAMES_NOT_SQL


def coverage(routes, specs, seed, base):
    """Problems that would let a route or an input escape sqlmap silently."""
    problems = []
    keys = {(r["method"], r["pattern"]) for r in routes}
    for r in routes:
        key = (r["method"], r["pattern"])
        name = f"{r['method']} {r['pattern']}"
        t = build(r, seed, base)
        if t is None and name not in NO_INPUT:
            problems.append(f"{name} has no sqlmap target and no reason in NO_INPUT")
        if t is not None and name in NO_INPUT:
            problems.append(f"{name} is in NO_INPUT but has inputs now: remove it there")
        if r["body"] == "form" and not r["fields"] and key not in FORMS and key not in NO_FORM_FIELDS:
            problems.append(f"{name}: a page form with no body in FORMS (nor in NO_FORM_FIELDS)")
        if r["body"] in ("stream", "multipart") and key not in STREAMS:
            problems.append(f"{name}: a streamed body with no entry in STREAMS")
    for table, entries in (("FORMS", FORMS), ("NO_FORM_FIELDS", NO_FORM_FIELDS),
                           ("STREAMS", STREAMS), ("RESPONDENT", RESPONDENT),
                           ("BODIES", BODIES), ("QUICK", QUICK)):
        for k in entries:
            if tuple(k) not in keys:
                problems.append(f"{table} names {k[0]} {k[1]}, which is not in the route table")
    for name in NO_INPUT:
        if tuple(name.split(" ", 1)) not in keys:
            problems.append(f"NO_INPUT names {name}, which is not in the route table")
    sent = {n for body in FORMS.values() for n in body}
    missing = form_names_in_code(os.environ["BGW_SRCDIR"], specs) - sent
    if missing:
        problems.append("form fields read in cgi/page_*.c but sent by no FORMS body: " +
                        ", ".join(sorted(missing)))
    return problems


def main():
    routes_file, seed_file, base, access_log, outdir, mode = sys.argv[1:7]
    only = os.environ.get("BGW_SQLMAP_ONLY")
    seed = json.load(open(seed_file))
    lines = [json.loads(l) for l in open(routes_file) if l.strip()]
    routes = [l for l in lines if "method" in l]
    specs = {l["spec"]: l["fields"] for l in lines if "spec" in l}
    problems = coverage(routes, specs, seed, base)
    listed = set().union(*QUERY.values())
    missing = query_names_in_code(os.environ["BGW_SRCDIR"]) - listed - {"lang"}
    if missing:
        problems.append("query parameters read in cgi/ but tested nowhere: " + ", ".join(sorted(missing)))
    if mode == "quick":
        by_key = {(r["method"], r["pattern"]): r for r in routes}
        chosen = [by_key[k] for k in QUICK if k in by_key]
    else:
        chosen = sorted(routes, key=order)
    if only:
        chosen = [r for r in chosen if re.search(only, f"{r['method']} {r['pattern']}")]
    results, skipped = [], []
    for r in chosen:
        t = build(r, seed, base)
        if t is None:
            skipped.append(f"{r['method']} {r['pattern']}: {NO_INPUT.get(r['method'] + ' ' + r['pattern'], '?')}")
            continue
        res = run(r, t, seed, mode, outdir, access_log, len(results) + 1)
        results.append(res)
        print(("FAILED " if res["why"] else "ok ") +
              f"{res['route']}: {res['requests']} requests, {res['seconds']} s" +
              ("".join(" | " + w for w in res["why"]) + f" ({res['dir']})" if res["why"] else ""),
              flush=True)
    with open(os.path.join(outdir, "skipped.txt"), "w") as f:
        f.write("\n".join(skipped) + "\n")
    for p in problems:
        print("FAILED " + p)
    bad = sum(1 for r in results if r["why"]) + len(problems)
    print(f"{len(results)} targets{' (BGW_SQLMAP_ONLY=' + only + ')' if only else ''}, "
          f"{sum(r['findings'] > 0 for r in results)} with findings, "
          f"{sum(r['requests'] for r in results)} requests, {len(skipped)} routes without "
          f"inputs skipped (each with its reason), {bad} failed")
    sys.exit(1 if bad or not results else 0)


if __name__ == "__main__":
    main()
