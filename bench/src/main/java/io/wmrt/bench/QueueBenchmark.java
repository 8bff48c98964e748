package io.wmrt.bench;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import io.wmrt.bus.BusLayout;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;
import org.agrona.concurrent.broadcast.CopyBroadcastReceiver;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Five ways to hand one 32-waypoint trajectory from a producer to a consumer. One op, on one thread: the
 * producer writes the message (sequence and 5 x 32 floats), offers it, the consumer polls it and reads the
 * last waypoint. Producer and consumer share the thread, so this measures each mechanism's own per-message
 * cost, not cross-core hand-over.
 * <ul>
 *   <li>{@link #agronaBroadcast}: an SBE Trajectory encoded into a scratch buffer, sent with a
 *   {@link BroadcastTransmitter} (one copy into the buffer), received with a {@link CopyBroadcastReceiver}
 *   (one copy out) and decoded, as the bus does.</li>
 *   <li>{@link #agronaOneToOneRing}: an SBE Trajectory encoded in place in an {@link OneToOneRingBuffer}
 *   slot (tryClaim, commit) and decoded in place by the reader.</li>
 *   <li>{@link #disruptorRingBuffer}: LMAX Disruptor 4 with preallocated {@link WaypointMessage} events:
 *   next / get / fill / publish, consumed by an {@link EventPoller}.</li>
 *   <li>{@link #jctoolsSpscQueue}: a JCTools {@link SpscArrayQueue} of preallocated messages, recycled back
 *   to the producer through a second SpscArrayQueue.</li>
 *   <li>{@link #arrayBlockingQueue}: the same with {@link ArrayBlockingQueue} (offer and poll, which take its
 *   lock uncontended).</li>
 * </ul>
 * None allocates per message in steady state (check with {@code -prof gc}).
 * <p>
 * Threading: each state is per benchmark thread and is both producer and consumer; run with one thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class QueueBenchmark
{
    private static final int BUFFER_CAPACITY = 64 * 1024;
    private static final int QUEUE_CAPACITY = 1024;
    /** Messages in circulation between the queue and its free list: more than one, as in a real pipeline. */
    private static final int POOLED_MESSAGES = 16;
    private static final int TRAJECTORY_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH + TrajectoryEncoder.BLOCK_LENGTH;

    /**
     * What every consumer reads from a message: its sequence and last waypoint.
     * <p>
     * Not thread safe: part of one benchmark thread's state.
     */
    abstract static class ConsumerSide
    {
        long receivedSequence;
        float receivedLastX;
        float receivedLastY;

        final long received()
        {
            return receivedSequence + Float.floatToRawIntBits(receivedLastX) + Float.floatToRawIntBits(receivedLastY);
        }

        final void read(final TrajectoryDecoder trajectory)
        {
            final int last = trajectory.waypointCount() - 1;
            receivedSequence = trajectory.sequence();
            receivedLastX = trajectory.wpX(last);
            receivedLastY = trajectory.wpY(last);
        }

        final void read(final WaypointMessage message)
        {
            final int last = message.waypointCount - 1;
            receivedSequence = message.sequence;
            receivedLastX = message.x[last];
            receivedLastY = message.y[last];
        }
    }

    /**
     * Broadcast transmitter and copying receiver over one in-memory buffer.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class BroadcastState extends ConsumerSide
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(BufferUtil.allocateDirectAligned(1024, 64));
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final TrajectoryEncoder encoder = new TrajectoryEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final TrajectoryDecoder decoder = new TrajectoryDecoder();
        final MessageHandler onMessage = this::onMessage;
        BroadcastTransmitter transmitter;
        CopyBroadcastReceiver receiver;
        long sequence;

        @Setup(Level.Trial)
        public void setUp()
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                BUFFER_CAPACITY + BroadcastBufferDescriptor.TRAILER_LENGTH, 64));
            transmitter = new BroadcastTransmitter(buffer);
            receiver = new CopyBroadcastReceiver(new BroadcastReceiver(buffer));
        }

        private void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            read(decoder.wrapAndApplyHeader(buffer, index, headerDecoder));
        }
    }

    /**
     * Single-producer single-consumer ring over one in-memory buffer.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class OneToOneRingState extends ConsumerSide
    {
        final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        final TrajectoryEncoder encoder = new TrajectoryEncoder();
        final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        final TrajectoryDecoder decoder = new TrajectoryDecoder();
        final MessageHandler onMessage = this::onMessage;
        OneToOneRingBuffer ring;
        long sequence;

        @Setup(Level.Trial)
        public void setUp()
        {
            ring = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                BUFFER_CAPACITY + RingBufferDescriptor.TRAILER_LENGTH, 64)));
        }

        private void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
        {
            read(decoder.wrapAndApplyHeader(buffer, index, headerDecoder));
        }
    }

    /**
     * Disruptor ring of preallocated messages, single producer, consumed by a poller that gates the ring.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class DisruptorState extends ConsumerSide
    {
        final EventPoller.Handler<WaypointMessage> onEvent = this::onEvent;
        RingBuffer<WaypointMessage> ring;
        EventPoller<WaypointMessage> poller;
        long sequence;

        @Setup(Level.Trial)
        public void setUp()
        {
            ring = RingBuffer.createSingleProducer(WaypointMessage::new, QUEUE_CAPACITY, new BusySpinWaitStrategy());
            poller = ring.newPoller();
            ring.addGatingSequences(poller.getSequence());
        }

        private boolean onEvent(final WaypointMessage message, final long sequence, final boolean endOfBatch)
        {
            read(message);
            return false;
        }
    }

    /**
     * A queue of full messages and a free list that returns them to the producer, for queues of references.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    abstract static class RecyclingState extends ConsumerSide
    {
        long sequence;

        static void fill(final Queue<WaypointMessage> free)
        {
            for (int i = 0; i < POOLED_MESSAGES; i++)
            {
                free.offer(new WaypointMessage());
            }
        }
    }

    /**
     * JCTools single-producer single-consumer array queues.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class SpscQueueState extends RecyclingState
    {
        SpscArrayQueue<WaypointMessage> full;
        SpscArrayQueue<WaypointMessage> free;

        @Setup(Level.Trial)
        public void setUp()
        {
            full = new SpscArrayQueue<>(QUEUE_CAPACITY);
            free = new SpscArrayQueue<>(QUEUE_CAPACITY);
            fill(free);
        }
    }

    /**
     * java.util.concurrent array blocking queues.
     * <p>
     * Not thread safe: one per benchmark thread.
     */
    @State(Scope.Thread)
    public static class BlockingQueueState extends RecyclingState
    {
        ArrayBlockingQueue<WaypointMessage> full;
        ArrayBlockingQueue<WaypointMessage> free;

        @Setup(Level.Trial)
        public void setUp()
        {
            full = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
            free = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
            fill(free);
        }
    }

    @Benchmark
    public long agronaBroadcast(final BroadcastState state)
    {
        final long sequence = ++state.sequence;
        WaypointFixture.encode(state.encoder.wrapAndApplyHeader(state.scratch, 0, state.headerEncoder),
            sequence, WaypointFixture.CAPACITY);
        state.transmitter.transmit(BusLayout.TRAJECTORY_MSG_TYPE, state.scratch, 0, TRAJECTORY_LENGTH);
        if (state.receiver.receive(state.onMessage) != 1)
        {
            throw new IllegalStateException("broadcast: message " + sequence + " not received");
        }
        return state.received();
    }

    @Benchmark
    public long agronaOneToOneRing(final OneToOneRingState state)
    {
        final long sequence = ++state.sequence;
        final int index = state.ring.tryClaim(BusLayout.TRAJECTORY_MSG_TYPE, TRAJECTORY_LENGTH);
        if (index < 0)
        {
            throw new IllegalStateException("one-to-one ring: full at message " + sequence);
        }
        WaypointFixture.encode(state.encoder.wrapAndApplyHeader(state.ring.buffer(), index, state.headerEncoder),
            sequence, WaypointFixture.CAPACITY);
        state.ring.commit(index);
        // A read stops at the end of the buffer: when the record wrapped, the first read only consumed the
        // padding record before it, as in the planner's scene ring.
        if (state.ring.read(state.onMessage, 1) != 1 && state.ring.read(state.onMessage, 1) != 1)
        {
            throw new IllegalStateException("one-to-one ring: message " + sequence + " not read");
        }
        return state.received();
    }

    @Benchmark
    public long disruptorRingBuffer(final DisruptorState state) throws Exception
    {
        final long sequence = ++state.sequence;
        final long slot = state.ring.next();
        WaypointFixture.copyInto(state.ring.get(slot), sequence);
        state.ring.publish(slot);
        if (state.poller.poll(state.onEvent) != EventPoller.PollState.PROCESSING)
        {
            throw new IllegalStateException("disruptor: message " + sequence + " not polled");
        }
        return state.received();
    }

    @Benchmark
    public long jctoolsSpscQueue(final SpscQueueState state)
    {
        final long sequence = ++state.sequence;
        final WaypointMessage out = state.free.poll();
        WaypointFixture.copyInto(out, sequence);
        state.full.offer(out);
        final WaypointMessage in = state.full.poll();
        state.read(in);
        state.free.offer(in);
        return state.received();
    }

    @Benchmark
    public long arrayBlockingQueue(final BlockingQueueState state)
    {
        final long sequence = ++state.sequence;
        final WaypointMessage out = state.free.poll();
        WaypointFixture.copyInto(out, sequence);
        state.full.offer(out);
        final WaypointMessage in = state.full.poll();
        state.read(in);
        state.free.offer(in);
        return state.received();
    }
}
