package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.metrics.DriveLog;
import io.wmrt.hil.metrics.DrivingMetrics;
import io.wmrt.hil.metrics.NavsimRuler;
import io.wmrt.hil.metrics.PassJudge;
import io.wmrt.hil.metrics.RoadGeometry;
import io.wmrt.hil.metrics.SumoCollisionLog;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.record.DatasetRecorder;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunTrace;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.traci.NextTrafficLight;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one scenario in closed loop: SUMO (headless, seeded) is the world, the runtime under test runs
 * unchanged in its own process, and the two meet only on the runtime's shared-memory bus.
 *
 * <p>Every simulation step the rig renders SUMO's ground truth around the ego into a SceneFrame on the
 * scene ring, waits for the Trajectory that answers it (lockstep: simulated time stands still while the
 * runtime plans, so a run is reproducible whatever the machine's speed), moves the ego along it with
 * the rig's acceleration and jerk limits ({@link EgoActuator}), and scores the step
 * ({@link DrivingMetrics}). A Trajectory that does not arrive within the wait is a stale step: the ego
 * keeps following its previous plan, as the car would.
 *
 * <p>Both processes are stopped when the run ends or fails. Not thread safe: one run at a time.
 */
public final class HilRig
{
    /**
     * The rig's version: part of every sweep task's id, so that a change to how the rig drives or scores makes
     * earlier sweep results stale. Bump it with any change that can change a run's metrics.
     */
    public static final String VERSION = "hil-2026.12-6";
    /** SUMO's step and the rig's: one scene per 0.1 s of simulated time. */
    public static final double STEP_S = 0.1;
    /**
     * Agents farther than this from the ego are left out of the scene: about what a forward long-range radar
     * tracks, and past what a car coming the other way closes in the time a pass takes (at 80 m a pass begun
     * with the road clear met cars coming into view half-way, narrow-street-7800-000). A package's
     * {@code agent_range_m} may be shorter; the planner carries those beyond it on the road along the route at
     * their speed.
     */
    public static final double SCENE_RANGE_M = 150.0;
    /** Simulated seconds the rig waits for the ego to depart before giving up. */
    public static final double MAX_DEPART_WAIT_S = 600.0;
    /** Horizon of the recorded ground-truth futures, in steps. */
    public static final int RECORD_HORIZON_STEPS = 30;
    private static final long FIRST_PLAN_WAIT_MS = 20_000;
    /** Scenes a deterministic run lets its MCAP recorder fall behind: well inside the scene echo's 48. */
    private static final int RECORDER_SLACK_SCENES = 8;
    private static final long RECORDER_WAIT_MS = 30_000;
    private static final double PROGRESS_EVERY_S = 10.0;
    private static final double ROUTE_END_MARGIN_M = 3.0;

    /**
     * What every run of a session shares.
     *
     * @param profile        hardware profile file the runtime loads.
     * @param model          model package directory the runtime loads.
     * @param modelName      the package's name, for the report.
     * @param soc            the profile's SoC, for the report.
     * @param workDir        per-scenario logs (SUMO's output, the runtime's, SUMO's collision output).
     * @param recordDir      where datasets go, one directory per scenario; null records nothing.
     * @param perturb        probability per second of starting a perturbation of the ego's actions.
     * @param planWaitMs     how long to wait for the Trajectory of a scene before the step goes stale.
     * @param progress       where progress lines go; null for none.
     * @param runtimeMain    main class of the runtime process, {@link RuntimeProcess#WMRT_MAIN}.
     * @param runtimeJvm     further JVM options of the runtime process.
     * @param timing         deterministic or wall-clock timing ({@link RigTiming}).
     * @param actionBounds   the model package's action space, for the results.
     * @param mcapDir        where each run's MCAP recording goes ({@code <scenario>.mcap}, the runtime publishing
     *                       its candidates); null records none.
     * @param shadowModel    a package for the runtime's shadow planner ({@code wmrt run --shadow}); null for none.
     * @param shadowName     its name, for the report.
     */
    public record Options(Path profile, Path model, String modelName, String soc, Path workDir, Path recordDir,
        double perturb, long planWaitMs, PrintStream progress, String runtimeMain, List<String> runtimeJvm,
        RigTiming timing, List<RunResult.ActionBound> actionBounds, Path mcapDir, Path shadowModel,
        String shadowName)
    {
        public Options
        {
            runtimeJvm = List.copyOf(runtimeJvm);
            actionBounds = List.copyOf(actionBounds);
        }

        /** Without MCAP recordings. */
        public Options(final Path profile, final Path model, final String modelName, final String soc,
            final Path workDir, final Path recordDir, final double perturb, final long planWaitMs,
            final PrintStream progress, final String runtimeMain, final List<String> runtimeJvm, final RigTiming timing,
            final List<RunResult.ActionBound> actionBounds)
        {
            this(profile, model, modelName, soc, workDir, recordDir, perturb, planWaitMs, progress, runtimeMain,
                runtimeJvm, timing, actionBounds, null, null, null);
        }

        /**
         * The runtime's options: the timing mode's, --debug-candidates when runs are recorded, and the shadow
         * planner with its instance in {@code shadowBus}.
         */
        List<String> runtimeArguments(final Path shadowBus)
        {
            final List<String> arguments = new ArrayList<>(timing.runtimeArguments());
            if (null != mcapDir)
            {
                arguments.add("--debug-candidates");
            }
            if (null != shadowModel)
            {
                arguments.addAll(List.of("--shadow", shadowModel.toString(), "--shadow-dir", shadowBus.toString()));
            }
            return arguments;
        }
    }

    private final Options options;

    public HilRig(final Options options)
    {
        this.options = options;
    }

    /**
     * Runs one scenario to its end (its duration, or the end of the ego's route).
     *
     * @param trace filled with what the report draws
     * @throws IOException when SUMO or the runtime cannot be started, fails, or the ego never departs;
     *                     the message names which and quotes its output
     */
    public RunResult run(final Scenario scenario, final RunTrace trace) throws IOException
    {
        final long wallStart = System.nanoTime();
        final Path work = options.workDir().resolve(scenario.name());
        Files.createDirectories(work);
        final Path collisionFile = work.resolve("collisions.xml");
        Files.deleteIfExists(collisionFile);
        final RoadNetwork network = RoadNetwork.load(netFileOf(scenario));
        final RoadGeometry road = new RoadGeometry(network);
        drawRoad(network, trace);
        final NavsimRuler.Reference reference = ReferenceDriver.outcome(scenario, network, road, work,
            options.progress());

        final Path mcapFile = null == options.mcapDir() ? null : options.mcapDir().resolve(scenario.name() + ".mcap");
        if (null != mcapFile)
        {
            trace.recording(mcapFile);
        }
        final Path busDir = sharedMemoryBase().resolve(
            "wmrt-hil-" + ProcessHandle.current().pid() + "-" + scenario.name());
        final Drive drive;
        final long deadlineMisses;
        final long clockDegradedTicks;
        final long learnedChoiceChanges;
        final long learnedParkedOverrides;
        final long shadowCompared;
        final Path shadowBus = work.resolve("shadow");
        try (SumoProcess sumo = SumoProcess.withConfig(scenario.sumoConfig())
            .seed(scenario.seed())
            .stepLengthSeconds(STEP_S)
            .lateralResolutionMetres(0.4)
            .collisionOutput(collisionFile)
            .outputFile(work.resolve("sumo.log"))
            .start();
            RuntimeProcess runtime = RuntimeProcess.start(options.runtimeMain(), options.runtimeJvm(),
                options.runtimeArguments(shadowBus), options.profile(), options.model(), scenario.seed(), busDir,
                work.resolve("runtime.log"));
            BusDirectory shadow = null == options.shadowModel() ? null :
                ShadowRun.await(shadowBus, runtime, RuntimeProcess.START_TIMEOUT_MS);
            McapRecording recording = McapRecording.start(runtime.bus(), shadow, mcapFile, scenario.name()))
        {
            drive = new Drive(scenario, sumo.connection(), runtime, network, trace);
            drive.shadow = null == shadow ? null : new TrajectoryReader(shadow);
            drive.recording = recording;
            drive.run();
            deadlineMisses = runtime.bus().counter(WmrtCounter.DEADLINE_MISSES).get();
            clockDegradedTicks = runtime.bus().counter(WmrtCounter.DEGRADED_BY_WALL_CLOCK).get();
            learnedChoiceChanges = runtime.bus().counter(WmrtCounter.LEARNED_CHOICE_CHANGES).get();
            learnedParkedOverrides = runtime.bus().counter(WmrtCounter.LEARNED_PARKED_OVERRIDES).get();
            shadowCompared = runtime.bus().counter(WmrtCounter.SHADOW_PLANS_COMPARED).get();
            if (null != drive.recorder)
            {
                drive.recorder.close();
            }
            recording.close();
            if (null != options.progress() && null != mcapFile)
            {
                options.progress().printf("%s: recorded %s%n", scenario.name(), recording.summary());
            }
        }
        if (null != options.shadowModel())
        {
            trace.shadow(options.shadowName(), shadowCompared, ShadowRun.disagreements(shadowBus, trace));
        }
        // SUMO writes its collision output completely only when it exits.
        // The ego's stand-in stands where the ego is: SUMO's contacts between the two are not contacts.
        final List<SumoCollisionLog.Collision> sumoCollisions = SumoCollisionLog.egoCollisions(collisionFile,
            scenario.egoId(), GroundTruthScene.standInId(scenario.egoId()));
        return drive.result(sumoCollisions, road, reference, deadlineMisses, clockDegradedTicks,
            learnedChoiceChanges, learnedParkedOverrides, (System.nanoTime() - wallStart) / 1e9);
    }

    /** The network file named by the scenario's SUMO configuration. */
    static Path netFileOf(final Scenario scenario) throws IOException
    {
        final String config = Files.readString(scenario.sumoConfig());
        final java.util.regex.Matcher m =
            java.util.regex.Pattern.compile("<net-file\\s+value=\"([^\"]+)\"").matcher(config);
        if (!m.find())
        {
            throw new IOException(scenario.sumoConfig() + ": names no <net-file value=\"...\"/>");
        }
        final Path net = scenario.sumoConfig().toAbsolutePath().getParent().resolve(m.group(1).trim());
        if (!Files.isRegularFile(net))
        {
            throw new IOException(scenario.sumoConfig() + ": net-file " + net + " does not exist");
        }
        return net;
    }

    private static void drawRoad(final RoadNetwork network, final RunTrace trace)
    {
        for (final RoadNetwork.Lane lane : network.lanes())
        {
            if (lane.passenger() || lane.pedestrianOnly())
            {
                trace.addRoad(new RunTrace.RoadShape(lane.shape(), lane.widthM(), !lane.passenger()));
            }
        }
    }

    private static Path sharedMemoryBase()
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** The state of one run. */
    private final class Drive
    {
        private final Scenario scenario;
        private final TraciConnection traci;
        private final RuntimeProcess runtime;
        private final RoadNetwork network;
        private final RunTrace trace;
        private final String ego;

        private final UnsafeBuffer frameBuffer =
            new UnsafeBuffer(BufferUtil.allocateDirectAligned(SceneWriter.FRAME_LENGTH, 64));
        private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
        private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
        private final SceneFrameEncoder encoder = new SceneFrameEncoder();
        private final SceneFrameDecoder decoder = new SceneFrameDecoder();
        private final ManyToOneRingBuffer sceneRing;
        private final TrajectoryReader reader;
        /** The shadow planner's plans, when the run has one. */
        private TrajectoryReader shadow;
        private McapRecording recording;
        private long scenesPublished;
        private final TrajectoryReader.Handler onShadowPlan = this::onShadowPlan;
        private boolean shadowAnswered;
        private final EgoActuator actuator = new EgoActuator();
        private final DrivingMetrics metrics = new DrivingMetrics();
        private final GroundTruthScene scene;
        private final Random perturbation;
        private DatasetRecorder recorder;
        private DriveLog log;
        /** The vehicle model's course: integrated yaw rate, free of SUMO's mapping of the moved ego onto lanes. */
        private double course;

        private long awaitedSequence;
        private boolean answered;
        private double answeredTickMs;
        private double sceneTime;
        private double sceneX;
        private double sceneY;
        private double sceneHeading;
        private double sceneSpeed;
        private final double[] planXy = new double[2 * 64];
        private int planPoints;

        private long steps;
        private long staleSteps;
        private double routeLengthM;
        private double egoLength;
        private double egoWidth;
        private int perturbStepsLeft;
        private OppositeLaneStandIn standIn;

        Drive(final Scenario scenario, final TraciConnection traci, final RuntimeProcess runtime,
            final RoadNetwork network, final RunTrace trace)
        {
            this.scenario = scenario;
            this.traci = traci;
            this.runtime = runtime;
            this.network = network;
            this.trace = trace;
            this.ego = scenario.egoId();
            this.sceneRing = new ManyToOneRingBuffer(runtime.bus().sceneRingBuffer());
            this.reader = new TrajectoryReader(runtime.bus());
            this.scene = new GroundTruthScene(traci, ego, SCENE_RANGE_M).network(network);
            this.perturbation = new Random(scenario.seed() * 0x9E3779B97F4A7C15L + 1);
        }

        void run() throws IOException
        {
            awaitDeparture();
            traci.setVehicleSpeedMode(ego, 0);
            traci.setVehicleLaneChangeMode(ego, 0);
            egoLength = traci.vehicleLength(ego);
            egoWidth = traci.vehicleWidth(ego);
            trace.egoSize(egoLength, egoWidth);
            standIn = new OppositeLaneStandIn(traci, network, ego, traci.vehicleTypeId(ego));
            final double heading = traci.vehicleHeadingRadians(ego);
            final Position2D centre = GroundTruthScene.centreOf(traci.vehiclePosition(ego), heading, egoLength);
            actuator.reset(centre.x(), centre.y(), heading, traci.vehicleSpeed(ego));
            course = heading;
            routeLengthM = GroundTruth.remainingRoute(traci, ego, network);
            log = new DriveLog(STEP_S, egoLength, egoWidth, traci.vehicleSpeed(ego), GroundTruth.routeEdges(traci, ego));
            if (null != options.recordDir())
            {
                recorder = DatasetRecorder.create(options.recordDir().resolve(scenario.name()), scenario.name(),
                    scenario.seed(), STEP_S, RECORD_HORIZON_STEPS);
            }

            final long totalSteps = Math.round(scenario.durationS() / STEP_S);
            final double start = traci.getTime();
            double nextProgress = PROGRESS_EVERY_S;
            for (long step = 0; step < totalSteps; step++)
            {
                if (!traci.vehicleIds().contains(ego) || GroundTruth.routeDone(traci, ego, network))
                {
                    break;
                }
                publishScene();
                final long planWaitMs = options.timing().planWaitMs(options.planWaitMs());
                awaitPlan(step == 0 ? Math.max(FIRST_PLAN_WAIT_MS, planWaitMs) : planWaitMs);
                awaitShadowPlan(step == 0 ? Math.max(FIRST_PLAN_WAIT_MS, planWaitMs) : planWaitMs);
                awaitRecording();
                final NextTrafficLight lightBefore = GroundTruth.nextLight(traci, ego);
                final boolean perturbed = perturbStep(step);
                final double time = traci.getTime() + STEP_S;
                actuator.step(time, STEP_S);
                if (null != recorder)
                {
                    recorder.record(decoder, (float)actuator.accel(), (float)actuator.yawRate(),
                        (float)actuator.speed(), perturbed);
                }
                moveEgo();
                standIn.update(actuator.x(), actuator.y(), actuator.heading(), egoLength, egoWidth,
                    traci.vehicleRoadId(ego));
                traci.simulationStep();
                steps++;
                if (!traci.vehicleIds().contains(ego))
                {
                    break;
                }
                score(time, lightBefore, step);
                if (null != options.progress() && time - start >= nextProgress)
                {
                    nextProgress += PROGRESS_EVERY_S;
                    options.progress().printf(Locale.ROOT, "  %-20s t=%5.1f/%.0f s  progress %6.1f m  " +
                        "speed %5.2f m/s  stale %d%n", scenario.name(), time - start, scenario.durationS(),
                        metrics.progressM(), actuator.speed(), staleSteps);
                }
            }
        }

        private void awaitDeparture() throws IOException
        {
            GroundTruth.awaitDeparture(traci, scenario);
        }

        private void publishScene() throws IOException
        {
            encoder.wrapAndApplyHeader(frameBuffer, 0, headerEncoder);
            scene.egoMotion(actuator.speed(), actuator.accel());
            scene.egoPose(actuator.x(), actuator.y(), actuator.heading());
            scene.fill(encoder);
            decoder.wrapAndApplyHeader(frameBuffer, 0, headerDecoder);
            awaitedSequence = decoder.sequence();
            sceneTime = decoder.timestampNs() / 1e9;
            sceneX = decoder.egoX();
            sceneY = decoder.egoY();
            sceneHeading = decoder.egoHeading();
            sceneSpeed = decoder.egoSpeed();
            // Keep the actuator on SUMO's pose: it is the ground truth the runtime sees.
            actuator.resync(sceneX, sceneY, sceneHeading);
            scenesPublished++;
            if (!sceneRing.write(BusLayout.SCENE_MSG_TYPE, frameBuffer, 0, SceneWriter.FRAME_LENGTH))
            {
                throw new IOException("scene ring of " + runtime.bus().dir() + " is full: the runtime (pid " +
                    runtime.pid() + ") is not planning; its output ends with:\n" + runtime.outputTail());
            }
        }

        /**
         * With a shadow planner and deterministic timing, the simulation also waits (up to {@code waitMs}) for the
         * shadow's plan of this scene before it moves on, so the shadow plans on every scene and the comparison is
         * the same on a busy machine. The live planner is not held: the shadow plans once it has published.
         */
        private void awaitShadowPlan(final long waitMs)
        {
            if (null == shadow || !options.timing().deterministic())
            {
                return;
            }
            shadowAnswered = false;
            final long deadline = System.nanoTime() + waitMs * 1_000_000L;
            while (!shadowAnswered && System.nanoTime() < deadline)
            {
                if (shadow.poll(onShadowPlan) == 0)
                {
                    Thread.onSpinWait();
                }
            }
        }

        /**
         * With deterministic timing, the simulation waits for the MCAP recorder to keep within a few scenes of it,
         * so a recording holds every scene however busy the machine; with wall-clock timing nothing waits.
         */
        private void awaitRecording() throws IOException
        {
            if (!options.timing().deterministic() || null == recording)
            {
                return;
            }
            if (!recording.awaitRecorded(scenesPublished, RECORDER_SLACK_SCENES, RECORDER_WAIT_MS))
            {
                throw new IOException("the MCAP recorder of " + scenario.name() + " is " + RECORDER_WAIT_MS +
                    " ms behind scene " + awaitedSequence + " (deterministic timing): " + recording.summary());
            }
        }

        private void onShadowPlan(final TrajectoryDecoder plan)
        {
            shadowAnswered |= plan.sceneSequence() >= awaitedSequence;
        }

        private void awaitPlan(final long waitMs) throws IOException
        {
            answered = false;
            final long deadline = System.nanoTime() + waitMs * 1_000_000L;
            while (!answered)
            {
                if (reader.poll(this::onTrajectory) == 0)
                {
                    if (System.nanoTime() > deadline)
                    {
                        if (!runtime.isAlive())
                        {
                            throw new IOException("the runtime (pid " + runtime.pid() + ") exited during the run; " +
                                "its output ends with:\n" + runtime.outputTail());
                        }
                        if (options.timing().deterministic())
                        {
                            // A stale step would make the outcome depend on the machine's speed.
                            throw new IOException("no Trajectory for scene " + awaitedSequence + " within " + waitMs +
                                " ms (deterministic timing): the runtime (pid " + runtime.pid() + ") is not " +
                                "answering; its output ends with:\n" + runtime.outputTail());
                        }
                        staleSteps++;
                        return;
                    }
                    LockSupport.parkNanos(20_000);
                }
            }
        }

        private void onTrajectory(final TrajectoryDecoder trajectory)
        {
            if (trajectory.sceneSequence() != awaitedSequence)
            {
                return;
            }
            answered = true;
            answeredTickMs = trajectory.tickNanos() / 1e6;
            actuator.follow(trajectory, sceneTime, sceneX, sceneY, sceneHeading, sceneSpeed);
            planPoints = Math.min(trajectory.waypointCount(), 64);
            final double[] t = new double[planPoints];
            final double[] x = new double[planPoints];
            final double[] y = new double[planPoints];
            final double[] h = new double[planPoints];
            final double[] v = new double[planPoints];
            for (int i = 0; i < planPoints; i++)
            {
                planXy[2 * i] = trajectory.wpX(i);
                planXy[2 * i + 1] = trajectory.wpY(i);
                t[i] = trajectory.wpT(i);
                x[i] = trajectory.wpX(i);
                y[i] = trajectory.wpY(i);
                h[i] = trajectory.wpHeading(i);
                v[i] = trajectory.wpSpeed(i);
            }
            log.addPlan(new DriveLog.Plan(sceneTime, t, x, y, h, v));
        }

        private boolean perturbStep(final long step)
        {
            if (options.perturb() <= 0.0)
            {
                return false;
            }
            if (perturbStepsLeft == 0 && step % 10 == 0 && perturbation.nextDouble() < options.perturb())
            {
                perturbStepsLeft = 10 + perturbation.nextInt(21);
                actuator.perturb(-2.5 + 4.0 * perturbation.nextDouble(), -0.6 + 1.2 * perturbation.nextDouble());
            }
            if (perturbStepsLeft > 0)
            {
                perturbStepsLeft--;
                if (perturbStepsLeft == 0)
                {
                    actuator.perturb(0.0, 0.0);
                }
                return true;
            }
            return false;
        }

        private void moveEgo()
        {
            // SUMO lays the ego's box along its lane at the offset of the point it is moved to (EgoPlacement).
            final double[] lane = network.lane(traci.vehicleLaneId(ego)).map(RoadNetwork.Lane::shape).orElse(null);
            final Position2D front = EgoPlacement.sumoFront(actuator.x(), actuator.y(), actuator.heading(),
                egoLength, lane);
            traci.moveVehicleToXY(ego, "", -1, front.x(), front.y(),
                SumoAngles.headingRadiansToSumoDegrees(actuator.heading()), 1);
            traci.setVehicleSpeed(ego, actuator.speed());
        }

        private void score(final double time, final NextTrafficLight before, final long step)
        {
            // The pose the rig moved the ego to: SUMO's front is the point EgoPlacement gave it, not the front.
            final double heading = actuator.heading();
            final Position2D centre = new Position2D(actuator.x(), actuator.y());
            final boolean drivable = network.isFootprintDrivable(centre.x(), centre.y(), heading, egoLength, egoWidth);

            final List<DrivingMetrics.RoadUser> others = GroundTruth.roadUsers(traci, ego, centre);
            metrics.step(time, STEP_S, centre.x(), centre.y(), heading, actuator.speed(), actuator.accel(),
                actuator.yawRate(), egoLength, egoWidth, drivable, others);

            final boolean red = GroundTruth.crossedRed(traci, ego, before, actuator.speed(), STEP_S);
            if (red)
            {
                metrics.redLightCrossed();
            }
            course += actuator.yawRate() * STEP_S;
            log.add(new DriveLog.Sample(time, centre.x(), centre.y(), heading, actuator.speed(), course,
                GroundTruth.agents(others), red));
            laneSlot(time, centre);

            final double tickMs = answered ? answeredTickMs : Double.NaN;
            trace.addStep(new RunTrace.Step(time, centre.x(), centre.y(), heading, actuator.speed(), actuator.accel(),
                actuator.jerk(), tickMs, !drivable));
            if (step % RunTrace.SNAPSHOT_EVERY_STEPS == 0)
            {
                snapshot(time, others);
            }
        }

        private void laneSlot(final double time, final Position2D centre)
        {
            final String road = traci.vehicleRoadId(ego);
            if (road.startsWith(":"))
            {
                return;
            }
            RoadNetwork.Lane nearest = null;
            double best = Double.POSITIVE_INFINITY;
            for (final RoadNetwork.Lane lane : network.lanes())
            {
                if (!lane.passenger() || lane.internal())
                {
                    continue;
                }
                final double d = RoadNetwork.distanceToPolyline(lane.shape(), centre.x(), centre.y());
                if (d < best)
                {
                    best = d;
                    nearest = lane;
                }
            }
            final RoadNetwork.Edge own = network.edge(road).orElse(null);
            if (null == nearest || null == own)
            {
                return;
            }
            final RoadNetwork.Edge opposite = network.oppositeOf(road).orElse(null);
            if (null != opposite && nearest.edgeId().equals(opposite.id()))
            {
                metrics.inOppositeLane(STEP_S);
            }
            // Hysteresis: a slot counts only once the centre is well inside the lane.
            if (best > 0.5 * nearest.widthM() - 0.3)
            {
                return;
            }
            final int ownLanes = RoadNetwork.passengerLaneCount(own);
            if (nearest.edgeId().equals(road))
            {
                metrics.laneSlot(time, road, ordinal(own, nearest), ownLanes);
                return;
            }
            if (null != opposite && nearest.edgeId().equals(opposite.id()))
            {
                final int slot = ownLanes + RoadNetwork.passengerLaneCount(opposite) - 1 - ordinal(opposite, nearest);
                metrics.laneSlot(time, road, slot, ownLanes);
            }
        }

        private static int ordinal(final RoadNetwork.Edge edge, final RoadNetwork.Lane lane)
        {
            int ordinal = 0;
            for (final RoadNetwork.Lane other : edge.lanes())
            {
                if (other.passenger() && other.index() < lane.index())
                {
                    ordinal++;
                }
            }
            return ordinal;
        }

        private void snapshot(final double time, final List<DrivingMetrics.RoadUser> others)
        {
            final int n = others.size();
            final double[] xy = new double[2 * n];
            final double[] heading = new double[n];
            final double[] length = new double[n];
            final double[] width = new double[n];
            final byte[] kind = new byte[n];
            for (int i = 0; i < n; i++)
            {
                final DrivingMetrics.RoadUser other = others.get(i);
                xy[2 * i] = other.x();
                xy[2 * i + 1] = other.y();
                heading[i] = other.heading();
                length[i] = other.length();
                width[i] = other.width();
                kind[i] = other.kind();
            }
            trace.addSnapshot(new RunTrace.Snapshot(time, Arrays.copyOf(planXy, 2 * planPoints), xy, heading, length,
                width, kind));
        }

        RunResult result(final List<SumoCollisionLog.Collision> sumoCollisions, final RoadGeometry road,
            final NavsimRuler.Reference reference, final long deadlineMisses, final long clockDegradedTicks,
            final long learnedChoiceChanges, final long learnedParkedOverrides, final double wallS)
        {
            // The union of both checks: a SUMO report not already a footprint contact counts when the
            // footprints were close then (see DrivingMetrics.closeTo for why SUMO alone is not trusted).
            final List<DrivingMetrics.Contact> contacts = metrics.contacts();
            int merged = contacts.size();
            for (final SumoCollisionLog.Collision reported : sumoCollisions)
            {
                boolean seen = false;
                for (final DrivingMetrics.Contact contact : contacts)
                {
                    if (contact.other().endsWith(":" + reported.other()) &&
                        Math.abs(contact.timeS() - reported.timeS()) <= SumoCollisionLog.SAME_CONTACT_S)
                    {
                        seen = true;
                        break;
                    }
                }
                if (!seen && (metrics.closeTo("vehicle:" + reported.other(), reported.timeS()) ||
                    metrics.closeTo("person:" + reported.other(), reported.timeS())))
                {
                    merged++;
                }
            }
            final List<Double> ticks = new ArrayList<>(trace.tickMs());
            ticks.sort(Double::compare);
            final double p50 = percentile(ticks, 50);
            final double p99 = percentile(ticks, 99);

            final NavsimRuler.Verdict verdict = NavsimRuler.score(log, road, reference);
            verdict.events().forEach(trace::addEvent);
            if (null != options.progress())
            {
                verdict.notes().forEach((name, note) ->
                    options.progress().printf(Locale.ROOT, "  %-20s %s lost: %s%n", scenario.name(), name, note));
            }
            final double progress = verdict.progressM();
            final List<String> failures = PassJudge.failures(scenario.pass(), metrics, merged, progress,
                verdict.scores().referenceProgressM(), verdict.scores().pdms());

            return new RunResult(scenario.name(), options.modelName(), options.soc(), options.timing().toString(),
                scenario.seed(),
                steps * STEP_S, steps, merged, sumoCollisions.size(), contacts.size(),
                metrics.redLightViolations(), metrics.offroad(), progress, routeLengthM,
                routeLengthM > 0 ? Math.min(1.0, progress / routeLengthM) : 1.0,
                metrics.minTtcS(), metrics.maxAccelMps2(), metrics.maxDecelMps2(), metrics.maxAbsJerkMps3(),
                metrics.maxAbsLatAccelMps2(), metrics.laneChanges(), metrics.weaving(), metrics.oppositeLaneS(),
                metrics.minPedestrianDistanceM(), metrics.stoppedS(), metrics.creepingS(), p50, p99, deadlineMisses,
                clockDegradedTicks, staleSteps, learnedChoiceChanges, learnedParkedOverrides, verdict.scores(),
                failures.isEmpty(), failures, wallS, familyOf(scenario), options.actionBounds());
        }
    }

    /** The {@code family:} of the scenario's {@code parameters.yaml} (written by the generator), else hand-built. */
    static String familyOf(final Scenario scenario)
    {
        final Path parameters = scenario.directory().resolve("parameters.yaml");
        if (Files.isRegularFile(parameters))
        {
            try
            {
                for (final String line : Files.readAllLines(parameters))
                {
                    final java.util.regex.Matcher m =
                        java.util.regex.Pattern.compile("^family:\\s*\"?([A-Za-z0-9_-]+)\"?\\s*(#.*)?$").matcher(line);
                    if (m.matches())
                    {
                        return m.group(1);
                    }
                }
            }
            catch (final IOException e)
            {
                return RunResult.HAND_BUILT;
            }
        }
        return RunResult.HAND_BUILT;
    }

    static double percentile(final List<Double> sorted, final double percentile)
    {
        if (sorted.isEmpty())
        {
            return Double.NaN;
        }
        final int index = (int)Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
