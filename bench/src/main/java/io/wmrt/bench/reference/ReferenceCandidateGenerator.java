package io.wmrt.bench.reference;

import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.planner.SeededNoise;

/**
 * Builds the K candidate action sequences of a tick and integrates the ego's motion under each with a
 * kinematic bicycle.
 * <ul>
 *   <li>A fixed lattice: longitudinal behaviours (follow the leader at the limit or half of it with IDM,
 *   creep at 1 to 2 m/s, comfortable stop, hold speed) times lateral targets (keep, half a lane left, most of a
 *   lane left, a full lane left, half a lane right), tracked with pure pursuit; plus the in-lane emergency stop.
 *   </li>
 *   <li>Samples: the previous tick's best plan, shifted by the time that passed, then perturbed with
 *   correlated Gaussian noise from a seeded stream, so a run is reproducible.</li>
 * </ul>
 * <p>
 * <p>
 * <b>The reference.</b> A frozen copy of the planner's CandidateGenerator as it stood before the planner was made
 * leaner (issue 14, part 2), kept so that a benchmark can time today's code against it in the same run and a test
 * can hold today's decisions to it. Never edit it to follow the runtime: it is the yardstick.
 * Not thread safe: owned by the planner agent. Allocates nothing after construction.
 */
public final class ReferenceCandidateGenerator
{
    private static final int[] BEHAVIOURS = {
        CandidateSet.FOLLOW_LIMIT, CandidateSet.FOLLOW_HALF, CandidateSet.CREEP, CandidateSet.COMFORT_STOP,
        CandidateSet.HOLD};
    /** Lateral targets as fractions of the lane width, positive to the left (overtaking side). */
    private static final double[] LATERAL_FRACTIONS = {0.0, 0.5, 0.8, 1.0, -0.5};

    private static final double IDM_ACCEL = 1.5;
    private static final double IDM_DECEL = 2.0;
    /** The in-lane firm stop's deceleration (a decision, so mirrored from the runtime's generator). */
    private static final double FIRM_DECEL_MPS2 = 3.5;
    private static final double IDM_HEADWAY_S = 1.2;
    /** Standstill gap behind moving or queued traffic; behind a parked vehicle the scorer's standoff. */
    private static final double IDM_MIN_GAP_M = ReferenceTrajectoryScorer.QUEUE_STANDOFF_M;
    private static final double STOP_LINE_MARGIN_M = 1.0;
    private static final double LOOK_AHEAD_S = 4.0;
    private static final double NOISE_CORRELATION = 0.8;
    private static final double ACCEL_NOISE = 0.7;
    private static final double STEER_NOISE = 0.02;

    private final PlannerConfig config;
    private double passReturnS = Double.POSITIVE_INFINITY;
    private final SeededNoise noise = new SeededNoise();
    private final ReferenceRouteFrame route = new ReferenceRouteFrame();

    // The leader of the candidate being built (see findLeader).
    private double leaderGapAtStart;
    private double leaderSpeed;
    private double minGap = IDM_MIN_GAP_M;
    private double idmAccel = IDM_ACCEL;

    // Integration state of the candidate being built.
    private double px;
    private double py;
    private double ph;
    private double pv;
    private double appliedAccel;

    public ReferenceCandidateGenerator(final PlannerConfig config)
    {
        this.config = config;
    }

    /**
     * @return candidates in the lattice, the emergency and firm stops included.
     */
    public static int latticeSize()
    {
        return BEHAVIOURS.length * LATERAL_FRACTIONS.length + 2;
    }

