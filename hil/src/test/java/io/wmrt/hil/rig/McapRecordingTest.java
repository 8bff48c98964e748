package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneEcho;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameEncoder;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rig's MCAP recording keeps every scene when the rig paces itself by it, and loses scenes when it does not:
 * the scene echo holds about 48 frames, and a producer that runs ahead of the recorder thread laps it.
 */
class McapRecordingTest
{
    private static final int SCENES = 400;
    private static final Pattern SCENES_RECORDED = Pattern.compile("(\\d+) scenes, .*laps lost: (\\d+)");

    @TempDir
    Path dir;

    @Test
    void shouldRecordEveryScenePublishedWhenTheProducerAwaitsTheRecorder() throws Exception
    {
        final long[] recorded = publish(true);
        assertEquals(SCENES, recorded[0], "scenes recorded");
        assertEquals(0, recorded[1], "laps lost");
    }

    @Test
    void shouldLoseScenesWhenTheProducerRunsAhead() throws Exception
    {
        final long[] recorded = publish(false);
        assertTrue(recorded[0] < SCENES, "recorded " + recorded[0] + " of " + SCENES + " published back to back");
        assertTrue(recorded[1] > 0, "laps lost");
    }

    private long[] publish(final boolean paced) throws Exception
    {
        try (BusDirectory bus = BusDirectory.create(dir.resolve("bus")))
        {
            final SceneEcho echo = new SceneEcho(bus);
            final UnsafeBuffer frame = new UnsafeBuffer(
                new byte[MessageHeaderEncoder.ENCODED_LENGTH + SceneFrameEncoder.BLOCK_LENGTH]);
            final SceneFrameEncoder encoder = new SceneFrameEncoder();
            final String summary;
            try (McapRecording recording = McapRecording.start(bus, null, dir.resolve("run.mcap"), "test"))
            {
                for (int i = 1; i <= SCENES; i++)
                {
                    if (paced)
                    {
                        assertTrue(recording.awaitRecorded(i - 1, 8, 30_000), "caught up before scene " + i);
                    }
                    encoder.wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
                        .sequence(i).timestampNs(i * 100_000_000L).egoX(i).egoY(0).egoHeading(0).egoSpeed(1)
                        .egoLength(4.6f).egoWidth(1.9f).speedLimit(10).laneWidth(3.5f).drivableLeft(1.75f)
                        .drivableRight(1.75f).agentCount(0).routePointCount(0).lightCount(0);
                    echo.echo(frame, 0);
                }
                recording.close();
                summary = recording.summary();
            }
            final Matcher m = SCENES_RECORDED.matcher(summary);
            assertTrue(m.find(), summary);
            return new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
    }
}
