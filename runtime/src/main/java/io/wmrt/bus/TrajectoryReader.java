package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Receives Trajectories from an instance's broadcast, in this or another process. A reader that falls a
 * whole buffer behind is lapped: it skips to the newest trajectories and the lap is counted in the
 * instance's {@link WmrtCounter#READERS_LAPPED} counter.
 * <p>
 * Not thread safe: one reader per thread.
 */
public final class TrajectoryReader
{
    /**
     * Called with a decoder positioned on each received trajectory; valid only during the call.
     */
    @FunctionalInterface
    public interface Handler
    {
        void onTrajectory(TrajectoryDecoder trajectory);
    }

    private final BroadcastReceiver receiver;
    private final AtomicCounter lappedCounter;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TrajectoryDecoder decoder = new TrajectoryDecoder();
    private long lapsSeen;

    public TrajectoryReader(final BusDirectory bus)
    {
        receiver = new BroadcastReceiver(bus.trajectoryBuffer());
        lappedCounter = bus.counter(WmrtCounter.READERS_LAPPED);
    }

    /**
     * @return number of trajectories handed to the handler (0 or 1).
     */
    public int poll(final Handler handler)
    {
        if (!receiver.receiveNext())
        {
            countLaps();
            return 0;
        }
        final int length = receiver.length();
        if (receiver.typeId() != BusLayout.TRAJECTORY_MSG_TYPE || length > scratch.capacity())
        {
            return 0;
        }
        scratch.putBytes(0, receiver.buffer(), receiver.offset(), length);
        // The transmitter may have overwritten the record while it was copied: only a validated copy is used.
        if (!receiver.validate())
        {
            countLaps();
            return 0;
        }
        countLaps();
        decoder.wrapAndApplyHeader(scratch, 0, header);
        handler.onTrajectory(decoder);
        return 1;
    }

    public long lappedCount()
    {
        return receiver.lappedCount();
    }

    private void countLaps()
    {
        final long laps = receiver.lappedCount();
        if (laps != lapsSeen)
        {
            lappedCounter.getAndAdd(laps - lapsSeen);
            lapsSeen = laps;
        }
    }
}
