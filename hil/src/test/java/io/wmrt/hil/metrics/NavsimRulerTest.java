package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.wmrt.hil.metrics.ConstructedDrives.DT;
import static io.wmrt.hil.metrics.ConstructedDrives.ONCOMING_Y;
import static io.wmrt.hil.metrics.ConstructedDrives.OWN_Y;
import static io.wmrt.hil.metrics.ConstructedDrives.car;
import static io.wmrt.hil.metrics.ConstructedDrives.none;
import static io.wmrt.hil.metrics.ConstructedDrives.straight;
import static io.wmrt.hil.metrics.ConstructedDrives.street;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each NAVSIM sub-metric on constructed drives, and how the ruler composes and filters them. */
class NavsimRulerTest
{
    private static final RoadGeometry STREET = street();

    private static NavsimRuler.Verdict score(final DriveLog log)
    {
        return NavsimRuler.score(log, STREET, null);
    }

    @Test
    void aCleanDriveScoresOneEverywhere()
    {
        final NavsimRuler.Verdict v = score(straight(10.0, OWN_Y, 8.0, 100, i -> none()));
        assertEquals(1.0, v.scores().pdms(), 1e-12);
        assertEquals(1.0, v.scores().epdms(), 1e-12);
        assertTrue(v.events().isEmpty());
        assertEquals(8.0 * 99 * DT, v.progressM(), 1e-9);
    }

    @Test
    void hittingAMovingCarAheadWithTheFrontIsAtFault()
    {
        // The other drives at 4 m/s in the ego's lane, the ego at 10 m/s catches up with it.
        final NavsimRuler.Verdict v = score(straight(10.0, OWN_Y, 10.0, 60,
            i -> List.of(car("vehicle:slow", 40.0 + 4.0 * i * DT, OWN_Y, 0.0, 4.0))));
        assertEquals(0.0, v.scores().nc());
        assertEquals(0.0, v.scores().pdms());
        assertEquals(0.0, v.scores().ttc(), "the near miss before the contact counts too");
        final RunEvent contact = first(v, RunEvent.Kind.COLLISION);
        assertTrue(contact.detail().startsWith("at fault, active front"), contact.detail());
    }

    @Test
    void hittingAStandingCarIsAtFaultAndAVehicleZeroesNc()
    {
        final NavsimRuler.Verdict v = score(straight(0.0, OWN_Y, 10.0, 60,
            i -> List.of(car("vehicle:parked", 40.0, OWN_Y, 0.0, 0.0))));
        assertEquals(0.0, v.scores().nc());
        assertTrue(first(v, RunEvent.Kind.COLLISION).detail().contains("stopped track"));
    }

    @Test
    void hittingAStaticObjectHalvesNc()
    {
        final NavsimRuler.Verdict v = score(straight(0.0, OWN_Y, 10.0, 60,
            i -> List.of(new DriveLog.Agent("cone", DriveLog.AgentKind.STATIC, 40.0, OWN_Y, 0.0, 0.0, 0.5, 0.5))));
        assertEquals(0.5, v.scores().nc());
    }

    @Test
    void beingRearEndedWhileStandingIsNotAtFault()
    {
        // The ego stands at x = 50; a car comes from behind at 8 m/s and runs into it.
        final NavsimRuler.Verdict v = score(straight(50.0, OWN_Y, 0.0, 40,
            i -> List.of(car("vehicle:late", 30.0 + 8.0 * i * DT, OWN_Y, 0.0, 8.0))));
        assertEquals(1.0, v.scores().nc());
        assertEquals(1.0, v.scores().ttc(), "standing still, the ego has no time to collision to keep");
        assertTrue(first(v, RunEvent.Kind.COLLISION).detail().startsWith("not at fault, stopped ego"));
    }

