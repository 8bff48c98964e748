package io.wmrt.backend;

import io.wmrt.TestRepo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.TensorSpec;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The committed constant-velocity, constant-yaw-rate baselines run on ONNX Runtime's CPU provider and predict
 * exactly the closed form their model cards document:
 * <pre>
 *   heading(t) = h0 + w t
 *   x(t) = x0 + v t cos(h0 + w t / 2) sinc(w t / 2)
 *   y(t) = y0 + v t sin(h0 + w t / 2) sinc(w t / 2),    t = (h + 1) * 0.2 s
 * </pre>
 * for every candidate k, step h and agent n, with the encoder and the rollout sharing one latent buffer.
 */
class OrtCpuBackendTest
{
    private static final Path ROOT = TestRepo.root();

    private static final int N = 32;
    private static final int F = ModelPackage.AGENT_FEATURES;
    private static final int K = 64;
    private static final int H = 30;
    private static final int A = ModelPackage.ACTION_DIMS;
    private static final double DT = 0.2;
    private static final double TOLERANCE = 1e-4;

    /** int8 grid of the latent channels x, y, heading, speed, yaw rate, valid (cv-baseline-int8 manifest). */
    private static final float[] SCALES = {0.5f, 0.5f, 0.025f, 0.25f, 0.01f, 0.015625f};
    /** Agent feature index of each latent channel. */
    private static final int[] LATENT_FROM_AGENT = {0, 1, 2, 3, 4, 7};

    /** Agents 0..4 turn, agent 5 drives straight, agent 6 sits on rounding ties, agent 7 is off the int8 grid. */
    private static final int TURNING = 5;
    private static final int STRAIGHT = 5;
    private static final int TIES = 6;
    private static final int OFF_GRID = 7;
    private static final int REAL_AGENTS = 8;

    @Test
    void shouldPredictClosedFormForEveryCandidateStepAndAgent() throws Exception
    {
        final ModelPackage model = load("cv-baseline");
        final float[] agents = agents(new Random(20_251_125L));

        try (Prepared p = prepare(model))
        {
            final float[] future = p.run(agents, new Random(7L));

            assertMatchesClosedForm(future, agents, false);

            // Empty slots carry junk features but valid = 0: nothing leaks into the latent or the prediction.
            final FloatBuffer latent = p.arena.floats("latent");
            for (int n = REAL_AGENTS; n < N; n++)
            {
                for (int c = 0; c < 6; c++)
                {
                    assertEquals(0.0f, latent.get(n * 6 + c), 0.0f, "latent of empty slot " + n);
                }
            }

            // The baseline ignores the ego's actions: other actions, the same future.
            p.writeActions(new Random(8L));
            p.rollout.execute();
            assertEquals(FloatBuffer.wrap(future), p.arena.floats("agent_future"));
        }
    }

    @Test
    void shouldPredictClosedFormAtInputsRoundedToInt8Grid() throws Exception
    {
        final ModelPackage model = load("cv-baseline-int8");
        final float[] agents = agents(new Random(20_251_125L));

        try (Prepared p = prepare(model))
        {
            final float[] future = p.run(agents, new Random(7L));

            // The encoder's latent is already on the grid (QuantizeLinear -> DequantizeLinear).
            final FloatBuffer latent = p.arena.floats("latent");
            for (int n = 0; n < N; n++)
            {
                final float valid = agents[n * F + 7];
                for (int c = 0; c < 6; c++)
                {
                    final float expected = quantize(agents[n * F + LATENT_FROM_AGENT[c]] * valid, SCALES[c]);
                    assertEquals(expected, latent.get(n * 6 + c), 1e-6, "latent agent " + n + " channel " + c);
                }
            }
            // Round half to even: 0.75 m is 1.5 steps -> 2 steps, 1.25 m is 2.5 steps -> 2 steps (not 3).
            assertEquals(1.0f, latent.get(TIES * 6));
            assertEquals(1.0f, latent.get(TIES * 6 + 1));
            assertEquals(0.5f, latent.get(TIES * 6 + 3), "0.625 m/s is 2.5 steps -> 2 steps");
            // Off the grid: clamped to [-128, 127] steps.
            assertEquals(63.5f, latent.get(OFF_GRID * 6));
            assertEquals(-64.0f, latent.get(OFF_GRID * 6 + 1));
            assertEquals(31.75f, latent.get(OFF_GRID * 6 + 3));
            assertEquals(-1.28f, latent.get(OFF_GRID * 6 + 4), 1e-6);

            assertMatchesClosedForm(future, agents, true);
        }
    }

