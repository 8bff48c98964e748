package io.wmrt.backend;

import io.wmrt.model.GraphSpec;
import io.wmrt.model.QnnGraph;
import io.wmrt.model.QnnTensor;
import io.wmrt.model.TensorSpec;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.PerformanceMode;
import io.wmrt.telemetry.TickStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real QNN bridge driven against the QNN TEST DOUBLE ({@link QnnTestDouble}): what it calls and in which
 * order, which API versions it accepts, how it reports QNN's errors, how it recovers from a subsystem restart,
 * that its quantization follows QNN's convention, and that a run allocates nothing. What this proves is the
 * bridge's logic and its use of wmrt's reading of the QNN ABI, not Qualcomm's libraries.
 */
class QnnDirectBackendTest
{
    private static final String SOC = "SA8650P";
    private static final float IN_SCALE = 0.0625f;
    private static final int IN_OFFSET = -3;
    private static final float OUT_SCALE = 0.125f;
    private static final int OUT_OFFSET = 5;
    private static final double A = 3;
    private static final double B = -7;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // Loading and the version gate
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldLoadTheBridgeForThisMachine()
    {
        assertTrue(QnnBridge.availability().available(), QnnBridge.availability().reason());
    }

    @Test
    void shouldSayTheBackendLibraryIsNotFound()
    {
        final QnnDirectBackend backend =
            new QnnDirectBackend(QnnTestDouble.npu("libQnnHtp.so", PerformanceMode.BURST), SOC);

        final Availability availability = backend.availability();

        assertFalse(availability.available());
        assertTrue(availability.reason().startsWith("library libQnnHtp.so not found (dlopen: "), availability.reason());
        backend.close();
    }

