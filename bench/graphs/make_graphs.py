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


def student(candidates):
    params = wm.init_params(wm.STUDENT, wm.INPUTS_FULL, np.random.default_rng(SEED))
    # Untrained, the last layer is zero; give it weights so no kernel sees a constant it could skip.
    params["roll.out.w"][...] = np.random.default_rng(SEED + 1).uniform(-0.1, 0.1, params["roll.out.w"].shape)
    roll = graph.OnnxEmitter(params, None)
    lat = roll.input("latent", [1, wm.N_AGENTS, wm.latent_dims(wm.STUDENT)])
    act = roll.input("actions", [candidates, wm.H_STEPS, wm.A_DIMS])
    future, risk, _ = wm.rollout(roll, wm.STUDENT, lat, act)
    future = roll.rename(future, "agent_future")
    risk = roll.rename(risk, "risk")
    m = roll.model("wm_rollout", [future, risk], "student-size rollout, %d candidate(s), untrained, for bench/"
                   % candidates, "wmrt bench/graphs/make_graphs.py", "1")
    onnx.checker.check_model(m, full_check=True)
    return m.SerializeToString()


def main(argv):
    graphs = {"near-empty.onnx": near_empty(), "student-k64.onnx": student(wm.K_CANDIDATES),
              "student-k1.onnx": student(1)}
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
