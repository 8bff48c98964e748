package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerAgentTest
{
    private static final double[][] EMPTY = new double[0][];
    private static final double V = SceneCodes.VEHICLE;
    private static final double P = SceneCodes.PEDESTRIAN;

    @TempDir
    Path tmp;

    @Test
    void shouldPublishTheSamePlanForTheSameScenesAndSeed() throws Exception
    {
        final double[][] agents = {{V, 40, 0, 0, 0}, {V, 120, 3.5, Math.PI, 8}, {P, 25, -3, Math.PI / 2, 1.2}};
        try (PlannerHarness a = new PlannerHarness(tmp.resolve("a"), 7);
            PlannerHarness b = new PlannerHarness(tmp.resolve("b"), 7))
        {
            for (int seq = 1; seq <= 20; seq++)
            {
                a.writeScene(seq, seq * 0.8, 8, agents, Double.NaN, false);
                b.writeScene(seq, seq * 0.8, 8, agents, Double.NaN, false);
                assertArrayEquals(a.tickAndRead(), b.tickAndRead(), "tick " + seq + " differs");
            }
        }
    }

    @Test
    void shouldAnswerTheNewestSceneAndCountTheOnesItSkipped() throws Exception
    {
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 1))
        {
            h.writeScene(1, 0, 5, EMPTY, Double.NaN, false);
            h.writeScene(2, 0.5, 5, EMPTY, Double.NaN, false);
            h.writeScene(3, 1.0, 5, EMPTY, Double.NaN, false);
            assertNotNull(h.tickAndRead());
            assertEquals(3, h.lastSceneSequence, "plans for the newest scene");
            assertEquals(1, h.lastWaypoints.size(), "one trajectory for three scenes");
            assertEquals(3, h.bus.counter(WmrtCounter.SCENES_RECEIVED).get());
            assertEquals(2, h.bus.counter(WmrtCounter.SCENES_DROPPED).get());
            assertEquals(1, h.bus.counter(WmrtCounter.TICKS).get());
            assertEquals(0, h.agent.doWork(), "no new scene, no tick");
        }
    }

    @Test
    void shouldStopBehindAStandingCarWhenOncomingTrafficBlocksThePass() throws Exception
    {
        // A car stands 25 m ahead in the ego lane and a stream of oncoming cars fills the other lane.
        final double[][] agents = {
            {V, 25, 0, 0, 0}, {V, 20, 3.5, Math.PI, 9}, {V, 45, 3.5, Math.PI, 9}, {V, 70, 3.5, Math.PI, 9}};
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 6, agents, Double.NaN, false);
            final float[] plan = h.tickAndRead();
            assertTrue(PlannerHarness.maxX(plan) < 25 - 2.25 - 2.3,
                "the plan must end behind the standing car's rear, got x up to " + PlannerHarness.maxX(plan));
            assertTrue(PlannerHarness.maxAbsY(plan) < 1.5, "and stay in lane while oncoming cars pass");
            assertEquals("NOMINAL", h.lastMode);
        }
    }

    @Test
    void shouldPassADoubleParkedCarWhenTheOncomingLaneIsClear() throws Exception
    {
        final double[][] agents = {{V, 22, 0, 0, 0}};
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 5, agents, Double.NaN, false);
            final float[] plan = h.tickAndRead();
            assertTrue(PlannerHarness.maxX(plan) > 25, "the plan goes past the parked car: " + PlannerHarness.maxX(plan));
            assertTrue(PlannerHarness.maxAbsY(plan) > 2.0, "by moving into the free lane");
        }
    }

    @Test
    void shouldNotOvertakeAQueueStandingAtARedLight() throws Exception
    {
        // Same standing car, but it is queued at a red light 6 m ahead of it: traffic, not a parked car.
        final double[][] agents = {{V, 22, 0, 0, 0}};
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 5, agents, 25.0, true);
            final float[] plan = h.tickAndRead();
            assertTrue(PlannerHarness.maxAbsY(plan) < 1.0, "stays in lane behind the queue: |y| up to " +
                PlannerHarness.maxAbsY(plan));
            assertTrue(PlannerHarness.maxX(plan) < 22 - 2.25 - 2.3, "and stops behind it");
        }
    }

    @Test
    void shouldStopAtARedLightItCanStopFor() throws Exception
    {
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 8, EMPTY, 30.0, true);
            final float[] plan = h.tickAndRead();
            assertTrue(PlannerHarness.maxX(plan) + 2.3 <= 30.0, "front bumper stays behind the stop line: " +
                (PlannerHarness.maxX(plan) + 2.3));
            assertEquals(0f, h.lastRedLightCost);
        }
    }

    @Test
    void shouldSlowDownRatherThanRushPastAPedestrianCrossingAhead() throws Exception
    {
        // A pedestrian is walking into the ego lane 20 m ahead.
        final double[][] agents = {{P, 20, -2.5, Math.PI / 2, 1.2}};
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 8, agents, Double.NaN, false);
            final float[] plan = h.tickAndRead();
            final double travelledIn2s = plan[2 * 9];
            assertTrue(travelledIn2s < 15, "slows down: covers " + travelledIn2s + " m in 2 s (16 m at speed)");
            assertFalse(h.lastMode.equals("MINIMAL_RISK"), "a normal yield, not an emergency stop");
        }
    }

    @Test
    void shouldPlanToStopBehindACarAheadThatIsBraking() throws Exception
    {
        // The ego at 10 m/s; a car 25 m ahead brakes at 5 m/s^2 from 10 m/s. The frames say only its speed:
        // predicted at the speed it has, it would be followed at that speed into the place where it stops.
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            float[] plan = null;
            double egoX = 0;
            double leadX = 0;
            double leadSpeed = 0;
            for (int step = 0; step <= 7; step++)
            {
                final double t = 0.1 * step;
                egoX = 10 * t;
                leadX = 25 + 10 * t - 2.5 * t * t;
                leadSpeed = 10 - 5 * t;
                h.writeScene(step + 1, egoX, 10, new double[][] {{V, leadX, 0, 0, leadSpeed}}, Double.NaN, false);
                plan = h.tickAndRead();
            }
            final double leadRestsAt = leadX + leadSpeed * leadSpeed / 10;
            final double egoFrontAtEnd = PlannerHarness.maxX(plan) + 2.3;
            assertTrue(egoFrontAtEnd < leadRestsAt - 2.25,
                "the plan ends behind where the braking car comes to rest: ego front " + egoFrontAtEnd +
                    " m, car's rear " + (leadRestsAt - 2.25) + " m (ego at " + egoX + ")");
            assertFalse(h.lastMode.equals("MINIMAL_RISK"), "a normal stop, not an emergency one");
        }
    }

    @Test
    void shouldNotBrakeHardWhenTheContactComesAtTheSameStepWhateverTheEgoDoes() throws Exception
    {
        // The ego at 8 m/s; a car 3 m to its right comes across at 20 m/s, its nose 0.6 m from the ego's side.
        // Every plan is hit at the same step: the hardest brake would gain nothing.
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 8, new double[][] {{V, 0.5, -3.8, 0.5 * Math.PI, 20}}, Double.NaN, false);
            h.tickAndRead();
            assertEquals(1, h.bus.counter(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE).get(), "every plan collides");
            assertNotEquals(CandidateSet.EMERGENCY_STOP, h.lastBehaviour, "the scorer's choice, not the emergency stop");
        }
    }

    @Test
    void shouldNotTakeAFollowerRunningIntoTheEgoFromBehindForItsCollision() throws Exception
    {
        // The ego at 8 m/s; a car 4 m behind its rear comes on at 20 m/s in its lane. Running into the car in
        // front is the follower's to avoid (TrajectoryScorer.behindInLane): no plan is charged for it, and the
        // ego neither takes the emergency stop nor leaves its lane.
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 8, new double[][] {{V, -8.5, 0, 0, 20}}, Double.NaN, false);
            h.tickAndRead();
            assertEquals(0, h.bus.counter(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE).get());
            assertNotEquals(CandidateSet.EMERGENCY_STOP, h.lastBehaviour);
            assertEquals("NOMINAL", h.lastMode);
        }
    }

    @Test
    void shouldBrakeAsHardAsAllowedWhenEveryPlanHitsSomethingAtSpeed() throws Exception
    {
        // A car standing 2.4 m ahead of the ego's nose at 10 m/s: no plan stops or steers clear in time.
        final double[][] agents = {{V, 7.0, 0, 0, 0}};
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 3))
        {
            h.writeScene(1, 0, 10, agents, Double.NaN, false);
            h.tickAndRead();
            assertEquals("MINIMAL_RISK", h.lastMode);
            assertEquals(1, h.bus.counter(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE).get());
        }
    }

    @Test
    void shouldFallBackToTheNextBackendWithinTheTickAndSaySo() throws Exception
    {
        try (PlannerHarness h = PlannerHarness.withRolloutFallback(tmp.resolve("p"), PlannerHarness.failingGraph()))
        {
            h.writeScene(1, 0, 8, EMPTY, Double.NaN, false);
            final float[] plan = h.tickAndRead();
            assertEquals("FALLBACK", h.lastMode, "a plan from the fallback backend, marked as such");
            assertEquals("ORT_CPU", h.lastBackend);
            assertTrue(PlannerHarness.maxX(plan) > 30, "a normal plan, not a stop: " + PlannerHarness.maxX(plan));
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_FALLBACKS).get());
            h.writeScene(2, 1, 8, EMPTY, Double.NaN, false);
            h.tickAndRead();
            assertEquals("FALLBACK", h.lastMode);
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_FALLBACKS).get(), "the switch is counted once");
        }
    }

    @Test
    void shouldStopComfortablyInLaneAndRecordTheErrorWhenTheModelCannotRun() throws Exception
    {
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("p"), 5,
            PlannerHarness.idleGraph(), PlannerHarness.failingGraph()))
        {
            h.writeScene(1, 0, 8, EMPTY, Double.NaN, false);
            final float[] plan = h.tickAndRead();
            assertEquals("MINIMAL_RISK", h.lastMode);
            assertTrue(PlannerHarness.maxAbsY(plan) < 0.2, "in lane");
            assertTrue(PlannerHarness.maxX(plan) < 8 * 8 / (2 * 2.0), "stops within a comfortable distance");
            assertEquals(1, h.bus.counter(WmrtCounter.MINIMAL_RISK_TICKS).get());
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            assertEquals(1, ErrorLog.print(h.bus, new PrintStream(text, true)));
            assertTrue(text.toString().contains("device lost"), text.toString());
        }
    }
}
