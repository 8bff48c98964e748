package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A pedestrian standing still is given 1.25 m where it stands, whatever the model predicts of it: the ego had
 * passed one waiting at a zebra's kerb at 5 m/s and 0.73 m, centred in its lane, with half a metre free to its
 * left (zebra-8300-003).
 * <p>
 * Every case: the plan runs along a 3.5 m lane at 5 m/s (1.9 m wide ego) past a pedestrian (0.5 m square) 20 m
 * ahead whose near edge is {@code gap} right of the ego's side when the plan keeps to the lane's centre.
 */
class StandingPedestrianTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 8;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldChargePassingAStandingPedestrianWithinTheRoom()
    {
        assertTrue(pedestrian(0.73, 0, 0, true) > 10 * pedestrian(0.73, 0, 0.6, true),
            "keeping 0.6 m further left costs much less");
        // Within 1.25 m for about 1.5 s at 0.52 m short: about 120 on top of the speed term, which 1.3 m pays too.
        assertTrue(pedestrian(0.73, 0, 0, true) - pedestrian(1.3, 0, 0, true) > 50);
    }

    @Test
    void shouldNotChargeAWalkerGoingAlongTheSidewalk()
    {
        // Walking the ego's way at 1.3 m/s it pays the speed term only, as at 1.3 m of room standing.
        assertTrue(pedestrian(0.73, 1.3, 0, true) < pedestrian(1.3, 0, 0, true) + 10);
    }

    @Test
    void shouldChargeWhereItStandsWhateverTheModelPredicts()
    {
        // The model has it walking off the road, away from the ego: it stands there now.
        assertTrue(pedestrian(0.73, 0, 0, false) - pedestrian(1.3, 0, 0, true) > 50);
    }

    /**
     * The pedestrian term of the plan, {@code left} m left of the lane's centre, past a pedestrian whose edge is
     * {@code gap} right of a centred ego's side, going {@code speed} along +x; predicted to stay where it is (or
     * to keep its speed) when {@code predictedStill}, else to walk away from the road at 1.5 m/s.
     */
    private double pedestrian(final double gap, final double speed, final double left, final boolean predictedStill)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(5, 1, 0);
        final double y = -(0.95 + gap + 0.25);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.PEDESTRIAN;
        scene.agentX[0] = 20;
        scene.agentY[0] = y;
        scene.agentS[0] = scene.egoS + 20;
        scene.agentD[0] = y;
        scene.agentHeading[0] = 0;
        scene.agentSpeed[0] = speed;
        scene.agentLength[0] = 0.5;
        scene.agentWidth[0] = 0.5;
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            final int at = h * N * 3;
            final double t = (h + 1) * DT;
            future.put(at, (float)(20 + speed * t));
            future.put(at + 1, (float)(predictedStill ? y : y - 1.5 * t));
            future.put(at + 2, 0f);
        }
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 5, DT, h -> 0);
        for (int h = 0; h < H; h++)
        {
            set.y[h] = left;
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.pedestrian[0];
    }
}
