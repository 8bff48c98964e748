package io.wmrt.dispatch;

import io.wmrt.TestRepo;
import io.wmrt.backend.Backend;
import io.wmrt.backend.Backends;
import io.wmrt.backend.FaultPlan;
import io.wmrt.backend.QnnDirectBackend;
import io.wmrt.backend.QnnTestDouble;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.QnnGraph;
import io.wmrt.model.QnnTensor;
import io.wmrt.model.TensorSpec;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.profile.PerformanceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SA8650P's whole dispatch chain, qnn → ort-qnn → ort-native → ort-cpu, with the real QNN bridge over the QNN
 * TEST DOUBLE: QNN fails at run time, ONNX Runtime's QNN provider is not in this build (passed over at decide),
 * the native path fails on purpose, and the CPU answers. Each step's reason is printed once.
 */
class QnnFallbackChainTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFallFromQnnThroughEveryBackendToTheCpuSayingWhyAtEachStep() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "execute_error=1003@1-");
        final HardwareProfile sa8650p = HardwareProfileLoader.load(TestRepo.profile("sa8650p"));
        final HardwareProfile profile = withNpu(sa8650p, qnn.npu(PerformanceMode.BURST));
        final ModelPackage int8 =
            ModelPackageLoader.load(TestRepo.model("cv-baseline-int8"), ModelPackageLoader.Trust.none());
        final GraphSpec rollout = withQnnBinary(int8.graph(ModelPackage.ROLLOUT), profile.soc());
        final List<Backend> backends =
            Backends.forProfile(profile, FaultPlan.parse("rollout/ort-native:throw@1-", 1));
        try
        {
            final Dispatcher dispatcher = new Dispatcher(profile, backends);
            final Dispatcher.Decision decision = dispatcher.decide(rollout, int8);
            assertEquals(List.of("qnn", "ort-native", "ort-cpu"), decision.usable());
            assertEquals(1, decision.skipped().size(), decision.skipped().toString());
            assertTrue(decision.skipped().get(0).startsWith("ort-qnn: "), decision.skipped().get(0));
            System.out.println("step ort-qnn passed over at decide: " + decision.skipped().get(0));

            final TensorArena arena = new TensorArena();
            arena.bind(rollout);
            try (GraphRunner runner = dispatcher.prepare(decision, rollout, arena))
            {
                assertEquals(List.of(), runner.prepareFailures());
                assertEquals("qnn", runner.backendId());

                assertTrue(runner.run(0, GraphRunner.OutputCheck.NONE));

                assertEquals("ort-cpu", runner.backendId());
                assertEquals(2, runner.fallbacks(), "qnn to ort-native, ort-native to ort-cpu");
                assertEquals(List.of("graphExecute rollout_graph injected error 1003"),
                    qnn.calls("graphExecute rollout_graph injected"));
                System.out.println("step qnn failed at run (the double's log): " +
                    qnn.calls("graphExecute rollout_graph injected").get(0));
                System.out.println("step ort-native failed at run: " + runner.lastFailure().getMessage());
                assertTrue(runner.lastFailure().getMessage().startsWith("ort-native [rollout]: injected fault"),
                    runner.lastFailure().getMessage());
                System.out.println("step ort-cpu answered");

                // Until the re-probe backoff passes, later ticks stay on the CPU: no step is tried or reported again.
                assertTrue(runner.run(1, GraphRunner.OutputCheck.NONE));
                assertEquals(2, runner.fallbacks());
                assertEquals(2, qnn.calls("graphExecute rollout_graph").size(),
                    "qnn ran once: its call and its injected error");
            }
        }
        finally
        {
            for (final Backend backend : backends)
            {
                backend.close();
            }
        }
    }

    @Test
    void shouldRunOnTheCpuPathWhileQnnRecreatesItsContextAndTakeQnnBackAtTheReprobe() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "execute_error=1007@2");
        final HardwareProfile profile = withNpu(HardwareProfileLoader.load(TestRepo.profile("sa8650p")),
            qnn.npu(PerformanceMode.BURST));
        final ModelPackage int8 =
            ModelPackageLoader.load(TestRepo.model("cv-baseline-int8"), ModelPackageLoader.Trust.none());
        final GraphSpec rollout = withQnnBinary(int8.graph(ModelPackage.ROLLOUT), profile.soc());
        final List<Backend> backends = Backends.forProfile(profile, FaultPlan.NONE);
        try
        {
            final QnnDirectBackend direct = (QnnDirectBackend)backends.get(0);
            final Dispatcher dispatcher = new Dispatcher(profile, backends);
            final TensorArena arena = new TensorArena();
            arena.bind(rollout);
            try (GraphRunner runner = dispatcher.prepare(dispatcher.decide(rollout, int8), rollout, arena))
            {
                assertTrue(runner.run(0, GraphRunner.OutputCheck.NONE));
                assertEquals("qnn", runner.backendId());

                // The subsystem restarts under the second run: that tick is answered by the next backend.
                assertTrue(runner.run(1, GraphRunner.OutputCheck.NONE));
                assertEquals("ort-native", runner.backendId());
                assertEquals(1, runner.fallbacks());
                assertEquals(1, direct.contextRecreations());
                assertTrue(runner.lastFailure().getMessage().contains("error 1007"), runner.lastFailure().getMessage());

                // At the re-probe the re-created context answers and QNN takes its place back.
                assertTrue(runner.run(GraphRunner.MIN_PROBE_BACKOFF_NS + 1, GraphRunner.OutputCheck.NONE));
                assertEquals("qnn", runner.backendId());
                assertEquals(1, runner.recoveries());
            }
        }
        finally
        {
            for (final Backend backend : backends)
            {
                backend.close();
            }
        }
    }

    private static HardwareProfile withNpu(final HardwareProfile p, final HardwareProfile.Npu npu)
    {
        return new HardwareProfile(p.file(), p.soc(), p.description(), npu, p.cpu(), p.memoryBandwidthGBps(),
            p.planner(), p.dispatch(), p.requireSignedModels(), p.trustedKeys());
    }

    /**
     * The graph with a context binary for the SoC in the double's format, its tensors int8 as the HTP runs them.
     */
    private static GraphSpec withQnnBinary(final GraphSpec graph, final String soc)
    {
        final List<QnnTensor> inputs = quantized(graph.inputs(), 1);
        final List<QnnTensor> outputs = quantized(graph.outputs(), 1 + graph.inputs().size());
        final byte[] binary = QnnTestDouble.contextBinary(
            new QnnTestDouble.Graph("rollout_graph", 1, 0, inputs, outputs));
        final QnnGraph qnn = new QnnGraph(soc, "v73", "2.29", Path.of("rollout.sa8650p.bin"), "test-double-binary",
            "rollout_graph", inputs, outputs, binary);
        return new GraphSpec(graph.role(), graph.file(), graph.sha256(), graph.inputs(), graph.outputs(),
            graph.quantized(), graph.bytes(), Map.of(soc, qnn));
    }

    private static List<QnnTensor> quantized(final List<TensorSpec> specs, final int firstId)
    {
        final List<QnnTensor> tensors = new ArrayList<>();
        for (final TensorSpec spec : specs)
        {
            tensors.add(new QnnTensor(firstId + tensors.size(), spec.name(), "int8", spec.shape(), 0.05, 0));
        }
        return tensors;
    }
}
