#!/usr/bin/python3
"""Checks for the world-model recipe, on synthetic runs (no rig, no trained model needed; a few seconds).

Run:  /usr/bin/python3 models/recipe/test_recipe.py
Exits non-zero if any check fails; the last line is "N passed, M failed".

The runtime's side of the contract is ported here line by line from the Java (SceneSnapshot.load and
packAgents, CandidateGenerator.step) so that the recipe's vectorised versions are checked against an
independent reading of the same code.
"""

import contextlib
import io
import json
import math
import os
import sys
import tempfile
import traceback

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnx.numpy_helper  # noqa: E402
import torch  # noqa: E402

import dataset  # noqa: E402
import export  # noqa: E402
import graph  # noqa: E402
import model as wm  # noqa: E402
import recipe  # noqa: E402
import train  # noqa: E402

_checks = []


def check(fn):
    _checks.append(fn)
    return fn


# --------------------------------------------------------------------------
# A synthetic run in the rig's format (hil/DATASET.md)
# --------------------------------------------------------------------------
def recorded_futures(ego, agents, valid, horizon):
    """The rig's futures of a run (hil/DATASET.md): the ego at t+1 .. t+horizon, and each occupied slot's agent
    wherever the same id is in the frame then."""
    steps = len(ego)
    future = np.zeros((steps, 32, horizon, 4), np.float32)
    fvalid = np.zeros((steps, 32, horizon), np.uint8)
    efuture = np.zeros((steps, horizon, 4), np.float32)
    evalid = np.zeros((steps, horizon), np.uint8)
    for t in range(steps):
        for k in range(1, horizon + 1):
            if t + k < steps:
                efuture[t, k - 1] = ego[t + k, 1:5]
                evalid[t, k - 1] = 1
                later = {agents[t + k, j, 0]: j for j in range(int(valid[t + k].sum()))}
                for i in range(int(valid[t].sum())):
                    if agents[t, i, 0] in later:
                        future[t, i, k - 1] = agents[t + k, later[agents[t, i, 0]], [2, 3, 4, 5]]
                        fvalid[t, i, k - 1] = 1
    return {"agent_future": future, "agent_future_valid": fvalid, "ego_future": efuture, "ego_future_valid": evalid}


def synthetic_run(seed, steps=120, horizon=30):
    """An ego driving a gentle curve with the rig's 0.1 s update, and agents around it, some far away."""
    rng = np.random.default_rng(seed)
    dt = 0.1
    ego = np.zeros((steps, 13), np.float32)
    actions = np.zeros((steps, 4), np.float32)
    x, y, h, v = 100.0, -50.0, 3.0, 6.0
    for t in range(steps):
        ego[t] = [t * dt, x, y, h, v, 0, 0, 4.6, 1.8, 11.1, 3.5, 5.0, 2.0]
        a = float(rng.uniform(-2.5, 1.5))
        w = float(0.15 * math.sin(t / 15.0))
        v_next = max(0.0, v + a * dt)
        a = (v_next - v) / dt
        actions[t] = [a, w, v_next, 0]
        h_mid = h + 0.5 * w * dt
        x += 0.5 * (v + v_next) * math.cos(h_mid) * dt
        y += 0.5 * (v + v_next) * math.sin(h_mid) * dt
        h = math.atan2(math.sin(h + w * dt), math.cos(h + w * dt))
        v = v_next
    n = 12
    agents = np.zeros((steps, 32, 9), np.float32)
    valid = np.zeros((steps, 32), np.uint8)
    start = rng.uniform(-60, 60, size=(n, 2)) + [100, -50]
    start[0] = [100 + 95, -50]                       # beyond an 80 m range in x at the start
    heading = rng.uniform(-math.pi, math.pi, size=n)
    heading[1] = math.pi - 1e-3                      # wrap-around cases
    heading[2] = -math.pi + 1e-3
    speed = rng.uniform(0, 9, size=n)
    for t in range(steps):
        for i in range(n):
            px = start[i, 0] + speed[i] * math.cos(heading[i]) * t * dt
            py = start[i, 1] + speed[i] * math.sin(heading[i]) * t * dt
            size = (4.6, 1.8) if i % 2 == 0 else (0.5, 0.5)
            agents[t, i] = [i + 1, i % 2, px, py, heading[i], speed[i], 0, size[0], size[1]]
            valid[t, i] = 1
    route = np.zeros((steps, 64, 2), np.float32)
    route[:, :, 0] = ego[:, None, 1] + np.arange(64)[None, :] * 2.0
    route[:, :, 1] = ego[:, None, 2]
    lights = np.zeros((steps, 4, 2), np.float32)
    lights[:, 0] = [40.0, 3]
    return {
        "timestamp_ns": (np.arange(steps) * 100_000_000).astype(np.int64), "ego": ego, "agents": agents,
        "agent_valid": valid, "route": route, "route_count": np.full(steps, 40, np.int32), "lights": lights,
        "light_count": np.full(steps, 1, np.int32), "actions": actions,
        **recorded_futures(ego, agents, valid, horizon),
    }


