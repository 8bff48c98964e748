package io.wmrt.backend;

import io.wmrt.TestRepo;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.profile.PerformanceMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every key of the profile's npu section reaches the QNN execution provider, spelt as the provider spells it.
 */
class QnnProviderOptionsTest
{
    @Test
    void shouldPassEveryNpuKeyOfTheSa8650pProfile() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("sa8650p"));

        assertEquals(List.of(
            Map.entry("backend_path", "libQnnHtp.so"),
            Map.entry("htp_performance_mode", "burst"),
            Map.entry("htp_arch", "73"),
            Map.entry("enable_htp_fp16_precision", "1"),
            Map.entry("vtcm_mb", "8"),
            Map.entry("qnn_context_priority", "normal")),
            List.copyOf(QnnProviderOptions.forNpu(profile.npu()).entrySet()));
    }

    @Test
    void shouldSpellTheSa8797pGenerationAsDigits() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("sa8797p"));

        assertEquals("81", QnnProviderOptions.forNpu(profile.npu()).get("htp_arch"));
    }

    @Test
    void shouldFollowEveryValueOfTheProfile()
    {
        final Map<String, String> options = QnnProviderOptions.forNpu(npu("/opt/qnn/lib/libQnnHtp.so", "v75", false,
            PerformanceMode.SUSTAINED_HIGH_PERFORMANCE, 4, ContextPriority.NORMAL_HIGH));

        assertEquals("/opt/qnn/lib/libQnnHtp.so", options.get("backend_path"));
        assertEquals("sustained_high_performance", options.get("htp_performance_mode"));
        assertEquals("75", options.get("htp_arch"));
        assertEquals("0", options.get("enable_htp_fp16_precision"));
        assertEquals("4", options.get("vtcm_mb"));
        assertEquals("normal_high", options.get("qnn_context_priority"));
    }

    @Test
    void shouldLeaveSocModelUnsetForWantOfADocumentedNumber() throws Exception
    {
        for (final String soc : List.of("sa8650p", "sa8797p"))
        {
            final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile(soc));
            assertFalse(QnnProviderOptions.forNpu(profile.npu()).containsKey("soc_model"), soc);
        }
    }

    @Test
    void shouldPassTheSocModelRightAfterTheArchWhenTheProfileGivesOne()
    {
        final HardwareProfile.Npu given = npu("libQnnHtp.so", "v73", true, PerformanceMode.BURST, 8,
            ContextPriority.NORMAL);
        final HardwareProfile.Npu npu = new HardwareProfile.Npu(given.htpArch(), 60, given.denseInt8Tops(),
            given.topsSource(), given.topsUncertaintyPct(), given.fp16(), given.backendPath(), given.ortEpLibrary(),
            given.performanceMode(), given.vtcmMb(), given.contextPriority(), given.contextCacheDir());

        assertEquals(List.of("backend_path", "htp_performance_mode", "htp_arch", "soc_model",
            "enable_htp_fp16_precision", "vtcm_mb", "qnn_context_priority"),
            List.copyOf(QnnProviderOptions.forNpu(npu).keySet()));
        assertEquals("60", QnnProviderOptions.forNpu(npu).get("soc_model"));
    }

    @Test
    void shouldRefuseAnHtpArchThatIsNotAGeneration()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () ->
            QnnProviderOptions.forNpu(npu("libQnnHtp.so", "hexagon", true, PerformanceMode.BURST, 8,
                ContextPriority.NORMAL)));

        assertTrue(ex.getMessage().contains("npu.htp_arch 'hexagon'"), ex.getMessage());
    }

    @Test
    void shouldAlwaysDisableTheCpuFallback()
    {
        assertEquals(Map.of("session.disable_cpu_ep_fallback", "1"), QnnProviderOptions.sessionEntries());
    }

    @Test
    void shouldEmbedTheContextBinaryInTheContextModelItGenerates()
    {
        assertEquals(List.of(
            Map.entry("ep.context_enable", "1"),
            Map.entry("ep.context_file_path", "/c/x_ctx.onnx"),
            Map.entry("ep.context_embed_mode", "1")),
            List.copyOf(QnnProviderOptions.generateEntries("/c/x_ctx.onnx").entrySet()));
    }

    static HardwareProfile.Npu npu(
        final String backendPath, final String htpArch, final boolean fp16, final PerformanceMode mode,
        final int vtcmMb, final ContextPriority priority)
    {
        return new HardwareProfile.Npu(htpArch, HardwareProfile.Npu.SOC_MODEL_UNSET, 100, "test", 30, fp16,
            backendPath, "libonnxruntime_providers_qnn.so", mode, vtcmMb, priority,
            Path.of("/nonexistent/wmrt-qnn-cache"));
    }
}
