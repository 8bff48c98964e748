package io.wmrt.shadow;

import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** PlanComparison on constructed plans: each kind of disagreement, and the cases built to look like one. */
class PlanComparisonTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);
    private final TrajectoryDecoder decoder = new TrajectoryDecoder();

    /** A plan along x at {@code speed} with a lateral offset {@code offset}, waypoints every 0.2 s from 0.2 s. */
    private TrajectoryDecoder plan(final long scene, final int behaviour, final boolean collision, final double speed,
        final double offset, final double dt)
    {
        final TrajectoryEncoder e = new TrajectoryEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        final int n = 30;
        for (int i = 0; i < n; i++)
        {
            final double t = (i + 1) * dt;
            e.wpX(i, (float)(speed * t)).wpY(i, (float)offset).wpHeading(i, 0f).wpSpeed(i, (float)speed).wpT(i, (float)t);
        }
        e.sequence(scene).sceneSequence(scene).sceneTimestampNs(scene * 100_000_000L).waypointCount(n)
            .mode(PlanMode.NOMINAL).behaviour((byte)behaviour).predictedCollision((short)(collision ? 1 : 0));
        return decoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }

    @Test
    void identicalPlansAgreeWhicheverArrivesFirst()
    {
        final PlanComparison c = new PlanComparison(0.5);
        assertEquals(PlanComparison.UNPAIRED, c.live(plan(1, 0, false, 8, 0, 0.2)));
        assertEquals(0, c.shadow(plan(1, 0, false, 8, 0, 0.2)));
        assertEquals(PlanComparison.UNPAIRED, c.shadow(plan(2, 0, false, 8, 0, 0.2)));
        assertEquals(0, c.live(plan(2, 0, false, 8, 0, 0.2)));
        assertEquals(2, c.compared());
        assertEquals(0, c.disagreements());
    }

    @Test
    void eachKindOfDisagreementIsNamed()
    {
        final PlanComparison c = new PlanComparison(0.5);
        c.live(plan(1, 0, false, 8, 0, 0.2));
        assertEquals(PlanComparison.BEHAVIOUR, c.shadow(plan(1, 2, false, 8, 0, 0.2)));
        c.live(plan(2, 0, false, 8, 0, 0.2));
        assertEquals(PlanComparison.DIVERGED, c.shadow(plan(2, 0, false, 8, 0.6, 0.2)));
        assertEquals(0.6, c.lastDivergenceM(), 1e-6);
        c.live(plan(3, 0, true, 8, 0, 0.2));
        assertEquals(PlanComparison.COLLISION, c.shadow(plan(3, 0, false, 8, 0, 0.2)));
        c.live(plan(4, 0, false, 8, 0, 0.2));
        assertEquals(PlanComparison.BEHAVIOUR | PlanComparison.DIVERGED | PlanComparison.COLLISION,
            c.shadow(plan(4, 3, true, 2, 0, 0.2)));
        assertEquals(4, c.disagreements());
        assertEquals(2, c.disagreements(PlanComparison.BEHAVIOUR));
        assertEquals(2, c.disagreements(PlanComparison.DIVERGED));
        assertEquals(2, c.disagreements(PlanComparison.COLLISION));
    }

    @Test
    void onlyTheFirstThreeSecondsCountAndTimesAreMatchedNotIndices()
    {
        final PlanComparison c = new PlanComparison(0.5);
        // Speeds 8 and 8.05 m/s: 0.15 m apart at 3 s, 0.3 m at 6 s. Under the bound within 3 s.
        c.live(plan(1, 0, false, 8, 0, 0.2));
        assertEquals(0, c.shadow(plan(1, 0, false, 8.05, 0, 0.2)));
        assertEquals(0.15, c.lastDivergenceM(), 1e-3);
        // The same path, waypoints every 0.1 s instead of 0.2 s: interpolated at the live plan's times, it agrees.
        c.live(plan(2, 0, false, 8, 0, 0.2));
        assertEquals(0, c.shadow(plan(2, 0, false, 8, 0, 0.1)));
        assertEquals(0, c.lastDivergenceM(), 1e-4);
        // Apart only after 3 s: a shadow that brakes later than 3 s does not count.
        final PlanComparison late = new PlanComparison(0.5);
        late.live(plan(3, 0, false, 8, 0, 0.2));
        assertEquals(0, late.shadow(plan(3, 0, false, 8.1, 0, 0.2)));
    }

    @Test
    void aPlanWhosePartnerNeverCameIsReplacedNotPaired()
    {
        final PlanComparison c = new PlanComparison(0.5);
        c.live(plan(1, 0, false, 8, 0, 0.2));
        // 64 scenes later the slot is the same; the old live plan is gone, so the shadow's plan of scene 65 waits.
        assertEquals(PlanComparison.UNPAIRED, c.shadow(plan(1 + PlanComparison.SLOTS, 0, false, 8, 0, 0.2)));
        assertEquals(0, c.compared());
    }

    @Test
    void aDivergenceBoundThatIsNotAPositiveDistanceIsRefused()
    {
        assertThrows(IllegalArgumentException.class, () -> new PlanComparison(0));
        assertThrows(IllegalArgumentException.class, () -> new PlanComparison(Double.NaN));
    }
}
