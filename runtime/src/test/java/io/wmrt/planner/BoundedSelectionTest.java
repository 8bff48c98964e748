package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TrajectoryScorer#select} leaves the candidates that cannot win part-scored; its choice, and the analytic
 * choice, must be those of scoring every candidate in full and keeping the first strictly cheaper one. Checked on
 * random scenes (agents of every kind around a curved road, futures that differ per candidate, a learned risk,
 * model verdicts on parked vehicles that differ from the rule's), where it must also have pruned something.
 */
class BoundedSelectionTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final int N = 32;
    private static final double DT = 0.2;

    @Test
    void shouldChooseAsScoringEveryCandidateInFullOnRandomScenes()
    {
        final PlannerConfig config = config(new CostWeights());
        final Random random = new Random(20261203);
        int pruned = 0;
        int scenes = 0;
        for (int trial = 0; trial < 150; trial++)
        {
            final SceneSnapshot scene = randomScene(random, trial);
            final CandidateSet set = new CandidateSet(K, H);
            final CandidateGenerator generator = new CandidateGenerator(config);
            final float[] previousAccel = new float[H];
            final float[] previousSteer = new float[H];
            for (int i = 0; i < H; i++)
            {
                previousAccel[i] = (float)(random.nextGaussian() * 0.5);
                previousSteer[i] = (float)(random.nextGaussian() * 0.02);
            }
            generator.generate(scene, set, random.nextBoolean() ? previousAccel : null, previousSteer, 1.5);
            final FloatBuffer future = randomFuture(random, scene, set);
            final FloatBuffer risk = FloatBuffer.allocate(K);
            for (int k = 0; k < K; k++)
            {
                risk.put(k, random.nextFloat() * 0.3f);
            }

            final TrajectoryScorer full = new TrajectoryScorer(config);
            full.prepare(scene);
            int selected = 0;
            int analyticChoice = 0;
            for (int k = 0; k < K; k++)
            {
                full.score(scene, set, future, risk, k);
                selected = full.total[k] < full.total[selected] ? k : selected;
                analyticChoice = full.analytic[k] < full.analytic[analyticChoice] ? k : analyticChoice;
            }

            final TrajectoryScorer bounded = new TrajectoryScorer(config);
            bounded.prepare(scene);
            final int chosen = bounded.select(scene, set, future, risk, K, false);
            assertEquals(selected, chosen, "scene " + trial);
            assertEquals(analyticChoice, bounded.analyticChoice(), "scene " + trial + ": analytic choice");
            assertTrue(bounded.complete[chosen], "scene " + trial);
            assertEquals(full.total[chosen], bounded.total[chosen], "scene " + trial + ": the chosen total");
            assertEquals(full.collision[chosen], bounded.collision[chosen], "scene " + trial + ": its collision term");
            int complete = 0;
            for (int k = 0; k < K; k++)
            {
                if (bounded.complete[k])
                {
                    complete++;
                    assertEquals(full.total[k], bounded.total[k], "scene " + trial + " candidate " + k);
                }
                else
                {
                    assertTrue(Double.isNaN(bounded.total[k]), "an incomplete candidate's total is NaN");
                    assertTrue(full.total[k] > full.total[selected], "scene " + trial + ": candidate " + k +
                        " was left part-scored but costs no more than the choice");
                }
            }
            assertEquals(complete, bounded.completeCount());
            pruned += K - complete;
            scenes++;

            // The lattice alone (the degraded mode's count).
            bounded.prepare(scene);
            int latticeChoice = 0;
            for (int k = 1; k < set.latticeCount; k++)
            {
                latticeChoice = full.total[k] < full.total[latticeChoice] ? k : latticeChoice;
            }
            assertEquals(latticeChoice, bounded.select(scene, set, future, risk, set.latticeCount, false), "scene " + trial);
        }
        assertTrue(pruned > scenes * K / 4, "the bound pruned " + pruned + " of " + scenes * K + " candidates");
    }

    @Test
    void shouldChooseAsScoringEveryCandidateWhenTheModelAnswersNaNOrInfinity()
    {
        // A model's outputs are not trusted: NaN and infinite agent positions and headings in some candidates'
        // futures (candidate 0's among them, which keeps it chosen when its total is NaN), NaN and infinite
        // risks. Whatever the full pass chooses, the bounded one must.
        final PlannerConfig config = config(new CostWeights());
        final Random random = new Random(404);
        final float[] hostile = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f};
        for (int trial = 0; trial < 60; trial++)
        {
            final SceneSnapshot scene = randomScene(random, trial);
            scene.agentCount = Math.max(scene.agentCount, 3);
            final CandidateSet set = new CandidateSet(K, H);
            new CandidateGenerator(config).generate(scene, set, null, null, 0);
            final FloatBuffer future = randomFuture(random, scene, set);
            final FloatBuffer risk = FloatBuffer.allocate(K);
            for (int hit = 0; hit < 40; hit++)
            {
                final int k = hit == 0 ? 0 : random.nextInt(K);
                final int at = ((k * H + random.nextInt(H)) * N + random.nextInt(scene.agentCount)) * 3;
                future.put(at + random.nextInt(3), hostile[random.nextInt(hostile.length)]);
                risk.put(random.nextInt(K), hostile[random.nextInt(hostile.length)]);
            }
            final TrajectoryScorer full = new TrajectoryScorer(config);
            full.prepare(scene);
            final int all = full.select(scene, set, future, risk, K, true);
            assertEquals(K, full.completeCount());
            int selected = 0;
            int analyticChoice = 0;
            for (int k = 0; k < K; k++)
            {
                selected = full.total[k] < full.total[selected] ? k : selected;
                analyticChoice = full.analytic[k] < full.analytic[analyticChoice] ? k : analyticChoice;
            }
            assertEquals(selected, all, "scene " + trial + ": score-all against the plain loop");

            final TrajectoryScorer bounded = new TrajectoryScorer(config);
            bounded.prepare(scene);
            assertEquals(selected, bounded.select(scene, set, future, risk, K, false), "scene " + trial);
            assertEquals(analyticChoice, bounded.analyticChoice(), "scene " + trial + ": analytic choice");
        }
    }

    @Test
    void shouldScoreEveryCandidateWhenAnAgentTermIsPricedBelowZero()
    {
        final CostWeights weights = new CostWeights();
        weights.clearance = -1;
        final PlannerConfig config = config(weights);
        final Random random = new Random(7);
        final SceneSnapshot scene = randomScene(random, 1);
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);
        final FloatBuffer future = randomFuture(random, scene, set);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.select(scene, set, future, null, K, false);
        assertEquals(K, scorer.completeCount());
    }

    @Test
    void shouldProjectAgainAPoseChangedSinceTheGeneratorProjectedIt()
    {
        final PlannerConfig config = config(new CostWeights());
        final SceneSnapshot scene = randomScene(new Random(3), 0);
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);
        // Move a lattice candidate two metres left, as another writer of the set might.
        for (int i = 0; i < H; i++)
        {
            set.y[i] += 2;
        }
        final CandidateSet copy = new CandidateSet(K, H);
        System.arraycopy(set.x, 0, copy.x, 0, K * H);
        System.arraycopy(set.y, 0, copy.y, 0, K * H);
        System.arraycopy(set.heading, 0, copy.heading, 0, K * H);
        System.arraycopy(set.speed, 0, copy.speed, 0, K * H);
        System.arraycopy(set.accel, 0, copy.accel, 0, K * H);
        System.arraycopy(set.steer, 0, copy.steer, 0, K * H);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, null, 0);
        final double moved = scorer.lane[0];
        scorer.score(scene, copy, future, null, 0);
        assertEquals(scorer.lane[0], moved, "the lane term of a moved pose");
        assertFalse(moved == 0, "two metres off the lane centre costs something");
    }

    private static PlannerConfig config(final CostWeights weights)
    {
        return new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).weights(weights).seed(11).conclude();
    }

    /** A gently curving road, the ego on it at a random speed, and up to 20 road users around it. */
    private static SceneSnapshot randomScene(final Random random, final int sequence)
    {
        final SceneSnapshot scene = new SceneSnapshot();
        scene.sequence = sequence + 1;
        scene.egoSpeed = random.nextDouble() * 12;
        scene.egoAccel = random.nextGaussian() * 0.5;
        scene.egoLength = 4.6;
        scene.egoWidth = 1.9;
        scene.speedLimit = 8 + random.nextDouble() * 6;
        scene.laneWidth = 3.5;
        scene.drivableLeft = 2.0 + random.nextDouble() * 4;
        scene.drivableRight = 2.0 + random.nextDouble() * 1.5;
        final double curvature = (random.nextDouble() - 0.5) * 0.01;
        scene.route.clear();
        for (int p = 0; p < 40; p++)
        {
            final double s = -20 + p * 8.0;
            final double heading = curvature * s;
            scene.route.add(s * Math.cos(0.5 * heading), s * Math.sin(0.5 * heading));
        }
        scene.routeGiven = true;
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.egoD = scene.route.d;
        scene.agentCount = random.nextInt(21);
        for (int n = 0; n < scene.agentCount; n++)
        {
            final int kind = random.nextInt(4);
            scene.agentKind[n] = kind == 0 ? SceneCodes.PEDESTRIAN : kind == 1 ? SceneCodes.CYCLIST : SceneCodes.VEHICLE;
            final boolean person = kind == 0;
            scene.agentLength[n] = person ? 0.6 : kind == 1 ? 1.8 : 4.5;
            scene.agentWidth[n] = person ? 0.6 : kind == 1 ? 0.7 : 1.8;
            final double along = -10 + random.nextDouble() * 70;
            final double across = -4 + random.nextDouble() * 9;
            scene.route.pointAt(along, across);
            scene.agentX[n] = scene.route.px;
            scene.agentY[n] = scene.route.py;
            final boolean oncoming = random.nextInt(3) == 0;
            scene.agentHeading[n] = scene.route.heading + (oncoming ? Math.PI : 0) + random.nextGaussian() * 0.2;
            final boolean standing = random.nextInt(3) == 0;
            scene.agentSpeed[n] = standing ? 0 : person ? 1.3 : 2 + random.nextDouble() * 10;
            scene.route.project(scene.agentX[n], scene.agentY[n]);
            scene.agentS[n] = scene.route.s;
            scene.agentD[n] = scene.route.d;
            scene.agentParked[n] = standing && !person && random.nextBoolean();
            scene.agentParkedByRule[n] = standing && !person && random.nextBoolean();
        }
        return scene;
    }

    /** Each road user at constant velocity in the ego frame, jittered per candidate so the futures differ. */
    private static FloatBuffer randomFuture(final Random random, final SceneSnapshot scene, final CandidateSet set)
    {
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int k = 0; k < K; k++)
        {
            for (int n = 0; n < scene.agentCount; n++)
            {
                final double jitter = random.nextGaussian() * 0.05;
                final double vx = scene.agentSpeed[n] * Math.cos(scene.agentHeading[n]) * (1 + jitter);
                final double vy = scene.agentSpeed[n] * Math.sin(scene.agentHeading[n]) * (1 + jitter);
                for (int h = 0; h < H; h++)
                {
                    final int at = ((k * H + h) * N + n) * 3;
                    final double t = (h + 1) * DT;
                    future.put(at, (float)(scene.agentX[n] + vx * t));
                    future.put(at + 1, (float)(scene.agentY[n] + vy * t));
                    future.put(at + 2, (float)scene.agentHeading[n]);
                }
            }
        }
        return future;
    }
}
