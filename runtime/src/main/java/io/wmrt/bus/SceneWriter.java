package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

/**
 * Writes SceneFrames straight into the scene ring: claim, encode in place, commit. No copy, no allocation.
 * <p>
 * Not thread safe: one instance per producer thread (the ring itself takes many producers).
 */
public final class SceneWriter
{
    public static final int FRAME_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + SceneFrameEncoder.BLOCK_LENGTH;

    private final ManyToOneRingBuffer ring;
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final SceneFrameEncoder encoder = new SceneFrameEncoder();
    private int claimedIndex = -1;

    public SceneWriter(final BusDirectory bus)
    {
        ring = new ManyToOneRingBuffer(bus.sceneRingBuffer());
    }

    /**
     * @return an encoder over the claimed slot, or null when the ring is full (the planner is not keeping up).
     */
    public SceneFrameEncoder claim()
    {
        if (claimedIndex >= 0)
        {
            throw new IllegalStateException("previous claim not committed or aborted");
        }
        final int index = ring.tryClaim(BusLayout.SCENE_MSG_TYPE, FRAME_LENGTH);
        if (index < 0)
        {
            return null;
        }
        claimedIndex = index;
        return encoder.wrapAndApplyHeader(ring.buffer(), index, header);
    }

    /**
     * Write a whole encoded frame ({@link #FRAME_LENGTH} bytes, SBE header first) as it is: for forwarding frames
     * from another bus.
     *
     * @return false when the ring is full.
     */
    public boolean write(final DirectBuffer frame, final int offset)
    {
        if (claimedIndex >= 0)
        {
            throw new IllegalStateException("previous claim not committed or aborted");
        }
        return ring.write(BusLayout.SCENE_MSG_TYPE, frame, offset, FRAME_LENGTH);
    }

    public void commit()
    {
        ring.commit(claimedIndex);
        claimedIndex = -1;
    }

    public void abort()
    {
        ring.abort(claimedIndex);
        claimedIndex = -1;
    }
}
