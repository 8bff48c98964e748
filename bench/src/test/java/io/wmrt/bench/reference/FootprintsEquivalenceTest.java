package io.wmrt.bench.reference;

import io.wmrt.planner.Footprints;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The planner's footprint geometry, with headings given as cosine and sine and hypot skipped where one side is 0,
 * against {@link ReferenceFootprints}: the same overlap verdicts and the same gaps, to the last bit, for
 * rectangles apart, touching, overlapping, at every angle, and with a NaN heading.
 */
class FootprintsEquivalenceTest
{
    @Test
    void shouldAnswerExactlyAsTheReference()
    {
        final SplittableRandom random = new SplittableRandom(1414);
        for (int i = 0; i < 200_000; i++)
        {
            final double ax = random.nextDouble(-5, 5);
            final double ay = random.nextDouble(-5, 5);
            final double ah = i % 1000 == 0 ? Double.NaN : random.nextDouble(-4, 4);
            final double bx = ax + random.nextDouble(-9, 9);
            final double by = ay + random.nextDouble(-6, 6);
            final double bh = i % 7 == 0 ? ah : random.nextDouble(-4, 4);
            final double ahl = random.nextDouble(0.2, 3);
            final double ahw = random.nextDouble(0.2, 1.2);
            final double bhl = random.nextDouble(0.2, 3);
            final double bhw = random.nextDouble(0.2, 1.2);
            final String at = "case " + i;
            assertEquals(ReferenceFootprints.overlap(ax, ay, ah, ahl, ahw, bx, by, bh, bhl, bhw),
                Footprints.overlap(ax, ay, ah, ahl, ahw, bx, by, bh, bhl, bhw), at);
            assertEquals(ReferenceFootprints.overlap(ax, ay, ah, ahl, ahw, bx, by, bh, bhl, bhw),
                Footprints.overlap(ax, ay, Math.cos(ah), Math.sin(ah), ahl, ahw,
                    bx, by, Math.cos(bh), Math.sin(bh), bhl, bhw), at);
            assertEquals(ReferenceFootprints.distance(ax, ay, ah, ahl, ahw, bx, by, bh, bhl, bhw),
                Footprints.distance(ax, ay, Math.cos(ah), Math.sin(ah), ahl, ahw,
                    bx, by, Math.cos(bh), Math.sin(bh), bhl, bhw), 0.0, at);
        }
    }
}
