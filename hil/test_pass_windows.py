#!/usr/bin/env python3
"""Checks for hil/pass-windows.py on recordings built by hand: a window opens only once the oncoming car is by,
a stream too dense to pass through has none, and a run it cannot read is refused naming the file."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "pass-windows.py")
EGO_COLUMNS = ["time_s", "x", "y", "heading", "speed", "accel", "steer", "length", "width", "speed_limit",
               "lane_width", "drivable_left", "drivable_right"]
AGENT_COLUMNS = ["id", "kind", "x", "y", "heading", "speed", "yaw_rate", "length", "width"]
STEPS = 400
DT = 0.1


def write_run(root, name, oncoming_x0s, route_bend=0.0, speed=8.0):
    """The ego standing at x = 30 in a 3 m lane centred on y = 0, a car parked at x = 45, and oncoming cars on
    y = 3 at SPEED m/s, the i-th at oncoming_x0s[i] when the run starts; a car is in the frame under x = 180."""
    run = os.path.join(root, name)
    os.makedirs(run)
    ego = np.zeros((STEPS, len(EGO_COLUMNS)), np.float32)
    ego[:, 0] = np.arange(STEPS) * DT
    ego[:, 1] = 30.0
    ego[:, 7], ego[:, 8], ego[:, 9], ego[:, 10] = 4.6, 1.8, 8.33, 3.0
    agents = np.zeros((STEPS, 32, len(AGENT_COLUMNS)), np.float32)
    valid = np.zeros((STEPS, 32), np.uint8)
    for t in range(STEPS):
        agents[t, 0] = [1, 0, 45.0, 0.0, 0.0, 0.0, 0.0, 4.6, 1.8]
        valid[t, 0] = 1
        for i, x0 in enumerate(oncoming_x0s):
            x = x0 - speed * t * DT
            if -60 < x < 180:
                agents[t, 1 + i] = [100 + i, 0, x, 3.0, np.pi, speed, 0.0, 4.6, 1.8]
                valid[t, 1 + i] = 1
    route = np.zeros((STEPS, 64, 2), np.float32)
    route[:, :, 0] = 30.0 + np.arange(64) * 3.0
    route[:, :, 1] = route_bend * (np.arange(64) / 63.0) ** 2
    count = np.full(STEPS, 64, np.int32)
    for name_, arr in (("ego", ego), ("agents", agents), ("agent_valid", valid), ("route", route),
                       ("route_count", count)):
        np.save(os.path.join(run, name_ + ".npy"), arr)
    meta = {"format_version": 1, "scenario": name, "step_s": DT, "steps": STEPS,
            "files": {"ego.npy": {"columns": EGO_COLUMNS}, "agents.npy": {"columns": AGENT_COLUMNS}}}
    with open(os.path.join(run, "meta.json"), "w") as f:
        json.dump(meta, f)
    return run


def windows(out):
    """The window text of the tool's one line: 'none' or 'a-b s, c-d s'."""
    return out.split("pass clear from ")[1].split(";")[0].strip()


class PassWindowsTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def oracle(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)

    def test_window_opens_only_after_the_oncoming_car_is_by(self):
        # The car's front passes the ego's nose (x = 32.3) at (100 - 2.3 - 32.3) / 8 = 8.2 s. The ego is taken to
        # be out of lane from 4 m before the parked car (x = 38.7), 6.4 m and 2.5 s from a standstill at 2 m/s^2:
        # the first pass that keeps clear starts about 2.5 s before the car is by, none earlier.
        run = write_run(self.dir, "one-car", [100.0])
        r = self.oracle(run)
        self.assertEqual(0, r.returncode, r.stderr)
        first = float(windows(r.stdout).split("-")[0])
        self.assertGreater(first, 5.3, r.stdout)
        self.assertLess(first, 6.0, r.stdout)
        self.assertIn("standing chain 12.7-17.3 m", r.stdout)

    def test_a_stream_too_dense_has_no_window(self):
        # A car every 4 s (32 m apart): no pass from a standstill fits between two of them.
        run = write_run(self.dir, "stream", [60.0 + 32.0 * i for i in range(40)])
        r = self.oracle(run)
        self.assertEqual(0, r.returncode, r.stderr)
        self.assertEqual("none", windows(r.stdout), r.stdout)

    def test_an_empty_road_is_clear_from_the_start(self):
        run = write_run(self.dir, "empty", [])
        r = self.oracle(run)
        self.assertTrue(windows(r.stdout).startswith("0.0-"), r.stdout)

    def test_kinematics_move_the_window(self):
        # With a gentler acceleration the same gap after the car closes sooner than with the student's bound.
        run = write_run(self.dir, "two-cars", [100.0, 230.0])
        brisk = windows(self.oracle(run).stdout)
        slow = windows(self.oracle("--accel", "0.8", run).stdout)
        self.assertNotEqual(brisk, slow)

    def test_constant_velocity_foresight_misses_a_car_not_yet_in_view(self):
        # A car at 20 m/s just beyond the frame when the run starts meets a pass begun then; carried on from what
        # is in view, that pass looks clear.
        run = write_run(self.dir, "late-car", [180.5], speed=20.0)
        hindsight = windows(self.oracle(run).stdout)
        cv = windows(self.oracle("--foresight", "cv", run).stdout)
        self.assertTrue(cv.startswith("0.0-"), cv)
        self.assertFalse(hindsight.startswith("0.0-"), hindsight)

    def test_refuses_a_run_without_meta_naming_the_file(self):
        os.makedirs(os.path.join(self.dir, "bare"))
        r = self.oracle(os.path.join(self.dir, "bare"))
        self.assertEqual(2, r.returncode)
        self.assertIn(os.path.join(self.dir, "bare", "meta.json"), r.stderr)

    def test_refuses_a_truncated_array_naming_it(self):
        run = write_run(self.dir, "truncated", [100.0])
        path = os.path.join(run, "agents.npy")
        with open(path, "rb") as f:
            head = f.read(200)
        with open(path, "wb") as f:
            f.write(head)
        r = self.oracle(run)
        self.assertEqual(2, r.returncode, r.stdout + r.stderr)
        self.assertIn(path, r.stderr)

    def test_refuses_a_non_finite_position_naming_the_step(self):
        run = write_run(self.dir, "nan", [100.0])
        ego = np.load(os.path.join(run, "ego.npy"))
        ego[7, 1] = np.nan
        np.save(os.path.join(run, "ego.npy"), ego)
        r = self.oracle(run)
        self.assertEqual(2, r.returncode, r.stdout + r.stderr)
        self.assertIn("ego.npy: step 7: x is not finite", r.stderr)
        agents = np.load(os.path.join(run, "agents.npy"))
        ego[7, 1] = 30.0
        np.save(os.path.join(run, "ego.npy"), ego)
        agents[3, 1, 5] = np.inf
        np.save(os.path.join(run, "agents.npy"), agents)
        r = self.oracle(run)
        self.assertEqual(2, r.returncode, r.stdout + r.stderr)
        self.assertIn("agents.npy: step 3, slot 1: speed is not finite", r.stderr)

    def test_refuses_garbage_meta_naming_it(self):
        run = write_run(self.dir, "garbage", [100.0])
        with open(os.path.join(run, "meta.json"), "w") as f:
            f.write("{not json")
        r = self.oracle(run)
        self.assertEqual(2, r.returncode, r.stdout + r.stderr)
        self.assertIn(os.path.join(run, "meta.json"), r.stderr)

    def test_refuses_a_bending_street_naming_the_route(self):
        run = write_run(self.dir, "bend", [100.0], route_bend=8.0)
        r = self.oracle(run)
        self.assertEqual(2, r.returncode)
        self.assertIn("route.npy", r.stderr)
        self.assertIn("bends", r.stderr)


if __name__ == "__main__":
    unittest.main()
