"""Training samples from the rig's recorded runs (hil/DATASET.md), in the runtime's ego frame.

For a step t of a run, a sample is what the runtime would have fed the model at that step and what then
happened:

    agents   [32,8]   exactly SceneSnapshot.load + packAgents: world -> ego frame in double precision
                      (x = c*dx + s*dy, y = -s*dx + c*dy, heading wrapped to [-pi, pi]), agents farther than
                      the package's agent_range_m from the ego (a circle) left out and the rest packed in slot
                      order,
                      cast to float32, empty slots zero
    ego      [8]      speed (>= 0), accel, steer, length, width, speed limit, lane width, 1.0
    route    [64,3]   SceneSnapshot.packRoute: the SceneFrame's route points in the ego frame (same
                      transform) as RouteFrame keeps them (a point within 1 cm of the last one kept is
                      skipped), 1.0 for each; zeros after them, and everywhere if fewer than 2 remain
    lights   [4,3]    stop_s (as in the frame: along the route from its first point), 1.0 for red or
                      yellow, 1.0 for lights in use
    actions  [30,2]   what the ego did over the next 30 steps of 0.2 s: the mean of each pair of recorded
                      0.1 s accelerations, and steer = atan(yaw_rate * 2.7 / max(v, 0.5)) from the mean
                      yaw rate and the step's mean speed; zero past the end of the run
    target   [T,32,3] each packed agent at 0.2 .. T*0.2 s (T = the recorded horizon / 2, 15 for 3 s):
                      x, y in the t=0 ego frame, heading unwrapped from its packed heading
    valid    [T,32]   1 where the rig recorded that agent then
    kind     [32]     agent kind (0 vehicle, 1 pedestrian, 2 cyclist, 3 static), -1 for empty slots
    risk     scalar   1 if the ego's recorded footprint, grown by 0.5 m on every side, overlaps the recorded
                      footprint of an agent moving at t (> 0.5 m/s) or shorter than 2 m (a person, a cyclist)
                      within the recorded horizon (separating axes), else 0
    moves    [32]     for a vehicle or static agent standing at t (speed < 0.5 m/s): 1 if the agent with
                      the same id is seen moving (> 1 m/s) within the next 30 s, 0 if it is not and it is
                      either seen standing 30 s or more later or the ego gets past it (it comes to lie fully
                      behind the ego, having not been behind at t) before any move is seen
    moves_valid [32]  1 where `moves` is known; 0 for every other slot and where the run cannot tell (the
                      agent left the view standing, or the run ended, before either happened)
"""

import json
import math
import os
import re

import numpy as np

from model import A_DIMS, EGO_FEATURES, F_AGENT, H_STEPS, LIGHTS, N_AGENTS, ROUTE_POINTS, WHEELBASE_M

FORMAT_VERSION = 1
STEP_S = 0.1
SUBSTEPS = 2                 # dataset steps per model step (0.2 s / 0.1 s)
RISK_MARGIN_M = 0.5
# The risk label (and the risk head, model.RISK_*) counts an agent moving faster than this at t, or one shorter
# than this (a person, a cyclist): standing vehicles are left to the planner's analytic terms.
RISK_MIN_SPEED_MPS = 0.5
RISK_SHORT_LENGTH_M = 2.0
MIN_ROUTE_STEP_M = 0.01      # RouteFrame.add
MIN_STEER_SPEED_MPS = 0.5
LIGHT_STOP_STATES = (2, 3)   # yellow, red
# Will a standing vehicle move: the runtime's standing threshold (SceneSnapshot.STANDING_MPS), what counts as
# seen moving, and the label's horizon (30 s of 0.1 s steps: a queue at a red light may stand longer, but the
# planner's red-approach rule keeps the ego behind it there; a car that stands 30 s with the way ahead clear is
# not traffic).
STANDING_MPS = 0.5
MOVING_MPS = 1.0
MOVE_HORIZON_STEPS = 300
MOVE_KINDS = (0, 3)          # vehicle, static
# The scenarios' own seed: their evaluation runs. Never train on it.
EVALUATION_SEEDS = frozenset([11])

ARRAYS = ["timestamp_ns", "ego", "agents", "agent_valid", "route", "route_count", "lights", "light_count",
          "actions", "ego_future", "ego_future_valid", "agent_future", "agent_future_valid"]


# A scenario written by 'wmrt scenarios generate': <family>-<generation seed>-<index>.
GENERATED = re.compile(r"^([a-z-]+)-(\d+)-(\d{3})$")


