package io.wmrt.bench;

import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runtime's tax: how much of a planning tick is not the model's own kernels. For each inference path it
 * runs the full tick (cv-baseline, the bench scene) twice: once plain, for the tick time; once with ONNX
 * Runtime's profiler on, for the time its kernels took per run (the "Node" events of its trace). The tax is
 * {@code (tick - kernels) / tick}: scene decode, packing, candidates, scoring, publish, and each path's own
 * inference overhead.
 * <p>
 * Usage: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.wmrt.bench.RuntimeTax [ticks]} from the repository root (or with {@code -Dwmrt.home}).
 * <p>
 * Threading: single-threaded program.
 */
public final class RuntimeTax
{
    private static final Pattern EVENT = Pattern.compile(
        "\\{\"cat\"\\s*:\\s*\"(\\w+)\"[^{}]*?\"dur\"\\s*:\\s*(\\d+)[^{}]*?\"name\"\\s*:\\s*\"([^\"]+)\"");

    private RuntimeTax()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int ticks = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(BenchEnvironment.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        System.out.printf(Locale.ROOT, "runtime tax, %s, %d ticks per measurement, %d cores%n", model.name(), ticks,
            Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-12s %12s %14s %10s%n", "path", "tick mean", "kernels/tick", "tax");
        for (final String path : List.of(OrtCpuBackend.ID, NativeOrtBackend.ID))
        {
            final double tickMs = run(path, profile, model, ticks, null)[0];
            final Path traces = Files.createTempDirectory("wmrt-tax");
            final double[] profiled = run(path, profile, model, ticks, traces);
            final double kernelMs = profiled[1];
            System.out.printf(Locale.ROOT, "%-12s %9.3f ms %11.3f ms %9.1f%%%n", path, tickMs, kernelMs,
                100 * (tickMs - kernelMs) / tickMs);
        }
    }

    /**
     * @return mean tick ms, and (when profiling) mean kernel ms per tick.
     */
    private static double[] run(
        final String path, final HardwareProfile profile, final ModelPackage model, final int ticks,
        final Path traces) throws Exception
    {
        final OrtBackend backend = path.equals(NativeOrtBackend.ID) ? new NativeOrtBackend(1) : new OrtCpuBackend(1);
        if (null != traces)
        {
            backend.enableProfiling(traces.resolve(path));
        }
        final Path dir = BenchEnvironment.newScratchDirectory("wmrt-tax-");
        final BusDirectory bus = BusDirectory.create(dir);
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final GraphRunner encoder = new GraphRunner(ModelPackage.ENCODER,
            backend.prepare(model.graph(ModelPackage.ENCODER), arena));
        final GraphRunner rollout = new GraphRunner(ModelPackage.ROLLOUT,
            backend.prepare(model.graph(ModelPackage.ROLLOUT), arena));
        try
        {
            final PlannerAgent agent = new PlannerAgent(PlannerConfig.from(model, profile).conclude(), arena, encoder,
                rollout, bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final TrajectoryReader.Handler ignore = t -> { };
            for (int i = 0; i < ticks + 500; i++)
            {
                if (i == 500)
                {
                    agent.stats().reset();
                }
                StraightRoadScene.write(writer.claim(), i + 1);
                writer.commit();
                agent.doWork();
                while (reader.poll(ignore) > 0)
                {
                    // drain
                }
            }
            final double tickMs = agent.stats().meanMs();
            double kernelMs = Double.NaN;
            if (null != traces)
            {
                double kernelUs = 0;
                for (final Path trace : backend.endProfiling())
                {
                    kernelUs += kernelMicros(trace);
                }
                kernelMs = kernelUs / 1_000.0 / (ticks + 500);
            }
            return new double[]{tickMs, kernelMs};
        }
        finally
        {
            encoder.close();
            rollout.close();
            bus.closeAndDelete();
        }
    }

    /**
     * Sum of the durations of every kernel ONNX Runtime ran, from its profiler trace.
     */
    static double kernelMicros(final Path trace) throws IOException
    {
        final Matcher m = EVENT.matcher(Files.readString(trace));
        double sum = 0;
        while (m.find())
        {
            if ("Node".equals(m.group(1)) && m.group(3).endsWith("_kernel_time"))
            {
                sum += Double.parseDouble(m.group(2));
            }
        }
        Files.deleteIfExists(trace);
        return sum;
    }
}
