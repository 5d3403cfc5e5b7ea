#!/usr/bin/python3
# e2e-schemes: http https
"""End-to-end: the real awx.awx 21.14.0 collection (Debian `ansible` package)
against a real baton binary -- organization, user, team, role, token modules.

Run:  BATON_BUILD_DIR=build /usr/bin/python3 tests/e2e/test_identity_modules.py
  or  /usr/bin/python3 tests/e2e/test_identity_modules.py build [-v] [-k pattern]

Phases (run in order against ONE server; a phase is skipped when the one it
depends on failed):
  00  the raw auth flow controller_api.py performs (POST/DELETE /api/v2/tokens/ with Basic)
  10  playbook, desired_state=present: every create task changed, nothing failed
  11  the created objects/grants, checked through the API with Basic auth
  20  the same playbook again: organization/user/team/role tasks report changed=false
  25  the playbook with rev=2 (new descriptions/emails): exactly the tasks whose
      fields changed report changed (PATCH path), the API shows the new values
  30  playbook, desired_state=absent: every revoke/delete task changed
  31  everything is gone (API check), including every role of every deleted
      object and the team that deleting its organization cascades
  32  (API only) deleting an organization that owns a team must drop that
      team's grants: a team member must lose access granted through the team
  90  the collection emitted no server-version warnings
"""

import json
import os
import sys
import unittest
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from baton_server import BatonServer, run_playbook  # noqa: E402

PLAYBOOK = os.path.join(HERE, "playbooks", "identity.yml")
P = "e2e"                          # object name prefix used by the playbook
USER_PASSWORD = "Secr3t-e2e-pw"   # password the playbook gives its users
MODULE_TOKEN_DESCRIPTION = "Automation Platform Controller Module Token"

# task name -> expected `changed` on the first (create) run
PRESENT_FIRST_RUN = {
    "Create organization": True,
    "Create second organization": True,
    "Create user without organization": True,
    "Create user in organization": True,
    "Create team": True,
    "Grant user admin on organization": True,
    "Grant user member on team": True,
    "Grant team auditor on organization": True,
    "Create token": True,
    "Create organization with token (string)": True,
    "Look up organization with token (dict)": False,
    "Delete token": True,
    "Create team in organization created with token": True,
    "Grant user member on team in token organization": True,
    "Grant team in token organization read on second organization": True,
}
# tasks that must report changed=false on the second identical run
# (token tasks always create/delete, so they are excluded)
TOKEN_TASKS = ["Create token", "Delete token"]
IDEMPOTENT = [name for name in PRESENT_FIRST_RUN if name not in TOKEN_TASKS]
# tasks whose fields depend on the `rev` extra var
REV_DEPENDENT = ["Create organization", "Create user without organization",
                 "Create user in organization", "Create team"]

ABSENT_RUN = {
    "Delete organization created with token": True,
    "Revoke team auditor on organization": True,
    "Revoke user member on team": True,
    "Revoke user admin on organization": True,
    "Create token to delete by id": True,
    "Delete token by id": True,
    "Delete team": True,
    "Delete user without organization": True,
    "Delete user in organization": True,
    "Delete second organization": True,
    "Delete organization": True,
}


def _q(**params):
    return "?" + urllib.parse.urlencode(params)


