package io.wmrt.bench;

import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.sbe.TrajectoryEncoder;

/**
 * A fixed plan of {@value #CAPACITY} waypoints (straight ahead at 5 m/s, 0.2 s apart) that the bus and queue
 * benchmarks send: into a {@link TrajectoryPublisher} as the planner writes a plan ({@link #publishable}), as an SBE
 * Trajectory through the encoder's own setters ({@link #encode}), or copied into a {@link WaypointMessage}.
 * <p>
 * Immutable after class initialisation; safe to use from any thread.
 */
public final class WaypointFixture
{
    /** Waypoints a Trajectory can carry (the schema's WaypointFloats length). */
    public static final int CAPACITY = 32;
    private static final double SPEED_MPS = 5.0;
    private static final double DT_S = 0.2;

    static final float[] X = new float[CAPACITY];
    static final float[] Y = new float[CAPACITY];
    static final float[] HEADING = new float[CAPACITY];
    static final float[] SPEED = new float[CAPACITY];
    static final float[] T = new float[CAPACITY];

    static
    {
        for (int i = 0; i < CAPACITY; i++)
        {
            T[i] = (float)((i + 1) * DT_S);
            X[i] = (float)(SPEED_MPS * T[i]);
            Y[i] = 0.01f * i;
            HEADING[i] = 0.001f * i;
            SPEED[i] = (float)SPEED_MPS;
        }
    }

    private WaypointFixture()
    {
    }

    /**
     * Encode the first {@code count} waypoints, the sequence and the waypoint count into the publisher's next
     * trajectory the way the planner does (its waypoint columns, then the encoder's scalar fields); the caller
     * publishes.
     */
    public static void publishable(final TrajectoryPublisher publisher, final long sequence, final int count)
    {
        final TrajectoryEncoder trajectory = publisher.encoder();
        for (int i = 0; i < count; i++)
        {
            publisher.waypoint(i, X[i], Y[i], HEADING[i], SPEED[i], T[i]);
        }
        trajectory.sequence(sequence).sceneSequence(sequence).waypointCount(count);
    }

    /**
     * Write the first {@code count} waypoints, the sequence and the waypoint count into a wrapped encoder.
     */
    public static void encode(final TrajectoryEncoder trajectory, final long sequence, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            trajectory.wpX(i, X[i]).wpY(i, Y[i]).wpHeading(i, HEADING[i]).wpSpeed(i, SPEED[i]).wpT(i, T[i]);
        }
        trajectory.sequence(sequence).sceneSequence(sequence).waypointCount(count);
    }

    /**
     * Copy all {@value #CAPACITY} waypoints and the sequence into a recycled message.
     */
    public static void copyInto(final WaypointMessage message, final long sequence)
    {
        System.arraycopy(X, 0, message.x, 0, CAPACITY);
        System.arraycopy(Y, 0, message.y, 0, CAPACITY);
        System.arraycopy(HEADING, 0, message.heading, 0, CAPACITY);
        System.arraycopy(SPEED, 0, message.speed, 0, CAPACITY);
        System.arraycopy(T, 0, message.t, 0, CAPACITY);
        message.sequence = sequence;
        message.waypointCount = CAPACITY;
    }
}
