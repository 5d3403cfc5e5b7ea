#!/usr/bin/env python3
"""Crash suite for baton (issue 12): kill -9 while a 4-node workflow runs, restart, and check
that nothing committed was lost and that every job tells the truth.

    crash_suite.py [--build-dir build] [--runs 10] [--seed 1] [--points all|none|a,b]

The workflow (a fresh data directory for every run):

    A (job) --success--> B (inventory update: 60 hosts from a file) --success--> C (job)
    A --always--> D (job)

Each job appends its `awx_job_id` to a side-effect file outside the data directory and pauses a
second, so a kill lands in the middle of real work. A run is either a random kill (SIGKILL at a
seeded random moment between the launch and the workflow's end; half the random runs start the
workflow from a schedule instead of a launch) or a deterministic crash point
(BATON_CRASHPOINT, src/core/crashpoint.hpp: right after a launch's 201 is committed, a job
marked running, a job event stored, a workflow hand-off, an inventory import, a schedule
firing). After the kill, baton restarts on the same data directory and the suite checks:

  - `PRAGMA integrity_check` is ok;
  - every object whose creation was answered 2xx before the kill still exists, and so does a
    workflow job whose launch was committed; a schedule's occurrence is not lost; an inventory
    import is all or nothing (0 or 60 hosts);
  - every unified job reaches a final state; every job that failed did so with an explanation
    (the crash's, e.g. "Task was marked as running at system start up ..."), and a workflow that
    did not succeed says why;
  - no job ran twice: each job id appears at most once in the side-effect file, every workflow
    node has at most one job and no job of the workflow is an orphan, and a schedule's one
    occurrence launched one workflow job at most;
  - the restarted server works: the workflow launched again succeeds.
"""

import argparse
import datetime
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from baton_server import find_baton_binary, free_port, http_request  # noqa: E402

POINTS = ["launch.201", "dispatch.running", "job.event", "workflow.spawn", "workflow.handoff",
          "inventory.import", "schedule.fire"]
ACTIVE = {"new", "pending", "waiting", "running"}
PASSWORD = "crash-pw-1"

PLAYBOOK = """- hosts: all
  gather_facts: false
  tasks:
    - shell: echo "{{ awx_job_id }}" >> "{{ side_file }}"
    - pause:
        seconds: 1
"""


class Server:
    """baton serve on a fixed data directory, startable again after a kill."""

    def __init__(self, binary, tmp):
        self.binary = binary
        self.tmp = tmp
        self.data_dir = os.path.join(tmp, "data")
        self.proc = None
        self.port = None
        self.base = None
        self.starts = 0

    def start(self, crashpoint=None, wait=True):
        env = dict(os.environ, BATON_ADMIN_USER="admin", BATON_ADMIN_PASSWORD=PASSWORD,
                   BATON_PBKDF2_ITERATIONS="1000")
        env.pop("BATON_CRASHPOINT", None)
        if crashpoint:
            env["BATON_CRASHPOINT"] = crashpoint
        self.port = free_port()
        self.base = "http://127.0.0.1:%d" % self.port
        self.starts += 1
        log = open(os.path.join(self.tmp, "baton-%d.log" % self.starts), "ab")
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:%d" % self.port, "--data-dir",
             self.data_dir], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env=env, cwd=self.tmp)
        log.close()
        deadline = time.monotonic() + 30
        while wait and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("baton exited during startup: %s" % self.log_tail())
            try:
                if http_request(self.base, "GET", "/api/v2/ping/", timeout=2)[0] == 200:
                    return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.05)
        if wait:
            raise RuntimeError("baton did not start")

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def api(self, method, path, body=None, timeout=30):
        status, out, _ = http_request(self.base, method, path, body=body, auth=("admin", PASSWORD),
                                      timeout=timeout)
        return status, out

    def log_tail(self, n=4000):
        out = ""
        for i in range(1, self.starts + 1):
            try:
                with open(os.path.join(self.tmp, "baton-%d.log" % i), "rb") as f:
                    out += "--- start %d ---\n%s\n" % (i, f.read()[-n:].decode("utf-8", "replace"))
            except OSError:
                pass
        return out


class RunFailed(AssertionError):
    pass


