#!/usr/bin/env python3
"""scripts/check-hygiene: each rule fails on a planted violation and passes on the real tree."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHECK = os.path.join(REPO, "scripts", "check-hygiene")

CLEAN = {
    "src/core/result.hpp": "#pragma once\nint Answer();\n",
    "src/store/repo.cpp": '#include "core/result.hpp"\n\nconst char* kSql = "SELECT id FROM users";\n',
    "src/api/users.cpp": '#include "service/users.hpp"\n#include "store/db.hpp"\n\nint Users() {\n  return 1;\n}\n',
    "src/service/users.hpp": '#pragma once\n#include "store/db.hpp"\n',
}


class CheckHygiene(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="hygiene-")
        shutil.copy(os.path.join(REPO, ".clang-format"), self.root)
        for rel, text in CLEAN.items():
            self.write(rel, text)

    def tearDown(self):
        shutil.rmtree(self.root)

    def write(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as fh:
            fh.write(text)

    def run_check(self, check, root=None):
        r = subprocess.run([sys.executable, CHECK, check, "--root", root or self.root],
                           capture_output=True, text=True)
        return r.returncode, r.stdout

    def test_clean_tree_passes_every_check(self):
        for check in ("layers", "sql", "format", "sizes", "all"):
            rc, out = self.run_check(check)
            self.assertEqual(rc, 0, f"{check}: {out}")

    def test_include_up_the_picture_fails(self):
        self.write("src/store/bad.cpp", '#include "api/context.hpp"\n')
        rc, out = self.run_check("layers")
        self.assertEqual(rc, 1)
        self.assertIn("src/store/bad.cpp:1: store/ includes api/ (up the picture)", out)

    def test_service_may_not_include_api(self):
        self.write("src/service/launch.cpp", '#include "service/users.hpp"\n#include "api/app.hpp"\n')
        rc, out = self.run_check("layers")
        self.assertEqual(rc, 1)
        self.assertIn("launch.cpp:2: service/ includes api/", out)

    def test_unknown_folder_fails(self):
        self.write("src/misc/x.cpp", "int x;\n")
        rc, out = self.run_check("layers")
        self.assertEqual(rc, 1)
        self.assertIn("src/misc/ is not in the layer picture", out)

    def test_sql_outside_store_fails(self):
        self.write("src/api/jobs.cpp", 'const char* q = "UPDATE unified_jobs SET status = ?";\n')
        rc, out = self.run_check("sql")
        self.assertEqual(rc, 1)
        self.assertIn("src/api/jobs.cpp: 1 SQL statements outside store/ (allowed 0)", out)

    def test_sql_debt_is_a_ratchet(self):
        self.write("src/api/jobs.cpp", 'const char* q = "DELETE FROM jobs WHERE id = ?";\n')
        self.write("scripts/sql-debt.txt", "# debt\n1 src/api/jobs.cpp\n")
        self.assertEqual(self.run_check("sql")[0], 0)
        self.write("src/api/jobs.cpp", 'const char* q = "DELETE FROM jobs";\nconst char* r = "SELECT 1";\n')
        rc, out = self.run_check("sql")
        self.assertEqual(rc, 1)
        self.assertIn("2 SQL statements outside store/ (allowed 1)", out)

    def test_unformatted_file_fails(self):
        self.write("src/core/ugly.cpp", "int  f( int a ){return a;}\n")
        rc, out = self.run_check("format")
        self.assertEqual(rc, 1)
        self.assertIn("src/core/ugly.cpp: not clang-formatted", out)

    def test_file_over_600_lines_fails(self):
        self.write("src/core/big.cpp", "int x;\n" * 601)
        rc, out = self.run_check("sizes")
        self.assertEqual(rc, 1)
        self.assertIn("big.cpp: 601 lines", out)

    def test_main_passes(self):
        rc, out = self.run_check("all", REPO)
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()
