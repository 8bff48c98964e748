package io.wmrt.cli;

import io.wmrt.TestRepo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WmrtCommandTest
{
    @TempDir
    Path tmp;

    private String out;
    private String err;

    private int wmrt(final String... args)
    {
        final WmrtInvocation run = WmrtInvocation.run(args);
        out = run.out();
        err = run.err();
        return run.exit();
    }

    @Test
    void shouldRefuseAShadowOnTheLiveBusOrOnANegativeCoreBeforeTouchingAnything(@org.junit.jupiter.api.io.TempDir
        final java.nio.file.Path tmp)
    {
        final String live = tmp.resolve("live").toString();
        final WmrtInvocation sameDir = WmrtInvocation.run("run", "--dir", live, "--shadow", "models/cv-baseline",
            "--shadow-dir", live);
        assertEquals(2, sameDir.exit(), sameDir.err());
        assertTrue(sameDir.err().contains("--shadow-dir") && sameDir.err().contains("bus of its own"), sameDir.err());
        final WmrtInvocation core = WmrtInvocation.run("run", "--dir", live, "--shadow", "models/cv-baseline",
            "--shadow-core", "-5");
        assertEquals(2, core.exit(), core.err());
        assertTrue(core.err().contains("--shadow-core"), core.err());
        assertFalse(java.nio.file.Files.exists(tmp.resolve("live")), "nothing created for a refused command");
    }

    @Test
    void shouldPutTheShadowOnACoreThatIsNeitherThePlannersNorItsHelpers()
    {
        // sa8650p: planner on 3, helper on 4.
        assertEquals(5, RunCommand.defaultShadowCore(8, 3, 4));
        assertEquals(4, RunCommand.defaultShadowCore(8, 3, -1));
        assertEquals(0, RunCommand.defaultShadowCore(8, 7, 6));
        assertEquals(1, RunCommand.defaultShadowCore(8, 7, 0));
        assertEquals(-1, RunCommand.defaultShadowCore(2, 0, 1), "no third core: the shadow runs unpinned");
        assertEquals(-1, RunCommand.defaultShadowCore(8, -1, 4), "an unpinned planner: an unpinned shadow");
    }

    @Test
    void shouldAcceptTheCommittedPackagesAndProfiles()
    {
        assertEquals(0, wmrt("inspect", "model", TestRepo.model("cv-baseline").toString()), err);
        assertTrue(out.contains("valid package cv-baseline"), out);
        assertTrue(out.contains("signature: valid, key"), out);
        assertEquals(0, wmrt("inspect", "model", TestRepo.model("cv-baseline-int8").toString(),
            "--profile", TestRepo.profile("sa8650p").toString()), err);
        for (final String soc : new String[]{"host", "sa8650p", "sa8797p"})
        {
            assertEquals(0, wmrt("inspect", "profile", TestRepo.profile(soc).toString()), err);
        }
        assertTrue(out.contains("press reports"), out);
    }

    @Test
    void shouldExitNonZeroNamingTheFileWhenAGraphByteIsAltered() throws IOException
    {
        final Path copy = copyPackage("cv-baseline");
        final byte[] graph = Files.readAllBytes(copy.resolve("rollout.onnx"));
        graph[graph.length / 2] ^= 0x01;
        Files.write(copy.resolve("rollout.onnx"), graph);
        assertEquals(WmrtCommand.EXIT_FAILED, wmrt("inspect", "model", copy.toString()));
        assertTrue(err.contains("rollout.onnx") && err.contains("sha256"), err);
    }

    @Test
    void shouldRefuseAProfileWithAnUnknownKeyNamingTheKey() throws IOException
    {
        final Path profile = tmp.resolve("typo.yaml");
        Files.writeString(profile, Files.readString(TestRepo.profile("host"))
            .replace("  tick_hz: 10", "  tick_hz: 10\n  tick_hertz: 20"));
        assertEquals(WmrtCommand.EXIT_FAILED, wmrt("inspect", "profile", profile.toString()));
        assertTrue(err.contains("typo.yaml") && err.contains("planner.tick_hertz") && err.contains("unknown key"), err);

        assertEquals(WmrtCommand.EXIT_BAD_INPUT, wmrt("demo", "--profile", profile.toString()));
        assertTrue(err.contains("planner.tick_hertz"), err);
    }

    @Test
    void shouldRefuseAnUnsignedPackageUnderAProfileThatDemandsSignatures() throws IOException
    {
        final Path copy = copyPackage("cv-baseline");
        final String manifest = Files.readString(copy.resolve("manifest.yaml"));
        Files.writeString(copy.resolve("manifest.yaml"), manifest.substring(0, manifest.indexOf("signature:")));
        assertEquals(WmrtCommand.EXIT_BAD_INPUT, wmrt("demo", "--profile", TestRepo.profile("sa8650p").toString(),
            "--model", copy.toString()));
        assertTrue(err.contains("unsigned") && err.contains("manifest.yaml"), err);
    }

    @Test
    void shouldSignAPackageWithAFreshKeyAndVerifyIt() throws IOException
    {
        final Path copy = copyPackage("cv-baseline");
        final Path key = tmp.resolve("keys/team");
        assertEquals(0, wmrt("keygen", "--out", key.toString()), err);
        assertEquals(0, wmrt("sign", copy.toString(), "--key", key.toString()), err);
        assertTrue(out.contains("verified"), out);
        assertEquals(0, wmrt("inspect", "model", copy.toString(), "--trusted-key", key + ".pub"), err);
        assertTrue(out.contains("signature: valid"), out);
    }

    @Test
    void shouldRunTheDemoAndWriteTheSummaryJson() throws IOException
    {
        final Path summary = tmp.resolve("out/summary.json");
        assertEquals(0, wmrt("demo", "--scenario", "pedestrian-crossing", "--summary-json", summary.toString()), err);
        assertTrue(out.contains("PASS"), out);
        final String json = Files.readString(summary);
        for (final String key : new String[]{"\"name\":\"pedestrian-crossing\"", "\"ticks\":", "\"tick_ms_p50\":",
            "\"tick_ms_p99\":", "\"collisions\":0", "\"min_distance_m\":", "\"progress_m\":", "\"backend\":",
            "\"alloc_bytes_per_tick\":"})
        {
            assertTrue(json.contains(key), key + " in " + json);
        }
        assertTrue(json.startsWith("{") && json.contains("\"scenarios\":[{"), json);
        assertTrue(json.contains("\"backend\":\"encoder=ort-native, rollout=ort-native\""), json);
        final double alloc = Double.parseDouble(json.replaceAll("(?s).*\"alloc_bytes_per_tick\":([0-9.]+).*", "$1"));
        assertTrue(alloc < 1.0, "the native path allocates nothing per tick after the warm-up pass: " + json);
    }

    @Test
    void shouldExplainWhyTheNpuWasNotUsedOnThisMachine()
    {
        assertEquals(0, wmrt("demo", "--profile", TestRepo.profile("sa8650p").toString(), "--model",
            TestRepo.model("cv-baseline-int8").toString(), "--scenario", "red-light-queue"), err);
        // Once each: why the direct QNN backend and why ONNX Runtime's QNN provider are not used, naming what
        // was looked for; then one line saying what runs instead.
        final List<String> qnn = out.lines().filter(l -> l.contains("passed over qnn: ")).toList();
        final List<String> ortQnn = out.lines().filter(l -> l.contains("passed over ort-qnn: ")).toList();
        assertEquals(1, qnn.size(), out);
        assertEquals(1, ortQnn.size(), out);
        assertTrue(qnn.get(0).contains("libQnnHtp.so"), qnn.get(0));
        assertTrue(ortQnn.get(0).contains("libonnxruntime_providers_qnn.so"), ortQnn.get(0));
        assertEquals(1, out.split("NPU not used", -1).length - 1, "said once: " + out);
        assertTrue(out.contains("NPU not used: encoder runs on ort-native, rollout on ort-native"), out);
    }

    private Path copyPackage(final String name) throws IOException
    {
        final Path to = tmp.resolve(name);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(TestRepo.model(name)))
        {
            for (final Path f : (Iterable<Path>)files::iterator)
            {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
