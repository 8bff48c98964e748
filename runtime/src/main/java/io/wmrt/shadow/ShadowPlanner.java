package io.wmrt.shadow;

import io.wmrt.backend.BackendException;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneEchoReader;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.runtime.PlannerStuckException;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Shadow mode ({@code wmrt run --shadow PACKAGE}): a second runtime with another model package plans on every
 * scene the live planner takes, on a bus of its own, and its plans are compared with the live ones.
 * <ul>
 *   <li>The shadow has its own instance directory (scene ring, trajectory broadcast, counters): it cannot publish
 *   on the live bus, and {@code wmrt tail}, {@code stat} and {@code record} read it like any instance.</li>
 *   <li>A bridge thread forwards each SceneFrame the live planner echoes ({@link SceneEchoReader}) into the
 *   shadow's ring, byte for byte, and compares the two planners' plans scene by scene ({@link PlanComparison}).
 *   The live planner never waits for it: the echo is a broadcast, and a shadow that falls behind skips scenes.</li>
 *   <li>The shadow planner and the bridge are pinned to {@code core} (away from the live planner's) when one is
 *   given.</li>
 *   <li>Disagreements are counted on the live instance's counters ({@code SHADOW_*}) and logged, one line per
 *   scene, to {@code disagreements.log} in the shadow's directory.</li>
 * </ul>
 * Nothing here allocates per scene: both runtimes share one process, where a garbage collection would pause the
 * live planner as well.
 */
public final class ShadowPlanner implements AutoCloseable
{
    public static final String LOG_FILE = "disagreements.log";

    private final BusDirectory live;
    private final BusDirectory shadowBus;
    private final WmrtRuntime runtime;
    private final Thread bridge;
    private final PlanComparison comparison;
    private final FileChannel log;
    private final int core;
    private volatile boolean stop;
    private volatile Throwable bridgeFailure;

    // The bridge's readers, placed at the broadcasts' tails when the shadow is started: from then on nothing the
    // live planner echoes is missed.
    private final SceneEchoReader echo;
    private final TrajectoryReader livePlans;
    private final TrajectoryReader shadowPlans;

    private ShadowPlanner(final BusDirectory live, final BusDirectory shadowBus, final WmrtRuntime runtime,
        final PlanComparison comparison, final FileChannel log, final int core)
    {
        this.live = live;
        this.shadowBus = shadowBus;
        this.runtime = runtime;
        this.comparison = comparison;
        this.log = log;
        this.core = core;
        echo = new SceneEchoReader(live);
        livePlans = new TrajectoryReader(live);
        shadowPlans = new TrajectoryReader(shadowBus);
        bridge = new Thread(this::bridge, "wmrt-shadow-bridge");
        bridge.setDaemon(true);
    }

    /**
     * Create the shadow's instance in {@code shadowDir}, start its planner (pinned to {@code core}, -1 for none)
     * and the bridge. Start it before the live planner: it takes the scenes echoed from then on. The shadow plans
     * without a helper thread, whatever {@code config} says: it must not take another core from the live planner.
     *
     * @param divergenceM plans further apart than this within 3 s disagree.
     */
    public static ShadowPlanner start(final HardwareProfile profile, final ModelPackage model,
        final PlannerConfig config, final BusDirectory live, final Path shadowDir, final int core,
        final double divergenceM, final org.agrona.ErrorHandler errors) throws IOException, BackendException
    {
        final PlanComparison comparison = new PlanComparison(divergenceM);
        final BusDirectory shadowBus = BusDirectory.create(shadowDir);
        WmrtRuntime runtime = null;
        FileChannel log = null;
        try
        {
            config.helper(false, -1, "--shadow-core");
            runtime = new WmrtRuntime(profile, model, config, shadowBus, SystemNanoClock.INSTANCE,
                SystemEpochClock.INSTANCE);
            log = FileChannel.open(shadowDir.resolve(LOG_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
            runtime.start(errors, core, "--shadow-core");
            final ShadowPlanner shadow = new ShadowPlanner(live, shadowBus, runtime, comparison, log, core);
            shadow.bridge.start();
            return shadow;
        }
        catch (final IOException | BackendException | RuntimeException ex)
        {
            if (null != runtime)
            {
                runtime.close();
            }
            if (null != log)
            {
                log.close();
            }
            shadowBus.close();
            throw ex;
        }
    }

    /** The shadow's own runtime (its agent's statistics, its dispatch). */
    public WmrtRuntime runtime()
    {
        return runtime;
    }

    public PlanComparison comparison()
    {
        return comparison;
    }

    private void bridge()
    {
        try
        {
            if (core >= 0)
            {
                CpuAffinity.pinCurrentThread(core);
            }
            final SceneWriter forward = new SceneWriter(shadowBus);
            final AtomicCounter notForwarded = live.counter(WmrtCounter.SHADOW_SCENES_NOT_FORWARDED);
            final AtomicCounter compared = live.counter(WmrtCounter.SHADOW_PLANS_COMPARED);
            final AtomicCounter[] kinds = {live.counter(WmrtCounter.SHADOW_DISAGREED_BEHAVIOUR),
                live.counter(WmrtCounter.SHADOW_DISAGREED_PLAN), live.counter(WmrtCounter.SHADOW_DISAGREED_COLLISION)};
            final Line line = new Line();
            final SceneEchoReader.Handler onScene = (UnsafeBuffer frame, int length, SceneFrameDecoder scene) ->
            {
                if (!forward.write(frame, 0))
                {
                    notForwarded.increment();
                }
            };
            final int[] result = new int[1];
            final TrajectoryReader.Handler onLive = plan -> result[0] = comparison.live(plan);
            final TrajectoryReader.Handler onShadow = plan -> result[0] = comparison.shadow(plan);
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (!stop)
            {
                int work = echo.poll(onScene);
                result[0] = PlanComparison.UNPAIRED;
                if (livePlans.poll(onLive) > 0)
                {
                    work++;
                    account(result[0], compared, kinds, line);
                }
                result[0] = PlanComparison.UNPAIRED;
                if (shadowPlans.poll(onShadow) > 0)
                {
                    work++;
                    account(result[0], compared, kinds, line);
                }
                idle.idle(work);
            }
        }
        catch (final Throwable ex)
        {
            bridgeFailure = ex;
        }
    }

    private void account(final int result, final AtomicCounter compared, final AtomicCounter[] kinds, final Line line)
        throws IOException
    {
        if (result == PlanComparison.UNPAIRED)
        {
            return;
        }
        compared.increment();
        if (result == 0)
        {
            return;
        }
        for (int k = 0; k < kinds.length; k++)
        {
            if (((result >> k) & 1) != 0)
            {
                kinds[k].increment();
            }
        }
        line.clear().text("scene ").number(comparison.lastSequence()).text(" t_ms ")
            .number(comparison.lastTimestampNs() / 1_000_000L).text(" disagree");
        if ((result & PlanComparison.BEHAVIOUR) != 0)
        {
            line.text(" behaviour");
        }
        if ((result & PlanComparison.DIVERGED) != 0)
        {
            line.text(" plan");
        }
        if ((result & PlanComparison.COLLISION) != 0)
        {
            line.text(" collision");
        }
        line.text(" live ").text(name(comparison.lastLiveBehaviour()))
            .text(comparison.lastLiveCollision() ? " predicts-collision" : "")
            .text(" shadow ").text(name(comparison.lastShadowBehaviour()))
            .text(comparison.lastShadowCollision() ? " predicts-collision" : "")
            .text(" apart_within_3s_cm ").number(Math.round(comparison.lastDivergenceM() * 100)).text("\n");
        log.write(line.bytes());
    }

    private static String name(final byte behaviour)
    {
        return behaviour < 0 ? "minimal-risk-stop" : NAMES[Math.min(behaviour, NAMES.length - 1)];
    }

    private static final String[] NAMES = {
        CandidateSet.behaviourName(0), CandidateSet.behaviourName(1), CandidateSet.behaviourName(2),
        CandidateSet.behaviourName(3), CandidateSet.behaviourName(4), CandidateSet.behaviourName(5),
        CandidateSet.behaviourName(6)};

    /** Stop the bridge and the shadow's planner, and close its files (the directory stays, like the live one). */
    @Override
    public void close() throws IOException, InterruptedException
    {
        stop = true;
        bridge.join(10_000);
        try
        {
            runtime.stop(WmrtRuntime.STOP_TIMEOUT_MS);
        }
        catch (final PlannerStuckException ex)
        {
            // Left to the process's exit: the shadow never holds the live planner.
        }
        finally
        {
            runtime.close();
            log.close();
            shadowBus.close();
        }
        if (null != bridgeFailure)
        {
            throw new IOException("the shadow's bridge failed: " + bridgeFailure, bridgeFailure);
        }
    }

    /** An ASCII line built without allocating. */
    private static final class Line
    {
        private final byte[] bytes = new byte[512];
        private final ByteBuffer buffer = ByteBuffer.wrap(bytes);
        private int length;

        Line clear()
        {
            length = 0;
            return this;
        }

        Line text(final String s)
        {
            for (int i = 0; i < s.length() && length < bytes.length; i++)
            {
                bytes[length++] = (byte)s.charAt(i);
            }
            return this;
        }

        Line number(final long value)
        {
            long v = value;
            if (v < 0)
            {
                text("-");
                v = -v;
            }
            final int start = length;
            do
            {
                if (length == bytes.length)
                {
                    break;
                }
                bytes[length++] = (byte)('0' + (v % 10));
                v /= 10;
            }
            while (v > 0);
            for (int i = start, j = length - 1; i < j; i++, j--)
            {
                final byte b = bytes[i];
                bytes[i] = bytes[j];
                bytes[j] = b;
            }
            return this;
        }

        ByteBuffer bytes()
        {
            buffer.clear().limit(length);
            return buffer;
        }
    }
}
