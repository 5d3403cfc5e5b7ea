#!/usr/bin/env python3
# e2e-schemes: http https
"""The awx.awx workflow modules end to end against the real binary (issue 5, must-show 4), with real
playbook jobs spawned by the workflows:

  workflow_job_template       the workflow_nodes schema (identifiers, templates by name + type, links
                              by identifier, an approval node), survey, extra_vars, ask_* flags; an
                              identical second run; an update with destroy_current_nodes; state absent
  workflow_job_template_node  nodes one by one (with an approval_node), linked by identifier; an
                              identical second run changes nothing
  workflow_launch             extra_vars + wait: a successful workflow, a failing one (task fails)
  workflow_node_wait          waits for the job of a node of a running workflow
  workflow_approval           approves one pending approval, denies another
  job_wait                    job_type: workflow_jobs

Each module run is followed by API checks of what the server holds (nodes, edges, workflow job
status, the spawned jobs and what they printed)."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, run_playbook  # noqa: E402

PLAYBOOKS = {
    "ok.yml": """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="{{ greeting | default('hi') }} {{ who | default('nobody') }} node={{ node_var | default('none') }} wf={{ wf_var | default('none') }} on {{ inventory_hostname }}"
""",
    "fail.yml": """- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="this workflow node fails"
""",
}

TEMPLATES = "playbooks/workflow_templates.yml"
NODES = "playbooks/workflow_nodes.yml"
RUNS = "playbooks/workflow_runs.yml"


class WorkflowModules(unittest.TestCase):
    """The test methods run in name order and build on each other: templates, nodes, runs, then the
    update and deletion of the schema workflow."""
    srv = None

    @classmethod
    def setUpClass(cls):
        arg = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None
        cls.srv = BatonServer(arg).__enter__()
        srv = cls.srv
        pdir = os.path.join(srv.data_dir, "projects", "e2e_wf")
        os.makedirs(pdir)
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(pdir, name), "w") as f:
                f.write(text)
        project = cls.create("/api/v2/projects/", {"name": "e2e wf", "organization": 1,
                                                   "local_path": "e2e_wf"})
        inventory = cls.create("/api/v2/inventories/", {"name": "e2e wf inv", "organization": 1})
        for h in ("h1", "h2"):
            cls.create("/api/v2/inventories/%d/hosts/" % inventory, {
                "name": h,
                "variables": "ansible_connection: local\n"
                             "ansible_python_interpreter: '{{ ansible_playbook_python }}'"})
        common = {"project": project, "inventory": inventory}
        cls.jt = {
            "wf ok": cls.create("/api/v2/job_templates/", dict(
                common, name="wf ok", playbook="ok.yml", ask_variables_on_launch=True)),
            "wf after": cls.create("/api/v2/job_templates/", dict(
                common, name="wf after", playbook="ok.yml", ask_variables_on_launch=True,
                ask_limit_on_launch=True)),
            "wf fail": cls.create("/api/v2/job_templates/", dict(
                common, name="wf fail", playbook="fail.yml", limit="h1")),
        }

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    @classmethod
    def create(cls, url, body, expect=201):
        status, obj = cls.srv.api("POST", url, body)
        if status != expect:
            raise AssertionError("POST %s -> %s %r" % (url, status, obj))
        return obj["id"]

    # ---- helpers ------------------------------------------------------------------------------

    def play(self, playbook, timeout=240, **extra):
        srv = self.srv
        ev = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
              "controller_password": srv.admin_password}
        ev.update(extra)
        res = run_playbook(playbook, ev, timeout=timeout)
        sys.stderr.write("  %s %s: rc=%s %.1fs\n" % (os.path.basename(playbook), extra or "",
                                                    res.returncode, res.elapsed))
        return res

    def assert_ok(self, res):
        self.assertTrue(res.ok, res.report() + "\n--- server log ---\n" + self.srv.log_tail())

    def get(self, path):
        status, body = self.srv.api("GET", path)
        self.assertEqual(status, 200, (path, body))
        return body

    def wfjt(self, name):
        found = self.get("/api/v2/workflow_job_templates/?name=%s" % name.replace(" ", "%20"))
        self.assertEqual(found["count"], 1, found)
        return found["results"][0]

    def graph(self, wfjt_id):
        """{identifier: node} and the edges as a set of (parent identifier, kind, child identifier)."""
        nodes = self.srv.get_all("/api/v2/workflow_job_templates/%d/workflow_nodes/" % wfjt_id)
        by_id = {n["id"]: n for n in nodes}
        edges = set()
        for n in nodes:
            for kind in ("success", "failure", "always"):
                for child in n["%s_nodes" % kind]:
                    edges.add((n["identifier"], kind, by_id[child]["identifier"]))
        return {n["identifier"]: n for n in nodes}, edges

    def job_nodes(self, wj_id):
        """{identifier: workflow job node} of a workflow job."""
        nodes = self.srv.get_all("/api/v2/workflow_jobs/%d/workflow_nodes/" % wj_id)
        return {n["identifier"]: n for n in nodes}

    def job_stdout(self, job_id):
        status, text = self.srv.api("GET", "/api/v2/jobs/%d/stdout/?format=txt" % job_id)
        self.assertEqual(status, 200, text)
        return text

    # ---- tests ----------------------------------------------------------------------------------

    def test_1_workflow_job_template_schema(self):
        res = self.play(TEMPLATES)
        self.assert_ok(res)
        for name in ("workflow with schema", "simple workflow", "failing workflow"):
            self.assertTrue(res.task(name)["changed"], name)

        wf = self.wfjt("e2e wf schema")
        self.assertEqual(wf["organization"], 1)
        self.assertEqual(wf["description"], "schema r1")
        self.assertEqual(wf["extra_vars"], '{"wf_var": "r1", "shared": "from-wfjt"}')
        for flag in ("ask_variables_on_launch", "ask_limit_on_launch", "ask_tags_on_launch",
                     "survey_enabled"):
            self.assertTrue(wf[flag], flag)
        self.assertFalse(wf["ask_inventory_on_launch"])
        survey = self.get("/api/v2/workflow_job_templates/%d/survey_spec/" % wf["id"])
        self.assertEqual(survey["name"], "schema survey")
        self.assertEqual([q["variable"] for q in survey["spec"]], ["who"])
        self.assertEqual(survey["spec"][0]["default"], "survey-r1")

        nodes, edges = self.graph(wf["id"])
        self.assertEqual(sorted(nodes), ["after", "always", "approve", "on-fail", "start"])
        self.assertEqual(edges, {("start", "success", "approve"), ("start", "failure", "on-fail"),
                                 ("start", "always", "always"), ("approve", "success", "after")})
        self.assertEqual(nodes["start"]["unified_job_template"], self.jt["wf ok"])
        self.assertEqual(nodes["start"]["extra_data"], {"node_var": "start"})
        self.assertEqual(nodes["after"]["unified_job_template"], self.jt["wf after"])
        self.assertEqual(nodes["on-fail"]["unified_job_template"], self.jt["wf fail"])
        self.assertEqual(nodes["always"]["limit"], "h1")
        gate = nodes["approve"]
        self.assertEqual(gate["summary_fields"]["unified_job_template"]["unified_job_type"],
                         "workflow_approval")
        approval_tpl = self.get(gate["related"]["unified_job_template"])
        self.assertEqual((approval_tpl["type"], approval_tpl["name"], approval_tpl["description"],
                          approval_tpl["timeout"]),
                         ("workflow_approval_template", "e2e schema gate", "go on?", 600))

        simple = self.wfjt("e2e wf simple")
        snodes, sedges = self.graph(simple["id"])
        self.assertEqual(sedges, {("one", "success", "two")})
        self.assertEqual(snodes["two"]["limit"], "h1")
        self.assertEqual(snodes["one"]["extra_data"], {"node_var": "one"})
        failing = self.wfjt("e2e wf failing")
        self.assertEqual(sorted(self.graph(failing["id"])[0]), ["boom"])

        # identical second run: the job template nodes, links, survey and fields are unchanged.  The
        # schema's approval node is re-sent to the approval template with the node's identifier and
        # workflow_job_template, which an approval template does not have: the module reports
        # `changed` for that workflow every run, against AWX as here; nothing is created.
        res = self.play(TEMPLATES)
        self.assert_ok(res)
        self.assertFalse(res.task("simple workflow")["changed"], res.task("simple workflow"))
        self.assertFalse(res.task("failing workflow")["changed"], res.task("failing workflow"))
        schema = res.task("workflow with schema")
        self.assertTrue(schema["changed"], schema)
        nodes2, edges2 = self.graph(wf["id"])
        self.assertEqual({k: v["id"] for k, v in nodes2.items()},
                         {k: v["id"] for k, v in nodes.items()})
        self.assertEqual(edges2, edges)
        self.assertEqual(nodes2["approve"]["unified_job_template"], gate["unified_job_template"])
        self.assertEqual(self.get(gate["related"]["unified_job_template"])["name"],
                         "e2e schema gate")
        self.assertEqual(self.get("/api/v2/workflow_job_templates/%d/" % wf["id"])["modified"],
                         wf["modified"])

    def test_2_workflow_job_template_node(self):
        res = self.play(NODES)
        self.assert_ok(res)
        for t in res.tasks():
            self.assertTrue(t["changed"], t["name"])
        wf = self.wfjt("e2e wf nodes")
        nodes, edges = self.graph(wf["id"])
        self.assertEqual(sorted(nodes), ["n-after", "n-cleanup", "n-fail", "n-gate", "n-ok"])
        self.assertEqual(edges, {("n-ok", "success", "n-gate"), ("n-ok", "failure", "n-fail"),
                                 ("n-ok", "always", "n-cleanup"), ("n-gate", "success", "n-after")})
        self.assertEqual(nodes["n-ok"]["unified_job_template"], self.jt["wf ok"])
        self.assertEqual(nodes["n-ok"]["extra_data"], {"node_var": "n-ok"})
        self.assertEqual(nodes["n-after"]["limit"], "h1")
        self.assertTrue(nodes["n-after"]["all_parents_must_converge"])
        self.assertEqual(nodes["n-cleanup"]["unified_job_template"], self.jt["wf after"])
        gate = self.get(nodes["n-gate"]["related"]["unified_job_template"])
        self.assertEqual((gate["type"], gate["name"], gate["description"], gate["timeout"]),
                         ("workflow_approval_template", "e2e gate", "Continue?", 600))

        res = self.play(NODES)
        self.assert_ok(res)
        for t in res.tasks():
            self.assertFalse(t["changed"], (t["name"], t["result"]))
        nodes2, edges2 = self.graph(wf["id"])
        self.assertEqual(edges2, edges)
        self.assertEqual({k: (v["id"], v["unified_job_template"]) for k, v in nodes2.items()},
                         {k: (v["id"], v["unified_job_template"]) for k, v in nodes.items()})

    def test_3_launch_wait_approve_deny(self):
        res = self.play(RUNS)
        # the failing workflow and the denied one fail their tasks (ignore_errors); nothing else may
        self.assertEqual(res.returncode, 0,
                         res.report() + "\n--- server log ---\n" + self.srv.log_tail())
        self.assertEqual(sorted(t["name"] for t in res.failures()),
                         ["launch failing", "wait for the denied workflow"], res.report())

        # a successful workflow launched with extra_vars and wait: true
        simple = res.task("launch simple")
        self.assertTrue(simple["changed"])
        self.assertEqual(simple["status"], "successful", simple)
        wj = self.get("/api/v2/workflow_jobs/%d/" % simple["id"])
        self.assertEqual((wj["status"], wj["failed"], wj["launch_type"]),
                         ("successful", False, "manual"))
        self.assertEqual(wj["workflow_job_template"], self.wfjt("e2e wf simple")["id"])
        nodes = self.job_nodes(wj["id"])
        for ident in ("one", "two"):
            job = self.get("/api/v2/jobs/%d/" % nodes[ident]["job"])
            self.assertEqual((job["status"], job["launch_type"]), ("successful", "workflow"), job)
        out_one = self.job_stdout(nodes["one"]["job"])
        self.assertIn("hello launcher node=one wf=none on h1", out_one)
        self.assertIn("hello launcher node=one wf=none on h2", out_one)
        out_two = self.job_stdout(nodes["two"]["job"])
        self.assertIn("hello launcher node=none wf=none on h1", out_two)  # node "two": no extra_data
        self.assertNotIn("on h2", out_two)  # its limit: h1

        # a failing workflow: the module fails the task, as against AWX
        failing = res.task("launch failing")
        self.assertTrue(failing["failed"])
        self.assertEqual(failing["msg"], "The Workflow Job - e2e wf failing, failed", failing)
        self.assertEqual(failing["status"], "failed")
        wj = self.get("/api/v2/workflow_jobs/%d/" % failing["id"])
        self.assertEqual((wj["status"], wj["failed"]), ("failed", True))
        job = self.get("/api/v2/jobs/%d/" % self.job_nodes(wj["id"])["boom"]["job"])
        self.assertEqual(job["status"], "failed")

        # workflow_node_wait waited for the job of n-ok, then the gate was approved
        gated = res.task("launch gated")
        self.assertTrue(gated["changed"])
        first = res.task("wait for the first node")
        self.assertEqual(first["status"], "successful", first)
        self.assertEqual(first["job_data"]["name"], "wf ok")
        approved = res.task("approve the gate")
        self.assertTrue(approved["changed"], approved)
        done = res.task("wait for the gated workflow")
        self.assertEqual(done["status"], "successful", done)
        nodes = self.job_nodes(gated["id"])
        self.assertEqual(nodes["n-ok"]["job"], first["id"])
        approval = self.get("/api/v2/workflow_approvals/%d/" % nodes["n-gate"]["job"])
        self.assertEqual((approval["status"], approval["failed"]), ("successful", False))
        self.assertEqual(approval["summary_fields"]["approved_or_denied_by"]["username"],
                         self.srv.admin_user)
        for ident in ("n-after", "n-cleanup"):
            job = self.get("/api/v2/jobs/%d/" % nodes[ident]["job"])
            self.assertEqual(job["status"], "successful", job)
        self.assertTrue(nodes["n-fail"]["do_not_run"])
        self.assertIsNone(nodes["n-fail"]["job"])
        self.assertIn("gated node=n-ok", self.job_stdout(nodes["n-ok"]["job"]))

        # the schema workflow's gate denied: the approval fails, "after" never runs, "always" does
        schema_run = res.task("launch schema")
        self.assertTrue(res.task("deny the schema gate")["changed"])
        denied = res.task("wait for the denied workflow")
        self.assertEqual(denied["msg"], "Job with id %d failed" % schema_run["id"], denied)
        wj = self.get("/api/v2/workflow_jobs/%d/" % schema_run["id"])
        self.assertEqual((wj["status"], wj["failed"]), ("failed", True))
        nodes = self.job_nodes(wj["id"])
        approval = self.get("/api/v2/workflow_approvals/%d/" % nodes["approve"]["job"])
        self.assertEqual((approval["status"], approval["failed"]), ("failed", True))
        self.assertTrue(nodes["after"]["do_not_run"])
        self.assertTrue(nodes["on-fail"]["do_not_run"])
        for ident in ("start", "always"):
            job = self.get("/api/v2/jobs/%d/" % nodes[ident]["job"])
            self.assertEqual(job["status"], "successful", job)
        out = self.job_stdout(nodes["start"]["job"])
        self.assertIn("hi schema node=start wf=r1 on h1", out)


    def test_4_update_destroy_current_nodes_and_absent(self):
        """rev=2 of the schema workflow, then state: absent of a node and of that workflow."""
        wf = self.wfjt("e2e wf schema")
        old_nodes, _ = self.graph(wf["id"])
        old_gate = old_nodes["approve"]["related"]["unified_job_template"]
        runs = self.get("/api/v2/workflow_job_templates/%d/workflow_jobs/" % wf["id"])["results"]

        res = self.play(TEMPLATES, rev="2")
        self.assert_ok(res)
        self.assertTrue(res.task("workflow with schema")["changed"])
        self.assertFalse(res.task("simple workflow")["changed"])
        wf2 = self.get("/api/v2/workflow_job_templates/%d/" % wf["id"])
        self.assertEqual(wf2["description"], "schema r2")
        self.assertEqual(wf2["extra_vars"], '{"wf_var": "r2", "shared": "from-wfjt"}')
        self.assertFalse(wf2["ask_limit_on_launch"])
        self.assertTrue(wf2["ask_tags_on_launch"])
        survey = self.get("/api/v2/workflow_job_templates/%d/survey_spec/" % wf["id"])
        self.assertEqual(survey["spec"][0]["default"], "survey-r2")
        # destroy_current_nodes: every old node (and the approval template of the old gate) is gone,
        # the new graph is built from scratch
        nodes, edges = self.graph(wf["id"])
        self.assertEqual(sorted(nodes), ["first", "second"])
        self.assertEqual(edges, {("first", "success", "second")})
        self.assertTrue(nodes["second"]["all_parents_must_converge"])
        self.assertEqual(nodes["second"]["unified_job_template"], self.jt["wf ok"])
        self.assertFalse({n["id"] for n in nodes.values()} & {n["id"] for n in old_nodes.values()})
        for n in old_nodes.values():
            self.assertEqual(self.srv.api("GET", n["url"])[0], 404, n["url"])
        self.assertEqual(self.srv.api("GET", old_gate)[0], 404, old_gate)

        gated = self.wfjt("e2e wf nodes")
        cleanup = self.graph(gated["id"])[0]["n-cleanup"]
        res = self.play(TEMPLATES, desired_state="absent")
        self.assert_ok(res)
        self.assertTrue(res.task("delete node n-cleanup")["changed"])
        self.assertEqual(self.srv.api("GET", cleanup["url"])[0], 404)
        gnodes, gedges = self.graph(gated["id"])
        self.assertEqual(sorted(gnodes), ["n-after", "n-fail", "n-gate", "n-ok"])
        self.assertEqual(gedges, {("n-ok", "success", "n-gate"), ("n-ok", "failure", "n-fail"),
                                  ("n-gate", "success", "n-after")})
        self.assertTrue(res.task("delete schema workflow")["changed"])
        self.assertFalse(res.task("delete schema workflow again")["changed"])
        self.assertEqual(self.srv.api("GET", wf["url"])[0], 404)
        for n in nodes.values():
            self.assertEqual(self.srv.api("GET", n["url"])[0], 404, n["url"])
        # its finished workflow jobs stay
        self.assertTrue(runs)
        for wj in runs:
            self.assertEqual(self.srv.api("GET", wj["url"])[0], 200, wj["url"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")])
