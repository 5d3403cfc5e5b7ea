#!/usr/bin/env python3
# e2e-schemes: http https
"""Jobs end to end against the real binary with real ansible-runner runs (issue 4, must-show 2):
a successful job, a failed one, set_stats landing in artifacts, a canceled long job, a job
timeout, hosts=failed relaunch running only the failed hosts, two launches of a template without
allow_simultaneous running one after the other, the Demo Job Template of a fresh install, and the
awx.awx job_template / job_launch / job_wait / job_list / job_cancel modules."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, run_playbook  # noqa: E402

PLAYBOOKS = {
    "ok.yml": """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="{{ greeting | default('hi') }} {{ who | default('nobody') }} from {{ inventory_hostname }}"
""",
    "fail.yml": """- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="this host fails"
      when: inventory_hostname == 'h3' or (fail_all | default(false) | bool)
    - debug: msg=after
""",
    "stats.yml": """- hosts: all
  gather_facts: false
  tasks:
    - set_stats:
        data:
          build_id: 42
          release: "r-{{ inventory_hostname }}"
        per_host: false
        aggregate: false
      run_once: true
""",
    "sleep.yml": """- hosts: all
  gather_facts: false
  tasks:
    - command: sleep {{ seconds | default(60) }}
""",
}


def wait_job(srv, job_id, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, job = srv.api("GET", "/api/v2/jobs/%d/" % job_id)
        if status == 200 and job["status"] not in ("new", "pending", "waiting", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError("job %d did not finish: %r\n%s" % (job_id, job, srv.log_tail()))


def wait_status(srv, job_id, wanted, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, job = srv.api("GET", "/api/v2/jobs/%d/" % job_id)
        if job.get("status") == wanted:
            return job
        time.sleep(0.1)
    raise AssertionError("job %d never %s: %r" % (job_id, wanted, job))


class Jobs(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        cls.srv = BatonServer(arg).__enter__()
        srv = cls.srv
        pdir = os.path.join(srv.data_dir, "projects", "e2e_jobs")
        os.makedirs(pdir)
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(pdir, name), "w") as f:
                f.write(text)
        cls.project = cls.create("/api/v2/projects/", {"name": "e2e jobs", "organization": 1,
                                                       "local_path": "e2e_jobs"})
        cls.inventory = cls.create("/api/v2/inventories/", {"name": "e2e inv", "organization": 1})
        for h in ("h1", "h2", "h3"):
            cls.create("/api/v2/inventories/%d/hosts/" % cls.inventory, {
                "name": h,
                "variables": "ansible_connection: local\n"
                             "ansible_python_interpreter: '{{ ansible_playbook_python }}'"})

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    @classmethod
    def create(cls, url, body, expect=201):
        status, obj = cls.srv.api("POST", url, body)
        if status != expect:
            raise AssertionError("POST %s -> %s %r" % (url, status, obj))
        return obj["id"] if isinstance(obj, dict) and "id" in obj else obj

    def template(self, name, playbook, **kw):
        body = {"name": name, "project": self.project, "inventory": self.inventory,
                "playbook": playbook}
        body.update(kw)
        return self.create("/api/v2/job_templates/", body)

    def launch(self, jt, body=None, expect=201):
        status, out = self.srv.api("POST", "/api/v2/job_templates/%d/launch/" % jt, body or {})
        self.assertEqual(status, expect, out)
        return out

    def test_successful_job_with_events_and_summaries(self):
        jt = self.template("ok", "ok.yml", extra_vars='{"greeting": "hey"}')
        out = self.launch(jt)
        job = wait_job(self.srv, out["job"])
        self.assertEqual(job["status"], "successful", job)
        self.assertFalse(job["failed"])
        self.assertIsNotNone(job["started"])
        self.assertIsNotNone(job["finished"])
        status, events = self.srv.api("GET", "/api/v2/jobs/%d/job_events/?page_size=200" % job["id"])
        names = [e["event"] for e in events["results"]]
        self.assertEqual(names[0], "playbook_on_start")
        self.assertIn("runner_on_ok", names)
        self.assertEqual(names[-1], "playbook_on_stats")
        counters = [e["counter"] for e in events["results"]]
        self.assertEqual(counters, list(range(1, len(counters) + 1)))
        status, summaries = self.srv.api("GET", "/api/v2/jobs/%d/job_host_summaries/" % job["id"])
        self.assertEqual(sorted(s["host_name"] for s in summaries["results"]), ["h1", "h2", "h3"])
        status, text = self.srv.api("GET", "/api/v2/jobs/%d/stdout/?format=txt" % job["id"])
        self.assertIn("hey nobody from h2", text)
        status, host = self.srv.api("GET", "/api/v2/hosts/?name=h1")
        self.assertEqual(host["results"][0]["last_job"], job["id"])

    def test_failed_job_and_relaunch_on_failed_hosts(self):
        jt = self.template("partial", "fail.yml")
        job = wait_job(self.srv, self.launch(jt)["job"])
        self.assertEqual(job["status"], "failed", job)
        self.assertTrue(job["failed"])
        status, rel = self.srv.api("GET", "/api/v2/jobs/%d/relaunch/" % job["id"])
        self.assertEqual(status, 200, rel)
        self.assertEqual(rel["retry_counts"], {"all": 3, "failed": 1})
        status, again = self.srv.api("POST", "/api/v2/jobs/%d/relaunch/" % job["id"],
                                     {"hosts": "failed"})
        self.assertEqual(status, 201, again)
        self.assertEqual(again["limit"], "h3")
        self.assertEqual(again["launch_type"], "relaunch")
        second = wait_job(self.srv, again["id"])
        self.assertEqual(second["status"], "failed")
        status, summaries = self.srv.api("GET", "/api/v2/jobs/%d/job_host_summaries/" % second["id"])
        self.assertEqual([s["host_name"] for s in summaries["results"]], ["h3"])

    def test_set_stats_become_artifacts(self):
        jt = self.template("stats", "stats.yml")
        job = wait_job(self.srv, self.launch(jt)["job"])
        self.assertEqual(job["status"], "successful", job)
        self.assertEqual(job["artifacts"], {"build_id": 42, "release": "r-h1"})

    def test_cancel_a_long_job(self):
        jt = self.template("long", "sleep.yml", limit="h1")
        job_id = self.launch(jt)["job"]
        wait_status(self.srv, job_id, "running")
        time.sleep(1.0)  # let ansible reach the sleeping task
        status, can = self.srv.api("GET", "/api/v2/jobs/%d/cancel/" % job_id)
        self.assertEqual(can, {"can_cancel": True})
        status, _ = self.srv.api("POST", "/api/v2/jobs/%d/cancel/" % job_id, {})
        self.assertEqual(status, 202)
        job = wait_job(self.srv, job_id, timeout=60)
        self.assertEqual(job["status"], "canceled", job)
        status, _ = self.srv.api("POST", "/api/v2/jobs/%d/cancel/" % job_id, {})
        self.assertEqual(status, 405)

    def test_job_timeout(self):
        jt = self.template("timeout", "sleep.yml", limit="h1", timeout=3)
        job = wait_job(self.srv, self.launch(jt)["job"], timeout=90)
        self.assertEqual(job["status"], "failed", job)
        self.assertIn("timeout", job["job_explanation"].lower(), job)

    def test_without_allow_simultaneous_jobs_run_one_after_the_other(self):
        jt = self.template("serial", "sleep.yml", limit="h1", extra_vars="seconds: 2")
        first = self.launch(jt)["job"]
        second = self.launch(jt)["job"]
        a, b = wait_job(self.srv, first), wait_job(self.srv, second)
        self.assertEqual((a["status"], b["status"]), ("successful", "successful"))
        self.assertLessEqual(a["finished"], b["started"])

    def test_demo_job_template(self):
        status, jts = self.srv.api("GET", "/api/v2/job_templates/?name=Demo%20Job%20Template")
        self.assertEqual(jts["count"], 1, jts)
        job = wait_job(self.srv, self.launch(jts["results"][0]["id"])["job"])
        self.assertEqual(job["status"], "successful", job)
        status, text = self.srv.api("GET", "/api/v2/jobs/%d/stdout/?format=txt" % job["id"])
        self.assertIn("Hello World!", text)

    def test_awx_modules(self):
        srv = self.srv
        extra = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
                 "controller_password": srv.admin_password}
        res = run_playbook("playbooks/jobs.yml", extra, timeout=400)
        if not res.ok:
            # the canceled job_wait is expected to fail (ignore_errors); anything else is not
            self.assertTrue(res.returncode == 0, res.report() + srv.log_tail())
        self.assertTrue(res.task("job template ok")["changed"])
        self.assertFalse(res.task("job template ok again")["changed"])
        launched = res.task("launch ok")
        self.assertEqual(launched.get("status"), "successful", launched)
        self.assertEqual(res.task("wait for it").get("status"), "successful")
        listed = res.task("list successful jobs")
        self.assertIn(launched["id"], [j["id"] for j in listed["results"]])
        status, job = srv.api("GET", "/api/v2/jobs/%d/" % launched["id"])
        self.assertEqual(job["limit"], "h1,h2")
        status, summaries = srv.api("GET", "/api/v2/jobs/%d/job_host_summaries/" % job["id"])
        self.assertEqual(sorted(s["host_name"] for s in summaries["results"]), ["h1", "h2"])
        status, text = srv.api("GET", "/api/v2/jobs/%d/stdout/?format=txt" % job["id"])
        self.assertIn("hello e2e from h1", text)
        self.assertTrue(res.task("cancel it")["changed"])
        status, job = srv.api("GET", "/api/v2/jobs/%d/" % res.task("launch sleep")["id"])
        self.assertEqual(job["status"], "canceled")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
