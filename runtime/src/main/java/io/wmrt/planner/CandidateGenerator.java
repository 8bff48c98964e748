package io.wmrt.planner;

/**
 * Builds the K candidate action sequences of a tick and integrates the ego's motion under each with a
 * kinematic bicycle.
 * <ul>
 *   <li>A fixed lattice: longitudinal behaviours (follow the leader at the limit or half of it with IDM,
 *   creep at 1 to 2 m/s, comfortable stop, hold speed) times lateral targets (keep, half a lane left, most of a
 *   lane left, a full lane left, half a lane right), tracked with pure pursuit; plus two in-lane stops, the
 *   emergency stop and a firm one.
 *   </li>
 *   <li>Samples: the previous tick's best plan, shifted by the time that passed, then perturbed with
 *   correlated Gaussian noise from a seeded stream, so a run is reproducible.</li>
 * </ul>
 * <p>
 * Not thread safe: owned by the planner agent. Allocates nothing after construction.
 */
public final class CandidateGenerator
{
    private static final int[] BEHAVIOURS = {
        CandidateSet.FOLLOW_LIMIT, CandidateSet.FOLLOW_HALF, CandidateSet.CREEP, CandidateSet.COMFORT_STOP,
        CandidateSet.HOLD};
    /** Lateral targets as fractions of the lane width, positive to the left (overtaking side). */
    private static final double[] LATERAL_FRACTIONS = {0.0, 0.5, 0.8, 1.0, -0.5};
    /** Index of the fraction 0 (keep the lane) in {@link #LATERAL_FRACTIONS}. */
    private static final int KEEP_LANE = 0;
    /** Offset from the route, in lane widths, beyond which the ego is in the lane beside and may hold it. */
    private static final double HOLD_LANE_FRACTION = 0.75;
    /** How far short of the end of the room beside the ego lane a candidate holding that lane stops. */
    private static final double ROOM_END_MARGIN_M = 1.0;

    private static final double IDM_ACCEL = 1.5;
    /**
     * The IDM's acceleration for a target beside the ego lane (a pass), within the action bounds: at 1.5 m/s² a
     * pass from a standstill behind two cars parked nose to tail had covered 24 of the 31 m it needed when the
     * horizon ended, so every pass ended beside them with the next oncoming car in view, and the ego stood for good
     * (narrow-street-8700-011, -014, -036, -039); at 2.0 the same pass is done within the horizon.
     */
    private static final double PASS_IDM_ACCEL_MPS2 = 2.0;
    private static final double IDM_DECEL = 2.0;
    /**
     * The firm stop's deceleration (within the configured comfortable and emergency ones): harder than comfort
     * allows, short of the scorer's hard-braking bound of 4 m/s². Without it the choice when a walker stepped into
     * the way late, or a merge at the end of its lane had to be given up, lay between following the stop line
     * (the IDM's interaction term is not floored) and the emergency stop, and the ego braked at 4.0 to 5.2 m/s²
     * from 1 to 7 m/s (corridor-9800-008, -013, -039, zebra-9800-005, -049).
     */
    static final double FIRM_STOP_DECEL_MPS2 = 3.5;
    private static final double IDM_HEADWAY_S = 1.2;
    /** Standstill gap behind moving or queued traffic; behind a parked vehicle the scorer's standoff. */
    private static final double IDM_MIN_GAP_M = TrajectoryScorer.QUEUE_STANDOFF_M;
    private static final double STOP_LINE_MARGIN_M = SceneSnapshot.STOP_LINE_MARGIN_M;
    private static final double LOOK_AHEAD_S = 4.0;
    /**
     * How far an overtake's rear clears the last parked vehicle it passes before it steers back into its lane:
     * the scorer's room for pulling in.
     */
    private static final double PULL_IN_MARGIN_M = TrajectoryScorer.PULL_IN_ROOM_M;
    private static final double NOISE_CORRELATION = 0.8;
    private static final double ACCEL_NOISE = 0.7;
    private static final double STEER_NOISE = 0.02;

    private final PlannerConfig config;
    /** Where the lattice's overtakes (lane offsets to the left) steer back into the lane; see passReturnS. */
    private double passReturnS = Double.POSITIVE_INFINITY;
    private final SeededNoise noise = new SeededNoise();

