#!/usr/bin/env python3
"""crs_regression.py: the OWASP CRS regression corpus against our nginx (security.sh's crs).

    crs_regression.py CORPUS HTTPS_PORT RULES_LOG BASELINE OUTDIR quick|deep [--record]

CORPUS: tests/regression/tests/ of the installed modsecurity-crs source (dev's crs_corpus);
HTTPS_PORT: the test stack's main server, the one users reach, with ModSecurity + CRS and
our exclusions; RULES_LOG: log/modsec_rules.log, where nginx/security.conf.in has ModSecurity
report every matched rule at level info with the test's X-BGW-Test header as unique_id.

Each test is judged the way go-ftw judges it: `status` (one code or a list) against the
response, `log_contains` / `no_log_contains` (regexes, `id "942350"`) against the messages
ModSecurity logged for that request only, `expect_error` against getting no HTTP answer.

The corpus was written for DetectionOnly at paranoia level 4; we block at PL1 with our
exclusions, so some tests fail by design.  BASELINE lists them, one "TITLE CLASS" a line
(classes in the file's header); a test that fails and is not listed is a new failure and
fails the check; a listed test that passes is reported as fixed (remove it from the list).
--record writes the current failures (of the files run) as the new baseline instead.

quick and deep both run the whole corpus (179 files, 2,396 enabled tests).  The plan was
a quick subset (the files of the rules our exclusions touch, exclusions-after.conf's
941310, 932115, 942350, 942360, plus one file per family: 112 tests, 3 s), but the whole
corpus measured 73 s here (2 cores, ASan worker pool, load average 8 from other work, 4
requests in flight), which the quick suite can afford, and a subset would let a change in
any other rule family (a CRS update, a new exclusion) through unnoticed.  QUICK_RULES stays
for BGW_CRS_QUICK=1 (a 3 s run while editing exclusions).
"""
import base64
import concurrent.futures
import glob
import json
import os
import re
import socket
import ssl
import sys
import time
import urllib.parse

import yaml

QUICK_RULES = ["941310", "932115", "942350", "942360",          # our exclusions
               "942100", "932100", "932110", "932120",          # what they must not weaken
               "913100", "920270", "921110", "930100", "931100", "933100", "934100",
               "941100", "943100", "944100"]                    # one of each other family
PARALLEL = 4                 # requests in flight (2 cores: nginx and the worker pool share)
TIMEOUT_SECONDS = 10         # one test's request and answer
LOG_SETTLE_SECONDS = 1.0     # nginx writes the phase 5 messages after the answer
RULES_DIR = "/usr/share/modsecurity-crs/rules"
EXCLUDED = {"941310": "removed", "932115": "free-text fields", "942350": "free-text fields",
            "942360": "free-text fields"}
# Rules whose verdict crs-setup.conf changes on purpose: 911100 allowed methods (docs/api.md uses
# PUT, PATCH, DELETE), 920420 allowed content types (CSV and XLSX imports, text/plain).
OUR_SETUP = {"911100", "920420"}
SECRET_ARGS = re.compile(r"(?:^|[&?])(password|current_password|new_password|otp|token|code)=")


def rule_paranoia():
    """Rule id -> paranoia level, from the CRS rules' paranoia-level/N tags."""
    pl = {}
    for fn in glob.glob(os.path.join(RULES_DIR, "*.conf")):
        text = open(fn, encoding="utf-8", errors="replace").read()
        for block in re.split(r"\n(?=Sec(?:Rule|Action) )", text):
            ids = re.findall(r"\bid:'?(\d+)", block)
            lv = re.search(r"paranoia-level/(\d)", block)
            if ids:
                pl[ids[0]] = int(lv.group(1)) if lv else 1
    return pl


def load(corpus, mode):
    files = sorted(glob.glob(os.path.join(corpus, "**", "*.yaml"), recursive=True))
    if os.environ.get("BGW_CRS_QUICK") == "1":
        files = [f for f in files if os.path.basename(f)[:-5] in QUICK_RULES]
    tests = []
    for fn in files:
        doc = yaml.safe_load(open(fn, encoding="utf-8"))
        if not doc.get("meta", {}).get("enabled", True):
            continue
        for t in doc["tests"]:
            tests.append((os.path.basename(fn), t))
    return files, tests


