#!/usr/bin/env python3
"""kill -9 of the server while a job runs (issue 4, must-show 3): after a restart on the same
data directory the job is failed with an explanation, its leftover ansible-runner processes are
gone, a job that was still pending runs, and new launches work."""
import os
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer  # noqa: E402

SLEEP = """- hosts: all
  gather_facts: false
  tasks:
    - command: sleep {{ seconds | default(300) }}
"""
OK = """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg=ok
"""


def wait(srv, job_id, pred, timeout=90):
    deadline = time.monotonic() + timeout
    job = None
    while time.monotonic() < deadline:
        status, job = srv.api("GET", "/api/v2/jobs/%d/" % job_id)
        if status == 200 and pred(job):
            return job
        time.sleep(0.2)
    raise AssertionError("job %d: condition not reached: %r\n%s" % (job_id, job, srv.log_tail()))


def job_processes(srv, job_id):
    """pids of this server's processes of job `job_id`: environment with BATON_JOB_ID=<job_id>
    and a private data dir under this server's data dir (other servers on the machine number
    their jobs from 1 too)."""
    marker = ("BATON_JOB_ID=%d" % job_id).encode()
    run_dir = ("AWX_PRIVATE_DATA_DIR=" + os.path.join(srv.data_dir, "run")).encode()
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open("/proc/%s/environ" % pid, "rb") as f:
                env = f.read().split(b"\0")
                if marker in env and any(e.startswith(run_dir) for e in env):
                    pids.append(int(pid))
        except OSError:
            pass
    return pids


class Restart(unittest.TestCase):
    def test_kill_9_while_a_job_runs(self):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        with BatonServer(arg) as srv:
            pdir = os.path.join(srv.data_dir, "projects", "restart")
            os.makedirs(pdir)
            for name, text in (("sleep.yml", SLEEP), ("ok.yml", OK)):
                with open(os.path.join(pdir, name), "w") as f:
                    f.write(text)
            _, project = srv.api("POST", "/api/v2/projects/", {
                "name": "restart", "organization": 1, "local_path": "restart"})
            _, inv = srv.api("POST", "/api/v2/inventories/", {"name": "restart", "organization": 1})
            srv.api("POST", "/api/v2/inventories/%d/hosts/" % inv["id"], {
                "name": "localhost",
                "variables": "ansible_connection: local\n"
                             "ansible_python_interpreter: '{{ ansible_playbook_python }}'"})
            status, long_jt = srv.api("POST", "/api/v2/job_templates/", {
                "name": "long", "project": project["id"], "inventory": inv["id"],
                "playbook": "sleep.yml"})
            self.assertEqual(status, 201, long_jt)
            _, ok_jt = srv.api("POST", "/api/v2/job_templates/", {
                "name": "ok", "project": project["id"], "inventory": inv["id"],
                "playbook": "ok.yml"})
            _, first = srv.api("POST", "/api/v2/job_templates/%d/launch/" % long_jt["id"], {})
            # Without allow_simultaneous the second launch waits for the first.
            _, second = srv.api("POST", "/api/v2/job_templates/%d/launch/" % long_jt["id"],
                                {})
            running = wait(srv, first["job"], lambda j: j["status"] == "running")
            deadline = time.monotonic() + 30
            while not job_processes(srv, running["id"]) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertTrue(job_processes(srv, running["id"]), "no process of the running job")
            _, pending = srv.api("GET", "/api/v2/jobs/%d/" % second["job"])
            self.assertEqual(pending["status"], "pending")

            srv.proc.kill()  # SIGKILL: no shutdown code runs
            srv.proc.wait(timeout=10)
            srv.proc = None
            srv._log.close()
            srv._log = None
            srv._start()

            failed = wait(srv, first["job"], lambda j: j["status"] not in
                          ("pending", "waiting", "running"))
            self.assertEqual(failed["status"], "failed", failed)
            self.assertIn("marked as running at system start up", failed["job_explanation"])
            self.assertIsNotNone(failed["finished"])
            deadline = time.monotonic() + 15
            while job_processes(srv, first["job"]) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(job_processes(srv, first["job"]), [], "leftover processes of the job")

            # The job that was pending is not lost: it runs now (cancel it once it does).
            queued = wait(srv, second["job"], lambda j: j["status"] == "running")
            status, _ = srv.api("POST", "/api/v2/jobs/%d/cancel/" % queued["id"], {})
            self.assertEqual(status, 202)
            wait(srv, second["job"], lambda j: j["status"] == "canceled")

            # The scheduler keeps going.
            _, third = srv.api("POST", "/api/v2/job_templates/%d/launch/" % ok_jt["id"], {})
            done = wait(srv, third["job"], lambda j: j["status"] not in
                        ("pending", "waiting", "running"))
            self.assertEqual(done["status"], "successful", done)
            # Everything else survived: templates, the project, the inventory.
            _, jts = srv.api("GET", "/api/v2/job_templates/?name__in=long,ok")
            self.assertEqual(jts["count"], 2)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
