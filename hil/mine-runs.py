#!/usr/bin/env python3
"""Mine a sweep for the runs worth recording again: the data loop's second step.

Reads a sweep's summary.json (``wmrt sweep``), keeps the runs of one model, and prints, one per line, the
scenario directories of its failed runs first and then its lowest-EPDMS passed runs, at most --per-family of
each family, worst first. Feed the list to ``wmrt hil --scenario DIR --seeds ... --perturb P --record OUT``
(models/recipe/README.md, "One turn of the data loop").

Exit codes: 0 listed, 2 input refused (the message names the file and key).
"""
import argparse
import json
import os
import sys


def refuse(message):
    print("mine-runs: " + message, file=sys.stderr)
    sys.exit(2)


def scenario_name(run):
    """The scenario directory's name: the run's name without the -seedN the sweep appends."""
    name = run["scenario"]
    seed = "-seed%d" % run["seed"]
    return name[: -len(seed)] if name.endswith(seed) else name


def mine(runs, model, per_family):
    """[(family, scenario, passed, epdms)] of the model's worst runs, failed first, then by EPDMS."""
    by_family = {}
    for run in runs:
        if run.get("model") != model:
            continue
        by_family.setdefault(run.get("family") or "hand-built", []).append(run)
    picked = []
    for family in sorted(by_family):
        ranked = sorted(by_family[family], key=lambda r: (bool(r["passed"]), r.get("epdms") or 0.0))
        for run in ranked[:per_family]:
            picked.append((family, scenario_name(run), bool(run["passed"]), run.get("epdms")))
    return picked


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("summary", help="a sweep's summary.json")
    parser.add_argument("--model", required=True, help="the model whose runs are mined (its package name)")
    parser.add_argument("--scenarios", required=True, help="the directory the sweep's scenarios are under")
    parser.add_argument("--per-family", type=int, default=10, help="runs per family (default 10)")
    parser.add_argument("--only-failed", action="store_true", help="failed runs only, however few")
    args = parser.parse_args(argv)
    if args.per_family < 1:
        refuse("--per-family must be at least 1")
    try:
        with open(args.summary) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        refuse("%s: %s" % (args.summary, e))
    runs = summary.get("runs") if isinstance(summary, dict) else None
    if not isinstance(runs, list):
        refuse("%s: no 'runs' list (is it a sweep's summary.json?)" % args.summary)
    for i, run in enumerate(runs):
        for key in ("scenario", "seed", "model", "passed"):
            if key not in run:
                refuse("%s: runs[%d] has no '%s'" % (args.summary, i, key))
    picked = mine(runs, args.model, args.per_family)
    if not picked:
        refuse("%s: no runs of model '%s'" % (args.summary, args.model))
    chosen = [p for p in picked if not (args.only_failed and p[2])]
    # Every directory is checked before any is listed: a refused list is not a shorter one.
    for family, scenario, passed, epdms in chosen:
        directory = os.path.join(args.scenarios, scenario)
        if not os.path.isfile(os.path.join(directory, "scenario.yaml")):
            refuse("%s: no scenario.yaml (runs[] names scenario '%s')" % (directory, scenario))
    for family, scenario, passed, epdms in chosen:
        print(os.path.join(args.scenarios, scenario))
        print("%s %s %s epdms=%s" % (family, scenario, "passed" if passed else "FAILED", epdms), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
