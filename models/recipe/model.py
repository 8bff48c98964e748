"""The world model: an encoder program and a rollout program, written once against graph.py's ops.

Shapes, with B the batch in training (1 when exported), L the latent's batch (B, or 1 when exported), K the
candidates (B in training: one candidate per sample, 64 when exported), N agent slots, H steps:

    encoder: agents [B,N,8], ego [B,8], route [B,64,3], lights [B,4,3]   ->  latent [B,N,D], moves [B,N]
    rollout: latent [L,N,D], actions [K,H,2]                             ->  agent_future [K,H,N,3], risk [K]

Latent channels (every channel of an empty slot is 0):

    0 x   1 y   2 heading   3 speed   4 yaw_rate   5 valid   6 half length   7 half width     the agent at t=0
    8 ego speed   9 ego half length   10 ego half width                                       the ego, per slot
    11 .. D-1  learned context (tanh): the agent with its neighbours, the route and the lights

moves (the graph output `agent_moves`): from each agent's learned context, the probability that it, if it is
a vehicle standing now, moves within the next 30 s (parked or broken down: 0; queued in traffic: 1); 0 for
empty slots, unconstrained for moving agents and pedestrians (the planner reads it for standing vehicles only).

The rollout integrates the ego under each candidate with the planner's kinematic bicycle (wheelbase 2.7 m,
the same update as CandidateGenerator.step), vectorised over the horizon with triangular MatMuls. Each agent
is integrated step by step from its own state (constant speed and yaw rate) plus a learned, bounded change of
speed and heading, from an MLP that sees the ego's position at that step relative to the agent (also in the
agent's axes), the agent's heading, its velocity relative to the ego's, and its learned context: so agents
can answer the candidate (a walker waits for an approaching car, a follower brakes). The risk head squashes
the predicted closest approach between the ego's footprint and any agent in play (moving at t, or a person or
cyclist) over the first 3 s.
"""

import collections

import numpy as np

# --------------------------------------------------------------------------
# Contract constants (must match the runtime's planner configuration)
# --------------------------------------------------------------------------
N_AGENTS = 32
K_CANDIDATES = 64
H_STEPS = 30
DT_S = 0.2
F_AGENT = 8
A_DIMS = 2
ROUTE_POINTS = 64
LIGHTS = 4
EGO_FEATURES = 8
WHEELBASE_M = 2.7

# Latent layout.
KINEMATIC_CHANNELS = 8           # x, y, heading, speed, yaw_rate, valid, half length, half width
EGO_CHANNELS = 3                 # ego speed, half length, half width
LEARNED_OFFSET = KINEMATIC_CHANNELS + EGO_CHANNELS
VALID_CHANNEL = 5

# The risk head looks as far ahead as the recorded labels do (30 steps of 0.1 s = 15 model steps).
RISK_STEPS = 15
# It counts agents in play as the labels do (dataset.RISK_MIN_SPEED_MPS, RISK_SHORT_LENGTH_M): moving at
# t, or a person or cyclist.
RISK_MIN_SPEED_MPS = 0.5
RISK_SHORT_HALF_LENGTH_M = 1.0

# Feature scales: every learned layer sees inputs of order 1, clipped to +-FEATURE_CLIP, so one per-tensor
# int8 grid fits each input. 0.05/m with the clip keeps agents within 80 m distinct.
POSITION_SCALE = 0.05
SPEED_SCALE = 0.1
FEATURE_CLIP = 4.0
ROUTE_CLIP_M = 80.0
STOP_SCALE = 0.02
# ego input columns: speed, accel, steer, length, width, speed limit, lane width, 1.0
EGO_SCALE = [0.1, 0.25, 2.0, 0.2, 0.5, 0.1, 0.25, 1.0]
# Without an ego input, the rig's ego footprint (4.6 m x 1.8 m) stands in and the ego starts at rest.
DEFAULT_EGO_HALF_SIZE = [2.3, 0.9]

# Bounds of the learned change per 0.2 s step: speed 5 m/s^2 * dt, heading 1.5 rad/s * dt.
RESIDUAL_LIMITS = [5.0 * DT_S, 1.5 * DT_S]
# Empty slots are pushed this far away before the closest approach is taken.
EMPTY_SLOT_GAP_M = 1000.0

# Fixed int8 grids of graph inputs, declared in the int8 manifest (axis 2, the feature axis).
# actions: acceleration [-6.02, 2.02] m/s^2 (zero point 63), steering +-0.55 rad.
ACTIONS_QDQ = ([0.0315, 0.55 / 127], [63, 0])
# route x, y saturate at 80 m like the float graph's clip; valid is exact on a 1/64 grid.
ROUTE_QDQ = ([ROUTE_CLIP_M / 127, ROUTE_CLIP_M / 127, 1.0 / 64], [0, 0, 0])
# lights: stop_s up to 254 m in 2 m steps, stop flag and valid exact.
LIGHTS_QDQ = ([2.0, 1.0 / 64, 1.0 / 64], [0, 0, 0])

