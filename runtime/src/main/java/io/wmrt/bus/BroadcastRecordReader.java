package io.wmrt.bus;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.RecordDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.invoke.VarHandle;

/**
 * Receives one kind of fixed-length record from a broadcast buffer in shared memory, in this or another process:
 * the protocol of Agrona's {@code BroadcastReceiver}, trusting no position, length or count read from the
 * buffer. Any process with access to the instance directory can scribble on it, so:
 * <ul>
 *   <li>a record whose framing is impossible makes the reader re-join at the transmitter's tail;</li>
 *   <li>a record of another type or length, or one the {@link Validator} refuses, is skipped;</li>
 *   <li>a record the transmitter overwrote while it was copied is dropped, never handed out torn.</li>
 * </ul>
 * The first two are counted in {@link #malformedCount()}. A reader that falls a whole buffer behind is lapped:
 * it skips to the newest record and the lap is counted here and in the counter given. On a buffer nobody writes
 * to, a reader hands out at most one buffer's worth of records: a drain loop always ends.
 * <p>
 * What is handed out is a validated copy in the reader's own buffer, valid until the next poll.
 * Not thread safe: one reader per thread.
 */
public final class BroadcastRecordReader
{
    /** Says whether a copied record (SBE header first) is one the reader's users can decode safely. */
    @FunctionalInterface
    public interface Validator
    {
        boolean wellFormed(UnsafeBuffer record, int length);
    }

    /** Receives each validated record; the buffer is valid only during the call. */
    @FunctionalInterface
    public interface Handler
    {
        void onRecord(UnsafeBuffer record, int length);
    }

    private static final int DELIVERED = 1;
    private static final int NOTHING = 0;
    private static final int SKIPPED = -1;

    private final AtomicBuffer buffer;
    private final int msgTypeId;
    private final int messageLength;
    private final Validator validator;
    private final int capacity;
    private final int maxRecordsPerPoll;
    private final int tailIntentCounterIndex;
    private final int tailCounterIndex;
    private final int latestCounterIndex;
    private final AtomicCounter lappedCounter;
    private final UnsafeBuffer scratch;
    private long nextRecord;
    private long lappedCount;
    private long malformedCount;

    /**
     * @param buffer        the broadcast buffer (data and trailer).
     * @param msgTypeId     the broadcast type id of the records wanted.
     * @param messageLength their exact length.
     * @param validator     checks a copied record before it is handed out.
     * @param lappedCounter incremented on each lap, or null.
     */
    public BroadcastRecordReader(
        final AtomicBuffer buffer,
        final int msgTypeId,
        final int messageLength,
        final Validator validator,
        final AtomicCounter lappedCounter)
    {
        this.buffer = buffer;
        this.msgTypeId = msgTypeId;
        this.messageLength = messageLength;
        this.validator = validator;
        this.lappedCounter = lappedCounter;
        capacity = buffer.capacity() - BroadcastBufferDescriptor.TRAILER_LENGTH;
        BroadcastBufferDescriptor.checkCapacity(capacity);
        maxRecordsPerPoll = capacity / RecordDescriptor.RECORD_ALIGNMENT;
        tailIntentCounterIndex = capacity + BroadcastBufferDescriptor.TAIL_INTENT_COUNTER_OFFSET;
        tailCounterIndex = capacity + BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET;
        latestCounterIndex = capacity + BroadcastBufferDescriptor.LATEST_COUNTER_OFFSET;
        scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(BitUtil.align(messageLength, 64), 64));
        nextRecord = buffer.getLongVolatile(latestCounterIndex);
    }

    /**
     * @return number of records handed to the handler (0 or 1).
     */
    public int poll(final Handler handler)
    {
        // Records that are not wanted are passed over in the same poll; each one moves the cursor forward
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
     * @return records passed over because their framing or their content was not what this reader reads.
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
        if (buffer.getInt(RecordDescriptor.typeOffset(recordOffset)) != msgTypeId || length != messageLength)
        {
            return overwritten(cursor) ? NOTHING : skipMalformed();
        }
        scratch.putBytes(0, buffer, RecordDescriptor.msgOffset(recordOffset), length);
        // The transmitter may have overwritten the record while it was copied: only a validated copy is used.
        if (overwritten(cursor))
        {
            return NOTHING;
        }
        if (!validator.wellFormed(scratch, length))
        {
            return skipMalformed();
        }
        handler.onRecord(scratch, length);
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
        if (null != lappedCounter)
        {
            lappedCounter.increment();
        }
    }
}
