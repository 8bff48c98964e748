package io.wmrt.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.BitUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.RecordDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A {@link TrajectoryReader} on a broadcast buffer that real trajectories were published on and that was then
 * partly overwritten with the fuzzer's bytes: records, lengths, the trailer's tail, tail intent and latest
 * counters. Whatever the bytes, the reader throws nothing, hands out only trajectories every accessor can read
 * (waypoint count within the arrays, known mode and backend), ends every drain loop within one buffer's worth of
 * records, and receives what the transmitter publishes afterwards.
 * <p>
 * Input: byte 0 is how many trajectories are published first, byte 1 how many polls the reader makes before
 * the overwrite, then overwrites of {@code [where][offset, 2 bytes LE][length][bytes]}: where 0 is relative to
 * the newest record ({@code offset - 32768}), 1 is the trailer, 2 is anywhere in the data.
 * <p>
 * Not thread safe: one fuzz test per JVM, run by JUnit's thread.
 */
class TrajectoryReaderFuzzTest
{
    static final int NEAR_NEWEST = 0;
    static final int TRAILER = 1;
    static final int ANYWHERE = 2;
    static final int NEWEST_BIAS = 32_768;

    private static final int CAPACITY = BusLayout.TRAJECTORY_CAPACITY;
    private static final int RECORD_LENGTH =
        BitUtil.align(RecordDescriptor.HEADER_LENGTH + TrajectoryPublisher.MESSAGE_LENGTH,
        RecordDescriptor.RECORD_ALIGNMENT);
    /** On a buffer nobody writes, a reader cannot hand out more records than the buffer holds. */
    private static final int MAX_DRAIN = CAPACITY / RECORD_LENGTH + 1;
    private static final long MARKER = 0x7E57_0000_0000L;
    /** More than the buffer holds: the transmitter wraps at least once. */
    private static final int RECOVERY_TRAJECTORIES = CAPACITY / RECORD_LENGTH + 2;
    private static final int LATEST = CAPACITY + BroadcastBufferDescriptor.LATEST_COUNTER_OFFSET;

    private static Path dir;
    private static BusDirectory bus;

    private TrajectoryPublisher publisher;
    private TrajectoryReader reader;
    private final boolean[] markerSeen = new boolean[RECOVERY_TRAJECTORIES + 1];
    private int markersReceived;

    @BeforeAll
    static void createBus() throws Exception
    {
        dir = Files.createTempDirectory("wmrt-fuzz-trajectory");
        bus = BusDirectory.create(dir.resolve("instance"));
    }

    @AfterAll
    static void deleteBus() throws Exception
    {
        bus.closeAndDelete();
        Files.deleteIfExists(dir);
    }

