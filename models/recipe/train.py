"""Training the teacher, distilling the student, calibrating int8, and running any of them over samples.

Everything is deterministic for a given seed and thread count: parameters are initialised from numpy's
generator, batches are drawn from it, and torch runs with deterministic algorithms.
"""

import collections
import math
import time

import numpy as np
import torch

import graph
import model as wm

ACCEL_RANGE = (-6.0, 2.0)       # the package's action space
STEER_RANGE = (-0.55, 0.55)
HUBER_M = 1.0
HEADING_WEIGHT = 0.5
TEACHER_WEIGHT = 1.0            # distillation: the teacher's prediction, everywhere
GROUND_TRUTH_WEIGHT = 1.0       # distillation: the recorded future, where recorded
MOVES_WEIGHT = 1.0              # will a standing vehicle move within 30 s: label, and the teacher's for the student


class WorldModel(torch.nn.Module):
    """The parameters of one model size; the computation is model.encoder / model.rollout."""

    def __init__(self, size, inputs, seed):
        super().__init__()
        self.size = size
        self.inputs = inputs
        initial = wm.init_params(size, inputs, np.random.default_rng(seed))
        self.names = list(initial)
        self.values = torch.nn.ParameterList([torch.nn.Parameter(torch.from_numpy(v.copy()))
                                              for v in initial.values()])

    def params(self):
        return collections.OrderedDict(zip(self.names, self.values))

    def load(self, params):
        """Take trained parameters {name: array} (export.package_params), every one this size has."""
        with torch.no_grad():
            for name, value in zip(self.names, self.values):
                value.copy_(torch.from_numpy(np.asarray(params[name], dtype=np.float32)).reshape(value.shape))
        return self

    def numpy_params(self):
        return collections.OrderedDict((n, v.detach().numpy().copy()) for n, v in zip(self.names, self.values))

    def count(self):
        return int(sum(v.numel() for v in self.values))

    def forward(self, batch, actions, quant=None):
        """future [K,H,N,3], risk [K], closest approach [K], moves [B,N]."""
        ops = graph.TorchOps(self.params(), quant)
        if self.inputs == wm.INPUTS_FULL:
            latent, moves = wm.encoder(ops, self.size, batch["agents"], batch["ego"], batch["route"],
                                       batch["lights"])
        else:
            latent, moves = wm.encoder(ops, self.size, batch["agents"])
        future, risk, closest = wm.rollout(ops, self.size, latent, actions)
        return future, risk, closest, moves


def configure_torch(threads):
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------
# Batches
# --------------------------------------------------------------------------
def agent_counts(data):
    return data["agents"][:, :, 7].sum(axis=1).astype(np.int64)


def batches(data, batch_size, rng, shuffle=True):
    """Index batches of samples with similar agent counts (less padding), in random order."""
    counts = agent_counts(data)
    order = np.argsort(counts, kind="stable")
    if shuffle:
        # Shuffle within equal counts, then cut into batches and shuffle the batches.
        order = np.lexsort((rng.random(len(order)), counts))
    chunks = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if shuffle:
        chunks = [chunks[i] for i in rng.permutation(len(chunks))]
    return chunks


def to_batch(data, index, actions=None):
    """Torch tensors for samples `index`, agent slots cut to the batch's largest count."""
    n = max(1, int(data["agents"][index, :, 7].sum(axis=1).max()))
    b = {
        "agents": torch.from_numpy(data["agents"][index, :n]),
        "ego": torch.from_numpy(data["ego"][index]),
        "route": torch.from_numpy(data["route"][index]),
        "lights": torch.from_numpy(data["lights"][index]),
        "target": torch.from_numpy(data["target"][index][:, :, :n]),
        "target_valid": torch.from_numpy(data["target_valid"][index][:, :, :n].astype(np.float32)),
        "risk": torch.from_numpy(data["risk"][index]),
        "moves": torch.from_numpy(data["moves"][index, :n]),
        "moves_valid": torch.from_numpy(data["moves_valid"][index, :n]),
    }
    b["actions"] = torch.from_numpy(data["actions"][index] if actions is None else actions)
    return b