    /**
     * Fill {@code set} for this tick.
     *
     * @param previousAccel  previous best plan's accelerations (H), or null on the first tick.
     * @param previousSteer  previous best plan's steering (H).
     * @param shiftSteps     steps (fractional) elapsed since the previous plan was made.
     */
    public void generate(
        final SceneSnapshot scene,
        final CandidateSet set,
        final float[] previousAccel,
        final float[] previousSteer,
        final double shiftSteps)
    {
        route.copyOf(scene.route);
        passReturnS = CandidateGenerator.passReturnS(scene);
        int k = 0;
        for (final int behaviour : BEHAVIOURS)
        {
            for (final double fraction : LATERAL_FRACTIONS)
            {
                if (behaviour == CandidateSet.COMFORT_STOP && fraction == 0.0)
                {
                    set.comfortStopIndex = k;
                }
                // Wholly in a lane right of the route's (an acceleration lane), half a lane right holds that lane.
                final double offset = fraction < 0 && scene.egoD < -0.75 * scene.laneWidth ? scene.egoD :
                    fraction * scene.laneWidth;
                buildTracked(scene, set, k++, behaviour, offset);
            }
        }
        set.emergencyIndex = k;
        buildTracked(scene, set, k++, CandidateSet.EMERGENCY_STOP, 0);
        set.firmStopIndex = k;
        buildTracked(scene, set, k++, CandidateSet.FIRM_STOP, 0);
        set.latticeCount = k;
        set.hasPrevious = null != previousAccel;

        noise.reseed(config.seed() ^ (scene.sequence * 0x9E3779B97F4A7C15L));
        final int h = set.horizon;
        for (int sample = 0; k < set.candidates; k++, sample++)
        {
            double na = 0;
            double ns = 0;
            final double sigmaA = sample == 0 ? 0 : ACCEL_NOISE;
            final double sigmaS = sample == 0 ? 0 : STEER_NOISE;
            final double innovation = Math.sqrt(1 - NOISE_CORRELATION * NOISE_CORRELATION);
            for (int i = 0; i < h; i++)
            {
                final double baseA;
                final double baseS;
                if (null != previousAccel)
                {
                    // The previous plan, read at the same absolute time: interpolate between its steps.
                    final double at = Math.min(i + shiftSteps, h - 1);
                    final int i0 = (int)at;
                    final int i1 = Math.min(i0 + 1, h - 1);
                    final double frac = at - i0;
                    baseA = previousAccel[i0] + frac * (previousAccel[i1] - previousAccel[i0]);
                    baseS = previousSteer[i0] + frac * (previousSteer[i1] - previousSteer[i0]);
                }
                else
                {
                    baseA = set.accel[i];
                    baseS = set.steer[i];
                }
                na = NOISE_CORRELATION * na + innovation * sigmaA * noise.nextGaussian();
                ns = NOISE_CORRELATION * ns + innovation * sigmaS * noise.nextGaussian();
                set.accel[k * h + i] = (float)clamp(baseA + na, config.accelMin(), config.accelMax());
                set.steer[k * h + i] = (float)clamp(baseS + ns, config.steerMin(), config.steerMax());
            }
            set.behaviour[k] = CandidateSet.SAMPLE;
            set.lateralTarget[k] = Double.NaN;
            integrate(scene, set, k);
        }
    }

    /**
     * Integrate the bicycle over candidate k's actions, writing its poses (and the accelerations actually
     * achieved: a stopped car does not reverse).
     */
    public void integrate(final SceneSnapshot scene, final CandidateSet set, final int k)
    {
        start(scene);
        final int base = k * set.horizon;
        for (int i = 0; i < set.horizon; i++)
        {
            step(set.accel[base + i], set.steer[base + i]);
            set.accel[base + i] = (float)appliedAccel;
            record(set, base + i);
        }
    }

