#!/usr/bin/env python3
"""Prints Markdown tables of `wmrt hil` and `wmrt sweep` summaries (summary.json), and --check-beats, the fair
comparison of a candidate model against a baseline that CI gates the int8 student on.

usage: python3 hil/summary-table.py SUMMARY [SUMMARY ...]
       python3 hil/summary-table.py --sweep SUMMARY
       python3 hil/summary-table.py --metrics SUMMARY
       python3 hil/summary-table.py --check-beats BASELINE[,BASELINE ...][@MODEL] CANDIDATE[,CANDIDATE ...][@MODEL]

A run's family is its `family` key; without one (or "hand-built", the five fixed scenarios) it is the scenario
name less any "-seedN" suffix. Intervals are 95 % Student's t intervals over seeds (n - 1 degrees of freedom,
none from one seed).

The tables (any number of summaries and models; --families is the same, for old command lines): per family and
model the runs, pass rate, collisions, red-light violations, mean EPDMS ± the half-width of its 95 % interval,
lowest EPDMS and mean PDMS; then one row per run with EPDMS, PDMS and every sub-score. --sweep adds a sweep
summary's timing, tasks without a result and each group's worst run. --metrics prints one summary's driving
metrics per run (progress, TTC, deceleration, pedestrians, tick latency). When the models' action bounds differ,
a line says which.

--check-beats compares the candidate's runs with the baseline's, each side one model from one or more
summaries (comma-separated; "@MODEL" after them takes only that model's runs, e.g. two models of one sweep:
out/summary.json@cv-baseline out/summary.json@wm-student-int8), per family over the seeds the baseline ran,
paired by scenario and seed. The candidate beats the baseline only if
  - it ran every run of the baseline,
  - no run of it failed its pass criteria (nor had a collision or a red-light violation),
  - in every family its mean EPDMS is not below the baseline's, and strictly above it where the family has two
    or more seeds,
  - its mean EPDMS over the families (the mean of the family means) is strictly above the baseline's: a tie
    does not beat.
It prints per family n, each side's mean EPDMS ± half-width, the paired difference (candidate - baseline) ±
half-width and a verdict. Exit 0 when the candidate beats the baseline, 1 naming each shortfall, 2 on bad input
(a missing or unreadable file, not JSON, a missing or mistyped key: the file and key are named).
"""
import json
import re
import sys

SEED_SUFFIX = re.compile(r"-seed[0-9]+$")
HAND_BUILT = "hand-built"
SUB_SCORES = ("nc", "dac", "ddc", "tlc", "ttc", "ep", "lk", "hc", "ec")
NUMBER = (int, float)
# The keys every mode reads, with the type each must have (None allowed where the rig writes null).
RUN_KEYS = {"scenario": str, "model": str, "seed": int, "passed": bool, "failures": list, "collisions": int,
            "red_light_violations": int, "epdms": NUMBER, "pdms": NUMBER}
TABLE_KEYS = dict(RUN_KEYS, **{k: NUMBER for k in SUB_SCORES}, progress_m=NUMBER)
METRICS_KEYS = {"scenario": str, "passed": bool, "failures": list, "collisions": int, "red_light_violations": int,
                "offroad": int, "progress_m": NUMBER, "min_ttc_s": NUMBER, "max_decel_mps2": NUMBER,
                "min_pedestrian_distance_m": NUMBER, "opposite_lane_s": NUMBER, "stopped_s": NUMBER,
                "creeping_s": NUMBER, "pdms": NUMBER, "epdms": NUMBER, "tick_ms_p50": NUMBER,
                "tick_ms_p99": NUMBER, "deadline_misses": int}
NULLABLE = {"progress_m", "min_ttc_s", "max_decel_mps2", "min_pedestrian_distance_m", "opposite_lane_s",
            "stopped_s", "creeping_s", "tick_ms_p50", "tick_ms_p99"} | set(SUB_SCORES) | {"pdms"}
TIE = 1e-9

# Two-sided 97.5 % quantiles of Student's t, 1 to 30 degrees of freedom (as wmrt sweep's index.html uses).
T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
         2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


