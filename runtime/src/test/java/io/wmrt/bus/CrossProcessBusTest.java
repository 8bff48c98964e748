package io.wmrt.bus;

import io.wmrt.TestProcesses;
import io.wmrt.TestRepo;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime plans on its own thread in this JVM; a second JVM, started as a user would start
 * {@code wmrt tail} and {@code wmrt stat}, reads the trajectories and the counters from the mapped files.
 */
class CrossProcessBusTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldLetAnotherProcessReadTrajectoriesAndCounters() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        final Path dir = tmp.resolve("instance");
        final BusDirectory bus = BusDirectory.create(dir);
        try (WmrtRuntime runtime = new WmrtRuntime(profile, model, PlannerConfig.from(model, profile).conclude(),
            bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE))
        {
            runtime.start(Throwable::printStackTrace);
            final Process tail = new ProcessBuilder(TestProcesses.wmrt(
                "tail", "--dir", dir.toString(), "--count", "5", "--wait-ms", "20000")).start();

            final SceneWriter writer = new SceneWriter(bus);
            final long deadline = System.currentTimeMillis() + 60_000;
            long sequence = 0;
            while (tail.isAlive() && System.currentTimeMillis() < deadline)
            {
                TestProcesses.writeScene(writer, ++sequence);
                Thread.sleep(20);
            }
            assertTrue(tail.waitFor(10, TimeUnit.SECONDS), "tail exits after 5 trajectories");
            final String tailOut = new String(tail.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, tail.exitValue(), tailOut + new String(tail.getErrorStream().readAllBytes()));
            final String[] lines = tailOut.strip().split("\n");
            assertEquals(5, lines.length, tailOut);
            for (final String line : lines)
            {
                assertTrue(line.matches("traj \\d+ scene \\d+ cv-baseline ORT_NATIVE NOMINAL: 30 wp.*"), line);
            }

            final Process stat = new ProcessBuilder(TestProcesses.wmrt("stat", "--dir", dir.toString())).start();
            assertTrue(stat.waitFor(30, TimeUnit.SECONDS));
            final String statOut = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, stat.exitValue(), statOut);
            assertTrue(statOut.matches("(?s).*runtime pid " + ProcessHandle.current().pid() + " started \\S+, running.*"), statOut);
            final long ticks = bus.counter(WmrtCounter.TICKS).get();
            assertTrue(ticks >= 5, "ticks " + ticks);
            assertTrue(statOut.matches("(?s).*planner ticks\\s+[\\d,]+.*"), statOut);
            assertTrue(statOut.contains(WmrtCounter.READERS_LAPPED.label()), statOut);
            assertTrue(statOut.contains("errors:\n  none"), statOut);
        }
        finally
        {
            bus.closeAndDelete();
        }
    }

    @Test
    void shouldCountAReaderThatFellAWholeBufferBehind() throws Exception
    {
        final BusDirectory bus = BusDirectory.create(tmp.resolve("lap"));
        try
        {
            final TrajectoryReader slow = new TrajectoryReader(bus);
            final TrajectoryPublisher publisher = new TrajectoryPublisher(bus);
            assertEquals(0, slow.poll(t -> { }));
            // Far more than the broadcast buffer holds, published while the reader does nothing.
            final int messages = 4 * BusLayout.TRAJECTORY_CAPACITY / TrajectoryPublisher.MESSAGE_LENGTH;
            for (int i = 1; i <= messages; i++)
            {
                publisher.encoder().sequence(i).waypointCount(0);
                publisher.publish();
            }
            final long[] firstSeen = {-1};
            while (slow.poll(t -> firstSeen[0] = firstSeen[0] < 0 ? t.sequence() : firstSeen[0]) > 0)
            {
                // catch up
            }
            assertTrue(slow.lappedCount() > 0, "the reader was lapped");
            assertTrue(firstSeen[0] > 1, "and skipped ahead to newer trajectories, first seen " + firstSeen[0]);
            assertEquals(slow.lappedCount(), bus.counter(WmrtCounter.READERS_LAPPED).get(), "laps are counted");
        }
        finally
        {
            bus.closeAndDelete();
        }
    }
}
