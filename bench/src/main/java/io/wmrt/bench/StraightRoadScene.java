package io.wmrt.bench;

import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameEncoder;

/**
 * The benchmarks' scene: a straight two-lane road along +x with a car parked in the ego lane ahead, an
 * oncoming car in the left lane and a pedestrian waiting at the right kerb, no traffic light. Each scene
 * sequence moves the ego {@value #EGO_STEP_M} m forward and the oncoming car towards it; every
 * {@value #CYCLE_STEPS} scenes the script starts over, so a benchmark can write scenes for as long as it
 * runs without driving off the route or through the parked car. Timestamps advance 100 ms per scene (10 Hz).
 * <p>
 * Stateless; safe to use from any thread (each caller brings its own encoder).
 */
public final class StraightRoadScene
{
    public static final double LANE_WIDTH_M = 3.5;
    public static final int CYCLE_STEPS = 64;
    public static final double EGO_SPEED_MPS = 5.0;
    public static final double EGO_STEP_M = 0.5;
    public static final long SCENE_PERIOD_NS = 100_000_000L;
    public static final int AGENT_COUNT = 3;

    private static final double SPEED_LIMIT_MPS = 10.0;
    private static final float EGO_LENGTH_M = 4.6f;
    private static final float EGO_WIDTH_M = 1.9f;
    private static final double PARKED_CAR_X = 45.0;
    private static final double ONCOMING_START_X = 150.0;
    private static final double ONCOMING_SPEED_MPS = 8.0;
    private static final double PEDESTRIAN_X = 30.0;
    private static final double PEDESTRIAN_Y = -(0.5 * LANE_WIDTH_M + 1.5);
    private static final int ROUTE_POINTS = 40;
    private static final double ROUTE_START_X = -10.0;
    private static final double ROUTE_SPACING_M = 10.0;

    private StraightRoadScene()
    {
    }

    /**
     * Encode scene {@code sequence} (1, 2, ...) into a frame already wrapped by the caller (claimed from the
     * scene ring, or over a plain buffer).
     */
    public static void write(final SceneFrameEncoder frame, final long sequence)
    {
        final int step = (int)((sequence - 1) % CYCLE_STEPS);
        final double egoX = step * EGO_STEP_M;
        final double oncomingX = ONCOMING_START_X - step * ONCOMING_SPEED_MPS * (SCENE_PERIOD_NS / 1e9);

        frame.sequence(sequence)
            .timestampNs(sequence * SCENE_PERIOD_NS)
            .egoX((float)egoX)
            .egoY(0f)
            .egoHeading(0f)
            .egoSpeed((float)EGO_SPEED_MPS)
            .egoAccel(0f)
            .egoSteer(0f)
            .egoLength(EGO_LENGTH_M)
            .egoWidth(EGO_WIDTH_M)
            .speedLimit((float)SPEED_LIMIT_MPS)
            .laneWidth((float)LANE_WIDTH_M)
            .drivableLeft((float)(1.5 * LANE_WIDTH_M))
            .drivableRight((float)(0.5 * LANE_WIDTH_M + 0.5)).drivableLeftEndS(0f).drivableRightEndS(0f)
            .agentCount(AGENT_COUNT);

        agent(frame, 0, SceneCodes.VEHICLE, PARKED_CAR_X, 0.0, 0.0, 0.0, 4.5f, 1.9f);
        agent(frame, 1, SceneCodes.VEHICLE, oncomingX, LANE_WIDTH_M, Math.PI, ONCOMING_SPEED_MPS, 4.5f, 1.9f);
        agent(frame, 2, SceneCodes.PEDESTRIAN, PEDESTRIAN_X, PEDESTRIAN_Y, 0.5 * Math.PI, 0.0, 0.6f, 0.6f);

        frame.routePointCount(ROUTE_POINTS);
        for (int i = 0; i < ROUTE_POINTS; i++)
        {
            frame.routeX(i, (float)(ROUTE_START_X + ROUTE_SPACING_M * i)).routeY(i, 0f);
        }
        frame.lightCount(0);
    }

    private static void agent(
        final SceneFrameEncoder frame,
        final int slot,
        final byte kind,
        final double x,
        final double y,
        final double heading,
        final double speed,
        final float length,
        final float width)
    {
        frame.agentId(slot, slot + 1)
            .agentKind(slot, kind)
            .agentX(slot, (float)x)
            .agentY(slot, (float)y)
            .agentHeading(slot, (float)heading)
            .agentSpeed(slot, (float)speed)
            .agentYawRate(slot, 0f)
            .agentLength(slot, length)
            .agentWidth(slot, width);
    }
}
