#!/usr/bin/env python3
# e2e-schemes: http https
"""Schedules end to end against the real binary (issue 6): the awx.awx schedule module (create,
unchanged second run, update with labels, disable, AWX's rrule error, delete), the API's view of
a zoned rule, and a schedule that comes due firing once with launch_type "scheduled" and a real
run of the Demo Job Template."""
import datetime
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, run_playbook  # noqa: E402


class ScheduleModules(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        cls.srv = BatonServer(arg).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    def demo_jt(self):
        status, out = self.srv.api("GET", "/api/v2/job_templates/?name=Demo%20Job%20Template")
        self.assertEqual(status, 200)
        return out["results"][0]["id"]

    def test_awx_schedule_module(self):
        srv = self.srv
        extra = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
                 "controller_password": srv.admin_password}
        res = run_playbook("playbooks/schedules.yml", extra, timeout=300)
        self.assertTrue(res.ok, res.report() + srv.log_tail())
        self.assertTrue(res.task("create")["changed"])
        self.assertFalse(res.task("create again")["changed"])
        self.assertTrue(res.task("update")["changed"])
        self.assertTrue(res.task("disable")["changed"])
        bad = res.task("bad rule")
        self.assertTrue(bad.get("failed"), bad)
        self.assertIn("SECONDLY is not supported", str(bad))
        self.assertTrue(res.task("delete")["changed"])
        status, left = srv.api("GET", "/api/v2/schedules/?name=e2e%20weekly")
        self.assertEqual(left["count"], 0)

    def test_zoned_rule_through_the_api(self):
        jt = self.demo_jt()
        rule = ("DTSTART;TZID=America/New_York:20300301T090000 "
                "RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO,WE;COUNT=6 "
                "EXRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=WE")
        status, s = self.srv.api("POST", "/api/v2/job_templates/%d/schedules/" % jt,
                                 {"name": "e2e zoned", "rrule": rule})
        self.assertEqual(status, 201, s)
        self.assertEqual(s["timezone"], "America/New_York")
        self.assertEqual(s["next_run"], "2030-03-04T14:00:00Z")
        self.assertEqual(s["dtend"], "2030-03-20T13:00:00Z")
        status, p = self.srv.api("POST", "/api/v2/schedules/preview/", {"rrule": rule})
        self.assertEqual(p["utc"], ["2030-03-04T14:00:00Z", "2030-03-06T14:00:00Z",
                                    "2030-03-11T13:00:00Z", "2030-03-18T13:00:00Z",
                                    "2030-03-20T13:00:00Z"])
        self.srv.api("DELETE", "/api/v2/schedules/%d/" % s["id"])

    def test_due_schedule_fires_once_and_runs(self):
        jt = self.demo_jt()
        start = (datetime.datetime.now(datetime.timezone.utc) +
                 datetime.timedelta(seconds=2)).strftime("%Y%m%dT%H%M%SZ")
        status, s = self.srv.api("POST", "/api/v2/schedules/", {
            "name": "e2e soon", "unified_job_template": jt,
            "rrule": "DTSTART:%s RRULE:FREQ=DAILY;INTERVAL=1;COUNT=1" % start})
        self.assertEqual(status, 201, s)
        deadline = time.monotonic() + 120
        job = None
        while time.monotonic() < deadline:
            status, jobs = self.srv.api("GET", "/api/v2/schedules/%d/jobs/" % s["id"])
            if jobs["count"]:
                status, job = self.srv.api("GET", "/api/v2/jobs/%d/" % jobs["results"][0]["id"])
                if job["status"] not in ("new", "pending", "waiting", "running"):
                    break
            time.sleep(0.2)
        self.assertIsNotNone(job, self.srv.log_tail())
        self.assertEqual(job["status"], "successful", self.srv.log_tail())
        self.assertEqual(job["launch_type"], "scheduled")
        self.assertEqual(job["launched_by"]["type"], "schedule")
        self.assertEqual(job["summary_fields"]["schedule"]["id"], s["id"])
        status, jobs = self.srv.api("GET", "/api/v2/schedules/%d/jobs/" % s["id"])
        self.assertEqual(jobs["count"], 1)
        status, after = self.srv.api("GET", "/api/v2/schedules/%d/" % s["id"])
        self.assertIsNone(after["next_run"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
