package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The clearance floor measures the gap between the footprints as they stand. The ordinary clearance term takes
 * the other vehicle as aligned with the ego, which overstates the gap to a car at an angle to it (the corner
 * that swings towards the ego): that is how passes at 0.3-0.5 m from a parked car were scored as 0.75 m.
 */
class ClearanceFloorTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final double EGO_HALF_WIDTH = 0.95;
    private static final double CAR_HALF_LENGTH = 2.3;
    private static final double CAR_HALF_WIDTH = 0.9;

    @Test
    void shouldChargeTheGapToACarAtAnAngleThatTheAlignedEstimateOverstates()
    {
        // A car at 0.4 rad to the ego, beside it on the right: its nearest corner 0.3 m from the ego's side,
        // while the aligned estimate puts it 1.125 m away (well over the ordinary margin of 0.4 m at rest).
        final double angle = 0.4;
        final double reach = CAR_HALF_LENGTH * Math.sin(angle) + CAR_HALF_WIDTH * Math.cos(angle);
        final double y = -(EGO_HALF_WIDTH + reach + 0.3);
        final double gap = Footprints.distance(0, 0, 0, 2.3, EGO_HALF_WIDTH, 0, y, angle, CAR_HALF_LENGTH,
            CAR_HALF_WIDTH);
        assertEquals(0.3, gap, 1e-9, "the constructed gap");
        assertEquals(1.125, -y - EGO_HALF_WIDTH - CAR_HALF_WIDTH, 1e-3, "the aligned estimate");

        final double charged = floorCharge(y, angle);
        final CostWeights w = new CostWeights();
        assertEquals(H * w.clearanceFloor * (w.clearanceFloorM - gap) * (w.clearanceFloorM - gap) * DT, charged, 1e-2);
    }

    @Test
    void shouldNotChargeACarAlongsideBeyondTheFloor()
    {
        // Parallel, 0.7 m from the ego's side: above the 0.6 m floor.
        assertEquals(0, floorCharge(-(EGO_HALF_WIDTH + CAR_HALF_WIDTH + 0.7), 0), 1e-9);
        // At 0.5 m it is charged.
        assertTrue(floorCharge(-(EGO_HALF_WIDTH + CAR_HALF_WIDTH + 0.5), 0) > 0);
    }

    /**
     * The ego stands at the origin for the whole horizon beside a parked car at (0, y) with the given heading;
     * what the clearance floor adds to the time-to-collision term (the score with it minus the score without).
     */
    private static double floorCharge(final double y, final double heading)
    {
        final CostWeights without = new CostWeights();
        without.clearanceFloor = 0;
        return ttc(new CostWeights(), y, heading) - ttc(without, y, heading);
    }

    private static double ttc(final CostWeights weights, final double y, final double heading)
    {
        final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(32)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).weights(weights).conclude();
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = 0;
        scene.agentY[0] = y;
        scene.agentHeading[0] = heading;
        scene.agentS[0] = scene.egoS;
        scene.agentD[0] = y;
        scene.agentLength[0] = 2 * CAR_HALF_LENGTH;
        scene.agentWidth[0] = 2 * CAR_HALF_WIDTH;
        scene.agentParked[0] = true;
        final CandidateSet set = new CandidateSet(K, H);
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        for (int h = 0; h < H; h++)
        {
            set.x[h] = 0;
            set.y[h] = 0;
            set.heading[h] = 0;
            set.speed[h] = 0;
            set.accel[h] = 0;
            set.steer[h] = 0;
            future.put(h * 32 * 3, 0f);
            future.put(h * 32 * 3 + 1, (float)y);
            future.put(h * 32 * 3 + 2, (float)heading);
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.ttc[0];
    }
}