    @Test
    void shouldAcceptCoreApi2AtOrAboveTheFloorAndNameTheBuild() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "api=2.29", "backend_api=5.29", "build_id=v2.29.0.test");
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final Availability availability = backend.availability();

            assertTrue(availability.available(), availability.reason());
            assertTrue(availability.reason().contains("QNN core API 2.29.0, backend API 5.29.0"),
                availability.reason());
            assertTrue(availability.reason().contains("build id v2.29.0.test"), availability.reason());
            assertTrue(availability.reason().contains("WMRT_QNN_TEST_DOUBLE"), availability.reason());
        }
    }

    @Test
    void shouldRefuseAnotherCoreApiMajor() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "api=3.1");
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final Availability availability = backend.availability();

            assertFalse(availability.available());
            assertTrue(availability.reason().startsWith("QNN core API 3.1 not accepted (need 2.x, x >= 10)"),
                availability.reason());
        }
    }

    @Test
    void shouldRefuseACoreApiBelowTheFloor() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "api=2.9");
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            assertFalse(backend.availability().available());
            assertTrue(backend.availability().reason().startsWith("QNN core API 2.9 not accepted"),
                backend.availability().reason());
        }
    }

    @Test
    void shouldRefuseABackendWhoseReportedApiContradictsItsProvider() throws Exception
    {
        final QnnTestDouble qnn =
            QnnTestDouble.install(dir, "api=2.29", "backend_api=5.29", "reported_backend_api=6.0");
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            assertFalse(backend.availability().available());
            assertTrue(backend.availability().reason().contains("contradicts itself: its provider announces core " +
                "API 2.29, backend API 5.29; backendGetApiVersion says core 2.29, backend 6.0"),
                backend.availability().reason());
        }
    }

    @Test
    void shouldRefuseABinaryBuiltWithANewerQnnThanTheBackendServes() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "api=2.20");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final TensorArena arena = arena(graph);

            final BackendException ex = assertThrows(BackendException.class, () -> backend.prepare(graph, arena));

            assertTrue(ex.getMessage().contains("built with QNN 2.29 but the backend serves core API 2.20"),
                ex.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldCallQnnInOrderShareOneContextAndFreeInReverse() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final byte[] binary = QnnTestDouble.contextBinary(
            new QnnTestDouble.Graph("encoder_graph", 1, 0, List.of(int8("x", 16)), List.of(int8("latent", 16))),
            new QnnTestDouble.Graph("rollout_graph", 1, 0, List.of(int8("latent", 16)), List.of(int8("y", 16))));
        final GraphSpec encoder = graph("encoder", "encoder_graph", "2.29", binary, "x", "latent");
        final GraphSpec rollout = graph("rollout", "rollout_graph", "2.29", binary, "latent", "y");
        final TensorArena arena = new TensorArena();
        arena.bind(encoder);
        arena.bind(rollout);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph e = backend.prepare(encoder, arena);
            final PreparedGraph r = backend.prepare(rollout, arena);
            e.execute();
            r.execute();
            assertNull(backend.powerWarning());
        }

        assertEquals(List.of(
            "QnnInterface_getProviders",
            "backendGetApiVersion",
            "backendGetBuildId",
            "logCreate level=2",
            "backendCreate",
            "deviceCreate arch=73 soc=none",
            "deviceGetInfrastructure",
            "createPowerConfigId device=0 core=0",
            "setPowerConfig option=1 mode=0x10 dcvs=0 corner=0xa0 sleep_disable=1",
            "contextCreateFromBinary priority=100",
            "graphRetrieve encoder_graph",
            "graphRetrieve rollout_graph",
            "graphExecute encoder_graph",
            "graphExecute rollout_graph",
            "contextFree",
            "destroyPowerConfigId 7",
            "deviceFree",
            "backendFree",
            "logFree"), qnn.calls(), "one context for both graphs of one binary; frees in reverse");
    }

    @Test
    void shouldAskThePowerSaverModeAsTheProfileSays() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.POWER_SAVER), SOC))
        {
            backend.prepare(graph, arena(graph)).close();
        }

        assertEquals(List.of("setPowerConfig option=1 mode=0x4 dcvs=1 corner=0x40 sleep_disable=0"),
            qnn.calls("setPowerConfig"));
    }

    @Test
    void shouldRunWithoutAPerformanceInfrastructureAndSaySo() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "no_infrastructure=1");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena(graph));
            prepared.execute();

            assertTrue(backend.powerWarning().contains("no HTP performance infrastructure"), backend.powerWarning());
        }
        assertEquals(List.of(), qnn.calls("createPowerConfigId"));
        assertEquals(List.of(), qnn.calls("destroyPowerConfigId"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // What prepare refuses
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseAPackageWithoutABinaryForTheSoc() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec other = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final GraphSpec graph = new GraphSpec(other.role(), other.file(), other.sha256(), other.inputs(),
            other.outputs(), true, null, Map.of("SA8775P", other.qnnFor(SOC)));
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().contains("package has no QNN context binary for SA8650P"), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseABinaryCompiledForAnotherHtp() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final HardwareProfile.Npu v81 = new HardwareProfile.Npu("v81", HardwareProfile.Npu.SOC_MODEL_UNSET, 320,
            "test", 0, true, qnn.path().toString(), null, PerformanceMode.BURST, 8, ContextPriority.NORMAL, dir);
        try (QnnDirectBackend backend = new QnnDirectBackend(v81, SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().contains("was compiled for HTP v73, the profile's HTP is v81"), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseASidecarThatDescribesAnotherGraph() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final byte[] binary = singleGraphBinary();
        final GraphSpec declared = graph("rollout", "rollout_graph", "2.29", binary);
        final QnnGraph sidecar = declared.qnnFor(SOC);
        final QnnGraph wrongShape = new QnnGraph(sidecar.soc(), sidecar.htpArch(), sidecar.qnnApi(),
            sidecar.binaryFile(), sidecar.binarySha256(), sidecar.graphName(),
            List.of(new QnnTensor(1, "x", "int8", new long[]{1, 15}, IN_SCALE, IN_OFFSET)), sidecar.outputs(), binary);
        final GraphSpec graph = new GraphSpec(declared.role(), declared.file(), declared.sha256(), declared.inputs(),
            declared.outputs(), true, null, Map.of(SOC, wrongShape));
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().contains("input 0 as x[1, 15], the graph as x[1, 16]"), ex.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Device and context configs from the profile
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldCreateTheDeviceForTheProfilesHtpArchAndGiveNoSocModelWhenTheProfileHasNone() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "htp_arch=81");
        final GraphSpec graph = onHtp(graph("rollout", "rollout_graph", "2.29", singleGraphBinary()), "v81");
        try (QnnDirectBackend backend = new QnnDirectBackend(npu(qnn, "v81", 0, ContextPriority.NORMAL), SOC))
        {
            backend.prepare(graph, arena(graph)).execute();
        }

        assertEquals(List.of("deviceCreate arch=81 soc=none"), qnn.calls("deviceCreate"));
    }

    @Test
    void shouldGiveTheDeviceTheProfilesSocModelWhenTheProfileHasOne() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "soc_model=60");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(npu(qnn, "v73", 60, ContextPriority.NORMAL), SOC))
        {
            backend.prepare(graph, arena(graph)).execute();
        }

        assertEquals(List.of("deviceCreate arch=73 soc=60"), qnn.calls("deviceCreate"));
    }

    @Test
    void shouldCreateAndReCreateEveryContextWithTheProfilesPriorityAsQnnNumbersIt() throws Exception
    {
        final Map<ContextPriority, Integer> qnnPriority = Map.of(ContextPriority.LOW, 0, ContextPriority.NORMAL, 100,
            ContextPriority.NORMAL_HIGH, 150, ContextPriority.HIGH, 200);
        for (final ContextPriority priority : ContextPriority.values())
        {
            final int expected = qnnPriority.get(priority);
            final QnnTestDouble qnn = QnnTestDouble.install(Files.createDirectories(dir.resolve(priority.toString())),
                "context_priority=" + expected, "execute_error=1007@2");
            final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
            try (QnnDirectBackend backend = new QnnDirectBackend(npu(qnn, "v73", 0, priority), SOC))
            {
                final PreparedGraph prepared = backend.prepare(graph, arena(graph));
                prepared.execute();
                assertThrows(BackendException.class, prepared::execute);
                prepared.execute();
                assertEquals(1, backend.contextRecreations(), priority.toString());
            }

            assertEquals(List.of("contextCreateFromBinary priority=" + expected,
                "contextCreateFromBinary priority=" + expected), qnn.calls("contextCreateFromBinary"),
                priority + ": the first context and the one re-created after the subsystem restart");
        }
    }

    @Test
    void shouldBeRefusedByTheDoubleWhenTheProfilesHtpArchIsNotTheBoards() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "htp_arch=75");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().startsWith("qnn [rollout]: deviceCreate failed: error 1004 " +
                "(QNN_COMMON_ERROR_INVALID_ARGUMENT); device config: HTP arch v73 (npu.htp_arch), no SoC model"),
                ex.getMessage());
        }
        assertEquals(List.of("deviceCreate refused: HTP arch 73 where the test configured 75"),
            qnn.calls("deviceCreate refused"));
    }

    @Test
    void shouldBeRefusedByTheDoubleWhenTheArchIsNoValueOfQnnsArchEnum() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "htp_arch=77");
        final GraphSpec graph = onHtp(graph("rollout", "rollout_graph", "2.29", singleGraphBinary()), "v77");
        try (QnnDirectBackend backend = new QnnDirectBackend(npu(qnn, "v77", 0, ContextPriority.NORMAL), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().contains("deviceCreate failed: error 1004"), ex.getMessage());
        }
        assertEquals(List.of("deviceCreate refused: device config 0: ARCH 77 for device 0 (given once): not one " +
            "QnnHtpDevice_Arch_t value for device 0"), qnn.calls("deviceCreate refused"));
    }

    @Test
    void shouldBeRefusedByTheDoubleWhenTheSocModelIsOneTheBoardWasNotGiven() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(npu(qnn, "v73", 60, ContextPriority.NORMAL), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().contains(
                "device config: HTP arch v73 (npu.htp_arch), SoC model 60 (npu.soc_model)"), ex.getMessage());
        }
        assertEquals(List.of("deviceCreate refused: SoC model 60 where the test configured 0 (0: none)"),
            qnn.calls("deviceCreate refused"));
    }

    @Test
    void shouldBeRefusedByTheDoubleWhenTheContextPriorityIsNotTheProfilesAndSayWhichWasGiven() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "context_priority=150");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().startsWith("qnn [rollout]: contextCreateFromBinary failed: error 1004 " +
                "(QNN_COMMON_ERROR_INVALID_ARGUMENT); context config: QNN priority 100 (npu.context_priority)"),
                ex.getMessage());
        }
        assertEquals(List.of("contextCreateFromBinary refused: priority 100 where the test configured 150"),
            qnn.calls("contextCreateFromBinary refused"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldNameTheCallAndTheCodeWhenTheBackendCannotBeCreatedAndFreeTheLog() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "backend_error=1002");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().startsWith(
                "qnn [rollout]: backendCreate failed: error 1002 (QNN_COMMON_ERROR_MEM_ALLOC)"), ex.getMessage());
        }
        final List<String> calls = qnn.calls();
        assertEquals(List.of("logCreate level=2", "backendCreate", "logFree"),
            calls.subList(calls.indexOf("logCreate level=2"), calls.size()));
    }

    @Test
    void shouldNameTheCallAndTheCodeWhenTheDeviceCannotBeCreatedAndFreeWhatWasCreated() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "device_error=14001");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().startsWith(
                "qnn [rollout]: deviceCreate failed: error 14001 (a QNN device error)"), ex.getMessage());
        }
        final List<String> calls = qnn.calls();
        assertEquals(List.of("logCreate level=2", "backendCreate", "deviceCreate arch=73 soc=none", "backendFree",
            "logFree"),
            calls.subList(calls.indexOf("logCreate level=2"), calls.size()));
    }

    @Test
    void shouldNameTheCallAndTheCodeWhenTheContextCannotBeCreated() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "context_error=5001@1");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final BackendException ex =
                assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));

            assertTrue(ex.getMessage().startsWith(
                "qnn [rollout]: contextCreateFromBinary failed: error 5001 (a QNN context error)"), ex.getMessage());
            assertTrue(ex.getMessage().contains("compiled for SA8650P v73 with QNN 2.29"), ex.getMessage());
        }
    }

    @Test
    void shouldRefuseATruncatedOrGarbageBinaryAndStayUsable() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final byte[] whole = singleGraphBinary();
        final byte[] garbage = new byte[4096];
        new java.util.Random(7).nextBytes(garbage);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final GraphSpec good = graph("rollout", "rollout_graph", "2.29", whole);
            for (final byte[] bad : List.of(java.util.Arrays.copyOf(whole, whole.length / 3), garbage, new byte[0]))
            {
                // The sidecar of the good binary, with bytes that are not that binary.
                final QnnGraph q = good.qnnFor(SOC);
                final GraphSpec graph = new GraphSpec(good.role(), good.file(), good.sha256(), good.inputs(),
                    good.outputs(), true, null, Map.of(SOC, new QnnGraph(q.soc(), q.htpArch(), q.qnnApi(),
                    q.binaryFile(), "sha-" + java.util.Arrays.hashCode(bad), q.graphName(), q.inputs(), q.outputs(),
                    bad)));
                final BackendException ex =
                    assertThrows(BackendException.class, () -> backend.prepare(graph, arena(graph)));
                assertTrue(ex.getMessage().startsWith("qnn [rollout]: contextCreateFromBinary failed: error "),
                    ex.getMessage());
            }
            // The library is still up: the good binary after the bad ones prepares and runs.
            try (PreparedGraph prepared = backend.prepare(good, arena(good)))
            {
                prepared.execute();
            }
        }
    }

    @Test
    void shouldNameTheCallAndTheCodeWhenARunFailsAndThrowTheSameExceptionEachTime() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "execute_error=1003@2-");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena(graph));
            prepared.execute();

            final BackendException first = assertThrows(BackendException.class, prepared::execute);
            final BackendException second = assertThrows(BackendException.class, prepared::execute);

            assertEquals("qnn [rollout]: graphExecute failed: error 1003 (QNN_COMMON_ERROR_SYSTEM)",
                first.getMessage());
            assertSame(first, second, "one exception per distinct failure, made once");
            assertEquals(0, backend.contextRecreations(), "only the subsystem restart error re-creates the context");
        }
    }

    @Test
    void shouldBeRefusedByTheDoubleWhenTheSidecarDisagreesWithTheBinarysQuantization() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final byte[] binary = singleGraphBinary();
        final GraphSpec declared = graph("rollout", "rollout_graph", "2.29", binary);
        final QnnGraph sidecar = declared.qnnFor(SOC);
        final QnnGraph otherScale = new QnnGraph(sidecar.soc(), sidecar.htpArch(), sidecar.qnnApi(),
            sidecar.binaryFile(), sidecar.binarySha256(), sidecar.graphName(),
            List.of(new QnnTensor(1, "x", "int8", new long[]{1, 16}, 2 * IN_SCALE, IN_OFFSET)), sidecar.outputs(), binary);
        final GraphSpec graph = new GraphSpec(declared.role(), declared.file(), declared.sha256(), declared.inputs(),
            declared.outputs(), true, null, Map.of(SOC, otherScale));
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena(graph));

            final BackendException ex = assertThrows(BackendException.class, prepared::execute);

            assertEquals("qnn [rollout]: graphExecute failed: error 1004 (QNN_COMMON_ERROR_INVALID_ARGUMENT)",
                ex.getMessage());
        }
        assertEquals(List.of("graphExecute refused: tensor 'x': quantize params 1/0 scale 0.125 offset -3, not " +
            "scale 0.0625 offset -3"), qnn.calls("graphExecute refused"));
    }

    @Test
    void shouldPassTheSidecarsTensorIdsWhichTheDoubleChecksAgainstItsBinary() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final byte[] binary = singleGraphBinary();
        final GraphSpec declared = graph("rollout", "rollout_graph", "2.29", binary);
        final QnnGraph sidecar = declared.qnnFor(SOC);
        final QnnGraph otherId = new QnnGraph(sidecar.soc(), sidecar.htpArch(), sidecar.qnnApi(),
            sidecar.binaryFile(), sidecar.binarySha256(), sidecar.graphName(),
            List.of(new QnnTensor(7, "x", "int8", new long[]{1, 16}, IN_SCALE, IN_OFFSET)), sidecar.outputs(), binary);
        final GraphSpec graph = new GraphSpec(declared.role(), declared.file(), declared.sha256(), declared.inputs(),
            declared.outputs(), true, null, Map.of(SOC, otherId));
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena(graph));

            assertThrows(BackendException.class, prepared::execute);
        }
        assertEquals(List.of("graphExecute refused: tensor 'x': id 7 where the binary has 1"),
            qnn.calls("graphExecute refused"));
    }

    @Test
    void shouldRecreateTheContextAfterASubsystemRestartAndRunAgain() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "execute_error=1007@3");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena);
            final float[] input = fill(arena.floats("x"), 5);
            prepared.execute();
            prepared.execute();

            final BackendException ex = assertThrows(BackendException.class, prepared::execute);

            assertTrue(ex.getMessage().startsWith("qnn [rollout]: graphExecute failed: error 1007 " +
                "(QNN_COMMON_ERROR_SYSTEM_COMMUNICATION): the DSP subsystem restarted; the context was re-created"),
                ex.getMessage());
            assertEquals(1, backend.contextRecreations());

            arena.floats("y").put(0, Float.NaN);
            prepared.execute();
            prepared.execute();
            assertArrayEquals(expectedInt8(input, 32), floats(arena.floats("y")), "the re-created context runs");
        }
        final List<String> calls = qnn.calls();
        final int lost = calls.indexOf("graphExecute rollout_graph injected error 1007");
        assertEquals(List.of("contextFree", "contextCreateFromBinary priority=100", "graphRetrieve rollout_graph",
            "graphExecute rollout_graph"), calls.subList(lost + 1, lost + 5),
            "the lost context is freed and created again from the binary; the graph is retrieved anew");
    }

    @Test
    void shouldTryTheReCreationAgainOnTheNextRunWhenItFailed() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "execute_error=1007@2", "context_error=1002@2");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena(graph));
            prepared.execute();

            final BackendException ex = assertThrows(BackendException.class, prepared::execute);

            assertEquals("qnn [rollout]: contextCreateFromBinary failed: error 1002 (QNN_COMMON_ERROR_MEM_ALLOC) " +
                "while re-creating the context after a subsystem restart; tried again on the next run",
                ex.getMessage());
            assertEquals(0, backend.contextRecreations());

            prepared.execute();

            assertEquals(1, backend.contextRecreations());
        }
        assertEquals(List.of("contextCreateFromBinary priority=100", "contextCreateFromBinary priority=100",
            "contextCreateFromBinary injected error 1002", "contextCreateFromBinary priority=100"),
            qnn.calls("contextCreateFromBinary"));
    }

    @Test
    void shouldRegisterRpcmemBuffersOnceAndAgainWithAReCreatedContext() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir, "rpcmem=1", "execute_error=1007@2");
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            assertTrue(backend.availability().reason().contains("rpcmem"), backend.availability().reason());
            final PreparedGraph prepared = backend.prepare(graph, arena);
            final float[] input = fill(arena.floats("x"), 9);
            prepared.execute();
            assertArrayEquals(expectedInt8(input, 32), floats(arena.floats("y")));
            assertThrows(BackendException.class, prepared::execute);

            prepared.execute();

            assertArrayEquals(expectedInt8(input, 32), floats(arena.floats("y")), "shared buffers re-registered");
        }
        final List<String> calls = qnn.calls();
        final List<String> memory = new ArrayList<>();
        for (final String call : calls)
        {
            if (call.startsWith("rpcmem") || call.startsWith("mem") || call.startsWith("context") ||
                call.startsWith("graphRetrieve"))
            {
                memory.add(call);
            }
        }
        assertEquals(List.of(
            "contextCreateFromBinary priority=100",
            "rpcmem_alloc heap=25 flags=1 size=16",
            "memRegister fd=1000 size=16",
            "rpcmem_alloc heap=25 flags=1 size=32",
            "memRegister fd=1001 size=32",
            "graphRetrieve rollout_graph",
            "contextFree",
            "contextCreateFromBinary priority=100",
            "graphRetrieve rollout_graph",
            "memRegister fd=1000 size=16",
            "memRegister fd=1001 size=32",
            "memDeRegister fd=1000",
            "rpcmem_free fd=1000",
            "memDeRegister fd=1001",
            "rpcmem_free fd=1001",
            "contextFree"), memory);
    }

    @Test
    void shouldFallBackToClientBuffersWhereRpcmemHasNoBuffers() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena);
            final float[] input = fill(arena.floats("x"), 4);

            prepared.execute();

            assertArrayEquals(expectedInt8(input, 32), floats(arena.floats("y")));
        }
        assertEquals(List.of(), qnn.calls("memRegister"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Numbers
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldQuantizeInputsAndDequantizeOutputsWithTheSidecarsScaleAndOffset() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena);
            for (int run = 0; run < 5; run++)
            {
                final float[] input = fill(arena.floats("x"), run);

                prepared.execute();

                assertArrayEquals(expectedInt8(input, 32), floats(arena.floats("y")), "run " + run);
            }
        }
    }

    @Test
    void shouldCopyFloat32TensorsAsTheyAre() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final QnnTensor in = new QnnTensor(1, "f", "float32", new long[]{1, 4}, 1, 0);
        final QnnTensor out = new QnnTensor(2, "g", "float32", new long[]{1, 8}, 1, 0);
        final byte[] binary = QnnTestDouble.contextBinary(
            new QnnTestDouble.Graph("float_graph", 0.5, 2, List.of(in), List.of(out)));
        final GraphSpec graph = graph("rollout", "float_graph", "2.29", binary, "f", "g");
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            arena.floats("f").put(new float[]{1.5f, -3f, 1e-7f, 1e30f});
            backend.prepare(graph, arena).execute();

            final float[] expected = new float[8];
            final float[] input = {1.5f, -3f, 1e-7f, 1e30f};
            for (int i = 0; i < 8; i++)
            {
                expected[i] = (float)(0.5 * input[i % 4] + 2);
            }
            assertArrayEquals(expected, floats(arena.floats("g")));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Allocation
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldAllocateNothingPerRun() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(dir);
        final GraphSpec graph = graph("rollout", "rollout_graph", "2.29", singleGraphBinary());
        final TensorArena arena = arena(graph);
        try (QnnDirectBackend backend = new QnnDirectBackend(qnn.npu(PerformanceMode.BURST), SOC))
        {
            final PreparedGraph prepared = backend.prepare(graph, arena);
            fill(arena.floats("x"), 1);
            // As ZeroAllocationTest measures a tick: each run bracketed, 2,000 of warm-up, 10,000 counted.
            long allocated = 0;
            for (int run = 1; run <= 12_000; run++)
            {
                final long before = TickStats.threadAllocatedBytes();
                prepared.execute();
                final long after = TickStats.threadAllocatedBytes();
                if (run > 2_000)
                {
                    allocated += after - before;
                }
            }
            final double perRun = allocated / 10_000.0;
            System.out.printf("qnn bridge: %.4f bytes allocated per run over 10,000 runs%n", perRun);

            assertTrue(perRun < 0.5, "bytes allocated per run (one object per run fails): " + perRun);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers
    // ---------------------------------------------------------------------------------------------------------

    private static QnnTensor int8(final String name, final int n)
    {
        // Any id serves, as long as the binary and the sidecar are written from the same tensor.
        return new QnnTensor(name.hashCode() & 0xFFFF, name, "int8", new long[]{1, n}, IN_SCALE, IN_OFFSET);
    }

    /**
     * One graph: x int8[1,16] in, y int8[1,32] out with its own scale and offset.
     */
    private static byte[] singleGraphBinary()
    {
        return QnnTestDouble.contextBinary(new QnnTestDouble.Graph("rollout_graph", A, B,
            List.of(new QnnTensor(1, "x", "int8", new long[]{1, 16}, IN_SCALE, IN_OFFSET)),
            List.of(new QnnTensor(2, "y", "int8", new long[]{1, 32}, OUT_SCALE, OUT_OFFSET))));
    }

    /**
     * A graph whose sidecar and binary hold the tensors the binary's text names; the graph's own tensors are the
     * float32 view of the same names and shapes, as a QDQ ONNX graph has them.
     */
    static GraphSpec graph(
        final String role, final String graphName, final String qnnApi, final byte[] binary, final String... names)
    {
        final String in = names.length > 0 ? names[0] : "x";
        final String out = names.length > 1 ? names[1] : "y";
        final List<QnnTensor> inputs = new ArrayList<>();
        final List<QnnTensor> outputs = new ArrayList<>();
        final String text = new String(binary, java.nio.charset.StandardCharsets.US_ASCII);
        boolean inGraph = false;
        for (final String line : text.split("\n"))
        {
            final String[] f = line.split(" ");
            if (f[0].equals("graph"))
            {
                inGraph = f[1].equals(graphName);
            }
            else if (inGraph && (f[0].equals("in") || f[0].equals("out")))
            {
                final long[] shape = new long[f.length - 6];
                for (int i = 0; i < shape.length; i++)
                {
                    shape[i] = Long.parseLong(f[6 + i]);
                }
                final QnnTensor t = new QnnTensor(Long.parseLong(f[2]), f[1], f[3], shape, Double.parseDouble(f[4]),
                    Integer.parseInt(f[5]));
                (f[0].equals("in") ? inputs : outputs).add(t);
            }
        }
        assertEquals(in, inputs.get(0).name());
        assertEquals(out, outputs.get(0).name());
        final QnnGraph qnn = new QnnGraph(SOC, "v73", qnnApi, Path.of("/pkg/" + role + ".sa8650p.bin"),
            "sha-" + java.util.Arrays.hashCode(binary), graphName, inputs, outputs, binary);
        return new GraphSpec(role, Path.of("/pkg/" + role + ".onnx"), "0".repeat(64), floats(inputs), floats(outputs),
            true, null, Map.of(SOC, qnn));
    }

    /**
     * The same graph with its context binary declared as compiled for another HTP generation.
     */
    private static GraphSpec onHtp(final GraphSpec graph, final String htpArch)
    {
        final QnnGraph q = graph.qnnFor(SOC);
        final QnnGraph other = new QnnGraph(q.soc(), htpArch, q.qnnApi(), q.binaryFile(), q.binarySha256(),
            q.graphName(), q.inputs(), q.outputs(), q.binary());
        return new GraphSpec(graph.role(), graph.file(), graph.sha256(), graph.inputs(), graph.outputs(), true, null,
            Map.of(SOC, other));
    }

    private static HardwareProfile.Npu npu(
        final QnnTestDouble qnn, final String htpArch, final int socModel, final ContextPriority priority)
    {
        return new HardwareProfile.Npu(htpArch, socModel, 100, "test", 0, true, qnn.path().toString(), null,
            PerformanceMode.BURST, 8, priority, Path.of("/nonexistent/qnn-cache"));
    }

    private static List<TensorSpec> floats(final List<QnnTensor> tensors)
    {
        final List<TensorSpec> specs = new ArrayList<>();
        for (final QnnTensor t : tensors)
        {
            specs.add(new TensorSpec(t.name(), "float32", t.shape()));
        }
        return specs;
    }

    private static TensorArena arena(final GraphSpec graph)
    {
        final TensorArena arena = new TensorArena();
        arena.bind(graph);
        return arena;
    }

    /**
     * Seeded values over and beyond the int8 range of the input's scale, NaN and infinities included.
     */
    private static float[] fill(final FloatBuffer buffer, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final float[] values = new float[buffer.capacity()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = (float)(random.nextDouble() * 20 - 10);
        }
        values[0] = Float.NaN;
        values[1] = Float.POSITIVE_INFINITY;
        values[2] = Float.NEGATIVE_INFINITY;
        values[3] = 2.5f * IN_SCALE;
        buffer.put(0, values);
        return values;
    }

    private static float[] floats(final FloatBuffer buffer)
    {
        final float[] values = new float[buffer.capacity()];
        buffer.get(0, values);
        return values;
    }

    /**
     * QNN's convention computed here, independently of the bridge: q = clamp(rint(x / scale) - offset), the
     * double's op on the integers, then real = scale * (q + offset).
     */
    private static float[] expectedInt8(final float[] input, final int outputs)
    {
        final int[] q = new int[input.length];
        for (int i = 0; i < input.length; i++)
        {
            float v = input[i] / IN_SCALE;
            if (Float.isNaN(v))
            {
                v = 0;
            }
            q[i] = (int)Math.max(-128, Math.min(127, (long)Math.rint(Math.max(-4e9f, Math.min(4e9f, v))) - IN_OFFSET));
        }
        final float[] out = new float[outputs];
        for (int i = 0; i < outputs; i++)
        {
            final double y = Math.max(-128, Math.min(127, Math.rint(A * q[i % q.length] + B)));
            out[i] = OUT_SCALE * (float)((int)y + OUT_OFFSET);
        }
        return out;
    }
}
