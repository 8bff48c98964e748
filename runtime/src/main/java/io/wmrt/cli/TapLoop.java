package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The loop of a command that reads a bus from the side until Ctrl-C (or SIGTERM), a deadline, or the runtime
 * stopping. The signal only asks the loop to stop; the JVM waits (10 s at most) until {@link #close()}, so what
 * the command writes is finished first.
 */
final class TapLoop implements AutoCloseable
{
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean stop;

    TapLoop(final String name)
    {
        hook = new Thread(() ->
        {
            stop = true;
            try
            {
                done.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Poll until stopped; then, if the runtime stopped, take what it published last.
     *
     * @param deadlineNs {@link System#nanoTime()} to stop at, or {@link Long#MAX_VALUE}.
     * @return why it stopped: "stopped", "duration reached" or "the runtime stopped".
     */
    String run(final BusRecorder tap, final BusDirectory bus, final long deadlineNs) throws IOException
    {
        final IdleStrategy idle = new BackoffIdleStrategy();
        long nextAliveCheck = 0;
        while (!stop)
        {
            idle.idle(tap.poll());
            final long now = System.nanoTime();
            if (now - deadlineNs >= 0)
            {
                return "duration reached";
            }
            if (now - nextAliveCheck >= 0)
            {
                nextAliveCheck = now + 500_000_000L;
                if (!bus.runtimeAlive())
                {
                    for (int i = 0; i < 100_000 && tap.poll() > 0; i++)
                    {
                        Thread.onSpinWait();
                    }
                    return "the runtime stopped";
                }
            }
        }
        return "stopped";
    }

    @Override
    public void close()
    {
        done.countDown();
        try
        {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        catch (final IllegalStateException shuttingDown)
        {
            // The hook is running: it waited for this.
        }
    }
}
