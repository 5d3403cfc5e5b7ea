#!/usr/bin/env python3
# e2e-schemes: http https
"""The `awx` CLI of AWX 21.14.0 (awxkit, vendored unmodified in tests/clients/) against the real
binary (issue 12): login and tokens, organizations, users and their roles, teams, inventories,
hosts and groups, credentials (secrets shown as $encrypted$), a project, a job template launched
with --monitor and extra vars, job stdout, a failing job's exit code, a workflow of two nodes
launched with --monitor, deletes and errors. Over HTTPS the CLI runs with -k, as its users do
with a self-signed certificate."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import REPO_ROOT, BatonServer  # noqa: E402

AWX = os.environ.get("BATON_AWX_CLI") or os.path.join(REPO_ROOT, "tests", "clients", "awx")

PLAYBOOKS = {
    "hello.yml": """- hosts: all
  gather_facts: false
  tasks:
    - debug: msg="hello {{ who | default('nobody') }} from {{ inventory_hostname }}"
""",
    "fail.yml": """- hosts: all
  gather_facts: false
  tasks:
    - fail: msg="this play fails on purpose"
""",
}


class AwxCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.srv = BatonServer().__enter__()
        pdir = os.path.join(cls.srv.data_dir, "projects", "cli_project")
        os.makedirs(pdir)
        for name, text in PLAYBOOKS.items():
            with open(os.path.join(pdir, name), "w") as f:
                f.write(text)

    @classmethod
    def tearDownClass(cls):
        cls.srv.__exit__(None, None, None)

    # ---- helpers --------------------------------------------------------

    def run_cli(self, *args, auth=True, token=None, fmt="json", check=True, timeout=180):
        cmd = [AWX, "--conf.host", self.srv.base_url, "--conf.color", "f"]
        if self.srv.tls:
            cmd.append("-k")
        if token is not None:
            cmd += ["--conf.token", token]
        elif auth is True:
            cmd += ["--conf.username", self.srv.admin_user, "--conf.password", self.srv.admin_password]
        elif auth:
            cmd += ["--conf.username", auth[0], "--conf.password", auth[1]]
        if fmt:
            cmd += ["-f", fmt]
        cmd += [str(a) for a in args]
        env = dict(os.environ)
        for k in list(env):  # the CLI reads CONTROLLER_*/TOWER_* from the environment
            if k.startswith(("CONTROLLER_", "TOWER_", "AWXKIT_")):
                del env[k]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        if check and p.returncode != 0:
            self.fail("awx %s -> rc %d\nstdout: %s\nstderr: %s\n--- server log ---\n%s"
                      % (" ".join(map(str, args)), p.returncode, p.stdout[-4000:], p.stderr[-4000:],
                         self.srv.log_tail()))
        return p

    def cli_json(self, *args, **kw):
        p = self.run_cli(*args, **kw)
        try:
            return json.loads(p.stdout)
        except ValueError:
            self.fail("awx %s: not JSON: %r (stderr %r)" % (" ".join(map(str, args)), p.stdout[-2000:],
                                                          p.stderr[-2000:]))

    def api(self, method, path, body=None):
        status, out = self.srv.api(method, path, body)
        self.assertLess(status, 300, "%s %s -> %s %r" % (method, path, status, out))
        return out

    # ---- tests ----------------------------------------------------------

    def test_01_ping_me_config(self):
        ping = self.cli_json("ping")
        self.assertIn("version", ping)
        me = self.cli_json("me")
        self.assertEqual(me["results"][0]["username"], self.srv.admin_user)
        config = self.cli_json("config")  # the CLI's own settings
        self.assertEqual(config["base_url"], self.srv.base_url)

    def test_02_login_token_and_bad_password(self):
        out = self.cli_json("login")
        self.assertTrue(out.get("token"), out)
        me = self.cli_json("me", auth=False, token=out["token"])
        self.assertEqual(me["results"][0]["username"], self.srv.admin_user)
        bad = self.run_cli("me", auth=(self.srv.admin_user, "wrong"), check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertNotIn(self.srv.admin_password, bad.stdout + bad.stderr)

    def test_03_organizations_users_teams_roles(self):
        org = self.cli_json("organizations", "create", "--name", "cli org", "--description", "d1")
        self.assertEqual(org["name"], "cli org")
        mod = self.cli_json("organizations", "modify", org["id"], "--description", "d2")
        self.assertEqual(mod["description"], "d2")
        got = self.cli_json("organizations", "get", "cli org")  # by name
        self.assertEqual(got["id"], org["id"])
        human = self.run_cli("organizations", "list", "--name", "cli org", fmt="human").stdout
        self.assertIn("cli org", human)
        yaml_out = self.run_cli("organizations", "get", org["id"], fmt="yaml").stdout
        self.assertIn("name: cli org", yaml_out)
        listed = self.cli_json("organizations", "list", "--name", "cli org")
        self.assertEqual([o["id"] for o in listed["results"]], [org["id"]])

        user = self.cli_json("users", "create", "--username", "cli_user", "--password", "s3cret-pw",
                             "--email", "u@example.com")
        self.assertNotIn("s3cret-pw", json.dumps(user))
        me = self.cli_json("me", auth=("cli_user", "s3cret-pw"))
        self.assertEqual(me["results"][0]["username"], "cli_user")

        self.run_cli("users", "grant", "--organization", "cli org", "--role", "admin", "cli_user")
        roles = self.api("GET", "/api/v2/users/%d/roles/" % user["id"])["results"]
        self.assertIn(("admin", org["id"]), [(r["name"].lower(), r["summary_fields"]["resource_id"])
                                              for r in roles if r.get("summary_fields", {}).get("resource_type") == "organization"])
        self.run_cli("users", "revoke", "--organization", "cli org", "--role", "admin", "cli_user")
        roles = self.api("GET", "/api/v2/users/%d/roles/" % user["id"])["results"]
        self.assertFalse([r for r in roles if r.get("summary_fields", {}).get("resource_id") == org["id"]
                          and r.get("summary_fields", {}).get("resource_type") == "organization"])

        team = self.cli_json("teams", "create", "--name", "cli team", "--organization", org["id"])
        self.assertEqual(team["organization"], org["id"])
        self.run_cli("users", "grant", "--team", team["id"], "--role", "member", "cli_user")
        members = self.api("GET", "/api/v2/teams/%d/users/" % team["id"])["results"]
        self.assertEqual([u["username"] for u in members], ["cli_user"])

        self.run_cli("teams", "delete", team["id"])
        self.run_cli("users", "delete", user["id"])
        gone = self.run_cli("users", "get", user["id"], check=False)
        self.assertNotEqual(gone.returncode, 0)

    def test_04_inventory_hosts_groups_credentials(self):
        inv = self.cli_json("inventory", "create", "--name", "cli inv", "--organization", 1,
                            "--variables", json.dumps({"env": "test"}))
        self.assertEqual(json.loads(inv["variables"] or "{}").get("env"), "test")
        host = self.cli_json("hosts", "create", "--name", "h1", "--inventory", inv["id"],
                             "--variables", json.dumps({"ansible_connection": "local"}))
        group = self.cli_json("groups", "create", "--name", "web", "--inventory", inv["id"])
        # awxkit has no `groups associate`; its users post to the sub-list.
        status, _ = self.srv.api("POST", "/api/v2/groups/%d/hosts/" % group["id"], {"id": host["id"]})
        self.assertEqual(status, 204)
        hosts = self.cli_json("hosts", "list", "--inventory", inv["id"])
        self.assertEqual([h["name"] for h in hosts["results"]], ["h1"])
        ghosts = self.api("GET", "/api/v2/groups/%d/hosts/" % group["id"])["results"]
        self.assertEqual([h["id"] for h in ghosts], [host["id"]])

        cred = self.cli_json("credentials", "create", "--name", "cli machine", "--organization", 1,
                             "--credential_type", "Machine",
                             "--inputs", json.dumps({"username": "deploy", "password": "hunter2"}))
        self.assertEqual(cred["inputs"]["username"], "deploy")
        self.assertEqual(cred["inputs"]["password"], "$encrypted$")
        shown = self.run_cli("credentials", "get", cred["id"]).stdout
        self.assertNotIn("hunter2", shown)

        proj, inv2 = self._project_and_inventory()
        jt = self.cli_json("job_templates", "create", "--name", "cli creds", "--project", proj["id"],
                           "--inventory", inv2["id"], "--playbook", "hello.yml")
        linked = self.cli_json("job_templates", "associate", jt["id"], "--credential", "cli machine")
        self.assertEqual([c["id"] for c in linked["results"]], [cred["id"]])
        unlinked = self.cli_json("job_templates", "disassociate", jt["id"], "--credential", cred["id"])
        self.assertEqual(unlinked["results"], [])
        self.run_cli("credentials", "delete", cred["id"])

    def _project_and_inventory(self):
        if getattr(type(self), "_jt_deps", None):
            return type(self)._jt_deps
        proj = self.cli_json("projects", "create", "--name", "cli project", "--organization", 1,
                             "--scm_type", "", "--local_path", "cli_project")
        inv = self.cli_json("inventory", "create", "--name", "cli local", "--organization", 1)
        self.cli_json("hosts", "create", "--name", "localhost", "--inventory", inv["id"],
                      "--variables", json.dumps({"ansible_connection": "local",
                                                 "ansible_python_interpreter": sys.executable}))
        type(self)._jt_deps = (proj, inv)
        return proj, inv

    def test_05_job_template_launch_monitor_stdout(self):
        proj, inv = self._project_and_inventory()
        jt = self.cli_json("job_templates", "create", "--name", "cli hello", "--project", proj["id"],
                           "--inventory", inv["id"], "--playbook", "hello.yml")
        self.assertFalse(jt["ask_variables_on_launch"])
        jt = self.cli_json("job_templates", "modify", jt["id"], "--ask_variables_on_launch", "true")
        self.assertTrue(jt["ask_variables_on_launch"])
        p = self.run_cli("job_templates", "launch", jt["id"], "--monitor", "-e",
                         json.dumps({"who": "the cli"}), fmt="human")
        self.assertIn("hello the cli from localhost", p.stdout)
        jobs = self.api("GET", "/api/v2/job_templates/%d/jobs/" % jt["id"])["results"]
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs[0]["status"], "successful")
        out = self.run_cli("jobs", "stdout", jobs[0]["id"], fmt=None).stdout
        self.assertIn("hello the cli from localhost", out)
        got = self.cli_json("jobs", "get", jobs[0]["id"])
        self.assertEqual(json.loads(got["extra_vars"]).get("who"), "the cli")

    def test_06_failing_job_exit_code(self):
        proj, inv = self._project_and_inventory()
        jt = self.cli_json("job_templates", "create", "--name", "cli fail", "--project", proj["id"],
                           "--inventory", inv["id"], "--playbook", "fail.yml")
        p = self.run_cli("job_templates", "launch", jt["id"], "--wait", check=False)
        self.assertNotEqual(p.returncode, 0, p.stdout)
        jobs = self.api("GET", "/api/v2/job_templates/%d/jobs/" % jt["id"])["results"]
        self.assertEqual([j["status"] for j in jobs], ["failed"])

    def test_07_workflow_launch_monitor(self):
        proj, inv = self._project_and_inventory()
        jt = self.cli_json("job_templates", "create", "--name", "cli wf step", "--project", proj["id"],
                           "--inventory", inv["id"], "--playbook", "hello.yml")
        wf = self.cli_json("workflow_job_templates", "create", "--name", "cli workflow",
                           "--organization", 1)
        first = self.cli_json("workflow_job_template_nodes", "create", "--workflow_job_template", wf["id"],
                              "--unified_job_template", jt["id"], "--identifier", "first")
        second = self.cli_json("workflow_job_template_nodes", "create", "--workflow_job_template",
                               wf["id"], "--unified_job_template", jt["id"], "--identifier", "second")
        self.api("POST", "/api/v2/workflow_job_template_nodes/%d/success_nodes/" % first["id"],
                 {"id": second["id"]})
        nodes = self.cli_json("workflow_job_template_nodes", "list", "--workflow_job_template", wf["id"])
        self.assertEqual(nodes["count"], 2)
        self.run_cli("workflow_job_templates", "launch", wf["id"], "--monitor", fmt="human")
        wjobs = self.api("GET", "/api/v2/workflow_job_templates/%d/workflow_jobs/" % wf["id"])["results"]
        self.assertEqual([w["status"] for w in wjobs], ["successful"])
        wnodes = self.api("GET", "/api/v2/workflow_jobs/%d/workflow_nodes/" % wjobs[0]["id"])["results"]
        self.assertEqual(sorted(n["summary_fields"]["job"]["status"] for n in wnodes),
                         ["successful", "successful"])
        p = self.run_cli("workflow_job_templates", "launch", wf["id"], "--wait")
        self.assertEqual(json.loads(p.stdout)["status"], "successful")

    def test_08_errors(self):
        missing = self.run_cli("organizations", "get", 987654, check=False)
        self.assertNotEqual(missing.returncode, 0)
        bad = self.run_cli("organizations", "create", check=False)  # --name is required
        self.assertNotEqual(bad.returncode, 0)
        dup = self.run_cli("organizations", "create", "--name", "Default", check=False)
        self.assertNotEqual(dup.returncode, 0)
        self.assertIn("already exists", dup.stdout + dup.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
