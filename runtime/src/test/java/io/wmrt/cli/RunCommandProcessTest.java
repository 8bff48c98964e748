package io.wmrt.cli;

import io.wmrt.TestProcesses;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt run} as an operator runs it: its own process, fed scenes by this one through the scene ring,
 * answering on the broadcast, and stopping cleanly on SIGTERM.
 */
class RunCommandProcessTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldPlanForScenesFromAnotherProcessAndStopOnSigterm() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Process run = TestProcesses.start(TestProcesses.wmrt("run", "--dir", dir.toString()),
            tmp.resolve("run.log"));
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final List<Long> answered = new ArrayList<>();
            final long deadline = System.currentTimeMillis() + 60_000;
            for (long seq = 1; answered.size() < 20 && System.currentTimeMillis() < deadline; seq++)
            {
                final SceneFrameEncoder f = writer.claim();
                f.sequence(seq).timestampNs(seq * 100_000_000L).egoX(seq * 0.8f).egoY(0f).egoHeading(0f)
                    .egoSpeed(8f).egoAccel(0f).egoSteer(0f).egoLength(4.6f).egoWidth(1.9f).speedLimit(10f)
                    .laneWidth(3.5f).drivableLeft(5.25f).drivableRight(2.25f)
                    .drivableLeftEndS(0f).drivableRightEndS(0f).agentCount(0).lightCount(0)
                    .routePointCount(2).routeX(0, 0f).routeY(0, 0f).routeX(1, 500f).routeY(1, 0f);
                writer.commit();
                Thread.sleep(10);
                while (reader.poll(t -> answered.add(t.sceneSequence())) > 0)
                {
                    // collect
                }
            }
            assertTrue(answered.size() >= 20, "trajectories received: " + answered);
            for (int i = 1; i < answered.size(); i++)
            {
                assertTrue(answered.get(i) > answered.get(i - 1), "each answers a newer scene: " + answered);
            }
            assertTrue(bus.counter(WmrtCounter.TICKS).get() >= 20);
        }
        finally
        {
            run.destroy();
        }
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "wmrt run exits on SIGTERM");
        final String out = java.nio.file.Files.readString(tmp.resolve("run.log"), StandardCharsets.UTF_8);
        // The JVM reports a SIGTERM-initiated shutdown as 143 (128 + 15); the clean stop shows in the output.
        assertTrue(run.exitValue() == 0 || run.exitValue() == 143, "exit " + run.exitValue() + "\n" + out);
        assertTrue(out.contains("dispatch: rollout -> ort-native"), out);
        assertTrue(out.matches("(?s).*stopped after \\d+ ticks.*"), out);
        assertFalse(out.contains("Exception"), out);
    }
}
