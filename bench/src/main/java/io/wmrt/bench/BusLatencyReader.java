package io.wmrt.bench;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.sbe.TrajectoryDecoder;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The far end of {@link BusLatency}, in its own JVM: pinned to one CPU, it busy-spins on a
 * {@link TrajectoryReader} over the instance's broadcast and records, for every Trajectory after the warm-up,
 * the time from its publication (the publisher's {@link System#nanoTime()} in {@code sceneTimestampNs}; on Linux
 * both processes read the same monotonic clock) to its arrival here, in an HdrHistogram that records without
 * allocating. Signals readiness by creating {@code READY_FILE} once its reader exists; stops at the message
 * with sequence {@link #END_SEQUENCE}, or when the parent is gone, and prints one line of results.
 * <p>
 * Usage: {@code BusLatencyReader BUS_DIR CPU WARM_UP PARENT_PID}. Single threaded.
 */
public final class BusLatencyReader
{
    public static final long END_SEQUENCE = Long.MAX_VALUE;
    public static final String READY_FILE = "reader.ready";
    /** Latencies above this (10 s) are clamped: a reader that far behind has been descheduled, not slowed. */
    static final long HIGHEST_NS = 10_000_000_000L;
    private static final long PARENT_CHECK_MASK = (1L << 22) - 1;

    private final Histogram histogram = new Histogram(HIGHEST_NS, 3);
    private final long warmUp;
    private long received;
    private long outOfOrder;
    private long lastSequence;
    private boolean ended;
    private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;

    private BusLatencyReader(final long warmUp)
    {
        this.warmUp = warmUp;
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length != 4)
        {
            System.err.println("usage: BusLatencyReader BUS_DIR CPU WARM_UP PARENT_PID");
            System.exit(2);
        }
        final Path busDir = Path.of(args[0]);
        final int cpu = Integer.parseInt(args[1]);
        final Optional<ProcessHandle> parent = ProcessHandle.of(Long.parseLong(args[3]));
        if (parent.isEmpty())
        {
            System.err.println("BusLatencyReader: parent process " + args[3] + " is already gone");
            System.exit(1);
        }
        if (cpu >= 0)
        {
            CpuAffinity.pinCurrentThread(cpu);
        }
        final BusLatencyReader latency = new BusLatencyReader(Long.parseLong(args[2]));
        try (BusDirectory bus = BusDirectory.open(busDir))
        {
            final TrajectoryReader reader = new TrajectoryReader(bus);
            Files.createFile(busDir.resolve(READY_FILE));
            long idle = 0;
            while (!latency.ended)
            {
                if (reader.poll(latency.onTrajectory) > 0)
                {
                    idle = 0;
                    continue;
                }
                if ((++idle & PARENT_CHECK_MASK) == 0 && !parent.get().isAlive())
                {
                    System.err.println("BusLatencyReader: parent gone, stopping");
                    System.exit(1);
                }
                Thread.onSpinWait();
            }
            latency.print(reader.lappedCount(), cpu);
        }
    }

    private void onTrajectory(final TrajectoryDecoder trajectory)
    {
        final long now = System.nanoTime();
        final long sequence = trajectory.sequence();
        if (sequence == END_SEQUENCE)
        {
            ended = true;
            return;
        }
        if (sequence <= lastSequence)
        {
            outOfOrder++;
        }
        lastSequence = sequence;
        received++;
        if (sequence > warmUp)
        {
            histogram.recordValue(Math.min(HIGHEST_NS, Math.max(0, now - trajectory.sceneTimestampNs())));
        }
    }

    private void print(final long lapped, final int cpu)
    {
        System.out.printf(
            "BUS-LATENCY count=%d received=%d lapped=%d out_of_order=%d cpu=%d p50=%d p90=%d p99=%d p99.9=%d " +
                "p99.99=%d max=%d mean=%.1f%n",
            histogram.getTotalCount(), received, lapped, outOfOrder, cpu,
            histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
            histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
            histogram.getValueAtPercentile(99.99), histogram.getMaxValue(), histogram.getMean());
    }
}