# How a model's rollout decodes the agents (see rollout and rollout_wide).
STEPWISE = "stepwise"
WIDE = "wide"
Size = collections.namedtuple("Size", "name embed learned hidden rollout")
TEACHER = Size("teacher", embed=64, learned=32, hidden=96, rollout=STEPWISE)
STUDENT = Size("student", embed=32, learned=16, hidden=256, rollout=WIDE)

# The wide rollout: the steps at which each agent sees where the ego will be (every third one), and those at
# which it sees the ego's velocity.
WIDE_POSITION_STEPS = tuple(range(2, 30, 3))
WIDE_VELOCITY_STEPS = (0, 6, 12, 18, 24)
WIDE_AGENT_FEATURES = 4          # speed, yaw rate, half length, half width (scaled)
WIDE_LAYERS = 3                  # hidden layers of width size.hidden
# Bounds of the wide rollout's offsets from the constant-velocity path at time t (s) after the scene: along
# and across the agent's initial heading as far as 5 m/s^2 takes it, heading 1.5 rad/s (the stepwise
# rollout's bounds per step, summed).
WIDE_LIMITS = (lambda t: 2.5 * t * t, lambda t: 2.5 * t * t, lambda t: 1.5 * t)

MOVE_HIDDEN = 16                 # the moves head's hidden width

INPUTS_FULL = "full"
INPUTS_AGENTS = "agents"


def route_width(size):
    """The route MLP runs on every (agent, route point) pair: its hidden layer stays narrow."""
    return min(size.embed, 32)


def latent_dims(size):
    return LEARNED_OFFSET + size.learned


def wide_features(size):
    """Inputs of the wide rollout's first layer, per agent and candidate."""
    return size.learned + WIDE_AGENT_FEATURES + 2 * len(WIDE_POSITION_STEPS) + 2 * len(WIDE_VELOCITY_STEPS)


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------
def param_shapes(size, inputs):
    """Every parameter by name, in a fixed order: {name: shape}. `.w` weights are [in, out]."""
    e, h = size.embed, size.hidden
    p = collections.OrderedDict()

    def dense(name, n_in, n_out, bias=True):
        p[name + ".w"] = (n_in, n_out)
        if bias:
            p[name + ".b"] = (n_out,)

    dense("enc.agent1", 10, e)
    dense("enc.agent2", e, e)
    dense("enc.pair_geo", 4, e)
    dense("enc.pair_nb", e, e, bias=False)
    dense("enc.pair2", e, e)
    dense("enc.comb_agent", e, e)
    dense("enc.comb_pair", e, e, bias=False)
    if inputs == INPUTS_FULL:
        dense("enc.route1", 2, route_width(size))
        dense("enc.route2", route_width(size), route_width(size))
        dense("enc.ego1", EGO_FEATURES, e)
        dense("enc.comb_route", route_width(size), e, bias=False)
        dense("enc.comb_light", 2 * LIGHTS, e, bias=False)
        dense("enc.comb_ego", e, e, bias=False)
    dense("enc.comb2", e, e)
    dense("enc.comb3", e, size.learned)
    dense("move.h1", size.learned, MOVE_HIDDEN)
    dense("move.out", MOVE_HIDDEN, 1)
    if size.rollout == WIDE:
        dense("roll.in", wide_features(size), h)
        for i in range(1, WIDE_LAYERS):
            dense("roll.h%d" % (i + 1), h, h)
        dense("roll.out", h, 3 * H_STEPS)
    else:
        dense("roll.latent", size.learned, h)
        dense("roll.in", 10, h, bias=False)
        dense("roll.h2", h, h)
        dense("roll.out", h, 2)
    p["risk.a"] = ()
    p["risk.b"] = ()
    return p


def init_params(size, inputs, rng):
    """Uniform(+-1/sqrt(fan_in)) weights, zero biases; the rollout's last layer starts at zero (so an
    untrained model is exactly constant speed and yaw rate) and the risk head at 50% for a 0.5 m gap."""
    params = collections.OrderedDict()
    for name, shape in param_shapes(size, inputs).items():
        if name.endswith(".w"):
            bound = 1.0 / np.sqrt(shape[0])
            params[name] = rng.uniform(-bound, bound, size=shape).astype(np.float32)
        else:
            params[name] = np.zeros(shape, dtype=np.float32)
    params["roll.out.w"][...] = 0
    params["risk.a"][...] = -4.0
    params["risk.b"][...] = 2.0
    return params


# --------------------------------------------------------------------------
# Programs
# --------------------------------------------------------------------------
def _k(ops, value):
    return ops.const("c_%r" % float(value), np.float32(value))


def _dense(ops, x, name, site, relu=True, non_negative=False, bias=True):
    y = ops.matmul(ops.qdq(x, site, non_negative), ops.weight(name + ".w"))
    if bias:
        y = ops.add(y, ops.bias(name + ".b"))
    return ops.relu(y) if relu else y


def _rotate(ops, d, c, s, axis):
    """d's two components along `axis` into the frame whose x axis is (c, s): forward, left."""
    dx = ops.slice(d, 0, 1, axis)
    dy = ops.slice(d, 1, 2, axis)
    forward = ops.add(ops.mul(dx, c), ops.mul(dy, s))
    left = ops.sub(ops.mul(dy, c), ops.mul(dx, s))
    return forward, left


