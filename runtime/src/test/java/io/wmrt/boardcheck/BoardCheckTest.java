package io.wmrt.boardcheck;

import io.wmrt.TestRepo;
import io.wmrt.backend.FaultPlan;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfileLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A backend that answers wrongly or fails is caught on the graph where it does so, and only there: the other
 * backends, and the graphs before it on the same backend, still pass.
 */
class BoardCheckTest
{
    private static final int RUNS = 3;

    @Test
    void shouldFailOnlyTheGraphWhoseBackendAnswersNaN() throws Exception
    {
        final BoardReport report = check("rollout/ort-cpu:nan@1");

        assertFalse(report.passed());
        for (final BoardReport.GraphResult graph : report.packages().get(0).graphs())
        {
            final boolean faulty = graph.role().equals("rollout") && graph.backend().equals("ort-cpu");
            assertEquals(!faulty, graph.passed(), graph.toString());
            if (faulty)
            {
                assertFalse(graph.goldenOk());
                assertTrue(Double.isNaN(graph.maxAbsError()), graph.toString());
                assertTrue(graph.error().contains("output 'agent_future' of rollout"), graph.error());
            }
        }
    }

    @Test
    void shouldReportABackendThatFailsOnTheGoldenInputAndStillTimeTheGraphsBeforeIt() throws Exception
    {
        final BoardReport report = check("rollout/ort-native:throw@1");

        assertFalse(report.passed());
        for (final BoardReport.GraphResult graph : report.packages().get(0).graphs())
        {
            final boolean faulty = graph.role().equals("rollout") && graph.backend().equals("ort-native");
            assertEquals(!faulty, graph.passed(), graph.toString());
            assertEquals(faulty, Double.isNaN(graph.p50Us()), graph.toString());
            if (faulty)
            {
                assertTrue(graph.error().contains("rollout failed on the golden input"), graph.error());
            }
        }
    }

    @Test
    void shouldPassWhenNoBackendIsFaulty() throws Exception
    {
        final BoardReport report = check("");

        assertTrue(report.passed(), report.toJson());
        assertEquals(4, report.packages().get(0).graphs().size(), "encoder and rollout on ort-native and ort-cpu");
    }

    private static BoardReport check(final String faults) throws Exception
    {
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        return new BoardCheck(HardwareProfileLoader.load(TestRepo.profile("host"))).runs(RUNS)
            .faults(FaultPlan.parse(faults, 1))
            .check(List.of(model), Machine.probe(Path.of("/")));
    }
}
