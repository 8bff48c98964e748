package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plan that ends out of lane part-way through a pass is charged when the pass cannot be finished before a road
 * user coming the other way arrives, counting everything that stands or rides slowly too close beyond the first
 * obstacle to pull back in between (on fresh variants the ego passed a cyclist just before a parked car and was
 * stranded with its rear in the oncoming lane: the six-second horizon saw only the pass's first half).
 * <p>
 * Every case: the ego's plan ends 30 m on at 5 m/s, 3 m left of its lane's centre (in the opposite lane of a
 * 3.5 m lane road), alongside a parked car 28-32.6 m ahead; an oncoming car at 10 m/s in the opposite lane.
 */
class UnfinishedPassTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private static final int N = 32;
    private static final double END_X = 30;
    /** The default weight, which these cases price it at. */
    private static final double WEIGHT = 2_000;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
        .weights(weights()).actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    private static CostWeights weights()
    {
        final CostWeights w = new CostWeights();
        w.unfinishedPass = WEIGHT;
        return w;
    }

    @Test
    void shouldBeOnByDefault()
    {
        assertEquals(WEIGHT, new CostWeights().unfinishedPass);
    }

    /** One road user: kind, centre at the start of the horizon, speed along x, length, lateral offset. */
    private record Agent(byte kind, double x, double y, double vx, double length)
    {
        static Agent parked(final double rearX)
        {
            return new Agent(SceneCodes.VEHICLE, rearX + 2.3, 0, 0, 4.6);
        }

        static Agent oncoming(final double xAtEndOfHorizon)
        {
            return new Agent(SceneCodes.VEHICLE, xAtEndOfHorizon + 10 * H * DT, 3.5, -10, 4.6);
        }
    }

    @Test
    void shouldNotChargeAPassThatEndsLongBeforeTheOncomingCarArrives()
    {
        assertEquals(0, charge(3.0, Agent.parked(28), Agent.oncoming(150)), 1e-9);
    }

    @Test
    void shouldChargeAPassTheOncomingCarCutsShort()
    {
        final double charged = charge(3.0, Agent.parked(28), Agent.oncoming(70));
        assertTrue(charged > 0.5 * WEIGHT && charged <= WEIGHT, "charged " + charged);
    }

    @Test
    void shouldCountASecondParkedCarTooCloseToPullInBetween()
    {
        // Alone, the first car is passed in time; with a second 3.4 m beyond it (less than two cars and the room on
        // both sides) the ego must stay out until past both, and the oncoming car arrives first.
        assertEquals(0, charge(3.0, Agent.parked(28), Agent.oncoming(108)), 1e-9);
        assertTrue(charge(3.0, Agent.parked(28), Agent.parked(36), Agent.oncoming(108)) > 0);
        // A 15.4 m gap holds two cars and the room: the second car is a pass of its own, decided later.
        assertEquals(0, charge(3.0, Agent.parked(28), Agent.parked(48), Agent.oncoming(108)), 1e-9);
        // An 11 m gap does not (the ego cut into one and swept the car it had passed, narrow-street-7900-007).
        assertTrue(charge(3.0, Agent.parked(28), Agent.parked(43.6), Agent.oncoming(108)) > 0);
    }

    @Test
    void shouldCountACyclistRidingJustBeyondTheParkedCar()
    {
        final Agent cyclist = new Agent(SceneCodes.CYCLIST, 35 + 0.9 - 4 * H * DT, 0, 4, 1.8);
        assertTrue(charge(3.0, Agent.parked(28), cyclist, Agent.oncoming(108)) > 0);
        // A car going the ego's way near the limit is traffic to follow, not something to pass.
        final Agent car = new Agent(SceneCodes.VEHICLE, 38 + 2.3 - 9 * H * DT, 0, 9, 4.6);
        assertEquals(0, charge(3.0, Agent.parked(28), car, Agent.oncoming(108)), 1e-9);
    }

    @Test
    void shouldGiveTheReturnTheTimeTheLatticeTakes()
    {
        // The ego's rear is 3 m clear of the parked car 1.5 s after the horizon (speeding up from 5 m/s at 1.5 m/s²).
        // The rig's passes were out of an oncoming car's way at most 1.6 s later, so a car whose nose comes within
        // 2 m of the ego's at 3.25 s prices the plan, and one that does so only at 3.5 s (which a 2 s return
        // counted, turning down the gap in narrow-street-9400-019) does not.
        assertTrue(charge(3.0, Agent.parked(28), Agent.oncoming(90)) > 0);
        assertEquals(0, charge(3.0, Agent.parked(28), Agent.oncoming(96)), 1e-9);
    }

    @Test
    void shouldNotChargeAPlanThatStaysInLane()
    {
        assertEquals(0, charge(0, Agent.parked(36), Agent.oncoming(70)), 1e-9);
    }

    @Test
    void shouldNotChargeAPlanAlreadyPastWhatItPassed()
    {
        assertEquals(0, charge(3.0, Agent.parked(15), Agent.oncoming(70)), 1e-9);
    }

    @Test
    void shouldNotChargeAnEdgeOutThatLeavesTheOncomingLaneFree()
    {
        // 1.2 m left: 0.4 m out of lane, its side 2.15 m left of the lane centre, 0.45 m from the oncoming car (its
        // centre 3.5 m left), more than the slack; 1.6 m left is within it.
        assertEquals(0, charge(1.2, Agent.parked(28), Agent.oncoming(70)), 1e-9);
        assertTrue(charge(1.6, Agent.parked(28), Agent.oncoming(70)) > 0);
    }

    @Test
    void shouldStillGiveAPassUnderWayPastEverythingItsReturn()
    {
        // The ego already 3 m out; past the parked car with room, still 3 m out, the plan covers 1.6 m of the
        // 2.1 m an oncoming car's way needs: three quarters of the return's 1.6 s are left, in which its nose
        // reaches 39.7 m, so a car whose nose is then within 2 m of it (centre under 56.5 m at the end of the
        // horizon) prices the plan; one at 70 m does not (double-parked-10100-041 stood in the oncoming lane 3 m
        // past two parked cars).
        assertTrue(chargeFrom(3.0, 3.0, Agent.parked(15), Agent.oncoming(50)) > 0);
        assertEquals(0, chargeFrom(3.0, 3.0, Agent.parked(15), Agent.oncoming(70)), 1e-9);
        // Nothing to pass at all: the same.
        assertTrue(chargeFrom(3.0, 3.0, Agent.oncoming(50)) > 0);
        assertEquals(0, chargeFrom(3.0, 3.0, Agent.oncoming(70)), 1e-9);
    }

    @Test
    void shouldGiveAPlanHalfBackInLaneOnlyTheRestOfItsReturn()
    {
        // 1.9 m out, the plan covers 0.5 m of the oncoming car's way: half a second of return is left, and a car
        // whose nose is 10.4 m from the ego's when the horizon ends is still 2.7 m away when it is done.
        assertTrue(chargeFrom(3.0, 3.0, Agent.parked(15), Agent.oncoming(45)) > 0);
        assertEquals(0, chargeFrom(3.0, 1.9, Agent.parked(15), Agent.oncoming(45)), 1e-9);
    }

    @Test
    void shouldLeaveAPassThatIsNotUnderWayToTheNextTickOnceItIsPastEverything()
    {
        // From its own lane the same plan is not charged for the return: the next tick can still keep the ego in.
        assertEquals(0, chargeFrom(0.0, 3.0, Agent.parked(15), Agent.oncoming(50)), 1e-9);
        assertEquals(0, chargeFrom(0.3, 3.0, Agent.oncoming(50)), 1e-9);
    }

    @Test
    void shouldChargeEitherSideOfTheRoomPastTheParkedCar()
    {
        // The ego's rear ends at 27.7 m: a parked car whose front is at 24.8 m is 0.1 m short of the room behind it
        // (still being passed), one at 24.6 m is 0.1 m past; the car coming the other way meets either.
        final double shortOfTheRoom = chargeFrom(3.0, 3.0, Agent.parked(20.2), Agent.oncoming(50));
        final double pastTheRoom = chargeFrom(3.0, 3.0, Agent.parked(20.0), Agent.oncoming(50));
        assertTrue(shortOfTheRoom > 0, "short of the room " + shortOfTheRoom);
        assertTrue(pastTheRoom > 0, "past the room " + pastTheRoom);
    }

    @Test
    void shouldChargeAPassThatCannotEndAtAll()
    {
        // Cars parked nose to tail for 120 m: the pass is not finished within the look-ahead.
        final Agent[] agents = new Agent[27];
        for (int i = 0; i < 26; i++)
        {
            agents[i] = Agent.parked(28 + 5.5 * i);
        }
        agents[26] = Agent.oncoming(190);
        assertTrue(charge(3.0, agents) > 0);
    }

    /** The unfinished-pass charge for a plan ending at (END_X, endY) at 5 m/s among the agents, from the lane. */
    private double charge(final double endY, final Agent... agents)
    {
        return chargeFrom(0, endY, agents);
    }

    /** The same, with the ego egoD left of its lane's centre now (out of lane: a pass under way). */
    private double chargeFrom(final double egoD, final double endY, final Agent... agents)
    {
        final SceneSnapshot scene = TestScenes.straightRoad(5, 1, 0);
        scene.egoD = egoD;
        scene.drivableLeft = 6;
        scene.agentCount = agents.length;
        final CandidateSet set = new CandidateSet(K, H);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        for (int n = 0; n < agents.length; n++)
        {
            final Agent a = agents[n];
            scene.agentKind[n] = a.kind();
            scene.agentX[n] = a.x();
            scene.agentY[n] = a.y();
            scene.agentS[n] = scene.egoS + a.x();
            scene.agentD[n] = a.y();
            scene.agentHeading[n] = a.vx() < 0 ? Math.PI : 0;
            scene.agentSpeed[n] = Math.abs(a.vx());
            scene.agentLength[n] = a.length();
            scene.agentWidth[n] = a.kind() == SceneCodes.VEHICLE ? 1.8 : 0.6;
            for (int h = 0; h < H; h++)
            {
                final int at = (h * N + n) * 3;
                future.put(at, (float)(a.x() + a.vx() * (h + 1) * DT));
                future.put(at + 1, (float)a.y());
                future.put(at + 2, (float)scene.agentHeading[n]);
            }
        }
        for (int h = 0; h < H; h++)
        {
            final double f = (h + 1.0) / H;
            set.x[h] = END_X * f;
            set.y[h] = endY * f;
            set.heading[h] = 0;
            set.speed[h] = 5;
            set.accel[h] = 0;
            set.steer[h] = 0;
        }
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        scorer.score(scene, set, future, 0);
        return scorer.unfinishedPass[0];
    }
}
