package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A speed limit that drops below the ego's speed (79 to 41 km/h where one road section meets the next) is
 * reached by slowing at the comfortable deceleration: neither the scorer nor the lattice asks for a hard brake.
 * Before this, the over-speed term priced every step above the new limit from the first one, and the IDM
 * free-road term asked for 19 m/s², so the planner braked at 4.6 m/s² on an empty road.
 */
class SpeedLimitDescentTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldNotChargeSpeedShedAtTheComfortableDecelerationAboveANewLowerLimit()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(22, 1, 0);
        scene.speedLimit = 11.4;
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 22, DT, h -> -config.comfortDecelMps2());
        TestScenes.alongX(set, 1, 22, DT, h -> 0);
        TestScenes.alongX(set, 2, 22, DT, h -> -0.5 * config.comfortDecelMps2());
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 3);

        final double lane0 = scorer.lane[0];
        assertEquals(0, lane0, 0.5, "slowing at the comfortable deceleration is not over the limit: " + lane0);
        assertTrue(scorer.lane[2] > lane0 + 10, "slowing at half of it is charged: " + scorer.lane[2]);
        assertTrue(scorer.lane[1] > scorer.lane[2] + 10, "holding 22 m/s is charged most: " + scorer.lane[1]);
    }

    @Test
    void shouldStillChargeSpeedAboveTheLimitWhenTheEgoWasWithinIt()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(10, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 10, DT, h -> 0);
        TestScenes.alongX(set, 1, 10, DT, h -> 1.0);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);

        // From 10 m/s at 1 m/s^2 the plan is over the 10 m/s limit at every step: (0.2 h)^2 * 2.0 * 0.2 each.
        double expected = 0;
        for (int h = 1; h <= H; h++)
        {
            expected += config.weights().overSpeed * (0.2 * h) * (0.2 * h) * DT;
        }
        assertEquals(expected, scorer.lane[1] - scorer.lane[0], 1e-6);
    }

    @Test
    void shouldSlowTheLatticeForALowerLimitAtNoMoreThanTheComfortableDeceleration()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(22, 1, 0);
        scene.speedLimit = 11.4;
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);

        for (int k = 0; k < set.latticeCount; k++)
        {
            if (set.behaviour[k] != CandidateSet.FOLLOW_LIMIT && set.behaviour[k] != CandidateSet.FOLLOW_HALF)
            {
                continue;
            }
            double lowest = 0;
            for (int h = 0; h < H; h++)
            {
                lowest = Math.min(lowest, set.accel[k * H + h]);
            }
            assertTrue(lowest >= -config.comfortDecelMps2() - 1e-6,
                "candidate " + k + " (" + CandidateSet.behaviourName(set.behaviour[k]) + ") brakes at " + lowest);
            assertTrue(set.speed[k * H + H - 1] < 22 - 5, "and it does slow down: " + set.speed[k * H + H - 1]);
        }
    }
}
