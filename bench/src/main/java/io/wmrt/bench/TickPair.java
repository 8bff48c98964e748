package io.wmrt.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Two model packages' planning ticks under the same machine conditions: {@link ModelTickBenchmark}'s tick for
 * package A and package B in alternating blocks on one thread, so that whatever slows this shared machine for a
 * second or two slows both. Each second it prints both packages' mean tick and their ratio A / B; at the end the
 * median, lowest and highest ratio, and the range of A's tick over the same seconds.
 * <p>
 * JMH runs one benchmark after the other, seconds or minutes apart; on a virtual machine whose speed changes
 * over seconds (the int8 student's tick moves between about 2.6 and 4.2 ms within one fork here), a ratio of two
 * such results is partly a ratio of two moments. This harness is for telling the two apart; the gate keeps
 * JMH's same-run ratio.
 * <p>
 * Usage, from the repository root: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp
 * bench/target/benchmarks.jar io.wmrt.bench.TickPair [--block TICKS] [--seconds S] [--backend ID] [A B]}; the
 * packages are directory names under models/ (default wm-student-int8 against wm-student), the backend a
 * dispatch id (default ort-native), a block 16 ticks, 40 measured seconds after 5 of warm-up.
 * <p>
 * Threading: single-threaded program (plus each planner's helper thread).
 */
public final class TickPair
{
    private static final int WARM_UP_SECONDS = 5;

    private TickPair()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        int block = 16;
        int seconds = 40;
        String backend = "ort-native";
        String a = "wm-student-int8";
        String b = "wm-student";
        int positional = 0;
        for (int i = 0; i < args.length; i++)
        {
            final boolean hasValue = i + 1 < args.length;
            if (args[i].equals("--block") && hasValue && args[i + 1].matches("[1-9][0-9]{0,5}"))
            {
                block = Integer.parseInt(args[++i]);
            }
            else if (args[i].equals("--seconds") && hasValue && args[i + 1].matches("[1-9][0-9]{0,4}"))
            {
                seconds = Integer.parseInt(args[++i]);
            }
            else if (args[i].equals("--backend") && hasValue)
            {
                backend = args[++i];
            }
            else if (!args[i].startsWith("-") && positional < 2)
            {
                if (positional++ == 0)
                {
                    a = args[i];
                }
                else
                {
                    b = args[i];
                }
            }
            else
            {
                System.err.println("TickPair: unexpected argument '" + args[i] + "'; usage: TickPair [--block TICKS] " +
                    "[--seconds S] [--backend ID] [A B] (package names under models/)");
                System.exit(2);
            }
        }

        final ModelTickBenchmark first = tick(backend, a);
        final ModelTickBenchmark second;
        try
        {
            second = tick(backend, b);
        }
        catch (final Exception ex)
        {
            first.tearDown();
            throw ex;
        }
        try
        {
            final double[] ratios = new double[seconds];
            final double[] firstMs = new double[seconds];
            System.out.printf(Locale.ROOT, "TickPair: %s against %s on %s, blocks of %d ticks%n", a, b, backend, block);
            for (int s = -WARM_UP_SECONDS; s < seconds; s++)
            {
                long firstNs = 0;
                long secondNs = 0;
                long ticks = 0;
                final long end = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < end)
                {
                    final long t0 = System.nanoTime();
                    for (int k = 0; k < block; k++)
                    {
                        first.tick();
                    }
                    final long t1 = System.nanoTime();
                    for (int k = 0; k < block; k++)
                    {
                        second.tick();
                    }
                    firstNs += t1 - t0;
                    secondNs += System.nanoTime() - t1;
                    ticks += block;
                }
                if (s >= 0)
                {
                    firstMs[s] = firstNs / 1e6 / ticks;
                    ratios[s] = (double)firstNs / secondNs;
                    System.out.printf(Locale.ROOT, "%3d s  %s %.3f ms  %s %.3f ms  ratio %.3f%n",
                        s + 1, a, firstMs[s], b, secondNs / 1e6 / ticks, ratios[s]);
                }
            }
            final double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            System.out.printf(Locale.ROOT, "TickPair: %s / %s per second over %d s: median %.3f (%.2fx), " +
                "%.3f to %.3f; %s's tick %.3f to %.3f ms%n", a, b, seconds, sorted[seconds / 2], 1 / sorted[seconds / 2], sorted[0],
                sorted[seconds - 1], a, Arrays.stream(firstMs).min().orElse(0), Arrays.stream(firstMs).max().orElse(0));
        }
        finally
        {
            first.tearDown();
            second.tearDown();
        }
    }

    private static ModelTickBenchmark tick(final String backend, final String model) throws Exception
    {
        final ModelTickBenchmark benchmark = new ModelTickBenchmark();
        benchmark.backend = backend;
        benchmark.model = model;
        benchmark.setUp();
        return benchmark;
    }
}
