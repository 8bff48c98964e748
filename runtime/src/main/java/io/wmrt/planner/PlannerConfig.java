package io.wmrt.planner;

import io.wmrt.model.ModelPackage;
import io.wmrt.profile.HardwareProfile;

/**
 * Everything the planner needs to know before its thread starts, with defaults named as constants, a fluent
 * setter each, and one {@link #conclude()} that validates the whole before any thread sees it.
 * <p>
 * Not thread safe: build it on the starting thread, then hand it over.
 */
public final class PlannerConfig
{
    public static final double DEFAULT_WHEELBASE_M = 2.7;
    public static final double DEFAULT_CREEP_SPEED_MPS = 1.5;
    public static final double DEFAULT_COMFORT_DECEL_MPS2 = 2.5;
    public static final double DEFAULT_EMERGENCY_DECEL_MPS2 = 6.0;
    public static final double DEFAULT_MAX_JERK_MPS3 = 6.0;
    public static final double DEFAULT_MAX_STEER_RATE_RADPS = 0.7;
    /**
     * The fastest the lattice's steering may change the heading's rate of turn, rad/s²: above about 6 m/s it binds
     * before the steering rate does (the rate of turn is v·tan(δ)/L). NAVSIM's comfort bound is 1.93; its
     * five-sample estimate reads a step of the turn rate as more than four times the step per second, so the
     * planner keeps to less.
     */
    public static final double DEFAULT_MAX_YAW_ACCEL_RADPS2 = 0.6;
    public static final long DEFAULT_SEED = 0x5EED_2026L;
    /** Past this fraction of the deadline after inference, only the lattice is scored (anytime planning). */
    public static final double DEFAULT_ANYTIME_FRACTION = 0.6;
    /** {@link #modelledInferenceNs(long)} value for planning on the wall clock: the car's mode, and timing runs. */
    public static final long WALL_CLOCK = -1;
    /**
     * How long a tick may run before the watchdog takes it over when timing is modelled: long enough that a busy
     * machine never trips it (that would make the outcome depend on the load), short enough that a hung backend
     * still gets a stop.
     */
    public static final long MODELLED_TIMING_WATCHDOG_NS = 10_000_000_000L;

    private int candidates;
    private int horizon;
    private double dtSeconds;
    private int maxAgents;
    private double agentRangeM = 200;
    private double[] actionLower;
    private double[] actionUpper;
    private double wheelbaseM = DEFAULT_WHEELBASE_M;
    private double creepSpeedMps = DEFAULT_CREEP_SPEED_MPS;
    private double comfortDecelMps2 = DEFAULT_COMFORT_DECEL_MPS2;
    private double emergencyDecelMps2 = DEFAULT_EMERGENCY_DECEL_MPS2;
    private double maxJerkMps3 = DEFAULT_MAX_JERK_MPS3;
    private double maxSteerRateRadps = DEFAULT_MAX_STEER_RATE_RADPS;
    private long seed = DEFAULT_SEED;
    private long deadlineNs = 100_000_000L;
    private double anytimeFraction = DEFAULT_ANYTIME_FRACTION;
    private long modelledInferenceNs = WALL_CLOCK;
    private CostWeights weights = new CostWeights();
    private String modelName = "unnamed";
    private boolean debugCandidates;
    private boolean helperThread;
    private int helperCore = -1;
    private String helperCoreKey = "helper core";
    private boolean concluded;

    /**
     * Take K, H, dt, N, the action bounds and the price of its risk from a verified model package, and the
     * deadline from a profile.
     */
    public static PlannerConfig from(final ModelPackage model, final HardwareProfile profile)
    {
        final CostWeights weights = new CostWeights();
        model.riskCost().ifPresent(cost -> weights.risk = cost);
        return new PlannerConfig()
            .weights(weights)
            .candidates(model.planner().candidates())
            .horizon(model.planner().horizon())
            .dtSeconds(model.planner().dtSeconds())
            .maxAgents(model.planner().maxAgents())
            .agentRangeM(model.planner().agentRangeM())
            .actionBounds(model.actionLower(), model.actionUpper())
            .deadlineNs(profile.planner().deadlineNs())
            .helper(profile.planner().helperThread(), profile.cpu().helperCore(),
                profile.file() + ": cpu.helper_core")
            .modelName(model.name());
    }

