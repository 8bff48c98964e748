package io.wmrt.backend;

import ai.onnxruntime.OrtSession;
import io.wmrt.TestRepo;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.PerformanceMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The QNN context cache on the filesystem, start after start, with a fake provider that writes context models as
 * ONNX Runtime does: compiled once, loaded after, regenerated when what compiled it changes, rebuilt when damaged;
 * never skipped in favour of the CPU.
 */
class QnnContextLifecycleTest
{
    private static ModelPackage model;

    @TempDir
    Path tmp;

    private Path cache;
    private GraphSpec rollout;
    private Path ctx;

    @BeforeAll
    static void loadModel() throws Exception
    {
        model = ModelPackageLoader.load(TestRepo.model("cv-baseline-int8"), ModelPackageLoader.Trust.none());
    }

    static GraphSpec graph(final String role) throws Exception
    {
        if (null == model)
        {
            loadModel();
        }
        return model.graph(role);
    }

    @org.junit.jupiter.api.BeforeEach
    void names() throws Exception
    {
        cache = tmp.resolve("qnn");
        rollout = graph(ModelPackage.ROLLOUT);
        ctx = cache.resolve(rollout.sha256() + "-sa8650p-v73_ctx.onnx");
    }

    @Test
    void shouldCompileOnceThenLoadTheContextModelAndRunTheSameGraph() throws Exception
    {
        final FakeQnnProvider first = new FakeQnnProvider();
        final OrtQnnBackend compiling = backend(first, "SA8650P");

        final float[] compiled = NativeOrtBackendTest.run(compiling, model, 5);

        final Path encoderCtx = cache.resolve(model.graph(ModelPackage.ENCODER).sha256() + "-sa8650p-v73_ctx.onnx");
        assertEquals(List.of(
            "ort-qnn: encoder: compiled context cache " + encoderCtx,
            "ort-qnn: rollout: compiled context cache " + ctx), compiling.preparationEvents());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(ctx)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(meta())));
        assertEquals(List.of(), temporaryFiles(), "no temporary file left");

        // ONNX Runtime was asked to write a new file in the cache dir, never the one in place.
        final Map<String, String> generate = first.sessionEntries.get(1);
        final Path written = Path.of(generate.get("ep.context_file_path"));
        assertEquals(cache, written.getParent());
        assertTrue(written.getFileName().toString().startsWith("." + rollout.sha256() + "-sa8650p-v73."),
            written.toString());
        assertTrue(written.getFileName().toString().endsWith("_ctx.onnx"), written.toString());
        assertEquals("1", generate.get("ep.context_enable"));
        assertEquals("1", generate.get("ep.context_embed_mode"));
        assertEquals("1", generate.get("session.disable_cpu_ep_fallback"));

        final String recorded = Files.readString(meta());
        assertTrue(recorded.contains("graph_sha256=" + rollout.sha256() + "\n"), recorded);
        assertTrue(recorded.contains("soc=SA8650P\nhtp_arch=v73\nonnxruntime=1.24.1\n" +
            "qnn_provider=plugin QNNExecutionProvider 2.3.0\nqnn_backend=libQnnHtp.so"), recorded);
        assertTrue(recorded.contains("ctx_sha256=" + QnnContextCache.sha256(ctx) + "\n"), recorded);

        final FakeQnnProvider second = new FakeQnnProvider();
        final OrtQnnBackend loading = backend(second, "SA8650P");
        final float[] loaded = NativeOrtBackendTest.run(loading, model, 5);

        assertEquals(List.of(
            "ort-qnn: encoder: loaded context cache " + encoderCtx,
            "ort-qnn: rollout: loaded context cache " + ctx), loading.preparationEvents());
        assertEquals(0, second.count("compile"), second.calls.toString());
        assertFalse(second.sessionEntries.get(1).containsKey("ep.context_enable"), "loading generates nothing");
        assertEquals("1", second.sessionEntries.get(1).get("session.disable_cpu_ep_fallback"));
        assertArrayEquals(NativeOrtBackendTest.run(new OrtCpuBackend(1), model, 5), compiled);
        assertArrayEquals(compiled, loaded);
    }

    @Test
    void shouldRegenerateWhenTheQnnProviderVersionChanges() throws Exception
    {
        start(new FakeQnnProvider());
        final FakeQnnProvider updated = new FakeQnnProvider();
        updated.devices = List.of(new OrtQnnProvider.Device(0, OrtQnnProvider.EP_NAME, "2.4.0", "NPU", "Qualcomm"));

        assertEquals("ort-qnn: rollout: regenerated context cache " + ctx + " because QNN provider plugin " +
            "QNNExecutionProvider 2.3.0 -> plugin QNNExecutionProvider 2.4.0", start(updated));
        assertTrue(Files.readString(meta()).contains("qnn_provider=plugin QNNExecutionProvider 2.4.0\n"));
        assertEquals("ort-qnn: rollout: loaded context cache " + ctx, start(updated));
    }

    @Test
    void shouldRegenerateWhenTheQnnBackendLibraryChanges() throws Exception
    {
        // An SDK update (2.28 to 2.29) replaces libQnnHtp.so; QNN would refuse the old context binary.
        final Path lib = Files.createDirectories(tmp.resolve("qairt/lib"));
        Files.writeString(lib.resolve("libQnnHtp.so"), "QNN 2.28");
        final String v228 = QnnContextCache.sha256(lib.resolve("libQnnHtp.so")).substring(0, 16);
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.pluginPath = lib.resolve("libonnxruntime_providers_qnn.so").toString();
        start(provider);
        Files.writeString(lib.resolve("libQnnHtp.so"), "QNN 2.29");
        final String v229 = QnnContextCache.sha256(lib.resolve("libQnnHtp.so")).substring(0, 16);

        assertEquals("ort-qnn: rollout: regenerated context cache " + ctx + " because QNN backend library " +
            "libQnnHtp.so sha256:" + v228 + " -> libQnnHtp.so sha256:" + v229, start(provider));
    }

    @Test
    void shouldRegenerateWhenOnnxRuntimeChanges() throws Exception
    {
        start(new FakeQnnProvider());
        final FakeQnnProvider updated = new FakeQnnProvider();
        updated.onnxRuntimeVersion = "1.24.4";

        assertEquals("ort-qnn: rollout: regenerated context cache " + ctx + " because ONNX Runtime 1.24.1 -> 1.24.4",
            start(updated));
    }

    @Test
    void shouldRegenerateWhenTheMetadataRecordsAnotherGraph() throws Exception
    {
        start(new FakeQnnProvider());
        final String other = "0".repeat(64);
        Files.writeString(meta(), Files.readString(meta()).replace(rollout.sha256(), other));

        assertEquals("ort-qnn: rollout: regenerated context cache " + ctx + " because graph digest " + other +
            " -> " + rollout.sha256(), start(new FakeQnnProvider()));
    }

    @Test
    void shouldCompileAnotherContextForAnotherSocAndKeepTheFirst() throws Exception
    {
        start(new FakeQnnProvider());

        final OrtQnnBackend other = backend(new FakeQnnProvider(), "SA8775P");
        try (OrtSession ignored = other.openSession(rollout))
        {
            final Path otherCtx = cache.resolve(rollout.sha256() + "-sa8775p-v73_ctx.onnx");
            assertEquals(List.of("ort-qnn: rollout: compiled context cache " + otherCtx), other.preparationEvents());
        }
        assertEquals("ort-qnn: rollout: loaded context cache " + ctx, start(new FakeQnnProvider()));
    }

    @Test
    void shouldRebuildAContextModelWhoseDigestDiffers() throws Exception
    {
        start(new FakeQnnProvider());
        final byte[] damaged = Files.readAllBytes(ctx);
        damaged[damaged.length / 2] ^= 0x5a;
        Files.write(ctx, damaged);
        final String damagedDigest = QnnContextCache.sha256(ctx);
        final FakeQnnProvider provider = new FakeQnnProvider();

        final String event = start(provider);

        assertTrue(event.startsWith("ort-qnn: rollout: rebuilt context cache " + ctx + ": corrupt (sha256 " +
            damagedDigest + " differs from the "), event);
        assertTrue(event.endsWith(" its metadata records; set aside as " + ctx.getFileName() + ".corrupt)"), event);
        assertArrayEquals(damaged, Files.readAllBytes(cache.resolve(ctx.getFileName() + ".corrupt")));
        assertEquals(1, provider.count("compile"), "rebuilt on the NPU provider: " + provider.calls);
        assertEquals("ort-qnn: rollout: loaded context cache " + ctx, start(new FakeQnnProvider()));
    }

    @Test
    void shouldRebuildWhenTheMetadataCannotBeParsed() throws Exception
    {
        start(new FakeQnnProvider());
        Files.writeString(meta(), "format=1\ngraph_sha256\n");

        final String event = start(new FakeQnnProvider());

        assertTrue(event.startsWith("ort-qnn: rollout: rebuilt context cache " + ctx + ": corrupt (unparsable " +
            "metadata " + meta().getFileName() + ": line 2 is not a known key=value"), event);
        assertEquals("ort-qnn: rollout: loaded context cache " + ctx, start(new FakeQnnProvider()));
    }

    @Test
    void shouldRebuildAContextModelLeftWithoutMetadata() throws Exception
    {
        start(new FakeQnnProvider());
        Files.delete(meta());

        assertEquals("ort-qnn: rollout: rebuilt context cache " + ctx + ": corrupt (no metadata beside it (" +
            meta().getFileName() + "); set aside as " + ctx.getFileName() + ".corrupt)", start(new FakeQnnProvider()));
    }

    @Test
    void shouldRebuildAContextModelTheProviderRefuses() throws Exception
    {
        start(new FakeQnnProvider());
        final FakeQnnProvider refusing = new FakeQnnProvider();
        refusing.refuseContext = "QNN error 5000: context binary is incompatible";

        final String event = start(refusing);

        assertEquals("ort-qnn: rollout: rebuilt context cache " + ctx + ": corrupt (ONNX Runtime refused it: QNN " +
            "error 5000: context binary is incompatible; set aside as " + ctx.getFileName() + ".corrupt)", event);
        assertEquals(List.of("register libonnxruntime_providers_qnn.so", "addPlugin NPU", "load " + ctx.getFileName(),
            "addPlugin NPU", "compile"),
            refusing.calls.stream().map(c -> c.startsWith("compile") ? "compile" : c).toList(),
            "compiled again on the QNN provider, not run on the CPU");
    }

    @Test
    void shouldFailToPrepareWhenTheGraphCannotBeCompiledAndLeaveNothingBehind() throws Exception
    {
        final FakeQnnProvider failing = new FakeQnnProvider();
        failing.failCompile = "QNN graph finalize failed: op Foo not supported on HTP";
        final OrtQnnBackend backend = backend(failing, "SA8650P");
        final TensorArena arena = new TensorArena();
        arena.bind(rollout);

        final BackendException ex = assertThrows(BackendException.class, () -> backend.prepare(rollout, arena));

        assertTrue(ex.getMessage().contains("op Foo not supported on HTP"), ex.getMessage());
        assertEquals(List.of("ort-qnn: rollout: could not compile context cache " + ctx + ": QNN graph finalize " +
            "failed: op Foo not supported on HTP"), backend.preparationEvents());
        assertFalse(Files.exists(ctx));
        assertEquals(List.of(), temporaryFiles());
    }

    private String start(final FakeQnnProvider provider) throws Exception
    {
        final OrtQnnBackend backend = backend(provider, "SA8650P");
        try (OrtSession ignored = backend.openSession(rollout))
        {
            final List<String> events = backend.preparationEvents();
            assertEquals(1, events.size(), events.toString());
            return events.get(0);
        }
    }

    private OrtQnnBackend backend(final FakeQnnProvider provider, final String soc)
    {
        final OrtQnnBackend backend = new OrtQnnBackend(soc, new HardwareProfile.Npu("v73",
            HardwareProfile.Npu.SOC_MODEL_UNSET, 100, "test", 30, true, "libQnnHtp.so",
            "libonnxruntime_providers_qnn.so", PerformanceMode.BURST, 8, ContextPriority.NORMAL, cache), 1, provider);
        assertTrue(backend.availability().available(), backend.availability().reason());
        return backend;
    }

    private Path meta()
    {
        return cache.resolve(ctx.getFileName() + ".meta");
    }

    private List<String> temporaryFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(cache))
        {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".tmp_ctx.onnx")).toList();
        }
    }
}
