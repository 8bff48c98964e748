package io.wmrt.bench;

import io.wmrt.bus.SceneWriter;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The planner's own stages of a tick, without the bus and without inference, for models/cv-baseline with
 * the host profile (K = 64 candidates, H = 30 steps, N = 32 agent slots):
 * <ul>
 *   <li>{@link #scenePacking}: one op decodes the {@link StraightRoadScene} SceneFrame as the planner does,
 *   {@link SceneSnapshot#load loads} it into the ego frame and {@link SceneSnapshot#packAgents packs} the
 *   agents tensor [1, N, 8] into a direct FloatBuffer.</li>
 *   <li>{@link #candidatesAndScoring}: one op {@link CandidateGenerator#generate generates} the K candidates
 *   (lattice plus samples around the previous plan, shifted by one tick),
 *   {@link TrajectoryScorer#prepare prepares} the scorer for the scene and {@link TrajectoryScorer#select
 *   selects} the cheapest of all K against an agent_future tensor [K, H, N, 3] filled once, in set-up, by a
 *   real cv-baseline rollout on ONNX Runtime, as the planner agent does (candidates that cannot win are left
 *   part-scored).</li>
 *   <li>{@link #candidates}: the generation alone, so that a run says how the two stages share the time.</li>
 * </ul>
 * Threading: the state is per benchmark thread; run it with one thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class PlannerStagesBenchmark
{
    private PlannerConfig config;

    // scenePacking
    private final UnsafeBuffer frameBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(SceneWriter.FRAME_LENGTH, 64));
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SceneFrameDecoder sceneDecoder = new SceneFrameDecoder();
    private final SceneSnapshot packedScene = new SceneSnapshot();
    private FloatBuffer agentsTensor;

    // candidatesAndScoring
    private SceneSnapshot scoredScene;
    private CandidateSet candidates;
    private CandidateGenerator generator;
    private TrajectoryScorer scorer;
    private FloatBuffer agentFuture;
    private float[] previousAccel;
    private float[] previousSteer;
    private double shiftSteps;

    /**
     * Everything is taken from a {@link CvBaselineFixture} that is closed again before the first iteration:
     * JMH runs a trial's tear-down inside the last measured iteration, where closing ONNX Runtime sessions
     * would be counted as this benchmark's allocation.
     */
    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        try (CvBaselineFixture fixture = new CvBaselineFixture())
        {
            config = fixture.config();
            StraightRoadScene.write(
                new SceneFrameEncoder().wrapAndApplyHeader(frameBuffer, 0, new MessageHeaderEncoder()), 1);
            agentsTensor = directFloats(config.maxAgents() * ModelPackage.AGENT_FEATURES);

            // The output of a real rollout over this scene, copied out of the arena before the graphs close.
            final FloatBuffer future = fixture.arena().floats(ModelPackage.AGENT_FUTURE_TENSOR);
            agentFuture = directFloats(future.capacity());
            agentFuture.put(future.duplicate()).clear();

            scoredScene = fixture.scene();
            candidates = new CandidateSet(config.candidates(), config.horizon());
            generator = new CandidateGenerator(config);
            scorer = new TrajectoryScorer(config);

            // A steady-state tick starts from a previous plan: take the best of a first pass without one,
            // shifted by one tick period as the agent does.
            generator.generate(scoredScene, candidates, null, null, 0);
            final int best = scoreAll();
            final int h = config.horizon();
            previousAccel = new float[h];
            previousSteer = new float[h];
            System.arraycopy(candidates.accel, best * h, previousAccel, 0, h);
            System.arraycopy(candidates.steer, best * h, previousSteer, 0, h);
            shiftSteps = (fixture.profile().planner().tickPeriodNs() / 1e9) / config.dtSeconds();
        }
    }

    @Benchmark
    public float scenePacking()
    {
        sceneDecoder.wrapAndApplyHeader(frameBuffer, 0, headerDecoder);
        packedScene.load(sceneDecoder, config.maxAgents(), config.agentRangeM());
        packedScene.packAgents(agentsTensor, config.maxAgents());
        return agentsTensor.get(0) + packedScene.agentCount;
    }

    @Benchmark
    public int candidatesAndScoring()
    {
        generator.generate(scoredScene, candidates, previousAccel, previousSteer, shiftSteps);
        return scoreAll();
    }

    /** The generation part of {@link #candidatesAndScoring} alone: the rest of it is the selection. */
    @Benchmark
    public int candidates()
    {
        generator.generate(scoredScene, candidates, previousAccel, previousSteer, shiftSteps);
        return candidates.latticeCount;
    }

    private int scoreAll()
    {
        scorer.prepare(scoredScene);
        return scorer.select(scoredScene, candidates, agentFuture, null, candidates.candidates, false);
    }

    private static FloatBuffer directFloats(final int count)
    {
        return BufferUtil.allocateDirectAligned(count * Float.BYTES, 64).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
