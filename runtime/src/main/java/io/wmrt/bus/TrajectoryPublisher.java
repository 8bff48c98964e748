package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Publishes Trajectories on the instance's broadcast buffer. Readers in any process receive every
 * trajectory they keep up with; the planner never waits for them.
 * <p>
 * A trajectory is encoded into the publisher's own scratch buffer: the scalar fields through {@link #encoder()},
 * the waypoints through {@link #waypoint}, which writes the five columns through float views of that buffer. The
 * SBE encoder's per-element setters check the index and then the buffer's bounds for every float (150 of each
 * for a 30-step plan), which was half of the bus's publish → receive time; a view checks the index once.
 * <p>
 * Not thread safe: one publisher at a time (the planner agent, or its watchdog while it holds the tick).
 */
public final class TrajectoryPublisher
{
    public static final int MESSAGE_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TrajectoryEncoder.BLOCK_LENGTH;

    private final BroadcastTransmitter transmitter;
    private final ByteBuffer scratchBytes = BufferUtil.allocateDirectAligned(1024, 64);
    private final UnsafeBuffer scratch = new UnsafeBuffer(scratchBytes);
    private final FloatBuffer wpX = column(TrajectoryEncoder.wpXEncodingOffset());
    private final FloatBuffer wpY = column(TrajectoryEncoder.wpYEncodingOffset());
    private final FloatBuffer wpHeading = column(TrajectoryEncoder.wpHeadingEncodingOffset());
    private final FloatBuffer wpSpeed = column(TrajectoryEncoder.wpSpeedEncodingOffset());
    private final FloatBuffer wpT = column(TrajectoryEncoder.wpTEncodingOffset());
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

    /**
     * Write waypoint {@code index} (0 to {@link TrajectoryEncoder#wpXLength()} - 1) of the trajectory being encoded:
     * the same bytes as the encoder's {@code wpX(index, x)}, {@code wpY(index, y)} and so on.
     *
     * @throws IndexOutOfBoundsException when the index is outside the message's arrays.
     */
    public void waypoint(
        final int index, final float x, final float y, final float heading, final float speed, final float t)
    {
        wpX.put(index, x);
        wpY.put(index, y);
        wpHeading.put(index, heading);
        wpSpeed.put(index, speed);
        wpT.put(index, t);
    }

    /** A little-endian float view of one waypoint array of the Trajectory in the scratch buffer. */
    private FloatBuffer column(final int encodingOffset)
    {
        final int from = MessageHeaderEncoder.ENCODED_LENGTH + encodingOffset;
        return scratchBytes.duplicate().position(from).limit(from + TrajectoryEncoder.wpXLength() * Float.BYTES)
            .slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    public void publish()
    {
        transmitter.transmit(BusLayout.TRAJECTORY_MSG_TYPE, scratch, 0, MESSAGE_LENGTH);
    }
}
