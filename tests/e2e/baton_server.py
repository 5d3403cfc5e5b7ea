"""Helpers for baton end-to-end tests (stdlib only, runs under /usr/bin/python3).

    from baton_server import BatonServer, run_playbook

    with BatonServer() as srv:             # build dir from $BATON_BUILD_DIR or argument
        status, body = srv.api("GET", "/api/v2/me/")            # Basic auth as admin
        status, body = srv.api("GET", "/api/v2/me/", token=tok)  # Bearer
        res = run_playbook("playbooks/identity.yml", {"controller_host": srv.base_url, ...})
        res.ok, res.task("Create organization")["changed"], res.failures()

BatonServer starts `<build>/baton serve --listen 127.0.0.1:<free port>
--data-dir <tmp>` (with `--tls-self-signed` and an https:// base URL when
BATON_E2E_SCHEME=https, or tls=True) with BATON_ADMIN_USER / BATON_ADMIN_PASSWORD /
BATON_PBKDF2_ITERATIONS set, waits for GET /api/v2/ping/ == 200, and on exit
sends SIGTERM (SIGKILL after 10 s) and removes the temp dir (kept when
BATON_E2E_KEEP_TMP=1).  Server stdout/stderr go to <tmp>/baton.log;
`srv.log_tail()` returns the end of it for failure reports.
"""

import base64
import json
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

PING_PATH = "/api/v2/ping/"


# --------------------------------------------------------------------------
# build dir / binary discovery
# --------------------------------------------------------------------------

def resolve_build_dir(build_dir=None):
    """Build dir from the argument, else $BATON_BUILD_DIR, else <repo>/build.

    A relative path is tried against the current directory first, then against
    the repository root (so `BATON_BUILD_DIR=build` works from anywhere)."""
    cand = build_dir or os.environ.get("BATON_BUILD_DIR") or "build"
    if os.path.isabs(cand):
        return cand
    for base in (os.getcwd(), REPO_ROOT):
        p = os.path.abspath(os.path.join(base, cand))
        if os.path.isdir(p):
            return p
    return os.path.abspath(os.path.join(REPO_ROOT, cand))


def find_baton_binary(build_dir=None):
    bdir = resolve_build_dir(build_dir)
    for rel in ("baton", os.path.join("src", "baton"), os.path.join("bin", "baton")):
        p = os.path.join(bdir, rel)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    raise FileNotFoundError(
        "baton binary not found in build dir %r (set BATON_BUILD_DIR or pass the build dir)" % bdir)


def free_port(host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind((host, 0))
        return s.getsockname()[1]
    finally:
        s.close()


# --------------------------------------------------------------------------
# HTTP helper
# --------------------------------------------------------------------------

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # surface 3xx to the caller as HTTPError


# Certificate checks off, as users of a self-signed certificate run their clients.
INSECURE_TLS = ssl.create_default_context()
INSECURE_TLS.check_hostname = False
INSECURE_TLS.verify_mode = ssl.CERT_NONE

_OPENER = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=INSECURE_TLS))


def e2e_scheme():
    """"https" when the suite runs over TLS (BATON_E2E_SCHEME=https), else "http"."""
    return "https" if os.environ.get("BATON_E2E_SCHEME", "http").lower() == "https" else "http"


def basic_auth_header(user, password):
    raw = ("%s:%s" % (user, password)).encode("utf-8")
    return "Basic " + base64.b64encode(raw).decode("ascii")


