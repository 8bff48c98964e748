"""ONNX graphs from trained parameters, and the package around them: encoder.onnx, rollout.onnx,
manifest.yaml (the format of models/cv-baseline) and MODEL_CARD.md. Files are written atomically and are
byte-for-byte deterministic for the same parameters."""

import collections
import json
import os
import subprocess
import sys

import numpy as np
import onnx
import torch
from onnx import checker, numpy_helper, shape_inference

import evaluate
import graph
import model as wm

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from generate_cv_baseline import fmt_list, sha256_hex, write_atomic  # noqa: E402  the models/ way to write

MODEL_VERSION = "1.0.0"
GENERATOR = "models/recipe/recipe.py"
ACTION_NAMES = ["accel_mps2", "steer_rad"]
ACTION_LOWER = [-6.0, -0.55]
ACTION_UPPER = [2.0, 0.55]      # 2.0 m/s^2: the comfort bound the planner should respect
# The rig records agents within 80 m of the ego; the features (0.05/m, clipped at 4) keep 80 m distinct.
AGENT_RANGE_M = 80.0
# What the planner charges for risk 1.0 (manifest planner.risk_cost; one metre of progress earns 1). The risk
# head predicts a near miss (the footprints within dataset.RISK_MARGIN_M), not a collision, so it is not priced
# as one (the planner's default, 10,000): 100 is about the most progress a 6 s plan earns (16.7 m/s x 6 s), so
# a plan the model is sure brings a near miss never wins on progress alone, and a predicted footprint overlap
# still costs a hundred times more. Chosen among 100, 300 and 1000 in closed loop (models/recipe/README.md).
RISK_COST = 100.0
ENCODER_INPUTS = {
    wm.INPUTS_FULL: [("agents", [1, wm.N_AGENTS, wm.F_AGENT]), ("ego", [1, wm.EGO_FEATURES]),
                     ("route", [1, wm.ROUTE_POINTS, 3]), ("lights", [1, wm.LIGHTS, 3])],
    wm.INPUTS_AGENTS: [("agents", [1, wm.N_AGENTS, wm.F_AGENT])],
}
PACKAGE_FILES = ["MODEL_CARD.md", "encoder.onnx", "manifest.yaml", "rollout.onnx"]


class Graphs:
    """A model's two ONNX graphs, with every value's static shape."""

    def __init__(self, params, size, inputs, quant, label):
        self.size = size
        self.inputs = inputs
        self.int8 = quant is not None
        doc = "wmrt learned world model (%s)%s" % (label, ", int8 QDQ" if self.int8 else "")

        enc = graph.OnnxEmitter(params, quant)
        feeds = [enc.input(name, shape) for name, shape in ENCODER_INPUTS[inputs]]
        latent, moves = wm.encoder(enc, size, *feeds)
        latent = enc.rename(latent, "latent")
        moves = enc.rename(moves, "agent_moves")
        self.encoder = enc.model("wm_encoder", [latent, moves], doc + ": encoder, latent layout and "
                                 "agent_moves in MODEL_CARD.md", "wmrt " + GENERATOR, MODEL_VERSION)
        self.encoder_shapes = enc.shapes()

        d = wm.latent_dims(size)
        roll = graph.OnnxEmitter(params, quant)
        lat = roll.input("latent", [1, wm.N_AGENTS, d])
        act = roll.input("actions", [wm.K_CANDIDATES, wm.H_STEPS, wm.A_DIMS])
        future, risk, _ = wm.rollout(roll, size, lat, act)
        future = roll.rename(future, "agent_future")
        risk = roll.rename(risk, "risk")
        self.rollout = roll.model("wm_rollout", [future, risk], doc + ": rollout, 30 steps unrolled",
                                  "wmrt " + GENERATOR, MODEL_VERSION)
        self.rollout_shapes = roll.shapes()
        for m in (self.encoder, self.rollout):
            checker.check_model(m, full_check=True)
            shape_inference.infer_shapes(m, check_type=True, strict_mode=True)
        self.encoder_bytes = self.encoder.SerializeToString()
        self.rollout_bytes = self.rollout.SerializeToString()

    def cost(self):
        """Per tick: the encoder once and the rollout once (all K candidates)."""
        e = evaluate.graph_cost(self.encoder, self.encoder_shapes)
        r = evaluate.graph_cost(self.rollout, self.rollout_shapes)
        return {"encoder": e, "rollout": r, "macs": e["macs"] + r["macs"], "ops": e["ops"] + r["ops"],
                "nodes": e["nodes"] + r["nodes"]}

    def io_bytes(self):
        total = 0
        for m, shapes in ((self.encoder, self.encoder_shapes), (self.rollout, self.rollout_shapes)):
            for v in list(m.graph.input) + list(m.graph.output):
                total += 4 * int(np.prod([dim.dim_value for dim in v.type.tensor_type.shape.dim]))
        return total

    def weight_bytes(self):
        total = 0
        for m in (self.encoder, self.rollout):
            for init in m.graph.initializer:
                total += len(init.raw_data) if init.raw_data else 0
        return total

    def file_bytes(self):
        return len(self.encoder_bytes) + len(self.rollout_bytes)


