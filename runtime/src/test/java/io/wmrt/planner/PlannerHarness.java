package io.wmrt.planner;

import io.wmrt.TestFrames;
import io.wmrt.TestRepo;
import io.wmrt.backend.Backend;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.OrtBackend;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A planner agent over a real bus directory and the cv-baseline graphs (or another package's) on ONNX
 * Runtime's CPU backend (or a graph double), with helpers to write straight-road scenes and read back what was
 * published.
 */
final class PlannerHarness implements AutoCloseable
{
    static final double LANE = 3.5;

    final BusDirectory bus;
    final TensorArena arena;
    final PlannerAgent agent;
    final SceneWriter writer;
    final TrajectoryReader reader;
    final List<PreparedGraph> graphs = new ArrayList<>();
    final List<float[]> lastWaypoints = new ArrayList<>();
    int lastWaypointCount;
    float lastEndSpeed;
    long lastSequence;
    long lastSceneSequence;
    String lastMode;
    int lastBehaviour;
    String lastBackend;
    float lastProgress;
    float lastRedLightCost;
    float lastCollisionCost;
    float lastTotalCost;

    PlannerHarness(final Path dir, final long seed, final PreparedGraph encoderDouble, final PreparedGraph rolloutDouble)
        throws Exception
    {
        this(dir, seed, encoderDouble, rolloutDouble, new OrtCpuBackend(1), false);
    }

    PlannerHarness(final Path dir, final long seed, final OrtBackend backend) throws Exception
    {
        this(dir, seed, null, null, backend, false);
    }

    /**
     * The graphs of the package in {@code modelDir} on {@code backend}, scored with {@code weights}.
     */
    PlannerHarness(final Path dir, final long seed, final Path modelDir, final CostWeights weights,
        final OrtBackend backend) throws Exception
    {
        this(dir, seed, modelDir, weights, null, null, backend, false);
    }

    /**
     * The rollout runs on {@code failingFirst} and falls back to the ONNX Runtime CPU backend.
     */
    static PlannerHarness withRolloutFallback(final Path dir, final PreparedGraph failingFirst) throws Exception
    {
        return new PlannerHarness(dir, 1, null, failingFirst, new OrtCpuBackend(1), true);
    }

    private PlannerHarness(
        final Path dir, final long seed, final PreparedGraph encoderDouble, final PreparedGraph rolloutDouble,
        final OrtBackend cpu, final boolean rolloutFallback) throws Exception
    {
        this(dir, seed, TestRepo.model("cv-baseline"), new CostWeights(), encoderDouble, rolloutDouble, cpu,
            rolloutFallback);
    }

    /**
     * The graphs of the package in {@code modelDir} on {@code backend}, with or without the planner's helper
     * thread (the host profile asks for one).
     */
    static PlannerHarness withHelper(final Path dir, final long seed, final Path modelDir, final OrtBackend backend,
        final boolean helper) throws Exception
    {
        return new PlannerHarness(dir, seed, modelDir, new CostWeights(), null, null, backend, false,
            config -> config.helper(helper, -1, "test helper core"));
    }

    private PlannerHarness(
        final Path dir, final long seed, final Path modelDir, final CostWeights weights,
        final PreparedGraph encoderDouble, final PreparedGraph rolloutDouble, final OrtBackend cpu,
        final boolean rolloutFallback) throws Exception
    {
        this(dir, seed, modelDir, weights, encoderDouble, rolloutDouble, cpu, rolloutFallback, config -> config);
    }

    private PlannerHarness(
        final Path dir, final long seed, final Path modelDir, final CostWeights weights,
        final PreparedGraph encoderDouble, final PreparedGraph rolloutDouble, final OrtBackend cpu,
        final boolean rolloutFallback, final java.util.function.UnaryOperator<PlannerConfig> tweak) throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(modelDir, ModelPackageLoader.Trust.none());
        final PlannerConfig config = tweak.apply(PlannerConfig.from(model, profile).seed(seed).weights(weights)
            .deadlineNs(10_000_000_000L)).conclude();
        bus = BusDirectory.create(dir);
        arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final PreparedGraph encoder = null != encoderDouble ? encoderDouble :
            cpu.prepare(model.graph(ModelPackage.ENCODER), arena);
        final PreparedGraph rollout = null != rolloutDouble ? rolloutDouble :
            cpu.prepare(model.graph(ModelPackage.ROLLOUT), arena);
        graphs.add(encoder);
        graphs.add(rollout);
        // With a fallback, the real rollout stands behind the double, as the dispatcher prepares a chain.
        final GraphRunner rolloutRunner = rolloutFallback ?
            new GraphRunner("rollout", rollout, addGraph(cpu.prepare(model.graph(ModelPackage.ROLLOUT), arena))) :
            new GraphRunner("rollout", rollout);
        agent = new PlannerAgent(config, arena, new GraphRunner("encoder", encoder),
            rolloutRunner, bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE);
        writer = new SceneWriter(bus);
        reader = new TrajectoryReader(bus);
    }

    PlannerHarness(final Path dir, final long seed) throws Exception
    {
        this(dir, seed, (PreparedGraph)null, (PreparedGraph)null);
    }

    /**
     * Builds the encoder and rollout chains over the harness's arena, from the cv-baseline package; every
     * graph prepared goes in {@code owned} so the harness closes it.
     */
    @FunctionalInterface
    interface Chains
    {
        GraphRunner[] build(ModelPackage model, TensorArena arena, List<PreparedGraph> owned) throws Exception;
    }

    /**
     * cv-baseline with chains of the caller's making (fault injection, fallbacks), a deadline and a clock of
     * the caller's choosing.
     */
    PlannerHarness(final Path dir, final long deadlineNs, final NanoClock clock, final Chains chains)
        throws Exception
    {
        this(dir, deadlineNs, PlannerConfig.WALL_CLOCK, clock, chains);
    }

    /**
     * As above, with the anytime decision taken from {@code modelledInferenceNs} ({@link PlannerConfig#WALL_CLOCK}
     * for the clock).
     */
    PlannerHarness(final Path dir, final long deadlineNs, final long modelledInferenceNs, final NanoClock clock,
        final Chains chains) throws Exception
    {
        this(dir, deadlineNs, modelledInferenceNs, clock, chains, false);
    }

    /**
     * As above, publishing every candidate on the candidates broadcast when {@code debugCandidates}.
     */
    PlannerHarness(final Path dir, final long deadlineNs, final long modelledInferenceNs, final NanoClock clock,
        final Chains chains, final boolean debugCandidates) throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        final PlannerConfig config = PlannerConfig.from(model, profile).seed(1).deadlineNs(deadlineNs)
            .modelledInferenceNs(modelledInferenceNs).debugCandidates(debugCandidates).conclude();
        bus = BusDirectory.create(dir);
        arena = new TensorArena();
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        final GraphRunner[] runners = chains.build(model, arena, graphs);
        agent = new PlannerAgent(config, arena, runners[0], runners[1], bus, clock, SystemEpochClock.INSTANCE);
        writer = new SceneWriter(bus);
        reader = new TrajectoryReader(bus);
    }

    /**
     * Prepare a graph of the package on a backend, owned by the harness.
     */
    static PreparedGraph prepare(final Backend backend, final ModelPackage model, final String role,
        final TensorArena arena, final List<PreparedGraph> owned) throws Exception
    {
        final PreparedGraph graph = backend.prepare(model.graph(role), arena);
        owned.add(graph);
        return graph;
    }

    /**
     * A straight road along +x; the ego at (egoX, 0) heading +x. Agents: {kind, x, y, heading, speed}.
     */
    void writeScene(final long sequence, final double egoX, final double egoSpeed, final double[][] agents,
        final double stopLineX, final boolean red)
    {
        final SceneFrameEncoder f = writer.claim();
        f.sequence(sequence).timestampNs(sequence * 100_000_000L)
            .egoX((float)egoX).egoY(0f).egoHeading(0f).egoSpeed((float)egoSpeed).egoAccel(0f).egoSteer(0f)
            .egoLength(4.6f).egoWidth(1.9f).speedLimit(10f).laneWidth((float)LANE)
            .drivableLeft((float)(1.5 * LANE)).drivableRight((float)(0.5 * LANE + 0.5))
            .drivableLeftEndS(0f).drivableRightEndS(0f)
            .agentCount(agents.length);
        for (int i = 0; i < agents.length; i++)
        {
            final double[] a = agents[i];
            final boolean pedestrian = a[0] == SceneCodes.PEDESTRIAN;
            f.agentId(i, i + 1).agentKind(i, (byte)a[0]).agentX(i, (float)a[1]).agentY(i, (float)a[2])
                .agentHeading(i, (float)a[3]).agentSpeed(i, (float)a[4]).agentYawRate(i, 0f)
                .agentLength(i, pedestrian ? 0.6f : 4.5f).agentWidth(i, pedestrian ? 0.6f : 1.9f);
        }
        f.routePointCount(40);
        for (int i = 0; i < 40; i++)
        {
            f.routeX(i, (float)(-10 + 10 * i)).routeY(i, 0f);
        }
        if (Double.isNaN(stopLineX))
        {
            f.lightCount(0);
        }
        else
        {
            f.lightCount(1).lightStopS(0, (float)(stopLineX + 10))
                .lightState(0, red ? SceneCodes.LIGHT_RED : SceneCodes.LIGHT_GREEN);
        }
        writer.commit();
    }

    /**
     * {@link TestFrames#straightRoad} with the ego at x = 0.8 * sequence, timestamped 100 ms per sequence, then
     * changed by {@code change} before it is committed: how the hostile-input tests write a frame with one
     * thing wrong.
     */
    void writeFrame(final long sequence, final java.util.function.Consumer<SceneFrameEncoder> change)
    {
        final SceneFrameEncoder f = TestFrames.straightRoad(writer.claim(), sequence, sequence * 100_000_000L,
            0.8f * sequence);
        change.accept(f);
        writer.commit();
    }

    /**
     * Tick once and read the trajectory it published; returns its waypoints as x,y pairs.
     */
    float[] tickAndRead()
    {
        agent.doWork();
        final float[][] holder = new float[1][];
        while (reader.poll(t ->
        {
            final float[] xy = new float[t.waypointCount() * 2];
            for (int i = 0; i < t.waypointCount(); i++)
            {
                xy[2 * i] = t.wpX(i);
                xy[2 * i + 1] = t.wpY(i);
            }
            holder[0] = xy;
            lastSequence = t.sequence();
            lastSceneSequence = t.sceneSequence();
            lastWaypointCount = t.waypointCount();
            lastEndSpeed = t.waypointCount() > 0 ? t.wpSpeed(t.waypointCount() - 1) : Float.NaN;
            lastMode = t.mode().name();
            lastBehaviour = t.behaviour();
            lastBackend = t.backend().name();
            lastProgress = t.progressM();
            lastRedLightCost = t.costRedLight();
            lastCollisionCost = t.costCollision();
            lastTotalCost = t.costTotal();
        }) > 0)
        {
            lastWaypoints.add(holder[0]);
        }
        return holder[0];
    }

    private PreparedGraph addGraph(final PreparedGraph graph)
    {
        graphs.add(graph);
        return graph;
    }

    static double maxX(final float[] xy)
    {
        double max = -Double.MAX_VALUE;
        for (int i = 0; i < xy.length; i += 2)
        {
            max = Math.max(max, xy[i]);
        }
        return max;
    }

    static double maxAbsY(final float[] xy)
    {
        double max = 0;
        for (int i = 1; i < xy.length; i += 2)
        {
            max = Math.max(max, Math.abs(xy[i]));
        }
        return max;
    }

    public void close()
    {
        agent.onClose();
        graphs.forEach(PreparedGraph::close);
        bus.closeAndDelete();
    }

    /**
     * A graph that does nothing, leaving its outputs as they are (zeros): isolates the planner's own cost.
     */
    static PreparedGraph idleGraph()
    {
        return new PreparedGraph()
        {
            public String backendId()
            {
                return "idle";
            }

            public void execute()
            {
            }

            public void close()
            {
            }
        };
    }

    static PreparedGraph failingGraph()
    {
        return new PreparedGraph()
        {
            public String backendId()
            {
                return "broken";
            }

            public void execute() throws BackendException
            {
                throw new BackendException("broken", "rollout", "device lost", null);
            }

            public void close()
            {
            }
        };
    }
}
