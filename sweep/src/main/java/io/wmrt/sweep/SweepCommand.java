package io.wmrt.sweep;

import io.wmrt.config.ConfigException;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wmrt sweep}: every task of a matrix (scenario x seed x model x profile) as one Spark task each, a rig run
 * in its own processes; resumable, retried, and reported in one place. Exit codes: 0 every task produced a result
 * and every run passed its criteria, 1 a run failed its criteria, 2 bad input (matrix, scenario, model or profile
 * refused), 3 tasks failed beyond their retries (listed).
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    version = "wmrt sweep 0.1.0",
    description = "Run a matrix of closed-loop rig runs (scenarios x seeds x models x profiles) as Apache Spark " +
        "tasks: locally by default, or on a standalone or Kubernetes cluster. Each run is 'wmrt hil' for one " +
        "scenario and one seed in its own processes, under a hard time limit, retried on an infrastructure " +
        "failure, committed once; running the same command again skips what is done.",
    footer = "Exit codes: 0 every task produced a result and every run passed its criteria, 1 a run failed its " +
        "criteria, 2 bad input (matrix, scenario, model or profile refused), 3 tasks failed beyond their retries.")
public final class SweepCommand implements Callable<Integer>
{
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_TASKS_FAILED = 3;
    /** Attempts a task gets unless the master says otherwise ({@code F} of {@code local[N,F]}). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:\\s*,\\s*(\\d+))?]");

    @Option(names = "--matrix", required = true, paramLabel = "FILE", description = "the matrix (YAML)")
    Path matrixFile;

    @Option(names = "--out", required = true, paramLabel = "DIR",
        description = "output directory: runs/, summary.json, index.html (shared by every executor on a cluster)")
    Path out;

    @Option(names = "--master", paramLabel = "URL",
        description = "Spark master: local[N,F] (N cores, F attempts per task), spark://HOST:PORT, k8s://... " +
            "(default: local[P x task-cpus, " + DEFAULT_MAX_ATTEMPTS + "], P from --parallel)")
    String master;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
        description = "rig runs at once on this machine, for the default local master (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--task-cpus", paramLabel = "C", defaultValue = "2",
        description = "spark.task.cpus: cores one run holds (SUMO and the rig on one, the runtime on the other; " +
            "default: ${DEFAULT-VALUE})")
    int taskCpus;

    @Option(names = "--max-attempts", paramLabel = "F", defaultValue = "" + DEFAULT_MAX_ATTEMPTS,
        description = "attempts per task on a cluster (spark.task.maxFailures; local[N,F] says F itself; " +
            "default: ${DEFAULT-VALUE})")
    int maxAttempts;

    @Option(names = "--no-ui", description = "do not start Spark's web UI")
    boolean noUi;

    @Option(names = "--rig-classpath", paramLabel = "CP",
        description = "class path of the rig process on the executors (default: this JVM's; on a cluster whose " +
            "executors have wmrt elsewhere, e.g. /opt/wmrt/hil/target/wmrt-hil.jar)")
    String rigClasspath;

    @Option(names = "--fault-kill-sumo-ms", hidden = true, defaultValue = "0",
        description = "fault injection for tests: kill SUMO this long into every task's first attempt")
    long killSumoAfterMs;

    /** Runs the cluster can hold at once (its cores over spark.task.cpus), once Spark is up; 0 before. */
    private int slots;

    /** Where progress and the summary go; a test may capture it. */
    PrintStream stdout = System.out;

    /** What the last call ran, for tests. */
    SweepResult lastResult;

    /** What a sweep did, for the caller's checks and the speed figures. */
    record SweepResult(int tasks, int ran, int skipped, int failed, List<TaskOutcome> outcomes, double wallS,
        int slots)
    {
    }

    public Integer call() throws Exception
    {
        if (parallel < 1 || taskCpus < 1 || maxAttempts < 1)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--parallel, --task-cpus and --max-attempts must be at least 1");
        }
        final Path home = Path.of(System.getProperty("wmrt.home", ".")).toAbsolutePath().normalize();
        final SweepMatrix matrix = SweepMatrix.load(matrixFile, home);
        final String sparkMaster = null != master ? master :
            String.format(Locale.ROOT, "local[%d,%d]", parallel * taskCpus, maxAttempts);
        final int attempts = attemptsOf(sparkMaster, maxAttempts);
        final SweepLayout layout = new SweepLayout(out);
        Files.createDirectories(layout.root());

