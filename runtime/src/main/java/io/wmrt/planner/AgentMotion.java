package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;

import java.nio.FloatBuffer;

/**
 * What the SceneFrame does not say and the world model therefore cannot see: that a vehicle is braking, that
 * one is finishing a turn onto the road, and that a walker on a crossing walks straight across it.
 * <p>
 * <b>Braking.</b> The
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
 * <b>Finishing a turn.</b> The frame carries no yaw rate (the rig sends 0, as the data the models learned from
 * did), so a car turning in from a side road is predicted along the heading it has mid-turn: straight across the
 * centre line into the ego lane, where every candidate then meets it and the planner brakes hard for a car that
 * will straighten up in its own lane (red-light-queue-8700-024, -026, -028, -036: a car turning right out of the
 * cross street into the lane coming the other way, predicted so by the cv-baseline and the int8 student alike).
 * The yaw rate is measured here from the heading in successive scenes, filtered like the braking. A vehicle or
 * cyclist on the road along the route ({@link #TURN_ROAD_LANES} lane widths of the ego lane's centre), moving
 * within 45 degrees of the route's direction or against it, at least {@link #TURN_MIN_RAD} off it and turning
 * towards it faster than {@link #TURN_RATE_RADPS}, is predicted to go on sideways at its present rate only as
 * far as the first lane centre it reaches (a lane centre lies every lane width from the ego lane's), and then
 * along the lane at its full speed. A car turning across the ego's path (its heading leaving the road's
 * direction) is left as predicted.
 * <p>
 * <b>Crossing.</b> The models learned walkers on sidewalks and crossings from the rig's data, and predicted one
 * entering a zebra from its corner on a slant that cut into the ego lane, where a stop short of the walkers' line
 * met it (zebra-9700-039). A walker heading across the road on the drivable area, or within
 * {@link #CROSSING_KERB_M} of it, is predicted straight on at its velocity. One still on the pavement who walks
 * towards the road fast enough to reach that band within the horizon is predicted on its slant until it does,
 * and from there straight across at its speed, as SUMO walks a walker from the pavement to a zebra's end on a
 * slant and then along the zebra. The model drew that slant on: 3 m from the road's edge, it predicted the walker
 * 4 m along the road towards an ego stopping at the walkers' line, into its nose, and the ego braked at
 * 4.3 m/s² for it (zebra-10000-006); carried on its slant for the whole 6 s horizon, it came as far.
 * <p>
 * Allocation-free; not thread safe: owned by the planner thread.
 */
