#!/usr/bin/env python3
"""Workflows end to end against the real binary with real ansible-runner runs (issue 5, must-show
3): the "Complete Example" of the workflow job template docs (deploy_db -> deploy_backend ->
deploy_frontend, every failure -> rollback) built with the same requests, a handled failure
(rollback runs, workflow successful), an unhandled one (workflow failed with AWX's explanation),
approval nodes approved, denied and timed out, nested workflows, canceled workflows (plain and
nested) and a canceled node job, relaunches, a sliced job template (job_slice_count=3 over 3
hosts), artifacts and workflow variables reaching jobs, ALL/ANY convergence."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer  # noqa: E402
from test_restart import job_processes  # noqa: E402

PLAYBOOKS = {
    "step.yml": """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="step {{ step | default('none') }} on {{ inventory_hostname }}"
""",
    "fail.yml": """- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="step {{ step | default('none') }} breaks on {{ inventory_hostname }}"
""",
    "sleep.yml": """- hosts: all
  gather_facts: false
  tasks:
    - command: sleep {{ seconds | default(60) }}
""",
    "stats.yml": """- hosts: all
  gather_facts: false
  tasks:
    - set_stats:
        data:
          release: "r-{{ env | default('none') }}"
          build: 42
        per_host: false
      run_once: true
""",
    "show.yml": """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="release={{ release | default('unset') }} build={{ build | default('unset') }} env={{ env | default('unset') }}"