        final List<SweepTask> tasks = matrix.tasks();
        final Map<String, TaskOutcome> outcomes = new LinkedHashMap<>();
        final List<SweepTask> pending = new ArrayList<>();
        for (final SweepTask task : tasks)
        {
            if (layout.isCommitted(task.id()))
            {
                outcomes.put(task.id(), committedOutcome(layout, task));
            }
            else
            {
                pending.add(task);
            }
        }
        final int skipped = tasks.size() - pending.size();
        stdout.printf("wmrt sweep: %d task(s) in %s: %d to run, %d skipped (already in %s)%n", tasks.size(),
            matrixFile, pending.size(), skipped, layout.root().resolve(SweepLayout.RUNS));

        final long start = System.nanoTime();
        final List<TaskOutcome> ran = pending.isEmpty() ? List.of() :
            runOnSpark(pending, sparkMaster, attempts, layout, home, skipped);
        final double wallS = (System.nanoTime() - start) / 1e9;
        for (final TaskOutcome outcome : ran)
        {
            outcomes.put(outcome.taskId(), outcome);
        }
        for (final SweepTask task : pending)
        {
            if (!outcomes.containsKey(task.id()))
            {
                outcomes.put(task.id(), layout.isCommitted(task.id()) ? committedOutcome(layout, task) :
                    new TaskOutcome(task.id(), TaskOutcome.Status.FAILED, null, 0, false, 0.0,
                        "no result: the Spark job ended before this task finished (see the messages above)"));
            }
        }
        final List<SweepReport.Row> rows = SweepReport.write(layout, tasks, outcomes);
        return conclude(tasks, outcomes, rows, ran, wallS, slots > 0 ? slots : slotsOf(sparkMaster, taskCpus), layout);
    }

    private int conclude(final List<SweepTask> tasks, final Map<String, TaskOutcome> outcomes,
        final List<SweepReport.Row> rows, final List<TaskOutcome> ran, final double wallS, final int slots,
        final SweepLayout layout)
    {
        final List<TaskOutcome> failed = new ArrayList<>();
        outcomes.values().forEach(o ->
        {
            if (!o.hasResult())
            {
                failed.add(o);
            }
        });
        final long passed = rows.stream().filter(SweepReport.Row::passed).count();
        final long ranHere = ran.stream().filter(o -> o.status() == TaskOutcome.Status.RAN).count();
        lastResult = new SweepResult(tasks.size(), (int)ranHere, tasks.size() - (int)ranHere - failed.size(),
            failed.size(), List.copyOf(outcomes.values()), wallS, slots);
        stdout.printf("wmrt sweep: %d run(s) in the report, %d passed their criteria, %d failed them; %d ran now, " +
            "%d skipped, %d task(s) without a result%n", rows.size(), passed, rows.size() - passed, ranHere,
            lastResult.skipped(), failed.size());
        speed(ran, wallS, slots);
        for (final TaskOutcome f : failed)
        {
            stdout.println("failed: " + f.failure());
        }
        stdout.printf("report: %s (summary: %s)%n", layout.root().resolve(SweepReport.PAGE_FILE),
            layout.root().resolve(SweepReport.SUMMARY_FILE));
        if (!failed.isEmpty())
        {
            return EXIT_TASKS_FAILED;
        }
        return passed == rows.size() ? 0 : EXIT_FAILED;
    }

    /** Runs per hour, and the time a task spends outside the rig, from the tasks that ran now. */
    private void speed(final List<TaskOutcome> ran, final double wallS, final int slots)
    {
        final List<TaskOutcome> runs = ran.stream().filter(o -> o.status() == TaskOutcome.Status.RAN).toList();
        if (runs.isEmpty())
        {
            return;
        }
        double taskS = 0;
        double rigS = 0;
        for (final TaskOutcome o : runs)
        {
            taskS += o.taskWallS();
            rigS += SweepReport.runWallS(o);
        }
        final int n = runs.size();
        stdout.printf(Locale.ROOT, "speed: %d run(s) in %.1f s: %.0f runs/hour with %d slot(s); per run: rig %.2f s, " +
            "task outside the rig %.2f s (rig process start, report, commit), driver and Spark %.2f s%n", n, wallS,
            n * 3600.0 / wallS, slots, rigS / n, (taskS - rigS) / n, Math.max(0.0, wallS * slots - taskS) / n);
    }

    private List<TaskOutcome> runOnSpark(final List<SweepTask> pending, final String sparkMaster, final int attempts,
        final SweepLayout layout, final Path home, final int skipped)
    {
        final SparkConf conf = new SparkConf()
            .setAppName("wmrt sweep " + layout.root().getFileName())
            .setMaster(sparkMaster)
            .set("spark.task.cpus", Integer.toString(taskCpus))
            .set("spark.task.maxFailures", Integer.toString(attempts))
            .set("spark.ui.enabled", Boolean.toString(!noUi))
            .set("spark.ui.showConsoleProgress", "false")
            // A cancelled job interrupts its tasks, which then kill their rig processes.
            .set("spark.job.interruptOnCancel", "true");
        final SweepSettings settings = new SweepSettings(layout.root().toString(), home.toString(),
            null != rigClasspath ? rigClasspath : System.getProperty("java.class.path"), List.of(), attempts,
            killSumoAfterMs);
        final SweepProgress progress = new SweepProgress(stdout, pending.size(), skipped);
        try (JavaSparkContext spark = new JavaSparkContext(conf))
        {
            spark.sc().addSparkListener(progress);
            final Thread stopOnExit = new Thread(() ->
            {
                try
                {
                    spark.sc().cancelAllJobs();
                }
                catch (final RuntimeException alreadyStopped)
                {
                    // Spark's own shutdown hook stopped the context first: its tasks are being killed.
                }
            }, "wmrt-sweep-cancel");
            Runtime.getRuntime().addShutdownHook(stopOnExit);
            if (spark.sc().uiWebUrl().isDefined())
            {
                stdout.println("Spark UI: " + spark.sc().uiWebUrl().get());
            }
            slots = Math.max(1, spark.sc().defaultParallelism() / taskCpus);
            stdout.printf("Spark: master %s, spark.task.cpus %d, %d attempt(s) per task, %d run(s) at once%n",
                sparkMaster, taskCpus, attempts, slots);
            final Thread printer = progress.start();
            try
            {
                return spark.parallelize(pending, pending.size()).map(new RunTask(settings)).collect();
            }
            catch (final Exception ex)
            {
                // Stopped (Ctrl-C), or the job aborted (a task failed in a way its last attempt could not report):
                // what committed stays, and the report below is made from it.
                stdout.println("wmrt sweep: the Spark job ended early: " + firstLine(ex.getMessage()) +
                    (RigProcesses.shuttingDown() ? "; stopped: run the same command again to resume" : ""));
                return List.of();
            }
            finally
            {
                printer.interrupt();
                progress.print(true);
                try
                {
                    Runtime.getRuntime().removeShutdownHook(stopOnExit);
                }
                catch (final IllegalStateException exiting)
                {
                    // Already shutting down (Ctrl-C): the hook runs.
                }
            }
        }
    }

    /** The task function Spark ships to the executors: a class, so it captures only the settings. */
    static final class RunTask implements Function<SweepTask, TaskOutcome>
    {
        private static final long serialVersionUID = 1L;
        private final SweepSettings settings;

        RunTask(final SweepSettings settings)
        {
            this.settings = settings;
        }

        public TaskOutcome call(final SweepTask task) throws Exception
        {
            final TaskContext context = TaskContext.get();
            return new RigTask(settings).run(task, null == context ? 0 : context.attemptNumber());
        }
    }

    static TaskOutcome committedOutcome(final SweepLayout layout, final SweepTask task) throws IOException
    {
        return RigTask.committed(layout, task, 0);
    }

    /** Attempts per task: F of local[N,F], 1 for local[N] (Spark does not retry there), else the option. */
    static int attemptsOf(final String master, final int option)
    {
        final Matcher m = LOCAL.matcher(master.trim());
        if (m.matches())
        {
            return null == m.group(2) ? 1 : Integer.parseInt(m.group(2));
        }
        return "local".equals(master.trim()) ? 1 : option;
    }

    /** Runs at once before Spark is up: N / task cpus of local[N,F]; on a cluster unknown, taken as 1. */
    static int slotsOf(final String master, final int taskCpus)
    {
        final Matcher m = LOCAL.matcher(master.trim());
        if (m.matches() && !"*".equals(m.group(1)))
        {
            return Math.max(1, Integer.parseInt(m.group(1)) / taskCpus);
        }
        return 1;
    }

    private static String firstLine(final String text)
    {
        if (null == text)
        {
            return "(no message)";
        }
        final int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    static CommandLine commandLine(final SweepCommand command)
    {
        final CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigException)
            {
                err.println("wmrt sweep: refused: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("wmrt sweep: " + ex.getMessage());
            if (Boolean.getBoolean("wmrt.debug"))
            {
                ex.printStackTrace(err);
            }
            return EXIT_TASKS_FAILED;
        });
        return cli;
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine(new SweepCommand()).execute(args));
    }
}