    public PlannerConfig conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("already concluded");
        }
        require(candidates >= CandidateGenerator.latticeSize() + 1, "candidates must be at least " +
            (CandidateGenerator.latticeSize() + 1) + " (the lattice plus one sample), got " + candidates);
        require(horizon >= 2 && horizon <= 32, "horizon must be 2..32 steps (trajectory capacity), got " + horizon);
        require(dtSeconds > 0 && dtSeconds <= 1, "dt must be in (0, 1] s, got " + dtSeconds);
        require(maxAgents >= 1 && maxAgents <= 32, "max agents must be 1..32 (scene capacity), got " + maxAgents);
        require(null != actionLower && actionLower.length == 2 && actionUpper.length == 2,
            "action bounds must have two dimensions (acceleration, steering)");
        require(actionLower[0] <= -emergencyDecelMps2,
            "action lower bound " + actionLower[0] + " m/s^2 cannot express the emergency stop at -" +
            emergencyDecelMps2);
        require(agentRangeM > 0, "agent range must be positive");
        require(wheelbaseM > 0.5, "wheelbase must exceed 0.5 m");
        require(deadlineNs > 0, "deadline must be positive");
        require(anytimeFraction > 0 && anytimeFraction <= 1, "anytime fraction must be in (0, 1]");
        require(modelledInferenceNs == WALL_CLOCK || modelledInferenceNs >= 0,
            "modelled inference time must be zero or more, or WALL_CLOCK, got " + modelledInferenceNs);
        concluded = true;
        return this;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException("planner configuration: " + message);
        }
    }

    public PlannerConfig candidates(final int candidates)
    {
        this.candidates = candidates;
        return this;
    }

    public PlannerConfig horizon(final int horizon)
    {
        this.horizon = horizon;
        return this;
    }

    public PlannerConfig dtSeconds(final double dtSeconds)
    {
        this.dtSeconds = dtSeconds;
        return this;
    }

    public PlannerConfig maxAgents(final int maxAgents)
    {
        this.maxAgents = maxAgents;
        return this;
    }

    public PlannerConfig agentRangeM(final double agentRangeM)
    {
        this.agentRangeM = agentRangeM;
        return this;
    }

    public PlannerConfig actionBounds(final double[] lower, final double[] upper)
    {
        this.actionLower = lower.clone();
        this.actionUpper = upper.clone();
        return this;
    }

    public PlannerConfig wheelbaseM(final double wheelbaseM)
    {
        this.wheelbaseM = wheelbaseM;
        return this;
    }

    public PlannerConfig creepSpeedMps(final double creepSpeedMps)
    {
        this.creepSpeedMps = creepSpeedMps;
        return this;
    }

    public PlannerConfig seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    public PlannerConfig deadlineNs(final long deadlineNs)
    {
        this.deadlineNs = deadlineNs;
        return this;
    }

    public PlannerConfig anytimeFraction(final double anytimeFraction)
    {
        this.anytimeFraction = anytimeFraction;
        return this;
    }

    /**
     * Deterministic timing: the anytime decision (score every candidate, or only the lattice) is taken as if
     * inference had taken {@code nanos}, whatever the clock says, so a closed-loop run plans the same on an idle
     * machine and on a loaded one. Tick times and deadline misses are still measured on the clock, and a tick the
     * clock would have degraded is counted ({@code DEGRADED_BY_WALL_CLOCK}). {@link #WALL_CLOCK} (the default)
     * takes the decision from the clock, as a car must.
     */
    public PlannerConfig modelledInferenceNs(final long nanos)
    {
        this.modelledInferenceNs = nanos;
        return this;
    }

    public PlannerConfig weights(final CostWeights weights)
    {
        this.weights = weights;
        return this;
    }

    public PlannerConfig modelName(final String modelName)
    {
        this.modelName = modelName;
        return this;
    }

    /**
     * Publish every candidate weighed, with its costs, on the instance's candidates broadcast each tick (for
     * recorders and viewers; off by default: it copies about 18 KB a tick).
     */
    public PlannerConfig debugCandidates(final boolean debugCandidates)
    {
        this.debugCandidates = debugCandidates;
        return this;
    }

    public boolean debugCandidates()
    {
        return debugCandidates;
    }

    /**
     * Run the planner's work that does not wait for a graph on a helper thread beside the graph calls
     * ({@link PlannerHelper}), pinned to {@code core} (-1: not pinned); {@code coreKey} names the setting in
     * errors. Off by default; what is planned is the same either way.
     */
    public PlannerConfig helper(final boolean enabled, final int core, final String coreKey)
    {
        this.helperThread = enabled;
        this.helperCore = core;
        this.helperCoreKey = coreKey;
        return this;
    }

    public boolean helperThread()
    {
        return helperThread;
    }

    public int helperCore()
    {
        return helperCore;
    }

    public String helperCoreKey()
    {
        return helperCoreKey;
    }

    public int candidates()
    {
        return candidates;
    }

    public int horizon()
    {
        return horizon;
    }

    public double dtSeconds()
    {
        return dtSeconds;
    }

    public int maxAgents()
    {
        return maxAgents;
    }

    public double agentRangeM()
    {
        return agentRangeM;
    }

    public double accelMin()
    {
        return actionLower[0];
    }

    public double accelMax()
    {
        return actionUpper[0];
    }

    public double steerMin()
    {
        return actionLower[1];
    }

    public double steerMax()
    {
        return actionUpper[1];
    }

    public double wheelbaseM()
    {
        return wheelbaseM;
    }

    public double creepSpeedMps()
    {
        return creepSpeedMps;
    }

    public double comfortDecelMps2()
    {
        return comfortDecelMps2;
    }

    public double emergencyDecelMps2()
    {
        return emergencyDecelMps2;
    }

    public double maxJerkMps3()
    {
        return maxJerkMps3;
    }

    public double maxSteerRateRadps()
    {
        return maxSteerRateRadps;
    }

    public double maxYawAccelRadps2()
    {
        return DEFAULT_MAX_YAW_ACCEL_RADPS2;
    }

    /**
     * The most the lattice's steering may change in one step at {@code speedMps}: the steering rate's bound, or
     * at speed the yaw acceleration's, whichever is tighter.
     */
    public double steerStep(final double speedMps)
    {
        final double byYaw = speedMps > 0 ? maxYawAccelRadps2() * wheelbaseM / speedMps : Double.POSITIVE_INFINITY;
        return Math.min(maxSteerRateRadps, byYaw) * dtSeconds;
    }

    public long seed()
    {
        return seed;
    }

    public long deadlineNs()
    {
        return deadlineNs;
    }

    public double anytimeFraction()
    {
        return anytimeFraction;
    }

    /**
     * @return the modelled inference time, or {@link #WALL_CLOCK}.
     */
    public long modelledInferenceNs()
    {
        return modelledInferenceNs;
    }

    public boolean modelledTiming()
    {
        return modelledInferenceNs != WALL_CLOCK;
    }

    /**
     * @return how long a tick may run before the watchdog answers it: the deadline on the wall clock;
     * {@link #MODELLED_TIMING_WATCHDOG_NS} (or the deadline, if longer) when timing is modelled.
     */
    public long watchdogDeadlineNs()
    {
        return modelledTiming() ? Math.max(deadlineNs, MODELLED_TIMING_WATCHDOG_NS) : deadlineNs;
    }

    public CostWeights weights()
    {
        return weights;
    }

    public String modelName()
    {
        return modelName;
    }
}
