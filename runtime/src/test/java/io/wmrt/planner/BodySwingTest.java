package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The candidates' poses are the footprint's centre, which turns about the rear axle the bicycle model moves:
 * half a wheelbase ahead of it. Pulling out from rest, the body swings into the turn; with the footprint placed on
 * the integrated point instead, its rear corner swung out over the kerb behind it, every pull-out from behind a
 * parked van looked off the road, and the ego waited behind it for good (double-parked-8000-008, seed 8001).
 */
class BodySwingTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 32;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();

    @Test
    void shouldKeepEveryPoseHalfAWheelbaseAheadOfTheIntegratedAxleAlongItsHeading()
    {
        final SceneSnapshot scene = behindAVan();
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, new float[H], 0);
        double largestOffset = 0;
        for (int k = 0; k < K; k++)
        {
            // The bicycle as documented (the set keeps actions as float: within a micrometre).
            largestOffset = Math.max(largestOffset, checkAgainstBicycle(scene, set, k, 1e-6, "candidate " + k)[0]);
        }
        assertTrue(largestOffset > 0.3, "some candidate turns enough to tell the body from the axle: " + largestOffset);
    }

    /**
     * The generator turns the heading's unit vector by small rotations (Taylor polynomials up to a half-turn of
     * 1/16 rad a step, cos and sin beyond): at speed, with steering from nothing to full lock, the poses are the
     * bicycle's computed with cos and sin of the heading itself, to 1e-9 m and rad over the whole horizon.
     */
    @Test
    void shouldIntegrateTheHeadingByRotationsAsCosAndSinOfItWouldOnTurnsSmallAndLarge()
    {
        final SceneSnapshot scene = behindAVan();
        scene.egoSpeed = 14;
        final CandidateSet set = new CandidateSet(K, H);
        final CandidateGenerator generator = new CandidateGenerator(config);
        final double[] steers = {0, 1e-4, 0.01, -0.05, 0.2, -0.55, 0.55};
        double largestHalfTurn = 0;
        double smallestHalfTurn = Double.MAX_VALUE;
        for (int k = 0; k < steers.length; k++)
        {
            for (int h = 0; h < H; h++)
            {
                // Alternate braking and accelerating so the speed, and with it the turn per step, varies.
                set.accel[k * H + h] = (h % 3 == 0) ? -3f : 1f;
                set.steer[k * H + h] = (float)(steers[k] * (h % 2 == 0 ? 1 : 0.5));
            }
            generator.integrate(scene, set, k);
            final double[] turns = checkAgainstBicycle(scene, set, k, 1e-9, "steering " + steers[k]);
            smallestHalfTurn = Math.min(smallestHalfTurn, turns[1]);
            largestHalfTurn = Math.max(largestHalfTurn, turns[2]);
        }
        assertTrue(largestHalfTurn > 0.2 && smallestHalfTurn < 1e-3,
            "both branches of the rotation are taken: half-turns " + smallestHalfTurn + " to " + largestHalfTurn);
    }

    @Test
    void shouldPullOutFromRestBehindAParkedVanWhenTheOppositeLaneIsFree()
    {
        final SceneSnapshot scene = behindAVan();
        final CandidateSet set = new CandidateSet(K, H);
        new CandidateGenerator(config).generate(scene, set, null, new float[H], 0);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int k = 0; k < K; k++)
        {
            for (int h = 0; h < H; h++)
            {
                final int at = ((k * H + h) * N) * 3;
                future.put(at, (float)scene.agentX[0]);
                future.put(at + 1, (float)scene.agentY[0]);
                future.put(at + 2, 0f);
            }
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        int chosen = 0;
        for (int k = 0; k < K; k++)
        {
            scorer.score(scene, set, future, k);
            chosen = scorer.total[k] < scorer.total[chosen] ? k : chosen;
        }
        double furthestLeft = 0;
        for (int h = 0; h < H; h++)
        {
            furthestLeft = Math.max(furthestLeft, set.y[chosen * H + h]);
        }
        final double lastX = set.x[chosen * H + H - 1];
        assertTrue(lastX > 20 && furthestLeft > 2.0,
            "the chosen plan passes the van: ends " + lastX + " m on, at most " + furthestLeft + " m left");
        assertTrue(scorer.lane[chosen] < config.weights().offroad, "no corner off the road: lane terms " +
            scorer.lane[chosen]);
        assertEquals(0, scorer.collision[chosen], 0.0);
    }

    /**
     * The ego at rest 0.4 m right of the centre of a 3.19 m lane (the kerb 1.6 m right of the centre, a free
     * opposite lane to 4.78 m left), a 7.5 m van parked 0.25 m right of the lane's centre with its rear 7.65 m
     * ahead of the ego's front.
     */
    /**
     * Candidate k's poses against the bicycle integrated here with cos and sin of the heading itself: speed from
     * the applied accelerations, heading from the steering at the mean speed, the axle along the mean heading of
     * the step, from (0, 0) at heading 0; the body half a wheelbase ahead of the axle.
     *
     * @return the largest sideways offset of the body from the axle, and the smallest and largest half-turn of a
     * step that turns.
     */
    private double[] checkAgainstBicycle(
        final SceneSnapshot scene, final CandidateSet set, final int k, final double tolerance, final String what)
    {
        final double b = 0.5 * config.wheelbaseM();
        double x = 0;
        double y = 0;
        double heading = 0;
        double v = scene.egoSpeed;
        final double[] found = {0, Double.MAX_VALUE, 0};
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            final double vNext = Math.max(0, v + set.accel[i] * DT);
            final double vMean = 0.5 * (v + vNext);
            final double headingNext = heading + vMean * Math.tan(set.steer[i]) / config.wheelbaseM() * DT;
            final double mid = 0.5 * (heading + headingNext);
            if (headingNext != heading)
            {
                found[1] = Math.min(found[1], Math.abs(headingNext - heading) / 2);
                found[2] = Math.max(found[2], Math.abs(headingNext - heading) / 2);
            }
            x += vMean * Math.cos(mid) * DT;
            y += vMean * Math.sin(mid) * DT;
            heading = headingNext;
            v = vNext;
            final String at = what + " step " + h + ": ";
            assertEquals(heading, set.heading[i], tolerance, at + "heading");
            assertEquals(x + b * (Math.cos(heading) - 1), set.x[i], tolerance, at + "x");
            assertEquals(y + b * Math.sin(heading), set.y[i], tolerance, at + "y");
            found[0] = Math.max(found[0], Math.abs(b * Math.sin(heading)));
        }
        return found;
    }

    private static SceneSnapshot behindAVan()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        // Stopped 0.4 m right of the lane's centre, as the ego was there: its right side 0.3 m from the kerb.
        scene.route.clear();
        scene.route.add(-10, 0.4);
        scene.route.add(300, 0.4);
        scene.route.project(0, 0);
        scene.egoS = scene.route.s;
        scene.egoD = scene.route.d;
        scene.laneWidth = 3.19;
        scene.drivableRight = 1.6;
        scene.drivableLeft = 4.78;
        scene.speedLimit = 13;
        scene.egoWidth = 1.8;
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = 2.3 + 7.65 + 3.75;
        scene.agentY[0] = 0.4 - 0.25;
        scene.agentS[0] = scene.egoS + scene.agentX[0];
        scene.agentD[0] = -0.25;
        scene.agentHeading[0] = 0;
        scene.agentSpeed[0] = 0;
        scene.agentLength[0] = 7.5;
        scene.agentWidth[0] = 1.9;
        scene.agentParked[0] = true;
        scene.agentParkedByRule[0] = true;
        return scene;
    }
}
