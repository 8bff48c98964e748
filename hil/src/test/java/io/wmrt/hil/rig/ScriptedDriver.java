package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * Stands in for the runtime in rig tests, in its own process and on the same bus, taking the same
 * arguments as {@code wmrt run}: it answers every scene with a plan that drives on at a fixed speed and
 * a fixed world heading (the first scene's heading plus an offset), whatever is in the way. That lets a
 * test script a collision, a red-light crossing or leaving the road and check that the rig scores it.
 *
 * <p>Script: system property {@value #SCRIPT} = "speed_mps,heading_offset_rad".
 */
public final class ScriptedDriver
{
    public static final String SCRIPT = "wmrt.test.driver";

    private ScriptedDriver()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Path dir = null;
        for (int i = 0; i + 1 < args.length; i++)
        {
            if ("--dir".equals(args[i]))
            {
                dir = Path.of(args[i + 1]);
            }
        }
        final String[] script = System.getProperty(SCRIPT, "10,0").split(",");
        final double speed = Double.parseDouble(script[0]);
        final double offset = Double.parseDouble(script[1]);
        final BusDirectory bus = BusDirectory.create(dir);
        final ManyToOneRingBuffer scenes = new ManyToOneRingBuffer(bus.sceneRingBuffer());
        final TrajectoryPublisher publisher = new TrajectoryPublisher(bus);
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final SceneFrameDecoder scene = new SceneFrameDecoder();
        final double[] heading = {Double.NaN};
        final long[] published = {0};
        while (true)
        {
            final int read = scenes.read((type, buffer, index, length) ->
            {
                scene.wrapAndApplyHeader(buffer, index, header);
                if (Double.isNaN(heading[0]))
                {
                    heading[0] = scene.egoHeading() + offset;
                }
                final double c = Math.cos(heading[0]);
                final double s = Math.sin(heading[0]);
                final TrajectoryEncoder plan = publisher.encoder();
                plan.sequence(++published[0]).sceneSequence(scene.sequence()).sceneTimestampNs(scene.timestampNs())
                    .tickNanos(1_000_000L).waypointCount(30).candidateCount(1);
                for (int i = 0; i < 30; i++)
                {
                    final double t = 0.2 * (i + 1);
                    plan.wpX(i, (float)(scene.egoX() + c * speed * t)).wpY(i, (float)(scene.egoY() + s * speed * t))
                        .wpHeading(i, (float)heading[0]).wpSpeed(i, (float)speed).wpT(i, (float)t);
                }
                publisher.publish();
            });
            if (read == 0)
            {
                LockSupport.parkNanos(50_000);
            }
        }
    }
}