def synthetic_samples(seed):
    """A synthetic run's samples, as the recipe builds them."""
    arrays = synthetic_run(seed)
    return dataset.build_samples({"steps": len(arrays["ego"]), "horizon_steps": 30}, arrays, 80.0)


def write_run(record_dir, name, seed, arrays):
    path = os.path.join(record_dir, name)
    os.makedirs(path)
    meta = {"format_version": 1, "scenario": name, "seed": seed, "step_s": 0.1, "horizon_steps": 30,
            "steps": len(arrays["ego"]), "max_agents": 32, "max_route_points": 64, "max_lights": 4,
            "files": {k + ".npy": {} for k in arrays}}
    with open(os.path.join(path, "meta.json"), "w") as f:
        json.dump(meta, f)
    for k, v in arrays.items():
        np.save(os.path.join(path, k + ".npy"), v)
    return path


# --------------------------------------------------------------------------
# The runtime, ported from the Java
# --------------------------------------------------------------------------
def java_wrap(a):
    while a > math.pi:
        a -= 2 * math.pi
    while a < -math.pi:
        a += 2 * math.pi
    return a


def scene_snapshot_pack(arrays, t, agent_range):
    """SceneSnapshot.load (agents) + packAgents for step t, in double like the Java, then float."""
    e = arrays["ego"][t]
    ex, ey, eh = float(e[1]), float(e[2]), float(e[3])
    c, s = math.cos(eh), math.sin(eh)
    out = np.zeros((32, 8), np.float32)
    count = 0
    for j in range(int(arrays["agent_valid"][t].sum())):
        a = arrays["agents"][t, j]
        dx, dy = float(a[2]) - ex, float(a[3]) - ey
        lx, ly = c * dx + s * dy, -s * dx + c * dy
        if lx * lx + ly * ly > agent_range * agent_range:
            continue
        out[count] = [lx, ly, java_wrap(float(a[4]) - eh), a[5], a[6], a[7], a[8], 1.0]
        count += 1
    return out


def bicycle(v0, accel, steer, dt=0.2, wheelbase=2.7):
    """CandidateGenerator.start + step over a candidate: the poses after each step."""
    px = py = ph = 0.0
    pv = v0
    poses = []
    for a, d in zip(accel, steer):
        v_next = max(0.0, pv + a * dt)
        v_mean = 0.5 * (pv + v_next)
        h_next = ph + v_mean * math.tan(d) / wheelbase * dt
        h_mid = 0.5 * (ph + h_next)
        px += v_mean * math.cos(h_mid) * dt
        py += v_mean * math.sin(h_mid) * dt
        ph, pv = h_next, v_next
        poses.append((px, py, ph))
    return np.array(poses)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------
