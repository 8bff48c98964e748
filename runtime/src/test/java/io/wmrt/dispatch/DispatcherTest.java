package io.wmrt.dispatch;

import io.wmrt.TestRepo;
import io.wmrt.backend.Availability;
import io.wmrt.backend.Backend;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.OrtQnnBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.QnnDirectBackend;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which backend runs each graph role, why the others were passed over, and falling back at run time.
 */
class DispatcherTest
{
    private static final Path ROOT = TestRepo.root();

    private static HardwareProfile sa8650p;
    private static HardwareProfile host;
    private static ModelPackage fp32;
    private static ModelPackage int8;

    @BeforeAll
    static void load() throws Exception
    {
        sa8650p = HardwareProfileLoader.load(ROOT.resolve("hardware-profiles/sa8650p.yaml"));
        host = HardwareProfileLoader.load(ROOT.resolve("hardware-profiles/host.yaml"));
        fp32 = ModelPackageLoader.load(ROOT.resolve("models/cv-baseline"), ModelPackageLoader.Trust.none());
        int8 = ModelPackageLoader.load(ROOT.resolve("models/cv-baseline-int8"), ModelPackageLoader.Trust.none());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decisions with the real backends
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldReportQnnUnavailableInThisOnnxRuntimeBuild()
    {
        try (OrtQnnBackend qnn = new OrtQnnBackend(sa8650p.soc(), sa8650p.npu(), 1))
        {
            final Availability availability = qnn.availability();

            assertFalse(availability.available());
            assertTrue(availability.reason().contains("QNN"), availability.reason());
            assertTrue(availability.reason().contains("libQnnHtp.so"), availability.reason());
        }
    }

    @Test
    void shouldRunEncoderAndRolloutOnCpuWhenQnnIsMissing()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1); NativeOrtBackend nativeCpu = new NativeOrtBackend(1);
            OrtQnnBackend qnn = new OrtQnnBackend(sa8650p.soc(), sa8650p.npu(), 1);
            QnnDirectBackend direct = new QnnDirectBackend(sa8650p.npu(), sa8650p.soc()))
        {
            final Dispatcher dispatcher = new Dispatcher(sa8650p, List.of(cpu, nativeCpu, qnn, direct));

            for (final ModelPackage model : List.of(fp32, int8))
            {
                for (final String role : List.of(ModelPackage.ENCODER, ModelPackage.ROLLOUT))
                {
                    final Dispatcher.Decision decision = dispatcher.decide(model.graph(role), model);

                    assertEquals(role, decision.role());
                    assertEquals(List.of("ort-native", "ort-cpu"), decision.usable(), model.name() + " " + role);
                    assertEquals("ort-native", decision.primary());
                    assertEquals(2, decision.skipped().size(), decision.skipped().toString());
                    final String qnnDirect = decision.skipped().get(0);
                    assertTrue(qnnDirect.startsWith("qnn: library libQnnHtp.so not found (dlopen: "), qnnDirect);
                    final String reason = decision.skipped().get(1);
                    assertTrue(reason.startsWith("ort-qnn: "), reason);
                    assertTrue(reason.contains("QNN"), reason);
                }
            }
        }
    }

    @Test
    void shouldExplainBackendThatIsNotBuiltIn()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1))
        {
            final Dispatcher.Decision decision =
                new Dispatcher(sa8650p, List.of(cpu)).decide(int8.graph(ModelPackage.ROLLOUT), int8);

            assertEquals(List.of("ort-cpu"), decision.usable());
            assertEquals(List.of("qnn: not built into this runtime", "ort-qnn: not built into this runtime",
                "ort-native: not built into this runtime"), decision.skipped());
        }
    }

    @Test
    void shouldUseDefaultOrderForHostWithNothingPassedOver()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1); NativeOrtBackend nativeCpu = new NativeOrtBackend(1))
        {
            final Dispatcher.Decision decision =
                new Dispatcher(host, List.of(cpu, nativeCpu)).decide(fp32.graph(ModelPackage.ENCODER), fp32);

            assertEquals(List.of("ort-native", "ort-cpu"), decision.usable());
            assertEquals(List.of(), decision.skipped());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Decisions with an available, int8-only NPU backend
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldPassOverAnAvailableBackendThatCannotTakeThisGraph()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1))
        {
            final FakeNpu npu = new FakeNpu();
            npu.cannotRun = "package has no QNN context binary for SA8650P";
            final Dispatcher.Decision decision =
                new Dispatcher(sa8650p, List.of(cpu, npu)).decide(int8.graph(ModelPackage.ROLLOUT), int8);

            assertEquals(List.of("ort-cpu"), decision.usable());
            assertTrue(decision.skipped().contains("ort-qnn: package has no QNN context binary for SA8650P"),
                decision.skipped().toString());
        }
    }

    @Test
    void shouldPassOverInt8OnlyBackendForFp32Model()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1))
        {
            final Dispatcher dispatcher = new Dispatcher(sa8650p, List.of(cpu, new FakeNpu()));

            final Dispatcher.Decision decision = dispatcher.decide(fp32.graph(ModelPackage.ROLLOUT), fp32);

            assertEquals(List.of("ort-cpu"), decision.usable());
            assertEquals(3, decision.skipped().size(), "the direct QNN and native paths this test leaves out, " +
                "and the NPU");
            final String reason = decision.skipped().get(1);
            assertTrue(reason.startsWith("ort-qnn: "), reason);
            assertTrue(reason.contains("int8"), reason);
            assertTrue(reason.contains("cv-baseline"), reason);
            assertTrue(reason.contains("fp32"), reason);
        }
    }

    @Test
    void shouldPreferInt8OnlyBackendForInt8ModelWithCpuAsFallback()
    {
        try (OrtCpuBackend cpu = new OrtCpuBackend(1))
        {
            final Dispatcher dispatcher = new Dispatcher(sa8650p, List.of(cpu, new FakeNpu()));

            final Dispatcher.Decision decision = dispatcher.decide(int8.graph(ModelPackage.ENCODER), int8);

            assertEquals(List.of("ort-qnn", "ort-cpu"), decision.usable());
            assertEquals("ort-qnn", decision.primary());
            assertEquals(List.of("qnn: not built into this runtime", "ort-native: not built into this runtime"),
                decision.skipped());
        }
    }

    @Test
    void shouldDropBackendThatFailsToPrepareAndKeepItsReason() throws Exception
    {
        final FakeNpu npu = new FakeNpu();
        npu.prepareFailure = "HTP context compilation failed";
        try (OrtCpuBackend cpu = new OrtCpuBackend(1))
        {
            final Dispatcher dispatcher = new Dispatcher(sa8650p, List.of(cpu, npu));
            final GraphSpec encoder = int8.graph(ModelPackage.ENCODER);
            final TensorArena arena = new TensorArena();
            arena.bind(encoder);
            final Dispatcher.Decision decision = dispatcher.decide(encoder, int8);

            try (GraphRunner runner = dispatcher.prepare(decision, encoder, arena))
            {
                assertEquals("ort-cpu", runner.backendId());
                assertEquals(1, runner.prepareFailures().size());
                assertTrue(runner.prepareFailures().get(0).contains("HTP context compilation failed"),
                    runner.prepareFailures().toString());
                assertTrue(runner.run(0, GraphRunner.OutputCheck.NONE));
                assertEquals(0, runner.fallbacks());
            }
        }
    }

    @Test
    void shouldRefuseToPrepareWhenNoBackendCanRunTheGraph()
    {
        try (OrtQnnBackend qnn = new OrtQnnBackend(sa8650p.soc(), sa8650p.npu(), 1))
        {
            final Dispatcher dispatcher = new Dispatcher(sa8650p, List.of(qnn));
            final GraphSpec rollout = int8.graph(ModelPackage.ROLLOUT);
            final Dispatcher.Decision decision = dispatcher.decide(rollout, int8);
            assertNull(decision.primary());

            final BackendException ex = assertThrows(BackendException.class,
                () -> dispatcher.prepare(decision, rollout, new TensorArena()));

            assertTrue(ex.getMessage().contains("rollout.onnx"), ex.getMessage());
            assertTrue(ex.getMessage().contains("ort-qnn"), ex.getMessage());
            assertTrue(ex.getMessage().contains("ort-cpu: not built into this runtime"), ex.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Falling back at run time
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldFallBackToNextGraphWhenFirstFailsAndCountIt() throws Exception
    {
        final FakeGraph npu = new FakeGraph("ort-qnn", 1);
        final FakeGraph cpu = new FakeGraph("ort-cpu", 0);
        try (GraphRunner runner = new GraphRunner("rollout", npu, cpu))
        {
            assertEquals("ort-qnn", runner.backendId());

            assertTrue(runner.run(0, GraphRunner.OutputCheck.NONE));

            assertEquals(1, runner.fallbacks());
            assertEquals("ort-cpu", runner.backendId());
            assertEquals(1, npu.executions);
            assertEquals(1, cpu.executions);
            assertSame(npu.failures.get(0), runner.lastFailure());

            // The failed backend is not retried on every tick: until its backoff passes, calls stay on the fallback.
            runner.run(1, GraphRunner.OutputCheck.NONE);
            runner.run(GraphRunner.MIN_PROBE_BACKOFF_NS - 1, GraphRunner.OutputCheck.NONE);
            assertEquals(1, runner.fallbacks());
            assertEquals(1, npu.executions);
            assertEquals(3, cpu.executions);
        }
        assertTrue(npu.closed && cpu.closed, "closing the runner closes every prepared graph");
    }

    @Test
    void shouldTakeTheFailedBackendBackWhenAReprobeAnswersAndCountIt()
    {
        final FakeGraph npu = new FakeGraph("ort-qnn", 2);
        final FakeGraph cpu = new FakeGraph("ort-cpu", 0);
        try (GraphRunner runner = new GraphRunner("rollout", npu, cpu))
        {
            runner.run(0, GraphRunner.OutputCheck.NONE);
            assertEquals("ort-cpu", runner.backendId());

            // First re-probe after the minimum backoff: the NPU fails once more, so the backoff doubles.
            runner.run(GraphRunner.MIN_PROBE_BACKOFF_NS, GraphRunner.OutputCheck.NONE);
            assertEquals(2, npu.executions);
            assertEquals("ort-cpu", runner.backendId());
            runner.run(2 * GraphRunner.MIN_PROBE_BACKOFF_NS, GraphRunner.OutputCheck.NONE);
            assertEquals(2, npu.executions, "no re-probe before the doubled backoff");

            // Second re-probe: the NPU answers, takes its place back, and its answer is the tick's.
            assertTrue(runner.run(3 * GraphRunner.MIN_PROBE_BACKOFF_NS, GraphRunner.OutputCheck.NONE));
            assertEquals("ort-qnn", runner.backendId());
            assertEquals(1, runner.recoveries());
            assertEquals(3, npu.executions);
            assertEquals(3, cpu.executions, "the recovered backend's run is the tick's: no second run");
        }
    }

    @Test
    void shouldTreatNonFiniteOutputsAsAFailureAndFallBackInTheSameCall()
    {
        final FakeGraph npu = new FakeGraph("ort-qnn", 0);
        final FakeGraph cpu = new FakeGraph("ort-cpu", 0);
        try (GraphRunner runner = new GraphRunner("rollout", npu, cpu))
        {
            // The check passes only after the CPU ran: the NPU's outputs are refused.
            final GraphRunner.OutputCheck cpuOnly = () -> cpu.executions > 0;

            assertTrue(runner.run(0, cpuOnly));

            assertEquals("ort-cpu", runner.backendId());
            assertEquals(1, runner.invalidOutputs());
            assertEquals(1, runner.fallbacks());
            assertTrue(runner.lastFailure().getMessage().contains("ort-qnn [rollout]: an output holds NaN or Inf"),
                runner.lastFailure().getMessage());
        }
    }

    @Test
    void shouldNotCountFallbackWhenFirstGraphSucceeds() throws Exception
    {
        final FakeGraph npu = new FakeGraph("ort-qnn", 0);
        final FakeGraph cpu = new FakeGraph("ort-cpu", 0);
        try (GraphRunner runner = new GraphRunner("encoder", npu, cpu))
        {
            runner.run(0, GraphRunner.OutputCheck.NONE);
            runner.run(1, GraphRunner.OutputCheck.NONE);

            assertEquals(0, runner.fallbacks());
            assertEquals(2, npu.executions);
            assertEquals(0, cpu.executions);
            assertNull(runner.lastFailure());
        }
    }

    @Test
    void shouldReportFailureWhenEveryGraphFails()
    {
        final FakeGraph npu = new FakeGraph("ort-qnn", Integer.MAX_VALUE);
        final FakeGraph cpu = new FakeGraph("ort-cpu", Integer.MAX_VALUE);
        try (GraphRunner runner = new GraphRunner("rollout", npu, cpu))
        {
            assertFalse(runner.run(0, GraphRunner.OutputCheck.NONE));

            final BackendException ex = runner.lastFailure();
            assertSame(cpu.failures.get(0), ex, "the last backend's failure is the one reported");
            assertTrue(ex.getMessage().contains("ort-cpu [rollout]"), ex.getMessage());
            assertEquals(1, runner.fallbacks());
            assertEquals(1, npu.executions);
            assertEquals(1, cpu.executions);

            // Still failing on the next call: the last backend is tried again, no further fallback counted.
            assertFalse(runner.run(1, GraphRunner.OutputCheck.NONE));
            assertEquals(1, runner.fallbacks());
        }
    }

    @Test
    void shouldReportFailureFromSingleGraphChain()
    {
        final FakeGraph cpu = new FakeGraph("ort-cpu", 1);
        try (GraphRunner runner = new GraphRunner("encoder", cpu))
        {
            assertFalse(runner.run(0, GraphRunner.OutputCheck.NONE));
            assertEquals(0, runner.fallbacks());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Test doubles
    // ---------------------------------------------------------------------------------------------------------

    /**
     * An NPU backend that is available and, like the HTP, runs int8 QDQ graphs only.
     */
    private static final class FakeNpu implements Backend
    {
        String prepareFailure;
        String cannotRun;

        public String cannotRun(final GraphSpec graph)
        {
            return cannotRun;
        }

        public String id()
        {
            return "ort-qnn";
        }

        public Availability availability()
        {
            return Availability.yes("an HTP that is always there (test double)");
        }

        public boolean requiresQuantized()
        {
            return true;
        }

        public PreparedGraph prepare(final GraphSpec graph, final TensorArena arena) throws BackendException
        {
            if (null != prepareFailure)
            {
                throw new BackendException(id(), graph.role(), prepareFailure, null);
            }
            return new FakeGraph(id(), 0);
        }

        public void close()
        {
        }
    }

    /**
     * A prepared graph whose first {@code failuresLeft} executions throw.
     */
    private static final class FakeGraph implements PreparedGraph
    {
        private final String backendId;
        private int failuresLeft;
        final List<BackendException> failures = new ArrayList<>();
        int executions;
        boolean closed;

        FakeGraph(final String backendId, final int failuresLeft)
        {
            this.backendId = backendId;
            this.failuresLeft = failuresLeft;
        }

        public String backendId()
        {
            return backendId;
        }

        public void execute() throws BackendException
        {
            executions++;
            if (failuresLeft > 0)
            {
                failuresLeft--;
                final BackendException ex = new BackendException(backendId, "rollout", "device lost", null);
                failures.add(ex);
                throw ex;
            }
        }

        public void close()
        {
            closed = true;
        }
    }

}
