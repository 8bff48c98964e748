"""The text of each package: its manifest description and lineage, and MODEL_CARD.md from the evaluation."""

import collections
import os

import evaluate
import export
import model as wm

JMH_PLACEHOLDER = ("ONNX Runtime CPU time per tick on this machine (JMH): **TO BE FILLED** "
                   "<!-- wmrt: JMH result goes here -->")

# A pessimistic, assumed per-node cost on the HTP, for the sensitivity line of the model card.
OVERHEAD_US_PER_NODE = 5.0

Context = collections.namedtuple(
    "Context", "args names split train_runs val_runs train_data val_data results graphs checks params epochs "
               "train_stride calibration quant")

ROLE_TEXT = {
    "teacher": "teacher, fp32: sized for the SA8797P",
    "student": "student, fp32: distilled from the teacher, sized for the SA8650P",
    "student-int8": "student, int8 QDQ: for the SA8650P's HTP",
}


def description(ctx, role):
    inputs = "agents, ego, route, lights" if ctx.args.inputs == wm.INPUTS_FULL else "agents only"
    return ("Learned reactive world model (%s; encoder inputs: %s); agent futures per candidate and a "
            "near-miss risk." % (ROLE_TEXT[role], inputs))


def _subsample(ctx):
    if ctx.args.max_samples is None:
        return ""
    return ", a subsample of at most %d drawn with the seed" % ctx.args.max_samples


def _smoke(ctx):
    return "SMOKE RUN (tiny subset, one epoch): not a model to drive with. " if ctx.args.smoke else ""


def lineage(ctx, role):
    cmd = "models/recipe/recipe.py --data %s%s --inputs %s --seed %d --threads %d --train-stride %d%s%s" % (
        ctx.args.data, " --val %s" % ctx.args.val if ctx.args.val else "", ctx.args.inputs, ctx.args.seed,
        ctx.args.threads, ctx.args.train_stride,
        " --max-samples %d" % ctx.args.max_samples if ctx.args.max_samples is not None else "",
        " --smoke" if ctx.args.smoke else "")
    if ctx.args.teacher is not None:
        cmd += " --teacher %s" % os.path.relpath(ctx.args.teacher, export.REPO)
    teacher = "none" if role == "teacher" else "%s (rollout.onnx sha256 %s)" % (
        ctx.names["teacher"], export.sha256_hex(ctx.graphs["teacher"].rollout_bytes))
    if role == "student-int8":
        quantization = ("int8 QDQ: weights per output channel, symmetric; activations per tensor at the input "
                        "of every MatMul, max-abs over %d training samples x (executed + counterfactual "
                        "actions); inputs route, lights and actions on fixed grids (manifest)" % ctx.calibration)
    else:
        quantization = "none"
    return [
        ("generator", _smoke(ctx) + cmd),
        ("teacher", teacher),
        ("data", "train: %s; every %d steps (%d samples%s)" % (ctx.train_runs.describe(), ctx.train_stride,
                                                             len(ctx.train_data["risk"]), _subsample(ctx))),
        ("validation", "%s: %s (%d samples); seed 11 (the scenarios' own) never trained on"
         % (ctx.split, ctx.val_runs.describe(), len(ctx.val_data["risk"]))),
        ("quantization", quantization),
    ]


# --------------------------------------------------------------------------
# MODEL_CARD.md
# --------------------------------------------------------------------------
def _m(v, digits=3):
    return "n/a" if v is None else ("%.*f" % (digits, v))