@check
def shouldPackAgentsExactlyAsSceneSnapshotDoes():
    arrays = synthetic_run(1)
    meta = {"steps": len(arrays["ego"]), "horizon_steps": 30}
    samples = dataset.build_samples(meta, arrays, 80.0)
    for t in range(0, meta["steps"], 7):
        want = scene_snapshot_pack(arrays, t, 80.0)
        assert np.array_equal(samples["agents"][t], want), "step %d differs:\n%s\n%s" % (t, samples["agents"][t], want)
    assert samples["agents"][0, :, 7].sum() == 11, "the agent 95 m ahead must be left out"


def scene_snapshot_route(arrays, t):
    """SceneSnapshot.load (route) through RouteFrame.add, then packRoute."""
    e = arrays["ego"][t]
    ex, ey, eh = float(e[1]), float(e[2]), float(e[3])
    c, s = math.cos(eh), math.sin(eh)
    kept = []
    for i in range(min(int(arrays["route_count"][t]), 64)):
        dx, dy = float(arrays["route"][t, i, 0]) - ex, float(arrays["route"][t, i, 1]) - ey
        px, py = c * dx + s * dy, -s * dx + c * dy
        if kept and math.sqrt((px - kept[-1][0]) ** 2 + (py - kept[-1][1]) ** 2) < 0.01:
            continue
        kept.append((px, py))
    out = np.zeros((64, 3), np.float32)
    if len(kept) >= 2:
        for i, (px, py) in enumerate(kept):
            out[i] = [px, py, 1.0]
    return out


@check
def shouldPackTheRouteExactlyAsSceneSnapshotDoes():
    arrays = synthetic_run(8, steps=20)
    arrays["route"][5, 3] = arrays["route"][5, 2] + [0.004, 0.0]      # a near-duplicate point: skipped
    arrays["route_count"][6] = 1                                      # no usable route: all zeros
    meta = {"steps": 20, "horizon_steps": 30}
    samples = dataset.build_samples(meta, arrays, 80.0)
    for t in (4, 5, 6):
        want = scene_snapshot_route(arrays, t)
        assert np.array_equal(samples["route"][t], want), "step %d differs" % t
    assert samples["route"][5, :, 2].sum() == 39 and samples["route"][6].sum() == 0


@check
def shouldTurnExecutedActionsIntoTheRecordedPathUnderThePlannersBicycle():
    arrays = synthetic_run(2)
    meta = {"steps": len(arrays["ego"]), "horizon_steps": 30}
    samples = dataset.build_samples(meta, arrays, 80.0)
    t = 10
    e = arrays["ego"]
    poses = bicycle(float(e[t, 4]), samples["actions"][t, :, 0], samples["actions"][t, :, 1])
    c, s = math.cos(e[t, 3]), math.sin(e[t, 3])
    for m in range(1, 30):
        k = t + 2 * m
        if k >= meta["steps"]:
            break
        dx, dy = e[k, 1] - e[t, 1], e[k, 2] - e[t, 2]
        err = math.hypot(c * dx + s * dy - poses[m - 1, 0], -s * dx + c * dy - poses[m - 1, 1])
        assert err < 0.05, "step %d: the bicycle is %.3f m off the recorded ego" % (m, err)


@check
def shouldExpressTargetsInTheEgoFrameOfTheSample():
    arrays = synthetic_run(3)
    meta = {"steps": len(arrays["ego"]), "horizon_steps": 30}
    samples = dataset.build_samples(meta, arrays, 80.0)
    t = 20
    packed = samples["agents"][t]
    for i in range(int(packed[:, 7].sum())):
        x, y, h, v = packed[i, :4]
        for m in (1, 15):
            want = (x + v * 0.2 * m * math.cos(h), y + v * 0.2 * m * math.sin(h), h)
            got = samples["target"][t, m - 1, i]
            assert samples["target_valid"][t, m - 1, i]
            assert np.allclose(got, want, atol=2e-3), (i, m, got, want)


