package io.wmrt.golden;

import io.wmrt.TestRepo;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.ModelSignature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every model package committed under {@code models/} (any directory holding a {@code manifest.yaml}, found
 * afresh on each run, so a new package is covered the day it lands) is what CI may ship: every graph's sha256,
 * every declared tensor against ONNX Runtime's view of the graph, the planner contract, a signature by the
 * development key, and its golden output on the fixed input in its {@code golden.json}.
 */
class CommittedPackagesTest
{
    private static final Path MODELS = TestRepo.root().resolve("models");
    private static final Path DEV_KEY = MODELS.resolve("keys/wmrt-dev.pub");

    /**
     * @return each package directory, relative to {@code models/}, in name order.
     */
    static List<String> packages() throws IOException
    {
        try (Stream<Path> files = Files.walk(MODELS))
        {
            return files
                .filter(file -> file.getFileName().toString().equals(ModelPackageLoader.MANIFEST))
                .map(file -> MODELS.relativize(file.getParent()).toString())
                .sorted()
                .collect(Collectors.toList());
        }
    }

    @Test
    void shouldFindTheBaselinePackagesAmongCommittedPackages() throws IOException
    {
        final List<String> found = packages();

        assertTrue(found.containsAll(List.of("cv-baseline", "cv-baseline-int8")), "found " + found);
    }

    @ParameterizedTest(name = "models/{0}")
    @MethodSource("packages")
    void shouldVerifyDigestsTensorsAndDevelopmentKeySignature(final String name) throws Exception
    {
        final String devKeyId = ModelSignature.keyId(ModelSignature.readPublicKey(DEV_KEY));

        final ModelPackage pkg = ModelPackageLoader.load(
            MODELS.resolve(name), new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        assertEquals(devKeyId, pkg.signedBy());
    }

    @ParameterizedTest(name = "models/{0}")
    @MethodSource("packages")
    void shouldReproduceGoldenOutputOnFixedInput(final String name) throws Exception
    {
        final ModelPackage pkg = ModelPackageLoader.load(
            MODELS.resolve(name), new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        // Throws, naming the package, tensor and index (or the command that records a missing golden.json).
        GoldenOutput.check(pkg);
    }
}
