package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drivable-area term looks at the footprint as it stands, not as if it were always aligned with the lane:
 * pulling out at an angle swings a corner further sideways than the car's side, and that corner is what
 * leaves the road (the HIL rig checks the corners of the same footprint).
 */
class TrajectoryScorerDrivableTest
{
    private static final int K = 64;
    private static final int H = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.2).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldChargeTheCornerThatSwingsOffTheRoadWhenTheEgoIsAtAnAngle()
    {
        // Lane 3.5 m wide, kerb 2.25 m right of its centre; the ego 1.9 m wide, 4.6 m long, 1.0 m right of centre.
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 0, -1.0, 0.0, 0);      // aligned: its right side 1.95 m right of centre, on the road
        place(set, 1, 0, -1.0, 0.0, 0.35);   // 0.35 rad to the lane: a rear corner 2.68 m right, past the kerb
        final TrajectoryScorer scorer = score(scene, set);

        assertTrue(scorer.lane[0] < config.weights().offroad, "aligned, on the road: " + scorer.lane[0]);
        assertEquals(H * overTheEdge(), scorer.lane[1] - scorer.lane[0], 1e-6,
            "at an angle, every step is charged as off the road");
    }

    @Test
    void shouldMeasureTheAngleAgainstTheRouteNotTheWorldAxes()
    {
        // The same two footprints on a route heading north: aligned with it means heading pi/2.
        final SceneSnapshot scene = TestScenes.straightRoad(0, 0, 1);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 1.0, 0, Math.PI / 2, 0);
        place(set, 1, 1.0, 0, Math.PI / 2, 0.35);
        final TrajectoryScorer scorer = score(scene, set);

        assertTrue(scorer.lane[0] < config.weights().offroad, "aligned with the route: " + scorer.lane[0]);
        assertEquals(H * overTheEdge(), scorer.lane[1] - scorer.lane[0], 1e-6);
    }

    @Test
    void shouldChargeAGrazeOfTheEdgeInProportionUpToTheFullWeight()
    {
        // Aligned, the ego's right side reaches 0.95 m right of its centre; the kerb is 2.25 m right of the lane's.
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 0, -1.30, 0.0, 0);   // its side exactly at the kerb
        place(set, 1, 0, -1.35, 0.0, 0);   // 5 cm over: a quarter of the weight per step
        place(set, 2, 0, -1.60, 0.0, 0);   // 35 cm over: the full weight
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        scorer.prepare(scene);
        for (int k = 0; k < 3; k++)
        {
            scorer.score(scene, set, future, k);
        }
        final double offroad = config.weights().offroad;
        final double outside = config.weights().outOfLane * 10 * H;  // per metre outside the lane, no parked car
        final double offset = config.weights().laneOffset;
        assertEquals(0.25 * H * offroad, scorer.lane[1] - scorer.lane[0] - 0.05 * outside -
            offset * (1.35 * 1.35 - 1.30 * 1.30), 1e-6);
        assertEquals(H * offroad, scorer.lane[2] - scorer.lane[0] - 0.30 * outside -
            offset * (1.60 * 1.60 - 1.30 * 1.30), 1e-6);
    }

    @Test
    void shouldKeepItsMarginFromTheEdgeFreeAndChargeItQuadraticallyToTheEdge()
    {
        // The ego's right side 0.95 m right of its centre, the kerb 2.25 m right of the lane's centre.
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 0, -0.95, 0.0, 0);   // its side 0.35 m from the kerb: outside the 0.3 m margin
        place(set, 1, 0, -1.00, 0.0, 0);   // 0.30 m: on the margin's inner side
        place(set, 2, 0, -1.15, 0.0, 0);   // 0.15 m: halfway, a quarter of the weight
        place(set, 3, 0, -1.30, 0.0, 0);   // on the kerb line: the whole weight
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 4);
        final double margin = config.weights().kerbMargin * config.dtSeconds() * H;
        final double offset = config.weights().laneOffset;
        // Per metre outside the lane (0.8 m of room each side of the centred ego), no parked car to pass.
        final double outside = config.weights().outOfLane * 10 * H;

        assertEquals(0, scorer.lane[1] - scorer.lane[0] - offset * (1.00 * 1.00 - 0.95 * 0.95) - 0.05 * outside, 1e-6,
            "the margin's own width is free");
        assertEquals(0.25 * margin, scorer.lane[2] - scorer.lane[0] - offset * (1.15 * 1.15 - 0.95 * 0.95) -
            0.20 * outside, 1e-6);
        assertEquals(margin, scorer.lane[3] - scorer.lane[0] - offset * (1.30 * 1.30 - 0.95 * 0.95) -
            0.35 * outside, 1e-6);
    }

    @Test
    void shouldKeepTheSameMarginFromTheLeftEdge()
    {
        // Drivable 5.25 m left of the lane centre: the left side of an ego 4.0 m left of it is 0.3 m from the edge.
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 0, 4.00, 0.0, 0);
        place(set, 1, 0, 4.30, 0.0, 0);    // on the edge line
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        final double margin = config.weights().kerbMargin * config.dtSeconds() * H;

        assertEquals(margin, scorer.lane[1] - scorer.lane[0] - config.weights().laneOffset * (4.3 * 4.3 - 4.0 * 4.0) -
            0.30 * config.weights().outOfLane * 10 * H, 1e-6);
    }

    @Test
    void shouldStillChargeTheKerbWhenTheMarginIsConfiguredNegative()
    {
        final CostWeights weights = new CostWeights();
        weights.kerbMarginM = -1.0;
        final PlannerConfig negative = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.2).maxAgents(32)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).weights(weights).conclude();
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        place(set, 0, 0, -1.30, 0.0, 0);   // its side on the kerb line
        place(set, 1, 0, -1.60, 0.0, 0);   // 35 cm over
        final TrajectoryScorer scorer = TestScenes.scoreFirst(negative, scene, set, 2);

        assertEquals(H * weights.offroad, scorer.lane[1] - scorer.lane[0] -
            0.30 * weights.outOfLane * 10 * H - weights.laneOffset * (1.60 * 1.60 - 1.30 * 1.30), 1e-6,
            "over the kerb at every step, whatever the margin says");
    }

    /** What a step with the footprint past the edge costs: the off-road weight and the whole margin. */
    private double overTheEdge()
    {
        return config.weights().offroad + config.weights().kerbMargin * config.dtSeconds();
    }

    private TrajectoryScorer score(final SceneSnapshot scene, final CandidateSet set)
    {
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        scorer.score(scene, set, future, 1);
        return scorer;
    }

    /**
     * Candidate k creeps at 0.5 m/s along the route from (x, y), its heading the given one plus {@code angle}
     * to the left of it (so the footprint is at that angle to the lane at every step).
     */
    private static void place(
        final CandidateSet set, final int k, final double x, final double y, final double routeHeading,
        final double angle)
    {
        final double ux = Math.cos(routeHeading);
        final double uy = Math.sin(routeHeading);
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            final double along = 0.1 * (h + 1);
            set.x[i] = x + along * ux;
            set.y[i] = y + along * uy;
            set.heading[i] = routeHeading + angle;
            set.speed[i] = 0.5;
            set.accel[i] = 0;
            set.steer[i] = 0;
        }
    }
}
