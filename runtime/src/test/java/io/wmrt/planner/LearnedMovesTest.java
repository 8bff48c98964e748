package io.wmrt.planner;

import io.wmrt.OptionalTensorPackage;
import io.wmrt.TestFrames;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.telemetry.WmrtCounter;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package whose encoder says which standing vehicles will move ({@code agent_moves}) decides for the planner
 * what the queue rule decides without one: a car broken down 13 m before a green light is "queued" by the rule
 * (a stop line within 40 m ahead of it) and waited behind for ever; a model that says it will not move lets
 * the planner pass it. The planner counts the vehicles the model judged against the rule and the ticks whose
 * plan the learned terms changed.
 */
class LearnedMovesTest
{
    private static final double V = SceneCodes.VEHICLE;
    /** The broken-down car's centre and the stop line, metres ahead of the ego's start. */
    private static final double BROKEN_DOWN_X = 25;
    private static final double STOP_LINE_X = 40;
    private static final double LANE_HALF_WIDTH = 1.6;

    @TempDir
    Path tmp;

    @Test
    void shouldLetTheModelOverrideTheQueueRuleForStandingVehiclesInTheEgoLaneOnly()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(5.0, 1, 0);
        scene.agentCount = 3;
        standing(scene, 0, BROKEN_DOWN_X, 0);
        standing(scene, 1, BROKEN_DOWN_X + 10, 0);      // 5.5 m ahead of car 0: the rule queues car 0 behind it
        standing(scene, 2, 15, 3.2);                     // in the next lane: not the scorer's business
        for (int i = 0; i < 3; i++)
        {
            scene.agentParkedByRule[i] = scene.isStandingInLane(i) && i == 1;
            scene.agentParked[i] = scene.agentParkedByRule[i];
        }

        scene.useLearnedMoves(FloatBuffer.wrap(new float[]{0.1f, 0.2f, 0.0f}));
        assertTrue(scene.agentParked[0], "the model says car 0 stays: parked, whatever stands ahead of it");
        assertTrue(scene.agentParked[1]);
        assertFalse(scene.agentParked[2], "a car outside the ego lane is never an obstacle to pass");
        assertEquals(1, scene.learnedOverrides);
        assertFalse(scene.agentParkedByRule[0], "the rule's verdict is kept beside the model's");

        scene.useLearnedMoves(FloatBuffer.wrap(new float[]{0.9f, 0.6f, 0.0f}));
        assertFalse(scene.agentParked[0]);
        assertFalse(scene.agentParked[1], "the model says car 1 moves: queued, though nothing stands ahead");
        assertEquals(1, scene.learnedOverrides);

