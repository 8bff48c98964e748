package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.TrajectoryDecoder;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(
    name = "tail",
    mixinStandardHelpOptions = true,
    description = "Print trajectories as a runtime instance publishes them, from another process.")
final class TailCommand implements Callable<Integer>
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

    @Option(names = "--count", description = "stop after this many trajectories (default: never)")
    long count = Long.MAX_VALUE;

    @Option(names = "--wait-ms", description = "wait this long for the instance to appear (default: ${DEFAULT-VALUE})",
        defaultValue = "5000")
    long waitMs;

    private long seen;

    public Integer call() throws Exception
    {
        final Path instance = null != dir ? dir : Defaults.instanceDir();
        try (BusDirectory bus = BusDirectory.await(instance, waitMs))
        {
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final IdleStrategy idle = new BackoffIdleStrategy();
            while (seen < count && !Thread.currentThread().isInterrupted())
            {
                idle.idle(reader.poll(this::print));
            }
        }
        return 0;
    }

    private void print(final TrajectoryDecoder t)
    {
        seen++;
        final int last = t.waypointCount() - 1;
        System.out.printf(Locale.ROOT,
            "traj %d scene %d %s %s %s: %d wp, end (%.1f, %.1f) at %.1f m/s; cost %.1f [collision %.0f ttc %.1f " +
            "progress %.1f comfort %.2f lane %.2f light %.0f ped %.2f]; tick %.2f ms%n",
            t.sequence(), t.sceneSequence(), t.modelName(), t.backend(), t.mode(), t.waypointCount(),
            last >= 0 ? t.wpX(last) : 0f, last >= 0 ? t.wpY(last) : 0f, last >= 0 ? t.wpSpeed(last) : 0f,
            t.costTotal(), t.costCollision(), t.costTtc(), t.costProgress(), t.costComfort(), t.costLane(),
            t.costRedLight(), t.costPedestrian(), t.tickNanos() / 1e6);
    }
}
