package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;

/**
 * Publishes Trajectories on the instance's broadcast buffer. Readers in any process receive every
 * trajectory they keep up with; the planner never waits for them.
 * <p>
 * Not thread safe: one publisher at a time (the planner agent, or its watchdog while it holds the tick).
 */
public final class TrajectoryPublisher
{
    public static final int MESSAGE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TrajectoryEncoder.BLOCK_LENGTH;

    private final BroadcastTransmitter transmitter;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final TrajectoryEncoder encoder = new TrajectoryEncoder();
    private long sequence;

    public TrajectoryPublisher(final BusDirectory bus)
    {
        transmitter = new BroadcastTransmitter(bus.trajectoryBuffer());
    }

    /**
     * @return an encoder over the scratch buffer; fill it then call {@link #publish()}.
     */
    public TrajectoryEncoder encoder()
    {
        return encoder.wrapAndApplyHeader(scratch, 0, header);
    }

    /**
     * @return the sequence number of the next trajectory: 1, 2, 3, ...
     */
    public long nextSequence()
    {
        return ++sequence;
    }

    /**
     * @return the sequence number last handed out by {@link #nextSequence()}: 0 before the first.
     */
    public long lastSequence()
    {
        return sequence;
    }

    public void publish()
    {
        transmitter.transmit(BusLayout.TRAJECTORY_MSG_TYPE, scratch, 0, MESSAGE_LENGTH);
    }
}
