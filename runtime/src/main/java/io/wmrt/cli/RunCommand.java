package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.runtime.PlannerStuckException;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.shadow.ShadowPlanner;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.ShutdownSignalBarrier;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Run the runtime: plan for every SceneFrame written to the instance's scene ring and publish " +
        "Trajectories on its broadcast, until stopped (Ctrl-C or SIGTERM). One runtime per instance directory: " +
        "a second is refused (exit 2) naming the running pid. A planner that does not finish its tick within " +
        WmrtRuntime.STOP_TIMEOUT_MS + " ms of the stop request is abandoned: the reason goes to errors.log and " +
        "the process halts (exit " + WmrtCommand.EXIT_HALTED + ").")
final class RunCommand implements Callable<Integer>
{
    @Option(names = "--profile", paramLabel = "FILE", defaultValue = Defaults.DEFAULT_PROFILE,
        description = "hardware profile (default: ${DEFAULT-VALUE})")
    Path profileFile;

    @Option(names = "--model", paramLabel = "DIR", defaultValue = Defaults.DEFAULT_MODEL,
        description = "model package (default: ${DEFAULT-VALUE})")
    Path modelDir;

    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory for the bus files (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

    @Option(names = "--seed", description = "seed of the candidate sampler (default: ${DEFAULT-VALUE})",
        defaultValue = "" + PlannerConfig.DEFAULT_SEED)
    long seed;

    @Option(names = "--modelled-inference-ms", paramLabel = "MS",
        description = "deterministic timing for closed-loop runs: take the planner's anytime decision as if " +
            "inference took MS milliseconds (0: always in time), not from the clock; tick times and deadline " +
            "misses are still measured (default: the wall clock, as in the car)")
    Double modelledInferenceMs;

    @Option(names = "--debug-candidates",
        description = "publish every candidate the planner weighs, with its costs, on the instance's candidates " +
            "broadcast, for 'wmrt record' and 'wmrt view' (off by default: about 18 KB copied a tick)")
    boolean debugCandidates;

    @Option(names = "--shadow", paramLabel = "DIR",
        description = "shadow mode: a second planner with this model package plans on every scene the live one " +
            "takes, on a bus of its own (--shadow-dir), never on the live one; where their plans disagree is " +
            "counted (SHADOW_* counters) and logged to disagreements.log in the shadow's directory")
    Path shadowModelDir;

    @Option(names = "--shadow-dir", paramLabel = "DIR",
        description = "the shadow's instance directory (default: the live one's, with '-shadow' appended)")
    Path shadowDir;

    @Option(names = "--shadow-core", paramLabel = "N",
        description = "pin the shadow's planner to this CPU (default: the core after cpu.planner_core when the " +
            "live planner is pinned, otherwise unpinned)")
    Integer shadowCore;

    @Option(names = "--shadow-divergence-m", paramLabel = "M", defaultValue = "1.0",
        description = "plans further apart than this within 3 s disagree (default: ${DEFAULT-VALUE})")
    double shadowDivergenceM;

    public Integer call() throws Exception
    {
        final HardwareProfile profile = Loading.profile(DemoCommand.resolve(profileFile));
        final ModelPackage model = Loading.model(DemoCommand.resolve(modelDir), profile);
        final PlannerConfig plannerConfig = plannerConfig(model, profile);
        final Path instance = null != dir ? dir : Defaults.instanceDir();
        refuseBadShadowOptions(instance);
        final io.wmrt.backend.FaultPlan faults = Loading.faults(seed);
        final BusDirectory bus = BusDirectory.create(instance);
        final ErrorLog errors = new ErrorLog(bus);
        ShadowPlanner shadow = null;
        // The barrier's shutdown hook holds the JVM until the barrier is closed: close it last.
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
            WmrtRuntime runtime = new WmrtRuntime(profile, model,
            plannerConfig, bus,
            SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE, faults))
        {
            System.out.printf("wmrt run: %s on %s, bus %s (pid %d), timing: %s%n", model.name(), profile.soc(),
                instance, ProcessHandle.current().pid(), null == modelledInferenceMs ? "wall clock" :
                "modelled, inference " + modelledInferenceMs + " ms");
            for (final String line : runtime.dispatchReport())
            {
                System.out.println("dispatch: " + line);
            }
            final String npu = runtime.npuNotUsedReason();
            if (null != npu)
            {
                System.out.println("NPU not used: " + npu);
            }
            // The shadow first: it takes every scene the live planner echoes from its first tick on.
            shadow = startShadow(profile, instance, bus, errors);
            runtime.start(errors::record);
            if (null != runtime.plannerCpus())
            {
                System.out.printf("planner thread %d pinned to CPU %s (cpu.planner_core)%n", runtime.plannerThreadId(),
                    Arrays.toString(runtime.plannerCpus()));
            }
            System.out.println("planning; 'wmrt stat' and 'wmrt tail' read this instance; Ctrl-C stops");
            barrier.await();
            stopOrHalt(runtime, errors, instance);
            stopShadow(shadow, bus);
            final io.wmrt.telemetry.TickStats stats = runtime.agent().stats();
            final double alloc = stats.allocBytesPerTick();
            System.out.printf(Locale.ROOT, "stopped after %d ticks: tick p50 %.2f ms, p99 %.2f ms, " +
                "alloc_bytes_per_tick %s%n", stats.ticks(), stats.percentileMs(50), stats.percentileMs(99),
                Double.isNaN(alloc) ? "not measured (no ticks after warm-up)" :
                String.format(Locale.ROOT, "%.1f (measured on the planner thread after warm-up)", alloc));
        }
        finally
        {
            if (null != shadow && !shadowStopped)
            {
                shadow.close();
            }
            bus.close();
        }
        return 0;
    }

