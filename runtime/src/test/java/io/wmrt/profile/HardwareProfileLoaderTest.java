package io.wmrt.profile;

import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed hardware profiles load as documented, and every malformed profile is refused with a message
 * that names the file, the dotted key and what is wrong. Variants are made by a textual edit of a committed
 * profile, so each test shows exactly what the user got wrong.
 */
class HardwareProfileLoaderTest
{
    private static final Path ROOT = TestRepo.root();
    private static final Path TRUSTED_KEY = ROOT.resolve("models/keys/wmrt-dev.pub");

    @TempDir
    Path dir;

    // ---------------------------------------------------------------------------------------------------------
    // The committed profiles
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldLoadSa8650pWithHtpV73At100TopsFromPressReports() throws Exception
    {
        final HardwareProfile p = HardwareProfileLoader.load(committed("sa8650p.yaml"));

        assertEquals("SA8650P", p.soc());
        assertTrue(p.hasNpu());
        assertEquals("v73", p.npu().htpArch());
        assertEquals(100.0, p.npu().denseInt8Tops());
        assertTrue(p.npu().topsSource().contains("press reports"), p.npu().topsSource());
        assertEquals(30.0, p.npu().topsUncertaintyPct());
        assertEquals("libQnnHtp.so", p.npu().backendPath());
        assertEquals(PerformanceMode.BURST, p.npu().performanceMode());
        assertEquals(8, p.cpu().cores());
        assertEquals(3, p.cpu().plannerCore());
        assertEquals(20.0, p.planner().tickHz());
        assertEquals(40.0, p.planner().deadlineMs());
        assertEquals(40_000_000L, p.planner().deadlineNs());
        assertEquals(50_000_000L, p.planner().tickPeriodNs());
        assertEquals(IdleStrategyKind.BUSY_SPIN, p.planner().idleStrategy());
        assertEquals(List.of("qnn", "ort-qnn", "ort-native", "ort-cpu"), p.dispatchOrder("encoder"));
        assertEquals(List.of("qnn", "ort-qnn", "ort-native", "ort-cpu"), p.dispatchOrder("rollout"));
        assertTrue(p.requireSignedModels());
        assertEquals(List.of(TRUSTED_KEY), p.trustedKeys(), "trusted keys resolve against the profile's directory");
        assertTrue(Files.isRegularFile(p.trustedKeys().get(0)));
    }

    @Test
    void shouldLoadSa8797pWithHtpV81At320TopsFromPressReports() throws Exception
    {
        final HardwareProfile p = HardwareProfileLoader.load(committed("sa8797p.yaml"));

        assertEquals("SA8797P", p.soc());
        assertTrue(p.hasNpu());
        assertEquals("v81", p.npu().htpArch());
        assertEquals(320.0, p.npu().denseInt8Tops());
        assertTrue(p.npu().topsSource().contains("press reports"), p.npu().topsSource());
        assertEquals(12, p.cpu().cores());
        assertEquals(List.of("qnn", "ort-qnn", "ort-native", "ort-cpu"), p.dispatchOrder("rollout"));
        assertTrue(p.requireSignedModels());
        assertEquals(List.of(TRUSTED_KEY), p.trustedKeys());
    }

