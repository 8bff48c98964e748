#!/usr/bin/python3
"""Generate the analytic constant-velocity / constant-yaw-rate (CTRV) baseline
world-model packages for wmrt.

Writes two packages (each: encoder.onnx, rollout.onnx, manifest.yaml,
MODEL_CARD.md):

    <out>/cv-baseline/        fp32
    <out>/cv-baseline-int8/   int8 QDQ on the latent tensor

Usage:
    /usr/bin/python3 models/generate_cv_baseline.py [--out DIR]

DIR defaults to the directory containing this script. Output is byte-for-byte
deterministic: no timestamps, no random numbers, no library version strings in
the files, fixed node/initializer order. Every file is written atomically
(temporary file in the same directory, then rename), so a reader never sees a
half-written model.

Only onnx (helper / numpy_helper / checker) and numpy are used.
"""

import argparse
import hashlib
import os
import sys
import tempfile

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper

# --------------------------------------------------------------------------
# Contract constants (must match the runtime's planner configuration).
# --------------------------------------------------------------------------
N_AGENTS = 32        # max agents
K_CANDIDATES = 64    # candidate action sequences evaluated per planning cycle
H_STEPS = 30         # horizon steps
DT_S = 0.2           # step length, seconds -> horizon 6.0 s
F_AGENT = 8          # agent features: x, y, heading, speed, yaw_rate, length, width, valid
D_LATENT = 6         # latent features: x, y, heading, speed, yaw_rate, valid
A_DIMS = 2           # action dims: accel_mps2, steer_rad

OPSET = 17
# IR 8 is what opset 17 maps to in onnx 1.12 and is loadable by onnxruntime 1.24.
IR_VERSION = 8

MODEL_VERSION = "1.0.0"
GENERATOR = "models/generate_cv_baseline.py"
DESCRIPTION = "Constant-velocity, constant-yaw-rate analytic world model (baseline)."

# Indices of the agent features copied into the latent, in latent order.
LATENT_FROM_AGENT = [0, 1, 2, 3, 4, 7]   # x, y, heading, speed, yaw_rate, valid
VALID_FEATURE = 7

# int8 QDQ grid for the latent, per latent channel (axis 2).
QDQ_AXIS = 2
QDQ_SCALES = [0.5, 0.5, 0.025, 0.25, 0.01, 0.015625]
QDQ_ZERO_POINTS = [0, 0, 0, 0, 0, 0]

# |a| below this uses sinc(a) = 1. At 1e-4 the truncation error of the Taylor
# series (a^2/6 ~ 1.7e-9) is far below float32 resolution, and it keeps the
# division away from 0/0.
SINC_EPS = 1e-4

ACTION_NAMES = ["accel_mps2", "steer_rad"]
ACTION_LOWER = [-6.0, -0.55]
ACTION_UPPER = [2.0, 0.55]


# --------------------------------------------------------------------------
# Small graph-building helper
# --------------------------------------------------------------------------
class GraphBuilder:
    """Collects nodes and initializers in insertion order (order = determinism)."""

    def __init__(self):
        self.nodes = []
        self.initializers = []
        self._names = set()

    def const(self, name, array):
        assert name not in self._names, name
        self._names.add(name)
        self.initializers.append(numpy_helper.from_array(np.asarray(array), name=name))
        return name

    def op(self, op_type, inputs, output, **attrs):
        assert output not in self._names, output
        self._names.add(output)
        self.nodes.append(
            helper.make_node(op_type, inputs, [output], name=output + "_" + op_type, **attrs)
        )
        return output


def add_latent_qdq(g, src, dst):
    """Fake-quantize `src` onto the int8 latent grid; result is named `dst`.

    QuantizeLinear rounds half-to-even and saturates to [-128, 127], so each
    channel's representable range is [-128*scale, 127*scale].
    """
    scale = g.const("latent_q_scale", np.array(QDQ_SCALES, dtype=np.float32))
    zp = g.const("latent_q_zero_point", np.array(QDQ_ZERO_POINTS, dtype=np.int8))
    q = g.op("QuantizeLinear", [src, scale, zp], "latent_q", axis=QDQ_AXIS)
    return g.op("DequantizeLinear", [q, scale, zp], dst, axis=QDQ_AXIS)


