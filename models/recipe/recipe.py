#!/usr/bin/python3
"""The world-model recipe: recorded rig runs in, three signed model packages out.

    /usr/bin/python3 models/recipe/recipe.py --data DIR [--val DIR] --out-dir models --key BASE
                                             [--inputs full|agents] [--seed N] [--train-stride N]
                                             [--max-samples N] [--smoke]

Stages: load the runs and build samples in the runtime's ego frame (dataset.py); train the teacher;
distil the student from it (ground truth where recorded + the teacher everywhere); calibrate the
student's int8 grids; evaluate all of them and the constant-velocity baseline on held-out runs; export
the ONNX graphs (the encoder with its second output, agent_moves), check them against torch with a numpy
evaluator; write <out>/wm-teacher, <out>/wm-student and <out>/wm-student-int8 (encoder.onnx, rollout.onnx,
manifest.yaml, MODEL_CARD.md); sign each with './wmrt sign' and check it with './wmrt inspect model'.

--smoke is for CI: one run, a few dozen steps, one epoch each, packages in a temporary directory signed with
a throwaway key from './wmrt keygen', checked, then deleted (unless --keep).

Deterministic for a given --seed and --threads: the same data gives the same bytes.
Exit codes: 0 done, 1 a check failed, 2 input refused.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ next to the recipe
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import dataset  # noqa: E402
import evaluate  # noqa: E402
import export  # noqa: E402
import model as wm  # noqa: E402
import modelcard  # noqa: E402
import train  # noqa: E402

# A full run on 20,000 training samples takes about 12.5 minutes on one core of the 2-vCPU CI machine (teacher
# 6.5, student 5.5): about 5 ms per sample and epoch either way, so time scales with samples x epochs (--train-stride,
# --max-samples). Epochs are fixed, not timed, so that a run is reproducible on any machine.
TRAIN_STRIDE = 2                 # every 2nd 0.1 s step of the training runs (--train-stride)
VAL_STRIDE = 1
TEACHER_EPOCHS = 4
STUDENT_EPOCHS = 3
BATCH = 128
TEACHER_LR = 2e-3
STUDENT_LR = 3e-3
CALIBRATION_SAMPLES = 256
HOLD_OUT_FRACTION = 0.15
VERIFY_SAMPLES = 2
# Smoke: the first run only, this many steps, one epoch each.
SMOKE_STEPS = 48


class Refused(Exception):
    """Input the recipe cannot use (exit 2)."""


def package_names(inputs):
    suffix = "" if inputs == wm.INPUTS_FULL else "-agents"
    return {"teacher": "wm-teacher" + suffix, "student": "wm-student" + suffix,
            "student-int8": "wm-student" + suffix + "-int8"}


def split_runs(args, log):
    """Training runs, held-out runs, and a sentence saying how they were split."""
    train_runs = dataset.Runs.under(args.data)
    leaked = sorted(set(train_runs.seeds()) & dataset.EVALUATION_SEEDS)
    if leaked:
        raise Refused("%s: runs with seed %s are the scenarios' own evaluation seed and must never be trained "
                      "on; record training data with other seeds (--seeds 1001,...)" % (args.data, leaked))
    if args.val:
        val_runs = dataset.Runs.under(args.val)
        shared = sorted(set(train_runs.seeds()) & set(val_runs.seeds()))
        if shared:
            raise Refused("--data and --val share seeds %s: held-out runs must come from other seeds" % shared)
        return train_runs, val_runs, "held-out runs from --val (%s)" % args.val
    seeds = train_runs.seeds()
    if len(seeds) < 2:
        if not args.smoke:
            raise Refused("%s: all runs have seed %s, so no whole run can be held out; record more seeds or "
                          "pass --val" % (args.data, seeds))
        log("smoke: a single seed, so the evaluation uses the training run (its numbers mean nothing)")
        return train_runs, train_runs, "SMOKE: evaluated on the training run itself"
    rng = np.random.default_rng(args.seed)
    n = max(1, int(round(HOLD_OUT_FRACTION * len(seeds))))
    held = set(int(s) for s in rng.choice(seeds, size=n, replace=False))
    return (train_runs.select(lambda s: s not in held), train_runs.select(lambda s: s in held),
            "whole runs of seeds %s held out of --data (chosen by --seed %d)" % (sorted(held), args.seed))


def run(args, log):
    started = time.time()
    train.configure_torch(args.threads)
    # Everything that can refuse the input does so before anything is written.
    runs = split_runs(args, log)
    teacher = None
    if args.teacher is not None:
        teacher = read_teacher(args.teacher, args.inputs)
    if args.key is not None and not os.path.isfile(args.key + ".key"):
        raise Refused("--key %s: no private key %s.key (make one with './wmrt keygen --out %s')"
                      % (args.key, args.key, args.key))
    out_dir = args.out_dir
    key = args.key
    scratch = None
    if args.smoke and (out_dir is None or key is None):
        scratch = tempfile.mkdtemp(prefix="wmrt-recipe-smoke-")
        out_dir = out_dir or os.path.join(scratch, "models")
        if key is None:
            key = os.path.join(scratch, "key")
            export.wmrt("keygen", "--out", key)
            log("smoke: throwaway key %s" % key)
    os.makedirs(out_dir, exist_ok=True)
    try:
        return _run(args, log, started, runs, out_dir, key, teacher)
    finally:
        if scratch is not None and not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


def read_teacher(pkg, inputs):
    """A trained teacher package's weights and graphs, refused (before any training) unless this recipe
    re-exports its graphs byte for byte from the weights read back from them."""
    try:
        params = export.package_params(pkg, wm.TEACHER, inputs)
        graphs = export.Graphs(params, wm.TEACHER, inputs, None, "teacher")
    except (RuntimeError, OSError, ValueError) as ex:
        raise Refused("--teacher %s: %s" % (pkg, ex))
    for name in ("encoder", "rollout"):
        with open(os.path.join(pkg, name + ".onnx"), "rb") as f:
            if f.read() != getattr(graphs, name + "_bytes"):
                raise Refused("--teacher %s: its %s.onnx is not what this recipe exports from the weights read "
                              "back from it (another recipe version, or edited)" % (pkg, name))
    return params, graphs


def _run(args, log, started, runs, out_dir, key, read):
    rng = np.random.default_rng(args.seed)
    train_runs, val_runs, split = runs
    limit_steps = None
    if args.smoke:
        train_runs, val_runs, limit_steps = train_runs.first(1), val_runs.first(1), SMOKE_STEPS
    train_data = train_runs.samples(export.AGENT_RANGE_M, args.train_stride, limit_steps)
    val_data = val_runs.samples(export.AGENT_RANGE_M, VAL_STRIDE, limit_steps)
    built = len(train_data["risk"])
    if args.max_samples is not None and built > args.max_samples:
        keep = np.sort(np.random.default_rng(args.seed).choice(built, size=args.max_samples, replace=False))
        train_data = {k: v[keep] for k, v in train_data.items()}
    log("data: train %s, every %d steps -> %d samples%s (%d at risk); held out %s -> %d samples (%d at risk)"
        % (train_runs.describe(), args.train_stride, len(train_data["risk"]),
           " (a seeded subsample of %d)" % built if len(train_data["risk"]) < built else "",
           int(train_data["risk"].sum()), val_runs.describe(), len(val_data["risk"]), int(val_data["risk"].sum())))
    for label, d in (("train", train_data), ("held out", val_data)):
        log("moves labels, %s: %d standing vehicles labelled (per sample), %d of them move within 30 s"
            % (label, int(d["moves_valid"].sum()), int((d["moves"] * d["moves_valid"]).sum())))

    teacher_epochs = 1 if args.smoke else args.teacher_epochs
    student_epochs = 1 if args.smoke else args.student_epochs
    teacher = train.WorldModel(wm.TEACHER, args.inputs, args.seed)
    if read is None:
        train.train_teacher(teacher, train_data, teacher_epochs, BATCH, TEACHER_LR, rng, log)
    else:
        teacher.load(read[0])
        teacher_epochs = None
        log("teacher: %s, read from its graphs (not trained, not rewritten)" % args.teacher)
    student = train.WorldModel(wm.STUDENT, args.inputs, args.seed + 1)
    train.distill_student(student, teacher, train_data, student_epochs, BATCH, STUDENT_LR, rng, log)

    calibration = np.sort(rng.choice(len(train_data["risk"]), size=min(CALIBRATION_SAMPLES,
                                                                       len(train_data["risk"])), replace=False))
    quant = train.calibrate(student, train_data, calibration, rng)
    log("calibrated %d int8 activation sites on %d training samples" % (len(quant.max_abs), len(calibration)))

    # The constant-velocity baseline is the student's rollout with its learned change switched off.
    baseline = train.WorldModel(wm.STUDENT, args.inputs, args.seed + 1)
    baseline.load_state_dict(student.state_dict())
    for name, value in zip(baseline.names, baseline.values):
        if name.startswith("roll.out."):
            value.data.zero_()
    results = {}
    for label, net, q in (("baseline", baseline, None), ("teacher", teacher, None), ("student", student, None),
                          ("student-int8", student, quant)):
        future, risk, closest, moves = train.predict(net, val_data, 256, q)
        metrics = evaluate.displacement(future, val_data)
        # The baseline's risk is its closest approach through the student's squashing: same ranking.
        metrics["auroc"] = evaluate.auroc(risk, val_data["risk"])
        # The baseline shares the student's encoder: its moves are the student's.
        metrics["moves"] = evaluate.moves_metrics(moves, val_data)
        results[label] = metrics
        m = metrics["moves"]
        log("%-13s ADE %.3f m  FDE(%.1f s) %.3f m  AUROC %s  moves AUROC %s accuracy %s (hand rule %s)"
            % (label, metrics["ade"], metrics["horizon_s"], metrics["fde"], metrics["auroc"], m["auroc"],
               m["accuracy"], m["rule_accuracy"]))

    graphs = {
        "teacher": read[1] if read is not None else export.Graphs(teacher.numpy_params(), wm.TEACHER, args.inputs,
                                                                   None, "teacher"),
        "student": export.Graphs(student.numpy_params(), wm.STUDENT, args.inputs, None, "student"),
        "student-int8": export.Graphs(student.numpy_params(), wm.STUDENT, args.inputs, quant, "student"),
    }
    checks = {}
    # The held-out scenes with the most agents, and one from the middle of those with any.
    counts = train.agent_counts(val_data)
    crowded = np.flatnonzero(counts > 0)
    if len(crowded) == 0:
        raise RuntimeError("no held-out sample has any agent: nothing to check the exported graphs with")
    pick = sorted({int(np.argmax(counts)), int(crowded[len(crowded) // 2])})
    for role, g in graphs.items():
        net = teacher if role == "teacher" else student
        worst_pose, worst_risk, worst_moves = 0.0, 0.0, 0.0
        for i in pick:
            sample = {k: v[i] for k, v in val_data.items()}
            candidates = np.concatenate([sample["actions"][None], train.perturbed_actions(
                np.repeat(sample["actions"][None], wm.K_CANDIDATES - 1, 0),
                np.repeat(sample["ego"][None, 0], wm.K_CANDIDATES - 1, 0), np.random.default_rng(i))])
            _, onnx_moves, onnx_future, onnx_risk = export.run_graphs(g, sample, candidates)
            torch_future, torch_risk, torch_moves = export.run_torch(net, sample, candidates,
                                                                     quant if role == "student-int8" else None)
            worst_pose = max(worst_pose, float(np.abs(onnx_future - torch_future).max()))
            worst_risk = max(worst_risk, float(np.abs(onnx_risk - torch_risk).max()))
            worst_moves = max(worst_moves, float(np.abs(onnx_moves - torch_moves).max()))
        checks[role] = (worst_pose, worst_risk, worst_moves)
        log("%s: exported graphs vs torch on %d held-out samples x %d candidates: max |pose diff| %.2e, "
            "max |risk diff| %.2e, max |agent_moves diff| %.2e"
            % (role, len(pick), wm.K_CANDIDATES, worst_pose, worst_risk, worst_moves))
        if (worst_pose > (0.05 if g.int8 else 1e-3) or worst_risk > (0.02 if g.int8 else 1e-4)
                or worst_moves > (0.02 if g.int8 else 1e-4)):
            raise RuntimeError("%s: the exported graphs do not compute what was trained" % role)

    names = package_names(args.inputs)
    context = modelcard.Context(
        args=args, names=names, split=split, train_runs=train_runs, val_runs=val_runs, train_data=train_data,
        val_data=val_data, results=results, graphs=graphs, checks=checks, params={
            "teacher": teacher.count(), "student": student.count(), "student-int8": student.count()},
        epochs={"teacher": teacher_epochs, "student": student_epochs}, train_stride=args.train_stride,
        calibration=len(calibration), quant=quant)
    packages = []
    for role in ("student", "student-int8") if read is not None else ("teacher", "student", "student-int8"):
        pkg = export.write_package(out_dir, names[role], graphs[role], modelcard.description(context, role),
                                   modelcard.lineage(context, role), modelcard.card(context, role))
        export.sign_and_check(pkg, key, log)
        packages.append(pkg)
    log("done in %.0f s: %s" % (time.time() - started, ", ".join(packages)))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", required=True, help="record directory of training runs (wmrt hil --record)")
    parser.add_argument("--val", help="record directory of held-out runs (default: hold out whole runs by seed)")
    parser.add_argument("--out-dir", help="where the three package directories go (e.g. models)")
    parser.add_argument("--key", help="signing key BASE (BASE.key and BASE.pub, from 'wmrt keygen --out BASE')")
    parser.add_argument("--inputs", choices=[wm.INPUTS_FULL, wm.INPUTS_AGENTS], default=wm.INPUTS_FULL,
                        help="full: the encoder takes agents, ego, route and lights; agents: agents only")
    parser.add_argument("--seed", type=int, default=1, help="initialisation, batches and hold-out (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1; results depend on it)")
    parser.add_argument("--teacher", help="distil from this trained teacher package (e.g. models/wm-teacher) "
                        "instead of training one; it is read, never rewritten, and only the students are written")
    parser.add_argument("--teacher-epochs", type=int, default=TEACHER_EPOCHS)
    parser.add_argument("--student-epochs", type=int, default=STUDENT_EPOCHS)
    parser.add_argument("--train-stride", type=int, default=TRAIN_STRIDE,
                        help="a training sample every N 0.1 s steps of each run (default %d)" % TRAIN_STRIDE)
    parser.add_argument("--max-samples", type=int,
                        help="at most N training samples: a subsample drawn with --seed (default: all)")
    parser.add_argument("--smoke", action="store_true", help="CI: tiny subset, one epoch, throwaway key")
    parser.add_argument("--keep", action="store_true", help="smoke: keep the temporary packages and key")
    args = parser.parse_args(argv)
    if not args.smoke and (args.out_dir is None or args.key is None):
        parser.error("--out-dir and --key are required (except with --smoke)")
    if args.train_stride < 1 or (args.max_samples is not None and args.max_samples < 1):
        parser.error("--train-stride and --max-samples must be at least 1")
    if args.key is not None:
        args.key = os.path.abspath(os.path.expanduser(args.key))
    if args.out_dir is not None:
        args.out_dir = os.path.abspath(args.out_dir)
    if args.teacher is not None:
        args.teacher = os.path.abspath(args.teacher)
    start = time.time()

    def log(message):
        print("[%4.0f s] %s" % (time.time() - start, message), flush=True)

    try:
        return run(args, log)
    except (Refused, dataset.DatasetError) as ex:
        print("recipe: %s" % ex, file=sys.stderr)
        return 2
    except RuntimeError as ex:
        print("recipe: %s" % ex, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
