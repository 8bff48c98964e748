package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lattice turns the wheel no faster than the steering rate allows, and at speed no faster than keeps the
 * heading's rate of turn changing by at most {@link PlannerConfig#maxYawAccelRadps2()}: at 0.7 rad/s of steering,
 * a pass begun at 9.5 m/s stepped the ego's rate of turn from 0.03 to 0.34 rad/s within one step, which NAVSIM's
 * comfort filter reads as over 3 rad/s² (double-parked-8900-004). It starts from the steering in force now, and a
 * plan made half a step after the last may change it by half a step's worth.
 */
class SteeringRateTest
{
    private static final int K = 64;
    private static final int H = 30;
    private static final double DT = 0.2;
    private final PlannerConfig config = new PlannerConfig().candidates(K).horizon(H).dtSeconds(DT).maxAgents(32)
        .actionBounds(new double[]{-6, -0.55}, new double[]{2, 0.55}).conclude();

    @Test
    void shouldBoundTheStepOfSteeringByTheYawAccelerationAtSpeed()
    {
        // 0.7 rad/s below 0.6 * 2.7 / 0.7 = 2.3 m/s, the yaw acceleration's bound above.
        assertEquals(0.7 * DT, config.steerStep(2.0), 1e-12);
        assertEquals(0.6 * 2.7 / 14.0 * DT, config.steerStep(14.0), 1e-12);
        assertEquals(0.7 * DT, config.steerStep(0.0), 1e-12);
    }

    @Test
    void shouldChangeLanesAtSpeedWithinTheBounds()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(14, 1, 0);
        scene.speedLimit = 14;
        final CandidateSet set = TestScenes.lattice(config, scene);
        final int k = TestScenes.followLimitAt(set, scene.laneWidth);
        double previous = scene.steerNow;
        double previousSpeed = scene.egoSpeed;
        double widestStep = 0;
        for (int h = 0; h < H; h++)
        {
            final double steer = set.steer[k * H + h];
            final double step = Math.abs(steer - previous);
            assertTrue(step <= config.steerStep(previousSpeed) + 1e-6, "step " + h + ": " + step);
            widestStep = Math.max(widestStep, step);
            previous = steer;
            previousSpeed = set.speed[k * H + h];
        }
        assertTrue(widestStep > 0.5 * config.steerStep(14), "the bound is what limits it: " + widestStep);
        assertTrue(set.y[k * H + H - 1] > 0.8 * scene.laneWidth, "and it still changes lanes: y " +
            set.y[k * H + H - 1]);
    }

    @Test
    void shouldStartFromTheSteeringInForceForAsLongAsItHasBeen()
    {
        final SceneSnapshot scene = TestScenes.straightRoad(10, 1, 0);
        // Turning left, half a step into it: keeping the lane straightens the wheel by half a step's worth at most.
        scene.steerNow = 0.05;
        scene.steerHeldSteps = 0.5;
        final CandidateSet set = TestScenes.lattice(config, scene);
        final int k = TestScenes.followLimitAt(set, 0);
        final double first = set.steer[k * H];
        assertEquals(0.05 - 0.5 * config.steerStep(10), first, 1e-6, "the first step straightens as far as it may");
        assertTrue(set.steer[k * H + 1] < first, "and goes on straightening: " + set.steer[k * H + 1]);
    }
}
