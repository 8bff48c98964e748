package io.wmrt.sweep;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sweep's progress line, from Spark's task events: done, running, failed attempts and skipped tasks, runs per
 * minute and the time left at that rate. Printed when something changed, at most every few seconds, as whole
 * lines (readable in a CI log as on a terminal).
 * <p>
 * Listener methods are called on Spark's listener thread, {@link #print} on the printing thread: counts are
 * atomic.
 */
final class SweepProgress extends SparkListener
{
    private static final long PRINT_EVERY_MS = 5_000;
    private static final long PRINT_ANYWAY_MS = 60_000;

    private final PrintStream out;
    private final int toRun;
    private final int skipped;
    private final long startMs = System.currentTimeMillis();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private String lastCounts = "";
    private long lastPrintMs;

    SweepProgress(final PrintStream out, final int toRun, final int skipped)
    {
        this.out = out;
        this.toRun = toRun;
        this.skipped = skipped;
    }

    public void onTaskStart(final SparkListenerTaskStart taskStart)
    {
        running.incrementAndGet();
    }

    public void onTaskEnd(final SparkListenerTaskEnd taskEnd)
    {
        running.decrementAndGet();
        if (taskEnd.taskInfo().successful())
        {
            done.incrementAndGet();
        }
        else
        {
            failedAttempts.incrementAndGet();
        }
    }

    /** Starts a daemon thread that prints the line until the JVM exits or {@code stop} is interrupted. */
    Thread start()
    {
        final Thread printer = new Thread(() ->
        {
            try
            {
                while (!Thread.currentThread().isInterrupted())
                {
                    Thread.sleep(PRINT_EVERY_MS);
                    print(false);
                }
            }
            catch (final InterruptedException ignored)
            {
                // Stopped: the sweep prints its last line itself.
            }
        }, "wmrt-sweep-progress");
        printer.setDaemon(true);
        printer.start();
        return printer;
    }

    synchronized void print(final boolean always)
    {
        final long now = System.currentTimeMillis();
        final String counts = done.get() + "/" + running.get() + "/" + failedAttempts.get();
        if (always || !counts.equals(lastCounts) || now - lastPrintMs >= PRINT_ANYWAY_MS)
        {
            out.println(line(now) + String.format(Locale.ROOT, "  [%s]", duration((now - startMs) / 1000)));
            out.flush();
            lastCounts = counts;
            lastPrintMs = now;
        }
    }

    private String line(final long now)
    {
        final int finished = done.get();
        final double minutes = Math.max(1e-9, (now - startMs) / 60_000.0);
        final double rate = finished / minutes;
        final String eta = finished == 0 ? "unknown" : duration(Math.round((toRun - finished) / rate * 60));
        return String.format(Locale.ROOT, "sweep: %d/%d done, %d running, %d failed attempt(s), %d skipped; " +
            "%.1f runs/min, ETA %s", finished, toRun, Math.max(0, running.get()), failedAttempts.get(), skipped,
            rate, eta);
    }

    static String duration(final long seconds)
    {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60) :
            String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
}
