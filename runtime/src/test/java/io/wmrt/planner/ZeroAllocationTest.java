package io.wmrt.planner;

import io.wmrt.OptionalTensorPackage;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.model.ModelPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planning tick allocates nothing in steady state, measured on the planner thread with the JVM's
 * per-thread allocation counter over 10,000 ticks after warm-up: with cv-baseline, and with a package that
 * declares every optional tensor (ego, route, lights packed; risk scored).
 * <p>
 * The bound is under 0.5 byte per tick on average: one object per tick would be 16 bytes or more, while the
 * JVM itself may charge a few bytes to the thread once in a long run (with escape analysis on, C2 re-creates
 * objects it had removed when it de-optimises code). The build runs this class twice, the second time with
 * escape analysis off ({@code -XX:-DoEscapeAnalysis}), so that the tick is shown to allocate nothing by
 * construction, not because the JIT removed its allocations.
 */
class ZeroAllocationTest
{
    private static final double V = SceneCodes.VEHICLE;
    private static final double P = SceneCodes.PEDESTRIAN;
    private static final double[][] AGENTS = {
        {V, 40, 0, 0, 0}, {V, 120, 3.5, Math.PI, 8}, {P, 25, -3, Math.PI / 2, 1.2}};
    private static final boolean ESCAPE_ANALYSIS_OFF =
        ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-DoEscapeAnalysis");

    @TempDir
    Path tmp;

    @Test
    void shouldAllocateNothingPerTickIncludingInferenceOnTheNativePath() throws Exception
    {
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("native"), 5, new NativeOrtBackend(1)))
        {
            assertTrue(h.agent.backendSummary().endsWith("rollout=ort-native"), h.agent.backendSummary());
            assertSteadyStateAllocation(h, "inference included");
        }
    }

    @Test
    void shouldAllocateNothingPerTickWithEgoRouteLightsAndRiskOnTheNativePath() throws Exception
    {
        // A package that declares every optional tensor: three more inputs packed, risk scored, each tick.
        final Path model = OptionalTensorPackage.write(tmp.resolve("optional-model"));
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("optional"), 5, model, new CostWeights(),
            new NativeOrtBackend(1)))
        {
            assertTrue(h.agent.backendSummary().endsWith("rollout=ort-native"), h.agent.backendSummary());
            for (final String name : List.of(ModelPackage.EGO_TENSOR, ModelPackage.ROUTE_TENSOR,
                ModelPackage.LIGHTS_TENSOR, ModelPackage.RISK_TENSOR))
            {
                assertTrue(h.arena.has(name), name + " bound");
            }
            assertSteadyStateAllocation(h, "optional tensors, inference included");
        }
    }

    @Test
    void shouldAllocateNothingPerTickOutsideInference() throws Exception
    {
        // Graph doubles isolate the planner's own work: scene decode, packing, candidates, scoring, publish.
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("idle"), 5,
            PlannerHarness.idleGraph(), PlannerHarness.idleGraph()))
        {
            assertSteadyStateAllocation(h, "planner only");
        }
    }

    private static void assertSteadyStateAllocation(final PlannerHarness h, final String what)
    {
        final TrajectoryReader.Handler ignore = t -> { };
        for (int seq = 1; seq <= 2_000; seq++)
        {
            tick(h, seq, ignore);
        }
        h.agent.stats().reset();
        for (int seq = 2_001; seq <= 12_000; seq++)
        {
            tick(h, seq, ignore);
        }
        final double perTick = h.agent.stats().allocBytesPerTick();
        assertEquals(10_000, h.agent.stats().ticks());
        System.out.printf("%s, escape analysis %s: %.4f bytes allocated per tick over 10,000 ticks%n",
            what, ESCAPE_ANALYSIS_OFF ? "off" : "on", perTick);
        assertTrue(perTick < 0.5, what + ", escape analysis " + (ESCAPE_ANALYSIS_OFF ? "off" : "on") +
            ": bytes allocated per tick (one object per tick fails): " + perTick);
    }

    private static void tick(final PlannerHarness h, final int seq, final TrajectoryReader.Handler ignore)
    {
        // Scenes vary: the ego advances, the light turns red and green, so every branch of the tick runs.
        h.writeScene(seq, (seq % 50) * 0.5, 6, AGENTS, 60, seq % 100 < 50);
        h.agent.doWork();
        while (h.reader.poll(ignore) > 0)
        {
            // drain
        }
    }
}
