#!/usr/bin/env python3
"""sqlmap_check.py: sqlmap against our routes with the WAF bypassed (security.sh's sqlmap).

    sqlmap_check.py ROUTES.jsonl SEED.json NOWAF_URL ACCESS_LOG OUTDIR quick|deep

ROUTES.jsonl: tests/security/route_fields.c's output (every route with its declared body
fields); SEED.json: tests/security/sqlmap-seed.mjs's (real ids, a signed-in session);
NOWAF_URL: the test stack's WAF-off server (nginx/security.conf.in), whose access log
ACCESS_LOG counts what sqlmap really sent.

Every value sqlmap may change carries a '*' marker: the path ids (a real id before the
marker), the query parameters the code reads, and each declared JSON or form field.  quick
runs level 1 on QUICK (a path id, query filters, JSON bodies, an HTML form body); deep
runs level 3 on every parameterised route.  --dbms PostgreSQL: the back end
is known, and the other engines' payloads only cost time.

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
    "/help": {"reference": "REF-1"},
    "/invitation": {"token": "abc"},
}

# The quick run: one of each kind of input, on routes that change nothing lasting.
QUICK = [
    ("GET", "/api/v1/projects/{}/confirmations"),   # path id + every list filter
    ("GET", "/projects/{}"),                          # an HTML page's path id + filters
    ("PATCH", "/api/v1/projects/{}/reminders"),      # a JSON body of integers
    ("POST", "/api/v1/confirmations/{}/addressee"),  # JSON strings (email, name)
    ("POST", "/projects"),                            # an HTML form body
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
    # HTML forms: the page handlers validate their forms themselves (cgi/page_*.c).
    ("POST", "/projects"): {"name": "Sample", "client_name": "Sample Co", "period_end": "2026-03-31"},
    ("POST", "/confirmations/{}/address-check"): {"method": "phone", "note": "Called the branch"},
    ("POST", "/confirmations/{}/review"): {"result": "agreed", "note": "Agreed"},
    ("POST", "/confirmations/{}/comments"): {"body": "A comment"},
    ("POST", "/projects/{}/members"): {"email": "new@example.com", "side": "client",
                                       "organization": "Sample Co", "admin": "false"},
}

# Routes that would end the session or the test data for every later target run last;
# operator routes are refused to the audit admin before any parameter is read, so sqlmap
# could learn nothing there (their ids are the same users table as /api/v1/users/{}).
LAST = [re.compile(r"^(POST /api/v1/projects/\{\}/complete|POST /projects/\{\}/complete|"
                   r"PUT /api/v1/me/password|POST /me/password)"),
        re.compile(r"^DELETE /api/v1/users/")]          # the very last: deletes the account


def order(route):
    key = f"{route['method']} {route['pattern']}"
    return next((i + 1 for i, rx in enumerate(LAST) if rx.match(key)), 0)

FINDING = re.compile(r"identified the following injection point|parameter '[^']*' is vulnerable|"
                     r"appears to be '[^']*' injectable")
CLEAN = "all tested parameters do not appear to be injectable"


def path_ids(seed):
    """The real id for the segment before each '{}' (None: no id to test with)."""
    return {
        "projects": seed["project_id"], "confirmations": seed["confirmation_id"],
        "users": seed["user_id"], "members": seed["member_user_id"],
        "lang": "en", "import-templates": "csv", "verify": "0123456789abcdef",
    }


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
    """The sqlmap target for a route: (url, data, content type), or None when the route
    has nothing to test or no real id to test it with."""
    ids = path_ids(seed)
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
        url += "?" + "&".join(f"{k}={urllib.parse.quote(v)}*" for k, v in query.items())
    data, ctype = None, None
    key = (route["method"], route["pattern"])
    if route["body"] == "json":
        if key in BODIES:
            data = mark_json(BODIES[key])
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
        pairs = [f"{k}={urllib.parse.quote(v)}*" for k, v in BODIES.get(key, {}).items()]
        if key == ("POST", "/login"):
            pairs = [f"{k}={urllib.parse.quote(v)}*" for k, v in seed["login"].items()]
        for f in route["fields"]:
            v = sample(f)
            if v is not None:
                v = "true" if v is True else str(v)
                pairs.append(f"{f['name']}={urllib.parse.quote(v)}*")
        data = "&".join(pairs) if pairs else ""
        ctype = "application/x-www-form-urlencoded"
    if "*" not in url and (data is None or "*" not in data):
        return None
    return url, data, ctype


def count_lines(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for _ in f)
    except FileNotFoundError:
        return 0


def run(route, target, seed, mode, outdir, access_log, n):
    url, data, ctype = target
    slug = f"{n:03d}-{route['method']}-" + re.sub(r"[^a-z0-9]+", "-", route["pattern"].lower()).strip("-")
    work = os.path.join(outdir, slug)
    os.makedirs(work, exist_ok=True)
    origin = os.environ["BGW_BASE_URL"]   # the app compares Origin with its base_url
    headers = [f"Origin: {origin}", f"X-CSRF-Token: {seed['audit']['csrf']}"]
    if ctype:
        headers.append(f"Content-Type: {ctype}")
    cmd = ["sqlmap", "-u", url, "--method", route["method"], "--batch", "--flush-session",
           "--output-dir", work, "--level", str(LEVEL[mode]), "--risk", str(RISK),
           "--dbms", "PostgreSQL", "--disable-coloring", "--timeout", str(TIMEOUT_SECONDS),
           "--retries", "1", "--headers", "\n".join(headers),
           "--ignore-code", "400,401,403,404,405,409,413,422,429"]
    if route["auth"] != "public":
        cmd += ["--cookie", seed["audit"]["cookie"]]
    if data is not None:
        cmd += ["--data", data]
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


def main():
    routes_file, seed_file, base, access_log, outdir, mode = sys.argv[1:7]
    seed = json.load(open(seed_file))
    routes = [json.loads(l) for l in open(routes_file) if l.strip()]
    problems = []
    listed = set().union(*QUERY.values())
    missing = query_names_in_code(os.environ["BGW_SRCDIR"]) - listed - {"lang"}
    if missing:
        problems.append("query parameters read in cgi/ but tested nowhere: " + ", ".join(sorted(missing)))
    if mode == "quick":
        by_key = {(r["method"], r["pattern"]): r for r in routes}
        chosen = []
        for k in QUICK:
            if k in by_key:
                chosen.append(by_key[k])
            else:
                problems.append(f"quick route {k[0]} {k[1]} is not in the route table")
    else:
        chosen = [r for r in routes if r["auth"] != "operator"]
        chosen.sort(key=order)
    results, skipped = [], []
    for r in chosen:
        t = build(r, seed, base)
        if t is None:
            skipped.append(f"{r['method']} {r['pattern']}")
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
    print(f"{len(results)} targets, {sum(r['findings'] > 0 for r in results)} with findings, "
          f"{sum(r['requests'] for r in results)} requests, {len(skipped)} routes without "
          f"parameters skipped, {bad} failed")
    sys.exit(1 if bad or not results else 0)


if __name__ == "__main__":
    main()