    /**
     * How far int8 may move a prediction from fp32, for an agent inside the grid's range. Rounding moves each
     * latent channel by at most half a step: position by 0.25 m per axis, heading by dh = 0.0125 rad, speed by
     * dv = 0.125 m/s, yaw rate by dw = 0.005 rad/s. With p(t) = p0 + v t u(h0 + w t/2) sinc(w t/2), u a unit
     * vector, |u'| = 1 and |sinc'| &lt; 0.44:
     * <pre>
     *   |dx|, |dy| &lt;= 0.25 + dv t + (v + dv) t (dh + dw t/2 + 0.44 dw t/2)
     *            &lt;= 0.25 + 0.125 t + (v + 0.125) t (0.0125 + 0.004 t)
     *   |dheading| &lt;= 0.0125 + 0.005 t
     * </pre>
     * plus 1e-3 for float32 arithmetic. Loose (about 5.4 m at 6 s for a 20 m/s agent) but it grows the way the
     * model card says it should and would catch a wrong scale, a wrong channel or a saturated input.
     */
    @Test
    void shouldStayWithinQuantizationErrorOfFp32ForAgentsInsideGrid() throws Exception
    {
        final float[] agents = agents(new Random(20_251_125L));
        final float[] exact;
        final float[] quantized;
        try (Prepared p = prepare(load("cv-baseline")))
        {
            exact = p.run(agents, new Random(7L));
        }
        try (Prepared p = prepare(load("cv-baseline-int8")))
        {
            quantized = p.run(agents, new Random(7L));
        }

        double largest = 0;
        for (int k = 0; k < K; k++)
        {
            for (int h = 0; h < H; h++)
            {
                final double t = (h + 1) * DT;
                for (int n = 0; n < N; n++)
                {
                    if (n == OFF_GRID)
                    {
                        continue;
                    }
                    final double v = agents[n * F + 3];
                    final double position = 0.25 + 0.125 * t + (v + 0.125) * t * (0.0125 + 0.004 * t) + 1e-3;
                    final double heading = 0.0125 + 0.005 * t + 1e-3;
                    final int at = index(k, h, n);
                    final double dx = Math.abs(quantized[at] - exact[at]);
                    final double dy = Math.abs(quantized[at + 1] - exact[at + 1]);
                    final double dh = Math.abs(quantized[at + 2] - exact[at + 2]);
                    largest = Math.max(largest, Math.max(dx, dy));
                    if (dx > position || dy > position || dh > heading)
                    {
                        fail("agent " + n + " at t=" + t + " s: int8 differs from fp32 by (" + dx + ", " + dy + ", " +
                            dh + "), bound (" + position + ", " + heading + ")");
                    }
                }
            }
        }
        assertTrue(largest > 0.01, "int8 should visibly differ from fp32 somewhere, largest difference " + largest);
        // Off the grid the bound does not hold: the agent 90 m ahead is predicted at most 63.5 m + v t ahead.
        assertTrue(Math.abs(quantized[index(0, 0, OFF_GRID)] - exact[index(0, 0, OFF_GRID)]) > 20);
    }

