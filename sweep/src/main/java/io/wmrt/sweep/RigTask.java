package io.wmrt.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wmrt.hil.HilCommand;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The body of one Spark task: one rig run, as {@code wmrt hil} makes it for one scenario and one seed (SUMO and
 * the runtime each in its own process, with their own ports and bus directory), in a rig process of its own under
 * a hard wall-clock limit, in a fresh attempt directory that is committed when the run produced a result.
 * <p>
 * A scenario failing its criteria is a result. An infrastructure failure (SUMO or the runtime crashed, the
 * limit passed, a port clash) throws, so Spark runs the task again, until the last attempt allowed, which
 * reports the failure instead so the rest of the sweep goes on. Input the rig refuses (exit 2) is not retried.
 * <p>
 * Stateless apart from its settings: safe from any thread; each call owns its attempt directory and processes.
 */
public final class RigTask
{
    static final String FAULT_FILE = "fault-injected.txt";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LOG_TAIL_LINES = 15;

    private final SweepSettings settings;
    private final SweepLayout layout;

    public RigTask(final SweepSettings settings)
    {
        this.settings = settings;
        this.layout = new SweepLayout(Path.of(settings.outDir()));
    }

    /** Thrown for an attempt Spark should run again. */
    public static final class RigFailure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        RigFailure(final String message)
        {
            super(message);
        }
    }

    /**
     * Runs the task's attempt number {@code sparkAttempt} (0 for the first this sweep).
     *
     * @throws RigFailure when the attempt failed for a reason another attempt may not meet, and attempts remain
     */
    public TaskOutcome run(final SweepTask task, final int sparkAttempt) throws IOException, InterruptedException
    {
        if (layout.isCommitted(task.id()))
        {
            return committed(layout, task, 0);
        }
        final long start = System.nanoTime();
        final Path attempt = layout.newAttempt(task.id());
        final int number = SweepLayout.attemptNumber(attempt);
        Files.writeString(attempt.resolve("task.txt"), describe(task, number, sparkAttempt), StandardCharsets.UTF_8);
        final Process rig = new ProcessBuilder(command(task, attempt))
            .redirectErrorStream(true)
            .redirectOutput(attempt.resolve(SweepLayout.RIG_LOG).toFile())
            .start();
        RigProcesses.register(rig);
        final Thread fault = sparkAttempt == 0 && settings.killSumoAfterMs() > 0 ? killSumoLater(rig, attempt) : null;
        final int exit;
        try
        {
            if (!rig.waitFor(task.timeoutS(), TimeUnit.SECONDS))
            {
                RigProcesses.killTree(rig);
                return failed(task, sparkAttempt, number, start, "timed out after " + task.timeoutS() +
                    " s of wall-clock time; its process tree (rig, SUMO, runtime) was killed", attempt, true);
            }
            exit = rig.exitValue();
        }
        catch (final InterruptedException ex)
        {
            // The task was cancelled (Ctrl-C, or Spark killed a speculative twin): nothing is left running.
            RigProcesses.killTree(rig);
            throw ex;
        }
        finally
        {
            RigProcesses.unregister(rig);
            if (null != fault)
            {
                fault.interrupt();
            }
        }
        if (RigProcesses.shuttingDown())
        {
            throw new RigFailure(task.id() + ": stopped (the sweep is shutting down); attempt not committed");
        }
        if (exit == HilCommand.EXIT_BAD_INPUT)
        {
            return failed(task, sparkAttempt, number, start, "the rig refused its input (exit 2)", attempt, false);
        }
        if (exit != 0 && exit != HilCommand.EXIT_FAILED)
        {
            return failed(task, sparkAttempt, number, start, "the rig failed with exit " + exit +
                " (SUMO or the runtime failed)", attempt, true);
        }
        final String runJson;
        try
        {
            runJson = runOf(attempt.resolve("summary.json"), task);
        }
        catch (final RigFailure | IOException ex)
        {
            return failed(task, sparkAttempt, number, start, ex.getMessage(), attempt, true);
        }
        if (!layout.commit(task.id(), attempt))
        {
            // A twin (speculation, or a retry of a lost executor) committed first: its result stands.
            return committed(layout, task, 0);
        }
        return outcome(task, TaskOutcome.Status.RAN, runJson, number, start);
    }

    private TaskOutcome failed(final SweepTask task, final int sparkAttempt, final int number, final long start,
        final String what, final Path attempt, final boolean retryable)
    {
        final String message = task.runName() + " (" + task.model() + ", task " + task.id() + "), attempt " + number +
            ": " + what + "; " + attempt.resolve(SweepLayout.RIG_LOG) + " ends with:\n" +
            tail(attempt.resolve(SweepLayout.RIG_LOG));
        if (retryable && sparkAttempt + 1 < settings.maxAttempts())
        {
            throw new RigFailure(message);
        }
        return new TaskOutcome(task.id(), TaskOutcome.Status.FAILED, null, number, false,
            (System.nanoTime() - start) / 1e9, message);
    }

    /**
     * A task's committed result, read from its run directory.
     *
     * @param attempt the attempt it came from, or 0 to read it from the run's task description
     */
    static TaskOutcome committed(final SweepLayout layout, final SweepTask task, final int attempt)
        throws IOException
    {
        final Path run = layout.runDir(task.id());
        return new TaskOutcome(task.id(), TaskOutcome.Status.SKIPPED, runOf(run.resolve("summary.json"), task),
            0 == attempt ? committedAttempt(run) : attempt, passed(run.resolve("summary.json")), 0.0, null);
    }

    private TaskOutcome outcome(final SweepTask task, final TaskOutcome.Status status, final String runJson,
        final int attempt, final long start) throws IOException
    {
        final boolean passed = JSON.readTree(runJson).path("passed").asBoolean(false);
        return new TaskOutcome(task.id(), status, runJson, attempt, passed, (System.nanoTime() - start) / 1e9, null);
    }

    /** The attempt a committed run came from, from the task description it carries. */
    static int committedAttempt(final Path run) throws IOException
    {
        for (final String line : Files.readAllLines(run.resolve("task.txt"), StandardCharsets.UTF_8))
        {
            if (line.startsWith("attempt: "))
            {
                return Integer.parseInt(line.substring("attempt: ".length()).trim());
            }
        }
        return 1;
    }

    private static boolean passed(final Path summary) throws IOException
    {
        return JSON.readTree(summary.toFile()).path("all_passed").asBoolean(false);
    }

    /** The one run of a rig report's summary, checked to be this task's. */
    private static String runOf(final Path summary, final SweepTask task) throws IOException
    {
        if (!Files.isRegularFile(summary))
        {
            throw new RigFailure(summary + " is missing: the rig ended without writing its report");
        }
        final JsonNode runs = JSON.readTree(summary.toFile()).path("runs");
        if (runs.size() != 1 || !task.runName().equals(runs.get(0).path("scenario").asText()))
        {
            throw new RigFailure(summary + " does not hold exactly the run " + task.runName());
        }
        return JSON.writeValueAsString(runs.get(0));
    }

    private static String describe(final SweepTask task, final int number, final int sparkAttempt)
    {
        return String.format(Locale.ROOT, "task: %s%nrun: %s%nscenario: %s%nseed: %d%nmodel: %s%nprofile: %s%n" +
            "perturb: %s%nrecord: %s%ntiming: %s%ntimeout_s: %d%nattempt: %d%nspark_attempt: %d%nhost: %s%n",
            task.id(), task.runName(), task.scenarioDir(), task.seed(), task.modelDir(), task.profileFile(),
            task.perturb(), task.record(), task.timing(), task.timeoutS(), number, sparkAttempt, host());
    }

    private List<String> command(final SweepTask task, final Path attempt)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-XX:+UseSerialGC");
        command.add("-Xms64m");
        command.add("-Xmx512m");
        command.add("-Dwmrt.home=" + settings.wmrtHome());
        command.addAll(settings.rigJvmOptions());
        command.add("-cp");
        command.add(settings.rigClasspath());
        command.add(HilCommand.class.getName());
        command.add("--scenario");
        command.add(task.scenarioDir());
        command.add("--seeds");
        command.add(Long.toString(task.seed()));
        command.add("--model");
        command.add(task.modelDir());
        command.add("--profile");
        command.add(task.profileFile());
        command.add("--perturb");
        command.add(Double.toString(task.perturb()));
        command.add("--timing");
        command.add(task.timing());
        command.add("--report");
        command.add(attempt.toString());
        if (task.record())
        {
            command.add("--record");
            command.add(attempt.resolve(SweepLayout.DATASET).toString());
        }
        return command;
    }

    /** Fault injection for the retry test: SUMO dies mid-run, as a crashed simulator would. */
    private Thread killSumoLater(final Process rig, final Path attempt)
    {
        final Thread killer = new Thread(() ->
        {
            try
            {
                // The closed loop's SUMO (the one with the sublane model), killSumoAfterMs into its life: the
                // reference driver's SUMO, started first without it, may come and go before.
                final long deadline = System.currentTimeMillis() + 120_000;
                while (rig.isAlive() && System.currentTimeMillis() < deadline)
                {
                    Thread.sleep(20);
                    final List<ProcessHandle> sumo = rig.toHandle().descendants()
                        .filter(p -> p.info().command().map(c -> c.endsWith("/sumo") || c.equals("sumo")).orElse(false))
                        .filter(p -> p.info().arguments().map(a -> List.of(a).contains("--lateral-resolution"))
                            .orElse(false))
                        .toList();
                    for (final ProcessHandle process : sumo)
                    {
                        final long ageMs = process.info().startInstant()
                            .map(start -> java.time.Duration.between(start, java.time.Instant.now()).toMillis())
                            .orElse(0L);
                        if (ageMs >= settings.killSumoAfterMs() && process.destroyForcibly())
                        {
                            Files.writeString(attempt.resolve(FAULT_FILE), "killed SUMO (pid " + process.pid() +
                                ") " + ageMs + " ms after it started\n");
                            return;
                        }
                    }
                }
            }
            catch (final InterruptedException | IOException ignored)
            {
                // The attempt ended first.
            }
        }, "wmrt-sweep-fault");
        killer.setDaemon(true);
        killer.start();
        return killer;
    }

    private static String tail(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + log + ": " + ex.getMessage() + ")";
        }
    }

    private static String host()
    {
        try
        {
            return java.net.InetAddress.getLocalHost().getHostName();
        }
        catch (final IOException ex)
        {
            return "unknown";
        }
    }
}