class DatasetError(Exception):
    """A record directory or run that cannot be used; the message names it and says why."""


def run_dirs(record_dir):
    """Every complete run under a record directory (hidden and .partial- directories are skipped)."""
    if not os.path.isdir(record_dir):
        raise DatasetError("%s: not a directory" % record_dir)
    runs = []
    for name in sorted(os.listdir(record_dir)):
        path = os.path.join(record_dir, name)
        if not name.startswith(".") and os.path.isfile(os.path.join(path, "meta.json")):
            runs.append(path)
    if not runs:
        raise DatasetError("%s: no runs (directories with a meta.json); record some with "
                           "'./wmrt hil --scenario all --seeds ... --record %s --report R'" % (record_dir, record_dir))
    return runs


def scenario_of(meta):
    """The scenario's name without the '-seed<N>' suffix 'wmrt hil --seeds' adds."""
    return re.sub(r"-seed\d+$", "", meta["scenario"])


def load_run(path):
    with open(os.path.join(path, "meta.json")) as f:
        meta = json.load(f)
    if meta.get("format_version") != FORMAT_VERSION:
        raise DatasetError("%s: format_version %r, this recipe reads %d" % (path, meta.get("format_version"),
                                                                            FORMAT_VERSION))
    if abs(meta["step_s"] - STEP_S) > 1e-9:
        raise DatasetError("%s: step_s %r, the recipe needs %s s steps" % (path, meta["step_s"], STEP_S))
    arrays = {}
    for name in ARRAYS:
        arrays[name] = np.load(os.path.join(path, name + ".npy"), allow_pickle=False)
    return meta, arrays


def _wrap(a):
    """SceneSnapshot.wrap for differences of two wrapped headings (one turn at most)."""
    a = np.where(a > np.pi, a - 2 * np.pi, a)
    return np.where(a < -np.pi, a + 2 * np.pi, a)


def _to_ego(x, y, ex, ey, c, s):
    dx = x.astype(np.float64) - ex
    dy = y.astype(np.float64) - ey
    return c * dx + s * dy, -s * dx + c * dy


def _corners_overlap(ax, ay, ah, al, aw, bx, by, bh, bl, bw):
    """Separating-axis test for rectangles (centre, heading, half length, half width), broadcasting."""
    dx = bx - ax
    dy = by - ay
    ca, sa, cb, sb = np.cos(ah), np.sin(ah), np.cos(bh), np.sin(bh)
    separated = np.zeros(np.broadcast(dx, ah, bh).shape, dtype=bool)
    for nx, ny in ((ca, sa), (-sa, ca), (cb, sb), (-sb, cb)):
        distance = np.abs(dx * nx + dy * ny)
        ra = al * np.abs(ca * nx + sa * ny) + aw * np.abs(-sa * nx + ca * ny)
        rb = bl * np.abs(cb * nx + sb * ny) + bw * np.abs(-sb * nx + cb * ny)
        separated |= distance > ra + rb
    return ~separated


def _pack_route(rx, ry, used):
    """SceneSnapshot.packRoute over ego-frame points: RouteFrame.add skips a point closer than 1 cm to the last
    one kept, and a route with fewer than 2 points left is a stand-in the model does not see (all zeros)."""
    route = np.zeros(rx.shape + (3,), dtype=np.float32)
    step = np.hypot(np.diff(rx, axis=1), np.diff(ry, axis=1))
    for i in range(len(rx)):
        n = int(used[i].sum())
        if n >= 2 and (step[i, :n - 1] >= MIN_ROUTE_STEP_M).all():
            kept = np.arange(n)                                       # the usual case: nothing to skip
        else:
            kept = []
            for j in range(n):
                if not kept or math.sqrt((rx[i, j] - rx[i, kept[-1]]) ** 2 + (ry[i, j] - ry[i, kept[-1]]) ** 2) \
                        >= MIN_ROUTE_STEP_M:
                    kept.append(j)
            if len(kept) < 2:
                continue
        route[i, :len(kept), 0] = rx[i, kept]
        route[i, :len(kept), 1] = ry[i, kept]
        route[i, :len(kept), 2] = 1.0
    return route


