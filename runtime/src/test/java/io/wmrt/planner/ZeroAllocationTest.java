package io.wmrt.planner;

import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.TrajectoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The planning tick allocates nothing in steady state, measured on the planner thread with the JVM's
 * per-thread allocation counter over 10,000 ticks after warm-up.
 * <p>
 * The build runs this class twice. With the JVM's defaults, C2's escape analysis may remove short-lived objects
 * and re-create them on the heap when it de-optimises code, so a handful of bytes can appear once: the bound is
 * then under 0.5 byte per tick on average (one object per tick would be 16 or more). The second run disables
 * escape analysis ({@code -XX:-DoEscapeAnalysis}): nothing can then hide an allocation, nor re-create one, and
 * the tick must allocate exactly zero bytes.
 */
class ZeroAllocationTest
{
    private static final double V = SceneCodes.VEHICLE;
    private static final double P = SceneCodes.PEDESTRIAN;
    private static final double[][] AGENTS = {
        {V, 40, 0, 0, 0}, {V, 120, 3.5, Math.PI, 8}, {P, 25, -3, Math.PI / 2, 1.2}};
    private static final boolean STRICT =
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
            what, STRICT ? "off" : "on", perTick);
        if (STRICT)
        {
            assertEquals(0.0, perTick, what + ": bytes allocated per tick with escape analysis off");
        }
        else
        {
            assertTrue(perTick < 0.5, what + ": bytes allocated per tick (a JIT de-optimisation may re-create a " +
                "few objects once; one object per tick fails): " + perTick);
        }
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
