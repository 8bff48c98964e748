package io.wmrt.fuzz;

import java.util.function.LongSupplier;

/**
 * Tells a tick that allocates by construction from the JVM charging its own work to the planner's thread. A
 * de-optimisation (and the recompilation after it) is charged to whichever thread runs into it, a few KB spread over
 * one tick or two, at a moment that depends on the JIT's timing: on CI a valid frame's tick allocated 120 B and the
 * next 3,928 B, then nothing. An allocation the planner makes goes on tick after tick. So after an allocating tick
 * more ticks are run, up to {@link #TICKS}, until one allocates nothing.
 */
final class AllocationSettling
{
    /** Ticks after the allocating one within which one must allocate nothing. */
    static final int TICKS = 5;

    private AllocationSettling()
    {
    }

    /**
     * @param first the bytes the first allocating tick allocated.
     * @param nextTick runs one more tick and answers the bytes it allocated.
     * @return null when a tick within {@link #TICKS} allocated nothing; else every tick's bytes, comma separated,
     *     the first tick's first.
     */
    static String settle(final long first, final LongSupplier nextTick)
    {
        final StringBuilder ticks = new StringBuilder().append(first);
        for (int i = 0; i < TICKS; i++)
        {
            final long allocated = nextTick.getAsLong();
            if (allocated == 0)
            {
                return null;
            }
            ticks.append(", ").append(allocated);
        }
        return ticks.toString();
    }
}
