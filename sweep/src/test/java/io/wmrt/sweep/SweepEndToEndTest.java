package io.wmrt.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole sweeps on Spark's local[2,2] master with a real SUMO and the real runtime, on a short copy of the on-ramp
 * merge: resume, a retry after SUMO is killed, a run beside a CPU hog, and Ctrl-C.
 */
class SweepEndToEndTest
{
    /** Members a run's wall clock decides; everything else must not change between attempts. */
    private static final List<String> WALL_CLOCK_MEMBERS = List.of("wall_s", "tick_ms_p50", "tick_ms_p99",
        "deadline_misses", "clock_degraded_ticks", "attempts", "report");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path scenario;

    @BeforeAll
    static void shortScenario() throws Exception
    {
        final Path source = SweepMatrixTest.HOME.resolve("hil/scenarios/on-ramp-merge");
        scenario = Files.createDirectories(dir.resolve("short-merge"));
        try (Stream<Path> files = Files.list(source))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.copy(file, scenario.resolve(file.getFileName()));
            }
        }
        final Path yaml = scenario.resolve("scenario.yaml");
        Files.writeString(yaml, Files.readString(yaml)
            .replaceAll("duration_s: *\\d+", "duration_s: 8")
            .replaceAll("min_progress_m: *\\d+", "min_progress_m: 20"));
    }

    private static Path matrix(final String name, final String seeds) throws Exception
    {
        final Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, "scenarios: [" + scenario + "]\nseeds: " + seeds + "\nmodels: [models/cv-baseline]\n");
        return file;
    }

    private record Sweep(int exit, SweepCommand command, String output)
    {
    }

    private static Sweep sweep(final Path matrix, final Path out, final String... more)
    {
        final SweepCommand command = new SweepCommand();
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.stdout = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        final List<String> args = new ArrayList<>(List.of("--matrix", matrix.toString(), "--out", out.toString(),
            "--master", "local[2,2]", "--task-cpus", "1", "--no-ui"));
        args.addAll(List.of(more));
        final int exit = SweepCommand.commandLine(command).execute(args.toArray(new String[0]));
        return new Sweep(exit, command, bytes.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode runs(final Path out) throws Exception
    {
        return JSON.readTree(out.resolve("summary.json").toFile()).get("runs");
    }

    private static ObjectNode withoutWallClock(final JsonNode run)
    {
        final ObjectNode copy = run.deepCopy();
        copy.remove(WALL_CLOCK_MEMBERS);
        return copy;
    }

    private static List<String> pgrep(final String pattern) throws Exception
    {
        final Process p = new ProcessBuilder("pgrep", "-f", "--", pattern).redirectErrorStream(true).start();
        final List<String> pids = new ArrayList<>();
        for (final String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"))
        {
            if (!line.isBlank())
            {
                pids.add(line.trim());
            }
        }
        p.waitFor(10, TimeUnit.SECONDS);
        return pids;
    }

    @Test
    void shouldRunEachTaskOnceThenSkipItAndRunOnlyWhatTheMatrixGained() throws Exception
    {
        final Path out = dir.resolve("resume");
        final Sweep first = sweep(matrix("two-seeds", "[11, 12]"), out);
        assertTrue(first.exit() == 0 || first.exit() == 1, first.output());
        assertEquals(2, first.command().lastResult.ran(), first.output());
        assertEquals(2, runs(out).size());
        assertTrue(Files.readString(out.resolve("index.html")).contains("short-merge"));
        for (final JsonNode run : runs(out))
        {
            assertTrue(Files.isRegularFile(out.resolve(SweepLayout.RUNS).resolve(run.get("task_id").asText())
                .resolve(SweepLayout.SUCCESS_MARKER)));
            assertEquals("deterministic", run.get("timing").asText());
            assertEquals(1, run.get("attempts").asInt());
        }

        final Sweep again = sweep(matrix("two-seeds", "[11, 12]"), out);
        assertEquals(first.exit(), again.exit(), again.output());
        assertEquals(0, again.command().lastResult.ran());
        assertTrue(again.output().contains("0 to run, 2 skipped"), again.output());
        assertEquals(2, runs(out).size());

        final Sweep grown = sweep(matrix("three-seeds", "[11, 12, 13]"), out);
        assertEquals(1, grown.command().lastResult.ran(), grown.output());
        assertTrue(grown.output().contains("1 to run, 2 skipped"), grown.output());
        assertEquals(3, runs(out).size());
    }

    @Test
    void shouldRetryATaskWhoseSumoWasKilledAndGetTheSameMetrics() throws Exception
    {
        final Path undisturbed = dir.resolve("undisturbed");
        final Path disturbed = dir.resolve("disturbed");
        final Sweep clean = sweep(matrix("seed-21", "[21]"), undisturbed);
        assertTrue(clean.exit() <= 1, clean.output());
        final Sweep killed = sweep(matrix("seed-21", "[21]"), disturbed, "--fault-kill-sumo-ms", "300");
        assertTrue(killed.exit() <= 1, killed.output());

        final JsonNode retried = runs(disturbed).get(0);
        final String id = retried.get("task_id").asText();
        assertEquals(2, retried.get("attempts").asInt(), "committed by the second attempt: " + killed.output());
        final Path firstAttempt = disturbed.resolve(SweepLayout.ATTEMPTS).resolve(id).resolve("attempt-1");
        assertTrue(Files.isRegularFile(firstAttempt.resolve(RigTask.FAULT_FILE)), "SUMO was killed in attempt 1");
        assertFalse(Files.exists(firstAttempt.resolve(SweepLayout.SUCCESS_MARKER)), "the failed attempt never commits");
        assertEquals(withoutWallClock(runs(undisturbed).get(0)), withoutWallClock(retried));
        assertEquals(List.of(), pgrep(scenario.toString()), "SUMO left behind");
    }

    @Test
    void shouldScoreTheSameBesideACpuHog() throws Exception
    {
        final Path alone = dir.resolve("alone");
        final Path loaded = dir.resolve("loaded");
        final Sweep quiet = sweep(matrix("seed-31", "[31]"), alone);
        assertTrue(quiet.exit() <= 1, quiet.output());
        final List<Thread> hogs = new ArrayList<>();
        final boolean[] stop = {false};
        for (int i = 0; i < 2 * Runtime.getRuntime().availableProcessors(); i++)
        {
            final Thread hog = new Thread(() ->
            {
                long x = 0;
                while (!stop[0])
                {
                    x += Long.numberOfTrailingZeros(x * 31 + 7);
                }
            }, "cpu-hog-" + i);
            hog.setDaemon(true);
            hog.start();
            hogs.add(hog);
        }
        final Sweep busy;
        try
        {
            busy = sweep(matrix("seed-31", "[31]"), loaded);
        }
        finally
        {
            stop[0] = true;
        }
        assertTrue(busy.exit() <= 1, busy.output());
        assertEquals(withoutWallClock(runs(alone).get(0)), withoutWallClock(runs(loaded).get(0)));
    }

    @Test
    void shouldLeaveNoRigProcessAndCommitNothingPartialWhenStopped() throws Exception
    {
        final Path out = dir.resolve("stopped");
        final Path matrix = matrix("many-seeds", "{from: 100, count: 20}");
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(List.of(System.getProperty("wmrt.test.opens", "").split(" ")));
        command.addAll(List.of("-Dwmrt.home=" + SweepMatrixTest.HOME, "-cp", System.getProperty("java.class.path"),
            SweepCommand.class.getName(), "--matrix", matrix.toString(), "--out", out.toString(),
            "--master", "local[2,2]", "--task-cpus", "1", "--no-ui"));
        command.removeIf(String::isBlank);
        final Process sweep = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(dir.resolve("stopped.log").toFile()).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (pgrep(scenario.toString()).isEmpty())
        {
            assertTrue(sweep.isAlive(), Files.readString(dir.resolve("stopped.log")));
            assertTrue(System.nanoTime() < deadline, "no rig started: " + Files.readString(dir.resolve("stopped.log")));
            Thread.sleep(100);
        }
        Thread.sleep(1500);
        sweep.destroy();  // SIGTERM: the JVM's shutdown hooks run as on Ctrl-C
        assertTrue(sweep.waitFor(60, TimeUnit.SECONDS), "the sweep did not stop");
        Thread.sleep(500);
        assertEquals(List.of(), pgrep(scenario.toString()), "SUMO left behind");
        assertEquals(List.of(), pgrep("wmrt-hil-[0-9]+-short-merge-seed1"), "a runtime left behind");
        assertEquals(List.of(), pgrep(out.toString()), "a rig process left behind");
        try (Stream<Path> runs = Files.list(out.resolve(SweepLayout.RUNS)))
        {
            runs.forEach(run -> assertTrue(Files.isRegularFile(run.resolve(SweepLayout.SUCCESS_MARKER)),
                "only whole runs are committed: " + run));
        }
        catch (final java.nio.file.NoSuchFileException nothingCommitted)
        {
            // Stopped before the first run finished.
        }
    }
}
