package io.wmrt.hil.rig;

import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EgoActuatorTest
{
    private static final double DT = 0.1;

    /** A plan along +x from x = 0 at {@code speed} for every waypoint, 0.2 s apart. */
    private static TrajectoryDecoder straightPlan(final double fromX, final double speed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final TrajectoryEncoder encoder = new TrajectoryEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder());
        encoder.waypointCount(30);
        for (int i = 0; i < 30; i++)
        {
            final double t = 0.2 * (i + 1);
            encoder.wpX(i, (float)(fromX + speed * t)).wpY(i, 0f).wpHeading(i, 0f).wpSpeed(i, (float)speed)
                .wpT(i, (float)t);
        }
        return new TrajectoryDecoder().wrap(buffer, MessageHeaderEncoder.ENCODED_LENGTH,
            TrajectoryEncoder.BLOCK_LENGTH, TrajectoryEncoder.SCHEMA_VERSION);
    }

    /** A plan along +x braking from {@code speed} at {@code decel} to a stop. */
    private static TrajectoryDecoder brakingPlan(final double speed, final double decel)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(1024));
        final TrajectoryEncoder encoder = new TrajectoryEncoder().wrapAndApplyHeader(buffer, 0,
            new MessageHeaderEncoder());
        encoder.waypointCount(30);
        for (int i = 0; i < 30; i++)
        {
            final double t = Math.min(0.2 * (i + 1), speed / decel);
            encoder.wpX(i, (float)(speed * t - 0.5 * decel * t * t)).wpY(i, 0f).wpHeading(i, 0f)
                .wpSpeed(i, (float)(speed - decel * t)).wpT(i, (float)(0.2 * (i + 1)));
        }
        return new TrajectoryDecoder().wrap(buffer, MessageHeaderEncoder.ENCODED_LENGTH,
            TrajectoryEncoder.BLOCK_LENGTH, TrajectoryEncoder.SCHEMA_VERSION);
    }

    @Test
    void shouldReachTheRequestedSpeedWithinTheAccelerationAndJerkLimits()
    {
        final EgoActuator ego = new EgoActuator();
        ego.reset(0, 0, 0, 0);
        ego.follow(straightPlan(0, 20.0), 0.0, 0, 0, 0, 0);
        double lastAccel = 0;
        for (int i = 1; i <= 100; i++)
        {
            ego.step(i * DT, DT);
            assertTrue(ego.accel() <= EgoActuator.MAX_ACCEL_MPS2 + 1e-9, "accel " + ego.accel());
            assertTrue(Math.abs(ego.accel() - lastAccel) <= EgoActuator.MAX_JERK_MPS3 * DT + 1e-9);
            lastAccel = ego.accel();
            assertEquals(0.0, ego.y(), 1e-9);
        }
        assertEquals(20.0, ego.speed(), 0.5);
    }

    @Test
    void shouldBrakeNoHarderThanTheLimitAndNeverReverse()
    {
        final EgoActuator ego = new EgoActuator();
        ego.reset(0, 0, 0, 15.0);
        // The plan asks for 12 m/s²: the rig allows the limit, no more.
        ego.follow(brakingPlan(15.0, 12.0), 0.0, 0, 0, 0, 15.0);
        for (int i = 1; i <= 60; i++)
        {
            ego.step(i * DT, DT);
            assertTrue(ego.accel() >= -EgoActuator.MAX_DECEL_MPS2 - 1e-9, "decel " + ego.accel());
            assertTrue(ego.speed() >= 0.0);
        }
        assertEquals(0.0, ego.speed(), 1e-9);
        assertTrue(ego.x() >= 15.0 * 15.0 / (2 * EgoActuator.MAX_DECEL_MPS2) - 0.5, "stopped in " + ego.x());
    }

    @Test
    void shouldFollowTheLastPlanAndDriftSidewaysWhenPerturbed()
    {
        final EgoActuator ego = new EgoActuator();
        ego.reset(0, 0, 0, 10.0);
        ego.follow(straightPlan(0, 10.0), 0.0, 0, 0, 0, 10.0);
        ego.perturb(0.0, 0.5);
        for (int i = 1; i <= 10; i++)
        {
            ego.step(i * DT, DT);
        }
        assertEquals(10.0, ego.x(), 1e-6);
        assertEquals(0.5, ego.y(), 1e-6);
        ego.perturb(0.0, 0.0);
        ego.step(1.1, DT);
        assertEquals(0.5, ego.y(), 1e-6);
    }
}