def _abs(ops, x):
    return ops.add(ops.relu(x), ops.relu(ops.mul(x, _k(ops, -1.0))))


def encoder(ops, size, agents, ego=None, route=None, lights=None):
    """latent [B,N,D] and moves [B,N] from the packed agents and, for the full model, ego, route and
    lights."""
    full = ego is not None
    n = ops.dim(agents, 1)
    ops.scope("agents")
    pos = ops.slice(agents, 0, 2, 2)
    heading = ops.slice(agents, 2, 3, 2)
    speed = ops.slice(agents, 3, 4, 2)
    yaw = ops.slice(agents, 4, 5, 2)
    length = ops.slice(agents, 5, 6, 2)
    width = ops.slice(agents, 6, 7, 2)
    valid = ops.slice(agents, 7, 8, 2)
    c = ops.cos(heading)
    s = ops.sin(heading)
    unit = ops.concat([c, s], 2)
    vel = ops.mul(unit, speed)                                                   # [B,N,2]
    fa = ops.concat([ops.mul(pos, _k(ops, POSITION_SCALE)), unit, ops.mul(vel, _k(ops, SPEED_SCALE)),
                     ops.mul(speed, _k(ops, SPEED_SCALE)), yaw, ops.mul(length, _k(ops, 0.2)),
                     ops.mul(width, _k(ops, 0.5))], 2)
    fa = ops.clip(fa, -FEATURE_CLIP, FEATURE_CLIP)
    ea = _dense(ops, fa, "enc.agent1", "enc.agent_in")
    ea = _dense(ops, ea, "enc.agent2", "enc.agent_h1", non_negative=True)        # [B,N,E]

    # Every other agent j seen from agent i (its position and velocity in i's frame), max-pooled over j.
    ops.scope("pairs")
    ci = ops.unsqueeze(c, 2)
    si = ops.unsqueeze(s, 2)                                                     # [B,N,1,1]
    dpos = ops.sub(ops.unsqueeze(pos, 1), ops.unsqueeze(pos, 2))                 # [B,N,N,2]: j - i
    dvel = ops.sub(ops.unsqueeze(vel, 1), ops.unsqueeze(vel, 2))
    pf, pl = _rotate(ops, dpos, ci, si, 3)
    vf, vl = _rotate(ops, dvel, ci, si, 3)
    fp = ops.mul(ops.concat([pf, pl, vf, vl], 3),
                 ops.const("pair_scale", np.array([POSITION_SCALE] * 2 + [SPEED_SCALE] * 2, np.float32)))
    fp = ops.clip(fp, -FEATURE_CLIP, FEATURE_CLIP)
    neighbour = ops.matmul(ops.qdq(ea, "enc.agent_out", True), ops.weight("enc.pair_nb.w"))   # [B,N,E]
    hp = ops.relu(ops.add(_dense(ops, fp, "enc.pair_geo", "enc.pair_in", relu=False),
                          ops.unsqueeze(neighbour, 1)))                          # [B,N,N,E]
    hp = _dense(ops, hp, "enc.pair2", "enc.pair_h1", non_negative=True)
    not_self = ops.const("not_self_%d" % n, (1.0 - np.eye(n, dtype=np.float32))[:, :, None])
    mask = ops.mul(ops.unsqueeze(valid, 1), not_self)                            # [B,N,N,1]
    pooled = ops.reduce_max(ops.mul(hp, mask), [2], keepdims=False)              # [B,N,E]

    ops.scope("combine")
    z = ops.add(_dense(ops, ea, "enc.comb_agent", "enc.agent_out", relu=False, non_negative=True),
                _dense(ops, pooled, "enc.comb_pair", "enc.pair_out", relu=False, non_negative=True,
                       bias=False))
    if full:
        # The route centre line seen from each agent, max-pooled over its points.
        ops.scope("route")
        r = ops.qdq_input(route, "route", ROUTE_QDQ[0], ROUTE_QDQ[1], 2)
        r = ops.clip(r, -ROUTE_CLIP_M, ROUTE_CLIP_M)
        rxy = ops.slice(r, 0, 2, 2)
        rvalid = ops.slice(r, 2, 3, 2)
        dr = ops.sub(ops.unsqueeze(rxy, 1), ops.unsqueeze(pos, 2))               # [B,N,P,2]
        rf, rl = _rotate(ops, dr, ci, si, 3)
        fr = ops.clip(ops.mul(ops.concat([rf, rl], 3), _k(ops, POSITION_SCALE)), -FEATURE_CLIP, FEATURE_CLIP)
        hr = _dense(ops, fr, "enc.route1", "enc.route_in")
        hr = _dense(ops, hr, "enc.route2", "enc.route_h1", non_negative=True)
        hr = ops.mul(hr, ops.unsqueeze(rvalid, 1))
        route_pooled = ops.reduce_max(hr, [2], keepdims=False)                   # [B,N,E]

        # Each light's stop line relative to the agent (along the route ~ along x), and only red/yellow.
        ops.scope("lights")
        lq = ops.qdq_input(lights, "lights", LIGHTS_QDQ[0], LIGHTS_QDQ[1], 2)
        stop = ops.reshape(ops.slice(lq, 0, 1, 2), [0, 1, -1])                   # [B,1,4]
        flag = ops.reshape(ops.slice(lq, 1, 2, 2), [0, 1, -1])
        lvalid = ops.reshape(ops.slice(lq, 2, 3, 2), [0, 1, -1])
        ax = ops.slice(pos, 0, 1, 2)                                             # [B,N,1]
        gap = ops.clip(ops.mul(ops.sub(stop, ax), _k(ops, STOP_SCALE)), -FEATURE_CLIP, FEATURE_CLIP)
        gap = ops.mul(gap, lvalid)
        fl = ops.concat([gap, ops.mul(gap, flag)], 2)                            # [B,N,8]

        ops.scope("ego")
        eg = ops.clip(ops.mul(ego, ops.const("ego_scale", np.array(EGO_SCALE, np.float32))),
                      -FEATURE_CLIP, FEATURE_CLIP)
        ee = _dense(ops, eg, "enc.ego1", "enc.ego_in")                           # [B,E]

        ops.scope("combine")
        z = ops.add(z, _dense(ops, route_pooled, "enc.comb_route", "enc.route_out", relu=False,
                              non_negative=True, bias=False))
        z = ops.add(z, _dense(ops, fl, "enc.comb_light", "enc.light_in", relu=False, bias=False))
        z = ops.add(z, ops.unsqueeze(_dense(ops, ee, "enc.comb_ego", "enc.ego_out", relu=False,
                                            non_negative=True, bias=False), 1))
        ego_channels = ops.concat([ops.relu(ops.slice(ego, 0, 1, 1)),
                                   ops.mul(ops.slice(ego, 3, 5, 1), _k(ops, 0.5))], 1)   # [B,3]
        ego_channels = ops.unsqueeze(ego_channels, 1)                            # [B,1,3]
    else:
        ego_channels = ops.const("default_ego_channels",
                                 np.array([[[0.0] + DEFAULT_EGO_HALF_SIZE]], np.float32))
    z = ops.relu(z)
    z = _dense(ops, z, "enc.comb2", "enc.comb_h1", non_negative=True)
    learned = ops.tanh(_dense(ops, z, "enc.comb3", "enc.comb_h2", relu=False, non_negative=True))

    ops.scope("latent")
    half = _k(ops, 0.5)
    kinematic = ops.concat([pos, heading, speed, yaw, valid, ops.mul(length, half), ops.mul(width, half)], 2)
    latent = ops.concat([kinematic, ops.mul(ego_channels, valid), learned], 2)

    ops.scope("moves")
    m = _dense(ops, learned, "move.h1", "move.in")
    m = ops.sigmoid(_dense(ops, m, "move.out", "move.h1", relu=False, non_negative=True))
    moves = ops.reshape(ops.mul(m, valid), [0, -1])                              # [B,N]
    return ops.mul(latent, valid), moves