def finish_model(g, graph_name, inputs, outputs, doc):
    graph = helper.make_graph(
        g.nodes, graph_name, inputs, outputs, initializer=g.initializers, doc_string=doc
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="wmrt " + GENERATOR,
        producer_version=MODEL_VERSION,
    )
    model.ir_version = IR_VERSION
    model.model_version = 1
    checker.check_model(model, full_check=True)
    return model


# --------------------------------------------------------------------------
# encoder.onnx: agents [1,N,F] -> latent [1,N,D]
# --------------------------------------------------------------------------
def build_encoder(int8):
    g = GraphBuilder()
    # Gather along the feature axis is an exact copy (a 0/1 selection MatMul
    # would turn inf into NaN via 0*inf and is no cleaner).
    sel = g.const("latent_feature_index", np.array(LATENT_FROM_AGENT, dtype=np.int64))
    vidx = g.const("valid_feature_index", np.array([VALID_FEATURE], dtype=np.int64))
    picked = g.op("Gather", ["agents", sel], "picked", axis=2)     # [1,N,D]
    valid = g.op("Gather", ["agents", vidx], "valid", axis=2)      # [1,N,1]
    # Zero every feature of empty slots, so padding never leaks into the latent.
    if int8:
        masked = g.op("Mul", [picked, valid], "latent_f32")
        add_latent_qdq(g, masked, "latent")
    else:
        g.op("Mul", [picked, valid], "latent")

    inputs = [helper.make_tensor_value_info("agents", TensorProto.FLOAT, [1, N_AGENTS, F_AGENT])]
    outputs = [helper.make_tensor_value_info("latent", TensorProto.FLOAT, [1, N_AGENTS, D_LATENT])]
    doc = ("latent = agents[..., (x, y, heading, speed, yaw_rate, valid)] * valid"
           + (", fake-quantized to int8 per channel" if int8 else ""))
    return finish_model(g, "cv_encoder", inputs, outputs, doc)


# --------------------------------------------------------------------------
# rollout.onnx: latent [1,N,D], actions [K,H,A] -> agent_future [K,H,N,3]
# --------------------------------------------------------------------------
def time_vector():
    # t_h = (h+1)*dt, computed in float64 then rounded once to float32.
    return (np.arange(1, H_STEPS + 1, dtype=np.float64) * DT_S).astype(np.float32)


