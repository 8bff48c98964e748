package io.wmrt.bench;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.SceneWriter;
import io.wmrt.config.ConfigException;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.FloatBuffer;
import java.util.function.Consumer;

/**
 * models/cv-baseline on the ONNX Runtime CPU backend with the host profile, as the runtime prepares it,
 * after one real planning pass over the first {@link StraightRoadScene} (or a scene of the caller's): the scene is encoded, decoded and
 * loaded into a {@link SceneSnapshot}, the agents are packed, the candidates generated and their actions
 * written, and the encoder and the rollout have run once, so every tensor in {@link #arena()} holds real
 * values. For benchmark set-up: building it allocates freely.
 * <p>
 * Not thread safe: build, use and close it on one thread (a JMH state's).
 */
public final class CvBaselineFixture implements AutoCloseable
{
    private final HardwareProfile profile;
    private final ModelPackage model;
    private final PlannerConfig config;
    private final TensorArena arena = new TensorArena();
    private final OrtCpuBackend backend;
    private final PreparedGraph encoder;
    private final PreparedGraph rollout;
    private final SceneSnapshot scene = new SceneSnapshot();
    private final CandidateSet candidates;

    private final Consumer<SceneFrameEncoder> sceneWriter;

    public CvBaselineFixture() throws ConfigException, BackendException
    {
        this(frame -> StraightRoadScene.write(frame, 1));
    }

    /**
     * The same, over the scene {@code sceneWriter} encodes into a wrapped frame (sequence, timestamp and all).
     */
    public CvBaselineFixture(final Consumer<SceneFrameEncoder> sceneWriter) throws ConfigException, BackendException
    {
        this.sceneWriter = sceneWriter;
        profile = HardwareProfileLoader.load(BenchEnvironment.profile("host"));
        model = ModelPackageLoader.load(BenchEnvironment.model("cv-baseline"), ModelPackageLoader.Trust.none());
        config = PlannerConfig.from(model, profile).conclude();
        candidates = new CandidateSet(config.candidates(), config.horizon());
        arena.bind(model.graph(ModelPackage.ENCODER));
        arena.bind(model.graph(ModelPackage.ROLLOUT));
        backend = new OrtCpuBackend(profile.planner().intraOpThreads());
        PreparedGraph preparedEncoder = null;
        PreparedGraph preparedRollout = null;
        try
        {
            preparedEncoder = backend.prepare(model.graph(ModelPackage.ENCODER), arena);
            preparedRollout = backend.prepare(model.graph(ModelPackage.ROLLOUT), arena);
            planOnce(preparedEncoder, preparedRollout);
        }
        catch (final BackendException | RuntimeException ex)
        {
            if (null != preparedEncoder)
            {
                preparedEncoder.close();
            }
            if (null != preparedRollout)
            {
                preparedRollout.close();
            }
            backend.close();
            throw ex;
        }
        encoder = preparedEncoder;
        rollout = preparedRollout;
    }

    public HardwareProfile profile()
    {
        return profile;
    }

    public ModelPackage model()
    {
        return model;
    }

    public PlannerConfig config()
    {
        return config;
    }

    /**
     * The tensors both graphs are bound to: agents, latent, actions, agent_future.
     */
    public TensorArena arena()
    {
        return arena;
    }

    /**
     * The rollout graph prepared on ort-cpu over {@link #arena()}: inputs pinned, outputs pinned.
     */
    public PreparedGraph rollout()
    {
        return rollout;
    }

    /**
     * The first scene, loaded in the ego frame.
     */
    public SceneSnapshot scene()
    {
        return scene;
    }

    /**
     * The candidates generated for the first scene (no previous plan).
     */
    public CandidateSet candidates()
    {
        return candidates;
    }

    /**
     * What a tick does before scoring: scene in, agents packed, candidates generated, actions written, both
     * graphs run.
     */
    private void planOnce(final PreparedGraph encoderGraph, final PreparedGraph rolloutGraph) throws BackendException
    {
        final UnsafeBuffer frame = new UnsafeBuffer(BufferUtil.allocateDirectAligned(SceneWriter.FRAME_LENGTH, 64));
        sceneWriter.accept(new SceneFrameEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder()));
        scene.load(new SceneFrameDecoder().wrapAndApplyHeader(frame, 0, new MessageHeaderDecoder()),
            config.maxAgents(), config.agentRangeM());
        scene.packAgents(arena.floats(ModelPackage.AGENTS_TENSOR), config.maxAgents());
        new CandidateGenerator(config).generate(scene, candidates, null, null, 0);
        final FloatBuffer actions = arena.floats(ModelPackage.ACTIONS_TENSOR);
        for (int i = 0, n = candidates.candidates * candidates.horizon; i < n; i++)
        {
            actions.put(2 * i, candidates.accel[i]);
            actions.put(2 * i + 1, candidates.steer[i]);
        }
        encoderGraph.execute();
        rolloutGraph.execute();
    }

    public void close()
    {
        encoder.close();
        rollout.close();
        backend.close();
    }
}
