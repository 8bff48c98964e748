package io.wmrt.bus;

import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.RecordDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a reader hands out when the broadcast's shared memory holds something the transmitter did not write:
 * only well-formed trajectories, drains that end, and the transmitter's next trajectory.
 */
class TrajectoryReaderTest
{
    private static final int CAPACITY = BusLayout.TRAJECTORY_CAPACITY;
    private static final int RECORD_LENGTH = BitUtil.align(
        RecordDescriptor.HEADER_LENGTH + TrajectoryPublisher.MESSAGE_LENGTH, RecordDescriptor.RECORD_ALIGNMENT);
    private static final int BODY = RecordDescriptor.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;

    @TempDir
    Path tmp;

    private BusDirectory bus;
    private AtomicBuffer buffer;
    private TrajectoryPublisher publisher;
    private TrajectoryReader reader;
    private final List<Long> received = new ArrayList<>();

    @BeforeEach
    void createBus() throws Exception
    {
        bus = BusDirectory.create(tmp.resolve("instance"));
        buffer = bus.trajectoryBuffer();
        publisher = new TrajectoryPublisher(bus);
        reader = new TrajectoryReader(bus);
    }

    @AfterEach
    void deleteBus()
    {
        bus.closeAndDelete();
    }

    @Test
    void shouldReceiveEveryTrajectoryInOrderAcrossManyWrapsOfTheBuffer()
    {
        for (int i = 1; i <= 1_000; i++)
        {
            publish(i);
            drain();
        }

        assertEquals(1_000, received.size());
        for (int i = 0; i < received.size(); i++)
        {
            assertEquals(i + 1, received.get(i));
        }
        assertEquals(0, reader.malformedCount());
        assertEquals(0, reader.lappedCount());
    }

    @Test
    void shouldSkipATrajectoryWhoseWaypointCountIsLargerThanItsArrays()
    {
        publish(1);
        publish(2);
        buffer.putInt(RECORD_LENGTH + BODY + TrajectoryDecoder.waypointCountEncodingOffset(), 1_000);
        publish(3);

        drain();

        assertEquals(List.of(1L, 3L), received);
        assertEquals(1, reader.malformedCount());
    }

    @Test
    void shouldSkipATrajectoryWithAnUnknownPlanMode()
    {
        publish(1);
        buffer.putByte(BODY + TrajectoryDecoder.modeEncodingOffset(), (byte)7);
        publish(2);

        drain();

        assertEquals(List.of(2L), received);
        assertEquals(1, reader.malformedCount());
    }

    @Test
    void shouldRejoinAtTheTailWhenARecordLengthIsImpossible()
    {
        publish(1);
        publish(2);
        buffer.putInt(RecordDescriptor.lengthOffset(0), -4_096);

        drain();
        publish(3);
        drain();

        assertEquals(List.of(3L), received, "the garbled records are passed over, the next one is received");
        assertEquals(1, reader.malformedCount());
    }

    @Test
    void shouldEndADrainWhenTheTailWasOverwrittenFarAhead()
    {
        publish(1);
        publish(2);
        buffer.putLong(CAPACITY + BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET, 1L << 62);

        final int polls = drain();
        publish(3);
        drain();

        assertTrue(polls <= 2, "a drain ends at once, took " + polls + " polls");
        assertEquals(List.of(3L), received, "the transmitter carries on from the tail it reads, and so does the reader");
    }

    @Test
    void shouldReceiveTheTransmittersTrajectoriesAgainAfterAnUnalignedTailWasWritten()
    {
        publish(1);
        drain();
        // The transmitter carries on from this tail: its padding record at the end of the buffer then spills into
        // the trailer's tail intent, so the trajectory written with it looks overwritten and is passed over.
        buffer.putLong(CAPACITY + BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET, CAPACITY - 1);
        for (int i = 2; i <= 5; i++)
        {
            publish(i);
            drain();
        }

        assertEquals(List.of(1L, 3L, 4L, 5L), received);
    }

    @Test
    void shouldNotHandOutTheSameTrajectoriesAgainWhenTheTailIntentIsFarAheadAndLatestBehind()
    {
        for (int i = 1; i <= 10; i++)
        {
            publish(i);
        }
        drain();
        received.clear();
        buffer.putLong(CAPACITY + BroadcastBufferDescriptor.TAIL_INTENT_COUNTER_OFFSET, Long.MAX_VALUE);
        buffer.putLong(CAPACITY + BroadcastBufferDescriptor.LATEST_COUNTER_OFFSET, 0);
        buffer.putLong(CAPACITY + BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET, 20L * RECORD_LENGTH);

        drain();

        assertEquals(List.of(), received, "a lap never moves the reader back to trajectories it has read");
    }

    private void publish(final long sequence)
    {
        final TrajectoryEncoder out = publisher.encoder();
        out.sequence(sequence).waypointCount(3).mode(PlanMode.NOMINAL);
        for (int i = 0; i < 3; i++)
        {
            out.wpX(i, i).wpY(i, 0f).wpHeading(i, 0f).wpSpeed(i, 5f).wpT(i, 0.2f * (i + 1));
        }
        publisher.publish();
    }

    private int drain()
    {
        int polls = 1;
        while (reader.poll(t -> received.add(t.sequence())) > 0)
        {
            polls++;
            assertTrue(polls < 1_000, "drain never ends");
        }
        return polls;
    }
}
