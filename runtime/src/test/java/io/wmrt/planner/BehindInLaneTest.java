package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A car coming up behind the ego in its lane, its way, is not a collision the plan is charged for while its
 * predicted centre is still behind the ego's: running into the car in front is the follower's to avoid. The
 * model's follower did not brake for an ego slowing for a lower limit ahead, and the ego swerved into the
 * oncoming lane away from it (corridor-9600-018, corridor-9600-024, corridor-9600-025).
 * <p>
 * Every case: a 3.5 m lane along +x, the ego at 10 m/s braking at 3 m/s², a car (4.6 x 1.9 m) 12 m behind at
 * 14 m/s predicted to keep its speed: it reaches the ego's rear within the horizon.
 */
class BehindInLaneTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.1;
    private static final int N = 4;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldNotChargeAPlanForAFollowerRunningIntoItFromBehind()
    {
        final SceneSnapshot scene = sceneWithCarAt(-12, 0, 0);
        assertTrue(TrajectoryScorer.behindInLane(scene, 0));
        final TrajectoryScorer scorer = score(scene, 14, 0, 0);
        assertEquals(0.0, scorer.collision[0], 1e-9);
        assertEquals(-1, scorer.firstCollisionStep[0]);
    }

    @Test
    void shouldNotChargeWhatAFollowerThatMetTheEgoFromBehindIsPredictedToDoThroughIt()
    {
        // Predicted on at 25 m/s on its line: it meets the rear first, and its centre passes the ego's after.
        final TrajectoryScorer scorer = score(sceneWithCarAt(-12, 0, 0), 25, 0, 0);
        assertEquals(0.0, scorer.collision[0], 1e-9);
    }

    @Test
    void shouldChargeAFollowerThatOvertakesAndCutsInTooClose()
    {
        // Predicted out to the left at 25 m/s and back into the lane at 0.9 s, 2.7 m ahead of the ego's centre:
        // met first with its centre ahead of the ego's, as a car cutting in, not one running into it.
        final TrajectoryScorer scorer = score(sceneWithCarAt(-12, 0, 0), 25, 0, 0.9);
        assertTrue(scorer.collision[0] > 0, "a car cutting in too close is met, got " + scorer.collision[0]);
    }

    @Test
    void shouldChargeMeetingACarBehindInTheNextLane()
    {
        // The car comes up in the lane to the left and the plan moves into it: cutting in is the ego's doing.
        final SceneSnapshot scene = sceneWithCarAt(-12, 3.5, 0);
        assertFalse(TrajectoryScorer.behindInLane(scene, 0));
        final TrajectoryScorer scorer = score(scene, 14, 3.5, 0);
        assertTrue(scorer.collision[0] > 0);
    }

    @Test
    void shouldNotTakeACarBehindGoingAnotherWayOrOnFootAsAFollower()
    {
        assertFalse(TrajectoryScorer.behindInLane(sceneWithCarAt(-12, 0, Math.PI / 2), 0), "crossing behind");
        assertFalse(TrajectoryScorer.behindInLane(sceneWithCarAt(12, 0, 0), 0), "ahead");
        final SceneSnapshot walker = sceneWithCarAt(-12, 0, 0);
        walker.agentKind[0] = SceneCodes.PEDESTRIAN;
        assertFalse(TrajectoryScorer.behindInLane(walker, 0), "on foot");
        // Scene validation refuses such a frame first; the rule alone takes nothing it cannot read for a follower.
        assertFalse(TrajectoryScorer.behindInLane(sceneWithCarAt(-12, 0, Double.NaN), 0), "a NaN heading");
        assertFalse(TrajectoryScorer.behindInLane(sceneWithCarAt(Double.NEGATIVE_INFINITY, 0, 0), 0), "-Inf behind");
    }

    private static SceneSnapshot sceneWithCarAt(final double x, final double y, final double heading)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(10, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = x;
        scene.agentY[0] = y;
        scene.agentS[0] = scene.egoS + x;
        scene.agentD[0] = y;
        scene.agentHeading[0] = heading;
        scene.agentSpeed[0] = 14;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.9;
        return scene;
    }

    /**
     * Candidate 0 braking at 3 m/s² from 10 m/s, moving to {@code toY} over the first second; the car predicted
     * along +x at {@code carSpeed} on its own line, or 3.5 m left of it until {@code backInS} when that is over 0.
     */
    private TrajectoryScorer score(final SceneSnapshot scene, final double carSpeed, final double toY,
        final double backInS)
    {
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 10, DT, h -> -3);
        for (int h = 0; h < H; h++)
        {
            set.y[h] = toY * Math.min(1, (h + 1) / 10.0);
        }
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            final int at = h * N * 3;
            future.put(at, (float)(scene.agentX[0] + carSpeed * (h + 1) * DT));
            final boolean outside = backInS > 0 && (h + 1) * DT < backInS - 1e-9;
            future.put(at + 1, (float)(scene.agentY[0] + (outside ? 3.5 : 0)));
            future.put(at + 2, (float)scene.agentHeading[0]);
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer;
    }
}
