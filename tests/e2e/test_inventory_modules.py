#!/usr/bin/env python3
# e2e-schemes: http https
"""awx.awx `credential_type`, `credential`, `inventory`, `host` and `group` against the real binary
(create run all changed, identical second run all unchanged, API checks, a credential with a bad SSH
key rejected), then the `awx.awx.controller` inventory plugin through `ansible-inventory --list`.

    BATON_BUILD_DIR=build /usr/bin/python3 tests/e2e/test_inventory_modules.py
"""
import json
import os
import subprocess
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import BatonServer, ansible_env, run_playbook  # noqa: E402

P = "e2e"
INV = P + "-inv"
RESOURCE_TASKS = ["custom credential type", "machine credential", "custom credential", "scm credential",
                  "inventory", "host web1", "host db1 (disabled)", "child group", "parent group"]


def q(name):
    return urllib.parse.quote(name)


class InventoryModules(unittest.TestCase):
    def one(self, srv, endpoint, name):
        status, body = srv.api("GET", "/api/v2/%s/?name=%s" % (endpoint, q(name)))
        self.assertEqual(status, 200, body)
        self.assertEqual(body["count"], 1, body)
        return body["results"][0]

    def check_bad_key(self, res, srv):
        bad = res.task("bad ssh key")
        self.assertTrue(bad.get("failed"), bad)
        self.assertFalse(bad.get("changed"), bad)
        self.assertIn("key", json.dumps(bad.get("msg", bad)).lower(), bad)
        status, body = srv.api("GET", "/api/v2/credentials/?name=%s" % q(P + " bad key"))
        self.assertEqual((status, body["count"]), (200, 0), body)

    def test_inventory_modules(self):
        with BatonServer(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None) as srv:
            extra = {"controller_host": srv.base_url, "controller_username": srv.admin_user,
                     "controller_password": srv.admin_password, "p": P}
            res = run_playbook("playbooks/inventory.yml", extra, timeout=120)
            if not res.ok:
                self.fail(res.report() + srv.log_tail())
            for name in RESOURCE_TASKS:
                self.assertTrue(res.task(name)["changed"], "first run, %r not changed\n%s" % (name, res.report()))
            self.check_bad_key(res, srv)

            # ---- API: credential type and credentials
            ct = self.one(srv, "credential_types", P + " cloud")
            self.assertEqual(ct["kind"], "cloud")
            self.assertFalse(ct["managed"])
            fields = {f["id"]: f for f in ct["inputs"]["fields"]}
            self.assertTrue(fields["api_token"].get("secret"), ct["inputs"])
            self.assertEqual(ct["injectors"]["env"]["E2E_API_TOKEN"], "{{ api_token }}", ct["injectors"])

            machine = self.one(srv, "credentials", P + " machine")
            self.assertEqual(machine["inputs"]["username"], "deploy")
            self.assertEqual(machine["inputs"]["password"], "$encrypted$", machine["inputs"])
            self.assertEqual(machine["kind"], "ssh")
            cloud = self.one(srv, "credentials", P + " cloud cred")
            self.assertEqual(cloud["credential_type"], ct["id"])
            self.assertEqual(cloud["inputs"]["api_url"], "https://cloud.example.invalid/api")
            self.assertEqual(cloud["inputs"]["api_token"], "$encrypted$", cloud["inputs"])
            self.assertIsNone(cloud["kind"])  # AWX: kind is the type's namespace, None for custom types
            scm = self.one(srv, "credentials", P + " scm")
            self.assertEqual(scm["kind"], "scm")
            self.assertEqual(scm["inputs"]["password"], "$encrypted$", scm["inputs"])
            status, orgs = srv.api("GET", "/api/v2/organizations/?name=Default")
            org_id = orgs["results"][0]["id"]
            for c in (machine, cloud, scm):
                self.assertEqual(c["organization"], org_id, c)

            # ---- API: inventory, hosts, groups
            inv = self.one(srv, "inventories", INV)
            self.assertEqual(json.loads(inv["variables"]),
                             {"inv_var": "inv-value", "ntp_servers": ["ntp1.example.invalid", "ntp2.example.invalid"]})
            self.assertEqual(inv["organization"], org_id)
            hosts = {h["name"]: h for h in srv.get_all("/api/v2/inventories/%d/hosts/" % inv["id"])}
            self.assertEqual(sorted(hosts), [P + "-db1", P + "-web1"])
            web, db = hosts[P + "-web1"], hosts[P + "-db1"]
            self.assertTrue(web["enabled"])
            self.assertFalse(db["enabled"])
            self.assertEqual(json.loads(web["variables"]), {"http_port": 8080, "role": "web"})
            self.assertEqual(json.loads(db["variables"]), {"db_port": 5432, "role": "db"})
            groups = {g["name"]: g for g in srv.get_all("/api/v2/inventories/%d/groups/" % inv["id"])}
            self.assertEqual(sorted(groups), [P + "_dbs", P + "_servers"])
            servers, dbs = groups[P + "_servers"], groups[P + "_dbs"]
            self.assertEqual(json.loads(servers["variables"]), {"env": "test"})
            self.assertEqual([h["name"] for h in srv.get_all("/api/v2/groups/%d/hosts/" % servers["id"])],
                             [P + "-web1"])
            self.assertEqual([h["name"] for h in srv.get_all("/api/v2/groups/%d/hosts/" % dbs["id"])],
                             [P + "-db1"])
            self.assertEqual([g["name"] for g in srv.get_all("/api/v2/groups/%d/children/" % servers["id"])],
                             [P + "_dbs"])
            self.assertEqual([g["name"] for g in srv.get_all("/api/v2/hosts/%d/groups/" % db["id"])], [P + "_dbs"])
            # AWX: all_groups includes the indirect parent
            self.assertEqual(sorted(g["name"] for g in srv.get_all("/api/v2/hosts/%d/all_groups/" % db["id"])),
                             [P + "_dbs", P + "_servers"])
            status, root = srv.api("GET", "/api/v2/inventories/%d/root_groups/" % inv["id"])
            self.assertEqual(status, 200, root)
            self.assertEqual([g["name"] for g in root["results"]], [P + "_servers"])

            # ---- second identical run: nothing changes
            res2 = run_playbook("playbooks/inventory.yml", extra, timeout=120)
            if not res2.ok:
                self.fail(res2.report() + srv.log_tail())
            for name in RESOURCE_TASKS:
                self.assertFalse(res2.task(name)["changed"],
                                 "second run, %r changed\n%s" % (name, json.dumps(res2.task(name), indent=1)))
            self.check_bad_key(res2, srv)
            status, body = srv.api("GET", "/api/v2/credentials/?name__startswith=%s" % q(P + " "))
            self.assertEqual(body["count"], 3, [c["name"] for c in body["results"]])

            # ---- awx.awx.controller inventory plugin
            src = os.path.join(srv.tmp, "baton.controller.yml")
            with open(src, "w") as f:
                json.dump({"plugin": "awx.awx.controller", "host": srv.base_url, "username": srv.admin_user,
                           "password": srv.admin_password, "inventory_id": INV + "++Default",
                           "validate_certs": False}, f)
            proc = subprocess.run(["ansible-inventory", "-i", src, "--list"], stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, timeout=60, cwd=srv.tmp,
                                  env=ansible_env({"ANSIBLE_INVENTORY_ENABLED": "awx.awx.controller",
                                                   "ANSIBLE_INVENTORY_UNPARSED_FAILED": "True"}))
            self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr + srv.log_tail())
            data = json.loads(proc.stdout)
            hv = data["_meta"]["hostvars"]
            # The plugin asks for /script/?hostvars=1&towervars=1&all=1: AWX includes disabled hosts
            # (all=1) and marks them with remote_tower_enabled "false".
            self.assertEqual(sorted(hv), [P + "-db1", P + "-web1"], data)
            self.assertEqual(hv[P + "-web1"]["http_port"], 8080)
            self.assertEqual(hv[P + "-web1"]["role"], "web")
            self.assertEqual(hv[P + "-web1"]["remote_tower_enabled"], "true")
            self.assertEqual(hv[P + "-web1"]["remote_tower_id"], web["id"])
            self.assertEqual(hv[P + "-db1"]["db_port"], 5432)
            self.assertEqual(hv[P + "-db1"]["remote_tower_enabled"], "false")
            self.assertEqual(hv[P + "-db1"]["remote_tower_id"], db["id"])
            # group and inventory variables reach the hosts
            self.assertEqual(hv[P + "-db1"]["tier"], "db", hv)
            self.assertEqual(hv[P + "-db1"]["env"], "test", hv)
            self.assertEqual(hv[P + "-web1"]["env"], "test", hv)
            self.assertNotIn("tier", hv[P + "-web1"])
            self.assertEqual(hv[P + "-web1"]["inv_var"], "inv-value", hv)
            self.assertEqual(hv[P + "-db1"]["ntp_servers"], ["ntp1.example.invalid", "ntp2.example.invalid"])
            self.assertIn(P + "_servers", data["all"]["children"], data)
            self.assertEqual(data[P + "_servers"]["hosts"], [P + "-web1"], data)
            self.assertEqual(data[P + "_servers"]["children"], [P + "_dbs"], data)
            self.assertEqual(data[P + "_dbs"]["hosts"], [P + "-db1"], data)

            # AWX semantics of the script endpoint without all=1: disabled hosts are left out.
            status, script = srv.api("GET", "/api/v2/inventories/%d/script/?hostvars=1" % inv["id"])
            self.assertEqual(status, 200, script)
            self.assertEqual(sorted(script["_meta"]["hostvars"]), [P + "-web1"], script)
            self.assertEqual(script["all"]["vars"]["inv_var"], "inv-value", script)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")], verbosity=2)
