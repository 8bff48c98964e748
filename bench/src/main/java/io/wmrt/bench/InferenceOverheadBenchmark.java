package io.wmrt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a runtime path costs per call with the model's work taken away, and what batching the candidates buys.
 * The graphs come from {@code bench/graphs/make_graphs.py}.
 * <ul>
 *   <li>{@code overhead*}: one call of near-empty.onnx (the rollout's tensors, latent [1,32,27] and actions
 *   [64,30,2], each added to itself: about 4,700 float additions) the usual ONNX Runtime Java way
 *   ({@link #overheadNaive}), through ONNX Runtime Java with tensors and outputs pinned over direct buffers as
 *   the runtime's ort-cpu backend does ({@link #overheadPinned}), and through the native bridge's IoBinding
 *   ({@link #overheadNative}). All three with the runtime's session options (one intra-op thread). And
 *   {@link #overheadFloor}: ONNX Runtime's own cost per run, the same graph run in a loop inside the native
 *   bridge; what each path adds per call is its time minus that.</li>
 *   <li>{@link #rolloutBatched}: a student-size rollout for all 64 candidates in one call, on the native
 *   bridge; {@link #rolloutPerCandidate}: the same graph built for one candidate, called 64 times, each call's
 *   actions copied in and its agent_future and risk copied out to where the batched call writes them. Two
 *   rollouts ({@link RolloutState#rollout}): batching saves each call's per-node work, which the stepwise graph
 *   is made of and the wide one is not.</li>
 * </ul>
 * Threading: one benchmark thread; the states are per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class InferenceOverheadBenchmark
{
    static final int CANDIDATES = 64;
    static final int HORIZON = 30;
    static final int AGENTS = 32;
    static final int LATENT = 27;
    static final int FLOOR_RUNS = 100;

    /**
     * near-empty.onnx prepared three ways over one arena, and the same inputs as Java arrays for the naive way.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class OverheadState
    {
        TensorArena arena;
        OrtCpuBackend cpu;
        NativeOrtBackend nativeBackend;
        PreparedGraph pinned;
        PreparedGraph fast;
        FloatBuffer actionsOut;
        float[][][] latentArray;
        float[][][] actionsArray;
        OrtEnvironment environment;
        OrtSession naiveSession;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            final GraphSpec graph = nearEmpty();
            arena = new TensorArena();
            arena.bind(graph);
            latentArray = new float[1][AGENTS][LATENT];
            actionsArray = new float[CANDIDATES][HORIZON][2];
            fill(arena.floats("latent"), latentArray);
            fill(arena.floats("actions"), actionsArray);
            actionsOut = arena.floats("actions_out");

            cpu = new OrtCpuBackend(1);
            pinned = cpu.prepare(graph, arena);
            nativeBackend = new NativeOrtBackend(1);
            if (!nativeBackend.availability().available())
            {
                throw new IllegalStateException("native bridge unavailable: " + nativeBackend.availability().reason());
            }
            fast = nativeBackend.prepare(graph, arena);
            environment = OrtEnvironment.getEnvironment();
            naiveSession = InferenceBenchmark.RolloutState.naiveSession(environment, graph.bytes(), 1);
            final float expected = 2 * actionsArray[CANDIDATES - 1][HORIZON - 1][1];
            for (final float probe : new float[]{
                new InferenceOverheadBenchmark().overheadPinned(this), new InferenceOverheadBenchmark().overheadNative(this),
                new InferenceOverheadBenchmark().overheadNaive(this)})
            {
                if (probe != expected)
                {
                    throw new IllegalStateException("near-empty graph answered " + probe + ", expected " + expected);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException
        {
            naiveSession.close();
            fast.close();
            pinned.close();
            nativeBackend.close();
            cpu.close();
        }

        float probe()
        {
            return actionsOut.get(CANDIDATES * HORIZON * 2 - 1);
        }
    }

    @Benchmark
    public float overheadNaive(final OverheadState state) throws OrtException
    {
        try (OnnxTensor latent = OnnxTensor.createTensor(state.environment, state.latentArray);
            OnnxTensor actions = OnnxTensor.createTensor(state.environment, state.actionsArray);
            OrtSession.Result result = state.naiveSession.run(Map.of("latent", latent, "actions", actions)))
        {
            final float[][][] out = (float[][][])result.get("actions_out").orElseThrow().getValue();
            return out[CANDIDATES - 1][HORIZON - 1][1];
        }
    }

    @Benchmark
    public float overheadPinned(final OverheadState state) throws BackendException
    {
        state.pinned.execute();
        return state.probe();
    }

    @Benchmark
    public float overheadNative(final OverheadState state) throws BackendException
    {
        state.fast.execute();
        return state.probe();
    }

    /**
     * ONNX Runtime's own cost per run of the near-empty graph, without any Java: the native bridge runs it
     * {@value #FLOOR_RUNS} times back to back inside C ({@link NativeOrtBackend#timeRunsInNative}); JMH divides
     * the invocation by as many ops. A path's per-call overhead is its {@code overhead*} score minus this.
     */
    @Benchmark
    @OperationsPerInvocation(FLOOR_RUNS)
    public float overheadFloor(final OverheadState state) throws BackendException
    {
        NativeOrtBackend.timeRunsInNative(state.fast, FLOOR_RUNS);
        return state.probe();
    }

    /**
     * The three per-call costs of the near-empty graph taken in one fork, from one state, in turns: what each path
     * adds above ONNX Runtime's own cost per run is only meaningful against a floor measured on the same sessions.
     * In separate forks the floor itself moved between about 1.65 and 2.45 us from fork to fork on this machine
     * (4 December 2026), while the native call stayed at about 1.65: a fork's ONNX Runtime state, not the path,
     * decided the difference. The counters are summed per iteration; the per-call overheads are
     * {@code (pinnedNs - floorNs) / calls} and {@code (nativeNs - floorNs) / calls}.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SameForkCounters
    {
        /** Calls of each path in the iteration (the floor runs as many inside C). */
        public long calls;
        /** Wall time of the pinned ORT Java calls, of the native bridge's calls, and of the runs looped in C. */
        public long pinnedNs;
        public long nativeNs;
        public long floorNs;

        @Setup(Level.Iteration)
        public void clear()
        {
            calls = 0;
            pinnedNs = 0;
            nativeNs = 0;
            floorNs = 0;
        }
    }

    /**
     * One op: {@value #FLOOR_RUNS} pinned calls, {@value #FLOOR_RUNS} native calls, then {@value #FLOOR_RUNS} runs
     * looped inside C, each stretch timed on its own ({@link SameForkCounters}); the score is per call of the
     * three together.
     */
    @Benchmark
    @OperationsPerInvocation(3 * FLOOR_RUNS)
    public float overheadSameFork(final OverheadState state, final SameForkCounters counters) throws BackendException
    {
        final long start = System.nanoTime();
        for (int i = 0; i < FLOOR_RUNS; i++)
        {
            state.pinned.execute();
        }
        final long afterPinned = System.nanoTime();
        for (int i = 0; i < FLOOR_RUNS; i++)
        {
            state.fast.execute();
        }
        final long afterNative = System.nanoTime();
        counters.floorNs += NativeOrtBackend.timeRunsInNative(state.fast, FLOOR_RUNS);
        counters.pinnedNs += afterPinned - start;
        counters.nativeNs += afterNative - afterPinned;
        counters.calls += FLOOR_RUNS;
        return state.probe();
    }

    /**
     * The student-size rollout for 64 candidates, and the same for one, each prepared on the native bridge over
     * its own arena.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class RolloutState
    {
        /**
         * Which student-size rollout: {@code stepwise} (30 steps unrolled, hidden width 24: 1,757 small nodes, the
         * graph the premise was first measured on and the gate's fixed reference) or {@code wide} (the committed
         * student's architecture: three 256-wide layers over all candidate-agent rows, a few large matrix products).
         */
        @Param({"stepwise", "wide"})
        public String rollout;

        NativeOrtBackend backend;
        PreparedGraph batched;
        PreparedGraph single;
        FloatBuffer actions;
        FloatBuffer future;
        FloatBuffer risk;
        FloatBuffer singleActions;
        FloatBuffer singleFuture;
        FloatBuffer singleRisk;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            backend = new NativeOrtBackend(1);
            if (!backend.availability().available())
            {
                throw new IllegalStateException("native bridge unavailable: " + backend.availability().reason());
            }
            final TensorArena batchedArena = new TensorArena();
            final String prefix = "wide".equals(rollout) ? "student-wide-" : "student-";
            final GraphSpec k64 = rollout(prefix + "k64.onnx", CANDIDATES);
            batchedArena.bind(k64);
            final TensorArena singleArena = new TensorArena();
            final GraphSpec k1 = rollout(prefix + "k1.onnx", 1);
            singleArena.bind(k1);

            // The same latent for both; a fixed spread of accelerations and steering over the candidates.
            final FloatBuffer latent = batchedArena.floats("latent");
            final FloatBuffer singleLatent = singleArena.floats("latent");
            for (int i = 0; i < latent.capacity(); i++)
            {
                final float value = (float)Math.sin(0.37 * i);
                latent.put(i, value);
                singleLatent.put(i, value);
            }
            actions = batchedArena.floats("actions");
            for (int k = 0; k < CANDIDATES; k++)
            {
                for (int h = 0; h < HORIZON; h++)
                {
                    actions.put((k * HORIZON + h) * 2, -3f + 6f * k / CANDIDATES);
                    actions.put((k * HORIZON + h) * 2 + 1, 0.01f * (k % 9 - 4));
                }
            }
            future = batchedArena.floats("agent_future");
            risk = batchedArena.floats("risk");
            singleActions = singleArena.floats("actions");
            singleFuture = singleArena.floats("agent_future");
            singleRisk = singleArena.floats("risk");
            batched = backend.prepare(k64, batchedArena);
            single = backend.prepare(k1, singleArena);

            // Both ways must compute the same futures before either is timed.
            new InferenceOverheadBenchmark().rolloutBatched(this);
            final float[] batchedFuture = new float[future.capacity()];
            future.get(0, batchedFuture);
            new InferenceOverheadBenchmark().rolloutPerCandidate(this);
            for (int i = 0; i < batchedFuture.length; i++)
            {
                if (Math.abs(batchedFuture[i] - future.get(i)) > 1e-3f * Math.max(1f, Math.abs(batchedFuture[i])))
                {
                    throw new IllegalStateException("batched and per-candidate rollouts disagree at agent_future[" +
                        i + "]: " + batchedFuture[i] + " vs " + future.get(i));
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            single.close();
            batched.close();
            backend.close();
        }
    }

    @Benchmark
    public float rolloutBatched(final RolloutState state) throws BackendException
    {
        state.batched.execute();
        return state.future.get(state.future.capacity() - 1) + state.risk.get(CANDIDATES - 1);
    }

    @Benchmark
    public float rolloutPerCandidate(final RolloutState state) throws BackendException
    {
        final int actionsPerCandidate = HORIZON * 2;
        final int futurePerCandidate = HORIZON * AGENTS * 3;
        for (int k = 0; k < CANDIDATES; k++)
        {
            state.singleActions.put(0, state.actions, k * actionsPerCandidate, actionsPerCandidate);
            state.single.execute();
            state.future.put(k * futurePerCandidate, state.singleFuture, 0, futurePerCandidate);
            state.risk.put(k, state.singleRisk.get(0));
        }
        return state.future.get(state.future.capacity() - 1) + state.risk.get(CANDIDATES - 1);
    }

    /** near-empty.onnx: latent [1,32,27] and actions [64,30,2] in, each added to itself out. */
    static GraphSpec nearEmpty()
    {
        return graph("near-empty.onnx",
            List.of(floats("latent", 1, AGENTS, LATENT), floats("actions", CANDIDATES, HORIZON, 2)),
            List.of(floats("latent_out", 1, AGENTS, LATENT), floats("actions_out", CANDIDATES, HORIZON, 2)));
    }

    static GraphSpec rollout(final String file, final int candidates)
    {
        return graph(file,
            List.of(floats("latent", 1, AGENTS, LATENT), floats("actions", candidates, HORIZON, 2)),
            List.of(floats("agent_future", candidates, HORIZON, AGENTS, 3), floats("risk", candidates)));
    }

    /** A graph under bench/graphs/ (make_graphs.py writes them) as a GraphSpec with the given tensors. */
    static GraphSpec graph(final String file, final List<TensorSpec> inputs, final List<TensorSpec> outputs)
    {
        final Path path = BenchEnvironment.repositoryRoot().resolve("bench").resolve("graphs").resolve(file);
        try
        {
            return new GraphSpec("bench-" + file, path, "", inputs, outputs, false, Files.readAllBytes(path), Map.of());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + path + " (bench/graphs/make_graphs.py writes it)", ex);
        }
    }

    private static TensorSpec floats(final String name, final long... shape)
    {
        return new TensorSpec(name, "float32", shape);
    }

    private static void fill(final FloatBuffer buffer, final float[][][] array)
    {
        int index = 0;
        for (final float[][] plane : array)
        {
            for (final float[] row : plane)
            {
                for (int i = 0; i < row.length; i++)
                {
                    row[i] = (float)Math.cos(0.11 * index);
                    buffer.put(index++, row[i]);
                }
            }
        }
    }
}
