package io.wmrt.bench.reference;

import io.wmrt.bus.SceneCodes;
import io.wmrt.planner.CandidateGenerator;
import io.wmrt.planner.CandidateSet;
import io.wmrt.planner.CostWeights;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneSnapshot;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Scores every candidate against the world model's predicted agent futures with analytic terms, so that a
 * decision can be explained term by term: collision of footprints (within the horizon, and where the plan leaves
 * the ego when oncoming or crossing road users keep going a few seconds more), time to collision and clearance,
 * progress along the route, comfort (acceleration, jerk, lateral acceleration), lane keeping, drivable area and
 * the speed limit, red lights (including no overtaking of a queue on a red approach) and speed near pedestrians.
 * Lower is better.
 * <p>
 * When the package's rollout also predicts a risk per candidate (the optional output {@code risk}, see
 * {@code ModelPackage}), the learned term {@code CostWeights.risk * risk[k]} is added to the total and kept in
 * {@link #risk}; the weight is the package's own price for its risk when its manifest names one
 * ({@code planner.risk_cost}, see {@code PlannerConfig.from}). The Trajectory has no field of its own for the
 * term, so the planner publishes it inside {@code costCollision} (footprint collision plus learned risk). It
 * never triggers the emergency stop: that stays with predicted footprint overlaps.
 * <p>
 * Which standing vehicle is parked (may be passed) and which is queued traffic is the scene's verdict
 * ({@link SceneSnapshot#agentParked}): the model's when the package says which agents will move, else the queue
 * rule's. Every candidate is also given the total of the analytic terms alone ({@link #analytic}: the rule's
 * verdicts, no learned risk), so the planner can count the plans the learned terms changed; that costs a few
 * additions per step, not a second pass over the agents.
 * <p>
 * <p>
 * <b>The reference.</b> A frozen copy of the planner's TrajectoryScorer as it stood before the planner was made
 * leaner (issue 14, part 2), kept so that a benchmark can time today's code against it in the same run and a test
 * can hold today's decisions to it. Never edit it to follow the runtime: it is the yardstick.
 * Not thread safe: owned by the planner agent. Allocates nothing after construction.
 */
public final class ReferenceTrajectoryScorer
{
    private static final double TTC_LONGITUDINAL_MARGIN_M = 0.5;
    private static final double TTC_MARGIN_PER_MPS = 0.5;
    private static final double TTC_LATERAL_MARGIN_M = 0.3;
    private static final double FOLLOWER_COS = 0.7;
    private static final double FOLLOWER_MIN_MPS = 1.0;
    private static final double FOLLOWER_MARGIN_M = 1.0;
    private static final double FOLLOWER_LATERAL_MARGIN_M = 0.2;
    private static final double FOLLOWER_SAME_LANE_M = 1.0;
    /** Overtaking is considered only for a parked vehicle this close. */
    private static final double PASSING_RANGE_M = 60;
    /** Room kept behind a parked vehicle, so the ego can still steer around it; and behind a queued one. */
    static final double PARKED_STANDOFF_M = 8.0;
    static final double CORNERED_MPS = 0.5;
    static final double CORNERED_CLEARANCE_M = 0.3;
    static final double CORNERED_SLACK_M = 1.0;
    /** Speed towards the ego along the route above which a road user ahead is coming the other way. */
    static final double ONCOMING_MPS = 0.5;
    static final double QUEUE_STANDOFF_M = 3.0;
    static final double FIRST_AT_GREEN_M = 8.0;
    static final double TAILING_SLOW_MPS = 3.0;
    private static final double STOPPABLE_DECEL_MPS2 = 4.0;
    private static final double STOP_LINE_MARGIN_M = 1.0;
    private static final double STOP_LINE_HELD_M = 1.0;
    private static final double RED_CROSS_SLACK_M = 0.05;
    private static final double PEDESTRIAN_SAFE_SPEED_SLOPE = 1.5;
    static final double PEDESTRIAN_FRONT_ACROSS_M = 0.5;
    /** How far past the drivable edge a footprint is charged the full off-road weight; less is charged pro rata. */
    static final double OFFROAD_FULL_M = 0.2;
    /**
     * How much the aligned clearance estimate may exceed the true gap between two footprints at the angles met
     * while pulling out or back in; below the floor plus this, the true gap is measured.
     */
    private static final double ANGLED_SLACK_M = 0.6;
    /** A road user predicted slower than this at the end of the horizon is taken to stay where it is. */
    private static final double MOVING_MPS = 0.5;
    /**
     * Only a plan that ends slower than this is extended after the horizon: a plan still under way (a pass at
     * speed) will go on manoeuvring, and held on its last heading it would be charged for a place it is leaving.
     */
    static final double AFTER_HORIZON_MAX_SPEED_MPS = 3.0;
    /** Within this angle of the ego's heading a road user goes the ego's way (cosine). */
    private static final double SAME_WAY_COS = 0.5;
    /** Steps of the extension after the horizon (its length is {@code CostWeights.afterHorizonS}). */
    private static final int AFTER_HORIZON_STEPS = 8;
    /** A plan ending further than this outside its lane is a pass under way. */
    static final double PASS_OUTSIDE_M = 0.3;
    /** Room kept ahead of the last thing passed, and on each side of a gap to pull into, metres. */
    static final double PULL_IN_ROOM_M = 3.0;
    /**
     * Time to steer out of the oncoming lane once clear of what is passed. The lattice's passes in the rig took
     * 0.0 to 1.6 s from the ego's rear being {@link #PULL_IN_ROOM_M} clear to its side being out of an oncoming
     * car's way (39 passes, narrow-street 9400 variants); 2.0 s turned down gaps the ego had (narrow-street-9400-019).
     */
    static final double PASS_RETURN_S = 1.6;
    /** How the ego is taken to speed up through the rest of a pass, up to the speed limit. */
    private static final double PASS_ACCEL_MPS2 = 1.5;
    private static final double PASS_STEP_S = 0.25;
    /** A pass whose first uncleared obstacle is further than this ahead of the ego's nose has not begun. */
    private static final double PASS_BEGUN_WITHIN_M = 30;
    /** A road user riding the ego's way slower than this fraction of the limit is passed like a standing one. */
    static final double PASS_SLOW_FRACTION = 0.7;
    /** Lateral slack between the ego held out of lane and an oncoming road user, metres. */
    private static final double PASS_LATERAL_SLACK_M = 0.3;
    /** The gap to an oncoming road user's front below which the two have met, metres. */
    private static final double PASS_MEET_GAP_M = 2.0;

    private final PlannerConfig config;
    private final CostWeights w;
    private final int horizon;
    private final int maxAgents;

    public final double[] total;
    public final double[] collision;
    public final double[] ttc;
    public final double[] progress;
    public final double[] comfort;
    public final double[] lane;
    public final double[] redLight;
    public final double[] pedestrian;
    public final double[] consistency;
    /**
     * Part of {@link #collision}: what a plan costs when its end state meets a road user coming the other way
     * or across soon after the horizon ({@code CostWeights.afterHorizon}); 0 for the others.
     */
    public final double[] afterHorizon;
    /**
     * Part of {@link #collision}: what a plan costs when it ends out of lane in a pass that cannot be finished
     * before a road user coming the other way arrives ({@code CostWeights.unfinishedPass}); 0 for the others.
     */
    public final double[] unfinishedPass;
    /** The learned collision term, {@code CostWeights.risk} times {@link #riskProbability}; 0 without risk. */
    public final double[] risk;
    /** The model's risk for the candidate as priced (clamped to [0, 1], NaN as 1). */
    public final double[] riskProbability;
    /**
     * The total the analytic terms alone give: the scene rule's verdict on which standing vehicles are parked
     * ({@link SceneSnapshot#agentParkedByRule}) in place of the model's, and no learned risk. Equal to
     * {@link #total} for a package without learned terms; comparing the two choices says how often the learned
     * terms change the plan.
     */
    public final double[] analytic;
    /** Metres along the route at the end of the horizon. */
    public final double[] progressM;
    /** Earliest time an inflated footprint touches a predicted agent, or +infinity. */
    public final double[] minTtcS;
    /** First step with a footprint overlap, or -1. */
    public final int[] firstCollisionStep;
    private final double[] stepS;
    /** The ego's arc length through the rest of a pass, per {@link #PASS_STEP_S}. */
    private final double[] passS;
    /** What a pass must clear this tick: slow or standing road users in the ego lane ahead, by rear. */
    private final int[] passObstacle = new int[SceneSnapshot.MAX_AGENTS];
    private final double[] passAlong = new double[SceneSnapshot.MAX_AGENTS];
    /** Per agent, whether the candidate being scored met it from behind in the ego's lane. */
    private final boolean[] metFromBehind = new boolean[SceneSnapshot.MAX_AGENTS];
    private int passCount;
    private final ReferenceRouteFrame route = new ReferenceRouteFrame();

    // Per tick, from prepare().
    private long preparedSequence = Long.MIN_VALUE;
    private double stopLineS;
    private boolean queueZone;
    private boolean oncoming;
    private double blockerRearS;
    private double blockerFrontS;
    private double blockerD;
    private double blockerHalfWidth;
    private boolean blockerStands;
    /** The ego stands already too close to the end of the room beside its lane to merge from rest before it. */
    private boolean startsAtRoomEnd;
    /** Centre position from which a merge from rest still fits before the room beside the lane ends. */
    private double mergeStandS;
    private double blockerStandoff;
    private double passZoneEndS;
    private double passZoneSide;
    private double outOfLaneWeight;
    private double ruleBlockerStandoff;
    /** Whether the blocker is judged parked (the model's verdict, the rule's): standing behind it forgoes progress. */
    private boolean blockerParked;
    private boolean ruleBlockerParked;
    private double ruleOutOfLaneWeight;

    public ReferenceTrajectoryScorer(final PlannerConfig config)
    {
        this.config = config;
        this.w = config.weights();
        this.horizon = config.horizon();
        this.maxAgents = config.maxAgents();
        final int k = config.candidates();
        total = new double[k];
        collision = new double[k];
        ttc = new double[k];
        progress = new double[k];
        comfort = new double[k];
        lane = new double[k];
        redLight = new double[k];
        pedestrian = new double[k];
        consistency = new double[k];
        afterHorizon = new double[k];
        unfinishedPass = new double[k];
        risk = new double[k];
        riskProbability = new double[k];
        analytic = new double[k];
        progressM = new double[k];
        minTtcS = new double[k];
        firstCollisionStep = new int[k];
        stepS = new double[horizon];
        passS = new double[(int)Math.ceil((w.passLookAheadS + PASS_RETURN_S) / PASS_STEP_S) + 1];
    }

    /**
     * Work out, once per tick, what every candidate is scored against: the stop line to respect, the vehicle
     * standing ahead in the lane and the standoff behind it, and whether leaving the lane can be justified.
     */
    public void prepare(final SceneSnapshot scene)
    {
        preparedSequence = scene.sequence;
        route.copyOf(scene.route);
        final double halfLength = 0.5 * scene.egoLength;

        // The first stop light ahead that the ego can still stop for.
        stopLineS = Double.MAX_VALUE;
        final double stoppingDistance = scene.egoSpeed * scene.egoSpeed / (2 * STOPPABLE_DECEL_MPS2);
        // A stopped ego whose front stands on the line, or just past it (a stop that overshot), is still held: it
        // has not entered the junction, and from there a plan crosses the line by moving on at all.
        final boolean stopped = scene.egoSpeed < SceneSnapshot.STANDING_MPS;
        for (int i = 0; i < scene.lightCount; i++)
        {
            final double toLine = scene.lightStopS[i] - scene.egoS - halfLength;
            if (scene.isStopLight(i) && (toLine > stoppingDistance || stopped && toLine > -STOP_LINE_HELD_M) &&
                scene.lightStopS[i] < stopLineS)
            {
                stopLineS = scene.lightStopS[i];
            }
        }
        final double frontS = scene.egoS + halfLength;
        if (stopLineS != Double.MAX_VALUE)
        {
            // The ego stands a margin before the line where it can brake to there at the bound used above, and
            // where it cannot (or stands closer already) as far back as it can.
            stopLineS = Math.max(stopLineS - STOP_LINE_MARGIN_M, Math.min(stopLineS, frontS + stoppingDistance));
            stopLineS = Math.max(stopLineS, frontS);
        }
        queueZone = stopLineS - scene.egoS < w.queueZoneM;
        // A walker crossing ahead: a line held as a light's, that does not make the lane a queue's.
        final double yieldS = scene.walkerYieldS;
        if (yieldS < stopLineS &&
            (yieldS - frontS > stoppingDistance || stopped && yieldS - frontS > -STOP_LINE_HELD_M))
        {
            final double standS = Math.max(frontS,
                Math.max(yieldS - STOP_LINE_MARGIN_M, Math.min(yieldS, frontS + stoppingDistance)));
            stopLineS = Math.min(stopLineS, standS);
        }
        oncoming = scene.oncomingAhead(ONCOMING_MPS);

        // The nearest vehicle standing in the ego lane ahead: a plan that does not get past its rear earns
        // progress only up to a standoff that leaves room to steer around it, so creeping up to its bumper,
        // or edging half out of the lane behind it, is never preferred to waiting.
        blockerRearS = Double.MAX_VALUE;
        blockerFrontS = Double.MAX_VALUE;
        int blocker = -1;
        boolean passable = false;
        boolean passableByRule = false;
        for (int n = 0; n < scene.allAgents(); n++)
        {
            final boolean standing = scene.isStandingInLane(n);
            if (!standing && !tailsStandingBlocker(scene, n))
            {
                continue;
            }
            final double rear = scene.agentS[n] - 0.5 * scene.agentLength[n];
            final double front = scene.agentS[n] + 0.5 * scene.agentLength[n];
            if (rear > scene.egoS && rear < blockerRearS)
            {
                blockerRearS = rear;
                blockerFrontS = front;
                blocker = n;
            }
            // Leaving the lane is an overtake, and the only overtake worth its risk is past a parked vehicle,
            // ahead or alongside; a queued one is traffic, whatever the light shows now.
            if (standing && front > scene.egoS - halfLength && rear - scene.egoS < PASSING_RANGE_M)
            {
                passable |= scene.agentParked[n];
                passableByRule |= scene.agentParkedByRule[n];
            }
        }
        final boolean withRoom = blocker >= 0 && (!scene.isStandingInLane(blocker) || waitWithRoom(scene, blocker));
        blockerStandoff = blocker >= 0 && (scene.agentParked[blocker] || withRoom) ?
            PARKED_STANDOFF_M : QUEUE_STANDOFF_M;
        ruleBlockerStandoff = blocker >= 0 && (scene.agentParkedByRule[blocker] || withRoom) ?
            PARKED_STANDOFF_M : QUEUE_STANDOFF_M;
        blockerParked = blocker >= 0 && scene.agentParked[blocker];
        ruleBlockerParked = blocker >= 0 && scene.agentParkedByRule[blocker];
        blockerStands = blocker >= 0 && scene.isStandingInLane(blocker);
        blockerD = blocker >= 0 ? scene.agentD[blocker] : 0;
        blockerHalfWidth = blocker >= 0 ? 0.5 * scene.agentWidth[blocker] : 0;
        scene.route.pointAt(scene.egoS, 0);
        startsAtRoomEnd = tooCloseToRoomEnd(scene, scene.egoS + 0.5 * scene.egoLength, scene.egoD,
            -Math.atan2(scene.route.tangentY, scene.route.tangentX));
        final double endAhead = scene.egoD < 0 ? scene.drivableRightEndS : scene.drivableLeftEndS;
        final double side = Math.abs(scene.egoD) + 0.5 * scene.egoWidth - 0.5 * scene.laneWidth;
        mergeStandS = startsAtRoomEnd || Double.isInfinite(endAhead) || side <= 0 ? Double.MAX_VALUE :
            endAhead - arcRun(side, 0, config.wheelbaseM() / Math.tan(Math.max(-config.steerMin(), config.steerMax()))) -
                CORNERED_SLACK_M - 0.5 * scene.egoLength;
        // Without a parked vehicle to pass, leaving the lane costs ten times more.
        outOfLaneWeight = passable ? w.outOfLane : 10 * w.outOfLane;
        final boolean inLaneBeside = Math.abs(scene.egoD) >= 0.5 * (scene.laneWidth + scene.egoWidth);
        passZoneEndS = passable && inLaneBeside && !oncomingIn(scene, scene.egoD) ?
            CandidateGenerator.passReturnS(scene) : Double.NEGATIVE_INFINITY;
        passZoneSide = Math.signum(scene.egoD);
        ruleOutOfLaneWeight = passableByRule ? w.outOfLane : 10 * w.outOfLane;
        if (w.unfinishedPass > 0)
        {
            preparePass(scene, halfLength);
        }
    }

    /**
     * Collect, by rear, what a pass must get by: vehicles and cyclists in the ego lane ahead that stand or go
     * the ego's way slower than {@link #PASS_SLOW_FRACTION} of the limit, with their speed along the route.
     */
    private void preparePass(final SceneSnapshot scene, final double halfLength)
    {
        passCount = 0;
        final double slow = PASS_SLOW_FRACTION * Math.max(scene.speedLimit, 1);
        for (int n = 0; n < scene.allAgents(); n++)
        {
            if (scene.agentKind[n] == SceneCodes.PEDESTRIAN || Math.abs(scene.agentD[n]) >= 0.5 * scene.laneWidth ||
                scene.agentS[n] + 0.5 * scene.agentLength[n] < scene.egoS - halfLength)
            {
                continue;
            }
            route.project(scene.agentX[n], scene.agentY[n]);
            final double h = scene.agentHeading[n];
            final double along =
                scene.agentSpeed[n] * (Math.cos(h) * route.tangentX + Math.sin(h) * route.tangentY);
            if (along < -MOVING_MPS || along > slow)
            {
                continue;
            }
            final double rear = scene.agentS[n] - 0.5 * scene.agentLength[n];
            int at = passCount++;
            while (at > 0 && scene.agentS[passObstacle[at - 1]] - 0.5 * scene.agentLength[passObstacle[at - 1]] > rear)
            {
                passObstacle[at] = passObstacle[at - 1];
                passAlong[at] = passAlong[at - 1];
                at--;
            }
            passObstacle[at] = n;
            passAlong[at] = Math.max(0, along);
        }
    }

    /**
     * Score candidate k without a learned risk term; {@link #prepare} must have seen this tick's scene.
     *
     * @param future the rollout's agent_future tensor, [K, H, N, 3] of (x, y, heading) in the ego frame.
     */
    public void score(final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final int k)
    {
        score(scene, set, future, null, k);
    }

    /**
     * Score candidate k; {@link #prepare} must have seen this tick's scene.
     *
     * @param future     the rollout's agent_future tensor, [K, H, N, 3] of (x, y, heading) in the ego frame.
     * @param riskTensor the rollout's risk tensor, [K], or null when the package does not predict risk.
     */
    public void score(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final FloatBuffer riskTensor,
        final int k)
    {
        if (scene.sequence != preparedSequence)
        {
            throw new IllegalStateException("prepare(scene) was not called for scene " + scene.sequence);
        }
        consistency[k] = consistencyCost(set, k);
        final double dt = config.dtSeconds();
        final int base = k * horizon;
        final double halfLength = 0.5 * scene.egoLength;
        final double halfWidth = 0.5 * scene.egoWidth;
        final double inLane = Math.max(0, 0.5 * scene.laneWidth - halfWidth);

        double collisionCost = 0;
        int firstCollision = -1;
        double firstTtc = Double.POSITIVE_INFINITY;
        double accelSq = 0;
        double hardBraking = 0;
        double beyondBound = 0;
        double jerkSq = 0;
        double lateralSq = 0;
        double laneCost = 0;
        double outsideSum = 0;
        int standingSteps = 0;
        boolean crossedRed = false;
        boolean leftLaneOnRedApproach = false;
        double pedestrianCost = 0;
        double clearanceCost = 0;
        Arrays.fill(metFromBehind, false);
        double previousAccel = scene.egoAccel;
        double lastS = scene.egoS;
        double lastD = scene.egoD;
        double lastTurn = 0;

        for (int h = 0; h < horizon; h++)
        {
            final int i = base + h;
            final double x = set.x[i];
            final double y = set.y[i];
            final double heading = set.heading[i];
            final double v = set.speed[i];
            final double a = set.accel[i];

            final double jerk = (a - previousAccel) / dt;
            previousAccel = a;
            if (v < w.parkedWaitSpeedMps)
            {
                standingSteps++;
            }
            accelSq += a * a;
            if (-a > w.hardBrakeMps2)
            {
                hardBraking += (-a - w.hardBrakeMps2) * (-a - w.hardBrakeMps2);
                beyondBound += Math.max(0, -a - w.brakeBoundMps2);
            }
            jerkSq += jerk * jerk;
            final double lateral = v * v * Math.tan(set.steer[i]) / config.wheelbaseM();
            lateralSq += lateral * lateral;

            route.project(x, y);
            final double s = route.s;
            final double d = route.d;
            final double cosH = Math.cos(heading);
            final double sinH = Math.sin(heading);
            // How far the footprint reaches sideways of its centre across the route: at an angle to the lane
            // a corner, not the side, is outermost (the rear swings out when the ego pulls out sharply).
            final double cosRel = Math.abs(cosH * route.tangentX + sinH * route.tangentY);
            final double sinRel = Math.abs(sinH * route.tangentX - cosH * route.tangentY);
            final double sideReach = halfWidth * cosRel + halfLength * sinRel;
            lastS = s;
            lastD = d;
            lastTurn = heading - Math.atan2(route.tangentY, route.tangentX);
            stepS[h] = s;
            final boolean inPassZone = s < passZoneEndS && d * passZoneSide > 0;
            if (!inPassZone)
            {
                laneCost += w.laneOffset * d * d / horizon;
            }
            final double outside = Math.abs(d) - inLane;
            if (outside > 0)
            {
                if (!inPassZone)
                {
                    laneCost += outOfLaneWeight * outside;
                    outsideSum += outside;
                }
                if (queueZone && outside > 0.3)
                {
                    leftLaneOnRedApproach = true;
                }
            }
            // Graded over the first OFFROAD_FULL_M: a corner grazing the edge for a step (a lane that narrows,
            // a route point a few centimetres off) must not outweigh an emergency stop on an empty road, while a
            // wheel over the kerb still costs more than any progress.
            // Past the end of the room beside the ego lane (its front bumper beyond the end on that side) only the
            // ego lane's half width is drivable there.
            final double left = s + halfLength > scene.drivableLeftEndS ?
                Math.min(scene.drivableLeft, 0.5 * scene.laneWidth) : scene.drivableLeft;
            final double right = s + halfLength > scene.drivableRightEndS ?
                Math.min(scene.drivableRight, 0.5 * scene.laneWidth) : scene.drivableRight;
            final double overEdge = Math.max(d + sideReach - left, sideReach - d - right);
            if (overEdge > 0)
            {
                laneCost += w.offroad * Math.min(1, overEdge / OFFROAD_FULL_M);
            }
            // Room kept from the edge: quadratic from the margin's inner side to the edge, flat beyond.
            final double intoMargin =
                w.kerbMarginM > 0 ? Math.min(1, (overEdge + w.kerbMarginM) / w.kerbMarginM) : 0;
            if (intoMargin > 0)
            {
                laneCost += w.kerbMargin * intoMargin * intoMargin * dt;
            }
            // Speed is priced above the limit, or above what the ego can shed at the comfortable deceleration by
            // then when the limit has just dropped below its speed: a limit sign is reached slowing, not braking.
            final double allowed =
                Math.max(scene.speedLimit, scene.egoSpeed - config.comfortDecelMps2() * (h + 1) * dt);
            if (v > allowed)
            {
                laneCost += w.overSpeed * (v - allowed) * (v - allowed) * dt;
            }
            if (s + halfLength > stopLineS + RED_CROSS_SLACK_M)
            {
                crossedRed = true;
            }

            final double t = (h + 1) * dt;
            // Time to collision: the footprint stretched forward by a speed-dependent margin (where the ego
            // will be a moment later) and widened slightly; the first step it touches a predicted agent.
            final double reachAhead = TTC_LONGITUDINAL_MARGIN_M + TTC_MARGIN_PER_MPS * v;
            final double ttcX = x + 0.5 * reachAhead * cosH;
            final double ttcY = y + 0.5 * reachAhead * sinH;
            final double ttcHalfLength = halfLength + 0.5 * reachAhead;
            final double ttcHalfWidth = halfWidth + TTC_LATERAL_MARGIN_M;
            final int agentBase = i * maxAgents * 3;
            for (int n = 0; n < scene.allAgents(); n++)
            {
                // A pedestrian standing still is given room where it stands, at any speed: it may step out.
                if (scene.agentKind[n] == SceneCodes.PEDESTRIAN && scene.agentSpeed[n] < SceneSnapshot.STANDING_MPS)
                {
                    final double px = scene.agentX[n] - x;
                    final double py = scene.agentY[n] - y;
                    final double gapAlong = Math.max(0,
                        Math.abs(px * cosH + py * sinH) - halfLength - 0.5 * scene.agentLength[n]);
                    final double gapAcross = Math.max(0,
                        Math.abs(-px * sinH + py * cosH) - halfWidth - 0.5 * scene.agentWidth[n]);
                    final double room = Math.sqrt(gapAlong * gapAlong + gapAcross * gapAcross);
                    if (room < w.standingPedestrianM)
                    {
                        pedestrianCost += w.standingPedestrian * sq(w.standingPedestrianM - room) * dt;
                    }
                }
                final int at = agentBase + n * 3;
                final double ax = future.get(at);
                final double ay = future.get(at + 1);
                final double ah = future.get(at + 2);
                final double aHalfLength = 0.5 * scene.agentLength[n];
                final double aHalfWidth = 0.5 * scene.agentWidth[n];

                // Clearance between the footprints, in the ego's own axes (agents taken as aligned with it).
                final double dx = ax - x;
                final double dy = ay - y;
                // A vehicle or cyclist coming up behind in the ego's lane, its way, predicted still behind the
                // ego's centre, or met from there already: running into the ego is its to avoid.
                if (scene.agentKind[n] != SceneCodes.PEDESTRIAN && scene.agentX[n] < 0 &&
                    Math.cos(scene.agentHeading[n]) >= FOLLOWER_COS &&
                    Math.abs(scene.agentX[n] * Math.sin(scene.agentHeading[n]) -
                        scene.agentY[n] * Math.cos(scene.agentHeading[n])) <= FOLLOWER_SAME_LANE_M &&
                    (metFromBehind[n] || dx * cosH + dy * sinH < 0))
                {
                    if (ReferenceFootprints.overlap(x, y, heading, halfLength, halfWidth, ax, ay, ah, aHalfLength,
                        aHalfWidth))
                    {
                        metFromBehind[n] = true;
                    }
                    continue;
                }
                final double along = Math.abs(dx * cosH + dy * sinH) - halfLength - aHalfLength;
                final double across = Math.abs(-dx * sinH + dy * cosH) - halfWidth - aHalfWidth;
                if (along < w.pedestrianRadiusM && across < w.pedestrianRadiusM)
                {
                    final double clearance = Math.sqrt(sq(Math.max(0, along)) + sq(Math.max(0, across)));
                    if (scene.isVulnerable(n))
                    {
                        final double safe = config.creepSpeedMps() + PEDESTRIAN_SAFE_SPEED_SLOPE * clearance;
                        if (v > safe)
                        {
                            pedestrianCost += w.pedestrian * (v - safe) * (v - safe) * dt;
                        }
                        if (across < PEDESTRIAN_FRONT_ACROSS_M && along < w.pedestrianFrontM &&
                            dx * cosH + dy * sinH > 0)
                        {
                            pedestrianCost += w.pedestrianFront * sq(w.pedestrianFrontM - Math.max(0, along)) * dt;
                        }
                    }
                    else
                    {
                        final double margin = w.clearanceM + w.clearancePerMps * v;
                        if (clearance < margin)
                        {
                            clearanceCost += w.clearance * (margin - clearance) * (margin - clearance) * dt;
                        }
                        if (clearance < w.clearanceFloorM + ANGLED_SLACK_M)
                        {
                            final double gap = ReferenceFootprints.distance(
                                x, y, heading, halfLength, halfWidth, ax, ay, ah, aHalfLength, aHalfWidth);
                            if (gap < w.clearanceFloorM)
                            {
                                clearanceCost += w.clearanceFloor * sq(w.clearanceFloorM - gap) * dt;
                            }
                        }
                    }
                }

                // Cutting in within a follower's time gap, where the ego is not in its lane already.
                if (w.cutIn > 0 && scene.agentKind[n] != SceneCodes.PEDESTRIAN &&
                    scene.agentSpeed[n] >= FOLLOWER_MIN_MPS && scene.agentX[n] < 0 &&
                    Math.cos(scene.agentHeading[n]) >= FOLLOWER_COS &&
                    Math.abs(scene.agentX[n] * Math.sin(scene.agentHeading[n]) -
                        scene.agentY[n] * Math.cos(scene.agentHeading[n])) > FOLLOWER_SAME_LANE_M)
                {
                    final double reach = FOLLOWER_MARGIN_M + w.cutInHeadwayS * scene.agentSpeed[n];
                    if (ReferenceFootprints.overlap(x, y, heading, halfLength, halfWidth,
                        ax + 0.5 * reach * Math.cos(ah), ay + 0.5 * reach * Math.sin(ah), ah,
                        aHalfLength + 0.5 * reach, aHalfWidth + FOLLOWER_LATERAL_MARGIN_M))
                    {
                        clearanceCost += w.cutIn * dt;
                    }
                }
                // A walker predicted into an ego that stands walks round it.
                if (v < SceneSnapshot.STANDING_MPS && scene.agentKind[n] == SceneCodes.PEDESTRIAN)
                {
                    continue;
                }
                if (ReferenceFootprints.overlap(x, y, heading, halfLength, halfWidth, ax, ay, ah, aHalfLength, aHalfWidth))
                {
                    if (firstCollision < 0)
                    {
                        firstCollision = h;
                        // Earlier is worse; a collision while standing still costs less than one at speed.
                        collisionCost = w.collision * (2.0 - (double)h / horizon) * (0.5 + Math.min(1, v));
                    }
                }
                if (t < firstTtc && ReferenceFootprints.overlap(
                    ttcX, ttcY, heading, ttcHalfLength, ttcHalfWidth, ax, ay, ah, aHalfLength, aHalfWidth))
                {
                    firstTtc = t;
                }
            }
        }

        // Progress is the mean advance over the horizon, doubled (equal to the end advance at constant speed):
        // a plan that moves now beats one that promises to move later. It stops counting at a stop line the
        // ego must respect, and at the standoff behind a standing vehicle the plan does not get past (its rear
        // beyond the vehicle's front by the end of the horizon: ending alongside is not past); inside the
        // standoff every metre closer counts against the plan, so waiting further back keeps a pass possible,
        // and edging round at a crawl, which strands the ego at the bumper when traffic closes the gap, earns
        // nothing.
        final boolean notPast = lastS - halfLength < blockerFrontS;
        final double lineS = stopLineS - halfLength;
        final double waited = notPast && !oncoming ? w.parkedWait * standingSteps * dt : 0;
        // A plan still outside its lane beside an acceleration lane's end: no progress past where a merge from
        // rest still fits before the end.
        final double mergeCap = Math.abs(lastD) + halfWidth > 0.5 * scene.laneWidth ? mergeStandS : Double.MAX_VALUE;
        final double progressMetres = advance(scene.egoS, lineS,
            Math.min(mergeCap, notPast ? blockerRearS - halfLength - blockerStandoff : Double.MAX_VALUE)) -
            (blockerParked ? waited : 0);
        final boolean sameBlocker = blockerStandoff == ruleBlockerStandoff && blockerParked == ruleBlockerParked;
        final double ruleProgressMetres = sameBlocker ? progressMetres :
            advance(scene.egoS, lineS,
                Math.min(mergeCap, notPast ? blockerRearS - halfLength - ruleBlockerStandoff : Double.MAX_VALUE)) -
            (ruleBlockerParked ? waited : 0);
        progressM[k] = lastS - scene.egoS;
        afterHorizon[k] = afterHorizonCost(scene, set, future, base, halfLength, halfWidth);
        unfinishedPass[k] = w.unfinishedPass > 0 && Math.abs(lastD) - inLane > PASS_OUTSIDE_M ?
            unfinishedPassCost(scene, set, future, base, halfLength, halfWidth, lastS, lastD) : 0;
        collision[k] = collisionCost + afterHorizon[k] + unfinishedPass[k];
        firstCollisionStep[k] = firstCollision;
        minTtcS[k] = firstTtc;
        ttc[k] = (firstTtc < w.ttcThresholdS ? w.ttc * (w.ttcThresholdS - firstTtc) : 0) + clearanceCost;
        // Stopped closer behind a standing blocker the ego waits behind with room than it needs to steer round it
        // (the planner's TrajectoryScorer.cornered).
        final boolean stuck = notPast && blockerStands && set.speed[base + horizon - 1] < CORNERED_MPS &&
            tooCloseToSteerRound(lastS + halfLength, lastD, lastTurn, halfWidth);
        // Brought to rest too close to the end of an acceleration lane to steer into the route's lane before it.
        final boolean endStuck = !startsAtRoomEnd && set.speed[base + horizon - 1] < CORNERED_MPS &&
            tooCloseToRoomEnd(scene, lastS + halfLength, lastD, lastTurn);
        final double corneredCost = stuck && blockerStandoff == PARKED_STANDOFF_M || endStuck ? w.cornered : 0;
        final double ruleCorneredCost = stuck && ruleBlockerStandoff == PARKED_STANDOFF_M || endStuck ? w.cornered : 0;
        progress[k] = -w.progress * progressMetres + corneredCost;
        comfort[k] = (w.accel * accelSq + w.jerk * jerkSq + w.lateralAccel * lateralSq) / horizon +
            w.hardBrake * hardBraking + w.beyondBrakeBound * beyondBound;
        lane[k] = laneCost;
        redLight[k] = (crossedRed ? w.redLight : 0) + (leftLaneOnRedApproach ? w.queuePass : 0);
        pedestrian[k] = pedestrianCost;
        riskProbability[k] = null == riskTensor ? 0 : collisionProbability(riskTensor.get(k));
        risk[k] = w.risk * riskProbability[k];
        total[k] = collision[k] + ttc[k] + progress[k] + comfort[k] + lane[k] + redLight[k] + pedestrian[k] +
            consistency[k] + risk[k];
        analytic[k] = total[k] - risk[k] + (ruleOutOfLaneWeight - outOfLaneWeight) * outsideSum -
            w.progress * (ruleProgressMetres - progressMetres) +
            (ruleCorneredCost == corneredCost ? 0 : ruleCorneredCost - corneredCost);
    }

    /**
     * Whether the ego, its front at {@code frontS}, centre {@code d} off the route and heading {@code turn} from
     * it, cannot steer round the blocker at full lock in the gap to its rear (less a metre's slack) so that its
     * side passes 0.3 m from the blocker's, on either side.
     */
    private boolean tooCloseToSteerRound(final double frontS, final double d, final double turn, final double halfWidth)
    {
        final double gap = blockerRearS - frontS;
        if (gap < 0)
        {
            return false;
        }
        final double radius = config.wheelbaseM() / Math.tan(Math.max(-config.steerMin(), config.steerMax()));
        final double angle = Math.atan2(Math.sin(turn), Math.cos(turn));
        final double toLeft = blockerD + blockerHalfWidth + CORNERED_CLEARANCE_M - d + halfWidth;
        final double toRight = d + halfWidth - blockerD + blockerHalfWidth + CORNERED_CLEARANCE_M;
        final double room = Math.min(arcRun(toLeft, angle, radius), arcRun(toRight, -angle, radius));
        return gap < room + CORNERED_SLACK_M;
    }

    /**
     * Whether the ego at rest, front at {@code frontS}, centre {@code d} off the route, heading {@code turn} from it,
     * reaching outside its lane on a side whose room ends ahead, is closer to that end than the forward run of a
     * full-lock arc that brings its outer side inside the lane, plus a metre's slack.
     */
    private boolean tooCloseToRoomEnd(final SceneSnapshot scene, final double frontS, final double d, final double turn)
    {
        final double endS = d < 0 ? scene.drivableRightEndS : scene.drivableLeftEndS;
        final double side = Math.abs(d) + 0.5 * scene.egoWidth - 0.5 * scene.laneWidth;
        if (Double.isInfinite(endS) || side <= 0)
        {
            return false;
        }
        final double radius = config.wheelbaseM() / Math.tan(Math.max(-config.steerMin(), config.steerMax()));
        final double angle = Math.atan2(Math.sin(turn), Math.cos(turn));
        return endS - frontS < arcRun(side, d < 0 ? angle : -angle, radius) + CORNERED_SLACK_M;
    }

    /** Forward run of a full-lock arc from {@code angle} until it has moved {@code side} metres sideways. */
    private static double arcRun(final double side, final double angle, final double radius)
    {
        if (side <= 0)
        {
            return 0;
        }
        final double c = Math.cos(angle) - side / radius;
        final double s = c <= 0 ? 1 : Math.sqrt(1 - c * c);
        return Math.max(0, radius * (s - Math.sin(angle)));
    }

    /**
     * Mean advance over the horizon of this tick's scored steps, doubled (equal to the end advance at constant
     * speed), counted up to the stop line and, inside the standoff, against the plan.
     */
    private double advance(final double egoS, final double lineS, final double standoffS)
    {
        double advance = 0;
        for (int h = 0; h < horizon; h++)
        {
            double reachable = Math.min(stepS[h], lineS);
            if (reachable > standoffS)
            {
                reachable = standoffS - 2 * (reachable - standoffS);
            }
            advance += reachable - egoS;
        }
        return 2 * advance / horizon;
    }

    /**
     * What a plan costs for where it leaves the ego: when it ends slower than
     * {@link #AFTER_HORIZON_MAX_SPEED_MPS} (at rest or creeping), the ego's last step is extended at its last
     * speed and heading, each agent's at its last predicted velocity, for {@code afterHorizonS}; the first time
     * the two footprints meet prices the plan (earlier is dearer). Agents at rest are left out (the horizon already
     * sees them), and so are those going the ego's way: a follower is predicted to stop, and a slower leader is
     * the ego's to follow, which it will do after the horizon as it does within.
     */
    private double afterHorizonCost(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final int base,
        final double halfLength, final double halfWidth)
    {
        final int last = base + horizon - 1;
        if (horizon < 2 || set.speed[last] >= AFTER_HORIZON_MAX_SPEED_MPS)
        {
            return 0;
        }
        final double ex = set.x[last];
        final double ey = set.y[last];
        final double eh = set.heading[last];
        final double cosE = Math.cos(eh);
        final double sinE = Math.sin(eh);
        final double evx = set.speed[last] * cosE;
        final double evy = set.speed[last] * sinE;
        final boolean standing = set.speed[last] < SceneSnapshot.STANDING_MPS;
        final double dt = config.dtSeconds();
        final double step = w.afterHorizonS / AFTER_HORIZON_STEPS;
        double earliest = Double.POSITIVE_INFINITY;
        for (int n = 0; n < scene.allAgents(); n++)
        {
            final int at = (last * maxAgents + n) * 3;
            final int before = at - maxAgents * 3;
            final double ax = future.get(at);
            final double ay = future.get(at + 1);
            final double ah = future.get(at + 2);
            final double vx = (ax - future.get(before)) / dt;
            final double vy = (ay - future.get(before + 1)) / dt;
            final double speedSq = vx * vx + vy * vy;
            if (speedSq < MOVING_MPS * MOVING_MPS)
            {
                continue;
            }
            final double along = vx * cosE + vy * sinE;
            if (along > 0 && along * along > SAME_WAY_COS * SAME_WAY_COS * speedSq)
            {
                continue;
            }
            // Towards an ego that stands, a walker is carried across its heading alone: one heading for the ego's nose
            // is one it stands in the way of, while a prediction drifting along the road would walk a walker on a
            // zebra into an ego standing short of it (zebra-9800-005, -049).
            final boolean across = standing && scene.agentKind[n] == SceneCodes.PEDESTRIAN;
            final double wx = across ? vx - along * cosE : vx;
            final double wy = across ? vy - along * sinE : vy;
            final double aHalfLength = 0.5 * scene.agentLength[n];
            final double aHalfWidth = 0.5 * scene.agentWidth[n];
            for (int j = 1; j <= AFTER_HORIZON_STEPS; j++)
            {
                final double t = j * step;
                if (t >= earliest)
                {
                    break;
                }
                if (ReferenceFootprints.overlap(ex + evx * t, ey + evy * t, eh, halfLength, halfWidth,
                    ax + wx * t, ay + wy * t, ah, aHalfLength, aHalfWidth))
                {
                    earliest = t;
                    break;
                }
            }
        }
        return earliest == Double.POSITIVE_INFINITY ? 0 :
            w.afterHorizon * (1 - 0.5 * earliest / w.afterHorizonS);
    }

    /**
     * What a plan costs for ending out of lane in a pass it cannot finish. From the end of the horizon the ego is
     * carried on along the route at its last offset, speeding up at {@link #PASS_ACCEL_MPS2} to the limit, until
     * it is {@link #PULL_IN_ROOM_M} clear of the first road user it has not yet passed and of every one standing
     * or riding within a car's length and that room of the one before (no gap to pull into), then given
     * {@link #PASS_RETURN_S} to steer back. Each road user coming the other way within the ego's width of that
     * offset is held at its last predicted velocity; the first time one meets the ego's nose inside that window
     * prices the plan, earlier dearer. A pass never finished within {@code passLookAheadS} meets whatever comes; a
     * plan out of lane with nothing left to pass has only the return.
     */
    private double unfinishedPassCost(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final int base,
        final double halfLength, final double halfWidth, final double lastS, final double lastD)
    {
        final double tEnd = horizon * config.dtSeconds();
        int first = 0;
        while (first < passCount && passFront(scene, first, tEnd) + PULL_IN_ROOM_M <= lastS - halfLength)
        {
            first++;
        }
        // Past everything, out of lane: only the return is left.
        final boolean allPassed = first == passCount;
        if (allPassed && Math.abs(scene.egoD) - Math.max(0, 0.5 * scene.laneWidth - halfWidth) <= PASS_OUTSIDE_M)
        {
            return 0;
        }
        if (!allPassed && passRear(scene, first, tEnd) - (lastS + halfLength) > PASS_BEGUN_WITHIN_M)
        {
            return 0;
        }
        final double slot = 2 * scene.egoLength + 2 * PULL_IN_ROOM_M;
        int end = first + 1;
        double chainFront = allPassed ? 0 : passFront(scene, first, tEnd);
        while (end < passCount && passRear(scene, end, tEnd) - chainFront < slot)
        {
            chainFront = Math.max(chainFront, passFront(scene, end, tEnd));
            end++;
        }

        // The ego's way through the rest of the pass, and when it is done.
        final int last = base + horizon - 1;
        final double vMax = Math.max(set.speed[last], scene.speedLimit);
        double v = set.speed[last];
        double s = lastS;
        int window = passS.length - 1;
        final int lookAheadSteps = (int)Math.ceil(w.passLookAheadS / PASS_STEP_S);
        boolean cleared = false;
        for (int i = 0; i < passS.length; i++)
        {
            passS[i] = s;
            if (!cleared && i <= lookAheadSteps &&
                (allPassed || passCleared(scene, first, end, tEnd, i * PASS_STEP_S, s - halfLength)))
            {
                cleared = true;
                window = Math.min(passS.length - 1, i + (int)Math.ceil(PASS_RETURN_S / PASS_STEP_S));
            }
            final double next = Math.min(vMax, v + PASS_ACCEL_MPS2 * PASS_STEP_S);
            s += 0.5 * (v + next) * PASS_STEP_S;
            v = next;
        }

        final double dt = config.dtSeconds();
        double earliest = Double.POSITIVE_INFINITY;
        for (int n = 0; n < scene.allAgents(); n++)
        {
            if (scene.agentKind[n] == SceneCodes.PEDESTRIAN)
            {
                continue;
            }
            final int at = (last * maxAgents + n) * 3;
            final int before = at - maxAgents * 3;
            final double ax = future.get(at);
            final double ay = future.get(at + 1);
            final double vx = (ax - future.get(before)) / dt;
            final double vy = (ay - future.get(before + 1)) / dt;
            route.project(ax, ay);
            final double along = vx * route.tangentX + vy * route.tangentY;
            final double aHalfLength = 0.5 * scene.agentLength[n];
            final double apart = halfWidth + 0.5 * scene.agentWidth[n] + PASS_LATERAL_SLACK_M;
            final double overlap = apart - Math.abs(route.d - lastD);
            if (along > -MOVING_MPS || route.s + aHalfLength < lastS - halfLength || overlap < 0)
            {
                continue;
            }
            final int until = allPassed ?
                (int)Math.ceil(PASS_RETURN_S * Math.min(1, overlap / apart) / PASS_STEP_S) : window;
            final double front = route.s - aHalfLength;
            for (int i = 0; i <= until; i++)
            {
                final double t = i * PASS_STEP_S;
                if (t >= earliest)
                {
                    break;
                }
                if (front + along * t - (passS[i] + halfLength) < PASS_MEET_GAP_M)
                {
                    earliest = t;
                    break;
                }
            }
        }
        return earliest == Double.POSITIVE_INFINITY ? 0 :
            w.unfinishedPass * (1 - 0.5 * Math.min(1, earliest / w.passLookAheadS));
    }

    private static boolean oncomingIn(final SceneSnapshot scene, final double d)
    {
        for (int n = 0; n < scene.allAgents(); n++)
        {
            if (scene.agentKind[n] == SceneCodes.PEDESTRIAN || scene.agentS[n] <= scene.egoS ||
                Math.abs(scene.agentD[n] - d) >= scene.laneWidth)
            {
                continue;
            }
            scene.route.pointAt(scene.agentS[n], 0);
            if (scene.agentSpeed[n] * Math.cos(scene.agentHeading[n] - scene.route.heading) < -ONCOMING_MPS)
            {
                return true;
            }
        }
        return false;
    }

    static boolean firstAtGreen(final SceneSnapshot scene, final double frontS)
    {
        int next = -1;
        for (int i = 0; i < scene.lightCount; i++)
        {
            if (scene.lightStopS[i] >= frontS && (next < 0 || scene.lightStopS[i] < scene.lightStopS[next]))
            {
                next = i;
            }
        }
        return next >= 0 && scene.lightState[next] == SceneCodes.LIGHT_GREEN &&
            scene.lightStopS[next] - frontS <= FIRST_AT_GREEN_M;
    }

    /** Before a green light, or held neither by a stop line (not green) nor by a vehicle close ahead. */
    static boolean waitWithRoom(final SceneSnapshot scene, final int n)
    {
        final double front = scene.agentS[n] + 0.5 * scene.agentLength[n];
        double nextLine = Double.POSITIVE_INFINITY;
        boolean nextGreen = false;
        boolean held = false;
        for (int i = 0; i < scene.lightCount; i++)
        {
            final double line = scene.lightStopS[i];
            if (line >= front && line < nextLine)
            {
                nextLine = line;
                nextGreen = scene.lightState[i] == SceneCodes.LIGHT_GREEN;
            }
            held |= line - front > -1 && line - front <= FIRST_AT_GREEN_M && scene.lightState[i] != SceneCodes.LIGHT_GREEN;
        }
        if (nextGreen)
        {
            return true;
        }
        if (held)
        {
            return false;
        }
        // Held by the next vehicle within a queue's gap if it moves, or if it stands and is held itself.
        int next = -1;
        double nextGap = SceneSnapshot.QUEUE_GAP_M;
        for (int m = 0; m < scene.allAgents(); m++)
        {
            if (m == n || scene.isVulnerable(m) || Math.abs(scene.agentD[m]) >= 0.5 * scene.laneWidth)
            {
                continue;
            }
            final double gap = scene.agentS[m] - 0.5 * scene.agentLength[m] - front;
            if (gap > 0 && gap < nextGap)
            {
                next = m;
                nextGap = gap;
            }
        }
        return next < 0 || scene.agentSpeed[next] < SceneSnapshot.STANDING_MPS && waitWithRoom(scene, next);
    }

    /**
     * Whether vehicle {@code n}, moving in the ego lane slower than {@link #TAILING_SLOW_MPS}, has a vehicle standing
     * in the lane within a queue's gap ahead of it that the ego would wait behind with room: it is followed with
     * that room too (the planner's {@code TrajectoryScorer.tailsStandingBlocker}).
     */
    static boolean tailsStandingBlocker(final SceneSnapshot scene, final int n)
    {
        if (scene.isVulnerable(n) || scene.agentSpeed[n] < SceneSnapshot.STANDING_MPS ||
            scene.agentSpeed[n] >= TAILING_SLOW_MPS || Math.abs(scene.agentD[n]) >= 0.5 * scene.laneWidth)
        {
            return false;
        }
        final double frontS = scene.agentS[n] + 0.5 * scene.agentLength[n];
        for (int m = 0; m < scene.allAgents(); m++)
        {
            final double beyond = scene.agentS[m] - 0.5 * scene.agentLength[m] - frontS;
            if (m != n && beyond > 0 && beyond < SceneSnapshot.QUEUE_GAP_M && scene.isStandingInLane(m) &&
                (scene.agentParked[m] || waitWithRoom(scene, m)))
            {
                return true;
            }
        }
        return false;
    }

    /** Front of the i-th thing to pass, {@code t} seconds after the end of the horizon. */
    private double passFront(final SceneSnapshot scene, final int i, final double tEnd)
    {
        final int n = passObstacle[i];
        return scene.agentS[n] + 0.5 * scene.agentLength[n] + passAlong[i] * tEnd;
    }

    private double passRear(final SceneSnapshot scene, final int i, final double tEnd)
    {
        final int n = passObstacle[i];
        return scene.agentS[n] - 0.5 * scene.agentLength[n] + passAlong[i] * tEnd;
    }

    /** Whether an ego whose rear is at {@code rearS}, {@code t} after the horizon, is clear of obstacles [first, end). */
    private boolean passCleared(
        final SceneSnapshot scene, final int first, final int end, final double tEnd, final double t,
        final double rearS)
    {
        for (int i = first; i < end; i++)
        {
            if (rearS - PULL_IN_ROOM_M < passFront(scene, i, tEnd) + passAlong[i] * t)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * The model's collision probability made safe to price: clamped to [0, 1], and NaN, a model that cannot
     * say, taken as certain (NaN would otherwise compare as neither better nor worse and could be selected).
     */
    static double collisionProbability(final float p)
    {
        return Float.isNaN(p) ? 1.0 : Math.max(0.0, Math.min(1.0, p));
    }

    /**
     * Distance from the previous plan, which the first sample carries forward unperturbed.
     */
    private double consistencyCost(final CandidateSet set, final int k)
    {
        if (!set.hasPrevious)
        {
            return 0;
        }
        final int reference = set.latticeCount * horizon;
        final int base = k * horizon;
        final int steps = Math.min(w.consistencySteps, horizon);
        double sum = 0;
        for (int h = 0; h < steps; h++)
        {
            final double dx = set.x[base + h] - set.x[reference + h];
            final double dy = set.y[base + h] - set.y[reference + h];
            sum += dx * dx + dy * dy;
        }
        return w.consistency * sum / steps;
    }

    private static double sq(final double v)
    {
        return v * v;
    }
}
