package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;

import java.nio.FloatBuffer;

/**
 * What the SceneFrame does not say and the world model therefore cannot see: that a vehicle is braking. The
 * frame carries each agent's speed, not its acceleration, so a car ahead slowing at 4 m/s² is predicted as if
 * it kept its speed, and the ego closes in on it until only an emergency brake is left. This class measures
 * each agent's acceleration from its speed in successive scenes (matched by the agent's id, low-pass filtered)
 * and carries a braking vehicle's deceleration into its predicted path: along its predicted heading, each step
 * is moved back by what braking at that rate to a standstill takes off the distance of the prediction's
 * constant speed.
 * <p>
 * Only vehicles and cyclists that move the ego's way (within {@link #SAME_WAY_COS} of its heading) and brake
 * harder than {@link #BRAKING_MPS2} are moved: for them a harder brake ahead is the cautious assumption. An
 * oncoming car that brakes is left as predicted, since moving it back would open a gap the ego might take; an
 * agent speeding up is left as predicted too, since a car that accelerates now need not go on doing so. The
 * model's own change to the path (a follower braking for the ego) stays in: the two are added.
 * <p>
 * Allocation-free; not thread safe: owned by the planner thread.
 */
final class AgentBraking
{
    /** Braking gentler than this (m/s², as a magnitude) is left to the prediction: coasting, or noise. */
    static final double BRAKING_MPS2 = 1.0;
    /** An agent's heading must be within 60 degrees of the ego's. */
    static final double SAME_WAY_COS = 0.5;
    /** The filter's time constant: a speed step shows as braking within a few tenths of a second. */
    static final double FILTER_S = 0.3;
    /** Frames further apart than this (or going back in time) restart every agent's estimate: 1 s. */
    static final long MAX_GAP_NS = 1_000_000_000L;
    /**
     * A frame sooner than this after the one measured from (a producer faster than 50 Hz) is not measured over:
     * the next is measured from the same reference, so speed noise is never divided by a tiny step.
     */
    static final long MIN_GAP_NS = 20_000_000L;
    /** The hardest braking believed: beyond it a speed jump is a tracking glitch. */
    static final double MAX_BRAKING_MPS2 = 9.0;
    /** Moving agents only: a standing vehicle's future is the parked/queued logic's. */
    static final double MOVING_MPS = 0.5;

    private static final int CAPACITY = SceneSnapshot.MAX_AGENTS;

    /** This scene's estimate per agent slot, m/s² (negative when braking); 0 for agents seen for the first time. */
    final double[] accel = new double[CAPACITY];

    private final int[] previousId = new int[CAPACITY];
    private final double[] previousSpeed = new double[CAPACITY];
    private final double[] previousAccel = new double[CAPACITY];
    private int previousCount;
    private long previousTimestampNs;
    private boolean havePrevious;

    /**
     * Update the estimates from this scene's speeds; {@link #accel} then holds one per agent slot of the scene.
     */
    void observe(final SceneSnapshot scene)
    {
        // The step since the last frame measured from, exact whatever the two timestamps: when the new one is
        // later, their difference read as unsigned is exact; one that goes back or leaps ahead (a producer that
        // restarted its clock) measures nothing.
        final long stepNs = scene.timestampNs - previousTimestampNs;
        final boolean later = havePrevious && scene.timestampNs > previousTimestampNs &&
            Long.compareUnsigned(stepNs, MAX_GAP_NS) <= 0;
        if (later && stepNs < MIN_GAP_NS)
        {
            // Too soon after the frame measured from to measure over: keep its speeds and time as the reference,
            // and this scene's slots get the estimates as they stand.
            for (int i = 0; i < scene.agentCount; i++)
            {
                final int j = previousSlot(scene.agentId[i]);
                accel[i] = j < 0 ? 0 : previousAccel[j];
            }
            return;
        }
        final double gap = stepNs * 1e-9;
        final double alpha = later ? gap / (FILTER_S + gap) : 0;
        for (int i = 0; i < scene.agentCount; i++)
        {
            final int j = later ? previousSlot(scene.agentId[i]) : -1;
            if (j < 0)
            {
                accel[i] = 0;
                continue;
            }
            final double raw = (scene.agentSpeed[i] - previousSpeed[j]) / gap;
            final double filtered = previousAccel[j] + alpha * (raw - previousAccel[j]);
            accel[i] = Math.max(-MAX_BRAKING_MPS2, Math.min(MAX_BRAKING_MPS2, filtered));
        }
        remember(scene);
    }

    /**
     * Move every braking agent's predicted path back by its braking, for candidates 0 .. count - 1.
     *
     * @param future the rollout's agent_future, [K, horizon, maxAgents, 3] of (x, y, heading) in the ego frame.
     * @return the number of agents moved.
     */
    int carryInto(
        final SceneSnapshot scene, final FloatBuffer future, final int count, final int horizon, final int maxAgents,
        final double dt)
    {
        int moved = 0;
        final int agents = Math.min(scene.agentCount, maxAgents);
        for (int n = 0; n < agents; n++)
        {
            final double a = accel[n];
            final double v = scene.agentSpeed[n];
            final byte kind = scene.agentKind[n];
            if (a > -BRAKING_MPS2 || v < MOVING_MPS || Math.cos(scene.agentHeading[n]) < SAME_WAY_COS ||
                (kind != SceneCodes.VEHICLE && kind != SceneCodes.CYCLIST))
            {
                continue;
            }
            moved++;
            final double stopS = v * v / (-2 * a);
            final double stopT = v / -a;
            for (int h = 0; h < horizon; h++)
            {
                final double t = (h + 1) * dt;
                final double braked = t < stopT ? v * t + 0.5 * a * t * t : stopS;
                final double back = braked - v * t;
                for (int k = 0; k < count; k++)
                {
                    final int at = ((k * horizon + h) * maxAgents + n) * 3;
                    final double heading = future.get(at + 2);
                    future.put(at, (float)(future.get(at) + back * Math.cos(heading)));
                    future.put(at + 1, (float)(future.get(at + 1) + back * Math.sin(heading)));
                }
            }
        }
        return moved;
    }

    private int previousSlot(final int id)
    {
        for (int j = 0; j < previousCount; j++)
        {
            if (previousId[j] == id)
            {
                return j;
            }
        }
        return -1;
    }

    private void remember(final SceneSnapshot scene)
    {
        previousCount = scene.agentCount;
        for (int i = 0; i < previousCount; i++)
        {
            previousId[i] = scene.agentId[i];
            previousSpeed[i] = scene.agentSpeed[i];
            previousAccel[i] = accel[i];
        }
        previousTimestampNs = scene.timestampNs;
        havePrevious = true;
    }
}
