package io.wmrt.planner;

import io.wmrt.backend.Backend;
import io.wmrt.backend.FaultInjectingBackend;
import io.wmrt.backend.FaultPlan;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backends that fail on purpose, through the same {@link FaultInjectingBackend} that {@code WMRT_FAULTS} puts
 * in a running runtime: an exception or a NaN/Inf output is answered by the next backend in the same tick; a
 * hang is answered by the watchdog within the deadline plus one of its periods, and the late plan is dropped;
 * a failed backend is re-probed and takes its place back.
 */
@Timeout(120)
class FaultInjectionTest
{
    @TempDir
    Path tmp;

    /**
     * Rollout chain: the faulty native backend first, the CPU backend behind it (clean, unless the plan is to
     * reach it too); the encoder clean.
     */
    private PlannerHarness harness(final String faults, final long deadlineNs, final NanoClock clock) throws Exception
    {
        return harness(faults, deadlineNs, clock, false);
    }

    private PlannerHarness harness(
        final String faults, final long deadlineNs, final NanoClock clock, final boolean faultyCpu) throws Exception
    {
        final FaultPlan plan = FaultPlan.parse(faults, 7);
        return new PlannerHarness(tmp.resolve("bus"), deadlineNs, clock, (model, arena, owned) ->
        {
            final Backend faulty = FaultInjectingBackend.wrap(new NativeOrtBackend(1), plan);
            final Backend cpu = faultyCpu ?
                FaultInjectingBackend.wrap(new OrtCpuBackend(1), plan) : new OrtCpuBackend(1);
            return new GraphRunner[] {
                new GraphRunner("encoder", PlannerHarness.prepare(cpu, model, ModelPackage.ENCODER, arena, owned)),
                new GraphRunner("rollout",
                    PlannerHarness.prepare(faulty, model, ModelPackage.ROLLOUT, arena, owned),
                    PlannerHarness.prepare(cpu, model, ModelPackage.ROLLOUT, arena, owned))};
        });
    }

    private static void tickTo(final PlannerHarness h, final CachedNanoClock clock, final long from, final long to)
    {
        for (long seq = from; seq <= to; seq++)
        {
            h.writeFrame(seq, f -> { });
            if (null != clock)
            {
                clock.update(seq * 100_000_000L);
            }
            h.tickAndRead();
            assertEquals(seq, h.lastSceneSequence, "every frame answered");
        }
    }

