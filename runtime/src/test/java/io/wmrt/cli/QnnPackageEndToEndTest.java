package io.wmrt.cli;

import io.wmrt.QnnPackages;
import io.wmrt.TestRepo;
import io.wmrt.backend.QnnTestDouble;
import io.wmrt.model.ModelPackageLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A package with a {@code qnn:} section, a profile whose {@code npu.backend_path} is the QNN TEST DOUBLE, and the
 * commands a user runs: the manifest's binary reaches the direct QNN backend through the loader, the dispatcher
 * puts {@code qnn} first, the planner's trajectories say they ran on it, and board-check holds it to the golden
 * outputs like every other backend. The double computes its own trivial function, not the package's: board-check
 * must catch that, and the CPU paths must still agree.
 */
class QnnPackageEndToEndTest
{
    @TempDir
    Path tmp;

    private Path profile;
    private Path pkg;

    @BeforeEach
    void packageAndProfile() throws Exception
    {
        final QnnTestDouble qnn = QnnTestDouble.install(Files.createDirectory(tmp.resolve("qnn")));
        pkg = TestRepo.copyModel("cv-baseline-int8", tmp);
        QnnPackages.addTestDoubleBinary(pkg,
            ModelPackageLoader.load(pkg, ModelPackageLoader.Trust.none()), "SA8650P");
        // The SA8650P profile as committed, with the double as its QNN library and the unsigned copy allowed.
        final Path committed = TestRepo.profile("sa8650p");
        final String text = Files.readString(committed)
            .replace("backend_path: libQnnHtp.so", "backend_path: " + qnn.path())
            .replace("require_signed: true", "require_signed: false")
            .replace("../models/keys/wmrt-dev.pub", committed.getParent().resolve("../models/keys/wmrt-dev.pub")
                .normalize().toString());
        profile = tmp.resolve("sa8650p-double.yaml");
        Files.writeString(profile, text);
    }

    @Test
    void shouldPlanOnQnnFromThePackagesBinary()
    {
        final WmrtInvocation run = WmrtInvocation.run("demo", "--profile", profile.toString(), "--model",
            pkg.toString(), "--scenario", "red-light-queue");

        assertTrue(run.out().contains("dispatch: encoder -> qnn (fallback: ort-native, ort-cpu)"), run.out());
        assertTrue(run.out().contains("dispatch: rollout -> qnn (fallback: ort-native, ort-cpu)"), run.out());
        assertTrue(run.out().contains("backend encoder=qnn, rollout=qnn"), "the trajectories say QNN_DIRECT: " +
            run.out());
        assertFalse(run.out().contains("NPU not used"), run.out());
    }

    @Test
    void shouldHoldQnnToTheGoldenOutputsAndCatchThatItDisagrees() throws Exception
    {
        final Path report = tmp.resolve("board.json");
        final WmrtInvocation run = WmrtInvocation.run("board-check", "--profile", profile.toString(), "--model",
            pkg.toString(), "--runs", "3", "--json", report.toString());

        assertEquals(WmrtCommand.EXIT_FAILED, run.exit(), run.out() + run.err());
        final Map<String, Object> json = new Yaml().load(Files.readString(report));
        final Map<String, Object> qnn = list(json, "backends").get(0);
        assertEquals("qnn", qnn.get("id"));
        assertEquals(true, qnn.get("available"), qnn.toString());
        assertTrue(((String)qnn.get("reason")).contains("wmrt-test-double"), "the build id is reported: " + qnn);
        int qnnRows = 0;
        for (final Map<String, Object> graph : list(list(json, "packages").get(0), "graphs"))
        {
            final boolean onQnn = "qnn".equals(graph.get("backend"));
            assertEquals(!onQnn, graph.get("golden_ok"), graph.toString());
            assertEquals(onQnn, graph.get("primary"), graph.toString());
            qnnRows += onQnn ? 1 : 0;
        }
        assertEquals(2, qnnRows, "encoder and rollout ran on qnn");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(final Map<String, Object> json, final String key)
    {
        return (List<Map<String, Object>>)json.get(key);
    }
}
