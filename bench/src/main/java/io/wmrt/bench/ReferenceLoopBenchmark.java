package io.wmrt.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * A yardstick for the machine's speed in the run, sharing no code with the runtime: the gate divides the
 * planner's and the tick's times by it, so a slower or busier machine cancels out and a slower planner does not.
 * <p>
 * One op has the shape of a planner's scoring pass without being one: 64 x 30 boxes of a car's size, each
 * tested against 32 others (centre distance first, then rotated-rectangle separating axes with trigonometry per
 * test), on fixed seeded data; the count of overlaps is returned so the JIT cannot drop the work. It is written
 * here, once, and is not meant to change: if it must, re-measure every ratio that uses it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class ReferenceLoopBenchmark
{
    private static final int PLANS = 64 * 30;
    private static final int OTHERS = 32;

    private final double[] px = new double[PLANS];
    private final double[] py = new double[PLANS];
    private final double[] ph = new double[PLANS];
    private final double[] ox = new double[PLANS * OTHERS];
    private final double[] oy = new double[PLANS * OTHERS];
    private final double[] oh = new double[PLANS * OTHERS];

    @Setup
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(20261203);
        for (int i = 0; i < PLANS; i++)
        {
            px[i] = random.nextDouble(0, 60);
            py[i] = random.nextDouble(-3, 3);
            ph[i] = random.nextDouble(-0.3, 0.3);
            for (int j = 0; j < OTHERS; j++)
            {
                final int o = i * OTHERS + j;
                ox[o] = px[i] + random.nextDouble(-20, 20);
                oy[o] = py[i] + random.nextDouble(-6, 6);
                oh[o] = random.nextDouble(-Math.PI, Math.PI);
            }
        }
    }

    @Benchmark
    public int boxes()
    {
        int overlaps = 0;
        for (int i = 0; i < PLANS; i++)
        {
            for (int j = 0; j < OTHERS; j++)
            {
                final int o = i * OTHERS + j;
                if (rectanglesOverlap(px[i], py[i], ph[i], ox[o], oy[o], oh[o]))
                {
                    overlaps++;
                }
            }
        }
        return overlaps;
    }

    /** Two 4.6 x 1.9 m rectangles: separating axes, after a bounding-circle rejection. */
    private static boolean rectanglesOverlap(
        final double ax, final double ay, final double ah, final double bx, final double by, final double bh)
    {
        final double dx = bx - ax;
        final double dy = by - ay;
        final double halfL = 2.3;
        final double halfW = 0.95;
        final double reach = 2 * Math.sqrt(halfL * halfL + halfW * halfW);
        if (dx * dx + dy * dy > reach * reach)
        {
            return false;
        }
        final double ca = Math.cos(ah);
        final double sa = Math.sin(ah);
        final double cb = Math.cos(bh);
        final double sb = Math.sin(bh);
        return overlapOn(ca, sa, dx, dy, ca, sa, cb, sb) && overlapOn(-sa, ca, dx, dy, ca, sa, cb, sb) &&
            overlapOn(cb, sb, dx, dy, ca, sa, cb, sb) && overlapOn(-sb, cb, dx, dy, ca, sa, cb, sb);
    }

    /** True when the projections on axis (ux, uy) overlap (the axis does not separate the two). */
    private static boolean overlapOn(
        final double ux, final double uy, final double dx, final double dy, final double ca, final double sa,
        final double cb, final double sb)
    {
        final double halfL = 2.3;
        final double halfW = 0.95;
        final double ra = halfL * Math.abs(ux * ca + uy * sa) + halfW * Math.abs(-ux * sa + uy * ca);
        final double rb = halfL * Math.abs(ux * cb + uy * sb) + halfW * Math.abs(-ux * sb + uy * cb);
        return Math.abs(ux * dx + uy * dy) <= ra + rb;
    }
}
