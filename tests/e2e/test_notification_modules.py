#!/usr/bin/env python3
# e2e-schemes: http https
"""Notifications end to end against the real binary (issue 6): the awx.awx notification_template
module (create, unchanged second run, AWX's http_method error), job_template's
notification_templates_started/success options, and a real run of the Demo Job Template whose
started and success notifications reach a webhook receiver on loopback."""
import http.server
import json
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, free_port, run_playbook  # noqa: E402


class Receiver(http.server.BaseHTTPRequestHandler):
    got = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.got.append((self.path, dict(self.headers), body.decode()))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


class NotificationModules(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        cls.port = free_port()
        cls.httpd = http.server.HTTPServer(("127.0.0.1", cls.port), Receiver)
        cls.thread = threading.Thread(target=cls.httpd.serve_forever, daemon=True)
        cls.thread.start()
        cls.srv = BatonServer(arg).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)
        cls.httpd.shutdown()
        cls.httpd.server_close()

    def test_module_attach_and_delivery(self):
        srv = self.srv
        extra = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
                 "controller_password": srv.admin_password,
                 "receiver_url": "http://127.0.0.1:%d/hook" % self.port}
        res = run_playbook("playbooks/notifications.yml", extra, timeout=300)
        self.assertTrue(res.ok, res.report() + srv.log_tail())
        self.assertTrue(res.task("create")["changed"])
        self.assertFalse(res.task("create again")["changed"], res.task("create again"))
        bad = res.task("bad method")
        self.assertTrue(bad.get("failed"), bad)
        self.assertIn("HTTP method must be either 'POST' or 'PUT'.", str(bad))
        status, nts = srv.api("GET", "/api/v2/notification_templates/?name=e2e%20hook")
        nt = nts["results"][0]
        status, jts = srv.api("GET", "/api/v2/job_templates/?name=Demo%20Job%20Template")
        jt = jts["results"][0]["id"]
        for kind in ("started", "success"):
            status, lst = srv.api("GET", "/api/v2/job_templates/%d/notification_templates_%s/"
                                  % (jt, kind))
            self.assertEqual([r["id"] for r in lst["results"]], [nt["id"]], kind)
        status, jobs = srv.api("GET", "/api/v2/jobs/?job_template=%d&order_by=-id" % jt)
        job = jobs["results"][0]
        self.assertEqual(job["status"], "successful")
        deadline = time.monotonic() + 30
        notes = []
        while time.monotonic() < deadline:
            status, out = srv.api("GET", "/api/v2/jobs/%d/notifications/" % job["id"])
            notes = out["results"]
            if len(notes) == 2 and all(n["status"] != "pending" for n in notes):
                break
            time.sleep(0.2)
        self.assertEqual([n["status"] for n in notes], ["successful", "successful"],
                         str(notes) + srv.log_tail())
        bodies = [json.loads(b) for (p, h, b) in Receiver.got if p == "/hook"]
        self.assertEqual([b["status"] for b in bodies], ["running", "successful"])
        self.assertTrue(all(b["id"] == job["id"] for b in bodies))
        self.assertEqual(Receiver.got[0][1].get("X-E2E"), "yes")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