def to_bytes(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s)


def build_request(inp, marker):
    """The raw request bytes, as ftw builds them, with our X-BGW-Test header added."""
    tag = f"X-BGW-Test: {marker}\r\n".encode()
    if "encoded_request" in inp or "raw_request" in inp:
        raw = base64.b64decode(inp["encoded_request"]) if "encoded_request" in inp \
            else to_bytes(inp["raw_request"])
        nl = raw.find(b"\n")
        return raw[:nl + 1] + tag + raw[nl + 1:] if nl >= 0 else raw + b"\r\n" + tag
    magic = not inp.get("stop_magic", False)
    headers = dict(inp.get("headers") or {})
    data = inp.get("data", "")
    if isinstance(data, list):
        data = "\r\n".join(data)
    data = "" if data is None else str(data)
    if data:
        names = {k.lower() for k in headers}
        if "content-type" not in names and magic:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if headers.get("Content-Type") == "application/x-www-form-urlencoded" and magic and \
                urllib.parse.unquote(data) == data:
            data = "&".join(
                (p.split("=", 1)[0] + "=" + urllib.parse.quote_plus(p.split("=", 1)[1]))
                if "=" in p else p for p in data.split("&"))
        if "content-length" not in names and magic:
            headers["Content-Length"] = str(len(data.encode("utf-8")))
    version = inp.get("version", "HTTP/1.1")
    line = f"{inp.get('method', 'GET')} {inp.get('uri', '/')}{(' ' + version) if version else ''}\r\n"
    out = to_bytes(line)
    for k, v in headers.items():
        out += to_bytes(f"{k}: {v}\r\n")
    return out + tag + b"\r\n" + to_bytes(data)


def send(port, raw, ctx):
    """The response status, or None when no HTTP answer came (expect_error)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_SECONDS) as s:
            with ctx.wrap_socket(s, server_hostname="localhost") as t:
                t.sendall(raw)
                buf = b""
                deadline = time.monotonic() + TIMEOUT_SECONDS
                while time.monotonic() < deadline:
                    try:
                        chunk = t.recv(65536)
                    except (socket.timeout, ssl.SSLError, ConnectionError):
                        break
                    if not chunk:
                        break
                    buf += chunk
                    if complete(buf):
                        break
    except (OSError, ssl.SSLError):
        return None
    m = re.match(rb"HTTP/\d\.\d (\d{3})", buf)
    return int(m.group(1)) if m else None


def complete(buf):
    head, sep, body = buf.partition(b"\r\n\r\n")
    if not sep:
        return False
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if m:
        return len(body) >= int(m.group(1))
    if re.search(rb"(?im)^transfer-encoding:\s*chunked", head):
        return body.endswith(b"0\r\n\r\n")
    return False


def messages(rules_log, start):
    """unique_id -> the ModSecurity messages logged after byte offset start."""
    by_id = {}
    with open(rules_log, "rb") as f:
        f.seek(start)
        for raw in f:
            line = raw.decode("utf-8", errors="replace")
            m = re.search(r'\[unique_id "([^"]+)"\]', line)
            if m:
                by_id.setdefault(m.group(1), []).append(line)
    return by_id


def judge(out, status, lines):
    """The list of unmet expectations ([] = pass)."""
    text = "".join(lines)
    bad = []
    if "status" in out:
        want = out["status"] if isinstance(out["status"], list) else [out["status"]]
        if status not in want:
            bad.append(f"status {status} not in {want}")
    if "log_contains" in out and not re.search(out["log_contains"], text):
        bad.append(f"log lacks {out['log_contains']}")
    if "no_log_contains" in out and re.search(out["no_log_contains"], text):
        bad.append(f"log has {out['no_log_contains']}")
    if out.get("expect_error") and status is not None:
        bad.append(f"expected no answer, got {status}")
    return bad


def classify(out, status, lines, inp, pl):
    """Why a test fails by design: the baseline's reason class."""
    m = re.search(r'id "(\d+)"', out.get("log_contains", "") or "")
    rid = m.group(1) if m else None
    text = "".join(lines)
    if not lines and status in (None, 400, 414, 431, 501, 505):
        return "nginx-refused"          # nginx answered (or dropped) before ModSecurity ran
    if rid and rid in EXCLUDED:
        return "our-exclusion"
    if rid in OUR_SETUP:
        return "our-crs-setup"
    if rid and pl.get(rid, 1) > 1:
        return f"paranoia-{pl[rid]}"     # we run PL1: PL2+ rules never run
    if re.search(r'\[id "2000\d\d"\]', text):
        return "body-refused"           # our main.conf refused the body before CRS phase 2
    if SECRET_ARGS.search(str(inp.get("data", "")) + str(inp.get("uri", ""))):
        return "our-exclusion"          # a secret field name: not inspected by design
    if "no_log_contains" in out:
        return "fires-at-pl1"           # a rule fires where the corpus (PL4, DetectionOnly) says not
    if "status" in out:
        return "status-differs"         # blocking mode or our app answers differently
    return "not-matched"                # the rule did not match in our setup (reviewed: see header)


