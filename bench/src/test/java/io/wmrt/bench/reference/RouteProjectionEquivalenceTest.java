package io.wmrt.bench.reference;

import io.wmrt.planner.RouteFrame;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The planner's pruned route projection against the plain scan of every segment it replaced
 * ({@link ReferenceRouteFrame}): the same s, d and tangent, and the same point at an arc length, to the last bit, on routes that curve, double back and
 * pass close to themselves, for points near the route, far from it, beyond its ends and not finite.
 */
class RouteProjectionEquivalenceTest
{
    @Test
    void shouldProjectExactlyAsAPlainScanOnRandomRoutes()
    {
        final SplittableRandom random = new SplittableRandom(14);
        final RouteFrame fast = new RouteFrame();
        final ReferenceRouteFrame plain = new ReferenceRouteFrame();
        int queries = 0;
        for (int route = 0; route < 400; route++)
        {
            fast.clear();
            final int points = 1 + random.nextInt(RouteFrame.MAX_POINTS + 4);
            double px = random.nextDouble(-20, 5);
            double py = random.nextDouble(-5, 5);
            double heading = random.nextDouble(-0.3, 0.3);
            final double turn = route % 4 == 0 ? 0.6 : 0.08;
            for (int i = 0; i < points; i++)
            {
                fast.add(px, py);
                // Steps from 0 (a repeated point, skipped) to 8 m, turning up to a hairpin.
                final double step = route % 7 == 0 && i % 5 == 0 ? 0.004 : random.nextDouble(0, 8);
                heading += random.nextDouble(-turn, turn);
                px += step * Math.cos(heading);
                py += step * Math.sin(heading);
            }
            plain.copyOf(fast);
            for (int q = 0; q < 300; q++)
            {
                final double qx;
                final double qy;
                if (q % 3 == 0 && fast.count() > 0)
                {
                    // On or next to a point of the route, where neighbouring segments tie.
                    final int at = random.nextInt(fast.count());
                    qx = fast.x(at) + (q % 2 == 0 ? 0 : random.nextDouble(-0.5, 0.5));
                    qy = fast.y(at) + (q % 2 == 0 ? 0 : random.nextDouble(-0.5, 0.5));
                }
                else
                {
                    qx = random.nextDouble(-60, 260);
                    qy = random.nextDouble(-150, 150);
                }
                assertSame(fast, plain, qx, qy);
                queries++;
            }
            if (fast.usable())
            {
                for (int q = 0; q < 100; q++)
                {
                    final double atS = q == 0 ? Double.NaN : random.nextDouble(-30, fast.length() + 30);
                    assertSamePoint(fast, plain, atS, q % 2 == 0 ? 0 : random.nextDouble(-4, 4));
                }
                assertSamePoint(fast, plain, fast.length(), 1.5);
                assertSamePoint(fast, plain, 0, -1.5);
            }
            assertSame(fast, plain, Double.NaN, 3);
            assertSame(fast, plain, 1e300, -1e300);
            assertSame(fast, plain, Double.POSITIVE_INFINITY, 0);
        }
        assertEquals(400 * 300, queries);
    }

    @Test
    void shouldProjectExactlyAsAPlainScanAlongATrajectoryAfterTheRouteChanges()
    {
        final RouteFrame fast = new RouteFrame();
        final ReferenceRouteFrame plain = new ReferenceRouteFrame();
        for (int round = 0; round < 3; round++)
        {
            fast.clear();
            // A U-turn: the way back runs 3 m beside the way out, so the nearest segment jumps across.
            for (int i = 0; i <= 20; i++)
            {
                fast.add(i * 5.0, round);
            }
            for (int i = 20; i >= 0; i--)
            {
                fast.add(i * 5.0 - 0.5 * round, 3.0 + round);
            }
            plain.copyOf(fast);
            for (double t = -10; t < 120; t += 0.37)
            {
                assertSame(fast, plain, t, 1.45 + 0.01 * round);
                assertSame(fast, plain, t, -2 + 0.1 * t);
            }
        }
    }

    private static void assertSamePoint(final RouteFrame fast, final ReferenceRouteFrame plain, final double atS,
        final double offset)
    {
        fast.pointAt(atS, offset);
        plain.pointAt(atS, offset);
        final String at = "s " + atS + " offset " + offset + " on " + fast.count() + " points";
        assertEquals(plain.px, fast.px, 0.0, "px at " + at);
        assertEquals(plain.py, fast.py, 0.0, "py at " + at);
        assertEquals(plain.heading, fast.heading, 0.0, "heading at " + at);
    }

    private static void assertSame(final RouteFrame fast, final ReferenceRouteFrame plain, final double qx,
        final double qy)
    {
        fast.project(qx, qy);
        plain.project(qx, qy);
        final String at = "(" + qx + ", " + qy + ") on " + fast.count() + " points";
        assertEquals(plain.s, fast.s, 0.0, "s " + at);
        assertEquals(plain.d, fast.d, 0.0, "d " + at);
        assertEquals(plain.tangentX, fast.tangentX, 0.0, "tangentX " + at);
        assertEquals(plain.tangentY, fast.tangentY, 0.0, "tangentY " + at);
    }
}
