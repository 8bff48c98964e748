package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameDecoder;

/**
 * The physical ranges a SceneFrame's values must lie in, and the checks that apply them to a decoded frame
 * before any value is used. Every check is a handful of comparisons written so that NaN fails them (a
 * comparison with NaN is false, so each range is tested as "inside", never as "not outside").
 * <p>
 * Stateless; safe from any thread.
 */
public final class SceneLimits
{
    /** World coordinates: a local map frame, metres; a float beyond this has no centimetres left anyway. */
    public static final double MAX_COORDINATE_M = 1.0e6;
    /** Headings need not be wrapped by the producer, but a float beyond this has lost its degrees. */
    public static final double MAX_ANGLE_RAD = 1.0e4;
    public static final double MAX_SPEED_MPS = 100;
    /** The ego's own speed may read a hair below zero when it stands (sensor noise): taken as 0. */
    public static final double MIN_EGO_SPEED_MPS = -0.5;
    /** Another road user's speed may be negative: a car reversing. */
    public static final double MIN_AGENT_SPEED_MPS = -20;
    public static final double MAX_ACCEL_MPS2 = 20;
    public static final double MAX_STEER_RAD = 1.5;
    public static final double MAX_YAW_RATE_RADPS = 10;
    public static final double MIN_EGO_SIZE_M = 0.5;
    public static final double MAX_LENGTH_M = 50;
    public static final double MAX_WIDTH_M = 10;
    public static final double MIN_LANE_WIDTH_M = 1.0;
    public static final double MAX_LANE_WIDTH_M = 10;
    public static final double MAX_DRIVABLE_M = 100;
    /** Route points closer than this to the previous one add nothing (as RouteFrame skips them). */
    public static final double MIN_ROUTE_STEP_M = 0.01;

    private SceneLimits()
    {
    }

    /**
     * Check everything that makes a frame rejected as a whole: the ego state, the counts, the route and the
     * lights. Agents are checked one by one with {@link #agentFault}.
     *
     * @return the first fault found, or null when the frame may be planned on.
     */
    public static SceneFault frameFault(final SceneFrameDecoder frame)
    {
        if (!coordinate(frame.egoX()) || !coordinate(frame.egoY()))
        {
            return SceneFault.EGO_POSITION;
        }
        if (!within(frame.egoHeading(), MAX_ANGLE_RAD))
        {
            return SceneFault.EGO_HEADING;
        }
        if (!inRange(frame.egoSpeed(), MIN_EGO_SPEED_MPS, MAX_SPEED_MPS))
        {
            return SceneFault.EGO_SPEED;
        }
        if (!within(frame.egoAccel(), MAX_ACCEL_MPS2))
        {
            return SceneFault.EGO_ACCEL;
        }
        if (!within(frame.egoSteer(), MAX_STEER_RAD))
        {
            return SceneFault.EGO_STEER;
        }
        if (!(frame.egoLength() > MIN_EGO_SIZE_M && frame.egoLength() <= MAX_LENGTH_M &&
            frame.egoWidth() > MIN_EGO_SIZE_M && frame.egoWidth() <= MAX_WIDTH_M))
        {
            return SceneFault.EGO_SIZE;
        }
        if (!inRange(frame.speedLimit(), 0, MAX_SPEED_MPS))
        {
            return SceneFault.SPEED_LIMIT;
        }
        if (!inRange(frame.laneWidth(), MIN_LANE_WIDTH_M, MAX_LANE_WIDTH_M))
        {
            return SceneFault.LANE_WIDTH;
        }
        if (!inRange(frame.drivableLeft(), 0, MAX_DRIVABLE_M) || !inRange(frame.drivableRight(), 0, MAX_DRIVABLE_M))
        {
            return SceneFault.DRIVABLE_AREA;
        }
        if (!inRange(frame.drivableLeftEndS(), 0, MAX_COORDINATE_M) ||
            !inRange(frame.drivableRightEndS(), 0, MAX_COORDINATE_M))
        {
            return SceneFault.DRIVABLE_END;
        }
        final int agents = frame.agentCount();
        if (agents < 0 || agents > SceneSnapshot.MAX_AGENTS)
        {
            return SceneFault.AGENT_COUNT;
        }
        final SceneFault route = routeFault(frame);
        if (null != route)
        {
            return route;
        }
        return lightsFault(frame);
    }

    /**
     * @return why agent {@code j} of the frame must be left out, or null when it may be used.
     */
    public static SceneFault agentFault(final SceneFrameDecoder frame, final int j)
    {
        if (!coordinate(frame.agentX(j)) || !coordinate(frame.agentY(j)))
        {
            return SceneFault.AGENT_POSITION;
        }
        if (!within(frame.agentHeading(j), MAX_ANGLE_RAD))
        {
            return SceneFault.AGENT_HEADING;
        }
        if (!inRange(frame.agentSpeed(j), MIN_AGENT_SPEED_MPS, MAX_SPEED_MPS))
        {
            return SceneFault.AGENT_SPEED;
        }
        if (!within(frame.agentYawRate(j), MAX_YAW_RATE_RADPS))
        {
            return SceneFault.AGENT_YAW_RATE;
        }
        if (!inRange(frame.agentLength(j), 0, MAX_LENGTH_M) || !inRange(frame.agentWidth(j), 0, MAX_WIDTH_M))
        {
            return SceneFault.AGENT_SIZE;
        }
        final byte kind = frame.agentKind(j);
        if (kind < SceneCodes.VEHICLE || kind > SceneCodes.STATIC)
        {
            return SceneFault.AGENT_KIND;
        }
        return null;
    }

    /**
     * No route at all (count 0) is allowed: the planner drives straight ahead along its heading. A route that
     * is given must be finite and have at least two points 1 cm apart.
     */
    private static SceneFault routeFault(final SceneFrameDecoder frame)
    {
        final int points = frame.routePointCount();
        if (points < 0 || points > RouteFrame.MAX_POINTS)
        {
            return SceneFault.ROUTE_COUNT;
        }
        boolean distinct = false;
        for (int i = 0; i < points; i++)
        {
            final double x = frame.routeX(i);
            final double y = frame.routeY(i);
            if (!coordinate(x) || !coordinate(y))
            {
                return SceneFault.ROUTE_POINT;
            }
            if (i > 0 && !distinct)
            {
                final double dx = x - frame.routeX(0);
                final double dy = y - frame.routeY(0);
                distinct = dx * dx + dy * dy >= MIN_ROUTE_STEP_M * MIN_ROUTE_STEP_M;
            }
        }
        return points == 0 || distinct ? null : SceneFault.ROUTE_DEGENERATE;
    }

    private static SceneFault lightsFault(final SceneFrameDecoder frame)
    {
        final int lights = frame.lightCount();
        if (lights < 0 || lights > SceneSnapshot.MAX_LIGHTS)
        {
            return SceneFault.LIGHT_COUNT;
        }
        for (int i = 0; i < lights; i++)
        {
            if (!within(frame.lightStopS(i), MAX_COORDINATE_M))
            {
                return SceneFault.LIGHT_STOP_LINE;
            }
            final byte state = frame.lightState(i);
            if (state < SceneCodes.LIGHT_UNKNOWN || state > SceneCodes.LIGHT_RED)
            {
                return SceneFault.LIGHT_STATE;
            }
        }
        return null;
    }

    private static boolean coordinate(final double value)
    {
        return within(value, MAX_COORDINATE_M);
    }

    private static boolean within(final double value, final double limit)
    {
        return value >= -limit && value <= limit;
    }

    private static boolean inRange(final double value, final double lower, final double upper)
    {
        return value >= lower && value <= upper;
    }
}
