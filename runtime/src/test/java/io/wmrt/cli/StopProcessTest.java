package io.wmrt.cli;

import io.wmrt.TestProcesses;
import io.wmrt.backend.FaultPlan;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stop request always stops {@code wmrt run}, even when its planner thread is stuck in a backend call that
 * never returns (injected with {@code WMRT_FAULTS}): it waits a bounded time, says why in the instance's error
 * log, and halts.
 */
class StopProcessTest
{
    /** The planner's stop timeout, plus generous room for a loaded machine to write the log and exit. */
    private static final long EXIT_BOUND_MS = WmrtRuntime.STOP_TIMEOUT_MS + 13_000;

    @TempDir
    Path tmp;

    @Test
    void shouldHaltOnSigtermWhenThePlannerHangsAndRecordWhyInTheErrorLog() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Path log = tmp.resolve("run.log");
        final ProcessBuilder builder = new ProcessBuilder(TestProcesses.wmrt("run", "--dir", dir.toString()))
            .redirectErrorStream(true).redirectOutput(log.toFile());
        // The fifth rollout call blocks for ten minutes, as a wedged driver call would.
        builder.environment().put(FaultPlan.ENVIRONMENT_VARIABLE, "rollout:hang=600000ms@5");
        final Process run = builder.start();
        try
        {
            try (BusDirectory bus = BusDirectory.await(dir, 60_000))
            {
                awaitHungPlanner(bus, log);
            }

            final long stopRequested = System.nanoTime();
            run.destroy();
            final boolean exited = run.waitFor(EXIT_BOUND_MS, TimeUnit.MILLISECONDS);
            final long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopRequested);
            final String out = TestProcesses.read(log);
            assertTrue(exited, "wmrt run still running " + EXIT_BOUND_MS + " ms after SIGTERM\n" + out);
            assertEquals(WmrtCommand.EXIT_HALTED, run.exitValue(), "halted after " + stopMs + " ms\n" + out);
            assertTrue(out.contains("the planner thread did not finish within " + WmrtRuntime.STOP_TIMEOUT_MS +
                " ms of the stop request"), out);
            assertTrue(out.contains(dir.resolve("errors.log").toString()), "the output says where the reason is\n" +
                out);
        }
        finally
        {
            TestProcesses.kill(run);
        }

        final String errors;
        try (BusDirectory crashed = BusDirectory.open(dir))
        {
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            ErrorLog.print(crashed, new PrintStream(text, true, StandardCharsets.UTF_8));
            errors = text.toString(StandardCharsets.UTF_8);
        }
        assertTrue(errors.contains("the planner thread did not finish within " + WmrtRuntime.STOP_TIMEOUT_MS +
            " ms of the stop request"), errors);
        assertTrue(errors.contains("FaultInjectingBackend"), "the planner thread's stack shows where it hung\n" +
            errors);
    }

    /**
     * Feed scenes until the planner's heartbeat stops: it is inside the hanging call.
     */
    private static void awaitHungPlanner(final BusDirectory bus, final Path log) throws Exception
    {
        final SceneWriter writer = new SceneWriter(bus);
        final long deadline = System.currentTimeMillis() + 60_000;
        long seq = 0;
        while (System.currentTimeMillis() < deadline)
        {
            TestProcesses.writeScene(writer, ++seq);
            Thread.sleep(20);
            final long heartbeat = bus.counter(WmrtCounter.HEARTBEAT_MS).get();
            if (bus.counter(WmrtCounter.TICKS).get() >= 4 && heartbeat > 0 &&
                System.currentTimeMillis() - heartbeat > 1_000)
            {
                return;
            }
        }
        throw new AssertionError("the planner never hung\n" + TestProcesses.read(log));
    }
}
