package io.wmrt.bench.reference;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.SceneWriter;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.FloatBuffer;

/**
 * The model's side of a planning tick on a recorded scene, as the decision corpus and {@code ExplainRecording}
 * play it: the scene rebuilt as the SceneFrame the rig published, loaded, packed and encoded (the encoder's
 * parked verdicts taken up), then, for a set of candidates, the batched rollout with the agents beyond the
 * model's range carried at constant velocity. Generating and scoring the candidates is the caller's.
 */
public final class RecordedStages
{
    private final PlannerConfig config;
    private final TensorArena arena;
    private final PreparedGraph encoder;
    private final PreparedGraph rollout;
    private final UnsafeBuffer frame =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(SceneWriter.FRAME_LENGTH, 64));
    private final SceneFrameEncoder frameEncoder = new SceneFrameEncoder();
    private final SceneFrameDecoder frameDecoder = new SceneFrameDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    /** The scene of the last {@link #load}. */
    public final SceneSnapshot scene = new SceneSnapshot();

    public RecordedStages(final PlannerConfig config, final TensorArena arena, final PreparedGraph encoder,
        final PreparedGraph rollout)
    {
        this.config = config;
        this.arena = arena;
        this.encoder = encoder;
        this.rollout = rollout;
    }

    /** Scene t of {@code recording}, loaded, packed and encoded. */
    public SceneSnapshot load(final RecordedScenes recording, final int t) throws BackendException
    {
        recording.encode(frameEncoder.wrapAndApplyHeader(frame, 0, headerEncoder), t);
        scene.load(frameDecoder.wrapAndApplyHeader(frame, 0, headerDecoder), config.maxAgents(),
            config.agentRangeM());
        scene.packAgents(arena.floats(ModelPackage.AGENTS_TENSOR), config.maxAgents());
        scene.packEgo(arena.floats(ModelPackage.EGO_TENSOR));
        scene.packRoute(arena.floats(ModelPackage.ROUTE_TENSOR));
        scene.packLights(arena.floats(ModelPackage.LIGHTS_TENSOR));
        encoder.execute();
        scene.useLearnedMoves(arena.floats(ModelPackage.AGENT_MOVES_TENSOR));
        return scene;
    }

    /** The rollout of {@code set}'s actions from the last loaded scene: the agents' futures. */
    public FloatBuffer rollOut(final CandidateSet set) throws BackendException
    {
        final FloatBuffer actions = arena.floats(ModelPackage.ACTIONS_TENSOR);
        for (int i = 0, n = set.candidates * set.horizon; i < n; i++)
        {
            actions.put(2 * i, set.accel[i]);
            actions.put(2 * i + 1, set.steer[i]);
        }
        rollout.execute();
        final FloatBuffer future = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
        scene.carryInto(future, set.candidates, set.horizon, config.maxAgents(), config.dtSeconds());
        return future;
    }

    /** The rollout's risk output (the model's collision probability per candidate). */
    public FloatBuffer risk()
    {
        return arena.floats(ModelPackage.RISK_TENSOR);
    }
}
