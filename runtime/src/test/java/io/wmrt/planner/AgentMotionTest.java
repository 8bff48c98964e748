package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Braking and turning measured from scene to scene and carried into the predicted paths: built on constructed
 * scenes whose speeds fall, or headings turn, at a known rate, checked against the braking distance worked out by
 * hand and against the lane a car turning in ends up in.
 */
class AgentMotionTest
{
    private static final int HORIZON = 30;
    private static final int AGENTS = 32;
    private static final int CANDIDATES = 3;
    private static final double DT = 0.2;

    /** A scene at time t (s) with agents {id, kind, heading, speed}, all 20 m ahead of the ego. */
    private static SceneSnapshot scene(final double t, final double[]... agents)
    {
        final SceneSnapshot s = new SceneSnapshot();
        s.timestampNs = Math.round(t * 1e9);
        s.agentCount = agents.length;
        for (int i = 0; i < agents.length; i++)
        {
            s.agentId[i] = (int)agents[i][0];
            s.agentKind[i] = (byte)agents[i][1];
            s.agentHeading[i] = agents[i][2];
            s.agentSpeed[i] = agents[i][3];
            s.agentX[i] = 20;
        }
        return s;
    }

    /** Constant-speed futures along each agent's heading, as the cv-baseline predicts them. */
    private static FloatBuffer constantSpeedFutures(final SceneSnapshot s)
    {
        final FloatBuffer future = FloatBuffer.allocate(CANDIDATES * HORIZON * AGENTS * 3);
        for (int k = 0; k < CANDIDATES; k++)
        {
            for (int h = 0; h < HORIZON; h++)
            {
                for (int n = 0; n < s.agentCount; n++)
                {
                    final double d = s.agentSpeed[n] * (h + 1) * DT;
                    final int at = ((k * HORIZON + h) * AGENTS + n) * 3;
                    future.put(at, (float)(s.agentX[n] + d * Math.cos(s.agentHeading[n])));
                    future.put(at + 1, (float)(s.agentY[n] + d * Math.sin(s.agentHeading[n])));
                    future.put(at + 2, (float)s.agentHeading[n]);
                }
            }
        }
        return future;
    }

    /** Feed 2 s of scenes, 0.1 s apart, in which agent id 7 brakes from 20 m/s at {@code rate}. */
    private static SceneSnapshot brake(final AgentMotion braking, final double rate, final double heading,
        final byte kind)
    {
        SceneSnapshot s = null;
        for (int step = 0; step <= 20; step++)
        {
            final double t = 0.1 * step;
            s = scene(t, new double[] {7, kind, heading, 20 - rate * t});
            braking.observe(s);
        }
        return s;
    }

    @Test
    void shouldMeasureASteadyBrakeWithinTenPercentAfterTwoSeconds()
    {
        final AgentMotion braking = new AgentMotion();
        brake(braking, 4.0, 0, SceneCodes.VEHICLE);
        assertEquals(-4.0, braking.accel[0], 0.4);
    }

    @Test
    void shouldMoveABrakingCarAheadBackByItsBrakingDistanceAlongItsPath()
    {
        final AgentMotion braking = new AgentMotion();
        final SceneSnapshot s = brake(braking, 4.0, 0.3, SceneCodes.VEHICLE);
        final double a = braking.accel[0];
        final double v = s.agentSpeed[0];
        final FloatBuffer future = constantSpeedFutures(s);
        assertEquals(1, braking.carryInto(s, future, CANDIDATES, HORIZON, AGENTS, DT));
        for (int k = 0; k < CANDIDATES; k++)
        {
            for (int h = 0; h < HORIZON; h++)
            {
                final double t = (h + 1) * DT;
                final double expected = t < v / -a ? v * t + 0.5 * a * t * t : v * v / (-2 * a);
                final int at = ((k * HORIZON + h) * AGENTS) * 3;
                final double dx = future.get(at) - s.agentX[0];
                final double dy = future.get(at + 1) - s.agentY[0];
                assertEquals(expected, Math.hypot(dx, dy), 1e-3, "candidate " + k + ", step " + h);
                assertEquals(0.3, Math.atan2(dy, dx), 1e-4, "along its heading");
            }
        }
    }