def build_rollout(int8):
    g = GraphBuilder()
    t = g.const("t", time_vector())                                           # [H]
    t_shape = g.const("t_col_shape", np.array([H_STEPS, 1, 1], dtype=np.int64))
    half = g.const("half", np.array(0.5, dtype=np.float32))
    one = g.const("one", np.array(1.0, dtype=np.float32))
    eps = g.const("sinc_eps", np.array(SINC_EPS, dtype=np.float32))
    out_shape = g.const("agent_future_shape",
                        np.array([K_CANDIDATES, H_STEPS, N_AGENTS, 3], dtype=np.int64))

    lat = add_latent_qdq(g, "latent", "latent_dq") if int8 else "latent"

    # One latent channel each, keeping the axis: [1,N,1]. Broadcast against
    # t as [H,1,1] gives [H,N,1], so the final Concat needs no Unsqueeze.
    def channel(i, name):
        idx = g.const(name + "_index", np.array([i], dtype=np.int64))
        return g.op("Gather", [lat, idx], name, axis=2)

    x0 = channel(0, "x0")
    y0 = channel(1, "y0")
    h0 = channel(2, "h0")
    v = channel(3, "v")
    w = channel(4, "w")
    tc = g.op("Reshape", [t, t_shape], "t_col")                               # [H,1,1]

    wt = g.op("Mul", [w, tc], "wt")                                          # [H,N,1]
    heading = g.op("Add", [h0, wt], "heading")
    a = g.op("Mul", [wt, half], "a")                                          # w*t/2
    # sinc(a) = sin(a)/a, with sinc(0) = 1. The inner Where keeps Div from
    # ever computing 0/0, so no NaN exists even in the branch the outer Where
    # discards (NaN checks, fast-math kernels); the outer Where picks the limit.
    small = g.op("Less", [g.op("Abs", [a], "abs_a"), eps], "a_small")
    a_safe = g.op("Where", [small, one, a], "a_safe")
    ratio = g.op("Div", [g.op("Sin", [a_safe], "sin_a_safe"), a_safe], "sin_over_a")
    sinc = g.op("Where", [small, one, ratio], "sinc")
    chord = g.op("Mul", [g.op("Mul", [v, tc], "vt"), sinc], "chord")          # v*t*sinc
    mid = g.op("Add", [h0, a], "mid_heading")                                 # h0 + w*t/2
    x = g.op("Add", [x0, g.op("Mul", [chord, g.op("Cos", [mid], "cos_mid")], "dx")], "x")
    y = g.op("Add", [y0, g.op("Mul", [chord, g.op("Sin", [mid], "sin_mid")], "dy")], "y")
    pose = g.op("Concat", [x, y, heading], "pose", axis=2)                    # [H,N,3]
    # The CV model ignores the ego's actions, so every candidate gets the same
    # future; broadcast instead of computing it K times.
    g.op("Expand", [pose, out_shape], "agent_future")                         # [K,H,N,3]

    # `actions` is deliberately unused: it stays a declared graph input (no
    # initializer) so the runtime's feed contract matches learned models.
    inputs = [
        helper.make_tensor_value_info("latent", TensorProto.FLOAT, [1, N_AGENTS, D_LATENT]),
        helper.make_tensor_value_info("actions", TensorProto.FLOAT,
                                      [K_CANDIDATES, H_STEPS, A_DIMS]),
    ]
    outputs = [helper.make_tensor_value_info(
        "agent_future", TensorProto.FLOAT, [K_CANDIDATES, H_STEPS, N_AGENTS, 3])]
    doc = ("CTRV closed form per agent, t_h=(h+1)*dt; identical for every candidate; "
           "actions unused" + ("; latent fake-quantized to int8 per channel" if int8 else ""))
    return finish_model(g, "cv_rollout", inputs, outputs, doc)


# --------------------------------------------------------------------------
# Text files
# --------------------------------------------------------------------------
def fmt_list(values):
    return "[" + ", ".join(str(v) for v in values) + "]"


def fmt_shape(shape):
    return fmt_list(shape)


def quant_summary():
    return ("int8 QDQ on latent, per-axis scales %s, zero point 0" % fmt_list(QDQ_SCALES))


def agent_range_m(int8):
    """How far from the ego an agent may be for the graphs to represent it faithfully.

    The int8 latent saturates at 127 steps of the x/y scale: an agent beyond that would be clamped onto
    the edge of the grid at a wrong bearing, so the runtime must leave it out. fp32 has no such edge; 200 m
    is the baseline's perception range.
    """
    return "%.1f" % (127 * min(QDQ_SCALES[0], QDQ_SCALES[1])) if int8 else "200.0"


