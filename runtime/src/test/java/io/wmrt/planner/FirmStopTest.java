package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lattice's firm stop: in lane, harder than comfortable and short of the hard-braking bound, so that a line
 * that comes up late (a walker stepping into the way) is stood at without braking as hard as the ego can.
 * <p>
 * Straight road along +x (see {@link TestScenes#straightRoad}), limit 10 m/s, steps of 0.1 s over 3 s.
 */
class FirmStopTest
{
    private static final int K = 40;
    private static final int H = 30;
    private static final int N = 4;
    private static final double DT = 0.1;

    private static PlannerConfig config()
    {
        return new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(N)
            .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();
    }

    private static double hardestBrake(final CandidateSet set, final int k)
    {
        double hardest = 0;
        for (int h = 0; h < set.horizon; h++)
        {
            hardest = Math.max(hardest, -set.accel[k * set.horizon + h]);
        }
        return hardest;
    }

    @Test
    void shouldStopInLaneBrakingHarderThanComfortAndShortOfTheBound()
    {
        final PlannerConfig config = config();
        final CandidateSet set = TestScenes.lattice(config, TestScenes.straightRoad(8, 1, 0));
        final int k = set.firmStopIndex;
        assertTrue(k < set.latticeCount, "part of the lattice");
        assertEquals(CandidateSet.FIRM_STOP, set.behaviour[k]);
        assertEquals(0, set.lateralTarget[k], 0, "in lane");
        assertEquals(CandidateGenerator.FIRM_STOP_DECEL_MPS2, hardestBrake(set, k), 1e-6);
        assertTrue(hardestBrake(set, k) > config.comfortDecelMps2());
        assertTrue(hardestBrake(set, k) < 4.0, "short of the hard-braking bound");
        assertEquals(0, set.speed[k * H + H - 1], 0, "standing by the end of the horizon");
        for (int h = 0; h < H; h++)
        {
            assertEquals(0, set.y[k * H + h], 1e-9, "on the lane centre, step " + h);
        }
        assertEquals("firm-stop", CandidateSet.behaviourName(CandidateSet.FIRM_STOP));
    }

    @Test
    void shouldStandAtALateLineBrakingFirmlyRatherThanAsHardAsItCan()
    {
        // A walker's line comes up 12 m before where the plans stand (a metre short of it; the nose 2.3 m ahead
        // of the centre): from 8 m/s the firm stop stands in 11.0 m with the jerk limit's ramp, the comfortable one
        // in 13.9 m, through the line. Without a firm stop the IDM's candidates stand at the line braking at 6 m/s²,
        // and one of them is the choice.
        final PlannerConfig config = config();
        final SceneSnapshot scene = TestScenes.straightRoad(8, 1, 0);
        scene.walkerYieldS = scene.egoS + 0.5 * scene.egoLength + SceneSnapshot.STOP_LINE_MARGIN_M + 12;
        final CandidateSet set = TestScenes.lattice(config, scene);
        final TrajectoryScorer scorer = new TrajectoryScorer(config);
        scorer.prepare(scene);
        final FloatBuffer future = FloatBuffer.allocate(K * H * N * 3);
        int best = -1;
        for (int k = 0; k < set.latticeCount; k++)
        {
            scorer.score(scene, set, future, k);
            if (best < 0 || scorer.total[k] < scorer.total[best])
            {
                best = k;
            }
        }
        assertEquals(0, scorer.redLight[set.firmStopIndex], 1e-12, "the firm stop stands short of the line");
        assertTrue(scorer.redLight[set.comfortStopIndex] > 0, "the comfortable one does not");
        assertTrue(scorer.total[set.firmStopIndex] < scorer.total[set.emergencyIndex],
            "firm " + scorer.total[set.firmStopIndex] + " vs emergency " + scorer.total[set.emergencyIndex]);
        assertEquals(0, scorer.redLight[best], 1e-12, "the choice stands short of the line");
        assertTrue(hardestBrake(set, best) < 4.0,
            CandidateSet.behaviourName(set.behaviour[best]) + " brakes at " + hardestBrake(set, best));
    }
}
