package io.wmrt.runtime;

import io.wmrt.backend.Backend;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.Backends;
import io.wmrt.backend.OrtQnnBackend;
import io.wmrt.backend.QnnDirectBackend;
import io.wmrt.backend.FaultPlan;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.dispatch.Dispatcher;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.PlannerWatchdog;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Puts one runtime instance together at start-up: backends available on this machine, the dispatch decision
 * per graph role (explained once), the tensor arena, the prepared graphs and the planner agent. Allocation
 * happens here, where it is welcome; the agent then runs allocation-free.
 * <p>
 * Not thread safe: assemble on one thread; the agent then belongs to its runner.
 */
public final class WmrtRuntime implements AutoCloseable
{
    /** How long {@link #stop(long)} waits for the planner thread to finish its tick, by default. */
    public static final long STOP_TIMEOUT_MS = 2_000;

    private final PlannerConfig config;
    private final HardwareProfile profile;
    private final ModelPackage model;
    private final List<Backend> backends = new ArrayList<>();
    private final List<Dispatcher.Decision> decisions = new ArrayList<>();
    private final TensorArena arena = new TensorArena();
    private final GraphRunner encoder;
    private final GraphRunner rollout;
    private final PlannerAgent agent;
    private final FaultPlan faults;
    private AgentRunner runner;
    private AgentRunner watchdogRunner;
    private boolean closed;
    /** The planner thread's kernel id and CPUs as read back inside it after pinning; -1 and null when unpinned. */
    private volatile int plannerThreadId = -1;
    private volatile int[] plannerCpus;

    public WmrtRuntime(
        final HardwareProfile profile,
        final ModelPackage model,
        final PlannerConfig config,
        final BusDirectory bus,
        final NanoClock nanoClock,
        final EpochClock epochClock) throws BackendException
    {
        this(profile, model, config, bus, nanoClock, epochClock, FaultPlan.NONE);
    }

    /**
     * @param faults backend faults to inject on purpose ({@link FaultPlan#NONE} to drive for real).
     */
    public WmrtRuntime(
        final HardwareProfile profile,
        final ModelPackage model,
        final PlannerConfig config,
        final BusDirectory bus,
        final NanoClock nanoClock,
        final EpochClock epochClock,
        final FaultPlan faults) throws BackendException
    {
        this.profile = profile;
        this.model = model;
        this.config = config;
        this.faults = faults;
        backends.addAll(Backends.forProfile(profile, faults));
        final Dispatcher dispatcher = new Dispatcher(profile, backends);
        GraphRunner encoderRunner = null;
        GraphRunner rolloutRunner = null;
        try
        {
            final GraphSpec encoderGraph = model.graph(ModelPackage.ENCODER);
            final GraphSpec rolloutGraph = model.graph(ModelPackage.ROLLOUT);
            arena.bind(encoderGraph);
            arena.bind(rolloutGraph);
            final Dispatcher.Decision encoderDecision = dispatcher.decide(encoderGraph, model);
            final Dispatcher.Decision rolloutDecision = dispatcher.decide(rolloutGraph, model);
            decisions.add(encoderDecision);
            decisions.add(rolloutDecision);
            encoderRunner = dispatcher.prepare(encoderDecision, encoderGraph, arena);
            rolloutRunner = dispatcher.prepare(rolloutDecision, rolloutGraph, arena);
        }
        catch (final BackendException | RuntimeException ex)
        {
            if (null != encoderRunner)
            {
                encoderRunner.close();
            }
            closeBackends();
            throw ex;
        }
        encoder = encoderRunner;
        rollout = rolloutRunner;
        final int prepareFailures = encoder.prepareFailures().size() + rollout.prepareFailures().size();
        if (prepareFailures > 0)
        {
            // A backend that could not even prepare is a fallback taken at start.
            bus.counter(WmrtCounter.BACKEND_FALLBACKS).getAndAdd(prepareFailures);
        }
        agent = new PlannerAgent(config, arena, encoder, rollout, bus, nanoClock, epochClock);
    }

