package io.wmrt.cli;

import io.wmrt.TestFrames;
import io.wmrt.TestProcesses;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user writes hostile SceneFrames between valid ones into a running {@code wmrt run} (its own process):
 * every later valid frame is answered, a NaN agent is left out rather than braked for, and each rejection is
 * counted by reason where {@code wmrt stat} shows it.
 */
@Timeout(180)
class HostileScenesProcessTest
{
    @TempDir
    Path tmp;

    private long timestamp;

    @Test
    void shouldAnswerEveryValidFrameWhateverArrivesBetweenThem() throws Exception
    {
        final Map<String, Consumer<SceneFrameEncoder>> hostile = new LinkedHashMap<>();
        hostile.put("agent heading +Inf", f -> f.agentHeading(1, Float.POSITIVE_INFINITY));
        hostile.put("agent heading 1e30", f -> f.agentHeading(1, 1e30f));
        hostile.put("agent heading -Inf", f -> f.agentHeading(0, Float.NEGATIVE_INFINITY));
        hostile.put("agent x NaN", f -> f.agentX(1, Float.NaN));
        hostile.put("agent y -Inf", f -> f.agentY(1, Float.NEGATIVE_INFINITY));
        hostile.put("agent speed NaN", f -> f.agentSpeed(1, Float.NaN));
        hostile.put("agent yaw rate Inf", f -> f.agentYawRate(1, Float.POSITIVE_INFINITY));
        hostile.put("agent length 1e9", f -> f.agentLength(1, 1e9f));
        hostile.put("agent width negative", f -> f.agentWidth(1, -2f));
        hostile.put("agent kind 77", f -> f.agentKind(1, (byte)77));
        hostile.put("agent count 1000", f -> f.agentCount(1000));
        hostile.put("agent count -1", f -> f.agentCount(-1));
        hostile.put("ego speed NaN", f -> f.egoSpeed(Float.NaN));
        hostile.put("ego speed -50", f -> f.egoSpeed(-50f));
        hostile.put("ego x Inf", f -> f.egoX(Float.POSITIVE_INFINITY));
        hostile.put("ego heading NaN", f -> f.egoHeading(Float.NaN));
        hostile.put("ego heading 1e30", f -> f.egoHeading(1e30f));
        hostile.put("ego steer 3 rad", f -> f.egoSteer(3f));
        hostile.put("ego width 0", f -> f.egoWidth(0f));
        hostile.put("lane width NaN", f -> f.laneWidth(Float.NaN));
        hostile.put("drivable left -Inf", f -> f.drivableLeft(Float.NEGATIVE_INFINITY));
        hostile.put("speed limit 1e6", f -> f.speedLimit(1e6f));
        hostile.put("no route", f -> f.routePointCount(0));
        hostile.put("route count 9999", f -> f.routePointCount(9999));
        hostile.put("route point Inf", f -> f.routeX(5, Float.POSITIVE_INFINITY));
        hostile.put("route point NaN", f -> f.routeY(0, Float.NaN));
        hostile.put("route all one point", f ->
        {
            for (int i = 0; i < 40; i++)
            {
                f.routeX(i, 1f).routeY(i, 1f);
            }
        });
        hostile.put("stop line NaN under red", f -> f.lightStopS(0, Float.NaN).lightState(0, SceneCodes.LIGHT_RED));
        hostile.put("light state 9", f -> f.lightState(0, (byte)9));
        hostile.put("light count 5", f -> f.lightCount(5));
        hostile.put("timestamp backwards", f -> f.timestampNs(1));
        hostile.put("timestamp repeated", f -> f.timestampNs(timestamp - 50_000_000L));

        final Path dir = tmp.resolve("instance");
        final Process run = TestProcesses.start(TestProcesses.wmrt("run", "--dir", dir.toString()),
            tmp.resolve("run.log"));
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(bus.sceneRingBuffer());
            final List<String> failures = new ArrayList<>();
            long seq = 0;
            for (int warm = 0; warm < 20; warm++)
            {
                answerOf(writer, reader, ++seq, f -> { }, 30_000);
            }
            for (final Map.Entry<String, Consumer<SceneFrameEncoder>> entry : hostile.entrySet())
            {
                final String answered = answerOf(writer, reader, ++seq, entry.getValue(), 300);
                if (entry.getKey().startsWith("agent ") && !entry.getKey().startsWith("agent count") &&
                    !("NOMINAL".equals(answered)))
                {
                    failures.add(entry.getKey() + ": a frame with one bad agent was answered " + answered +
                        " (it should be planned on, the agent left out)");
                }
                // A garbage record in the ring between frames, too.
                ring.write(BusLayout.SCENE_MSG_TYPE, new UnsafeBuffer(new byte[24]), 0, 24);
                final String after = answerOf(writer, reader, ++seq, f -> { }, 10_000);
                if (!"NOMINAL".equals(after))
                {
                    failures.add("the valid frame after '" + entry.getKey() + "' was answered " + after);
                }
            }
            assertEquals(List.of(), failures);

            assertEquals(10, bus.counter(WmrtCounter.AGENTS_DROPPED_INVALID).get());
            assertEquals(10, bus.counter(WmrtCounter.SCENES_REJECTED_EGO).get());
            assertEquals(2, bus.counter(WmrtCounter.SCENES_REJECTED_AGENT_COUNT).get());
            assertEquals(4, bus.counter(WmrtCounter.SCENES_REJECTED_ROUTE).get());
            assertEquals(3, bus.counter(WmrtCounter.SCENES_REJECTED_LIGHTS).get());
            assertEquals(2, bus.counter(WmrtCounter.SCENES_REJECTED_STALE).get());
            assertEquals(hostile.size(), bus.counter(WmrtCounter.SCENE_RECORDS_MALFORMED).get());

            final String stat = stat(dir);
            for (final WmrtCounter counter : List.of(WmrtCounter.SCENES_REJECTED_EGO,
                WmrtCounter.AGENTS_DROPPED_INVALID, WmrtCounter.SCENES_REJECTED_STALE))
            {
                assertTrue(stat.contains(counter.label()), stat);
            }
            assertTrue(stat.contains("SceneFrame egoSpeed must be in"), "errors.log names the field:\n" + stat);
        }
        finally
        {
            run.destroy();
        }
        assertTrue(run.waitFor(30, TimeUnit.SECONDS), "wmrt run exits on SIGTERM");
        final String out = Files.readString(tmp.resolve("run.log"), StandardCharsets.UTF_8);
        assertTrue(out.matches("(?s).*stopped after \\d+ ticks.*"), out);
    }

    /**
     * Write frame {@code seq} (valid, then changed), and wait up to {@code waitMs} for its answer.
     *
     * @return the answer's mode, or "none".
     */
    private String answerOf(
        final SceneWriter writer, final TrajectoryReader reader, final long seq,
        final Consumer<SceneFrameEncoder> change, final long waitMs) throws InterruptedException
    {
        timestamp = seq * 50_000_000L;
        final SceneFrameEncoder f = TestFrames.straightRoad(writer.claim(), seq, timestamp, 0.4f * seq);
        change.accept(f);
        writer.commit();
        final String[] mode = {"none"};
        final long until = System.currentTimeMillis() + waitMs;
        while (System.currentTimeMillis() < until)
        {
            reader.poll(t ->
            {
                if (t.sceneSequence() == seq)
                {
                    mode[0] = t.mode().name();
                }
            });
            if (!"none".equals(mode[0]))
            {
                break;
            }
            Thread.sleep(1);
        }
        return mode[0];
    }

    private static String stat(final Path dir)
    {
        final PrintStream saved = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try
        {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            assertEquals(0, WmrtCommand.commandLine().execute("stat", "--dir", dir.toString()));
        }
        finally
        {
            System.setOut(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
