package io.wmrt.bus;

import io.wmrt.telemetry.WmrtCounter;
import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mapped files of one runtime instance (see {@link BusLayout}). The runtime {@link #create creates} the
 * directory; producers, readers and {@code wmrt stat} {@link #open open} it from any process.
 * <p>
 * Opening and closing are not thread safe; the buffers it hands out follow their own Agrona contracts.
 */
public final class BusDirectory implements AutoCloseable
{
    private final Path dir;
    private final List<MappedByteBuffer> mappings = new ArrayList<>();
    private final AtomicBuffer sceneRingBuffer;
    private final AtomicBuffer trajectoryBuffer;
    private final AtomicBuffer sceneEchoBuffer;
    private final AtomicBuffer candidatesBuffer;
    private final AtomicBuffer countersHeader;
    private final AtomicBuffer countersMetadata;
    private final AtomicBuffer countersValues;
    private final AtomicBuffer errorLogBuffer;
    private CountersManager countersManager;
    /** Held by the runtime that created the directory; null for those that opened it. */
    private InstanceLock lock;
    private DistinctErrorLog errorLog;

    private BusDirectory(final Path dir, final boolean create) throws IOException
    {
        this.dir = dir;
        sceneRingBuffer = map(BusLayout.SCENE_RING_FILE, BusLayout.SCENE_RING_FILE_LENGTH, create);
        trajectoryBuffer = map(BusLayout.TRAJECTORY_FILE, BusLayout.TRAJECTORY_FILE_LENGTH, create);
        sceneEchoBuffer = map(BusLayout.SCENE_ECHO_FILE, BusLayout.SCENE_ECHO_FILE_LENGTH, create);
        candidatesBuffer = map(BusLayout.CANDIDATES_FILE, BusLayout.CANDIDATES_FILE_LENGTH, create);
        errorLogBuffer = map(BusLayout.ERROR_LOG_FILE, BusLayout.ERROR_LOG_LENGTH, create);
        final AtomicBuffer counters = map(BusLayout.COUNTERS_FILE, BusLayout.COUNTERS_FILE_LENGTH, create);
        countersHeader = new UnsafeBuffer(counters, 0, BusLayout.COUNTERS_HEADER_LENGTH);
        countersMetadata = new UnsafeBuffer(
            counters, BusLayout.COUNTERS_HEADER_LENGTH, BusLayout.COUNTER_METADATA_LENGTH);
        countersValues = new UnsafeBuffer(
            counters, BusLayout.COUNTERS_HEADER_LENGTH + BusLayout.COUNTER_METADATA_LENGTH,
            BusLayout.COUNTER_VALUES_LENGTH);
    }

    /**
     * Create (or re-create) the instance directory for a runtime that is starting, and hold it until
     * {@link #close()}: one runtime owns a directory at a time, and the files of a previous (stopped or crashed)
     * run are replaced. The directory is made {@code 0700} and its files {@code 0600}.
     *
     * @throws InstanceRefusedException when another runtime holds the directory (naming its pid), or the
     *                                  directory or one of its files is a symbolic link, another user's, or open
     *                                  wider than those modes; nothing in the directory is touched then.
     */
    public static BusDirectory create(final Path dir) throws IOException
    {
        OwnerOnlyFiles.createOrCheckDirectory(dir);
        final InstanceLock lock = InstanceLock.acquire(dir);
        try
        {
            return create(dir, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            lock.close();
            throw ex;
        }
    }

    private static BusDirectory create(final Path dir, final InstanceLock lock) throws IOException
    {
        for (final String name : BusLayout.MAPPED_FILES)
        {
            OwnerOnlyFiles.refuseUnsafe(dir.resolve(name), false);
        }
        // Clear readiness before anything else so that clients of a previous run wait for this one.
        Files.deleteIfExists(dir.resolve(BusLayout.COUNTERS_FILE));
        final BusDirectory bus = new BusDirectory(dir, true);
        bus.lock = lock;
        bus.countersManager = new CountersManager(
            bus.countersMetadata, bus.countersValues, StandardCharsets.US_ASCII);
        for (final WmrtCounter counter : WmrtCounter.values())
        {
            final int id = bus.countersManager.allocate(counter.label(), 1);
            if (id != counter.id())
            {
                throw new IllegalStateException("counter " + counter + " got id " + id);
            }
        }
        final AtomicBuffer header = bus.countersHeader;
        header.putInt(BusLayout.VERSION_OFFSET, BusLayout.LAYOUT_VERSION);
        header.putLong(BusLayout.PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(BusLayout.START_MS_OFFSET, System.currentTimeMillis());
        header.putInt(BusLayout.METADATA_LENGTH_OFFSET, BusLayout.COUNTER_METADATA_LENGTH);
        header.putInt(BusLayout.VALUES_LENGTH_OFFSET, BusLayout.COUNTER_VALUES_LENGTH);
        header.putIntVolatile(BusLayout.MAGIC_OFFSET, BusLayout.MAGIC);
        return bus;
    }

    /**
     * Open a running (or crashed) instance's directory from another process.
     *
     * @throws IOException with what is missing when the directory holds no ready instance.
     */
    public static BusDirectory open(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            throw new IOException("no wmrt instance at " + dir + " (directory missing; is 'wmrt run' started " +
                "with the same --dir?)");
        }
        for (final String name : BusLayout.MAPPED_FILES)
        {
            if (!Files.isRegularFile(dir.resolve(name)))
            {
                throw new IOException("no wmrt instance at " + dir + " (" + name + " missing)");
            }
        }
        final BusDirectory bus = new BusDirectory(dir, false);
        if (bus.countersHeader.getIntVolatile(BusLayout.MAGIC_OFFSET) != BusLayout.MAGIC)
        {
            bus.close();
            throw new IOException(dir.resolve(BusLayout.COUNTERS_FILE) + " is not ready (runtime still starting " +
                "or not a wmrt counters file)");
        }
        final int version = bus.countersHeader.getInt(BusLayout.VERSION_OFFSET);
        if (version != BusLayout.LAYOUT_VERSION)
        {
            bus.close();
            throw new IOException(dir + " has bus layout version " + version + ", this wmrt reads " +
                BusLayout.LAYOUT_VERSION);
        }
        return bus;
    }

    /**
     * Wait until a runtime has made the directory ready, or the timeout passes.
     */
    public static BusDirectory await(final Path dir, final long timeoutMs) throws IOException, InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (true)
        {
            try
            {
                return open(dir);
            }
            catch (final IOException ex)
            {
                if (System.currentTimeMillis() > deadline)
                {
                    throw ex;
                }
                Thread.sleep(20);
            }
        }
    }

    public Path dir()
    {
        return dir;
    }

    public AtomicBuffer sceneRingBuffer()
    {
        return sceneRingBuffer;
    }

    public AtomicBuffer trajectoryBuffer()
    {
        return trajectoryBuffer;
    }

    /** The broadcast on which the planner echoes every SceneFrame it takes. */
    public AtomicBuffer sceneEchoBuffer()
    {
        return sceneEchoBuffer;
    }

    /** The broadcast of every candidate the planner weighed (written with --debug-candidates only). */
    public AtomicBuffer candidatesBuffer()
    {
        return candidatesBuffer;
    }

    public AtomicBuffer errorLogBuffer()
    {
        return errorLogBuffer;
    }

    /**
     * The one writer of this instance's error log in this process. {@link DistinctErrorLog} keeps where it writes
     * next in memory, so two writers over one file would write their first errors over each other's.
     */
    public synchronized DistinctErrorLog errorLog()
    {
        if (null == errorLog)
        {
            errorLog = new DistinctErrorLog(errorLogBuffer, SystemEpochClock.INSTANCE);
        }
        return errorLog;
    }

    public CountersReader countersReader()
    {
        return null != countersManager ? countersManager :
            new CountersReader(countersMetadata, countersValues, StandardCharsets.US_ASCII);
    }

    /**
     * A counter of the instance, usable from any process that opened the directory.
     */
    public AtomicCounter counter(final WmrtCounter counter)
    {
        return new AtomicCounter(countersValues, counter.id());
    }

    public long runtimePid()
    {
        return countersHeader.getLong(BusLayout.PID_OFFSET);
    }

    public long startEpochMs()
    {
        return countersHeader.getLong(BusLayout.START_MS_OFFSET);
    }

    public boolean runtimeAlive()
    {
        return ProcessHandle.of(runtimePid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * Unmap the files and, for the runtime that created the directory, release it to the next one.
     */
    public void close()
    {
        unmapAll();
        releaseLock();
    }

    /**
     * Close and remove the directory: for throw-away instances (demo, tests). The directory is removed while
     * still held, so no other runtime can have started in it.
     */
    public void closeAndDelete()
    {
        unmapAll();
        IoUtil.delete(dir.toFile(), true);
        releaseLock();
    }

    private void unmapAll()
    {
        for (final MappedByteBuffer mapping : mappings)
        {
            IoUtil.unmap(mapping);
        }
        mappings.clear();
    }

    private void releaseLock()
    {
        if (null != lock)
        {
            lock.close();
            lock = null;
        }
    }

    private AtomicBuffer map(final String name, final int length, final boolean create) throws IOException
    {
        final File file = dir.resolve(name).toFile();
        final MappedByteBuffer mapping;
        if (create)
        {
            Files.deleteIfExists(file.toPath());
            mapping = OwnerOnlyFiles.createAndMap(file.toPath(), length);
        }
        else
        {
            if (file.length() != length)
            {
                throw new IOException(file + " is " + file.length() + " bytes, expected " + length +
                    " (written by another wmrt version?)");
            }
            mapping = IoUtil.mapExistingFile(file, name);
        }
        mappings.add(mapping);
        return new UnsafeBuffer(mapping);
    }
}
