package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Progress behind a parked car: a plan earns it past the standoff only if it gets past the car, rear beyond the
 * car's front, within the horizon. Edging round at a crawl and ending alongside earns nothing: that is how an ego
 * ends up at the bumper, too close to steer round, when oncoming traffic closes the gap.
 */
class TrajectoryScorerStandoffTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double PARKED_CENTRE_S = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.2).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldCreditAPassOnlyWhenItGetsPastTheParkedCar()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        final CandidateSet set = new CandidateSet(K, H);
        // Both plans swing 3 m left and end level: one ends alongside the car (ego centre at its centre), the
        // other with its rear 1 m beyond the car's front.
        final double alongside = PARKED_CENTRE_S;
        final double past = PARKED_CENTRE_S + 2.3 + 2.3 + 1.0;
        passTo(set, 0, alongside);
        passTo(set, 1, past);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        final FloatBuffer future = FloatBuffer.allocate(K * H * 32 * 3);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        scorer.score(scene, set, future, 1);

        // Standoff line: parked rear (30 - 2.3) - ego half length 2.3 - 8 m standoff = 17.4 m ahead of the ego.
        final double standoffS = PARKED_CENTRE_S - 2.3 - 2.3 - TrajectoryScorer.PARKED_STANDOFF_M;
        assertTrue(-scorer.progress[0] < standoffS,
            "alongside is not past: progress stays below the standoff line, got " + -scorer.progress[0]);
        assertTrue(-scorer.progress[1] > standoffS + 5,
            "past the car, the whole advance counts, got " + -scorer.progress[1]);
        assertEquals(set.x[H - 1], scorer.progressM[0], 1e-9, "progressM still reports where the plan ends");
    }

    @Test
    void shouldChargeStandingBehindAParkedCarTheProgressItForgoes()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        final CandidateSet set = new CandidateSet(K, H);
        stand(set, 0);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 1);
        final CostWeights w = new CostWeights();
        assertEquals(w.parkedWait * H * 0.2, scorer.progress[0], 1e-9,
            "six seconds standing behind a parked car forgo parkedWait metres a second");
    }

    @Test
    void shouldNotChargeStandingBehindAQueuedCar()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        scene.agentParked[0] = false;
        scene.agentParkedByRule[0] = false;
        final CandidateSet set = new CandidateSet(K, H);
        stand(set, 0);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 1);
        assertEquals(0.0, scorer.progress[0], 1e-9, "a queue moves on: waiting behind it costs nothing");
    }

    @Test
    void shouldNotChargeStandingBehindAParkedCarWhileACarComesTheOtherWay()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        scene.agentKind[1] = SceneCodes.VEHICLE;
        scene.agentX[1] = 60;
        scene.agentY[1] = scene.laneWidth;
        scene.agentHeading[1] = Math.PI;
        scene.agentSpeed[1] = 8;
        scene.agentLength[1] = 4.6;
        scene.agentWidth[1] = 1.8;
        scene.agentS[1] = scene.egoS + 60;
        scene.agentD[1] = scene.laneWidth;
        scene.agentCount = 2;
        final CandidateSet set = new CandidateSet(K, H);
        stand(set, 0);
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 1);
        assertEquals(0.0, scorer.progress[0], 1e-9, "waiting lets the oncoming car by: no charge");

        scene.agentHeading[1] = 0;
        final TrajectoryScorer same = TestScenes.scoreFirst(config, scene, set, 1);
        assertEquals(new CostWeights().parkedWait * H * 0.2, same.progress[0], 1e-9,
            "a car ahead going the ego's way is no reason to wait");
    }

    @Test
    void shouldNotChargeAPassForTheSecondItStoodBeforeGoing()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        final CandidateSet set = new CandidateSet(K, H);
        passTo(set, 0, PARKED_CENTRE_S + 2.3 + 2.3 + 1.0);
        passTo(set, 1, PARKED_CENTRE_S + 2.3 + 2.3 + 1.0);
        for (int h = 0; h < 5; h++)
        {
            set.speed[H + h] = 0;
        }
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        assertEquals(scorer.progress[0], scorer.progress[1], 1e-9, "a plan that gets past the car waited for it");
    }

    @Test
    void shouldPreferStandingToCrawlingIntoTheStandoff()
    {
        final SceneSnapshot scene = sceneWithParkedCar();
        // The ego already stands at the standoff line.
        scene.agentX[0] = 2.3 + 2.3 + TrajectoryScorer.PARKED_STANDOFF_M;
        scene.agentS[0] = scene.egoS + scene.agentX[0];
        final CandidateSet set = new CandidateSet(K, H);
        stand(set, 0);
        final CostWeights w = new CostWeights();
        for (int h = 0; h < H; h++)
        {
            // Crawling at the waiting speed, 3 m into the standoff in six seconds.
            set.x[H + h] = w.parkedWaitSpeedMps * (h + 1) * 0.2;
            set.speed[H + h] = w.parkedWaitSpeedMps;
        }
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 2);
        assertTrue(scorer.progress[0] < scorer.progress[1],
            "standing (" + scorer.progress[0] + ") beats crawling towards the bumper (" + scorer.progress[1] + ")");
    }

    @Test
    void shouldChargeAStopTooCloseBehindAParkedCarToSteerRoundIt()
    {
        // A comfort stop into the 13 m gap between two parked cars, half out of the lane past the first, left the
        // ego 1 m behind the second with no way round it (narrow-street-9500-025).
        final SceneSnapshot scene = sceneWithParkedCar();
        final double rear = PARKED_CENTRE_S - 2.3;
        final CandidateSet set = new CandidateSet(K, H);
        stopAt(set, 0, rear - 1.0 - 2.3, 0);
        stopAt(set, 1, rear - TrajectoryScorer.PARKED_STANDOFF_M - 2.3, 0);
        // Far enough left that its side clears the parked car's by more than the clearance: not cornered.
        stopAt(set, 2, rear - 1.0 - 2.3, 1.8 + TrajectoryScorer.CORNERED_CLEARANCE_M + 0.05);
        // Angled 30 degrees towards the way round with room for that: it can still steer out.
        stopAt(set, 3, rear - 3.0 - 2.3, 0.9);
        for (int h = 0; h < H; h++)
        {
            set.heading[3 * H + h] = Math.toRadians(30);
        }
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 4);
        final CostWeights w = new CostWeights();
        assertTrue(scorer.progress[0] > 0.9 * w.cornered, "1 m behind, in lane: cornered, got " + scorer.progress[0]);
        assertTrue(scorer.progress[1] < w.cornered / 10, "8 m behind: room to steer round, got " + scorer.progress[1]);
        assertTrue(scorer.progress[2] < w.cornered / 10, "clear of its side, got " + scorer.progress[2]);
        assertTrue(scorer.progress[3] < w.cornered / 10, "angled out with room, got " + scorer.progress[3]);

        // A queued car (one moving off 7 m ahead of it holds it) is not steered round: standing close behind it
        // is where a queue waits.
        scene.agentParked[0] = false;
        scene.agentParkedByRule[0] = false;
        scene.agentCount = 2;
        scene.agentKind[1] = SceneCodes.VEHICLE;
        scene.agentX[1] = PARKED_CENTRE_S + 4.6 + 7;
        scene.agentS[1] = scene.egoS + scene.agentX[1];
        scene.agentSpeed[1] = 2;
        scene.agentLength[1] = 4.6;
        scene.agentWidth[1] = 1.8;
        final TrajectoryScorer queued = TestScenes.scoreFirst(config, scene, set, 1);
        assertTrue(queued.progress[0] < w.cornered / 10, "behind a queued car, got " + queued.progress[0]);
    }

    @Test
    void fullLockAdvanceIsTheArcsForwardRun()
    {
        final double r = 4.5;
        assertEquals(0, TrajectoryScorer.fullLockAdvance(0, 0, r), 0);
        assertEquals(0, TrajectoryScorer.fullLockAdvance(-1, 0, r), 0);
        // From along the lane, the chord of a circle: x^2 = 2 r n - n^2.
        assertEquals(Math.sqrt(2 * r * 1.5 - 1.5 * 1.5), TrajectoryScorer.fullLockAdvance(1.5, 0, r), 1e-12);
        // At least a quarter turn: no more forward than the radius.
        assertEquals(r, TrajectoryScorer.fullLockAdvance(6, 0, r), 1e-12);
        // Already turned towards that side it needs less; turned away, more.
        assertTrue(TrajectoryScorer.fullLockAdvance(1.5, 0.3, r) < TrajectoryScorer.fullLockAdvance(1.5, 0, r));
        assertTrue(TrajectoryScorer.fullLockAdvance(1.5, -0.3, r) > TrajectoryScorer.fullLockAdvance(1.5, 0, r));
    }

    /** Candidate k: braking from 3 m/s to a stop at (x, y), heading along the road, standing at the end. */
    private static void stopAt(final CandidateSet set, final int k, final double x, final double y)
    {
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            final double f = Math.min(1, (h + 1.0) / (H / 2.0));
            set.x[i] = x - (1 - f) * (1 - f) * 4;
            set.y[i] = y;
            set.heading[i] = 0;
            set.speed[i] = 3 * (1 - f);
            set.accel[i] = h < H / 2 ? -1 : 0;
            set.steer[i] = 0;
        }
    }

    /** Candidate k: standing at the origin for the whole horizon. */
    private static void stand(final CandidateSet set, final int k)
    {
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            set.x[i] = 0;
            set.y[i] = 0;
            set.heading[i] = 0;
            set.speed[i] = 0;
            set.accel[i] = 0;
            set.steer[i] = 0;
        }
    }

    /** The test road with a car parked in the ego lane, its centre {@link #PARKED_CENTRE_S} m ahead. */
    private static SceneSnapshot sceneWithParkedCar()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        scene.agentCount = 1;
        scene.agentKind[0] = SceneCodes.VEHICLE;
        scene.agentX[0] = PARKED_CENTRE_S;
        scene.agentS[0] = scene.egoS + PARKED_CENTRE_S;
        scene.agentLength[0] = 4.6;
        scene.agentWidth[0] = 1.8;
        scene.agentParked[0] = true;
        scene.agentParkedByRule[0] = true;
        return scene;
    }

    /** Candidate k: from standstill at the origin, linearly to (endX, 3.0), heading along the road. */
    private static void passTo(final CandidateSet set, final int k, final double endX)
    {
        for (int h = 0; h < H; h++)
        {
            final int i = k * H + h;
            final double f = (h + 1.0) / H;
            set.x[i] = endX * f;
            set.y[i] = 3.0 * Math.min(1, 2 * f);
            set.heading[i] = 0;
            set.speed[i] = endX / (H * 0.2);
            set.accel[i] = 0;
            set.steer[i] = 0;
        }
    }
}
