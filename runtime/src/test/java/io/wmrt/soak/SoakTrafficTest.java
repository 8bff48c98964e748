package io.wmrt.soak;

import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak's traffic over an hour at 10 Hz, read back from the frames it writes: it moves, it obeys the lights,
 * it never puts anyone in the ego's path, and it is the same every run.
 */
class SoakTrafficTest
{
    private static final double DT = 0.1;
    private static final int HOUR = 36_000;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneWriter.FRAME_LENGTH]);
    private final SceneFrameEncoder encoder = new SceneFrameEncoder();
    private final SceneFrameDecoder frame = new SceneFrameDecoder();

    private SceneFrameDecoder write(final SoakTraffic traffic, final long step)
    {
        traffic.write(encoder.wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()), step, step * 100_000_000L);
        return frame.wrapAndApplyHeader(buffer, 0, new MessageHeaderDecoder());
    }

    /**
     * @return how far ahead of the ego's front its next stop line is, from the frame alone.
     */
    private static double lineAheadOfFront(final SceneFrameDecoder frame)
    {
        return frame.lightStopS(0) - (frame.egoX() - frame.routeX(0)) - frame.egoLength() / 2;
    }

    @Test
    void shouldDriveOnStoppingForRedLightsWithoutEverCrossingALineOnRed()
    {
        final SoakTraffic traffic = new SoakTraffic(DT, 11);
        double previousAhead = lineAheadOfFront(write(traffic, 0));
        byte previousLight = frame.lightState(0);
        int stops = 0;
        int crossings = 0;
        double distance = 0;
        double previousSpeed = traffic.egoSpeed();
        for (int step = 1; step <= HOUR; step++)
        {
            traffic.step();
            final SceneFrameDecoder f = write(traffic, step);
            final double ahead = lineAheadOfFront(f);
            if (ahead > previousAhead + 100)
            {
                crossings++;
                assertTrue(previousLight != SceneCodes.LIGHT_RED, "crossed a stop line on red at step " + step);
            }
            if (previousSpeed > 0.1 && traffic.egoSpeed() <= 0.1)
            {
                stops++;
            }
            distance += traffic.egoSpeed() * DT;
            previousAhead = ahead;
            previousLight = f.lightState(0);
            previousSpeed = traffic.egoSpeed();
        }
        assertTrue(crossings > 50, "lights passed in an hour: " + crossings);
        assertTrue(stops > 20, "stops at red lights in an hour: " + stops);
        assertTrue(distance > 20_000, "metres driven in an hour: " + distance);
    }

    @Test
    void shouldKeepEveryRoadUserOutOfTheEgosPathForAnHour()
    {
        final SoakTraffic traffic = new SoakTraffic(DT, 11);
        double smallestLeadGap = Double.MAX_VALUE;
        boolean sawPedestrian = false;
        boolean sawCyclist = false;
        boolean sawOncoming = false;
        for (int step = 0; step < HOUR; step++)
        {
            traffic.step();
            smallestLeadGap = Math.min(smallestLeadGap, traffic.leadGap());
            final SceneFrameDecoder f = write(traffic, step);
            final double egoFront = f.egoX() + f.egoLength() / 2;
            final double halfLane = f.laneWidth() / 2;
            for (int j = 0; j < f.agentCount(); j++)
            {
                final byte kind = f.agentKind(j);
                sawPedestrian |= kind == SceneCodes.PEDESTRIAN;
                sawCyclist |= kind == SceneCodes.CYCLIST;
                sawOncoming |= f.agentY(j) > halfLane && f.agentSpeed(j) > 0;
                final boolean inEgoLane = Math.abs(f.agentY(j)) < halfLane + f.agentWidth(j) / 2;
                final double ahead = f.agentX(j) - f.agentLength(j) / 2 - egoFront;
                if (inEgoLane && ahead > -f.egoLength() - f.agentLength(j))
                {
                    // In the ego's lane (the lead car, a walker crossing while the ego waits): never near it.
                    assertTrue(ahead > 2.0, "agent " + f.agentId(j) + " of kind " + kind + " " + ahead +
                        " m ahead in the ego's lane at step " + step);
                }
            }
        }
        assertTrue(smallestLeadGap > 2.0, "smallest gap to the lead car " + smallestLeadGap);
        assertTrue(sawPedestrian && sawCyclist && sawOncoming);
    }

    @Test
    void shouldWriteTheSameFramesWhenRunAgain()
    {
        final SoakTraffic first = new SoakTraffic(DT, 11);
        final SoakTraffic second = new SoakTraffic(DT, 11);
        final UnsafeBuffer other = new UnsafeBuffer(new byte[SceneWriter.FRAME_LENGTH]);
        for (int step = 0; step < 3000; step++)
        {
            first.step();
            second.step();
            write(first, step);
            second.write(new SceneFrameEncoder().wrapAndApplyHeader(other, 0, new MessageHeaderEncoder()), step,
                step * 100_000_000L);
            assertEquals(0, buffer.compareTo(other), "frames differ at step " + step);
        }
    }
}
