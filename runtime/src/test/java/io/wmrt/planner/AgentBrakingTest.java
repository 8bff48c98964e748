package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Braking measured from scene to scene and carried into the predicted paths: built on constructed scenes whose
 * speeds fall at a known rate, checked against the braking distance worked out by hand.
 */
class AgentBrakingTest
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
    private static SceneSnapshot brake(final AgentBraking braking, final double rate, final double heading,
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
        final AgentBraking braking = new AgentBraking();
        brake(braking, 4.0, 0, SceneCodes.VEHICLE);
        assertEquals(-4.0, braking.accel[0], 0.4);
    }

    @Test
    void shouldMoveABrakingCarAheadBackByItsBrakingDistanceAlongItsPath()
    {
        final AgentBraking braking = new AgentBraking();
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
        final AgentBraking oncoming = new AgentBraking();
        final SceneSnapshot a = brake(oncoming, 4.0, Math.PI, SceneCodes.VEHICLE);
        assertUnmoved(oncoming, a, "an oncoming car: moving it back would open a gap");

        final AgentBraking walker = new AgentBraking();
        final SceneSnapshot b = brake(walker, 4.0, 0, SceneCodes.PEDESTRIAN);
        assertUnmoved(walker, b, "a pedestrian");

        final AgentBraking gentle = new AgentBraking();
        final SceneSnapshot c = brake(gentle, 0.6, 0, SceneCodes.VEHICLE);
        assertUnmoved(gentle, c, "braking gentler than the threshold");

        final AgentBraking speeding = new AgentBraking();
        final SceneSnapshot d = brake(speeding, -2.0, 0, SceneCodes.VEHICLE);
        assertUnmoved(speeding, d, "a car speeding up");

        final AgentBraking first = new AgentBraking();
        final SceneSnapshot e = scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 10});
        first.observe(e);
        assertUnmoved(first, e, "an agent seen for the first time");
    }

    @Test
    void shouldMatchAgentsByIdWhenTheirSlotsChange()
    {
        final AgentBraking braking = new AgentBraking();
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
        final AgentBraking braking = new AgentBraking();
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
        final AgentBraking braking = new AgentBraking();
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
        final AgentBraking braking = new AgentBraking();
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
        final AgentBraking braking = new AgentBraking();
        braking.observe(scene(0, new double[] {7, SceneCodes.VEHICLE, 0, 30}));
        for (int step = 1; step <= 20; step++)
        {
            braking.observe(scene(0.1 * step, new double[] {7, SceneCodes.VEHICLE, 0, step % 2 == 0 ? 30 : 0}));
            assertTrue(braking.accel[0] >= -AgentBraking.MAX_BRAKING_MPS2, "clamped: " + braking.accel[0]);
        }
    }

    private static void assertUnmoved(final AgentBraking braking, final SceneSnapshot s, final String what)
    {
        final FloatBuffer future = constantSpeedFutures(s);
        final FloatBuffer before = constantSpeedFutures(s);
        assertEquals(0, braking.carryInto(s, future, CANDIDATES, HORIZON, AGENTS, DT), what);
        assertEquals(before, future, what);
    }
}
