package io.wmrt.bench;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.shadow.ShadowPlanner;
import io.wmrt.telemetry.TickStats;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What a shadow planner costs the live one: the live planner's tick p50 and p99 with no shadow, with
 * {@code wmrt run --shadow}'s shadow (another package, same process, as the command runs it), and with the live
 * planner publishing every candidate ({@code --debug-candidates}), in one run, alternating A, B, C, A, B, C... so a
 * machine that slows down mid-run slows every configuration alike.
 * <p>
 * Each round starts a fresh live runtime on a scratch bus, feeds it {@link StraightRoadScene}'s scenes at a fixed
 * rate from this thread, discards the first ticks as warm-up, and reads the live agent's {@link TickStats}.
 * <p>
 * Usage: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.wmrt.bench.ShadowOverhead [--live DIR] [--shadow DIR] [--rounds N] [--scenes N] [--hz F]}; defaults: live
 * models/wm-student-int8, shadow models/cv-baseline, 3 rounds of 1,500 scenes at 50 Hz.
 */
public final class ShadowOverhead
{
    private static final int WARM_UP_SCENES = 300;

    private ShadowOverhead()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Path live = BenchEnvironment.model("wm-student-int8");
        Path shadow = BenchEnvironment.model("cv-baseline");
        int rounds = 3;
        int scenes = 1_500;
        double hz = 50;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--live" -> live = Path.of(args[i + 1]);
                case "--shadow" -> shadow = Path.of(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                case "--scenes" -> scenes = Integer.parseInt(args[i + 1]);
                case "--hz" -> hz = Double.parseDouble(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        final ModelPackage liveModel = ModelPackageLoader.load(live, ModelPackageLoader.Trust.none());
        final ModelPackage shadowModel = ModelPackageLoader.load(shadow, ModelPackageLoader.Trust.none());
        System.out.printf(Locale.ROOT, "live %s, shadow %s, %d rounds of %d scenes at %.0f Hz (first %d of each " +
            "discarded)%n", liveModel.name(), shadowModel.name(), rounds, scenes, hz, WARM_UP_SCENES);
        final String[] names = {"no shadow", "with shadow", "--debug-candidates"};
        final double[][] p50 = new double[3][rounds];
        final double[][] p99 = new double[3][rounds];
        for (int r = 0; r < rounds; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                final double[] result = round(profile, liveModel, c == 1 ? shadowModel : null, c == 2, scenes, hz);
                p50[c][r] = result[0];
                p99[c][r] = result[1];
                System.out.printf(Locale.ROOT, "round %d %-20s live tick p50 %.3f ms p99 %.3f ms%s%n", r + 1, names[c],
                    result[0], result[1], c == 1 ? String.format(Locale.ROOT, " (shadow compared %d plans)",
                    (long)result[2]) : "");
            }
        }
        for (int c = 0; c < 3; c++)
        {
            System.out.printf(Locale.ROOT, "%-20s median of rounds: p50 %.3f ms, p99 %.3f ms%n", names[c], median(p50[c]),
                median(p99[c]));
        }
        System.out.printf(Locale.ROOT, "p99 with shadow / without: %.3f; with --debug-candidates / without: p50 %.3f%n",
            median(p99[1]) / median(p99[0]), median(p50[2]) / median(p50[0]));
    }

    /** {live p50 ms, live p99 ms, plans compared}. */
    private static double[] round(final HardwareProfile profile, final ModelPackage model, final ModelPackage shadowModel,
        final boolean debugCandidates, final int scenes, final double hz) throws Exception
    {
        final Path dir = BenchEnvironment.newScratchDirectory("wmrt-shadow-overhead");
        final PlannerConfig config = PlannerConfig.from(model, profile).debugCandidates(debugCandidates).conclude();
        try (BusDirectory bus = BusDirectory.create(dir.resolve("live"));
            WmrtRuntime runtime = new WmrtRuntime(profile, model, config, bus, SystemNanoClock.INSTANCE,
                SystemEpochClock.INSTANCE))
        {
            runtime.start(Throwable::printStackTrace);
            final ShadowPlanner shadow = null == shadowModel ? null : ShadowPlanner.start(profile, shadowModel,
                PlannerConfig.from(shadowModel, profile).conclude(), bus, dir.resolve("shadow"), -1, 1.0,
                Throwable::printStackTrace);
            try
            {
                final SceneWriter writer = new SceneWriter(bus);
                final long period = Math.round(1e9 / hz);
                long next = System.nanoTime();
                for (int s = 1; s <= scenes; s++)
                {
                    if (s == WARM_UP_SCENES)
                    {
                        // The planner thread's statistics from here on (read back after the last tick).
                        awaitTicks(bus, s - 1);
                        runtime.agent().stats().reset();
                    }
                    final SceneFrameEncoder frame = writer.claim();
                    if (null != frame)
                    {
                        StraightRoadScene.write(frame, s);
                        writer.commit();
                    }
                    next += period;
                    LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));
                }
                awaitTicks(bus, scenes);
                final TickStats stats = runtime.agent().stats();
                return new double[]{stats.percentileMs(50), stats.percentileMs(99),
                    bus.counter(WmrtCounter.SHADOW_PLANS_COMPARED).get()};
            }
            finally
            {
                if (null != shadow)
                {
                    shadow.close();
                }
                runtime.stop(WmrtRuntime.STOP_TIMEOUT_MS);
            }
        }
        finally
        {
            BenchEnvironment.deleteQuietly(dir);
        }
    }

    private static void awaitTicks(final BusDirectory bus, final long ticks) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 10_000;
        while (bus.counter(WmrtCounter.TICKS).get() < ticks && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