        scene.useLearnedMoves(FloatBuffer.wrap(new float[]{Float.NaN, SceneSnapshot.PARKED_BELOW, 0.0f}));
        assertFalse(scene.agentParked[0], "a model that cannot say licenses no overtake");
        assertFalse(scene.agentParked[1], "at the threshold the vehicle counts as moving");
    }

    @Test
    void shouldKeepACarStandingAtALightThatJustTurnedGreenQueuedWhateverTheModelSays()
    {
        // The car 40 m ahead stands 8 m before the stop line; the model gives it 0.1 of moving.
        final FloatBuffer moves = FloatBuffer.wrap(new float[]{0.1f, 0.9f});
        final SceneSnapshot scene = new SceneSnapshot();
        // At red the scorer's queue zone keeps the ego in lane, whatever the verdict.
        load(scene, 1, SceneCodes.LIGHT_RED);
        assertFalse(scene.queueStarting);
        load(scene, 2, SceneCodes.LIGHT_GREEN);
        assertTrue(scene.queueStarting);
        scene.useLearnedMoves(moves);
        assertFalse(scene.agentParked[0], "a tenth of a second into green: a queue that has not started yet");
        load(scene, 1 + 99, SceneCodes.LIGHT_GREEN);
        scene.useLearnedMoves(moves);
        assertFalse(scene.agentParked[0], "9.9 s after red: the slowest start the families draw is 8 s");
        load(scene, 1 + 100, SceneCodes.LIGHT_GREEN);
        assertFalse(scene.queueStarting);
        scene.useLearnedMoves(moves);
        assertTrue(scene.agentParked[0], "10 s after red and still standing: the model's to judge, parked");

        final SceneSnapshot arrivedOnGreen = new SceneSnapshot();
        load(arrivedOnGreen, 1, SceneCodes.LIGHT_GREEN);
        assertFalse(arrivedOnGreen.queueStarting, "never saw it red: nothing says a queue is starting");
        arrivedOnGreen.useLearnedMoves(moves);
        assertTrue(arrivedOnGreen.agentParked[0]);
    }

    /** TestFrames' straight road, frame {@code sequence} (0.1 s apart), its light 8 m beyond the standing car. */
    private static void load(final SceneSnapshot scene, final long sequence, final byte light)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        TestFrames.straightRoad(new SceneFrameEncoder().wrap(buffer, 0), sequence, sequence * 100_000_000L, 0f)
            .lightStopS(0, 10f + 40f + 2.25f + 8f).lightState(0, light);
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), 32, 200);
    }

    @Test
    void shouldScoreTheAnalyticTotalWithTheRulesVerdictAndTheLearnedTotalWithTheModels()
    {
        final PlannerConfig config = new PlannerConfig().candidates(64).horizon(30).dtSeconds(0.2).maxAgents(32)
            .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();
        final SceneSnapshot scene = TestScenes.straightRoad(5.0, 1, 0);
        scene.agentCount = 1;
        standing(scene, 0, BROKEN_DOWN_X, 0);
        scene.agentParkedByRule[0] = false;
        scene.agentParked[0] = true;                     // the model: it will not move
        final CandidateSet set = new CandidateSet(config.candidates(), config.horizon());
        new CandidateGenerator(config).generate(scene, set, null, new float[config.horizon()], 0);
        final FloatBuffer future = FloatBuffer.allocate(64 * 30 * 32 * 3);
        for (int n = 0; n < 64 * 30; n++)
        {
            future.put(n * 96, (float)BROKEN_DOWN_X);    // the car stays where it stands
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        int outOfLane = -1;
        int inLane = -1;
        for (int k = 0; k < 64; k++)
        {
            scorer.score(scene, set, future, k);
            double maxY = 0;
            for (int h = 0; h < 30; h++)
            {
                maxY = Math.max(maxY, Math.abs(set.y[k * 30 + h]));
            }
            if (maxY > LANE_HALF_WIDTH && outOfLane < 0 && scorer.firstCollisionStep[k] < 0)
            {
                outOfLane = k;
            }
            // Stopping short of the 8 m standoff the model's verdict asks for (and so of the rule's 3 m).
            if (maxY < 0.05 && set.x[k * 30 + 29] < BROKEN_DOWN_X - 2.25 - 2.3 - TrajectoryScorer.PARKED_STANDOFF_M &&
                inLane < 0)
            {
                inLane = k;
            }
        }
        assertTrue(outOfLane >= 0 && inLane >= 0, "the lattice has a plan that pulls out and one that stops " +
            "in lane: " + outOfLane + ", " + inLane);
        assertTrue(scorer.analytic[outOfLane] > scorer.total[outOfLane] + 1,
            "leaving the lane costs ten times more by the rule, which says there is nothing to pass: analytic " +
            scorer.analytic[outOfLane] + " vs learned " + scorer.total[outOfLane]);
        assertEquals(scorer.total[inLane], scorer.analytic[inLane], 1e-6,
            "in lane, only the standoff differs, and a plan that stops short of both is scored alike");

        // Rule and model agreeing, and no learned risk: the two totals are the same numbers.
        scene.agentParked[0] = false;
        scorer.prepare(scene);
        for (int k = 0; k < 64; k++)
        {
            scorer.score(scene, set, future, k);
            assertEquals(scorer.total[k], scorer.analytic[k], "candidate " + k);
        }
    }

    @Test
    void shouldPassACarBrokenDownBeforeAGreenLightOnlyWhenTheModelSaysItWillNotMove() throws Exception
    {
        final Path stays = OptionalTensorPackage.write(tmp.resolve("stays"), "--no-risk", "--moves", "0.0");
        final Path moves = OptionalTensorPackage.write(tmp.resolve("moves"), "--no-risk", "--moves", "1.0");
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("a"), 1, stays, new CostWeights(),
            new OrtCpuBackend(1));
            PlannerHarness q = new PlannerHarness(tmp.resolve("b"), 1, moves, new CostWeights(),
                new OrtCpuBackend(1)))
        {
            final double[][] brokenDown = {{V, BROKEN_DOWN_X, 0, 0, 0}};
            double passLateral = 0;
            double waitLateral = 0;
            for (int tick = 1; tick <= 5; tick++)
            {
                h.writeScene(tick, 0, 5, brokenDown, STOP_LINE_X, false);
                q.writeScene(tick, 0, 5, brokenDown, STOP_LINE_X, false);
                passLateral = Math.max(passLateral, maxAbsY(h.tickAndRead()));
                waitLateral = Math.max(waitLateral, maxAbsY(q.tickAndRead()));
            }
            assertTrue(passLateral > LANE_HALF_WIDTH, "the model says it stays: the plan pulls out to pass, " +
                "max |y| " + passLateral);
            assertTrue(waitLateral < LANE_HALF_WIDTH, "the model says it moves: the plan waits in lane, " +
                "max |y| " + waitLateral);
            assertEquals(5, h.bus.counter(WmrtCounter.LEARNED_PARKED_OVERRIDES).get(),
                "every tick the model called parked what the rule called queued");
            assertTrue(h.bus.counter(WmrtCounter.LEARNED_CHOICE_CHANGES).get() > 0,
                "and the plan it chose is not the one the rule would have");
            assertEquals(0, q.bus.counter(WmrtCounter.LEARNED_PARKED_OVERRIDES).get(), "model and rule agree");
            assertEquals(0, q.bus.counter(WmrtCounter.LEARNED_CHOICE_CHANGES).get());
        }
    }

    @Test
    void shouldRefuseAnEncoderWhoseAgentMovesIsNoProbabilityAndStopComfortably() throws Exception
    {
        // 1.5 for every occupied slot: a broken encoder, not an unsure one. The output check refuses it (counted
        // as invalid output), no verdict is taken from it, and with no other backend the planner stops in lane.
        final Path broken = OptionalTensorPackage.write(tmp.resolve("broken"), "--no-risk", "--moves", "1.5");
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("c"), 1, broken, new CostWeights(),
            new OrtCpuBackend(1)))
        {
            h.writeScene(1, 0, 5, new double[][]{{V, BROKEN_DOWN_X, 0, 0, 0}}, STOP_LINE_X, false);
            h.tickAndRead();
            assertEquals("MINIMAL_RISK", h.lastMode);
            assertTrue(h.bus.counter(WmrtCounter.BACKEND_OUTPUTS_INVALID).get() > 0);
            assertEquals(0, h.bus.counter(WmrtCounter.LEARNED_PARKED_OVERRIDES).get());
        }
    }

    private static void standing(final SceneSnapshot scene, final int i, final double x, final double y)
    {
        scene.agentKind[i] = SceneCodes.VEHICLE;
        scene.agentX[i] = x;
        scene.agentY[i] = y;
        scene.agentS[i] = scene.egoS + x;
        scene.agentD[i] = y;
        scene.agentSpeed[i] = 0;
        scene.agentLength[i] = 4.5;
        scene.agentWidth[i] = 1.9;
    }

    private static double maxAbsY(final float[] xy)
    {
        double max = 0;
        for (int i = 1; i < xy.length; i += 2)
        {
            max = Math.max(max, Math.abs(xy[i]));
        }
        return max;
    }
}