class Run:
    def __init__(self, binary, label, crashpoint=None, delay=None, scheduled=False):
        self.label = label
        self.crashpoint = crashpoint
        self.delay = delay
        self.scheduled = scheduled
        self.tmp = tempfile.mkdtemp(prefix="baton-crash-")
        self.srv = Server(binary, self.tmp)
        self.side = os.path.join(self.tmp, "side-effects.txt")
        self.committed = []  # URLs answered 2xx before the kill
        self.wfjt = None
        self.launched = None  # workflow job id answered 201
        self.launch_committed = False

    def fail(self, msg):
        raise RunFailed("%s: %s\n%s" % (self.label, msg, self.srv.log_tail()))

    def create(self, path, body):
        status, out = self.srv.api("POST", path, body)
        if status != 201:
            self.fail("setup POST %s -> %s %r" % (path, status, out))
        self.committed.append(out["url"])
        return out["id"]

    def setup(self):
        pdir = os.path.join(self.srv.data_dir, "projects", "crash")
        os.makedirs(pdir)
        with open(os.path.join(pdir, "step.yml"), "w") as f:
            f.write(PLAYBOOK)
        inv_file = os.path.join(self.tmp, "imported.ini")
        with open(inv_file, "w") as f:
            f.write("[imported]\n" + "".join("h%02d ansible_connection=local\n" % i for i in range(60)))
        proj = self.create("/api/v2/projects/", {"name": "crash", "organization": 1, "local_path": "crash"})
        inv = self.create("/api/v2/inventories/", {"name": "crash local", "organization": 1})
        self.create("/api/v2/hosts/", {"name": "localhost", "inventory": inv, "variables": json.dumps(
            {"ansible_connection": "local", "ansible_python_interpreter": "/usr/bin/python3"})})
        target = self.create("/api/v2/inventories/", {"name": "crash imported", "organization": 1})
        src = self.create("/api/v2/inventory_sources/", {"name": "crash file", "inventory": target,
                                                          "source": "file", "source_path": inv_file})
        jt = self.create("/api/v2/job_templates/", {
            "name": "crash step", "project": proj, "inventory": inv, "playbook": "step.yml",
            "allow_simultaneous": True, "extra_vars": json.dumps({"side_file": self.side})})
        self.wfjt = self.create("/api/v2/workflow_job_templates/", {"name": "crash wf", "organization": 1})
        nodes = {}
        for ident, ujt in (("A", jt), ("B", src), ("C", jt), ("D", jt)):
            nodes[ident] = self.create("/api/v2/workflow_job_templates/%d/workflow_nodes/" % self.wfjt,
                                       {"unified_job_template": ujt, "identifier": ident})
        for parent, kind, child in (("A", "success", "B"), ("B", "success", "C"), ("A", "always", "D")):
            status, out = self.srv.api("POST", "/api/v2/workflow_job_template_nodes/%d/%s_nodes/"
                                       % (nodes[parent], kind), {"id": nodes[child]})
            if status != 204:
                self.fail("edge %s-%s: %s %r" % (parent, child, status, out))

    def start_workflow(self):
        if self.scheduled:
            start = (datetime.datetime.now(datetime.timezone.utc) +
                     datetime.timedelta(seconds=2)).strftime("%Y%m%dT%H%M%SZ")
            self.create("/api/v2/schedules/", {
                "name": "crash schedule", "unified_job_template": self.wfjt,
                "rrule": "DTSTART:%s RRULE:FREQ=DAILY;INTERVAL=1;COUNT=1" % start})
            return
        try:
            status, out = self.srv.api("POST", "/api/v2/workflow_job_templates/%d/launch/" % self.wfjt, {})
        except (OSError, urllib.error.URLError):
            return  # killed before the answer (launch.201): whether it committed is checked later
        if status != 201:
            self.fail("launch -> %s %r" % (status, out))
        self.launched = out["id"]
        self.committed.append(out["url"])

    def crash(self):
        if self.crashpoint:
            try:
                self.srv.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.fail("crash point %s was never reached" % self.crashpoint)
            if self.srv.proc.returncode != -signal.SIGKILL:
                self.fail("baton exited with %s, not by the crash point" % self.srv.proc.returncode)
        else:
            time.sleep(self.delay)
            self.srv.kill()

    def wait_settled(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, out = self.srv.api("GET", "/api/v2/unified_jobs/?page_size=200&order_by=id")
            if status == 200 and out["results"] and not [j for j in out["results"] if j["status"] in ACTIVE]:
                # A scheduled or recovered workflow may still have nodes to spawn: settle twice.
                time.sleep(1.0)
                status, again = self.srv.api("GET", "/api/v2/unified_jobs/?page_size=200&order_by=id")
                if not [j for j in again["results"] if j["status"] in ACTIVE] and again["count"] == out["count"]:
                    return again["results"]
            if status == 200 and not out["results"] and not self.scheduled and self.launched is None:
                return []  # the launch never committed and nothing else exists
            time.sleep(0.3)
        self.fail("jobs still active %ds after the restart: %r" % (timeout, [
            (j["id"], j["type"], j["status"]) for j in out.get("results", []) if j["status"] in ACTIVE]))

    def check(self):
        # Committed objects survive.
        for url in self.committed:
            status, _ = self.srv.api("GET", url)
            if status != 200:
                self.fail("committed object %s lost (GET -> %s)" % (url, status))
        jobs = self.wait_settled()
        wjobs = [j for j in jobs if j["type"] == "workflow_job"]
        if self.crashpoint == "launch.201" and not wjobs:
            self.fail("the launch was committed before the kill, its workflow job is gone")
        if self.launched is not None and self.launched not in [w["id"] for w in wjobs]:
            self.fail("workflow job %d (answered 201) is gone" % self.launched)
        if len(wjobs) > 1:
            self.fail("one launch / one schedule occurrence made %d workflow jobs" % len(wjobs))
        if self.scheduled and len(wjobs) != 1:
            self.fail("the schedule's occurrence was lost (no workflow job)")
        # An import is all or nothing.
        status, inv = self.srv.api("GET", "/api/v2/inventories/?name=crash%20imported")
        hosts = inv["results"][0]["total_hosts"]
        if hosts not in (0, 60):
            self.fail("a killed inventory import left %d of 60 hosts" % hosts)
        # Truthful final states.
        for j in jobs:
            status, full = self.srv.api("GET", j["url"])
            if full["status"] in ("failed", "error") and not full.get("job_explanation"):
                self.fail("%s %d %s without an explanation" % (j["type"], j["id"], full["status"]))
        # No job ran twice.
        ran = []
        if os.path.exists(self.side):
            with open(self.side) as f:
                ran = [line.strip() for line in f if line.strip()]
        dups = sorted({x for x in ran if ran.count(x) > 1})
        if dups:
            self.fail("jobs ran twice: %s" % dups)
        for w in wjobs:
            status, nodes = self.srv.api("GET", "/api/v2/workflow_jobs/%d/workflow_nodes/?page_size=50" % w["id"])
            node_jobs = [n["job"] for n in nodes["results"] if n.get("job")]
            if len(node_jobs) != len(set(node_jobs)):
                self.fail("a job belongs to two nodes: %r" % node_jobs)
            status, spawned = self.srv.api(
                "GET", "/api/v2/unified_jobs/?unified_job_node__workflow_job=%d&page_size=50" % w["id"])
            if sorted(x["id"] for x in spawned["results"]) != sorted(node_jobs):
                self.fail("workflow %d: jobs %r, nodes point at %r" % (
                    w["id"], [x["id"] for x in spawned["results"]], node_jobs))
            launched_jobs = [j for j in jobs if j.get("launch_type") == "workflow"]
            if len(launched_jobs) != len(node_jobs):
                self.fail("workflow-launched jobs %r but node jobs %r" % (
                    [j["id"] for j in launched_jobs], node_jobs))
        # The restarted server works.
        status, out = self.srv.api("POST", "/api/v2/workflow_job_templates/%d/launch/" % self.wfjt, {})
        if status != 201:
            self.fail("launch after the restart -> %s %r" % (status, out))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status, w = self.srv.api("GET", "/api/v2/workflow_jobs/%d/" % out["id"])
            if w["status"] not in ACTIVE:
                break
            time.sleep(0.3)
        if w["status"] != "successful":
            self.fail("the workflow launched after the restart ended %s: %s" % (w["status"], w.get("job_explanation")))
        return {"workflow_jobs": [(w["id"], w["status"]) for w in wjobs],
                "jobs": len(jobs), "explanations": sorted({
                    self.srv.api("GET", j["url"])[1].get("job_explanation", "")[:60] for j in jobs
                    if j["status"] in ("failed", "error")})}

    def integrity(self):
        db = sqlite3.connect(os.path.join(self.srv.data_dir, "baton.db"))
        try:
            ok = db.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            db.close()
        if ok != "ok":
            self.fail("integrity_check: %s" % ok)

    def execute(self):
        t0 = time.monotonic()
        try:
            point = None
            if self.crashpoint:
                point = self.crashpoint
            self.srv.start(crashpoint=point)
            self.setup()
            self.start_workflow()
            self.crash()
            self.integrity()  # the file as the kill left it
            self.srv.start()
            result = self.check()
            self.srv.stop()
            self.integrity()
            result["seconds"] = round(time.monotonic() - t0, 1)
            return result
        finally:
            self.srv.kill()
            if os.environ.get("BATON_CRASH_KEEP_TMP") != "1":
                shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=None)
    ap.add_argument("--runs", type=int, default=10, help="random kills")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--points", default="all", help="crash points to run: all, none or a,b,...")
    args = ap.parse_args()
    binary = find_baton_binary(args.build_dir)
    rng = random.Random(args.seed)
    runs = []
    for i in range(args.runs):
        # From the launch: the setup's own requests are done; the workflow takes about 8 s.
        runs.append(("random-%d" % (i + 1), None, round(rng.uniform(0.3, 8.0), 2), i % 2 == 1))
    points = POINTS if args.points == "all" else [] if args.points == "none" else args.points.split(",")
    for p in points:
        runs.append(("point-" + p, p, None, p == "schedule.fire"))
    results, failed = [], 0
    for label, point, delay, scheduled in runs:
        run = Run(binary, label, crashpoint=point, delay=delay + (2.0 if scheduled else 0.0) if delay else None,
                  scheduled=scheduled)
        try:
            r = run.execute()
            r.update(run=label, delay=run.delay, scheduled=scheduled, ok=True)
            print("ok   %-26s %s" % (label, json.dumps(r)), flush=True)
        except (RunFailed, RuntimeError) as e:
            failed += 1
            r = {"run": label, "ok": False, "error": str(e)[:4000]}
            print("FAIL %-26s %s" % (label, str(e)), flush=True)
        results.append(r)
    print("crash suite: %d of %d runs recovered" % (len(runs) - failed, len(runs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
