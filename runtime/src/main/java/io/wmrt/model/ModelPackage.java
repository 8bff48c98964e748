package io.wmrt.model;

import java.nio.file.Path;
import java.util.Map;

/**
 * A model package that passed verification: digests, tensors, planner contract and, where demanded, signature.
 * Immutable; safe from any thread.
 *
 * @param dir          package directory.
 * @param name         model name, published in every trajectory.
 * @param version      package version.
 * @param precision    fp32 or int8-qdq.
 * @param planner      the planner shape the graphs were exported for.
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

    /** Features per agent in the packed agents tensor: x, y, heading, speed, yaw rate, length, width, valid. */
    public static final int AGENT_FEATURES = 8;
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

    public boolean signed()
    {
        return null != signedBy;
    }
}