@check
def shouldLabelRiskWhenFootprintsComeWithinHalfAMetre():
    ego = (0.0, 0.0, 0.0, 2.3 + 0.5, 0.9 + 0.5)
    near = dataset._corners_overlap(*ego, 0.0, 0.9 + 0.4 + 0.9, 0.0, 2.3, 0.9)
    far = dataset._corners_overlap(*ego, 0.0, 0.9 + 0.6 + 0.9, 0.0, 2.3, 0.9)
    assert bool(near) and not bool(far)


@check
def shouldLeaveStandingVehiclesOutOfTheRiskLabelButNotPeople():
    """An agent beside the ego's path, 0.3 m from its footprint the whole run: no risk while it is a standing car,
    risk when the same car moves, and risk for a standing walker there."""
    meta = {"steps": 60, "horizon_steps": 30}
    a = synthetic_run(5, steps=60)

    def beside(kind, length, width, speed):
        """Agent 1 alone, abreast of the ego on its left with a 0.3 m gap between the footprints."""
        a["agents"][:] = 0
        a["agent_valid"][:] = 0
        offset = 0.9 + 0.3 + 0.5 * width
        for t in range(60):
            ex, ey, eh = (float(v) for v in a["ego"][t, 1:4])
            a["agents"][t, 0] = [1, kind, ex - math.sin(eh) * offset, ey + math.cos(eh) * offset, eh, speed, 0,
                                 length, width]
            a["agent_valid"][t, 0] = 1
        a.update(recorded_futures(a["ego"], a["agents"], a["agent_valid"], 30))
        return dataset.build_samples(meta, a, 80.0)["risk"]

    assert beside(0, 4.6, 1.8, 0.0).max() == 0, "a standing car the ego passes closely is not a risk"
    assert beside(0, 4.6, 1.8, 3.0)[:20].min() == 1, "the same car moving is"
    assert beside(1, 0.5, 0.5, 0.0)[:20].min() == 1, "a walker standing there is"


def standing_run():
    """700 steps: the ego drives along +x at 5 m/s for 10 s, then stands. Agent 1 (vehicle) stands 60 m ahead
    and drives off at 10 s; 2 (vehicle) stands 30 m ahead, 3 m left, the ego gets past it at step 70 and it
    leaves the view at step 150;
    3 (vehicle) stands 60 m ahead, 3 m right, and leaves the view at step 20; 4 (pedestrian) stands; 5
    (static) stands 70 m ahead, 10 m right, the whole run. From step 50 on, agents 4 and 1 swap slots."""
    steps, horizon = 700, 30
    ego = np.zeros((steps, 13), np.float32)
    x = np.minimum(np.arange(steps), 100) * 0.5
    ego[:, 0] = np.arange(steps) * 0.1
    ego[:, 1] = x
    ego[:, 4] = np.where(np.arange(steps) < 100, 5.0, 0.0)
    ego[:, 7:11] = [4.6, 1.8, 11.1, 3.5]
    agents = np.zeros((steps, 32, 9), np.float32)
    valid = np.zeros((steps, 32), np.uint8)
    for t in range(steps):
        a1 = [1, 0, 60 + 5.0 * max(0, t - 100) * 0.1, 0, 0, 5.0 if t >= 100 else 0.0, 0, 4.6, 1.8]
        a2 = [2, 0, 30, 3, 0, 0, 0, 4.6, 1.8]
        a3 = [3, 0, 60, -3, 0, 0, 0, 4.6, 1.8]
        a4 = [4, 1, 20, 5, 0, 0, 0, 0.5, 0.5]
        a5 = [5, 3, 70, -10, 0, 0, 0, 2.0, 2.0]
        row = ([a1, a2] + ([a3] if t < 20 else []) + [a4, a5]) if t < 50 else \
            [a4] + ([a2] if t < 150 else []) + [a1, a5]
        agents[t, :len(row)] = row
        valid[t, :len(row)] = 1
    route = np.zeros((steps, 64, 2), np.float32)
    route[:, :, 0] = ego[:, None, 1] + np.arange(64)[None, :] * 2.0
    return {
        "timestamp_ns": (np.arange(steps) * 100_000_000).astype(np.int64), "ego": ego, "agents": agents,
        "agent_valid": valid, "route": route, "route_count": np.full(steps, 40, np.int32),
        "lights": np.zeros((steps, 4, 2), np.float32), "light_count": np.zeros(steps, np.int32),
        "actions": np.zeros((steps, 4), np.float32), **recorded_futures(ego, agents, valid, horizon),
    }


