package io.wmrt.view;

import io.wmrt.NodeReaders;
import io.wmrt.TestProcesses;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.record.BusRecorder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt view} as a user runs it, beside {@code wmrt run --debug-candidates} fed scenes by this test, with
 * Foxglove's own client (@foxglove/ws-protocol, in Node) connected: it subscribes to the scene channels and
 * decodes live messages. Then clients that misbehave (garbage, unknown ops, binary frames, a client that never
 * reads) are dropped, and the runtime answers every scene at the same rate meanwhile.
 */
class ViewCommandProcessTest
{
    private static final long SCENE_PERIOD_MS = 25;

    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void foxglovesClientDecodesLiveScenesAndBadClientsAreDroppedWithoutDisturbingTheRuntime() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Process run = TestProcesses.start(
            TestProcesses.wmrt("run", "--dir", dir.toString(), "--debug-candidates"), tmp.resolve("run.log"));
        Process view = null;
        final AtomicBoolean feeding = new AtomicBoolean(true);
        final AtomicLong written = new AtomicLong();
        Thread feeder = null;
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            view = TestProcesses.start(TestProcesses.wmrt("view", "--dir", dir.toString(), "--port", "0"),
                tmp.resolve("view.log"));
            final String started = TestProcesses.awaitLog(tmp.resolve("view.log"), "Ctrl-C stops");
            final Matcher port = Pattern.compile("ws://127\\.0\\.0\\.1:(\\d+)").matcher(started);
            assertTrue(port.find(), started);
            final String url = "ws://127.0.0.1:" + port.group(1);

            final SceneWriter writer = new SceneWriter(bus);
            feeder = new Thread(() ->
            {
                try
                {
                    while (feeding.get())
                    {
                        final long seq = written.incrementAndGet();
                        TestProcesses.writeSceneWithCarAndRedLight(writer, seq, seq * 50_000_000L, 30f, 6f);
                        Thread.sleep(SCENE_PERIOD_MS);
                    }
                }
                catch (final InterruptedException ignored)
                {
                    Thread.currentThread().interrupt();
                }
            }, "scene-feeder");
            feeder.start();

            // Foxglove's client, live.
            final Map<String, Object> live = node(url, "live", 4);
            final List<Map<String, Object>> channels = (List<Map<String, Object>>)live.get("channels");
            final List<String> topics = new ArrayList<>();
            for (final Map<String, Object> c : channels)
            {
                topics.add((String)c.get("topic"));
                assertTrue((Integer)c.get("schemaLength") > 0, "every channel comes with its schema: " + c);
            }
            assertTrue(topics.containsAll(List.of(BusRecorder.SCENE_TOPIC, BusRecorder.FOXGLOVE_SCENE_TOPIC,
                BusRecorder.FOXGLOVE_CANDIDATES_TOPIC, BusRecorder.TF_TOPIC, BusRecorder.COUNTERS_TOPIC)), topics.toString());
            final Map<String, Integer> counts = (Map<String, Integer>)live.get("counts");
            assertTrue(counts.get(BusRecorder.SCENE_TOPIC) >= 40, "about 4 s at 40 scenes a second: " + counts);
            assertTrue(counts.get(BusRecorder.FOXGLOVE_SCENE_TOPIC) >= 40, counts.toString());
            assertEquals(SceneFrameDecoder.TEMPLATE_ID, live.get("sceneTemplateId"));
            assertEquals(SceneFrameDecoder.SCHEMA_ID, live.get("sceneSchemaId"));
            final List<Integer> sequences = (List<Integer>)live.get("sceneSequences");
            for (int i = 1; i < sequences.size(); i++)
            {
                assertTrue(sequences.get(i) > sequences.get(i - 1), "live scenes in order: " + sequences);
            }
            assertTrue(sequences.get(sequences.size() - 1) <= written.get());
            assertEquals(List.of("ego", "agents", "route", "stop-lines"), live.get("entityIds"));

            // The runtime's rate alone, then with clients misbehaving as fast as they can reconnect.
            final long[] quiet = ticksOver(bus, written, 3_000);
            final Process garbage = new ProcessBuilder("node", "view-client.mjs", url, "garbage", "5")
                .directory(NodeReaders.dir().toFile()).redirectError(tmp.resolve("garbage.err").toFile()).start();
            Thread.sleep(1_000);
            final long[] attacked = ticksOver(bus, written, 3_000);
            final Map<String, Object> g = (Map<String, Object>)new Yaml().load(
                new String(garbage.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            assertTrue(garbage.waitFor(30, TimeUnit.SECONDS));
            assertTrue((Integer)g.get("closedByServer") >= 10, "garbage clients closed by the server: " + g);
            assertTrue(((List<String>)g.get("statusMessages")).stream().anyMatch(m -> m.contains("unknown")), g.toString());
            for (final long[] window : List.of(quiet, attacked))
            {
                assertTrue(window[0] >= window[1] && window[0] <= window[1] + 3,
                    "every scene of the window answered, quiet and under attack: ticks " + window[0] + ", scenes " +
                    window[1]);
                // Within the windows only: before them the runtime starts, compiles and shares two vCPUs with the
                // view, the clients and this JVM starting up, and a scene superseded then says nothing about the view.
                assertEquals(0, window[2], "no scene of the window superseded before planning");
                assertEquals(0, window[3], "no deadline missed in the window");
            }

            // A client that never reads: dropped once it has 8 MiB unread.
            final Map<String, Object> slow = node(url, "slow", 12);
            assertEquals(Boolean.TRUE, slow.get("paused"));
            TestProcesses.awaitLog(tmp.resolve("view.log"), "too slow");
        }
        finally
        {
            feeding.set(false);
            if (null != feeder)
            {
                feeder.join(5_000);
            }
            if (null != view)
            {
                view.destroy();
                view.waitFor(30, TimeUnit.SECONDS);
            }
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        final String log = TestProcesses.read(tmp.resolve("view.log"));
        assertTrue(log.contains("dropped client"), log);
        assertTrue(!log.contains("Exception"), log);
    }

    /**
     * Over the window: {ticks the runtime made, scenes this test wrote, scenes superseded before planning, deadlines
     * missed}. The counters are read once the runtime has answered the window's last scene, so they may include a
     * scene or two written after it.
     */
    private static long[] ticksOver(final BusDirectory bus, final AtomicLong written, final long ms) throws Exception
    {
        final long ticks0 = bus.counter(WmrtCounter.TICKS).get();
        final long dropped0 = bus.counter(WmrtCounter.SCENES_DROPPED).get();
        final long misses0 = bus.counter(WmrtCounter.DEADLINE_MISSES).get();
        final long written0 = written.get();
        Thread.sleep(ms);
        final long scenes = written.get() - written0;
        final long deadline = System.currentTimeMillis() + 2_000;
        while (bus.counter(WmrtCounter.TICKS).get() - ticks0 < scenes && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(1);
        }
        return new long[]{bus.counter(WmrtCounter.TICKS).get() - ticks0, scenes,
            bus.counter(WmrtCounter.SCENES_DROPPED).get() - dropped0,
            bus.counter(WmrtCounter.DEADLINE_MISSES).get() - misses0};
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> node(final String url, final String mode, final int seconds) throws Exception
    {
        final Process p = new ProcessBuilder("node", "view-client.mjs", url, mode, String.valueOf(seconds))
            .directory(NodeReaders.dir().toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(seconds + 30L, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return (Map<String, Object>)new Yaml().load(out);
    }
}
