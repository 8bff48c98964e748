package io.wmrt.bench;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.TrajectoryDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The Trajectory path of the bus, over a real instance directory of mmap'd files (under /dev/shm):
 * <ul>
 *   <li>{@link #publishReceiveSameProcess}: one op encodes a {@value #WAYPOINTS}-waypoint Trajectory with
 *   {@link TrajectoryPublisher} as the planner does (waypoint columns, then the scalar fields), publishes it on
 *   the broadcast and receives it with a {@link TrajectoryReader} (handler made once), all on the benchmark
 *   thread.</li>
 *   <li>{@link #publishReceiveCrossProcess}: one op is a round trip to a second JVM ({@link EchoProcess}):
 *   encode and publish, the child receives it with its own TrajectoryReader and writes the sequence back
 *   on an echo ring, and the benchmark busy-spins until that echo arrives. The score is the round trip.
 *   Both processes busy-spin, so this one needs two free cores to mean anything.</li>
 * </ul>
 * Threading: one benchmark thread; each state is per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class BusBenchmark
{
    /** Waypoints per published Trajectory (the planner's horizon for cv-baseline). */
    public static final int WAYPOINTS = 30;

    /**
     * Publisher and reader of one instance, in this process.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class SameProcessState
    {
        private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;
        private Path busDir;
        private BusDirectory bus;
        private TrajectoryPublisher publisher;
        private TrajectoryReader reader;
        private long sequence;
        private long receivedSequence;
        private float receivedLastX;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            busDir = BenchEnvironment.newScratchDirectory("wmrt-bench-bus-");
            bus = BusDirectory.create(busDir);
            publisher = new TrajectoryPublisher(bus);
            reader = new TrajectoryReader(bus);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (null != bus)
            {
                bus.close();
            }
            BenchEnvironment.deleteQuietly(busDir);
        }

        private void onTrajectory(final TrajectoryDecoder trajectory)
        {
            receivedSequence = trajectory.sequence();
            receivedLastX = trajectory.wpX(trajectory.waypointCount() - 1);
        }
    }

    /**
     * Publisher of one instance, and the echo process reading it from another JVM.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class CrossProcessState
    {
        private Path scratchDir;
        private BusDirectory bus;
        private TrajectoryPublisher publisher;
        private EchoProcessHandle echo;
        private long sequence;

        @Setup(Level.Trial)
        public void setUp() throws Exception
        {
            scratchDir = BenchEnvironment.newScratchDirectory("wmrt-bench-echo-");
            final Path busDir = scratchDir.resolve("bus");
            bus = BusDirectory.create(busDir);
            publisher = new TrajectoryPublisher(bus);
            echo = new EchoProcessHandle(busDir, scratchDir);
        }

        @TearDown(Level.Trial)
        public void tearDown()
        {
            if (null != echo)
            {
                echo.close();
            }
            if (null != bus)
            {
                bus.close();
            }
            BenchEnvironment.deleteQuietly(scratchDir);
        }
    }

    @Benchmark
    public long publishReceiveSameProcess(final SameProcessState state)
    {
        final long sequence = ++state.sequence;
        WaypointFixture.publishable(state.publisher, sequence, WAYPOINTS);
        state.publisher.publish();
        if (state.reader.poll(state.onTrajectory) != 1 || state.receivedSequence != sequence)
        {
            throw new IllegalStateException("trajectory " + sequence + " was not received");
        }
        return state.receivedSequence + Float.floatToRawIntBits(state.receivedLastX);
    }

    @Benchmark
    public long publishReceiveCrossProcess(final CrossProcessState state)
    {
        final long sequence = ++state.sequence;
        WaypointFixture.publishable(state.publisher, sequence, WAYPOINTS);
        state.publisher.publish();
        return state.echo.awaitEcho(sequence);
    }
}
