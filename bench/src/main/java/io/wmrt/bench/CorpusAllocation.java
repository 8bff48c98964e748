package io.wmrt.bench;

import io.wmrt.bench.reference.RecordedScenes;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.telemetry.TickStats;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;

/**
 * Where a rig run's allocation comes from: replays one run of the decision corpus (scenes recorded from the rig)
 * through a fresh runtime many times over, on this thread, and prints per pass how many ticks allocated and how
 * many bytes. A rig run's runtime lives a few seconds of wall time, so its "after warm-up" average still holds
 * the JIT's one-off re-allocations; this shows them thin out to none.
 * <p>
 * Usage: {@code java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp bench/target/benchmarks.jar
 * io.wmrt.bench.CorpusAllocation [RUN_DIR] [MODEL_DIR] [passes]}; defaults: the corpus's red-light-queue run,
 * models/cv-baseline, 30 passes.
 */
public final class CorpusAllocation
{
    private CorpusAllocation()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path root = BenchEnvironment.repositoryRoot();
        final Path run = args.length > 0 ? Path.of(args[0]) :
            RecordedScenes.corpus(root).resolve("red-light-queue-seed11");
        final Path modelDir = args.length > 1 ? Path.of(args[1]) : BenchEnvironment.model("cv-baseline");
        final int passes = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        final HardwareProfile profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(modelDir, ModelPackageLoader.Trust.none());
        final RecordedScenes scenes = RecordedScenes.read(run);
        final Path dir = BenchEnvironment.newScratchDirectory("wmrt-corpus-allocation");
        try (BusDirectory bus = BusDirectory.create(dir.resolve("bus"));
            WmrtRuntime runtime = new WmrtRuntime(profile, model, PlannerConfig.from(model, profile).conclude(), bus,
                SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE))
        {
            final PlannerAgent agent = runtime.agent();
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final TrajectoryReader.Handler ignore = t -> { };
            System.out.printf("%s, %s: %d scenes a pass%n", run.getFileName(), model.name(), scenes.steps);
            long sequence = 0;
            for (int pass = 1; pass <= passes; pass++)
            {
                long bytes = 0;
                int ticks = 0;
                for (int t = 0; t < scenes.steps; t++)
                {
                    final SceneFrameEncoder frame = writer.claim();
                    scenes.encode(frame, t);
                    frame.sequence(++sequence).timestampNs(sequence * 100_000_000L);
                    writer.commit();
                    final long before = TickStats.threadAllocatedBytes();
                    agent.doWork();
                    final long allocated = TickStats.threadAllocatedBytes() - before;
                    while (reader.poll(ignore) > 0)
                    {
                        // drain
                    }
                    if (allocated > 0)
                    {
                        bytes += allocated;
                        ticks++;
                    }
                }
                System.out.printf("pass %2d: %d of %d ticks allocated, %d bytes%n", pass, ticks, scenes.steps, bytes);
            }
        }
        finally
        {
            BenchEnvironment.deleteQuietly(dir);
        }
    }
}
