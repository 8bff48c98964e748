package io.wmrt.hil.rig;

import java.util.List;
import java.util.Locale;

/**
 * How the runtime under test takes its timing decisions in a rig run.
 * <p>
 * {@code deterministic} (the default for {@code wmrt hil}, sweeps and CI gates): the planner's anytime decision is
 * taken from a modelled inference time (0 ms unless given: inference always fits), so a run gives the same
 * metrics alone or beside a busy process; the rig waits for every plan however long the machine takes, so no
 * step goes stale; tick times, deadline misses and the ticks the clock would have degraded are still measured
 * and reported. {@code wall-clock}: the planner decides on its clock, as in the car, and a plan later than the
 * rig's wait is a stale step; for timing runs on a quiet machine.
 * <p>
 * Immutable: safe from any thread.
 *
 * @param deterministic        whether the planner's decisions come from the modelled time.
 * @param modelledInferenceMs  the modelled inference time, when deterministic.
 */
public record RigTiming(boolean deterministic, double modelledInferenceMs)
{
    public static final RigTiming DETERMINISTIC = new RigTiming(true, 0.0);
    public static final RigTiming WALL_CLOCK = new RigTiming(false, 0.0);
    /** How long a deterministic run waits for one plan before it calls the runtime unresponsive. */
    public static final long DETERMINISTIC_PLAN_WAIT_MS = 60_000;
    /** The option's syntax, for help texts. */
    public static final String SYNTAX = "deterministic[:MS]|wall-clock";

    public RigTiming
    {
        if (deterministic && !(modelledInferenceMs >= 0 && modelledInferenceMs < 1e6))
        {
            throw new IllegalArgumentException("modelled inference time must be in [0, 1000000) ms, not " +
                modelledInferenceMs);
        }
    }

    /**
     * Reads {@code deterministic}, {@code deterministic:MS} or {@code wall-clock}.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static RigTiming parse(final String text)
    {
        if ("wall-clock".equals(text))
        {
            return WALL_CLOCK;
        }
        if ("deterministic".equals(text))
        {
            return DETERMINISTIC;
        }
        if (null != text && text.startsWith("deterministic:"))
        {
            try
            {
                return new RigTiming(true, Double.parseDouble(text.substring("deterministic:".length())));
            }
            catch (final IllegalArgumentException ex)
            {
                // Not a number, or out of range: reported below with the accepted forms.
            }
        }
        throw new IllegalArgumentException("timing '" + text + "' is not one of " + SYNTAX +
            " (MS: modelled inference time in milliseconds, at least 0)");
    }

    /** The arguments that put {@code wmrt run} in this mode. */
    public List<String> runtimeArguments()
    {
        return deterministic ? List.of("--modelled-inference-ms", Double.toString(modelledInferenceMs)) : List.of();
    }

    /** How long the rig waits for a plan: the caller's wait on the wall clock, until it comes when deterministic. */
    public long planWaitMs(final long wallClockWaitMs)
    {
        return deterministic ? Math.max(wallClockWaitMs, DETERMINISTIC_PLAN_WAIT_MS) : wallClockWaitMs;
    }

    /** As the option is written, and as reports name the mode. */
    public String toString()
    {
        if (!deterministic)
        {
            return "wall-clock";
        }
        return modelledInferenceMs == 0.0 ? "deterministic" :
            "deterministic:" + String.format(Locale.ROOT, "%s", modelledInferenceMs);
    }
}