    @Test
    void shouldShareOneLatentBufferBetweenEncoderAndRollout() throws Exception
    {
        final ModelPackage model = load("cv-baseline");
        try (Prepared p = prepare(model))
        {
            // One buffer per tensor name, 64-byte aligned: agents, latent, actions, agent_future. No second latent.
            assertSame(p.arena.buffer("latent"), p.arena.buffer("latent"));
            assertEquals(align(N * F * 4) + align(N * 6 * 4) + align(K * H * A * 4) + align(K * H * N * 3 * 4),
                p.arena.totalBytes());

            // The encoder writes straight into the arena's latent ...
            final float[] agents = agents(new Random(3L));
            p.run(agents, new Random(4L));
            final FloatBuffer latent = p.arena.floats("latent");
            for (int n = 0; n < REAL_AGENTS; n++)
            {
                for (int c = 0; c < 6; c++)
                {
                    assertEquals(agents[n * F + LATENT_FROM_AGENT[c]], latent.get(n * 6 + c), "latent " + n + "." + c);
                }
            }

            // ... and the rollout reads it from there: a value put into that buffer alone moves the prediction.
            final int slot = N - 1;
            final float[] poked = {5f, -3f, 0.5f, 10f, 0.1f, 1f};
            for (int c = 0; c < 6; c++)
            {
                latent.put(slot * 6 + c, poked[c]);
            }
            p.rollout.execute();
            final FloatBuffer future = p.arena.floats("agent_future");
            for (int h = 0; h < H; h++)
            {
                final double[] pose = closedForm(5, -3, 0.5, 10, 0.1, (h + 1) * DT);
                for (int c = 0; c < 3; c++)
                {
                    assertEquals(pose[c], future.get(index(K - 1, h, slot) + c), TOLERANCE, "step " + h);
                }
            }
        }
    }

