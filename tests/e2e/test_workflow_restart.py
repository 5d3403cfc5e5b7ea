#!/usr/bin/env python3
"""kill -9 of the server in the middle of workflows (issue 5, must-show 5). After a restart on the
same data directory: the job each workflow was running is failed with the restart explanation and
its processes are gone; a workflow with a failure edge follows it and ends successful, one
without ends failed with AWX's explanation, a nested one fails and its outer workflow follows its
failure edge; a workflow waiting on an approval still waits and goes on once approved; a
workflow job that was still pending (blocked by allow_simultaneous) starts; nothing is left
running; new launches work."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer  # noqa: E402
from test_restart import job_processes  # noqa: E402

SLEEP = """- hosts: all
  gather_facts: false
  tasks:
    - command: sleep {{ seconds | default(300) }}
"""
OK = """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="ok from {{ inventory_hostname }}"
"""
ACTIVE = ("new", "pending", "waiting", "running")
RESTART_EXPLANATION = ("Task was marked as running at system start up. The system must have not "
                       "shut down properly, so it has been marked as failed.")
NO_HANDLER = "No error handling paths found, marking workflow as failed"


class WorkflowRestart(unittest.TestCase):
    def setUp(self):
        self.srv = None

    def api(self, method, path, body=None, expect=None):
        status, obj = self.srv.api(method, path, body)
        if expect is not None:
            self.assertEqual(status, expect, "%s %s -> %r" % (method, path, obj))
        return obj

    def create(self, path, body):
        return self.api("POST", path, body, expect=201)["id"]

    def wait(self, path, pred, timeout=90, what="condition"):
        deadline = time.monotonic() + timeout
        obj = None
        while time.monotonic() < deadline:
            status, obj = self.srv.api("GET", path)
            if status == 200 and pred(obj):
                return obj
            time.sleep(0.2)
        raise AssertionError("%s: %s not reached within %ds: %r\n--- server log ---\n%s"
                             % (path, what, timeout, obj, self.srv.log_tail()))

    def node_job(self, wj, ident, timeout=60):
        """The job id of node `ident` of workflow job `wj`, once spawned."""
        return self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=%s" % (wj, ident),
                         lambda o: o["count"] == 1 and o["results"][0]["job"] is not None,
                         timeout, "node %s spawned" % ident)["results"][0]["job"]

    def nodes(self, wj):
        return {n["identifier"]: n
                for n in self.srv.get_all("/api/v2/workflow_jobs/%d/workflow_nodes/" % wj)}

    def wait_wj(self, wj, timeout=120):
        return self.wait("/api/v2/workflow_jobs/%d/" % wj, lambda o: o["status"] not in ACTIVE,
                         timeout, "workflow job finished")

    def test_kill_9_mid_workflow(self):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        with BatonServer(arg) as srv:
            self.srv = srv
            pdir = os.path.join(srv.data_dir, "projects", "wf_restart")
            os.makedirs(pdir)
            for name, text in (("sleep.yml", SLEEP), ("ok.yml", OK)):
                with open(os.path.join(pdir, name), "w") as f:
                    f.write(text)
            project = self.create("/api/v2/projects/", {
                "name": "wf restart", "organization": 1, "local_path": "wf_restart"})
            inv = self.create("/api/v2/inventories/", {"name": "wf restart", "organization": 1})
            self.create("/api/v2/inventories/%d/hosts/" % inv, {
                "name": "localhost",
                "variables": "ansible_connection: local\n"
                             "ansible_python_interpreter: '{{ ansible_playbook_python }}'"})

            def jt(name, playbook):
                return self.create("/api/v2/job_templates/", {
                    "name": name, "project": project, "inventory": inv, "playbook": playbook,
                    "allow_simultaneous": True})

            def wfjt(name):
                return self.create("/api/v2/workflow_job_templates/",
                                   {"name": name, "organization": 1})

            def node(wf, ujt, ident):
                body = {"identifier": ident}
                if ujt is not None:
                    body["unified_job_template"] = ujt
                return self.create("/api/v2/workflow_job_templates/%d/workflow_nodes/" % wf, body)

            def link(parent, kind, child):
                self.api("POST", "/api/v2/workflow_job_template_nodes/%d/%s_nodes/"
                         % (parent, kind), {"id": child}, expect=204)

            def launch(wf):
                return self.api("POST", "/api/v2/workflow_job_templates/%d/launch/" % wf, {},
                                expect=201)["id"]

            long_jt, ok_jt = jt("long", "sleep.yml"), jt("ok", "ok.yml")
            # handled: long -S-> next, long -F-> recover
            handled = wfjt("handled")
            first = node(handled, long_jt, "long")
            link(first, "success", node(handled, ok_jt, "next"))
            link(first, "failure", node(handled, ok_jt, "recover"))
            # unhandled: long -S-> next
            unhandled = wfjt("unhandled")
            link(node(unhandled, long_jt, "long"), "success", node(unhandled, ok_jt, "next"))
            # gated: ok -S-> gate (approval) -S-> after
            gated = wfjt("gated")
            before, gate = node(gated, ok_jt, "before"), node(gated, None, "gate")
            self.api("POST", "/api/v2/workflow_job_template_nodes/%d/create_approval_template/"
                     % gate, {"name": "carry on?"}, expect=201)
            link(before, "success", gate)
            link(gate, "success", node(gated, ok_jt, "after"))

            # nested: inner (long) -F-> recover; the inner workflow has no failure handler.
            inner = wfjt("inner")
            node(inner, long_jt, "long")
            outer = wfjt("outer")
            link(node(outer, inner, "inner"), "failure", node(outer, ok_jt, "recover"))

            handled_wj, unhandled_wj, gated_wj = launch(handled), launch(unhandled), launch(gated)
            outer_wj = launch(outer)
            # A second run of `handled` waits for the first (allow_simultaneous is off).
            queued_wj = launch(handled)
            inner_wj = self.node_job(outer_wj, "inner")
            long_jobs = [self.node_job(handled_wj, "long"), self.node_job(unhandled_wj, "long"),
                         self.node_job(inner_wj, "long")]
            for j in long_jobs:
                self.wait("/api/v2/jobs/%d/" % j, lambda o: o["status"] == "running", 60,
                          "long job running")
                deadline = time.monotonic() + 30
                while not job_processes(srv, j) and time.monotonic() < deadline:
                    time.sleep(0.1)
                self.assertTrue(job_processes(srv, j), "no process of job %d" % j)
            approval = self.node_job(gated_wj, "gate")
            self.assertEqual(self.api("GET", "/api/v2/workflow_approvals/%d/" % approval)["status"],
                             "pending")
            self.assertEqual(self.api("GET", "/api/v2/workflow_jobs/%d/" % queued_wj)["status"],
                             "pending")

            srv.proc.kill()  # SIGKILL: no shutdown code runs
            srv.proc.wait(timeout=10)
            srv.proc = None
            srv._log.close()
            srv._log = None
            srv._start()

            # The interrupted jobs: failed with the restart explanation, their processes gone.
            for j in long_jobs:
                job = self.wait("/api/v2/jobs/%d/" % j, lambda o: o["status"] not in ACTIVE, 60,
                                "interrupted job finished")
                self.assertEqual(job["status"], "failed", job)
                self.assertEqual(job["job_explanation"], RESTART_EXPLANATION)
                self.assertIsNotNone(job["finished"])
                deadline = time.monotonic() + 15
                while job_processes(srv, j) and time.monotonic() < deadline:
                    time.sleep(0.1)
                self.assertEqual(job_processes(srv, j), [], "leftover processes of job %d" % j)

            # handled: the failure edge runs, the workflow succeeds.
            done = self.wait_wj(handled_wj)
            nodes = self.nodes(handled_wj)
            self.assertEqual(done["status"], "successful", (done, nodes))
            self.assertEqual(done["job_explanation"], "")
            self.assertTrue(nodes["next"]["do_not_run"])
            self.assertIsNone(nodes["next"]["job"])
            self.assertEqual(nodes["recover"]["summary_fields"]["job"]["status"], "successful")

            # unhandled: failed with AWX's explanation.
            done = self.wait_wj(unhandled_wj)
            nodes = self.nodes(unhandled_wj)
            self.assertEqual(done["status"], "failed", (done, nodes))
            self.assertEqual(done["job_explanation"], NO_HANDLER)
            self.assertTrue(nodes["next"]["do_not_run"])

            # nested: the inner workflow fails, the outer one follows its failure edge.
            done = self.wait_wj(inner_wj)
            self.assertEqual(done["status"], "failed", (done, self.nodes(inner_wj)))
            self.assertEqual(done["job_explanation"], NO_HANDLER)
            done = self.wait_wj(outer_wj)
            nodes = self.nodes(outer_wj)
            self.assertEqual(done["status"], "successful", (done, nodes))
            self.assertEqual(nodes["inner"]["summary_fields"]["job"]["status"], "failed")
            self.assertEqual(nodes["recover"]["summary_fields"]["job"]["status"], "successful")

            # gated: the approval survived the restart and still decides.
            self.assertEqual(self.api("GET", "/api/v2/workflow_jobs/%d/" % gated_wj)["status"],
                             "running")
            self.assertEqual(self.api("GET", "/api/v2/workflow_approvals/%d/" % approval)["status"],
                             "pending")
            self.api("POST", "/api/v2/workflow_approvals/%d/approve/" % approval, {}, expect=204)
            done = self.wait_wj(gated_wj)
            nodes = self.nodes(gated_wj)
            self.assertEqual(done["status"], "successful", (done, nodes))
            self.assertEqual(nodes["after"]["summary_fields"]["job"]["status"], "successful")

            # The queued run of `handled` starts once the first is done; cancel its long job's
            # workflow once it runs.
            long_job = self.node_job(queued_wj, "long")
            self.wait("/api/v2/jobs/%d/" % long_job, lambda o: o["status"] == "running", 60,
                      "queued workflow's job running")
            self.api("POST", "/api/v2/workflow_jobs/%d/cancel/" % queued_wj, {}, expect=202)
            done = self.wait_wj(queued_wj)
            self.assertEqual(done["status"], "canceled", done)
            self.assertEqual(self.api("GET", "/api/v2/jobs/%d/" % long_job)["status"], "canceled")
            deadline = time.monotonic() + 15
            while job_processes(srv, long_job) and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertEqual(job_processes(srv, long_job), [], "processes of the canceled job")

            # New launches work, and nothing is left running anywhere.
            fresh = wfjt("fresh")
            node(fresh, ok_jt, "only")
            fresh_wj = launch(fresh)
            done = self.wait_wj(fresh_wj)
            self.assertEqual(done["status"], "successful", (done, self.nodes(fresh_wj)))
            active = self.api("GET", "/api/v2/unified_jobs/?status__in=new,pending,waiting,running")
            self.assertEqual(active["count"], 0, active)
            approvals = self.api("GET", "/api/v2/workflow_approvals/?status=pending")
            self.assertEqual(approvals["count"], 0, approvals)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