final class AgentMotion
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
    /** The fastest turn believed (rad/s): beyond it a heading jump is a tracking glitch. */
    static final double MAX_YAW_RATE_RADPS = 2.0;
    /** Moving agents only: a standing vehicle's future is the parked/queued logic's. */
    static final double MOVING_MPS = 0.5;
    /** A turn is carried only for agents at least this fast: below it a heading is not a direction of travel. */
    static final double TURN_MOVING_MPS = 2.0;
    /** Off the road's direction by less than this (rad, about 3 degrees) a vehicle is driving along it. */
    static final double TURN_MIN_RAD = 0.05;
    /** Turning slower than this (rad/s) towards the road's direction is not a turn: heading noise. */
    static final double TURN_RATE_RADPS = 0.1;
    /** How far from the ego lane's centre, in lane widths, an agent is on the road the turn is carried for. */
    static final double TURN_ROAD_LANES = 2.0;
    /** Within about 45 degrees of the route's direction, along it or against it. */
    static final double TURN_ALONG_COS = 0.7;
    /** A walker heading across this close to the drivable area (m) is about to step onto it. */
    static final double CROSSING_KERB_M = 1.0;

    private static final int CAPACITY = SceneSnapshot.MAX_AGENTS;

    /** This scene's estimate per agent slot, m/s² (negative when braking); 0 for agents seen for the first time. */
    final double[] accel = new double[CAPACITY];
    /** This scene's yaw rate per agent slot, rad/s (counter-clockwise positive); 0 for agents seen the first time. */
    final double[] yawRate = new double[CAPACITY];

    private final int[] previousId = new int[CAPACITY];
    private final double[] previousSpeed = new double[CAPACITY];
    private final double[] previousAccel = new double[CAPACITY];
    private final double[] previousHeading = new double[CAPACITY];
    private final double[] previousYawRate = new double[CAPACITY];
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
                yawRate[i] = j < 0 ? 0 : previousYawRate[j];
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
                yawRate[i] = 0;
                continue;
            }
            final double raw = (scene.agentSpeed[i] - previousSpeed[j]) / gap;
            final double filtered = previousAccel[j] + alpha * (raw - previousAccel[j]);
            accel[i] = Math.max(-MAX_BRAKING_MPS2, Math.min(MAX_BRAKING_MPS2, filtered));
            final double turn = SceneSnapshot.wrap(worldHeading(scene, i) - previousHeading[j]) / gap;
            final double turnFiltered = previousYawRate[j] + alpha * (turn - previousYawRate[j]);
            yawRate[i] = Math.max(-MAX_YAW_RATE_RADPS, Math.min(MAX_YAW_RATE_RADPS, turnFiltered));
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

    /**
     * Carry every agent finishing a turn onto the road along the route into the lane it is turning into, for
     * candidates 0 .. count - 1 (see the class comment). Needs a usable route; the same path for every candidate.
     *
     * @param future the rollout's agent_future, [K, horizon, maxAgents, 3] of (x, y, heading) in the ego frame.
     * @return the number of agents carried.
     */
    int carryTurnsInto(
        final SceneSnapshot scene, final FloatBuffer future, final int count, final int horizon, final int maxAgents,
        final double dt)
    {
        final RouteFrame route = scene.route;
        final double laneWidth = scene.laneWidth;
        if (!route.usable() || !(laneWidth > 0))
        {
            return 0;
        }
        int carried = 0;
        final int agents = Math.min(scene.agentCount, maxAgents);
        for (int n = 0; n < agents; n++)
        {
            final byte kind = scene.agentKind[n];
            final double v = scene.agentSpeed[n];
            final double d = scene.agentD[n];
            if ((kind != SceneCodes.VEHICLE && kind != SceneCodes.CYCLIST) || !(v >= TURN_MOVING_MPS) ||
                !(Math.abs(d) < TURN_ROAD_LANES * laneWidth))
            {
                continue;
            }
            route.pointAt(scene.agentS[n], 0);
            final double relative = SceneSnapshot.wrap(scene.agentHeading[n] - route.heading);
            final double along = Math.cos(relative);
            if (Math.abs(along) < TURN_ALONG_COS)
            {
                continue;
            }
            // Off the road's direction (along it, or against it) by e, and turning back towards it.
            final double off = along > 0 ? relative : SceneSnapshot.wrap(relative - Math.PI);
            final double w = yawRate[n];
            if (Math.abs(off) < TURN_MIN_RAD || Math.abs(w) < TURN_RATE_RADPS || off * w >= 0)
            {
                continue;
            }
            carried++;
            final double sideways = v * Math.sin(relative);
            final double ahead = v * along;
            final double target = sideways < 0 ? Math.floor(d / laneWidth) * laneWidth :
                Math.ceil(d / laneWidth) * laneWidth;
            final double reach = sideways == 0 ? 0 : (target - d) / sideways;
            final double back = along > 0 ? 0 : Math.PI;
            for (int h = 0; h < horizon; h++)
            {
                final double t = (h + 1) * dt;
                final double turning = Math.min(t, reach);
                final double s = scene.agentS[n] + ahead * turning + Math.copySign(v, ahead) * (t - turning);
                route.pointAt(s, t < reach ? d + sideways * t : target);
                final float x = (float)route.px;
                final float y = (float)route.py;
                final float heading = (float)SceneSnapshot.wrap(t < reach ? scene.agentHeading[n] :
                    route.heading + back);
                putForEvery(future, count, horizon, maxAgents, n, h, x, y, heading);
            }
        }
        return carried;
    }

    /**
     * Carry every walker crossing the road straight on at its velocity, for candidates 0 .. count - 1: a walker
     * heading across (see {@link SceneSnapshot#YIELD_ACROSS_COS}) on the drivable area or within
     * {@link #CROSSING_KERB_M} of it, straight on; one walking towards that band fast enough to reach it within
     * the horizon, on its heading until it does and then straight across the road. The same path for every
     * candidate.
     *
     * @param future the rollout's agent_future, [K, horizon, maxAgents, 3] of (x, y, heading) in the ego frame.
     * @return the number of walkers carried.
     */
    int carryCrossingsInto(
        final SceneSnapshot scene, final FloatBuffer future, final int count, final int horizon, final int maxAgents,
        final double dt)
    {
        final RouteFrame route = scene.route;
        if (!route.usable())
        {
            return 0;
        }
        int carried = 0;
        final int agents = Math.min(scene.agentCount, maxAgents);
        for (int n = 0; n < agents; n++)
        {
            final double v = scene.agentSpeed[n];
            final double d = scene.agentD[n];
            if (scene.agentKind[n] != SceneCodes.PEDESTRIAN || !(v >= MOVING_MPS) || !Double.isFinite(d))
            {
                continue;
            }
            route.pointAt(scene.agentS[n], 0);
            final double heading = scene.agentHeading[n];
            final double relative = SceneSnapshot.wrap(heading - route.heading);
            if (!(Math.abs(Math.cos(relative)) < SceneSnapshot.YIELD_ACROSS_COS))
            {
                continue;
            }
            // Off the road: how far, and how fast the walker closes on its edge (sideways speed towards it).
            final double outside = d > scene.drivableLeft ? d - scene.drivableLeft :
                d < -scene.drivableRight ? -scene.drivableRight - d : 0;
            final double closing = (d > 0 ? -1 : 1) * v * Math.sin(relative);
            if (!(outside <= CROSSING_KERB_M + Math.max(0, closing) * horizon * dt))
            {
                continue;
            }
            carried++;
            final double vx = v * Math.cos(heading);
            final double vy = v * Math.sin(heading);
            // On its slant until it reaches the band, then straight across the road at its speed.
            final double slant = outside <= CROSSING_KERB_M ? Double.POSITIVE_INFINITY :
                (outside - CROSSING_KERB_M) / closing;
            final double across = route.heading + (d > 0 ? -0.5 : 0.5) * Math.PI;
            final double ax = v * Math.cos(across);
            final double ay = v * Math.sin(across);
            for (int h = 0; h < horizon; h++)
            {
                final double t = (h + 1) * dt;
                final double onSlant = Math.min(t, slant);
                final double straight = t - onSlant;
                putForEvery(future, count, horizon, maxAgents, n, h,
                    (float)(scene.agentX[n] + vx * onSlant + ax * straight),
                    (float)(scene.agentY[n] + vy * onSlant + ay * straight), (float)(straight > 0 ? across : heading));
            }
        }
        return carried;
    }

    /** Agent n's step h of the agent_future, the same for candidates 0 .. count - 1. */
    private static void putForEvery(
        final FloatBuffer future, final int count, final int horizon, final int maxAgents, final int n, final int h,
        final float x, final float y, final float heading)
    {
        for (int k = 0; k < count; k++)
        {
            final int at = ((k * horizon + h) * maxAgents + n) * 3;
            future.put(at, x);
            future.put(at + 1, y);
            future.put(at + 2, heading);
        }
    }

    /** Agent i's heading in the world (the scene keeps it relative to the ego's). */
    private static double worldHeading(final SceneSnapshot scene, final int i)
    {
        return scene.agentHeading[i] + scene.egoWorldHeading;
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
            previousHeading[i] = worldHeading(scene, i);
            previousYawRate[i] = yawRate[i];
        }
        previousTimestampNs = scene.timestampNs;
        havePrevious = true;
    }
}
