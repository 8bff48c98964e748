package io.wmrt.bus;

import io.wmrt.sbe.CandidatesDecoder;
import io.wmrt.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receives Candidates ({@link CandidatesPublisher}) in this or another process, with
 * {@link BroadcastRecordReader}'s protocol. A record whose SBE header is not a Candidates' or whose counts do not
 * fit its arrays (candidates, steps, the chosen index) is skipped and counted, so every index a reader forms from
 * the counts is inside the arrays.
 * <p>
 * Not thread safe: one reader per thread.
 */
public final class CandidatesReader
{
    /** Called with each message: the record (header first) and a decoder over it; valid only during the call. */
    @FunctionalInterface
    public interface Handler
    {
        void onCandidates(UnsafeBuffer message, int length, CandidatesDecoder candidates);
    }

    private final BroadcastRecordReader records;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CandidatesDecoder decoder = new CandidatesDecoder();
    private final BroadcastRecordReader.Handler deliver = this::deliver;
    private Handler handler;

    public CandidatesReader(final BusDirectory bus)
    {
        records = new BroadcastRecordReader(bus.candidatesBuffer(), BusLayout.CANDIDATES_MSG_TYPE,
            CandidatesPublisher.MESSAGE_LENGTH, this::wellFormed, null);
    }

    /** @return messages handed to the handler (0 or 1). */
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
        handler.onCandidates(record, length, decoder);
    }

    private boolean wellFormed(final UnsafeBuffer record, final int length)
    {
        header.wrap(record, 0);
        if (header.templateId() != CandidatesDecoder.TEMPLATE_ID || header.schemaId() != CandidatesDecoder.SCHEMA_ID ||
            header.blockLength() != CandidatesDecoder.BLOCK_LENGTH)
        {
            return false;
        }
        final CandidatesDecoder c = decoder.wrap(
            record, MessageHeaderDecoder.ENCODED_LENGTH, CandidatesDecoder.BLOCK_LENGTH, header.version());
        final int count = c.candidateCount();
        final int steps = c.stepCount();
        return count >= 0 && count <= CandidatesDecoder.costTotalLength() && steps >= 0 &&
            (long)count * steps <= CandidatesDecoder.stepXLength() && c.chosen() >= -1 && c.chosen() < count &&
            c.scoredCount() >= 0 && c.scoredCount() <= count;
    }
}
