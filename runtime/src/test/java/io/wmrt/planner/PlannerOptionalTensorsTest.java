package io.wmrt.planner;

import io.wmrt.OptionalTensorPackage;
import io.wmrt.TestRepo;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.model.ModelPackage;
import io.wmrt.sbe.SceneFrameEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package that declares the optional tensors gets the ego, route and lights packed every tick in the ego
 * frame as the SceneFrame gave them, and its risk priced into every candidate's total; a package that does not
 * is planned for exactly as before. The package's encoder echoes what it was fed (output {@code context}), so
 * the packed values are read back from ONNX Runtime, not from the planner's own buffers.
 */
class PlannerOptionalTensorsTest
{
    private static final double[][] EMPTY = new double[0][];
    private static final double V = SceneCodes.VEHICLE;
    private static final double P = SceneCodes.PEDESTRIAN;
    private static final int EGO_AT = 0;
    private static final int ROUTE_AT = EGO_AT + ModelPackage.EGO_FEATURES;
    private static final int LIGHTS_AT = ROUTE_AT + ModelPackage.ROUTE_POINTS * ModelPackage.ROUTE_FEATURES;
    private static final int CONTEXT = LIGHTS_AT + ModelPackage.LIGHT_SLOTS * ModelPackage.LIGHT_FEATURES;
    /** Metres: float32 ego-frame coordinates of points up to ~250 m away agree to well under this. */
    private static final double FRAME_TOLERANCE_M = 1e-4;

    @TempDir
    Path tmp;

    @Test
    void shouldSizeTheOptionalInputsToTheSceneFramesCapacities()
    {
        assertEquals(SceneFrameEncoder.routeXLength(), ModelPackage.ROUTE_POINTS);
        assertEquals(RouteFrame.MAX_POINTS, ModelPackage.ROUTE_POINTS);
        assertEquals(SceneFrameEncoder.lightStopSLength(), ModelPackage.LIGHT_SLOTS);
        assertEquals(SceneSnapshot.MAX_LIGHTS, ModelPackage.LIGHT_SLOTS);
    }