    @Test
    void shouldLeaveOncomingPedestriansGentleAndFirstSeenAgentsAsPredicted()
    {
        final AgentMotion oncoming = new AgentMotion();
        final SceneSnapshot a = brake(oncoming, 4.0, Math.PI, SceneCodes.VEHICLE);
        assertUnmoved(oncoming, a, "an oncoming car: moving it back would open a gap");

        final AgentMotion walker = new AgentMotion();
        final SceneSnapshot b = brake(walker, 4.0, 0, SceneCodes.PEDESTRIAN);
        assertUnmoved(walker, b, "a pedestrian");

        final AgentMotion gentle = new AgentMotion();
        final SceneSnapshot c = brake(gentle, 0.6, 0, SceneCodes.VEHICLE);
        assertUnmoved(gentle, c, "braking gentler than the threshold");

        final AgentMotion speeding = new AgentMotion();
        final SceneSnapshot d = brake(speeding, -2.0, 0, SceneCodes.VEHICLE);
        assertUnmoved(speeding, d, "a car speeding up");

        final AgentMotion first = new AgentMotion();
        final SceneSnapshot e = scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 10});
        first.observe(e);
        assertUnmoved(first, e, "an agent seen for the first time");
    }

    @Test
    void shouldMatchAgentsByIdWhenTheirSlotsChange()
    {
        final AgentMotion braking = new AgentMotion();
        for (int step = 0; step <= 20; step++)
        {
            final double t = 0.1 * step;
            final double[] braker = {7, SceneCodes.VEHICLE, 0, 20 - 5 * t};
            final double[] cruiser = {9, SceneCodes.VEHICLE, 0, 15};
            // The two swap slots every frame.
            braking.observe(step % 2 == 0 ? scene(t, braker, cruiser) : scene(t, cruiser, braker));
        }
        // Step 20 is even: the braking car is in slot 0.
        assertEquals(-5.0, braking.accel[0], 0.5);
        assertEquals(0.0, braking.accel[1], 1e-9);
    }

    @Test
    void shouldRestartAfterAGapOrATimestampThatGoesBackAndKeepEstimatesOnAFrameTooSoon()
    {
        final AgentMotion braking = new AgentMotion();
        brake(braking, 4.0, 0, SceneCodes.VEHICLE);
        final double before = braking.accel[0];
        // 10 ms after the last frame, with a speed that would read as a 40 m/s^2 jump: not measured over.
        braking.observe(scene(2.01, new double[] {7, SceneCodes.VEHICLE, 0, 12}));
        assertEquals(before, braking.accel[0], 1e-12);
        // 3 s without a frame: a new start.
        braking.observe(scene(5.0, new double[] {7, SceneCodes.VEHICLE, 0, 2}));
        assertEquals(0.0, braking.accel[0], 1e-12);
        // Back in time: a new start too, whatever the speeds say.
        braking.observe(scene(5.1, new double[] {7, SceneCodes.VEHICLE, 0, 1.6}));
        braking.observe(scene(4.0, new double[] {7, SceneCodes.VEHICLE, 0, 0.5}));
        assertEquals(0.0, braking.accel[0], 1e-12);
    }

    @Test
    void shouldMeasureAFastProducerAsItMeasuresASlowOne()
    {
        // 100 Hz frames: every other one is too soon and is not measured over; the estimate is the braking's.
        final AgentMotion braking = new AgentMotion();
        for (int step = 0; step <= 200; step++)
        {
            final double t = 0.01 * step;
            braking.observe(scene(t, new double[] {7, SceneCodes.VEHICLE, 0, 20 - 4 * t}));
        }
        assertEquals(-4.0, braking.accel[0], 0.4);
    }

    @Test
    void shouldMeasureNothingAcrossTimestampsThatWrapAround()
    {
        // A hostile pair whose difference overflows into a plausible 0.1 s.
        final AgentMotion braking = new AgentMotion();
        final SceneSnapshot first = scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 20});
        first.timestampNs = Long.MAX_VALUE - 50_000_000L;
        braking.observe(first);
        final SceneSnapshot second = scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 0});
        second.timestampNs = Long.MIN_VALUE + 49_999_999L;
        braking.observe(second);
        assertEquals(0.0, braking.accel[0], 1e-12);
    }

    @Test
    void shouldNotBelieveASpeedJumpBeyondTheHardestBrake()
    {
        final AgentMotion braking = new AgentMotion();
        braking.observe(scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 30}));
        for (int step = 1; step <= 20; step++)
        {
            braking.observe(scene(0.1 * step, new double[] {7, SceneCodes.VEHICLE, 0, step % 2 == 0 ? 30 : 0}));
            assertTrue(braking.accel[0] >= -AgentMotion.MAX_BRAKING_MPS2, "clamped: " + braking.accel[0]);
        }
    }

    /**
     * TestFrames' straight road at time t (s), lanes 3.5 m wide: the oncoming car (id 2) replaced by one at
     * {@code x}, {@code y}, heading {@code heading}, 8 m/s.
     */
    private static SceneSnapshot turning(final double t, final double x, final double y, final double heading)
    {
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(
            java.nio.ByteBuffer.allocate(io.wmrt.sbe.SceneFrameEncoder.BLOCK_LENGTH));
        io.wmrt.TestFrames.straightRoad(new io.wmrt.sbe.SceneFrameEncoder().wrap(buffer, 0), Math.round(t * 10),
            Math.round(t * 1e9), 0f).agentX(1, (float)x).agentY(1, (float)y).agentHeading(1, (float)heading);
        final SceneSnapshot s = new SceneSnapshot();
        s.load(new io.wmrt.sbe.SceneFrameDecoder().wrap(buffer, 0, io.wmrt.sbe.SceneFrameDecoder.BLOCK_LENGTH,
            io.wmrt.sbe.SceneFrameDecoder.SCHEMA_VERSION), 32, 200);
        return s;
    }

    /**
     * One second of a car 30 m ahead turning at {@code rate} rad/s, its heading {@code off} rad from the
     * direction of the lane coming the other way at the end, 4.2 m left of the ego lane's centre (0.7 m beyond
     * the other lane's centre).
     */
    private static SceneSnapshot turnIn(final AgentMotion motion, final double rate, final double off)
    {
        SceneSnapshot s = null;
        for (int step = 0; step <= 10; step++)
        {
            final double t = 0.1 * step;
            s = turning(t, 30 - 8 * (t - 1), 4.2, Math.PI + off + rate * (t - 1));
            motion.observe(s);
        }
        return s;
    }

    @Test
    void shouldMeasureTheYawRateOfATurningCar()
    {
        final AgentMotion motion = new AgentMotion();
        turnIn(motion, -0.5, 0.3);
        assertEquals(-0.5, motion.yawRate[1], 0.05);
        assertEquals(0, motion.yawRate[0], 1e-9, "the standing car does not turn");
    }

    @Test
    void shouldKeepACarTurningIntoTheOtherLaneOnItsSideOfTheCentreLine()
    {
        final AgentMotion motion = new AgentMotion();
        final SceneSnapshot s = turnIn(motion, -0.5, 0.3);
        final FloatBuffer future = constantSpeedFutures(s);
        assertTrue(future.get(((HORIZON - 1) * AGENTS + 1) * 3 + 1) < 0,
            "as predicted along its heading, it ends in the ego lane");
        assertEquals(1, motion.carryTurnsInto(s, future, CANDIDATES, HORIZON, AGENTS, DT));
        final double sideways = 8 * Math.sin(0.3);
        for (int k = 0; k < CANDIDATES; k++)
        {
            for (int h = 0; h < HORIZON; h++)
            {
                final int at = ((k * HORIZON + h) * AGENTS + 1) * 3;
                final double t = (h + 1) * DT;
                final double y = Math.max(3.5, 4.2 - sideways * t);
                assertEquals(y, future.get(at + 1), 1e-3, "sideways only to the lane's centre, step " + h);
                final double reach = 0.7 / sideways;
                final double x = 30 - 8 * Math.cos(0.3) * Math.min(t, reach) - 8 * Math.max(0, t - reach);
                assertEquals(x, future.get(at), 1e-3, "on along the lane at its full speed, step " + h);
                if (t > reach)
                {
                    assertEquals(Math.PI, Math.abs(future.get(at + 2)), 1e-6, "heading along the lane");
                }
            }
        }
        final FloatBuffer before = constantSpeedFutures(s);
        for (int at = 0; at < future.capacity(); at += AGENTS * 3)
        {
            assertEquals(before.get(at), future.get(at), "the standing car is left as predicted");
            assertEquals(before.get(at + 1), future.get(at + 1), "the standing car is left as predicted");
        }
    }

    @Test
    void shouldLeaveACarTurningAcrossTheRoadAndOneNotTurningAsPredicted()
    {
        final AgentMotion across = new AgentMotion();
        final SceneSnapshot leaving = turnIn(across, 0.5, 0.3);
        final FloatBuffer asPredicted = constantSpeedFutures(leaving);
        assertEquals(0, across.carryTurnsInto(leaving, asPredicted, CANDIDATES, HORIZON, AGENTS, DT),
            "its heading leaves the road's direction: it turns across");
        assertEquals(constantSpeedFutures(leaving), asPredicted);
        final AgentMotion straight = new AgentMotion();
        final SceneSnapshot drifting = turnIn(straight, -0.05, 0.3);
        final FloatBuffer drift = constantSpeedFutures(drifting);
        assertEquals(0, straight.carryTurnsInto(drifting, drift, CANDIDATES, HORIZON, AGENTS, DT),
            "0.05 rad/s is heading noise, not a turn");
        final AgentMotion sharp = new AgentMotion();
        final SceneSnapshot crossing = turnIn(sharp, -0.5, 1.0);
        assertEquals(0, sharp.carryTurnsInto(crossing, constantSpeedFutures(crossing), CANDIDATES, HORIZON,
            AGENTS, DT), "57 degrees off the road's direction: still crossing it");
    }


    @Test
    void shouldNotBelieveAHeadingJumpBeyondTheFastestTurnNorMeasureAcrossAGap()
    {
        final AgentMotion motion = new AgentMotion();
        motion.observe(turning(0.0, 30, 4.2, Math.PI));
        motion.observe(turning(0.1, 29.2, 4.2, 0.0));
        assertTrue(Math.abs(motion.yawRate[1]) <= AgentMotion.MAX_YAW_RATE_RADPS, "a half turn in 0.1 s is a glitch");
        motion.observe(turning(2.0, 20, 4.2, Math.PI - 0.5));
        assertEquals(0, motion.yawRate[1], 1e-9, "1.9 s without a frame: nothing is measured across it");
    }

    private static void assertUnmoved(final AgentMotion braking, final SceneSnapshot s, final String what)
    {
        final FloatBuffer future = constantSpeedFutures(s);
        final FloatBuffer before = constantSpeedFutures(s);
        assertEquals(0, braking.carryInto(s, future, CANDIDATES, HORIZON, AGENTS, DT), what);
        assertEquals(before, future, what);
    }
}
