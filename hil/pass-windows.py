#!/usr/bin/python3
"""When could a car with the ego's limits have got past the parked cars? An oracle over recorded runs.

For a run recorded with `wmrt hil ... --record DIR` on a straight street with standing vehicles in the ego's lane
(the narrow-street and double-parked families), this reads the recording (hil/DATASET.md), finds the chain of
standing vehicles ahead of the ego, and asks at every recorded step t0: had the ego, from its recorded position
and speed at t0, driven past the whole chain at full acceleration up to the speed limit, and steered back in
over RETURN seconds once its rear was ROOM metres clear of the chain, would it have kept clear of every road
user coming the other way? The ego is taken to be out of its lane from when its nose is OUT_BEFORE metres from
the chain; out of lane it meets a road user coming the other way whose front is within MEET_GAP of its nose and
whose rear is not yet past its own, unless that road user fits beside it (the ego's right side LATERAL_SLACK
clear of the standing vehicles' left sides, its left side that slack clear of the other's right side: a cyclist
on a wide street rides past). Oncoming tracks are the recorded ones (in the rig they do not react to the ego),
or with --foresight cv each road user in the frame when the pass begins carried on at its velocity then: the
windows a planner predicting constant velocity could have seen.

The answer uses the future, which no planner has, and knows nothing of walkers or of traffic in the ego's own
lane: it says when a pass was there to be had, not that a planner should have seen it. It shares no code with
the planner: the road's axis comes from the recorded route, lengths and widths from the recording, and the
kinematics from the command line. The defaults are the pass the planner prices (TrajectoryScorer's
PASS_RETURN_S, PULL_IN_ROOM_M, PASS_MEET_GAP_M, PASS_LATERAL_SLACK_M) at the student's acceleration bound.

    /usr/bin/python3 hil/pass-windows.py [--accel 2.0] [--return-s 1.6] [--room-m 3] [--meet-gap-m 2] \
        [--lateral-slack-m 0.3] [--out-before-m 4] [--top-speed V] [--scenarios DIR] RUN_DIR [RUN_DIR ...]

Per run it prints the windows (start times from which a pass kept clear), the first, and, with --scenarios (the
directory the run's scenario came from, for `min_progress_m`), whether a pass from the first window would have
reached the progress the scenario asks within the run's time. Where the ego did pass, it prints when it left
its lane, and marks it when that was outside every window: the oracle would then be stricter than a pass the
rig saw succeed. Exit status 2 on a run it cannot read, naming the file.
"""
import argparse
import json
import math
import os
import re
import sys

import numpy as np

KIND_VEHICLE, KIND_PEDESTRIAN, KIND_CYCLIST, KIND_STATIC = 0, 1, 2, 3


def fail(message):
    print(f"pass-windows: {message}", file=sys.stderr)
    sys.exit(2)


EGO_COLUMNS = ("time_s", "x", "y", "speed", "length", "width", "speed_limit", "lane_width")
AGENT_COLUMNS = ("id", "kind", "x", "y", "heading", "speed", "length", "width")


