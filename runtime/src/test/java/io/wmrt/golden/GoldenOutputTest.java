package io.wmrt.golden;

import io.wmrt.TestRepo;
import io.wmrt.config.ConfigException;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A golden output is recorded deterministically, reproduced by the package that recorded it, and refused,
 * with the package, tensor and index at fault and the command that re-records it, when the package's
 * behaviour, graphs or tensors no longer match it. Every test works on copies in a temporary directory.
 */
class GoldenOutputTest
{
    private static final Path MODELS = TestRepo.root().resolve("models");
    private static final List<String> PACKAGE_FILES = List.of("manifest.yaml", "encoder.onnx", "rollout.onnx");

    @TempDir
    Path tmp;

    @Test
    void shouldExplainHowToRecordMissingGoldenOutput() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));

        assertEquals(model.dir().resolve("golden.json"), ex.file());
        assertContains(ex, "'cv-baseline' has no golden output", "io.wmrt.golden.GoldenOutput --write " + model.dir(),
            "models/GOLDEN.md");
    }

    @Test
    void shouldReproduceWhatItRecordedAndRecordTheSameBytesAgain() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final Path file = GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED);
        final byte[] first = Files.readAllBytes(file);

        assertDoesNotThrow(() -> GoldenOutput.check(model));
        GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED);
        assertArrayEquals(first, Files.readAllBytes(file));
    }

    @Test
    void shouldRecordEveryFreeInputWholeAndSampleLargeOutputs() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final GoldenFile golden = GoldenFile.read(GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED));

        assertEquals(List.of("agents", "actions"), names(golden.inputs()));
        assertEquals(32 * 8, golden.inputs().get(0).values().length);
        assertEquals(64 * 30 * 2, golden.inputs().get(1).values().length);
        final GoldenFile.Output latent = golden.outputs().get(0);
        final GoldenFile.Output future = golden.outputs().get(1);
        assertEquals("latent", latent.name());
        assertEquals(32 * 6, latent.indices().length, "a small tensor is recorded whole");
        assertEquals("agent_future", future.name());
        assertEquals(GoldenOutput.SAMPLES, future.indices().length);
        // Actions stay inside the package's action space.
        final float[] actions = golden.inputs().get(1).values();
        for (int i = 0; i < actions.length; i++)
        {
            final int d = i % ModelPackage.ACTION_DIMS;
            assertTrue(actions[i] >= model.actionLower()[d] && actions[i] <= model.actionUpper()[d], "action " + i);
        }
    }

    @Test
    void shouldNamePackageTensorAndIndexOfValueThatDiffers() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final GoldenFile golden = GoldenFile.read(GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED));
        final GoldenFile.Output future = golden.outputs().get(1);
        final int index = future.indices()[17];
        future.values()[17] += 0.01f;
        golden.write(model.dir().resolve("golden.json"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));

        assertEquals("outputs.agent_future", ex.key());
        assertContains(ex, "package 'cv-baseline'", "output 'agent_future' of rollout at index " + index + " [",
            "expected " + (double)future.values()[17], "--write " + model.dir());
    }

    @Test
    void shouldRefuseSumThatDiffersWhenEverySampledValueMatches() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final GoldenFile golden = GoldenFile.read(GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED));
        final List<GoldenFile.Output> outputs = new ArrayList<>(golden.outputs());
        final GoldenFile.Output f = outputs.get(1);
        // Off by 1% of the tensor's magnitude: the element tolerance allows about 0.01% over the whole tensor.
        outputs.set(1, new GoldenFile.Output(f.name(), f.graph(), f.shape(), f.tolerance(), f.sum() + 0.01 * f.sumAbs(),
            f.sumAbs(), f.sumSquares(), f.indices(), f.values()));
        withOutputs(golden, outputs).write(model.dir().resolve("golden.json"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));

        assertContains(ex, "package 'cv-baseline'", "sum of output 'agent_future' of rollout over all 184320 elements");
    }

    @Test
    void shouldAllowOneQuantizationStepOfTheChannelInInt8Latent() throws Exception
    {
        final ModelPackage model = copy("cv-baseline-int8");
        final Path file = GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED);
        final GoldenFile golden = GoldenFile.read(file);
        final GoldenFile.Output latent = golden.outputs().get(0);
        // Agent 2, channel 4: yaw rate, whose int8 step is 0.01 rad/s. The latent is recorded whole.
        final int at = 2 * 6 + 4;
        assertEquals(at, latent.indices()[at]);
        final float recorded = latent.values()[at];

        latent.values()[at] = recorded + 0.01f;
        golden.write(file);
        assertDoesNotThrow(() -> GoldenOutput.check(model));

        latent.values()[at] = recorded + 0.02f;
        golden.write(file);
        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));
        assertContains(ex, "package 'cv-baseline-int8'", "output 'latent' of encoder at index 16 [0, 2, 4]");
    }

    @Test
    void shouldCatchGraphsThatComputeSomethingElse() throws Exception
    {
        // The fp32 package's golden output, presented as if recorded for the int8 graphs: quantizing the
        // latent is a change of behaviour the golden output must see.
        final GoldenFile fp32 = GoldenFile.read(GoldenOutput.write(copy("cv-baseline"), GoldenOutput.DEFAULT_SEED));
        final ModelPackage int8 = copy("cv-baseline-int8");
        final Map<String, String> digests = new LinkedHashMap<>();
        digests.put("encoder", int8.graph("encoder").sha256());
        digests.put("rollout", int8.graph("rollout").sha256());
        new GoldenFile(int8.name(), digests, fp32.seed(), fp32.recordedWith(), fp32.inputs(), fp32.outputs())
            .write(int8.dir().resolve("golden.json"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(int8));

        assertEquals("outputs.latent", ex.key());
        assertContains(ex, "package 'cv-baseline-int8' no longer gives its golden output", "output 'latent' of encoder",
            "output 'agent_future' of rollout", "If the change is intended, re-record it");
    }

    @Test
    void shouldRefuseGoldenOutputRecordedForOtherGraphsSayingWhetherOutputsStillMatch() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final GoldenFile golden = GoldenFile.read(GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED));
        final Map<String, String> digests = new LinkedHashMap<>(golden.graphDigests());
        digests.put("rollout", "0".repeat(64));
        new GoldenFile(golden.packageName(), digests, golden.seed(), golden.recordedWith(), golden.inputs(),
            golden.outputs()).write(model.dir().resolve("golden.json"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));

        assertEquals("graphs", ex.key());
        assertContains(ex, "package 'cv-baseline'", "recorded for other graphs", "rollout (recorded for sha256 " +
            "0".repeat(64) + ", the manifest pins " + model.graph("rollout").sha256(), "still match it",
            "--write " + model.dir());
    }

    @Test
    void shouldRefuseGoldenOutputOfAnotherPackage() throws Exception
    {
        final Path fp32 = GoldenOutput.write(copy("cv-baseline"), GoldenOutput.DEFAULT_SEED);
        final ModelPackage int8 = copy("cv-baseline-int8");
        Files.copy(fp32, int8.dir().resolve("golden.json"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(int8));

        assertEquals("package", ex.key());
        assertContains(ex, "recorded for package 'cv-baseline', not 'cv-baseline-int8'");
    }

    @Test
    void shouldRefuseUnknownKeyInGoldenFile() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final Path file = GoldenOutput.write(model, GoldenOutput.DEFAULT_SEED);
        Files.writeString(file, Files.readString(file).replace("\"seed\": 1,", "\"seed\": 1, \"sead\": 2,"));

        final ConfigException ex = assertThrows(ConfigException.class, () -> GoldenOutput.check(model));

        assertEquals("sead", ex.key());
        assertContains(ex, "unknown key");
    }

    @Test
    void shouldExitOneWhenCheckFailsAndTwoOnBadArguments() throws Exception
    {
        final ModelPackage model = copy("cv-baseline");
        final String dir = model.dir().toString();

        assertEquals(1, GoldenOutput.execute(new String[]{"--check", dir}), "no golden.json yet");
        assertEquals(0, GoldenOutput.execute(new String[]{"--write", "--seed", "7", dir}));
        assertEquals(7, GoldenFile.read(model.dir().resolve("golden.json")).seed());
        assertEquals(0, GoldenOutput.execute(new String[]{"--check", dir}));
        assertEquals(2, GoldenOutput.execute(new String[]{"--verify", dir}));
        assertEquals(2, GoldenOutput.execute(new String[]{"--check", tmp.resolve("nowhere").toString()}));
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * The package's manifest and graphs, without its committed golden.json.
     */
    private ModelPackage copy(final String name) throws IOException, ConfigException
    {
        final Path target = Files.createDirectory(tmp.resolve(name));
        for (final String file : PACKAGE_FILES)
        {
            Files.copy(MODELS.resolve(name).resolve(file), target.resolve(file));
        }
        return ModelPackageLoader.load(target, ModelPackageLoader.Trust.none());
    }

    private static GoldenFile withOutputs(final GoldenFile golden, final List<GoldenFile.Output> outputs)
    {
        return new GoldenFile(golden.packageName(), golden.graphDigests(), golden.seed(), golden.recordedWith(),
            golden.inputs(), outputs);
    }

    private static List<String> names(final List<GoldenFile.Input> inputs)
    {
        final List<String> names = new ArrayList<>();
        for (final GoldenFile.Input input : inputs)
        {
            names.add(input.name());
        }
        return names;
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