@check
def shouldLabelWhetherAStandingVehicleMovesWithinTheHorizon():
    arrays = standing_run()
    samples = dataset.build_samples({"steps": 700, "horizon_steps": 30}, arrays, 80.0)
    moves, known = samples["moves"], samples["moves_valid"]
    # packed slots: steps < 20: agents 1, 2, 3, 4, 5; 20-49: 1, 2, 4, 5; from 50: 4, 2, 1, 5
    assert list(known[10, :6]) == [1, 1, 0, 0, 1, 0], known[10, :6]
    assert list(moves[10, :6]) == [1, 0, 0, 0, 0, 0], moves[10, :6]
    # From step 50 the agents sit in other slots: the labels follow the ids.
    assert list(known[60, :5]) == [0, 1, 1, 1, 0] and list(moves[60, :5]) == [0, 0, 1, 0, 0]
    # Once the ego is past agent 2 (step 70), nothing tells any more: a pass before t does not count, and it
    # leaves the view standing. Agent 5 is seen standing a horizon later up to step 699 - horizon.
    h = dataset.MOVE_HORIZON_STEPS
    assert list(known[69, :4]) == [0, 1, 1, 1] and list(known[70, :4]) == [0, 0, 1, 1]
    assert list(known[99, :4]) == [0, 0, 1, 1] and list(moves[99, :4]) == [0, 0, 1, 0]
    assert list(known[100, :3]) == [0, 0, 0], known[100, :4]                    # agent 1 moves
    # by then agent 1 has driven out of range: agent 5 is packed second
    assert known[699 - h, 1] == 1 and known[700 - h, 1] == 0 and moves[699 - h, 1] == 0
    assert moves[known == 0].sum() == 0
    assert samples["moves"].shape == (700, 32) and samples["moves"].dtype == np.float32


@check
def shouldExportGraphsThatComputeWhatTorchComputes():
    arrays = synthetic_run(4)
    meta = {"steps": len(arrays["ego"]), "horizon_steps": 30}
    data = dataset.build_samples(meta, arrays, 80.0)
    net = train.WorldModel(wm.STUDENT, wm.INPUTS_FULL, 5)
    with torch.no_grad():
        net.params()["roll.out.w"].uniform_(-0.3, 0.3)     # a non-zero learned change
    index = np.arange(0, 40, 4)
    quant = train.calibrate(net, data, index, np.random.default_rng(0))
    for q in (None, quant):
        g = export.Graphs(net.numpy_params(), wm.STUDENT, wm.INPUTS_FULL, q, "test")
        for m in (g.encoder, g.rollout):
            assert {n.op_type for n in m.graph.node} <= graph.OP_SET
        sample = {k: v[10] for k, v in data.items()}
        actions = np.repeat(sample["actions"][None], wm.K_CANDIDATES, 0)
        actions[1:, :, 0] += np.linspace(-1, 1, wm.K_CANDIDATES - 1)[:, None].astype(np.float32)
        _, moves, future, risk = export.run_graphs(g, sample, actions)
        want_future, want_risk, want_moves = export.run_torch(net, sample, actions, q)
        assert future.shape == (64, 30, 32, 3) and risk.shape == (64,) and moves.shape == (1, 32)
        # int8: a value on a rounding tie may land one grid step apart in torch and in numpy, and 30 steps
        # integrate it (one run in several measured 0.055 m).
        assert np.abs(future - want_future).max() < (0.1 if q else 1e-3), np.abs(future - want_future).max()
        assert np.abs(risk - want_risk).max() < 0.02
        assert np.abs(moves - want_moves).max() < (0.02 if q else 1e-4), np.abs(moves - want_moves).max()
        outputs = [(o.name, [d.dim_value for d in o.type.tensor_type.shape.dim]) for o in g.encoder.graph.output]
        assert outputs == [("latent", [1, 32, wm.latent_dims(wm.STUDENT)]), ("agent_moves", [1, 32])], outputs
        occupied = int(sample["agents"][:, 7].sum())
        assert 0 < occupied < 32 and (moves[0, occupied:] == 0).all() and (moves[0, :occupied] > 0).all()


