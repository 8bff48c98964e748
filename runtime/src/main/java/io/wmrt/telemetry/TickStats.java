package io.wmrt.telemetry;

import org.HdrHistogram.Histogram;

import java.lang.management.ManagementFactory;

/**
 * Tick latency histogram and the bytes the planner thread allocated per tick, measured with the JVM's
 * per-thread allocation counter. Recording allocates nothing.
 * <p>
 * Not thread safe: recorded by the planner agent; read after it stops (or accept torn reads).
 */
public final class TickStats
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private final Histogram tickNs = new Histogram(10_000_000_000L, 3);
    private long warmupRemaining;
    private long ticks;
    private long measuredTicks;
    private long measuredAllocBytes;
    private long lastAllocBytes;

    /**
     * @param warmupTicks ticks excluded from the allocation average (class loading, JIT, first-run caches).
     */
    public TickStats(final long warmupTicks)
    {
        this.warmupRemaining = warmupTicks;
    }

    /**
     * @return bytes allocated so far by the calling thread, or -1 where the JVM cannot tell.
     */
    public static long threadAllocatedBytes()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    public void record(final long nanos, final long allocatedBytes)
    {
        tickNs.recordValue(Math.min(Math.max(nanos, 0), tickNs.getHighestTrackableValue()));
        lastAllocBytes = allocatedBytes;
        ticks++;
        if (warmupRemaining > 0)
        {
            warmupRemaining--;
        }
        else
        {
            measuredTicks++;
            measuredAllocBytes += allocatedBytes;
        }
    }

    public long ticks()
    {
        return ticks;
    }

    public long lastAllocBytes()
    {
        return lastAllocBytes;
    }

    /**
     * @return mean bytes allocated per tick after warm-up, or NaN before any.
     */
    public double allocBytesPerTick()
    {
        return measuredTicks == 0 ? Double.NaN : (double)measuredAllocBytes / measuredTicks;
    }

    public double percentileMs(final double percentile)
    {
        return tickNs.getValueAtPercentile(percentile) / 1e6;
    }

    public double meanMs()
    {
        return tickNs.getMean() / 1e6;
    }

    /**
     * Start measuring afresh, with no further warm-up: for a caller that has warmed up on its own.
     */
    public void reset()
    {
        tickNs.reset();
        ticks = 0;
        warmupRemaining = 0;
        measuredTicks = 0;
        measuredAllocBytes = 0;
    }
}
