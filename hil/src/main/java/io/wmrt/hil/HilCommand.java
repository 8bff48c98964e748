package io.wmrt.hil;

import io.wmrt.config.ConfigException;
import io.wmrt.hil.report.HilReport;
import io.wmrt.hil.report.ScenarioRun;
import io.wmrt.hil.rig.HilRig;
import io.wmrt.hil.rig.RigTiming;
import io.wmrt.hil.rig.RuntimeProcess;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunTrace;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code wmrt hil}: runs scenarios in closed loop against SUMO with the runtime in its own process, and
 * writes the report. Exit codes as the rest of wmrt: 0 every run passed its criteria, 1 a run failed its
 * criteria, 2 bad input (a scenario, profile or model refused); and 3 when a run could not be completed
 * (SUMO or the runtime failed), so that CI can tell a rig failure from a planner that drove badly.
 */
@Command(
    name = "hil",
    mixinStandardHelpOptions = true,
    version = "wmrt hil 0.1.0",
    description = "Drive scenarios in closed loop: SUMO headless as the world, the runtime unchanged in its own " +
        "process over the shared-memory bus; score every run and write an HTML report and summary.json.")
public final class HilCommand implements Callable<Integer>
{
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_RIG_FAILED = 3;

    @Option(names = "--scenario", required = true, paramLabel = "DIR|all",
        description = "a scenario directory, or 'all' for every scenario under --scenarios")
    String scenario;

    @Option(names = "--scenarios", paramLabel = "DIR", description = "where 'all' looks (default: hil/scenarios)")
    Path scenariosRoot;

    @Option(names = "--model", paramLabel = "DIR", description = "model package (default: models/cv-baseline)")
    Path model;

    @Option(names = "--profile", paramLabel = "FILE",
        description = "hardware profile (default: hardware-profiles/host.yaml)")
    Path profile;

    @Option(names = "--report", required = true, paramLabel = "DIR",
        description = "where index.html, summary.json and the logs of each run go")
    Path report;

    @Option(names = "--record", paramLabel = "DIR",
        description = "record a dataset per scenario into DIR/<scenario>/ (layout: hil/DATASET.md)")
    Path record;

    @Option(names = "--shadow", paramLabel = "DIR",
        description = "shadow mode: the runtime runs a second planner with this package on every scene " +
            "(wmrt run --shadow); each run's report lists where the two disagreed, with the scene at that moment")
    Path shadowDir;

    @Option(names = "--record-mcap",
        description = "record each run's bus to REPORT/mcap/<scenario>.mcap (scenes, plans, every candidate with " +
            "its costs; open in Foxglove), linked from the report")
    boolean recordMcap;

    @Option(names = "--seeds", paramLabel = "N,N,...", split = ",",
        description = "run every scenario once per seed instead of with its own seed (runs are named " +
            "<scenario>-seed<N>); seeds drive SUMO's traffic, the planner's sampler and any perturbation")
    List<Long> seeds;

    @Option(names = "--perturb", paramLabel = "P", defaultValue = "0",
        description = "probability per second of perturbing the ego's actions for 1-3 s, seeded (default: 0)")
    double perturb;

    @Option(names = "--plan-wait-ms", paramLabel = "MS", defaultValue = "1000",
        description = "wall-clock wait for the Trajectory answering a scene before the step goes stale " +
            "(default: ${DEFAULT-VALUE})")
    long planWaitMs;

    @Option(names = "--timing", paramLabel = RigTiming.SYNTAX, defaultValue = "deterministic",
        description = "deterministic (default): the planner's anytime decision from a modelled inference time " +
            "(MS, default 0), so a run scores the same on a busy machine; tick times and deadline misses are " +
            "still measured. wall-clock: decisions on the clock, as in the car, for timing runs")
    String timing;

