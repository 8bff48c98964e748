package io.wmrt.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A model package that passed verification: digests, tensors, planner contract and, where demanded, signature.
 * Immutable; safe from any thread.
 * <p>
 * <b>The planner's tensor contract.</b> Every tensor the runtime binds is float32 with a static shape; K, H and
 * N are the manifest's {@code planner.candidates}, {@code planner.horizon_steps} and {@code planner.max_agents}.
 * <pre>
 *   role     kind    name          shape           required  written / read by the planner
 *   encoder  input   agents        [1, N, 8]       yes       every tick: x, y, heading, speed, yaw rate, length,
 *                                                            width, valid (1.0 for the first agentCount slots)
 *   encoder  input   ego           [1, 8]          no        every tick: speed_mps, accel_mps2, steer_rad,
 *                                                            length_m, width_m, speed_limit_mps, lane_width_m, 1.0
 *   encoder  input   route         [1, 64, 3]      no        every tick: route centre line x, y, valid
 *   encoder  input   lights        [1, 4, 3]       no        every tick: stop_s, stop (1.0 red or yellow), valid
 *   rollout  input   actions       [K, H, 2]       yes       every tick: acceleration m/s^2, front wheel angle rad
 *   rollout  input   (any other)   as declared     -         must be an encoder output of the same spec (latent)
 *   rollout  output  agent_future  [K, H, N, 3]    yes       read: every agent's x, y, heading per candidate, step
 *   rollout  output  risk          [K]             no        read: P(candidate k leads to a collision), in [0, 1]
 * </pre>
 * An optional input is packed when, and only when, the encoder graph declares an input of exactly that name;
 * the encoder may declare no other inputs. {@code risk} is scored when the rollout graph declares it. A package
 * without them (cv-baseline) is planned for exactly as before.
 * <p>
 * <b>The ego frame</b>, in which every position and heading above is given: origin at the ego's position as the
 * SceneFrame gives it ({@code egoX}, {@code egoY}: the footprint centre), +x along the ego's heading, +y to its
 * left; headings are radians counter-clockwise from +x, wrapped to [-pi, pi]. A world point (wx, wy) maps to
 * {@code x = c (wx - egoX) + s (wy - egoY)}, {@code y = -s (wx - egoX) + c (wy - egoY)} with c, s the cosine and
 * sine of {@code egoHeading}.
 * <p>
 * <b>ego</b>: the SceneFrame's ego fields, speed clamped at 0 as the planner uses it; the last feature is always
 * 1.0 (a constant a graph can use as a bias).
 * <p>
 * <b>route</b>: the route the planner scores against ({@code SceneSnapshot.route}), not resampled: the
 * SceneFrame's route points in order, converted to the ego frame, except that a point within 1 cm of the
 * previous kept point is dropped (so the valid points can be fewer than {@code routePointCount}). Row i is
 * (x, y, 1.0) for the valid points, then zeros. When the SceneFrame has no usable route (fewer than two distinct
 * points) the planner drives along a stand-in straight line ahead; that stand-in is not packed and every row is
 * zeros.
 * <p>
 * <b>lights</b>: the SceneFrame's first {@code lightCount} (at most 4) lights in its order. Row i is
 * (stop_s, stop, 1.0): stop_s is the stop line's arc length in metres along the route from the route's first
 * point, exactly as in the SceneFrame (an arc length, so no frame change); stop is 1.0 for a red or yellow light,
 * 0.0 for green or unknown. Rows past lightCount are zeros.
 * <p>
 * <b>risk</b>: the model's probability that candidate k leads to a collision within the horizon, or to whatever
 * milder event the package's model card defines (a near miss, say) when the manifest prices it. The scorer adds
 * {@code CostWeights.risk * clamp(risk[k], 0, 1)} to the candidate's total (NaN counts as 1.0) and publishes it
 * inside {@code costCollision}, the Trajectory having no field of its own for it. What the risk means is the
 * package's to say: a head trained on near misses rather than collisions declares a lower price in the manifest's
 * {@code planner.risk_cost}, which replaces {@code CostWeights.risk}.
 *
 * @param dir          package directory.
 * @param name         model name, published in every trajectory.
 * @param version      package version.
 * @param precision    fp32 or int8-qdq.
 * @param planner      the planner shape the graphs were exported for.
 * @param riskCost     {@code planner.risk_cost}: what the package says a risk of 1.0 should cost the plan, in the
 *                     scorer's units (one metre of progress is 1); empty to leave the planner's default, which
 *                     treats the risk as a collision probability.
 * @param actionLower  per action dimension, the lowest value a candidate may use.
 * @param actionUpper  per action dimension, the highest value.
 * @param graphs       graphs by role.
 * @param lineage      free-form lineage entries (teacher, data, quantization, ...).
 * @param signedBy     key id of the trusted key whose signature verified, or null if unsigned.
 */
