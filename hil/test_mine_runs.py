#!/usr/bin/env python3
"""Checks for hil/mine-runs.py: worst runs first, per family, and bad input refused naming the file and key."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "mine-runs.py")


def run(scenario, model, passed, epdms, family):
    return {"scenario": scenario + "-seed5001", "seed": 5001, "model": model, "passed": passed, "epdms": epdms,
            "family": family}


class MineRunsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        for name in ("dp-1", "dp-2", "dp-3", "zb-1"):
            os.makedirs(os.path.join(self.dir, "scenarios", name))
            open(os.path.join(self.dir, "scenarios", name, "scenario.yaml"), "w").close()

    def tearDown(self):
        self.tmp.cleanup()

    def mine(self, summary, *args):
        path = os.path.join(self.dir, "summary.json")
        with open(path, "w") as f:
            f.write(summary if isinstance(summary, str) else json.dumps(summary))
        return subprocess.run([sys.executable, SCRIPT, path, "--scenarios", os.path.join(self.dir, "scenarios")]
                              + list(args), capture_output=True, text=True)

    def test_failed_runs_come_first_then_the_lowest_epdms_per_family(self):
        runs = [run("dp-1", "wm", True, 0.70, "dp"), run("dp-2", "wm", False, 0.90, "dp"),
                run("dp-3", "wm", True, 0.80, "dp"), run("zb-1", "wm", True, 0.95, "zb"),
                run("dp-3", "cv", False, 0.10, "dp")]
        result = self.mine({"runs": runs}, "--model", "wm", "--per-family", "2")
        self.assertEqual(0, result.returncode, result.stderr)
        names = [os.path.basename(line) for line in result.stdout.split()]
        self.assertEqual(["dp-2", "dp-1", "zb-1"], names, "another model's runs are not mined")
        only = self.mine({"runs": runs}, "--model", "wm", "--only-failed")
        self.assertEqual(["dp-2"], [os.path.basename(line) for line in only.stdout.split()])

    def test_bad_input_is_refused_naming_what(self):
        cases = [("{not json", "summary.json"), ({"tasks": []}, "no 'runs' list"),
                 ({"runs": [{"scenario": "dp-1-seed1", "seed": 1, "model": "wm"}]}, "runs[0] has no 'passed'"),
                 ({"runs": [run("dp-1", "wm", False, 0.1, "dp"), run("gone", "wm", False, 0.2, "dp")]},
                  "no scenario.yaml"),
                 ({"runs": [run("dp-1", "wm", False, 0.1, "dp")]}, "no runs of model 'other'")]
        for summary, says in cases:
            result = self.mine(summary, "--model", "wm" if "other" not in says else "other")
            self.assertEqual(2, result.returncode, (summary, result.stdout))
            self.assertIn(says, result.stderr)
            self.assertEqual("", result.stdout, "nothing listed before the refusal")
        self.assertEqual(2, self.mine({"runs": []}, "--model", "wm", "--per-family", "0").returncode)


if __name__ == "__main__":
    unittest.main()