def package_params(pkg, size, inputs):
    """A trained model's parameters read back from a package's float32 graphs: every parameter is an
    initializer of its own name (a Gemm weight may be stored transposed, as NAME_t)."""
    found = {}
    for name in ("encoder.onnx", "rollout.onnx"):
        path = os.path.join(pkg, name)
        if not os.path.isfile(path):
            raise RuntimeError("%s: no %s" % (pkg, name))
        try:
            found.update((i.name, numpy_helper.to_array(i)) for i in onnx.load(path).graph.initializer)
        except Exception as ex:                 # a truncated or garbage file: protobuf's own error types
            raise RuntimeError("%s: not a readable ONNX graph (%s: %s)" % (path, type(ex).__name__, ex))
    params = collections.OrderedDict()
    for name, shape in wm.param_shapes(size, inputs).items():
        if name in found:
            value = found[name]
        elif name + "_t" in found:
            value = found[name + "_t"].T
        else:
            raise RuntimeError("%s: no initializer %s (or %s_t): not a float32 %s package of this recipe"
                               % (pkg, name, name, size.name))
        if tuple(value.shape) != tuple(shape):
            raise RuntimeError("%s: initializer %s has shape %s, the %s's is %s"
                               % (pkg, name, list(value.shape), size.name, list(shape)))
        params[name] = np.array(value, dtype=np.float32)       # a copy; keeps 0-d scalars 0-d
        if not np.isfinite(params[name]).all():
            raise RuntimeError("%s: initializer %s holds NaN or infinity" % (pkg, name))
    return params


def run_graphs(g, sample, actions):
    """Both serialized graphs through the numpy kernels for one sample and K candidates: latent, agent_moves
    [1,32], agent_future, risk."""
    feeds = {"agents": sample["agents"][None]}
    if g.inputs == wm.INPUTS_FULL:
        feeds.update(ego=sample["ego"][None], route=sample["route"][None], lights=sample["lights"][None])
    enc = graph.evaluate(g.encoder, feeds)
    out = graph.evaluate(g.rollout, {"latent": enc["latent"], "actions": actions})
    return enc["latent"], enc["agent_moves"], out["agent_future"], out["risk"]


def run_torch(net, sample, actions, quant):
    """What the trained model computes for the same: agent_future, risk, moves [1,32]."""
    batch = {k: torch.from_numpy(sample[k][None]) for k in ("agents", "ego", "route", "lights")}
    with torch.no_grad():
        future, risk, _, moves = net(batch, torch.from_numpy(actions), quant)
    return future.numpy(), risk.numpy(), moves.numpy()


# --------------------------------------------------------------------------
# manifest.yaml
# --------------------------------------------------------------------------
def _tensor(name, shape):
    return "      - {name: %s, dtype: float32, shape: %s}" % (name, fmt_list(shape))


def _quantization(entries):
    if not entries:
        return []
    lines = ["    quantization:"]
    for tensor, (scales, zero_points) in entries:
        lines.append("      - {tensor: %s, dtype: int8, axis: 2, scale: %s, zero_point: %s}"
                     % (tensor, fmt_list([float(np.float32(s)) for s in scales]), fmt_list(zero_points)))
    return lines


