package io.wmrt.soak;

import io.wmrt.backend.FaultPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one soak runs and what it holds the runtime to: the run's length and warm-up, the scene rate, how often
 * a malformed frame is slipped in, the backend faults, the runtime process's heap, and the bound on its RSS
 * growth. Defaults are named constants; {@link #conclude()} checks everything before anything starts.
 * <p>
 * Not thread safe: configured on one thread, then handed to {@link Soak}.
 */
public final class SoakConfig
{
    /** The warm-up is this share of the run, but never less than {@link #DEFAULT_MIN_WARMUP_NS}. */
    public static final double DEFAULT_WARMUP_FRACTION = 0.1;
    public static final long DEFAULT_MIN_WARMUP_NS = 30_000_000_000L;
    /** A malformed frame after every K-th valid one. */
    public static final int DEFAULT_BAD_EVERY = 10;
    /**
     * Backend faults injected into the runtime, in {@link FaultPlan}'s grammar: the native rollout throws and
     * returns NaN, the native encoder returns Inf, each about once a minute at 10 Hz, so the fallback to ONNX
     * Runtime Java and the re-probe back are exercised all run long.
     */
    public static final String DEFAULT_FAULTS =
        "rollout/ort-native:throw@300/600,rollout/ort-native:nan@450/600,encoder/ort-native:inf@700/900";
    /** Written as {@code --faults none}: no fault injected. */
    public static final String NO_FAULTS = "none";
    /** RSS may grow by this much between the end of warm-up and the end of the run. */
    public static final long DEFAULT_RSS_GROWTH_BOUND_BYTES = 32L << 20;
    /** The runtime's heap, fixed (-Xms = -Xmx) and touched at start, so RSS does not grow as the heap fills. */
    public static final int DEFAULT_HEAP_MIB = 256;
    /** How long the runtime may take to make its instance directory ready (ONNX Runtime loads first). */
    public static final long DEFAULT_START_TIMEOUT_NS = 120_000_000_000L;
    /** The class whose main runs {@code wmrt run} in the runtime process. */
    public static final String RUNTIME_MAIN_CLASS = "io.wmrt.cli.WmrtCommand";

    private long durationNs;
    private long warmupNs = -1;
    private double rateHz;
    private long deadlineNs;
    private int badEvery = DEFAULT_BAD_EVERY;
    private String faults = DEFAULT_FAULTS;
    private long rssGrowthBoundBytes = DEFAULT_RSS_GROWTH_BOUND_BYTES;
    private int heapMiB = DEFAULT_HEAP_MIB;
    private long startTimeoutNs = DEFAULT_START_TIMEOUT_NS;
    private Path profileFile;
    private Path modelDir;
    private Path outDir;
    private Path instanceDir;
    private Path home;
    private String profileName = "";
    private String modelName = "";
    private final List<String> runtimeJvmOptions = new ArrayList<>();
    private boolean concluded;

    /**
     * @param minutes the run's length, warm-up included; fractions allowed (0.5 is 30 s).
     */
    public SoakConfig minutes(final double minutes)
    {
        require(minutes > 0 && minutes <= 7 * 24 * 60, "--minutes must be in (0, 10080], got " + minutes);
        durationNs = (long)(minutes * 60e9);
        return this;
    }

    /**
     * @param seconds the warm-up, excluded from every figure that is judged; negative for the default.
     */
    public SoakConfig warmupSeconds(final double seconds)
    {
        warmupNs = seconds < 0 ? -1 : (long)(seconds * 1e9);
        return this;
    }

    /**
     * @param hz the scene rate; the profile's {@code planner.tick_hz} is what a caller should pass by default.
     */
    public SoakConfig rateHz(final double hz)
    {
        rateHz = hz;
        return this;
    }

    /**
     * @param nanos the profile's deadline: what tick p99.9 is judged against.
     */
    public SoakConfig deadlineNs(final long nanos)
    {
        deadlineNs = nanos;
        return this;
    }

    /**
     * @param k a malformed frame after every k-th valid one; 0 for none.
     */
    public SoakConfig badEvery(final int k)
    {
        badEvery = k;
        return this;
    }

    /**
     * @param plan backend faults in {@link FaultPlan}'s grammar, or {@link #NO_FAULTS}.
     * @throws IllegalArgumentException naming the entry that cannot be read.
     */
    public SoakConfig faults(final String plan)
    {
        if (!NO_FAULTS.equals(plan))
        {
            try
            {
                FaultPlan.parse(plan, 0);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("--faults: " + ex.getMessage(), ex);
            }
        }
        faults = plan;
        return this;
    }

    public SoakConfig rssGrowthBoundBytes(final long bytes)
    {
        rssGrowthBoundBytes = bytes;
        return this;
    }

    public SoakConfig heapMiB(final int mib)
    {
        heapMiB = mib;
        return this;
    }

    public SoakConfig startTimeoutNs(final long nanos)
    {
        startTimeoutNs = nanos;
        return this;
    }

    /**
     * @param file the hardware profile the runtime loads; {@code name} is its SoC, for the report.
     */
    public SoakConfig profile(final Path file, final String name)
    {
        profileFile = file;
        profileName = name;
        return this;
    }

    /**
     * @param dir the model package the runtime loads; {@code name} is the package's, for the report.
     */
    public SoakConfig model(final Path dir, final String name)
    {
        modelDir = dir;
        modelName = name;
        return this;
    }

    /**
     * @param dir where soak.json, gc.log, run.log and errors.txt go.
     */
    public SoakConfig outDir(final Path dir)
    {
        outDir = dir;
        return this;
    }

    /**
     * @param dir the runtime's instance directory: must not exist yet; removed at the end.
     */
    public SoakConfig instanceDir(final Path dir)
    {
        instanceDir = dir;
        return this;
    }

    /**
     * @param dir the repository the runtime resolves its defaults against ({@code -Dwmrt.home}).
     */
    public SoakConfig home(final Path dir)
    {
        home = dir;
        return this;
    }

    /**
     * @param option one more JVM option for the runtime process (a JFR recording, say).
     */
    public SoakConfig runtimeJvmOption(final String option)
    {
        runtimeJvmOptions.add(option);
        return this;
    }

    /**
     * Check every setting and work out the defaults that depend on others.
     *
     * @throws IllegalArgumentException naming the option and what is wrong with it.
     */
    public SoakConfig conclude()
    {
        require(durationNs > 0, "--minutes is required");
        require(rateHz > 0 && rateHz <= 1000, "--rate must be in (0, 1000] Hz, got " + rateHz);
        require(deadlineNs > 0, "the profile's deadline must be positive");
        require(badEvery >= 0, "--bad-every must be 0 (none) or more, got " + badEvery);
        require(rssGrowthBoundBytes > 0, "the RSS growth bound must be positive");
        require(heapMiB >= 32, "the runtime's heap must be at least 32 MiB, got " + heapMiB);
        require(null != profileFile && null != modelDir, "a profile and a model are required");
        require(null != outDir, "--out is required");
        require(null != instanceDir, "an instance directory is required");
        require(!instanceDir.toFile().exists(), "instance directory " + instanceDir + " exists already: the soak " +
            "runs the runtime on a fresh one (remove it, or stop the soak that uses it)");
        if (warmupNs < 0)
        {
            warmupNs = Math.min(durationNs / 2,
                Math.max(DEFAULT_MIN_WARMUP_NS, (long)(DEFAULT_WARMUP_FRACTION * durationNs)));
        }
        require(warmupNs < durationNs, String.format(Locale.ROOT,
            "the warm-up (%.1f s) must be shorter than the run (%.1f s)", warmupNs / 1e9, durationNs / 1e9));
        require(durationNs - warmupNs >= periodNs(), "the run after warm-up must hold at least one frame");
        concluded = true;
        return this;
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException(message);
        }
    }

    public long durationNs()
    {
        return durationNs;
    }

    public long warmupNs()
    {
        return warmupNs;
    }

    public double rateHz()
    {
        return rateHz;
    }

    public long periodNs()
    {
        return (long)(1e9 / rateHz);
    }

    public long deadlineNs()
    {
        return deadlineNs;
    }

    public int badEvery()
    {
        return badEvery;
    }

    /**
     * @return the fault plan as given, or {@link #NO_FAULTS}.
     */
    public String faults()
    {
        return faults;
    }

    public boolean injectsFaults()
    {
        return !NO_FAULTS.equals(faults) && !faults.isBlank();
    }

    public long rssGrowthBoundBytes()
    {
        return rssGrowthBoundBytes;
    }

    public int heapMiB()
    {
        return heapMiB;
    }

    public long startTimeoutNs()
    {
        return startTimeoutNs;
    }

    public Path profileFile()
    {
        return profileFile;
    }

    public Path modelDir()
    {
        return modelDir;
    }

    public String profileName()
    {
        return profileName;
    }

    public String modelName()
    {
        return modelName;
    }

    public Path outDir()
    {
        return outDir;
    }

    public Path instanceDir()
    {
        return instanceDir;
    }

    /**
     * @return the repository the runtime resolves against, or null to let it use its working directory.
     */
    public Path home()
    {
        return home;
    }

    public List<String> runtimeJvmOptions()
    {
        return List.copyOf(runtimeJvmOptions);
    }

    boolean concluded()
    {
        return concluded;
    }
}