def _tan(ops, x):
    """tan(x) by its Taylor series to x^9 (|error| < 1e-5 for |x| <= 0.57 rad); the op set has no Tan."""
    x2 = ops.mul(x, x)
    p = ops.add(ops.mul(x2, _k(ops, 62.0 / 2835)), _k(ops, 17.0 / 315))
    for coefficient in (2.0 / 15, 1.0 / 3, 1.0):
        p = ops.add(ops.mul(p, x2), _k(ops, coefficient))
    return ops.mul(p, x)


def _triangular(ops, name, inclusive, diagonal=None, scale=1.0):
    """[H,H] matrix T with (T @ a)[i] = scale * (sum of a[j] for j < i, plus a[i] if inclusive): running
    sums over the steps of a [H,K] tensor as one MatMul."""
    t = np.tril(np.ones((H_STEPS, H_STEPS), np.float64), 0 if inclusive else -1)
    if diagonal is not None:
        t += diagonal * np.eye(H_STEPS)
    return ops.const(name, (t * scale).astype(np.float32))


def rollout(ops, size, latent, actions):
    """agent_future [K,H,N,3], risk [K], and the closest approach [K] the risk comes from, by the size's
    rollout: stepwise (rollout_stepwise) or wide (rollout_wide)."""
    if size.rollout == WIDE:
        return rollout_wide(ops, size, latent, actions)
    return rollout_stepwise(ops, size, latent, actions)