    /**
     * One line per graph role and per backend passed over, then what preparing did (the QNN context cache
     * compiled, loaded, regenerated or rebuilt), for the user to read once at start.
     */
    public List<String> dispatchReport()
    {
        final List<String> lines = new ArrayList<>();
        final java.util.Set<String> explained = new java.util.HashSet<>();
        for (final Dispatcher.Decision decision : decisions)
        {
            final GraphRunner runner = decision.role().equals(ModelPackage.ENCODER) ? encoder : rollout;
            lines.add(decision.role() + " -> " + runner.backendId() +
                (decision.usable().size() > 1 ? " (fallback: " +
                    String.join(", ", decision.usable().subList(1, decision.usable().size())) + ")" : ""));
            for (final String reason : decision.skipped())
            {
                lines.add("  " + decision.role() + ": passed over " +
                    (explained.add(reason) ? reason : reason.substring(0, reason.indexOf(':')) + " (same reason)"));
            }
            for (final String failure : runner.prepareFailures())
            {
                lines.add("  " + decision.role() + ": failed to prepare " + failure);
            }
        }
        for (final Backend backend : backends)
        {
            for (final String event : backend.preparationEvents())
            {
                lines.add("  " + event);
            }
        }
        return lines;
    }

    /**
     * @return one line saying the NPU is not running the model and what runs it instead, or null when the NPU
     *         runs both graphs (or the profile has none); the reasons are in {@link #dispatchReport()}, once each.
     */
    public String npuNotUsedReason()
    {
        if (!profile.hasNpu() || (isNpu(encoder.backendId()) && isNpu(rollout.backendId())))
        {
            return null;
        }
        return "encoder runs on " + encoder.backendId() + ", rollout on " + rollout.backendId() +
            " (why each NPU backend was passed over is listed above)";
    }

    private static boolean isNpu(final String backendId)
    {
        return QnnDirectBackend.ID.equals(backendId) || OrtQnnBackend.ID.equals(backendId);
    }

    public PlannerAgent agent()
    {
        return agent;
    }

    public HardwareProfile profile()
    {
        return profile;
    }

    public ModelPackage model()
    {
        return model;
    }

    public String backendSummary()
    {
        return agent.backendSummary();
    }

    /**
     * @return the backend faults this runtime injects on purpose ({@link FaultPlan#NONE} normally).
     */
    public FaultPlan faults()
    {
        return faults;
    }

    /**
     * Run the agent on its own thread with the profile's idle strategy, and its watchdog on another. When the
     * profile names a {@code cpu.planner_core}, the planner thread pins itself to it before its first tick, and
     * this returns only once the kernel has taken the pin.
     *
     * @throws IllegalArgumentException naming {@code cpu.planner_core} when the machine lacks that core, or the
     *                                  kernel refuses it (nothing is left running).
     */
    public void start(final org.agrona.ErrorHandler errorHandler)
    {
        start(errorHandler, profile.cpu().plannerCore(), profile.file() + ": cpu.planner_core");
    }

    /**
     * As {@link #start(org.agrona.ErrorHandler)}, the planner pinned to {@code core} (-1: not pinned); errors name
     * the setting as {@code coreKey} ({@code wmrt run --shadow} pins its shadow planner with this).
     */
    public void start(final org.agrona.ErrorHandler errorHandler, final int core, final String coreKey)
    {
        if (core >= 0)
        {
            checkPlannerCore(core, coreKey);
        }
        startHelper();
        startWatchdog(errorHandler);
        runner = new AgentRunner(profile.planner().idleStrategy().newIdleStrategy(), errorHandler, null, agent);
        if (core < 0)
        {
            AgentRunner.startOnThread(runner);
            return;
        }
        final CompletableFuture<int[]> pinned = new CompletableFuture<>();
        AgentRunner.startOnThread(runner, work -> new Thread(() ->
        {
            try
            {
                CpuAffinity.pinCurrentThread(core);
                plannerThreadId = CpuAffinity.currentThreadId();
                pinned.complete(CpuAffinity.currentThreadCpus());
            }
            catch (final RuntimeException ex)
            {
                pinned.completeExceptionally(ex);
            }
            work.run();
        }));
        try
        {
            plannerCpus = pinned.get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException | TimeoutException | InterruptedException ex)
        {
            if (ex instanceof InterruptedException)
            {
                Thread.currentThread().interrupt();
            }
            close();
            final Throwable cause = ex instanceof ExecutionException ? ex.getCause() : ex;
            final String why = ex instanceof TimeoutException ? "the planner thread did not report within 10 s" :
                cause.toString();
            throw new IllegalArgumentException(coreKey + " " + core +
                ": the planner thread could not be pinned: " + why, cause);
        }
    }