    @Test
    void shouldLoadHostWithoutNpuAndCpuOnlyDispatch() throws Exception
    {
        final HardwareProfile p = HardwareProfileLoader.load(committed("host.yaml"));

        assertFalse(p.hasNpu());
        assertNull(p.npu());
        assertEquals(List.of("ort-native", "ort-cpu"), p.dispatch().get(HardwareProfileLoader.DEFAULT_ROLE));
        assertEquals(List.of("ort-native", "ort-cpu"), p.dispatchOrder("encoder"), "unnamed roles use the default order");
        assertEquals(List.of("ort-native", "ort-cpu"), p.dispatchOrder("rollout"));
        assertEquals(-1, p.cpu().plannerCore());
        assertEquals(IdleStrategyKind.BACKOFF, p.planner().idleStrategy());
        assertFalse(p.requireSignedModels());
        assertEquals(List.of(TRUSTED_KEY), p.trustedKeys());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Refusals: file, dotted key and reason in every message
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseUnknownTopLevelKey() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "soc: SA8650P\n", "soc: SA8650P\ncolour: red\n");
        refused(file, "colour", "unknown key");
    }

    @Test
    void shouldRefuseUnknownKeyInsideNpuSection() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  vtcm_mb: 8\n", "  vtcm_mb: 8\n  bogus: 1\n");
        refused(file, "npu.bogus", "unknown key");
    }

    @Test
    void shouldRefuseMisspeltKeyAsUnknownNotSilentlyDefaulted() throws Exception
    {
        // A misspelt optional-looking key must not be ignored: here 'planner_core' becomes 'plannr_core'.
        final Path file = variant("sa8650p.yaml", "  planner_core: 3 ", "  plannr_core: 3 ");
        refused(file, "cpu.planner_core", "missing required key");
    }

    @Test
    void shouldRefuseProfileMissingPlannerTickRate() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  tick_hz: 20\n", "");
        refused(file, "planner.tick_hz", "missing required key");
    }

    @Test
    void shouldRefuseStringWhereNumberExpected() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  tick_hz: 20\n", "  tick_hz: twenty\n");
        refused(file, "planner.tick_hz", "expected a number", "'twenty'");
    }

    @Test
    void shouldRefuseQuotedNumberForTops() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  dense_int8_tops: 100\n", "  dense_int8_tops: \"100\"\n");
        refused(file, "npu.dense_int8_tops", "expected a number", "'100'");
    }

    @Test
    void shouldRefuseZeroTickRate() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  tick_hz: 20\n", "  tick_hz: 0\n");
        refused(file, "planner.tick_hz", "out of range");
    }

    @Test
    void shouldRefusePlannerCoreThatDoesNotExist() throws Exception
    {
        // 8 cores are numbered 0..7.
        final Path file = variant("sa8650p.yaml", "  planner_core: 3 ", "  planner_core: 8 ");
        refused(file, "cpu.planner_core", "8 is out of range [-1, 7]");
    }

    @Test
    void shouldReadTheHelperThreadAndItsCore() throws Exception
    {
        final HardwareProfile board = HardwareProfileLoader.load(TestRepo.profile("sa8650p"));
        assertTrue(board.planner().helperThread());
        assertEquals(4, board.cpu().helperCore());
        final HardwareProfile host = HardwareProfileLoader.load(TestRepo.profile("host"));
        assertTrue(host.planner().helperThread());
        assertEquals(-1, host.cpu().helperCore());
        final Path none = write("sa8650p.yaml", Files.readString(committed("sa8650p.yaml"))
            .replace("  helper_thread: true ", "  helper_thread: false ").replace("  helper_core: 4 ", ""));
        assertFalse(HardwareProfileLoader.load(none).planner().helperThread());
        assertEquals(-1, HardwareProfileLoader.load(none).cpu().helperCore());
    }

    @Test
    void shouldRefuseHelperCoreThatDoesNotExist() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  helper_core: 4 ", "  helper_core: 8 ");
        refused(file, "cpu.helper_core", "8 is out of range [-1, 7]");
    }

    @Test
    void shouldRefuseHelperOnThePlannersOwnCore() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  helper_core: 4 ", "  helper_core: 3 ");
        refused(file, "cpu.helper_core", "the planner's own core (3)");
    }

    @Test
    void shouldRefuseHelperCoreWithoutAHelperThread() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  helper_thread: true ", "  helper_thread: false ");
        refused(file, "cpu.helper_core", "planner.helper_thread does not ask for");
    }

    @Test
    void shouldRefuseDeadlineLongerThanOneTick() throws Exception
    {
        // 20 Hz leaves 50 ms per tick.
        final Path file = variant("sa8650p.yaml", "  deadline_ms: 40\n", "  deadline_ms: 60\n");
        refused(file, "planner.deadline_ms", "longer than one tick", "20.0 Hz", "50.0 ms");
    }

    @Test
    void shouldAcceptDeadlineOfExactlyOneTick() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  deadline_ms: 40\n", "  deadline_ms: 50\n");
        assertEquals(50.0, HardwareProfileLoader.load(file).planner().deadlineMs());
    }

    @Test
    void shouldRefuseUnknownBackendInDispatchOrder() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  rollout: [qnn, ort-qnn, ort-native, ort-cpu]", "  rollout: [ort-qnn, ort-gpu]");
        refused(file, "dispatch.rollout[1]", "unknown backend 'ort-gpu'", "ort-cpu", "ort-qnn");
    }

    @Test
    void shouldRefuseNpuBackendInDispatchWhenProfileHasNoNpu() throws Exception
    {
        final Path file = variant("host.yaml", "  default: [ort-native, ort-cpu]", "  default: [ort-qnn, ort-cpu]");
        refused(file, "dispatch.default[0]", "NPU backend", "no 'npu' section");
    }

    @Test
    void shouldRefuseDirectQnnInDispatchWhenProfileHasNoNpu() throws Exception
    {
        final Path file = variant("host.yaml", "  default: [ort-native, ort-cpu]", "  default: [qnn, ort-cpu]");
        refused(file, "dispatch.default[0]", "NPU backend", "no 'npu' section");
    }

    @Test
    void shouldPassEveryNpuKeyAndRefuseAnUnknownContextPriority() throws Exception
    {
        final HardwareProfile.Npu npu = HardwareProfileLoader.load(committed("sa8650p.yaml")).npu();
        assertEquals("libQnnHtp.so", npu.backendPath());
        assertEquals("libonnxruntime_providers_qnn.so", npu.ortEpLibrary());
        assertEquals(ContextPriority.NORMAL, npu.contextPriority());
        final Path file = variant("sa8650p.yaml", "  context_priority: normal\n", "  context_priority: urgent\n");
        refused(file, "npu.context_priority", "urgent");
    }

    @Test
    void shouldLeaveTheSocModelUnsetInTheCommittedProfilesForWantOfAPublishedNumber() throws Exception
    {
        for (final String name : List.of("sa8650p.yaml", "sa8797p.yaml"))
        {
            final HardwareProfile.Npu npu = HardwareProfileLoader.load(committed(name)).npu();
            assertFalse(npu.hasSocModel(), name);
            assertEquals(HardwareProfile.Npu.SOC_MODEL_UNSET, npu.socModel(), name);
        }
    }

    @Test
    void shouldAcceptASocModelNumberWhereABoardGivesOne() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: 60\n  htp_arch: v73");

        final HardwareProfile.Npu npu = HardwareProfileLoader.load(file).npu();

        assertTrue(npu.hasSocModel());
        assertEquals(60, npu.socModel());
    }

    @Test
    void shouldRefuseASocModelThatIsNotAPositiveInteger() throws Exception
    {
        refused(variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: 0\n  htp_arch: v73"),
            "npu.soc_model", "0 is out of range [1, ");
        refused(variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: -3\n  htp_arch: v73"),
            "npu.soc_model", "out of range");
        refused(variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: sa8650p\n  htp_arch: v73"),
            "npu.soc_model", "an integer");
        refused(variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: '60'\n  htp_arch: v73"),
            "npu.soc_model", "an integer");
        refused(variant("sa8650p.yaml", "  htp_arch: v73", "  soc_model: 60.5\n  htp_arch: v73"),
            "npu.soc_model", "an integer");
    }

    @Test
    void shouldRefuseNpuBackendWhenNpuSectionIsRemoved() throws Exception
    {
        final String text = Files.readString(committed("sa8650p.yaml"));
        final int from = text.indexOf("npu:\n");
        final int to = text.indexOf("cpu:\n");
        assertTrue(from > 0 && to > from, "committed sa8650p.yaml changed shape");
        final Path file = write("sa8650p.yaml", text.substring(0, from) + text.substring(to));
        refused(file, "dispatch.default[0]", "no 'npu' section");
    }

    @Test
    void shouldRefuseDispatchWithoutDefaultOrder() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  default: [qnn, ort-qnn, ort-native, ort-cpu]\n", "");
        refused(file, "dispatch.default", "missing required key");
    }

    @Test
    void shouldRefuseRequireSignedWithoutTrustedKeys() throws Exception
    {
        final Path file = variant("sa8650p.yaml",
            "  trusted_keys: [../models/keys/wmrt-dev.pub]", "  trusted_keys: []");
        refused(file, "models.trusted_keys", "at least 1");
    }

    @Test
    void shouldRefuseUnknownPerformanceMode() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  performance_mode: burst\n", "  performance_mode: turbo\n");
        refused(file, "npu.performance_mode", "'turbo' is not one of", "burst");
    }

    @Test
    void shouldRefuseTrustedKeyPathWithNulCharacterNamingTheKey() throws Exception
    {
        final Path file = variant("sa8650p.yaml",
            "  trusted_keys: [../models/keys/wmrt-dev.pub]", "  trusted_keys: [\"../models/keys/\\0wmrt-dev.pub\"]");
        refused(file, "models.trusted_keys[0]", "'../models/keys/\\0wmrt-dev.pub' is not a usable path");
    }

    @Test
    void shouldRefuseQnnContextCacheDirWithNulCharacterNamingTheKey() throws Exception
    {
        final Path file = variant("sa8650p.yaml",
            "  context_cache_dir: /var/cache/wmrt/qnn", "  context_cache_dir: \"/var/\\0cache\"");
        refused(file, "npu.context_cache_dir", "is not a usable path");
    }

    @Test
    void shouldRefuseDuplicateKey() throws Exception
    {
        final Path file = variant("sa8650p.yaml", "  tick_hz: 20\n", "  tick_hz: 20\n  tick_hz: 30\n");

        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));

        // The YAML parser reports duplicates before any key is read, so there is no dotted key; the message must
        // still name the file and the duplicated key.
        assertEquals(file, ex.file());
        assertTrue(ex.getMessage().startsWith(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("duplicate key"), ex.getMessage());
        assertTrue(ex.getMessage().contains("tick_hz"), ex.getMessage());
    }

    @Test
    void shouldRefuseTagEndingInAnEscapedSpaceAsInvalidYamlNamingTheFile() throws Exception
    {
        // SnakeYAML throws an IllegalArgumentException, not its YAMLException, for this one.
        final Path file = variant("host.yaml", "isa: x86-64-v3", "isa: !x%20 x86-64-v3");

        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));

        assertEquals(file, ex.file());
        assertTrue(ex.getMessage().startsWith(file + ": not valid YAML: "), ex.getMessage());
        assertTrue(ex.getMessage().contains("Tag must not contain leading or trailing spaces"), ex.getMessage());
    }

    @Test
    void shouldRefuseFileThatIsNotAMapping() throws Exception
    {
        final Path file = write("list.yaml", "- soc: SA8650P\n- soc: SA8797P\n");

        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));

        assertEquals(file, ex.file());
        assertNull(ex.key(), "the whole file is at fault");
        assertTrue(ex.getMessage().startsWith(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("top level must be a mapping"), ex.getMessage());
    }

    @Test
    void shouldRefuseEmptyFile() throws Exception
    {
        final Path file = write("empty.yaml", "");

        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));

        assertTrue(ex.getMessage().startsWith(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("top level must be a mapping"), ex.getMessage());
    }

    @Test
    void shouldRefuseMissingFileNamingIt()
    {
        final Path file = dir.resolve("no-such-profile.yaml");

        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));

        assertTrue(ex.getMessage().startsWith(file.toString()), ex.getMessage());
        assertTrue(ex.getMessage().contains("cannot read"), ex.getMessage());
    }

    // ---------------------------------------------------------------------------------------------------------


    private static Path committed(final String name)
    {
        return ROOT.resolve("hardware-profiles").resolve(name);
    }

    /**
     * A copy of a committed profile, under the same file name, with {@code from} (which must occur exactly
     * once) replaced by {@code to}.
     */
    private Path variant(final String profile, final String from, final String to) throws IOException
    {
        final String text = Files.readString(committed(profile));
        final int at = text.indexOf(from);
        assertTrue(at >= 0 && text.indexOf(from, at + 1) < 0,
            "committed " + profile + " should contain '" + from.strip() + "' exactly once");
        return write(profile, text.replace(from, to));
    }

    private Path write(final String name, final String text) throws IOException
    {
        final Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /**
     * The profile is refused, and the message names the file, the dotted key and the reason.
     */
    private static void refused(final Path file, final String key, final String... reason)
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> HardwareProfileLoader.load(file));
        final String message = ex.getMessage();
        assertNotNull(message);
        assertEquals(file, ex.file(), message);
        assertEquals(key, ex.key(), message);
        assertTrue(message.contains(file.getFileName().toString()), "message names the file: " + message);
        assertTrue(message.contains("'" + key + "'"), "message names the key " + key + ": " + message);
        for (final String fragment : reason)
        {
            assertTrue(message.contains(fragment), "message should contain '" + fragment + "': " + message);
        }
    }
}
