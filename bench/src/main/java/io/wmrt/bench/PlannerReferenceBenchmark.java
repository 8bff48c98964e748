package io.wmrt.bench;

import io.wmrt.bench.reference.RecordedScenes;
import io.wmrt.bench.reference.ReferenceCandidateGenerator;
import io.wmrt.bench.reference.ReferenceTrajectoryScorer;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.BufferUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link PlannerStagesBenchmark#candidatesAndScoring} against the implementation it replaced, in the same run:
 * {@link #lean} is today's candidate generator and scorer, {@link #reference} the frozen copies in
 * {@code io.wmrt.bench.reference} (K = 64, H = 30, N = 32 slots, the host profile, cv-baseline's rollout of the
 * scene). Two scenes:
 * <ul>
 *   <li>{@code straight-road}: {@link StraightRoadScene}'s first scene, three agents, as PlannerStagesBenchmark.</li>
 *   <li>{@code busiest-recorded}: the scene of the decision corpus ({@code bench/corpus/decision-corpus}, recorded
 *   from the rig) with the most agents, 18 on a corridor.</li>
 * </ul>
 * Both planners get the same scene, previous plan and rollout; DecisionCorpusTest holds their choices equal.
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -jar bench/target/benchmarks.jar PlannerReferenceBenchmark
 * </pre>
 * Threading: the state is per benchmark thread; run it with one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class PlannerReferenceBenchmark
{
    @Param({"straight-road", "busiest-recorded"})
    public String scene;

    private SceneSnapshot snapshot;
    private CandidateSet candidates;
    private CandidateGenerator generator;
    private TrajectoryScorer scorer;
    private ReferenceCandidateGenerator referenceGenerator;
    private ReferenceTrajectoryScorer referenceScorer;
    private FloatBuffer agentFuture;
    private float[] previousAccel;
    private float[] previousSteer;
    private double shiftSteps;

    /** As {@link PlannerStagesBenchmark#setUp}: the fixture is closed before the first iteration. */
    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        try (CvBaselineFixture fixture = new CvBaselineFixture(writer(scene)))
        {
            final PlannerConfig config = fixture.config();
            final FloatBuffer future = fixture.arena().floats(ModelPackage.AGENT_FUTURE_TENSOR);
            agentFuture = BufferUtil.allocateDirectAligned(future.capacity() * Float.BYTES, 64)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
            agentFuture.put(future.duplicate()).clear();
            snapshot = fixture.scene();
            candidates = new CandidateSet(config.candidates(), config.horizon());
            generator = new CandidateGenerator(config);
            scorer = new TrajectoryScorer(config);
            referenceGenerator = new ReferenceCandidateGenerator(config);
            referenceScorer = new ReferenceTrajectoryScorer(config);

            generator.generate(snapshot, candidates, null, null, 0);
            final int best = lean(false);
            final int h = config.horizon();
            previousAccel = new float[h];
            previousSteer = new float[h];
            System.arraycopy(candidates.accel, best * h, previousAccel, 0, h);
            System.arraycopy(candidates.steer, best * h, previousSteer, 0, h);
            shiftSteps = (fixture.profile().planner().tickPeriodNs() / 1e9) / config.dtSeconds();
        }
    }

    @Benchmark
    public int lean()
    {
        return lean(true);
    }

    @Benchmark
    public int reference()
    {
        referenceGenerator.generate(snapshot, candidates, previousAccel, previousSteer, shiftSteps);
        int selected = 0;
        referenceScorer.prepare(snapshot);
        for (int k = 0; k < candidates.candidates; k++)
        {
            referenceScorer.score(snapshot, candidates, agentFuture, k);
            if (referenceScorer.total[k] < referenceScorer.total[selected])
            {
                selected = k;
            }
        }
        return selected;
    }

    private int lean(final boolean generate)
    {
        if (generate)
        {
            generator.generate(snapshot, candidates, previousAccel, previousSteer, shiftSteps);
        }
        scorer.prepare(snapshot);
        return scorer.select(snapshot, candidates, agentFuture, null, candidates.candidates, false);
    }

    private static Consumer<SceneFrameEncoder> writer(final String scene) throws Exception
    {
        switch (scene)
        {
            case "straight-road":
                return frame -> StraightRoadScene.write(frame, 1);
            case "busiest-recorded":
                RecordedScenes busiest = null;
                int busiestStep = -1;
                int most = -1;
                final Path corpus = RecordedScenes.corpus(BenchEnvironment.repositoryRoot());
                for (final Path run : RecordedScenes.runs(corpus))
                {
                    final RecordedScenes scenes = RecordedScenes.read(run);
                    for (int t = 0; t < scenes.steps; t++)
                    {
                        if (scenes.agentCount(t) > most)
                        {
                            most = scenes.agentCount(t);
                            busiest = scenes;
                            busiestStep = t;
                        }
                    }
                }
                if (null == busiest)
                {
                    throw new IllegalStateException("no recorded scenes in " + corpus);
                }
                final RecordedScenes chosen = busiest;
                final int step = busiestStep;
                return frame -> chosen.encode(frame, step);
            default:
                throw new IllegalArgumentException("scene: straight-road or busiest-recorded, not " + scene);
        }
    }
}
