package io.wmrt.backend;

import io.wmrt.TestRepo;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.FloatBuffer;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The native bridge and ONNX Runtime Java run the same graphs on the same inputs: their outputs must be the
 * same, bit for bit (same library, same session options, same kernels).
 */
class NativeOrtBackendTest
{
    @Test
    void shouldLoadTheBridgeForThisMachineAndNameTheOnnxRuntimeVersion()
    {
        final Availability availability = NativeOrtBridge.availability();
        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.reason().contains("ONNX Runtime 1."), availability.reason());
        assertTrue(availability.reason().contains(NativeOrtBridge.platform()), availability.reason());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cv-baseline", "cv-baseline-int8"})
    void shouldProduceTheJavaPathsOutputsBitForBit(final String name) throws Exception
    {
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model(name), ModelPackageLoader.Trust.none());
        final float[] nativeOut = run(new NativeOrtBackend(1), model, 11);
        final float[] javaOut = run(new OrtCpuBackend(1), model, 11);
        assertEquals(javaOut.length, nativeOut.length);
        assertArrayEquals(javaOut, nativeOut);
        boolean moved = false;
        for (final float v : nativeOut)
        {
            moved |= v != 0f;
        }
        assertTrue(moved, "the graphs really wrote the output buffer");
    }

    @Test
    void shouldRunRepeatedlyOnTheSameBindingFollowingNewInputs() throws Exception
    {
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"), ModelPackageLoader.Trust.none());
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final NativeOrtBackend backend = new NativeOrtBackend(1);
        final PreparedGraph encoder = backend.prepare(model.graph(ModelPackage.ENCODER), arena);
        final PreparedGraph rollout = backend.prepare(model.graph(ModelPackage.ROLLOUT), arena);
        try
        {
            final FloatBuffer agents = arena.floats(ModelPackage.AGENTS_TENSOR);
            final FloatBuffer future = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
            for (int run = 1; run <= 3; run++)
            {
                // One agent at x = run, standing still: its predicted x is run at every step.
                agents.put(0, run).put(7, 1f);
                encoder.execute();
                rollout.execute();
                assertEquals(run, future.get(0), 1e-6, "run " + run);
            }
        }
        finally
        {
            encoder.close();
            rollout.close();
        }
    }

    @Test
    void shouldRefuseABindingThatDoesNotMatchTheGraph() throws Exception
    {
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"), ModelPackageLoader.Trust.none());
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        final ai.onnxruntime.OrtSession session = ai.onnxruntime.OrtEnvironment.getEnvironment()
            .createSession(model.graph(ModelPackage.ENCODER).bytes());
        try
        {
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () ->
                NativeOrtBridge.bind0(NativeOrtBridge.sessionHandle(session), new String[]{"no_such_input"},
                    new long[]{org.agrona.BufferUtil.address(arena.buffer("agents"))}, new long[]{1024},
                    new long[][]{{1, 32, 8}}, 1));
            assertTrue(ex.getMessage().contains("no_such_input"), ex.getMessage());
        }
        finally
        {
            session.close();
        }
    }

    /**
     * Run both graphs once on seeded inputs.
     *
     * @return the rollout's agent_future.
     */
    static float[] run(final OrtBackend backend, final ModelPackage model, final long seed) throws Exception
    {
        final TensorArena arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final Random random = new Random(seed);
        final FloatBuffer agents = arena.floats(ModelPackage.AGENTS_TENSOR);
        for (int i = 0; i < 20; i++)
        {
            final float[] row = {
                random.nextFloat() * 100 - 50, random.nextFloat() * 40 - 20, random.nextFloat() * 6 - 3,
                random.nextFloat() * 15, random.nextFloat() - 0.5f, 4.5f, 1.9f, 1f};
            agents.put(i * 8, row);
        }
        final FloatBuffer actions = arena.floats(ModelPackage.ACTIONS_TENSOR);
        for (int i = 0; i < actions.capacity(); i++)
        {
            actions.put(i, random.nextFloat() - 0.5f);
        }
        final PreparedGraph encoder = backend.prepare(model.graph(ModelPackage.ENCODER), arena);
        final PreparedGraph rollout = backend.prepare(model.graph(ModelPackage.ROLLOUT), arena);
        try
        {
            encoder.execute();
            rollout.execute();
            final FloatBuffer future = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
            final float[] out = new float[future.capacity()];
            future.get(0, out);
            return out;
        }
        finally
        {
            encoder.close();
            rollout.close();
        }
    }
}
