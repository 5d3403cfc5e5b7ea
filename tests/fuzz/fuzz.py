#!/usr/bin/env python3
"""Fuzz suite for baton (issue 12): a real server, attacked with generated requests.

    fuzz.py --build-dir build --requests 3000 --seed 1 [--tls] [--report FILE]

Requests come from the server's own description: GET /api/v2/ lists the resources, OPTIONS of
each list gives the fields its POST/PUT take (type, choices, max_length), and the objects'
`related` links give the sub-lists and actions (launch/, copy/, relaunch/, survey_spec/ ...).
Categories (see CATEGORIES for their weights):

  body     writes with one field or the whole body broken: wrong types, nulls, huge and negative
           numbers, 100 KB strings, NUL, lone surrogates, 10,000-deep JSON, invalid UTF-8,
           non-object JSON, duplicate keys, bad YAML/JSON in variables fields
  query    list queries: unknown fields, bad lookups, invalid regexes, order_by junk, bad page
           and page_size, host_filter garbage, not__/or__/chain__ prefixes
  path     %zz, %00, .., //, 200 segments, ids past int64, negative ids, unicode, 100 KB paths
  method   TRACE, CONNECT, PROPFIND, lowercase and 1,000-character methods
  headers  bad Content-Type, Authorization (bad base64, no colon, empty and 10 KB bearer, unknown
           scheme, two headers), a 100 KB header, 10,000 headers
  wire     garbage request lines, HTTP/1.0, Content-Length shorter/longer than the body, 10 GB
           announced, bad chunk sizes, 50 MB bodies (rarely), slow and truncated requests

Checks after every request: no 5xx; an answer (a status line) for every complete request, in
AWX's JSON error shape for 4xx API answers; the server process alive (and GET /api/v2/ping/
answering after every batch); and a rejected write (4xx to POST/PUT/PATCH/DELETE) changed
nothing in the database. The last is checked exactly and cheaply: a read-only connection's
`PRAGMA data_version` changes only when another connection commits; when it did, every table is
hashed and compared with the last snapshot. While jobs launched by an accepted request still
run, the tables their run writes are left out of the comparison (RUNTIME_TABLES), and the suite
waits for them to finish before the next rejected write is checked in full; the tables the
server writes on its own schedule (notification deliveries and retries) are never compared.

Exit status 0 when there was no finding. Deterministic for a seed (the server's answers aside).
"""

import argparse
import hashlib
import http.client
import json
import os
import random
import socket
import sqlite3
import ssl
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from baton_server import INSECURE_TLS, BatonServer, basic_auth_header  # noqa: E402

CATEGORIES = {"body": 40, "query": 20, "path": 10, "method": 5, "headers": 10, "wire": 15}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Written by a job's run (dispatcher, runner, event ingestion, notifications, workflow manager).
RUNTIME_TABLES = {"unified_jobs", "job_output", "job_events", "job_host_summaries", "hosts",
                  "inventories", "groups", "projects", "job_templates", "inventory_sources",
                  "workflow_job_nodes", "notifications", "notification_job_events",
                  "notification_state", "webhook_status_posts", "activity_stream", "schedules",
                  "workflow_job_templates"}
# Written on the server's own schedule, long after the request that caused it (notification
# deliveries and their retries, webhook status posts): never compared.
BACKGROUND_TABLES = {"notifications", "notification_state", "notification_job_events",
                     "webhook_status_posts"}

BAD_VALUES = [
    None, True, False, 0, -1, 1, 2 ** 31, 2 ** 63, 2 ** 63 - 1, -2 ** 63 - 1, 2 ** 64, 10 ** 30,
    1.5, -0.0, 1e308, "", " ", "x" * 100_000, "a\u0000b", "\ud800", "\udfff\ud800", "\u202e",
    "💥" * 1000, "[", "{", "{{ lookup('pipe', 'id') }}", "../../etc/passwd", "'; DROP TABLE x;--",
    "%s%s%n", [], [1, 2], [None], {}, {"a": 1}, {"id": None}, "1", "-1", "1e400", "NaN", "true",
    "null", "0x10", "---\n- a\n-b: [", "{\"a\": }", "@@@", "99999999999999999999999",
]
LOOKUPS = ["exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith",
           "iendswith", "regex", "iregex", "gt", "gte", "lt", "lte", "in", "isnull", "nope",
           "year", "", "__", "contains__exact"]