    static Stream<Arguments> shouldHandOutOnlyReadableTrajectoriesAndEndEveryDrain()
    {
        final int newest = NEWEST_BIAS + RecordDescriptor.HEADER_LENGTH + MessageHeaderEncoder.ENCODED_LENGTH;
        final int trailerTail = BroadcastBufferDescriptor.TAIL_COUNTER_OFFSET;
        final int trailerIntent = BroadcastBufferDescriptor.TAIL_INTENT_COUNTER_OFFSET;
        final int trailerLatest = BroadcastBufferDescriptor.LATEST_COUNTER_OFFSET;
        return Stream.of(
            seed("nothing published", input(0, 0)),
            seed("three published, none read", input(3, 0)),
            seed("200 published, the reader lapped", input(200, 1)),
            seed("waypoint count 1000", input(3, 0,
                write(NEAR_NEWEST, newest + TrajectoryDecoder.waypointCountEncodingOffset(), intBytes(1000)))),
            seed("waypoint count -1", input(3, 0,
                write(NEAR_NEWEST, newest + TrajectoryDecoder.waypointCountEncodingOffset(), intBytes(-1)))),
            seed("unknown plan mode", input(3, 0,
                write(NEAR_NEWEST, newest + TrajectoryDecoder.modeEncodingOffset(), new byte[]{7}))),
            seed("unknown backend", input(3, 0,
                write(NEAR_NEWEST, newest + TrajectoryDecoder.backendEncodingOffset(), new byte[]{(byte)200}))),
            seed("NaN waypoint", input(3, 0,
                write(NEAR_NEWEST, newest + TrajectoryDecoder.wpXEncodingOffset() + 4, intBytes(0x7fc00000)))),
            seed("wrong template id", input(3, 0,
                write(NEAR_NEWEST, NEWEST_BIAS + RecordDescriptor.HEADER_LENGTH + 2, new byte[]{9, 0}))),
            seed("record length 0", input(3, 0, write(NEAR_NEWEST, NEWEST_BIAS, intBytes(0)))),
            seed("record length negative", input(3, 0, write(NEAR_NEWEST, NEWEST_BIAS, intBytes(-4096)))),
            seed("record length past the buffer end", input(3, 0, write(NEAR_NEWEST, NEWEST_BIAS, intBytes(1 << 20)))),
            seed("record length of a header only", input(3, 0, write(NEAR_NEWEST, NEWEST_BIAS, intBytes(8)))),
            seed("padding that does not reach the end", input(3, 0,
                write(NEAR_NEWEST, NEWEST_BIAS + RecordDescriptor.TYPE_OFFSET, intBytes(-1)))),
            seed("tail far ahead", input(3, 0, write(TRAILER, trailerTail, longBytes(1L << 62)))),
            seed("tail behind the reader", input(3, 1, write(TRAILER, trailerTail, longBytes(8)))),
            seed("tail and intent half the number range ahead", input(3, 0,
                write(TRAILER, trailerTail, longBytes(Long.MIN_VALUE + 4096)),
                write(TRAILER, trailerIntent, longBytes(Long.MIN_VALUE + 4096)))),
            seed("intent far ahead, latest behind", input(10, 2,
                write(TRAILER, trailerIntent, longBytes(Long.MAX_VALUE)), write(TRAILER, trailerLatest, longBytes(0)))),
            seed("latest in the middle of a record", input(10, 0, write(TRAILER, trailerLatest, longBytes(12)))),
            seed("unaligned tail", input(3, 0, write(TRAILER, trailerTail, longBytes(3 * RECORD_LENGTH + 3)))),
            seed("a zeroed stretch", input(100, 10, write(ANYWHERE, 0, new byte[255]))));
    }

    @MethodSource
    @FuzzTest(maxExecutions = 50_000, maxDuration = "")
    void shouldHandOutOnlyReadableTrajectoriesAndEndEveryDrain(final byte[] input)
    {
        final AtomicBuffer buffer = bus.trajectoryBuffer();
        buffer.setMemory(0, buffer.capacity(), (byte)0);
        publisher = new TrajectoryPublisher(bus);
        reader = new TrajectoryReader(bus);

        final int published = input.length > 0 ? input[0] & 0xff : 0;
        final int polls = input.length > 1 ? input[1] & 0xff : 0;
        for (int i = 1; i <= published; i++)
        {
            publish(i);
        }
        for (int i = 0; i < polls; i++)
        {
            reader.poll(this::check);
        }
        overwrite(buffer, input);

        drain("after the overwrite");
        // The transmitter carries on from the tail it reads, through at least one wrap of the buffer. The reader
        // may lose the first trajectory after the garbage to re-joining at the tail, and one more if that tail was
        // unaligned: the transmitter's padding record at the wrap then spills into the trailer's tail intent, and
        // the record written with it looks overwritten. Every other one is received.
        Arrays.fill(markerSeen, false);
        markersReceived = 0;
        for (int i = 1; i <= RECOVERY_TRAJECTORIES; i++)
        {
            publish(MARKER + i);
            drain("after trajectory " + (MARKER + i) + " was published on the overwritten buffer");
        }
        assertTrue(markersReceived >= RECOVERY_TRAJECTORIES - 2, "the reader receives what the transmitter " +
            "publishes after the garbage: " + markersReceived + " of " + RECOVERY_TRAJECTORIES + " (passed over " +
            reader.malformedCount() + " malformed records)");
    }

