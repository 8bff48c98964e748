package io.wmrt.hil.metrics;

import io.wmrt.bus.SceneCodes;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DrivingMetricsTest
{
    private static final double DT = 0.1;

    private static DrivingMetrics.RoadUser car(final String key, final double x, final double y, final double speed)
    {
        return new DrivingMetrics.RoadUser(key, SceneCodes.VEHICLE, x, y, 0.0, speed, 4.5, 1.8);
    }

    private static DrivingMetrics.RoadUser pedestrian(final String key, final double x, final double y)
    {
        return new DrivingMetrics.RoadUser(key, SceneCodes.PEDESTRIAN, x, y, Math.PI / 2, 1.2, 0.3, 0.5);
    }

    @Test
    void shouldCountOneCollisionPerContactWithAStandingCar()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        final DrivingMetrics.RoadUser parked = car("vehicle:parked", 20.0, 0.0, 0.0);
        // The ego drives at 10 m/s through the parked car: the contact lasts several steps, counted once.
        for (int i = 0; i < 30; i++)
        {
            metrics.step(i * DT, DT, i * 1.0, 0.0, 0.0, 10.0, 0.0, 0.0, 4.6, 1.8, true, List.of(parked));
        }
        assertEquals(1, metrics.contacts().size());
        assertEquals("vehicle:parked", metrics.contacts().get(0).other());
        assertTrue(metrics.contacts().get(0).otherStanding());
        assertEquals(0.0, metrics.minTtcS());
    }

    @Test
    void shouldCountASecondContactAfterTheFirstEnded()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        final DrivingMetrics.RoadUser other = car("vehicle:a", 0.0, 0.0, 5.0);
        metrics.step(0.0, DT, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 4.6, 1.8, true, List.of(other));
        metrics.step(0.1, DT, 0.0, 10.0, 0.0, 5.0, 0.0, 0.0, 4.6, 1.8, true, List.of(other));
        metrics.step(0.2, DT, 0.0, 0.0, 0.0, 5.0, 0.0, 0.0, 4.6, 1.8, true, List.of(other));
        assertEquals(2, metrics.contacts().size());
    }

    @Test
    void shouldConfirmAReportedContactOnlyWhenTheFootprintsWereClose()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        // Passing a parked car one lane to its left: 1.7 m apart sideways, never close.
        metrics.step(5.0, DT, 0.0, 3.5, 0.0, 8.0, 0.0, 0.0, 4.6, 1.8, true, List.of(car("vehicle:parked", 0, 0, 0)));
        // Squeezing past another with 0.3 m to spare.
        metrics.step(6.0, DT, 0.0, 2.1, 0.0, 8.0, 0.0, 0.0, 4.6, 1.8, true, List.of(car("vehicle:tight", 0, 0, 0)));
        assertFalse(metrics.closeTo("vehicle:parked", 5.0));
        assertTrue(metrics.closeTo("vehicle:tight", 6.1));
        assertFalse(metrics.closeTo("vehicle:tight", 7.0));
        assertTrue(metrics.contacts().isEmpty());
    }

    @Test
    void shouldNotBlameTheEgoForBeingHitWhileStandingStill()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.step(0.0, DT, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.6, 1.8, true, List.of(car("vehicle:b", -3.0, 0.0, 6.0)));
        assertEquals(1, metrics.contacts().size());
        assertTrue(metrics.contacts().get(0).egoStanding());
    }

    @Test
    void shouldComputeConstantVelocityTimeToCollisionOnlyForRoadUsersAhead()
    {
        // 20 m centre to centre, footprints 4.6 and 4.5 long: 15.45 m gap closed at 10 m/s.
        final double ahead = DrivingMetrics.timeToCollision(0, 0, 0, 10.0, 2.3, 0.9, car("a", 20.0, 0.0, 0.0));
        assertEquals(1.55, ahead, DrivingMetrics.TTC_STEP_S + 1e-9);
        assertEquals(Double.POSITIVE_INFINITY,
            DrivingMetrics.timeToCollision(0, 0, 0, 10.0, 2.3, 0.9, car("b", -20.0, 0.0, 20.0)));
        assertEquals(Double.POSITIVE_INFINITY,
            DrivingMetrics.timeToCollision(0, 0, 0, 10.0, 2.3, 0.9, car("c", 20.0, 0.0, 10.0)));
        assertEquals(Double.POSITIVE_INFINITY,
            DrivingMetrics.timeToCollision(0, 0, 0, 10.0, 2.3, 0.9, car("d", 20.0, 3.5, 0.0)));
    }

    @Test
    void shouldMeasureTheSmallestFootprintGapToPedestrians()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.step(0.0, DT, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 4.6, 1.8, true,
            List.of(pedestrian("person:p", 0.0, 3.0), car("vehicle:far", 0.0, 1.5, 0.0)));
        // Pedestrian 0.5 m wide across the ego's heading: its near side at 3.0 - 0.15, the ego's at 0.9.
        assertEquals(3.0 - 0.15 - 0.9, metrics.minPedestrianDistanceM(), 1e-9);
    }

    @Test
    void shouldCountOffroadStepsStoppedAndCreepingTime()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.step(0.0, DT, 0, 0, 0, 0.0, 0.0, 0.0, 4.6, 1.8, true, List.of());
        metrics.step(0.1, DT, 0, 0, 0, 1.0, 0.0, 0.0, 4.6, 1.8, false, List.of());
        metrics.step(0.2, DT, 0, 0, 0, 5.0, 0.0, 0.0, 4.6, 1.8, false, List.of());
        assertEquals(2, metrics.offroad());
        assertEquals(0.1, metrics.stoppedS(), 1e-12);
        assertEquals(0.1, metrics.creepingS(), 1e-12);
        assertEquals(0.6, metrics.progressM(), 1e-12);
    }

    @Test
    void shouldCountRedLightCrossings()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.redLightCrossed();
        assertEquals(1, metrics.redLightViolations());
    }

    @Test
    void shouldCallALaneChangeUndoneWithinTheWindowWeaving()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.laneSlot(0.0, "AB", 0, 2);
        metrics.laneSlot(1.0, "AB", 1, 2);
        metrics.laneSlot(2.0, "AB", 0, 2);
        // A new edge with another lane index is not a lane change.
        metrics.laneSlot(3.0, "BC", 1, 2);
        metrics.laneSlot(4.0, "BC", Integer.MIN_VALUE, 2);
        // Out to the left lane and back after longer than the window: two lane changes, no weaving.
        metrics.laneSlot(10.0, "BC", 0, 2);
        metrics.laneSlot(14.0, "BC", 1, 2);
        assertEquals(4, metrics.laneChanges());
        assertEquals(1, metrics.weaving());
        assertEquals(2.0, metrics.firstWeavingS(), "when the lane change was undone");
    }

    @Test
    void shouldNotCountAJoinAsALaneChangeWhenTheNewEdgesFirstSlotComesStepsAfterTheEdge()
    {
        // corridor-7600-000: one lane (slot 0) joins two; the simulator reports the two-lane edge while the
        // centre is still nearest the one-lane edge's lane (no slot), then the ego is in the join's left lane
        // (slot 1) and moves right (slot 0) 1.8 s later. One lane change, no weaving.
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.laneSlot(70.0, "K1K2", 0, 1);
        metrics.laneSlot(73.2, "K2K3", 1, 2);
        metrics.laneSlot(73.3, "K2K3", 1, 2);
        metrics.laneSlot(75.1, "K2K3", 0, 2);
        assertEquals(1, metrics.laneChanges());
        assertEquals(0, metrics.weaving());
        assertTrue(Double.isNaN(metrics.firstWeavingS()));
    }

    @Test
    void shouldStillCallAChangeAndItsUndoingOnOneEdgeWeavingAfterAJoin()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.laneSlot(70.0, "K1K2", 0, 1);
        metrics.laneSlot(73.2, "K2K3", 1, 2);
        metrics.laneSlot(75.1, "K2K3", 0, 2);
        metrics.laneSlot(77.0, "K2K3", 1, 2);
        assertEquals(2, metrics.laneChanges());
        assertEquals(1, metrics.weaving());
        assertEquals(77.0, metrics.firstWeavingS());
    }

    /** Ego eastbound: the right lane at y = -4.95 (slot 0), the left at -1.65 (slot 1); out at 1 s, back at 3.5 s. */
    private static DrivingMetrics outAndBack(final DrivingMetrics.RoadUser other)
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        final double[][] steps = {{0.0, 0, -4.95, 0}, {1.0, 10, -1.65, 1}, {3.5, 40, -4.95, 0}};
        for (final double[] s : steps)
        {
            metrics.step(s[0], DT, s[1], s[2], 0.0, 12.0, 0.0, 0.0, 4.6, 1.8, true, List.of(other));
            metrics.laneSlot(s[0], "K2K3", (int)s[3], 2);
        }
        return metrics;
    }

    @Test
    void shouldCallOutAndBackPastACarStandingInTheLaneLeftAnOvertakeNotWeaving()
    {
        final DrivingMetrics metrics = outAndBack(car("double-parked", 30, -4.95, 0.0));
        assertEquals(2, metrics.laneChanges());
        assertEquals(0, metrics.weaving());
    }

    @Test
    void shouldStillCallOutAndBackWeavingWhenWhatWasAheadIsStillAhead()
    {
        final DrivingMetrics metrics = outAndBack(car("far-ahead", 100, -4.95, 0.0));
        assertEquals(1, metrics.weaving());
        assertEquals(3.5, metrics.firstWeavingS());
    }

    @Test
    void shouldStillCallOutAndBackWeavingWhenWhatWasPassedWasAPedestrianOrInTheLaneGoneTo()
    {
        assertEquals(1, outAndBack(pedestrian("walker", 30, -4.95)).weaving(), "a pedestrian is not overtaken");
        assertEquals(1, outAndBack(car("left-lane", 30, -1.65, 0.0)).weaving(),
            "a car in the lane the ego moved to was not in the lane it left");
        assertEquals(1, outAndBack(car("opposite", 30, 4.95, 0.0)).weaving(),
            "two lanes over is not the lane left");
    }

    @Test
    void shouldNotCallPassingThroughTheOppositeLaneWeaving()
    {
        final DrivingMetrics metrics = new DrivingMetrics();
        metrics.laneSlot(0.0, "AB", 0, 1);
        metrics.laneSlot(1.0, "AB", 1, 1);
        metrics.laneSlot(2.5, "AB", 0, 1);
        metrics.inOppositeLane(1.5);
        assertEquals(2, metrics.laneChanges());
        assertEquals(0, metrics.weaving());
        assertTrue(Double.isNaN(metrics.firstWeavingS()));
        assertEquals(1.5, metrics.oppositeLaneS());
    }

    @Test
    void shouldJudgeComfortOnSmoothedAcceleration()
    {
        final DrivingMetrics gentle = new DrivingMetrics();
        final DrivingMetrics harsh = new DrivingMetrics();
        for (int i = 0; i < 40; i++)
        {
            gentle.step(i * DT, DT, 0, 0, 0, 10.0, i < 20 ? 1.0 : -1.0, 0.0, 4.6, 1.8, true, List.of());
            harsh.step(i * DT, DT, 0, 0, 0, 10.0, i < 20 ? 0.0 : -6.0, 0.0, 4.6, 1.8, true, List.of());
        }
        assertTrue(gentle.comfortable(), "jerk " + gentle.maxAbsJerkMps3());
        assertFalse(harsh.comfortable());
        // A quadratic fit overshoots a step a little, as nuPlan's filter does.
        assertEquals(6.0, harsh.maxDecelMps2(), 0.6);
        assertTrue(harsh.maxAbsJerkMps3() > DrivingMetrics.COMFORT_MAX_JERK, "jerk " + harsh.maxAbsJerkMps3());
    }

    @Test
    void shouldFitQuadraticsExactlyWithTheSavitzkyGolayFilter()
    {
        final double[] y = new double[40];
        for (int i = 0; i < y.length; i++)
        {
            final double t = i * DT;
            y[i] = 1.0 + 2.0 * t - 0.5 * t * t;
        }
        final double[] value = DrivingMetrics.savitzkyGolay(y, 7, DT, false);
        final double[] slope = DrivingMetrics.savitzkyGolay(y, 15, DT, true);
        for (int i = 0; i < y.length; i++)
        {
            assertEquals(y[i], value[i], 1e-9);
            assertEquals(2.0 - i * DT, slope[i], 1e-9);
        }
        assertEquals(0, DrivingMetrics.savitzkyGolay(new double[0], 7, DT, true).length);
        assertEquals(3.0, DrivingMetrics.savitzkyGolay(new double[] {3.0}, 7, DT, false)[0]);
    }
}
