package io.wmrt.record;

import io.wmrt.NodeReaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * McapWriter's files as @mcap/core (the format's reference TypeScript reader, in Node) reads them: indexed
 * through the footer, summary and chunk indexes with every CRC checked, and front to back as a stream; and what
 * a crash leaves behind.
 */
public class McapWriterTest
{
    @TempDir
    Path dir;

    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(final Path file, final String... options) throws Exception
    {
        final String[] args = new String[options.length + 1];
        args[0] = file.toString();
        System.arraycopy(options, 0, args, 1, options.length);
        return (Map<String, Object>)new Yaml().load(NodeReaders.run("read-mcap.mjs", args));
    }

    private static byte[] payload(final int channel, final int i)
    {
        final byte[] data = new byte[17 + (i % 50)];
        for (int b = 0; b < data.length; b++)
        {
            data[b] = (byte)(channel * 31 + i * 7 + b);
        }
        return data;
    }

    private static McapWriter twoChannels(final Path out, final McapWriter.Compression compression) throws Exception
    {
        final McapWriter w = new McapWriter(out, "wmrt test", compression, 4096);
        final int binary = w.schema("test.Binary", "x-test", "a schema".getBytes(StandardCharsets.UTF_8));
        final int json = w.schema("test.Json", "jsonschema", "{\"type\":\"object\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(0, w.channel(binary, "/a", "x-test", Map.of("k", "v")));
        assertEquals(1, w.channel(json, "/b", "json", Map.of()));
        return w;
    }

    @Test
    void theReferenceReaderReadsEveryMessageThroughTheIndexAndAsAStream() throws Exception
    {
        for (final McapWriter.Compression compression : McapWriter.Compression.values())
        {
            final Path out = dir.resolve("two-" + compression + ".mcap");
            try (McapWriter w = twoChannels(out, compression))
            {
                for (int i = 0; i < 500; i++)
                {
                    final byte[] a = payload(0, i);
                    w.message(0, i, 1_000_000L * i, 1_000_000L * i + 5, a, 0, a.length);
                    if (i % 3 == 0)
                    {
                        final byte[] b = ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8);
                        w.message(1, i / 3, 1_000_000L * i + 1, 1_000_000L * i + 1, b, 0, b.length);
                    }
                }
            }
            assertFalse(Files.exists(out.resolveSibling(out.getFileName() + ".part")), "the .part file is renamed");

            final Map<String, Object> indexed = read(out, "--dump", "/a", "500");
            assertEquals(Map.of("/a", 500, "/b", 167), indexed.get("counts"), compression.toString());
            final Map<String, Object> stats = (Map<String, Object>)indexed.get("statistics");
            assertEquals("667", stats.get("messageCount"));
            assertTrue((Integer)indexed.get("chunkIndexes") > 5, "small chunks: several chunk indexes");
            final List<Map<String, Object>> schemas = (List<Map<String, Object>>)indexed.get("schemas");
            assertEquals("a schema", schemas.get(0).get("data"));
            assertEquals("jsonschema", schemas.get(1).get("encoding"));
            final List<Map<String, Object>> channels = (List<Map<String, Object>>)indexed.get("channels");
            assertEquals(Map.of("k", "v"), channels.get(0).get("metadata"));
            final List<Map<String, Object>> dumped = (List<Map<String, Object>>)indexed.get("dumped");
            assertEquals(500, dumped.size());
            for (int i = 0; i < 500; i++)
            {
                assertArrayEquals(payload(0, i), Base64.getDecoder().decode((String)dumped.get(i).get("data")));
                assertEquals(String.valueOf(1_000_000L * i), dumped.get(i).get("logTime"));
                assertEquals(String.valueOf(1_000_000L * i + 5), dumped.get(i).get("publishTime"));
            }

            final Map<String, Object> streamed = read(out, "--stream");
            assertEquals(Map.of("/a", 500, "/b", 167), streamed.get("counts"));
            assertEquals(Boolean.TRUE, streamed.get("done"), "a complete file, footer and magic included");
        }
    }

    @Test
    void afterACrashTheFileIsReadUpToItsLastCompleteChunk() throws Exception
    {
        final Path out = dir.resolve("crashed.mcap");
        final McapWriter w = twoChannels(out, McapWriter.Compression.ZSTD);
        for (int i = 0; i < 300; i++)
        {
            final byte[] a = payload(0, i);
            w.message(0, i, i, i, a, 0, a.length);
            if (i == 199)
            {
                w.finishChunk();
            }
        }
        // The process dies here: no close. Everything before the explicit finish, and every chunk that filled
        // up before it, is on disk; the open chunk is not.
        final Path part = w.partPath();
        assertFalse(Files.exists(out));
        final Map<String, Object> streamed = read(part, "--stream");
        final int recorded = (Integer)((Map<String, Object>)streamed.get("counts")).get("/a");
        assertTrue(recorded >= 200 && recorded < 300, "complete chunks only: " + recorded);
        assertEquals(Boolean.FALSE, streamed.get("done"));

        // Torn in the middle of the last chunk's write: the chunks before it are still read.
        try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw"))
        {
            f.setLength(lastChunkOffset(part) + 40);
        }
        final Map<String, Object> torn = read(part, "--stream");
        final int left = (Integer)((Map<String, Object>)torn.get("counts")).get("/a");
        assertTrue(left > 0 && left < recorded, "the torn chunk is lost, the ones before it are not: " + left);
    }

    /** Where the last Chunk record starts, walking the records' opcode and length prefixes after the magic. */
    private static long lastChunkOffset(final Path file) throws Exception
    {
        final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(Files.readAllBytes(file))
            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long last = -1;
        int at = 8;
        while (at + 9 <= bytes.limit())
        {
            if (bytes.get(at) == 0x06)
            {
                last = at;
            }
            at += 9 + (int)bytes.getLong(at + 1);
        }
        return last;
    }

    @Test
    void schemasAndChannelsAreDeclaredBeforeTheFirstMessage() throws Exception
    {
        try (McapWriter w = twoChannels(dir.resolve("late.mcap"), McapWriter.Compression.NONE))
        {
            w.message(0, 0, 0, 0, new byte[1], 0, 1);
            assertThrows(IllegalStateException.class, () -> w.schema("late", "x", new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> w.message(7, 0, 0, 0, new byte[1], 0, 1));
        }
    }
}