def perturbed_actions(actions, ego_speed, rng):
    """Counterfactual candidates like the planner's: the executed plan with correlated noise (half), or a
    constant acceleration with the executed steering (half); clipped to the action space and made
    'applied' the way the planner does (a stopped car does not reverse)."""
    b, h, _ = actions.shape
    out = actions.astype(np.float64).copy()
    noise = np.zeros((b, 2))
    corr = 0.8
    innovation = math.sqrt(1 - corr * corr)
    for i in range(h):
        noise = corr * noise + innovation * rng.standard_normal((b, 2)) * np.array([1.5, 0.08])
        out[:, i] += noise
    constant = rng.random(b) < 0.5
    out[constant, :, 0] = rng.uniform(ACCEL_RANGE[0], ACCEL_RANGE[1], size=(int(constant.sum()), 1))
    out[:, :, 0] = np.clip(out[:, :, 0], *ACCEL_RANGE)
    out[:, :, 1] = np.clip(out[:, :, 1], *STEER_RANGE)
    v = ego_speed.astype(np.float64).copy()
    for i in range(h):
        v_next = np.maximum(0.0, v + out[:, i, 0] * wm.DT_S)
        out[:, i, 0] = (v_next - v) / wm.DT_S
        v = v_next
    return out.astype(np.float32)


# --------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------
def _huber(x):
    return torch.where(x < HUBER_M, 0.5 * x * x / HUBER_M, x - 0.5 * HUBER_M)


def pose_loss(pred, target, weight):
    """Huber on the position error (m) plus a heading term, averaged over weight (same shape as pose[...,0])."""
    err = torch.sqrt(((pred[..., :2] - target[..., :2]) ** 2).sum(-1) + 1e-6)
    heading = 1.0 - torch.cos(pred[..., 2] - target[..., 2])
    total = (_huber(err) + HEADING_WEIGHT * heading) * weight
    return total.sum() / weight.sum().clamp(min=1.0)


def ground_truth_loss(future, batch):
    t = batch["target"].shape[1]
    return pose_loss(future[:, :t], batch["target"], batch["target_valid"])


def risk_loss(risk, labels):
    return torch.nn.functional.binary_cross_entropy(risk.clamp(1e-6, 1 - 1e-6), labels)


def moves_loss(moves, labels, valid):
    """Binary cross-entropy of the moves head against labels (or the teacher's probabilities), averaged over
    the valid entries; 0 when the batch has none."""
    bce = torch.nn.functional.binary_cross_entropy(moves.clamp(1e-6, 1 - 1e-6), labels, reduction="none")
    return (bce * valid).sum() / valid.sum().clamp(min=1.0)


# --------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------
class Schedule:
    """Adam with a short warm-up and a cosine decay over the planned steps."""

    def __init__(self, params, lr, total_steps):
        self.opt = torch.optim.Adam(params, lr=lr)
        self.lr = lr
        self.total = max(1, total_steps)
        self.step_count = 0

    def step(self, loss, params):
        self.step_count += 1
        warm = min(1.0, self.step_count / 50.0)
        cosine = 0.5 * (1 + math.cos(math.pi * min(1.0, self.step_count / self.total)))
        for g in self.opt.param_groups:
            g["lr"] = self.lr * warm * (0.05 + 0.95 * cosine)
        self.opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        self.opt.step()


def train_teacher(net, data, epochs, batch_size, lr, rng, log):
    chunks_per_epoch = len(batches(data, batch_size, rng, shuffle=False))
    schedule = Schedule(net.parameters(), lr, epochs * chunks_per_epoch)
    start = time.time()
    for epoch in range(epochs):
        total, n = 0.0, 0
        for index in batches(data, batch_size, rng):
            b = to_batch(data, index)
            future, risk, _, moves = net(b, b["actions"])
            loss = (ground_truth_loss(future, b) + risk_loss(risk, b["risk"])
                    + MOVES_WEIGHT * moves_loss(moves, b["moves"], b["moves_valid"]))
            schedule.step(loss, list(net.parameters()))
            total += float(loss) * len(index)
            n += len(index)
        log("teacher epoch %d/%d: loss %.4f (%.0f s)" % (epoch + 1, epochs, total / n, time.time() - start))


