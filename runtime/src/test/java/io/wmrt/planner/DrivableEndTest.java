package io.wmrt.planner;

import io.wmrt.TestFrames;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The room beside the ego lane ends where the scene says: on an acceleration lane the ego had 1.5 lanes of room on
 * its right for as far as it looked, so it waited for a gap at 9 m/s past the lane's end and squeezed into traffic
 * (corridor-8300-002), or drifted back into the lane's last metres at 25 m/s after merging (merge-8300-001).
 * <p>
 * Every case: a 3.5 m lane along +x, the plan 3.5 m to the right of its centre (in the acceleration lane), with
 * 5.25 m of room on each side; the plan runs 30 steps of 0.2 s.
 */
class DrivableEndTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(4)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();
    private final CostWeights w = new CostWeights();

    @Test
    void shouldChargeRunningOnPastTheEndOfTheRoomAsOffTheRoad()
    {
        final double open = lane(-3.5, 8, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        final double ended = lane(-3.5, 8, 0, Double.POSITIVE_INFINITY, 20);
        // 48 m at 8 m/s: the front passes 20 m after 2 s, so about 20 of the 30 steps are over the edge (at least 10 charged in full).
        assertTrue(ended - open > 10 * w.offroad, "charged " + (ended - open) + " more");
    }

    @Test
    void shouldNotChargeAPlanThatStopsBeforeTheEnd()
    {
        // 8 m/s braking at 2 m/s^2 stops within 16 m; its front (2.3 m ahead of the centre) stays short of 25 m.
        final double open = lane(-3.5, 8, -2, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertEquals(open, lane(-3.5, 8, -2, Double.POSITIVE_INFINITY, 25), 1e-9);
    }

    @Test
    void shouldLeaveTheEgoLaneItselfDrivablePastTheEnd()
    {
        final double open = lane(0, 8, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertEquals(open, lane(0, 8, 0, 5, 5), 1e-9);
    }

    @Test
    void shouldEndTheRoomOnTheLeftAsOnTheRight()
    {
        final double open = lane(3.5, 8, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertTrue(lane(3.5, 8, 0, 20, Double.POSITIVE_INFINITY) - open > 100);
        assertEquals(open, lane(3.5, 8, 0, Double.POSITIVE_INFINITY, 20), 1e-9, "the right side's end is not the left's");
    }

    @Test
    void shouldLetGoOfAnEndTheEgoHasReached()
    {
        // TestFrames' route starts 10 m behind the ego, whose front is 2.3 m ahead of its centre: at 12.3 m.
        assertEquals(25, load(25f).drivableRightEndS, 1e-6);
        assertEquals(25, load(25f).drivableLeftEndS, 1e-6);
        assertEquals(Double.POSITIVE_INFINITY, load(13f).drivableRightEndS, "within 1 m of the front: reached");
        assertEquals(Double.POSITIVE_INFINITY, load(5f).drivableRightEndS, "behind the front: reached");
        assertEquals(Double.POSITIVE_INFINITY, load(0f).drivableRightEndS, "0: the room lasts the route");
    }

    private static SceneSnapshot load(final float endS)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        TestFrames.straightRoad(new SceneFrameEncoder().wrap(buffer, 0), 1, 100_000_000L, 0f)
            .egoLength(4.6f).drivableLeftEndS(endS).drivableRightEndS(endS);
        final SceneSnapshot scene = new SceneSnapshot();
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), 32, 200);
        return scene;
    }

    /** The lane term of a plan at offset {@code d} from speed v0 at constant acceleration, the room ending as given. */
    private double lane(final double d, final double v0, final double accel, final double leftEndS, final double rightEndS)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(v0, 1, 0);
        scene.drivableLeft = 5.25;
        scene.drivableRight = 5.25;
        scene.drivableLeftEndS = leftEndS == Double.POSITIVE_INFINITY ? leftEndS : scene.egoS + leftEndS;
        scene.drivableRightEndS = rightEndS == Double.POSITIVE_INFINITY ? rightEndS : scene.egoS + rightEndS;
        scene.egoD = d;
        scene.egoWorldY = d;
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, v0, DT, h -> accel);
        for (int h = 0; h < H; h++)
        {
            set.y[h] = d;
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, FloatBuffer.allocate(K * H * 4 * 3), 0);
        return scorer.lane[0];
    }
}
