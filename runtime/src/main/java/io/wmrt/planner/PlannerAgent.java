package io.wmrt.planner;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneRingUnblocker;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.TrajectoryEncoder;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.TickStats;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.MessageHandler;

import java.nio.FloatBuffer;

/**
 * One planning tick per new scene: take the newest SceneFrame from the scene ring, pack the agents tensor
 * (and the ego, route and lights tensors when the encoder takes them), run the encoder and the batched rollout
 * (K candidates x H steps in one call), score every candidate (with the rollout's risk when it predicts one),
 * select, and publish the Trajectory. Scenes that arrived while a tick ran are superseded and counted. The
 * tensors are those of {@code ModelPackage}'s contract; which optional ones exist is read once, from the arena.
 * <p>
 * Not thread safe: run by one {@code AgentRunner} thread (or called directly by a closed-loop driver).
 * Everything it touches is allocated in the constructor.
 */
public final class PlannerAgent implements Agent
{
    private static final int WARMUP_TICKS = 50;

    private final PlannerConfig config;
    private final GraphRunner encoder;
    private final GraphRunner rollout;
    private final String primaryEncoderBackend;
    private final String primaryRolloutBackend;
    private final FloatBuffer agentsTensor;
    private final FloatBuffer actionsTensor;
    private final FloatBuffer futureTensor;
    /** Optional tensors: null when the package's graphs do not declare them. */
    private final FloatBuffer egoTensor;
    private final FloatBuffer routeTensor;
    private final FloatBuffer lightsTensor;
    private final FloatBuffer riskTensor;
    private final ManyToOneRingBuffer sceneRing;
    private final SceneRingUnblocker sceneRingUnblocker;
    private final TrajectoryPublisher publisher;
    private final ErrorLog errorLog;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final TickStats stats = new TickStats(WARMUP_TICKS);

    private final AtomicCounter ticks;
    private final AtomicCounter scenesReceived;
    private final AtomicCounter scenesDropped;
    private final AtomicCounter published;
    private final AtomicCounter deadlineMisses;
    private final AtomicCounter degradedTicks;
    private final AtomicCounter minimalRiskTicks;
    private final AtomicCounter backendFallbacks;
    private final AtomicCounter tickNsLast;
    private final AtomicCounter tickNsMax;
    private final AtomicCounter allocLast;
    private final AtomicCounter heartbeat;

