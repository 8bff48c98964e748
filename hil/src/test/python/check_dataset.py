#!/usr/bin/env python3
"""Checks one run recorded by io.wmrt.hil.record.DatasetRecorder, as a reader with numpy sees it.

Usage: check_dataset.py RUN_DIR [--steps N] [--horizon H] [--scenario NAME] [--seed S]
                                [--expect FILE INDEX VALUE]...

Loads every file named in meta.json with np.load(allow_pickle=False) and checks what hil/DATASET.md
promises: format version, file set, dtypes, shapes, 64-byte aligned .npy 1.0 headers, zeros past the
counts and in invalid slots, and the futures against the recorded frames (same agent id, valid only while
present and within the run). --expect checks single elements, for example
--expect agent_future_valid.npy 5,0,2 0. Exits non-zero with a message on the first failure.
"""

import argparse
import json
import sys
from pathlib import Path

import numpy as np

FORMAT_VERSION = 1
EXPECTED_FILES = {
    "timestamp_ns.npy", "ego.npy", "agents.npy", "agent_valid.npy", "route.npy", "route_count.npy",
    "lights.npy", "light_count.npy", "actions.npy", "ego_future.npy", "ego_future_valid.npy",
    "agent_future.npy", "agent_future_valid.npy",
}


def fail(message):
    print("check_dataset: " + message, file=sys.stderr)
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def check_header(path):
    with open(path, "rb") as f:
        preamble = f.read(10)
    check(preamble[:6] == b"\x93NUMPY", f"{path}: not an .npy file")
    check(preamble[6:8] == b"\x01\x00", f"{path}: version {preamble[6]}.{preamble[7]}, expected 1.0")
    header_length = int.from_bytes(preamble[8:10], "little")
    check((10 + header_length) % 64 == 0, f"{path}: header of {10 + header_length} bytes is not 64-byte aligned")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--horizon", type=int)
    parser.add_argument("--scenario")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--expect", nargs=3, action="append", default=[], metavar=("FILE", "INDEX", "VALUE"))
    args = parser.parse_args()
    run = args.run_dir

    meta = json.loads((run / "meta.json").read_text(encoding="utf-8"))
    check(meta["format_version"] == FORMAT_VERSION, f"format_version {meta['format_version']}")
    steps, horizon = meta["steps"], meta["horizon_steps"]
    for key, wanted in (("steps", args.steps), ("horizon_steps", args.horizon), ("scenario", args.scenario),
                        ("seed", args.seed)):
        check(wanted is None or meta[key] == wanted, f"meta.json {key} = {meta[key]!r}, expected {wanted!r}")
    check(meta["step_s"] > 0, "step_s")
    check(set(meta["files"]) == EXPECTED_FILES, f"meta.json files {sorted(meta['files'])}")
    on_disk = {p.name for p in run.iterdir()}
    check(on_disk == EXPECTED_FILES | {"meta.json"}, f"files on disk {sorted(on_disk)}")

    a = {}
    for name, spec in meta["files"].items():
        path = run / name
        check_header(path)
        array = np.load(path, allow_pickle=False)
        check(array.dtype == np.dtype(spec["dtype"]), f"{name}: dtype {array.dtype}, meta says {spec['dtype']}")
        check(list(array.shape) == spec["shape"], f"{name}: shape {array.shape}, meta says {spec['shape']}")
        check(len(spec["axes"]) == array.ndim, f"{name}: axes {spec['axes']}")
        if spec["columns"]:
            check(spec["axes"][-1] == "column" and len(spec["columns"]) == array.shape[-1], f"{name}: columns")
            check(len(spec["units"]) == len(spec["columns"]), f"{name}: units")
        check(array.shape[0] == steps, f"{name}: {array.shape[0]} steps, meta says {steps}")
        a[name[:-4]] = array

    n_agents, n_route, n_lights = meta["max_agents"], meta["max_route_points"], meta["max_lights"]
    check(a["agents"].shape[1:] == (n_agents, 9) and a["route"].shape[1:] == (n_route, 2), "capacities")
    check(a["lights"].shape[1:] == (n_lights, 2), "light capacity")
    check(a["ego_future"].shape[1:] == (horizon, 4), "ego future shape")
    check(a["agent_future"].shape[1:] == (n_agents, horizon, 4), "agent future shape")

    col = {n: {c: i for i, c in enumerate(meta["files"][n]["columns"])} for n in meta["files"]}
    ego_pose = [col["ego.npy"][c] for c in ("x", "y", "heading", "speed")]
    agent_pose = [col["agents.npy"][c] for c in ("x", "y", "heading", "speed")]
    agent_id = col["agents.npy"]["id"]
    check(meta["files"]["ego_future.npy"]["columns"] == ["x", "y", "heading", "speed"], "future columns")

    # Validity and counts: occupied slots first, zeros elsewhere.
    valid = a["agent_valid"].astype(bool)
    check(set(np.unique(a["agent_valid"])) <= {0, 1}, "agent_valid holds 0 and 1 only")
    counts = valid.sum(axis=1)
    check(np.array_equal(valid, np.arange(n_agents)[None, :] < counts[:, None]), "agent_valid is a prefix")
    check(not a["agents"][~valid].any(), "empty agent slots are zeros")
    route_used = np.arange(n_route)[None, :] < a["route_count"][:, None]
    check(((a["route_count"] >= 0) & (a["route_count"] <= n_route)).all(), "route_count range")
    check(not a["route"][~route_used].any(), "route points past route_count are zeros")
    lights_used = np.arange(n_lights)[None, :] < a["light_count"][:, None]
    check(not a["lights"][~lights_used].any(), "lights past light_count are zeros")
    check(set(np.unique(a["actions"][:, col["actions.npy"]["perturbed"]])) <= {0.0, 1.0}, "perturbed is 0 or 1")
    if steps > 1:
        check((np.diff(a["timestamp_ns"]) > 0).all(), "timestamps increase")
        check(np.allclose(a["ego"][:, col["ego.npy"]["time_s"]], a["timestamp_ns"] / 1e9, atol=1e-3), "time_s")

    # Futures, recomputed from the frames.
    ego_future, ego_valid = a["ego_future"], a["ego_future_valid"].astype(bool)
    agent_future, agent_valid = a["agent_future"], a["agent_future_valid"].astype(bool)
    for t in range(steps):
        for k in range(1, horizon + 1):
            s = t + k
            if s >= steps:
                check(not ego_valid[t, k - 1] and not ego_future[t, k - 1].any(), f"ego future {t},{k} past the end")
                check(not agent_valid[t, :, k - 1].any() and not agent_future[t, :, k - 1].any(),
                      f"agent futures {t},{k} past the end")
                continue
            check(ego_valid[t, k - 1], f"ego future {t},{k} valid")
            check(np.array_equal(ego_future[t, k - 1], a["ego"][s, ego_pose]), f"ego future {t},{k}")
            later_ids = a["agents"][s, valid[s], agent_id]
            for i in range(n_agents):
                if not valid[t, i]:
                    check(not agent_valid[t, i, k - 1] and not agent_future[t, i, k - 1].any(),
                          f"empty slot {t},{i} has no future")
                    continue
                match = np.nonzero(later_ids == a["agents"][t, i, agent_id])[0]
                if match.size:
                    check(agent_valid[t, i, k - 1], f"agent future {t},{i},{k} valid")
                    check(np.array_equal(agent_future[t, i, k - 1], a["agents"][s, match[0], agent_pose]),
                          f"agent future {t},{i},{k}")
                else:
                    check(not agent_valid[t, i, k - 1] and not agent_future[t, i, k - 1].any(),
                          f"agent future {t},{i},{k} of an absent agent")

    for name, index, value in args.expect:
        array = a[name[:-4] if name.endswith(".npy") else name]
        position = tuple(int(p) for p in index.split(","))
        check(np.isclose(array[position], float(value), rtol=0, atol=1e-4),
              f"{name}[{index}] = {array[position]!r}, expected {value}")

    print(f"check_dataset: {run}: {steps} steps, horizon {horizon}, "
          f"{int(valid.sum())} agent observations, all checks passed")


if __name__ == "__main__":
    main()