    private void buildTracked(
        final SceneSnapshot scene, final CandidateSet set, final int k, final int behaviour, final double offset)
    {
        set.behaviour[k] = behaviour;
        set.lateralTarget[k] = offset;
        start(scene);
        final double dt = config.dtSeconds();
        final double wheelbase = config.wheelbaseM();
        final double jerkStep = config.maxJerkMps3() * dt;

        // The leader in the target corridor (or a red stop line), advanced at its along-route speed.
        findLeader(scene, offset);
        double leaderS = leaderGapAtStart;
        final double leaderSpeed = this.leaderSpeed;

        double previousA = scene.egoAccel;
        double previousSteer = scene.steerNow;
        final int base = k * set.horizon;
        double travelled = 0;
        for (int i = 0; i < set.horizon; i++)
        {
            double a;
            switch (behaviour)
            {
                case CandidateSet.FOLLOW_LIMIT:
                    a = idm(pv, scene.speedLimit, leaderS - travelled, pv - leaderSpeed);
                    break;
                case CandidateSet.FOLLOW_HALF:
                    a = idm(pv, 0.5 * scene.speedLimit, leaderS - travelled, pv - leaderSpeed);
                    break;
                case CandidateSet.CREEP:
                    a = idm(pv, config.creepSpeedMps(), leaderS - travelled, pv - leaderSpeed);
                    break;
                case CandidateSet.COMFORT_STOP:
                    a = Math.max(-config.comfortDecelMps2(), -2.0 * pv);
                    break;
                case CandidateSet.HOLD:
                    a = Math.min(0, idm(pv, Math.max(pv, 0.1), leaderS - travelled, pv - leaderSpeed));
                    break;
                case CandidateSet.FIRM_STOP:
                    a = -Math.min(config.emergencyDecelMps2(), Math.max(config.comfortDecelMps2(), FIRM_DECEL_MPS2));
                    break;
                default:
                    a = -config.emergencyDecelMps2();
                    break;
            }
            if (behaviour != CandidateSet.EMERGENCY_STOP)
            {
                a = clamp(a, previousA - jerkStep, previousA + jerkStep);
            }
            a = clamp(a, config.accelMin(), config.accelMax());

            // Pure pursuit towards the offset path, from the footprint centre's projection (brought in on 2026-12-04
            // with the same change to the planner's generator).
            final double axleToCentre = 0.5 * wheelbase;
            route.project(px + axleToCentre * (Math.cos(ph) - 1), py + axleToCentre * Math.sin(ph));
            final double lookAhead = Math.max(4.0, 3.0 + 0.9 * pv);
            route.pointAt(route.s + lookAhead, offset > 0 && route.s > passReturnS ? 0 : offset);
            final double alpha = wrap(Math.atan2(route.py - py, route.px - px) - ph);
            double steer = Math.atan(2 * wheelbase * Math.sin(alpha) / lookAhead);
            final double steerStep = config.steerStep(pv) * (i == 0 ? scene.steerHeldSteps : 1.0);
            steer = clamp(steer, previousSteer - steerStep, previousSteer + steerStep);
            steer = clamp(steer, config.steerMin(), config.steerMax());

            final double v0 = pv;
            step(a, steer);
            travelled += 0.5 * (v0 + pv) * dt;
            leaderS += Math.max(0, leaderSpeed) * dt;
            set.accel[base + i] = (float)appliedAccel;
            set.steer[base + i] = (float)steer;
            record(set, base + i);
            previousA = appliedAccel;
            previousSteer = steer;
        }
    }

    /**
     * The nearest thing ahead to follow inside the corridor around {@code offset}: an agent that is in it or
     * will cross into it within the look-ahead, or a red or yellow stop line the ego can still stop for.
     */
    private void findLeader(final SceneSnapshot scene, final double offset)
    {
        double gap = Double.MAX_VALUE;
        double speed = 0;
        double gapWanted = IDM_MIN_GAP_M;
        final double halfCorridor = 0.5 * scene.egoWidth + 0.3;
        for (int i = 0; i < scene.allAgents(); i++)
        {
            final double ahead = scene.agentS[i] - scene.egoS;
            if (ahead <= 0)
            {
                continue;
            }
            // Frenet velocity of the agent from its heading relative to the route there.
            route.pointAt(scene.agentS[i], 0);
            final double relative = scene.agentHeading[i] - route.heading;
            final double vs = scene.agentSpeed[i] * Math.cos(relative);
            // Beside the ego lane a road user coming the other way is the scorer's to price, not one to follow.
            if (Math.abs(offset) > 0.5 * scene.laneWidth && vs < -0.5)
            {
                continue;
            }
            final double vd = scene.agentSpeed[i] * Math.sin(relative);
            final double reach = halfCorridor + 0.5 * scene.agentWidth[i];
            final double d0 = scene.agentD[i] - offset;
            final double d1 = d0 + vd * LOOK_AHEAD_S;
            final boolean crosses = Math.min(d0, d1) <= reach && Math.max(d0, d1) >= -reach;
            if (!crosses)
            {
                continue;
            }
            final double g = ahead - 0.5 * (scene.egoLength + scene.agentLength[i]);
            if (g < gap)
            {
                gap = g;
                speed = Math.abs(d0) <= reach ? vs : 0;
                gapWanted = scene.agentParked[i] || scene.isStandingInLane(i) &&
                    ReferenceTrajectoryScorer.waitWithRoom(scene, i) ||
                    ReferenceTrajectoryScorer.tailsStandingBlocker(scene, i) ?
                    ReferenceTrajectoryScorer.PARKED_STANDOFF_M : IDM_MIN_GAP_M;
            }
        }
        // Beside the ego lane, where the room on that side ends stands like a vehicle, 1 m short of it.
        final double roomEndS = offset > 0 ? scene.drivableLeftEndS : scene.drivableRightEndS;
        if (Math.abs(offset) > 0.5 * scene.laneWidth && roomEndS < Double.POSITIVE_INFINITY &&
            roomEndS - scene.egoS - 0.5 * scene.egoLength - 1.0 < gap)
        {
            gap = roomEndS - scene.egoS - 0.5 * scene.egoLength - 1.0;
            speed = 0;
            gapWanted = 0.5;
        }
        final double brakingDistance = scene.egoSpeed * scene.egoSpeed / (2 * config.emergencyDecelMps2());
        for (int i = 0; i < scene.lightCount; i++)
        {
            final double toLine = scene.lightStopS[i] - scene.egoS - 0.5 * scene.egoLength - STOP_LINE_MARGIN_M;
            if (scene.isStopLight(i) && toLine > brakingDistance && toLine < gap)
            {
                gap = toLine;
                speed = 0;
                gapWanted = 0.5;
            }
        }
        final double toYield = scene.walkerYieldS - scene.egoS - 0.5 * scene.egoLength - STOP_LINE_MARGIN_M;
        if (toYield > brakingDistance && toYield < gap)
        {
            gap = toYield;
            speed = 0;
            gapWanted = 0.5;
        }
        leaderGapAtStart = gap;
        leaderSpeed = speed;
        minGap = gapWanted;
        idmAccel = Math.abs(offset) > 0.5 * scene.laneWidth ? Math.max(IDM_ACCEL, Math.min(config.accelMax(), 2.0)) :
            IDM_ACCEL;
    }