def _ego_under_candidates(ops, latent, actions, quantize_channel_major=False):
    """The planner's bicycle (CandidateGenerator.step) for every candidate and step at once: running sums are
    MatMuls with triangular matrices. Speeds never go below 0, as the planner's applied accelerations ensure.
    Per-agent tensors are channel-major [c,N,L]; the ego's [H,K]. The actions' int8 grid (the manifest's, per
    channel) applies to the graph input, or with quantize_channel_major to the same values once transposed
    (the same numbers; ONNX Runtime quantizes [2,H,K] several times faster than [K,H,2])."""
    h_steps = ops.dim(actions, 1)
    assert h_steps == H_STEPS
    ops.scope("ego")
    if not quantize_channel_major:
        actions = ops.qdq_input(actions, "actions", ACTIONS_QDQ[0], ACTIONS_QDQ[1], 2)
    lat = ops.transpose(latent, [2, 1, 0])                                             # [D,N,L]
    ego = ops.reduce_max(ops.slice(lat, KINEMATIC_CHANNELS, LEARNED_OFFSET, 0), [1])    # [3,1,L]
    v0 = ops.reshape(ops.slice(ego, 0, 1, 0), [1, -1])                                 # [1,L]
    act = ops.transpose(actions, [2, 1, 0])                                            # [2,H,K]
    if quantize_channel_major:
        act = ops.qdq_input(act, "actions", ACTIONS_QDQ[0], ACTIONS_QDQ[1], 0)
    accel = ops.squeeze(ops.slice(act, 0, 1, 0), 0)                                    # [H,K]
    steer = ops.squeeze(ops.slice(act, 1, 2, 0), 0)

    inclusive = _triangular(ops, "sum_through_step", True)
    exclusive = _triangular(ops, "sum_before_step", False)
    v_end = ops.relu(ops.add(v0, ops.matmul(_triangular(ops, "speed_through_step", True, scale=DT_S), accel)))
    v_start = ops.relu(ops.add(v0, ops.matmul(_triangular(ops, "speed_before_step", False, scale=DT_S), accel)))
    v_mean = ops.mul(ops.add(v_start, v_end), _k(ops, 0.5))
    yaw_step = ops.mul(ops.mul(v_mean, _tan(ops, steer)), _k(ops, DT_S / WHEELBASE_M))
    psi_start = ops.matmul(exclusive, yaw_step)
    psi_mid = ops.matmul(_triangular(ops, "sum_to_mid_step", False, diagonal=0.5), yaw_step)
    psi_end = ops.matmul(inclusive, yaw_step)
    dt = _k(ops, DT_S)
    step_x = ops.mul(ops.mul(v_mean, ops.cos(psi_mid)), dt)
    step_y = ops.mul(ops.mul(v_mean, ops.sin(psi_mid)), dt)
    ego_pos = ops.concat([ops.unsqueeze(ops.matmul(exclusive, step_x), 0),
                          ops.unsqueeze(ops.matmul(exclusive, step_y), 0)], 0)         # [2,H,K] at step start
    sv = ops.mul(v_start, _k(ops, SPEED_SCALE))
    ego_vel = ops.concat([ops.unsqueeze(ops.mul(sv, ops.cos(psi_start)), 0),
                          ops.unsqueeze(ops.mul(sv, ops.sin(psi_start)), 0)], 0)       # [2,H,K], scaled
    return collections.namedtuple("Ego", "lat ego pos vel x_end y_end psi_end")(
        lat, ego, ego_pos, ego_vel, ops.matmul(inclusive, step_x), ops.matmul(inclusive, step_y), psi_end)


def _out_of_play(ops, valid, v0_agent, half_length_agent):
    """EMPTY_SLOT_GAP_M for agents the risk leaves out, 0 for those in play: empty slots and vehicles
    standing at t (the planner's analytic clearance and collision terms price passing them). A steep ramp of
    the initial speed and of the half length, so the same numbers run on every backend: in play above
    0.5 m/s or below 1 m half length."""
    moving = ops.clip(ops.mul(ops.sub(v0_agent, _k(ops, RISK_MIN_SPEED_MPS)), _k(ops, 100.0)), 0.0, 1.0)
    short = ops.clip(ops.mul(ops.sub(_k(ops, RISK_SHORT_HALF_LENGTH_M), half_length_agent), _k(ops, 100.0)),
                     0.0, 1.0)
    in_play = ops.mul(valid, ops.clip(ops.add(moving, short), 0.0, 1.0))
    return ops.mul(ops.sub(_k(ops, 1.0), in_play), _k(ops, EMPTY_SLOT_GAP_M))


def _squash(ops, closest):
    """The risk [K] of a closest approach [K]: the fitted logistic."""
    return ops.sigmoid(ops.add(ops.mul(ops.stop_gradient(closest), ops.bias("risk.a")), ops.bias("risk.b")))


