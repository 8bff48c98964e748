package io.wmrt.bus;

import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.RecordDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.invoke.VarHandle;

/**
 * Receives Trajectories from an instance's broadcast, in this or another process. A reader that falls a
 * whole buffer behind is lapped: it skips to the newest trajectories and the lap is counted in the
 * instance's {@link WmrtCounter#READERS_LAPPED} counter.
 * <p>
 * The broadcast lives in shared memory that any process with access to the directory can scribble on, so the
 * reader follows the protocol of Agrona's {@code BroadcastReceiver} but trusts no position, length or count it
 * reads there: a record whose framing is impossible makes the reader re-join at the transmitter's tail, and a
 * record that is not a well-formed Trajectory (header, waypoint count within the arrays, known mode and backend)
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

    private static final int DELIVERED = 1;
    private static final int NOTHING = 0;
    private static final int SKIPPED = -1;
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

    private final AtomicBuffer buffer;
    private final int capacity;
    private final int maxRecordsPerPoll;
    private final int tailIntentCounterIndex;
    private final int tailCounterIndex;
    private final int latestCounterIndex;
    private final AtomicCounter lappedCounter;
    private final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final TrajectoryDecoder decoder = new TrajectoryDecoder();
    private long nextRecord;
    private long lappedCount;
    private long malformedCount;

    public TrajectoryReader(final BusDirectory bus)
    {
        buffer = bus.trajectoryBuffer();
        capacity = buffer.capacity() - BroadcastBufferDescriptor.TRAILER_LENGTH;
        BroadcastBufferDescriptor.checkCapacity(capacity);
        maxRecordsPerPoll = capacity / RecordDescriptor.RECORD_ALIGNMENT;
        tailIntentCounterIndex = capacity + BroadcastBufferDescriptor.TAIL_INTENT_COUNTER_OFFSET;
        tailCounterIndex = capacity + BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET;
        latestCounterIndex = capacity + BroadcastBufferDescriptor.LATEST_COUNTER_OFFSET;
        lappedCounter = bus.counter(WmrtCounter.READERS_LAPPED);
        nextRecord = buffer.getLongVolatile(latestCounterIndex);
    }

    /**
     * @return number of trajectories handed to the handler (0 or 1).
     */
    public int poll(final Handler handler)
    {
        // Records that are not Trajectories are passed over in the same poll; each one moves the cursor forward
        // within the published data, so the bound is never reached on a sane buffer.
        for (int i = 0; i < maxRecordsPerPoll; i++)
        {
            final int result = receiveOne(handler);
            if (SKIPPED != result)
            {
                return result;
            }
        }
        return NOTHING;
    }

    public long lappedCount()
    {
        return lappedCount;
    }

    /**
     * @return records passed over because their framing or their content was not a Trajectory's.
     */
    public long malformedCount()
    {
        return malformedCount;
    }

    private int receiveOne(final Handler handler)
    {
        final AtomicBuffer buffer = this.buffer;
        long tail = buffer.getLongVolatile(tailCounterIndex);
        long cursor = nextRecord;
        // Positions wrap as the transmitter's do: compare them by difference, never by value.
        if (tail - cursor == 0)
        {
            return NOTHING;
        }
        if (overwritten(cursor))
        {
            // The transmitter has written over the next record: join at the newest one, which lies ahead.
            final long latest = buffer.getLongVolatile(latestCounterIndex);
            if (latest - cursor <= 0)
            {
                return rejoinAtTail(tail);
            }
            lapped();
            cursor = latest;
            nextRecord = latest;
            tail = buffer.getLongVolatile(tailCounterIndex);
        }
        long available = tail - cursor;
        if (available <= 0 || available > capacity)
        {
            // The cursor ahead of the tail, or more than a buffer behind it and not lapped: the trailer is not
            // what the transmitter wrote.
            return rejoinAtTail(tail);
        }

        int recordOffset = (int)cursor & (capacity - 1);
        if (recordOffset > capacity - RecordDescriptor.HEADER_LENGTH)
        {
            return rejoinAtTail(tail);
        }
        int recordLength = buffer.getInt(RecordDescriptor.lengthOffset(recordOffset));
        if (RecordDescriptor.PADDING_MSG_TYPE_ID == buffer.getInt(RecordDescriptor.typeOffset(recordOffset)))
        {
            // The transmitter pads to the end of the buffer and writes the record at its start.
            final int toEndOfBuffer = capacity - recordOffset;
            if (recordLength != toEndOfBuffer || available - toEndOfBuffer < RecordDescriptor.HEADER_LENGTH)
            {
                return overwritten(cursor) ? NOTHING : rejoinAtTail(tail);
            }
            cursor += toEndOfBuffer;
            available -= toEndOfBuffer;
            recordOffset = 0;
            recordLength = buffer.getInt(RecordDescriptor.lengthOffset(0));
        }
        if (recordLength < RecordDescriptor.HEADER_LENGTH || recordLength > capacity - recordOffset ||
            BitUtil.align(recordLength, RecordDescriptor.RECORD_ALIGNMENT) > available)
        {
            return overwritten(cursor) ? NOTHING : rejoinAtTail(tail);
        }
        nextRecord = cursor + BitUtil.align(recordLength, RecordDescriptor.RECORD_ALIGNMENT);

        final int length = recordLength - RecordDescriptor.HEADER_LENGTH;
        if (buffer.getInt(RecordDescriptor.typeOffset(recordOffset)) != BusLayout.TRAJECTORY_MSG_TYPE ||
            length != TrajectoryPublisher.MESSAGE_LENGTH)
        {
            return overwritten(cursor) ? NOTHING : skipMalformed();
        }
        scratch.putBytes(0, buffer, RecordDescriptor.msgOffset(recordOffset), length);
        // The transmitter may have overwritten the record while it was copied: only a validated copy is used.
        if (overwritten(cursor))
        {
            return NOTHING;
        }
        if (!wellFormed())
        {
            return skipMalformed();
        }
        handler.onTrajectory(decoder);
        return DELIVERED;
    }

    /**
     * Whether the transmitter may have written over the record at {@code position} since it was read: a record
     * read in that window is torn, not malformed. Orders the record's loads before the check.
     */
    private boolean overwritten(final long position)
    {
        VarHandle.acquireFence();
        return buffer.getLongVolatile(tailIntentCounterIndex) - position >= capacity;
    }

    private int skipMalformed()
    {
        malformedCount++;
        return SKIPPED;
    }

    private int rejoinAtTail(final long tail)
    {
        // The transmitter appends at the tail it reads from the same trailer, so its next record is found here.
        nextRecord = tail;
        malformedCount++;
        return NOTHING;
    }

    private void lapped()
    {
        lappedCount++;
        lappedCounter.increment();
    }

    /**
     * Wrap the decoder over the copied record, and say whether every accessor a reader uses is safe on it.
     */
    private boolean wellFormed()
    {
        header.wrap(scratch, 0);
        if (header.templateId() != TrajectoryDecoder.TEMPLATE_ID || header.schemaId() != TrajectoryDecoder.SCHEMA_ID ||
            header.blockLength() != TrajectoryDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final TrajectoryDecoder t = decoder.wrap(
            scratch, MessageHeaderDecoder.ENCODED_LENGTH, TrajectoryDecoder.BLOCK_LENGTH, header.version());
        final int count = t.waypointCount();
        return count >= 0 && count <= TrajectoryDecoder.wpXLength() && KNOWN_MODES[t.modeRaw()] &&
            KNOWN_BACKENDS[t.backendRaw()];
    }
}
