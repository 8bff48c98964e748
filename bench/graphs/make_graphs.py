#!/usr/bin/env python3
"""The ONNX graphs bench/ measures overhead and batching on (InferenceOverheadBenchmark), written next to this
script. Deterministic: the same bytes on every run, so `--check` can tell the committed files are current.

  near-empty.onnx       the planner's rollout tensors with almost no work between them: latent [1,32,27] and
                        actions [64,30,2] in, each added to itself out (latent_out, actions_out). One call of it
                        is what a runtime path costs per call, with the model's kernels taken away.
  student-k64.onnx      the learned student's rollout (models/recipe, student size, fp32) for all 64 candidates in
  student-k1.onnx       one call, and the same graph for one candidate: K calls of it are the per-candidate way.
                        Both from the same seeded, untrained parameters: a dense graph costs the same whatever
                        its weights, and the committed packages' weights are not needed to compare the two.
  student-wide-k64.onnx the same two for the committed student's architecture (models/recipe STUDENT, the wide
  student-wide-k1.onnx  rollout: three 256-wide layers over all candidate-agent rows), fp32, seeded, untrained.
  layers-W-fp32.onnx    four dense layers (Gemm + Relu) of width W on the rollout's 2,048 agent x candidate rows,
  layers-W-int8.onnx    float32, and the same layers as the recipe quantizes them (per-tensor activations,
                        per-column int8 weights, int32 biases: the QDQ pattern ONNX Runtime's CPU provider fuses
                        into QGemm), for W in LAYER_WIDTHS: where integer kernels start to pay on this CPU
                        (QuantizedLayersBenchmark). Input x [2048, W], output y [2048, W].

  /usr/bin/python3 bench/graphs/make_graphs.py            # write the graphs
  /usr/bin/python3 bench/graphs/make_graphs.py --check    # exit 1 if a committed graph differs
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models", "recipe"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "models"))
import graph  # noqa: E402
import model as wm  # noqa: E402

SEED = 20261203
LAYER_ROWS = wm.N_AGENTS * wm.K_CANDIDATES
LAYER_WIDTHS = (24, 32, 64, 96, 128, 256)
LAYER_COUNT = 4


def near_empty():
    d = wm.latent_dims(wm.STUDENT)
    latent = helper.make_tensor_value_info("latent", TensorProto.FLOAT, [1, wm.N_AGENTS, d])
    actions = helper.make_tensor_value_info("actions", TensorProto.FLOAT, [wm.K_CANDIDATES, wm.H_STEPS, wm.A_DIMS])
    latent_out = helper.make_tensor_value_info("latent_out", TensorProto.FLOAT, [1, wm.N_AGENTS, d])
    actions_out = helper.make_tensor_value_info(
        "actions_out", TensorProto.FLOAT, [wm.K_CANDIDATES, wm.H_STEPS, wm.A_DIMS])
    nodes = [helper.make_node("Add", ["latent", "latent"], ["latent_out"], name="latent_twice"),
             helper.make_node("Add", ["actions", "actions"], ["actions_out"], name="actions_twice")]
    g = helper.make_graph(nodes, "near_empty", [latent, actions], [latent_out, actions_out])
    m = helper.make_model(g, producer_name="wmrt bench/graphs/make_graphs.py",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


# The rollout the batching figures were first measured on: the stepwise student of 4 December 2026 (30 steps
# unrolled, hidden width 24). Kept fixed so the gate's batched / per-candidate ratio keeps its baseline; the
# committed student is wide now (models/recipe/model.py) and is measured beside it (student-wide-*).
STEPWISE_STUDENT = wm.Size("student", embed=32, learned=16, hidden=24, rollout=wm.STEPWISE)


def student(candidates, size=STEPWISE_STUDENT):
    params = wm.init_params(size, wm.INPUTS_FULL, np.random.default_rng(SEED))
    # Untrained, the last layer is zero; give it weights so no kernel sees a constant it could skip.
    params["roll.out.w"][...] = np.random.default_rng(SEED + 1).uniform(-0.1, 0.1, params["roll.out.w"].shape)
    roll = graph.OnnxEmitter(params, None)
    lat = roll.input("latent", [1, wm.N_AGENTS, wm.latent_dims(size)])
    act = roll.input("actions", [candidates, wm.H_STEPS, wm.A_DIMS])
    future, risk, _ = wm.rollout(roll, size, lat, act)
    future = roll.rename(future, "agent_future")
    risk = roll.rename(risk, "risk")
    m = roll.model("wm_rollout", [future, risk], "student-size rollout, %d candidate(s), untrained, for bench/"
                   % candidates, "wmrt bench/graphs/make_graphs.py", "1")
    onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


def layer_input(width):
    """What QuantizedLayersBenchmark feeds: cos(0.11 i) over the row-major [rows, width] input."""
    return np.cos(0.11 * np.arange(LAYER_ROWS * width)).astype(np.float32).reshape(LAYER_ROWS, width)


def layers(width, int8):
    rng = np.random.default_rng(SEED + width)
    nodes, inits = [], []

    def init(name, array):
        inits.append(onnx.numpy_helper.from_array(np.asarray(array), name))
        return name

    x, value = "x", layer_input(width)
    for i in range(LAYER_COUNT):
        w = rng.uniform(-1, 1, (width, width)).astype(np.float32) * np.float32(np.sqrt(3.0 / width))
        b = rng.uniform(-0.1, 0.1, width).astype(np.float32)
        out = "y" if i == LAYER_COUNT - 1 else "h%d" % i
        if int8:
            # Calibrated on the float layer's own input, as the recipe calibrates its sites.
            a_scale, a_zero = graph.activation_qparams(np.abs(value).max(), i > 0)
            q, w_scale = graph.weight_qparams(w, 1)
            b_scale = (a_scale * w_scale).astype(np.float32)
            nodes += [helper.make_node("QuantizeLinear", [x, init("a%d_scale" % i, a_scale), init("a%d_zero" % i, a_zero)],
                                       ["a%d_q" % i]),
                      helper.make_node("DequantizeLinear", ["a%d_q" % i, "a%d_scale" % i, "a%d_zero" % i], ["a%d" % i]),
                      helper.make_node("DequantizeLinear", [init("w%d_int8" % i, q), init("w%d_scale" % i, w_scale),
                                                            init("w%d_zero" % i, np.zeros(width, np.int8))],
                                       ["w%d" % i], axis=1),
                      helper.make_node("DequantizeLinear", [init("b%d_int32" % i, np.rint(b / b_scale).astype(np.int32)),
                                                            init("b%d_scale" % i, b_scale),
                                                            init("b%d_zero" % i, np.zeros(width, np.int32))],
                                       ["b%d" % i], axis=0),
                      helper.make_node("Gemm", ["a%d" % i, "w%d" % i, "b%d" % i], ["g%d" % i])]
        else:
            nodes.append(helper.make_node("Gemm", [x, init("w%d" % i, w), init("b%d" % i, b)], ["g%d" % i]))
        nodes.append(helper.make_node("Relu", ["g%d" % i], [out]))
        value = np.maximum(value @ w + b, 0)
        x = out
    shape = [LAYER_ROWS, width]
    g = helper.make_graph(nodes, "layers_%d_%s" % (width, "int8" if int8 else "fp32"),
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, shape)],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, shape)], initializer=inits)
    m = helper.make_model(g, producer_name="wmrt bench/graphs/make_graphs.py",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


def main(argv):
    graphs = {"near-empty.onnx": near_empty(), "student-k64.onnx": student(wm.K_CANDIDATES),
              "student-k1.onnx": student(1), "student-wide-k64.onnx": student(wm.K_CANDIDATES, wm.STUDENT),
              "student-wide-k1.onnx": student(1, wm.STUDENT)}
    for width in LAYER_WIDTHS:
        graphs["layers-%d-fp32.onnx" % width] = layers(width, False)
        graphs["layers-%d-int8.onnx" % width] = layers(width, True)
    stale = []
    for name, data in graphs.items():
        path = os.path.join(HERE, name)
        if "--check" in argv:
            if not os.path.isfile(path):
                stale.append(name + " (missing)")
                continue
            with open(path, "rb") as f:
                if f.read() != data:
                    stale.append(name)
        else:
            with open(path, "wb") as f:
                f.write(data)
            print("wrote %s (%d bytes)" % (path, len(data)))
    if stale:
        print("make_graphs: out of date: %s (run bench/graphs/make_graphs.py)" % ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
