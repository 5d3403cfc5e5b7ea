#!/usr/bin/env python3
"""Records baton's API answers for a fixed set of requests, or compares them with a recording
(issue 13: answers must be byte-identical before and after the restructuring).

    record.py --build-dir build --out tests/api_record/baseline.json     # record
    record.py --build-dir build --compare tests/api_record/baseline.json # compare, exit 1 on a diff

ctest runs the comparison (api_record_compare). A change that means to change an answer records
again with --out and says so in its commit.

The set: a fixed world built through the API (organizations, users, teams, credentials,
inventories with hosts and groups, a manual project, job templates with a survey, a workflow with
nodes and edges, labels, notification templates, schedules), then for every resource in
GET /api/v2/: the list, OPTIONS of the list, the first object's detail and OPTIONS, every
`related` sub-list of that object, and a set of rejected writes (missing fields, wrong types,
duplicates). No job is run (runs are not deterministic). Answers are normalized only where they
cannot repeat: timestamps, UUIDs, the admin's password, the temporary data directory, the
machine's hostname (the instance's name), and the X-API-*-Time headers (not recorded); everything else,
status, the headers that matter and the body bytes, must match.
"""

import argparse
import json
import os
import re
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

from baton_server import _OPENER, BatonServer, basic_auth_header  # noqa: E402

ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
KEEP_HEADERS = ("content-type", "allow", "location", "warning", "x-api-product-name",
                "x-api-product-version")


def normalize(text, secrets):
    # The instance's name is the machine's hostname (ping/, instance groups, jobs' nodes).
    text = text.replace('"%s"' % socket.gethostname(), '"<node>"')
    text = ISO.sub("<time>", text)
    text = UUID.sub("<uuid>", text)
    for s in secrets:
        text = text.replace(s, "<secret>")
    return text


