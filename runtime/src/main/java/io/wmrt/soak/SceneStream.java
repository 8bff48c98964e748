package io.wmrt.soak;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.util.SplittableRandom;

/**
 * The soak's producer side: valid frames of {@link SoakTraffic}, one per slot at the scene rate, and the
 * malformed items of {@link MalformedKind} in rotation, written between them. Frame sequences increase by one
 * per SceneFrame written, malformed ones included; timestamps are slot times on the scene clock, so a valid
 * frame is always newer than anything accepted before it.
 * <p>
 * Not thread safe: owned by the soak's producer thread.
 */
final class SceneStream
{
    /** Slot 0's timestamp: any positive origin does. */
    static final long TIMESTAMP_ORIGIN_NS = 1_000_000_000L;

    private static final int GARBAGE_MSG_TYPE = 0x5a5a;
    private static final int GARBAGE_LENGTH = 200;
    private static final long LEAP_NS = 3_600_000_000_000L;

    private final SceneWriter writer;
    private final ManyToOneRingBuffer ring;
    private final SoakTraffic traffic;
    private final long periodNs;
    private final SplittableRandom random;
    private final UnsafeBuffer garbage = new UnsafeBuffer(new byte[SceneWriter.FRAME_LENGTH]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final long[] malformedWritten = new long[MalformedKind.values().length];
    private long trafficSlot;
    private long sequence;
    private long lastAcceptedTimestampNs = Long.MIN_VALUE;
    private long validWritten;
    private long ringFull;
    private int rotation;
    private int staleWritten;
    private int leapsWritten;

    SceneStream(final BusDirectory bus, final SoakTraffic traffic, final long periodNs, final long seed)
    {
        writer = new SceneWriter(bus);
        ring = new ManyToOneRingBuffer(bus.sceneRingBuffer());
        this.traffic = traffic;
        this.periodNs = periodNs;
        random = new SplittableRandom(seed);
    }

    /**
     * @return the timestamp of slot {@code slot}'s valid frame.
     */
    long slotTimestampNs(final long slot)
    {
        return TIMESTAMP_ORIGIN_NS + slot * periodNs;
    }

    /**
     * Move the traffic on to slot {@code slot} (through any slots skipped) and write its valid frame.
     *
     * @return the frame's sequence, or -1 when the ring was full.
     */
    long writeValid(final long slot)
    {
        while (trafficSlot < slot)
        {
            traffic.step();
            trafficSlot++;
        }
        final SceneFrameEncoder f = writer.claim();
        if (null == f)
        {
            ringFull++;
            return -1;
        }
        final long timestampNs = slotTimestampNs(slot);
        traffic.write(f, ++sequence, timestampNs);
        writer.commit();
        lastAcceptedTimestampNs = timestampNs;
        validWritten++;
        return sequence;
    }

    /**
     * The next malformed item in rotation, half a period after slot {@code slot}'s valid frame: a frame made
     * from the same scene with one thing wrong, or a ring record that is no SceneFrame.
     *
     * @return its kind, or null when the ring was full.
     */
    MalformedKind writeMalformed(final long slot)
    {
        final MalformedKind[] kinds = MalformedKind.values();
        final MalformedKind kind = kinds[rotation];
        rotation = (rotation + 1) % kinds.length;
        final boolean written = kind.record() ? writeRecord(kind) : writeFrame(kind, slot);
        if (!written)
        {
            ringFull++;
            return null;
        }
        malformedWritten[kind.ordinal()]++;
        return kind;
    }

    private boolean writeRecord(final MalformedKind kind)
    {
        for (int i = 0; i < SceneWriter.FRAME_LENGTH; i++)
        {
            garbage.putByte(i, (byte)random.nextInt(256));
        }
        if (kind == MalformedKind.GARBAGE_RECORD)
        {
            return ring.write(GARBAGE_MSG_TYPE, garbage, 0, GARBAGE_LENGTH);
        }
        // The right type and length for a SceneFrame, but the header names a template of some other schema.
        header.wrap(garbage, 0).blockLength(SceneFrameEncoder.BLOCK_LENGTH).templateId(SceneFrameEncoder.TEMPLATE_ID + 40)
            .schemaId(SceneFrameEncoder.SCHEMA_ID + 1).version(SceneFrameEncoder.SCHEMA_VERSION);
        return ring.write(BusLayout.SCENE_MSG_TYPE, garbage, 0, SceneWriter.FRAME_LENGTH);
    }

    private boolean writeFrame(final MalformedKind kind, final long slot)
    {
        final SceneFrameEncoder f = writer.claim();
        if (null == f)
        {
            return false;
        }
        final long timestampNs = timestampNs(kind, slot);
        traffic.write(f, ++sequence, timestampNs);
        // The slot after the traffic's agents (the last slot when they fill the frame).
        final int bad = Math.min(traffic.agentCount(), SceneFrameEncoder.agentXLength() - 1);
        final float egoX = traffic.frameEgoX();
        switch (kind)
        {
            case NAN_AGENT_POSITION:
                addAgent(f, bad, egoX).agentX(bad, Float.NaN);
                break;
            case INF_AGENT_HEADING:
                addAgent(f, bad, egoX).agentHeading(bad, Float.POSITIVE_INFINITY);
                break;
            case HUGE_AGENT_HEADING:
                addAgent(f, bad, egoX).agentHeading(bad, 1e30f);
                break;
            case NAN_EGO_SPEED:
                f.egoSpeed(Float.NaN);
                break;
            case INF_EGO_HEADING:
                f.egoHeading(Float.NEGATIVE_INFINITY);
                break;
            case NAN_STOP_LINE_UNDER_RED:
                f.lightCount(1).lightStopS(0, Float.NaN).lightState(0, SceneCodes.LIGHT_RED);
                break;
            case ABSURD_AGENT_COUNT:
                f.agentCount(1_000_000);
                break;
            case ABSURD_ROUTE_COUNT:
                f.routePointCount(-7);
                break;
            case INF_ROUTE_POINT:
                f.routeX(5, Float.POSITIVE_INFINITY);
                break;
            default:
                break;
        }
        writer.commit();
        if (kind.planned())
        {
            lastAcceptedTimestampNs = timestampNs;
        }
        return true;
    }

    /**
     * Half a period after the slot's frame, but for the kinds whose timestamp is what is wrong: it repeats the
     * last accepted one or goes one period back (stale), or leaps an hour or to the end of time ahead.
     */
    private long timestampNs(final MalformedKind kind, final long slot)
    {
        switch (kind)
        {
            case STALE_TIMESTAMP:
                return lastAcceptedTimestampNs - (staleWritten++ % 2) * periodNs;
            case LEAPING_TIMESTAMP:
                return leapsWritten++ % 2 == 0 ? lastAcceptedTimestampNs + LEAP_NS : Long.MAX_VALUE;
            default:
                return slotTimestampNs(slot) + periodNs / 2;
        }
    }

    /**
     * One more agent after the traffic's, valid in every field but the one the caller then spoils: a car standing
     * 12 m ahead in the ego's lane, where a phantom would stop the ego if the runtime used it.
     */
    private static SceneFrameEncoder addAgent(final SceneFrameEncoder f, final int j, final float egoX)
    {
        final float ahead = egoX + 12f;
        return f.agentCount(j + 1).agentId(j, 900_000 + j).agentKind(j, SceneCodes.VEHICLE)
            .agentX(j, ahead).agentY(j, -1f).agentHeading(j, 0f).agentSpeed(j, 0f).agentYawRate(j, 0f)
            .agentLength(j, 4.5f).agentWidth(j, 1.9f);
    }

    /**
     * @return the sequence of the last SceneFrame written (valid or not).
     */
    long lastSequence()
    {
        return sequence;
    }

    long validWritten()
    {
        return validWritten;
    }

    long malformedWritten(final MalformedKind kind)
    {
        return malformedWritten[kind.ordinal()];
    }

    /**
     * @return items not written because the ring was full (the runtime was not reading).
     */
    long ringFull()
    {
        return ringFull;
    }
}
