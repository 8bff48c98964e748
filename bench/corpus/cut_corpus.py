#!/usr/bin/python3
"""Cut a decision corpus out of rig recordings (`wmrt hil ... --record DIR`).

The corpus holds what the planner reads of a scene, every STRIDE-th recorded step of each run: the SceneFrame's
fields as the dataset recorded them (float32, exactly as they were on the bus), no futures and no actions. The
decision test (bench: DecisionCorpusTest) rebuilds a SceneFrame from each step and holds the planner's choice to
the reference implementation's.

    /usr/bin/python3 bench/corpus/cut_corpus.py --stride 10 --out bench/src/test/resources/decision-corpus \
        RECORD_DIR/run-a RECORD_DIR/run-b ...

Each run directory becomes OUT/<scenario>/ with the files below (same names, dtypes and column order as the
dataset, hil/DATASET.md) and corpus.json naming the source, the stride and the steps kept. An OUT/<scenario>
that exists is refused; a run directory without a dataset's files is refused, naming the file.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np

FILES = ("timestamp_ns", "ego", "agents", "agent_valid", "route", "route_count", "lights", "light_count")


def cut(run_dir, stride, out_root):
    meta_path = os.path.join(run_dir, "meta.json")
    if not os.path.isfile(meta_path):
        raise SystemExit(f"{meta_path}: not found (is {run_dir} a run recorded with --record?)")
    with open(meta_path) as f:
        meta = json.load(f)
    scenario = meta["scenario"]
    target = os.path.join(out_root, scenario)
    if os.path.exists(target):
        raise SystemExit(f"{target}: exists; remove it first")
    arrays = {}
    for name in FILES:
        path = os.path.join(run_dir, name + ".npy")
        if not os.path.isfile(path):
            raise SystemExit(f"{path}: not found")
        arrays[name] = np.load(path)
        if arrays[name].shape[0] != meta["steps"]:
            raise SystemExit(f"{path}: {arrays[name].shape[0]} steps, meta.json says {meta['steps']}")
    steps = list(range(0, meta["steps"], stride))
    # Written beside the target and renamed into place, so OUT/<scenario> is complete or absent.
    os.makedirs(out_root, exist_ok=True)
    partial = tempfile.mkdtemp(prefix="." + scenario + ".partial-", dir=out_root)
    for name in FILES:
        np.save(os.path.join(partial, name + ".npy"), np.ascontiguousarray(arrays[name][steps]))
    corpus = {
        "source": os.path.abspath(run_dir),
        "scenario": scenario,
        "seed": meta["seed"],
        "step_s": meta["step_s"],
        "stride": stride,
        "steps": len(steps),
        "columns": {name: meta["files"][name + ".npy"]["columns"] for name in FILES},
    }
    with open(os.path.join(partial, "corpus.json"), "w") as f:
        json.dump(corpus, f, indent=1)
        f.write("\n")
    os.rename(partial, target)
    return scenario, len(steps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stride", type=int, default=10, help="keep every STRIDE-th step (default 10)")
    parser.add_argument("--out", required=True, help="corpus directory")
    parser.add_argument("runs", nargs="+", help="recorded run directories")
    args = parser.parse_args()
    if args.stride < 1:
        raise SystemExit("--stride must be at least 1")
    total = 0
    for run in args.runs:
        scenario, steps = cut(run, args.stride, args.out)
        total += steps
        print(f"{scenario}: {steps} scenes")
    print(f"{total} scenes in {args.out}")


if __name__ == "__main__":
    sys.exit(main())
