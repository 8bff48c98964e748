package io.wmrt.record;

import io.wmrt.TestProcesses;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt record} as a user runs it: its own process beside {@code wmrt run --debug-candidates}, which this
 * test feeds scenes (an agent ahead, a red light); stopped with SIGINT (Ctrl-C). @mcap/core reads the file back
 * through its index: every channel with its schema, and every recorded SceneFrame byte for byte as this process
 * wrote it. A second recorder, SIGKILLed mid-run, leaves a .part file a stream reader reads up to its last
 * complete chunk.
 */
class RecordCommandProcessTest
{
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void recordsEveryChannelAndTheScenesAsWrittenAndClosesCleanlyOnCtrlC() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Path file = tmp.resolve("rec").resolve("run.mcap");
        final Path crashed = tmp.resolve("crashed.mcap");
        final Process run = TestProcesses.start(
            TestProcesses.wmrt("run", "--dir", dir.toString(), "--debug-candidates"), tmp.resolve("run.log"));
        Process record = null;
        Process doomed = null;
        final Map<Long, byte[]> written = new HashMap<>();
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            record = TestProcesses.start(TestProcesses.interruptible(TestProcesses.wmrt("record", "--dir",
                dir.toString(), "--out", file.toString())), tmp.resolve("record.log"));
            doomed = TestProcesses.start(TestProcesses.wmrt("record", "--dir", dir.toString(), "--out",
                crashed.toString()), tmp.resolve("doomed.log"));
            TestProcesses.awaitLog(tmp.resolve("record.log"), "wmrt record:");
            TestProcesses.awaitLog(tmp.resolve("doomed.log"), "wmrt record:");

            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader trajectories = new TrajectoryReader(bus);
            final List<Long> answered = new ArrayList<>();
            for (long seq = 1; seq <= 80; seq++)
            {
                written.put(seq, TestProcesses.writeSceneWithCarAndRedLight(writer, seq,
                    1_000_000_000L + seq * 50_000_000L, 30f, 6f));
                Thread.sleep(40);
                while (trajectories.poll(t -> answered.add(t.sceneSequence())) > 0)
                {
                    // collect
                }
                if (seq == 60)
                {
                    // More than a second after it attached: its first chunks are on disk.
                    doomed.destroyForcibly();
                }
            }
            assertTrue(answered.size() >= 40, "the runtime answered: " + answered.size());
            Thread.sleep(300);
            new ProcessBuilder("kill", "-INT", String.valueOf(record.pid())).start().waitFor();
            assertTrue(record.waitFor(30, TimeUnit.SECONDS), "wmrt record exits on SIGINT");
            final String out = TestProcesses.awaitLog(tmp.resolve("record.log"), "messages in");
            assertTrue(out.contains("wmrt record: stopped;"), out);
            assertFalse(out.contains("Exception"), out);
        }
        finally
        {
            if (null != record)
            {
                TestProcesses.kill(record);
            }
            if (null != doomed)
            {
                TestProcesses.kill(doomed);
            }
            run.destroy();
            run.waitFor(30, TimeUnit.SECONDS);
        }
        assertFalse(Files.exists(file.resolveSibling("run.mcap.part")), "closed and renamed");

        final Map<String, Object> read = McapWriterTest.read(file, "--dump", BusRecorder.SCENE_TOPIC, "1000");
        final Map<String, Integer> counts = (Map<String, Integer>)read.get("counts");
        final Set<String> topics = new TreeSet<>();
        for (final Map<String, Object> channel : (List<Map<String, Object>>)read.get("channels"))
        {
            topics.add((String)channel.get("topic"));
        }
        assertEquals(new TreeSet<>(List.of(BusRecorder.SCENE_TOPIC, BusRecorder.TRAJECTORY_TOPIC,
            BusRecorder.CANDIDATES_TOPIC, BusRecorder.FOXGLOVE_SCENE_TOPIC, BusRecorder.FOXGLOVE_PLAN_TOPIC,
            BusRecorder.FOXGLOVE_CANDIDATES_TOPIC, BusRecorder.TF_TOPIC, BusRecorder.COUNTERS_TOPIC)), topics);
        final int scenes = counts.get(BusRecorder.SCENE_TOPIC);
        assertTrue(scenes >= 40, "scenes recorded: " + counts);
        assertEquals(scenes, counts.get(BusRecorder.FOXGLOVE_SCENE_TOPIC));
        assertEquals(scenes, counts.get(BusRecorder.TF_TOPIC));
        assertTrue(counts.get(BusRecorder.TRAJECTORY_TOPIC) >= 40, counts.toString());
        assertTrue(counts.get(BusRecorder.CANDIDATES_TOPIC) >= 40, counts.toString());
        assertTrue(counts.get(BusRecorder.FOXGLOVE_CANDIDATES_TOPIC) >= 40, counts.toString());
        assertTrue(counts.get(BusRecorder.COUNTERS_TOPIC) >= 5, counts.toString());
        final Map<String, Object> stats = (Map<String, Object>)read.get("statistics");
        final int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(String.valueOf(total), stats.get("messageCount"));

        boolean sbeSchema = false;
        boolean sceneUpdateSchema = false;
        for (final Map<String, Object> schema : (List<Map<String, Object>>)read.get("schemas"))
        {
            sbeSchema |= "io.wmrt.sbe.SceneFrame".equals(schema.get("name")) &&
                "x-sbe".equals(schema.get("encoding")) && ((String)schema.get("data")).contains("<sbe:messageSchema");
            sceneUpdateSchema |= "foxglove.SceneUpdate".equals(schema.get("name")) &&
                "jsonschema".equals(schema.get("encoding"));
        }
        assertTrue(sbeSchema && sceneUpdateSchema, "schemas in the file: " + read.get("schemas"));

        // Every recorded frame is the one this process wrote for its sequence, byte for byte.
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final SceneFrameDecoder decoder = new SceneFrameDecoder();
        final List<Map<String, Object>> dumped = (List<Map<String, Object>>)read.get("dumped");
        assertEquals(scenes, dumped.size());
        for (final Map<String, Object> message : dumped)
        {
            final byte[] bytes = Base64.getDecoder().decode((String)message.get("data"));
            decoder.wrapAndApplyHeader(new UnsafeBuffer(bytes), 0, header);
            final byte[] expected = written.get(decoder.sequence());
            assertNotNull(expected, "a recorded scene this test never wrote: " + decoder.sequence());
            assertArrayEquals(expected, bytes, "scene " + decoder.sequence());
            assertEquals(String.valueOf(decoder.timestampNs()), message.get("logTime"));
        }

        // The Foxglove channel: entities Foxglove's 3D panel renders.
        final Map<String, Object> foxglove = McapWriterTest.read(file, "--dump", BusRecorder.FOXGLOVE_SCENE_TOPIC, "1");
        final String json = new String(Base64.getDecoder().decode(
            (String)((List<Map<String, Object>>)foxglove.get("dumped")).get(0).get("data")));
        final Map<String, Object> update = (Map<String, Object>)new Yaml().load(json);
        final List<String> ids = new ArrayList<>();
        for (final Map<String, Object> entity : (List<Map<String, Object>>)update.get("entities"))
        {
            ids.add((String)entity.get("id"));
        }
        assertEquals(List.of("ego", "agents", "route", "stop-lines"), ids);

        // The SIGKILLed recorder: its .part file holds the complete chunks written before it died.
        final Path part = crashed.resolveSibling("crashed.mcap.part");
        assertTrue(Files.exists(part), "the killed recorder's file stays as .part");
        assertFalse(Files.exists(crashed));
        final Map<String, Object> partial = McapWriterTest.read(part, "--stream");
        final Map<String, Integer> partialCounts = (Map<String, Integer>)partial.get("counts");
        assertTrue(partialCounts.getOrDefault(BusRecorder.SCENE_TOPIC, 0) > 0, "before the kill: " + partialCounts);
        assertEquals(Boolean.FALSE, partial.get("done"));
    }
}
