package io.wmrt.bench;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The runtime's tax: how much of a planning tick is not the model's own kernels, for any model package, on both
 * inference paths (ONNX Runtime Java with pinned buffers, and the native bridge).
 * <p>
 * For a package and a path it runs the full tick (the bench scene, one planner thread, the path's backend) with
 * every graph call timed from the outside ({@link TimedGraph}: the time spent in {@code execute()}), and, on the
 * same path, a near-empty graph with the rollout's tensors ({@code bench/graphs/near-empty.onnx}) timed the same
 * way: what one call costs with the kernels taken away. Then per tick
 * <ul>
 *   <li>kernels = time in the package's graph calls - calls x the near-empty call;</li>
 *   <li>tax = (tick - kernels) / tick: scene decode and packing, candidates, scoring, publishing, and the
 *   path's own per-call cost.</li>
 * </ul>
 * ONNX Runtime's profiler is not used: with it on, a learned package's tick is several times slower and its
 * per-node times add up to more than the unprofiled tick. The near-empty call also holds ONNX Runtime's own
 * per-run work (input checks, the executor), which is counted as tax here, not as kernels.
 * <p>
 * Usage: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.wmrt.bench.RuntimeTax [--model DIR]... [ticks]} from the repository root (or with {@code -Dwmrt.home});
 * without {@code --model}, models/cv-baseline.
 * <p>
 * Threading: single-threaded program.
 */
public final class RuntimeTax
{
    private static final int WARM_UP_TICKS = 500;
    private static final int OVERHEAD_CALLS = 20_000;

    private RuntimeTax()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final List<Path> models = new ArrayList<>();
        int ticks = 3_000;
        for (int i = 0; i < args.length; i++)
        {
            if (args[i].equals("--model") && i + 1 < args.length)
            {
                models.add(Path.of(args[++i]));
            }
            else if (args[i].matches("[1-9][0-9]{0,8}"))
            {
                ticks = Integer.parseInt(args[i]);
            }
            else
            {
                System.err.println("RuntimeTax: unexpected argument '" + args[i] + "'; usage: RuntimeTax " +
                    "[--model DIR]... [ticks, a positive count]");
                System.exit(2);
            }
        }
        if (models.isEmpty())
        {
            models.add(BenchEnvironment.model("cv-baseline"));
        }
        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        System.out.printf(Locale.ROOT, "runtime tax, %d ticks per measurement after %d of warm-up, %d cores%n", ticks,
            WARM_UP_TICKS, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%-16s %-11s %10s %12s %10s %12s %8s%n", "package", "path", "tick", "inference",
            "calls", "kernels", "tax");
        for (final Path dir : models)
        {
            final ModelPackage model = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());
            for (final String path : List.of(OrtCpuBackend.ID, NativeOrtBackend.ID))
            {
                final double overheadUs = nearEmptyCallMicros(path);
                final Tick tick = run(path, profile, model, ticks);
                final double kernelMs = tick.inferenceMs - tick.callsPerTick * overheadUs / 1_000.0;
                System.out.printf(Locale.ROOT, "%-16s %-11s %7.3f ms %9.3f ms %4.0f x %3.1f us %7.3f ms %7.1f%%%n",
                    model.name(), path, tick.tickMs, tick.inferenceMs, tick.callsPerTick, overheadUs, kernelMs,
                    100 * (tick.tickMs - kernelMs) / tick.tickMs);
            }
        }
    }

    private record Tick(double tickMs, double inferenceMs, double callsPerTick)
    {
    }

    private static OrtBackend backend(final String path)
    {
        return path.equals(NativeOrtBackend.ID) ? new NativeOrtBackend(1) : new OrtCpuBackend(1);
    }

    /**
     * Mean microseconds of one timed call of the near-empty graph on the path, after warm-up.
     */
    static double nearEmptyCallMicros(final String path) throws Exception
    {
        try (OrtBackend backend = backend(path))
        {
            final GraphSpec graph = InferenceOverheadBenchmark.nearEmpty();
            final TensorArena arena = new TensorArena();
            arena.bind(graph);
            try (TimedGraph timed = new TimedGraph(backend.prepare(graph, arena)))
            {
                for (int i = 0; i < OVERHEAD_CALLS; i++)
                {
                    timed.execute();
                }
                timed.reset();
                for (int i = 0; i < OVERHEAD_CALLS; i++)
                {
                    timed.execute();
                }
                return timed.nanos / 1_000.0 / timed.calls;
            }
        }
    }

    private static Tick run(final String path, final HardwareProfile profile, final ModelPackage model, final int ticks)
        throws Exception
    {
        final OrtBackend backend = backend(path);
        final Path dir = BenchEnvironment.newScratchDirectory("wmrt-tax-");
        final BusDirectory bus = BusDirectory.create(dir);
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final TimedGraph encoderGraph = new TimedGraph(backend.prepare(model.graph(ModelPackage.ENCODER), arena));
        final TimedGraph rolloutGraph = new TimedGraph(backend.prepare(model.graph(ModelPackage.ROLLOUT), arena));
        final GraphRunner encoder = new GraphRunner(ModelPackage.ENCODER, encoderGraph);
        final GraphRunner rollout = new GraphRunner(ModelPackage.ROLLOUT, rolloutGraph);
        try
        {
            final PlannerAgent agent = new PlannerAgent(PlannerConfig.from(model, profile).conclude(), arena, encoder,
                rollout, bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final TrajectoryReader.Handler ignore = t -> { };
            for (int i = 0; i < ticks + WARM_UP_TICKS; i++)
            {
                if (i == WARM_UP_TICKS)
                {
                    agent.stats().reset();
                    encoderGraph.reset();
                    rolloutGraph.reset();
                }
                StraightRoadScene.write(writer.claim(), i + 1);
                writer.commit();
                agent.doWork();
                while (reader.poll(ignore) > 0)
                {
                    // drain
                }
            }
            final double inferenceNs = encoderGraph.nanos + rolloutGraph.nanos;
            final double calls = encoderGraph.calls + rolloutGraph.calls;
            return new Tick(agent.stats().meanMs(), inferenceNs / 1e6 / ticks, calls / ticks);
        }
        finally
        {
            encoder.close();
            rollout.close();
            backend.close();
            bus.closeAndDelete();
        }
    }

    /**
     * A prepared graph whose {@code execute()} is timed from outside, with the clock the tick is timed by.
     * <p>
     * Not thread safe: owned by the planner thread.
     */
    static final class TimedGraph implements PreparedGraph
    {
        private final PreparedGraph delegate;
        long nanos;
        long calls;

        TimedGraph(final PreparedGraph delegate)
        {
            this.delegate = delegate;
        }

        void reset()
        {
            nanos = 0;
            calls = 0;
        }

        public String backendId()
        {
            return delegate.backendId();
        }

        public void execute() throws BackendException
        {
            final long start = System.nanoTime();
            try
            {
                delegate.execute();
            }
            finally
            {
                nanos += System.nanoTime() - start;
                calls++;
            }
        }

        public void close()
        {
            delegate.close();
        }
    }
}