def load(run):
    """The recording's meta and arrays, checked: every file there, readable, of consistent shapes, with the
    columns this reads and finite values in them; anything else is refused naming the file."""
    meta_path = os.path.join(run, "meta.json")
    if not os.path.isfile(meta_path):
        fail(f"{meta_path}: not found (record the run with 'wmrt hil ... --record DIR')")
    try:
        with open(meta_path) as f:
            meta = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{meta_path}: not readable JSON ({e})")
    if not isinstance(meta, dict) or meta.get("format_version") != 1:
        fail(f"{meta_path}: format_version {meta.get('format_version') if isinstance(meta, dict) else None}, "
             f"this reads 1")
    if not isinstance(meta.get("step_s"), (int, float)) or not meta["step_s"] > 0:
        fail(f"{meta_path}: step_s {meta.get('step_s')!r}, expected a positive number")
    arrays = {}
    for name in ("ego", "agents", "agent_valid", "route", "route_count"):
        path = os.path.join(run, name + ".npy")
        if not os.path.isfile(path):
            fail(f"{path}: not found")
        try:
            arrays[name] = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            fail(f"{path}: not a readable .npy file ({e})")
    cols = {}
    for name, wanted in (("ego", EGO_COLUMNS), ("agents", AGENT_COLUMNS)):
        try:
            cols[name] = list(meta["files"][name + ".npy"]["columns"])
        except (KeyError, TypeError):
            fail(f"{meta_path}: no columns for {name}.npy")
        for column in wanted:
            if column not in cols[name]:
                fail(f"{meta_path}: {name}.npy has no column {column}")
    steps = arrays["ego"].shape[0] if arrays["ego"].ndim == 2 else -1
    expected = {"ego": (steps, len(cols["ego"])), "agents": (steps, None, len(cols["agents"])),
                "agent_valid": (steps, None), "route": (steps, None, 2), "route_count": (steps,)}
    for name, shape in expected.items():
        got = arrays[name].shape
        if steps < 1 or len(got) != len(shape) or any(w is not None and w != g for w, g in zip(shape, got)):
            fail(f"{os.path.join(run, name + '.npy')}: shape {got}, expected {shape} (None: any)")
    if arrays["agents"].shape[1] != arrays["agent_valid"].shape[1]:
        fail(f"{os.path.join(run, 'agent_valid.npy')}: {arrays['agent_valid'].shape[1]} slots, agents.npy has "
             f"{arrays['agents'].shape[1]}")
    ego_used = arrays["ego"][:, [cols["ego"].index(c) for c in EGO_COLUMNS]]
    bad = np.argwhere(~np.isfinite(ego_used))
    if len(bad):
        fail(f"{os.path.join(run, 'ego.npy')}: step {bad[0][0]}: {EGO_COLUMNS[bad[0][1]]} is not finite")
    agents_used = arrays["agents"][:, :, [cols["agents"].index(c) for c in AGENT_COLUMNS]]
    bad = np.argwhere((arrays["agent_valid"] == 1)[:, :, None] & ~np.isfinite(agents_used))
    if len(bad):
        fail(f"{os.path.join(run, 'agents.npy')}: step {bad[0][0]}, slot {bad[0][1]}: "
             f"{AGENT_COLUMNS[bad[0][2]]} is not finite")
    return meta, arrays, cols


def road_axis(run, route, count):
    """The road's direction from the first recorded route: its first and last point; refused if it bends."""
    pts = route[0, :count[0]].astype(float)
    if len(pts) < 2:
        fail(f"{run}/route.npy: fewer than two route points at step 0")
    origin = pts[0]
    direction = pts[-1] - origin
    direction /= np.linalg.norm(direction)
    normal = np.array([-direction[1], direction[0]])
    off = np.abs((pts - origin) @ normal)
    if off.max() > 0.5:
        fail(f"{run}/route.npy: the route bends ({off.max():.2f} m off its chord); this oracle needs a straight street")
    return origin, direction, normal