def manifest_text(name, int8, sha_encoder, sha_rollout):
    qdq_block = (
        "    quantization:\n"
        "      - {tensor: latent, dtype: int8, axis: %d, scale: %s, zero_point: %s}\n"
        % (QDQ_AXIS, fmt_list(QDQ_SCALES), fmt_list(QDQ_ZERO_POINTS))
    ) if int8 else ""
    lat = fmt_shape([1, N_AGENTS, D_LATENT])
    lines = [
        "format: wmrt-model/1",
        "name: %s" % name,
        "version: %s" % MODEL_VERSION,
        "precision: %s" % ("int8-qdq" if int8 else "fp32"),
        "description: %s" % DESCRIPTION,
        "planner:",
        "  candidates: %d" % K_CANDIDATES,
        "  horizon_steps: %d" % H_STEPS,
        "  dt_s: %s" % DT_S,
        "  max_agents: %d" % N_AGENTS,
        "  agent_range_m: %s" % agent_range_m(int8),
        "action_space:",
        "  names: %s" % fmt_list(ACTION_NAMES),
        "  lower: %s" % fmt_list(ACTION_LOWER),
        "  upper: %s" % fmt_list(ACTION_UPPER),
        "graphs:",
        "  encoder:",
        "    file: encoder.onnx",
        "    sha256: %s" % sha_encoder,
        "    inputs:",
        "      - {name: agents, dtype: float32, shape: %s}" % fmt_shape([1, N_AGENTS, F_AGENT]),
        "    outputs:",
        "      - {name: latent, dtype: float32, shape: %s}" % lat,
    ]
    text = "\n".join(lines) + "\n" + qdq_block
    lines = [
        "  rollout:",
        "    file: rollout.onnx",
        "    sha256: %s" % sha_rollout,
        "    inputs:",
        "      - {name: latent, dtype: float32, shape: %s}" % lat,
        "      - {name: actions, dtype: float32, shape: %s}"
        % fmt_shape([K_CANDIDATES, H_STEPS, A_DIMS]),
        "    outputs:",
        "      - {name: agent_future, dtype: float32, shape: %s}"
        % fmt_shape([K_CANDIDATES, H_STEPS, N_AGENTS, 3]),
    ]
    text += "\n".join(lines) + "\n" + qdq_block
    lines = [
        "lineage:",
        "  generator: %s" % GENERATOR,
        "  teacher: none",
        "  data: none (analytic model)",
        "  quantization: %s" % ('"%s"' % quant_summary() if int8 else "none"),
    ]
    return text + "\n".join(lines) + "\n"


