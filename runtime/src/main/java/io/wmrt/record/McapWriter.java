package io.wmrt.record;

import com.github.luben.zstd.Zstd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Writes an MCAP file (format version 0, https://mcap.dev/spec): schemas and channels first, then messages in
 * chunks, each chunk followed by its message indexes; on {@link #close()} the data end, a summary (schemas,
 * channels, chunk indexes, statistics), the summary offsets and the footer.
 * <p>
 * The file is written as {@code <out>.part} and renamed to {@code <out>} by {@link #close()}, so a file under the
 * final name is always complete and indexed. A recorder that dies leaves the {@code .part} file: every chunk
 * finished before then is whole on disk (each is written in one piece and flushed), so a streaming MCAP reader
 * reads it up to the last complete chunk. A chunk is finished when it holds {@code chunkBytes} of records or
 * when {@link #finishChunk()} is called (the recorder calls it at least once a second).
 * <p>
 * Not thread safe.
 */
public final class McapWriter implements ChannelSink, AutoCloseable
{
    /** Chunk compression: zstd (what Foxglove writes by default) or none. */
    public enum Compression
    {
        ZSTD("zstd"),
        NONE("");

        private final String specName;

        Compression(final String specName)
        {
            this.specName = specName;
        }

        /** The name the MCAP spec gives it in Chunk records ("" for none). */
        public String specName()
        {
            return specName;
        }
    }

    static final byte[] MAGIC = {(byte)0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
    static final int OP_HEADER = 0x01;
    static final int OP_FOOTER = 0x02;
    static final int OP_SCHEMA = 0x03;
    static final int OP_CHANNEL = 0x04;
    static final int OP_MESSAGE = 0x05;
    static final int OP_CHUNK = 0x06;
    static final int OP_MESSAGE_INDEX = 0x07;
    static final int OP_CHUNK_INDEX = 0x08;
    static final int OP_STATISTICS = 0x0B;
    static final int OP_SUMMARY_OFFSET = 0x0E;
    static final int OP_DATA_END = 0x0F;
    private static final int MESSAGE_HEADER_BYTES = 2 + 4 + 8 + 8;
    private static final int ZSTD_LEVEL = 3;

    private record Schema(int id, String name, String encoding, byte[] data)
    {
    }

    private record Channel(int id, int schemaId, String topic, String encoding, Map<String, String> metadata)
    {
    }

    private record ChunkIndex(long start, long end, long offset, long length, Map<Integer, Long> indexOffsets,
        long indexLength, long compressedSize, long uncompressedSize)
    {
    }

    private final Path out;
    private final Path part;
    private final FileChannel file;
    private final Compression compression;
    private final int chunkBytes;
    private final List<Schema> schemas = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final List<ChunkIndex> chunkIndexes = new ArrayList<>();
    private final Rec rec = new Rec(256);
    private final Rec chunk;
    private final CRC32 crc = new CRC32();
    private long position;
    private boolean dataStarted;
    private boolean closed;

    // The open chunk: its time span, and per channel the (log time, offset) of each of its messages.
    private long chunkStart = Long.MAX_VALUE;
    private long chunkEnd = Long.MIN_VALUE;
    private long[][] chunkEntries = new long[0][];
    private int[] chunkEntryCounts = new int[0];

    // Statistics.
    private long messageCount;
    private long messageStart = Long.MAX_VALUE;
    private long messageEnd = Long.MIN_VALUE;
    private long[] channelCounts = new long[0];

    /**
     * @param out        the file to write; {@code out + ".part"} until {@link #close()}.
     * @param library    the writer's name and version, for the Header record.
     * @param chunkBytes records per chunk before it is finished and compressed.
     */
    public McapWriter(final Path out, final String library, final Compression compression, final int chunkBytes)
        throws IOException
    {
        if (chunkBytes < 1024)
        {
            throw new IllegalArgumentException("chunkBytes must be at least 1024, not " + chunkBytes);
        }
        this.out = out;
        this.part = out.resolveSibling(out.getFileName() + ".part");
        this.compression = compression;
        this.chunkBytes = chunkBytes;
        this.chunk = new Rec(chunkBytes + 64 * 1024);
        file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
        writeRaw(ByteBuffer.wrap(MAGIC));
        rec.clear().op(OP_HEADER).string("").string(library).end();
        writeRaw(rec.flip());
    }

    /** The file's final name. */
    public Path path()
    {
        return out;
    }

    /** Where the file is written until {@link #close()}. */
    public Path partPath()
    {
        return part;
    }

    /**
     * Declare a schema; all schemas and channels are declared before the first message.
     *
     * @return its id, 1 and up.
     */
    @Override
    public int schema(final String name, final String encoding, final byte[] data)
    {
        requireDeclaring();
        final Schema schema = new Schema(schemas.size() + 1, name, encoding, data.clone());
        schemas.add(schema);
        return schema.id();
    }

    /**
     * Declare a channel on a schema returned by {@link #schema}.
     *
     * @return its id, 0 and up.
     */
    @Override
    public int channel(final int schemaId, final String topic, final String messageEncoding,
        final Map<String, String> metadata)
    {
        requireDeclaring();
        if (schemaId < 1 || schemaId > schemas.size())
        {
            throw new IllegalArgumentException("no schema " + schemaId);
        }
        final Channel channel = new Channel(channels.size(), schemaId, topic, messageEncoding,
            new LinkedHashMap<>(metadata));
        channels.add(channel);
        return channel.id();
    }

    /**
     * Append a message to the open chunk (finishing the chunk once it is full).
     *
     * @param logTime     when it was recorded, ns.
     * @param publishTime when it was published, ns.
     */
    @Override
    public void message(final int channelId, final long sequence, final long logTime, final long publishTime,
        final byte[] data, final int offset, final int length) throws IOException
    {
        if (closed)
        {
            throw new IllegalStateException("closed");
        }
        if (channelId < 0 || channelId >= channels.size())
        {
            throw new IllegalArgumentException("no channel " + channelId);
        }
        if (!dataStarted)
        {
            startData();
        }
        final long recordOffset = chunk.position();
        chunk.putByte(OP_MESSAGE);
        chunk.putLong(MESSAGE_HEADER_BYTES + length);
        chunk.putShort(channelId).putInt((int)sequence).putLong(logTime).putLong(publishTime).put(data, offset, length);
        addIndexEntry(channelId, logTime, recordOffset);
        chunkStart = Math.min(chunkStart, logTime);
        chunkEnd = Math.max(chunkEnd, logTime);
        messageCount++;
        messageStart = Math.min(messageStart, logTime);
        messageEnd = Math.max(messageEnd, logTime);
        channelCounts[channelId]++;
        if (chunk.position() >= chunkBytes)
        {
            finishChunk();
        }
    }

    /** Finishes the open chunk ({@link #finishChunk()}). */
    @Override
    public void flush() throws IOException
    {
        finishChunk();
    }

    /** The messages written so far, in finished chunks or the open one. */
    public long messageCount()
    {
        return messageCount;
    }

    /**
     * Compress and write the open chunk and its message indexes, if it holds any message, and flush them to the
     * file: after this, a crash loses nothing written before.
     */
    public void finishChunk() throws IOException
    {
        if (chunk.position() == 0)
        {
            return;
        }
        final byte[] records = chunk.bytes();
        final int uncompressedSize = chunk.position();
        crc.reset();
        crc.update(records, 0, uncompressedSize);
        final long uncompressedCrc = crc.getValue();
        final byte[] body;
        if (compression == Compression.ZSTD)
        {
            body = Zstd.compress(Arrays.copyOf(records, uncompressedSize), ZSTD_LEVEL);
        }
        else
        {
            body = Arrays.copyOf(records, uncompressedSize);
        }
        final long chunkOffset = position;
        rec.clear().op(OP_CHUNK).putLong(chunkStart).putLong(chunkEnd).putLong(uncompressedSize)
            .putInt((int)uncompressedCrc).string(compression.specName()).putLong(body.length).put(body, 0, body.length)
            .end();
        writeRaw(rec.flip());
        final long chunkLength = position - chunkOffset;

        final Map<Integer, Long> indexOffsets = new LinkedHashMap<>();
        final long indexStart = position;
        for (int c = 0; c < chunkEntryCounts.length; c++)
        {
            final int n = chunkEntryCounts[c];
            if (n == 0)
            {
                continue;
            }
            indexOffsets.put(c, position);
            rec.clear().op(OP_MESSAGE_INDEX).putShort(c).putInt(n * 16);
            for (int i = 0; i < n; i++)
            {
                rec.putLong(chunkEntries[c][2 * i]).putLong(chunkEntries[c][2 * i + 1]);
            }
            writeRaw(rec.end().flip());
            chunkEntryCounts[c] = 0;
        }
        chunkIndexes.add(new ChunkIndex(chunkStart, chunkEnd, chunkOffset, chunkLength, indexOffsets,
            position - indexStart, body.length, uncompressedSize));
        file.force(false);
        chunk.clear();
        chunkStart = Long.MAX_VALUE;
        chunkEnd = Long.MIN_VALUE;
    }

    /**
     * Finish the open chunk, write the data end, the summary, its offsets and the footer, and give the file its
     * final name.
     */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        try
        {
            if (!dataStarted)
            {
                startData();
            }
            finishChunk();
            closed = true;
            rec.clear().op(OP_DATA_END).putInt(0).end();
            writeRaw(rec.flip());

            final long summaryStart = position;
            crc.reset();
            final List<long[]> groups = new ArrayList<>();
            long groupStart = position;
            for (final Schema schema : schemas)
            {
                writeSummary(schemaRecord(schema));
            }
            groups.add(new long[]{OP_SCHEMA, groupStart, position - groupStart});
            groupStart = position;
            for (final Channel channel : channels)
            {
                writeSummary(channelRecord(channel));
            }
            groups.add(new long[]{OP_CHANNEL, groupStart, position - groupStart});
            groupStart = position;
            for (final ChunkIndex index : chunkIndexes)
            {
                rec.clear().op(OP_CHUNK_INDEX).putLong(index.start()).putLong(index.end()).putLong(index.offset())
                    .putLong(index.length()).putInt(index.indexOffsets().size() * 10);
                for (final Map.Entry<Integer, Long> e : index.indexOffsets().entrySet())
                {
                    rec.putShort(e.getKey()).putLong(e.getValue());
                }
                rec.putLong(index.indexLength()).string(compression.specName()).putLong(index.compressedSize())
                    .putLong(index.uncompressedSize()).end();
                writeSummary(rec.flip());
            }
            if (!chunkIndexes.isEmpty())
            {
                groups.add(new long[]{OP_CHUNK_INDEX, groupStart, position - groupStart});
            }
            groupStart = position;
            rec.clear().op(OP_STATISTICS).putLong(messageCount).putShort(schemas.size()).putInt(channels.size())
                .putInt(0).putInt(0).putInt(chunkIndexes.size())
                .putLong(messageCount == 0 ? 0 : messageStart).putLong(messageCount == 0 ? 0 : messageEnd)
                .putInt(channels.size() * 10);
            for (int c = 0; c < channels.size(); c++)
            {
                rec.putShort(c).putLong(channelCounts[c]);
            }
            writeSummary(rec.end().flip());
            groups.add(new long[]{OP_STATISTICS, groupStart, position - groupStart});

            final long summaryOffsetStart = position;
            for (final long[] group : groups)
            {
                rec.clear().op(OP_SUMMARY_OFFSET).putByte((int)group[0]).putLong(group[1]).putLong(group[2]).end();
                writeSummary(rec.flip());
            }
            // The footer's CRC covers the summary, the summary offsets and the footer up to the CRC field.
            rec.clear().putByte(OP_FOOTER).putLong(8 + 8 + 4).putLong(summaryStart).putLong(summaryOffsetStart);
            final ByteBuffer footerHead = rec.flip();
            crc.update(footerHead.duplicate());
            writeRaw(footerHead);
            rec.clear().putInt((int)crc.getValue());
            writeRaw(rec.flip());
            writeRaw(ByteBuffer.wrap(MAGIC));
            file.force(true);
        }
        finally
        {
            closed = true;
            file.close();
        }
        Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void requireDeclaring()
    {
        if (dataStarted || closed)
        {
            throw new IllegalStateException("schemas and channels are declared before the first message");
        }
    }

    /** Every schema and channel, outside chunks, at the start of the data section. */
    private void startData() throws IOException
    {
        dataStarted = true;
        for (final Schema schema : schemas)
        {
            writeRaw(schemaRecord(schema));
        }
        for (final Channel channel : channels)
        {
            writeRaw(channelRecord(channel));
        }
        chunkEntries = new long[channels.size()][16];
        chunkEntryCounts = new int[channels.size()];
        channelCounts = new long[channels.size()];
        file.force(false);
    }

    private ByteBuffer schemaRecord(final Schema schema)
    {
        return rec.clear().op(OP_SCHEMA).putShort(schema.id()).string(schema.name()).string(schema.encoding())
            .putInt(schema.data().length).put(schema.data(), 0, schema.data().length).end().flip();
    }

    private ByteBuffer channelRecord(final Channel channel)
    {
        rec.clear().op(OP_CHANNEL).putShort(channel.id()).putShort(channel.schemaId()).string(channel.topic())
            .string(channel.encoding());
        final int mapStart = rec.position();
        rec.putInt(0);
        for (final Map.Entry<String, String> e : channel.metadata().entrySet())
        {
            rec.string(e.getKey()).string(e.getValue());
        }
        rec.patchInt(mapStart, rec.position() - mapStart - 4);
        return rec.end().flip();
    }

    private void addIndexEntry(final int channelId, final long logTime, final long offset)
    {
        final int n = chunkEntryCounts[channelId];
        if (2 * n + 2 > chunkEntries[channelId].length)
        {
            chunkEntries[channelId] = Arrays.copyOf(chunkEntries[channelId], chunkEntries[channelId].length * 2);
        }
        chunkEntries[channelId][2 * n] = logTime;
        chunkEntries[channelId][2 * n + 1] = offset;
        chunkEntryCounts[channelId] = n + 1;
    }

    private void writeSummary(final ByteBuffer bytes) throws IOException
    {
        crc.update(bytes.duplicate());
        writeRaw(bytes);
    }

    private void writeRaw(final ByteBuffer bytes) throws IOException
    {
        while (bytes.hasRemaining())
        {
            position += file.write(bytes);
        }
    }

    /**
     * A growable little-endian record buffer: {@link #op} writes the opcode and a length placeholder that
     * {@link #end} fills in.
     */
    private static final class Rec
    {
        private ByteBuffer buf;
        private int lengthAt = -1;

        Rec(final int capacity)
        {
            buf = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
        }

        Rec clear()
        {
            buf.clear();
            lengthAt = -1;
            return this;
        }

        int position()
        {
            return buf.position();
        }

        byte[] bytes()
        {
            return buf.array();
        }

        Rec op(final int opcode)
        {
            putByte(opcode);
            lengthAt = buf.position();
            return putLong(0);
        }

        Rec end()
        {
            buf.putLong(lengthAt, buf.position() - lengthAt - 8);
            lengthAt = -1;
            return this;
        }

        ByteBuffer flip()
        {
            return ByteBuffer.wrap(buf.array(), 0, buf.position());
        }

        Rec putByte(final int v)
        {
            room(1).put((byte)v);
            return this;
        }

        Rec putShort(final int v)
        {
            room(2).putShort((short)v);
            return this;
        }

        Rec putInt(final int v)
        {
            room(4).putInt(v);
            return this;
        }

        Rec patchInt(final int at, final int v)
        {
            buf.putInt(at, v);
            return this;
        }

        Rec putLong(final long v)
        {
            room(8).putLong(v);
            return this;
        }

        Rec put(final byte[] data, final int offset, final int length)
        {
            room(length).put(data, offset, length);
            return this;
        }

        Rec string(final String s)
        {
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            return putInt(utf8.length).put(utf8, 0, utf8.length);
        }

        private ByteBuffer room(final int bytes)
        {
            if (buf.remaining() < bytes)
            {
                final ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + bytes))
                    .order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
            return buf;
        }
    }
}