@check
def shouldDecodeConstantVelocityFromAnUntrainedWideRollout():
    # The wide rollout's last layer starts at zero: every agent keeps its speed and yaw rate, integrated in
    # closed form here (the stepwise rollout's update), and empty slots stay at the origin.
    data = synthetic_samples(8)
    net = train.WorldModel(wm.STUDENT, wm.INPUTS_FULL, 3)
    assert wm.STUDENT.rollout == wm.WIDE
    sample = {k: v[20] for k, v in data.items()}
    actions = np.repeat(sample["actions"][None], wm.K_CANDIDATES, 0)
    future, _, _ = export.run_torch(net, sample, actions, None)
    agents = sample["agents"]
    x, y, psi = agents[:, 0].astype(np.float64), agents[:, 1].astype(np.float64), agents[:, 2].astype(np.float64)
    speed, yaw, valid = agents[:, 3], agents[:, 4], agents[:, 7] > 0
    for h in range(wm.H_STEPS):
        mid = psi + 0.5 * yaw * wm.DT_S
        x, y, psi = x + speed * wm.DT_S * np.cos(mid), y + speed * wm.DT_S * np.sin(mid), psi + yaw * wm.DT_S
        want = np.stack([x, y, psi], 1)
        assert np.abs(future[:, h][:, valid] - want[valid]).max() < 1e-3, (h, np.abs(future[:, h][:, valid] - want[valid]).max())
    assert (future[:, :, ~valid] == 0).all()


@check
def shouldWriteTheWideRolloutsLayersInTheFormOnnxRuntimeFusesIntoQGemm():
    # Every learned layer of the int8 rollout: Gemm(DQ(Q(x)) per tensor, DQ(int8 W [in, out]) per column
    # (axis 1), DQ(int32 bias) per column with scale = activation scale x weight scale), no transposes.
    data = synthetic_samples(4)
    net = train.WorldModel(wm.STUDENT, wm.INPUTS_FULL, 5)
    quant = train.calibrate(net, data, np.arange(0, 40, 4), np.random.default_rng(0))
    g = export.Graphs(net.numpy_params(), wm.STUDENT, wm.INPUTS_FULL, quant, "test")
    nodes = {o: n for n in g.rollout.graph.node for o in n.output}
    inits = {i.name: onnx.numpy_helper.to_array(i) for i in g.rollout.graph.initializer}
    gemms = [n for n in g.rollout.graph.node if n.op_type == "Gemm"]
    assert len(gemms) == wm.WIDE_LAYERS + 1, [n.name for n in gemms]
    for n in gemms:
        assert not any(a.name in ("transA", "transB") and a.i for a in n.attribute), n.name
        a, w, b = (nodes[i] for i in n.input)
        assert a.op_type == "DequantizeLinear" and nodes[a.input[0]].op_type == "QuantizeLinear", n.name
        assert inits[a.input[1]].ndim == 0, n.name
        assert w.op_type == "DequantizeLinear" and inits[w.input[0]].dtype == np.int8, n.name
        assert [x.i for x in w.attribute if x.name == "axis"] == [1], n.name
        assert b.op_type == "DequantizeLinear" and inits[b.input[0]].dtype == np.int32, n.name
        want = np.float32(inits[a.input[1]]) * inits[w.input[1]]
        assert np.allclose(inits[b.input[1]], want, rtol=1e-6), n.name


