package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standing close in front of a pedestrian costs, whatever the speed: on a zebra the ego had rolled up to wait with
 * its bumper 0.8 m from the walkers' line, and a walker crossing on the slant passed its corner at 0.37 m
 * (zebra-7900-007). A walker on the sidewalk the ego drives past is not in front of it.
 * <p>
 * Every case: the ego stands at the origin facing +x (4.6 m long, 1.9 m wide, so its nose is at 2.3 m); one
 * pedestrian (0.5 m square) is predicted over the whole horizon.
 */
class PedestrianFrontTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 8;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldChargeWaitingWithTheBumperAtTheWalkersLine()
    {
        // The walker's near edge 0.8 m ahead of the nose, crossing in front of the ego.
        final double close = standing(2.3 + 0.8 + 0.25, -2.5, 1.2);
        assertTrue(close > 0, "charged " + close);
        // Waiting further back, with 2.5 m to the walker, costs nothing.
        assertEquals(0, standing(2.3 + 2.5 + 0.25, -2.5, 1.2), 1e-12);
    }

    @Test
    void shouldChargeMoreTheCloserTheEgoWaits()
    {
        assertTrue(standing(2.3 + 0.4 + 0.25, -2.5, 1.2) > standing(2.3 + 1.2 + 0.25, -2.5, 1.2));
    }

    @Test
    void shouldNotChargeAWalkerOnTheSidewalkBesideTheNose()
    {
        // 0.75 m right of the ego's side, level with its nose, walking along: beside it, not in front.
        assertEquals(0, walker(2.3, -(0.95 + 0.75 + 0.25), 1.2, 0), 1e-12);
    }

    @Test
    void shouldNotChargeAWalkerBehindTheEgo()
    {
        assertEquals(0, standing(-2.3 - 0.8 - 0.25, -2.5, 1.2), 1e-12);
    }

    /** The pedestrian term of a plan standing still, with a walker at x, starting at y and walking +y at vy. */
    private double standing(final double x, final double y, final double vy)
    {
        return walker(x, y, 0, vy);
    }

    /** The same with the walker going (vx, vy). */
    private double walker(final double x, final double y, final double vx, final double vy)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.PEDESTRIAN;
        scene.agentX[0] = x;
        scene.agentY[0] = y;
        scene.agentS[0] = scene.egoS + x;
        scene.agentD[0] = y;
        scene.agentHeading[0] = Math.atan2(vy, vx);
        scene.agentSpeed[0] = Math.hypot(vx, vy);
        scene.agentLength[0] = 0.5;
        scene.agentWidth[0] = 0.5;
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            final int at = h * N * 3;
            future.put(at, (float)(x + vx * (h + 1) * DT));
            future.put(at + 1, (float)(y + vy * (h + 1) * DT));
            future.put(at + 2, (float)scene.agentHeading[0]);
        }
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 0, DT, h -> 0);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.pedestrian[0];
    }
}
