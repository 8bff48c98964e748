package io.wmrt.demo;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.FaultPlan;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.model.ModelPackage;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.Footprints;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.TrajectoryScorer;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Plays a built-in scene closed loop in one process, through the same bus the car uses: each simulated tick
 * it writes a SceneFrame to the instance's scene ring, lets the planner agent tick, reads the Trajectory
 * from the broadcast, and moves the ego along it (perfect tracking), while the scripted road users move on.
 * <p>
 * Not thread safe: one run at a time per instance.
 */
public final class ClosedLoopDemo
{
    private static final int MAX_WAYPOINTS = 32;

    private final HardwareProfile profile;
    private final ModelPackage model;
    private final Path shmBase;
    private PrintStream log;

    // Latest trajectory, copied out of the decoder.
    private final double[] wpX = new double[MAX_WAYPOINTS];
    private final double[] wpY = new double[MAX_WAYPOINTS];
    private final double[] wpHeading = new double[MAX_WAYPOINTS];
    private final double[] wpSpeed = new double[MAX_WAYPOINTS];
    private final double[] wpT = new double[MAX_WAYPOINTS];
    private PrintStream trace;
    private int traceEvery = 1;
    private int wpCount;
    private boolean explained;
    private long seed = PlannerConfig.DEFAULT_SEED;
    private FaultPlan faults = FaultPlan.NONE;
    private double lastMinTtc;
    private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;

    public ClosedLoopDemo(final HardwareProfile profile, final ModelPackage model, final Path shmBase,
        final PrintStream log)
    {
        this.profile = profile;
        this.model = model;
        this.shmBase = shmBase;
        this.log = log;
    }

    /**
     * Seed of the planner's candidate sampler.
     */
    public ClosedLoopDemo seed(final long seed)
    {
        this.seed = seed;
        return this;
    }

    /**
     * Inject these backend faults into every scene's runtime (each scene starts counting calls afresh).
     */
    public ClosedLoopDemo faults(final FaultPlan faults)
    {
        this.faults = faults;
        return this;
    }

    /**
     * Print each tick's decision (chosen candidate and its cost terms, and the best of each behaviour).
     */
    public ClosedLoopDemo trace(final PrintStream trace, final int everyTicks)
    {
        this.trace = trace;
        this.traceEvery = Math.max(1, everyTicks);
        return this;
    }

    private void trace(
        final PlannerAgent agent, final double t, final double x, final double y, final double v, final double gap)
    {
        final CandidateSet c = agent.candidates();
        final TrajectoryScorer s = agent.scorer();
        final int k = agent.lastSelected();
        // "col" is what the Trajectory publishes as costCollision: footprint collision plus the learned risk term.
        trace.printf(Locale.ROOT, "  t=%5.1f x=%6.1f y=%5.2f v=%4.1f gap %5.2f %-12s %-14s lat %5.2f total %8.1f " +
            "[col %.0f ttc %.1f prog %.1f comf %.2f lane %.2f light %.0f ped %.2f] alloc %d B%n",
            t, x, y, v, gap, agent.lastMode(), CandidateSet.behaviourName(c.behaviour[k]), c.lateralTarget[k],
            s.total[k], s.collision[k] + s.risk[k], s.ttc[k], s.progress[k], s.comfort[k], s.lane[k], s.redLight[k],
            s.pedestrian[k], agent.stats().lastAllocBytes());
        if (Boolean.getBoolean("wmrt.trace.all"))
        {
            for (int i = 0; i < c.latticeCount; i++)
            {
                trace.printf(Locale.ROOT, "      %2d %-14s lat %5.2f total %8.1f [col %.0f ttc %.1f prog %.1f " +
                    "comf %.2f lane %.2f light %.0f ped %.2f]%n", i, CandidateSet.behaviourName(c.behaviour[i]),
                    c.lateralTarget[i], s.total[i], s.collision[i] + s.risk[i], s.ttc[i], s.progress[i], s.comfort[i],
                    s.lane[i], s.redLight[i], s.pedestrian[i]);
            }
        }
    }

    public ScenarioResult run(final DemoScenario scenario) throws IOException, BackendException
    {
        return run(scenario, true);
    }

    /**
     * @param report false for a warm-up pass: nothing is logged or traced.
     */
    public ScenarioResult run(final DemoScenario scenario, final boolean report) throws IOException, BackendException
    {
        final PrintStream savedLog = log;
        final PrintStream savedTrace = trace;
        if (!report)
        {
            log = null;
            trace = null;
        }
        try
        {
            return runOnce(scenario);
        }
        finally
        {
            log = savedLog;
            trace = savedTrace;
        }
    }