def http_request(base_url, method, path, body=None, auth=None, token=None,
                 headers=None, timeout=15):
    """One HTTP request; returns (status, parsed_json_or_text, response_headers).

    `path` may be absolute (http://...) or a path ("/api/v2/..."); a dict `body`
    is sent as JSON.  Redirects are not followed.  Never raises on HTTP status."""
    url = path if path.startswith("http://") or path.startswith("https://") else base_url + path
    hdrs = {"Accept": "application/json"}
    data = None
    if body is not None:
        if isinstance(body, (bytes, bytearray)):
            data = bytes(body)
        else:
            data = json.dumps(body).encode("utf-8")
            hdrs["Content-Type"] = "application/json"
    if token is not None:
        hdrs["Authorization"] = "Bearer " + token
    elif auth is not None:
        hdrs["Authorization"] = basic_auth_header(*auth)
    if headers:
        hdrs.update(headers)
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        resp = _OPENER.open(req, timeout=timeout)
        status, raw, rh = resp.status, resp.read(), dict(resp.headers)
        resp.close()
    except urllib.error.HTTPError as e:
        status, raw, rh = e.code, e.read(), dict(e.headers or {})
    text = raw.decode("utf-8", "replace")
    if not text:
        return status, None, rh
    try:
        return status, json.loads(text), rh
    except ValueError:
        return status, text, rh


# --------------------------------------------------------------------------
# server fixture
# --------------------------------------------------------------------------

class BatonServer:
    """Context manager running one throw-away baton server."""

    def __init__(self, build_dir=None, admin_user="admin", admin_password=None,
                 startup_timeout=20.0, extra_env=None, extra_args=None, tls=None):
        self.binary = find_baton_binary(build_dir)
        self.tls = (e2e_scheme() == "https") if tls is None else bool(tls)
        self.admin_user = admin_user
        self.admin_password = admin_password or ("pw-" + secrets.token_urlsafe(12))
        self.startup_timeout = startup_timeout
        self.extra_env = dict(extra_env or {})
        self.extra_args = list(extra_args or [])
        if self.tls and "--tls-self-signed" not in self.extra_args:
            self.extra_args.append("--tls-self-signed")
        self.tmp = None
        self.data_dir = None
        self.log_path = None
        self.port = None
        self.base_url = None
        self.proc = None
        self._log = None

    # convenience
    @property
    def admin_auth(self):
        return (self.admin_user, self.admin_password)

    @property
    def controller_host(self):
        return self.base_url

    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="baton-e2e-")
        self.data_dir = os.path.join(self.tmp, "data")
        os.makedirs(self.data_dir)
        self.log_path = os.path.join(self.tmp, "baton.log")
        try:
            self._start()
        except BaseException:
            self._stop()
            self._cleanup(keep_on_error=True)
            raise
        return self

    def __exit__(self, *exc):
        self._stop()
        self._cleanup()
        return False

    def _start(self):
        env = dict(os.environ)
        env.update({
            "BATON_ADMIN_USER": self.admin_user,
            "BATON_ADMIN_PASSWORD": self.admin_password,
            "BATON_PBKDF2_ITERATIONS": "1000",
        })
        env.update(self.extra_env)
        last_err = None
        for _attempt in range(3):  # free_port() can race with other processes
            self.port = free_port()
            self.base_url = "%s://127.0.0.1:%d" % ("https" if self.tls else "http", self.port)
            cmd = [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
                   "--data-dir", self.data_dir] + self.extra_args
            self._log = open(self.log_path, "ab")
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                         stderr=subprocess.STDOUT, env=env, cwd=self.tmp)
            deadline = time.monotonic() + self.startup_timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    last_err = "baton exited with code %s during startup" % self.proc.returncode
                    break
                try:
                    status, _, _ = http_request(self.base_url, "GET", PING_PATH, timeout=2)
                    if status == 200:
                        return
                    last_err = "GET %s -> %s" % (PING_PATH, status)
                except (OSError, urllib.error.URLError) as e:
                    last_err = "GET %s: %s" % (PING_PATH, e)
                time.sleep(0.1)
            else:
                last_err = "no 200 from %s within %.0fs (last: %s)" % (PING_PATH, self.startup_timeout, last_err)
                self._stop()
                break
            self._stop()
        raise RuntimeError("baton did not start: %s\n--- server log ---\n%s" % (last_err, self.log_tail()))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def _stop(self):
        if self.proc is not None:
            if self.proc.poll() is None:
                try:
                    self.proc.send_signal(signal.SIGTERM)
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    sys.stderr.write("baton did not exit 10s after SIGTERM; killing pid %d\n" % self.proc.pid)
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.exit_code = self.proc.returncode
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _cleanup(self, keep_on_error=False):
        if not self.tmp:
            return
        if os.environ.get("BATON_E2E_KEEP_TMP") == "1" or keep_on_error:
            sys.stderr.write("baton e2e temp dir kept: %s\n" % self.tmp)
            return
        shutil.rmtree(self.tmp, ignore_errors=True)
        self.tmp = None

    def log_tail(self, max_bytes=8000):
        try:
            with open(self.log_path, "rb") as f:
                f.seek(0, os.SEEK_END)
                size = f.tell()
                f.seek(max(0, size - max_bytes))
                return f.read().decode("utf-8", "replace")
        except (OSError, TypeError):
            return "(no server log)"

    # ---- API helpers ----------------------------------------------------

    def api(self, method, path, body=None, auth=None, token=None, headers=None, timeout=15):
        """(status, json) for one request.  Default auth: Basic as the admin.
        Pass auth=(user, pw) for another user, token="..." for Bearer, or
        auth=False for an anonymous request."""
        if auth is None and token is None:
            auth = self.admin_auth
        elif auth is False:
            auth = None
        status, body_json, _ = http_request(self.base_url, method, path, body=body, auth=auth,
                                            token=token, headers=headers, timeout=timeout)
        return status, body_json

    def api_full(self, method, path, body=None, auth=None, token=None, headers=None, timeout=15):
        """Like api() but returns (status, json, headers)."""
        if auth is None and token is None:
            auth = self.admin_auth
        elif auth is False:
            auth = None
        return http_request(self.base_url, method, path, body=body, auth=auth,
                            token=token, headers=headers, timeout=timeout)

    def get_all(self, path, auth=None, token=None, max_pages=50):
        """GET a paginated list following `next`; returns the merged results."""
        results = []
        url = path
        for _ in range(max_pages):
            status, body = self.api("GET", url, auth=auth, token=token)
            if status != 200 or not isinstance(body, dict) or "results" not in body:
                raise AssertionError("GET %s -> %s %r" % (url, status, body))
            results.extend(body["results"])
            url = body.get("next")
            if not url:
                return results
        raise AssertionError("GET %s: more than %d pages" % (path, max_pages))