    // The leader of each lateral target (see findLeader), and the standstill gap of the candidate being built.
    private double minGap = IDM_MIN_GAP_M;
    private double idmAccel = IDM_ACCEL;
    private final double[] leaderGapByTarget = new double[LATERAL_FRACTIONS.length];
    private final double[] leaderSpeedByTarget = new double[LATERAL_FRACTIONS.length];
    private final double[] minGapByTarget = new double[LATERAL_FRACTIONS.length];
    private final double[] idmAccelByTarget = new double[LATERAL_FRACTIONS.length];
    private long latticeRebuilds;

    // Integration state of the candidate being built.
    /**
     * Half a step's turn up to which {@link #step} rotates by Taylor polynomials (cos to x^8, sin to x^7: their
     * truncation error is at most 3e-19 and 4e-17 there, a few units in the last place) rather than calling cos
     * and sin.
     */
    private static final double SMALL_TURN_RAD = 1.0 / 16;

    private double px;
    private double py;
    private double ph;
    private double pv;
    private double appliedAccel;
    private double stepTan;
    /** cos and sin of {@link #ph}, carried by {@link #step}'s rotations (to rounding). */
    private double cosPh;
    private double sinPh;

    public CandidateGenerator(final PlannerConfig config)
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
     * Fill {@code set} for this tick: the lattice, then the samples.
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
        generateLattice(scene, set);
        generateSamples(scene, set, previousAccel, previousSteer, shiftSteps);
    }

    /**
     * The lattice candidates, the first {@link #latticeSize()} of {@code set}. Reads the scene's agents as the
     * encoder left them (which standing vehicles are parked) and moves the route's projection.
     */
    public void generateLattice(final SceneSnapshot scene, final CandidateSet set)
    {
        passReturnS = passReturnS(scene);
        // The leader depends on the lateral target alone: find it once per target, not once per behaviour.
        for (int j = 0; j < LATERAL_FRACTIONS.length; j++)
        {
            findLeader(scene, targetOffset(scene, j), j);
        }
        int k = 0;
        for (final int behaviour : BEHAVIOURS)
        {
            for (int j = 0; j < LATERAL_FRACTIONS.length; j++)
            {
                final double fraction = LATERAL_FRACTIONS[j];
                if (behaviour == CandidateSet.COMFORT_STOP && fraction == 0.0)
                {
                    set.comfortStopIndex = k;
                }
                buildTracked(scene, set, k++, behaviour, targetOffset(scene, j), j);
            }
        }
        set.emergencyIndex = k;
        buildTracked(scene, set, k++, CandidateSet.EMERGENCY_STOP, 0, KEEP_LANE);
        set.firmStopIndex = k;
        buildTracked(scene, set, k++, CandidateSet.FIRM_STOP, 0, KEEP_LANE);
        set.latticeCount = k;
    }

    /**
     * Bring a lattice made by {@link #generateLattice} up to date with a scene whose agents have changed since
     * (the encoder's say on which standing vehicles are parked arrived after it): the leader of each lateral
     * target is found again, and the candidates of a target whose leader is no longer what they were built
     * against are built again, so the lattice is exactly what {@link #generateLattice} would make of the scene
     * now. Usually nothing is rebuilt: the lattice can be made while the encoder runs.
     *
     * @return the lateral targets rebuilt, one bit each (bit 0: keeping the lane, which candidate 0 follows).
     */
    public int refreshLattice(final SceneSnapshot scene, final CandidateSet set)
    {
        int stale = 0;
        final double returnS = passReturnS(scene);
        if (Double.doubleToRawLongBits(returnS) != Double.doubleToRawLongBits(passReturnS))
        {
            passReturnS = returnS;
            for (int j = 0; j < LATERAL_FRACTIONS.length; j++)
            {
                stale |= LATERAL_FRACTIONS[j] > 0 ? 1 << j : 0;
            }
        }
        for (int j = 0; j < LATERAL_FRACTIONS.length; j++)
        {
            final double gap = leaderGapByTarget[j];
            final double speed = leaderSpeedByTarget[j];
            final double wanted = minGapByTarget[j];
            final double accel = idmAccelByTarget[j];
            findLeader(scene, targetOffset(scene, j), j);
            if (Double.doubleToRawLongBits(gap) != Double.doubleToRawLongBits(leaderGapByTarget[j]) ||
                Double.doubleToRawLongBits(speed) != Double.doubleToRawLongBits(leaderSpeedByTarget[j]) ||
                Double.doubleToRawLongBits(wanted) != Double.doubleToRawLongBits(minGapByTarget[j]) ||
                Double.doubleToRawLongBits(accel) != Double.doubleToRawLongBits(idmAccelByTarget[j]))
            {
                stale |= 1 << j;
            }
        }
        if (0 == stale)
        {
            return 0;
        }
        int k = 0;
        for (final int behaviour : BEHAVIOURS)
        {
            for (int j = 0; j < LATERAL_FRACTIONS.length; j++, k++)
            {
                if (0 != (stale & (1 << j)))
                {
                    buildTracked(scene, set, k, behaviour, targetOffset(scene, j), j);
                }
            }
        }
        latticeRebuilds++;
        return stale;
    }

    /**
     * @return how many times {@link #refreshLattice} found the lattice stale and rebuilt part of it.
     */
    public long latticeRebuilds()
    {
        return latticeRebuilds;
    }

    /**
     * The samples, every candidate of {@code set} after the lattice: the previous plan shifted, then perturbed.
     * With a previous plan they read of the scene only its sequence and the ego's speed, and touch neither the
     * route nor the lattice, so they may be generated on another thread while the lattice is (by another
     * generator: each has its own integration state). Without one they perturb the first lattice candidate,
     * which must be generated first.
     */
    public void generateSamples(
        final SceneSnapshot scene,
        final CandidateSet set,
        final float[] previousAccel,
        final float[] previousSteer,
        final double shiftSteps)
    {
        set.hasPrevious = null != previousAccel;
        noise.reseed(config.seed() ^ (scene.sequence * 0x9E3779B97F4A7C15L));
        final int h = set.horizon;
        for (int k = latticeSize(), sample = 0; k < set.candidates; k++, sample++)
        {
            if (sample == 0)
            {
                // The previous plan, unperturbed: its noise is multiplied by 0, so the stream is only advanced
                // past it, exactly as drawing it would, for the samples after it.
                noise.skipGaussians(2 * h);
            }
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
                if (sample > 0)
                {
                    na = NOISE_CORRELATION * na + innovation * sigmaA * noise.nextGaussian();
                    ns = NOISE_CORRELATION * ns + innovation * sigmaS * noise.nextGaussian();
                }
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
        set.projectedRoute[k] = null;
        start(scene);
        final int base = k * set.horizon;
        for (int i = 0; i < set.horizon; i++)
        {
            step(set.accel[base + i], set.steer[base + i]);
            set.accel[base + i] = (float)appliedAccel;
            // The tangent of the steering as published, which the scorer's lateral acceleration needs too.
            set.tanSteerOf[base + i] = set.steer[base + i];
            set.tanSteer[base + i] = stepTan;
            record(set, base + i);
        }
    }

    private void buildTracked(
        final SceneSnapshot scene, final CandidateSet set, final int k, final int behaviour, final double offset,
        final int target)
    {
        set.behaviour[k] = behaviour;
        set.lateralTarget[k] = offset;
        set.projectedRoute[k] = null;
        start(scene);
        final RouteFrame route = scene.route;
        final double dt = config.dtSeconds();
        final double wheelbase = config.wheelbaseM();
        final double jerkStep = config.maxJerkMps3() * dt;

        // The leader in the target corridor (or a red stop line), advanced at its along-route speed.
        double leaderS = leaderGapByTarget[target];
        final double leaderSpeed = leaderSpeedByTarget[target];
        minGap = minGapByTarget[target];
        idmAccel = idmAccelByTarget[target];

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
                    a = -Math.min(config.emergencyDecelMps2(),
                        Math.max(config.comfortDecelMps2(), FIRM_STOP_DECEL_MPS2));
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

            // Pure pursuit towards the offset path, from the footprint's centre's projection. Before step i that
            // centre is step i - 1's recorded pose, so its projection is kept for the scorer, which would make it again.
            if (i > 0)
            {
                route.project(set.x[base + i - 1], set.y[base + i - 1]);
                keepProjection(set, base + i - 1, route);
            }
            else
            {
                // The start: heading 0, the body's centre is the integrated point.
                route.project(px, py);
            }
            final double lookAhead = Math.max(4.0, 3.0 + 0.9 * pv);
            // An overtake steers back into the lane once its rear is clear of what it passes.
            route.pointAt(route.s + lookAhead, offset > 0 && route.s > passReturnS ? 0 : offset);
            // The sine of the angle from the heading to the look-ahead point, from the cross product of the
            // heading's unit vector and the chord: no atan2, no wrapping, no sine (as atan2 did for a point
            // on the pose itself, -sin(heading)).
            final double dx = route.px - px;
            final double dy = route.py - py;
            final double chord = Math.sqrt(dx * dx + dy * dy);
            final double sinAlpha = chord > 0 ? (dy * cosPh - dx * sinPh) / chord : -sinPh;
            double steer = Math.atan(2 * wheelbase * sinAlpha / lookAhead);
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
        route.project(set.x[base + set.horizon - 1], set.y[base + set.horizon - 1]);
        keepProjection(set, base + set.horizon - 1, route);
        set.projectedRoute[k] = route;
        set.projectedVersion[k] = route.version();
    }

    private void keepProjection(final CandidateSet set, final int index, final RouteFrame route)
    {
        // The scorer reuses a projection only for the pose it was made of.
        set.projectedX[index] = set.x[index];
        set.projectedY[index] = set.y[index];
        set.routeS[index] = route.s;
        set.routeD[index] = route.d;
        set.routeTangentX[index] = route.tangentX;
        set.routeTangentY[index] = route.tangentY;
        set.routeTangentHeading[index] = route.tangentHeading;
    }

    /**
     * Where an overtake steers back into its lane, as the route's s of the ego's centre: past the nearest vehicle
     * judged parked that stands in the ego lane ahead (its front beyond the ego's rear), and past every one
     * standing nose to tail beyond it with less room between than the scorer's slot to pull into
     * ({@link TrajectoryScorer#pullInSlotM}), by half the ego's length and {@link #PULL_IN_MARGIN_M}. Infinite when
     * none stands ahead: an offset to the left is then a lane change, and stays. Before, every overtake stayed in
     * the oncoming lane for the whole horizon, so with a car coming the other way in view every one of them met
     * it, and a pass begun before it came into view could only be broken off, at the bumper of the parked car
     * (narrow-street-7600-006).
     */
    public static double passReturnS(final SceneSnapshot scene)
    {
        final double halfLength = 0.5 * scene.egoLength;
        double front = Double.NaN;
        double rear = Double.POSITIVE_INFINITY;
        for (int n = 0; n < scene.allAgents(); n++)
        {
            final double agentFront = scene.agentS[n] + 0.5 * scene.agentLength[n];
            final double agentRear = scene.agentS[n] - 0.5 * scene.agentLength[n];
            if (scene.agentParked[n] && agentFront > scene.egoS - halfLength && agentRear < rear)
            {
                rear = agentRear;
                front = agentFront;
            }
        }
        if (Double.isNaN(front))
        {
            return Double.POSITIVE_INFINITY;
        }
        final double room = TrajectoryScorer.pullInSlotM(scene.egoLength);
        boolean extended = true;
        while (extended)
        {
            extended = false;
            for (int n = 0; n < scene.allAgents(); n++)
            {
                final double agentFront = scene.agentS[n] + 0.5 * scene.agentLength[n];
                final double agentRear = scene.agentS[n] - 0.5 * scene.agentLength[n];
                if (scene.agentParked[n] && agentFront > front && agentRear < front + room)
                {
                    front = agentFront;
                    extended = true;
                }
            }
        }
        return front + halfLength + PULL_IN_MARGIN_M;
    }

    /**
     * Lateral target j's offset from the route: its fraction of the lane width, except that an ego wholly in a
     * lane to the right of its route's (an acceleration lane, whose route runs in the lane it must merge into)
     * has the half-lane-right target hold the lane it is in. Without that every candidate merged: the lattice
     * could not wait on the acceleration lane for a gap, and once the planner knew where that lane ends it
     * steered into a car alongside (merge-8400-003).
     */
    static double targetOffset(final SceneSnapshot scene, final int target)
    {
        final double fraction = LATERAL_FRACTIONS[target];
        return fraction < 0 && scene.egoD < -HOLD_LANE_FRACTION * scene.laneWidth ? scene.egoD :
            fraction * scene.laneWidth;
    }

    /**
     * The nearest thing ahead to follow inside the corridor around {@code offset}: an agent that is in it or
     * will cross into it within the look-ahead, a red or yellow stop line the ego can still stop for, or, for an
     * offset outside the ego lane, where the room on that side ends (as a vehicle standing there). Beside the ego
     * lane a road user coming the other way is not followed: slowing down in its lane only makes the pass last
     * longer (the scorer prices meeting it), and the pass speeds up at {@link #PASS_IDM_ACCEL_MPS2}.
     */
    private void findLeader(final SceneSnapshot scene, final double offset, final int target)
    {
        double gap = Double.MAX_VALUE;
        double speed = 0;
        double gapWanted = IDM_MIN_GAP_M;
        final double halfCorridor = 0.5 * scene.egoWidth + 0.3;
        final double outside = Math.abs(offset) - 0.5 * scene.laneWidth;
        for (int i = 0; i < scene.allAgents(); i++)
        {
            final double ahead = scene.agentS[i] - scene.egoS;
            if (ahead <= 0)
            {
                continue;
            }
            // Frenet velocity of the agent from its heading relative to the route there.
            scene.route.pointAt(scene.agentS[i], 0);
            final double relative = scene.agentHeading[i] - scene.route.heading;
            final double vs = scene.agentSpeed[i] * Math.cos(relative);
            if (outside > 0 && vs < -TrajectoryScorer.ONCOMING_MPS)
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
                    TrajectoryScorer.waitWithRoom(scene, i) || TrajectoryScorer.tailsStandingBlocker(scene, i) ?
                    TrajectoryScorer.PARKED_STANDOFF_M : IDM_MIN_GAP_M;
            }
        }
        // The end of the room beside the ego lane, for a target wholly beside the lane on that side.
        final double roomEndS = offset > 0 ? scene.drivableLeftEndS : scene.drivableRightEndS;
        if (outside > 0 && roomEndS < Double.POSITIVE_INFINITY)
        {
            // Waiting for a gap, it stands where it can still steer into its lane from rest before the end
            // (the scorer's cornered rule); an ego too late to stop there at the comfortable deceleration stops
            // ROOM_END_MARGIN_M short of the end.
            final double toRoomEnd = roomEndS - scene.egoS - 0.5 * scene.egoLength;
            final double mergeFrom =
                toRoomEnd - TrajectoryScorer.mergeRoom(config, TrajectoryScorer.mergeNeed(scene, offset), 0);
            final double toEnd = mergeFrom > scene.egoSpeed * scene.egoSpeed / (2 * config.comfortDecelMps2()) ?
                mergeFrom : toRoomEnd - ROOM_END_MARGIN_M;
            if (toEnd < gap)
            {
                gap = toEnd;
                speed = 0;
                gapWanted = 0.5;
            }
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
        leaderGapByTarget[target] = gap;
        leaderSpeedByTarget[target] = speed;
        minGapByTarget[target] = gapWanted;
        idmAccelByTarget[target] = outside > 0 ? Math.max(IDM_ACCEL, Math.min(config.accelMax(),
            PASS_IDM_ACCEL_MPS2)) : IDM_ACCEL;
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
        cosPh = 1;
        sinPh = 0;
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
        stepTan = Math.tan(steer);
        final double hNext = ph + vMean * stepTan / config.wheelbaseM() * dt;
        // The heading's unit vector is turned twice by half the step's turn, to the middle of the step (which
        // the point moves along) and to its end (which record keeps): one small rotation instead of four
        // trigonometric calls a step.
        final double half = 0.5 * (hNext - ph);
        final double c;
        final double s;
        if (Math.abs(half) <= SMALL_TURN_RAD)
        {
            final double h2 = half * half;
            c = 1 - h2 * (1.0 / 2 - h2 * (1.0 / 24 - h2 * (1.0 / 720 - h2 * (1.0 / 40320))));
            s = half * (1 - h2 * (1.0 / 6 - h2 * (1.0 / 120 - h2 * (1.0 / 5040))));
        }
        else
        {
            c = Math.cos(half);
            s = Math.sin(half);
        }
        final double cosMid = cosPh * c - sinPh * s;
        final double sinMid = sinPh * c + cosPh * s;
        px += vMean * cosMid * dt;
        py += vMean * sinMid * dt;
        cosPh = cosMid * c - sinMid * s;
        sinPh = sinMid * c + cosMid * s;
        ph = hNext;
        pv = vNext;
    }

    /**
     * Step {@code index}'s pose as the candidate set keeps it: the footprint's centre. The bicycle above moves a
     * point along its heading, the rear axle, started at the footprint's centre with heading 0; the body turns
     * about that axle and its centre lies half a wheelbase ahead of it, so it is offset from the integrated point
     * by half a wheelbase times (the heading's unit vector - (1, 0)). Pulling out sharply from rest the body
     * swings into the turn; scoring the footprint on the point instead swung its rear corner over the kerb behind
     * it (no pull-out from behind a parked van, double-parked-8000-008) and its front too far out of a return.
     */
    private void record(final CandidateSet set, final int index)
    {
        final double axleToCentre = 0.5 * config.wheelbaseM();
        set.x[index] = px + axleToCentre * (cosPh - 1);
        set.y[index] = py + axleToCentre * sinPh;
        set.heading[index] = ph;
        set.speed[index] = pv;
    }

    static double clamp(final double v, final double lo, final double hi)
    {
        return v < lo ? lo : (v > hi ? hi : v);
    }
}
