package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunTrace;
import io.wmrt.shadow.ShadowPlanner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shadow planner of a rig run ({@code wmrt hil --shadow}): its instance lives in the run's log directory,
 * where the runtime logs each scene the two planners disagreed on ({@link ShadowPlanner#LOG_FILE}); the rig reads
 * that log into report events placed where the ego was, and removes the shadow's bus files afterwards.
 */
final class ShadowRun
{
    /** "scene 812 t_ms 81200 disagree behaviour plan live follow-limit shadow creep apart_within_3s_cm 240". */
    private static final Pattern LINE = Pattern.compile("scene (\\d+) t_ms (-?\\d+) disagree (.*)");

    private ShadowRun()
    {
    }

    /** Waits for the runtime to make the shadow's instance ready. */
    static BusDirectory await(final Path shadowBus, final RuntimeProcess runtime, final long timeoutMs)
        throws IOException
    {
        try
        {
            return BusDirectory.await(shadowBus, timeoutMs);
        }
        catch (final IOException ex)
        {
            throw new IOException("the runtime (pid " + runtime.pid() + ") did not start its shadow planner at " +
                shadowBus + ": " + ex.getMessage() + "; its output ends with:\n" + runtime.outputTail(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the shadow planner", ex);
        }
    }

    /**
     * The disagreements the runtime logged, as events at the ego's position at that time; the shadow's bus files
     * are removed (the log stays beside the run's other logs).
     */
    static List<RunEvent> disagreements(final Path shadowBus, final RunTrace trace) throws IOException
    {
        final List<RunEvent> events = new ArrayList<>();
        final Path log = shadowBus.resolve(ShadowPlanner.LOG_FILE);
        if (Files.isRegularFile(log))
        {
            for (final String line : Files.readAllLines(log))
            {
                final Matcher m = LINE.matcher(line);
                if (!m.matches())
                {
                    throw new IOException(log + ": not a disagreement line: " + line);
                }
                final double timeS = Long.parseLong(m.group(2)) / 1000.0;
                final RunTrace.Step step = nearest(trace.steps(), timeS);
                events.add(new RunEvent(timeS, RunEvent.Kind.SHADOW_DISAGREEMENT,
                    null == step ? Double.NaN : step.x(), null == step ? Double.NaN : step.y(),
                    "scene " + m.group(1) + ": " + m.group(3)));
            }
        }
        for (final String name : BusLayout.MAPPED_FILES)
        {
            Files.deleteIfExists(shadowBus.resolve(name));
        }
        Files.deleteIfExists(shadowBus.resolve(BusLayout.LOCK_FILE));
        return events;
    }

    private static RunTrace.Step nearest(final List<RunTrace.Step> steps, final double timeS)
    {
        RunTrace.Step best = null;
        for (final RunTrace.Step step : steps)
        {
            if (null == best || Math.abs(step.timeS() - timeS) < Math.abs(best.timeS() - timeS))
            {
                best = step;
            }
        }
        return best;
    }
}