def _table(rows):
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    fmt = lambda r: "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths)) + " |"
    return "\n".join([fmt(rows[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [fmt(r) for r in rows[1:]])


def _accuracy_table(ctx):
    labels = [("baseline", "constant velocity (baseline)"), ("teacher", "teacher, fp32"),
              ("student", "student, fp32"), ("student-int8", "student, int8 (simulated QDQ)")]
    h = ctx.results["teacher"]["horizon_s"]
    rows = [["model", "ADE 0.2-%.1f s" % h, "FDE %.1f s" % h, "ADE vehicles", "ADE pedestrians",
             "FDE vehicles", "FDE pedestrians", "risk AUROC"]]
    for key, label in labels:
        r = ctx.results[key]
        rows.append([label, _m(r["ade"]), _m(r["fde"]), _m(r.get("ade_vehicles")), _m(r.get("ade_pedestrians")),
                     _m(r.get("fde_vehicles")), _m(r.get("fde_pedestrians")), _m(r["auroc"])])
    return _table(rows)


def _moves_section(ctx, role):
    """Standing vehicles: the moves head of this package against the planner's old hand rule."""
    res = ctx.results[role]["moves"]
    train_valid = int(ctx.train_data["moves_valid"].sum())
    train_pos = int((ctx.train_data["moves"] * ctx.train_data["moves_valid"]).sum())
    lines = [
        "Output `agent_moves` [1, 32]: for each agent slot, the probability that the agent, if it is a vehicle "
        "standing now (speed < 0.5 m/s, not a pedestrian or cyclist), moves within the next 30 s: near 1 for "
        "a vehicle queued in traffic, near 0 for a parked or broken-down one the ego may pass. Empty slots are "
        "exactly 0; the value for moving agents, pedestrians and cyclists means nothing.",
        "",
        "Labels, from the recorded runs (the agent matched by id over the whole run): 1 if the vehicle is seen "
        "moving (> 1 m/s) within 30 s; 0 if it is not, and it is either seen standing 30 s or more later or "
        "the ego gets past it (it comes to lie fully behind the ego) first; otherwise unknown and not trained "
        "on (it left the view standing, or the run ended). Counted per sample and agent: training %d labelled "
        "standing vehicles, %d of them moving within 30 s; held out %d, %d moving." % (
            train_valid, train_pos, res["count"], res["positives"]),
        "",
        _table([
            ["held-out standing vehicles (per sample)", "labelled", "move within 30 s", "head AUROC",
             "head accuracy at 0.5", "hand rule accuracy"],
            ["all", res["count"], res["positives"], _m(res["auroc"]), _m(res["accuracy"]),
             _m(res["rule_accuracy"])],
            ["in the ego's lane", res["count_lane"], res["positives_lane"], _m(res["auroc_lane"]),
             _m(res["accuracy_lane"]), _m(res["rule_accuracy_lane"])]]),
        "",
        "The hand rule is the planner's test before this head (`SceneSnapshot`): queued, so moving, with a stop "
        "line, whatever its light shows, -1 to 40 m beyond the vehicle's front, or another vehicle's rear 0 to "
        "12 m beyond it. Replicated here in the ego frame, not along the route as the runtime measures: a "
        "stop line's position is its stop_s minus the ego's distance from the route's first point (taken as "
        "minus that point's x), and 'the same lane' is lateral offsets within %.1f m of each other; 'in the "
        "ego's lane' is |y| under half the lane width. On curves these approximations blur the rule a little."
        % evaluate.RULE_SAME_LANE_M,
    ]
    return "\n".join(lines)


def _cost_rows(ctx):
    rows = [["package", "parameters", "MACs per tick", "ops per tick", "graph nodes", "files (bytes)"]]
    for role in ("teacher", "student", "student-int8"):
        g = ctx.graphs[role]
        c = g.cost()
        rows.append([ctx.names[role], "{:,}".format(ctx.params[role]), "{:,}".format(c["macs"]),
                     "{:,}".format(c["ops"]), c["nodes"], "{:,}".format(g.file_bytes())])
    return _table(rows)


def _roofline(ctx):
    rows = [["package", "SoC", "dense int8 TOPS", "compute ms", "memory ms", "ms per tick", "margin at 20 Hz",
             "4x margin"]]
    verdicts = {}
    for role in ("teacher", "student-int8"):
        g = ctx.graphs[role]
        # On the HTP every package runs quantized: int8 weights (1 byte each) plus the float tensors it binds.
        params = ctx.params[role]
        for r in evaluate.roofline(g.cost()["ops"], params + g.io_bytes()):
            ok = r["margin"] >= evaluate.REQUIRED_MARGIN
            verdicts[(role, r["soc"])] = ok
            rows.append([ctx.names[role], r["soc"], "%.0f" % r["tops"], "%.4f" % r["compute_ms"],
                         "%.4f" % r["memory_ms"], "%.4f" % r["ms"], "%.0fx" % r["margin"],
                         "yes" if ok else "NO"])
    return _table(rows), verdicts


def card(ctx, role):
    g = ctx.graphs[role]
    size = g.size
    d = wm.latent_dims(size)
    full = ctx.args.inputs == wm.INPUTS_FULL
    name = ctx.names[role]
    res = ctx.results
    roof, verdicts = _roofline(ctx)
    student_ok = verdicts[("student-int8", "SA8650P")]
    cost = g.cost()
    lines = []
    add = lines.append
    add("# %s" % name)
    add("")
    if ctx.args.smoke:
        add("**SMOKE RUN: trained one epoch on a few dozen steps; every number below is meaningless.**")
        add("")
    add("Learned, reactive world model for wmrt: the %s. Version %s, made by `models/recipe/recipe.py` "
        "(seed %d). It predicts how every agent moves under each of the K = 64 candidate action sequences, "
        "and how likely each candidate is to bring the ego within 0.5 m of someone." % (ROLE_TEXT[role],
                                                                                      export.MODEL_VERSION,
                                                                                      ctx.args.seed))
    add("")
    if not full:
        add("**Agents-only variant** (`--inputs agents`): the encoder takes only `agents`, so the model does not "
            "know the ego's speed (the rollout starts the ego at rest and uses a 4.6 m x 1.8 m footprint), the "
            "route or the lights. Its reactions and its risk are weaker than the full model's; it exists so "
            "that a runtime which feeds only `agents` can load a learned model.")
        add("")

    add("## Tensor contract")
    add("")
    add("All tensors float32, static shapes, ego frame of the current scene (x forward, y left, radians "
        "counter-clockwise), exactly as `SceneSnapshot.load` converts a SceneFrame.")
    add("")
    add("encoder.onnx (graph `wm_encoder`, opset %d, IR %d)" % (17, 8))
    add("- input `agents` [1, 32, 8]: `SceneSnapshot.packAgents`: x, y, heading, speed, yaw_rate, length, "
        "width, valid; agents farther than agent_range_m (%.0f m) from the ego left out, the rest in slot order, empty "
        "slots zero" % export.AGENT_RANGE_M)
    if full:
        add("- input `ego` [1, 8]: `SceneSnapshot.packEgo`: speed_mps (>= 0), accel_mps2, steer_rad, "
            "length_m, width_m, speed_limit_mps, lane_width_m, 1.0")
        add("- input `route` [1, 64, 3]: `SceneSnapshot.packRoute`: the SceneFrame's route points in the ego "
            "frame (the agents' transform, `c*dx + s*dy`, `-s*dx + c*dy`, in double, then float) as `RouteFrame` "
            "keeps them (a point within 1 cm of the last one kept is skipped), x, y, 1.0 each; zeros after "
            "them, and everywhere when fewer than 2 points remain (the planner's stand-in route)")
        add("- input `lights` [1, 4, 3]: `SceneSnapshot.packLights`: for each light i < lightCount: stop_s (as "
            "in the SceneFrame: metres along the route from its first point), 1.0 if red or yellow else 0.0, "
            "1.0; zeros beyond")
    add("- output `latent` [1, 32, %d]: channels 0-7 the agent (x, y, heading, speed, yaw_rate, valid, half "
        "length, half width), 8-10 the ego (speed, half length, half width), 11-%d learned context (tanh); an "
        "empty slot is all zeros" % (d, d - 1))
    add("- output `agent_moves` [1, 32]: per slot, the probability (sigmoid) that the agent, if it is a vehicle "
        "standing now (speed < 0.5 m/s, not a pedestrian or cyclist), moves within the next 30 s; exactly 0 "
        "for empty slots, meaningless for other agents (section \"Standing vehicles\")")
    add("")
    add("rollout.onnx (graph `wm_rollout`)")
    add("- input `latent` [1, 32, %d]: the encoder's output" % d)
    add("- input `actions` [64, 30, 2]: per candidate and 0.2 s step, accel_mps2 and steer_rad (front wheel "
        "angle), the accelerations the planner applies (a stopped car does not reverse)")
    add("- output `agent_future` [64, 30, 32, 3]: x, y, heading of each agent at t = 0.2 .. 6.0 s in the "
        "ego frame of the scene (the cv-baseline's convention, step h at (h+1) * 0.2 s); empty slots zero")
    add("- output `risk` [64]: per candidate, the probability that the ego's footprint comes within 0.5 m of "
        "the footprint of an agent in play (moving at the time, or a person or cyclist: standing vehicles are left "
        "to the planner's analytic terms) within 3.0 s (the horizon the training labels cover): a near miss, "
        "not a collision, so the "
        "manifest's `planner.risk_cost` has the planner charge %s for a risk of 1.0 (one metre of progress "
        "earns 1; a predicted footprint overlap costs 10,000 or more)" % export.RISK_COST)
    add("")

    add("## How it works")
    add("")
    add("- Encoder: per agent an MLP of its state; every other agent seen from it (relative position and "
        "velocity in its frame), max-pooled;%s combined into the learned channels (width %d, %d learned). "
        "The moves head reads those channels: a layer of %d (ReLU), then one sigmoid per agent."
        % (" the route points seen from it, max-pooled; each light's stop line relative to it; the ego's state;"
           if full else "", size.embed, size.learned, wm.MOVE_HIDDEN))
    if size.rollout == wm.WIDE:
        add("- Rollout, all 30 steps at once: the ego is integrated under each candidate with the planner's "
            "kinematic bicycle (wheelbase %.1f m, `CandidateGenerator.step`, with the running sums as triangular "
            "MatMuls). Each agent's constant-speed, constant-yaw-rate path is the base; an MLP of %d layers "
            "(hidden width %d) over all 2,048 candidate-agent rows (row-major, so each layer is one Gemm) adds, "
            "for every step, a bounded offset along and across the agent's initial heading (at most 2.5 t^2 m) "
            "and of heading (at most 1.5 t rad). Per row it sees where the ego will be at %d steps relative to "
            "where the agent would be (in the agent's axes), the ego's velocity relative to the agent's at %d "
            "steps, the agent's speed, yaw rate and size, and its learned context: a walker can wait for the "
            "car, a follower can brake. The agents are not re-integrated step by step, so the graph's time is in "
            "its Gemms rather than in per-step element-wise nodes, which is where int8 kernels pay."
            % (wm.WHEELBASE_M, wm.WIDE_LAYERS + 1, size.hidden, len(wm.WIDE_POSITION_STEPS),
               len(wm.WIDE_VELOCITY_STEPS)))
    else:
        add("- Rollout, 30 steps unrolled in the graph: the ego is integrated under each candidate with the "
            "planner's kinematic bicycle (wheelbase %.1f m, `CandidateGenerator.step`, with the running sums as "
            "triangular MatMuls). Each agent keeps its speed and yaw rate plus a learned, bounded change per step "
            "(at most %.1f m/s^2 and %.1f rad/s) from an MLP (hidden width %d) that sees where the ego is at "
            "that step (relative to the agent, also in the agent's own axes), the agent's heading, its velocity "
            "relative to the ego's, and its learned context: a walker can wait for the car, a follower can "
            "brake. Inside, tensors are [channels, agents, candidates], so the MLP is one Gemm per layer over all "
            "2,048 agent-candidate pairs."
            % (wm.WHEELBASE_M, wm.RESIDUAL_LIMITS[0] / wm.DT_S, wm.RESIDUAL_LIMITS[1] / wm.DT_S, size.hidden))
    add("- Risk: the smallest footprint gap (ego axes, agents taken as aligned with the ego, as the planner's "
        "clearance term does) over the first 3 s and all agents, through a fitted logistic.")
    ops = sorted({n.op_type for m in (g.encoder, g.rollout) for n in m.graph.node})
    add("- Ops: %s; no Loop, no dynamic shapes, no Div, no Gather." % ", ".join(ops))
    add("")

    add("## Training")
    add("")
    add("- Data: %s; samples every %d steps of 0.1 s: %d samples%s, %d of them at risk. Targets are the "
        "recorded futures (%.1f s); the last %d of the 30 steps have none and are masked."
        % (ctx.train_runs.describe(), ctx.train_stride, len(ctx.train_data["risk"]), _subsample(ctx),
           int(ctx.train_data["risk"].sum()), ctx.results["teacher"]["horizon_s"],
           wm.H_STEPS - ctx.train_data["target"].shape[1]))
    add("- Held out: %s: %s, every step: %d samples, %d at risk. Seed 11, the scenarios' own evaluation "
        "seed, is refused as training data." % (ctx.split, ctx.val_runs.describe(), len(ctx.val_data["risk"]),
                                                 int(ctx.val_data["risk"].sum())))
    if ctx.epochs["teacher"] is None:
        add("- Teacher: the committed package `%s`, read back from its graphs (the recipe re-exports them byte for "
            "byte from the weights it reads) and not trained again: its own MODEL_CARD.md gives its data and "
            "training, which differ from the student's above." % os.path.relpath(ctx.args.teacher, export.REPO))
    else:
        add("- Teacher: %d epochs. Loss: Huber (1 m) on the position error + 0.5 x (1 - cos) of the heading "
            "error where recorded, + binary cross-entropy of the risk, + binary cross-entropy of `agent_moves` "
            "over the labelled standing vehicles." % ctx.epochs["teacher"])
    add("- Student: %d epochs. Loss: the same ground truth where recorded + the teacher's prediction "
        "everywhere (all 30 steps, every agent), on the executed actions and on as many counterfactual "
        "candidates (the executed plan with correlated noise, or a constant acceleration), which have no "
        "ground truth; risk against the label and against the teacher's risk; `agent_moves` against the "
        "label and against the teacher's probability, where labelled." % ctx.epochs["student"])
    add("- PyTorch on the CPU, %d thread(s), deterministic for a given seed (the log of the run has the "
        "training times; this card has none, so it is reproduced byte for byte)." % ctx.args.threads)
    add("")

    add("## Evaluation on held-out runs")
    add("")
    add("%d held-out samples; errors in metres over every recorded (agent, step) pair, each sample with the "
        "action sequence the ego really executed; FDE at %.1f s, the recorded horizon (%d agent futures). "
        "The baseline is constant speed and yaw rate, computed by the same rollout with the learned change "
        "switched off (its risk ranks by the same closest approach)."
        % (len(ctx.val_data["risk"]), res["teacher"]["horizon_s"], res["teacher"]["pairs"]))
    add("")
    add(_accuracy_table(ctx))
    add("")
    di = res["student-int8"]
    ds = res["student"]
    add("What int8 costs (student int8 - student fp32): ADE %+.3f m, FDE %+.3f m, AUROC %s. The int8 numbers "
        "come from simulating the QDQ graph in PyTorch with the exported scales (Python has no ONNX Runtime "
        "here); the Java side runs the real graphs." % (di["ade"] - ds["ade"], di["fde"] - ds["fde"],
                                                       "%+.3f" % (di["auroc"] - ds["auroc"])
                                                       if di["auroc"] is not None and ds["auroc"] is not None
                                                       else "n/a"))
    pose, risk, moves = ctx.checks[role]
    add("")
    add("Export check: this package's graphs, run by a numpy evaluator of their ONNX ops on 2 held-out scenes "
        "x 64 candidates, differ from the trained %s by at most %.1e m / rad in `agent_future`, %.1e in "
        "`risk` and %.1e in `agent_moves`." % ("model's int8 simulation" if g.int8 else "model", pose, risk,
                                               moves))
    add("")

    add("## Standing vehicles: will it move within 30 s")
    add("")
    add(_moves_section(ctx, role))
    add("")

    add("## Size and cost")
    add("")
    add(_cost_rows(ctx))
    add("")
    add("This package: encoder %s MACs, rollout %s MACs (%s graph nodes); a tick runs each once."
        % ("{:,}".format(cost["encoder"]["macs"]), "{:,}".format(cost["rollout"]["macs"]), cost["nodes"]))
    add("")
    add("Roofline per tick at %.0f %% utilisation: time = max(ops / (TOPS x utilisation), bytes / bandwidth), "
        "ops = 2 x MACs + one per element of every other computing op, bytes = int8 weights + the float tensors "
        "bound (activations stay in VTCM: the largest is well under 1 MB). TOPS and bandwidth are the "
        "profiles' press-report figures (+-30 %%). Margin = the 50 ms of a 20 Hz tick / the estimate."
        % (100 * evaluate.UTILISATION))
    add("")
    add(roof)
    add("")
    nodes = ctx.graphs["student-int8"].cost()["nodes"]
    add("The student fits the SA8650P with a %s 4x margin. The roofline ignores what dominates graphs this "
        "small: per-op dispatch on the HTP and the CPU-side binding. An assumption, not a measurement: if each "
        "of the int8 student's %d nodes cost %.0f us regardless of size, a tick would take %.1f ms, still a "
        "%.1fx margin at 20 Hz. Measure on a board." % (
            "passing" if student_ok else "FAILING", nodes, OVERHEAD_US_PER_NODE,
            nodes * OVERHEAD_US_PER_NODE / 1e3, (1e3 / evaluate.TICK_HZ) / (nodes * OVERHEAD_US_PER_NODE / 1e3)))
    add("")
    add(JMH_PLACEHOLDER)
    add("")

    if g.int8:
        add("## int8 quantization")
        add("")
        add("- Weights: int8 per output channel, symmetric (scale = max|w| / 127), through DequantizeLinear "
            "on the initializers.")
        add("- Activations: a QuantizeLinear/DequantizeLinear pair at the input of every MatMul and Gemm, one grid per "
            "site%s: max-abs over %d training samples, each with its executed actions "
            "and with counterfactual ones; symmetric int8 for signed tensors, zero point -128 over [0, max] "
            "after Relu. %d sites.%s" % (" (shared by the 30 steps)" if size.rollout == wm.STEPWISE else "",
                                        ctx.calibration, len(ctx.quant.max_abs),
                                        " The rollout's learned layers are Gemm(x, W, b) on row-major tensors "
                                        "with the bias in int32 on the grid activation scale x weight scale: "
                                        "the pattern ONNX Runtime's CPU provider fuses into integer QGemm "
                                        "kernels, and the HTP's own." if size.rollout == wm.WIDE else ""))
        add("- Graph inputs on fixed grids, declared in the manifest: `actions` (acceleration step %.4f m/s^2 "
            "from -6.02 to 2.02, zero point 63; steering step %.5f rad, +-0.55)%s."
            % (wm.ACTIONS_QDQ[0][0], wm.ACTIONS_QDQ[0][1],
               "; `route` x, y in %.3f m steps to +-80 m; `lights` stop_s in 2 m steps to 254 m" % (80.0 / 127)
               if full else ""))
        add("- Float on purpose: the kinematics (the ego's bicycle, each agent's %s, the risk's "
            "geometry) and the latent, which carries positions to centimetres; on the HTP they run in fp16."
            % ("path and offsets" if size.rollout == wm.WIDE else "integration"))
        add("")

    add("## Limits")
    add("")
    add("- Trained on the SUMO runs listed under Training, driven by the rig (cv-baseline planner with seeded "
        "perturbations): road layouts and road users beyond those scenarios and families are out of "
        "distribution.")
    add("- The rig reports yaw rate 0 for every agent and steer 0 for the ego: the model has only ever seen "
        "those, and turning comes from the learned change.")
    add("- Recorded futures end at %.1f s: steps beyond are learned from the teacher, which itself only "
        "extrapolates there." % res["teacher"]["horizon_s"])
    base, student = res["baseline"], res["student"]
    if "fde_pedestrians" in base and "fde_pedestrians" in student:
        add("- Pedestrians: FDE %.3f m for the student against %.3f m for constant velocity, so no gain there; "
            "the gain is in vehicles (FDE %.3f m against %.3f m)." % (
                student["fde_pedestrians"], base["fde_pedestrians"], student.get("fde_vehicles", float("nan")),
                base.get("fde_vehicles", float("nan"))))
    add("- The risk means 'within 0.5 m within 3 s' of the rig's ground truth: with few positives in the data "
        "(mostly pedestrians on the narrow street), treat it as a ranking, not a calibrated probability.")
    add("")
    add("## Regenerating")
    add("")
    add("    ./wmrt hil --scenario all --seeds 1001,...,1020 --perturb 0.3 --record DATA --report R")
    add("    /usr/bin/python3 models/recipe/recipe.py --data DATA [--val VAL] --out-dir models --key BASE")
    add("")
    add("See models/recipe/README.md. Deterministic for the same data, --seed and --threads; `wmrt sign` "
        "appends the signature to manifest.yaml.")
    return "\n".join(lines) + "\n"