class BadInput(Exception):
    pass


def cell(value, fmt, unit=""):
    return "none" if value is None else format(value, fmt) + unit


def load(path, keys):
    """The summary at path, its runs checked for keys (name: type); BadInput naming the file and key if not."""
    try:
        with open(path, encoding="utf-8") as f:
            summary = json.load(f)
    except OSError as e:
        raise BadInput("%s: cannot read it: %s" % (path, e.strerror or e))
    except ValueError as e:
        raise BadInput("%s: not JSON: %s" % (path, e))
    if not isinstance(summary, dict) or not isinstance(summary.get("runs"), list):
        raise BadInput("%s: no \"runs\" list (a wmrt hil or wmrt sweep summary.json has one)" % path)
    for i, r in enumerate(summary["runs"]):
        where = "%s: runs[%d]" % (path, i)
        if not isinstance(r, dict):
            raise BadInput("%s is not an object" % where)
        if isinstance(r.get("scenario"), str):
            where += " (%s)" % r["scenario"]
        for key, kind in keys.items():
            if key not in r:
                raise BadInput("%s: no key \"%s\"" % (where, key))
            value = r[key]
            if value is None and key in NULLABLE:
                continue
            if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
                raise BadInput("%s: key \"%s\" is %s, not %s" % (where, key, json.dumps(value), type_name(kind)))
        if "family" in r and r["family"] is not None and not isinstance(r["family"], str):
            raise BadInput("%s: key \"family\" is %s, not a string" % (where, json.dumps(r["family"])))
        if "action_bounds" in r and r["action_bounds"] is not None and not isinstance(r["action_bounds"], dict):
            raise BadInput("%s: key \"action_bounds\" is %s, not an object" % (where, json.dumps(r["action_bounds"])))
    return summary


def type_name(kind):
    return {str: "a string", int: "an integer", bool: "true or false", list: "a list"}.get(kind, "a number")


def family(run):
    f = run.get("family")
    return f if f and f != HAND_BUILT else SEED_SUFFIX.sub("", run["scenario"])