@check
def shouldRefuseATeacherPackageThatIsNotATeacher():
    with tempfile.TemporaryDirectory() as tmp:
        data, val = os.path.join(tmp, "data"), os.path.join(tmp, "val")
        write_run(data, "a-seed1001", 1001, synthetic_run(6, steps=40))
        write_run(val, "b-seed2001", 2001, synthetic_run(7, steps=40))
        garbage = os.path.join(tmp, "garbage")
        os.makedirs(garbage)
        teacher_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "wm-teacher")
        for name in ("encoder.onnx", "rollout.onnx"):
            with open(os.path.join(teacher_dir, name), "rb") as f:
                data_bytes = f.read()
            with open(os.path.join(garbage, name), "wb") as f:
                f.write(data_bytes[:len(data_bytes) // 2])                # truncated
        poisoned = os.path.join(tmp, "poisoned")
        os.makedirs(poisoned)
        for name in ("encoder.onnx", "rollout.onnx"):
            m = onnx.load(os.path.join(teacher_dir, name))
            for init in m.graph.initializer:
                if init.name == "enc.agent1.w":
                    a = onnx.numpy_helper.to_array(init).copy()
                    a[0, 0] = np.nan
                    init.CopyFrom(onnx.numpy_helper.from_array(a, init.name))
            onnx.save(m, os.path.join(poisoned, name))
        for teacher in (os.path.join(tmp, "missing"), garbage, poisoned,
                        os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cv-baseline")):
            err = io.StringIO()
            with contextlib.redirect_stderr(err):
                code = recipe.main(["--data", data, "--val", val, "--out-dir", os.path.join(tmp, "out"),
                                    "--key", os.path.join(tmp, "k"), "--teacher", teacher])
            assert code == 2, (teacher, code)
            assert "--teacher %s" % os.path.abspath(teacher) in err.getvalue(), err.getvalue()
            assert not os.path.exists(os.path.join(tmp, "out"))


@check
def shouldRefuseToTrainOnTheScenariosOwnEvaluationSeed():
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data")
        write_run(data, "zebra-crossing", 11, synthetic_run(5, steps=40))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = recipe.main(["--data", data, "--out-dir", os.path.join(tmp, "out"), "--key", os.path.join(tmp, "k")])
        assert code == 2, code
        assert "seed [11]" in err.getvalue(), err.getvalue()
        assert not os.path.exists(os.path.join(tmp, "out"))


@check
def shouldRefuseHeldOutRunsThatShareASeedWithTraining():
    with tempfile.TemporaryDirectory() as tmp:
        data, val = os.path.join(tmp, "data"), os.path.join(tmp, "val")
        write_run(data, "a-seed1001", 1001, synthetic_run(6, steps=40))
        write_run(val, "b-seed1001", 1001, synthetic_run(7, steps=40))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = recipe.main(["--data", data, "--val", val, "--out-dir", os.path.join(tmp, "out"),
                                "--key", os.path.join(tmp, "k")])
        assert code == 2, code
        assert "share seeds [1001]" in err.getvalue(), err.getvalue()


def main():
    passed = failed = 0
    for fn in _checks:
        try:
            fn()
            passed += 1
            print("PASS %s" % fn.__name__)
        except Exception:
            failed += 1
            print("FAIL %s" % fn.__name__)
            traceback.print_exc()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
