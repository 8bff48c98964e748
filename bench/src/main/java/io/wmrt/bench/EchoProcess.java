package io.wmrt.bench;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.TrajectoryDecoder;
import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The far end of {@code BusBenchmark.publishReceiveCrossProcess}, run in its own JVM: reads every Trajectory
 * from an instance's broadcast with a {@link TrajectoryReader} and answers each with an echo record holding
 * its sequence number, on a separate Agrona {@link OneToOneRingBuffer} in a file the benchmark created (not
 * the scene ring, so an echo can never be mistaken for a SceneFrame). It first writes one ready record, after
 * its reader exists, so the benchmark knows that nothing it publishes from then on is missed. It exits when
 * it is terminated, or when it finds the benchmark process gone, then removing the benchmark's scratch
 * directory (the echo ring's directory), which a killed benchmark could not.
 * <p>
 * Usage: {@code EchoProcess BUS_DIR ECHO_RING_FILE PARENT_PID}. Single threaded: one thread busy-spins.
 */
public final class EchoProcess
{
    /** The echo ring: 64 KiB plus Agrona's trailer; a file the benchmark creates and this process maps. */
    public static final int RING_CAPACITY = 64 * 1024;
    public static final int RING_FILE_LENGTH = RING_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH;
    /** Record types on the echo ring: both carry one long (0 for ready, else the trajectory's sequence). */
    public static final int READY_MSG_TYPE = 101;
    public static final int ECHO_MSG_TYPE = 102;
    public static final int MESSAGE_LENGTH = Long.BYTES;
    /** Idle polls between checks that the benchmark process is still alive (tens of milliseconds). */
    private static final long PARENT_CHECK_MASK = (1L << 20) - 1;

    private final TrajectoryReader reader;
    private final OneToOneRingBuffer echoRing;
    private final UnsafeBuffer message = new UnsafeBuffer(BufferUtil.allocateDirectAligned(MESSAGE_LENGTH, 8));
    private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;
    private final Path scratchDir;

    private EchoProcess(final BusDirectory bus, final OneToOneRingBuffer echoRing, final Path scratchDir)
    {
        this.reader = new TrajectoryReader(bus);
        this.echoRing = echoRing;
        this.scratchDir = scratchDir;
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 3)
        {
            System.err.println("usage: EchoProcess BUS_DIR ECHO_RING_FILE PARENT_PID");
            System.exit(2);
        }
        final Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(args[2]));
        if (parent.isEmpty())
        {
            System.err.println("EchoProcess: parent process " + args[2] + " is already gone");
            System.exit(1);
        }
        try (BusDirectory bus = BusDirectory.open(Path.of(args[0])))
        {
            final Path ringFile = Path.of(args[1]).toAbsolutePath();
            final MappedByteBuffer mapping = IoUtil.mapExistingFile(ringFile.toFile(), "echo ring");
            try
            {
                new EchoProcess(bus, new OneToOneRingBuffer(new UnsafeBuffer(mapping)), ringFile.getParent())
                    .run(parent.get());
            }
            finally
            {
                IoUtil.unmap(mapping);
            }
        }
    }

    private void run(final ProcessHandle parent)
    {
        write(READY_MSG_TYPE, 0);
        long idlePolls = 0;
        while (true)
        {
            if (reader.poll(onTrajectory) > 0)
            {
                idlePolls = 0;
                continue;
            }
            if ((++idlePolls & PARENT_CHECK_MASK) == 0 && !parent.isAlive())
            {
                // The benchmark was killed before it could clean up: its scratch directory is ours to remove.
                BenchEnvironment.deleteQuietly(scratchDir);
                return;
            }
            Thread.onSpinWait();
        }
    }

    private void onTrajectory(final TrajectoryDecoder trajectory)
    {
        write(ECHO_MSG_TYPE, trajectory.sequence());
    }

    private void write(final int msgTypeId, final long value)
    {
        message.putLong(0, value);
        while (!echoRing.write(msgTypeId, message, 0, MESSAGE_LENGTH))
        {
            Thread.onSpinWait();
        }
    }
}