""",
}

LOCAL_HOST_VARS = ("ansible_connection: local\n"
                   "ansible_python_interpreter: '{{ ansible_playbook_python }}'")
ACTIVE = ("new", "pending", "waiting", "running")
NO_HANDLER = "No error handling paths found, marking workflow as failed"


class Workflows(unittest.TestCase):
    srv = None

    @classmethod
    def setUpClass(cls):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        cls.srv = BatonServer(arg).__enter__()
        try:
            cls._setup_objects()
        except BaseException:
            cls.srv.__exit__(None, None, None)
            raise

    @classmethod
    def _setup_objects(cls):
        srv = cls.srv
        pdir = os.path.join(srv.data_dir, "projects", "e2e_workflows")
        os.makedirs(pdir)
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(pdir, name), "w") as f:
                f.write(text)
        cls.project = cls.create("/api/v2/projects/", {
            "name": "e2e workflows", "organization": 1, "local_path": "e2e_workflows"})
        cls.inventory = cls.create("/api/v2/inventories/", {"name": "wf one host",
                                                            "organization": 1})
        cls.create("/api/v2/inventories/%d/hosts/" % cls.inventory,
                   {"name": "localhost", "variables": LOCAL_HOST_VARS})
        cls.inventory3 = cls.create("/api/v2/inventories/", {"name": "wf three hosts",
                                                             "organization": 1})
        for h in ("h1", "h2", "h3"):
            cls.create("/api/v2/inventories/%d/hosts/" % cls.inventory3,
                       {"name": h, "variables": LOCAL_HOST_VARS})
        # The seed's example authenticates with a Bearer token.
        status, tok = srv.api("POST", "/api/v2/tokens/", {"description": "e2e workflows",
                                                          "scope": "write"})
        if status != 201:
            raise AssertionError("POST /api/v2/tokens/ -> %s %r" % (status, tok))
        cls.token = tok["token"]

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    # ---- helpers --------------------------------------------------------

    @classmethod
    def create(cls, url, body, expect=201):
        status, obj = cls.srv.api("POST", url, body)
        if status != expect:
            raise AssertionError("POST %s -> %s %r" % (url, status, obj))
        return obj["id"] if isinstance(obj, dict) and "id" in obj else obj

    def post(self, url, body=None, expect=None):
        status, obj = self.srv.api("POST", url, {} if body is None else body)
        if expect is not None:
            self.assertEqual(status, expect, "POST %s -> %r" % (url, obj))
        return status, obj

    def jt(self, name, playbook="step.yml", **kw):
        body = {"name": name, "project": self.project, "inventory": self.inventory,
                "playbook": playbook}
        body.update(kw)
        return self.create("/api/v2/job_templates/", body)

    def wfjt(self, name, **kw):
        body = {"name": name, "organization": 1}
        body.update(kw)
        return self.create("/api/v2/workflow_job_templates/", body)

    def node(self, wfjt, ujt=None, identifier=None, **kw):
        body = dict(kw)
        if ujt is not None:
            body["unified_job_template"] = ujt
        if identifier is not None:
            body["identifier"] = identifier
        return self.create("/api/v2/workflow_job_templates/%d/workflow_nodes/" % wfjt, body)

    def link(self, parent, kind, child):
        status, out = self.srv.api("POST", "/api/v2/workflow_job_template_nodes/%d/%s_nodes/"
                                   % (parent, kind), {"id": child})
        self.assertEqual(status, 204, out)

    def launch(self, wfjt, body=None):
        status, out = self.srv.api("POST", "/api/v2/workflow_job_templates/%d/launch/" % wfjt,
                                   body or {})
        self.assertEqual(status, 201, out)
        return out["id"]

    def wait(self, path, pred, timeout=120, what="condition"):
        deadline = time.monotonic() + timeout
        obj = None
        while time.monotonic() < deadline:
            status, obj = self.srv.api("GET", path)
            if status == 200 and pred(obj):
                return obj
            time.sleep(0.2)
        raise AssertionError("%s: %s not reached within %ds: %r\n--- server log ---\n%s"
                             % (path, what, timeout, obj, self.srv.log_tail()))

    def wait_wj(self, wj, timeout=180):
        return self.wait("/api/v2/workflow_jobs/%d/" % wj, lambda o: o["status"] not in ACTIVE,
                         timeout, "workflow job finished")

    def nodes(self, wj):
        """The workflow job's nodes by identifier."""
        out = {}
        for n in self.srv.get_all("/api/v2/workflow_jobs/%d/workflow_nodes/" % wj):
            out[n["identifier"]] = n
        return out

    def job(self, job_id, kind="jobs"):
        status, j = self.srv.api("GET", "/api/v2/%s/%d/" % (kind, job_id))
        self.assertEqual(status, 200, j)
        return j

    def stdout(self, job_id):
        status, text = self.srv.api("GET", "/api/v2/jobs/%d/stdout/?format=txt" % job_id)
        self.assertEqual(status, 200, text)
        return text

    def assert_ran(self, nodes, ident, status):
        n = nodes[ident]
        self.assertFalse(n["do_not_run"], n)
        self.assertIsNotNone(n["job"], "node %s has no job: %r" % (ident, n))
        self.assertEqual(n["summary_fields"]["job"]["status"], status, n)
        return n["job"]

    def assert_dnr(self, nodes, ident):
        n = nodes[ident]
        self.assertTrue(n["do_not_run"], n)
        self.assertIsNone(n["job"], n)

    def assert_no_processes(self, job_id):
        """Nothing of the job runs any more (ansible-playbook runs in a session of its own)."""
        deadline = time.monotonic() + 15
        while job_processes(self.srv, job_id) and time.monotonic() < deadline:
            time.sleep(0.2)
        self.assertEqual(job_processes(self.srv, job_id), [], "processes of job %d" % job_id)

    def describe(self, wj):
        lines = []
        for ident, n in sorted(self.nodes(wj).items()):
            lines.append("  %s: dnr=%s job=%s %s" % (ident, n["do_not_run"], n["job"],
                                                    (n["summary_fields"].get("job") or {})
                                                    .get("status")))
        return "\n".join(lines)

    # ---- the seed's "Complete Example" -----------------------------------

    def complete_example(self, name, templates):
        """Builds the workflow exactly as the seed does: same paths, same bodies, Bearer token;
        `templates` stands in for the ids 10, 11, 12, 13."""
        tok = self.token
        status, workflow = self.srv.api("POST", "/api/v2/workflow_job_templates/", {
            "name": name, "description": "Deploy all components", "organization": 1},
            token=tok)
        self.assertEqual(status, 201, workflow)
        workflow_id = workflow["id"]
        nodes = [
            {"unified_job_template": templates[0], "identifier": "deploy_db"},
            {"unified_job_template": templates[1], "identifier": "deploy_backend"},
            {"unified_job_template": templates[2], "identifier": "deploy_frontend"},
            {"unified_job_template": templates[3], "identifier": "rollback"},
        ]
        node_ids = {}
        for node_data in nodes:
            status, node = self.srv.api(
                "POST", "/api/v2/workflow_job_templates/%d/workflow_nodes/" % workflow_id,
                node_data, token=tok)
            self.assertEqual(status, 201, node)
            node_ids[node["identifier"]] = node["id"]
        edges = [("deploy_db", "success", "deploy_backend"),
                 ("deploy_backend", "success", "deploy_frontend")]
        edges += [(n, "failure", "rollback")
                  for n in ("deploy_db", "deploy_backend", "deploy_frontend")]
        for parent, kind, child in edges:
            status, out = self.srv.api(
                "POST", "/api/v2/workflow_job_template_nodes/%d/%s_nodes/" % (node_ids[parent], kind),
                {"id": node_ids[child]}, token=tok)
            self.assertEqual(status, 204, out)
        # requests.post(url, headers=headers): a JSON content type and no body at all.
        status, workflow_job = self.srv.api(
            "POST", "/api/v2/workflow_job_templates/%d/launch/" % workflow_id, b"", token=tok,
            headers={"Content-Type": "application/json"})
        self.assertEqual(status, 201, workflow_job)
        self.assertEqual(workflow_job["workflow_job_template"], workflow_id)
        self.assertEqual(workflow_job["launch_type"], "manual")
        return workflow_id, workflow_job["id"]

    def deploy_templates(self, prefix, backend_fails=False):
        return [
            self.jt(prefix + " deploy db", extra_vars="step: db"),
            self.jt(prefix + " deploy backend", "fail.yml" if backend_fails else "step.yml",
                    extra_vars="step: backend"),
            self.jt(prefix + " deploy frontend", extra_vars="step: frontend"),
            self.jt(prefix + " rollback", extra_vars="step: rollback"),
        ]

    def test_01_complete_example_succeeds(self):
        templates = self.deploy_templates("ok")
        _, wj = self.complete_example("Full Stack Deploy", templates)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        self.assertFalse(done["failed"])
        self.assertEqual(done["job_explanation"], "")
        self.assertIsNotNone(done["finished"])
        nodes = self.nodes(wj)
        self.assertEqual(sorted(nodes), ["deploy_backend", "deploy_db", "deploy_frontend",
                                         "rollback"])
        jobs = [self.assert_ran(nodes, ident, "successful")
                for ident in ("deploy_db", "deploy_backend", "deploy_frontend")]
        self.assert_dnr(nodes, "rollback")
        # The chain ran in order, each job a real playbook run launched by the workflow.
        details = [self.job(j) for j in jobs]
        for d, tmpl, step in zip(details, templates, ("db", "backend", "frontend")):
            self.assertEqual(d["job_template"], tmpl)
            self.assertEqual(d["launch_type"], "workflow")
            self.assertIn("step %s on localhost" % step, self.stdout(d["id"]))
        self.assertLessEqual(details[0]["finished"], details[1]["started"])
        self.assertLessEqual(details[1]["finished"], details[2]["started"])

    def test_02_failing_backend_runs_rollback_and_workflow_succeeds(self):
        templates = self.deploy_templates("broken", backend_fails=True)
        _, wj = self.complete_example("Full Stack Deploy (broken backend)", templates)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        self.assertFalse(done["failed"])
        self.assertEqual(done["job_explanation"], "")
        nodes = self.nodes(wj)
        self.assert_ran(nodes, "deploy_db", "successful")
        backend = self.assert_ran(nodes, "deploy_backend", "failed")
        self.assertIn("step backend breaks on localhost", self.stdout(backend))
        self.assert_dnr(nodes, "deploy_frontend")
        rollback = self.assert_ran(nodes, "rollback", "successful")
        self.assertIn("step rollback on localhost", self.stdout(rollback))

    def test_03_unhandled_failure_fails_the_workflow(self):
        ok, bad = self.jt("unhandled ok"), self.jt("unhandled fail", "fail.yml")
        wf = self.wfjt("unhandled failure")
        first = self.node(wf, ok, "first")
        second = self.node(wf, bad, "second")
        third = self.node(wf, ok, "third")
        self.link(first, "success", second)
        self.link(second, "success", third)
        wj = self.launch(wf)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "failed", self.describe(wj))
        self.assertTrue(done["failed"])
        self.assertEqual(done["job_explanation"], NO_HANDLER)
        nodes = self.nodes(wj)
        self.assert_ran(nodes, "first", "successful")
        self.assert_ran(nodes, "second", "failed")
        self.assert_dnr(nodes, "third")
        status, wfjt = self.srv.api("GET", "/api/v2/workflow_job_templates/%d/" % wf)
        self.assertEqual(wfjt["status"], "failed", wfjt)
        self.assertTrue(wfjt["last_job_failed"])

    # ---- approvals --------------------------------------------------------

    def approval_workflow(self):
        after, on_deny = self.jt("after approval"), self.jt("on deny")
        wf = self.wfjt("gated")
        gate = self.node(wf, identifier="gate")
        status, at = self.srv.api(
            "POST", "/api/v2/workflow_job_template_nodes/%d/create_approval_template/" % gate,
            {"name": "ship it?", "description": "a human decides", "timeout": 0})
        self.assertEqual(status, 201, at)
        self.assertEqual(at["type"], "workflow_approval_template")
        self.link(gate, "success", self.node(wf, after, "after_approve"))
        self.link(gate, "failure", self.node(wf, on_deny, "after_deny"))
        return wf

    def pending_approval(self, wj):
        node = self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=gate" % wj,
                         lambda o: o["count"] == 1 and o["results"][0]["job"] is not None,
                         60, "approval spawned")["results"][0]
        ap = self.job(node["job"], "workflow_approvals")
        self.assertEqual(ap["status"], "pending", ap)
        self.assertEqual(ap["name"], "ship it?")
        self.assertTrue(ap["can_approve_or_deny"], ap)
        # Nothing downstream starts while the approval waits.
        nodes = self.nodes(wj)
        self.assertIsNone(nodes["after_approve"]["job"])
        self.assertIsNone(nodes["after_deny"]["job"])
        self.assertEqual(self.job(wj, "workflow_jobs")["status"], "running")
        return ap["id"]

    def test_04_approval_approved_and_denied(self):
        wf = self.approval_workflow()
        approved_wj, denied_wj = self.launch(wf), None
        ap = self.pending_approval(approved_wj)
        self.post("/api/v2/workflow_approvals/%d/approve/" % ap, expect=204)
        status, again = self.post("/api/v2/workflow_approvals/%d/deny/" % ap)
        self.assertEqual((status, again), (400, {
            "error": "This workflow step has already been approved or denied."}))
        done = self.wait_wj(approved_wj)
        self.assertEqual(done["status"], "successful", self.describe(approved_wj))
        nodes = self.nodes(approved_wj)
        self.assert_ran(nodes, "gate", "successful")
        self.assert_ran(nodes, "after_approve", "successful")
        self.assert_dnr(nodes, "after_deny")
        approval = self.job(ap, "workflow_approvals")
        self.assertEqual(approval["summary_fields"]["approved_or_denied_by"]["username"],
                         self.srv.admin_user)
        self.assertFalse(approval["can_approve_or_deny"])

        denied_wj = self.launch(wf)
        ap = self.pending_approval(denied_wj)
        self.post("/api/v2/workflow_approvals/%d/deny/" % ap, expect=204)
        done = self.wait_wj(denied_wj)
        # The deny is handled by the failure edge: the workflow succeeds.
        self.assertEqual(done["status"], "successful", self.describe(denied_wj))
        nodes = self.nodes(denied_wj)
        self.assert_ran(nodes, "gate", "failed")
        self.assert_dnr(nodes, "after_approve")
        self.assert_ran(nodes, "after_deny", "successful")
        self.assertEqual(self.job(ap, "workflow_approvals")["status"], "failed")

    # ---- nested workflows ---------------------------------------------------

    def test_05_nested_workflows(self):
        inner_ok = self.wfjt("inner ok")
        self.node(inner_ok, self.jt("inner step", extra_vars="step: inner"), "inner_step")
        inner_bad = self.wfjt("inner failing")
        self.node(inner_bad, self.jt("inner breaks", "fail.yml"), "inner_breaks")
        outer = self.wfjt("outer")
        a = self.node(outer, inner_ok, "nested_ok")
        b = self.node(outer, inner_bad, "nested_failing")
        c = self.node(outer, self.jt("outer handler", extra_vars="step: handler"), "handler")
        d = self.node(outer, self.jt("outer never"), "never")
        self.link(a, "success", b)
        self.link(b, "failure", c)
        self.link(b, "success", d)
        wj = self.launch(outer)
        done = self.wait_wj(wj, timeout=240)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        nodes = self.nodes(wj)
        self.assertEqual(nodes["nested_ok"]["summary_fields"]["job"]["type"], "workflow_job")
        ok_wj = self.assert_ran(nodes, "nested_ok", "successful")
        bad_wj = self.assert_ran(nodes, "nested_failing", "failed")
        self.assert_ran(nodes, "handler", "successful")
        self.assert_dnr(nodes, "never")

        inner = self.job(ok_wj, "workflow_jobs")
        self.assertEqual(inner["workflow_job_template"], inner_ok)
        self.assertEqual(inner["launch_type"], "workflow")
        self.assertEqual(inner["summary_fields"]["source_workflow_job"]["id"], wj, inner)
        self.assert_ran(self.nodes(ok_wj), "inner_step", "successful")
        inner = self.job(bad_wj, "workflow_jobs")
        self.assertEqual(inner["job_explanation"], NO_HANDLER)
        self.assert_ran(self.nodes(bad_wj), "inner_breaks", "failed")

    # ---- cancel -------------------------------------------------------------

    def test_06_cancel_a_running_workflow(self):
        wf = self.wfjt("cancel me")
        long = self.node(wf, self.jt("wf long", "sleep.yml", extra_vars="seconds: 120"), "long")
        self.link(long, "success", self.node(wf, self.jt("wf after long"), "after"))
        self.link(long, "failure", self.node(wf, self.jt("wf long failed"), "on_failure"))
        self.link(long, "always", self.node(wf, self.jt("wf long always"), "always"))
        wj = self.launch(wf)
        node = self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=long" % wj,
                         lambda o: o["count"] == 1 and o["results"][0]["job"] is not None,
                         60, "long job spawned")["results"][0]
        job_id = node["job"]
        self.wait("/api/v2/jobs/%d/" % job_id, lambda j: j["status"] == "running", 60,
                  "long job running")
        time.sleep(1.0)  # let ansible reach the sleeping task
        status, can = self.srv.api("GET", "/api/v2/workflow_jobs/%d/cancel/" % wj)
        self.assertEqual(can, {"can_cancel": True})
        self.post("/api/v2/workflow_jobs/%d/cancel/" % wj, expect=202)
        done = self.wait_wj(wj, timeout=90)
        self.assertEqual(done["status"], "canceled", self.describe(wj))
        self.assertTrue(done["failed"])
        self.assertIsNotNone(done["canceled_on"])
        self.assertIsNotNone(done["finished"])
        job = self.wait("/api/v2/jobs/%d/" % job_id, lambda j: j["status"] not in ACTIVE, 60,
                        "long job finished")
        self.assertEqual(job["status"], "canceled", job)
        self.assert_no_processes(job_id)
        # The cancel does no failure handling: no other node gets a job.
        nodes = self.nodes(wj)
        for ident in ("after", "on_failure", "always"):
            self.assertIsNone(nodes[ident]["job"], nodes[ident])
            self.assertTrue(nodes[ident]["do_not_run"], nodes[ident])
        self.assertEqual(self.srv.api("GET", "/api/v2/workflow_jobs/%d/cancel/" % wj)[1],
                         {"can_cancel": False})
        status, _ = self.post("/api/v2/workflow_jobs/%d/cancel/" % wj)
        self.assertEqual(status, 405)

    # ---- relaunch -----------------------------------------------------------

    def test_07_relaunch(self):
        wf = self.wfjt("relaunch me", extra_vars="step: first")
        first = self.node(wf, self.jt("relaunch step"), "first")
        wj = self.launch(wf)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        old_job = self.assert_ran(self.nodes(wj), "first", "successful")

        # RL-2: the relaunch takes the template's current graph.
        self.link(first, "success", self.node(wf, self.jt("relaunch added"), "added"))
        status, info = self.srv.api("GET", "/api/v2/workflow_jobs/%d/relaunch/" % wj)
        self.assertEqual((status, info), (200, {}))
        status, new = self.post("/api/v2/workflow_jobs/%d/relaunch/" % wj, {})
        self.assertEqual(status, 201, new)
        self.assertNotEqual(new["id"], wj)
        self.assertEqual(new["launch_type"], "relaunch")
        self.assertEqual(new["workflow_job_template"], wf)
        done = self.wait_wj(new["id"])
        self.assertEqual(done["status"], "successful", self.describe(new["id"]))
        nodes = self.nodes(new["id"])
        new_job = self.assert_ran(nodes, "first", "successful")
        self.assertNotEqual(new_job, old_job)
        self.assert_ran(nodes, "added", "successful")
        self.assertIn("step first on localhost", self.stdout(new_job))
        # The first workflow job is untouched.
        self.assertEqual(sorted(self.nodes(wj)), ["first"])
        status, jobs = self.srv.api("GET", "/api/v2/workflow_job_templates/%d/workflow_jobs/" % wf)
        self.assertEqual(sorted(j["id"] for j in jobs["results"]), [wj, new["id"]])

    # ---- slicing ------------------------------------------------------------

    def test_08_sliced_job_template(self):
        jt = self.jt("sliced", inventory=self.inventory3, job_slice_count=3,
                     extra_vars="step: slice")
        status, out = self.post("/api/v2/job_templates/%d/launch/" % jt)
        self.assertEqual(status, 201, out)
        self.assertIn("workflow_job", out)
        wj = out["workflow_job"]
        self.assertEqual(out["type"], "workflow_job")
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        self.assertTrue(done["is_sliced_job"])
        self.assertEqual(done["job_template"], jt)
        self.assertIsNone(done["workflow_job_template"])
        nodes = self.srv.get_all("/api/v2/workflow_jobs/%d/workflow_nodes/" % wj)
        self.assertEqual(len(nodes), 3, nodes)
        hosts_by_slice = {}
        for n in nodes:
            self.assertEqual(n["summary_fields"]["job"]["status"], "successful", n)
            job = self.job(n["job"])
            self.assertEqual(job["job_template"], jt)
            self.assertEqual(job["job_slice_count"], 3)
            self.assertEqual(job["launch_type"], "workflow")
            summaries = self.srv.get_all("/api/v2/jobs/%d/job_host_summaries/" % job["id"])
            hosts_by_slice[job["job_slice_number"]] = sorted(s["host_name"] for s in summaries)
            self.assertIn("step slice on %s" % hosts_by_slice[job["job_slice_number"]][0],
                          self.stdout(job["id"]))
        # RL-9: round robin over the name-ordered hosts.
        self.assertEqual(hosts_by_slice, {1: ["h1"], 2: ["h2"], 3: ["h3"]})
        status, sliced = self.srv.api("GET", "/api/v2/job_templates/%d/slice_workflow_jobs/" % jt)
        self.assertEqual([w["id"] for w in sliced["results"]], [wj])
        # RL-3: a sliced workflow job relaunches by launching the template again, sliced again.
        status, again = self.post("/api/v2/workflow_jobs/%d/relaunch/" % wj, {})
        self.assertEqual(status, 201, again)
        self.assertTrue(again["is_sliced_job"], again)
        self.assertEqual(again["job_template"], jt)
        done = self.wait_wj(again["id"])
        self.assertEqual(done["status"], "successful", self.describe(again["id"]))
        nodes = self.srv.get_all("/api/v2/workflow_jobs/%d/workflow_nodes/" % again["id"])
        self.assertEqual(sorted(self.job(n["job"])["job_slice_number"] for n in nodes), [1, 2, 3])


    # ---- more of the engine with real runs ---------------------------------

    def test_09_artifacts_and_workflow_vars_reach_jobs(self):
        # EX-19: set_stats of a parent reach its descendants; LA-12: the workflow's extra_vars
        # reach every job (the seed's WFJT carries "---\nenv: production").
        wf = self.wfjt("artifacts", extra_vars="---\nenv: production")
        producer = self.node(wf, self.jt("producer", "stats.yml"), "producer")
        middle = self.node(wf, self.jt("middle", "step.yml"), "middle")
        consumer = self.node(wf, self.jt("consumer", "show.yml"), "consumer")
        self.link(producer, "success", middle)
        self.link(middle, "always", consumer)
        wj = self.launch(wf)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        nodes = self.nodes(wj)
        prod = self.job(self.assert_ran(nodes, "producer", "successful"))
        self.assertEqual(prod["artifacts"], {"release": "r-production", "build": 42})
        cons = self.assert_ran(nodes, "consumer", "successful")
        self.assertIn("release=r-production build=42 env=production", self.stdout(cons))

    def test_10_canceling_a_node_job_follows_its_failure_path(self):
        # EX-16: canceling one spawned job (not the workflow) makes its node failure-like.
        wf = self.wfjt("node canceled")
        long = self.node(wf, self.jt("node long", "sleep.yml", extra_vars="seconds: 120"), "long")
        self.link(long, "success", self.node(wf, self.jt("node long ok"), "after"))
        self.link(long, "failure", self.node(wf, self.jt("node long handler"), "handler"))
        wj = self.launch(wf)
        job_id = self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=long" % wj,
                           lambda o: o["count"] == 1 and o["results"][0]["job"] is not None,
                           60, "long job spawned")["results"][0]["job"]
        self.wait("/api/v2/jobs/%d/" % job_id, lambda j: j["status"] == "running", 60,
                  "long job running")
        self.post("/api/v2/jobs/%d/cancel/" % job_id, expect=202)
        done = self.wait_wj(wj, timeout=90)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        nodes = self.nodes(wj)
        self.assert_ran(nodes, "long", "canceled")
        self.assert_no_processes(job_id)
        self.assert_dnr(nodes, "after")
        self.assert_ran(nodes, "handler", "successful")

    def test_11_approval_timeout_fails_the_approval(self):
        wf = self.wfjt("approval times out")
        gate = self.node(wf, identifier="gate")
        status, at = self.srv.api(
            "POST", "/api/v2/workflow_job_template_nodes/%d/create_approval_template/" % gate,
            {"name": "quick", "timeout": 1})
        self.assertEqual(status, 201, at)
        self.link(gate, "success", self.node(wf, self.jt("approved in time"), "approved"))
        wj = self.launch(wf)
        done = self.wait_wj(wj, timeout=60)
        self.assertEqual(done["status"], "failed", self.describe(wj))
        self.assertEqual(done["job_explanation"], NO_HANDLER)
        nodes = self.nodes(wj)
        ap = self.job(self.assert_ran(nodes, "gate", "failed"), "workflow_approvals")
        self.assertTrue(ap["timed_out"], ap)
        self.assertEqual(ap["job_explanation"],
                         "The approval node quick (%d) has expired after 1 seconds." % ap["id"])
        self.assert_dnr(nodes, "approved")
        status, out = self.post("/api/v2/workflow_approvals/%d/approve/" % ap["id"])
        self.assertEqual((status, out), (400, {
            "error": "This workflow step has already been approved or denied."}))

    def test_12_convergence(self):
        # An ALL node runs once both parents succeeded; an ANY node runs after a failed parent
        # leads to it by a failure edge and the other parent's success edge does not.
        ok, bad = self.jt("conv ok"), self.jt("conv bad", "fail.yml")
        wf = self.wfjt("convergence")
        a, b = self.node(wf, ok, "a"), self.node(wf, ok, "b")
        c = self.node(wf, bad, "c")
        both = self.node(wf, ok, "both", all_parents_must_converge=True)
        self.link(a, "success", both)
        self.link(b, "success", both)
        any_ = self.node(wf, ok, "any")
        self.link(both, "success", any_)
        self.link(c, "failure", any_)
        never = self.node(wf, ok, "never", all_parents_must_converge=True)
        self.link(a, "success", never)
        self.link(c, "success", never)
        wj = self.launch(wf)
        done = self.wait_wj(wj)
        self.assertEqual(done["status"], "successful", self.describe(wj))
        nodes = self.nodes(wj)
        for ident in ("a", "b", "both", "any"):
            self.assert_ran(nodes, ident, "successful")
        self.assert_ran(nodes, "c", "failed")
        self.assert_dnr(nodes, "never")
        both_job, any_job = self.job(nodes["both"]["job"]), self.job(nodes["any"]["job"])
        for parent in ("a", "b"):
            self.assertLessEqual(self.job(nodes[parent]["job"])["finished"], both_job["started"])
        for parent in ("both", "c"):
            self.assertLessEqual(self.job(nodes[parent]["job"])["finished"], any_job["started"])

    def test_13_cancel_reaches_nested_workflows_and_approvals(self):
        # EX-16.2: the outer cancel cancels the nested workflow job (and its running job) and a
        # pending approval; the outer workflow ends canceled.
        inner = self.wfjt("inner long")
        self.node(inner, self.jt("inner sleeps", "sleep.yml", extra_vars="seconds: 120"),
                  "sleeper")
        outer = self.wfjt("outer cancel")
        nested = self.node(outer, inner, "nested")
        self.link(nested, "always", self.node(outer, self.jt("after nested"), "after"))
        gate = self.node(outer, identifier="gate")
        self.post("/api/v2/workflow_job_template_nodes/%d/create_approval_template/" % gate,
                  {"name": "never answered"}, expect=201)
        wj = self.launch(outer)
        inner_wj = self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=nested" % wj,
                             lambda o: o["results"][0]["job"] is not None, 60,
                             "nested spawned")["results"][0]["job"]
        sleeper = self.wait("/api/v2/workflow_jobs/%d/workflow_nodes/?identifier=sleeper"
                            % inner_wj, lambda o: o["results"][0]["job"] is not None, 60,
                            "inner job spawned")["results"][0]["job"]
        self.wait("/api/v2/jobs/%d/" % sleeper, lambda j: j["status"] == "running", 60,
                  "inner job running")
        approval = self.nodes(wj)["gate"]["job"]
        self.assertIsNotNone(approval)
        self.post("/api/v2/workflow_jobs/%d/cancel/" % wj, expect=202)
        done = self.wait_wj(wj, timeout=90)
        self.assertEqual(done["status"], "canceled", self.describe(wj))
        self.assertEqual(self.wait_wj(inner_wj)["status"], "canceled", self.describe(inner_wj))
        job = self.wait("/api/v2/jobs/%d/" % sleeper, lambda j: j["status"] not in ACTIVE, 60,
                        "inner job finished")
        self.assertEqual(job["status"], "canceled", job)
        self.assert_no_processes(sleeper)
        self.assertEqual(self.job(approval, "workflow_approvals")["status"], "canceled")
        nodes = self.nodes(wj)
        self.assertIsNone(nodes["after"]["job"], nodes["after"])
        self.assertTrue(nodes["after"]["do_not_run"], nodes["after"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
