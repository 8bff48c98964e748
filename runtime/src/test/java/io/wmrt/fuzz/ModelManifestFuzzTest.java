package io.wmrt.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import io.wmrt.model.ModelPackageLoader;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model manifest of the fuzzer's bytes through {@link ModelPackageLoader}, in a temporary copy of a committed
 * package's graphs, with the dev key trusted (signatures are checked, not required): the package loads, or it
 * is refused with a {@link ConfigException} whose message starts with a file of the package or the key. Any
 * other throwable is a finding.
 * <p>
 * Input: byte 0 picks the package whose graphs the manifest sits beside (in the order of
 * {@link #PACKAGES}, modulo their number), the rest is the manifest. Seeds: each committed manifest beside its
 * own graphs, and near misses made by one textual edit of cv-baseline's.
 * <p>
 * Not thread safe: one fuzz test per JVM, run by JUnit's thread.
 */
class ModelManifestFuzzTest
{
    static final List<String> PACKAGES =
        List.of("cv-baseline", "cv-baseline-int8", "wm-student", "wm-student-int8", "wm-teacher");

    private static final Path TRUSTED_KEY = TestRepo.root().resolve("models/keys/wmrt-dev.pub");
    private static final ModelPackageLoader.Trust TRUST = new ModelPackageLoader.Trust(false, List.of(TRUSTED_KEY));
    private static final List<Path> COPIES = new ArrayList<>();
    private static Path dir;

    @BeforeAll
    static void copyGraphs() throws IOException
    {
        dir = Files.createTempDirectory("wmrt-fuzz-manifest");
        for (final String name : PACKAGES)
        {
            final Path copy = Files.createDirectory(dir.resolve(name));
            try (Stream<Path> files = Files.list(TestRepo.model(name)))
            {
                for (final Path graph : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".onnx"))::iterator)
                {
                    Files.copy(graph, copy.resolve(graph.getFileName()));
                }
            }
            COPIES.add(copy);
        }
    }

    @AfterAll
    static void deleteCopies()
    {
        IoUtil.delete(dir.toFile(), true);
    }

    static Stream<Arguments> shouldLoadThePackageOrRefuseItNamingTheFile()
    {
        final List<Arguments> committed = new ArrayList<>();
        for (int i = 0; i < PACKAGES.size(); i++)
        {
            committed.add(YamlSeeds.seed(PACKAGES.get(i), new byte[]{(byte)i}, YamlSeeds.read(manifest(PACKAGES.get(i)))));
        }
        final byte[] besideCvBaseline = {0};
        final String base = YamlSeeds.read(manifest("cv-baseline"));
        final String unsigned = base.substring(0, base.indexOf("signature:"));
        return Stream.of(
            committed.stream(),
            YamlSeeds.edits(besideCvBaseline, base, List.of(
                new YamlSeeds.Edit("unsigned", base.substring(base.indexOf("signature:")), ""),
                new YamlSeeds.Edit("signature not base64", "\n  value: ", "\n  value: !!!!"),
                new YamlSeeds.Edit("signature too short", "\n  value: ", "\n  value: AAAA\n  x: "),
                new YamlSeeds.Edit("graph outside the package", "file: encoder.onnx", "file: ../cv-baseline-int8/encoder.onnx"),
                new YamlSeeds.Edit("graph is the package directory", "file: encoder.onnx", "file: ."),
                new YamlSeeds.Edit("graph path with NUL", "file: encoder.onnx", "file: \"enc\\0oder.onnx\""),
                new YamlSeeds.Edit("graph absolute", "file: encoder.onnx", "file: /etc/hostname"),
                new YamlSeeds.Edit("digest in capitals", "sha256: ee7965dff46a", "sha256: EE7965DFF46A"))),
            YamlSeeds.edits(besideCvBaseline, unsigned, List.of(
                new YamlSeeds.Edit("candidates 0", "candidates: 64", "candidates: 0"),
                new YamlSeeds.Edit("candidates beyond an int", "candidates: 64", "candidates: 4294967360"),
                new YamlSeeds.Edit("horizon 0", "horizon_steps: 30", "horizon_steps: 0"),
                new YamlSeeds.Edit("dt NaN", "dt_s: 0.2", "dt_s: .nan"),
                new YamlSeeds.Edit("agent range infinite", "agent_range_m: 200.0", "agent_range_m: .inf"),
                new YamlSeeds.Edit("risk cost without a risk output", "agent_range_m: 200.0",
                    "agent_range_m: 200.0\n  risk_cost: 100"),
                new YamlSeeds.Edit("bounds crossed", "lower: [-6.0, -0.55]", "lower: [6.0, -0.55]"),
                new YamlSeeds.Edit("three actions", "names: [accel_mps2, steer_rad]",
                    "names: [accel_mps2, steer_rad, horn]"),
                new YamlSeeds.Edit("shape dimension 0", "shape: [1, 32, 8]", "shape: [1, 0, 8]"),
                new YamlSeeds.Edit("shape dimension huge", "shape: [64, 30, 32, 3]",
                    "shape: [1048576, 1048576, 1048576, 1048576]"),
                new YamlSeeds.Edit("shape not a list", "shape: [1, 32, 8]", "shape: 8"),
                new YamlSeeds.Edit("dtype unknown", "dtype: float32, shape: [1, 32, 8]", "dtype: float128, shape: [1, 32, 8]"),
                new YamlSeeds.Edit("tensor renamed", "{name: agents", "{name: agentz"),
                new YamlSeeds.Edit("unknown graph role", "  rollout:\n", "  planner:\n"),
                new YamlSeeds.Edit("quantization of an fp32 package", "    outputs:\n      - {name: latent",
                    "    quantization:\n      - {tensor: agents, dtype: int8, axis: 0, zero_point: [0], scale: [0.1]}\n" +
                    "    outputs:\n      - {name: latent"),
                new YamlSeeds.Edit("lineage value a list", "teacher: none", "teacher: [none]"),
                new YamlSeeds.Edit("format from the future", "format: wmrt-model/1", "format: wmrt-model/2"))),
            Stream.of(YamlSeeds.seed("empty manifest", besideCvBaseline, ""),
                YamlSeeds.seed("not UTF-8", new byte[]{0, 'n', 'a', 'm', 'e', ':', ' ', (byte)0xc3, (byte)0x28})))
            .flatMap(s -> s);
    }

    @MethodSource
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @FuzzTest(maxExecutions = 50_000, maxDuration = "")
    void shouldLoadThePackageOrRefuseItNamingTheFile(final byte[] input) throws IOException
    {
        final Path packageDir = COPIES.get(input.length > 0 ? (input[0] & 0xff) % COPIES.size() : 0);
        final Path manifest = packageDir.resolve(ModelPackageLoader.MANIFEST);
        Files.write(manifest, input.length > 0 ? Arrays.copyOfRange(input, 1, input.length) : input);
        try
        {
            ModelPackageLoader.load(packageDir, TRUST);
        }
        catch (final ConfigException ex)
        {
            assertTrue(ex.getMessage().startsWith(packageDir.toString()) ||
                ex.getMessage().startsWith(TRUSTED_KEY.toString()), "the refusal names the file: " + ex.getMessage());
        }
    }

    private static Path manifest(final String name)
    {
        return TestRepo.model(name).resolve(ModelPackageLoader.MANIFEST);
    }
}