class IdentityModulesE2E(unittest.TestCase):
    maxDiff = None
    srv = None
    passed = set()
    runs = {}

    # ---------------------------------------------------------------- fixture

    @classmethod
    def setUpClass(cls):
        cls.srv_cm = BatonServer()
        cls.srv = cls.srv_cm.__enter__()
        sys.stderr.write("\nbaton %s at %s (data dir %s)\n" % (cls.srv.binary, cls.srv.base_url, cls.srv.data_dir))

    @classmethod
    def tearDownClass(cls):
        if cls.srv is not None:
            alive = cls.srv.alive()
            cls.srv_cm.__exit__(None, None, None)
            if not alive:
                sys.stderr.write("WARNING: baton was no longer running at teardown (crashed?)\n")

    # ---------------------------------------------------------------- helpers

    def require(self, *phases):
        missing = [p for p in phases if p not in self.passed]
        if missing:
            self.skipTest("depends on failed/skipped phase(s) %s" % ", ".join(missing))

    def done(self, phase):
        type(self).passed.add(phase)

    def server_log(self):
        return "\n---- baton log (tail) ----\n" + self.srv.log_tail(4000)

    def play(self, desired_state, rev="1"):
        extra = {
            "rev": rev,
            "controller_host": self.srv.base_url,
            "controller_username": self.srv.admin_user,
            "controller_password": self.srv.admin_password,
            "desired_state": desired_state,
            "p": P,
            "user_password": USER_PASSWORD,
        }
        res = run_playbook(PLAYBOOK, extra, timeout=60)
        sys.stderr.write("  playbook desired_state=%s rev=%s: rc=%s %.1fs\n"
                         % (desired_state, rev, res.returncode, res.elapsed))
        self.assertTrue(self.srv.alive(), "baton died during the playbook run\n" + res.report() + self.server_log())
        return res

    def assert_play_ok(self, res, expected_changed):
        """No failure, every expected task ran, and its `changed` is as expected."""
        if not res.ok:
            self.fail("playbook failed\n" + res.report() + self.server_log())
        ran = {t["name"]: t for t in res.tasks()}
        problems = []
        for name, want in expected_changed.items():
            t = ran.get(name)
            if t is None:
                problems.append("task %r did not run" % name)
            elif t["changed"] != want:
                problems.append("task %r: changed=%s, expected %s; full result:\n%s"
                                % (name, t["changed"], want,
                                   json.dumps(t["result"], indent=2, sort_keys=True, default=str)))
        if problems:
            self.fail("\n".join(problems) + "\n\n" + res.report())

    def get_ok(self, path, **kw):
        status, body = self.srv.api("GET", path, **kw)
        self.assertEqual(status, 200, "GET %s -> %s %s" % (path, status, json.dumps(body)))
        return body

    def lookup_one(self, endpoint, **filters):
        path = "/api/v2/%s/%s" % (endpoint, _q(**filters))
        body = self.get_ok(path)
        self.assertEqual(body.get("count"), 1, "GET %s: expected exactly one: %s" % (path, json.dumps(body)))
        self.assertEqual(len(body["results"]), 1, "GET %s: %s" % (path, json.dumps(body)))
        return body["results"][0]

    def lookup_none(self, endpoint, **filters):
        path = "/api/v2/%s/%s" % (endpoint, _q(**filters))
        body = self.get_ok(path)
        self.assertEqual(body.get("count"), 0, "GET %s: expected nothing: %s" % (path, json.dumps(body)))

    def list_field(self, path, field):
        return [r.get(field) for r in self.srv.get_all(path)]

    def role_id(self, obj, role_field):
        roles = obj.get("summary_fields", {}).get("object_roles", {})
        self.assertIn(role_field, roles, "%s has no summary_fields.object_roles.%s: %s"
                      % (obj.get("url"), role_field, json.dumps(obj.get("summary_fields"))))
        return roles[role_field]["id"]

    def leftover_module_tokens(self):
        return [t for t in self.srv.get_all("/api/v2/tokens/?page_size=200")
                if t.get("description") == MODULE_TOKEN_DESCRIPTION]

    # ---------------------------------------------------------------- phases

    def test_00_module_auth_flow(self):
        """The exact requests controller_api.authenticate()/logout() make."""
        srv = self.srv
        status, body = srv.api("GET", "/api/v2/ping/", auth=False)
        self.assertEqual(status, 200, body)

        req = {"description": MODULE_TOKEN_DESCRIPTION, "application": None, "scope": "write"}
        status, tok = srv.api("POST", "/api/v2/tokens/", req)
        self.assertIn(status, (200, 201), "POST /api/v2/tokens/ (Basic) -> %s %s" % (status, tok))
        self.assertIsInstance(tok, dict, tok)
        self.assertIn("id", tok, "token response lacks 'id': %s" % tok)
        self.assertIn("token", tok, "token response lacks 'token': %s" % tok)
        self.assertNotEqual(tok["token"], "************", "raw token not returned on create")

        status, me = srv.api("GET", "/api/v2/me/", token=tok["token"])
        self.assertEqual(status, 200, "GET /api/v2/me/ (Bearer) -> %s %s" % (status, me))
        self.assertEqual(me["results"][0]["username"], srv.admin_user, me)

        status, body = srv.api("DELETE", "/api/v2/tokens/%s/" % tok["id"])
        self.assertEqual(status, 204, "DELETE /api/v2/tokens/%s/ (Basic) -> %s %s" % (tok["id"], status, body))
        status, body = srv.api("GET", "/api/v2/me/", token=tok["token"])
        self.assertEqual(status, 401, "deleted token still accepted: %s %s" % (status, body))

        status, body = srv.api("GET", "/api/v2/me/", auth=(srv.admin_user, "wrong"))
        self.assertEqual(status, 401, "wrong Basic password -> %s %s" % (status, body))
        self.done("auth")

    def test_10_create_run(self):
        self.require("auth")
        res = self.play("present")
        type(self).runs["present1"] = res
        self.assert_play_ok(res, PRESENT_FIRST_RUN)
        self.done("present1")

    def test_11_verify_created(self):
        self.require("present1")
        res = self.runs["present1"]
        srv = self.srv

        org = self.lookup_one("organizations", name=P + "-org")
        self.assertEqual(org["description"], "baton e2e organization r1")
        self.assertEqual(org["max_hosts"], 0)
        org2 = self.lookup_one("organizations", name=P + "-org2")
        tokenorg = self.lookup_one("organizations", name=P + "-tokenorg")
        self.assertEqual(tokenorg["description"], "created through controller_oauthtoken")
        self.assertEqual(res.task("Create organization")["id"], org["id"])

        alice = self.lookup_one("users", username=P + "-alice")
        bob = self.lookup_one("users", username=P + "-bob")
        for k, v in (("email", "alice@example.com"), ("first_name", "Alice"), ("last_name", "Anders-r1"),
                     ("is_superuser", False), ("is_system_auditor", False)):
            self.assertEqual(alice.get(k), v, "user %s field %s: %s" % (alice["username"], k, json.dumps(alice)))
        self.assertNotEqual(alice.get("password"), USER_PASSWORD, "plaintext password returned")
        self.assertEqual(bob.get("email"), "bob+r1@example.com")

        # the password set by the module works (Basic auth as the new user)
        status, me = srv.api("GET", "/api/v2/me/", auth=(P + "-alice", USER_PASSWORD))
        self.assertEqual(status, 200, "GET /api/v2/me/ as alice -> %s %s" % (status, me))
        self.assertEqual(me["results"][0]["username"], P + "-alice")

        # user created with `organization:` is a member of it
        org_users = self.list_field("/api/v2/organizations/%d/users/" % org["id"], "username")
        self.assertIn(P + "-bob", org_users, "organization users list: %s" % org_users)
        member_role = self.role_id(org, "member_role")
        self.assertIn(P + "-bob", self.list_field("/api/v2/roles/%d/users/" % member_role, "username"))
        self.assertIn(P + "-org", self.list_field("/api/v2/users/%d/organizations/" % bob["id"], "name"))

        # alice is admin of the organization
        admin_role = self.role_id(org, "admin_role")
        self.assertIn(P + "-alice", self.list_field("/api/v2/roles/%d/users/" % admin_role, "username"))
        self.assertIn(P + "-alice", self.list_field("/api/v2/organizations/%d/admins/" % org["id"], "username"))

        # team in the organization, bob a member of it
        team = self.lookup_one("teams", name=P + "-team", organization=org["id"])
        self.assertEqual(team["organization"], org["id"])
        self.assertEqual(team["description"], "baton e2e team r1")
        team_member_role = self.role_id(team, "member_role")
        self.assertIn(P + "-bob", self.list_field("/api/v2/roles/%d/users/" % team_member_role, "username"))
        self.assertIn(P + "-bob", self.list_field("/api/v2/teams/%d/users/" % team["id"], "username"))

        # team holds auditor on org2
        org2_auditor = self.role_id(org2, "auditor_role")
        self.assertIn(P + "-team", self.list_field("/api/v2/roles/%d/teams/" % org2_auditor, "name"))
        self.assertIn(org2_auditor, self.list_field("/api/v2/teams/%d/roles/" % team["id"], "id"))

        # team in the token-created organization: alice member, team has read on org2
        tteam = self.lookup_one("teams", name=P + "-tokenorg-team", organization=tokenorg["id"])
        self.assertIn(P + "-alice", self.list_field("/api/v2/teams/%d/users/" % tteam["id"], "username"))
        org2_read = self.role_id(org2, "read_role")
        self.assertIn(P + "-tokenorg-team", self.list_field("/api/v2/roles/%d/teams/" % org2_read, "name"))

        # the token module returned the raw token, and it was deleted afterwards
        tok = res.task("Create token").get("ansible_facts", {}).get("controller_token") or {}
        self.assertTrue(tok.get("token") and tok.get("id"), "controller_token fact: %s" % tok)
        status, body = srv.api("GET", "/api/v2/tokens/%s/" % tok["id"])
        self.assertEqual(status, 404, "token %s should be deleted: %s %s" % (tok["id"], status, body))
        status, body = srv.api("GET", "/api/v2/me/", token=tok["token"])
        self.assertEqual(status, 401, "deleted token still accepted: %s %s" % (status, body))

        # every module released the token it obtained (DELETE /api/v2/tokens/<id>/ with Basic)
        self.assertEqual(self.leftover_module_tokens(), [], "module tokens not deleted at logout")

        roles = {}
        for name, obj in (("org", org), ("org2", org2), ("tokenorg", tokenorg), ("team", team), ("tokenorg-team", tteam)):
            for field, r in obj["summary_fields"]["object_roles"].items():
                roles["%s.%s" % (name, field)] = r["id"]
        type(self).ids = {"org": org["id"], "org2": org2["id"], "tokenorg": tokenorg["id"],
                          "alice": alice["id"], "bob": bob["id"], "team": team["id"],
                          "tokenorg-team": tteam["id"], "roles": roles}
        self.done("verify1")

    def test_20_idempotent_run(self):
        self.require("present1")
        res = self.play("present")
        type(self).runs["present2"] = res
        expected = {name: False for name in IDEMPOTENT}
        expected.update({name: True for name in TOKEN_TASKS})
        self.assert_play_ok(res, expected)
        # nothing was re-created
        self.assertEqual(self.get_ok("/api/v2/organizations/" + _q(name=P + "-org"))["count"], 1)
        self.assertEqual(self.get_ok("/api/v2/users/" + _q(username=P + "-bob"))["count"], 1)
        self.done("present2")

    def test_25_update_run(self):
        self.require("present1")
        res = self.play("present", rev="2")
        type(self).runs["update"] = res
        expected = {name: (name in REV_DEPENDENT) for name in IDEMPOTENT}
        expected.update({name: True for name in TOKEN_TASKS})
        self.assert_play_ok(res, expected)
        org = self.lookup_one("organizations", name=P + "-org")
        self.assertEqual(org["description"], "baton e2e organization r2")
        alice = self.lookup_one("users", username=P + "-alice")
        self.assertEqual(alice["last_name"], "Anders-r2")
        self.assertEqual(alice["first_name"], "Alice")
        bob = self.lookup_one("users", username=P + "-bob")
        self.assertEqual(bob["email"], "bob+r2@example.com")
        team = self.lookup_one("teams", name=P + "-team", organization=org["id"])
        self.assertEqual(team["description"], "baton e2e team r2")
        # the password survived the updates (update_secrets: false)
        status, _ = self.srv.api("GET", "/api/v2/me/", auth=(P + "-bob", USER_PASSWORD))
        self.assertEqual(status, 200, "bob cannot log in after update")
        self.done("update")

    def test_30_delete_run(self):
        self.require("present1")
        res = self.play("absent")
        type(self).runs["absent"] = res
        self.assert_play_ok(res, ABSENT_RUN)
        self.done("absent")

    def test_31_verify_deleted(self):
        self.require("absent")
        for name in (P + "-org", P + "-org2", P + "-tokenorg"):
            self.lookup_none("organizations", name=name)
        for name in (P + "-alice", P + "-bob"):
            self.lookup_none("users", username=name)
        self.lookup_none("teams", name=P + "-team")
        self.lookup_none("teams", name=P + "-tokenorg-team")
        status, _ = self.srv.api("GET", "/api/v2/me/", auth=(P + "-alice", USER_PASSWORD))
        self.assertEqual(status, 401, "deleted user can still log in")
        tok = self.runs["absent"].task("Create token to delete by id").get("ansible_facts", {}).get("controller_token") or {}
        if tok.get("id"):
            status, body = self.srv.api("GET", "/api/v2/tokens/%s/" % tok["id"])
            self.assertEqual(status, 404, "token deleted by id still there: %s %s" % (status, body))
        self.assertEqual(self.leftover_module_tokens(), [], "module tokens not deleted at logout")

        ids = getattr(self, "ids", None)
        if not ids:
            self.skipTest("ids of created objects unknown (phase 11 failed)")
        problems = []
        for path in ("/api/v2/organizations/%d/" % ids["org"], "/api/v2/organizations/%d/" % ids["tokenorg"],
                     "/api/v2/users/%d/" % ids["alice"], "/api/v2/teams/%d/" % ids["team"],
                     "/api/v2/teams/%d/" % ids["tokenorg-team"]):
            status, body = self.srv.api("GET", path)
            if status != 404:
                problems.append("GET %s after delete -> %s %s" % (path, status, json.dumps(body)))
        # roles belong to their object: none may survive it (AWX deletes them with the object)
        for label, rid in sorted(ids["roles"].items()):
            status, body = self.srv.api("GET", "/api/v2/roles/%d/" % rid)
            if status != 404:
                problems.append("role %s (GET /api/v2/roles/%d/) survived its object -> %s %s"
                                % (label, rid, status, json.dumps(body)))
        if problems:
            self.fail("\n".join(problems))
        self.done("verify_absent")

    def test_32_org_delete_cascades_team_grants(self):
        """Deleting an organization deletes its teams (AWX: FK cascade) -- and with
        them the teams' roles and the grants made to them."""
        srv = self.srv
        problems = []

        def post(path, body, want=(201,)):
            status, obj = srv.api("POST", path, body)
            self.assertIn(status, want, "POST %s %s -> %s %s" % (path, json.dumps(body), status, json.dumps(obj)))
            return obj

        x = post("/api/v2/organizations/", {"name": P + "-casc-x"})
        y = post("/api/v2/organizations/", {"name": P + "-casc-y"})
        eve = post("/api/v2/users/", {"username": P + "-casc-eve", "password": USER_PASSWORD})
        team = post("/api/v2/teams/", {"name": P + "-casc-team", "organization": x["id"]})
        member = self.role_id(team, "member_role")
        y_read = self.role_id(y, "read_role")
        post("/api/v2/roles/%d/users/" % member, {"id": eve["id"]}, want=(204,))
        post("/api/v2/roles/%d/teams/" % y_read, {"id": team["id"]}, want=(204,))
        eve_auth = (P + "-casc-eve", USER_PASSWORD)
        status, _ = srv.api("GET", "/api/v2/organizations/%d/" % y["id"], auth=eve_auth)
        self.assertEqual(status, 200, "precondition: team member can read org y")

        status, body = srv.api("DELETE", "/api/v2/organizations/%d/" % x["id"])
        self.assertIn(status, (202, 204), "DELETE organization -> %s %s" % (status, body))
        status, body = srv.api("GET", "/api/v2/teams/%d/" % team["id"])
        if status != 404:
            problems.append("team of deleted organization: GET /api/v2/teams/%d/ -> %s" % (team["id"], status))
        status, body = srv.api("GET", "/api/v2/roles/%d/" % member)
        if status != 404:
            problems.append("member_role of the cascaded team survives: GET /api/v2/roles/%d/ -> %s %s"
                            % (member, status, json.dumps(body)))
        status, body = srv.api("GET", "/api/v2/organizations/%d/" % y["id"], auth=eve_auth)
        if status != 404 and status != 403:
            problems.append("user keeps access granted through the cascaded team: GET /api/v2/organizations/%d/ "
                            "as %s -> %s (expected 403/404)" % (y["id"], eve_auth[0], status))
        eve_roles = [(r["id"], r.get("summary_fields", {}).get("resource_type"))
                     for r in srv.get_all("/api/v2/users/%d/roles/" % eve["id"])]
        if eve_roles:
            problems.append("GET /api/v2/users/%d/roles/ still lists %s" % (eve["id"], eve_roles))
        # creating teams afterwards must work (new team rows may reuse the old id)
        for n in (1, 2):
            status, body = srv.api("POST", "/api/v2/teams/", {"name": "%s-casc-new%d" % (P, n), "organization": y["id"]})
            if status != 201:
                problems.append("POST /api/v2/teams/ {name: %s-casc-new%d, organization: %d} after the cascade -> %s %s"
                                % (P, n, y["id"], status, json.dumps(body)))
        # clean up (best effort)
        srv.api("DELETE", "/api/v2/organizations/%d/" % y["id"])
        srv.api("DELETE", "/api/v2/users/%d/" % eve["id"])
        if problems:
            self.fail("\n".join(problems))

    def test_90_no_version_warnings(self):
        """controller_api warns unless X-API-Product-Name: AWX / X-API-Product-Version: 21.x."""
        if not self.runs:
            self.skipTest("no playbook ran")
        warnings = []
        for run, res in sorted(self.runs.items()):
            warnings += ["%s / %s: %s" % (run, task, w) for task, w in res.warnings()
                         if "version" in w.lower() or "connecting to" in w.lower()]
        status, _, headers = self.srv.api_full("GET", "/api/v2/ping/", auth=False)
        hdr = {k.lower(): v for k, v in headers.items()}
        self.assertEqual(warnings, [], "collection warnings (headers on /api/v2/ping/: X-API-Product-Name=%r "
                         "X-API-Product-Version=%r)" % (hdr.get("x-api-product-name"), hdr.get("x-api-product-version")))


def main(argv):
    # optional first positional argument: the build dir
    if len(argv) > 1 and not argv[1].startswith("-"):
        os.environ["BATON_BUILD_DIR"] = argv[1]
        del argv[1]
    unittest.main(argv=argv, verbosity=2)


if __name__ == "__main__":
    main(sys.argv)