def distill_student(student, teacher, data, epochs, batch_size, lr, rng, log):
    """Loss = ground truth where recorded + the teacher's prediction everywhere (all 30 steps, every agent,
    and for counterfactual candidates that have no ground truth); the moves head against the labels and the
    teacher's probabilities where labelled."""
    chunks_per_epoch = len(batches(data, batch_size, rng, shuffle=False))
    schedule = Schedule(student.parameters(), lr, epochs * chunks_per_epoch)
    teacher.eval()
    start = time.time()
    for epoch in range(epochs):
        total, n = 0.0, 0
        for index in batches(data, batch_size, rng):
            b = to_batch(data, index)
            counterfactual = torch.from_numpy(perturbed_actions(data["actions"][index], data["ego"][index, 0], rng))
            actions = torch.cat([b["actions"], counterfactual], 0)
            doubled = {k: torch.cat([v, v], 0) for k, v in b.items() if k != "actions"}
            with torch.no_grad():
                t_future, t_risk, _, t_moves = teacher(doubled, actions)
            future, risk, _, moves = student(doubled, actions)
            valid = doubled["agents"][:, :, 7]                                   # [2B,N]
            everywhere = valid[:, None, :].expand(-1, wm.H_STEPS, -1)
            # Both halves share the scenes: the moves of the first half are all of them.
            moves, t_moves = moves[:len(index)], t_moves[:len(index)]
            loss = (GROUND_TRUTH_WEIGHT * ground_truth_loss(future[:len(index)], b)
                    + TEACHER_WEIGHT * pose_loss(future, t_future, everywhere)
                    + risk_loss(risk[:len(index)], b["risk"]) + risk_loss(risk, t_risk)
                    + MOVES_WEIGHT * (moves_loss(moves, b["moves"], b["moves_valid"])
                                      + moves_loss(moves, t_moves, b["moves_valid"])))
            schedule.step(loss, list(student.parameters()))
            total += float(loss) * len(index)
            n += len(index)
        log("student epoch %d/%d: loss %.4f (%.0f s)" % (epoch + 1, epochs, total / n, time.time() - start))


def calibrate(net, data, index, rng):
    """Max-abs activation ranges at every int8 site, over the samples `index` with their executed actions
    and with counterfactual ones (the runtime feeds 64 varied candidates, not only good driving)."""
    quant = graph.QuantState()
    with torch.no_grad():
        for part in np.array_split(np.asarray(index), max(1, len(index) // 64)):
            b = to_batch(data, part)
            net(b, b["actions"], quant)
            counterfactual = perturbed_actions(data["actions"][part], data["ego"][part, 0], rng)
            net(b, torch.from_numpy(counterfactual), quant)
    quant.simulate = True
    return quant


def predict(net, data, batch_size, quant=None):
    """future [S,H,32,3], risk [S], closest approach [S], moves [S,32] for every sample with its executed
    actions."""
    s = len(data["risk"])
    future = np.zeros((s, wm.H_STEPS, wm.N_AGENTS, 3), dtype=np.float32)
    risk = np.zeros(s, dtype=np.float32)
    closest = np.zeros(s, dtype=np.float32)
    moves = np.zeros((s, wm.N_AGENTS), dtype=np.float32)
    with torch.no_grad():
        for index in batches(data, batch_size, None, shuffle=False):
            b = to_batch(data, index)
            f, r, c, m = net(b, b["actions"], quant)
            future[index, :, :f.shape[2]] = f.numpy()
            risk[index] = r.numpy()
            closest[index] = c.numpy()
            moves[index, :m.shape[1]] = m.numpy()
    return future, risk, closest, moves