def rollout_stepwise(ops, size, latent, actions):
    """The teacher's rollout: 30 steps unrolled, each agent's change at a step from where the ego is then.

    Inside, per-agent tensors are channel-major, [channels, N, K], and the ego's are [H, K]: the innermost
    axis is always the 64 candidates (or 32 agents), never a channel. ONNX Runtime's CPU kernels are ~20x
    slower on tensors whose innermost axis is 1 or 2, and the learned layers become single Gemms over
    all N x K agent-candidate pairs.
    """
    h_steps = ops.dim(actions, 1)
    e = _ego_under_candidates(ops, latent, actions)
    lat, ego_pos, ego_vel = e.lat, e.pos, e.vel
    dt = _k(ops, DT_S)

    ops.scope("agents")
    # The ego's position before step 0 is exactly 0 for every candidate (a sum of nothing): adding it gives
    # the agents' tensors the candidate axis, [c,N,L] -> [c,N,K].
    zero = ops.slice(ops.slice(ego_pos, 0, 1, 0), 0, 1, 1)                             # [1,1,K]

    def per_candidate(t):
        return ops.add(t, zero)

    n = ops.dim(latent, 1)
    learned = ops.slice(latent, LEARNED_OFFSET, ops.dim(latent, 2), 2)                 # [L,N,Dl]
    agent_part = _dense(ops, learned, "roll.latent", "roll.latent_in", relu=False)    # [L,N,Hd]
    agent_part = ops.reshape(per_candidate(ops.transpose(agent_part, [2, 1, 0])), [size.hidden, -1])  # [Hd,N*K]
    valid = per_candidate(ops.slice(lat, VALID_CHANNEL, VALID_CHANNEL + 1, 0))         # [1,N,K]
    pos = per_candidate(ops.slice(lat, 0, 2, 0))                                      # [2,N,K]
    psi = per_candidate(ops.slice(lat, 2, 3, 0))
    v = per_candidate(ops.slice(lat, 3, 4, 0))
    v0_agent = v
    half_length_agent = per_candidate(ops.slice(lat, 6, 7, 0))
    turn = per_candidate(ops.mul(ops.slice(lat, 4, 5, 0), dt))
    limits = ops.const("residual_limits", np.array(RESIDUAL_LIMITS, np.float32)[:, None])
    w_in = ops.weight("roll.in.w", transpose=True)
    w_h2 = ops.weight("roll.h2.w", transpose=True)
    w_out = ops.weight("roll.out.w", transpose=True)
    b_h2 = ops.reshape(ops.bias("roll.h2.b"), [-1, 1])
    b_out = ops.reshape(ops.bias("roll.out.b"), [-1, 1])
    poses = []
    for i in range(h_steps):
        ops.scope("step%02d" % i)
        c = ops.cos(psi)
        s = ops.sin(psi)
        unit = ops.concat([c, s], 0)                                                    # [2,N,K]
        d = ops.mul(ops.sub(pos, ops.slice(ego_pos, i, i + 1, 1)), _k(ops, POSITION_SCALE))
        rel_vel = ops.sub(ops.mul(unit, ops.mul(v, _k(ops, SPEED_SCALE))), ops.slice(ego_vel, i, i + 1, 1))
        f = ops.concat([d, unit, rel_vel, ops.mul(d, c), ops.mul(d, s)], 0)              # [10,N,K]
        f = ops.reshape(ops.clip(f, -FEATURE_CLIP, FEATURE_CLIP), [10, -1])
        hidden = ops.relu(ops.gemm(w_in, ops.qdq(f, "roll.in"), agent_part))            # [Hd,N*K]
        hidden = ops.relu(ops.gemm(w_h2, ops.qdq(hidden, "roll.h1", True), b_h2))
        change = ops.gemm(w_out, ops.qdq(hidden, "roll.h2", True), b_out)               # [2,N*K]
        change = ops.mul(ops.reshape(ops.mul(ops.tanh(change), limits), [2, n, -1]), valid)
        v_next = ops.relu(ops.add(v, ops.slice(change, 0, 1, 0)))
        psi_next = ops.add(ops.add(psi, turn), ops.slice(change, 1, 2, 0))
        travel = ops.mul(ops.add(v, v_next), _k(ops, 0.5 * DT_S))
        psi_mid_agent = ops.mul(ops.add(psi, psi_next), _k(ops, 0.5))
        pos = ops.add(pos, ops.mul(ops.concat([ops.cos(psi_mid_agent), ops.sin(psi_mid_agent)], 0), travel))
        poses.append(ops.unsqueeze(ops.concat([pos, psi_next], 0), 0))                  # [1,3,N,K]
        psi, v = psi_next, v_next

    ops.scope("future")
    # Empty slots never move from (0, 0, 0): their state is zero and their change is masked.
    stacked = ops.concat(poses, 0)                                                      # [H,3,N,K]
    future = ops.transpose(stacked, [3, 0, 2, 1])                                       # [K,H,N,3]

    # Closest approach over the first RISK_STEPS: the gap between footprints in the ego's axes (agents
    # taken as aligned with it, as the planner's clearance term does), agents out of play pushed far away.
    ops.scope("risk")
    near = ops.slice(stacked, 0, RISK_STEPS, 0)
    ax = ops.slice(near, 0, 1, 1)
    ay = ops.slice(near, 1, 2, 1)                                                       # [R,1,N,K]

    def per_step(t):
        return ops.reshape(ops.slice(t, 0, RISK_STEPS, 0), [RISK_STEPS, 1, 1, -1])        # [R,1,1,K]

    ce = per_step(ops.cos(e.psi_end))
    se = per_step(ops.sin(e.psi_end))
    along, across = _rotate(ops, ops.concat([ops.sub(ax, per_step(e.x_end)), ops.sub(ay, per_step(e.y_end))],
                                            1), ce, se, 1)
    half = per_candidate(ops.add(ops.slice(lat, 6, 8, 0), ops.slice(e.ego, 1, 3, 0)))   # [2,N,K]
    along = ops.sub(_abs(ops, along), ops.slice(half, 0, 1, 0))
    across = ops.sub(_abs(ops, across), ops.slice(half, 1, 2, 0))
    gap = ops.add(across, ops.relu(ops.sub(along, across)))
    empty = _out_of_play(ops, valid, v0_agent, half_length_agent)
    closest = ops.reduce_min(ops.add(gap, empty), [0, 1, 2], keepdims=False)            # [K]
    return future, _squash(ops, closest), closest


