package io.wmrt.bus;

import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.RecordDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The publisher's waypoint columns write what the SBE encoder's own setters write, byte for byte, and nothing
 * outside the waypoint arrays.
 */
class TrajectoryPublisherTest
{
    private static final int WAYPOINTS = TrajectoryEncoder.wpXLength();

    @TempDir
    Path tmp;

    private BusDirectory bus;
    private TrajectoryPublisher publisher;
    private TrajectoryReader reader;

    @BeforeEach
    void createBus() throws Exception
    {
        bus = BusDirectory.create(tmp.resolve("instance"));
        publisher = new TrajectoryPublisher(bus);
        reader = new TrajectoryReader(bus);
    }

    @AfterEach
    void deleteBus()
    {
        bus.closeAndDelete();
    }

    @Test
    void shouldPublishTheBytesTheEncodersSettersWriteForEveryWaypointOfEveryColumn()
    {
        final SplittableRandom random = new SplittableRandom(14);
        final float[][] columns = new float[5][WAYPOINTS];
        for (final float[] column : columns)
        {
            for (int i = 0; i < WAYPOINTS; i++)
            {
                // Any bit pattern, signalling NaNs included: the columns move bits, they compute nothing.
                column[i] = Float.intBitsToFloat(random.nextInt());
            }
        }
        final UnsafeBuffer expected = new UnsafeBuffer(new byte[TrajectoryPublisher.MESSAGE_LENGTH]);
        final TrajectoryEncoder reference = new TrajectoryEncoder().wrapAndApplyHeader(
            expected, 0, new MessageHeaderEncoder());
        scalars(reference);
        for (int i = 0; i < WAYPOINTS; i++)
        {
            reference.wpX(i, columns[0][i]).wpY(i, columns[1][i]).wpHeading(i, columns[2][i])
                .wpSpeed(i, columns[3][i]).wpT(i, columns[4][i]);
        }

        scalars(publisher.encoder());
        for (int i = 0; i < WAYPOINTS; i++)
        {
            publisher.waypoint(i, columns[0][i], columns[1][i], columns[2][i], columns[3][i], columns[4][i]);
        }
        publisher.publish();

        final byte[] published = new byte[TrajectoryPublisher.MESSAGE_LENGTH];
        bus.trajectoryBuffer().getBytes(RecordDescriptor.msgOffset(0), published);
        assertArrayEquals(expected.byteArray(), published);
        final List<Long> received = new ArrayList<>();
        assertEquals(1, reader.poll(t -> received.add(t.sequence())), "the reader takes the trajectory as well-formed");
        assertEquals(List.of(7L), received);
    }

    @Test
    void shouldRefuseAWaypointOutsideTheArraysWithoutWritingAnything()
    {
        scalars(publisher.encoder());
        publisher.waypoint(0, 1f, 2f, 3f, 4f, 5f);
        assertThrows(IndexOutOfBoundsException.class, () -> publisher.waypoint(WAYPOINTS, 9f, 9f, 9f, 9f, 9f));
        assertThrows(IndexOutOfBoundsException.class, () -> publisher.waypoint(-1, 9f, 9f, 9f, 9f, 9f));
        publisher.publish();

        final List<float[]> received = new ArrayList<>();
        reader.poll(t -> received.add(new float[] {
            t.wpX(0), t.wpY(0), t.wpHeading(0), t.wpSpeed(0), t.wpT(0), t.wpX(WAYPOINTS - 1), t.wpT(WAYPOINTS - 1),
            t.costTotal()}));
        assertEquals(1, received.size());
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 0f, 0f, 1.5f}, received.get(0));
    }

    private static void scalars(final TrajectoryEncoder out)
    {
        out.sequence(7).sceneSequence(6).sceneTimestampNs(5).tickNanos(4).waypointCount(WAYPOINTS).candidateCount(64)
            .costTotal(1.5f).mode(PlanMode.NOMINAL).backend(BackendKind.ORT_CPU)
            .behaviour((byte)2).predictedCollision((short)0);
    }
}