    public Integer call() throws Exception
    {
        final Path home = Path.of(System.getProperty("wmrt.home", ".")).toAbsolutePath().normalize();
        final Path profileFile = null != profile ? profile : home.resolve("hardware-profiles/host.yaml");
        final Path modelDir = null != model ? model : home.resolve("models/cv-baseline");
        if (perturb < 0.0 || perturb > 1.0)
        {
            throw new CommandLine.ParameterException(new CommandLine(this),
                "--perturb must be in [0, 1], not " + perturb);
        }
        final RigTiming rigTiming;
        try
        {
            rigTiming = RigTiming.parse(timing);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(new CommandLine(this), "--timing: " + ex.getMessage());
        }
        // Refuse bad input before anything starts: the runtime would refuse the same files.
        final HardwareProfile hardware = HardwareProfileLoader.load(profileFile);
        final ModelPackage pkg = ModelPackageLoader.load(modelDir,
            new ModelPackageLoader.Trust(hardware.requireSignedModels(), hardware.trustedKeys()));
        final ModelPackage shadowPkg = null == shadowDir ? null : ModelPackageLoader.load(shadowDir,
            new ModelPackageLoader.Trust(hardware.requireSignedModels(), hardware.trustedKeys()));
        final List<Scenario> selected = Scenario.select(scenario,
            null != scenariosRoot ? scenariosRoot : home.resolve("hil/scenarios"));
        final List<Scenario> scenarios = new ArrayList<>();
        for (final Scenario s : selected)
        {
            if (null == seeds || seeds.isEmpty())
            {
                scenarios.add(s);
                continue;
            }
            for (final long seed : seeds)
            {
                if (seed < 0 || seed > Integer.MAX_VALUE)
                {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                        "--seeds: " + seed + " is out of range [0, " + Integer.MAX_VALUE + "]");
                }
                scenarios.add(s.withSeed(seed));
            }
        }

        Files.createDirectories(report);
        final HilRig rig = new HilRig(new HilRig.Options(profileFile, modelDir, pkg.name(), hardware.soc(),
            report.resolve("logs"), record, perturb, planWaitMs, System.out, RuntimeProcess.WMRT_MAIN, List.of(),
            rigTiming, actionBounds(pkg), recordMcap ? report.resolve("mcap") : null, shadowDir,
            null == shadowPkg ? null : shadowPkg.name()));
        System.out.printf("wmrt hil: %d run(s), model %s, profile %s (%s), timing %s, report %s%n", scenarios.size(),
            pkg.name(), profileFile, hardware.soc(), rigTiming, report.toAbsolutePath());

        final List<ScenarioRun> runs = new ArrayList<>();
        boolean allPassed = true;
        boolean allCompleted = true;
        for (final Scenario s : scenarios)
        {
            System.out.printf("%s: %s%n", s.name(), s.description());
            final RunTrace trace = new RunTrace();
            final RunResult result;
            try
            {
                result = rig.run(s, trace);
            }
            catch (final java.io.IOException | RuntimeException ex)
            {
                System.err.println("wmrt hil: " + s.name() + " could not be run: " + ex.getMessage());
                allCompleted = false;
                continue;
            }
            runs.add(new ScenarioRun(result, trace));
            allPassed &= result.passed();
            System.out.printf(Locale.ROOT, "%s: %s  collisions %d, red-light %d, offroad %d, progress %.1f m, " +
                "min TTC %s, max decel %.2f m/s², PDMS %.3f, tick p50 %.2f ms p99 %.2f ms, deadline misses %d%s%n",
                s.name(), result.passed() ? "PASS" : "FAIL", result.collisions(), result.redLightViolations(),
                result.offroad(), result.progressM(),
                Double.isFinite(result.minTtcS()) ? String.format(Locale.ROOT, "%.2f s", result.minTtcS()) : "none",
                result.maxDecelMps2(), result.pdms(), result.tickMsP50(), result.tickMsP99(), result.deadlineMisses(),
                result.passed() ? "" : "\n  " + String.join("\n  ", result.failures()));
        }
        HilReport.write(report, runs);
        System.out.printf("report: %s (summary: %s)%n", report.resolve("index.html").toAbsolutePath(),
            report.resolve("summary.json").toAbsolutePath());
        if (!allCompleted)
        {
            return EXIT_RIG_FAILED;
        }
        return allPassed ? 0 : EXIT_FAILED;
    }

    public static CommandLine commandLine()
    {
        final CommandLine cli = new CommandLine(new HilCommand());
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
        {
            final PrintWriter err = commandLine.getErr();
            if (ex instanceof ConfigException)
            {
                err.println("wmrt hil: refused: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("wmrt hil: " + ex.getMessage());
            if (Boolean.getBoolean("wmrt.debug"))
            {
                ex.printStackTrace(err);
            }
            return EXIT_RIG_FAILED;
        });
        return cli;
    }

    /** The package's action space; the planner's action contract names the dimensions (acceleration, steering). */
    static List<RunResult.ActionBound> actionBounds(final ModelPackage pkg)
    {
        final String[] names = {"accel_mps2", "steer_rad"};
        final List<RunResult.ActionBound> bounds = new ArrayList<>();
        for (int i = 0; i < pkg.actionLower().length; i++)
        {
            bounds.add(new RunResult.ActionBound(i < names.length ? names[i] : "action_" + i, pkg.actionLower()[i],
                pkg.actionUpper()[i]));
        }
        return bounds;
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }
}
