package io.wmrt.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import io.wmrt.profile.HardwareProfileLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hardware profile of the fuzzer's bytes through {@link HardwareProfileLoader}: it loads, or it is refused
 * with a {@link ConfigException} whose message starts with the file. Any other throwable (a
 * NullPointerException, a ClassCastException, a StackOverflowError from deep nesting) is a finding.
 * <p>
 * Seeds: the committed profiles, and near misses made by one textual edit of {@code host.yaml}.
 * <p>
 * Not thread safe: one fuzz test per JVM, run by JUnit's thread.
 */
class HardwareProfileFuzzTest
{
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void createDir() throws IOException
    {
        dir = Files.createTempDirectory("wmrt-fuzz-profile");
        file = dir.resolve("profile.yaml");
    }

    @AfterAll
    static void deleteDir() throws IOException
    {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    static Stream<Arguments> shouldLoadTheProfileOrRefuseItNamingTheFile()
    {
        final Path profiles = TestRepo.root().resolve("hardware-profiles");
        final String host = YamlSeeds.read(profiles.resolve("host.yaml"));
        return Stream.of(
            YamlSeeds.files(profiles, "sa8650p.yaml", "sa8797p.yaml", "host.yaml"),
            YamlSeeds.edits(host, List.of(
                new YamlSeeds.Edit("deadline NaN", "deadline_ms: 80", "deadline_ms: .nan"),
                new YamlSeeds.Edit("tick rate infinite", "tick_hz: 10", "tick_hz: .inf"),
                new YamlSeeds.Edit("cores beyond a long", "cores: 2", "cores: 99999999999999999999"),
                new YamlSeeds.Edit("cores sexagesimal", "cores: 2", "cores: 1:30"),
                new YamlSeeds.Edit("cores as a float", "cores: 2", "cores: 2.0"),
                new YamlSeeds.Edit("planner core beyond the cores", "planner_core: -1", "planner_core: 7"),
                new YamlSeeds.Edit("section a list", "memory:\n", "memory:\n  - a\nx:\n"),
                new YamlSeeds.Edit("section empty", "memory:\n  bandwidth_gbps: 20", "memory:"),
                new YamlSeeds.Edit("key not a string", "soc: host-x86-64", "? [soc]\n: host-x86-64"),
                new YamlSeeds.Edit("null key", "soc: host-x86-64", "~: host-x86-64"),
                new YamlSeeds.Edit("duplicate key", "soc: host-x86-64", "soc: a\nsoc: b"),
                new YamlSeeds.Edit("alias of itself", "dispatch:\n  default: [ort-native, ort-cpu]",
                    "dispatch:\n  default: &a [ort-native, *a]"),
                new YamlSeeds.Edit("deep nesting", "isa: x86-64-v3", "isa: " + "[".repeat(200) + "]".repeat(200)),
                new YamlSeeds.Edit("binary value", "isa: x86-64-v3", "isa: !!binary AAAA"),
                new YamlSeeds.Edit("timestamp value", "isa: x86-64-v3", "isa: 2026-12-02"),
                new YamlSeeds.Edit("unknown tag", "isa: x86-64-v3", "isa: !!java.io.File /etc"),
                new YamlSeeds.Edit("dispatch order empty", "default: [ort-native, ort-cpu]", "default: []"),
                new YamlSeeds.Edit("unknown backend", "default: [ort-native, ort-cpu]", "default: [ort-gpu]"),
                new YamlSeeds.Edit("trusted key with NUL", "trusted_keys: [../models/keys/wmrt-dev.pub]",
                    "trusted_keys: [\"../models/keys/\\0wmrt-dev.pub\"]"),
                new YamlSeeds.Edit("NPU cache dir with NUL", "cpu:\n", "npu:\n  htp_arch: v73\n" +
                    "  dense_int8_tops: 100\n  tops_source: x\n  tops_uncertainty_pct: 30\n  fp16: true\n" +
                    "  backend_path: libQnnHtp.so\n  performance_mode: burst\n  vtcm_mb: 8\n" +
                    "  context_cache_dir: \"/var/\\0cache\"\ncpu:\n"),
                new YamlSeeds.Edit("tab indentation", "  cores: 2", "\tcores: 2"),
                new YamlSeeds.Edit("non-ASCII value", "soc: host-x86-64", "soc: host-\u00ff"))),
            Stream.of(YamlSeeds.seed("bytes not UTF-8", new byte[]{'s', 'o', 'c', ':', ' ', (byte)0xff, (byte)0xfe}),
                YamlSeeds.seed("top level a scalar", "just text".getBytes()),
                YamlSeeds.seed("two documents", (host + "\n---\n" + host).getBytes())))
            .flatMap(s -> s);
    }

    @MethodSource
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @FuzzTest(maxExecutions = 50_000, maxDuration = "")
    void shouldLoadTheProfileOrRefuseItNamingTheFile(final byte[] input) throws IOException
    {
        Files.write(file, input);
        try
        {
            HardwareProfileLoader.load(file);
        }
        catch (final ConfigException ex)
        {
            assertTrue(ex.getMessage().startsWith(file.toString()), "the refusal names the file: " + ex.getMessage());
        }
    }
}