# --------------------------------------------------------------------------
# ansible-playbook runner
# --------------------------------------------------------------------------

class PlaybookResult:
    """Parsed output of `ansible-playbook` with the json stdout callback."""

    def __init__(self, cmd, returncode, stdout, stderr, elapsed):
        self.cmd = cmd
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.elapsed = elapsed
        self.data = None
        self.parse_error = None
        try:
            start = stdout.index("{")
            self.data = json.loads(stdout[start:])
        except ValueError as e:
            self.parse_error = str(e)

    @property
    def stats(self):
        return (self.data or {}).get("stats", {})

    @property
    def ok(self):
        if self.returncode != 0 or self.data is None:
            return False
        return all(s.get("failures", 0) == 0 and s.get("unreachable", 0) == 0
                   for s in self.stats.values())

    def tasks(self, host="localhost", include_skipped=False):
        """List of {"play", "name", "action", "result", "changed", "failed", "skipped"}."""
        out = []
        for play in (self.data or {}).get("plays", []):
            pname = play.get("play", {}).get("name")
            for t in play.get("tasks", []):
                res = t.get("hosts", {}).get(host)
                if res is None:
                    continue
                skipped = bool(res.get("skipped"))
                if skipped and not include_skipped:
                    continue
                out.append({
                    "play": pname,
                    "name": t.get("task", {}).get("name"),
                    "action": res.get("action"),
                    "result": res,
                    "changed": bool(res.get("changed")),
                    "failed": bool(res.get("failed")),
                    "skipped": skipped,
                })
        return out

    def task(self, name, host="localhost"):
        """Result dict of the (last) task with that name that was not skipped."""
        found = [t for t in self.tasks(host) if t["name"] == name]
        if not found:
            raise KeyError("task %r not in playbook output (ran: %s)"
                           % (name, [t["name"] for t in self.tasks(host)]))
        return found[-1]["result"]

    def failures(self, host="localhost"):
        return [t for t in self.tasks(host) if t["failed"] and not t["result"].get("ignore_errors")]

    def warnings(self, host="localhost"):
        w = []
        for t in self.tasks(host):
            for msg in t["result"].get("warnings", []) or []:
                w.append((t["name"], msg))
        return w

    def report(self, max_stderr=4000):
        """Human-readable dump for assertion messages: failing task results in full."""
        lines = ["$ " + " ".join(self.cmd), "rc=%s elapsed=%.1fs" % (self.returncode, self.elapsed)]
        if self.data is None:
            lines.append("could not parse json callback output (%s); stdout:" % self.parse_error)
            lines.append(self.stdout[-max_stderr:])
        else:
            lines.append("stats: %s" % json.dumps(self.stats))
            for t in self.tasks():
                flag = "FAILED" if t["failed"] else ("changed" if t["changed"] else "ok")
                lines.append("  [%s] %s" % (flag, t["name"]))
            for t in self.failures():
                lines.append("---- failed task %r (%s) full result:" % (t["name"], t["action"]))
                lines.append(json.dumps(t["result"], indent=2, sort_keys=True, default=str))
        if self.stderr.strip():
            lines.append("---- stderr (tail):")
            lines.append(self.stderr[-max_stderr:])
        return "\n".join(lines)


