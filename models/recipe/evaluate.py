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


# The planner's hand rule before the moves head (SceneSnapshot.queuedAhead, QUEUE_LOOKAHEAD_M, QUEUE_GAP_M): a
# standing vehicle is queued (will move) with a stop line (-1, 40) m beyond its front or another vehicle's
# rear (0, 12) m beyond it in the same lane. The runtime measured along the route; here the ego frame stands
# in: s ~ x + the ego's distance from the route's first point (~ -x of that point), lateral offset ~ y.
RULE_STOP_BEYOND_M = (-1.0, 40.0)
RULE_GAP_M = (0.0, 12.0)
RULE_SAME_LANE_M = 1.6
VULNERABLE_KINDS = (1, 2)       # pedestrian, cyclist
MOVES_THRESHOLD = 0.5


def queued_rule(data):
    """[S,32] 1.0 where the old hand rule calls the agent queued (predicts that it moves), else 0.0."""
    agents = data["agents"].astype(np.float64)
    x, y, half = agents[:, :, 0], agents[:, :, 1], 0.5 * agents[:, :, 5]
    valid = agents[:, :, 7] > 0
    front = x + half                                                            # [S,N]
    ego_s = -data["route"][:, 0, 0].astype(np.float64) * data["route"][:, 0, 2]  # 0 without a route
    stop_x = data["lights"][:, :, 0] - ego_s[:, None]                           # [S,L]
    beyond = stop_x[:, None, :] - front[:, :, None]
    light = ((beyond > RULE_STOP_BEYOND_M[0]) & (beyond < RULE_STOP_BEYOND_M[1])
             & (data["lights"][:, None, :, 2] > 0)).any(axis=2)
    gap = (x - half)[:, None, :] - front[:, :, None]                            # [S,i,j]: j's rear beyond i
    vehicle = valid & ~np.isin(data["kind"], VULNERABLE_KINDS)
    same_lane = np.abs(y[:, None, :] - y[:, :, None]) < RULE_SAME_LANE_M
    leader = ((gap > RULE_GAP_M[0]) & (gap < RULE_GAP_M[1]) & same_lane & vehicle[:, None, :]).any(axis=2)
    return ((light | leader) & valid).astype(np.float32)


def moves_metrics(moves, data):
    """The moves head's AUROC and accuracy at 0.5 on the labelled standing vehicles, and the hand rule's; also
    for those in the ego's lane (|y| under half the lane width), the only ones the planner asks about."""
    valid = data["moves_valid"] > 0
    labels = data["moves"] > 0.5
    rule = queued_rule(data)
    in_lane = np.abs(data["agents"][:, :, 1]) < 0.5 * data["ego"][:, 6, None]
    out = {}
    for suffix, where in (("", valid), ("_lane", valid & in_lane)):
        out["count" + suffix] = int(where.sum())
        out["positives" + suffix] = int(labels[where].sum())
        out["auroc" + suffix] = auroc(moves[where], labels[where]) if where.any() else None
        out["accuracy" + suffix] = float(((moves[where] >= MOVES_THRESHOLD) == labels[where]).mean()) \
            if where.any() else None
        out["rule_accuracy" + suffix] = float(((rule[where] > 0) == labels[where]).mean()) if where.any() else None
    return out


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
