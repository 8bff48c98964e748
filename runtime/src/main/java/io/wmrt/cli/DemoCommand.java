package io.wmrt.cli;

import io.wmrt.config.AtomicFiles;
import io.wmrt.demo.ClosedLoopDemo;
import io.wmrt.demo.DemoScenario;
import io.wmrt.demo.ScenarioResult;
import io.wmrt.model.ModelPackage;
import io.wmrt.profile.HardwareProfile;
import picocli.CommandLine.Command;
import io.wmrt.backend.FaultPlan;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Play the built-in scripted scenes closed loop in one process: the ego follows its own " +
        "published trajectories through the shared-memory bus. Needs no board and no simulator.")
final class DemoCommand implements Callable<Integer>
{
    @Option(names = "--profile", paramLabel = "FILE", description = "hardware profile (default: ${DEFAULT-VALUE})",
        defaultValue = "hardware-profiles/host.yaml")
    Path profileFile;

    @Option(names = "--model", paramLabel = "DIR", description = "model package (default: ${DEFAULT-VALUE})",
        defaultValue = "models/cv-baseline")
    Path modelDir;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "also write the figures as JSON here")
    Path summaryJson;

    @Option(names = "--trace", paramLabel = "TICKS",
        description = "print the decision every TICKS ticks: chosen behaviour and its cost terms")
    int traceEvery;

    @Option(names = "--seed", description = "seed of the planner's candidate sampler (default: ${DEFAULT-VALUE})",
        defaultValue = "" + io.wmrt.planner.PlannerConfig.DEFAULT_SEED)
    long seed;

    @Option(names = "--scenario", paramLabel = "NAME", description = "run only these scenes (repeatable)")
    List<String> only = new ArrayList<>();

    public Integer call() throws Exception
    {
        final PrintStream out = System.out;
        final HardwareProfile profile = Loading.profile(resolve(profileFile));
        final ModelPackage model = Loading.model(resolve(modelDir), profile);

        out.printf("wmrt demo: profile %s (%s), model %s %s (%s, K=%d H=%d dt=%.2fs)%s%n",
            profile.soc(), profile.file().getFileName(), model.name(), model.version(), model.precision(),
            model.planner().candidates(), model.planner().horizon(), model.planner().dtSeconds(),
            model.signed() ? ", signed by " + model.signedBy() : ", unsigned");

        final List<DemoScenario> scenes = new ArrayList<>();
        for (final DemoScenario scene : DemoScenario.builtIn())
        {
            if (only.isEmpty() || only.contains(scene.name()))
            {
                scenes.add(scene);
            }
        }
        if (scenes.isEmpty())
        {
            System.err.println("wmrt demo: no built-in scene named " + only + "; scenes: " +
                DemoScenario.builtIn().stream().map(DemoScenario::name).toList());
            return WmrtCommand.EXIT_BAD_INPUT;
        }

        final FaultPlan faults = Loading.faults(seed);
        final ClosedLoopDemo demo = new ClosedLoopDemo(profile, model, Defaults.sharedMemoryBase(), out).seed(seed)
            .faults(faults);
        if (traceEvery > 0)
        {
            demo.trace(out, traceEvery);
        }
        // One unreported pass over the scenes first, so class loading, JIT compilation and the JIT's
        // de-optimisations (which re-create objects escape analysis had removed) land outside the figures below.
        out.println("warming up: one unreported pass over the scenes");
        for (final DemoScenario scene : scenes)
        {
            demo.run(scene, false);
        }
        final List<ScenarioResult> results = new ArrayList<>();
        for (final DemoScenario scene : scenes)
        {
            out.printf("%n%s: %s%n", scene.name(), scene.description());
            final ScenarioResult r = demo.run(scene);
            results.add(r);
            out.printf(Locale.ROOT,
                "  %s  ticks %d  tick p50 %.2f ms  p99 %.2f ms  backend %s%n" +
                "  collisions %d  min distance %.2f m  progress %.1f m  red-light violations %d%s  " +
                "max decel %.1f m/s^2  alloc %.0f B/tick%n",
                r.passed() ? "PASS" : "FAIL", r.ticks(), r.tickMsP50(), r.tickMsP99(), r.backend(),
                r.collisions(), r.minDistanceM(), r.progressM(), r.redLightViolations(),
                r.overtookQueue() ? "  OVERTOOK THE QUEUE" : "", r.maxDecelMps2(), r.allocBytesPerTick());
        }

        if (null != summaryJson)
        {
            final StringBuilder json = new StringBuilder("{\"profile\":\"").append(profile.soc())
                .append("\",\"model\":\"").append(model.name()).append("\",\"scenarios\":[");
            for (int i = 0; i < results.size(); i++)
            {
                json.append(i == 0 ? "" : ",").append(results.get(i).toJson());
            }
            json.append("]}\n");
            AtomicFiles.write(summaryJson, json.toString().getBytes(StandardCharsets.UTF_8), false);
            out.println("\nsummary written to " + summaryJson);
        }
        final long failed = results.stream().filter(r -> !r.passed()).count();
        out.printf("%n%d of %d scenes passed%n", results.size() - failed, results.size());
        return failed == 0 ? 0 : WmrtCommand.EXIT_FAILED;
    }

    static Path resolve(final Path path)
    {
        return path.isAbsolute() || path.toFile().exists() ? path : Defaults.home().resolve(path);
    }
}