public record ModelPackage(
    Path dir,
    String name,
    String version,
    Precision precision,
    PlannerShape planner,
    OptionalDouble riskCost,
    double[] actionLower,
    double[] actionUpper,
    Map<String, GraphSpec> graphs,
    Map<String, String> lineage,
    String signedBy)
{
    public static final String ENCODER = "encoder";
    public static final String ROLLOUT = "rollout";

    /** Encoder input: agents in the ego frame, [1, N, AGENT_FEATURES]. */
    public static final String AGENTS_TENSOR = "agents";
    /** Rollout input: every candidate's action sequence, [K, H, A]. */
    public static final String ACTIONS_TENSOR = "actions";
    /** Rollout output: predicted agent poses (x, y, heading) in the ego frame, [K, H, N, 3]. */
    public static final String AGENT_FUTURE_TENSOR = "agent_future";

    /** Optional encoder input: the ego's own state, [1, EGO_FEATURES]. */
    public static final String EGO_TENSOR = "ego";
    /** Optional encoder input: the route centre line in the ego frame, [1, ROUTE_POINTS, ROUTE_FEATURES]. */
    public static final String ROUTE_TENSOR = "route";
    /** Optional encoder input: the traffic lights ahead, [1, LIGHT_SLOTS, LIGHT_FEATURES]. */
    public static final String LIGHTS_TENSOR = "lights";
    /** Optional rollout output: each candidate's predicted probability of a collision, [K]. */
    public static final String RISK_TENSOR = "risk";
    /**
     * Optional encoder output: for each agent slot, the model's probability that the agent, if it is a vehicle
     * standing now, moves within the next 30 s, [1, N]. The scorer reads it for standing vehicles in the ego
     * lane: one that will not move is an obstacle that may be passed, one that will is traffic.
     */
    public static final String AGENT_MOVES_TENSOR = "agent_moves";
    /** Every encoder input the planner packs: the encoder may declare these and no others. */
    public static final List<String> ENCODER_INPUTS = List.of(AGENTS_TENSOR, EGO_TENSOR, ROUTE_TENSOR, LIGHTS_TENSOR);

    /** Features per agent in the packed agents tensor: x, y, heading, speed, yaw rate, length, width, valid. */
    public static final int AGENT_FEATURES = 8;
    /** Ego features: speed, acceleration, steering, length, width, speed limit, lane width, 1.0. */
    public static final int EGO_FEATURES = 8;
    /** Route rows: the SceneFrame's route capacity. */
    public static final int ROUTE_POINTS = 64;
    /** Features per route row: x, y, valid. */
    public static final int ROUTE_FEATURES = 3;
    /** Light rows: the SceneFrame's light capacity. */
    public static final int LIGHT_SLOTS = 4;
    /** Features per light row: stop_s, stop (red or yellow), valid. */
    public static final int LIGHT_FEATURES = 3;
    /** Action dimensions: acceleration (m/s^2), front wheel angle (rad). */
    public static final int ACTION_DIMS = 2;

    public enum Precision
    {
        FP32("fp32"),
        INT8_QDQ("int8-qdq");

        private final String text;

        Precision(final String text)
        {
            this.text = text;
        }

        public String toString()
        {
            return text;
        }
    }

    /**
     * @param candidates  K, candidates rolled out per call.
     * @param horizon     H, steps per rollout.
     * @param dtSeconds   seconds per step.
     * @param maxAgents   N, agent slots.
     * @param agentRangeM farthest an agent may be from the ego (in x or y) for the graphs to represent it;
     *                    an int8 grid saturates beyond it, so the planner leaves such agents out.
     */
    public record PlannerShape(int candidates, int horizon, double dtSeconds, int maxAgents, double agentRangeM)
    {
    }

    public GraphSpec graph(final String role)
    {
        return graphs.get(role);
    }

    /**
     * @return the encoder inputs the planner packs for this package, in {@link #ENCODER_INPUTS} order.
     */
    public List<String> packedInputs()
    {
        final List<String> names = new ArrayList<>();
        for (final String name : ENCODER_INPUTS)
        {
            if (null != graph(ENCODER).input(name))
            {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    /**
     * @return true when the rollout predicts a risk per candidate, which the scorer then prices.
     */
    public boolean predictsRisk()
    {
        return null != graph(ROLLOUT).output(RISK_TENSOR);
    }

    /**
     * @return true when the encoder says which standing agents will move ({@link #AGENT_MOVES_TENSOR}), which the
     * scorer then uses in place of its queue rule.
     */
    public boolean predictsMoves()
    {
        return null != graph(ENCODER).output(AGENT_MOVES_TENSOR);
    }

    public boolean signed()
    {
        return null != signedBy;
    }
}
