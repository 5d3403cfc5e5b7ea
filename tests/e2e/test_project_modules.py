#!/usr/bin/env python3
# e2e-schemes: http https
"""awx.awx `label`, `project`, `inventory_source`, `inventory_source_update`, (manual, and git from a local repository) and `project_update` against the
real binary: real git clones, the update's revision, idempotent second run."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, run_playbook  # noqa: E402


def make_repo(path):
    os.makedirs(path)
    with open(os.path.join(path, "hello.yml"), "w") as f:
        f.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hello\n")
    os.makedirs(os.path.join(path, "inventory"))
    with open(os.path.join(path, "inventory", "hosts"), "w") as f:
        f.write("[web]\nweb1 http_port=8080\nweb2\n\n[web:vars]\ntier=front\n")
    git = ["git", "-C", path, "-c", "user.name=t", "-c", "user.email=t@x"]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "first"], check=True)
    return subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()


class ProjectModules(unittest.TestCase):
    def test_projects(self):
        with BatonServer(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None) as srv:
            repo = os.path.join(srv.tmp, "repo")
            head = make_repo(repo)
            os.makedirs(os.path.join(srv.data_dir, "projects", "manual1"))
            extra = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
                     "controller_password": srv.admin_password, "manual_dir": "manual1",
                     "repo_url": "file://" + repo, "run_update": True}
            res = run_playbook("playbooks/projects.yml", extra, timeout=120)
            if not res.ok:
                self.fail(res.report() + srv.log_tail())
            self.assertTrue(res.task("label")["changed"])
            self.assertTrue(res.task("manual project")["changed"])
            self.assertTrue(res.task("git project")["changed"])
            upd = res.task("update the git project")
            # The module compares scm_revision before and after: nothing new in the repository.
            self.assertFalse(upd["changed"], upd)
            self.assertEqual(upd.get("status"), "successful", upd)
            status, projects = srv.api("GET", "/api/v2/projects/?name=e2e%20git")
            self.assertEqual(status, 200)
            p = projects["results"][0]
            self.assertEqual(p["scm_revision"], head)
            self.assertEqual(p["status"], "successful")
            status, playbooks = srv.api("GET", "/api/v2/projects/%d/playbooks/" % p["id"])
            self.assertEqual(playbooks, ["hello.yml"])
            # The scm inventory source imported the repository's inventory file.
            isu = res.task("update the inventory source")
            self.assertTrue(isu["changed"], isu)
            self.assertEqual(isu.get("status"), "successful", isu)
            status, invs = srv.api("GET", "/api/v2/inventories/?name=e2e%20src%20inv")
            inv_id = invs["results"][0]["id"]
            status, hosts = srv.api("GET", "/api/v2/inventories/%d/hosts/?order_by=name" % inv_id)
            self.assertEqual([h["name"] for h in hosts["results"]], ["web1", "web2"])
            status, groups = srv.api("GET", "/api/v2/inventories/%d/groups/" % inv_id)
            self.assertEqual([g["name"] for g in groups["results"]], ["web"])
            self.assertIn("8080", hosts["results"][0]["variables"])
            status, updates = srv.api("GET", "/api/v2/projects/%d/project_updates/" % p["id"])
            self.assertEqual(updates["count"], 2)  # the create's update and project_update's
            self.assertTrue(all(u["status"] == "successful" for u in updates["results"]))
            # Second run: the projects exist unchanged.
            extra["run_update"] = False
            res2 = run_playbook("playbooks/projects.yml", extra, timeout=120)
            if not res2.ok:
                self.fail(res2.report() + srv.log_tail())
            self.assertFalse(res2.task("label")["changed"], res2.report())
            self.assertFalse(res2.task("manual project")["changed"], res2.report())
            self.assertFalse(res2.task("git project")["changed"], res2.report())
            self.assertFalse(res2.task("inventory for the scm source")["changed"], res2.report())
            self.assertFalse(res2.task("scm inventory source")["changed"], res2.report())
            # A new commit: the update reports changed and lands the new revision.
            with open(os.path.join(repo, "second.yml"), "w") as f:
                f.write("- hosts: all\n  tasks: []\n")
            git = ["git", "-C", repo, "-c", "user.name=t", "-c", "user.email=t@x"]
            subprocess.run(git + ["add", "."], check=True)
            subprocess.run(git + ["commit", "-q", "-m", "second"], check=True)
            new_head = subprocess.run(git + ["rev-parse", "HEAD"], check=True, capture_output=True,
                                      text=True).stdout.strip()
            extra["run_update"] = True
            res3 = run_playbook("playbooks/projects.yml", extra, timeout=120)
            if not res3.ok:
                self.fail(res3.report() + srv.log_tail())
            self.assertTrue(res3.task("update the git project")["changed"], res3.report())
            status, p = srv.api("GET", "/api/v2/projects/%d/" % p["id"])
            self.assertEqual(p["scm_revision"], new_head)
            status, playbooks = srv.api("GET", "/api/v2/projects/%d/playbooks/" % p["id"])
            self.assertEqual(playbooks, ["hello.yml", "second.yml"])


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")], verbosity=2)