def manifest_text(name, description, g, sha_encoder, sha_rollout, lineage):
    d = wm.latent_dims(g.size)
    encoder_q = []
    if g.int8 and g.inputs == wm.INPUTS_FULL:
        encoder_q = [("route", wm.ROUTE_QDQ), ("lights", wm.LIGHTS_QDQ)]
    rollout_q = [("actions", wm.ACTIONS_QDQ)] if g.int8 else []
    lines = [
        "format: wmrt-model/1",
        "name: %s" % name,
        "version: %s" % MODEL_VERSION,
        "precision: %s" % ("int8-qdq" if g.int8 else "fp32"),
        "description: %s" % json.dumps(description),
        "planner:",
        "  candidates: %d" % wm.K_CANDIDATES,
        "  horizon_steps: %d" % wm.H_STEPS,
        "  dt_s: %s" % wm.DT_S,
        "  max_agents: %d" % wm.N_AGENTS,
        "  agent_range_m: %s" % AGENT_RANGE_M,
        "  risk_cost: %s" % RISK_COST,
        "action_space:",
        "  names: %s" % fmt_list(ACTION_NAMES),
        "  lower: %s" % fmt_list(ACTION_LOWER),
        "  upper: %s" % fmt_list(ACTION_UPPER),
        "graphs:",
        "  encoder:",
        "    file: encoder.onnx",
        "    sha256: %s" % sha_encoder,
        "    inputs:",
    ] + [_tensor(n, s) for n, s in ENCODER_INPUTS[g.inputs]] + [
        "    outputs:",
        _tensor("latent", [1, wm.N_AGENTS, d]),
        _tensor("agent_moves", [1, wm.N_AGENTS]),
    ] + _quantization(encoder_q) + [
        "  rollout:",
        "    file: rollout.onnx",
        "    sha256: %s" % sha_rollout,
        "    inputs:",
        _tensor("latent", [1, wm.N_AGENTS, d]),
        _tensor("actions", [wm.K_CANDIDATES, wm.H_STEPS, wm.A_DIMS]),
        "    outputs:",
        _tensor("agent_future", [wm.K_CANDIDATES, wm.H_STEPS, wm.N_AGENTS, 3]),
        _tensor("risk", [wm.K_CANDIDATES]),
    ] + _quantization(rollout_q) + ["lineage:"]
    # JSON strings are YAML double-quoted scalars: any text is safe.
    lines += ["  %s: %s" % (k, json.dumps(v)) for k, v in lineage]
    return "\n".join(lines) + "\n"


def write_package(out_dir, name, g, description, lineage, card):
    pkg = os.path.join(out_dir, name)
    os.makedirs(pkg, exist_ok=True)
    write_atomic(os.path.join(pkg, "encoder.onnx"), g.encoder_bytes)
    write_atomic(os.path.join(pkg, "rollout.onnx"), g.rollout_bytes)
    manifest = manifest_text(name, description, g, sha256_hex(g.encoder_bytes), sha256_hex(g.rollout_bytes),
                             lineage)
    write_atomic(os.path.join(pkg, "manifest.yaml"), manifest.encode("utf-8"))
    write_atomic(os.path.join(pkg, "MODEL_CARD.md"), card.encode("utf-8"))
    return pkg


# --------------------------------------------------------------------------
# The project's CLI: signing and checking
# --------------------------------------------------------------------------
def wmrt(*args, log=print):
    """Run ./wmrt from the repository root; returns its output, raises with it on failure."""
    cmd = [os.path.join(REPO, "wmrt")] + [str(a) for a in args]
    proc = subprocess.run(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise RuntimeError("'%s' exited %d:\n%s" % (" ".join(cmd), proc.returncode, proc.stdout))
    return proc.stdout


def sign_and_check(pkg, key_base, log):
    wmrt("sign", pkg, "--key", key_base)
    report = wmrt("inspect", "model", pkg, "--trusted-key", key_base + ".pub")
    if "signature: valid" not in report:
        raise RuntimeError("%s: 'wmrt inspect model' did not report a valid signature:\n%s" % (pkg, report))
    log("checked %s: %s" % (pkg, report.splitlines()[0]))
    return report
