package io.wmrt.model;

import io.wmrt.QnnPackages;
import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest's {@code qnn:} section: per-SoC context binaries and their sidecars are verified, covered by the
 * signature and checked against the ONNX graphs they were compiled from.
 */
class QnnBinariesTest
{
    private static final byte[] BINARY = "not a real context binary: the loader only hashes it".getBytes(
        StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    private Path pkg;
    private String sidecar;

    @BeforeEach
    void copyPackage() throws Exception
    {
        pkg = TestRepo.copyModel("wm-student-int8", tmp);
        sidecar = QnnPackages.floatSidecar(ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none()), "SA8650P");
    }

    @Test
    void shouldAttachTheBinaryToEveryGraphForItsSoc() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("name: encoder", "name: wm_enc"));

        final ModelPackage loaded = ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none());

        final QnnGraph encoder = loaded.graph(ModelPackage.ENCODER).qnnFor("sa8650p");
        assertEquals("wm_enc", encoder.graphName());
        assertEquals("v73", encoder.htpArch());
        assertEquals("2.29", encoder.qnnApi());
        assertArrayEquals(BINARY, encoder.binary());
        assertEquals(List.of("agents", "ego", "route", "lights"),
            encoder.inputs().stream().map(QnnTensor::name).toList());
        assertEquals("rollout", loaded.graph(ModelPackage.ROLLOUT).qnnFor("SA8650P").graphName());
        assertNull(loaded.graph(ModelPackage.ROLLOUT).qnnFor("SA8797P"), "no binary for another SoC");
    }

    @Test
    void shouldReadQuantizedTensorsInQnnConvention() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace(
            "{name: actions, id: 2, dtype: float32, shape: [64, 30, 2], scale: 1.0, offset: 0}",
            "{name: actions, id: 2, dtype: uint8, shape: [64, 30, 2], scale: 0.05, offset: -128}"));

        final QnnTensor actions = ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none())
            .graph(ModelPackage.ROLLOUT).qnnFor("SA8650P").input("actions");

        assertEquals("uint8", actions.dtype());
        assertEquals(0.05, actions.scale());
        assertEquals(-128, actions.offset());
        assertEquals(2, actions.id());
    }

    @Test
    void shouldRefuseTwoTensorsWithOneIdAndATensorWithoutOne() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("{name: ego, id: 2,",
            "{name: ego, id: 1,"));
        assertContains(refused(), "graphs.encoder.inputs", "id", "also the id of 'agents'");

        final Path fresh = TestRepo.copyModel("wm-student-int8", Files.createDirectory(tmp.resolve("again")));
        QnnPackages.add(fresh, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("{name: ego, id: 2, ", "{name: ego, "));
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> ModelPackageLoader.load(fresh, ModelPackageLoader.Trust.none()));
        assertContains(ex, "id");
    }

    @Test
    void shouldRefuseABinaryWhoseDigestDiffers() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar);
        final Path binary = pkg.resolve("qnn/sa8650p.bin");
        Files.write(binary, "altered".getBytes(StandardCharsets.US_ASCII));

        final ConfigException ex = refused();

        assertEquals(binary, ex.file());
        assertContains(ex, "sha256 differs", "qnn.SA8650P.sha256");
    }

    @Test
    void shouldRefuseASidecarThatNamesAnotherTensor() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("name: lights", "name: light"));

        final ConfigException ex = refused();

        assertEquals(pkg.resolve("qnn/sa8650p.yaml"), ex.file());
        assertContains(ex, "'light'", "'lights'", "encoder.onnx");
    }

    @Test
    void shouldRefuseASidecarWhoseShapeDisagreesWithTheGraph() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("shape: [64]", "shape: [32]"));

        assertContains(refused(), "graphs.rollout.outputs", "[32]", "[64]", "rollout.onnx");
    }

    @Test
    void shouldRefuseANonFiniteOrNegativeScaleAndANegativeId() throws Exception
    {
        for (final String bad : List.of("scale: .nan", "scale: .inf", "scale: -0.5"))
        {
            final Path copy = TestRepo.copyModel("wm-student-int8", Files.createDirectory(tmp.resolve(
                "case" + bad.hashCode())));
            QnnPackages.add(copy, "SA8650P", "v73", "2.29", BINARY, sidecar.replace(
                "{name: actions, id: 2, dtype: float32, shape: [64, 30, 2], scale: 1.0,",
                "{name: actions, id: 2, dtype: uint8, shape: [64, 30, 2], " + bad + ","));
            final ConfigException ex = assertThrows(ConfigException.class,
                () -> ModelPackageLoader.load(copy, ModelPackageLoader.Trust.none()), bad);
            assertContains(ex, "graphs.rollout.inputs", "scale");
        }
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("{name: ego, id: 2,",
            "{name: ego, id: -2,"));
        assertContains(refused(), "graphs.encoder.inputs", "id");
    }

    @Test
    void shouldRefuseASidecarMissingAGraph() throws Exception
    {
        final String encoderOnly = sidecar.substring(0, sidecar.indexOf("  rollout:"));
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, encoderOnly);

        assertContains(refused(), "graphs.rollout", "every graph");
    }

    @Test
    void shouldRefuseASidecarForAnotherSoc() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar.replace("soc: SA8650P", "soc: SA8797P"));

        assertContains(refused(), "SA8797P", "SA8650P");
    }

    @Test
    void shouldRefuseMalformedDeclarations() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar);
        final Path manifest = pkg.resolve("manifest.yaml");
        final String good = Files.readString(manifest);

        Files.writeString(manifest, good.replace("qnn_api: \"2.29\"", "qnn_api: two"));
        assertContains(refused(), "qnn.SA8650P.qnn_api");
        Files.writeString(manifest, good.replace("htp_arch: v73", "htp_arch: hexagon"));
        assertContains(refused(), "qnn.SA8650P.htp_arch");
        Files.writeString(manifest, good.replace("context: qnn/sa8650p.bin", "context: ../../escape.bin"));
        assertContains(refused(), "lies outside the package");
        Files.writeString(manifest, good.replace("  SA8650P:", "  sa8650p:"));
        assertContains(refused(), "not a SoC id");
        Files.writeString(manifest, good.replace("    sidecar_sha256:", "    extra: 1\n    sidecar_sha256:"));
        assertContains(refused(), "extra");
    }

    @Test
    void shouldCoverTheBinariesWithTheSignature() throws Exception
    {
        QnnPackages.add(pkg, "SA8650P", "v73", "2.29", BINARY, sidecar);
        final Path key = tmp.resolve("k");
        ModelSignature.generateKeyPair(key);
        final Path manifest = pkg.resolve("manifest.yaml");
        ModelSignature.sign(manifest, tmp.resolve("k.key"), tmp.resolve("k.pub"));
        final ModelPackageLoader.Trust trust = new ModelPackageLoader.Trust(true, List.of(tmp.resolve("k.pub")));
        ModelPackageLoader.load(pkg, trust);

        // A different binary with a matching digest in the manifest: the digest is signed, so it is refused.
        final byte[] other = "another binary".getBytes(StandardCharsets.US_ASCII);
        Files.write(pkg.resolve("qnn/sa8650p.bin"), other);
        Files.writeString(manifest, Files.readString(manifest).replace(ModelSignature.sha256Hex(BINARY),
            ModelSignature.sha256Hex(other)));

        final ConfigException ex = assertThrows(ConfigException.class, () -> ModelPackageLoader.load(pkg, trust));
        assertContains(ex, "signature");
    }

    private ConfigException refused()
    {
        return assertThrows(ConfigException.class, () -> ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none()));
    }

    private static void assertContains(final ConfigException ex, final String... fragments)
    {
        for (final String fragment : fragments)
        {
            assertTrue(ex.getMessage().contains(fragment), "message should contain '" + fragment + "': " +
                ex.getMessage());
        }
    }
}
