#!/usr/bin/env python3
"""The binary's command lines (issue 2, "Build and start"): version, --help, migrate, serve with
a generated or given admin password, --tls-self-signed, graceful SIGTERM/SIGINT, bad --listen."""
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from baton_server import find_baton_binary, free_port  # noqa: E402

BIN = find_baton_binary(sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else None)


def wait_ping(url, context=None, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/api/v2/ping/", timeout=2, context=context) as r:
                return json.load(r)
        except OSError:
            time.sleep(0.05)
    raise AssertionError("no answer from " + url)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="baton-cli-")
        self.env = dict(os.environ, BATON_PBKDF2_ITERATIONS="1000")
        self.env.pop("BATON_ADMIN_PASSWORD", None)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def run_bin(self, *args, env=None):
        return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=30, env=env or self.env)

    def serve(self, *extra, env=None):
        port = free_port()
        proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:%d" % port, "--data-dir", self.tmp, *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env or self.env)
        return proc, port

    def test_version_and_help(self):
        r = self.run_bin("version")
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^baton \d+\.\d+\.\d+")
        for args in (["--help"], ["serve", "--help"], ["migrate", "--help"], ["version", "--help"]):
            r = self.run_bin(*args)
            self.assertEqual(r.returncode, 0, args)
            self.assertIn("Usage", r.stdout + r.stderr)
        self.assertIn("--tls-self-signed", self.run_bin("serve", "--help").stdout)

    def test_migrate_creates_and_is_idempotent(self):
        r = self.run_bin("migrate", "--data-dir", self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(os.path.exists(os.path.join(self.tmp, "baton.db")))
        m = re.search(r"schema version (\d+)", r.stdout)
        self.assertTrue(m, r.stdout)
        r2 = self.run_bin("migrate", "--data-dir", self.tmp)
        self.assertEqual(r2.returncode, 0)
        self.assertIn("schema version " + m.group(1), r2.stdout)

    def test_generated_admin_password_printed_once_and_sigterm_is_graceful(self):
        proc, port = self.serve()
        wait_ping("http://127.0.0.1:%d" % port)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0, out)
        m = re.search(r"created superuser 'admin' with password: (\S+)", out)
        self.assertTrue(m, out)
        password = m.group(1)
        # Second start on the same database: no new admin, the password still works.
        proc, port = self.serve()
        wait_ping("http://127.0.0.1:%d" % port)
        req = urllib.request.Request("http://127.0.0.1:%d/api/v2/me/" % port)
        import base64
        req.add_header("Authorization", "Basic " + base64.b64encode(("admin:" + password).encode()).decode())
        with urllib.request.urlopen(req, timeout=10) as r:
            self.assertEqual(json.load(r)["results"][0]["username"], "admin")
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0, out)
        self.assertNotIn("created superuser", out)

    def test_admin_from_environment(self):
        env = dict(self.env, BATON_ADMIN_USER="root", BATON_ADMIN_PASSWORD="given-Pw1")
        proc, port = self.serve(env=env)
        wait_ping("http://127.0.0.1:%d" % port)
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0, out)
        self.assertIn("created superuser 'root'", out)
        self.assertNotIn("given-Pw1", out)

    def test_tls_self_signed(self):
        proc, port = self.serve("--tls-self-signed")
        try:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            body = wait_ping("https://127.0.0.1:%d" % port, context=ctx)
            self.assertIn("version", body)
            key = os.path.join(self.tmp, "tls", "key.pem")
            self.assertEqual(os.stat(key).st_mode & 0o077, 0)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=15)
        self.assertEqual(proc.returncode, 0)

    def test_bad_listen_address(self):
        r = self.run_bin("serve", "--listen", "nonsense", "--data-dir", self.tmp)
        self.assertEqual(r.returncode, 2)
        self.assertIn("invalid --listen", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + [a for a in sys.argv[1:] if a.startswith("-")], verbosity=2)