def _next_step(mask, big):
    """[T+1,U]: the first step >= t where mask[:, u] holds (row T and never: big)."""
    steps = len(mask)
    first = np.full((steps + 1,) + mask.shape[1:], big, dtype=np.int64)
    at = np.where(mask, np.arange(steps)[:, None], big)
    first[:steps] = np.minimum.accumulate(at[::-1], axis=0)[::-1]
    return first


def move_labels(a):
    """moves, moves_valid [T,32] per frame slot of every step (the module docstring's label). Agents are
    matched by id over the whole run: each step is one row of a [T, ids] table, and the first step at or after
    t where something holds comes from a reversed running minimum."""
    agents = a["agents"]
    occupied = a["agent_valid"].astype(bool)
    steps = len(agents)
    ids, column = np.unique(agents[:, :, 0][occupied], return_inverse=True)
    rows = np.nonzero(occupied)[0]
    seen = np.zeros((steps, len(ids)), dtype=bool)
    seen[rows, column] = True
    speed = np.zeros(seen.shape)
    speed[rows, column] = agents[:, :, 5][occupied]
    # Fully behind the ego of that step: x in its frame below -(ego half length + agent half length).
    ego = a["ego"].astype(np.float64)
    c, s = np.cos(ego[:, 3])[:, None], np.sin(ego[:, 3])[:, None]
    ahead, _ = _to_ego(agents[:, :, 2], agents[:, :, 3], ego[:, 1, None], ego[:, 2, None], c, s)
    behind = np.zeros(seen.shape, dtype=bool)
    behind[rows, column] = (ahead < -0.5 * (ego[:, 7, None] + agents[:, :, 7]))[occupied]

    big = steps + MOVE_HORIZON_STEPS + 1
    moving = seen & (speed > MOVING_MPS)
    t = np.arange(steps)[:, None]
    first_move = _next_step(moving, big)[1:]                                       # first move after t
    later = _next_step(seen & ~moving, big)[np.minimum(t[:, 0] + MOVE_HORIZON_STEPS, steps)]
    passed = _next_step(behind, big)[1:]                                            # behind after t
    moves = first_move <= t + MOVE_HORIZON_STEPS
    stays = ~moves & ((later < first_move) | ((passed < first_move) & ~behind))

    slot = np.zeros(occupied.shape, dtype=np.int64)
    slot[occupied] = column
    standing = occupied & (agents[:, :, 5] < STANDING_MPS) & np.isin(agents[:, :, 1], MOVE_KINDS)
    label = np.take_along_axis(moves, slot, axis=1)
    known = standing & (label | np.take_along_axis(stays, slot, axis=1))
    return np.where(known, label, False).astype(np.float32), known.astype(np.float32)