def model_card_text(name, int8):
    horizon = H_STEPS * DT_S
    card = """# {name}

Analytic constant-velocity, constant-yaw-rate (CTRV) world model for wmrt.
Precision: {precision}. Version {version}.

## What it predicts

For every other agent it extrapolates the current state with the exact CTRV
closed form, at t = 0.2, 0.4, ..., {horizon:.1f} s ({steps} steps of {dt} s):

    heading(t) = h0 + w*t
    x(t) = x0 + v*t*cos(h0 + w*t/2)*sinc(w*t/2)
    y(t) = y0 + v*t*sin(h0 + w*t/2)*sinc(w*t/2)

with sinc(a) = sin(a)/a and sinc(0) = 1 (|a| < {eps:g} is treated as 0).
Coordinates are in the ego frame: x forward, y left, heading in radians,
counter-clockwise from +x.

## Why it is the baseline

It ignores the ego's candidate actions (every candidate gets the same agent
futures) and ignores interactions between agents (nobody brakes, yields or
follows a lane). It has no parameters and no training data. A learned world
model must beat it on the same closed-loop metrics to be worth shipping.

## Graphs

encoder.onnx (graph `cv_encoder`, opset {opset}, IR {ir})
- input `agents` float32 [1, {n}, {f}]: x, y, heading, speed, yaw_rate,
  length, width, valid (1.0 real agent, 0.0 empty slot)
- output `latent` float32 [1, {n}, {d}]: x, y, heading, speed, yaw_rate, valid,
  each multiplied by valid (empty slots are all zeros)

rollout.onnx (graph `cv_rollout`, opset {opset}, IR {ir})
- input `latent` float32 [1, {n}, {d}]
- input `actions` float32 [{k}, {steps}, {a}] (accel m/s^2, steering rad):
  declared so the runtime contract matches learned models, but unused
- output `agent_future` float32 [{k}, {steps}, {n}, 3]: (x, y, heading) per
  candidate, step, agent; identical for every candidate. Empty slots predict
  (0, 0, 0).
""".format(name=name, precision="int8 QDQ (latent only)" if int8 else "fp32",
           version=MODEL_VERSION, horizon=horizon, steps=H_STEPS, dt=DT_S, eps=SINC_EPS,
           opset=OPSET, ir=IR_VERSION, n=N_AGENTS, f=F_AGENT, d=D_LATENT,
           k=K_CANDIDATES, a=A_DIMS)
    if int8:
        names = ["x", "y", "heading", "speed", "yaw_rate", "valid"]
        units = ["m", "m", "rad", "m/s", "rad/s", ""]
        table = [["channel", "step", "range (int8 -128..127)", "rounding error"]]
        for nm, s, u in zip(names, QDQ_SCALES, units):
            # %.10g hides float64 noise such as 127*0.025 = 3.1750000000000003.
            step = ("%.10g %s" % (s, u)).rstrip()
            table.append([nm, step, "[%.10g, %.10g]" % (-128 * s, 127 * s), "+-%.10g" % (s / 2)])
        widths = [max(len(r[i]) for r in table) for i in range(4)]
        fmt_row = lambda r: "| " + " | ".join(c.ljust(wd) for c, wd in zip(r, widths)) + " |"
        rows = [fmt_row(table[0]), "|" + "|".join("-" * (wd + 2) for wd in widths) + "|"]
        rows += [fmt_row(r) for r in table[1:]]
        card += """
## int8 quantization

The encoder output `latent` passes through QuantizeLinear -> DequantizeLinear
(int8, per channel over axis 2, zero point 0), and the rollout applies the same
QDQ pair to its `latent` input. Everything else is float32. Values are rounded
half-to-even onto the grid and saturate at the range ends:

{rows}

What that costs:
- Positions are resolved to 0.5 m (error up to 0.25 m), and agents farther
  than 64 m ahead/behind or left/right (63.5 m on the positive side) are
  clamped to the edge of the grid.
- Speed saturates at 31.75 m/s (~114 km/h); faster agents are predicted too
  slow. The 0.125 m/s rounding error alone grows to 0.75 m at {horizon:.1f} s.
- Yaw rate saturates at +-1.28 rad/s; its 0.005 rad/s rounding error grows to
  0.03 rad of heading at {horizon:.1f} s. Heading itself covers +-pi with
  0.0125 rad (0.7 deg) error.
- valid uses a step of 1/64 so that 1.0 (64 steps) and 0.0 are both exact.
""".format(rows="\n".join(rows), horizon=horizon)
    card += """
## Regenerating

    /usr/bin/python3 {gen}

writes models/cv-baseline and models/cv-baseline-int8 (use `--out DIR` to
write elsewhere). The output is byte-for-byte deterministic; the manifest's
sha256 values are those of the .onnx files. `wmrt sign` appends the
signature to manifest.yaml afterwards.
""".format(gen=GENERATOR)
    return card


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def write_atomic(path, data):
    """Write bytes to path via a temp file in the same directory + rename."""
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)   # mkstemp creates 0600; make it a normal repo file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def write_package(out_dir, name, int8):
    pkg = os.path.join(out_dir, name)
    os.makedirs(pkg, exist_ok=True)
    # SerializeToString is deterministic here: no map fields, fixed order.
    encoder = build_encoder(int8).SerializeToString()
    rollout = build_rollout(int8).SerializeToString()
    write_atomic(os.path.join(pkg, "encoder.onnx"), encoder)
    write_atomic(os.path.join(pkg, "rollout.onnx"), rollout)
    manifest = manifest_text(name, int8, sha256_hex(encoder), sha256_hex(rollout))
    write_atomic(os.path.join(pkg, "manifest.yaml"), manifest.encode("utf-8"))
    write_atomic(os.path.join(pkg, "MODEL_CARD.md"), model_card_text(name, int8).encode("utf-8"))
    return pkg


PACKAGES = [("cv-baseline", False), ("cv-baseline-int8", True)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="output directory (default: the directory of this script)")
    args = parser.parse_args(argv)
    for name, int8 in PACKAGES:
        pkg = write_package(args.out, name, int8)
        print("wrote %s" % pkg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
