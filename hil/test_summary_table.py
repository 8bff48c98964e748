#!/usr/bin/env python3
"""Checks hil/summary-table.py on small made-up summaries: the side-by-side table, the per-family means over
seeds, and --check-beats, which CI uses to gate the int8 student against the baseline.

usage: python3 hil/test_summary_table.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "summary-table.py")


def run(scenario, model, seed, pdms, collisions=0, red=0, passed=True):
    return {"scenario": scenario, "model": model, "seed": seed, "passed": passed, "failures": [] if passed else
            ["progress 80.0 m, at least 180.0 m required"], "collisions": collisions,
            "red_light_violations": red, "offroad": 0, "progress_m": 300.0, "min_ttc_s": None,
            "max_decel_mps2": 2.5, "min_pedestrian_distance_m": 1.5, "opposite_lane_s": 0.0, "stopped_s": 0.0,
            "creeping_s": 0.0, "pdms": pdms, "tick_ms_p50": 1.0, "tick_ms_p99": 2.0, "deadline_misses": 0}


class SummaryTableTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, runs):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"all_passed": all(r["passed"] for r in runs), "runs": runs}, f)
        return path

    def table(self, *args):
        return subprocess.run([sys.executable, SCRIPT] + list(args), capture_output=True, text=True)

    def test_check_beats_passes_when_every_scenario_is_matched_or_beaten(self):
        base = self.write("a.json", [run("merge", "cv", 11, 1.0), run("zebra", "cv", 11, 0.833)])
        student = self.write("b.json", [run("merge", "wm", 11, 1.0), run("zebra", "wm", 11, 0.9)])
        result = self.table("--check-beats", base, student)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        self.assertIn("wm beats or matches cv in all 2 scenarios", result.stdout)

    def test_check_beats_names_every_shortfall(self):
        base = self.write("a.json", [run("merge", "cv", 11, 1.0), run("zebra", "cv", 11, 0.833),
                                     run("queue", "cv", 11, 0.5)])
        student = self.write("b.json", [run("merge", "wm", 11, 0.99), run("zebra", "wm", 11, 1.0, collisions=1)])
        result = self.table("--check-beats", base, student)
        self.assertEqual(1, result.returncode)
        self.assertIn("merge: PDMS 0.990 below 1.000", result.stdout)
        self.assertIn("zebra: 1 collision(s), 0 red-light violation(s)", result.stdout)
        self.assertIn("queue: not run in", result.stdout)

    def test_families_average_over_the_seeds_both_ran(self):
        base = self.write("a.json", [run("dp-seed1", "cv", 1, 0.8), run("dp-seed2", "cv", 2, 0.2, passed=False),
                                     run("dp-seed3", "cv", 3, 0.5)])
        student = self.write("b.json", [run("dp-seed1", "wm", 1, 1.0), run("dp-seed2", "wm", 2, 0.9)])
        result = self.table("--families", base, student)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("Seeds: 1, 2", result.stdout)
        self.assertIn("| dp | 2 | 0.500 | 0.950 | 0.200 / 0.900 | 1 / 2 | 0 / 0 | 0 / 0 |", result.stdout)

    def test_side_by_side_lists_both_models(self):
        base = self.write("a.json", [run("merge", "cv", 11, 0.833)])
        student = self.write("b.json", [run("merge", "wm", 11, 1.0)])
        result = self.table(base, student)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("| PDMS cv | PDMS wm |", result.stdout)
        self.assertIn("| merge | 0.833 | 1.000 |", result.stdout)


if __name__ == "__main__":
    unittest.main()