def build_samples(meta, a, agent_range_m, stride=1, target_steps=None):
    """Samples of one run, every `stride`-th step. Returns a dict of arrays with a leading sample axis."""
    steps = int(meta["steps"])
    horizon = int(meta["horizon_steps"])
    if target_steps is None:
        target_steps = min(H_STEPS, horizon // SUBSTEPS)
    ts = np.arange(0, steps, stride)
    S = len(ts)

    ego = a["ego"]
    ex = ego[ts, 1].astype(np.float64)
    ey = ego[ts, 2].astype(np.float64)
    eh = ego[ts, 3].astype(np.float64)
    c = np.cos(eh)[:, None]
    s = np.sin(eh)[:, None]

    # ---- agents, as SceneSnapshot.load + packAgents
    raw = a["agents"][ts]                                                     # [S,32,9]
    occupied = a["agent_valid"][ts].astype(bool)
    lx, ly = _to_ego(raw[:, :, 2], raw[:, :, 3], ex[:, None], ey[:, None], c, s)
    keep = occupied & ~(lx * lx + ly * ly > agent_range_m * agent_range_m)
    # Kept agents move to the front in their slot order (a stable sort of "not kept").
    order = np.argsort(~keep, axis=1, kind="stable")                          # packed slot -> frame slot
    packed_valid = np.take_along_axis(keep, order, axis=1)

    def take(x):
        return np.take_along_axis(x, order, axis=1)

    agents = np.zeros((S, N_AGENTS, F_AGENT), dtype=np.float32)
    heading = _wrap(raw[:, :, 4].astype(np.float64) - eh[:, None])
    columns = [lx, ly, heading, raw[:, :, 5], raw[:, :, 6], raw[:, :, 7], raw[:, :, 8]]
    for i, col in enumerate(columns):
        agents[:, :, i] = np.where(packed_valid, take(np.asarray(col, dtype=np.float64)), 0).astype(np.float32)
    agents[:, :, 7] = packed_valid.astype(np.float32)
    kind = np.where(packed_valid, take(raw[:, :, 1]).astype(np.int8), np.int8(-1))

    # ---- ego, route, lights
    ego_in = np.zeros((S, EGO_FEATURES), dtype=np.float32)
    ego_in[:, 0] = np.maximum(0.0, ego[ts, 4].astype(np.float64))
    ego_in[:, 1:7] = ego[ts][:, [5, 6, 7, 8, 9, 10]]
    ego_in[:, 7] = 1.0
    used = np.arange(ROUTE_POINTS)[None, :] < np.minimum(a["route_count"][ts], ROUTE_POINTS)[:, None]
    rx, ry = _to_ego(a["route"][ts, :, 0], a["route"][ts, :, 1], ex[:, None], ey[:, None], c, s)
    route = _pack_route(rx, ry, used)
    lights = np.zeros((S, LIGHTS, 3), dtype=np.float32)
    lit = np.arange(LIGHTS)[None, :] < np.minimum(a["light_count"][ts], LIGHTS)[:, None]
    lights[:, :, 0] = np.where(lit, a["lights"][ts, :, 0], 0)
    lights[:, :, 1] = np.where(lit, np.isin(a["lights"][ts, :, 1], LIGHT_STOP_STATES), 0)
    lights[:, :, 2] = lit

    # ---- the ego's executed actions at 0.2 s
    recorded = a["actions"].astype(np.float64)
    speed = np.maximum(0.0, ego[:, 4].astype(np.float64))
    k0 = ts[:, None] + SUBSTEPS * np.arange(H_STEPS)[None, :]                 # [S,H]
    inside = k0 + 1 < steps
    k0c = np.minimum(k0, steps - 2)
    accel = 0.5 * (recorded[k0c, 0] + recorded[k0c + 1, 0])
    yaw_rate = 0.5 * (recorded[k0c, 1] + recorded[k0c + 1, 1])
    v_mean = speed[k0c] + 0.5 * SUBSTEPS * STEP_S * accel
    steer = np.arctan(yaw_rate * WHEELBASE_M / np.maximum(v_mean, MIN_STEER_SPEED_MPS))
    actions = np.zeros((S, H_STEPS, A_DIMS), dtype=np.float32)
    actions[:, :, 0] = np.where(inside, accel, 0)
    actions[:, :, 1] = np.where(inside, steer, 0)

    # ---- targets: packed agents at 0.2 .. target_steps*0.2 s in the t=0 ego frame
    fut = a["agent_future"][ts]                                               # [S,32,Hd,4]
    fvalid = a["agent_future_valid"][ts].astype(bool)                         # [S,32,Hd]
    # Headings unwrapped along the 0.1 s steps (a missing step keeps the last heading seen).
    h_prev = raw[:, :, 4].astype(np.float64)
    turned = np.zeros(h_prev.shape)
    unwrapped = np.zeros(fvalid.shape)
    for k in range(horizon):
        h_k = np.where(fvalid[:, :, k], fut[:, :, k, 2].astype(np.float64), h_prev)
        turned += _wrap(h_k - h_prev)
        unwrapped[:, :, k] = turned
        h_prev = h_k
    pick = SUBSTEPS * np.arange(1, target_steps + 1) - 1                       # 0.1 s index of 0.2*m s
    fx, fy = _to_ego(fut[:, :, pick, 0], fut[:, :, pick, 1], ex[:, None, None], ey[:, None, None],
                     c[:, :, None], s[:, :, None])
    fh = heading[:, :, None] + unwrapped[:, :, pick]
    target = np.stack([fx, fy, fh], axis=-1)                                  # [S,32,T,3] frame slots
    tvalid = fvalid[:, :, pick] & keep[:, :, None]
    target = np.take_along_axis(target, order[:, :, None, None], axis=1)
    tvalid = np.take_along_axis(tvalid, order[:, :, None], axis=1)
    target = np.where(tvalid[..., None], target, 0).astype(np.float32).transpose(0, 2, 1, 3)   # [S,T,32,3]
    tvalid = tvalid.transpose(0, 2, 1)

    # ---- risk label from the recorded futures (every agent of the frame, not only the packed ones)
    ef = a["ego_future"][ts].astype(np.float64)                               # [S,Hd,4]
    efv = a["ego_future_valid"][ts].astype(bool)
    e_hl = 0.5 * ego[ts, 7].astype(np.float64)[:, None, None] + RISK_MARGIN_M
    e_hw = 0.5 * ego[ts, 8].astype(np.float64)[:, None, None] + RISK_MARGIN_M
    touch = _corners_overlap(ef[:, None, :, 0], ef[:, None, :, 1], ef[:, None, :, 2], e_hl, e_hw,
                             fut[..., 0].astype(np.float64), fut[..., 1].astype(np.float64),
                             fut[..., 2].astype(np.float64), 0.5 * raw[:, :, 7, None].astype(np.float64),
                             0.5 * raw[:, :, 8, None].astype(np.float64))
    # Only road users in motion, and people and cyclists (short footprints) whatever their speed: passing a
    # standing car closely is the narrow street's normal case, which the analytic clearance terms price.
    in_play = (raw[:, :, 5] > RISK_MIN_SPEED_MPS) | (raw[:, :, 7] < RISK_SHORT_LENGTH_M)
    touch &= fvalid & efv[:, None, :] & (occupied & in_play)[:, :, None]
    risk = touch.any(axis=(1, 2)).astype(np.float32)

    # ---- will each standing vehicle move within 30 s (labels from the whole run, then packed)
    moves, moves_valid = (np.where(packed_valid, take(x[ts]), 0).astype(np.float32) for x in move_labels(a))

    return {
        "agents": agents, "ego": ego_in, "route": route, "lights": lights, "actions": actions,
        "target": target, "target_valid": tvalid, "kind": kind, "risk": risk,
        "moves": moves, "moves_valid": moves_valid,
        "step": ts.astype(np.int32),
    }


def concat(parts):
    return {k: np.concatenate([p[k] for p in parts], axis=0) for k in parts[0]}


class Runs:
    """The runs of one or more record directories, with their seeds and scenarios."""

    def __init__(self, paths):
        self.paths = paths
        self.meta = []
        for p in paths:
            with open(os.path.join(p, "meta.json")) as f:
                self.meta.append(json.load(f))

    @classmethod
    def under(cls, *record_dirs):
        paths = []
        for d in record_dirs:
            paths += run_dirs(d)
        return cls(paths)

    def seeds(self):
        return sorted({int(m["seed"]) for m in self.meta})

    def select(self, keep_seed):
        return Runs([p for p, m in zip(self.paths, self.meta) if keep_seed(int(m["seed"]))])

    def names(self):
        return [os.path.basename(p) for p in self.paths]

    def describe(self):
        """'100 runs: double-parked-car, ...; seeds 1001-1020' style summary for lineage and the model card.
        Generated scenarios ('<family>-<generation seed>-<index>') are counted per family and generation seed."""
        scenarios = sorted({scenario_of(m) for m in self.meta})
        hand = [name for name in scenarios if not GENERATED.match(name)]
        generated = {}
        for name in scenarios:
            match = GENERATED.match(name)
            if match:
                key = "%s-%s-*" % (match.group(1), match.group(2))
                generated[key] = generated.get(key, 0) + 1
        parts = hand + ["%s (%d variants)" % (key, count) for key, count in sorted(generated.items())]
        return "%d runs: %s; seeds %s" % (len(self.paths), ", ".join(parts), _ranges(self.seeds()))

    def target_steps(self):
        return min(H_STEPS, min(int(m["horizon_steps"]) for m in self.meta) // SUBSTEPS)

    def first(self, n):
        return Runs(self.paths[:n])

    def samples(self, agent_range_m, stride, limit_steps=None):
        """Every run's samples, concatenated, with `run` (index into paths); `limit_steps` keeps only the
        first samples of each run (smoke tests)."""
        parts = []
        run_index = []
        target_steps = self.target_steps()
        for i, p in enumerate(self.paths):
            meta, arrays = load_run(p)
            part = build_samples(meta, arrays, agent_range_m, stride, target_steps)
            if limit_steps is not None:
                part = {k: v[:limit_steps] for k, v in part.items()}
            parts.append(part)
            run_index.append(np.full(len(part["risk"]), i, dtype=np.int32))
        data = concat(parts)
        data["run"] = np.concatenate(run_index)
        return data


def _ranges(values):
    """[1001, 1002, 1003, 2001] -> '1001-1003, 2001'."""
    out = []
    for v in values:
        if out and v == out[-1][1] + 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return ", ".join(str(a) if a == b else "%d-%d" % (a, b) for a, b in out)
