package io.wmrt.bus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One runtime per instance directory: an exclusive lock on {@code <dir>/instance.lock}, taken before any other
 * file of the directory is touched and held for the runtime's life. The lock is the operating system's (fcntl),
 * so it dies with its process: a lock file left by a crashed runtime never blocks the next start. The file holds
 * the holder's pid, so a refused start can say which process runs the instance.
 * <p>
 * POSIX releases all of a process's locks on a file when any descriptor of it is closed, so within one JVM a
 * second claim on the same directory is refused from a registry of held directories, without opening the file.
 * <p>
 * Acquire and release from one thread; the registry is safe from any thread.
 */
final class InstanceLock implements AutoCloseable
{
    private static final Set<Path> HELD_BY_THIS_PROCESS = ConcurrentHashMap.newKeySet();
    private static final Set<OpenOption> OPEN = Set.of(
        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    /** How long a refused start waits for a holder that is still starting to write its pid. */
    private static final int PID_WAIT_ATTEMPTS = 50;
    private static final long PID_WAIT_MS = 10;

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceLock(final Path dir, final FileChannel channel, final FileLock lock)
    {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Lock the directory for this process.
     *
     * @param dir an existing instance directory that passed {@link OwnerOnlyFiles}' checks.
     * @throws InstanceRefusedException naming the running pid when another runtime holds it.
     */
    static InstanceLock acquire(final Path dir) throws IOException
    {
        final Path key = dir.toRealPath();
        if (!HELD_BY_THIS_PROCESS.add(key))
        {
            throw inUse(dir, ProcessHandle.current().pid());
        }
        FileChannel channel = null;
        try
        {
            final Path file = dir.resolve(BusLayout.LOCK_FILE);
            OwnerOnlyFiles.refuseUnsafe(file, false);
            channel = FileChannel.open(file, OPEN, OwnerOnlyFiles.ownerOnlyFile());
            final FileLock lock = tryLock(channel);
            if (null == lock)
            {
                throw inUse(dir, holderPid(channel));
            }
            Files.setPosixFilePermissions(file, OwnerOnlyFiles.FILE_MODE);
            final byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(pid), 0);
            return new InstanceLock(key, channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            HELD_BY_THIS_PROCESS.remove(key);
            if (null != channel)
            {
                channel.close();
            }
            throw ex;
        }
    }

    /**
     * Release the lock. The lock file stays: the next runtime reuses it.
     */
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ignore)
        {
            // the descriptor is gone either way, and with it the lock
        }
        finally
        {
            HELD_BY_THIS_PROCESS.remove(dir);
        }
    }

    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            // held through another channel of this JVM, which the registry should have caught
            return null;
        }
    }

    /**
     * @return the pid the holder wrote, or -1 when it has not written one yet.
     */
    private static long holderPid(final FileChannel channel) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocate(32);
        for (int attempt = 0; attempt < PID_WAIT_ATTEMPTS; attempt++)
        {
            buffer.clear();
            final int read = channel.read(buffer, 0);
            if (read > 0)
            {
                final String text = new String(buffer.array(), 0, read, StandardCharsets.US_ASCII).strip();
                if (text.matches("\\d{1,19}"))
                {
                    return Long.parseLong(text);
                }
            }
            try
            {
                Thread.sleep(PID_WAIT_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return -1;
    }

    private static InstanceRefusedException inUse(final Path dir, final long pid)
    {
        final String holder = pid > 0 ? "wmrt pid " + pid : "another process (its pid is not written yet)";
        return new InstanceRefusedException(dir, "is in use by " + holder + ", which holds " +
            dir.resolve(BusLayout.LOCK_FILE) + "; stop that runtime first" + (pid > 0 ? " ('kill " + pid + "')" : "") +
            ", or give this one another --dir");
    }
}
