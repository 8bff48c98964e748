package io.wmrt.planner;

import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Deterministic timing: with a modelled inference time the anytime decision no longer depends on how busy the
 * machine is, while tick times and deadline misses are still measured on the clock.
 */
class ModelledTimingTest
{
    private static final long DEADLINE_NS = 80_000_000L;
    private static final int TICKS = 20;

    @TempDir
    Path tmp;

    /** A machine so loaded that every read of the clock is 50 ms after the last: past the cut at 48 ms. */
    private static NanoClock loadedMachine()
    {
        final long[] now = {0};
        return () -> now[0] += 50_000_000L;
    }

    private PlannerHarness harness(final String name, final long modelledNs, final NanoClock clock) throws Exception
    {
        return new PlannerHarness(tmp.resolve(name), DEADLINE_NS, modelledNs, clock, (model, arena, owned) ->
        {
            final OrtCpuBackend cpu = new OrtCpuBackend(1);
            return new GraphRunner[] {
                new GraphRunner("encoder", PlannerHarness.prepare(cpu, model, ModelPackage.ENCODER, arena, owned)),
                new GraphRunner("rollout", PlannerHarness.prepare(cpu, model, ModelPackage.ROLLOUT, arena, owned))};
        });
    }

    private static List<float[]> drive(final PlannerHarness h)
    {
        final List<float[]> plans = new ArrayList<>();
        for (int seq = 1; seq <= TICKS; seq++)
        {
            h.writeScene(seq, seq * 0.8, 8, new double[][] {{SceneCodes.VEHICLE, 30 - seq * 0.2, 0, 0, 4}}, 60, seq < 10);
            plans.add(h.tickAndRead());
        }
        return plans;
    }

    @Test
    void shouldDegradeOnTheWallClockWhenTheMachineIsLoaded() throws Exception
    {
        try (PlannerHarness h = harness("wall", PlannerConfig.WALL_CLOCK, loadedMachine()))
        {
            drive(h);
            assertEquals("DEGRADED", h.lastMode);
            assertEquals(TICKS, h.bus.counter(WmrtCounter.DEGRADED_TICKS).get());
            assertEquals(0, h.bus.counter(WmrtCounter.DEGRADED_BY_WALL_CLOCK).get());
        }
    }

    @Test
    void shouldPlanTheSameOnALoadedMachineAsOnAnIdleOneWithModelledTiming() throws Exception
    {
        final List<float[]> idle;
        try (PlannerHarness h = harness("idle", 0, SystemNanoClock.INSTANCE))
        {
            idle = drive(h);
            assertEquals("NOMINAL", h.lastMode);
        }
        try (PlannerHarness h = harness("loaded", 0, loadedMachine()))
        {
            final List<float[]> loaded = drive(h);
            for (int i = 0; i < TICKS; i++)
            {
                assertArrayEquals(idle.get(i), loaded.get(i), "plan of tick " + (i + 1));
            }
            assertEquals("NOMINAL", h.lastMode);
            assertEquals(0, h.bus.counter(WmrtCounter.DEGRADED_TICKS).get());
            // What the clock would have done, and the misses it measured, are still reported.
            assertEquals(TICKS, h.bus.counter(WmrtCounter.DEGRADED_BY_WALL_CLOCK).get());
            assertEquals(TICKS, h.bus.counter(WmrtCounter.DEADLINE_MISSES).get());
        }
    }

    @Test
    void shouldDegradeEveryTickWhenTheModelledInferenceIsPastTheCut() throws Exception
    {
        try (PlannerHarness h = harness("slow-npu", 60_000_000L, SystemNanoClock.INSTANCE))
        {
            drive(h);
            assertEquals("DEGRADED", h.lastMode);
            assertEquals(TICKS, h.bus.counter(WmrtCounter.DEGRADED_TICKS).get());
        }
    }

    @Test
    void shouldGiveTheWatchdogRoomWhenTimingIsModelled()
    {
        final PlannerConfig wall = new PlannerConfig().deadlineNs(DEADLINE_NS);
        final PlannerConfig modelled = new PlannerConfig().deadlineNs(DEADLINE_NS).modelledInferenceNs(0);
        assertEquals(DEADLINE_NS, wall.watchdogDeadlineNs());
        assertEquals(PlannerConfig.MODELLED_TIMING_WATCHDOG_NS, modelled.watchdogDeadlineNs());
    }
}