    private ScenarioResult runOnce(final DemoScenario scenario) throws IOException, BackendException
    {
        Files.createDirectories(shmBase);
        final Path dir = Files.createTempDirectory(shmBase, "wmrt-demo-");
        final BusDirectory bus = BusDirectory.create(dir);
        try (WmrtRuntime runtime = new WmrtRuntime(profile, model,
            PlannerConfig.from(model, profile).seed(seed).conclude(),
            bus, SystemNanoClock.INSTANCE, SystemEpochClock.INSTANCE, faults))
        {
            // The demo ticks the agent itself; the watchdog watches from its own thread as in 'wmrt run'.
            runtime.startWatchdog(Throwable::printStackTrace);
            if (null != log && !explained)
            {
                // Once per demo: which backend runs each graph, and why others were passed over.
                explained = true;
                for (final String line : runtime.dispatchReport())
                {
                    log.println("dispatch: " + line);
                }
                final String npu = runtime.npuNotUsedReason();
                if (null != npu)
                {
                    log.println("NPU not used: " + npu);
                }
            }
            return drive(scenario, runtime, bus);
        }
        finally
        {
            bus.closeAndDelete();
        }
    }

    private ScenarioResult drive(final DemoScenario scenario, final WmrtRuntime runtime, final BusDirectory bus)
    {
        final SceneWriter writer = new SceneWriter(bus);
        final TrajectoryReader reader = new TrajectoryReader(bus);
        final double dt = 1.0 / profile.planner().tickHz();
        final int steps = (int)Math.round(scenario.durationS() / dt);
        final List<ScriptedAgent> agents = scenario.agents();
        final boolean[] touching = new boolean[agents.size()];

        double x = 0;
        double y = 0;
        double heading = 0;
        double speed = scenario.egoSpeed();
        double accel = 0;
        int collisions = 0;
        int redViolations = 0;
        boolean overtook = false;
        double minDistance = Double.POSITIVE_INFINITY;
        double maxDecel = 0;
        lastMinTtc = Double.POSITIVE_INFINITY;
        double minTtc = Double.POSITIVE_INFINITY;

        double stepGap = Double.POSITIVE_INFINITY;
        for (int step = 0; step < steps; step++)
        {
            final double t = step * dt;
            writeScene(writer, scenario, step, t, x, y, heading, speed, accel);
            runtime.agent().doWork();
            if (null != trace && step % traceEvery == 0)
            {
                trace(runtime.agent(), t, x, y, speed, stepGap);
            }
            wpCount = 0;
            while (reader.poll(onTrajectory) > 0)
            {
                minTtc = Math.min(minTtc, lastMinTtc);
            }

            // Follow the plan for one tick: interpolate the waypoints at dt after the scene.
            final double frontBefore = x + 0.5 * DemoScenario.EGO_LENGTH;
            if (wpCount > 0)
            {
                final double newSpeed = sample(wpSpeed, dt, speed);
                final double nx = sample(wpX, dt, x);
                final double ny = sample(wpY, dt, y);
                heading = sampleAngle(dt, heading);
                accel = (newSpeed - speed) / dt;
                x = nx;
                y = ny;
                speed = newSpeed;
            }
            maxDecel = Math.max(maxDecel, -accel);

            final double tNext = t + dt;
            if (scenario.redAt(tNext) && frontBefore <= scenario.stopLineX() &&
                x + 0.5 * DemoScenario.EGO_LENGTH > scenario.stopLineX())
            {
                redViolations++;
            }
            if (scenario.redAt(tNext) && Math.abs(y) > 0.5 * scenario.laneWidth())
            {
                overtook = true;
            }
            stepGap = Double.POSITIVE_INFINITY;
            for (int i = 0; i < agents.size(); i++)
            {
                final ScriptedAgent a = agents.get(i);
                final double ax = a.xAt(tNext);
                final double ay = a.yAt(tNext);
                final boolean overlap = Footprints.overlap(x, y, heading, 0.5 * DemoScenario.EGO_LENGTH,
                    0.5 * DemoScenario.EGO_WIDTH, ax, ay, a.heading(), 0.5 * a.length(), 0.5 * a.width());
                if (overlap && !touching[i])
                {
                    collisions++;
                }
                touching[i] = overlap;
                stepGap = Math.min(stepGap, overlap ? 0 : Footprints.distance(x, y, heading,
                    0.5 * DemoScenario.EGO_LENGTH, 0.5 * DemoScenario.EGO_WIDTH,
                    ax, ay, a.heading(), 0.5 * a.length(), 0.5 * a.width()));
            }
            minDistance = Math.min(minDistance, stepGap);
        }

        final double progress = x;
        final long minimalRisk = bus.counter(WmrtCounter.MINIMAL_RISK_TICKS).get();
        final boolean passed = collisions == 0 && redViolations == 0 && !overtook &&
            progress >= scenario.minProgressM();
        return new ScenarioResult(
            scenario.name(),
            runtime.agent().stats().ticks(),
            runtime.agent().stats().percentileMs(50),
            runtime.agent().stats().percentileMs(99),
            collisions,
            minDistance,
            progress,
            runtime.backendSummary(),
            runtime.agent().stats().allocBytesPerTick(),
            redViolations,
            overtook,
            maxDecel,
            minTtc,
            minimalRisk,
            passed);
    }