    @Test
    void shouldBindTensorWhoseSizeIsNotMultipleOf64Bytes() throws Exception
    {
        final TensorSpec latent = new TensorSpec("latent", "float32", new long[]{1, 30, 6});
        final TensorArena arena = new TensorArena();
        arena.bind(new GraphSpec("encoder", ROOT.resolve("models/cv-baseline/encoder.onnx"), "0".repeat(64),
            List.of(latent), List.of(), false));

        assertEquals(180, arena.floats("latent").remaining());
        try (OnnxTensor tensor = OnnxTensor.createTensor(
            OrtEnvironment.getEnvironment(), arena.floats("latent"), latent.shape()))
        {
            assertEquals(180, tensor.getInfo().getNumElements());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Agents in the ego frame, [N, F]: x, y, heading, speed, yaw rate, length, width, valid.
     */
    private static float[] agents(final Random rnd)
    {
        final float[] a = new float[N * F];
        for (int n = 0; n < TURNING; n++)
        {
            final float w = (float)((0.05 + 1.15 * rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1));
            set(a, n, uniform(rnd, -40, 40), uniform(rnd, -40, 40), uniform(rnd, -Math.PI, Math.PI),
                uniform(rnd, 2, 20), w, 1);
        }
        set(a, STRAIGHT, uniform(rnd, -40, 40), uniform(rnd, -40, 40), uniform(rnd, -Math.PI, Math.PI), 15, 0, 1);
        set(a, TIES, 0.75f, 1.25f, 0.5f, 0.625f, 0.25f, 1);
        set(a, OFF_GRID, 90f, -75f, 0.3f, 35f, -1.5f, 1);
        for (int n = REAL_AGENTS; n < N; n++)
        {
            // Empty slot: junk everywhere except valid = 0.
            set(a, n, uniform(rnd, -50, 50), uniform(rnd, -50, 50), uniform(rnd, -3, 3), uniform(rnd, 0, 30),
                uniform(rnd, -1, 1), 0);
        }
        return a;
    }

    private static void set(
        final float[] a, final int n, final float x, final float y, final float heading, final float speed,
        final float yawRate, final float valid)
    {
        final int at = n * F;
        a[at] = x;
        a[at + 1] = y;
        a[at + 2] = heading;
        a[at + 3] = speed;
        a[at + 4] = yawRate;
        a[at + 5] = 4.6f;
        a[at + 6] = 1.9f;
        a[at + 7] = valid;
    }

    private static float uniform(final Random rnd, final double lo, final double hi)
    {
        return (float)(lo + (hi - lo) * rnd.nextDouble());
    }

    /**
     * QuantizeLinear then DequantizeLinear with zero point 0, in float32 as ONNX defines them.
     */
    private static float quantize(final float value, final float scale)
    {
        final float steps = (float)Math.rint(value / scale);
        return Math.max(-128f, Math.min(127f, steps)) * scale;
    }

    private static double[] closedForm(
        final double x0, final double y0, final double h0, final double v, final double w, final double t)
    {
        final double a = w * t / 2;
        final double sinc = Math.abs(a) < 1e-4 ? 1 : Math.sin(a) / a;
        final double chord = v * t * sinc;
        return new double[]{x0 + chord * Math.cos(h0 + a), y0 + chord * Math.sin(h0 + a), h0 + w * t};
    }

    private static void assertMatchesClosedForm(final float[] future, final float[] agents, final boolean int8)
    {
        double worst = 0;
        for (int n = 0; n < N; n++)
        {
            final float[] s = new float[6];
            for (int c = 0; c < 6; c++)
            {
                final float value = agents[n * F + LATENT_FROM_AGENT[c]] * agents[n * F + 7];
                s[c] = int8 ? quantize(value, SCALES[c]) : value;
            }
            for (int h = 0; h < H; h++)
            {
                final double[] pose = closedForm(s[0], s[1], s[2], s[3], s[4], (h + 1) * DT);
                for (int k = 0; k < K; k++)
                {
                    final int at = index(k, h, n);
                    for (int c = 0; c < 3; c++)
                    {
                        final double error = Math.abs(future[at + c] - pose[c]);
                        worst = Math.max(worst, error);
                        if (!(error <= TOLERANCE))
                        {
                            fail("candidate " + k + ", step " + h + ", agent " + n + ", component " + c + ": got " +
                                future[at + c] + ", closed form " + pose[c]);
                        }
                    }
                }
            }
        }
        assertTrue(worst < TOLERANCE, "worst error " + worst);
    }

    private static int index(final int k, final int h, final int n)
    {
        return ((k * H + h) * N + n) * 3;
    }

    private static int align(final int bytes)
    {
        return (bytes + 63) & -64;
    }

    private static ModelPackage load(final String name) throws Exception
    {
        return ModelPackageLoader.load(ROOT.resolve("models").resolve(name), ModelPackageLoader.Trust.none());
    }

    private static Prepared prepare(final ModelPackage model) throws BackendException
    {
        final GraphSpec encoder = model.graph(ModelPackage.ENCODER);
        final GraphSpec rollout = model.graph(ModelPackage.ROLLOUT);
        final TensorArena arena = new TensorArena();
        arena.bind(encoder);
        arena.bind(rollout);
        final OrtCpuBackend backend = new OrtCpuBackend(1);
        final PreparedGraph encoderGraph = backend.prepare(encoder, arena);
        try
        {
            return new Prepared(backend, arena, encoderGraph, backend.prepare(rollout, arena));
        }
        catch (final BackendException ex)
        {
            encoderGraph.close();
            throw ex;
        }
    }

    /**
     * Both graphs of a package prepared over one arena.
     */
    private static final class Prepared implements AutoCloseable
    {
        final OrtCpuBackend backend;
        final TensorArena arena;
        final PreparedGraph encoder;
        final PreparedGraph rollout;

        Prepared(final OrtCpuBackend backend, final TensorArena arena, final PreparedGraph encoder,
            final PreparedGraph rollout)
        {
            this.backend = backend;
            this.arena = arena;
            this.encoder = encoder;
            this.rollout = rollout;
        }

        float[] run(final float[] agents, final Random actions) throws BackendException
        {
            arena.floats("agents").put(agents);
            writeActions(actions);
            encoder.execute();
            rollout.execute();
            final float[] out = new float[K * H * N * 3];
            arena.floats("agent_future").get(out);
            return out;
        }

        void writeActions(final Random rnd)
        {
            final FloatBuffer actions = arena.floats("actions");
            for (int i = 0; i < K * H; i++)
            {
                actions.put(i * A, uniform(rnd, -6.0, 3.0));
                actions.put(i * A + 1, uniform(rnd, -0.55, 0.55));
            }
        }

        public void close()
        {
            encoder.close();
            rollout.close();
            backend.close();
        }
    }

}