    @Test
    void beingRearEndedWhileDrivingIsNotAtFault()
    {
        final NavsimRuler.Verdict v = score(straight(50.0, OWN_Y, 3.0, 40,
            i -> List.of(car("vehicle:fast", 36.0 + 12.0 * i * DT, OWN_Y, 0.0, 12.0))));
        assertEquals(1.0, v.scores().nc());
        assertTrue(first(v, RunEvent.Kind.COLLISION).detail().startsWith("not at fault, active rear"));
    }

    @Test
    void aSideSwipeIsAtFaultOnlyWhenTheEgoStraddlesLanes()
    {
        // A car overtakes through the oncoming lane and cuts in 1 m too early beside the ego's middle.
        final int n = 30;
        final DriveLog.Agent beside = car("vehicle:cutter", 59.0, OWN_Y + 1.6, 0.0, 8.0);
        final NavsimRuler.Verdict inLane = score(straight(60.0, OWN_Y, 8.0, n,
            i -> List.of(new DriveLog.Agent(beside.key(), beside.kind(), 59.0 + 8.0 * i * DT, OWN_Y + 1.7, 0.0, 8.0,
                4.6, 1.8))));
        assertEquals(1.0, inLane.scores().nc(), "lateral contact in its own lane: not the ego's fault");
        final NavsimRuler.Verdict straddling = score(straight(60.0, 0.0, 8.0, n,
            i -> List.of(new DriveLog.Agent(beside.key(), beside.kind(), 59.0 + 8.0 * i * DT, 1.7, 0.0, 8.0, 4.6,
                1.8))));
        assertEquals(0.0, straddling.scores().nc(), "lateral contact across the lane line: at fault");
    }

    @Test
    void leavingTheRoadZeroesDacWithAnEvent()
    {
        final NavsimRuler.Verdict v = score(straight(10.0, -3.5, 8.0, 20, i -> none()));
        assertEquals(0.0, v.scores().dac());
        assertEquals(0.0, v.scores().pdms());
        assertEquals(1, count(v, RunEvent.Kind.OFF_ROAD));
        final NavsimRuler.Verdict onTheLine = score(straight(10.0, -2.4, 8.0, 20, i -> none()));
        assertEquals(1.0, onTheLine.scores().dac(), "a corner 0.1 m over the edge is within the slack");
    }

    @Test
    void drivingAgainstTheTrafficCountsMetresPerSecond()
    {
        assertEquals(1.0, score(straight(10.0, ONCOMING_Y, 1.5, 30, i -> none())).scores().ddc());
        assertEquals(0.5, score(straight(10.0, ONCOMING_Y, 4.0, 30, i -> none())).scores().ddc());
        final NavsimRuler.Verdict fast = score(straight(10.0, ONCOMING_Y, 8.0, 30, i -> none()));
        assertEquals(0.0, fast.scores().ddc());
        assertEquals(0.0, fast.scores().epdms());
        assertEquals(1.0, fast.scores().pdms(), "PDMS (v1) has no DDC");
        assertEquals(1, count(fast, RunEvent.Kind.WRONG_WAY));
        // In the junction, the same lateral position is not against the traffic.
        assertEquals(1.0, score(straight(201.0, ONCOMING_Y, 8.0, 10, i -> none())).scores().ddc());
    }

    @Test
    void aRedLightCrossingZeroesTlc()
    {
        final DriveLog log = ConstructedDrives.log(8.0);
        for (int i = 0; i < 20; i++)
        {
            log.add(new DriveLog.Sample(i * DT, 10.0 + 0.8 * i, OWN_Y, 0.0, 8.0, 0.0, none(), i == 12));
        }
        final NavsimRuler.Verdict v = score(log);
        assertEquals(0.0, v.scores().tlc());
        assertEquals(0.0, v.scores().epdms());
        assertEquals(1.2, first(v, RunEvent.Kind.RED_LIGHT).timeS(), 1e-9);
    }

