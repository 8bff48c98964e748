package io.wmrt.backend;

import ai.onnxruntime.OrtException;
import io.wmrt.TestRepo;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.profile.PerformanceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which way into the QNN execution provider the backend takes (the plugin library, else QNN compiled into ONNX
 * Runtime), and the one line that says so, or why neither.
 */
class OrtQnnBackendTest
{
    private static final String PLUGIN = "libonnxruntime_providers_qnn.so";

    @TempDir
    Path tmp;

    @Test
    void shouldNameThePluginAndTheMissingBuiltInProviderOnThisMachine() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("sa8650p"));

        final Availability availability = new OrtQnnBackend(profile.soc(), profile.npu(), 1).availability();

        assertFalse(availability.available(), availability.reason());
        assertTrue(availability.reason().startsWith("plugin " + PLUGIN + ": "), availability.reason());
        assertTrue(availability.reason().contains("built-in: this ONNX Runtime (1.24.1) has no QNN provider"),
            availability.reason());
    }

    @Test
    void shouldListOnnxRuntimesDevicesAndRefuseALibraryThatIsNoPluginWithTheRealProvider() throws Exception
    {
        final OnnxRuntimeQnnProvider provider = new OnnxRuntimeQnnProvider();
        final Path notAPlugin = Files.writeString(tmp.resolve(PLUGIN), "not an ELF file");

        assertFalse(provider.hasBuiltInQnn());
        assertTrue(provider.devices().stream().anyMatch(d -> d.epName().equals("CPUExecutionProvider") &&
            d.deviceType().equals("CPU")), provider.devices().toString());
        final OrtException ex = assertThrows(OrtException.class, () -> provider.registerPlugin(notAPlugin.toString()));
        assertTrue(ex.getMessage().startsWith("cannot be loaded from " + notAPlugin + " ("), ex.getMessage());
        final OrtException missing = assertThrows(OrtException.class, () -> provider.registerPlugin(PLUGIN + ".0"));
        assertTrue(missing.getMessage().startsWith("not found (searched LD_LIBRARY_PATH="), missing.getMessage());
    }

    @Test
    void shouldSayThePluginIsMissingAndTheBuiltInProviderAbsent()
    {
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.pluginMissing = "not found (searched LD_LIBRARY_PATH= and /usr/lib)";

        final Availability availability = backend(provider, PLUGIN).availability();

        assertFalse(availability.available());
        assertEquals("plugin " + PLUGIN + ": not found (searched LD_LIBRARY_PATH= and /usr/lib); built-in: this ONNX " +
            "Runtime (1.24.1) has no QNN provider. A board needs Qualcomm's " + PLUGIN + " (or an ONNX Runtime " +
            "built with QNN) and the QNN SDK's libQnnHtp.so", availability.reason());
        assertFalse(Files.exists(tmp.resolve("cache")), "nothing written without a provider");
    }

    @Test
    void shouldUseTheBuiltInProviderWhenThePluginIsMissing() throws Exception
    {
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.pluginMissing = "not found (searched /usr/lib)";
        provider.builtIn = true;
        final OrtQnnBackend backend = backend(provider, PLUGIN);

        final Availability availability = backend.availability();

        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.reason().contains("with QNN compiled in (plugin " + PLUGIN +
            ": not found (searched /usr/lib))"), availability.reason());
        try (var options = backend.newSessionOptions(QnnContextLifecycleTest.graph("rollout")))
        {
            assertEquals(List.of("register " + PLUGIN, "addBuiltIn"), provider.calls);
        }
    }

    @Test
    void shouldUseTheBuiltInProviderWhenNoPluginIsConfigured()
    {
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.builtIn = true;

        final Availability availability = backend(provider, null).availability();

        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.reason().contains("QNN compiled in (plugin: none configured (npu.ort_ep_library))"),
            availability.reason());
        assertTrue(provider.calls.isEmpty(), "no plugin registered: " + provider.calls);
    }

    @Test
    void shouldSayNeitherWhenNoPluginIsConfiguredAndNoneIsBuiltIn()
    {
        final Availability availability = backend(new FakeQnnProvider(), null).availability();

        assertFalse(availability.available());
        assertTrue(availability.reason().startsWith("plugin: none configured (npu.ort_ep_library); built-in: this " +
            "ONNX Runtime (1.24.1) has no QNN provider"), availability.reason());
    }

    @Test
    void shouldRefuseAPluginThatOffersNoDeviceForTheHtp()
    {
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.devices = List.of(
            new OrtQnnProvider.Device(0, "CPUExecutionProvider", "", "CPU", "AMD"),
            new OrtQnnProvider.Device(1, OrtQnnProvider.EP_NAME, "2.3.0", "GPU", "Qualcomm"));

        final Availability availability = backend(provider, PLUGIN).availability();

        assertFalse(availability.available());
        assertTrue(availability.reason().startsWith("plugin " + PLUGIN + ": registered from " +
            FakeQnnProvider.PLUGIN_PATH + " but it offers no QNNExecutionProvider device on the NPU or the CPU " +
            "(ONNX Runtime lists: CPUExecutionProvider on CPU (AMD), QNNExecutionProvider 2.3.0 on GPU (Qualcomm))"),
            availability.reason());
        assertTrue(availability.reason().contains("built-in: this ONNX Runtime (1.24.1) has no QNN provider"));
    }

    @Test
    void shouldPickThePluginsNpuDeviceAndGiveItTheProfilesOptions() throws Exception
    {
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.devices = List.of(
            new OrtQnnProvider.Device(0, OrtQnnProvider.EP_NAME, "2.3.0", "CPU", "AMD"),
            new OrtQnnProvider.Device(1, OrtQnnProvider.EP_NAME, "2.3.0", "NPU", "Qualcomm"));
        final OrtQnnBackend backend = backend(provider, PLUGIN);

        final Availability availability = backend.availability();

        assertTrue(availability.available(), availability.reason());
        assertEquals("ONNX Runtime 1.24.1 with the QNN plugin " + FakeQnnProvider.PLUGIN_PATH +
            " (QNNExecutionProvider 2.3.0 on NPU (Qualcomm)), backend libQnnHtp.so, burst, context cache " +
            tmp.resolve("cache"), availability.reason());
        try (var options = backend.newSessionOptions(QnnContextLifecycleTest.graph("rollout")))
        {
            assertEquals("NPU", provider.addedDevice.deviceType());
            assertEquals(List.of(QnnProviderOptions.forNpu(npu(PLUGIN))), provider.providerOptions);
            assertEquals("1", options.getConfigEntries().get("session.disable_cpu_ep_fallback"));
        }
    }

    @Test
    void shouldTakeThePluginsCpuEntryWhereOnnxRuntimeDiscoversNoNpu()
    {
        // ONNX Runtime's Linux device discovery lists CPUs and GPUs only; the QNN plugin offers itself on the CPU
        // device there, and backend_path still selects the HTP.
        final FakeQnnProvider provider = new FakeQnnProvider();
        provider.devices = List.of(
            new OrtQnnProvider.Device(0, "CPUExecutionProvider", "", "CPU", "ARM"),
            new OrtQnnProvider.Device(1, OrtQnnProvider.EP_NAME, "2.3.0", "GPU", "Qualcomm"),
            new OrtQnnProvider.Device(2, OrtQnnProvider.EP_NAME, "2.3.0", "CPU", "ARM"));

        final Availability availability = backend(provider, PLUGIN).availability();

        assertTrue(availability.available(), availability.reason());
        assertTrue(availability.reason().contains("(QNNExecutionProvider 2.3.0 on CPU (ARM))"), availability.reason());
    }

    @Test
    void shouldCreateTheCacheDirectoryPrivateToItsUser() throws Exception
    {
        assertTrue(backend(new FakeQnnProvider(), PLUGIN).availability().available());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("cache"))));
    }

    @Test
    void shouldRefuseAGroupWritableCacheDirectoryNamingIt() throws Exception
    {
        Files.createDirectory(tmp.resolve("cache"), PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwxrwx---")));
        Files.setPosixFilePermissions(tmp.resolve("cache"), PosixFilePermissions.fromString("rwxrwx---"));

        final Availability availability = backend(new FakeQnnProvider(), PLUGIN).availability();

        assertFalse(availability.available());
        assertTrue(availability.reason().startsWith("QNN context cache refused: " + tmp.resolve("cache") +
            ": has mode 0770"), availability.reason());
        assertTrue(availability.reason().contains("a QNN context cache directory must be 0700"),
            availability.reason());
    }

    @Test
    void shouldRefuseACacheDirectoryThatIsALink() throws Exception
    {
        Files.createDirectory(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(tmp.resolve("cache"), tmp.resolve("elsewhere"));

        final Availability availability = backend(new FakeQnnProvider(), PLUGIN).availability();

        assertFalse(availability.available());
        assertTrue(availability.reason().contains(tmp.resolve("cache") + ": is a symbolic link"),
            availability.reason());
        assertTrue(availability.reason().contains("give npu.context_cache_dir the real path"), availability.reason());
    }

    private OrtQnnBackend backend(final FakeQnnProvider provider, final String plugin)
    {
        return new OrtQnnBackend("SA8650P", npu(plugin), 1, provider);
    }

    private HardwareProfile.Npu npu(final String plugin)
    {
        return new HardwareProfile.Npu("v73", HardwareProfile.Npu.SOC_MODEL_UNSET, 100, "test", 30, true,
            "libQnnHtp.so", plugin, PerformanceMode.BURST, 8, ContextPriority.NORMAL,
            tmp.resolve("cache"));
    }
}
