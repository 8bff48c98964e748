#!/usr/bin/python3
"""Write a small wmrt model package whose graphs use the planner's optional tensors, for the runtime's tests.

Usage:
    /usr/bin/python3 runtime/src/test/python/make_optional_tensor_package.py OUT_DIR
        [--input NAME:DTYPE:D0,D1,...]... [--risk DTYPE:D0,...] [--no-risk] [--context-name NAME]
        [--moves P[:D0,D1,...]]

The graphs are cv-baseline's (models/generate_cv_baseline.py, fp32), extended:

encoder.onnx: agents [1,32,8] and every --input (default: ego float32 [1,8], route float32 [1,64,3], lights
    float32 [1,4,3]) -> latent [1,32,6] exactly as cv-baseline, and `context` float32 [1, C]: every extra
    input cast to float32, flattened and concatenated in the order given, so a test reads back exactly what
    the runtime packed (--context-name renames it). With --moves P, also `agent_moves` float32 (default
    [1,32]): P for every occupied agent slot and 0 for empty ones, a model that says every agent moves (P near
    1) or stands for good (P near 0) within the minute.
rollout.onnx: latent, actions -> agent_future exactly as cv-baseline (CTRV), and `risk` (default float32
    [64]) = clip(10 * mean over the horizon of candidate k's acceleration, 0, 1): the model calls every
    accelerating plan risky. A risk shape of 64 elements is a reshape; any other is the mean risk expanded.

The manifest declares what the graphs have (unsigned). Deliberately bad names, shapes and dtypes are the
point of the options: the runtime must refuse them.
"""

import argparse
import hashlib
import os
import sys

import numpy as np
from onnx import TensorProto, checker, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True   # no __pycache__ next to the committed models
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "..", "models"))
import generate_cv_baseline as gen  # noqa: E402

DTYPES = {"float32": TensorProto.FLOAT, "int32": TensorProto.INT32, "int64": TensorProto.INT64}
DEFAULT_INPUTS = ["ego:float32:1,8", "route:float32:1,64,3", "lights:float32:1,4,3"]
RISK_PER_MPS2 = 10.0


def parse_spec(text, with_name):
    parts = text.split(":")
    name = parts.pop(0) if with_name else "risk"
    dtype, dims = parts
    if dtype not in DTYPES:
        raise SystemExit("unknown dtype %s; known: %s" % (dtype, sorted(DTYPES)))
    return name, dtype, [int(d) for d in dims.split(",")]


def const(graph, name, array):
    graph.initializer.append(numpy_helper.from_array(array, name=name))
    return name


def node(graph, op, inputs, output, **attrs):
    graph.node.append(helper.make_node(op, inputs, [output], name=output + "_" + op, **attrs))
    return output


def encoder(inputs, context_name, moves):
    model = gen.build_encoder(False)
    g = model.graph
    moves_output = []
    if moves is not None:
        probability, dims = moves
        valid = node(g, "Slice", ["agents", const(g, "moves_from", np.array([7], dtype=np.int64)),
                                  const(g, "moves_to", np.array([8], dtype=np.int64)),
                                  const(g, "moves_axis", np.array([2], dtype=np.int64))], "moves_valid")
        scaled = node(g, "Mul", [valid, const(g, "moves_p", np.array(probability, dtype=np.float32))],
                      "moves_scaled")
        node(g, "Reshape", [scaled, const(g, "moves_shape", np.array(dims, dtype=np.int64))], "agent_moves")
        g.output.append(helper.make_tensor_value_info("agent_moves", TensorProto.FLOAT, dims))
        moves_output.append(("agent_moves", "float32", dims))
    flat_shape = const(g, "ctx_flat_shape", np.array([1, -1], dtype=np.int64))
    parts = []
    width = 0
    for name, dtype, dims in inputs:
        g.input.append(helper.make_tensor_value_info(name, DTYPES[dtype], dims))
        as_float = node(g, "Cast", [name], "ctx_" + name + "_f32", to=TensorProto.FLOAT)
        parts.append(node(g, "Reshape", [as_float, flat_shape], "ctx_" + name + "_flat"))
        width += int(np.prod(dims))
    if parts:
        node(g, "Concat", parts, context_name, axis=1)
        g.output.append(helper.make_tensor_value_info(context_name, TensorProto.FLOAT, [1, width]))
    checker.check_model(model, full_check=True)
    outputs = [("latent", "float32", [1, gen.N_AGENTS, gen.D_LATENT])]
    if parts:
        outputs.append((context_name, "float32", [1, width]))
    return model, outputs + moves_output