    private void onTrajectory(final TrajectoryDecoder trajectory)
    {
        wpCount = Math.min(trajectory.waypointCount(), MAX_WAYPOINTS);
        for (int i = 0; i < wpCount; i++)
        {
            wpX[i] = trajectory.wpX(i);
            wpY[i] = trajectory.wpY(i);
            wpHeading[i] = trajectory.wpHeading(i);
            wpSpeed[i] = trajectory.wpSpeed(i);
            wpT[i] = trajectory.wpT(i);
        }
        lastMinTtc = trajectory.minTtcS() > 0 ? trajectory.minTtcS() : Double.POSITIVE_INFINITY;
    }

    /**
     * Value of a waypoint series at time tau after the scene, starting from {@code now} at tau = 0.
     */
    private double sample(final double[] series, final double tau, final double now)
    {
        if (tau <= wpT[0])
        {
            return now + (series[0] - now) * (tau / wpT[0]);
        }
        for (int i = 1; i < wpCount; i++)
        {
            if (tau <= wpT[i])
            {
                final double f = (tau - wpT[i - 1]) / (wpT[i] - wpT[i - 1]);
                return series[i - 1] + (series[i] - series[i - 1]) * f;
            }
        }
        return series[wpCount - 1];
    }

    private double sampleAngle(final double tau, final double now)
    {
        final double target = sample(wpHeading, tau, now);
        return Math.atan2(Math.sin(target), Math.cos(target));
    }

    private static void writeScene(
        final SceneWriter writer, final DemoScenario scenario, final int step, final double t,
        final double x, final double y, final double heading, final double speed, final double accel)
    {
        final SceneFrameEncoder frame = writer.claim();
        if (null == frame)
        {
            throw new IllegalStateException("scene ring full: the planner is not consuming");
        }
        frame.sequence(step + 1)
            .timestampNs(Math.round(t * 1e9))
            .egoX((float)x)
            .egoY((float)y)
            .egoHeading((float)heading)
            .egoSpeed((float)speed)
            .egoAccel((float)accel)
            .egoSteer(0f)
            .egoLength((float)DemoScenario.EGO_LENGTH)
            .egoWidth((float)DemoScenario.EGO_WIDTH)
            .speedLimit((float)scenario.speedLimit())
            .laneWidth((float)scenario.laneWidth())
            .drivableLeft((float)scenario.drivableLeft())
            .drivableRight((float)scenario.drivableRight()).drivableLeftEndS(0f).drivableRightEndS(0f);

        final List<ScriptedAgent> agents = scenario.agents();
        frame.agentCount(agents.size());
        for (int i = 0; i < agents.size(); i++)
        {
            final ScriptedAgent a = agents.get(i);
            frame.agentId(i, a.id())
                .agentKind(i, a.kind())
                .agentX(i, (float)a.xAt(t))
                .agentY(i, (float)a.yAt(t))
                .agentHeading(i, (float)a.heading())
                .agentSpeed(i, (float)a.speedAt(t))
                .agentYawRate(i, 0f)
                .agentLength(i, (float)a.length())
                .agentWidth(i, (float)a.width());
        }

        // The route runs along the ego lane's centre line; points every 10 m.
        final int points = 62;
        frame.routePointCount(points);
        for (int i = 0; i < points; i++)
        {
            frame.routeX(i, (float)(DemoScenario.ROUTE_START_X + 10.0 * i));
            frame.routeY(i, 0f);
        }
        if (scenario.hasLight())
        {
            frame.lightCount(1)
                .lightStopS(0, (float)(scenario.stopLineX() - DemoScenario.ROUTE_START_X))
                .lightState(0, scenario.redAt(t) ? SceneCodes.LIGHT_RED : SceneCodes.LIGHT_GREEN);
        }
        else
        {
            frame.lightCount(0);
        }
        writer.commit();
    }
}
