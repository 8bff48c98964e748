package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clearance kept from other vehicles is measured between the footprints as they stand: an ego pulling back
 * into its lane beside a parked car, nose towards the kerb, brings its side nearer to the car's corner than the
 * same footprints aligned would be (the rig found the ego 0.3 m from parked cars that the aligned estimate put at
 * 0.75 m).
 */
class TrajectoryScorerClearanceTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double SPEED = 5.0;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.1).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();

    @Test
    void aFootprintAtAnAngleBesideAParkedCarIsChargedForTheGapItReallyLeaves()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(SPEED, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.8;
        scene.agentSpeed[0] = 0;
        final double carY = -2.7;
        final CandidateSet set = new CandidateSet(K, H);
        hold(set, 0, 1.0, 0.0);      // aligned: sides 2.7 - 0.95 - 0.9 = 0.85 m apart, over the 0.8 m margin
        hold(set, 1, 1.0, -0.2);     // nose 0.2 rad towards the kerb: its right front corner comes nearer
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        for (int i = 0; i < K * H; i++)
        {
            future.put(i * 32 * 3 + 1, (float)carY);
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        scorer.score(scene, set, future, 1);

        final double margin = config.weights().clearanceM + config.weights().clearancePerMps * SPEED;
        final double gap = Footprints.distance(1.0, 0, -0.2, 2.3, 0.95, 0, carY, 0, 2.3, 0.9);
        assertTrue(gap < 0.6, "the angled footprint is a quarter metre nearer than the aligned one: " + gap);
        assertEquals(0.0, scorer.ttc[0], 1e-9, "aligned, the margin is kept");
        assertEquals(H * config.weights().clearance * (margin - gap) * (margin - gap) * config.dtSeconds(),
            scorer.ttc[1], 1e-3, "at an angle, every step is charged for the gap it leaves");
    }

    /** Candidate k stands still at (x, 0) with the given heading, at SPEED as far as the scorer's margins go. */
    private static void hold(final CandidateSet set, final int k, final double x, final double heading)
    {
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            set.x[i] = x;
            set.y[i] = 0;
            set.heading[i] = heading;
            set.speed[i] = SPEED;
        }
    }
}
