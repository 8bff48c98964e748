package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.SceneFrameDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives the SceneFrames the planner took ({@link SceneEcho}), in this or another process, with
 * {@link BroadcastRecordReader}'s protocol: a record that is not a SceneFrame (type, length, SBE header) is
 * skipped and counted. Its values are what the producer wrote: the planner echoes frames it rejected too.
 * <p>
 * Not thread safe: one reader per thread.
 */
public final class SceneEchoReader
{
    /** Called with each frame: the record (header first) and a decoder over it; valid only during the call. */
    @FunctionalInterface
    public interface Handler
    {
        void onScene(UnsafeBuffer frame, int length, SceneFrameDecoder scene);
    }

    private final BroadcastRecordReader records;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final SceneFrameDecoder decoder = new SceneFrameDecoder();
    private final BroadcastRecordReader.Handler deliver = this::deliver;
    private Handler handler;

    public SceneEchoReader(final BusDirectory bus)
    {
        records = new BroadcastRecordReader(bus.sceneEchoBuffer(), BusLayout.SCENE_MSG_TYPE,
            SceneWriter.FRAME_LENGTH, this::wellFormed, null);
    }

    /** @return frames handed to the handler (0 or 1). */
    public int poll(final Handler handler)
    {
        this.handler = handler;
        return records.poll(deliver);
    }

    public long lappedCount()
    {
        return records.lappedCount();
    }

    public long malformedCount()
    {
        return records.malformedCount();
    }

    private void deliver(final UnsafeBuffer record, final int length)
    {
        handler.onScene(record, length, decoder);
    }

    private boolean wellFormed(final UnsafeBuffer record, final int length)
    {
        header.wrap(record, 0);
        if (header.templateId() != SceneFrameDecoder.TEMPLATE_ID || header.schemaId() != SceneFrameDecoder.SCHEMA_ID ||
            header.blockLength() != SceneFrameDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        decoder.wrap(record, MessageHeaderDecoder.ENCODED_LENGTH, SceneFrameDecoder.BLOCK_LENGTH, header.version());
        return true;
    }
}