def mean_interval(values):
    """The mean of values and the half-width of its 95 % t interval (None for fewer than two values)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, None
    sd = (sum((v - mean) ** 2 for v in values) / (n - 1)) ** 0.5
    t = T_975[n - 2] if n - 1 <= len(T_975) else 1.960
    return mean, t * sd / n ** 0.5


def with_half(mean, half, signed=False):
    text = format(mean, "+.3f" if signed else ".3f")
    return text if half is None else "%s ± %.3f" % (text, half)


def grouped(runs):
    """Runs by family, then model, both in first-seen order."""
    groups = {}
    for r in runs:
        groups.setdefault(family(r), {}).setdefault(r["model"], []).append(r)
    return groups


def bounds_text(bounds):
    if isinstance(bounds, list):
        return "[" + ", ".join(str(b) for b in bounds) + "]"
    return json.dumps(bounds)


def action_bounds_notes(runs):
    """Lines saying which action bounds differ between the models of runs (none when they agree or none gives
    them); a run without action_bounds is skipped when other runs of its model give them."""
    given = {}
    for r in runs:
        seen = given.setdefault(r["model"], {})
        if r.get("action_bounds") is not None:
            seen.setdefault(json.dumps(r["action_bounds"], sort_keys=True), r["action_bounds"])
    notes = []
    for model, seen in given.items():
        if len(seen) > 1:
            notes.append("Action bounds differ between runs of %s: %s." % (model, "; ".join(seen)))
    known = {m: next(iter(seen.values())) for m, seen in given.items() if len(seen) == 1}
    unknown = [m for m, seen in given.items() if not seen]
    if known and unknown:
        notes.append("Action bounds not given by %s (given by %s): the action spaces may differ."
                     % (", ".join(unknown), ", ".join(known)))
    for name in sorted({k for b in known.values() for k in b}) if len(known) > 1 else []:
        values = {m: b.get(name) for m, b in known.items()}
        if len({json.dumps(v, sort_keys=True) for v in values.values()}) > 1:
            notes.append("Action bounds differ: %s is %s." % (name, ", ".join(
                "%s for %s" % ("not given" if v is None else bounds_text(v), m) for m, v in values.items())))
    return notes


def families_table(runs, worst_column=False):
    groups = grouped(runs)
    print("| family | model | runs | pass rate | collisions | red-light | mean EPDMS ± 95 % CI | lowest EPDMS "
          "| mean PDMS | plans the learned terms changed |" + (" worst run |" if worst_column else ""))
    print("|---|---|---|---|---|---|---|---|---|---|" + ("---|" if worst_column else ""))
    for fam, models in groups.items():
        for model, rs in models.items():
            mean, half = mean_interval([r["epdms"] for r in rs])
            pdms = [r["pdms"] for r in rs if r["pdms"] is not None]
            passed = sum(1 for r in rs if r["passed"])
            line = (f"| {fam} | {model} | {len(rs)} | {100.0 * passed / len(rs):.0f} % "
                    f"| {sum(r['collisions'] for r in rs)} | {sum(r['red_light_violations'] for r in rs)} "
                    f"| {with_half(mean, half)} | {min(r['epdms'] for r in rs):.3f} "
                    f"| {cell(sum(pdms) / len(pdms) if pdms else None, '.3f')} | {learned_share(rs)} |")
            if worst_column:
                worst = min(rs, key=lambda r: (r["passed"], r["epdms"]))
                line += f" seed {worst['seed']}{'' if 'report' not in worst else ' (' + worst['report'] + ')'} |"
            print(line)


def learned_share(runs):
    """Share of the runs' planner ticks whose plan the learned terms changed from the analytic terms' choice
    (summary.json's learned_choice_changes over ticks); '–' when the runs predate the count."""
    counted = [r for r in runs if isinstance(r.get("learned_choice_changes"), int) and isinstance(r.get("ticks"), int)]
    ticks = sum(r["ticks"] for r in counted)
    if not counted or ticks == 0:
        return "–"
    return "%.1f %%" % (100.0 * sum(r["learned_choice_changes"] for r in counted) / ticks)


def runs_table(runs):
    print("| scenario | family | model | seed | result | collisions | red-light | progress | EPDMS | PDMS | "
          + " | ".join(k.upper() for k in SUB_SCORES) + " | forgiven |")
    print("|---|---|---|---|---|---|---|---|---|---|" + "---|" * len(SUB_SCORES) + "---|")
    for r in runs:
        result = "PASS" if r["passed"] else "FAIL: " + "; ".join(str(f) for f in r["failures"])
        forgiven = ", ".join(str(f) for f in r.get("forgiven") or []) or "–"
        print(f"| {r['scenario']} | {family(r)} | {r['model']} | {r['seed']} | {result} | {r['collisions']} "
              f"| {r['red_light_violations']} | {cell(r['progress_m'], '.0f', ' m')} | {r['epdms']:.3f} "
              f"| {cell(r['pdms'], '.3f')} | " + " | ".join(cell(r[k], ".3f") for k in SUB_SCORES)
              + f" | {forgiven} |")


def tables(paths):
    runs = []
    for path in paths:
        runs.extend(load(path, TABLE_KEYS)["runs"])
    notes = action_bounds_notes(runs)
    for note in notes:
        print(note)
    if notes:
        print()
    families_table(runs)
    print()
    runs_table(runs)


def sweep(path):
    summary = load(path, TABLE_KEYS)
    runs = summary["runs"]
    print(f'Timing: {summary.get("timing", "not said")}. {len(runs)} runs, '
          f'{len(summary.get("failed_tasks", []))} task(s) without a result.')
    for note in action_bounds_notes(runs):
        print(note)
    print()
    families_table(runs, worst_column=True)
    print()
    runs_table(runs)


def metrics(path):
    summary = load(path, METRICS_KEYS)
    print("| scenario | result | collisions | red-light | off-road steps | progress | min TTC | max decel "
          "| min ped. distance | opposite lane | stopped / creeping | EPDMS | PDMS | tick p50 / p99 "
          "| deadline misses |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in summary["runs"]:
        result = "PASS" if r["passed"] else "FAIL: " + "; ".join(r["failures"])
        print(f'| {r["scenario"]} | {result} | {r["collisions"]} | {r["red_light_violations"]} | {r["offroad"]} '
              f'| {cell(r["progress_m"], ".0f", " m")} | {cell(r["min_ttc_s"], ".1f", " s")} '
              f'| {cell(r["max_decel_mps2"], ".1f", " m/s²")} | {cell(r["min_pedestrian_distance_m"], ".2f", " m")} '
              f'| {cell(r["opposite_lane_s"], ".1f", " s")} '
              f'| {cell(r["stopped_s"], ".1f")} / {cell(r["creeping_s"], ".1f", " s")} | {r["epdms"]:.3f} '
              f'| {cell(r["pdms"], ".3f")} | {cell(r["tick_ms_p50"], ".2f")} / {cell(r["tick_ms_p99"], ".2f", " ms")} '
              f'| {r["deadline_misses"]} |')


def side(arg, role):
    """One side of --check-beats: (model, {(scenario, seed): run}, the files) from comma-separated summaries,
    with "@MODEL" after the last one only that model's runs."""
    model = None
    if "@" in arg and not any(c in arg.rsplit("@", 1)[1] for c in "/,"):
        arg, model = arg.rsplit("@", 1)
    paths = [p for p in arg.split(",") if p]
    if not paths:
        raise BadInput("no %s summary given" % role)
    picked, others = [], set()
    for path in paths:
        for r in load(path, RUN_KEYS)["runs"]:
            if model is None or r["model"] == model:
                picked.append((path, r))
            else:
                others.add(r["model"])
    if not picked:
        raise BadInput("%s: no runs%s" % (", ".join(paths), "" if model is None else " of %s (runs of: %s)"
                                          % (model, ", ".join(sorted(others)) or "none")))
    models = sorted({r["model"] for _, r in picked})
    if len(models) > 1:
        raise BadInput("%s: the %s has runs of %d models (%s); compare one model per side (FILE@MODEL picks one)"
                       % (", ".join(paths), role, len(models), ", ".join(models)))
    runs, origin = {}, {}
    for path, r in picked:
        key = (r["scenario"], r["seed"])
        if key in runs:
            raise BadInput("%s: %s seed %d is also in %s: give each run once per side"
                           % (path, r["scenario"], r["seed"], origin[key]))
        runs[key], origin[key] = r, path
    return models[0], runs, paths


def check_beats(base_arg, cand_arg):
    base_model, base, base_paths = side(base_arg, "baseline")
    cand_model, cand, cand_paths = side(cand_arg, "candidate")
    shortfalls = []
    print("Baseline %s (%s), candidate %s (%s)." % (base_model, ", ".join(base_paths), cand_model,
                                                    ", ".join(cand_paths)))
    notes = action_bounds_notes(list(base.values()) + list(cand.values()))
    for note in notes:
        print(note)
    print("EPDMS per family over the baseline's seeds, paired by scenario and seed. Intervals: 95 % Student's t "
          "with n - 1 degrees of freedom, each side's over its seeds and the difference's (candidate - baseline) "
          "over the paired differences (a paired t interval); none from one seed.")
    print()
    families = {}
    for key, b in base.items():
        families.setdefault(family(b), []).append(key)
    print(f"| family | n | mean EPDMS {base_model} | mean EPDMS {cand_model} | difference (paired t) | verdict |")
    print("|---|---|---|---|---|---|")
    base_means, cand_means = [], []
    for fam, keys in families.items():
        paired = [k for k in keys if k in cand]
        for k in keys:
            if k not in cand:
                shortfalls.append("%s: %s seed %d not run by %s" % (fam, k[0], k[1], cand_model))
        if not paired:
            print(f"| {fam} | 0 | {with_half(*mean_interval([base[k]['epdms'] for k in keys]))} | – | – "
                  f"| not run |")
            continue
        b_mean, b_half = mean_interval([base[k]["epdms"] for k in paired])
        c_mean, c_half = mean_interval([cand[k]["epdms"] for k in paired])
        d_mean, d_half = mean_interval([cand[k]["epdms"] - base[k]["epdms"] for k in paired])
        base_means.append(b_mean)
        cand_means.append(c_mean)
        n = len(paired)
        if d_mean < -TIE:
            verdict = "lower"
            shortfalls.append("%s: mean EPDMS %.3f below %.3f over %d seed(s)" % (fam, c_mean, b_mean, n))
        elif d_mean <= TIE and n >= 2:
            verdict = "tie (not higher)"
            shortfalls.append("%s: mean EPDMS %.3f ties %.3f over %d seeds (needs strictly higher)"
                              % (fam, c_mean, b_mean, n))
        elif d_mean <= TIE:
            verdict = "tie (one seed: not worse)"
        elif n < 2:
            verdict = "higher (one seed)"
        elif d_mean - d_half <= 0:
            verdict = "higher, within noise (interval includes 0)"
        else:
            verdict = "higher (interval above 0)"
        if len(paired) < len(keys):
            verdict += "; %d seed(s) not run" % (len(keys) - len(paired))
        print(f"| {fam} | {n} | {with_half(b_mean, b_half)} | {with_half(c_mean, c_half)} "
              f"| {with_half(d_mean, d_half, signed=True)} | {verdict} |")
    if base_means:
        b_all, c_all = sum(base_means) / len(base_means), sum(cand_means) / len(cand_means)
        higher = c_all - b_all > TIE
        n_all = sum(1 for keys in families.values() for k in keys if k in cand)
        print(f"| all ({len(base_means)} families, mean of family means) | {n_all} "
              f"| {b_all:.3f} | {c_all:.3f} | {c_all - b_all:+.3f} | {'higher' if higher else 'not higher'} |")
        if not higher:
            shortfalls.append("mean EPDMS over the families %.3f %s %.3f (a tie does not beat)"
                              % (c_all, "ties" if abs(c_all - b_all) <= TIE else "below", b_all))
    differ = any(note.startswith("Action bounds differ") for note in notes)
    if notes:
        print()
        print("The action spaces %s (above): the scores compare the models as packaged, not like for like."
              % ("differ" if differ else "may differ"))
    left_out = ["%s seed %d" % k for k in cand if k not in base]
    if left_out:
        print()
        print("Left out of the means: %d run(s) of %s on seeds %s did not run (%s)."
              % (len(left_out), cand_model, base_model, ", ".join(left_out)))
    for (scenario, seed), r in cand.items():
        if not r["passed"]:
            first = r["failures"][0] if r["failures"] else "no failure given"
            shortfalls.append("%s seed %d: %s failed its pass criteria: %s" % (scenario, seed, cand_model, first))
        elif r["collisions"] or r["red_light_violations"]:
            shortfalls.append("%s seed %d: %d collision(s), %d red-light violation(s)"
                              % (scenario, seed, r["collisions"], r["red_light_violations"]))
    print()
    for line in shortfalls:
        print("shortfall: " + line)
    if shortfalls:
        print("%s does not beat %s: %d shortfall(s)" % (cand_model, base_model, len(shortfalls)))
        sys.exit(1)
    print("%s beats %s: mean EPDMS not lower in any of %d families, higher overall, every run passed%s"
          % (cand_model, base_model, len(families),
             " (action spaces differ)" if differ else " (action spaces may differ)" if notes else ""))


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "--check-beats":
            check_beats(argv[1], argv[2])
        elif len(argv) == 2 and argv[0] == "--sweep":
            sweep(argv[1])
        elif len(argv) == 2 and argv[0] == "--metrics":
            metrics(argv[1])
        elif len(argv) >= 2 and argv[0] == "--families":
            tables(argv[1:])
        elif argv and not argv[0].startswith("--"):
            tables(argv)
        else:
            print(__doc__.strip(), file=sys.stderr)
            sys.exit(2)
    except BadInput as e:
        print("summary-table.py: " + str(e), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
