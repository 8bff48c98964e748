package io.wmrt.telemetry;

import io.wmrt.bus.BusDirectory;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorLogReader;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.PrintStream;
import java.text.SimpleDateFormat;
import java.util.Date;

/**
 * The instance's distinct error log in shared memory: each distinct failure is stored once with a count and
 * first and last times, so it survives a crash and can be read by {@code wmrt stat}.
 * <p>
 * Safe from any thread of the owning process.
 */
public final class ErrorLog
{
    private final DistinctErrorLog log;
    private final AtomicCounter errors;

    public ErrorLog(final BusDirectory bus)
    {
        log = bus.errorLog();
        errors = bus.counter(WmrtCounter.ERRORS);
    }

    public void record(final Throwable error)
    {
        errors.increment();
        log.record(error);
    }

    /**
     * @return number of distinct errors printed.
     */
    public static int print(final BusDirectory bus, final PrintStream out)
    {
        final SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSSZ");
        return ErrorLogReader.read(bus.errorLogBuffer(),
            (count, first, last, text) -> out.printf("%d time(s), first %s, last %s%n%s%n", count,
                format.format(new Date(first)), format.format(new Date(last)), text));
    }
}
