package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Out of its lane with a parked vehicle standing in it ahead, the ego keeps to the side it is on without paying
 * for its lane until it is past: on a corridor the route moved into the right lane 60 m before a double-parked car
 * in it, and the ego changed into it and out again within 3 s (weaving, corridor-7900-000).
 * <p>
 * Every case: a 3.5 m lane along +x; the plan runs 30 m at 5 m/s, 3.3 m left of the lane's centre (in the lane
 * beside it), on a road 7 m wide to the left.
 */
class PassZoneLaneTest
{
    private static final int K = 32;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 8;
    private static final double LEFT = 3.3;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldNotChargeKeepingToTheSideItIsOnUntilPastTheParkedCar()
    {
        assertEquals(0, lane(LEFT, 40, true), 1e-9);
    }

    @Test
    void shouldChargeLeavingTheLaneFromWithinIt()
    {
        // The same plan begun in lane is a pass like any other, and pays for its lane.
        assertTrue(lane(0, 40, true) > 1);
    }

    @Test
    void shouldChargeStayingOutWithNothingParkedAhead()
    {
        assertTrue(lane(LEFT, 40, false) > 1);
    }

    @Test
    void shouldChargeKeepingToALaneWithTrafficComingTheOtherWay()
    {
        assertTrue(lane(LEFT, 40, true, true) > 1);
    }

    @Test
    void shouldChargeAnEgoOnlyHalfOutOfItsLane()
    {
        // 1.5 m left is 0.7 m out of a 3.5 m lane: a pass begun, not a lane of its own.
        assertTrue(lane(1.5, 40, true) > 1);
    }

    @Test
    void shouldChargeTheStepsPastTheParkedCar()
    {
        // The car's front at 12.6 m: from 17.9 m (its front, half the ego and the room to pull in) the lane counts,
        // for the 12 m of the 30 the plan runs beyond that; begun in lane, the plan pays on all 30.
        final double past = lane(LEFT, 8, true);
        final double all = lane(0, 8, true);
        assertTrue(past > 0.25 * all && past < 0.6 * all, "charged " + past + " of " + all);
    }

    /** The lane term of the plan, the ego starting at {@code startD}, a car standing in lane with its rear at x. */
    private double lane(final double startD, final double rearX, final boolean parked)
    {
        return lane(startD, rearX, parked, false);
    }

    /** ... and, when {@code oncoming}, a car 60 m ahead in the lane beside coming the other way at 8 m/s. */
    private double lane(final double startD, final double rearX, final boolean parked, final boolean oncoming)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(5, 1, 0);
        scene.drivableLeft = 7;
        scene.egoD = startD;
        scene.egoWorldY = startD;
        scene.agentCount = oncoming ? 2 : 1;
        scene.agentKind[1] = SceneCodes.VEHICLE;
        scene.agentX[1] = 60;
        scene.agentY[1] = LEFT;
        scene.agentS[1] = scene.egoS + 60;
        scene.agentD[1] = LEFT;
        scene.agentHeading[1] = Math.PI;
        scene.agentSpeed[1] = 8;
        scene.agentLength[1] = 4.6;
        scene.agentWidth[1] = 1.8;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = rearX + 2.3;
        scene.agentS[0] = scene.egoS + rearX + 2.3;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.8;
        scene.agentParked[0] = parked;
        scene.agentParkedByRule[0] = parked;
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            future.put(h * N * 3, (float)(rearX + 2.3));
            future.put((h * N + 1) * 3, (float)(60 - 8 * (h + 1) * DT));
            future.put((h * N + 1) * 3 + 1, (float)LEFT);
            future.put((h * N + 1) * 3 + 2, (float)Math.PI);
        }
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 5, DT, h -> 0);
        for (int h = 0; h < H; h++)
        {
            set.y[h] = LEFT;
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.lane[0];
    }
}
