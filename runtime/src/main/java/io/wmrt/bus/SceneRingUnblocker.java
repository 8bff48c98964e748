package io.wmrt.bus;

import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Frees the scene ring from a producer that died between claim and commit. Such a producer leaves a record
 * whose length is still negative at the consumer's position, and {@link ManyToOneRingBuffer} never reads past
 * it: every later scene, from every producer, would wait behind it for good. When the consumer position has
 * not moved for longer than the timeout while the producer position is ahead of it, the record is turned into
 * padding with {@link ManyToOneRingBuffer#unblock()} and the skip is counted.
 * <p>
 * The stall is timed only across consecutive duty cycles: a gap between two checks longer than the timeout
 * (a slow tick, a descheduled thread) restarts the window, so a live producer that is mid-claim after the
 * consumer was busy is never mistaken for a dead one. A live producer that holds a claim for longer than the
 * timeout loses that record (its commit then fails); producers claim and commit within microseconds.
 * <p>
 * Not thread safe: owned by the ring's one consumer (the planner agent), called once per duty cycle.
 */
public final class SceneRingUnblocker
{
    /** How long the consumer may be held at one position, with scenes waiting behind it, before unblocking. */
    public static final long DEFAULT_TIMEOUT_NS = 1_000_000_000L;

    private final ManyToOneRingBuffer ring;
    private final AtomicCounter unblocks;
    private final long timeoutNs;
    private long lastConsumerPosition;
    private long stalledSinceNs;
    private long lastCheckNs;
    private boolean watching;

    /**
     * @param ring      the scene ring, as its consumer maps it.
     * @param unblocks  counts each record skipped.
     * @param timeoutNs how long a claim may stay uncommitted at the consumer's position.
     */
    public SceneRingUnblocker(final ManyToOneRingBuffer ring, final AtomicCounter unblocks, final long timeoutNs)
    {
        if (timeoutNs <= 0)
        {
            throw new IllegalArgumentException("scene ring unblock timeout must be positive, got " + timeoutNs +
                " ns");
        }
        this.ring = ring;
        this.unblocks = unblocks;
        this.timeoutNs = timeoutNs;
    }

    public SceneRingUnblocker(final ManyToOneRingBuffer ring, final AtomicCounter unblocks)
    {
        this(ring, unblocks, DEFAULT_TIMEOUT_NS);
    }

    public long timeoutNs()
    {
        return timeoutNs;
    }

    /**
     * Check the ring once; call before reading it, once per duty cycle.
     *
     * @param nowNs the duty cycle's one clock read.
     * @return 1 when a dead producer's record was skipped, else 0.
     */
    public int check(final long nowNs)
    {
        final long consumerPosition = ring.consumerPosition();
        final long producerPosition = ring.producerPosition();
        final boolean sameWindow = watching && nowNs - lastCheckNs <= timeoutNs;
        lastCheckNs = nowNs;
        if (producerPosition == consumerPosition || !sameWindow || consumerPosition != lastConsumerPosition)
        {
            watching = true;
            lastConsumerPosition = consumerPosition;
            stalledSinceNs = nowNs;
            return 0;
        }
        if (nowNs - stalledSinceNs > timeoutNs && ring.unblock())
        {
            unblocks.increment();
            stalledSinceNs = nowNs;
            return 1;
        }
        return 0;
    }
}
