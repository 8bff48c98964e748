package io.wmrt.planner;

import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryEncoder;

/**
 * The last plan published from a valid scene, kept in world coordinates, and the comfortable stop along it
 * that is published when no newer plan can be: the frames stopped being valid, or a tick hung past its
 * deadline. The stop starts the first time it is asked for after a plan and continues from there (asking
 * again does not restart it); it follows the plan's path, decelerates at the comfortable rate, and never runs
 * further along the path than the plan itself would have (a plan that was braking for something keeps
 * braking for it). With no plan yet there is no path to follow: the stop is published without waypoints,
 * which a controller reads as "brake to standstill where you are".
 * <p>
 * Not thread safe: used by whichever of the planner and the watchdog holds the {@link TickGate}.
 */
final class MinimalRiskStop
{
    private static final long NOT_STOPPING = Long.MIN_VALUE;

    private final int horizon;
    private final double dt;
    private final double decel;
    /** The plan's path: index 0 is the ego at the scene's time, index i the waypoint at i * dt. */
    private final double[] x;
    private final double[] y;
    private final double[] heading;
    private final double[] speed;
    private final double[] arc;
    private final byte[] modelName = new byte[24];
    private boolean havePlan;
    private long planNs;
    private long planSceneTimestampNs;
    private BackendKind backend = BackendKind.ORT_CPU;
    private long stopStartNs = NOT_STOPPING;

    MinimalRiskStop(final int horizon, final double dtSeconds, final double comfortDecelMps2, final byte[] modelName)
    {
        this.horizon = horizon;
        this.dt = dtSeconds;
        this.decel = comfortDecelMps2;
        x = new double[horizon + 1];
        y = new double[horizon + 1];
        heading = new double[horizon + 1];
        speed = new double[horizon + 1];
        arc = new double[horizon + 1];
        System.arraycopy(modelName, 0, this.modelName, 0, Math.min(modelName.length, this.modelName.length));
    }

    /**
     * Keep candidate {@code k} of the set, as just published for {@code scene}, as the plan to stop along.
     */
    void remember(
        final SceneSnapshot scene, final CandidateSet set, final int k, final BackendKind backend, final long nowNs)
    {
        final double c = Math.cos(scene.egoWorldHeading);
        final double s = Math.sin(scene.egoWorldHeading);
        x[0] = scene.egoWorldX;
        y[0] = scene.egoWorldY;
        heading[0] = scene.egoWorldHeading;
        speed[0] = scene.egoSpeed;
        arc[0] = 0;
        final int base = k * set.horizon;
        for (int i = 1; i <= horizon; i++)
        {
            final double lx = set.x[base + i - 1];
            final double ly = set.y[base + i - 1];
            x[i] = scene.egoWorldX + c * lx - s * ly;
            y[i] = scene.egoWorldY + s * lx + c * ly;
            heading[i] = scene.egoWorldHeading + set.heading[base + i - 1];
            speed[i] = Math.max(0, set.speed[base + i - 1]);
            arc[i] = arc[i - 1] + Math.hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
        }
        this.backend = backend;
        planNs = nowNs;
        planSceneTimestampNs = scene.timestampNs;
        stopStartNs = NOT_STOPPING;
        havePlan = true;
    }

    boolean havePlan()
    {
        return havePlan;
    }

    /**
     * @return how long ago the last plan was published, or {@link Long#MAX_VALUE} when there is none.
     */
    long planAgeNs(final long nowNs)
    {
        return havePlan ? nowNs - planNs : Long.MAX_VALUE;
    }

    /**
     * Encode the comfortable stop as seen from {@code nowNs}, answering scene {@code sceneSequence}. Waypoint
     * times count from the published {@code sceneTimestampNs}: the plan's scene time moved on by the time
     * since the plan was published. The publisher's next sequence number is taken; the caller publishes.
     */
    void encode(final TrajectoryPublisher publisher, final long nowNs, final long sceneSequence, final long tickNanos)
    {
        final TrajectoryEncoder out = publisher.encoder().sequence(publisher.nextSequence());
        int waypoints = 0;
        long timestampNs = 0;
        if (havePlan)
        {
            if (NOT_STOPPING == stopStartNs)
            {
                stopStartNs = nowNs;
            }
            final double startT = (stopStartNs - planNs) * 1e-9;
            final double nowT = (nowNs - planNs) * 1e-9;
            final double v0 = planSpeedAt(startT);
            final double s0 = planArcAt(startT);
            for (int i = 0; i < horizon; i++)
            {
                final double t = nowT + (i + 1) * dt;
                final double braking = Math.min(t - startT, v0 / decel);
                double s = s0 + v0 * braking - 0.5 * decel * braking * braking;
                double v = v0 - decel * braking;
                final double planS = planArcAt(t);
                if (planS < s)
                {
                    s = planS;
                    v = Math.min(v, planSpeedAt(t));
                }
                pointAt(s);
                publisher.waypoint(i, (float)px, (float)py, (float)SceneSnapshot.wrap(ph), (float)Math.max(0, v),
                    (float)((i + 1) * dt));
            }
            waypoints = horizon;
            timestampNs = planSceneTimestampNs + (nowNs - planNs);
        }
        out.sceneSequence(sceneSequence)
            .sceneTimestampNs(timestampNs)
            .waypointCount(waypoints)
            .candidateCount(0)
            .costTotal(0f).costCollision(0f).costTtc(0f).costProgress(0f).costComfort(0f).costLane(0f)
            .costRedLight(0f).costPedestrian(0f).minTtcS(0f).progressM(0f)
            .backend(backend)
            .mode(PlanMode.MINIMAL_RISK)
            .putModelName(modelName, 0)
            .behaviour((byte)-1)
            .predictedCollision((short)0)
            .tickNanos(tickNanos);
    }

    /** Result of {@link #pointAt}. */
    private double px;
    private double py;
    private double ph;

    /**
     * The point at arc length {@code s} along the plan's path; past its end, straight on along its last
     * heading.
     */
    private void pointAt(final double s)
    {
        int i = 0;
        while (i < horizon - 1 && arc[i + 1] < s)
        {
            i++;
        }
        if (s <= arc[i + 1])
        {
            final double segment = arc[i + 1] - arc[i];
            if (segment > 1e-6)
            {
                final double f = Math.max(0, (s - arc[i]) / segment);
                px = x[i] + f * (x[i + 1] - x[i]);
                py = y[i] + f * (y[i + 1] - y[i]);
                ph = Math.atan2(y[i + 1] - y[i], x[i + 1] - x[i]);
            }
            else
            {
                px = x[i + 1];
                py = y[i + 1];
                ph = heading[i + 1];
            }
            return;
        }
        final double beyond = Math.max(0, s - arc[horizon]);
        ph = heading[horizon];
        px = x[horizon] + beyond * Math.cos(ph);
        py = y[horizon] + beyond * Math.sin(ph);
    }

    private double planArcAt(final double t)
    {
        final double steps = t / dt;
        if (!(steps > 0))
        {
            return 0;
        }
        if (steps >= horizon)
        {
            return arc[horizon] + speed[horizon] * (t - horizon * dt);
        }
        final int i = (int)steps;
        final double f = steps - i;
        return arc[i] + f * (arc[i + 1] - arc[i]);
    }

    private double planSpeedAt(final double t)
    {
        final double steps = t / dt;
        if (!(steps > 0))
        {
            return speed[0];
        }
        if (steps >= horizon)
        {
            return speed[horizon];
        }
        final int i = (int)steps;
        final double f = steps - i;
        return speed[i] + f * (speed[i + 1] - speed[i]);
    }
}