    private boolean shadowStopped;

    /** The shadow's options, refused before anything is created: a shadow must never touch the live bus. */
    private void refuseBadShadowOptions(final Path instance)
    {
        if (null == shadowModelDir)
        {
            return;
        }
        if (!(shadowDivergenceM > 0 && shadowDivergenceM < 1e4))
        {
            throw new ParameterException(new CommandLine(this),
                "--shadow-divergence-m must be positive metres, not " + shadowDivergenceM);
        }
        if (null != shadowCore && shadowCore < -1)
        {
            throw new ParameterException(new CommandLine(this),
                "--shadow-core must be a CPU number, or -1 for none, not " + shadowCore);
        }
        if (null != shadowDir &&
            shadowDir.toAbsolutePath().normalize().equals(instance.toAbsolutePath().normalize()))
        {
            throw new ParameterException(new CommandLine(this),
                "--shadow-dir " + shadowDir + " is the live instance's directory: the shadow needs a bus of its own");
        }
    }

    /** Shadow mode, when asked for: the second planner on its own bus, fed the scenes the live one takes. */
    private ShadowPlanner startShadow(final HardwareProfile profile, final Path instance, final BusDirectory bus,
        final ErrorLog errors) throws Exception
    {
        if (null == shadowModelDir)
        {
            return null;
        }
        final ModelPackage shadowModel = Loading.model(DemoCommand.resolve(shadowModelDir), profile);
        final Path dirOfShadow = null != shadowDir ? shadowDir : ShadowInstance.defaultDir(instance);
        final int plannerCore = profile.cpu().plannerCore();
        final int helperCore = profile.planner().helperThread() ? profile.cpu().helperCore() : -1;
        final int core = null != shadowCore ? shadowCore : defaultShadowCore(profile.cpu().cores(), plannerCore,
            helperCore);
        if (null != shadowCore && core >= 0 && (core == plannerCore || core == helperCore))
        {
            throw new ParameterException(new CommandLine(this),
                "--shadow-core " + core + " is the live planner's " + (core == plannerCore ?
                "core (cpu.planner_core)" : "helper's core (cpu.helper_core)") + ": the shadow must not " +
                "compete with it");
        }
        final ShadowPlanner shadow = ShadowPlanner.start(profile, shadowModel, plannerConfig(shadowModel, profile),
            bus, dirOfShadow, core, shadowDivergenceM, errors::record);
        System.out.printf("shadow: %s plans on every scene on bus %s%s; disagreements in %s%n", shadowModel.name(),
            dirOfShadow, core >= 0 ? ", pinned to CPU " + core : ", unpinned",
            dirOfShadow.resolve(ShadowPlanner.LOG_FILE));
        return shadow;
    }

