package io.wmrt.bench;

import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's side of an {@link EchoProcess}: creates the echo ring file, starts the child JVM on this
 * JVM's class path (with the add-opens flag Agrona needs), waits for its ready record, then waits for the
 * echo of each sequence. The child never outlives this JVM: {@link #close()} terminates it (forcibly if it
 * does not stop within 5 s), a shutdown hook does the same if the benchmark fails before closing, and the
 * child exits by itself when it finds this process gone.
 * <p>
 * Not thread safe: used by one benchmark thread (the echo ring has one consumer).
 */
public final class EchoProcessHandle implements AutoCloseable
{
    private static final long READY_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);
    private static final long ECHO_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    /** Idle polls between liveness checks while waiting for an echo (milliseconds apart). */
    private static final long LIVENESS_CHECK_MASK = (1L << 16) - 1;

    private final Path log;
    private final MappedByteBuffer ringMapping;
    private final OneToOneRingBuffer echoRing;
    private final Process process;
    private final Thread reaper;
    private final MessageHandler onRecord = this::onRecord;
    private int lastType;
    private long lastValue = -1;
    private boolean closed;

    /**
     * Start the echo process for the bus instance in {@code busDir}, keeping its ring and log in
     * {@code scratchDir}, and wait until it is ready.
     */
    public EchoProcessHandle(final Path busDir, final Path scratchDir) throws IOException, InterruptedException
    {
        final Path ringFile = scratchDir.resolve("echo.ring");
        log = scratchDir.resolve("echo-process.log");
        ringMapping = IoUtil.mapNewFile(ringFile.toFile(), EchoProcess.RING_FILE_LENGTH);
        echoRing = new OneToOneRingBuffer(new UnsafeBuffer(ringMapping));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = List.of(java, BenchEnvironment.ADD_OPENS, "-Xms64m", "-Xmx256m",
            "-cp", System.getProperty("java.class.path"), EchoProcess.class.getName(),
            busDir.toString(), ringFile.toString(), Long.toString(ProcessHandle.current().pid()));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        reaper = new Thread(process::destroyForcibly, "wmrt-bench-echo-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        try
        {
            awaitReady();
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * Busy-spin until the echo of {@code sequence} arrives.
     *
     * @return the echoed sequence.
     * @throws IllegalStateException when the child died or did not answer within 10 s.
     */
    public long awaitEcho(final long sequence)
    {
        long idlePolls = 0;
        long waitStartNs = 0;
        while (lastType != EchoProcess.ECHO_MSG_TYPE || lastValue != sequence)
        {
            if (echoRing.read(onRecord, 1) > 0)
            {
                continue;
            }
            if ((++idlePolls & LIVENESS_CHECK_MASK) == 0)
            {
                // Rare: only a slow answer pays for a clock read.
                if (0 == waitStartNs)
                {
                    waitStartNs = System.nanoTime();
                }
                else if (System.nanoTime() - waitStartNs > ECHO_TIMEOUT_NS)
                {
                    throw failure("no echo of sequence " + sequence + " within 10 s");
                }
                if (!process.isAlive())
                {
                    throw failure("echo process exited with " + process.exitValue() + " while waiting for " + sequence);
                }
            }
            Thread.onSpinWait();
        }
        return lastValue;
    }

    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        process.destroy();
        try
        {
            if (!process.waitFor(5, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(reaper);
        }
        catch (final IllegalStateException alreadyShuttingDown)
        {
            // the hook runs anyway and finds the child gone
        }
        IoUtil.unmap(ringMapping);
    }

    private void awaitReady() throws InterruptedException
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT_NS;
        while (lastType != EchoProcess.READY_MSG_TYPE)
        {
            if (echoRing.read(onRecord, 1) > 0)
            {
                continue;
            }
            if (!process.isAlive())
            {
                throw failure("echo process exited with " + process.exitValue() + " before it was ready");
            }
            if (System.nanoTime() > deadline)
            {
                throw failure("echo process not ready within 60 s");
            }
            Thread.sleep(1);
        }
    }

    private void onRecord(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        lastType = msgTypeId;
        lastValue = buffer.getLong(index);
    }

    private IllegalStateException failure(final String what)
    {
        String output;
        try
        {
            output = Files.readString(log, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            output = "(cannot read " + log + ": " + ex.getMessage() + ")";
        }
        return new IllegalStateException(what + "; its output (" + log + "):\n" + output);
    }
}
