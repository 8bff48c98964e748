package io.wmrt.model;

import io.wmrt.OptionalTensorPackage;
import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import io.wmrt.planner.CostWeights;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The committed model packages load, and a package that is altered, mis-declared or not signed as the
 * profile demands is refused with a message naming the file and the key or tensor at fault. Every mutating
 * test works on a copy in a temporary directory.
 */
class ModelPackageLoaderTest
{
    private static final Path ROOT = TestRepo.root();
    private static final Path MODELS = ROOT.resolve("models");
    private static final Path DEV_KEY = MODELS.resolve("keys/wmrt-dev.pub");

    @TempDir
    Path tmp;

    // ---------------------------------------------------------------------------------------------------------
    // Committed packages
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"cv-baseline", "cv-baseline-int8"})
    void shouldLoadCommittedPackageWithoutTrust(final String name) throws Exception
    {
        final ModelPackage pkg = ModelPackageLoader.load(MODELS.resolve(name), ModelPackageLoader.Trust.none());

        assertEquals(name, pkg.name());
        assertEquals("1.0.0", pkg.version());
        assertEquals(64, pkg.planner().candidates());
        assertEquals(30, pkg.planner().horizon());
        assertEquals(0.2, pkg.planner().dtSeconds());
        assertEquals(32, pkg.planner().maxAgents());
        assertArrayEquals(new double[]{-6.0, -0.55}, pkg.actionLower());
        assertArrayEquals(new double[]{2.0, 0.55}, pkg.actionUpper());
        assertEquals(List.of("encoder", "rollout"), List.copyOf(pkg.graphs().keySet()));
        assertEquals(MODELS.resolve(name).resolve("rollout.onnx").normalize(), pkg.graph("rollout").file());
        assertArrayEquals(new long[]{64, 30, 32, 3}, pkg.graph("rollout").output("agent_future").shape());
        final boolean int8 = name.endsWith("int8");
        assertEquals(int8 ? ModelPackage.Precision.INT8_QDQ : ModelPackage.Precision.FP32, pkg.precision());
        assertEquals(int8, pkg.graph("encoder").quantized());
        assertEquals(int8, pkg.graph("rollout").quantized());
        // The int8 grid saturates at 127 * 0.5 m: agents beyond that cannot be represented.
        assertEquals(int8 ? 63.5 : 200.0, pkg.planner().agentRangeM());
        // No trusted key was given, so nothing vouches for the signature: the package is not reported as signed.
        assertNull(pkg.signedBy());
        assertFalse(pkg.signed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"cv-baseline", "cv-baseline-int8"})
    void shouldVerifyCommittedPackageSignatureUnderDevKey(final String name) throws Exception
    {
        final String devKeyId = ModelSignature.keyId(ModelSignature.readPublicKey(DEV_KEY));

        final ModelPackage pkg = ModelPackageLoader.load(
            MODELS.resolve(name), new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        assertEquals(devKeyId, pkg.signedBy());
        assertTrue(pkg.signed());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Graph files
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseModelWhoseRolloutDigestDiffers() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        final String declared = declaredDigest(pkg, "rollout");
        final Path rollout = pkg.resolve("rollout.onnx");
        final byte[] bytes = Files.readAllBytes(rollout);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(rollout, bytes);

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals(rollout, ex.file());
        assertContains(ex, "rollout.onnx", "sha256", "differs from the manifest",
            declared, ModelSignature.sha256Hex(bytes));
    }

    @Test
    void shouldRefuseModelWhoseGraphFileIsMissing() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        Files.delete(pkg.resolve("encoder.onnx"));

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertContains(ex, "encoder.onnx", "cannot be read");
    }

    @Test
    void shouldRefuseManifestDeclaringWrongShapeForActions() throws Exception
    {
        // The sha256 still matches: only the declaration lies about the graph.
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "{name: actions, dtype: float32, shape: [64, 30, 2]}",
            "{name: actions, dtype: float32, shape: [64, 30, 3]}");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals(pkg.resolve("rollout.onnx"), ex.file());
        assertContains(ex, "rollout.onnx", "'actions'", "[64, 30, 3]", "[64, 30, 2]");
    }

    @Test
    void shouldRefuseManifestDeclaringTensorThatGraphLacks() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg,
            "    outputs:\n      - {name: latent, dtype: float32, shape: [1, 32, 6]}\n",
            "    outputs:\n      - {name: latent, dtype: float32, shape: [1, 32, 6]}\n" +
            "      - {name: attention, dtype: float32, shape: [1, 32, 32]}\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals(pkg.resolve("encoder.onnx"), ex.file());
        assertContains(ex, "encoder.onnx", "'attention'", "does not exist in the graph", "latent");
    }

    @Test
    void shouldRefuseMisspeltOutputNameListingTheGraphsRealOutputs() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "{name: agent_future, dtype: float32", "{name: agent_futures, dtype: float32");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertContains(ex, "rollout.onnx", "'agent_futures'", "does not exist", "agent_future");
    }

    @Test
    void shouldRefuseDeclaredDtypeThatDiffersFromGraph() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "{name: agents, dtype: float32", "{name: agents, dtype: int32");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertContains(ex, "encoder.onnx", "'agents'", "int32", "float32");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Manifest format
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseUnknownManifestKey() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "version: 1.0.0\n", "version: 1.0.0\nlicence: MIT\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals(pkg.resolve("manifest.yaml"), ex.file());
        assertEquals("licence", ex.key());
        assertContains(ex, "manifest.yaml", "'licence'", "unknown key");
    }

    @Test
    void shouldRefuseUnknownKeyInsideGraphSection() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "    file: rollout.onnx\n", "    file: rollout.onnx\n    device: npu\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("graphs.rollout.device", ex.key());
        assertContains(ex, "manifest.yaml", "'graphs.rollout.device'", "unknown key");
    }

    @Test
    void shouldRefusePlannerShapeThatGraphsWereNotExportedFor() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "  candidates: 64\n", "  candidates: 128\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertContains(ex, "manifest.yaml", "'graphs.rollout'", "'actions'", "[64, 30, 2]", "[128, 30, 2]");
    }

    @Test
    void shouldRefuseGraphFileOutsideThePackage() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "    file: rollout.onnx\n", "    file: ../elsewhere/rollout.onnx\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("graphs.rollout.file", ex.key());
        assertContains(ex, "manifest.yaml", "'graphs.rollout.file'", "outside the package");
    }

    @Test
    void shouldRefuseGraphFileNameWithNulCharacterNamingTheKey() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "    file: rollout.onnx\n", "    file: \"roll\\0out.onnx\"\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("graphs.rollout.file", ex.key());
        assertContains(ex, "manifest.yaml", "'roll\\0out.onnx' is not a usable path");
    }

    @Test
    void shouldRefuseDirectoryWithoutManifest() throws Exception
    {
        final Path empty = Files.createDirectory(tmp.resolve("empty"));

        final ConfigException ex = refused(empty, ModelPackageLoader.Trust.none());

        assertContains(ex, empty.toString(), "no manifest.yaml");
    }

    @Test
    void shouldRefuseInt8PrecisionWithoutQuantizationEntries() throws Exception
    {
        final Path pkg = copy("cv-baseline-int8");
        final String text = Files.readString(pkg.resolve("manifest.yaml"));
        final String block = "    quantization:\n" +
            "      - {tensor: latent, dtype: int8, axis: 2, scale: [0.5, 0.5, 0.025, 0.25, 0.01, 0.015625], " +
            "zero_point: [0, 0, 0, 0, 0, 0]}\n";
        assertEquals(2, count(text, block), "committed int8 manifest should quantize latent in both graphs");
        Files.writeString(pkg.resolve("manifest.yaml"), text.replace(block, ""));

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("precision", ex.key());
        assertContains(ex, "manifest.yaml", "'precision'", "int8-qdq", "no graph declares its quantization");
    }

    @Test
    void shouldRefuseQuantizationInFp32Package() throws Exception
    {
        final Path pkg = copy("cv-baseline-int8");
        editManifest(pkg, "precision: int8-qdq\n", "precision: fp32\n");

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("graphs.encoder.quantization", ex.key());
        assertContains(ex, "manifest.yaml", "int8 quantization", "fp32");
    }

    @Test
    void shouldRefuseQuantizationOfUnknownTensor() throws Exception
    {
        final Path pkg = copy("cv-baseline-int8");
        final String text = Files.readString(pkg.resolve("manifest.yaml"));
        final int rollout = text.indexOf("  rollout:\n");
        final String edited = text.substring(0, rollout) +
            text.substring(rollout).replaceFirst("\\{tensor: latent,", "{tensor: hidden,");
        Files.writeString(pkg.resolve("manifest.yaml"), edited);

        final ConfigException ex = refused(pkg, ModelPackageLoader.Trust.none());

        assertEquals("graphs.rollout.quantization[0].tensor", ex.key());
        assertContains(ex, "manifest.yaml", "'hidden'", "not an input or output of rollout");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Optional planner tensors: ego, route, lights (encoder inputs) and risk (rollout output)
    // ---------------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"cv-baseline", "cv-baseline-int8"})
    void shouldPackOnlyAgentsAndScoreNoRiskForTheCommittedPackages(final String name) throws Exception
    {
        final ModelPackage pkg = ModelPackageLoader.load(MODELS.resolve(name), ModelPackageLoader.Trust.none());

        assertEquals(List.of("agents"), pkg.packedInputs());
        assertFalse(pkg.predictsRisk());
    }

    @Test
    void shouldLoadPackageDeclaringEgoRouteLightsAndRisk() throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("optional"));

        final ModelPackage pkg = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());

        assertEquals(List.of("agents", "ego", "route", "lights"), pkg.packedInputs());
        assertTrue(pkg.predictsRisk());
        assertArrayEquals(new long[]{1, 8}, pkg.graph("encoder").input("ego").shape());
        assertArrayEquals(new long[]{1, 64, 3}, pkg.graph("encoder").input("route").shape());
        assertArrayEquals(new long[]{1, 4, 3}, pkg.graph("encoder").input("lights").shape());
        assertArrayEquals(new long[]{64}, pkg.graph("rollout").output("risk").shape());
    }

    @Test
    void shouldTakeThePriceOfRiskFromThePackageAndLeaveTheDefaultWithoutIt() throws Exception
    {
        final HardwareProfile host = HardwareProfileLoader.load(TestRepo.profile("host"));
        final Path dir = OptionalTensorPackage.write(tmp.resolve("priced"));
        final ModelPackage unpriced = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());
        assertTrue(unpriced.riskCost().isEmpty());
        assertEquals(new CostWeights().risk, PlannerConfig.from(unpriced, host).weights().risk,
            "no price declared: the planner's default");

        editManifest(dir, "  agent_range_m:", "  risk_cost: 250.5\n  agent_range_m:");
        final ModelPackage pkg = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());

        assertEquals(250.5, pkg.riskCost().orElseThrow());
        assertEquals(250.5, PlannerConfig.from(pkg, host).weights().risk);
    }

    @Test
    void shouldRefuseAPriceOfRiskForARolloutWithoutRiskOrOutOfRange() throws Exception
    {
        final Path unpriced = copy("cv-baseline");
        editManifest(unpriced, "  agent_range_m:", "  risk_cost: 300\n  agent_range_m:");
        final ConfigException none = refused(unpriced, ModelPackageLoader.Trust.none());
        assertEquals("planner.risk_cost", none.key());
        assertContains(none, "manifest.yaml", "'risk'", "declares none");

        final Path negative = OptionalTensorPackage.write(tmp.resolve("negative"));
        editManifest(negative, "  agent_range_m:", "  risk_cost: -1\n  agent_range_m:");
        final ConfigException range = refused(negative, ModelPackageLoader.Trust.none());
        assertEquals("planner.risk_cost", range.key());
        assertContains(range, "manifest.yaml", "out of range");
    }

    @Test
    void shouldLoadAnEncoderThatSaysWhichAgentsMoveAndRefuseOneOfAnotherShape() throws Exception
    {
        final ModelPackage pkg = ModelPackageLoader.load(
            OptionalTensorPackage.write(tmp.resolve("moves"), "--moves", "0.3"), ModelPackageLoader.Trust.none());
        assertTrue(pkg.predictsMoves());
        assertArrayEquals(new long[]{1, 32}, pkg.graph("encoder").output("agent_moves").shape());
        assertFalse(ModelPackageLoader.load(OptionalTensorPackage.write(tmp.resolve("plain")),
            ModelPackageLoader.Trust.none()).predictsMoves());

        final ConfigException shape = refused(
            OptionalTensorPackage.write(tmp.resolve("moves-16"), "--moves", "0.3:1,16"), ModelPackageLoader.Trust.none());
        assertEquals("graphs.encoder.outputs[2].shape", shape.key());
        assertContains(shape, "manifest.yaml", "'agent_moves'", "[1, 16]", "[1, 32]");
    }

    @Test
    void shouldLoadPackageDeclaringOnlySomeOptionalTensors() throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("lights-only"),
            "--input", "lights:float32:1,4,3", "--no-risk");

        final ModelPackage pkg = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());

        assertEquals(List.of("agents", "lights"), pkg.packedInputs());
        assertFalse(pkg.predictsRisk());
    }

    @Test
    void shouldRefuseUnknownEncoderInputNamingManifestGraphAndTensor() throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("weather"),
            "--input", "ego:float32:1,8", "--input", "weather:float32:1,4");

        final ConfigException ex = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(dir.resolve("manifest.yaml"), ex.file());
        assertEquals("graphs.encoder.inputs[2].name", ex.key());
        assertContains(ex, "manifest.yaml", "encoder input 'weather'", "not one the planner packs",
            "[agents, ego, route, lights]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ego:float32:1,9      | graphs.encoder.inputs[1].shape | input 'ego' has shape [1, 9]       | [1, 8]",
        "route:float32:1,32,3 | graphs.encoder.inputs[1].shape | input 'route' has shape [1, 32, 3] | [1, 64, 3]",
        "lights:float32:4,3   | graphs.encoder.inputs[1].shape | input 'lights' has shape [4, 3]    | [1, 4, 3]",
        "route:int32:1,64,3   | graphs.encoder.inputs[1].dtype | input 'route' is int32             | float32",
        "ego:int64:1,8        | graphs.encoder.inputs[1].dtype | input 'ego' is int64               | float32"})
    void shouldRefuseOptionalInputOfWrongShapeOrDtypeNamingTheTensor(
        final String input, final String key, final String what, final String wanted) throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("bad-input"), "--input", input);

        final ConfigException ex = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(dir.resolve("manifest.yaml"), ex.file());
        assertEquals(key, ex.key());
        assertContains(ex, "manifest.yaml", "encoder " + what, wanted);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "float32:64,1 | graphs.rollout.outputs[1].shape | rollout output 'risk' has shape [64, 1] | [64]",
        "float32:32   | graphs.rollout.outputs[1].shape | rollout output 'risk' has shape [32]    | [64]",
        "int32:64     | graphs.rollout.outputs[1].dtype | rollout output 'risk' is int32          | float32"})
    void shouldRefuseRiskOfWrongShapeOrDtypeNamingTheTensor(
        final String risk, final String key, final String what, final String wanted) throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("bad-risk"), "--risk", risk);

        final ConfigException ex = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(key, ex.key());
        assertContains(ex, "manifest.yaml", what, wanted);
    }

    @Test
    void shouldRefuseOptionalTensorsDeclaredOtherwiseThanTheGraphHasThem() throws Exception
    {
        // The manifest says what the planner wants; ONNX Runtime's view of the graphs says otherwise.
        final Path dir = OptionalTensorPackage.write(tmp.resolve("lying"), "--input", "ego:float32:1,9",
            "--risk", "float32:32");
        editManifest(dir, "{name: ego, dtype: float32, shape: [1, 9]}", "{name: ego, dtype: float32, shape: [1, 8]}");

        final ConfigException encoder = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(dir.resolve("encoder.onnx"), encoder.file());
        assertContains(encoder, "encoder.onnx", "input tensor 'ego'", "manifest declares shape [1, 8]",
            "graph has [1, 9]");

        editManifest(dir, "{name: ego, dtype: float32, shape: [1, 8]}", "{name: ego, dtype: float32, shape: [1, 9]}");
        editManifest(dir, "{name: risk, dtype: float32, shape: [32]}", "{name: risk, dtype: float32, shape: [64]}");

        final ConfigException rollout = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(dir.resolve("rollout.onnx"), rollout.file());
        assertContains(rollout, "rollout.onnx", "output tensor 'risk'", "manifest declares shape [64]",
            "graph has [32]");
    }

    @Test
    void shouldRefuseOptionalTensorTheGraphHasButTheManifestLeavesOut() throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("undeclared"));
        editManifest(dir, "      - {name: lights, dtype: float32, shape: [1, 4, 3]}\n", "");

        final ConfigException ex = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals(dir.resolve("encoder.onnx"), ex.file());
        assertContains(ex, "encoder.onnx", "input tensors the manifest does not declare", "lights");
    }

    @Test
    void shouldRefuseEncoderOutputNamedLikeATensorThePlannerReads() throws Exception
    {
        final Path dir = OptionalTensorPackage.write(tmp.resolve("reserved"), "--context-name", "risk", "--no-risk");

        final ConfigException ex = refused(dir, ModelPackageLoader.Trust.none());

        assertEquals("graphs.encoder.outputs[1].name", ex.key());
        assertContains(ex, "manifest.yaml", "encoder output 'risk'", "rename it");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Signatures
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void shouldRefuseManifestEditedAfterSigning() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        editManifest(pkg, "description: Constant-velocity,", "description: Improved constant-velocity,");

        // Without a trusted key nothing is checked ...
        assertDoesNotThrow(() -> ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none()));
        // ... with the key that signed it, the edit is caught even when signatures are not required.
        final ConfigException ex = refused(pkg, new ModelPackageLoader.Trust(false, List.of(DEV_KEY)));

        assertEquals("signature.value", ex.key());
        assertContains(ex, "manifest.yaml", "'signature.value'", "does not verify", "changed after signing");
    }

    @Test
    void shouldRefuseUnsignedPackageWhenSignatureRequired() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        final Path manifest = pkg.resolve("manifest.yaml");
        Files.writeString(manifest, ModelSignature.body(Files.readString(manifest)));

        // Loads when signatures are optional ...
        assertNull(ModelPackageLoader.load(pkg, new ModelPackageLoader.Trust(false, List.of(DEV_KEY))).signedBy());
        // ... and is refused when the profile requires them.
        final ConfigException ex = refused(pkg, new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        assertEquals("signature", ex.key());
        assertContains(ex, "manifest.yaml", "'signature'", "unsigned", "wmrt sign");
    }

    @Test
    void shouldRefusePackageSignedByUntrustedKeyWhenSignatureRequired() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        final Path base = tmp.resolve("stranger");
        final String strangerId = ModelSignature.generateKeyPair(base);
        ModelSignature.sign(pkg.resolve("manifest.yaml"), tmp.resolve("stranger.key"), tmp.resolve("stranger.pub"));

        // Without require-signed an unknown signer is simply not trusted.
        assertNull(ModelPackageLoader.load(pkg, new ModelPackageLoader.Trust(false, List.of(DEV_KEY))).signedBy());
        final ConfigException ex = refused(pkg, new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        assertEquals("signature.key_id", ex.key());
        assertContains(ex, "manifest.yaml", "'signature.key_id'", strangerId, "not among", "trusted keys");
    }

    @Test
    void shouldRefuseForgedSignatureClaimingTrustedKeyId() throws Exception
    {
        // Signed by a stranger, but the key_id is rewritten to the trusted key's id.
        final Path pkg = copy("cv-baseline");
        final String strangerId = ModelSignature.generateKeyPair(tmp.resolve("stranger"));
        ModelSignature.sign(pkg.resolve("manifest.yaml"), tmp.resolve("stranger.key"), tmp.resolve("stranger.pub"));
        final String devKeyId = ModelSignature.keyId(ModelSignature.readPublicKey(DEV_KEY));
        editManifest(pkg, "key_id: " + strangerId, "key_id: " + devKeyId);

        final ConfigException ex = refused(pkg, new ModelPackageLoader.Trust(true, List.of(DEV_KEY)));

        assertEquals("signature.value", ex.key());
        assertContains(ex, "manifest.yaml", "does not verify", devKeyId);
    }

    @Test
    void shouldRefuseAnUnsignedPackageUnderSa8650pBeforeOnnxRuntimeSeesItsGraphs() throws Exception
    {
        final Path pkg = packageOfGarbageGraphs();
        final Path manifest = pkg.resolve("manifest.yaml");
        Files.writeString(manifest, ModelSignature.body(Files.readString(manifest)));
        // Where no signature is demanded the digests hold, and the garbage reaches ONNX Runtime's parser ...
        assertContains(refused(pkg, ModelPackageLoader.Trust.none()), "ONNX Runtime cannot load the graph");

        // ... but a profile that requires signatures refuses the package before any graph is parsed.
        final ConfigException ex = refused(pkg, sa8650pTrust());

        assertEquals(manifest, ex.file());
        assertEquals("signature", ex.key());
        assertContains(ex, "manifest.yaml", "'signature'", "unsigned", "requires signed models", "wmrt sign");
        assertFalse(ex.getMessage().contains("ONNX Runtime"), ex.getMessage());
    }

    @Test
    void shouldRefuseAPackageSignedByAStrangerUnderSa8650pBeforeOnnxRuntimeSeesItsGraphs() throws Exception
    {
        final Path pkg = packageOfGarbageGraphs();
        final String strangerId = ModelSignature.generateKeyPair(tmp.resolve("stranger"));
        ModelSignature.sign(pkg.resolve("manifest.yaml"), tmp.resolve("stranger.key"), tmp.resolve("stranger.pub"));

        final ConfigException ex = refused(pkg, sa8650pTrust());

        assertEquals("signature.key_id", ex.key());
        assertContains(ex, "manifest.yaml", strangerId, "not among", "trusted keys");
        assertFalse(ex.getMessage().contains("ONNX Runtime"), ex.getMessage());
    }

    /**
     * cv-baseline with both graphs replaced by bytes ONNX Runtime cannot parse, and the manifest's digests
     * updated to match them, so only the signature stands between the bytes and the parser.
     */
    private Path packageOfGarbageGraphs() throws Exception
    {
        final Path pkg = copy("cv-baseline");
        final List<String> roles = List.of(ModelPackage.ENCODER, ModelPackage.ROLLOUT);
        final List<String> digests = List.of(declaredDigest(pkg, roles.get(0)), declaredDigest(pkg, roles.get(1)));
        for (int i = 0; i < roles.size(); i++)
        {
            final byte[] garbage = ("not an ONNX graph: " + roles.get(i)).getBytes(StandardCharsets.UTF_8);
            Files.write(pkg.resolve(roles.get(i) + ".onnx"), garbage);
            editManifest(pkg, "sha256: " + digests.get(i), "sha256: " + ModelSignature.sha256Hex(garbage));
        }
        return pkg;
    }

    private static ModelPackageLoader.Trust sa8650pTrust() throws ConfigException
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("sa8650p"));
        assertTrue(profile.requireSignedModels(), "sa8650p.yaml requires signed models");
        return new ModelPackageLoader.Trust(profile.requireSignedModels(), profile.trustedKeys());
    }

    // ---------------------------------------------------------------------------------------------------------


    /**
     * The sha256 the package's manifest declares for a graph.
     */
    private static String declaredDigest(final Path pkg, final String role) throws ConfigException
    {
        return ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none()).graph(role).sha256();
    }

    private Path copy(final String name) throws IOException
    {
        return TestRepo.copyModel(name, tmp);
    }

    /**
     * Replace {@code from}, which must occur exactly once, in the package's manifest.
     */
    private static void editManifest(final Path pkg, final String from, final String to) throws IOException
    {
        final Path manifest = pkg.resolve("manifest.yaml");
        final String text = Files.readString(manifest);
        assertEquals(1, count(text, from), "manifest should contain '" + from + "' exactly once");
        Files.writeString(manifest, text.replace(from, to));
    }

    private static int count(final String text, final String part)
    {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            n++;
        }
        return n;
    }

    private static ConfigException refused(final Path pkg, final ModelPackageLoader.Trust trust)
    {
        return assertThrows(ConfigException.class, () -> ModelPackageLoader.load(pkg, trust));
    }

    private static void assertContains(final ConfigException ex, final String... fragments)
    {
        for (final String fragment : fragments)
        {
            assertTrue(ex.getMessage().contains(fragment),
                "message should contain '" + fragment + "': " + ex.getMessage());
        }
    }
}
