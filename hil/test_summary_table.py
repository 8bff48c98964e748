#!/usr/bin/env python3
"""Checks hil/summary-table.py on small made-up summaries: the per-family and per-run tables, --sweep, and
--check-beats, which CI uses to gate the int8 student against the baseline.

usage: python3 hil/test_summary_table.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "summary-table.py")
BOUNDS = {"accel_mps2": [-6.0, 2.0], "steer_rad": [-0.55, 0.55]}


def run(scenario, model, seed, epdms, collisions=0, red=0, passed=True, pdms=None, **extra):
    r = {"scenario": scenario, "model": model, "seed": seed, "passed": passed, "failures": [] if passed else
         ["progress 80.0 m, at least 180.0 m required", "min pedestrian distance 0.40 m"],
         "collisions": collisions, "red_light_violations": red, "offroad": 0, "progress_m": 300.0,
         "min_ttc_s": None, "max_decel_mps2": 2.5, "min_pedestrian_distance_m": 1.5, "opposite_lane_s": 0.0,
         "stopped_s": 0.0, "creeping_s": 0.0, "pdms": epdms if pdms is None else pdms, "epdms": epdms,
         "nc": 1.0, "dac": 1.0, "ddc": 1.0, "tlc": 1.0, "ttc": 1.0, "ep": 0.9, "lk": 1.0, "hc": 1.0, "ec": 0.5,
         "reference_progress_m": 180.0, "forgiven": [], "tick_ms_p50": 1.0, "tick_ms_p99": 2.0,
         "deadline_misses": 0}
    r.update(extra)
    return r


def seeded(family, model, scores, **extra):
    return [run("%s-seed%d" % (family, 3001 + i), model, 3001 + i, s, **extra) for i, s in enumerate(scores)]


class SummaryTableTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, run_list, **top):  # top: more members of the summary, or another "runs"
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(dict({"all_passed": all(r["passed"] for r in run_list), "runs": run_list}, **top), f)
        return path

    def table(self, *args):
        return subprocess.run([sys.executable, SCRIPT] + list(args), capture_output=True, text=True)

    def assertBeats(self, result, expected):
        self.assertEqual(0 if expected else 1, result.returncode, result.stdout + result.stderr)

    # --check-beats

    def test_beats_when_not_lower_anywhere_and_higher_overall(self):
        base = self.write("a.json", [run("merge", "cv", 11, 1.0), run("zebra", "cv", 11, 0.833)]
                          + seeded("dp", "cv", [0.8, 0.7, 0.9]))
        student = self.write("b.json", [run("merge", "wm", 11, 1.0), run("zebra", "wm", 11, 0.9)]
                             + seeded("dp", "wm", [0.9, 0.9, 1.0]))
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, True)
        self.assertIn("wm beats cv", result.stdout)
        self.assertIn("| merge | 1 | 1.000 | 1.000 | +0.000 | tie (one seed: not worse) |", result.stdout)
        self.assertIn("| zebra | 1 | 0.833 | 0.900 | +0.067 | higher (one seed) |", result.stdout)

    def test_ties_do_not_beat(self):
        base = self.write("a.json", [run("merge", "cv", 11, 1.0), run("zebra", "cv", 11, 0.8)])
        student = self.write("b.json", [run("merge", "wm", 11, 1.0), run("zebra", "wm", 11, 0.8)])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, False)
        self.assertIn("shortfall: mean EPDMS over the families 0.900 ties 0.900 (a tie does not beat)",
                      result.stdout)

    def test_a_tie_in_a_family_of_several_seeds_does_not_beat_even_when_higher_overall(self):
        base = self.write("a.json", seeded("dp", "cv", [0.8, 0.9]) + [run("zebra", "cv", 11, 0.5)])
        student = self.write("b.json", seeded("dp", "wm", [0.9, 0.8]) + [run("zebra", "wm", 11, 1.0)])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, False)
        self.assertIn("shortfall: dp: mean EPDMS 0.850 ties 0.850 over 2 seeds (needs strictly higher)",
                      result.stdout)

    def test_a_failing_candidate_run_never_beats_even_with_a_higher_mean(self):
        base = self.write("a.json", seeded("dp", "cv", [0.2, 0.3, 0.1]))
        student = self.write("b.json", seeded("dp", "wm", [1.0, 0.9, 0.95])[:2]
                             + [run("dp-seed3003", "wm", 3003, 0.95, passed=False)])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, False)
        self.assertIn("shortfall: dp-seed3003 seed 3003: wm failed its pass criteria: "
                      "progress 80.0 m, at least 180.0 m required\n", result.stdout)
        self.assertNotIn("min pedestrian distance", result.stdout, "the first failure only")

    def test_one_worse_family_fails_even_when_the_overall_mean_is_higher(self):
        base = self.write("a.json", seeded("dp", "cv", [0.2, 0.3]) + seeded("ns", "cv", [0.9, 0.9]))
        student = self.write("b.json", seeded("dp", "wm", [1.0, 1.0]) + seeded("ns", "wm", [0.8, 0.85]))
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, False)
        self.assertIn("| all (2 families, mean of family means) | 4 | 0.575 | 0.912 | +0.338 | higher |",
                      result.stdout)
        self.assertIn("shortfall: ns: mean EPDMS 0.825 below 0.900 over 2 seed(s)", result.stdout)

    def test_prints_each_sides_interval_and_the_paired_differences(self):
        base = self.write("a.json", seeded("ns", "cv", [1.0, 0.8, 0.9]))
        student = self.write("b.json", seeded("ns", "wm", [1.0, 0.9, 1.0]))
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, True)
        # Mean 0.9, sd 0.1, t(2) 4.303: 0.248. Differences 0, 0.1, 0.1: mean 0.067, sd 0.0577, 0.143.
        self.assertIn("| ns | 3 | 0.900 ± 0.248 | 0.967 ± 0.143 | +0.067 ± 0.143 "
                      "| higher, within noise (interval includes 0) |", result.stdout)
        self.assertIn("paired t interval", result.stdout)

    def test_says_which_action_bounds_differ(self):
        narrow = {"accel_mps2": [-4.0, 2.0], "steer_rad": [-0.55, 0.55]}
        base = self.write("a.json", [run("merge", "cv", 11, 0.8, action_bounds=BOUNDS)])
        student = self.write("b.json", [run("merge", "wm", 11, 0.9, action_bounds=narrow)])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, True)
        self.assertIn("Action bounds differ: accel_mps2 is [-6.0, 2.0] for cv, [-4.0, 2.0] for wm.", result.stdout)
        self.assertNotIn("steer_rad is", result.stdout)
        self.assertIn("wm beats cv: mean EPDMS not lower in any of 1 families, higher overall, every run passed "
                      "(action spaces differ)", result.stdout)
        tables = self.table(base, student)
        self.assertIn("Action bounds differ: accel_mps2", tables.stdout)
        same = self.table(base, self.write("c.json", [run("merge", "wm", 11, 0.9, action_bounds=BOUNDS)]))
        self.assertNotIn("Action bounds", same.stdout)
        unknown = self.table("--check-beats", base, self.write("d.json", [run("merge", "wm", 11, 0.9)]))
        self.assertIn("Action bounds not given by wm (given by cv)", unknown.stdout)
        self.assertIn("every run passed (action spaces may differ)", unknown.stdout)

    def test_names_runs_the_candidate_did_not_run_and_collisions(self):
        base = self.write("a.json", [run("merge", "cv", 11, 0.5), run("queue", "cv", 11, 0.5)])
        student = self.write("b.json", [run("merge", "wm", 11, 1.0, collisions=1)])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, False)
        self.assertIn("shortfall: queue: queue seed 11 not run by wm", result.stdout)
        self.assertIn("shortfall: merge seed 11: 1 collision(s), 0 red-light violation(s)", result.stdout)

    def test_takes_several_summaries_per_side(self):
        a1 = self.write("a1.json", seeded("dp", "cv", [0.5]))
        a2 = self.write("a2.json", [run("dp-seed3002", "cv", 3002, 0.6)])
        b1 = self.write("b1.json", seeded("dp", "wm", [0.9, 0.8]))
        result = self.table("--check-beats", a1 + "," + a2, b1)
        self.assertBeats(result, True)
        self.assertIn("| dp | 2 | 0.550 ± 0.635 | 0.850 ± 0.635 | +0.300 ± 1.271 |", result.stdout)
        again = self.table("--check-beats", a1 + "," + a1, b1)
        self.assertEqual(2, again.returncode)
        self.assertIn("dp-seed3001 seed 3001 is also in", again.stderr)

    def test_falls_back_to_the_scenario_name_without_a_family(self):
        base = self.write("a.json", seeded("dp", "cv", [0.5, 0.6]) + [run("merge", "cv", 11, 0.5,
                                                                         family="hand-built")]
                          + [run("gen-7-seed5", "cv", 5, 0.5, family="narrow-street")])
        student = self.write("b.json", seeded("dp", "wm", [0.9, 0.8]) + [run("merge", "wm", 11, 0.9)]
                             + [run("gen-7-seed5", "wm", 5, 0.9, family="narrow-street")])
        result = self.table("--check-beats", base, student)
        self.assertBeats(result, True)
        for family in ("| dp | 2 |", "| merge | 1 |", "| narrow-street | 1 |"):
            self.assertIn(family, result.stdout)
        tables = self.table(base, student)
        self.assertIn("| dp | cv | 2 |", tables.stdout)
        self.assertIn("| gen-7-seed5 | narrow-street | wm | 5 |", tables.stdout)

    def test_bad_input_exits_2_naming_the_file_and_key(self):
        good = self.write("good.json", [run("merge", "wm", 11, 1.0)])
        old = run("merge", "cv", 11, 1.0)
        del old["epdms"]
        cases = {
            self.write("old.json", [old]): ['old.json: runs[0] (merge): no key "epdms"'],
            self.write("str.json", [run("merge", "cv", 11, "1.0")]): ['str.json: runs[0] (merge): key "epdms" is '
                                                                     '"1.0", not a number'],
            self.write("norun.json", [], runs={}): ['norun.json: no "runs" list'],
            os.path.join(self.tmp.name, "missing.json"): ["missing.json: cannot read it"],
        }
        notjson = os.path.join(self.tmp.name, "notjson.json")
        with open(notjson, "w", encoding="utf-8") as f:
            f.write("{not json")
        cases[notjson] = ["notjson.json: not JSON"]
        for path, expected in cases.items():
            for args in (["--check-beats", path, good], ["--check-beats", good, path], [path], ["--sweep", path]):
                result = self.table(*args)
                self.assertEqual(2, result.returncode, (args, result.stdout, result.stderr))
                for text in expected:
                    self.assertIn(text, result.stderr, args)

    def test_two_models_on_one_side_are_bad_input_unless_one_is_picked(self):
        base = self.write("a.json", [run("merge", "cv", 11, 0.5), run("merge", "other", 11, 0.5)])
        result = self.table("--check-beats", base, self.write("b.json", [run("merge", "wm", 11, 1.0)]))
        self.assertEqual(2, result.returncode)
        self.assertIn("2 models (cv, other)", result.stderr)
        sweep = self.write("s.json", [run("merge", "cv", 11, 0.5), run("merge", "wm", 11, 1.0)])
        self.assertBeats(self.table("--check-beats", sweep + "@cv", sweep + "@wm"), True)
        self.assertBeats(self.table("--check-beats", sweep + "@wm", sweep + "@cv"), False)
        missing = self.table("--check-beats", sweep + "@cv", sweep + "@nope")
        self.assertEqual(2, missing.returncode)
        self.assertIn("s.json: no runs of nope (runs of: cv, wm)", missing.stderr)

    # the tables

    def test_tables_per_family_and_model_then_every_run_with_its_sub_scores(self):
        base = self.write("a.json", seeded("dp", "cv", [1.0, 0.8, 0.9]) + [run("merge", "cv", 11, 0.5,
                                                                               passed=False, pdms=0.6)])
        student = self.write("b.json", seeded("dp", "wm", [1.0, 1.0, 1.0], collisions=0))
        result = self.table(base, student)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("| dp | cv | 3 | 100 % | 0 | 0 | 0.900 ± 0.248 | 0.800 | 0.900 |", result.stdout)
        self.assertIn("| dp | wm | 3 | 100 % | 0 | 0 | 1.000 ± 0.000 | 1.000 | 1.000 |", result.stdout)
        self.assertIn("| merge | cv | 1 | 0 % | 0 | 0 | 0.500 | 0.500 | 0.600 |", result.stdout)
        self.assertIn("| NC | DAC | DDC | TLC | TTC | EP | LK | HC | EC | forgiven |", result.stdout)
        self.assertIn("| merge | merge | cv | 11 | FAIL: progress 80.0 m, at least 180.0 m required; min pedestrian "
                      "distance 0.40 m | 0 | 0 | 300 m | 0.500 | 0.600 | 1.000 | 1.000 | 1.000 | 1.000 | 1.000 "
                      "| 0.900 | 1.000 | 1.000 | 0.500 | – |", result.stdout)
        self.assertEqual(result.stdout, self.table("--families", base, student).stdout)

    def test_sweep_adds_timing_and_the_worst_run(self):
        path = self.write("s.json", seeded("ns", "cv", [1.0, 0.5], report="runs/x/index.html"),
                          timing="deterministic", failed_tasks=[{"task_id": "t"}])
        result = self.table("--sweep", path)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("Timing: deterministic. 2 runs, 1 task(s) without a result.", result.stdout)
        self.assertIn("| ns | cv | 2 | 100 % | 0 | 0 | 0.750 ± 3.176 | 0.500 | 0.750 | – | seed 3002 "
                      "(runs/x/index.html) |", result.stdout)

    def test_families_give_the_share_of_ticks_whose_plan_the_learned_terms_changed(self):
        counted = [run("dp-a", "wm", 1, 0.9, ticks=300, learned_choice_changes=30),
                   run("dp-b", "wm", 1, 0.8, ticks=100, learned_choice_changes=2, family="dp")]
        counted[0]["family"] = "dp"
        result = self.table(self.write("a.json", counted))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("| 0.850 | 8.0 % |", result.stdout, "32 of 400 ticks")
        old = self.table(self.write("b.json", [run("dp", "cv", 1, 0.9)]))
        self.assertIn("| 0.900 | – |", old.stdout, "runs from before the count say nothing")

    def test_metrics_lists_the_driving_figures(self):
        result = self.table("--metrics", self.write("a.json", [run("merge", "cv", 11, 0.833)]))
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertIn("| merge | PASS | 0 | 0 | 0 | 300 m | none | 2.5 m/s² | 1.50 m | 0.0 s | 0.0 / 0.0 s | 0.833 "
                      "| 0.833 | 1.00 / 2.00 ms | 0 |", result.stdout)


if __name__ == "__main__":
    unittest.main()
