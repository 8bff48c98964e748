package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan that moves in front of a follower in another lane with less than its time gap pays for every second it
 * spends there (CostWeights.cutIn): the ego changed into the right lane with a car that had come out of a side
 * street 3 m behind it and was speeding up, and that car ran into its side (corridor-9300-011).
 * <p>
 * Every case: the ego at the origin at 8 m/s along +x, a 4.6 m car 6 m behind it (centre to centre, 1.4 m
 * between them) at 8 m/s,
 * and one plan at constant speed that either keeps its line or moves 3.5 m right within the first second.
 */
class CutInTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final double SPEED = 8;

    @Test
    void shouldChargeEverySecondInsideTheFollowersTimeGap()
    {
        final CostWeights w = new CostWeights();
        final double charged = cutInCharge(-3.5, -3.5, 0, SceneCodes.VEHICLE, SPEED);
        // The box reaches 1 m + 0.5 s x 8 m/s = 5 m past the follower's centre plus its half length, 7.3 m; the
        // ego's rear stays 6 - 2.3 = 3.7 m ahead of that centre, so the ego is inside from the step it overlaps
        // the box sideways (0.2 m wider than the car) to the end.
        final int inside = stepsInside(-3.5);
        assertTrue(inside >= H - 6, "the ego ends in the follower's lane: " + inside);
        assertEquals(inside * w.cutIn * DT, charged, 1e-6);
    }

    @Test
    void shouldNotChargeAPlanThatKeepsItsLine()
    {
        assertEquals(0, cutInCharge(-3.5, 0, 0, SceneCodes.VEHICLE, SPEED), 1e-9);
    }

    @Test
    void shouldNotChargeForAFollowerAlreadyInTheEgosLane()
    {
        // The car behind is on the ego's own line: it follows the ego wherever the plan goes, no cut-in.
        assertEquals(0, cutInCharge(0, -3.5, 0, SceneCodes.VEHICLE, SPEED), 1e-9);
        assertEquals(0, cutInCharge(0, 0, 0, SceneCodes.VEHICLE, SPEED), 1e-9);
    }

    @Test
    void shouldNotChargeForWalkersStandingCarsOrCarsGoingTheOtherWay()
    {
        assertEquals(0, cutInCharge(-3.5, -3.5, 0, SceneCodes.PEDESTRIAN, 1.5), 1e-9);
        assertEquals(0, cutInCharge(-3.5, -3.5, 0, SceneCodes.VEHICLE, 0.5), 1e-9);
        assertEquals(0, cutInCharge(-3.5, -3.5, Math.PI, SceneCodes.VEHICLE, SPEED), 1e-9);
    }

    @Test
    void shouldChargeACyclistToo()
    {
        assertTrue(cutInCharge(-3.5, -3.5, 0, SceneCodes.CYCLIST, SPEED) > 0);
    }

    @Test
    void shouldChargeNothingWithTheWeightOff()
    {
        final CostWeights off = new CostWeights();
        off.cutIn = 0;
        assertEquals(0, ttc(off, -3.5, -3.5, 0, SceneCodes.VEHICLE, SPEED), 1e-9);
    }

    /** The ego's lateral position at step h of a plan that moves to {@code endY} within the first second. */
    private static double egoY(final double endY, final int h)
    {
        return endY * Math.min(1.0, (h + 1) * DT);
    }

    /** Steps at which the ego's footprint overlaps the follower's headway box sideways (it is always inside it along). */
    private static int stepsInside(final double endY)
    {
        int inside = 0;
        for (int h = 0; h < H; h++)
        {
            if (Math.abs(egoY(endY, h) - endY) < 0.95 + 0.9 + TrajectoryScorer.FOLLOWER_LATERAL_MARGIN_M)
            {
                inside++;
            }
        }
        return inside;
    }

    /** What the cut-in term adds to the time-to-collision term (the score with it minus the score without). */
    private static double cutInCharge(final double followerY, final double endY, final double followerHeading,
        final byte kind, final double followerSpeed)
    {
        final CostWeights without = new CostWeights();
        without.cutIn = 0;
        return ttc(new CostWeights(), followerY, endY, followerHeading, kind, followerSpeed) -
            ttc(without, followerY, endY, followerHeading, kind, followerSpeed);
    }

    private static double ttc(final CostWeights weights, final double followerY, final double endY,
        final double followerHeading, final byte kind, final double followerSpeed)
    {
        final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(32)
            .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).weights(weights).conclude();
        final SceneSnapshot scene = TestScenes.straightRoad(SPEED, 1, 0);
        final boolean walker = kind == SceneCodes.PEDESTRIAN;
        final double length = walker ? 0.5 : kind == SceneCodes.CYCLIST ? 1.8 : 4.6;
        final double width = walker ? 0.5 : kind == SceneCodes.CYCLIST ? 0.6 : 1.8;
        final double x0 = -6;
        scene.agentCount = 1;
        scene.agentKind[0] = kind;
        scene.agentX[0] = x0;
        scene.agentY[0] = followerY;
        scene.agentHeading[0] = followerHeading;
        scene.agentSpeed[0] = followerSpeed;
        scene.agentS[0] = scene.egoS + x0;
        scene.agentD[0] = followerY;
        scene.agentLength[0] = length;
        scene.agentWidth[0] = width;
        final CandidateSet set = new CandidateSet(K, H);
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        final double vx = followerSpeed * Math.cos(followerHeading);
        for (int h = 0; h < H; h++)
        {
            final double t = (h + 1) * DT;
            set.x[h] = (float)(SPEED * t);
            set.y[h] = (float)egoY(endY, h);
            set.heading[h] = 0;
            set.speed[h] = (float)SPEED;
            set.accel[h] = 0;
            set.steer[h] = 0;
            future.put(h * 32 * 3, (float)(x0 + vx * t));
            future.put(h * 32 * 3 + 1, (float)followerY);
            future.put(h * 32 * 3 + 2, (float)followerHeading);
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.ttc[0];
    }
}