    private void drain(final String when)
    {
        for (int i = 0; i <= MAX_DRAIN; i++)
        {
            if (reader.poll(this::check) == 0)
            {
                return;
            }
        }
        fail("a drain loop " + when + " handed out more than " + MAX_DRAIN + " records, more than the buffer holds");
    }

    private void check(final TrajectoryDecoder t)
    {
        final long marker = t.sequence() - MARKER;
        if (marker >= 1 && marker <= RECOVERY_TRAJECTORIES && !markerSeen[(int)marker])
        {
            markerSeen[(int)marker] = true;
            markersReceived++;
        }
        final int count = t.waypointCount();
        assertTrue(count >= 0 && count <= TrajectoryDecoder.wpXLength(), "waypoint count " + count);
        for (int i = 0; i < count; i++)
        {
            t.wpX(i);
            t.wpY(i);
            t.wpHeading(i);
            t.wpSpeed(i);
            t.wpT(i);
        }
        assertNotEquals(PlanMode.NULL_VAL, t.mode());
        assertNotEquals(BackendKind.NULL_VAL, t.backend());
        t.modelName();
    }

    private void publish(final long sequence)
    {
        final TrajectoryEncoder out = publisher.encoder();
        out.sequence(sequence).sceneSequence(sequence).sceneTimestampNs(sequence * 50_000_000L).tickNanos(1_000)
            .waypointCount(2).candidateCount(64).mode(PlanMode.NOMINAL).backend(BackendKind.ORT_CPU)
            .putModelName(new byte[24], 0);
        for (int i = 0; i < TrajectoryEncoder.wpXLength(); i++)
        {
            out.wpX(i, i).wpY(i, 0f).wpHeading(i, 0f).wpSpeed(i, 5f).wpT(i, 0.2f * (i + 1));
        }
        publisher.publish();
    }

    private static void overwrite(final AtomicBuffer buffer, final byte[] input)
    {
        final int newest = (int)buffer.getLong(LATEST) & (CAPACITY - 1);
        int i = 2;
        while (i + 4 <= input.length)
        {
            final int where = (input[i] & 0xff) % 3;
            final int offset = (input[i + 1] & 0xff) | (input[i + 2] & 0xff) << 8;
            final int length = Math.min(input[i + 3] & 0xff, input.length - i - 4);
            final int at;
            if (where == NEAR_NEWEST)
            {
                at = Math.floorMod(newest + offset - NEWEST_BIAS, CAPACITY);
            }
            else if (where == TRAILER)
            {
                at = CAPACITY + offset % BroadcastBufferDescriptor.TRAILER_LENGTH;
            }
            else
            {
                at = offset % CAPACITY;
            }
            buffer.putBytes(at, input, i + 4, Math.min(length, buffer.capacity() - at));
            i += 4 + length;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Seeds
    // ---------------------------------------------------------------------------------------------------------

    private static Arguments seed(final String name, final byte[] input)
    {
        return Arguments.of(Named.of(name, input));
    }

    static byte[] input(final int published, final int polls, final byte[]... writes)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(published);
        out.write(polls);
        for (final byte[] w : writes)
        {
            out.writeBytes(w);
        }
        return out.toByteArray();
    }

    static byte[] write(final int where, final int offset, final byte[] bytes)
    {
        final byte[] w = new byte[4 + bytes.length];
        w[0] = (byte)where;
        w[1] = (byte)offset;
        w[2] = (byte)(offset >>> 8);
        w[3] = (byte)bytes.length;
        System.arraycopy(bytes, 0, w, 4, bytes.length);
        return w;
    }

    static byte[] intBytes(final int value)
    {
        return new byte[]{(byte)value, (byte)(value >>> 8), (byte)(value >>> 16), (byte)(value >>> 24)};
    }

    static byte[] longBytes(final long value)
    {
        final byte[] b = new byte[8];
        for (int i = 0; i < 8; i++)
        {
            b[i] = (byte)(value >>> (8 * i));
        }
        return b;
    }
}