    @Test
    void timeToCollisionSeesOnlyWhatIsAheadWithinNineTenthsOfASecond()
    {
        // 10 m/s towards a standing car whose rear is 8 m ahead of the ego's front: met within 0.9 s.
        assertEquals(0.0, score(straight(0.0, OWN_Y, 10.0, 20,
            i -> List.of(car("vehicle:ahead", 12.6, OWN_Y, 0.0, 0.0)))).scores().ttc());
        // 20 m ahead: never within the projection.
        assertEquals(1.0, score(straight(0.0, OWN_Y, 10.0, 20,
            i -> List.of(car("vehicle:far", 24.6, OWN_Y, 0.0, 0.0)))).scores().ttc());
        // Oncoming in its own lane beside the ego's: never ahead in the ego's lane.
        assertEquals(1.0, score(straight(0.0, OWN_Y, 10.0, 20,
            i -> List.of(car("vehicle:oncoming", 30.0 - 10.0 * i * DT, ONCOMING_Y, Math.PI, 10.0)))).scores().ttc());
    }

    @Test
    void progressIsMeasuredAgainstTheReference()
    {
        final DriveLog log = straight(0.0, OWN_Y, 10.0, 101, i -> none());
        assertEquals(0.5, NavsimRuler.score(log, STREET, new NavsimRuler.Reference(200.0, Set.of())).scores().ep(),
            1e-9);
        assertEquals(1.0, NavsimRuler.score(log, STREET, new NavsimRuler.Reference(80.0, Set.of())).scores().ep());
        assertEquals(1.0, NavsimRuler.score(log, STREET, new NavsimRuler.Reference(4.0, Set.of())).scores().ep(),
            "a reference under 5 m gives nothing to compare with");
        assertEquals(1.0, EgoProgress.ep(3.0, Double.NaN));
    }

    @Test
    void laneKeepingAllowsTwoSecondsOffCentreAndIgnoresJunctions()
    {
        assertEquals(1.0, score(straight(10.0, OWN_Y - 0.8, 5.0, 19, i -> none())).scores().lk());
        assertEquals(0.0, score(straight(10.0, OWN_Y - 0.8, 5.0, 25, i -> none())).scores().lk());
        assertEquals(1.0, score(straight(10.0, OWN_Y - 0.3, 5.0, 60, i -> none())).scores().lk());
        // 1.5 s before the junction, 2 s inside it, 1.4 s after: runs bridge the junction, 2.9 s off in all.
        final DriveLog log = straight(192.5, OWN_Y - 0.8, 5.0, 50, i -> none());
        assertEquals(0.0, score(log).scores().lk());
    }

    @Test
    void comfortHoldsNavsimsBounds()
    {
        assertEquals(1.0, score(accelerating(1.5, 60)).scores().hc());
        final NavsimRuler.Verdict braking = score(accelerating(-5.0, 25));
        assertEquals(0.0, braking.scores().hc());
        assertEquals(1, count(braking, RunEvent.Kind.HARD_BRAKE));
        assertEquals(0.0, score(accelerating(3.0, 60)).scores().hc(), "2.4 m/s² is the most NAVSIM allows");
        // Turning at 1.2 rad/s, beyond the 0.95 rad/s yaw-rate bound.
        final DriveLog turning = ConstructedDrives.log(2.0);
        double x = 100.0;
        double y = OWN_Y;
        double heading = 0.0;
        for (int i = 0; i < 30; i++)
        {
            turning.add(new DriveLog.Sample(i * DT, x, y, heading, 2.0, heading, none(), false));
            heading += 1.2 * DT;
            x += Math.cos(heading) * 2.0 * DT;
            y += Math.sin(heading) * 2.0 * DT;
        }
        assertEquals(0.0, ComfortBounds.score(turning).value());
    }

