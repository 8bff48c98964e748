package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan that leaves the ego in the path of a road user coming the other way or across, who will reach it soon
 * after the horizon, is charged for it: a stop in the opposite lane halfway through a pass is not as safe as a
 * stop in lane just because the oncoming car is still eight seconds away (on a tuning variant the ego stood
 * there for 30 s and was hit; creeping there at 1.5 m/s is no better).
 */
class AfterHorizonTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 32;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldChargeAStopInThePathOfOncomingTraffic()
    {
        // Oncoming at 10 m/s, 80 m ahead: 20 m away at the end of the 6 s horizon, meets the ego 1.5 s later.
        final double charged = charge(0, SceneCodes.VEHICLE, 80, 0, -10, 0, Math.PI);
        final CostWeights w = new CostWeights();
        final double meet = (20 - 4.6) / 10;
        final double step = w.afterHorizonS / 8;
        final double firstStepAfter = Math.ceil(meet / step) * step;
        assertEquals(w.afterHorizon * (1 - 0.5 * firstStepAfter / w.afterHorizonS), charged, 1e-6);
    }

    @Test
    void shouldNotChargeAStopBesideTrafficThatPassesInItsOwnLane()
    {
        assertEquals(0, charge(0, SceneCodes.VEHICLE, 80, 3.0, -10, 0, Math.PI), 1e-9);
    }

    @Test
    void shouldChargeCreepingTowardsOncomingTrafficMoreThanStandingStill()
    {
        final double standing = charge(0, SceneCodes.VEHICLE, 80, 0, -10, 0, Math.PI);
        final double creeping = charge(1.5, SceneCodes.VEHICLE, 80, 0, -10, 0, Math.PI);
        assertTrue(creeping > standing, creeping + " vs " + standing);
    }

    @Test
    void shouldNotChargeFollowingASlowerLeader()
    {
        // Ends creeping at 2.5 m/s 5 m behind a walker going the same way at 1 m/s: within 4 s it would be
        // reached at constant speed, but the ego follows after the horizon as it does within.
        assertEquals(0, charge(2.5, SceneCodes.PEDESTRIAN, -1, 0, 1, 0, 0), 1e-9);
    }

    @Test
    void shouldNotChargeAPlanStillUnderWay()
    {
        // A pass at speed is not held on its last heading: it will turn back into its lane.
        assertEquals(0, charge(TrajectoryScorer.AFTER_HORIZON_MAX_SPEED_MPS, SceneCodes.VEHICLE, 80, 0, -10, 0,
            Math.PI), 1e-9);
    }

    @Test
    void shouldNotChargeForAVehicleFollowingFromBehind()
    {
        assertEquals(0, charge(0, SceneCodes.VEHICLE, -80, 0, 10, 0, 0), 1e-9);
    }

    @Test
    void shouldChargeAStopWithTheNoseOnACrossingAWalkerIsHeadingFor()
    {
        // A walker 10 m right of the ego's nose, crossing towards it at 1.4 m/s: 8.4 m on at the end of the
        // horizon, so 1.4 m from the ego's path, which it reaches within the extension.
        assertTrue(charge(0, SceneCodes.PEDESTRIAN, 2.0, -10, 0, 1.4, Math.PI / 2) > 0);
        // The same walker heading away from the ego's path is not.
        assertEquals(0, charge(0, SceneCodes.PEDESTRIAN, 2.0, -10, 0, -1.4, -Math.PI / 2), 1e-9);
    }

    /**
     * The ego's plan ends at the origin heading +x at {@code endSpeed}; one agent of the kind starts at (x0, y0)
     * and is predicted at constant velocity (vx, vy) with the heading. Returns what it is charged after the horizon.
     */
    private double charge(
        final double endSpeed, final byte kind, final double x0, final double y0, final double vx, final double vy,
        final double heading)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        scene.drivableLeft = 10;
        scene.drivableRight = 10;
        scene.agentCount = 1;
        scene.agentKind[0] = kind;
        scene.agentX[0] = x0;
        scene.agentY[0] = y0;
        scene.agentS[0] = scene.egoS + x0;
        scene.agentD[0] = y0;
        scene.agentHeading[0] = heading;
        scene.agentSpeed[0] = Math.hypot(vx, vy);
        scene.agentLength[0] = kind == SceneCodes.VEHICLE ? 4.6 : 0.5;
        scene.agentWidth[0] = kind == SceneCodes.VEHICLE ? 1.8 : 0.5;
        final CandidateSet set = new CandidateSet(K, H);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int h = 0; h < H; h++)
        {
            set.x[h] = 0;
            set.y[h] = 0;
            set.heading[h] = 0;
            set.speed[h] = endSpeed;
            set.accel[h] = 0;
            set.steer[h] = 0;
            final double t = (h + 1) * DT;
            future.put(h * N * 3, (float)(x0 + vx * t));
            future.put(h * N * 3 + 1, (float)(y0 + vy * t));
            future.put(h * N * 3 + 2, (float)heading);
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.afterHorizon[0];
    }
}
