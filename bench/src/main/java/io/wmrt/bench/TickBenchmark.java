package io.wmrt.bench;

import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One op is one full planner tick, as {@code wmrt run} does it, with models/cv-baseline and the host profile:
 * write one SceneFrame (the {@link StraightRoadScene}, next sequence) into the scene ring with
 * {@link SceneWriter}, call {@link PlannerAgent#doWork()} (pack, encoder, batched rollout of K x H, score
 * every candidate, select, publish), and drain the published Trajectory with a {@link TrajectoryReader}.
 * <p>
 * Both graphs run on the backend named by {@link #backend}: the host profile's dispatch order is replaced by
 * that one id, so the tick never silently runs elsewhere. {@code ort-cpu} (ONNX Runtime Java, pinned
 * outputs) and {@code ort-native} (the native bridge's IoBinding path, the runtime's default) are both run.
 * <p>
 * Threading: the state is per benchmark thread (run it with one thread); the agent is driven directly on
 * that thread, as the closed-loop demo does, not by an AgentRunner.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    BenchEnvironment.ADD_OPENS, BenchEnvironment.GC, BenchEnvironment.HEAP_MIN, BenchEnvironment.HEAP_MAX})
public class TickBenchmark
{
    /** The backend id both graphs are dispatched to (a hardware-profile dispatch id). */
    @Param({NativeOrtBackend.ID, OrtCpuBackend.ID})
    public String backend;

    /**
     * Where the tick's threads run: unset (the host profile's choice, the scheduler's placement) or {@code P:H},
     * the benchmark thread (the planner) pinned to CPU P and the planner's helper to CPU H:
     * {@code -jvmArgsAppend -Dwmrt.bench.cores=0:1}. A system property, not a parameter, so that the gate's names
     * for the tick's results stay as they are.
     */
    public static final String CORES_PROPERTY = "wmrt.bench.cores";

    private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;
    private Path busDir;
    private BusDirectory bus;
    private WmrtRuntime runtime;
    private PlannerAgent agent;
    private SceneWriter writer;
    private TrajectoryReader reader;
    private long sceneSequence;
    private long lastTrajectorySequence;
    private long lastTrajectorySceneSequence;
    private float lastWaypointX;

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        final HardwareProfile host = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        final Map<String, List<String>> onlyThisBackend = Map.of(HardwareProfileLoader.DEFAULT_ROLE, List.of(backend));
        HardwareProfile.Cpu cpu = host.cpu();
        final String cores = System.getProperty(CORES_PROPERTY, "");
        if (!cores.isEmpty())
        {
            final String[] pair = cores.split(":");
            final int plannerCore;
            final int helperCore;
            try
            {
                if (pair.length != 2)
                {
                    throw new NumberFormatException("two CPUs wanted");
                }
                plannerCore = Integer.parseInt(pair[0].trim());
                helperCore = Integer.parseInt(pair[1].trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(CORES_PROPERTY + ": P:H (the planner's CPU and the helper's), not " +
                    cores, ex);
            }
            // A CPU the machine lacks is refused by the runtime's own check, naming the key.
            cpu = new HardwareProfile.Cpu(cpu.cores(), plannerCore, helperCore, cpu.isa());
        }
        final HardwareProfile profile = new HardwareProfile(host.file(), host.soc(), host.description(), host.npu(),
            cpu, host.memoryBandwidthGBps(), host.planner(), onlyThisBackend, host.requireSignedModels(),
            host.trustedKeys());
        final ModelPackage model = ModelPackageLoader.load(
            BenchEnvironment.model(modelName()), ModelPackageLoader.Trust.none());
        final PlannerConfig config = PlannerConfig.from(model, profile).debugCandidates(debugCandidates()).conclude();
        busDir = BenchEnvironment.newScratchDirectory("wmrt-bench-tick-");
        bus = BusDirectory.create(busDir);
        runtime = new WmrtRuntime(profile, model, config, bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
        agent = runtime.agent();
        writer = new SceneWriter(bus);
        reader = new TrajectoryReader(bus);
        if (cpu.plannerCore() >= 0)
        {
            // As the agent's runner does on its own thread: the planner's CPU, then the helper pinned to its own.
            CpuAffinity.pinCurrentThread(cpu.plannerCore());
            agent.onStart();
        }

        // Fail here, not with a meaningless number, if a tick does not plan and publish on the chosen backend.
        tick();
        if (lastTrajectorySceneSequence != sceneSequence)
        {
            throw new IllegalStateException("the first tick published no trajectory for scene " + sceneSequence);
        }
        final String expected = "encoder=" + backend + ", rollout=" + backend;
        if (!runtime.backendSummary().equals(expected))
        {
            throw new IllegalStateException("expected " + expected + ", got " + runtime.backendSummary() + ": " +
                String.join("; ", runtime.dispatchReport()));
        }
    }

    /** Whether the planner publishes every candidate ({@code wmrt run --debug-candidates}). */
    protected boolean debugCandidates()
    {
        return false;
    }

    /** The package under models/ whose graphs the tick runs. */
    protected String modelName()
    {
        return "cv-baseline";
    }

    @Benchmark
    public long tick()
    {
        final SceneFrameEncoder frame = writer.claim();
        if (null == frame)
        {
            throw new IllegalStateException("scene ring full: the planner did not consume the previous scene");
        }
        StraightRoadScene.write(frame, ++sceneSequence);
        writer.commit();
        agent.doWork();
        int received;
        do
        {
            received = reader.poll(onTrajectory);
        }
        while (received > 0);
        return lastTrajectorySequence + Float.floatToRawIntBits(lastWaypointX);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (null != runtime)
        {
            runtime.close();
        }
        if (null != bus)
        {
            bus.close();
        }
        BenchEnvironment.deleteQuietly(busDir);
    }

    private void onTrajectory(final TrajectoryDecoder trajectory)
    {
        lastTrajectorySequence = trajectory.sequence();
        lastTrajectorySceneSequence = trajectory.sceneSequence();
        lastWaypointX = trajectory.wpX(trajectory.waypointCount() - 1);
    }
}