    @Test
    void extendedComfortIsTheShareOfSuccessivePlansThatAgree()
    {
        final DriveLog steady = straight(10.0, OWN_Y, 8.0, 50, i -> none());
        final DriveLog changing = straight(10.0, OWN_Y, 8.0, 50, i -> none());
        for (int k = 0; k < 10; k++)
        {
            steady.addPlan(plan(k * 0.5, 8.0, 0.0));
            changing.addPlan(plan(k * 0.5, 8.0, k % 2 == 0 ? 2.0 : 0.0));
        }
        assertEquals(1.0, ExtendedComfort.score(steady).value());
        assertEquals(0.0, ExtendedComfort.score(changing).value(), "each plan drops or takes up the previous one's acceleration");
        assertEquals(1.0, ExtendedComfort.score(straight(0.0, OWN_Y, 8.0, 10, i -> none())).value(), "no plans");
    }

    @Test
    void theReferenceForgivesWhatItFailsTooButNeverACollision()
    {
        // Passing through the opposite lane at 8 m/s while clipping a car standing there.
        final DriveLog log = straight(10.0, ONCOMING_Y, 8.0, 30,
            i -> List.of(car("vehicle:parked", 30.0, ONCOMING_Y, Math.PI, 0.0)));
        final NavsimRuler.Verdict alone = NavsimRuler.score(log, STREET, new NavsimRuler.Reference(100.0, Set.of()));
        assertEquals(0.0, alone.scores().ddc());
        final NavsimRuler.Verdict filtered = NavsimRuler.score(log, STREET,
            new NavsimRuler.Reference(100.0, Set.of("ddc", "nc", "hc")));
        assertEquals(1.0, filtered.scores().ddc());
        assertEquals(0.0, filtered.scores().nc());
        assertEquals(List.of("ddc"), filtered.scores().forgiven());
        assertEquals(0.0, filtered.unforgiven().get("ddc"));
        assertEquals(Set.of("ddc", "lk", "ttc"), NavsimRuler.failed(alone));
    }

    @Test
    void theCompositesAreNavsims()
    {
        assertEquals((5 * 0 + 5 * 0.5 + 2) / 12.0, io.wmrt.hil.run.RunScores.pdms(1, 1, 0, 0.5, 1), 1e-12);
        assertEquals(0.5 * 10 / 12.0, io.wmrt.hil.run.RunScores.pdms(0.5, 1, 1, 1, 0), 1e-12);
        assertEquals(0.5 * (5 * 0.8 + 5 + 2 + 2 * 0 + 2 * 0.5) / 16.0,
            io.wmrt.hil.run.RunScores.epdms(1, 1, 0.5, 1, 0.8, 1, 1, 0, 0.5), 1e-12);
        assertEquals(0.0, io.wmrt.hil.run.RunScores.epdms(1, 1, 1, 0, 1, 1, 1, 1, 1));
    }

    private static DriveLog accelerating(final double accel, final int n)
    {
        final DriveLog log = ConstructedDrives.log(12.0);
        double x = 10.0;
        double v = 12.0;
        for (int i = 0; i < n; i++)
        {
            log.add(new DriveLog.Sample(i * DT, x, OWN_Y, 0.0, v, 0.0, none(), false));
            v = Math.max(0.0, v + accel * DT);
            x += v * DT;
        }
        return log;
    }

    private static DriveLog.Plan plan(final double timeS, final double speed, final double accel)
    {
        final int m = 30;
        final double[] t = new double[m];
        final double[] x = new double[m];
        final double[] y = new double[m];
        final double[] h = new double[m];
        final double[] v = new double[m];
        for (int i = 0; i < m; i++)
        {
            t[i] = 0.2 * i;
            v[i] = speed + accel * t[i];
            x[i] = speed * t[i] + 0.5 * accel * t[i] * t[i];
            y[i] = OWN_Y;
        }
        return new DriveLog.Plan(timeS, t, x, y, h, v);
    }

    private static RunEvent first(final NavsimRuler.Verdict v, final RunEvent.Kind kind)
    {
        return v.events().stream().filter(e -> e.kind() == kind).findFirst()
            .orElseThrow(() -> new AssertionError("no " + kind + " event in " + v.events()));
    }

    private static long count(final NavsimRuler.Verdict v, final RunEvent.Kind kind)
    {
        return v.events().stream().filter(e -> e.kind() == kind).count();
    }
}
