package io.wmrt.planner;

import io.wmrt.TestFrames;
import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents the frame reports beyond the model's range are not dropped: the model is not shown them, the planner
 * carries them at constant velocity. A pass begun with the road clear within the 80 m the scene used to reach
 * met a car coming into view half-way, and breaking it off stranded the ego beside the parked car
 * (narrow-street-7800-000).
 */
class CarriedAgentsTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final int N = 32;
    private static final double DT = 0.2;
    private static final double MODEL_RANGE_M = 80;
    /** Where the car stands that the ego, at 8 m/s, would pass. */
    private static final float PARKED_X = 30f;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .agentRangeM(MODEL_RANGE_M).actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();

    @Test
    void shouldShowTheModelOnlyAgentsInItsRangeAndCarryTheRest()
    {
        final SceneSnapshot scene = load(110f, 14f, N);
        assertEquals(1, scene.agentCount, "the parked car, 30 m ahead, is the model's");
        assertEquals(1, scene.carriedCount, "the oncoming car, 110 m ahead, is carried");
        assertEquals(2, scene.agentId[1]);
        assertEquals(110, scene.agentX[1], 1e-4);
        assertEquals(TestFrames.LANE, scene.agentD[1], 1e-4);

        final FloatBuffer agents = FloatBuffer.allocate(N * 8);
        scene.packAgents(agents, N);
        assertEquals(1f, agents.get(7), "slot 0 valid");
        for (int j = 0; j < 8; j++)
        {
            assertEquals(0f, agents.get(8 + j), "the carried car is not in the model's input, feature " + j);
        }

        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        scene.carryInto(future, K, H, N, DT);
        for (final int k : new int[]{0, K - 1})
        {
            for (final int h : new int[]{0, H - 1})
            {
                final int at = ((k * H + h) * N + 1) * 3;
                assertEquals(110 - 14 * (h + 1) * DT, future.get(at), 1e-3, "x, candidate " + k + " step " + h);
                assertEquals(TestFrames.LANE, future.get(at + 1), 1e-3);
                assertEquals(Math.PI, Math.abs(future.get(at + 2)), 1e-6);
            }
        }
        assertEquals(0f, future.get(0), "the model's own slot is left alone");
    }

    @Test
    void shouldCarryACarComingRoundABendInItsLane()
    {
        // The route turns left 100 m ahead; a car comes down the road after the bend in the other lane, 40 m
        // beyond it at 10 m/s. Straight on it would cross the ego's road; along the route it stays in its lane.
        final SceneSnapshot scene = TestScenes.straightRoad(8, 1, 0);
        scene.route.clear();
        scene.route.add(-10, 0);
        scene.route.add(100, 0);
        scene.route.add(100, 200);
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.carriedCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = 100 - 3.5;
        scene.agentY[0] = 40;
        scene.agentHeading[0] = -0.5 * Math.PI;
        scene.agentSpeed[0] = 10;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.8;
        scene.route.project(scene.agentX[0], scene.agentY[0]);
        scene.agentS[0] = scene.route.s;
        scene.agentD[0] = scene.route.d;
        assertEquals(3.5, scene.agentD[0], 1e-9);

        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        scene.carryInto(future, K, H, N, DT);
        final int last = ((K - 1) * H + H - 1) * N * 3;
        // 60 m on: 20 m before the bend's corner on the ego's road, in the other lane, heading back along it.
        assertEquals(100 - 20, future.get(last), 0.5);
        assertEquals(3.5, future.get(last + 1), 1e-3);
        assertEquals(Math.PI, Math.abs(future.get(last + 2)), 1e-6);
        for (int h = 0; h < H; h++)
        {
            // On one leg or the other of the other lane: 3.5 m left of the route's centre line.
            final int at = ((K - 1) * H + h) * N * 3;
            final double x = future.get(at);
            final double y = future.get(at + 1);
            assertTrue(Math.abs(x - (100 - 3.5)) < 1e-3 || Math.abs(y - 3.5) < 1e-3,
                "in its lane: step " + h + " at " + x + ", " + y);
        }
    }

    @Test
    void shouldLeaveOutCrossTrafficBeyondTheModelsRange()
    {
        // Carried straight on, a car on a side street would be driven through its red light into the ego's road.
        final SceneSnapshot scene = load(110f, 14f, N);
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        TestFrames.straightRoad(new SceneFrameEncoder().wrap(buffer, 0), 1, 100_000_000L, 0f)
            .agentX(0, PARKED_X).agentX(1, 100f).agentY(1, -90f).agentHeading(1, (float)(0.5 * Math.PI));
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), N, MODEL_RANGE_M);
        assertEquals(1, scene.agentCount);
        assertEquals(0, scene.carriedCount);
    }

    /**
     * The ego joins a road on a junction's slant (its route's first segment at 25 degrees), and a car comes up
     * behind it in the lane it joins, 100 m back at 14 m/s: the route, extended back along the slant, passes 45 m
     * from it, so it was not carried, and came into the model's range half-way through the merge
     * (corridor-8800-001). It is carried straight on now; one standing, one going away and one crossing are not.
     */
    @Test
    void shouldCarryACarComingUpBehindInTheLaneAMergeJoins()
    {
        final double slant = Math.toRadians(25);
        final SceneSnapshot scene = joining(slant, 0f, 14f);
        assertEquals(1, scene.carriedCount, "the car coming up behind is carried");
        final int n = scene.agentCount;
        assertEquals(2, scene.agentId[n]);

        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        scene.carryInto(future, K, H, N, DT);
        for (final int h : new int[]{0, H - 1})
        {
            // Where it is in the world then, on its road (y = 3.3), in the ego's frame.
            final double wx = -100 + 14 * (h + 1) * DT;
            final double wy = 3.3;
            final int at = ((K - 1) * H + h) * N * 3 + n * 3;
            assertEquals(Math.cos(slant) * wx + Math.sin(slant) * wy, future.get(at), 1e-3, "x, step " + h);
            assertEquals(-Math.sin(slant) * wx + Math.cos(slant) * wy, future.get(at + 1), 1e-3, "y, step " + h);
            assertEquals(-slant, future.get(at + 2), 1e-6, "heading, step " + h);
        }

        assertEquals(0, joining(slant, 0f, 0f).carriedCount, "a car standing behind is not coming up");
        assertEquals(0, joining(slant, (float)Math.PI, 14f).carriedCount, "a car going away is not coming up");
        assertEquals(0, joining(slant, (float)(0.5 * Math.PI), 14f).carriedCount, "nor is one crossing");
    }

    /**
     * The ego at the origin, heading {@code slant} on its route's first segment, which then runs east at y = 3.3;
     * the standing car ahead on it, and a car 100 m behind in that lane with world heading {@code heading}.
     */
    private static SceneSnapshot joining(final double slant, final float heading, final float speed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        TestFrames.straightRoad(encoder, 1, 100_000_000L, 0f).egoHeading((float)slant)
            .agentX(0, 40f).agentY(0, 3.3f).agentX(1, -100f).agentY(1, 3.3f).agentHeading(1, heading)
            .agentSpeed(1, speed);
        final double join = 3.3 / Math.tan(slant);
        encoder.routeX(0, 0f).routeY(0, 0f);
        for (int i = 1; i < 40; i++)
        {
            encoder.routeX(i, (float)(join + 10 * (i - 1))).routeY(i, 3.3f);
        }
        final SceneSnapshot scene = new SceneSnapshot();
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), N, MODEL_RANGE_M);
        return scene;
    }

    @Test
    void shouldCarryOnlyAsManyAsTheModelLeavesSlotsFor()
    {
        final SceneSnapshot scene = load(110f, 14f, 1);
        assertEquals(1, scene.agentCount);
        assertEquals(0, scene.carriedCount, "no slot left in the rollout's tensor to carry it in");
    }

    @Test
    void shouldNotStartAPassThatAnOncomingCarBeyondTheModelsRangeCutsShort()
    {
        // 110 m away at 14 m/s: half-way through the pass of the car standing 30 m ahead.
        final SceneSnapshot scene = load(110f, 14f, N);
        assertTrue(maxLeft(scene) < 0.5 * TestFrames.LANE, "stays in lane with the car carried: " + maxLeft(scene));

        // The same scene without it, as the planner saw it before: the pass looks free and is taken.
        final SceneSnapshot blind = load(110f, 14f, N);
        blind.carriedCount = 0;
        assertTrue(maxLeft(blind) > 0.5 * TestFrames.LANE, "passes when blind to it: " + maxLeft(blind));
    }

    @Test
    void shouldPassWhenTheCarriedCarIsFarEnough()
    {
        // 150 m away at 8 m/s: the pass is done before it arrives.
        final SceneSnapshot scene = load(150f, 8f, N);
        assertEquals(1, scene.carriedCount);
        assertTrue(maxLeft(scene) > 0.5 * TestFrames.LANE, "passes: " + maxLeft(scene));
    }

    private static SceneSnapshot load(final float oncomingX, final float oncomingSpeed, final int maxAgents)
    {
        return load(oncomingX, oncomingSpeed, maxAgents, PARKED_X);
    }

    /**
     * TestFrames' straight road with the ego at x 0, its standing car moved to {@code parkedX} and its oncoming
     * car to {@code oncomingX}.
     */
    private static SceneSnapshot load(final float oncomingX, final float oncomingSpeed, final int maxAgents,
        final float parkedX)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        TestFrames.straightRoad(encoder, 1, 100_000_000L, 0f).agentX(1, oncomingX).agentSpeed(1, oncomingSpeed)
            .agentX(0, parkedX);
        final SceneFrameDecoder decoder = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);
        final SceneSnapshot scene = new SceneSnapshot();
        scene.load(decoder, maxAgents, MODEL_RANGE_M);
        return scene;
    }

    /** How far left of the lane centre the chosen plan goes, with the parked car predicted to stand. */
    private double maxLeft(final SceneSnapshot scene)
    {
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, null, 0);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int i = 0; i < K * H; i++)
        {
            future.put(i * N * 3, (float)scene.agentX[0]);
            future.put(i * N * 3 + 1, (float)scene.agentY[0]);
        }
        scene.carryInto(future, K, H, N, DT);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        final int k = scorer.select(scene, set, future, null, K, false);
        double left = Double.NEGATIVE_INFINITY;
        for (int h = 0; h < H; h++)
        {
            left = Math.max(left, set.y[k * H + h]);
        }
        return left;
    }
}
