package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Braking past the comfort bound is priced per step and per m/s² over it: the hardest brake is a last resort,
 * not the cheap way out of a single step with a corner over the kerb.
 */
class BrakeBoundTest
{
    private static final int K = 64;
    private static final int H = 30;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(0.2).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{3, 0.55}).conclude();

    @Test
    void shouldChargeEveryStepBeyondTheBoundByHowFarBeyondItIs()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(0, 1, 0);
        final CandidateSet set = new CandidateSet(K, H);
        TestScenes.alongX(set, 0, 10, 0.2, h -> h < 5 ? -4.0 : 0);   // at the bound: nothing extra
        TestScenes.alongX(set, 1, 10, 0.2, h -> h < 5 ? -5.0 : 0);   // 1 m/s^2 over for 5 steps
        TestScenes.alongX(set, 2, 10, 0.2, h -> h < 5 ? -6.0 : 0);   // 2 m/s^2 over for 5 steps
        final TrajectoryScorer scorer = TestScenes.scoreFirst(config, scene, set, 3);
        final CostWeights w = config.weights();
        // Beside the bound's term, the quadratic ones (acceleration, jerk, hard brake beyond 3 m/s^2), worked out
        // by hand: the same shape at three rates.
        assertEquals(w.beyondBrakeBound * 5 * 1, scorer.comfort[1] - scorer.comfort[0] - (quadratic(5) - quadratic(4)),
            1e-6);
        assertEquals(w.beyondBrakeBound * 5 * 2, scorer.comfort[2] - scorer.comfort[0] - (quadratic(6) - quadratic(4)),
            1e-6);
    }

    /** Acceleration, jerk and hard-brake terms of braking at d for 5 steps from rest-free cruise, then holding. */
    private double quadratic(final double d)
    {
        final CostWeights w = config.weights();
        final double jerk = d / config.dtSeconds();
        return w.accel * 5 * d * d / H + w.jerk * 2 * jerk * jerk / H +
            w.hardBrake * 5 * Math.max(0, d - w.hardBrakeMps2) * Math.max(0, d - w.hardBrakeMps2);
    }

    @Test
    void shouldMakeASecondOfEmergencyBrakingDearerThanAStepOffTheRoad()
    {
        final CostWeights w = config.weights();
        final int steps = (int)Math.round(1.0 / config.dtSeconds());
        final double emergency = PlannerConfig.DEFAULT_EMERGENCY_DECEL_MPS2;
        assertTrue(w.beyondBrakeBound * steps * (emergency - w.brakeBoundMps2) > w.offroad,
            "a second at " + emergency + " m/s^2 against one step with a corner over the kerb");
    }
}
