package io.wmrt.bench;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.cpu.CpuAffinity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One-way latency of the trajectory bus to a second process, as a distribution: this process publishes
 * Trajectories (30 waypoints, as the planner does) through the runtime's {@link TrajectoryPublisher} onto an
 * instance's broadcast file, one every {@code interval} nanoseconds, each stamped with {@link System#nanoTime()}
 * just before it is published; a {@link BusLatencyReader} in its own JVM, pinned to its own CPU and
 * busy-spinning, records the time to arrival of each in an HdrHistogram. The first {@code warm-up} messages are
 * not recorded (the JIT, the page cache).
 * <p>
 * Usage, from the repository root: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp
 * bench/target/benchmarks.jar io.wmrt.bench.BusLatency [messages [interval-ns [publisher-cpu reader-cpu]]]};
 * defaults 1,000,000 recorded after 100,000 of warm-up, 5,000 ns apart, publisher on CPU 0 and reader on CPU 1
 * (-1 leaves a side unpinned). Prints the reader's percentiles in nanoseconds and how many messages a lap cost it
 * (the broadcast never waits for a reader); exits 1 when none arrived.
 * <p>
 * Threading: single-threaded program; the reader is another process.
 */
public final class BusLatency
{
    private static final long WARM_UP = 100_000;

    private BusLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int cores = Runtime.getRuntime().availableProcessors();
        final long messages = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        final long intervalNs = args.length > 1 ? Long.parseLong(args[1]) : 5_000;
        final int publisherCpu = args.length > 3 ? Integer.parseInt(args[2]) : 0;
        final int readerCpu = args.length > 3 ? Integer.parseInt(args[3]) : 1;
        final Path scratch = BenchEnvironment.newScratchDirectory("wmrt-bus-latency-");
        try
        {
            final String line = measure(scratch, messages, intervalNs, publisherCpu, readerCpu);
            System.out.printf(Locale.ROOT, "bus one-way latency, Trajectory of %d waypoints, %,d messages %d ns " +
                "apart after %,d of warm-up, publisher CPU %d, reader CPU %d, %d cores%n%s%n",
                BusBenchmark.WAYPOINTS, messages, intervalNs, WARM_UP, publisherCpu, readerCpu,
                cores, line);
            final long count = field(line, "count");
            // The broadcast never waits for a reader: one descheduled for longer than the buffer lasts (64 KiB,
            // about 80 trajectories) is lapped and skips ahead. Those messages are counted, not timed.
            System.out.printf(Locale.ROOT, "recorded %,d of %,d (%,d lost to %d laps)%n", count, messages,
                messages - count, field(line, "lapped"));
            if (count == 0)
            {
                System.exit(1);
            }
        }
        finally
        {
            BenchEnvironment.deleteQuietly(scratch);
        }
    }

    private static String measure(
        final Path scratch, final long messages, final long intervalNs, final int publisherCpu, final int readerCpu)
        throws IOException, InterruptedException
    {
        final Path busDir = scratch.resolve("bus");
        final Path log = scratch.resolve("reader.log");
        try (BusDirectory bus = BusDirectory.create(busDir))
        {
            final TrajectoryPublisher publisher = new TrajectoryPublisher(bus);
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final List<String> command = List.of(java, BenchEnvironment.ADD_OPENS, "-XX:+UseParallelGC",
                "-Xms64m", "-Xmx256m", "-cp", System.getProperty("java.class.path"), BusLatencyReader.class.getName(),
                busDir.toString(), Integer.toString(readerCpu), Long.toString(WARM_UP),
                Long.toString(ProcessHandle.current().pid()));
            final Process reader = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
            try
            {
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(busDir.resolve(BusLatencyReader.READY_FILE)))
                {
                    if (!reader.isAlive() || System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("the reader did not start: " + read(log));
                    }
                    Thread.sleep(10);
                }
                if (publisherCpu >= 0)
                {
                    CpuAffinity.pinCurrentThread(publisherCpu);
                }
                long next = System.nanoTime();
                for (long sequence = 1; sequence <= WARM_UP + messages; sequence++)
                {
                    next += intervalNs;
                    while (System.nanoTime() < next)
                    {
                        Thread.onSpinWait();
                    }
                    WaypointFixture.publishable(publisher, sequence, BusBenchmark.WAYPOINTS);
                    publisher.encoder().sceneTimestampNs(System.nanoTime());
                    publisher.publish();
                }
                publisher.encoder().sequence(BusLatencyReader.END_SEQUENCE);
                publisher.publish();
                if (!reader.waitFor(60, TimeUnit.SECONDS))
                {
                    throw new IllegalStateException("the reader did not finish: " + read(log));
                }
            }
            finally
            {
                reader.destroyForcibly();
            }
            final String out = read(log);
            final int at = out.indexOf("BUS-LATENCY");
            if (at < 0)
            {
                throw new IllegalStateException("the reader printed no results: " + out);
            }
            return out.substring(at).strip();
        }
    }

    private static long field(final String line, final String name)
    {
        for (final String part : line.split(" "))
        {
            if (part.startsWith(name + "="))
            {
                return Long.parseLong(part.substring(name.length() + 1));
            }
        }
        throw new IllegalStateException("no " + name + " in " + line);
    }

    private static String read(final Path log) throws IOException
    {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
    }
}
