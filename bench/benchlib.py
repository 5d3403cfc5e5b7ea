"""Shared pieces of baton's benchmark scripts (job-bench, workflow-bench): a throw-away baton
server on a free loopback port, a small API client, the trivial playbook and its one-host
inventory, and a bare `ansible-runner run -j` of the same playbook (the reference every ratio is
taken against). Stdlib only; runs under /usr/bin/python3.
"""

import base64
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def env_int(name, default):
    v = os.environ.get(name, "").strip()
    return int(v) if v else default


KEEP_TMP = os.environ.get("BENCH_KEEP_TMP") == "1"
BATON_BIN = os.environ.get("BATON_BIN") or os.path.join(
    REPO, os.environ.get("BUILD_DIR") or "build", "baton")
HOST = "127.0.0.1"
PASSWORD = "bench-pass-1"
AUTH = "Basic " + base64.b64encode(("admin:" + PASSWORD).encode()).decode()

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="trivial"
"""
HOST_VARS = {"ansible_connection": "local",
             "ansible_python_interpreter": sys.executable if "python3" in sys.executable
             else "/usr/bin/python3"}


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def die_with_parent():
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except Exception:
        pass


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port):
        self.base = f"http://{HOST}:{port}"

    def call(self, method, path, body=None, expect=(200,)):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={
            "Authorization": AUTH, "Content-Type": "application/json",
            "Cache-Control": "no-cache"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, raw = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, raw = e.code, e.read()
        if status not in expect:
            raise SystemExit(f"bench: {method} {path} -> {status} {raw[:500]!r}")
        return json.loads(raw) if raw else None


def start_baton(tmp, capacity=None):
    port = free_port()
    env = dict(os.environ, BATON_ADMIN_USER="admin", BATON_ADMIN_PASSWORD=PASSWORD,
               BATON_PBKDF2_ITERATIONS="1000")
    cmd = [BATON_BIN, "serve", "--listen", f"{HOST}:{port}", "--data-dir",
           os.path.join(tmp, "data"), "--log-level", "warn"]
    if capacity is not None:
        cmd += ["--capacity", str(capacity)]
    log_file = open(os.path.join(tmp, f"baton-{port}.log"), "ab")
    proc = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT, env=env,
                            preexec_fn=die_with_parent)
    api = Api(port)
    for _ in range(300):
        try:
            api.call("GET", "/api/v2/ping/")
            return proc, api, port
        except (urllib.error.URLError, ConnectionError, SystemExit):
            time.sleep(0.05)
    raise SystemExit("bench: baton did not start")


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def setup_objects(api, tmp, allow_simultaneous=False):
    pdir = os.path.join(tmp, "data", "projects", "bench")
    os.makedirs(pdir, exist_ok=True)
    with open(os.path.join(pdir, "trivial.yml"), "w") as f:
        f.write(PLAYBOOK)
    project = api.call("POST", "/api/v2/projects/", {"name": "bench", "organization": 1,
                                                      "local_path": "bench"}, (201,))["id"]
    inv = api.call("POST", "/api/v2/inventories/", {"name": "bench", "organization": 1},
                   (201,))["id"]
    api.call("POST", f"/api/v2/inventories/{inv}/hosts/",
             {"name": "localhost", "variables": json.dumps(HOST_VARS)}, (201,))
    jt = api.call("POST", "/api/v2/job_templates/", {
        "name": "bench", "project": project, "inventory": inv, "playbook": "trivial.yml",
        "allow_simultaneous": allow_simultaneous}, (201,))["id"]
    return jt


def iso_seconds(ts):
    # "2026-11-22T07:06:36.982112Z" -> seconds since midnight (jobs here never span midnight twice)
    h, m, s = ts[11:-1].split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def bare_run(tmp, i):
    d = os.path.join(tmp, f"bare-{i}")
    os.makedirs(os.path.join(d, "project"))
    os.makedirs(os.path.join(d, "inventory"))
    with open(os.path.join(d, "project", "trivial.yml"), "w") as f:
        f.write(PLAYBOOK)
    with open(os.path.join(d, "inventory", "hosts.json"), "w") as f:
        json.dump({"all": {"hosts": {"localhost": HOST_VARS}}}, f)
    t0 = time.monotonic()
    r = subprocess.run(["ansible-runner", "run", "-j", "-p", "trivial.yml", d],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    el = time.monotonic() - t0
    if r.returncode != 0:
        raise SystemExit(f"bench: bare ansible-runner failed (rc {r.returncode}) in {d}")
    shutil.rmtree(d, ignore_errors=True)
    return el