REGEXES = ["[", "(", "(?<", "*", "a{99999999}", "(a+)+$", "\\", "[z-a]", "(?P<x>", "\x00"]


DEEP = "\u0001deep\u0001"


class Finding(Exception):
    pass


def deep_json(depth, kind="list"):
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


class Fuzzer:
    def __init__(self, srv, rng, report):
        self.srv = srv
        self.rng = rng
        self.report = report
        self.host = "127.0.0.1"
        self.port = srv.port
        self.tls = srv.tls
        self.auth = basic_auth_header(*srv.admin_auth)
        self.db_path = os.path.join(srv.data_dir, "baton.db")
        self.ro = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True, timeout=30)
        self.version = self.data_version()
        self.snapshot = self.hash_tables()
        self.stats = {"requests": 0, "by_category": {}, "status": {}, "findings": 0,
                      "rejected_writes": 0, "rejected_writes_db_changed_checked": 0,
                      "accepted_writes": 0, "runtime_skips": 0}
        self.findings = []
        self.lists = {}
        self.options = {}
        self.objects = {}
        self.actions = []
        self.jobs_active = False

    # ---- database snapshots -------------------------------------------------

    def data_version(self):
        return self.ro.execute("PRAGMA data_version").fetchone()[0]

    def hash_tables(self, exclude=()):
        out = {}
        names = [r[0] for r in self.ro.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        for name in sorted(names):
            if name in exclude:
                continue
            h = hashlib.sha256()
            for row in self.ro.execute('SELECT * FROM "%s" ORDER BY rowid' % name):
                h.update(repr(row).encode("utf-8", "surrogatepass"))
            out[name] = h.hexdigest()
        return out

    def any_job_active(self):
        row = self.ro.execute("SELECT COUNT(*) FROM unified_jobs WHERE status NOT IN "
                              "('successful','failed','error','canceled')").fetchone()
        return row[0] > 0

    def settle(self, limit=60.0):
        """Waits (bounded) until no launched job is still running and the DB is quiet."""
        deadline = time.monotonic() + limit
        last = self.data_version()
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            v = self.data_version()
            if v != last:
                last, quiet_since = v, time.monotonic()
            if not self.any_job_active() and time.monotonic() - quiet_since > 0.3:
                break
        self.jobs_active = self.any_job_active()
        self.version = self.data_version()
        self.snapshot = self.hash_tables()

    # ---- transport --------------------------------------------------------------

    def connect(self, timeout=30):
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        if self.tls:
            s = INSECURE_TLS.wrap_socket(s, server_hostname="localhost")
        return s

    def raw(self, data, timeout=30, chunks=None, delay=0.0, half_close=False):
        head_only = data.startswith(b"HEAD ")
        """Sends raw bytes (optionally slowly); returns (status or None, headers bytes, body)."""
        s = self.connect(timeout)
        try:
            try:
                if chunks:
                    for c in chunks:
                        s.sendall(c)
                        time.sleep(delay)
                else:
                    s.sendall(data)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the server answered early (413 ...) and closed: read what it said
            if half_close and not self.tls:
                s.shutdown(socket.SHUT_WR)
            buf = b""
            while True:
                try:
                    part = s.recv(65536)
                except (socket.timeout, ConnectionResetError, ssl.SSLError):
                    break
                if not part:
                    break
                buf += part
                if self._complete(buf) or (head_only and b"\r\n\r\n" in buf):
                    break
        finally:
            try:
                s.close()
            except OSError:
                pass
        if not buf.startswith(b"HTTP/1."):
            return None, b"", buf
        head, _, body = buf.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n")[1:]:  # the first answer only (pipelined ones follow)
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length" and v.strip().isdigit():
                body = body[:int(v.strip())]
        try:
            status = int(head.split(b" ", 2)[1])
        except (IndexError, ValueError):
            status = None
        return status, head, body

    @staticmethod
    def _complete(buf):
        head, sep, body = buf.partition(b"\r\n\r\n")
        if not sep:
            return False
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                try:
                    return len(body) >= int(v.strip())
                except ValueError:
                    return True
        return b" 204 " in head.split(b"\r\n")[0] or b" 304 " in head.split(b"\r\n")[0]

    def request(self, method, path, body=None, headers=None, auth=True, ctype="application/json"):
        """One well-formed HTTP request; returns (status, headers dict, body bytes)."""
        conn_cls = http.client.HTTPSConnection if self.tls else http.client.HTTPConnection
        kw = {"context": INSECURE_TLS} if self.tls else {}
        conn = conn_cls(self.host, self.port, timeout=60, **kw)
        hdrs = {"Accept": "application/json"}
        if auth:
            hdrs["Authorization"] = self.auth
        if body is not None:
            if ctype:
                hdrs["Content-Type"] = ctype
            if isinstance(body, str):
                body = body.encode("utf-8", "surrogatepass")
        if headers:
            hdrs.update(headers)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for k, v in hdrs.items():
                conn.putheader(k, v)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        except (http.client.HTTPException, OSError) as e:
            return None, {}, repr(e).encode()
        finally:
            conn.close()

    # ---- checks -----------------------------------------------------------------

    def finding(self, kind, what, detail):
        self.stats["findings"] += 1
        entry = {"kind": kind, "request": what, "detail": detail}
        self.findings.append(entry)
        if what == "control":
            return
        sys.stderr.write("FINDING %s: %s\n  %s\n" % (kind, what[:300], str(detail)[:600]))

    def check(self, category, what, method, status, body, api_answer=True, answer_due=True):
        self.stats["requests"] += 1
        self.stats["by_category"][category] = self.stats["by_category"].get(category, 0) + 1
        key = str(status) if status is not None else "none"
        self.stats["status"][key] = self.stats["status"].get(key, 0) + 1
        if not self.srv.alive():
            self.finding("crash", what, "server exited with %s" % self.srv.proc.returncode)
            raise Finding("server died")
        if status is None:
            if answer_due:
                self.finding("dropped", what, body[:300])
        elif status >= 500:
            self.finding("5xx", what, "%s %r" % (status, body[:500]))
        elif 400 <= status < 500 and api_answer and method != "HEAD" and body:
            try:
                parsed = json.loads(body)
                if not isinstance(parsed, (dict, list)):
                    raise ValueError("not an object")
            except ValueError:
                if b"<html" not in body[:200].lower():  # the browsable login form
                    self.finding("error-shape", what, "%s %r" % (status, body[:300]))
        self.check_db(what, method, status)

    def check_db(self, what, method, status):
        if method in WRITE_METHODS and status is not None and 400 <= status < 500:
            self.stats["rejected_writes"] += 1
        v = self.data_version()
        if v == self.version:
            return
        rejected = method in WRITE_METHODS and status is not None and 400 <= status < 500
        if not rejected:
            if method in WRITE_METHODS and status is not None and status < 300:
                self.stats["accepted_writes"] += 1
                if self.any_job_active():
                    self.settle()
                    return
            self.version = v
            self.snapshot = self.hash_tables()
            return
        self.stats["rejected_writes_db_changed_checked"] += 1
        active = self.any_job_active()
        exclude = (RUNTIME_TABLES if active else set()) | BACKGROUND_TABLES
        now = self.hash_tables(exclude)
        before = {k: h for k, h in self.snapshot.items() if k not in exclude}
        changed = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
        if active:
            self.stats["runtime_skips"] += 1
        if changed:
            self.finding("rejected-write-changed-data", what, "%s changed %s" % (status, changed))
        self.version = v
        self.snapshot = self.hash_tables()

    # ---- discovery ------------------------------------------------------------

    def get_json(self, path):
        status, _, body = self.request("GET", path)
        if status != 200:
            raise SystemExit("fuzz: setup GET %s -> %s %r" % (path, status, body[:300]))
        return json.loads(body)

    def discover(self):
        root = self.get_json("/api/v2/")
        for name, url in sorted(root.items()):
            if not isinstance(url, str) or not url.startswith("/api/v2/"):
                continue
            self.lists[name] = url
            status, _, body = self.request("OPTIONS", url)
            if status == 200:
                meta = json.loads(body)
                self.options[url] = meta.get("actions", {})
            status, _, body = self.request("GET", url + "?page_size=5")
            if status == 200:
                page = json.loads(body)
                if isinstance(page, dict) and isinstance(page.get("results"), list):
                    # Never the fuzzer's own account: a write that changes its password or
                    # deletes it would turn the rest of the run into 401s.
                    self.objects[url] = [o for o in page["results"] if isinstance(o, dict) and o.get("url")
                                         and o.get("username") != self.srv.admin_user]
        seen = set()
        for objs in self.objects.values():
            for o in objs:
                for rel in (o.get("related") or {}).values():
                    if isinstance(rel, str) and rel.startswith("/api/v2/") and rel not in seen:
                        seen.add(rel)
                        self.actions.append(rel)
        self.actions.sort()

    def seed_objects(self):
        """A few objects of each kind that the fuzzer's writes can aim at."""
        def post(path, body):
            status, _, out = self.request("POST", path, json.dumps(body))
            if status != 201:
                raise SystemExit("fuzz: setup POST %s -> %s %r" % (path, status, out[:300]))
            return json.loads(out)["id"]
        org = post("/api/v2/organizations/", {"name": "fuzz org"})
        post("/api/v2/users/", {"username": "fuzz_user", "password": "fuzz-pw-1"})
        post("/api/v2/teams/", {"name": "fuzz team", "organization": org})
        inv = post("/api/v2/inventories/", {"name": "fuzz inv", "organization": org})
        host = post("/api/v2/hosts/", {"name": "fuzzhost", "inventory": inv,
                                        "variables": "ansible_connection: local"})
        group = post("/api/v2/groups/", {"name": "fuzzgroup", "inventory": inv})
        self.request("POST", "/api/v2/groups/%d/hosts/" % group, json.dumps({"id": host}))
        post("/api/v2/labels/", {"name": "fuzz label", "organization": org})
        post("/api/v2/credentials/", {"name": "fuzz cred", "organization": org,
                                       "credential_type": 1, "inputs": {"username": "u"}})
        post("/api/v2/workflow_job_templates/", {"name": "fuzz wf", "organization": org})
        post("/api/v2/notification_templates/", {
            "name": "fuzz nt", "organization": org, "notification_type": "webhook",
            "notification_configuration": {"url": "http://127.0.0.1:9/", "headers": {}}})
        self.settle()

    # ---- generators -----------------------------------------------------------

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def bad_value(self):
        r = self.rng.random()
        if r < 0.05:
            return DEEP  # replaced by 10,000-deep JSON text when the body is serialized
        return self.pick(BAD_VALUES)

    def sample_body(self, fields):
        body = {}
        for name, meta in fields.items():
            if not isinstance(meta, dict) or meta.get("read_only"):
                continue
            t = meta.get("type")
            if self.rng.random() < 0.5 and not meta.get("required"):
                continue
            if meta.get("choices"):
                c = self.pick(meta["choices"])
                body[name] = c[0] if isinstance(c, list) else c
            elif t in ("integer", "id", "field"):
                body[name] = self.rng.randint(1, 5)
            elif t == "boolean":
                body[name] = self.rng.random() < 0.5
            elif t in ("json", "dict", "object"):
                body[name] = {}
            elif t == "list":
                body[name] = []
            else:
                body[name] = "fuzz-%d" % self.rng.randrange(10 ** 6)
        return body

    def gen_body(self):
        r = self.rng.random()
        if r < 0.45:
            url = self.pick(sorted(self.options))
            method, fields = "POST", self.options[url].get("POST") or {}
            path = url
        elif r < 0.8 and self.objects:
            url = self.pick(sorted(self.objects))
            if not self.objects[url]:
                return self.gen_query()
            obj = self.pick(self.objects[url])
            method = self.pick(["PUT", "PATCH", "PATCH", "POST", "DELETE"])
            fields = self.options.get(url, {}).get("PUT") or self.options.get(url, {}).get("POST") or {}
            path = obj["url"]
            if method == "DELETE" and self.rng.random() < 0.9:
                path = obj["url"].rstrip("/") + str(self.rng.randrange(1000, 10 ** 6)) + "/"
        else:
            path = self.pick(self.actions) if self.actions else "/api/v2/organizations/"
            method, fields = "POST", {}
        body = self.sample_body(fields)
        mode = self.rng.random()
        ctype = "application/json"
        if mode < 0.55 and (body or fields):
            keys = list(fields) or list(body) or ["name"]
            for _ in range(self.rng.randint(1, 3)):
                body[self.pick(keys)] = self.bad_value()
            raw = json.dumps(body, ensure_ascii=self.rng.random() < 0.5)
            raw = raw.replace(json.dumps(DEEP), deep_json(10000, self.pick(["list", "dict"])))
        elif mode < 0.62:
            raw = deep_json(10000, self.pick(["list", "dict"]))
        elif mode < 0.68:
            raw = json.dumps(body)[:-1] + ', "name": "a", "name": "b"}' if body else '{"a":1,"a":2}'
        elif mode < 0.74:
            raw = self.pick(["[]", "1", '"str"', "null", "true", "[{}]", "{", "}", "{'a': 1}",
                             "{\"a\": 1,}", "\ufeff{}", "{\"a\": NaN}", "{\"a\": 1e999}"])
        elif mode < 0.80:
            raw = b'{"name": "\xff\xfe\xc3\x28", "description": "\xed\xa0\x80"}'
        elif mode < 0.84:
            raw = ""
        elif mode < 0.88:
            raw = json.dumps({"variables": self.pick(["a: [", "{{", "- :", "\t\tx: y", "{\"a\":"]),
                              "extra_vars": self.pick(["a: [", "[1, 2]", "not yaml: : :", "7"])})
        elif mode < 0.92:
            raw = json.dumps(body)
            ctype = self.pick(["text/plain", "multipart/form-data; boundary=x", "application/xml",
                               "application/json; charset=latin1", None, "application/x-www-form-urlencoded"])
        else:
            raw = json.dumps({"id": self.pick([0, -1, 2 ** 63, "1", None, [1], 10 ** 9]),
                              "disassociate": self.pick([True, "yes", 1, None])})
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogatepass")
        status, _, out = self.request(method, path, raw, ctype=ctype)
        self.check("body", "%s %s %r" % (method, path, raw[:200]), method, status, out)

    def gen_query(self):
        url = self.pick(sorted(self.lists.values()))
        fields = list((self.options.get(url, {}).get("GET") or {}).keys()) or ["name", "id"]
        parts = []
        for _ in range(self.rng.randint(1, 3)):
            r = self.rng.random()
            f = self.pick(fields + ["nope", "password", "related", "summary_fields", "x" * 300])
            if r < 0.3:
                parts.append("%s__%s=%s" % (f, self.pick(LOOKUPS), urllib.parse.quote(self.pick(["", "abc", "1,,2", "-1", "\x00", "9" * 40, "true", "%zz", "\ud800"]), errors="surrogatepass")))
            elif r < 0.4:
                parts.append("%s__regex=%s" % (f, urllib.parse.quote(self.pick(REGEXES))))
            elif r < 0.55:
                parts.append("order_by=%s" % self.pick(["-", "nope", "id,,", "-" + f, "?", "id__name", "random()", "id,-id," * 50]))
            elif r < 0.65:
                parts.append("page=%s" % self.pick(["-1", "0", "abc", "99999999999999999999999", "1e3", ""]))
            elif r < 0.75:
                parts.append("page_size=%s" % self.pick(["0", "-5", "10000000", "abc", "1" * 30]))
            elif r < 0.82:
                parts.append("search=%s" % urllib.parse.quote(self.pick(["%", "_", "\\", "'", "\"", "x" * 5000, "💥"])))
            elif r < 0.9:
                parts.append("host_filter=%s" % urllib.parse.quote(self.pick([
                    "(", ")", "name=", "name=a or", "and", "ansible_facts__a__b=", "((((((name=a",
                    "name=a and (b=c or", "ansible_facts__a[]=1", "x" * 2000, "name=a" + " or name=b" * 500,
                    "groups__name__regex=[", "not name=a", "a=b=c", "\"unterminated"])))
            else:
                parts.append("%s%s=%s" % (self.pick(["not__", "or__", "chain__", "not__or__", ""]), f, self.pick(["1", ""])))
        path = url + "?" + "&".join(parts)
        if self.pick([False, True]) and "/hosts/" not in url:
            path = "/api/v2/hosts/?" + "&".join(parts)
        status, _, out = self.request("GET", path)
        self.check("query", "GET " + path[:300], "GET", status, out)

    def gen_path(self):
        base = self.pick(sorted(self.lists.values()))
        path = self.pick([
            base + "%zz/", base + "%00/", base + "../../", "/api/v2//organizations//", "/api/v2/../v2/",
            "/api/" + "a/" * 200, base + "99999999999999999999999/", base + "-1/", base + "0/",
            base + "9223372036854775808/", base + "1e3/", base + "\u00e9/", base + "%C3%A9/",
            "/" + "x" * 100_000, base + "1/%2e%2e/", base + "?", base + "?&&&=&", base + "#frag",
            "/api/v2/" + "%" * 10, base + "1/nope/", base + "1/launch/x/", "/api/v2/%ff%fe/",
            "/api/v2/organizations/1/users/99999999999999999999/", "*", "/api/v2/\t/", base + ";x=1/"])
        method = self.pick(["GET", "GET", "POST", "DELETE", "OPTIONS", "HEAD"])
        safe = path.encode("utf-8").decode("latin-1")
        status, _, out = self.raw(("%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\n"
                                   "Content-Length: 2\r\nContent-Type: application/json\r\n\r\n{}"
                                   % (method, safe, self.auth)).encode("latin-1"))
        self.check("path", "%s %s" % (method, path[:200]), method, status, out)

    def gen_method(self):
        method = self.pick(["TRACE", "CONNECT", "PROPFIND", "get", "Post", "M" * 1000, "PATCH ",
                            "GET\x00", "BREW", "DELETE"])
        path = self.pick(sorted(self.lists.values()))
        req = "%s %s HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Length: 0\r\n\r\n" % (method, path, self.auth)
        status, _, out = self.raw(req.encode("latin-1"))
        self.check("method", "%s %s" % (method[:40], path), method, status, out)

    def gen_headers(self):
        path = self.pick(sorted(self.lists.values()))
        r = self.rng.random()
        extra = ""
        auth = "Authorization: %s\r\n" % self.auth
        if r < 0.5:
            auth = "Authorization: %s\r\n" % self.pick([
                "Basic !!!notbase64", "Basic " + "YWRtaW4=", "Basic ", "Bearer ", "Bearer " + "x" * 10_000,
                "Digest abc", "Basic YTpi\x00", "basic " + self.auth[6:], "Bearer\tabc", "Token abc",
                self.auth + "\r\nAuthorization: Bearer x", "Basic " + "A" * 100_000])
        elif r < 0.65:
            extra = "X-Big: " + "x" * 100_000 + "\r\n"
        elif r < 0.72:
            extra = "".join("X-H%d: v\r\n" % i for i in range(10_000))
        elif r < 0.85:
            extra = "Content-Type: %s\r\n" % self.pick(["text/plain", "application/json; charset=utf-16", "", "x" * 5000])
        else:
            extra = self.pick(["Cookie: awx_sessionid=%s; csrftoken=x\r\n" % ("z" * 5000),
                               "X-CSRFToken: \r\n", "Host: \r\n", "Transfer-Encoding: gzip\r\n",
                               "Expect: 100-continue\r\n", "Connection: upgrade\r\nUpgrade: h2c\r\n"])
        method = self.pick(["GET", "POST", "PATCH"])
        body = "{}" if method != "GET" else ""
        req = "%s %s HTTP/1.1\r\nHost: x\r\n%s%sContent-Length: %d\r\n\r\n%s" % (method, path, auth, extra, len(body), body)
        status, _, out = self.raw(req.encode("latin-1"))
        self.check("headers", "%s %s [%s]" % (method, path, (auth + extra)[:120]), method, status, out)

    def gen_wire(self):
        path = self.pick(sorted(self.lists.values()))
        a = "Authorization: %s\r\n" % self.auth
        r = self.rng.random()
        due, chunks, delay, kind = True, None, 0.0, ""
        if r < 0.12:
            data, kind = self.pick([b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"\x16\x03\x01\x00\x05hello\r\n\r\n",
                                    b"GET / HTTP/9.9\r\n\r\n", b" / HTTP/1.1\r\n\r\n", b"GET /api/v2/ HTTP/1.1\nHost: x\n\n"]), "garbage"
        elif r < 0.22:
            data, kind = ("GET %s HTTP/1.0\r\n%s\r\n" % (path, a)).encode(), "http/1.0"
        elif r < 0.34:
            data, kind = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{\"name\": \"x\"}" % (path, a)).encode(), "cl-short"
        elif r < 0.44:
            data, kind = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{}" % (path, a)).encode(), "cl-long"
            due = False  # the body never completes: the server may wait for its idle timeout
        elif r < 0.54:
            data, kind = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{}" % (path, a)).encode(), "cl-10gb"
        elif r < 0.64:
            data, kind = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n%s" % (
                path, a, self.pick(["zz\r\n{}\r\n0\r\n\r\n", "ffffffffffffffffff\r\n{}\r\n", "-1\r\n\r\n", "2\r\n{}\r\n", "2;x=y\r\n{}\r\n0\r\n\r\n"]))).encode(), "chunked"
            due = not data.endswith(b"{}\r\n") or b"ffff" in data
        elif r < 0.66:
            big = b"{\"name\": \"" + b"x" * (50 * 1024 * 1024) + b"\"}"
            data, kind = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (path, a, len(big))).encode() + big, "50mb"
        elif r < 0.8:
            full = ("GET %s HTTP/1.1\r\nHost: x\r\n%s\r\n" % (path, a)).encode()
            chunks = [full[i:i + 7] for i in range(0, len(full), 7)]
            data, delay, kind = full, 0.01, "slow"
        else:
            full = ("POST %s HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{\"na" % (path, a)).encode()
            cut = self.rng.randrange(5, len(full))
            data, kind, due = full[:cut], "truncated", False
        timeout = 2.0 if not due else 30
        method = data.split(b" ", 1)[0].decode("latin-1", "replace")
        status, _, out = self.raw(data, timeout=timeout, chunks=chunks, delay=delay, half_close=not due)
        self.check("wire", "%s %s" % (kind, data[:120]), method, status, out, answer_due=due)

    # ---- the checks' own control ----------------------------------------------------

    def control(self):
        """The change detector must see a change: one is made behind the server's back, shown to
        check_db as if a rejected write had made it, and must be reported; then undone."""
        rw = sqlite3.connect(self.db_path, timeout=30)
        before = self.stats["findings"], len(self.findings)
        rw.execute("UPDATE organizations SET description = description || '~' WHERE id = 1")
        rw.commit()
        self.check_db("control", "PATCH", 400)
        caught = self.stats["findings"] == before[0] + 1
        self.stats["findings"], self.findings = before[0], self.findings[:before[1]]
        rw.execute("UPDATE organizations SET description = substr(description, 1, length(description) - 1) WHERE id = 1")
        rw.commit()
        rw.close()
        self.stats["rejected_writes"] -= 1
        self.stats["rejected_writes_db_changed_checked"] -= 1
        self.version = self.data_version()
        self.snapshot = self.hash_tables()
        if not caught:
            raise SystemExit("fuzz: the change detector missed a change (control failed)")
        sys.stderr.write("fuzz: control ok (a change under a rejected write is reported)\n")

    # ---- the run ------------------------------------------------------------------

    def ping(self):
        status, _, body = self.request("GET", "/api/v2/ping/", auth=False)
        if status != 200:
            self.finding("ping", "GET /api/v2/ping/", "%s %r" % (status, body[:200]))
        status, _, body = self.request("GET", "/api/v2/me/")
        if status != 200:
            raise SystemExit("fuzz: the admin's own requests get %s (%r): the run lost its account"
                             % (status, body[:200]))

    def run(self, n):
        gens = {"body": self.gen_body, "query": self.gen_query, "path": self.gen_path,
                "method": self.gen_method, "headers": self.gen_headers, "wire": self.gen_wire}
        names = list(CATEGORIES)
        weights = [CATEGORIES[k] for k in names]
        t0 = time.monotonic()
        order = names * 1 + [self.rng.choices(names, weights)[0] for _ in range(max(0, n - len(names)))]
        spent = {}
        for i, cat in enumerate(order[:n]):
            t1 = time.monotonic()
            try:
                gens[cat]()
            except Finding:
                break
            spent[cat] = spent.get(cat, 0.0) + time.monotonic() - t1
            if i % 200 == 199:
                self.ping()
                if self.report and i % 5000 == 4999:
                    sys.stderr.write("fuzz: %d requests, %d findings, %.0f s\n"
                                     % (self.stats["requests"], self.stats["findings"], time.monotonic() - t0))
        self.ping()
        self.stats["seconds"] = round(time.monotonic() - t0, 1)
        self.stats["seconds_by_category"] = {k: round(v, 1) for k, v in sorted(spent.items())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=None)
    ap.add_argument("--requests", type=int, default=int(os.environ.get("BATON_FUZZ_REQUESTS", "3000")))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tls", action="store_true")
    ap.add_argument("--report", default=None, help="write the summary and findings as JSON here")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    # Wrong passwords are part of the attack: the throttle would answer most of them 429, which
    # is right but hides what a check does; the throttle has its own tests.
    with BatonServer(build_dir=args.build_dir, tls=args.tls,
                     extra_args=["--no-auth-throttle", "--body-limit", "1048576"]) as srv:
        fz = Fuzzer(srv, rng, args.report)
        fz.seed_objects()
        fz.discover()
        fz.control()
        fz.run(args.requests)
        alive = srv.alive()
        summary = dict(fz.stats, seed=args.seed, tls=args.tls, server_alive=alive,
                       resources=len(fz.lists), action_urls=len(fz.actions))
    exit_code = getattr(srv, "exit_code", None)
    summary["server_exit_code"] = exit_code
    if exit_code not in (0, None):
        fz.finding("exit", "SIGTERM", "server exited with %s after the run" % exit_code)
        summary["findings"] = fz.stats["findings"]
    print(json.dumps(summary, indent=1, sort_keys=True))
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"summary": summary, "findings": fz.findings}, f, indent=1)
    return 1 if summary["findings"] or not alive else 0


if __name__ == "__main__":
    sys.exit(main())