    /**
     * Start the planner's helper thread now, so that a helper core the machine lacks or refuses is an error here,
     * naming its key, and not a dead planner thread.
     */
    private void startHelper()
    {
        if (!config.helperThread())
        {
            return;
        }
        if (config.helperCore() >= 0)
        {
            checkPlannerCore(config.helperCore(), config.helperCoreKey());
        }
        agent.onStart();
    }

    /**
     * Refuse a planner core the machine does not have, naming the key (a profile for an 8-core SoC started on
     * a 2-core host), before anything starts.
     */
    private static void checkPlannerCore(final int core, final String coreKey)
    {
        final String unavailable = CpuAffinity.unavailableReason();
        if (null != unavailable)
        {
            throw new IllegalArgumentException(coreKey + " " + core +
                " asks for pinning, which is not possible here: " + unavailable + " (set it to -1 to run unpinned)");
        }
        final int cpus = CpuAffinity.configuredCpus();
        if (core >= cpus)
        {
            throw new IllegalArgumentException(coreKey + " " + core +
                " is not a CPU of this machine, which has " + cpus + " (0-" + (cpus - 1) + ")");
        }
    }

    /**
     * @return the planner thread's kernel thread id, read inside it once pinned; -1 when it is not pinned.
     */
    public int plannerThreadId()
    {
        return plannerThreadId;
    }

    /**
     * @return the CPUs the planner thread may run on, read back inside it once pinned; null when not pinned.
     */
    public int[] plannerCpus()
    {
        return null == plannerCpus ? null : plannerCpus.clone();
    }

    /**
     * Run only the watchdog on its own thread: for a driver that calls the agent's {@code doWork} itself.
     */
    public void startWatchdog(final org.agrona.ErrorHandler errorHandler)
    {
        final PlannerWatchdog watchdog = agent.watchdog();
        watchdogRunner = new AgentRunner(new SleepingIdleStrategy(watchdog.periodNs()), errorHandler, null, watchdog);
        AgentRunner.startOnThread(watchdogRunner);
    }

    /**
     * Stop the planner, waiting at most the timeout for its thread to finish the tick it is in, then close
     * everything. A planner thread that does not finish is left running with its backends open (closing a
     * session under a call still inside it would crash the process): the caller is to halt the process.
     *
     * @throws PlannerStuckException when the planner thread did not finish within the timeout.
     */
    public void stop(final long timeoutMs) throws PlannerStuckException, InterruptedException
    {
        final AgentRunner planner = runner;
        if (null != planner)
        {
            // Taken before closing: AgentRunner.close() swaps the thread for a tombstone.
            final Thread plannerThread = planner.thread();
            // AgentRunner.close() waits for the thread for as long as it takes: let another thread do that.
            final Thread closer = new Thread(
                () -> planner.close(AgentRunner.RETRY_CLOSE_TIMEOUT_MS, WmrtRuntime::keepWaiting), "wmrt-stop");
            closer.setDaemon(true);
            closer.start();
            closer.join(timeoutMs);
            if (closer.isAlive())
            {
                throw new PlannerStuckException(timeoutMs, plannerThread);
            }
            runner = null;
        }
        close();
    }

    private static void keepWaiting(final Thread planner)
    {
        // AgentRunner retries the close (and interrupts the thread again) after this; nothing to print.
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (null != runner)
        {
            runner.close();
            runner = null;
        }
        // The runner closes the agent it ran; a driver that ran it itself leaves the helper to this.
        agent.onClose();
        if (null != watchdogRunner)
        {
            watchdogRunner.close();
            watchdogRunner = null;
        }
        encoder.close();
        rollout.close();
        closeBackends();
    }

    private void closeBackends()
    {
        for (final Backend backend : backends)
        {
            backend.close();
        }
    }
}
