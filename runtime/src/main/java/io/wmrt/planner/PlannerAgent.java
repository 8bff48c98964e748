package io.wmrt.planner;

import io.wmrt.backend.TensorArena;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.CandidatesPublisher;
import io.wmrt.bus.SceneEcho;
import io.wmrt.bus.SceneRingUnblocker;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.model.ModelPackage;
import io.wmrt.sbe.BackendKind;
import io.wmrt.sbe.CandidatesEncoder;
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
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One planning tick per new scene: take the newest SceneFrame from the scene ring, check it (see
 * {@link SceneSnapshot} for the policy on bad input), pack the agents tensor (and the ego, route and lights
 * tensors when the encoder takes them), run the encoder and the batched rollout (K candidates x H steps in one
 * call), score every candidate (with the rollout's risk when it predicts one), select, and publish the
 * Trajectory. Scenes that arrived while a tick ran are superseded and counted. The tensors are those of
 * {@code ModelPackage}'s contract; which optional ones exist is read once, from the arena.
 * <p>
 * A {@link PlannerWatchdog} ({@link #watchdog()}, run on a thread of its own) answers a tick that runs past
 * the deadline with the comfortable stop along the last plan; the two never publish the same tick.
 * <p>
 * Every fault on the tick is a value made at start and recorded again as often as it happens, so a stream of
 * bad frames or a backend that fails every tick costs no allocation.
 * <p>
 * Not thread safe: run by one {@code AgentRunner} thread (or called directly by a closed-loop driver).
 * Everything it touches is allocated in the constructor.
 */
public final class PlannerAgent implements Agent
{
    private static final int WARMUP_TICKS = 50;
    private static final int ENCODER = 0;
    private static final int ROLLOUT = 1;

    private final PlannerConfig config;
    private final GraphRunner encoder;
    private final GraphRunner rollout;
    private final FloatBuffer agentsTensor;
    private final FloatBuffer actionsTensor;
    private final FloatBuffer futureTensor;
    /** Optional tensors: null when the package's graphs do not declare them. */
    private final FloatBuffer egoTensor;
    private final FloatBuffer routeTensor;
    private final FloatBuffer lightsTensor;
    private final FloatBuffer riskTensor;
    /** The encoder's say on which standing agents will move, [1, N]; null when the package has none. */
    private final FloatBuffer movesTensor;
    /** What the encoder writes and the rollout reads: checked for NaN and Inf after every encoder run. */
    private final FloatBuffer[] latentTensors;
    private final ManyToOneRingBuffer sceneRing;
    private final SceneRingUnblocker sceneRingUnblocker;
    private final TrajectoryPublisher publisher;
    private final ErrorLog errorLog;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final TickStats stats = new TickStats(WARMUP_TICKS);
    private final TickGate gate = new TickGate();
    private final MinimalRiskStop minimalRiskStop;
    private final PlannerWatchdog watchdog;

    private final AtomicCounter ticks;
    private final AtomicCounter scenesReceived;
    private final AtomicCounter scenesDropped;
    private final AtomicCounter published;
    private final AtomicCounter deadlineMisses;
    private final AtomicCounter degradedTicks;
    private final AtomicCounter degradedByWallClock;
    private final AtomicCounter minimalRiskTicks;
    private final AtomicCounter minimalRiskNoModel;
    private final AtomicCounter minimalRiskAllCollide;
    private final AtomicCounter minimalRiskNoValidScene;
    private final AtomicCounter latePlansDropped;
    private final AtomicCounter backendFallbacks;
    private final AtomicCounter backendRecoveries;
    private final AtomicCounter backendOutputsInvalid;
    private final AtomicCounter tickNsLast;
    private final AtomicCounter tickNsMax;
    private final AtomicCounter allocLast;
    private final AtomicCounter heartbeat;
    private final AtomicCounter timelineRestarts;
    private final AtomicCounter learnedParkedOverrides;
    private final AtomicCounter learnedChoiceChanges;
    /** Indexed by {@link SceneFault.Category} ordinal. */
    private final AtomicCounter[] faultCounters;

    private final UnsafeBuffer sceneBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(org.agrona.BitUtil.align(SceneWriter.FRAME_LENGTH, 64), 64));
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SceneFrameDecoder sceneDecoder = new SceneFrameDecoder();
    private final MessageHandler sceneHandler = this::onScene;
    private final SceneEcho sceneEcho;
    /** Null unless the runtime publishes its candidates ({@link PlannerConfig#debugCandidates()}). */
    private final CandidatesPublisher candidatesPublisher;
    /** What the last planned tick scored and chose, for the candidates broadcast; -1 when nothing was chosen. */
    private int candidatesScored;
    private int candidatesChosen = -1;
    private boolean candidatesValid;
    /** This tick's best candidate collided: every scored one did, and the emergency stop was published. */
    private boolean everyCandidateCollides;
    private final GraphRunner.OutputCheck encoderCheck = this::latentFinite;
    private final GraphRunner.OutputCheck rolloutCheck = this::rolloutFinite;
    private final SceneSnapshot scene = new SceneSnapshot();
    /** Each agent's braking and turning, measured from scene to scene and carried into its predicted path. */
    private final AgentMotion motion = new AgentMotion();
    private final CandidateSet candidates;
    private final CandidateGenerator generator;
    /** Null when the configuration asks for no helper thread: then every job runs on the planner thread. */
    private final PlannerHelper helper;
    private final Runnable candidatesJob = this::generateCandidates;
    private final Runnable ownTermsJob = this::scoreOwnTerms;
    private double samplesShift;
    private final TrajectoryScorer scorer;
    private final float[] previousAccel;
    private final float[] previousSteer;
    private final byte[] modelName = new byte[24];

    private int scenesThisPoll;
    private boolean havePrevious;
    private final SceneTimeline timeline = new SceneTimeline();
    private long previousPlanTimestampNs;
    private long timelineRestartsSeen;
    /** What each graph's runner had counted at the last tick, indexed by {@link #ENCODER} and {@link #ROLLOUT}. */
    private final long[] fallbacksSeen = new long[2];
    private final long[] recoveriesSeen = new long[2];
    private final long[] invalidOutputsSeen = new long[2];
    private int lastSelected = -1;
    private PlanMode lastMode = PlanMode.NOMINAL;
    private SceneFault lastFault;

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
        this.agentsTensor = arena.floats(ModelPackage.AGENTS_TENSOR);
        this.actionsTensor = arena.floats(ModelPackage.ACTIONS_TENSOR);
        this.futureTensor = arena.floats(ModelPackage.AGENT_FUTURE_TENSOR);
        this.egoTensor = optionalFloats(arena, ModelPackage.EGO_TENSOR);
        this.routeTensor = optionalFloats(arena, ModelPackage.ROUTE_TENSOR);
        this.lightsTensor = optionalFloats(arena, ModelPackage.LIGHTS_TENSOR);
        this.riskTensor = optionalFloats(arena, ModelPackage.RISK_TENSOR);
        this.movesTensor = optionalFloats(arena, ModelPackage.AGENT_MOVES_TENSOR);
        this.latentTensors = latents(arena);
        this.sceneRing = new ManyToOneRingBuffer(bus.sceneRingBuffer());
        this.sceneRingUnblocker = new SceneRingUnblocker(sceneRing, bus.counter(WmrtCounter.SCENE_RING_UNBLOCKS));
        this.publisher = new TrajectoryPublisher(bus);
        this.sceneEcho = new SceneEcho(bus);
        this.candidatesPublisher = config.debugCandidates() ? new CandidatesPublisher(bus) : null;
        this.errorLog = new ErrorLog(bus);
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;

        ticks = bus.counter(WmrtCounter.TICKS);
        scenesReceived = bus.counter(WmrtCounter.SCENES_RECEIVED);
        scenesDropped = bus.counter(WmrtCounter.SCENES_DROPPED);
        published = bus.counter(WmrtCounter.TRAJECTORIES_PUBLISHED);
        deadlineMisses = bus.counter(WmrtCounter.DEADLINE_MISSES);
        degradedTicks = bus.counter(WmrtCounter.DEGRADED_TICKS);
        degradedByWallClock = bus.counter(WmrtCounter.DEGRADED_BY_WALL_CLOCK);
        minimalRiskTicks = bus.counter(WmrtCounter.MINIMAL_RISK_TICKS);
        minimalRiskNoModel = bus.counter(WmrtCounter.MINIMAL_RISK_NO_MODEL);
        minimalRiskAllCollide = bus.counter(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE);
        minimalRiskNoValidScene = bus.counter(WmrtCounter.MINIMAL_RISK_NO_VALID_SCENE);
        latePlansDropped = bus.counter(WmrtCounter.LATE_PLANS_DROPPED);
        backendFallbacks = bus.counter(WmrtCounter.BACKEND_FALLBACKS);
        backendRecoveries = bus.counter(WmrtCounter.BACKEND_RECOVERIES);
        backendOutputsInvalid = bus.counter(WmrtCounter.BACKEND_OUTPUTS_INVALID);
        tickNsLast = bus.counter(WmrtCounter.TICK_NS_LAST);
        tickNsMax = bus.counter(WmrtCounter.TICK_NS_MAX);
        allocLast = bus.counter(WmrtCounter.ALLOC_BYTES_LAST_TICK);
        heartbeat = bus.counter(WmrtCounter.HEARTBEAT_MS);
        timelineRestarts = bus.counter(WmrtCounter.SCENE_TIMELINE_RESTARTS);
        learnedParkedOverrides = bus.counter(WmrtCounter.LEARNED_PARKED_OVERRIDES);
        learnedChoiceChanges = bus.counter(WmrtCounter.LEARNED_CHOICE_CHANGES);
        // Initialise the fault values now: a class first loaded on the tick would allocate there.
        final SceneFault[] faults = SceneFault.values();
        assert faults.length > 0;
        final SceneFault.Category[] categories = SceneFault.Category.values();
        faultCounters = new AtomicCounter[categories.length];
        for (final SceneFault.Category category : categories)
        {
            faultCounters[category.ordinal()] = bus.counter(category.counter());
        }

        candidates = new CandidateSet(config.candidates(), config.horizon());
        generator = new CandidateGenerator(config);
        helper = config.helperThread() ?
            new PlannerHelper(roleName() + "-helper", config.helperCore(), config.helperCoreKey()) : null;
        scorer = new TrajectoryScorer(config);
        previousAccel = new float[config.horizon()];
        previousSteer = new float[config.horizon()];
        final byte[] name = config.modelName().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(name, 0, modelName, 0, Math.min(name.length, modelName.length));
        minimalRiskStop = new MinimalRiskStop(config.horizon(), config.dtSeconds(), config.comfortDecelMps2(),
            modelName);
        watchdog = new PlannerWatchdog(gate, minimalRiskStop, publisher, nanoClock, config.watchdogDeadlineNs(),
            bus.counter(WmrtCounter.MINIMAL_RISK_WATCHDOG), minimalRiskTicks, published, errorLog);
    }

    private static FloatBuffer optionalFloats(final TensorArena arena, final String name)
    {
        return arena.has(name) ? arena.floats(name) : null;
    }

    /**
     * The tensors the encoder writes for the rollout: every bound tensor that is none of the contract's named
     * inputs and outputs.
     */
    private static FloatBuffer[] latents(final TensorArena arena)
    {
        final List<FloatBuffer> latents = new ArrayList<>();
        for (final String name : arena.names())
        {
            if (!ModelPackage.ENCODER_INPUTS.contains(name) && !name.equals(ModelPackage.ACTIONS_TENSOR) &&
                !name.equals(ModelPackage.AGENT_FUTURE_TENSOR) && !name.equals(ModelPackage.RISK_TENSOR) &&
                !name.equals(ModelPackage.AGENT_MOVES_TENSOR))
            {
                latents.add(arena.floats(name));
            }
        }
        return latents.toArray(new FloatBuffer[0]);
    }

    public String roleName()
    {
        return "wmrt-planner";
    }

    /**
     * @return the watchdog over this planner's ticks, to be run on a thread of its own.
     */
    public PlannerWatchdog watchdog()
    {
        return watchdog;
    }

    /**
     * Start the helper thread when the configuration asks for one (pinned, when it names a core). Called by the
     * agent's runner on the planner thread; a driver that calls {@link #doWork} itself gets it on the first tick,
     * unpinned, as that driver's own thread is.
     *
     * @throws IllegalArgumentException naming the helper core's setting when it could not be pinned.
     */
    public void onStart()
    {
        if (null != helper)
        {
            helper.start();
        }
    }

    /**
     * Stop the helper thread; later ticks run its jobs on the planner thread.
     */
    public void onClose()
    {
        if (null != helper)
        {
            helper.close();
        }
    }

    /**
     * @return the planner's helper, or null when it runs none.
     */
    public PlannerHelper helper()
    {
        return helper;
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
        if (null != helper)
        {
            helper.start(false);
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
     * Keep the newest record that is a SceneFrame; others are counted and skipped.
     */
    private void onScene(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (msgTypeId != BusLayout.SCENE_MSG_TYPE || length != SceneWriter.FRAME_LENGTH)
        {
            countFault(SceneFault.RECORD_NOT_SCENE);
            return;
        }
        headerDecoder.wrap(buffer, index);
        if (headerDecoder.templateId() != SceneFrameDecoder.TEMPLATE_ID ||
            headerDecoder.schemaId() != SceneFrameDecoder.SCHEMA_ID ||
            headerDecoder.blockLength() != SceneFrameDecoder.BLOCK_LENGTH)
        {
            countFault(SceneFault.RECORD_OTHER_TEMPLATE);
            return;
        }
        sceneBuffer.putBytes(0, buffer, index, length);
        scenesThisPoll++;
    }

    private void tick()
    {
        final long start = nanoClock.nanoTime();
        final long allocStart = TickStats.threadAllocatedBytes() + helperAllocatedBytes();

        sceneDecoder.wrapAndApplyHeader(sceneBuffer, 0, headerDecoder);
        gate.begin(start, sceneDecoder.sequence());
        final SceneFault fault = frameFault();
        candidatesValid = false;
        if (null == fault)
        {
            try
            {
                plan(start);
            }
            catch (final Throwable ex)
            {
                // The helper may still be reading this tick's scene and candidates: stop it before the next tick
                // writes them.
                if (null != helper)
                {
                    helper.quiesce();
                }
                throw ex;
            }
        }
        else
        {
            reject(fault, start);
        }
        if (null != candidatesPublisher && candidatesValid)
        {
            publishCandidates();
        }
        // What the planner took, for recorders, viewers and a shadow planner in other threads and processes. Last,
        // once the plan is out: a shadow planner fed from here plans while this one is idle. Counted in the tick.
        sceneEcho.echo(sceneBuffer, 0);

        final long nanos = nanoClock.nanoTime() - start;
        final long allocated = TickStats.threadAllocatedBytes() + helperAllocatedBytes() - allocStart;
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

    private long helperAllocatedBytes()
    {
        return null == helper ? 0 : helper.allocatedBytes();
    }

    private SceneFault frameFault()
    {
        final SceneFault fault = SceneLimits.frameFault(sceneDecoder);
        if (null != fault)
        {
            return fault;
        }
        final SceneFault time = timeline.check(sceneDecoder.timestampNs());
        if (timeline.reanchors() != timelineRestartsSeen)
        {
            timelineRestarts.getAndAdd(timeline.reanchors() - timelineRestartsSeen);
            timelineRestartsSeen = timeline.reanchors();
            // The previous plan belongs to the old timeline: nothing to shift it by.
            havePrevious = false;
        }
        return time;
    }

    /**
     * A rejected frame: counted and logged. The previous plan stays valid until it is older than the
     * deadline; past that, each rejected frame is answered with the comfortable stop along it.
     */
    private void reject(final SceneFault fault, final long start)
    {
        countFault(fault);
        final boolean planValid = minimalRiskStop.planAgeNs(start) <= config.deadlineNs();
        if (!gate.claimByPlanner())
        {
            latePlansDropped.increment();
            gate.awaitWatchdog();
            return;
        }
        try
        {
            if (!planValid)
            {
                final long now = nanoClock.nanoTime();
                minimalRiskStop.encode(publisher, now, sceneDecoder.sequence(), now - start);
                publisher.publish();
                published.increment();
                minimalRiskTicks.increment();
                minimalRiskNoValidScene.increment();
                lastMode = PlanMode.MINIMAL_RISK;
            }
        }
        finally
        {
            gate.release();
        }
    }

    private void countFault(final SceneFault fault)
    {
        lastFault = fault;
        faultCounters[fault.category().ordinal()].increment();
        errorLog.record(fault.record());
    }

    private void plan(final long start)
    {
        loadAndPack();
        // The previous plan's steps are shifted by the time since it was made (the timeline bounds the step).
        samplesShift = havePrevious ?
            Math.max(0, (scene.timestampNs - previousPlanTimestampNs) / (config.dtSeconds() * 1e9)) : 0;
        if (havePrevious)
        {
            // The vehicle is executing the previous plan: the lattice steers on from where that plan has the wheels
            // now, not from a frame that may not report the steering (from a straight wheel each tick, the car
            // turned in steps).
            final int inForce = (int)Math.min(Math.max(0, Math.ceil(samplesShift) - 1), config.horizon() - 1);
            scene.steerNow = previousSteer[inForce];
            scene.steerHeldSteps = Math.min(1.0, samplesShift - inForce);
        }
        // The candidates are made before the encoder has said which standing vehicles are parked: with a helper,
        // while the encoder runs, and brought up to date once it has said.
        if (null != helper)
        {
            helper.post(candidatesJob);
        }
        final boolean encoded = encode(start);
        if (null != helper)
        {
            helper.await();
        }
        if (encoded && null != movesTensor)
        {
            scene.useLearnedMoves(movesTensor);
            if (null != helper)
            {
                final int rebuilt = generator.refreshLattice(scene, candidates);
                if (0 != (rebuilt & 1) && !havePrevious)
                {
                    // Without a previous plan the samples perturb candidate 0, which was rebuilt.
                    generateSamples();
                }
            }
        }
        if (null == helper)
        {
            generateCandidates();
        }
        packActions();
        // The candidates' own terms need neither the futures nor the risk: with a helper they are scored while
        // the rollout runs.
        if (null != helper)
        {
            helper.post(ownTermsJob);
        }
        else
        {
            scoreOwnTerms();
        }
        final boolean modelRan = encoded && rollOut(start);
        if (null != helper)
        {
            helper.await();
        }
        if (modelRan)
        {
            motion.carryTurnsInto(scene, futureTensor, candidates.candidates, candidates.horizon, config.maxAgents(),
                config.dtSeconds());
            motion.carryCrossingsInto(scene, futureTensor, candidates.candidates, candidates.horizon,
                config.maxAgents(), config.dtSeconds());
            motion.carryInto(scene, futureTensor, candidates.candidates, candidates.horizon, config.maxAgents(),
                config.dtSeconds());
            scene.carryInto(futureTensor, candidates.candidates, candidates.horizon, config.maxAgents(),
                config.dtSeconds());
        }

        PlanMode mode;
        int selected;
        everyCandidateCollides = false;
        if (!modelRan)
        {
            // No prediction of the world: stop comfortably in lane.
            selected = candidates.comfortStopIndex;
            mode = PlanMode.MINIMAL_RISK;
            minimalRiskNoModel.increment();
        }
        else
        {
            mode = anytimeMode(start);
            selected = select(mode == PlanMode.DEGRADED ? candidates.latticeCount : candidates.candidates);
            everyCandidateCollides = scorer.firstCollisionStep[selected] >= 0;
            if (everyCandidateCollides)
            {
                // Every scored candidate is predicted to collide. Brake as hard as allowed, in lane, when that puts
                // the first contact later than the scorer's choice and the comfortable stop do (or avoids it);
                // firmly rather than as hard as allowed when that does as well.
                // When it does not (someone runs into an ego that all but stands), the hardest brake buys nothing
                // and is a hazard of its own to whoever follows: stop comfortably, in lane, unless the scorer's
                // choice meets the contact later still (speeding away from a car coming up behind).
                final int emergency = candidates.emergencyIndex;
                final int comfortStop = candidates.comfortStopIndex;
                scoreInFull(emergency);
                scoreInFull(comfortStop);
                final int chosenContact = scorer.firstCollisionStep[selected];
                final int emergencyContact = scorer.firstCollisionStep[emergency];
                final int comfortContact = scorer.firstCollisionStep[comfortStop];
                if (emergencyContact < 0 || emergencyContact > Math.max(chosenContact, comfortContact))
                {
                    // The firm stop, when it avoids the contact as well or meets it no sooner.
                    final int firmStop = candidates.firmStopIndex;
                    scoreInFull(firmStop);
                    final int firmContact = scorer.firstCollisionStep[firmStop];
                    selected = firmContact < 0 || emergencyContact >= 0 && firmContact >= emergencyContact ?
                        firmStop : emergency;
                }
                else if (comfortContact < 0 || comfortContact >= chosenContact)
                {
                    selected = comfortStop;
                }
                mode = PlanMode.MINIMAL_RISK;
                minimalRiskAllCollide.increment();
            }
            else if (encoder.onFallback() || rollout.onFallback())
            {
                mode = PlanMode.FALLBACK;
            }
        }

        if (!gate.claimByPlanner())
        {
            // The watchdog answered this tick while it hung: the controller is already stopping.
            latePlansDropped.increment();
            gate.awaitWatchdog();
            return;
        }
        try
        {
            if (mode == PlanMode.MINIMAL_RISK)
            {
                minimalRiskTicks.increment();
            }
            final int h = candidates.horizon;
            System.arraycopy(candidates.accel, selected * h, previousAccel, 0, h);
            System.arraycopy(candidates.steer, selected * h, previousSteer, 0, h);
            havePrevious = true;
            previousPlanTimestampNs = scene.timestampNs;
            lastSelected = selected;
            lastMode = mode;
            candidatesValid = true;
            candidatesChosen = selected;
            candidatesScored = !modelRan ? 0 : mode == PlanMode.DEGRADED ? candidates.latticeCount : candidates.candidates;
            publish(selected, mode, modelRan, start);
            minimalRiskStop.remember(scene, candidates, selected, kindOf(rollout.backendId()), nanoClock.nanoTime());
        }
        finally
        {
            gate.release();
        }
    }

    /**
     * The anytime cut: past {@code anytimeFraction} of the deadline after inference, only the lattice is scored.
     * With modelled timing the decision is the modelled inference time's, and the clock's is only counted.
     */
    private PlanMode anytimeMode(final long start)
    {
        final double cutNs = config.anytimeFraction() * config.deadlineNs();
        final boolean clockSaysCut = nanoClock.nanoTime() - start > cutNs;
        final boolean cut;
        if (config.modelledTiming())
        {
            cut = config.modelledInferenceNs() > cutNs;
            if (clockSaysCut && !cut)
            {
                degradedByWallClock.increment();
            }
        }
        else
        {
            cut = clockSaysCut;
        }
        if (cut)
        {
            degradedTicks.increment();
            return PlanMode.DEGRADED;
        }
        return PlanMode.NOMINAL;
    }

    /** Score candidate k in full where the selection left it part-scored: its terms are compared and published. */
    private void scoreInFull(final int k)
    {
        if (!scorer.complete[k])
        {
            scorer.score(scene, candidates, futureTensor, riskTensor, k);
        }
    }

    private void loadAndPack()
    {
        scene.load(sceneDecoder, config.maxAgents(), config.agentRangeM());
        motion.observe(scene);
        if (scene.droppedAgents > 0)
        {
            faultCounters[SceneFault.Category.AGENT.ordinal()].getAndAdd(scene.droppedAgents);
            lastFault = scene.lastAgentFault;
            errorLog.record(scene.lastAgentFault.record());
        }
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
    }

    /** The candidates job: on the helper thread beside the encoder, or on the planner thread after it. */
    private void generateCandidates()
    {
        generator.generateLattice(scene, candidates);
        generateSamples();
    }

    private void generateSamples()
    {
        generator.generateSamples(scene, candidates, havePrevious ? previousAccel : null, previousSteer,
            samplesShift);
    }

    /** The own-terms job: on the helper thread beside the rollout, or on the planner thread. */
    private void scoreOwnTerms()
    {
        scorer.prepare(scene);
        scorer.scoreOwnTerms(scene, candidates, candidates.candidates);
    }

    private void packActions()
    {
        final int n = candidates.candidates * candidates.horizon;
        for (int i = 0; i < n; i++)
        {
            actionsTensor.put(2 * i, candidates.accel[i]);
            actionsTensor.put(2 * i + 1, candidates.steer[i]);
        }
    }

    /**
     * Run the encoder down its fallback chain; count switches both ways and outputs refused, and log the
     * failure that caused them against the encoder.
     *
     * @return true when the encoder produced valid outputs.
     */
    private boolean encode(final long start)
    {
        final boolean encoded = encoder.run(start, encoderCheck);
        account(encoder, ENCODER, !encoded);
        return encoded;
    }

    /**
     * Run the rollout of this tick's candidates down its fallback chain, accounted as {@link #encode} is.
     *
     * @return true when the rollout produced valid outputs.
     */
    private boolean rollOut(final long start)
    {
        final boolean rolledOut = rollout.run(start, rolloutCheck);
        account(rollout, ROLLOUT, !rolledOut);
        return rolledOut;
    }

    private void account(final GraphRunner runner, final int role, final boolean failed)
    {
        final long fallbacks = runner.fallbacks();
        if (fallbacks != fallbacksSeen[role] || failed)
        {
            backendFallbacks.getAndAdd(fallbacks - fallbacksSeen[role]);
            fallbacksSeen[role] = fallbacks;
            errorLog.record(runner.lastFailure());
        }
        final long recoveries = runner.recoveries();
        if (recoveries != recoveriesSeen[role])
        {
            backendRecoveries.getAndAdd(recoveries - recoveriesSeen[role]);
            recoveriesSeen[role] = recoveries;
        }
        final long invalid = runner.invalidOutputs();
        if (invalid != invalidOutputsSeen[role])
        {
            backendOutputsInvalid.getAndAdd(invalid - invalidOutputsSeen[role]);
            invalidOutputsSeen[role] = invalid;
        }
    }

    /**
     * The best of the first {@code count} candidates; counts the tick when the analytic terms alone would have
     * chosen another, and the standing vehicles the model judged against the queue rule.
     */
    private int select(final int count)
    {
        // With candidates published every one is priced in full; otherwise those that cannot win are left
        // part-scored.
        final int selected =
            scorer.select(scene, candidates, futureTensor, riskTensor, count, null != candidatesPublisher);
        final int analyticChoice = scorer.analyticChoice();
        if (analyticChoice != selected)
        {
            learnedChoiceChanges.increment();
        }
        if (scene.learnedOverrides > 0)
        {
            learnedParkedOverrides.getAndAdd(scene.learnedOverrides);
        }
        return selected;
    }

    private boolean latentFinite()
    {
        for (final FloatBuffer latent : latentTensors)
        {
            if (!finite(latent, 0, latent.limit()))
            {
                return false;
            }
        }
        // A probability outside [0, 1] is as wrong as a NaN: the encoder is broken, not unsure.
        if (null != movesTensor)
        {
            for (int i = 0; i < scene.agentCount; i++)
            {
                final float p = movesTensor.get(i);
                if (!(p >= 0 && p <= 1))
                {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The predicted futures of the agents this scene has (the only ones the scorer reads), and the risk.
     */
    private boolean rolloutFinite()
    {
        final int perStep = config.maxAgents() * 3;
        final int used = scene.agentCount * 3;
        final int steps = candidates.candidates * candidates.horizon;
        for (int i = 0; i < steps; i++)
        {
            if (!finite(futureTensor, i * perStep, used))
            {
                return false;
            }
        }
        return null == riskTensor || finite(riskTensor, 0, riskTensor.limit());
    }

    private static boolean finite(final FloatBuffer buffer, final int from, final int count)
    {
        // A float is NaN or infinite exactly when its exponent bits are all set.
        int bad = 0;
        final int end = from + count;
        for (int i = from; i < end; i++)
        {
            final int bits = Float.floatToRawIntBits(buffer.get(i));
            bad |= ((bits & 0x7f80_0000) + 0x0080_0000) & 0x8000_0000;
        }
        return 0 == bad;
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
            publisher.waypoint(i,
                (float)(scene.egoWorldX + c * x - s * y),
                (float)(scene.egoWorldY + s * x + c * y),
                (float)SceneSnapshot.wrap(scene.egoWorldHeading + candidates.heading[base + i]),
                (float)candidates.speed[base + i],
                (float)((i + 1) * config.dtSeconds()));
        }
        out.sequence(publisher.nextSequence())
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
            .putModelName(modelName, 0)
            .behaviour((byte)candidates.behaviour[k])
            .predictedCollision((short)(scored && (scorer.collision[k] > 0 || everyCandidateCollides) ? 1 : 0));
        out.tickNanos(nanoClock.nanoTime() - start);
        publisher.publish();
        published.increment();
    }

    /**
     * Every candidate of this tick (up to the message's 64 x 30), its cost terms and the chosen one, on the
     * candidates broadcast. Positions stay in the ego frame: readers place them with the scene's ego pose.
     */
    private void publishCandidates()
    {
        final CandidatesEncoder out = candidatesPublisher.encoder();
        final int count = Math.min(candidates.candidates, CandidatesEncoder.costTotalLength());
        final int h = candidates.horizon;
        final int steps = Math.min(h, CandidatesEncoder.stepXLength() / Math.max(1, count));
        out.sceneSequence(scene.sequence)
            .sceneTimestampNs(scene.timestampNs)
            .trajectorySequence(publisher.lastSequence())
            .candidateCount(count)
            .stepCount(steps)
            .chosen(candidatesChosen < count ? candidatesChosen : -1)
            .scoredCount(Math.min(candidatesScored, count))
            .stepDtS((float)config.dtSeconds())
            .reserved(0);
        // The arrays are written straight into the message at the schema's offsets (little-endian, as the schema
        // says), 4,500 floats a tick. Measured against the encoder's per-index setters it made no difference
        // (DebugCandidatesTickBenchmark): the option's cost is the 18 KB it copies.
        final MutableDirectBuffer buffer = out.buffer();
        final int base = out.offset();
        costs(buffer, base + CandidatesEncoder.costTotalEncodingOffset(), scorer.total, count);
        costs(buffer, base + CandidatesEncoder.costCollisionEncodingOffset(), scorer.collision, count);
        costs(buffer, base + CandidatesEncoder.costTtcEncodingOffset(), scorer.ttc, count);
        costs(buffer, base + CandidatesEncoder.costProgressEncodingOffset(), scorer.progress, count);
        costs(buffer, base + CandidatesEncoder.costComfortEncodingOffset(), scorer.comfort, count);
        costs(buffer, base + CandidatesEncoder.costLaneEncodingOffset(), scorer.lane, count);
        costs(buffer, base + CandidatesEncoder.costRedLightEncodingOffset(), scorer.redLight, count);
        costs(buffer, base + CandidatesEncoder.costPedestrianEncodingOffset(), scorer.pedestrian, count);
        costs(buffer, base + CandidatesEncoder.costConsistencyEncodingOffset(), scorer.consistency, count);
        costs(buffer, base + CandidatesEncoder.costRiskEncodingOffset(), scorer.risk, count);
        final int xAt = base + CandidatesEncoder.stepXEncodingOffset();
        final int yAt = base + CandidatesEncoder.stepYEncodingOffset();
        final int behaviourAt = base + CandidatesEncoder.behaviourEncodingOffset();
        for (int c = 0; c < count; c++)
        {
            buffer.putByte(behaviourAt + c, (byte)candidates.behaviour[c]);
            for (int i = 0; i < steps; i++)
            {
                buffer.putFloat(xAt + 4 * (c * steps + i), (float)candidates.x[c * h + i], ByteOrder.LITTLE_ENDIAN);
                buffer.putFloat(yAt + 4 * (c * steps + i), (float)candidates.y[c * h + i], ByteOrder.LITTLE_ENDIAN);
            }
        }
        buffer.setMemory(behaviourAt + count, CandidatesEncoder.behaviourLength() - count, (byte)0);
        candidatesPublisher.publish();
    }

    /** {@code count} costs as floats at {@code at}, the rest of the message's 64 zeroed. */
    private static void costs(final MutableDirectBuffer buffer, final int at, final double[] values, final int count)
    {
        for (int c = 0; c < count; c++)
        {
            buffer.putFloat(at + 4 * c, (float)values[c], ByteOrder.LITTLE_ENDIAN);
        }
        buffer.setMemory(at + 4 * count, 4 * (CandidatesEncoder.costTotalLength() - count), (byte)0);
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

    /**
     * @return the scene of the last accepted frame, as planned on (for tests and tools on this thread).
     */
    SceneSnapshot scene()
    {
        return scene;
    }

    public TickStats stats()
    {
        return stats;
    }

    CandidateGenerator generator()
    {
        return generator;
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

    /**
     * @return the last fault found in a scene-ring record, a frame or an agent, or null when none has been.
     */
    public SceneFault lastFault()
    {
        return lastFault;
    }

    public String backendSummary()
    {
        return encoder.role() + "=" + encoder.backendId() + ", " + rollout.role() + "=" + rollout.backendId();
    }
}
