package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vehicle standing first at a green light (slow to start, or broken down) is waited for with room to steer round
 * it, as a parked one is: 3.4 m behind a broken-down car that the model first took for a slow starter, every pass
 * left too little room past its corner (red-light-queue-7900-002). At a red light it is a queue, closed up to.
 * <p>
 * Behind a standing vehicle that nothing holds (no stop line close beyond it that is not green, no vehicle close
 * ahead of it) the ego waits with room to steer round it, whatever the verdict on it: traffic closes up to the
 * line or to the car in front, so a car standing 21 m short of a red line with the road ahead empty is broken down
 * or about to move. Stopped a queue's 3 m behind it, the ego could never steer round it once it was judged
 * parked (red-light-queue-8500-004). A car held by the line or by the car ahead is a queue, closed up to.
 * <p>
 * The ego at the origin facing +x at 6 m/s; a car 4.6 m long standing in lane with its front at 30 m.
 */
class WaitWithRoomTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 8;
    private static final double FRONT = 30;
    /** A red stop line 3 m beyond the front of a car standing 2.5 m ahead of the one at {@link #FRONT}. */
    private static final double QUEUED_LINE = FRONT + 2.5 + 4.6 + 3;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldTakeACarJustBeforeAGreenStopLineForOneToSteerRoundAndBeforeARedOneForAQueue()
    {
        assertTrue(waitWithRoom(FRONT + 3, SceneCodes.LIGHT_GREEN));
        assertFalse(waitWithRoom(FRONT + 3, SceneCodes.LIGHT_RED));
        assertFalse(waitWithRoom(FRONT + 3, SceneCodes.LIGHT_YELLOW));
        // A line it has already passed holds nothing.
        assertTrue(waitWithRoom(FRONT - 6, SceneCodes.LIGHT_RED));
    }

    @Test
    void shouldWaitFurtherBackBehindTheFirstAtAGreenLight()
    {
        // Stopping with 3.4 m to its rear against stopping with 8.4 m: at green the longer gap wins, at red the
        // shorter (the queue standoff is 3 m).
        assertTrue(stopAt(3.4, FRONT + 3, SceneCodes.LIGHT_GREEN, Double.NaN) >
            stopAt(8.4, FRONT + 3, SceneCodes.LIGHT_GREEN, Double.NaN));
        assertTrue(stopAt(3.4, FRONT + 3, SceneCodes.LIGHT_RED, Double.NaN) <
            stopAt(8.4, FRONT + 3, SceneCodes.LIGHT_RED, Double.NaN));
    }

    @Test
    void shouldTakeACarThatNothingHoldsForOneToSteerRound()
    {
        assertTrue(TrajectoryScorer.waitWithRoom(scene(FRONT + 21, SceneCodes.LIGHT_RED, Double.NaN, false), 0));
        assertTrue(TrajectoryScorer.waitWithRoom(scene(Double.NaN, (byte)0, Double.NaN, false), 0));
        // A person crossing in front of it holds nothing: it is a vehicle the ego may have to steer round.
        assertTrue(TrajectoryScorer.waitWithRoom(scene(Double.NaN, (byte)0, 4, true), 0));
        // Before a green line, first at it or queued behind a car that does not start.
        assertTrue(TrajectoryScorer.waitWithRoom(scene(FRONT + 3, SceneCodes.LIGHT_GREEN, Double.NaN, false), 0));
        assertTrue(TrajectoryScorer.waitWithRoom(scene(FRONT + 30, SceneCodes.LIGHT_GREEN, 2.5, false), 0));
    }

    @Test
    void shouldTakeACarHeldByTheLineOrTheCarAheadForAQueue()
    {
        assertFalse(TrajectoryScorer.waitWithRoom(scene(FRONT + 3, SceneCodes.LIGHT_RED, Double.NaN, false), 0));
        assertFalse(TrajectoryScorer.waitWithRoom(scene(FRONT + 3, SceneCodes.LIGHT_YELLOW, Double.NaN, false), 0));
        // Held by a car in front that moves off, or by one standing that is itself held (by the red line 1 m
        // beyond its front): the chain is followed to its head.
        final SceneSnapshot movingOff = scene(Double.NaN, (byte)0, 2.5, false);
        movingOff.agentSpeed[1] = 1.0;
        assertFalse(TrajectoryScorer.waitWithRoom(movingOff, 0));
        assertFalse(TrajectoryScorer.waitWithRoom(scene(FRONT + 2.5 + 4.6 + 1, SceneCodes.LIGHT_RED, 2.5, false), 0));
        // A car further ahead than a queue's gap does not hold it.
        assertTrue(TrajectoryScorer.waitWithRoom(scene(Double.NaN, (byte)0, 15, false), 0));
    }

    @Test
    void shouldTakeTwoCarsNoseToTailThatNothingHoldsForOneToSteerRound()
    {
        // Two cars standing 2.5 m apart with the road ahead of the first empty (double-parked-9500-004, -028:
        // taken for a queue of two, the ego closed up to 4 m behind the rear one and could not steer round it
        // once both were judged parked), or 33 m short of a red line, where a queue would have closed up.
        assertTrue(TrajectoryScorer.waitWithRoom(scene(Double.NaN, (byte)0, 2.5, false), 0));
        assertTrue(TrajectoryScorer.waitWithRoom(scene(FRONT + 40, SceneCodes.LIGHT_RED, 2.5, false), 0));
        // Three in a chain, the head held by a car moving off in front of it.
        final SceneSnapshot three = scene(Double.NaN, (byte)0, 2.5, false);
        three.agentCount = 3;
        standing(three, 2, SceneCodes.VEHICLE, FRONT + 2.5 + 4.6 + 2.5 + 2.3, 4.6);
        assertTrue(TrajectoryScorer.waitWithRoom(three, 0));
        three.agentSpeed[2] = 2.0;
        assertFalse(TrajectoryScorer.waitWithRoom(three, 0));
    }

    @Test
    void shouldWaitFurtherBackBehindACarThatNothingHolds()
    {
        // Stopping with 3.4 m to its rear against stopping with 8.4 m: with the red line 21 m beyond it the longer
        // gap wins; with the line 3 m beyond it, or a car 2.5 m ahead of it queued 3 m before the line, the shorter.
        final byte red = SceneCodes.LIGHT_RED;
        assertTrue(stopAt(3.4, FRONT + 21, red, Double.NaN) > stopAt(8.4, FRONT + 21, red, Double.NaN));
        assertTrue(stopAt(3.4, FRONT + 3, red, Double.NaN) < stopAt(8.4, FRONT + 3, red, Double.NaN));
        assertTrue(stopAt(3.4, QUEUED_LINE, red, 2.5) < stopAt(8.4, QUEUED_LINE, red, 2.5));
    }

    @Test
    void shouldPlanItsStopWithRoomToSteerRound()
    {
        // The lattice's follow-the-limit candidate comes to rest further back behind the car nothing holds.
        assertTrue(restingGap(FRONT + 21, Double.NaN) > 6.0, "behind a car nothing holds");
        assertTrue(restingGap(QUEUED_LINE, 2.5) < 5.0, "behind a queued car");
    }

    @Test
    void shouldKeepRoomBehindASlowCarPullingUpBehindOneItWouldSteerRound()
    {
        // The car standing first at a green light (front at 30 m), and a car 6 m behind it moving up at 1.5 m/s: it
        // may start round the standing one and stop across the centre line, as two SUMO cars did for the rest of the
        // green while the ego stood 2 m behind them with no way past (red-light-queue-9400-019, -036).
        final SceneSnapshot green = tailing(SceneCodes.LIGHT_GREEN, 1.5);
        assertTrue(TrajectoryScorer.tailsStandingBlocker(green, 1));
        assertTrue(followingGap(green) > 6.0, "behind the slow car: " + followingGap(green));
        // At red the standing car is a queue, and so is the car closing up to it; a car at speed is traffic.
        final SceneSnapshot red = tailing(SceneCodes.LIGHT_RED, 1.5);
        assertFalse(TrajectoryScorer.tailsStandingBlocker(red, 1));
        assertTrue(followingGap(red) < 5.0, "behind a car closing up to a queue at red: " + followingGap(red));
        assertFalse(TrajectoryScorer.tailsStandingBlocker(tailing(SceneCodes.LIGHT_GREEN, 4.0), 1));
        // Standing, it is the standing rules' (waitWithRoom) to judge.
        assertFalse(TrajectoryScorer.tailsStandingBlocker(tailing(SceneCodes.LIGHT_GREEN, 0.2), 1));
    }

    /** The standing car (slot 0) with its front 3 m before a stop line showing {@code light}; slot 1 behind it. */
    private static SceneSnapshot tailing(final byte light, final double speed)
    {
        final SceneSnapshot scene = scene(FRONT + 3, light, Double.NaN, false);
        scene.agentCount = 2;
        standing(scene, 1, SceneCodes.VEHICLE, FRONT - 4.6 - 6 - 2.3, 4.6);
        scene.agentSpeed[1] = speed;
        return scene;
    }

    /** The gap the lattice's first candidate leaves at the horizon's end to slot 1 carried on at its speed. */
    private double followingGap(final SceneSnapshot scene)
    {
        final PlannerConfig lattice = new PlannerConfig().candidates(64).horizon(32).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
        final CandidateSet set = new CandidateSet(lattice.candidates(), lattice.horizon());
        new CandidateGenerator(lattice).generate(scene, set, null, new float[lattice.horizon()], 0);
        final int last = lattice.horizon() - 1;
        final double leaderRear = scene.agentX[1] + scene.agentSpeed[1] * lattice.horizon() * DT - 2.3;
        return leaderRear - (set.x[last] + 2.3);
    }

    /** The progress term of a plan braking evenly from 6 m/s to a stop {@code gap} metres behind the car's rear. */
    private double stopAt(final double gap, final double lineS, final byte light, final double aheadGap)
    {
        final SceneSnapshot scene = scene(lineS, light, aheadGap, false);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            for (int n = 0; n < scene.agentCount; n++)
            {
                future.put((h * N + n) * 3, (float)(scene.agentS[n] - scene.egoS));
            }
        }
        final double stopX = FRONT - 4.6 - gap - 2.3;
        final double decel = 6 * 6 / (2 * stopX);
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 6, DT, h -> -decel);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.progress[0];
    }

    private static boolean waitWithRoom(final double lineS, final byte light)
    {
        return TrajectoryScorer.waitWithRoom(scene(lineS, light, Double.NaN, false), 0);
    }

    /** The gap the lattice's first candidate (follow the limit, keep the lane) leaves to the car's rear at rest. */
    private double restingGap(final double lineS, final double aheadGap)
    {
        final PlannerConfig lattice = new PlannerConfig().candidates(64).horizon(32).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
        final SceneSnapshot scene = scene(lineS, SceneCodes.LIGHT_RED, aheadGap, false);
        final CandidateSet set = new CandidateSet(lattice.candidates(), lattice.horizon());
        new CandidateGenerator(lattice).generate(scene, set, null, new float[lattice.horizon()], 0);
        final int last = lattice.horizon() - 1;
        assertTrue(set.speed[last] < 0.2, "at rest by the horizon's end: " + set.speed[last]);
        return FRONT - 4.6 - (set.x[last] + 2.3);
    }

    /**
     * The car (slot 0); a stop line at {@code lineS} (NaN: none); another vehicle, or a person, {@code aheadGap}
     * metres ahead of its front (NaN: none).
     */
    private static SceneSnapshot scene(final double lineS, final byte light, final double aheadGap,
        final boolean person)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(6, 1, 0);
        scene.speedLimit = 14;
        if (!Double.isNaN(lineS))
        {
            scene.lightCount = 1;
            scene.lightStopS[0] = scene.egoS + lineS;
            scene.lightState[0] = light;
        }
        scene.agentCount = 1;
        standing(scene, 0, SceneCodes.VEHICLE, FRONT - 2.3, 4.6);
        if (!Double.isNaN(aheadGap))
        {
            scene.agentCount = 2;
            if (person)
            {
                standing(scene, 1, SceneCodes.PEDESTRIAN, FRONT + aheadGap + 0.25, 0.5);
            }
            else
            {
                standing(scene, 1, SceneCodes.VEHICLE, FRONT + aheadGap + 2.3, 4.6);
            }
        }
        return scene;
    }

    private static void standing(final SceneSnapshot scene, final int i, final byte kind, final double x,
        final double length)
    {
        scene.agentKind[i] = kind;
        scene.agentX[i] = x;
        scene.agentS[i] = scene.egoS + x;
        scene.agentLength[i] = length;
        scene.agentWidth[i] = SceneCodes.PEDESTRIAN == kind ? 0.5 : 1.8;
    }
}
