package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.function.DoubleUnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the ego gives way to a walker crossing ahead ({@link SceneSnapshot#walkerYield}): on a zebra the ego had
 * threaded between walkers, passing one who stepped off the kerb towards it at 0.79 m (zebra-9700-033), and braked
 * at 5.96 m/s² when a plan between two walkers stopped being one (zebra-9700-039).
 * <p>
 * Every case: a straight road along +x (lane 3.5 m, ego 4.6 x 1.9 m on the lane centre, nose at 2.3 m; the ego's way
 * reaches 0.95 + 1.2 m either side of the centre line), limit 10 m/s, one walker.
 */
class WalkerYieldTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final int N = 8;
    private static final double DT = 0.2;

    /** A walker {@code ahead} metres along the road at offset d, walking across at 1.4 m/s (+1 left, -1 right). */
    private static SceneSnapshot crossing(final double egoSpeed, final double ahead, final double d, final int way)
    {
        return walker(egoSpeed, ahead, d, way * Math.PI / 2, 1.4);
    }

    private static SceneSnapshot walker(
        final double egoSpeed, final double x, final double d, final double heading, final double speed)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(egoSpeed, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.PEDESTRIAN;
        scene.agentX[0] = x;
        scene.agentY[0] = d;
        scene.agentS[0] = scene.egoS + x;
        scene.agentD[0] = d;
        scene.agentHeading[0] = heading;
        scene.agentSpeed[0] = speed;
        scene.agentLength[0] = 0.5;
        scene.agentWidth[0] = 0.5;
        return scene;
    }

    @Test
    void shouldGiveWayItsDistanceBeforeAWalkerInTheEgosWay()
    {
        // 2 m left of the centre line, walking right: in the way for 3.0 s, and a standing ego's nose, 5.7 m back,
        // gets there in 2.8 s.
        final SceneSnapshot scene = crossing(0, 8, 2.0, -1);
        assertEquals(scene.egoS + 8 - SceneSnapshot.YIELD_BEFORE_M, scene.walkerYield(), 1e-9);
    }

    @Test
    void shouldGiveWayToAWalkerComingOffTheFarKerb()
    {
        // On the far side of the oncoming lane (4 m left of the centre line), walking towards the ego lane: in the
        // way within 1.3 s, long before a standing ego 6 m back is past.
        assertTrue(crossing(0, 8, 4.0, -1).walkerYield() < Double.POSITIVE_INFINITY);
        // The same from the right, stepping off the kerb.
        assertTrue(crossing(0, 8, -2.6, 1).walkerYield() < Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldNotGiveWayToAWalkerGoingAlongTheSidewalk()
    {
        assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, -2.6, 0, 1.4).walkerYield());
        assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, 4.0, Math.PI, 1.4).walkerYield());
        // Heading across on the slant by 40 degrees is still going along.
        assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, -2.6, Math.toRadians(40), 1.4).walkerYield());
    }

    @Test
    void shouldNotGiveWayToAWalkerWhoHasCrossedTheEgosWay()
    {
        assertEquals(Double.POSITIVE_INFINITY, crossing(0, 8, -2.6, -1).walkerYield());
        assertEquals(Double.POSITIVE_INFINITY, crossing(0, 8, 2.5, 1).walkerYield());
    }

    @Test
    void shouldNotGiveWayToAWalkerOutOfTheWayBeforeTheEgoGetsThere()
    {
        // 0.3 m inside the way's right edge, walking out of it: out in 0.2 s, the ego 20 m back at 8 m/s.
        assertEquals(Double.POSITIVE_INFINITY, crossing(8, 20, -1.85, -1).walkerYield());
        // The same walker 1.7 m ahead of a standing ego's nose: out of the way in 0.2 s, the nose there in 1.5 s.
        assertEquals(Double.POSITIVE_INFINITY, crossing(0, 4, -1.85, -1).walkerYield());
        // A walker in the middle of the way, 1.5 s from its edge, with the ego 4 m short of it at 10 m/s (0.4 s):
        // given way to.
        assertTrue(crossing(10, 6.3, 0, -1).walkerYield() < Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldNotBrakeHardForAWalkerStillToCome()
    {
        // 5 s from the way at 1.4 m/s (7 m left of it) while the ego, at 10 m/s, is 12 m from the line: it is past
        // long before; a walker 1 s from the way is given way to only if the ego can stop at 2.5 m/s².
        assertEquals(Double.POSITIVE_INFINITY, crossing(10, 14.3, 2.15 + 7, -1).walkerYield());
        assertEquals(Double.POSITIVE_INFINITY, crossing(10, 14.3, 2.15 + 1.4, -1).walkerYield());
        // 30 m ahead: the ego stops for it comfortably.
        assertTrue(crossing(10, 32.3, 2.15 + 1.4, -1).walkerYield() < Double.POSITIVE_INFINITY);
    }

    @Test
    void shouldNotGiveWayToAStandingWalkerOrOneBehindTheNose()
    {
        // Standing walkers keep the room the standing-pedestrian term gives them.
        assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, 0.5, -Math.PI / 2, 0.2).walkerYield());
        // Beside the ego: the collision and clearance terms see it.
        assertEquals(Double.POSITIVE_INFINITY, crossing(0, 2.0, 0.5, -1).walkerYield());
        // Further ahead than the lookahead.
        assertEquals(Double.POSITIVE_INFINITY,
            crossing(0, 2.3 + SceneSnapshot.YIELD_AHEAD_M + 1, 0.5, -1).walkerYield());
    }

    @Test
    void shouldKeepAStandingEgoBackForAWalkerComingWhoseLineItsNoseIsJustPast()
    {
        // The walker's line is 0.1 m behind the nose (at 2.3 m) and he is 1.3 s from the ego's way: a standing ego
        // stays where it is (zebra-9900-015: it crept on and he passed its nose at 0.19 m).
        final double justPast = 2.3 + SceneSnapshot.YIELD_BEFORE_M - 0.1;
        final SceneSnapshot standing = crossing(0, justPast, 4.0, -1);
        assertEquals(standing.egoS + justPast - SceneSnapshot.YIELD_BEFORE_M, standing.walkerYield(), 1e-9);
        // More than the held metre behind the nose: the ego is on his line already, and nothing holds it there.
        assertEquals(Double.POSITIVE_INFINITY, crossing(0, justPast - 1.0, 4.0, -1).walkerYield());
        // On the move at 1 m/s it cannot stop before that line; the walker is left to the collision terms.
        assertEquals(Double.POSITIVE_INFINITY, crossing(1, justPast, 4.0, -1).walkerYield());
    }

    @Test
    void shouldStandBeforeTheNearestWalkerOnTheCrossingItGivesWayOn()
    {
        // One walker in the ego's way 10 m ahead, slow enough to be in it still when the ego gets there; another
        // coming from the far kerb 2.5 m nearer, 5 s from the way, too far off to be given way to on his own.
        final SceneSnapshot alone = crossing(0, 7.5, 2.15 + 7, -1);
        assertEquals(Double.POSITIVE_INFINITY, alone.walkerYield());
        final SceneSnapshot scene = walker(0, 10, 1.5, -Math.PI / 2, 0.8);
        assertEquals(scene.egoS + 10 - SceneSnapshot.YIELD_BEFORE_M, scene.walkerYield(), 1e-9);
        addWalker(scene, 7.5, 2.15 + 7, -Math.PI / 2);
        assertEquals(scene.egoS + 7.5 - SceneSnapshot.YIELD_BEFORE_M, scene.walkerYield(), 1e-9,
            "the ego stands before the near walker's line, not creeping up to the far one's");
        // Chained: a third 3 m nearer still, coming from the near side 4 s from the way: the crossing reaches him.
        addWalker(scene, 4.5, -2.15 - 1.4 * 4, Math.PI / 2);
        assertEquals(scene.egoS + 4.5 - SceneSnapshot.YIELD_BEFORE_M, scene.walkerYield(), 1e-9);

        // Not on the crossing: a walker 4.5 m nearer than the one given way to, and one who has crossed.
        final SceneSnapshot apart = walker(0, 10, 1.5, -Math.PI / 2, 0.8);
        addWalker(apart, 5.5, 2.15 + 7, -Math.PI / 2);
        addWalker(apart, 8.0, -2.6, -Math.PI / 2);
        assertEquals(apart.egoS + 10 - SceneSnapshot.YIELD_BEFORE_M, apart.walkerYield(), 1e-9);
        // On the move, the ego is not pulled back to a line it cannot stop before at 2.5 m/s².
        final SceneSnapshot moving = crossing(6, 16, 1.5, -1);
        addWalker(moving, 12, 2.15 + 7, -Math.PI / 2);
        assertEquals(moving.egoS + 16 - SceneSnapshot.YIELD_BEFORE_M, moving.walkerYield(), 1e-9);
    }

    @Test
    void shouldHoldTheEgoBeforeTheLineAsARedLightDoes()
    {
        final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
        final SceneSnapshot scene = crossing(0, 10, 4.0, -1);
        scene.walkerYieldS = scene.walkerYield();
        final CandidateSet set = new CandidateSet(K, H);
        // 0: standing; 1: speeding up at 1 m/s² through the line.
        TestScenes.alongX(set, 0, 0, DT, h -> 0);
        TestScenes.alongX(set, 1, 0, DT, h -> 1);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        assertEquals(0, scorer.redLight[0], 1e-12);
        assertTrue(scorer.redLight[1] > 0, "through the walker's line: " + scorer.redLight[1]);

        // Too close to stop for it at 4 m/s², an ego already on the move is not held.
        final SceneSnapshot late = crossing(8, 4, 0.5, -1);
        late.walkerYieldS = late.walkerYield();
        TestScenes.alongX(set, 2, 8, DT, h -> 0);
        final TrajectoryScorer through = TestScenes.scoreFirst(config, late, set, 3);
        assertEquals(0, through.redLight[2], 1e-12);
    }

    private static void addWalker(final SceneSnapshot scene, final double x, final double d, final double heading)
    {
        final int n = scene.agentCount++;
        scene.agentKind[n] = SceneCodes.PEDESTRIAN;
        scene.agentX[n] = x;
        scene.agentY[n] = d;
        scene.agentS[n] = scene.egoS + x;
        scene.agentD[n] = d;
        scene.agentHeading[n] = heading;
        scene.agentSpeed[n] = 1.4;
        scene.agentLength[n] = 0.5;
        scene.agentWidth[n] = 0.5;
    }

    /** A model's future in which every walker cuts towards the ego: 0.6 m/s back along x, 1.2 m/s towards y = 0. */
    private static FloatBuffer cuttingTheCorner(final SceneSnapshot scene)
    {
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int k = 0; k < K; k++)
        {
            for (int h = 0; h < H; h++)
            {
                final double t = (h + 1) * DT;
                for (int n = 0; n < scene.agentCount; n++)
                {
                    final int at = ((k * H + h) * N + n) * 3;
                    future.put(at, (float)(scene.agentX[n] - 0.6 * t));
                    future.put(at + 1, (float)(scene.agentY[n] - Math.signum(scene.agentY[n]) * 1.2 * t));
                    future.put(at + 2, (float)scene.agentHeading[n]);
                }
            }
        }
        return future;
    }

    @Test
    void shouldCarryAWalkerCrossingTheRoadStraightOnAndLeaveOthersAsPredicted()
    {
        // On the oncoming lane walking across; on the right sidewalk walking along; 3.75 m beyond the right edge
        // of the drivable area heading across (at the band 1 m from the edge after 1.96 s: inside the 6 s horizon);
        // 12 m beyond it heading across (not within the horizon: 9.4 m at most); 3 m beyond the right edge walking
        // away from the road.
        final SceneSnapshot scene = crossing(0, 8, 4.0, -1);
        addWalker(scene, 12, -2.6, 0);
        addWalker(scene, 15, -6, Math.PI / 2);
        addWalker(scene, 18, -14.25, Math.PI / 2);
        addWalker(scene, 20, -5.25, -Math.PI / 2);
        final FloatBuffer future = cuttingTheCorner(scene);
        final FloatBuffer predicted = cuttingTheCorner(scene);
        assertEquals(2, new AgentMotion().carryCrossingsInto(scene, future, K, H, N, DT));
        for (int k = 0; k < K; k++)
        {
            for (int h = 0; h < H; h++)
            {
                final double t = (h + 1) * DT;
                final int at = ((k * H + h) * N) * 3;
                assertEquals(8, future.get(at), 1e-5, "straight across, step " + h);
                assertEquals(4.0 - 1.4 * t, future.get(at + 1), 1e-5, "at its speed, step " + h);
                assertEquals(15, future.get(at + 6), 1e-5, "off the kerb straight across, step " + h);
                assertEquals(-6 + 1.4 * t, future.get(at + 7), 1e-5, "at its speed, step " + h);
                for (final int n : new int[]{1, 3, 4})
                {
                    assertEquals(predicted.get(at + 3 * n), future.get(at + 3 * n), "walker " + n + " as predicted");
                    assertEquals(predicted.get(at + 3 * n + 1), future.get(at + 3 * n + 1));
                }
            }
        }
    }

    @Test
    void shouldCarryAWalkerComingOnASlantFromThePavementOnlyUntilHeReachesTheRoad()
    {
        // 3 m beyond the left edge of the drivable area (d = 8.25), heading 120 degrees off the road's direction:
        // back along the road at 0.7 m/s, towards it at 1.21 m/s. He reaches the band 1 m from the edge after
        // 2 / 1.21 = 1.65 s, 1.16 m back along the road, and walks straight across from there at 1.4 m/s. Carried on
        // his slant for the whole 6 s he would come 4.2 m back along the road.
        final double heading = Math.toRadians(-120);
        final SceneSnapshot scene = walker(0, 10, 8.25, heading, 1.4);
        final FloatBuffer future = cuttingTheCorner(scene);
        assertEquals(1, new AgentMotion().carryCrossingsInto(scene, future, K, H, N, DT));
        final double reach = 2 / (1.4 * Math.sin(Math.toRadians(120)));
        for (int h = 0; h < H; h++)
        {
            final double t = (h + 1) * DT;
            final int at = h * N * 3;
            final double onSlant = Math.min(t, reach);
            assertEquals(10 + 1.4 * Math.cos(heading) * onSlant, future.get(at), 1e-4, "along the road, step " + h);
            assertEquals(8.25 + 1.4 * Math.sin(heading) * onSlant - 1.4 * (t - onSlant), future.get(at + 1), 1e-4,
                "across, step " + h);
        }
        assertEquals(10 - 0.7 * reach, future.get((H - 1) * N * 3), 1e-3, "no further back than where he reached it");
    }

    private static PlannerConfig config()
    {
        return new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
    }

    /** A model's future with walker 0 at (x(t), y(t)) heading -y for every candidate, t the step's end time. */
    private static FloatBuffer walkerFuture(final DoubleUnaryOperator x, final DoubleUnaryOperator y)
    {
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int k = 0; k < K; k++)
        {
            for (int h = 0; h < H; h++)
            {
                final double t = (h + 1) * DT;
                final int at = (k * H + h) * N * 3;
                future.put(at, (float)x.applyAsDouble(t));
                future.put(at + 1, (float)y.applyAsDouble(t));
                future.put(at + 2, (float)(-Math.PI / 2));
            }
        }
        return future;
    }

    @Test
    void shouldNotChargeAStandingPlanForAWalkerPredictedIntoIt()
    {
        // A walker from (6, 3) predicted into the ego's nose at (2, 0) within 3 s and standing there.
        final SceneSnapshot scene = crossing(0, 6, 3, -1);
        final FloatBuffer future = walkerFuture(t -> 6 - 4 * Math.min(1, t / 3), t -> 3 - 3 * Math.min(1, t / 3));
        final PlannerConfig config = config();
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 0, DT, h -> 0);
        TestScenes.alongX(set, 1, 1, DT, h -> 0);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        scorer.score(scene, set, future, 1);
        assertEquals(0, scorer.collision[0], 1e-12, "a walker walks round a car that stands");
        assertTrue(scorer.collision[1] > 0, "creeping into it at 1 m/s: " + scorer.collision[1]);
    }

    @Test
    void shouldNotChargeAPlanStandingShortOfACrossingForAWalkerPredictedToDriftIntoIt()
    {
        // A walker from (14, 10) predicted across at 1.4 m/s and drifting back along the road at 0.5 m/s: at the
        // end of the horizon (6 s) at (11, 1.6), in the ego's path 0.3 to 2.0 s later. Both plans end with the
        // nose at x = 10.2, 0.55 m short of the walker's near edge: standing there, the walker is carried across
        // alone and passes in front; still rolling at 2 m/s the ego meets it, as it would meet it if the drift
        // were carried on too.
        final SceneSnapshot scene = crossing(0, 14, 10, -1);
        final FloatBuffer future = walkerFuture(t -> 14 - 0.5 * t, t -> 10 - 1.4 * t);
        final PlannerConfig config = config();
        final CandidateSet set = new CandidateSet(K, H);
        // 0: from 4 m/s braking at 2 m/s², standing after 2 s; 1: from 4 m/s braking at 1 m/s² for 2 s, then
        // rolling at 2 m/s.
        TestScenes.alongX(set, 0, 4, DT, h -> -2);
        TestScenes.alongX(set, 1, 4, DT, h -> h < 10 ? -1 : 0);
        for (int k = 0; k < 2; k++)
        {
            final double shift = 10.2 - 2.3 - set.x[k * H + H - 1];
            for (int h = 0; h < H; h++)
            {
                set.x[k * H + h] += shift;
            }
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        scorer.score(scene, set, future, 1);
        assertEquals(0, set.speed[H - 1], 0);
        assertEquals(0, scorer.afterHorizon[0], 1e-12, "carried across, the walker passes in front");
        assertTrue(scorer.afterHorizon[1] > 0, "rolling at 2 m/s into its way: " + scorer.afterHorizon[1]);

        // A future that is not finite at the walker's last steps (the planner agent never scores one: it refuses the
        // rollout first) is not taken for a walker out of the way, and leaves the plan's cost a number.
        for (final double bad : new double[]{Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        {
            final FloatBuffer odd = walkerFuture(t -> t > 5.5 ? bad : 14 - 0.5 * t, t -> 10 - 1.4 * t);
            scorer.score(scene, set, odd, 0);
            assertTrue(Double.isFinite(scorer.afterHorizon[0]), "after the horizon, walker at " + bad);
            assertTrue(Double.isFinite(scorer.total[0]), "total with the walker at " + bad);
        }
    }

    @Test
    void shouldGiveWayToNoWalkerWhoseNumbersAreNotFinite()
    {
        final double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (final double b : bad)
        {
            assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, 2.0, b, 1.4).walkerYield(), "heading " + b);
            assertEquals(Double.POSITIVE_INFINITY, walker(0, 8, 2.0, -Math.PI / 2, b).walkerYield(), "speed " + b);
            final SceneSnapshot along = crossing(0, 8, 2.0, -1);
            along.agentS[0] = b;
            assertEquals(Double.POSITIVE_INFINITY, along.walkerYield(), "arc length " + b);
            final SceneSnapshot odd = walker(0, 8, 2.0, b, 1.4);
            final FloatBuffer future = cuttingTheCorner(odd);
            assertEquals(0, new AgentMotion().carryCrossingsInto(odd, future, K, H, N, DT), "carried, heading " + b);
            final SceneSnapshot offset = crossing(0, 8, 2.0, -1);
            offset.agentD[0] = b;
            assertEquals(0, new AgentMotion().carryCrossingsInto(offset, cuttingTheCorner(offset), K, H, N, DT),
                "carried, offset " + b);
        }
    }
}
