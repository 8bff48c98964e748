#!/usr/bin/env python3
"""Prints the Markdown table of a `wmrt hil` summary.json (the README's baseline table is made this way), or,
given two, the two models side by side per scenario; with --families, two summaries of runs over several seeds
(`wmrt hil --seeds`) side by side per scenario family: mean and lowest PDMS, passes, collisions and red-light
violations over the seeds both ran.

usage: python3 hil/summary-table.py out/summary.json
       python3 hil/summary-table.py baseline/summary.json student/summary.json
       python3 hil/summary-table.py --families baseline/summary.json student/summary.json
       python3 hil/summary-table.py --check-beats baseline/summary.json student/summary.json
       python3 hil/summary-table.py --sweep out/summary.json

--sweep reads a `wmrt sweep` summary (any number of models, scenarios and seeds) and prints one row per scenario
family and model: runs, pass rate, collisions, red-light violations, mean PDMS with a 95 % interval over seeds,
lowest PDMS and the run that scored it. A sweep summary is also a `wmrt hil` summary: without --sweep it prints
every run.

--check-beats exits 1, naming each shortfall, unless the second summary ran every scenario of the first with no
collision and no red-light violation and a PDMS at least the first's (CI gates the int8 student on it).
"""
import json
import re
import sys

SEED_SUFFIX = re.compile(r"-seed[0-9]+$")


def cell(value, fmt, unit=""):
    return "none" if value is None else format(value, fmt) + unit


def runs_by_scenario(path):
    with open(path, encoding="utf-8") as f:
        return {r["scenario"]: r for r in json.load(f)["runs"]}