def ansible_env(extra=None):
    env = dict(os.environ)
    for k in list(env):
        if k in ("ANSIBLE_COLLECTIONS_PATH", "ANSIBLE_COLLECTIONS_PATHS", "ANSIBLE_CONFIG",
                 "ANSIBLE_STDOUT_CALLBACK", "ANSIBLE_CALLBACKS_ENABLED") \
                or k.startswith("CONTROLLER_") or k.startswith("TOWER_"):
            del env[k]
    env.update({
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_STDOUT_CALLBACK": "json",
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_LOCALHOST_WARNING": "False",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        "ANSIBLE_PIPELINING": "True",
        "ANSIBLE_PYTHON_INTERPRETER": "/usr/bin/python3",
    })
    if extra:
        env.update(extra)
    return env


def run_playbook(playbook, extra_vars=None, timeout=90, verbosity=0, extra_args=None,
                 env=None, ansible_playbook="ansible-playbook"):
    """Run ansible-playbook on `playbook` (relative paths are resolved against
    tests/e2e/) with `extra_vars` passed as JSON; returns a PlaybookResult."""
    if not os.path.isabs(playbook):
        playbook = os.path.join(HERE, playbook)
    cmd = [shutil.which(ansible_playbook) or ansible_playbook, playbook]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    cmd += list(extra_args or [])
    # run from an empty dir so no stray ansible.cfg / tower_cli.cfg is picked up
    workdir = tempfile.mkdtemp(prefix="baton-e2e-ansible-")
    t0 = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=ansible_env(env), cwd=workdir,
                              timeout=timeout)
        rc, out, err = proc.returncode, proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        rc, out, err = -1, e.stdout or b"", (e.stderr or b"") + b"\n*** ansible-playbook timed out ***"
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    shown = [c if c != json.dumps(extra_vars) else "<extra vars>" for c in cmd] if extra_vars else cmd
    return PlaybookResult(shown, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                          time.monotonic() - t0)


if __name__ == "__main__":
    # Smoke check: python3 baton_server.py [BUILD_DIR]
    with BatonServer(sys.argv[1] if len(sys.argv) > 1 else None) as srv:
        print("baton up at", srv.base_url)
        print("ping:", srv.api("GET", PING_PATH, auth=False))
        print("me:", srv.api("GET", "/api/v2/me/"))