    @Test
    void shouldFeedTheModelEgoRouteAndLightsInTheEgoFrameAsTheSceneFrameGaveThem() throws Exception
    {
        final Path model = OptionalTensorPackage.write(tmp.resolve("model"));
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("bus"), 1, model, new CostWeights(),
            new OrtCpuBackend(1)))
        {
            // The ego well away from the origin, turned 0.7 rad; a curving 40-point route; red, green, yellow.
            final double egoX = 100;
            final double egoY = 50;
            final double egoHeading = 0.7;
            final float[] routeX = new float[40];
            final float[] routeY = new float[40];
            for (int i = 0; i < routeX.length; i++)
            {
                final double along = -5 + 4.0 * i;
                routeX[i] = (float)(egoX + along * Math.cos(egoHeading) - 0.002 * along * along * Math.sin(egoHeading));
                routeY[i] = (float)(egoY + along * Math.sin(egoHeading) + 0.002 * along * along * Math.cos(egoHeading));
            }
            final float[] stopS = {55.5f, 120.25f, 200f};
            final byte[] state = {SceneCodes.LIGHT_RED, SceneCodes.LIGHT_GREEN, SceneCodes.LIGHT_YELLOW};
            final SceneFrameEncoder f = h.writer.claim();
            f.sequence(1).timestampNs(100_000_000L)
                .egoX((float)egoX).egoY((float)egoY).egoHeading((float)egoHeading).egoSpeed(7.5f).egoAccel(-0.8f)
                .egoSteer(0.05f).egoLength(4.6f).egoWidth(1.9f).speedLimit(13.9f).laneWidth(3.2f)
                .drivableLeft(4.8f).drivableRight(2.1f)
                .drivableLeftEndS(0f).drivableRightEndS(0f).agentCount(0).routePointCount(routeX.length)
                .lightCount(stopS.length);
            for (int i = 0; i < routeX.length; i++)
            {
                f.routeX(i, routeX[i]).routeY(i, routeY[i]);
            }
            for (int i = 0; i < stopS.length; i++)
            {
                f.lightStopS(i, stopS[i]).lightState(i, state[i]);
            }
            h.writer.commit();
            h.tickAndRead();

            final float[] fed = context(h);
            assertArrayEquals(new float[]{7.5f, -0.8f, 0.05f, 4.6f, 1.9f, 13.9f, 3.2f, 1.0f},
                Arrays.copyOfRange(fed, EGO_AT, ROUTE_AT), "ego");
            final double c = Math.cos((float)egoHeading);
            final double s = Math.sin((float)egoHeading);
            for (int i = 0; i < ModelPackage.ROUTE_POINTS; i++)
            {
                final int at = ROUTE_AT + i * ModelPackage.ROUTE_FEATURES;
                if (i < routeX.length)
                {
                    final double dx = routeX[i] - (float)egoX;
                    final double dy = routeY[i] - (float)egoY;
                    assertEquals(c * dx + s * dy, fed[at], FRAME_TOLERANCE_M, "route x " + i);
                    assertEquals(-s * dx + c * dy, fed[at + 1], FRAME_TOLERANCE_M, "route y " + i);
                    assertEquals(1.0f, fed[at + 2], "route valid " + i);
                }
                else
                {
                    assertArrayEquals(new float[3], Arrays.copyOfRange(fed, at, at + 3), "route row " + i);
                }
            }
            // The route's first point is 5 m behind the ego, on the ego's own axis.
            assertEquals(-5.0, fed[ROUTE_AT], FRAME_TOLERANCE_M);
            assertEquals(0.05, fed[ROUTE_AT + 1], FRAME_TOLERANCE_M);
            assertArrayEquals(new float[]{55.5f, 1, 1, 120.25f, 0, 1, 200f, 1, 1, 0, 0, 0},
                Arrays.copyOfRange(fed, LIGHTS_AT, CONTEXT), "lights: stop_s, stop, valid");

            // Next tick: no route, no lights. Nothing of the previous scene may linger, and the stand-in
            // straight line the planner then drives along is not shown to the model as if it were a route.
            final SceneFrameEncoder g = h.writer.claim();
            g.sequence(2).timestampNs(200_000_000L).egoX(0f).egoY(0f).egoHeading(0f).egoSpeed(5f).egoAccel(0f)
                .egoSteer(0f).egoLength(4.6f).egoWidth(1.9f).speedLimit(10f).laneWidth(3.5f).drivableLeft(5f)
                .drivableRight(2f)
                .drivableLeftEndS(0f).drivableRightEndS(0f).agentCount(0).routePointCount(0).lightCount(0);
            h.writer.commit();
            h.tickAndRead();

            final float[] bare = context(h);
            assertArrayEquals(new float[ModelPackage.ROUTE_POINTS * ModelPackage.ROUTE_FEATURES],
                Arrays.copyOfRange(bare, ROUTE_AT, LIGHTS_AT), "no route: every row zero");
            assertArrayEquals(new float[ModelPackage.LIGHT_SLOTS * ModelPackage.LIGHT_FEATURES],
                Arrays.copyOfRange(bare, LIGHTS_AT, CONTEXT), "no lights: every row zero");
            assertEquals(5f, bare[EGO_AT]);
        }
    }

    @Test
    void shouldAddTheWeightedRiskToTheTotalSoThatAnOtherwiseEqualRiskyCandidateLoses() throws Exception
    {
        final PlannerConfig config = new PlannerConfig().candidates(64).horizon(30).dtSeconds(0.2).maxAgents(32)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
        final SceneSnapshot scene = TestScenes.straightRoad(6.0, 1, 0);
        final CandidateSet set = new CandidateSet(config.candidates(), config.horizon());
        new CandidateGenerator(config).generate(scene, set, null, new float[config.horizon()], 0);
        // Candidate 1 becomes an exact copy of candidate 0: the same plan, every analytic term equal.
        copyCandidate(set, 0, 1);
        final FloatBuffer future = FloatBuffer.allocate(64 * 30 * 32 * 3);
        final FloatBuffer risk = FloatBuffer.allocate(64);
        risk.put(0, 0.9f);
        risk.put(1, 0.0f);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);

        scorer.prepare(scene);
        scorer.score(scene, set, future, risk, 0);
        scorer.score(scene, set, future, risk, 1);

        final double weight = config.weights().risk;
        assertEquals(0.9, scorer.riskProbability[0], 1e-7);
        assertEquals(weight * scorer.riskProbability[0], scorer.risk[0], 1e-9);
        assertEquals(0.0, scorer.risk[1]);
        assertEquals(scorer.total[1] + scorer.risk[0], scorer.total[0], 1e-6, "the risk term is all that differs");
        assertTrue(scorer.total[1] < scorer.total[0], "the risky copy costs more, so it is not the one chosen");

        // Without a risk tensor the same plan costs what the safe copy costs: the term is simply absent.
        scorer.score(scene, set, future, 0);
        assertEquals(scorer.total[1], scorer.total[0]);
        assertEquals(0.0, scorer.risk[0]);
    }

    @Test
    void shouldPriceRiskOutsideZeroToOneAsItsBoundAndNaNAsCertain()
    {
        assertEquals(1.0, TrajectoryScorer.collisionProbability(Float.NaN));
        assertEquals(1.0, TrajectoryScorer.collisionProbability(1.5f));
        assertEquals(0.0, TrajectoryScorer.collisionProbability(-0.25f));
        assertEquals(0.25, TrajectoryScorer.collisionProbability(0.25f));
    }

    @Test
    void shouldStopChoosingPlansTheModelCallsRiskyAndPublishTheTermWithTheCollisionCost() throws Exception
    {
        // The package's rollout calls a candidate risky in proportion to its mean acceleration. On an empty
        // road below the limit the planner accelerates, unless it heeds the model.
        final Path model = OptionalTensorPackage.write(tmp.resolve("model"));
        final CostWeights heedless = new CostWeights();
        heedless.risk = 0;
        try (PlannerHarness blind = new PlannerHarness(tmp.resolve("blind"), 1, model, heedless,
            new OrtCpuBackend(1));
            PlannerHarness heeding = new PlannerHarness(tmp.resolve("heeding"), 1, model, new CostWeights(),
                new OrtCpuBackend(1)))
        {
            blind.writeScene(1, 0, 5, EMPTY, Double.NaN, false);
            heeding.writeScene(1, 0, 5, EMPTY, Double.NaN, false);
            blind.tickAndRead();
            heeding.tickAndRead();

            final int b = blind.agent.lastSelected();
            final int k = heeding.agent.lastSelected();
            assertTrue(meanAccel(blind, b) > 0.1, "without the risk term the plan accelerates: " +
                meanAccel(blind, b));
            assertEquals(1.0, blind.agent.scorer().riskProbability[b], 1e-6, "and the model calls it risky");
            assertEquals(0.0, blind.agent.scorer().risk[b]);

            assertTrue(heeding.agent.scorer().riskProbability[k] < 0.05, "heeding the model, a plan it calls " +
                "safe: risk " + heeding.agent.scorer().riskProbability[k] + ", mean accel " + meanAccel(heeding, k));
            final TrajectoryScorer s = heeding.agent.scorer();
            assertEquals((float)(s.collision[k] + s.risk[k]), heeding.lastCollisionCost,
                "costCollision carries footprint collision plus learned risk");
            assertEquals((float)s.total[k], heeding.lastTotalCost);
            assertEquals("NOMINAL", heeding.lastMode);
        }
    }

    @Test
    void shouldPlanExactlyAsCvBaselineWhenTheOptionalTensorsCarryNoWeight() throws Exception
    {
        // Same CTRV graphs plus ego, route, lights and risk: with the risk weight at zero nothing else may change.
        final Path model = OptionalTensorPackage.write(tmp.resolve("model"));
        final CostWeights noRisk = new CostWeights();
        noRisk.risk = 0;
        final double[][] agents = {{V, 40, 0, 0, 0}, {V, 120, 3.5, Math.PI, 8}, {P, 25, -3, Math.PI / 2, 1.2}};
        try (PlannerHarness baseline = new PlannerHarness(tmp.resolve("baseline"), 7, TestRepo.model("cv-baseline"),
            new CostWeights(), new OrtCpuBackend(1));
            PlannerHarness optional = new PlannerHarness(tmp.resolve("optional"), 7, model, noRisk,
                new OrtCpuBackend(1)))
        {
            assertFalse(baseline.arena.has(ModelPackage.EGO_TENSOR), "cv-baseline binds no optional tensor");
            assertFalse(baseline.arena.has(ModelPackage.RISK_TENSOR));
            for (int seq = 1; seq <= 20; seq++)
            {
                baseline.writeScene(seq, seq * 0.8, 8, agents, 60, seq % 10 < 5);
                optional.writeScene(seq, seq * 0.8, 8, agents, 60, seq % 10 < 5);
                assertArrayEquals(baseline.tickAndRead(), optional.tickAndRead(), "tick " + seq + " differs");
                assertEquals(baseline.lastTotalCost, optional.lastTotalCost, "tick " + seq);
                assertEquals(baseline.lastCollisionCost, optional.lastCollisionCost, "tick " + seq);
            }
        }
    }

    private static float[] context(final PlannerHarness h)
    {
        final FloatBuffer context = h.arena.floats(OptionalTensorPackage.CONTEXT_TENSOR);
        assertEquals(CONTEXT, context.limit(), "context echoes ego, route and lights");
        final float[] out = new float[CONTEXT];
        context.get(0, out);
        return out;
    }

    private static double meanAccel(final PlannerHarness h, final int k)
    {
        final CandidateSet set = h.agent.candidates();
        double sum = 0;
        for (int i = 0; i < set.horizon; i++)
        {
            sum += set.accel[k * set.horizon + i];
        }
        return sum / set.horizon;
    }

    /**
     * The ego at 6 m/s on an empty straight road along +x, limit 10 m/s, no lights.
     */
    private static void copyCandidate(final CandidateSet set, final int from, final int to)
    {
        final int h = set.horizon;
        System.arraycopy(set.accel, from * h, set.accel, to * h, h);
        System.arraycopy(set.steer, from * h, set.steer, to * h, h);
        System.arraycopy(set.x, from * h, set.x, to * h, h);
        System.arraycopy(set.y, from * h, set.y, to * h, h);
        System.arraycopy(set.heading, from * h, set.heading, to * h, h);
        System.arraycopy(set.speed, from * h, set.speed, to * h, h);
    }
}
