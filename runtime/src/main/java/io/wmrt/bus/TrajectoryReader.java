package io.wmrt.bus;

import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives Trajectories from an instance's broadcast, in this or another process. A reader that falls a
 * whole buffer behind is lapped: it skips to the newest trajectories and the lap is counted in the
 * instance's {@link WmrtCounter#READERS_LAPPED} counter.
 * <p>
 * The broadcast lives in shared memory that any process with access to the directory can scribble on; the
 * protocol is {@link BroadcastRecordReader}'s, which trusts no position, length or count it reads there: a record
 * whose framing is impossible makes the reader re-join at the transmitter's tail, and a record that is not a
 * well-formed Trajectory (header, waypoint count within the arrays, known mode and backend)
 * is skipped. Both are counted in {@link #malformedCount()}. Every record handed to the handler can be read with
 * any of the decoder's accessors without an exception, and on a buffer nobody writes to a reader hands out at
 * most one buffer's worth of records: a drain loop always ends. The values themselves are the planner's: it
 * publishes finite waypoints only, and a controller following them checks what it drives to.
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

    /** Indexed by the raw uint8 code: true for the enum's values, false for its null value and the rest. */
    private static final boolean[] KNOWN_MODES = new boolean[256];
    private static final boolean[] KNOWN_BACKENDS = new boolean[256];

    static
    {
        for (final PlanMode mode : PlanMode.values())
        {
            KNOWN_MODES[mode.value()] = mode != PlanMode.NULL_VAL;
        }
        for (final BackendKind backend : BackendKind.values())
        {
            KNOWN_BACKENDS[backend.value()] = backend != BackendKind.NULL_VAL;
        }
    }

    private final BroadcastRecordReader records;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TrajectoryDecoder decoder = new TrajectoryDecoder();
    private final BroadcastRecordReader.Handler deliver = this::deliver;
    private Handler handler;

    public TrajectoryReader(final BusDirectory bus)
    {
        records = new BroadcastRecordReader(bus.trajectoryBuffer(), BusLayout.TRAJECTORY_MSG_TYPE,
            TrajectoryPublisher.MESSAGE_LENGTH, this::wellFormed, bus.counter(WmrtCounter.READERS_LAPPED));
    }

    /**
     * @return number of trajectories handed to the handler (0 or 1).
     */
    public int poll(final Handler handler)
    {
        this.handler = handler;
        return records.poll(deliver);
    }

    public long lappedCount()
    {
        return records.lappedCount();
    }

    /**
     * @return records passed over because their framing or their content was not a Trajectory's.
     */
    public long malformedCount()
    {
        return records.malformedCount();
    }

    private void deliver(final UnsafeBuffer record, final int length)
    {
        handler.onTrajectory(decoder);
    }

    /**
     * Wrap the decoder over the copied record, and say whether every accessor a reader uses is safe on it.
     */
    private boolean wellFormed(final UnsafeBuffer record, final int length)
    {
        header.wrap(record, 0);
        if (header.templateId() != TrajectoryDecoder.TEMPLATE_ID || header.schemaId() != TrajectoryDecoder.SCHEMA_ID ||
            header.blockLength() != TrajectoryDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final TrajectoryDecoder t = decoder.wrap(
            record, MessageHeaderDecoder.ENCODED_LENGTH, TrajectoryDecoder.BLOCK_LENGTH, header.version());
        final int count = t.waypointCount();
        return count >= 0 && count <= TrajectoryDecoder.wpXLength() && KNOWN_MODES[t.modeRaw()] &&
            KNOWN_BACKENDS[t.backendRaw()];
    }
}
