package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import io.wmrt.record.McapWriter;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * One rig run's MCAP recording ({@code wmrt hil --record-mcap}): a {@link BusRecorder} on the runtime's bus, in
 * a thread of the rig's JVM (the runtime is another process; it never waits for the recorder). {@link #close()}
 * stops the thread once it has taken what the bus still holds, and closes the file indexed.
 * <p>
 * Not thread safe: started and closed by the rig thread.
 */
final class McapRecording implements AutoCloseable
{
    private static final McapRecording NONE = new McapRecording();

    private final McapWriter writer;
    private final BusRecorder recorder;
    private final Thread thread;
    private volatile boolean stop;
    private boolean closed;
    private volatile IOException failure;
    /** Scenes the thread has written, for the rig to pace a deterministic run by. */
    private volatile long scenesRecorded;

    private McapRecording()
    {
        writer = null;
        recorder = null;
        thread = null;
    }

    private McapRecording(final BusDirectory bus, final BusDirectory shadow, final Path file, final String name)
        throws IOException
    {
        Files.createDirectories(file.getParent());
        writer = new McapWriter(file, "wmrt hil", McapWriter.Compression.ZSTD, 1 << 20);
        try
        {
            recorder = new BusRecorder(bus, shadow, 1.0, writer);
        }
        catch (final IOException | RuntimeException ex)
        {
            writer.close();
            throw ex;
        }
        thread = new Thread(this::record, "wmrt-hil-mcap-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts recording {@code bus} (and the shadow planner's instance, when not null) into {@code file}, or does
     * nothing when {@code file} is null.
     */
    static McapRecording start(final BusDirectory bus, final BusDirectory shadow, final Path file, final String name)
        throws IOException
    {
        return null == file ? NONE : new McapRecording(bus, shadow, file, name);
    }

    private void record()
    {
        final IdleStrategy idle = new BackoffIdleStrategy();
        try
        {
            while (!stop)
            {
                final int work = recorder.poll();
                if (work > 0)
                {
                    scenesRecorded = recorder.scenesRecorded();
                }
                idle.idle(work);
            }
            // What the runtime publishes after the rig stopped driving: the last scene's echo, and a shadow
            // planner's last plans (it plans once the live planner is idle). Until 200 ms pass with nothing new.
            final long deadline = System.nanoTime() + 2_000_000_000L;
            long quietSince = System.nanoTime();
            while (System.nanoTime() - quietSince < 200_000_000L && System.nanoTime() - deadline < 0)
            {
                if (recorder.poll() > 0)
                {
                    quietSince = System.nanoTime();
                }
                idle.idle(0);
            }
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
    }

    /**
     * Waits, up to {@code waitMs}, until at most {@code slack} of the {@code published} scenes are still to be
     * recorded; at once when nothing is recorded. A deterministic run waits here each step: on a busy machine the
     * recorder thread falls behind a fast planner, and once the scene echo holds more than it can keep (about 48
     * scenes) the oldest are lost; the simulation, not the runtime, is what waits.
     *
     * @return whether the recorder caught up in time.
     */
    boolean awaitRecorded(final long published, final int slack, final long waitMs)
    {
        if (null == thread)
        {
            return true;
        }
        final long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (published - scenesRecorded > slack)
        {
            if (System.nanoTime() - deadline > 0 || null != failure || !thread.isAlive())
            {
                return false;
            }
            LockSupport.parkNanos(100_000);
        }
        return true;
    }

    /** What was recorded, for the rig's progress output; empty when nothing is recorded. */
    String summary()
    {
        return null == recorder ? "" : writer.path().getFileName() + ": " + recorder.summary();
    }

    @Override
    public void close() throws IOException
    {
        if (null == thread || closed)
        {
            return;
        }
        closed = true;
        stop = true;
        try
        {
            thread.join(30_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        writer.close();
        if (null != failure)
        {
            throw new IOException("recording " + writer.path() + " failed: " + failure.getMessage(), failure);
        }
    }
}
