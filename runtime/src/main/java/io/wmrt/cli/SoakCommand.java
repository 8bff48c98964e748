package io.wmrt.cli;

import io.wmrt.model.ModelPackage;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.soak.Soak;
import io.wmrt.soak.SoakConfig;
import io.wmrt.soak.SoakReport;
import io.wmrt.soak.SoakVerdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
        "Soak the runtime: 'wmrt run' in its own process with a fixed heap and GC logging, fed moving traffic at " +
            "the profile's rate with malformed frames between the valid ones and backend faults injected. Reports " +
            "tick p50/p99/p99.9/max after warm-up, GCs and their pauses, heap after GC, RSS and every counter, " +
            "in OUT/soak.json and on the terminal.",
        "Fails (exit 1) when tick p99.9 exceeds the profile's deadline, a GC happens after warm-up, RSS grows " +
            "by more than the bound, a frame the runtime plans on goes unanswered, an emergency stop is " +
            "published in this traffic, or the runtime dies."})
final class SoakCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--minutes", required = true, paramLabel = "N",
        description = "length of the run, warm-up included; fractions allowed (0.5 is 30 s)")
    double minutes;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "-1",
        description = "warm-up excluded from the judged figures (default: 10%% of the run, at least 30 s, at " +
            "most half)")
    double warmupSeconds;

    @Option(names = "--profile", paramLabel = "FILE", defaultValue = Defaults.DEFAULT_PROFILE,
        description = "hardware profile (default: ${DEFAULT-VALUE}): its tick rate and deadline")
    Path profileFile;

    @Option(names = "--model", paramLabel = "DIR", defaultValue = Defaults.DEFAULT_MODEL,
        description = "model package (default: ${DEFAULT-VALUE})")
    Path modelDir;

    @Option(names = "--rate", paramLabel = "HZ", defaultValue = "0",
        description = "frames per second (default: the profile's planner.tick_hz)")
    double rateHz;

    @Option(names = "--bad-every", paramLabel = "K", defaultValue = "" + SoakConfig.DEFAULT_BAD_EVERY,
        description = "a malformed frame or record after every K-th valid frame, rotating through NaN and Inf " +
            "fields, absurd counts, stale timestamps and garbage records; 0 for none (default: ${DEFAULT-VALUE})")
    int badEvery;

    @Option(names = "--faults", paramLabel = "PLAN", defaultValue = SoakConfig.DEFAULT_FAULTS,
        description = "backend faults, as WMRT_FAULTS takes them, or 'none' (default: ${DEFAULT-VALUE})")
    String faults;

    @Option(names = "--rss-growth-mib", paramLabel = "MIB",
        defaultValue = "" + (SoakConfig.DEFAULT_RSS_GROWTH_BOUND_BYTES >> 20),
        description = "how far the runtime's RSS may grow after warm-up (default: ${DEFAULT-VALUE} MiB)")
    long rssGrowthMiB;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/soak",
        description = "where soak.json, gc.log, run.log and errors.txt go (default: ${DEFAULT-VALUE})")
    Path outDir;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "the runtime's instance directory, which must not exist; removed at the end " +
            "(default: /dev/shm/wmrt-soak-PID)")
    Path instanceDir;

    @Option(names = "--runtime-jvm-option", paramLabel = "OPTION",
        description = "one more JVM option for the runtime process, e.g. " +
            "-XX:StartFlightRecording=filename=rt.jfr,settings=profile to find what allocates; repeatable")
    List<String> runtimeJvmOptions = new ArrayList<>();

    public Integer call() throws Exception
    {
        final SoakConfig config = new SoakConfig();
        try
        {
            // The options that need no file first: a typo is refused before the model is loaded.
            config.minutes(minutes).badEvery(badEvery).faults(faults).rssGrowthBoundBytes(rssGrowthMiB << 20);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }
        final Path profilePath = DemoCommand.resolve(profileFile).toAbsolutePath();
        final HardwareProfile profile = Loading.profile(profilePath);
        final Path modelPath = DemoCommand.resolve(modelDir).toAbsolutePath();
        final ModelPackage model = Loading.model(modelPath, profile);
        config.profile(profilePath, profile.soc())
            .model(modelPath, model.name())
            .rateHz(rateHz > 0 ? rateHz : profile.planner().tickHz())
            .deadlineNs(profile.planner().deadlineNs())
            .outDir(outDir.toAbsolutePath())
            .instanceDir(null != instanceDir ? instanceDir.toAbsolutePath() :
                Defaults.sharedMemoryBase().resolve("wmrt-soak-" + ProcessHandle.current().pid()))
            .home(Defaults.home())
            .warmupSeconds(warmupSeconds);
        runtimeJvmOptions.forEach(config::runtimeJvmOption);
        try
        {
            config.conclude();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), ex.getMessage(), ex);
        }

        System.out.printf("wmrt soak: %s on %s for %.1f min at %.1f Hz, output in %s%n", model.name(),
            profile.soc(), minutes, config.rateHz(), config.outDir());
        final SoakReport report = new Soak(config, System.out).run();
        final List<String> failures = SoakVerdict.failures(report);
        final Path written = Soak.write(report, failures, config.outDir());
        System.out.print(report.summary(failures));
        if (report.runtime().died())
        {
            System.out.println("the runtime's last output:\n" + report.runtime().outputTail());
        }
        System.out.println("report " + written + "; GC log " + config.outDir().resolve("gc.log") +
            "; runtime output " + config.outDir().resolve("run.log"));
        return failures.isEmpty() ? 0 : WmrtCommand.EXIT_FAILED;
    }
}