    @Test
    void shouldAnswerAnExceptionWithTheNextBackendInTheSameTick() throws Exception
    {
        try (PlannerHarness h = harness("rollout/ort-native:throw@3", 10_000_000_000L, SystemNanoClock.INSTANCE))
        {
            tickTo(h, null, 1, 2);
            assertEquals("ORT_NATIVE", h.lastBackend);

            tickTo(h, null, 3, 3);

            assertEquals("FALLBACK", h.lastMode);
            assertEquals("ORT_CPU", h.lastBackend);
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_FALLBACKS).get());
            assertTrue(errors(h).contains("injected fault"), errors(h));
        }
    }

    @Test
    void shouldTreatNanOrInfOutputsAsAFailureAndNeverScoreThem() throws Exception
    {
        try (PlannerHarness h = harness("rollout/ort-native:nan@2,rollout/ort-native:inf@3",
            10_000_000_000L, new CachedNanoClock()))
        {
            tickTo(h, null, 1, 2);
            assertEquals("FALLBACK", h.lastMode);
            assertTrue(Float.isFinite(h.lastTotalCost), "scored on the fallback's finite outputs");
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_OUTPUTS_INVALID).get());
            assertTrue(errors(h).contains("an output holds NaN or Inf"), errors(h));
        }
    }

    @Test
    void shouldStopInLaneWhenEveryBackendFails() throws Exception
    {
        try (PlannerHarness h = harness("rollout:throw@1-", 10_000_000_000L, SystemNanoClock.INSTANCE, true))
        {
            // Both the native and the CPU rollout are behind the plan here: nothing can predict the world.
            tickTo(h, null, 1, 3);
            assertEquals("MINIMAL_RISK", h.lastMode);
            assertEquals(3, h.bus.counter(WmrtCounter.MINIMAL_RISK_NO_MODEL).get());
        }
    }

    @Test
    void shouldReprobeAFailedBackendAndTakeItBack() throws Exception
    {
        final CachedNanoClock clock = new CachedNanoClock();
        try (PlannerHarness h = harness("rollout/ort-native:throw@2+2", 10_000_000_000L, clock))
        {
            tickTo(h, clock, 1, 2);
            assertEquals("ORT_CPU", h.lastBackend);
            // Re-probed after 1 s (tick 12): fails again (call 3); backoff 2 s; re-probed at tick 32: answers.
            tickTo(h, clock, 3, 31);
            assertEquals("ORT_CPU", h.lastBackend);
            assertEquals(0, h.bus.counter(WmrtCounter.BACKEND_RECOVERIES).get());
            tickTo(h, clock, 32, 32);
            assertEquals("ORT_NATIVE", h.lastBackend);
            assertEquals("NOMINAL", h.lastMode);
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_RECOVERIES).get());
            assertEquals(1, h.bus.counter(WmrtCounter.BACKEND_FALLBACKS).get());
        }
    }

    @Test
    void shouldHaveTheWatchdogStopTheCarWhenATickHangsAndDropTheLatePlan() throws Exception
    {
        final long deadlineNs = 100_000_000L;
        try (PlannerHarness h = harness("rollout/ort-native:hang=1500ms@3", deadlineNs, SystemNanoClock.INSTANCE))
        {
            final PlannerWatchdog watchdog = h.agent.watchdog();
            try (AgentRunner watchdogRunner = new AgentRunner(new SleepingIdleStrategy(watchdog.periodNs()),
                Throwable::printStackTrace, null, watchdog))
            {
                AgentRunner.startOnThread(watchdogRunner);
                tickTo(h, null, 1, 2);

                // Tick 3 hangs in the backend on a thread of its own; the test reads the bus meanwhile.
                h.writeFrame(3, f -> { });
                final Thread planner = new Thread(h.agent::doWork, "planner");
                planner.start();
                final List<String> seen = new ArrayList<>();
                final long[] tickNanos = new long[1];
                final long until = System.nanoTime() + 1_000_000_000L;
                while (seen.isEmpty() && System.nanoTime() < until)
                {
                    h.reader.poll(t ->
                    {
                        seen.add(t.sceneSequence() + ":" + t.mode());
                        tickNanos[0] = t.tickNanos();
                    });
                }
                assertEquals(List.of("3:MINIMAL_RISK"), seen, "the watchdog answered the hung tick");
                assertTrue(planner.isAlive(), "while the backend was still hung");
                assertTrue(tickNanos[0] <= deadlineNs + watchdog.periodNs() + 20_000_000L,
                    "published " + tickNanos[0] / 1e6 + " ms into the tick; deadline " + deadlineNs / 1e6 +
                    " ms, watchdog period " + watchdog.periodNs() / 1e6 + " ms");
                assertEquals(1, h.bus.counter(WmrtCounter.MINIMAL_RISK_WATCHDOG).get());

                planner.join();
                h.reader.poll(t -> seen.add(t.sceneSequence() + ":" + t.mode()));
                assertEquals(1, seen.size(), "the late plan for tick 3 is dropped: " + seen);
                assertEquals(1, h.bus.counter(WmrtCounter.LATE_PLANS_DROPPED).get());

                tickTo(h, null, 4, 4);
                assertEquals("NOMINAL", h.lastMode);
            }
        }
    }

    @Test
    void shouldLogEachFailureAgainstTheGraphThatFailed() throws Exception
    {
        final FaultPlan plan = FaultPlan.parse("rollout/ort-native:throw@2,encoder/ort-native:inf@4", 7);
        try (PlannerHarness h = new PlannerHarness(tmp.resolve("bus"), 10_000_000_000L, SystemNanoClock.INSTANCE,
            (model, arena, owned) ->
            {
                final Backend faulty = FaultInjectingBackend.wrap(new NativeOrtBackend(1), plan);
                final Backend cpu = new OrtCpuBackend(1);
                return new GraphRunner[] {
                    new GraphRunner("encoder",
                        PlannerHarness.prepare(faulty, model, ModelPackage.ENCODER, arena, owned),
                        PlannerHarness.prepare(cpu, model, ModelPackage.ENCODER, arena, owned)),
                    new GraphRunner("rollout",
                        PlannerHarness.prepare(faulty, model, ModelPackage.ROLLOUT, arena, owned),
                        PlannerHarness.prepare(cpu, model, ModelPackage.ROLLOUT, arena, owned))};
            }))
        {
            // The rollout fails first (tick 2); the encoder's Inf (tick 4) must not be logged as the rollout's.
            tickTo(h, null, 1, 5);
            final String errors = errors(h);
            assertTrue(errors.contains("ort-native [rollout]: injected fault"), errors);
            assertTrue(errors.contains("ort-native [encoder]: an output holds NaN or Inf"), errors);
            assertTrue(errors.contains("1 time(s)"), errors);
            assertEquals(2, h.bus.counter(WmrtCounter.BACKEND_FALLBACKS).get());
        }
    }

    @Test
    void shouldParseAPlanAndRefuseBadEntriesNamingThem()
    {
        final FaultPlan plan = FaultPlan.parse("rollout:throw@100,rollout:nan@200,rollout:hang=500ms@300," +
            "encoder/ort-native:inf@5+3,*:throw@10/7,rollout:throw@4-,rollout:nan@p0.25", 1);
        assertEquals(7, plan.faults().size());
        assertEquals(500_000_000L, plan.faults().get(2).hangNanos());
        assertEquals("ort-native", plan.faults().get(3).backendId());
        assertTrue(FaultPlan.parse("", 1).isEmpty());

        for (final String bad : List.of("rollout:explode@1", "decoder:throw@1", "rollout:throw@0", "rollout:throw",
            "rollout:hang=5@1", "rollout:nan@p2", "rollout/:throw@1", "rollout:hang=99999999999999s@1",
            "rollout:throw@-3", "rollout:throw@NaN", "rollout:nan@pNaN", "rollout:throw@1+0"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> FaultPlan.parse("rollout:throw@1," + bad, 1), bad);
            assertTrue(ex.getMessage().contains("'" + bad + "'"), ex.getMessage());
        }
    }

    private static String errors(final PlannerHarness h)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        ErrorLog.print(h.bus, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