    /**
     * Intelligent Driver Model acceleration. Above the desired speed its free-road term falls with the fourth
     * power of the excess (a limit that drops from 22 to 11 m/s asks for 19 m/s²); it is floored at the
     * comfortable deceleration, so a lower limit ahead is reached by slowing down, not by braking hard.
     * Interaction with a leader is not floored.
     */
    private double idm(final double v, final double desired, final double gap, final double closing)
    {
        final double free =
            Math.max(-config.comfortDecelMps2() / idmAccel, 1 - Math.pow(v / Math.max(desired, 0.1), 4));
        if (gap >= 1e6)
        {
            return idmAccel * free;
        }
        final double wanted = minGap + Math.max(0,
            v * IDM_HEADWAY_S + v * closing / (2 * Math.sqrt(idmAccel * IDM_DECEL)));
        final double g = Math.max(gap, 0.1);
        return idmAccel * (free - (wanted / g) * (wanted / g));
    }

    private void start(final SceneSnapshot scene)
    {
        px = 0;
        py = 0;
        ph = 0;
        pv = scene.egoSpeed;
    }

    private void step(final double accel, final double steer)
    {
        final double dt = config.dtSeconds();
        double vNext = pv + accel * dt;
        if (vNext < 0)
        {
            vNext = 0;
        }
        appliedAccel = (vNext - pv) / dt;
        final double vMean = 0.5 * (pv + vNext);
        final double hNext = ph + vMean * Math.tan(steer) / config.wheelbaseM() * dt;
        final double hMid = 0.5 * (ph + hNext);
        px += vMean * Math.cos(hMid) * dt;
        py += vMean * Math.sin(hMid) * dt;
        ph = hNext;
        pv = vNext;
    }

    private void record(final CandidateSet set, final int index)
    {
        // The footprint's centre, half a wheelbase ahead of the integrated rear axle (brought in on 2026-12-04
        // with the same change to the planner's generator, so that the decision corpus still compares like with like).
        final double axleToCentre = 0.5 * config.wheelbaseM();
        set.x[index] = px + axleToCentre * (Math.cos(ph) - 1);
        set.y[index] = py + axleToCentre * Math.sin(ph);
        set.heading[index] = ph;
        set.speed[index] = pv;
    }

    private static double clamp(final double v, final double lo, final double hi)
    {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static double wrap(final double angle)
    {
        return Math.IEEEremainder(angle, 2 * Math.PI);
    }
}