    private final UnsafeBuffer sceneBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(org.agrona.BitUtil.align(SceneWriter.FRAME_LENGTH, 64), 64));
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SceneFrameDecoder sceneDecoder = new SceneFrameDecoder();
    private final MessageHandler sceneHandler = this::onScene;
    private final SceneSnapshot scene = new SceneSnapshot();
    private final CandidateSet candidates;
    private final CandidateGenerator generator;
    private final TrajectoryScorer scorer;
    private final float[] previousAccel;
    private final float[] previousSteer;
    private final byte[] modelName = new byte[24];

    private int scenesThisPoll;
    private boolean havePrevious;
    private long previousTimestampNs;
    private long trajectorySequence;
    private long fallbacksSeen;
    private int lastSelected = -1;
    private PlanMode lastMode = PlanMode.NOMINAL;

    public PlannerAgent(
        final PlannerConfig config,
        final TensorArena arena,
        final GraphRunner encoder,
        final GraphRunner rollout,
        final BusDirectory bus,
        final NanoClock nanoClock,
        final EpochClock epochClock)
    {
        this.config = config;
        this.encoder = encoder;
        this.rollout = rollout;
        this.primaryEncoderBackend = encoder.backendId();
        this.primaryRolloutBackend = rollout.backendId();
        this.agentsTensor = arena.floats(ModelPackage.AGENTS_TENSOR);
        this.actionsTensor = arena.floats(ModelPackage.ACTIONS_TENSOR);
        this.futureTensor = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
        this.egoTensor = optionalFloats(arena, ModelPackage.EGO_TENSOR);
        this.routeTensor = optionalFloats(arena, ModelPackage.ROUTE_TENSOR);
        this.lightsTensor = optionalFloats(arena, ModelPackage.LIGHTS_TENSOR);
        this.riskTensor = optionalFloats(arena, ModelPackage.RISK_TENSOR);
        this.sceneRing = new ManyToOneRingBuffer(bus.sceneRingBuffer());
        this.sceneRingUnblocker = new SceneRingUnblocker(sceneRing, bus.counter(WmrtCounter.SCENE_RING_UNBLOCKS));
        this.publisher = new TrajectoryPublisher(bus);
        this.errorLog = new ErrorLog(bus);
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;

        ticks = bus.counter(WmrtCounter.TICKS);
        scenesReceived = bus.counter(WmrtCounter.SCENES_RECEIVED);
        scenesDropped = bus.counter(WmrtCounter.SCENES_DROPPED);
        published = bus.counter(WmrtCounter.TRAJECTORIES_PUBLISHED);
        deadlineMisses = bus.counter(WmrtCounter.DEADLINE_MISSES);
        degradedTicks = bus.counter(WmrtCounter.DEGRADED_TICKS);
        minimalRiskTicks = bus.counter(WmrtCounter.MINIMAL_RISK_TICKS);
        backendFallbacks = bus.counter(WmrtCounter.BACKEND_FALLBACKS);
        tickNsLast = bus.counter(WmrtCounter.TICK_NS_LAST);
        tickNsMax = bus.counter(WmrtCounter.TICK_NS_MAX);
        allocLast = bus.counter(WmrtCounter.ALLOC_BYTES_LAST_TICK);
        heartbeat = bus.counter(WmrtCounter.HEARTBEAT_MS);

        candidates = new CandidateSet(config.candidates(), config.horizon());
        generator = new CandidateGenerator(config);
        scorer = new TrajectoryScorer(config);
        previousAccel = new float[config.horizon()];
        previousSteer = new float[config.horizon()];
        final byte[] name = config.modelName().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, modelName, 0, Math.min(name.length, modelName.length));
    }

    private static FloatBuffer optionalFloats(final TensorArena arena, final String name)
    {
        return arena.has(name) ? arena.floats(name) : null;
    }

    public String roleName()
    {
        return "wmrt-planner";
    }

    public int doWork()
    {
        sceneRingUnblocker.check(nanoClock.nanoTime());
        // Liveness for 'wmrt stat', ticking or idle: one clock read per duty cycle.
        heartbeat.setRelease(epochClock.time());
        scenesThisPoll = 0;
        // One read stops at the end of the ring's buffer; the second takes what wrapped to its start, so a
        // scene is never left waiting a whole tick behind a wrap.
        sceneRing.read(sceneHandler);
        sceneRing.read(sceneHandler);
        if (scenesThisPoll == 0)
        {
            return 0;
        }
        scenesReceived.getAndAdd(scenesThisPoll);
        if (scenesThisPoll > 1)
        {
            scenesDropped.getAndAdd(scenesThisPoll - 1);
        }
        tick();
        return 1;
    }

    /**
     * Keep the newest well-formed scene; malformed records are recorded as errors and skipped.
     */
    private void onScene(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (msgTypeId != BusLayout.SCENE_MSG_TYPE || length != SceneWriter.FRAME_LENGTH)
        {
            errorLog.record(new IllegalArgumentException("scene ring: record of type " + msgTypeId + " and " +
                length + " bytes is not a SceneFrame (" + SceneWriter.FRAME_LENGTH + " bytes); skipped"));
            return;
        }
        headerDecoder.wrap(buffer, index);
        if (headerDecoder.templateId() != SceneFrameDecoder.TEMPLATE_ID ||
            headerDecoder.schemaId() != SceneFrameDecoder.SCHEMA_ID)
        {
            errorLog.record(new IllegalArgumentException("scene ring: template " + headerDecoder.templateId() +
                " of schema " + headerDecoder.schemaId() + " is not a SceneFrame; skipped"));
            return;
        }
        sceneBuffer.putBytes(0, buffer, index, length);
        scenesThisPoll++;
    }

    private void tick()
    {
        final long start = nanoClock.nanoTime();
        final long allocStart = TickStats.threadAllocatedBytes();

        sceneDecoder.wrapAndApplyHeader(sceneBuffer, 0, headerDecoder);
        scene.load(sceneDecoder, config.maxAgents(), config.agentRangeM());
        scene.packAgents(agentsTensor, config.maxAgents());
        if (null != egoTensor)
        {
            scene.packEgo(egoTensor);
        }
        if (null != routeTensor)
        {
            scene.packRoute(routeTensor);
        }
        if (null != lightsTensor)
        {
            scene.packLights(lightsTensor);
        }

        final double shift = havePrevious ?
            Math.max(0, (scene.timestampNs - previousTimestampNs) / (config.dtSeconds() * 1e9)) : 0;
        generator.generate(scene, candidates, havePrevious ? previousAccel : null, previousSteer, shift);
        final int n = candidates.candidates * candidates.horizon;
        for (int i = 0; i < n; i++)
        {
            actionsTensor.put(2 * i, candidates.accel[i]);
            actionsTensor.put(2 * i + 1, candidates.steer[i]);
        }

        PlanMode mode = PlanMode.NOMINAL;
        int selected;
        boolean modelRan = true;
        try
        {
            encoder.run();
            rollout.run();
        }
        catch (final BackendException ex)
        {
            errorLog.record(ex);
            modelRan = false;
        }
        final long fallbacks = encoder.fallbacks() + rollout.fallbacks();
        if (fallbacks != fallbacksSeen)
        {
            backendFallbacks.getAndAdd(fallbacks - fallbacksSeen);
            errorLog.record(null != rollout.lastFailure() ? rollout.lastFailure() : encoder.lastFailure());
            fallbacksSeen = fallbacks;
        }

        if (!modelRan)
        {
            // No prediction of the world: stop comfortably in lane.
            selected = candidates.comfortStopIndex;
            mode = PlanMode.MINIMAL_RISK;
        }
        else
        {
            final long afterInference = nanoClock.nanoTime() - start;
            int count = candidates.candidates;
            if (afterInference > config.anytimeFraction() * config.deadlineNs())
            {
                count = candidates.latticeCount;
                mode = PlanMode.DEGRADED;
                degradedTicks.increment();
            }
            selected = 0;
            scorer.prepare(scene);
            for (int k = 0; k < count; k++)
            {
                scorer.score(scene, candidates, futureTensor, riskTensor, k);
                if (scorer.total[k] < scorer.total[selected])
                {
                    selected = k;
                }
            }
            if (scorer.firstCollisionStep[selected] >= 0)
            {
                // Every scored candidate is predicted to collide: brake as hard as allowed, in lane.
                selected = candidates.emergencyIndex;
                mode = PlanMode.MINIMAL_RISK;
            }
            else if (!encoder.backendId().equals(primaryEncoderBackend) ||
                !rollout.backendId().equals(primaryRolloutBackend))
            {
                mode = PlanMode.FALLBACK;
            }
        }
        if (mode == PlanMode.MINIMAL_RISK)
        {
            minimalRiskTicks.increment();
        }

        final int h = candidates.horizon;
        System.arraycopy(candidates.accel, selected * h, previousAccel, 0, h);
        System.arraycopy(candidates.steer, selected * h, previousSteer, 0, h);
        havePrevious = true;
        previousTimestampNs = scene.timestampNs;
        lastSelected = selected;
        lastMode = mode;

        publish(selected, mode, modelRan, start);

        final long nanos = nanoClock.nanoTime() - start;
        final long allocated = TickStats.threadAllocatedBytes() - allocStart;
        stats.record(nanos, allocated);
        ticks.increment();
        tickNsLast.setRelease(nanos);
        if (nanos > tickNsMax.get())
        {
            tickNsMax.setRelease(nanos);
        }
        if (nanos > config.deadlineNs())
        {
            deadlineMisses.increment();
        }
        allocLast.setRelease(allocated);
    }

    private void publish(final int k, final PlanMode mode, final boolean scored, final long start)
    {
        final TrajectoryEncoder out = publisher.encoder();
        final double c = Math.cos(scene.egoWorldHeading);
        final double s = Math.sin(scene.egoWorldHeading);
        final int h = candidates.horizon;
        final int base = k * h;
        for (int i = 0; i < h; i++)
        {
            final double x = candidates.x[base + i];
            final double y = candidates.y[base + i];
            out.wpX(i, (float)(scene.egoWorldX + c * x - s * y));
            out.wpY(i, (float)(scene.egoWorldY + s * x + c * y));
            out.wpHeading(i, (float)SceneSnapshot.wrap(scene.egoWorldHeading + candidates.heading[base + i]));
            out.wpSpeed(i, (float)candidates.speed[base + i]);
            out.wpT(i, (float)((i + 1) * config.dtSeconds()));
        }
        out.sequence(++trajectorySequence)
            .sceneSequence(scene.sequence)
            .sceneTimestampNs(scene.timestampNs)
            .waypointCount(h)
            .candidateCount(scored ? candidates.candidates : 0)
            .costTotal(scored ? (float)scorer.total[k] : 0f)
            // The Trajectory has no field for the learned risk term: it is published with the collision term.
            .costCollision(scored ? (float)(scorer.collision[k] + scorer.risk[k]) : 0f)
            .costTtc(scored ? (float)scorer.ttc[k] : 0f)
            .costProgress(scored ? (float)scorer.progress[k] : 0f)
            .costComfort(scored ? (float)scorer.comfort[k] : 0f)
            .costLane(scored ? (float)scorer.lane[k] : 0f)
            .costRedLight(scored ? (float)scorer.redLight[k] : 0f)
            .costPedestrian(scored ? (float)scorer.pedestrian[k] : 0f)
            .minTtcS(scored ? (float)Math.min(scorer.minTtcS[k], Float.MAX_VALUE) : 0f)
            .progressM(scored ? (float)scorer.progressM[k] : 0f)
            .backend(kindOf(rollout.backendId()))
            .mode(mode)
            .putModelName(modelName, 0);
        out.tickNanos(nanoClock.nanoTime() - start);
        publisher.publish();
        published.increment();
    }

    private static BackendKind kindOf(final String backendId)
    {
        switch (backendId)
        {
            case "ort-qnn":
                return BackendKind.ORT_QNN;
            case "qnn":
                return BackendKind.QNN_DIRECT;
            case "ort-native":
                return BackendKind.ORT_NATIVE;
            default:
                return BackendKind.ORT_CPU;
        }
    }

    public TickStats stats()
    {
        return stats;
    }

    public CandidateSet candidates()
    {
        return candidates;
    }

    public TrajectoryScorer scorer()
    {
        return scorer;
    }

    public int lastSelected()
    {
        return lastSelected;
    }

    public PlanMode lastMode()
    {
        return lastMode;
    }

    public String backendSummary()
    {
        return encoder.role() + "=" + encoder.backendId() + ", " + rollout.role() + "=" + rollout.backendId();
    }
}