    /**
     * The core after the live planner's that is neither its core nor its helper's, or -1 (not pinned) when the
     * live planner is not pinned or no such core exists.
     */
    static int defaultShadowCore(final int cores, final int plannerCore, final int helperCore)
    {
        if (plannerCore < 0)
        {
            return -1;
        }
        for (int step = 1; step < cores; step++)
        {
            final int core = (plannerCore + step) % cores;
            if (core != helperCore)
            {
                return core;
            }
        }
        return -1;
    }

    private void stopShadow(final ShadowPlanner shadow, final BusDirectory bus) throws Exception
    {
        if (null == shadow)
        {
            return;
        }
        shadowStopped = true;
        shadow.close();
        final io.wmrt.telemetry.TickStats stats = shadow.runtime().agent().stats();
        final double alloc = stats.allocBytesPerTick();
        System.out.printf(Locale.ROOT, "shadow: %d plans compared, %d disagreed (behaviour %d, plans apart %d, " +
            "collision %d); shadow tick p50 %.2f ms, p99 %.2f ms, alloc_bytes_per_tick %s%n",
            bus.counter(WmrtCounter.SHADOW_PLANS_COMPARED).get(), shadow.comparison().disagreements(),
            bus.counter(WmrtCounter.SHADOW_DISAGREED_BEHAVIOUR).get(),
            bus.counter(WmrtCounter.SHADOW_DISAGREED_PLAN).get(),
            bus.counter(WmrtCounter.SHADOW_DISAGREED_COLLISION).get(), stats.percentileMs(50), stats.percentileMs(99),
            Double.isNaN(alloc) ? "not measured (no ticks after warm-up)" :
            String.format(Locale.ROOT, "%.1f (measured on the shadow's planner thread after warm-up)", alloc));
    }

    private PlannerConfig plannerConfig(final ModelPackage model, final HardwareProfile profile)
    {
        final PlannerConfig config = PlannerConfig.from(model, profile).seed(seed).debugCandidates(debugCandidates);
        if (null != modelledInferenceMs)
        {
            if (!(modelledInferenceMs >= 0 && modelledInferenceMs < 1e6))
            {
                throw new ParameterException(new CommandLine(this),
                    "--modelled-inference-ms must be in [0, 1000000), not " + modelledInferenceMs);
            }
            config.modelledInferenceNs(Math.round(modelledInferenceMs * 1e6));
        }
        return config.conclude();
    }

    /**
     * Stop the planner; one stuck in a call that never returns must not keep the process alive against a stop
     * request, so after the timeout the reason goes to the error log and the process halts.
     */
    private static void stopOrHalt(final WmrtRuntime runtime, final ErrorLog errors, final Path instance)
        throws InterruptedException
    {
        try
        {
            runtime.stop(WmrtRuntime.STOP_TIMEOUT_MS);
        }
        catch (final PlannerStuckException ex)
        {
            errors.record(ex);
            System.err.println("wmrt run: " + ex.getMessage() + "; halting with exit code " +
                WmrtCommand.EXIT_HALTED + ". Where it hung: " + instance.resolve(BusLayout.ERROR_LOG_FILE) +
                " ('wmrt stat --dir " + instance + "')");
            System.err.flush();
            // Runtime.exit would wait for the shutdown hooks, and the signal barrier's waits for this thread.
            Runtime.getRuntime().halt(WmrtCommand.EXIT_HALTED);
        }
    }
}