def rollout(risk):
    model = gen.build_rollout(False)
    g = model.graph
    outputs = [("agent_future", "float32", [gen.K_CANDIDATES, gen.H_STEPS, gen.N_AGENTS, 3])]
    if risk is None:
        return model, outputs
    _, dtype, dims = risk
    accel_index = const(g, "risk_accel_index", np.array([0], dtype=np.int64))
    accel = node(g, "Gather", ["actions", accel_index], "risk_accel", axis=2)               # [K,H,1]
    mean = node(g, "ReduceMean", [accel], "risk_mean_accel", axes=[1, 2], keepdims=0)      # [K]
    scaled = node(g, "Mul", [mean, const(g, "risk_per_mps2", np.array(RISK_PER_MPS2, dtype=np.float32))],
                  "risk_scaled")
    clipped = node(g, "Clip", [scaled, const(g, "risk_lo", np.array(0.0, dtype=np.float32)),
                               const(g, "risk_hi", np.array(1.0, dtype=np.float32))], "risk_k")
    if int(np.prod(dims)) == gen.K_CANDIDATES:
        shaped = node(g, "Reshape", [clipped, const(g, "risk_shape", np.array(dims, dtype=np.int64))],
                      "risk_shaped")
    else:
        mean_risk = node(g, "ReduceMean", [clipped], "risk_mean", keepdims=0)
        shaped = node(g, "Expand", [mean_risk, const(g, "risk_shape", np.array(dims, dtype=np.int64))],
                      "risk_shaped")
    node(g, "Cast", [shaped], "risk", to=DTYPES[dtype])
    g.output.append(helper.make_tensor_value_info("risk", DTYPES[dtype], dims))
    outputs.append(("risk", dtype, dims))
    checker.check_model(model, full_check=True)
    return model, outputs


def tensor_lines(specs):
    return ["      - {name: %s, dtype: %s, shape: %s}" % (n, d, gen.fmt_shape(s)) for n, d, s in specs]


def write(out, inputs, risk, context_name, moves):
    os.makedirs(out, exist_ok=True)
    enc, enc_outputs = encoder(inputs, context_name, moves)
    rol, rol_outputs = rollout(risk)
    digests = {}
    for name, model in (("encoder.onnx", enc), ("rollout.onnx", rol)):
        data = model.SerializeToString()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    latent = ("latent", "float32", [1, gen.N_AGENTS, gen.D_LATENT])
    lines = [
        "format: wmrt-model/1",
        "name: optional-tensors",
        "version: 0.0.1",
        "precision: fp32",
        "description: cv-baseline with the planner's optional tensors, for tests",
        "planner:",
        "  candidates: %d" % gen.K_CANDIDATES,
        "  horizon_steps: %d" % gen.H_STEPS,
        "  dt_s: %s" % gen.DT_S,
        "  max_agents: %d" % gen.N_AGENTS,
        "  agent_range_m: 200.0",
        "action_space:",
        "  names: %s" % gen.fmt_list(gen.ACTION_NAMES),
        "  lower: %s" % gen.fmt_list(gen.ACTION_LOWER),
        "  upper: %s" % gen.fmt_list(gen.ACTION_UPPER),
        "graphs:",
        "  encoder:",
        "    file: encoder.onnx",
        "    sha256: %s" % digests["encoder.onnx"],
        "    inputs:",
    ] + tensor_lines([("agents", "float32", [1, gen.N_AGENTS, gen.F_AGENT])] + inputs) + [
        "    outputs:",
    ] + tensor_lines(enc_outputs) + [
        "  rollout:",
        "    file: rollout.onnx",
        "    sha256: %s" % digests["rollout.onnx"],
        "    inputs:",
    ] + tensor_lines([latent, ("actions", "float32", [gen.K_CANDIDATES, gen.H_STEPS, gen.A_DIMS])]) + [
        "    outputs:",
    ] + tensor_lines(rol_outputs) + [
        "lineage:",
        "  generator: runtime/src/test/python/make_optional_tensor_package.py",
    ]
    with open(os.path.join(out, "manifest.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--input", action="append", help="NAME:DTYPE:DIMS, repeatable; replaces the defaults")
    parser.add_argument("--risk", default="float32:%d" % gen.K_CANDIDATES, help="DTYPE:DIMS")
    parser.add_argument("--no-risk", action="store_true")
    parser.add_argument("--context-name", default="context")
    parser.add_argument("--moves", help="P[:DIMS]: an agent_moves output, P for every occupied slot")
    args = parser.parse_args()
    inputs = [parse_spec(s, True) for s in (args.input if args.input else DEFAULT_INPUTS)]
    risk = None if args.no_risk else parse_spec(args.risk, False)
    moves = None
    if args.moves:
        p, _, dims = args.moves.partition(":")
        moves = (float(p), [int(d) for d in dims.split(",")] if dims else [1, gen.N_AGENTS])
    write(args.out, inputs, risk, args.context_name, moves)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
