package io.wmrt.bus;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real Agrona ring with a producer that claimed a record and never committed it, as a killed producer
 * leaves it, and a clock the test drives.
 */
class SceneRingUnblockerTest
{
    private static final long MS = 1_000_000L;
    private static final int MSG_TYPE = 1;
    private static final int RECORD_LENGTH = 64;

    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(
        new UnsafeBuffer(ByteBuffer.allocateDirect(4096 + RingBufferDescriptor.TRAILER_LENGTH)));
    private final AtomicCounter unblocks = newCounter();
    private final SceneRingUnblocker unblocker = new SceneRingUnblocker(ring, unblocks);
    private final List<Integer> received = new ArrayList<>();

    @Test
    void shouldDeliverLaterScenesOnlyAfterADeadProducersClaimTimesOut()
    {
        final int deadClaim = ring.tryClaim(MSG_TYPE, RECORD_LENGTH);
        assertTrue(deadClaim >= 0);
        write(1);
        write(2);
        write(3);

        for (long t = 0; t <= SceneRingUnblocker.DEFAULT_TIMEOUT_NS; t += 100 * MS)
        {
            assertEquals(0, unblocker.check(t), "no unblock before the timeout, at " + t / MS + " ms");
            assertEquals(0, read(), "the uncommitted claim holds every later scene back");
        }
        assertEquals(0, unblocks.get());

        assertEquals(1, unblocker.check(SceneRingUnblocker.DEFAULT_TIMEOUT_NS + 100 * MS));
        assertEquals(3, read());
        assertEquals(List.of(1, 2, 3), received, "the scenes behind the dead claim, in order");
        assertEquals(1, unblocks.get(), "the skipped record is counted");

        write(4);
        assertEquals(0, unblocker.check(SceneRingUnblocker.DEFAULT_TIMEOUT_NS + 200 * MS));
        assertEquals(1, read());
        assertEquals(List.of(1, 2, 3, 4), received, "the ring goes on as before");
    }

    @Test
    void shouldNeverSkipTheRecordOfAProducerThatCommitsWithinTheTimeout()
    {
        final int claim = ring.tryClaim(MSG_TYPE, RECORD_LENGTH);
        ring.buffer().putInt(claim, 7);
        write(8);
        assertEquals(0, unblocker.check(0));
        assertEquals(0, unblocker.check(900 * MS));
        ring.commit(claim);
        assertEquals(0, unblocker.check(950 * MS));
        assertEquals(2, read());
        assertEquals(List.of(7, 8), received);
        assertEquals(0, unblocker.check(5_000 * MS));
        assertEquals(0, unblocks.get());
    }

    @Test
    void shouldRestartTheWindowAfterAGapBetweenChecksLongerThanTheTimeout()
    {
        assertEquals(0, unblocker.check(0));
        // A slow tick (or an idle ring) between two checks says nothing about the producer: a claim seen for
        // the first time is given the whole timeout.
        final int claim = ring.tryClaim(MSG_TYPE, RECORD_LENGTH);
        write(9);
        assertEquals(0, unblocker.check(10_000 * MS), "first sight of the claim after a long gap");
        assertEquals(0, unblocker.check(10_500 * MS));
        assertEquals(0, read());
        assertEquals(1, unblocker.check(11_100 * MS));
        assertEquals(1, read());
        assertEquals(List.of(9), received);
        assertThrows(IllegalStateException.class, () -> ring.commit(claim),
            "a producer that held its claim past the timeout loses that record, and is told so");
        assertEquals(1, unblocks.get());
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new SceneRingUnblocker(ring, unblocks, 0));
        assertTrue(ex.getMessage().contains("scene ring unblock timeout"), ex.getMessage());
    }

    private void write(final int value)
    {
        final int index = ring.tryClaim(MSG_TYPE, RECORD_LENGTH);
        ring.buffer().putInt(index, value);
        ring.commit(index);
    }

    private int read()
    {
        return ring.read((msgTypeId, buffer, index, length) -> received.add(buffer.getInt(index)));
    }

    private static AtomicCounter newCounter()
    {
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(CountersReader.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(CountersReader.COUNTER_LENGTH)));
        return counters.newCounter("unblocks");
    }
}
