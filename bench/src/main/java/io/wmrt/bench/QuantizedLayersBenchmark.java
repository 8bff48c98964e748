package io.wmrt.bench;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where int8 starts to pay on this CPU: four dense layers (Gemm + Relu) of one width on the rollout's 2,048
 * agent x candidate rows, float32 against the same layers quantized as the recipe quantizes (per-tensor
 * activations, per-column int8 weights, int32 biases: ONNX Runtime's CPU provider fuses them into QGemm), one
 * call each on the native bridge. The graphs come from {@code bench/graphs/make_graphs.py} (layers-W-*.onnx).
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -jar bench/target/benchmarks.jar QuantizedLayersBenchmark
 * </pre>
 * Before timing, the int8 output is checked against float32 (relative RMS error under 5 %), so a graph that
 * computed something else could not be timed as the int8 version of it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class QuantizedLayersBenchmark
{
    static final int ROWS = 2048;
    static final double MAX_RELATIVE_RMS = 0.05;

    /**
     * One width's float32 and int8 graphs, prepared on the native bridge over their own arenas with the same
     * input.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class LayersState
    {
        /** Layer width: one of make_graphs.py's LAYER_WIDTHS. */
        @Param({"24", "32", "64", "96", "128", "256"})
        public int width;

        NativeOrtBackend backend;
        PreparedGraph fp32;
        PreparedGraph int8;
        FloatBuffer fp32Out;
        FloatBuffer int8Out;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            backend = new NativeOrtBackend(1);
            if (!backend.availability().available())
            {
                throw new IllegalStateException("native bridge unavailable: " + backend.availability().reason());
            }
            final TensorArena fp32Arena = new TensorArena();
            final TensorArena int8Arena = new TensorArena();
            final GraphSpec fp32Graph = layers(width, "fp32");
            final GraphSpec int8Graph = layers(width, "int8");
            fp32Arena.bind(fp32Graph);
            int8Arena.bind(int8Graph);
            fill(fp32Arena.floats("x"));
            fill(int8Arena.floats("x"));
            fp32Out = fp32Arena.floats("y");
            int8Out = int8Arena.floats("y");
            fp32 = backend.prepare(fp32Graph, fp32Arena);
            int8 = backend.prepare(int8Graph, int8Arena);
            fp32.execute();
            int8.execute();
            final double error = relativeRms(fp32Out, int8Out);
            if (!(error < MAX_RELATIVE_RMS))
            {
                throw new IllegalStateException("layers-" + width + "-int8.onnx is not layers-" + width +
                    "-fp32.onnx quantized: relative RMS difference " + error);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            int8.close();
            fp32.close();
            backend.close();
        }
    }

    @Benchmark
    public float fp32(final LayersState state) throws BackendException
    {
        state.fp32.execute();
        return state.fp32Out.get(0);
    }

    @Benchmark
    public float int8(final LayersState state) throws BackendException
    {
        state.int8.execute();
        return state.int8Out.get(0);
    }

    /** The input make_graphs.py calibrated on: cos(0.11 i) over the row-major input. */
    static void fill(final FloatBuffer x)
    {
        for (int i = 0; i < x.capacity(); i++)
        {
            x.put(i, (float)Math.cos(0.11 * i));
        }
    }

    static double relativeRms(final FloatBuffer reference, final FloatBuffer candidate)
    {
        double error = 0;
        double energy = 0;
        for (int i = 0; i < reference.capacity(); i++)
        {
            final double d = candidate.get(i) - reference.get(i);
            error += d * d;
            energy += (double)reference.get(i) * reference.get(i);
        }
        return Math.sqrt(error / Math.max(energy, 1e-30));
    }

    static GraphSpec layers(final int width, final String precision)
    {
        final List<TensorSpec> x = List.of(new TensorSpec("x", "float32", new long[]{ROWS, width}));
        final List<TensorSpec> y = List.of(new TensorSpec("y", "float32", new long[]{ROWS, width}));
        return InferenceOverheadBenchmark.graph("layers-" + width + "-" + precision + ".onnx", x, y);
    }
}