def _selection(ops, name, steps):
    """[S,H] matrix picking the given steps out of a [H,...] tensor by a MatMul."""
    m = np.zeros((len(steps), H_STEPS), np.float32)
    m[np.arange(len(steps)), list(steps)] = 1.0
    return ops.const(name, m)


def _dense_rows(ops, x, name, site, relu=True, non_negative=False):
    """A learned layer on row-major [rows, features]: Gemm(x, W[in,out], b), the pattern ONNX Runtime's
    CPU provider fuses into an integer QGemm when quantized (int8 weights per column, int32 bias)."""
    y = ops.gemm(ops.qdq(x, site, non_negative), ops.weight(name + ".w"), ops.quantized_bias(name, site))
    return ops.relu(y) if relu else y


def rollout_wide(ops, size, latent, actions):
    """The student's rollout: every agent's 30 steps decoded at once.

    Each agent, per candidate, sees where the ego will be at ten steps relative to where the agent itself
    would be at constant speed and yaw rate (in the agent's axes at t = 0), the ego's velocity relative to
    its own at five steps, its learned context and its kinematics. An MLP of WIDE_LAYERS layers of width
    size.hidden over all K x N candidate-agent rows answers with the agent's offset from that constant-velocity
    path at every step (along and across its initial heading, and of heading), each bounded (WIDE_LIMITS).
    Its time is in a few Gemms of 2,048 rows, not in per-step element-wise nodes: that is what lets integer
    kernels pay on a CPU (README, "Why int8 is not faster").

    Layout: per-agent tensors are channel-major [c,L,N] (the latent's batch, then the agents), per-candidate
    ones [c,K,N]; the MLP's rows are K x N, candidate-major. Every transpose is a 2-D one (or batched 2-D)
    over blocks of at least 32, which ONNX Runtime's CPU provider runs an order of magnitude faster than a
    general permutation.
    """
    n = ops.dim(latent, 1)
    e = _ego_under_candidates(ops, latent, actions, quantize_channel_major=True)
    dt = _k(ops, DT_S)

    ops.scope("agents")
    agents = ops.transpose(latent, [2, 0, 1])                                           # [D,L,N]
    zero = ops.reshape(ops.slice(ops.slice(e.pos, 0, 1, 0), 0, 1, 1), [1, -1, 1])     # [1,K,1]

    def per_candidate(t):
        return ops.add(t, zero)

    def over_steps(t):
        return ops.reshape(t, [H_STEPS, -1])                                            # [H,...] -> [H,M]

    inclusive = _triangular(ops, "sum_through_step", True)
    x0 = ops.slice(agents, 0, 1, 0)                                                     # [1,L,N]
    y0 = ops.slice(agents, 1, 2, 0)
    psi0 = ops.slice(agents, 2, 3, 0)
    v0 = ops.slice(agents, 3, 4, 0)
    yaw = ops.slice(agents, 4, 5, 0)
    valid = ops.slice(agents, VALID_CHANNEL, VALID_CHANNEL + 1, 0)
    c0 = ops.cos(psi0)
    s0 = ops.sin(psi0)

    # Each agent at constant speed and yaw rate, at the end of every step: [H,L,N].
    turn = ops.mul(yaw, dt)
    mid = ops.add(psi0, ops.mul(ops.const("wide_step_mid", (np.arange(H_STEPS, dtype=np.float32) + 0.5)
                                          [:, None, None]), turn))
    cv_psi = ops.add(psi0, ops.mul(ops.const("wide_step_end", (np.arange(H_STEPS, dtype=np.float32) + 1.0)
                                             [:, None, None]), turn))
    travel = ops.mul(v0, dt)
    shape = [H_STEPS, -1, n]
    cv_x = ops.add(x0, ops.reshape(ops.matmul(inclusive, over_steps(ops.mul(ops.cos(mid), travel))), shape))
    cv_y = ops.add(y0, ops.reshape(ops.matmul(inclusive, over_steps(ops.mul(ops.sin(mid), travel))), shape))

    ops.scope("features")
    pick = _selection(ops, "wide_position_steps", WIDE_POSITION_STEPS)
    steps = len(WIDE_POSITION_STEPS)
    dx = ops.sub(ops.unsqueeze(ops.matmul(pick, e.x_end), 2),
                 ops.reshape(ops.matmul(pick, over_steps(cv_x)), [steps, -1, n]))      # [S,K,N]
    dy = ops.sub(ops.unsqueeze(ops.matmul(pick, e.y_end), 2),
                 ops.reshape(ops.matmul(pick, over_steps(cv_y)), [steps, -1, n]))
    ahead = ops.add(ops.mul(dx, c0), ops.mul(dy, s0))
    left = ops.sub(ops.mul(dy, c0), ops.mul(dx, s0))
    pick_v = _selection(ops, "wide_velocity_steps", WIDE_VELOCITY_STEPS)
    evx = ops.unsqueeze(ops.matmul(pick_v, ops.squeeze(ops.slice(e.vel, 0, 1, 0), 0)), 2)     # [V,K,1]
    evy = ops.unsqueeze(ops.matmul(pick_v, ops.squeeze(ops.slice(e.vel, 1, 2, 0), 0)), 2)
    sv0 = ops.mul(v0, _k(ops, SPEED_SCALE))
    # The ego's velocity relative to the agent's (both scaled), in the agent's axes.
    rvx = ops.sub(ops.add(ops.mul(evx, c0), ops.mul(evy, s0)), sv0)
    rvy = ops.sub(ops.mul(evy, c0), ops.mul(evx, s0))
    own = ops.concat([ops.slice(agents, LEARNED_OFFSET, ops.dim(latent, 2), 0), sv0, yaw,
                      ops.mul(ops.slice(agents, 6, 7, 0), _k(ops, 0.2)),
                      ops.mul(ops.slice(agents, 7, 8, 0), _k(ops, 0.5))], 0)           # [Dl+4,L,N]
    f = ops.concat([per_candidate(own), ops.mul(ops.concat([ahead, left], 0), _k(ops, POSITION_SCALE)),
                    rvx, rvy], 0)                                                       # [F,K,N]
    f = ops.clip(ops.mul(f, valid), -FEATURE_CLIP, FEATURE_CLIP)
    rows = ops.transpose(ops.reshape(f, [wide_features(size), -1]), [1, 0])             # [K*N,F]

    ops.scope("mlp")
    hidden = _dense_rows(ops, rows, "roll.in", "roll.in")
    for i in range(1, WIDE_LAYERS):
        hidden = _dense_rows(ops, hidden, "roll.h%d" % (i + 1), "roll.h%d" % i, non_negative=True)
    out = _dense_rows(ops, hidden, "roll.out", "roll.h%d" % WIDE_LAYERS, relu=False, non_negative=True)

    ops.scope("offsets")
    limits = ops.const("wide_limits", np.concatenate(
        [np.asarray(WIDE_LIMITS[i](np.arange(1, H_STEPS + 1) * DT_S), np.float32) for i in range(3)])[:, None])
    out = ops.mul(ops.clip(ops.transpose(out, [1, 0]), -1.0, 1.0), limits)              # [3H,K*N]
    out = ops.reshape(ops.mul(out, ops.reshape(per_candidate(valid), [1, -1])), [3, H_STEPS, -1, n])
    along = ops.squeeze(ops.slice(out, 0, 1, 0), 0)                                     # [H,K,N]
    across = ops.squeeze(ops.slice(out, 1, 2, 0), 0)
    x = ops.add(cv_x, ops.sub(ops.mul(along, c0), ops.mul(across, s0)))
    y = ops.add(cv_y, ops.add(ops.mul(along, s0), ops.mul(across, c0)))
    psi = ops.add(cv_psi, ops.squeeze(ops.slice(out, 2, 3, 0), 0))

    ops.scope("future")
    # Empty slots stay at (0, 0, 0): their state is zero and their offsets are masked.
    stacked = ops.concat([ops.unsqueeze(x, 0), ops.unsqueeze(y, 0), ops.unsqueeze(psi, 0)], 0)   # [3,H,K,N]
    pose_major = ops.reshape(ops.transpose(stacked, [0, 2, 1, 3]), [3, -1])             # [3,K*H*N]
    future = ops.reshape(ops.transpose(pose_major, [1, 0]), [-1, H_STEPS, n, 3])        # [K,H,N,3]

    ops.scope("risk")
    def first_steps(t):
        return ops.slice(t, 0, RISK_STEPS, 0)

    def ego_steps(t):
        return ops.unsqueeze(first_steps(t), 2)                                         # [R,K,1]

    ce = ego_steps(ops.cos(e.psi_end))
    se = ego_steps(ops.sin(e.psi_end))
    rx = ops.sub(first_steps(x), ego_steps(e.x_end))                                    # [R,K,N]
    ry = ops.sub(first_steps(y), ego_steps(e.y_end))
    ego_half = ops.reshape(ops.slice(e.ego, 1, 3, 0), [2, -1, 1])                       # [2,L,1]
    half_length = ops.slice(agents, 6, 7, 0)                                            # [1,L,N]
    along_ego = ops.sub(_abs(ops, ops.add(ops.mul(rx, ce), ops.mul(ry, se))),
                        ops.add(half_length, ops.slice(ego_half, 0, 1, 0)))
    across_ego = ops.sub(_abs(ops, ops.sub(ops.mul(ry, ce), ops.mul(rx, se))),
                         ops.add(ops.slice(agents, 7, 8, 0), ops.slice(ego_half, 1, 2, 0)))
    gap = ops.add(across_ego, ops.relu(ops.sub(along_ego, across_ego)))
    empty = _out_of_play(ops, valid, v0, half_length)                                   # [1,L,N]
    closest = ops.reduce_min(ops.add(gap, empty), [0, 2], keepdims=False)               # [K]
    return future, _squash(ops, closest), closest
