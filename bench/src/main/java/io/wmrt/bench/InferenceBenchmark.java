package io.wmrt.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.TensorSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One op is one call of cv-baseline's rollout graph (latent [1,32,6] and actions [64,30,2] in, agent_future
 * [64,30,32,3] out) on ONNX Runtime's CPU provider, made in different ways over the same inputs, the same
 * session options (the runtime's: one intra-op thread, all graph optimisations) and one shared
 * {@link RolloutState}:
 * <ul>
 *   <li>{@link #naive}: ONNX Runtime Java as most code uses it: tensors created from {@code float[][][]}
 *   arrays every call, {@code session.run(Map)}, the output copied out with {@code getValue()}, everything
 *   closed. Expected to allocate: the output alone is 64 x 30 x 32 {@code float[3]} arrays.</li>
 *   <li>{@link #pinned}: the runtime's path, {@code OrtCpuBackend.prepare(...)} over a {@link TensorArena}:
 *   tensors created once over direct buffers, outputs pinned, {@link PreparedGraph#execute()} per call.</li>
 * </ul>
 * Every variant returns {@link RolloutState#futureProbe} of its own output, so the JIT cannot drop the work.
 * <p>
 * Threading: one benchmark thread; the state is per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class InferenceBenchmark
{
    /**
     * The real inputs of a planning pass over {@link StraightRoadScene} (see {@link CvBaselineFixture}),
     * available to every variant both as the arena's direct buffers and as Java arrays.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class RolloutState
    {
        /** Holds the model, the arena (latent, actions, agent_future) and the pinned rollout graph. */
        CvBaselineFixture fixture;
        /** The rollout's latent input: its name comes from the manifest (an encoder output). */
        String latentName;
        /** The arena's tensors, as direct native-order buffers. */
        FloatBuffer latentBuffer;
        FloatBuffer actionsBuffer;
        FloatBuffer agentFutureBuffer;
        /** The same inputs as Java arrays, shaped as the graph declares them. */
        float[][][] latentArray;
        float[][][] actionsArray;
        /** A session of the rollout graph for the naive variant, with the runtime's session options. */
        OrtEnvironment environment;
        OrtSession naiveSession;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            fixture = new CvBaselineFixture();
            final TensorArena arena = fixture.arena();
            final GraphSpec rollout = fixture.model().graph(ModelPackage.ROLLOUT);
            latentName = rollout.inputs().stream().map(TensorSpec::name)
                .filter(name -> !name.equals(ModelPackage.ACTIONS_TENSOR)).findFirst().orElseThrow();
            latentBuffer = arena.floats(latentName);
            actionsBuffer = arena.floats(ModelPackage.ACTIONS_TENSOR);
            agentFutureBuffer = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
            latentArray = toArray(latentBuffer, arena.spec(latentName).shape());
            actionsArray = toArray(actionsBuffer, arena.spec(ModelPackage.ACTIONS_TENSOR).shape());

            environment = OrtEnvironment.getEnvironment();
            naiveSession = naiveSession(environment, rollout.bytes(), fixture.profile().planner().intraOpThreads());

            // Both variants must compute the same thing before either is timed.
            final float pinnedProbe = new InferenceBenchmark().pinned(this);
            final float naiveProbe = new InferenceBenchmark().naive(this);
            if (Math.abs(pinnedProbe - naiveProbe) > 1e-4f * Math.max(1f, Math.abs(pinnedProbe)))
            {
                throw new IllegalStateException("naive and pinned rollouts disagree: " + naiveProbe + " vs " +
                    pinnedProbe);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException
        {
            if (null != naiveSession)
            {
                naiveSession.close();
            }
            if (null != fixture)
            {
                fixture.close();
            }
        }

        /**
         * A plain ONNX Runtime Java session of the graph with the runtime's session options (the intra-op threads
         * given, one inter-op thread, all graph optimisations, sequential execution), for the naive variants.
         */
        static OrtSession naiveSession(final OrtEnvironment environment, final byte[] graph, final int intraOpThreads)
            throws OrtException
        {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions())
            {
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                return environment.createSession(graph, options);
            }
        }

        /**
         * A few elements of an agent_future output (last candidate, last step, first agent's x and y; first
         * candidate, first step, last agent's heading), folded into one float.
         */
        static float futureProbe(final float[][][][] future)
        {
            final float[][][] lastCandidate = future[future.length - 1];
            final float[] firstAgentLastStep = lastCandidate[lastCandidate.length - 1][0];
            final float[][] firstStep = future[0][0];
            return firstAgentLastStep[0] + firstAgentLastStep[1] + firstStep[firstStep.length - 1][2];
        }

        /**
         * {@link #futureProbe(float[][][][])} of the agent_future tensor in the arena.
         */
        float futureProbe()
        {
            final int agents = latentArray[0].length;
            final int horizon = actionsArray[0].length;
            final int candidates = actionsArray.length;
            final int lastCandidateLastStep = ((candidates - 1) * horizon + horizon - 1) * agents * 3;
            return agentFutureBuffer.get(lastCandidateLastStep) + agentFutureBuffer.get(lastCandidateLastStep + 1) +
                agentFutureBuffer.get((agents - 1) * 3 + 2);
        }

        private static float[][][] toArray(final FloatBuffer buffer, final long[] shape)
        {
            final float[][][] array = new float[(int)shape[0]][(int)shape[1]][(int)shape[2]];
            int index = 0;
            for (final float[][] plane : array)
            {
                for (final float[] row : plane)
                {
                    for (int i = 0; i < row.length; i++)
                    {
                        row[i] = buffer.get(index++);
                    }
                }
            }
            return array;
        }
    }

    @Benchmark
    public float naive(final RolloutState state) throws OrtException
    {
        try (OnnxTensor latent = OnnxTensor.createTensor(state.environment, state.latentArray);
            OnnxTensor actions = OnnxTensor.createTensor(state.environment, state.actionsArray);
            OrtSession.Result result = state.naiveSession.run(
                Map.of(state.latentName, latent, ModelPackage.ACTIONS_TENSOR, actions)))
        {
            return RolloutState.futureProbe((float[][][][])result.get(0).getValue());
        }
    }

    @Benchmark
    public float pinned(final RolloutState state) throws BackendException
    {
        state.fixture.rollout().execute();
        return state.futureProbe();
    }

    /**
     * The rollout bound by the native bridge (jni/) over the same arena buffers {@link #pinned} uses.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class NativeState
    {
        PreparedGraph rollout;

        @Setup(Level.Trial)
        public void setUp(final RolloutState state) throws BackendException
        {
            final NativeOrtBackend backend = new NativeOrtBackend(1);
            if (!backend.availability().available())
            {
                throw new IllegalStateException("native bridge unavailable: " + backend.availability().reason());
            }
            rollout = backend.prepare(state.fixture.model().graph(ModelPackage.ROLLOUT), state.fixture.arena());
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            rollout.close();
        }
    }

    /**
     * The runtime's default path: one JNI call, IoBinding over the arena, nothing allocated on the Java heap.
     */
    @Benchmark
    public float nativeFastPath(final RolloutState state, final NativeState fast) throws BackendException
    {
        fast.rollout.execute();
        return state.futureProbe();
    }
}
