"""What the model card reports: prediction errors on held-out runs, the risk head's AUROC, and the cost of a
tick (MACs from the exported graphs, a roofline estimate per SoC)."""

import numpy as np

import model as wm

KIND_NAMES = {0: "vehicles", 1: "pedestrians", 2: "cyclists", 3: "static"}

# The SoCs of hardware-profiles/: TOPS from press reports, +-30% (the profiles say so).
# (name, dense int8 TOPS, memory bandwidth GB/s estimate): hardware-profiles/sa8650p.yaml, sa8797p.yaml.
SOCS = [("SA8650P", 100.0, 68.0), ("SA8797P", 320.0, 135.0)]
UTILISATION = 0.30
TICK_HZ = 20.0
REQUIRED_MARGIN = 4.0


def displacement(future, data):
    """ADE over 0.2 s .. the recorded horizon and FDE at its end (m), overall and per agent kind."""
    t = data["target"].shape[1]
    err = np.hypot(future[:, :t, :, 0] - data["target"][..., 0], future[:, :t, :, 1] - data["target"][..., 1])
    valid = data["target_valid"]
    kind = np.broadcast_to(data["kind"][:, None, :], valid.shape)
    out = {"ade": float(err[valid].mean()), "fde": float(err[:, -1][valid[:, -1]].mean()),
           "pairs": int(valid[:, -1].sum()), "horizon_s": t * wm.DT_S}
    for code, name in KIND_NAMES.items():
        v = valid & (kind == code)
        if v[:, -1].any():
            out["ade_" + name] = float(err[v].mean())
            out["fde_" + name] = float(err[:, -1][v[:, -1]].mean())
    return out


def auroc(scores, labels):
    """Area under the ROC curve (Mann-Whitney U, ties counted half); None with a single class."""
    labels = labels.astype(bool)
    pos, neg = int(labels.sum()), int((~labels).sum())
    if pos == 0 or neg == 0:
        return None
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float64)
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i:j + 1]] = 0.5 * (i + j) + 1
        i = j + 1
    return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


DATA_MOVEMENT = frozenset(["Reshape", "Slice", "Unsqueeze", "Squeeze", "Concat", "Transpose"])


def graph_cost(onnx_model, shapes):
    """For one run of a graph: MACs of its MatMuls, and one op per output element of every other computing
    node (data movement and the weights' DequantizeLinear, folded at load, are free)."""
    weights = {i.name for i in onnx_model.graph.initializer}
    macs = 0
    elementwise = 0
    for node in onnx_model.graph.node:
        out = int(np.prod(shapes[node.output[0]]))
        if node.op_type in ("MatMul", "Gemm"):
            macs += out * shapes[node.input[0]][-1]
            if node.op_type == "Gemm":
                elementwise += out                      # its C
        elif node.op_type in DATA_MOVEMENT:
            continue
        elif node.op_type == "DequantizeLinear" and node.input[0] in weights:
            continue
        else:
            elementwise += out
    return {"macs": macs, "elementwise": elementwise, "ops": 2 * macs + elementwise,
            "nodes": len(onnx_model.graph.node)}


def roofline(ops_per_tick, bytes_per_tick):
    """Per SoC: estimated ms per tick = max(ops / (TOPS x utilisation), bytes / bandwidth), and the margin
    against the 20 Hz tick."""
    rows = []
    for soc, tops, bandwidth_gbps in SOCS:
        compute_ms = ops_per_tick / (tops * 1e12 * UTILISATION) * 1e3
        memory_ms = bytes_per_tick / (bandwidth_gbps * 1e9) * 1e3
        ms = max(compute_ms, memory_ms)
        rows.append({"soc": soc, "tops": tops, "compute_ms": compute_ms, "memory_ms": memory_ms, "ms": ms,
                     "margin": (1e3 / TICK_HZ) / ms if ms > 0 else float("inf")})
    return rows