class Recorder:
    def __init__(self, srv):
        self.srv = srv
        self.secrets = [srv.admin_password, srv.tmp]  # the temp dir shows in config/
        self.answers = []

    def call(self, method, path, body=None):
        """One request; records status, the headers that matter and the body bytes as sent."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.srv.base_url + path, data=data, method=method, headers={
            "Authorization": basic_auth_header(*self.srv.admin_auth),
            "Content-Type": "application/json", "Accept": "application/json"})
        try:
            resp = _OPENER.open(req, timeout=30)
            status, raw, headers = resp.status, resp.read(), dict(resp.headers)
        except urllib.error.HTTPError as e:
            status, raw, headers = e.code, e.read(), dict(e.headers or {})
        text = raw.decode("utf-8", "replace")
        hdrs = {k.lower(): v for k, v in headers.items() if k.lower() in KEEP_HEADERS}
        self.answers.append({"request": "%s %s" % (method, path),
                             "body": None if body is None else json.dumps(body, sort_keys=True),
                             "status": status, "headers": hdrs,
                             "answer": normalize(text, self.secrets)})
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, text

    def make(self, path, body):
        status, out = self.call("POST", path, body)
        if status != 201:
            raise SystemExit("record: POST %s -> %s %r" % (path, status, out))
        return out["id"]

    def world(self):
        os.makedirs(os.path.join(self.srv.data_dir, "projects", "rec"))
        with open(os.path.join(self.srv.data_dir, "projects", "rec", "site.yml"), "w") as f:
            f.write("- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n")
        org = self.make("/api/v2/organizations/", {"name": "rec org", "description": "d"})
        user = self.make("/api/v2/users/", {"username": "rec_user", "password": "rec-pw-1",
                                            "email": "r@example.com", "first_name": "R"})
        team = self.make("/api/v2/teams/", {"name": "rec team", "organization": org})
        self.call("POST", "/api/v2/teams/%d/users/" % team, {"id": user})
        cred = self.make("/api/v2/credentials/", {"name": "rec cred", "organization": org,
                                                  "credential_type": 1,
                                                  "inputs": {"username": "u", "password": "p"}})
        inv = self.make("/api/v2/inventories/", {"name": "rec inv", "organization": org,
                                                 "variables": "a: 1"})
        host = self.make("/api/v2/hosts/", {"name": "h1", "inventory": inv,
                                            "variables": "ansible_connection: local"})
        group = self.make("/api/v2/groups/", {"name": "g1", "inventory": inv})
        self.call("POST", "/api/v2/groups/%d/hosts/" % group, {"id": host})
        proj = self.make("/api/v2/projects/", {"name": "rec proj", "organization": org,
                                               "local_path": "rec"})
        jt = self.make("/api/v2/job_templates/", {"name": "rec jt", "project": proj,
                                                  "inventory": inv, "playbook": "site.yml",
                                                  "ask_limit_on_launch": True})
        self.call("POST", "/api/v2/job_templates/%d/credentials/" % jt, {"id": cred})
        self.call("POST", "/api/v2/job_templates/%d/survey_spec/" % jt, {
            "name": "s", "description": "", "spec": [{"type": "text", "question_name": "Q",
                                                      "variable": "q", "required": False}]})
        label = self.make("/api/v2/labels/", {"name": "rec label", "organization": org})
        self.call("POST", "/api/v2/job_templates/%d/labels/" % jt, {"id": label})
        wf = self.make("/api/v2/workflow_job_templates/", {"name": "rec wf", "organization": org})
        a = self.make("/api/v2/workflow_job_templates/%d/workflow_nodes/" % wf,
                      {"unified_job_template": jt, "identifier": "a"})
        b = self.make("/api/v2/workflow_job_templates/%d/workflow_nodes/" % wf,
                      {"unified_job_template": jt, "identifier": "b"})
        self.call("POST", "/api/v2/workflow_job_template_nodes/%d/success_nodes/" % a, {"id": b})
        self.make("/api/v2/notification_templates/", {
            "name": "rec nt", "organization": org, "notification_type": "webhook",
            "notification_configuration": {"url": "http://127.0.0.1:9/", "headers": {}}})
        self.make("/api/v2/schedules/", {"name": "rec sched", "unified_job_template": jt,
                                         "rrule": "DTSTART:20300101T000000Z RRULE:FREQ=DAILY;INTERVAL=1"})

    def survey(self):
        status, root = self.call("GET", "/api/v2/")
        for name, url in sorted(root.items()):
            if not isinstance(url, str) or not url.startswith("/api/v2/"):
                continue
            self.call("OPTIONS", url)
            status, page = self.call("GET", url + "?order_by=id")
            results = page.get("results") if isinstance(page, dict) else None
            if not results:
                continue
            first = results[-1] if isinstance(results[-1], dict) else None
            if not first or not first.get("url"):
                continue
            self.call("GET", first["url"])
            self.call("OPTIONS", first["url"])
            for rel, sub in sorted((first.get("related") or {}).items()):
                if isinstance(sub, str) and sub.startswith("/api/v2/") and sub != first["url"]:
                    self.call("GET", sub)
            self.call("POST", url, {})
            self.call("POST", url, {"name": 123, "organization": "x"})
            self.call("PATCH", first["url"], {"name": ""})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build-dir", default=None)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--out")
    g.add_argument("--compare")
    args = ap.parse_args()
    with BatonServer(build_dir=args.build_dir, admin_password="rec-admin-pw", tls=False,
                     extra_env={"BATON_SECRET_KEY": "00" * 32}) as srv:
        rec = Recorder(srv)
        rec.world()
        rec.survey()
    if args.out:
        with open(args.out, "w") as f:
            json.dump(rec.answers, f, indent=0, ensure_ascii=False)
            f.write("\n")
        print("record: %d answers written to %s" % (len(rec.answers), args.out))
        return 0
    with open(args.compare) as f:
        want = json.load(f)
    diffs = 0
    for i, (w, g) in enumerate(zip(want, rec.answers)):
        if w != g:
            diffs += 1
            if diffs <= 20:
                print("DIFF %d %s\n  want %s %r\n  got  %s %r" % (
                    i, w["request"], w["status"], w["answer"][:400], g["status"], g["answer"][:400]))
    if len(want) != len(rec.answers):
        diffs += 1
        print("DIFF the recording has %d answers, this run %d" % (len(want), len(rec.answers)))
    print("record: %d of %d answers identical" % (len(rec.answers) - diffs, len(rec.answers)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