def read_baseline(path):
    base = {}
    if os.path.exists(path):
        for l in open(path, encoding="utf-8"):
            l = l.strip()
            if l and not l.startswith("#"):
                title, _, cls = l.partition(" ")
                base[title] = cls.strip()
    return base


def main():
    corpus, port, rules_log, baseline, outdir, mode = sys.argv[1:7]
    record = "--record" in sys.argv[7:]
    port = int(port)
    ctx = ssl.create_default_context(cafile=os.environ.get("BGW_CA_CERT"))
    files, tests = load(corpus, mode)
    run_id = f"{os.getpid()}-{int(time.time())}"
    start = os.path.getsize(rules_log)
    t0 = time.monotonic()

    def one(item):
        fn, t = item
        stage = t["stages"][0]["stage"]
        marker = f"ftw-{run_id}-{re.sub(r'[^A-Za-z0-9_-]', '_', str(t['test_title']))}"
        return fn, t, marker, send(port, build_request(stage["input"], marker), ctx)

    with concurrent.futures.ThreadPoolExecutor(PARALLEL) as ex:
        sent = list(ex.map(one, tests))
    time.sleep(LOG_SETTLE_SECONDS)
    by_id = messages(rules_log, start)
    secs = time.monotonic() - t0
    pl = rule_paranoia()
    base = read_baseline(baseline)
    failed, new, fixed, rows = {}, [], [], []
    for fn, t, marker, status in sent:
        stage = t["stages"][0]["stage"]
        lines = by_id.get(marker, [])
        bad = judge(stage["output"], status, lines)
        title = str(t["test_title"])
        rows.append({"test": title, "file": fn, "status": status, "unmet": bad,
                     "rules": sorted(set(re.findall(r'\[id "(\d+)"\]', "".join(lines))))})
        if bad:
            failed[title] = classify(stage["output"], status, lines, stage["input"], pl)
            if title not in base:
                new.append(f"{title} ({fn}): {'; '.join(bad)}; rules matched: {rows[-1]['rules']}")
        elif title in base:
            fixed.append(title)
    with open(os.path.join(outdir, "crs-results.json"), "w") as f:
        json.dump(rows, f, indent=1)
    if record:
        ran = {str(t["test_title"]) for _, t in tests}
        keep = {k: v for k, v in base.items() if k not in ran}
        keep.update(failed)
        header = [l for l in open(baseline, encoding="utf-8") if l.startswith("#")] \
            if os.path.exists(baseline) else []
        with open(baseline, "w", encoding="utf-8") as f:
            f.writelines(header)
            for k in sorted(keep, key=lambda s: (s.split("-")[0], s)):
                f.write(f"{k} {keep[k]}\n")
    for n in new:
        print("new failure: " + n)
    for x in fixed:
        print(f"fixed (remove from {os.path.basename(baseline)}): {x}")
    classes = {}
    for c in failed.values():
        classes[c] = classes.get(c, 0) + 1
    print(f"{len(tests)} tests in {len(files)} files, {len(tests) - len(failed)} passed, "
          f"{len(failed)} failed ({len(failed) - len(new)} in the baseline: "
          + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())) +
          f"), {len(new)} new, {len(fixed)} fixed, {secs:.0f} s")
    sys.exit(1 if (new and not record) or not tests or not by_id else 0)


if __name__ == "__main__":
    main()