def standing_chain(agents, valid, c, ego_s0, ego_d0, lane_width, ego_length, room, to_sd):
    """The standing vehicles in the ego's lane ahead of its start, chained while the gap between them is too
    short to pull into (two ego lengths and the room at each end): (rear s, front s) of the chain, or None."""
    seen = {}
    for t in range(agents.shape[0]):
        for a in agents[t][valid[t] == 1]:
            if int(a[c["kind"]]) not in (KIND_VEHICLE, KIND_STATIC):
                continue
            s, d = to_sd(a[c["x"]], a[c["y"]])
            key = int(a[c["id"]])
            moving = a[c["speed"]] > 0.3
            prev = seen.get(key)
            seen[key] = (s, d, a[c["length"]], a[c["width"]], (prev[4] if prev else False) or moving)
    standing = sorted((s - L / 2, s + L / 2, d - ego_d0 + W / 2) for s, d, L, W, moved in seen.values()
                      if not moved and abs(d - ego_d0) < lane_width / 2 and s > ego_s0)
    if not standing:
        return None
    rear, front, left = standing[0]
    slot = 2 * ego_length + 2 * room
    for r, f, side in standing[1:]:
        if r - front < slot:
            front = max(front, f)
            left = max(left, side)
    return rear, front, left


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--accel", type=float, default=2.0, help="the pass's acceleration, m/s^2 (student's bound)")
    ap.add_argument("--return-s", type=float, default=1.6, help="seconds to steer back in once clear")
    ap.add_argument("--room-m", type=float, default=3.0, help="room kept past the last standing vehicle, m")
    ap.add_argument("--out-before-m", type=float, default=4.0,
                    help="the ego is in the other lane from when its nose is this close to the chain's rear, m")
    ap.add_argument("--lateral-slack-m", type=float, default=0.3,
                    help="room kept beside the standing vehicles and beside an oncoming road user, m")
    ap.add_argument("--meet-gap-m", type=float, default=2.0, help="closest an oncoming front may come to the nose")
    ap.add_argument("--top-speed", type=float, help="the pass's top speed, m/s (default: the recorded limit)")
    ap.add_argument("--foresight", choices=("hindsight", "cv"), default="hindsight",
                    help="the oncoming tracks: as recorded (hindsight), or each carried on at its velocity at the "
                         "pass's start (cv: what a planner predicting constant velocity could have seen)")
    ap.add_argument("--scenarios", help="directory holding the runs' scenarios, for min_progress_m")
    args = ap.parse_args()

    for run in args.runs:
        meta, a, cols = load(run)
        c_e = {n: i for i, n in enumerate(cols["ego"])}
        c_a = {n: i for i, n in enumerate(cols["agents"])}
        ego, agents, valid = a["ego"], a["agents"], a["agent_valid"]
        dt = meta["step_s"]
        origin, direction, normal = road_axis(run, a["route"], a["route_count"])

        def to_sd(x, y):
            v = np.array([x, y], dtype=float) - origin
            return float(v @ direction), float(v @ normal)

        steps = ego.shape[0]
        es = np.empty(steps)
        ed = np.empty(steps)
        for t in range(steps):
            es[t], ed[t] = to_sd(ego[t, c_e["x"]], ego[t, c_e["y"]])
        speed = ego[:, c_e["speed"]].astype(float)
        L = float(ego[0, c_e["length"]])
        lane_width = float(ego[0, c_e["lane_width"]])
        v_max = args.top_speed if args.top_speed else float(ego[0, c_e["speed_limit"]])
        chain = standing_chain(agents, valid, c_a, es[0], ed[0], lane_width, L, args.room_m, to_sd)
        name = meta["scenario"]
        if chain is None:
            print(f"{name}: no standing vehicle ahead in the ego's lane")
            continue
        rear, front, left = chain
        # Where the ego's left side is while beside the chain: its right side the lateral slack clear of the
        # chain's left side. An oncoming road user whose right side stays the slack clear of that passes beside.
        ego_left = left + args.lateral_slack_m + float(ego[0, c_e["width"]])
        ego_in = float(ego[0, c_e["width"]]) / 2

        # Oncoming tracks: id -> {step: (front s, rear s, right side's offset, speed along the road)} for vehicles
        # and cyclists going against the road.
        tracks = {}
        for t in range(steps):
            for ag in agents[t][valid[t] == 1]:
                kind = int(ag[c_a["kind"]])
                if kind not in (KIND_VEHICLE, KIND_CYCLIST):
                    continue
                h = ag[c_a["heading"]]
                along = math.cos(h) * direction[0] + math.sin(h) * direction[1]
                if along > -0.7 or ag[c_a["speed"]] < 0.3:
                    continue
                s, d = to_sd(ag[c_a["x"]], ag[c_a["y"]])
                if d - ed[0] < lane_width / 2:
                    continue
                tracks.setdefault(int(ag[c_a["id"]]), {})[t] = (s - ag[c_a["length"]] / 2, s + ag[c_a["length"]] / 2,
                                                                d - ed[0] - ag[c_a["width"]] / 2,
                                                                ag[c_a["speed"]] * along)

        def foreseen(t0):
            """The tracks as seen from step t0: the recorded ones with hindsight; with --foresight cv, each road user
            in the frame at t0 carried on at its velocity then, and those not yet in the frame unknown."""
            if args.foresight == "hindsight":
                return tracks
            carried = {}
            for key, tr in tracks.items():
                now = tr.get(t0)
                if now is not None:
                    carried[key] = {t: (now[0] + now[3] * (t - t0) * dt, now[1] + now[3] * (t - t0) * dt, now[2])
                                    for t in range(t0, steps)}
            return carried

        def clear_from(t0):
            """Whether a pass begun at step t0 from the ego's recorded state keeps clear; its (done, back) steps."""
            s, v = es[t0] + L / 2, speed[t0]  # the nose
            t = t0
            done = None
            seen = foreseen(t0)
            while t < steps:
                # The ego's left side: out beside the chain, then steered back in over RETURN seconds.
                side = ego_left if done is None else \
                    ego_left - (ego_left - ego_in) * min(1.0, (t - done) * dt / args.return_s)
                for tr in seen.values():
                    at = tr.get(t)
                    # Out of lane, the ego meets a road user coming the other way whose front is within the gap
                    # of its nose and whose rear is not yet past its own rear: ahead of it or beside it.
                    if at is not None and s >= rear - args.out_before_m and at[0] - s < args.meet_gap_m and \
                            at[1] > s - L and at[2] - side < args.lateral_slack_m:
                        return False, t
                if done is None and s - L > front + args.room_m:
                    done = t
                if done is not None and (t - done) * dt >= args.return_s:
                    return True, t
                nv = min(v_max, v + args.accel * dt)
                s += 0.5 * (v + nv) * dt
                v = nv
                t += 1
            return False, t

        windows = []
        for t0 in range(steps):
            if es[t0] + L / 2 > rear:
                break  # the recorded ego is already beside the chain
            clear, until = clear_from(t0)
            if clear:
                windows.append((t0, until))
        # The ego's own pass: the first step it was beside the chain's rear.
        beside = next((t for t in range(steps) if es[t] + L / 2 > rear), None)
        out_of_lane = None
        if beside is not None:
            out_of_lane = next((t for t in range(beside, -1, -1) if abs(ed[t] - ed[0]) < 0.3), beside)
        intervals = []
        for t0, _ in windows:
            if intervals and t0 == intervals[-1][1] + 1:
                intervals[-1][1] = t0
            else:
                intervals.append([t0, t0])
        t_of = lambda t: ego[t, c_e["time_s"]]
        text = ", ".join(f"{t_of(i):.1f}-{t_of(j):.1f} s" for i, j in intervals) or "none"
        line = (f"{name}: standing chain {rear - es[0]:.1f}-{front - es[0]:.1f} m ahead of the start, "
                f"{len(tracks)} oncoming; pass clear from {text}")
        if windows:
            line += f"; first {t_of(windows[0][0]):.1f} s (back in lane by {t_of(min(windows[0][1], steps - 1)):.1f} s)"
        if out_of_lane is not None and beside is not None:
            inside = any(i <= out_of_lane + 5 and out_of_lane - 5 <= j for i, j in intervals)
            line += f"; the ego pulled out at {t_of(out_of_lane):.1f} s" + ("" if inside else " (outside every window)")
        if args.scenarios:
            scen = os.path.join(args.scenarios, re.sub(r"-seed\d+$", "", name), "scenario.yaml")
            if os.path.isfile(scen):
                with open(scen) as f:
                    m = re.search(r"min_progress_m:\s*([\d.]+)", f.read())
                if m and windows:
                    need = float(m.group(1))
                    t0, back = windows[0]
                    s, v, t = es[t0], speed[t0], t0
                    while s - es[0] < need and t < steps:
                        nv = min(v_max, v + args.accel * dt)
                        s += 0.5 * (v + nv) * dt
                        v = nv
                        t += 1
                    line += (f"; {need:.0f} m reachable by {t_of(t):.1f} s" if s - es[0] >= need else
                             f"; {need:.0f} m not reachable in the run's time even from the first window")
                elif m:
                    line += f"; {float(m.group(1)):.0f} m not reachable: no window"
        print(line)


if __name__ == "__main__":
    main()