def main(path):
    with open(path, encoding="utf-8") as f:
        summary = json.load(f)
    print("| scenario | result | collisions | red-light | off-road steps | progress | min TTC | max decel "
          "| min ped. distance | opposite lane | stopped / creeping | PDMS | tick p50 / p99 | deadline misses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in summary["runs"]:
        result = "PASS" if r["passed"] else "FAIL: " + "; ".join(r["failures"])
        print(f'| {r["scenario"]} | {result} | {r["collisions"]} | {r["red_light_violations"]} | {r["offroad"]} '
              f'| {cell(r["progress_m"], ".0f", " m")} | {cell(r["min_ttc_s"], ".1f", " s")} '
              f'| {cell(r["max_decel_mps2"], ".1f", " m/s²")} | {cell(r["min_pedestrian_distance_m"], ".2f", " m")} '
              f'| {cell(r["opposite_lane_s"], ".1f", " s")} '
              f'| {cell(r["stopped_s"], ".1f")} / {cell(r["creeping_s"], ".1f", " s")} | {cell(r["pdms"], ".3f")} '
              f'| {cell(r["tick_ms_p50"], ".2f")} / {cell(r["tick_ms_p99"], ".2f", " ms")} | {r["deadline_misses"]} |')


def compare(path_a, path_b):
    runs = [runs_by_scenario(path_a), runs_by_scenario(path_b)]
    a_name = next(iter(runs[0].values()))["model"]
    b_name = next(iter(runs[1].values()))["model"]
    print(f"| scenario | PDMS {a_name} | PDMS {b_name} | collisions | red-light | progress | min TTC "
          "| min ped. distance | max decel | tick p99 | result |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for scenario in sorted(set(runs[0]) | set(runs[1])):
        a, b = runs[0].get(scenario), runs[1].get(scenario)

        def both(key, fmt, unit=""):
            return " / ".join("–" if r is None else cell(r[key], fmt, unit) for r in (a, b))

        def both_count(key):
            return " / ".join("–" if r is None else str(r[key]) for r in (a, b))

        result = " / ".join("–" if r is None else ("PASS" if r["passed"] else "FAIL") for r in (a, b))
        print(f"| {scenario} | {both('pdms', '.3f') if a is None else cell(a['pdms'], '.3f')} "
              f"| {'–' if b is None else cell(b['pdms'], '.3f')} | {both_count('collisions')} "
              f"| {both_count('red_light_violations')} | {both('progress_m', '.0f', ' m')} "
              f"| {both('min_ttc_s', '.1f', ' s')} | {both('min_pedestrian_distance_m', '.2f', ' m')} "
              f"| {both('max_decel_mps2', '.1f')} | {both('tick_ms_p99', '.1f', ' ms')} | {result} |")


def families(path_a, path_b):
    runs = [runs_by_scenario(path_a), runs_by_scenario(path_b)]
    names = [next(iter(r.values()))["model"] for r in runs]
    shared = sorted(set(runs[0]) & set(runs[1]))
    if not shared:
        sys.exit("%s and %s have no run in common" % (path_a, path_b))
    grouped = {}
    for run in shared:
        grouped.setdefault(SEED_SUFFIX.sub("", run), []).append(run)
    seeds = sorted({runs[0][run]["seed"] for run in shared})
    print("Seeds: %s (%d runs each)." % (", ".join(str(s) for s in seeds), len(shared)))
    print()
    print(f"| scenario | runs | mean PDMS {names[0]} | mean PDMS {names[1]} | lowest PDMS | passed "
          "| collisions | red-light |")
    print("|---|---|---|---|---|---|---|---|")
    for family, members in sorted(grouped.items()):
        a = [runs[0][m] for m in members]
        b = [runs[1][m] for m in members]

        def mean(rs):
            return sum(r["pdms"] for r in rs) / len(rs)

        def pair(fn):
            return " / ".join(fn(rs) for rs in (a, b))

        print(f"| {family} | {len(members)} | {mean(a):.3f} | {mean(b):.3f} "
              f"| {pair(lambda rs: format(min(r['pdms'] for r in rs), '.3f'))} "
              f"| {pair(lambda rs: str(sum(1 for r in rs if r['passed'])))} "
              f"| {pair(lambda rs: str(sum(r['collisions'] for r in rs)))} "
              f"| {pair(lambda rs: str(sum(r['red_light_violations'] for r in rs)))} |")


# Two-sided 97.5 % quantiles of Student's t, 1 to 30 degrees of freedom (as wmrt sweep's index.html uses).
T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
         2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def mean_interval(values):
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, None
    sd = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
    t = T_975[n - 2] if n - 1 <= len(T_975) else 1.960
    return mean, t * sd / n ** 0.5


def sweep(path):
    with open(path, encoding="utf-8") as f:
        summary = json.load(f)
    groups = {}
    for r in summary["runs"]:
        groups.setdefault((SEED_SUFFIX.sub("", r["scenario"]), r["model"]), []).append(r)
    print(f'Timing: {summary.get("timing", "not said")}. {len(summary["runs"])} runs, '
          f'{len(summary.get("failed_tasks", []))} task(s) without a result.')
    print()
    print("| scenario | model | runs | pass rate | collisions | red-light | mean PDMS ± 95 % CI | lowest PDMS "
          "| worst run |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (family, model), rs in groups.items():
        mean, half = mean_interval([r["pdms"] for r in rs])
        worst = min(rs, key=lambda r: (r["passed"], r["pdms"]))
        passed = sum(1 for r in rs if r["passed"])
        print(f"| {family} | {model} | {len(rs)} | {100.0 * passed / len(rs):.0f} % "
              f"| {sum(r['collisions'] for r in rs)} | {sum(r['red_light_violations'] for r in rs)} "
              f"| {mean:.3f}{'' if half is None else f' ± {half:.3f}'} | {min(r['pdms'] for r in rs):.3f} "
              f"| seed {worst['seed']}{'' if 'report' not in worst else ' (' + worst['report'] + ')'} |")


def check_beats(path_a, path_b):
    runs = [runs_by_scenario(path_a), runs_by_scenario(path_b)]
    shortfalls = []
    for scenario, a in sorted(runs[0].items()):
        b = runs[1].get(scenario)
        if b is None:
            shortfalls.append("%s: not run in %s" % (scenario, path_b))
            continue
        if b["collisions"] or b["red_light_violations"]:
            shortfalls.append("%s: %d collision(s), %d red-light violation(s)"
                              % (scenario, b["collisions"], b["red_light_violations"]))
        if b["pdms"] < a["pdms"]:
            shortfalls.append("%s: PDMS %.3f below %.3f" % (scenario, b["pdms"], a["pdms"]))
    for line in shortfalls:
        print("shortfall: " + line)
    if shortfalls:
        sys.exit(1)
    print("%s beats or matches %s in all %d scenarios, with no collision or red-light violation"
          % (next(iter(runs[1].values()))["model"], next(iter(runs[0].values()))["model"], len(runs[0])))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check-beats":
        check_beats(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--sweep":
        sweep(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "--families":
        families(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2:
        main(sys.argv[1])
    elif len(sys.argv) == 3:
        compare(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__.strip())
