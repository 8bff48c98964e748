package io.wmrt.bus;

import io.wmrt.sbe.CandidatesEncoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;

/**
 * Publishes Candidates (every candidate the planner weighed, its costs and the one it chose) on the instance's
 * candidates broadcast, for recorders and viewers. Only a runtime started with {@code --debug-candidates}
 * publishes; readers in any process are never waited for.
 * <p>
 * Not thread safe: the planner thread is the only publisher.
 */
public final class CandidatesPublisher
{
    public static final int MESSAGE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + CandidatesEncoder.BLOCK_LENGTH;

    private final BroadcastTransmitter transmitter;
    private final UnsafeBuffer scratch =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.align(MESSAGE_LENGTH, 64), 64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CandidatesEncoder encoder = new CandidatesEncoder();
    private long sequence;

    public CandidatesPublisher(final BusDirectory bus)
    {
        transmitter = new BroadcastTransmitter(bus.candidatesBuffer());
    }

    /** @return an encoder over the scratch buffer, its sequence set; fill it, then {@link #publish()}. */
    public CandidatesEncoder encoder()
    {
        return encoder.wrapAndApplyHeader(scratch, 0, header).sequence(++sequence);
    }

    public void publish()
    {
        transmitter.transmit(BusLayout.CANDIDATES_MSG_TYPE, scratch, 0, MESSAGE_LENGTH);
    }
}
