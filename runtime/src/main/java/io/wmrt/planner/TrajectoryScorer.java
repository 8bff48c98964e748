package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;

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
 * Not thread safe: owned by the planner agent. Allocates nothing after construction.
 */
public final class TrajectoryScorer
{
    private static final double TTC_LONGITUDINAL_MARGIN_M = 0.5;
    private static final double TTC_MARGIN_PER_MPS = 0.5;
    private static final double TTC_LATERAL_MARGIN_M = 0.3;
    /** A follower for {@code CostWeights.cutIn}: heading within 45 degrees of the ego's, at least this fast. */
    static final double FOLLOWER_COS = 0.7;
    static final double FOLLOWER_MIN_MPS = 1.0;
    /** The follower's headway box: a metre beyond its time gap, this much wider than it on each side. */
    static final double FOLLOWER_MARGIN_M = 1.0;
    static final double FOLLOWER_LATERAL_MARGIN_M = 0.2;
    /** An ego whose centre is within this of a follower's line is in its lane already, not cutting in. */
    static final double FOLLOWER_SAME_LANE_M = 1.0;
    /** Overtaking is considered only for a parked vehicle this close. */
    private static final double PASSING_RANGE_M = 60;
    /** Room kept behind a parked vehicle, so the ego can still steer around it; and behind a queued one. */
    static final double PARKED_STANDOFF_M = 8.0;
    /** Speed towards the ego along the route above which a road user ahead is coming the other way. */
    static final double ONCOMING_MPS = 0.5;
    static final double QUEUE_STANDOFF_M = 3.0;
    /** A vehicle standing this close before a green light's stop line is the first at it. */
    static final double FIRST_AT_GREEN_M = 8.0;
    /** A vehicle slower than this pulling up behind one the ego waits behind with room gets that room too. */
    static final double TAILING_SLOW_MPS = 3.0;
    /** A plan ending slower than this may be cornered behind a standing vehicle ({@link #cornered}). */
    static final double CORNERED_MPS = 0.5;
    /** Room the ego's side keeps from the standing vehicle's as it steers round it, and slack on the room ahead. */
    static final double CORNERED_CLEARANCE_M = 0.3;
    static final double CORNERED_SLACK_M = 1.0;
    private static final double STOPPABLE_DECEL_MPS2 = 4.0;
    /**
     * How far before a red light's line the plans aim to stand. The rig's ruler, like a camera at the junction,
     * counts the front reaching the line at red as crossing it; a plan paid for progress right up to the line
     * stopped on it, and the actuator's lag carried the front over (red-light-queue-8800-008).
     */
    static final double STOP_LINE_MARGIN_M = SceneSnapshot.STOP_LINE_MARGIN_M;
    /**
     * How far past a red light's stop line the front of a stopped ego may stand and still be held by it: the
     * ego that stopped with its front on the line had been let through at red (red-light-queue-8800-008).
     */
    static final double STOP_LINE_HELD_M = SceneSnapshot.STOP_LINE_HELD_M;
    /**
     * How far past the point it must stop at a plan's front may settle before it counts as crossing the red: a plan
     * that stands drifts by millimetres, and where the ego already stands at that point (its margin before the
     * line, or on the line) every plan had crossed, standing ones too, so the light no longer told them apart and
     * the ego crept on into the junction at red (red-light-queue-9200-019, under a form of the standoff rule since
     * withdrawn, which brought it to the line later).
     */
    static final double RED_CROSS_SLACK_M = 0.05;
    private static final double PEDESTRIAN_SAFE_SPEED_SLOPE = 1.5;
    /**
     * A road user on foot is in front of the ego when its footprint comes within this of the ego's sides: on a
     * zebra, or walking at its corner; not one on the sidewalk it drives past (0.75-0.9 m on a narrow street).
     */
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
     * The shortest gap between standing vehicles that a pass pulls into: two of the ego's lengths and the room at
     * each end, since the ego comes in at an angle and must leave it again. With one length the ego cut into an
     * 11 m gap and swept the front of the car it had just passed (narrow-street-7900-007).
     */
    static double pullInSlotM(final double egoLength)
    {
        return 2 * egoLength + 2 * PULL_IN_ROOM_M;
    }

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
    /**
     * The broad phase's reach is stretched by this factor and margin, so that rounding never skips an agent the
     * exact tests would have counted: a skipped agent is one every term would have left out.
     */
    private static final double BROAD_SLACK = 1 + 1e-9;
    private static final double BROAD_SLACK_M = 1e-6;

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
    /** Per candidate step (k * H + h): the route arc length, and the heading's cosine and sine. */
    private final double[] stepS;
    private final double[] stepCos;
    private final double[] stepSin;
    /** Per candidate, from its own terms: what {@link #scoreAgents} and the totals need. */
    private final double[] progressMetresOf;
    private final double[] ruleProgressMetresOf;
    /** Candidate k's {@link CostWeights#cornered} charge with the model's verdict on the blocker, and the rule's. */
    private final double[] corneredOf;
    private final double[] ruleCorneredOf;
    private final double[] lastSOf;
    private final double[] lastDOf;
    private final double[] outsideSumOf;
    /** Per candidate, the total and the analytic total with the agent terms at 0: bounds from below. */
    private final double[] ownTotal;
    private final double[] ownAnalytic;
    /** The order {@link #select} scores candidates in. */
    private final int[] order;
    /** Whether the agent terms are all priced at or above zero, so that a candidate's own terms bound it. */
    private final boolean boundable;
    private int analyticChoice;
    private int completeCount;
    /**
     * Whether candidate k was scored in full: {@link #score} always does; {@link #select} leaves the candidates
     * that cannot be chosen incomplete.
     */
    public final boolean[] complete;
    /** The ego's arc length through the rest of a pass, per {@link #PASS_STEP_S}. */
    private final double[] passS;
    /** What a pass must clear this tick: slow or standing road users in the ego lane ahead, by rear. */
    private final int[] passObstacle = new int[SceneSnapshot.MAX_AGENTS];
    private final double[] passAlong = new double[SceneSnapshot.MAX_AGENTS];
    private int passCount;
    /**
     * Whether a pass is under way this tick: the ego already more than {@link #PASS_OUTSIDE_M} out of its lane.
     * From its own lane the ego can still let a pass that ends out of lane go at the next tick.
     */
    private boolean passUnderWay;
    /** One step of the rollout's agent_future, (x, y, heading) per agent. */
    private final float[] stepFuture = new float[SceneSnapshot.MAX_AGENTS * 3];
    private final double[] windowReach = new double[SceneSnapshot.MAX_AGENTS];
    private final double[] agentHalfSum = new double[SceneSnapshot.MAX_AGENTS];
    /** Per agent, the length of its headway box when it is a follower the ego could cut in front of, else 0. */
    private final double[] followerReach = new double[SceneSnapshot.MAX_AGENTS];
    /** Per agent, whether it comes up behind the ego in its lane, going its way ({@link #behindInLane}). */
    private final boolean[] behindInLane = new boolean[SceneSnapshot.MAX_AGENTS];
    /** Per agent behind in the lane, whether the candidate being scored has met it from behind. */
    private final boolean[] rearEnded = new boolean[SceneSnapshot.MAX_AGENTS];
    /** The agents of one step that pass the broad phase, in slot order. */
    private final int[] nearAgents = new int[SceneSnapshot.MAX_AGENTS];
    /** The pedestrians standing still in this scene (their slots), given room where they stand. */
    private final int[] standingPedestrian = new int[SceneSnapshot.MAX_AGENTS];
    private int standingPedestrians;

    // Per tick, from prepare().
    private long preparedSequence = Long.MIN_VALUE;
    private double stopLineS;
    private boolean queueZone;
    private boolean oncoming;
    private double blockerRearS;
    private double blockerFrontS;
    private double blockerStandoff;
    /** The blocker's offset from the route and half width; whether it stands (not one pulling out round it). */
    private double blockerD;
    private double blockerHalfWidth;
    private boolean blockerStands;
    /** Whether the ego already stands closer to where the room beside its lane ends than a merge from rest needs. */
    private boolean egoAtRoomEnd;
    /** Where the ego's centre stands to merge from rest before the room beside its lane ends (MAX_VALUE: nowhere). */
    private double roomStandS;
    /**
     * Route s up to which a plan keeping to the side the ego is on pays nothing for its lane: the ego is wholly
     * in the lane beside its route's, no one comes towards it in that lane, and a parked vehicle stands in the
     * route's lane ahead. Going back in only to come out again past it was weaving (a corridor's lane drop 60 m
     * before a double-parked car, corridor-7900-000). Not for an ego half out behind a parked car with traffic
     * coming the other way: it crept up to the bumper and stood there (corridor-8100-007). Negative
     * infinity otherwise.
     */
    private double passZoneEndS;
    private double passZoneSide;
    private double outOfLaneWeight;
    private double ruleBlockerStandoff;
    /** Whether the blocker is judged parked (the model's verdict, the rule's): standing behind it forgoes progress. */
    private boolean blockerParked;
    private boolean ruleBlockerParked;
    private double ruleOutOfLaneWeight;
    // What scoreOwnTerms scored ahead of select this tick.
    private CandidateSet ownScoredSet;
    private int ownScoredCount;

    public TrajectoryScorer(final PlannerConfig config)
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
        stepS = new double[k * horizon];
        stepCos = new double[k * horizon];
        stepSin = new double[k * horizon];
        progressMetresOf = new double[k];
        ruleProgressMetresOf = new double[k];
        corneredOf = new double[k];
        ruleCorneredOf = new double[k];
        lastSOf = new double[k];
        lastDOf = new double[k];
        outsideSumOf = new double[k];
        ownTotal = new double[k];
        ownAnalytic = new double[k];
        order = new int[k];
        complete = new boolean[k];
        boundable = w.collision >= 0 && w.ttc >= 0 && w.clearance >= 0 && w.clearanceFloor >= 0 &&
            w.pedestrian >= 0 && w.pedestrianFront >= 0 && w.standingPedestrian >= 0 && w.afterHorizon >= 0 &&
            w.unfinishedPass >= 0 && w.cutIn >= 0;
        passS = new double[(int)Math.ceil((w.passLookAheadS + PASS_RETURN_S) / PASS_STEP_S) + 1];
    }

    /**
     * Where the ego stands for a line it must stop at: a margin before it where it can brake to there at the bound
     * a line is respected at, and where it cannot (or stands closer already) as far back as it can.
     */
    private static double standAt(final SceneSnapshot scene, final double lineS, final double stoppingDistance)
    {
        if (lineS == Double.MAX_VALUE)
        {
            return lineS;
        }
        final double frontS = scene.egoS + 0.5 * scene.egoLength;
        return Math.max(frontS, Math.max(lineS - STOP_LINE_MARGIN_M, Math.min(lineS, frontS + stoppingDistance)));
    }

    /**
     * Work out, once per tick, what every candidate is scored against: the stop line to respect, the vehicle
     * standing ahead in the lane and the standoff behind it, and whether leaving the lane can be justified.
     */
    public void prepare(final SceneSnapshot scene)
    {
        preparedSequence = scene.sequence;
        ownScoredSet = null;
        ownScoredCount = 0;
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
        stopLineS = standAt(scene, stopLineS, stoppingDistance);
        // Where the light is decides where leaving the lane is priced as passing a queue; a walker crossing ahead
        // only adds a line to stop at, held like a red light's.
        queueZone = stopLineS - scene.egoS < w.queueZoneM;
        final double toYield = scene.walkerYieldS - scene.egoS - halfLength;
        if (scene.walkerYieldS < stopLineS && (toYield > stoppingDistance || stopped && toYield > -STOP_LINE_HELD_M))
        {
            stopLineS = Math.min(stopLineS, standAt(scene, scene.walkerYieldS, stoppingDistance));
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
        // A slow vehicle pulling up behind one the ego waits behind with room (the blocker only then) gets it too.
        final boolean roomToSteerRound = blocker >= 0 &&
            (!scene.isStandingInLane(blocker) || waitWithRoom(scene, blocker));
        blockerStandoff = blocker >= 0 && (scene.agentParked[blocker] || roomToSteerRound) ?
            PARKED_STANDOFF_M : QUEUE_STANDOFF_M;
        ruleBlockerStandoff = blocker >= 0 && (scene.agentParkedByRule[blocker] || roomToSteerRound) ?
            PARKED_STANDOFF_M : QUEUE_STANDOFF_M;
        blockerParked = blocker >= 0 && scene.agentParked[blocker];
        ruleBlockerParked = blocker >= 0 && scene.agentParkedByRule[blocker];
        blockerStands = blocker >= 0 && scene.isStandingInLane(blocker);
        blockerD = blocker >= 0 ? scene.agentD[blocker] : 0;
        blockerHalfWidth = blocker >= 0 ? 0.5 * scene.agentWidth[blocker] : 0;
        scene.route.pointAt(scene.egoS, 0);
        egoAtRoomEnd = atRoomEnd(scene, scene.egoS + halfLength, scene.egoD, -scene.route.heading);
        final double roomEndS = roomEndS(scene, scene.egoD);
        final double mergeNeed = mergeNeed(scene, scene.egoD);
        roomStandS = !egoAtRoomEnd && roomEndS != Double.POSITIVE_INFINITY && mergeNeed > 0 ?
            roomEndS - mergeRoom(config, mergeNeed, 0) - halfLength : Double.MAX_VALUE;
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

        // The broad phase of every step: how far from the ego's centre each agent's centre can be and still
        // fall inside the clearance window (both gaps in the ego's axes under pedestrianRadiusM), and its half
        // length plus half width, which the overlap tests add to the ego's.
        final double halfWidth = 0.5 * scene.egoWidth;
        standingPedestrians = 0;
        for (int n = 0; n < scene.allAgents(); n++)
        {
            if (scene.agentKind[n] == SceneCodes.PEDESTRIAN && scene.agentSpeed[n] < SceneSnapshot.STANDING_MPS)
            {
                standingPedestrian[standingPedestrians++] = n;
            }
            final double aHalfLength = 0.5 * scene.agentLength[n];
            final double aHalfWidth = 0.5 * scene.agentWidth[n];
            windowReach[n] = Math.hypot(w.pedestrianRadiusM + halfLength + aHalfLength,
                w.pedestrianRadiusM + halfWidth + aHalfWidth);
            agentHalfSum[n] = aHalfLength + aHalfWidth;
            followerReach[n] = followerReach(scene, n, w);
            behindInLane[n] = behindInLane(scene, n);
            if (followerReach[n] > 0)
            {
                // The headway box's far end lies its length beyond the agent's centre.
                windowReach[n] = Math.max(windowReach[n], followerReach[n] + aHalfLength + aHalfWidth +
                    FOLLOWER_LATERAL_MARGIN_M + halfLength + halfWidth);
            }
        }
    }

    /**
     * The length of agent {@code n}'s headway box ({@code CostWeights.cutIn}): its time gap at its speed now plus
     * {@link #FOLLOWER_MARGIN_M}, for a vehicle or cyclist whose centre is behind the ego's, going the ego's way at
     * {@link #FOLLOWER_MIN_MPS} or more, with the ego's centre more than {@link #FOLLOWER_SAME_LANE_M} from its line
     * (a follower already in the ego's lane is not cut in on); 0 for every other agent.
     */
    static double followerReach(final SceneSnapshot scene, final int n, final CostWeights w)
    {
        if (w.cutIn <= 0 || scene.agentSpeed[n] < FOLLOWER_MIN_MPS)
        {
            return 0;
        }
        final double across = followerAcross(scene, n);
        return across == Double.POSITIVE_INFINITY || across <= FOLLOWER_SAME_LANE_M ? 0 :
            FOLLOWER_MARGIN_M + w.cutInHeadwayS * scene.agentSpeed[n];
    }

    /**
     * How far the ego's centre (the origin) lies from agent {@code n}'s line, for a vehicle or cyclist whose centre
     * is behind the ego's heading within 45 degrees of the ego's way; infinite for every other agent.
     */
    private static double followerAcross(final SceneSnapshot scene, final int n)
    {
        if (scene.agentKind[n] == SceneCodes.PEDESTRIAN || scene.agentX[n] >= 0)
        {
            return Double.POSITIVE_INFINITY;
        }
        final double cosA = Math.cos(scene.agentHeading[n]);
        final double sinA = Math.sin(scene.agentHeading[n]);
        return cosA < FOLLOWER_COS ? Double.POSITIVE_INFINITY :
            Math.abs(scene.agentX[n] * sinA - scene.agentY[n] * cosA);
    }

    /**
     * Whether agent n is a vehicle or cyclist behind the ego's centre, heading within 45 degrees of the ego's way
     * with the ego's centre on its line: running into the ego from behind is its to avoid (NAVSIM does not hold a
     * rear-end against the car in front, and neither does the rig), so while its predicted centre is behind the
     * ego's, and after it has met the ego from there, the plan is not charged for meeting it. The model's
     * followers did not always brake for an ego slowing down ahead of them, and plans that slowed paid for the
     * rear-end: five corridors braked harder than 4 m/s² (corridor-9600-002, -018, -024, -025, -042).
     */
    static boolean behindInLane(final SceneSnapshot scene, final int n)
    {
        return followerAcross(scene, n) <= FOLLOWER_SAME_LANE_M;
    }

    /**
     * Collect, by rear, what a pass must get by: vehicles and cyclists in the ego lane ahead that stand or go
     * the ego's way slower than {@link #PASS_SLOW_FRACTION} of the limit, with their speed along the route.
     */
    private void preparePass(final SceneSnapshot scene, final double halfLength)
    {
        passCount = 0;
        passUnderWay = Math.abs(scene.egoD) - Math.max(0, 0.5 * (scene.laneWidth - scene.egoWidth)) > PASS_OUTSIDE_M;
        final RouteFrame route = scene.route;
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
     * Score candidate k in full; {@link #prepare} must have seen this tick's scene.
     *
     * @param future     the rollout's agent_future tensor, [K, H, N, 3] of (x, y, heading) in the ego frame.
     * @param riskTensor the rollout's risk tensor, [K], or null when the package does not predict risk.
     */
    public void score(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final FloatBuffer riskTensor,
        final int k)
    {
        checkPrepared(scene);
        scoreEgo(scene, set, k);
        scoreRisk(riskTensor, k);
        scoreAgents(scene, set, future, k, Double.NaN, Double.NaN);
    }

    /**
     * Score the own terms of the first {@code count} candidates (those that need neither the rollout's futures
     * nor its risk) ahead of {@link #select}, which then takes them as they are: so they can be scored on another
     * thread while the rollout runs. {@link #prepare} must have seen this tick's scene, and the candidates must
     * not change before {@link #select}; the next {@link #prepare} forgets them.
     */
    public void scoreOwnTerms(final SceneSnapshot scene, final CandidateSet set, final int count)
    {
        checkPrepared(scene);
        ownScoredCount = 0;
        for (int k = 0; k < count; k++)
        {
            scoreEgo(scene, set, k);
        }
        ownScoredSet = set;
        ownScoredCount = count;
    }

    /** Whether {@link #scoreOwnTerms} scored the first {@code count} candidates of {@code set} for this tick. */
    private boolean ownTermsScored(final CandidateSet set, final int count)
    {
        final boolean scored = ownScoredSet == set && ownScoredCount >= count;
        ownScoredSet = null;
        ownScoredCount = 0;
        return scored;
    }

    /**
     * The candidate the planner drives among the first {@code count}: the lowest {@link #total}, the lowest
     * index among equals, as scoring each in turn and keeping the first strictly cheaper one would choose (and,
     * with the same rule, {@link #analyticChoice()} by {@link #analytic}). Each candidate's own terms (comfort,
     * lane, progress, red light, consistency, learned risk) are scored first; the terms against the predicted
     * agents can only add to a total, so a candidate whose own terms already cost more than the best found, for
     * the total and for the analytic total, cannot be chosen, and is left there ({@link #complete} false, its
     * agent terms and totals NaN), as is one whose agent terms pass both bests partway through the horizon.
     * Candidates are scored cheapest own terms first, candidate 0 before all (a NaN total there keeps it chosen,
     * as the plain loop would). The choice is always the plain loop's: DecisionCorpusTest holds it on the
     * recorded corpus. When a weight of an agent term is negative the bound does not hold and every candidate is
     * scored in full, as it is when {@code scoreAll} asks for it (every candidate's terms are published).
     *
     * @param future     the rollout's agent_future tensor, [K, H, N, 3].
     * @param riskTensor the rollout's risk tensor, [K], or null.
     * @param count      candidates to choose among, 1 to K.
     * @param scoreAll   price every candidate in full, the same choice.
     * @return the chosen candidate.
     */
    public int select(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final FloatBuffer riskTensor,
        final int count, final boolean scoreAll)
    {
        checkPrepared(scene);
        final boolean ownScored = ownTermsScored(set, count);
        int selected = 0;
        int analyticBest = 0;
        if (scoreAll || !boundable)
        {
            for (int k = 0; k < count; k++)
            {
                if (!ownScored)
                {
                    scoreEgo(scene, set, k);
                }
                scoreRisk(riskTensor, k);
                scoreAgents(scene, set, future, k, Double.NaN, Double.NaN);
                selected = total[k] < total[selected] ? k : selected;
                analyticBest = analytic[k] < analytic[analyticBest] ? k : analyticBest;
            }
            analyticChoice = analyticBest;
            completeCount = count;
            return selected;
        }
        for (int k = 0; k < count; k++)
        {
            if (!ownScored)
            {
                scoreEgo(scene, set, k);
            }
            scoreRisk(riskTensor, k);
            ownTotal[k] = totalOf(k, 0, 0, 0);
            ownAnalytic[k] = analyticOf(k, ownTotal[k]);
        }
        // Candidate 0 first, then the others by their own terms, cheapest first (NaN last), insertion sorted.
        order[0] = 0;
        for (int k = 1; k < count; k++)
        {
            final double key = sortKey(ownTotal[k]);
            int at = k;
            while (at > 1 && sortKey(ownTotal[order[at - 1]]) > key)
            {
                order[at] = order[at - 1];
                at--;
            }
            order[at] = k;
        }
        scoreAgents(scene, set, future, 0, Double.NaN, Double.NaN);
        double bestTotal = total[0];
        double bestAnalytic = analytic[0];
        int completed = 1;
        for (int j = 1; j < count; j++)
        {
            final int k = order[j];
            if ((ownTotal[k] > bestTotal && ownAnalytic[k] > bestAnalytic) ||
                !scoreAgents(scene, set, future, k, bestTotal, bestAnalytic))
            {
                leaveIncomplete(k);
                continue;
            }
            completed++;
            if (total[k] < bestTotal || (total[k] == bestTotal && k < selected))
            {
                selected = k;
                bestTotal = total[k];
            }
            if (analytic[k] < bestAnalytic || (analytic[k] == bestAnalytic && k < analyticBest))
            {
                analyticBest = k;
                bestAnalytic = analytic[k];
            }
        }
        analyticChoice = analyticBest;
        completeCount = completed;
        return selected;
    }

    /** The candidate the analytic terms alone would choose, from the last {@link #select}. */
    public int analyticChoice()
    {
        return analyticChoice;
    }

    /** Candidates the last {@link #select} scored in full (the others could not have been chosen). */
    public int completeCount()
    {
        return completeCount;
    }

    private static double sortKey(final double ownTotal)
    {
        return Double.isNaN(ownTotal) ? Double.POSITIVE_INFINITY : ownTotal;
    }

    private void checkPrepared(final SceneSnapshot scene)
    {
        if (scene.sequence != preparedSequence)
        {
            throw new IllegalStateException("prepare(scene) was not called for scene " + scene.sequence);
        }
    }

    /**
     * What one step costs for coming within {@link CostWeights#kerbMarginM} of the drivable area's edge:
     * quadratic in how far inside the margin the footprint reaches, the whole weight on the edge and beyond it
     * (where the off-road term takes over).
     *
     * @param overEdge how far the footprint reaches past the edge, metres (negative inside).
     */
    private double kerbMarginCost(final double overEdge, final double dt)
    {
        if (w.kerbMarginM <= 0)
        {
            return 0;
        }
        final double into = Math.min(1, (overEdge + w.kerbMarginM) / w.kerbMarginM);
        return into > 0 ? w.kerbMargin * into * into * dt : 0;
    }

    /**
     * The terms of candidate k that look at neither the predicted agents nor the learned risk: comfort, lane
     * keeping and the drivable area, speed, red lights, progress and consistency; and per step the route arc length and
     * the heading's cosine and sine, which {@link #scoreAgents} reads.
     */
    private void scoreEgo(final SceneSnapshot scene, final CandidateSet set, final int k)
    {
        complete[k] = false;
        consistency[k] = consistencyCost(set, k);
        final double dt = config.dtSeconds();
        final int base = k * horizon;
        final RouteFrame route = scene.route;
        final double halfLength = 0.5 * scene.egoLength;
        final double halfWidth = 0.5 * scene.egoWidth;
        final double inLane = Math.max(0, 0.5 * scene.laneWidth - halfWidth);
        final double halfLane = 0.5 * scene.laneWidth;

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
        double previousAccel = scene.egoAccel;
        double lastS = scene.egoS;
        double lastD = scene.egoD;
        double lastHeadingToRoute = 0;
        final boolean projectedRoute = set.projectedRoute[k] == route && set.projectedVersion[k] == route.version();
        // The most a footprint reaches sideways of its centre at any heading (half width times the cosine plus
        // half length times the sine of its angle to the route is at most their hypotenuse), with room for
        // rounding.
        final double cornerReach = Math.sqrt(halfWidth * halfWidth + halfLength * halfLength) * (1 + 1e-9) + 1e-9;

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
            final float steer = set.steer[i];
            final double lateral =
                v * v * (set.tanSteerOf[i] == steer ? set.tanSteer[i] : Math.tan(steer)) / config.wheelbaseM();
            lateralSq += lateral * lateral;

            final double s;
            final double d;
            final double tangentX;
            final double tangentY;
            final double tangentHeading;
            if (projectedRoute && set.projectedX[i] == x && set.projectedY[i] == y)
            {
                // The generator's pure pursuit projected this pose on this route already.
                s = set.routeS[i];
                d = set.routeD[i];
                tangentX = set.routeTangentX[i];
                tangentY = set.routeTangentY[i];
                tangentHeading = set.routeTangentHeading[i];
            }
            else
            {
                route.project(x, y);
                s = route.s;
                d = route.d;
                tangentX = route.tangentX;
                tangentY = route.tangentY;
                tangentHeading = route.tangentHeading;
            }
            lastS = s;
            lastD = d;
            lastHeadingToRoute = heading - tangentHeading;
            stepS[i] = s;
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
            // wheel over the kerb still costs more than any progress. Far enough inside both edges no corner
            // reaches either, and the heading's cosine and sine wait for the agent terms. The sideways reach is
            // at most the half width plus the half length times the sine of the angle to the route, and that
            // sine at most the angle (with room for rounding).
            final double reachBound = Math.min(cornerReach, halfWidth * (1 + 1e-9) +
                halfLength * (Math.abs(heading - tangentHeading) + 1e-9) + 1e-9);
            // A negative margin (a misconfigured weight) must not widen the region where the edge is not looked at.
            final double margin = Math.max(0, w.kerbMarginM);
            // Where the room beside the ego lane ends (an acceleration lane, a lane that drops), the front
            // bumper past that point has the ego lane's own half width on that side, and no more.
            final double drivableLeft = s + halfLength > scene.drivableLeftEndS ?
                Math.min(scene.drivableLeft, halfLane) : scene.drivableLeft;
            final double drivableRight = s + halfLength > scene.drivableRightEndS ?
                Math.min(scene.drivableRight, halfLane) : scene.drivableRight;
            if (d + reachBound + margin - drivableLeft <= 0 && reachBound + margin - d - drivableRight <= 0)
            {
                stepCos[i] = Double.NaN;
            }
            else
            {
                final double cosH = Math.cos(heading);
                final double sinH = Math.sin(heading);
                stepCos[i] = cosH;
                stepSin[i] = sinH;
                // How far the footprint reaches sideways of its centre across the route: at an angle to the
                // lane a corner, not the side, is outermost (the rear swings out when the ego pulls out sharply).
                final double cosRel = Math.abs(cosH * tangentX + sinH * tangentY);
                final double sinRel = Math.abs(sinH * tangentX - cosH * tangentY);
                final double sideReach = halfWidth * cosRel + halfLength * sinRel;
                final double overEdge =
                    Math.max(d + sideReach - drivableLeft, sideReach - d - drivableRight);
                if (overEdge > 0)
                {
                    laneCost += w.offroad * Math.min(1, overEdge / OFFROAD_FULL_M);
                }
                laneCost += kerbMarginCost(overEdge, dt);
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
        }

        // Progress is the mean advance over the horizon, doubled (equal to the end advance at constant speed):
        // a plan that moves now beats one that promises to move later. It stops counting at a stop line the
        // ego must respect, and at the standoff behind a standing vehicle the plan does not get past (its rear
        // beyond the vehicle's front by the end of the horizon: ending alongside is not past); inside the
        // standoff every metre closer counts against the plan, so waiting further back keeps a pass possible,
        // and edging round at a crawl, which strands the ego at the bumper when traffic closes the gap, earns
        // nothing. Standing behind a parked vehicle forgoes progress for as long as it stands (parkedWait).
        final boolean notPast = lastS - halfLength < blockerFrontS;
        final double lineS = stopLineS - halfLength;
        final double waited = notPast && !oncoming ? w.parkedWait * standingSteps * dt : 0;
        // Short of where the room beside its lane ends, a plan still outside its lane at its end earns progress
        // only up to where a merge from rest still fits before the end: creeping on towards the end earns nothing.
        final double mergeStandS = Math.abs(lastD) + halfWidth > halfLane ? roomStandS : Double.MAX_VALUE;
        final double progressMetres = advance(base, scene.egoS, lineS,
            Math.min(mergeStandS, notPast ? blockerRearS - halfLength - blockerStandoff : Double.MAX_VALUE)) -
            (blockerParked ? waited : 0);
        progressMetresOf[k] = progressMetres;
        final boolean sameBlocker = blockerStandoff == ruleBlockerStandoff && blockerParked == ruleBlockerParked;
        ruleProgressMetresOf[k] = sameBlocker ? progressMetres :
            advance(base, scene.egoS, lineS,
                Math.min(mergeStandS, notPast ? blockerRearS - halfLength - ruleBlockerStandoff : Double.MAX_VALUE)) -
                (ruleBlockerParked ? waited : 0);
        progressM[k] = lastS - scene.egoS;
        lastSOf[k] = lastS;
        lastDOf[k] = lastD;
        outsideSumOf[k] = outsideSum;
        // Cornered behind a standing vehicle the ego would wait behind with room (judged parked, or one it must
        // steer round anyway): a plan that leaves it there can never get past.
        final boolean cornered = notPast && blockerStands && set.speed[base + horizon - 1] < CORNERED_MPS &&
            cornered(lastS + halfLength, lastD, lastHeadingToRoute, halfWidth);
        // Cornered at the end of an acceleration lane (or of the room a lane drop takes away): a plan that brings
        // the ego to rest there, too close to the end to steer into its lane before it, leaves it a merge that
        // runs its corners off the road, or no merge at all. An ego already standing that close pays nothing
        // more for standing on.
        final boolean atRoomEnd = !egoAtRoomEnd && set.speed[base + horizon - 1] < CORNERED_MPS &&
            atRoomEnd(scene, lastS + halfLength, lastD, lastHeadingToRoute);
        corneredOf[k] = cornered && blockerStandoff == PARKED_STANDOFF_M || atRoomEnd ? w.cornered : 0;
        ruleCorneredOf[k] = cornered && ruleBlockerStandoff == PARKED_STANDOFF_M || atRoomEnd ? w.cornered : 0;
        progress[k] = -w.progress * progressMetres + corneredOf[k];
        comfort[k] = (w.accel * accelSq + w.jerk * jerkSq + w.lateralAccel * lateralSq) / horizon +
            w.hardBrake * hardBraking + w.beyondBrakeBound * beyondBound;
        lane[k] = laneCost;
        redLight[k] = (crossedRed ? w.redLight : 0) + (leftLaneOnRedApproach ? w.queuePass : 0);
    }

    /** Candidate k's learned risk term, from the rollout's risk tensor (null: the package predicts none). */
    private void scoreRisk(final FloatBuffer riskTensor, final int k)
    {
        riskProbability[k] = null == riskTensor ? 0 : collisionProbability(riskTensor.get(k));
        risk[k] = w.risk * riskProbability[k];
    }

    /**
     * The terms of candidate k against the predicted agents (collision, time to collision and clearance,
     * pedestrians, after the horizon, an unfinished pass) and its totals, after {@link #scoreEgo}. Gives up,
     * leaving the candidate incomplete, as soon as what it has counted puts the total above {@code boundTotal}
     * and the analytic total above {@code boundAnalytic} (never when either is NaN).
     *
     * @return whether the candidate was scored in full.
     */
    private boolean scoreAgents(
        final SceneSnapshot scene, final CandidateSet set, final FloatBuffer future, final int k,
        final double boundTotal, final double boundAnalytic)
    {
        final double dt = config.dtSeconds();
        final int base = k * horizon;
        final double halfLength = 0.5 * scene.egoLength;
        final double halfWidth = 0.5 * scene.egoWidth;
        final double inLane = Math.max(0, 0.5 * scene.laneWidth - halfWidth);
        final boolean bounded = !Double.isNaN(boundTotal) && !Double.isNaN(boundAnalytic);

        double collisionCost = 0;
        int firstCollision = -1;
        double firstTtc = Double.POSITIVE_INFINITY;
        double pedestrianCost = 0;
        double clearanceCost = 0;
        Arrays.fill(rearEnded, 0, scene.allAgents(), false);

        for (int h = 0; h < horizon; h++)
        {
            final int i = base + h;
            final double x = set.x[i];
            final double y = set.y[i];
            final double v = set.speed[i];
            if (Double.isNaN(stepCos[i]))
            {
                stepCos[i] = Math.cos(set.heading[i]);
                stepSin[i] = Math.sin(set.heading[i]);
            }
            final double cosH = stepCos[i];
            final double sinH = stepSin[i];

            final double t = (h + 1) * dt;
            // Time to collision: the footprint stretched forward by a speed-dependent margin (where the ego
            // will be a moment later) and widened slightly; the first step it touches a predicted agent.
            final double reachAhead = TTC_LONGITUDINAL_MARGIN_M + TTC_MARGIN_PER_MPS * v;
            final double ttcX = x + 0.5 * reachAhead * cosH;
            final double ttcY = y + 0.5 * reachAhead * sinH;
            final double ttcHalfLength = halfLength + 0.5 * reachAhead;
            final double ttcHalfWidth = halfWidth + TTC_LATERAL_MARGIN_M;
            // Room from where each pedestrian standing still stands now, whatever the model predicts of it.
            for (int j = 0; j < standingPedestrians; j++)
            {
                final int n = standingPedestrian[j];
                final double dx = scene.agentX[n] - x;
                final double dy = scene.agentY[n] - y;
                final double along = Math.abs(dx * cosH + dy * sinH) - halfLength - 0.5 * scene.agentLength[n];
                final double across = Math.abs(-dx * sinH + dy * cosH) - halfWidth - 0.5 * scene.agentWidth[n];
                if (along < w.standingPedestrianM && across < w.standingPedestrianM)
                {
                    final double gap = Math.sqrt(sq(Math.max(0, along)) + sq(Math.max(0, across)));
                    if (gap < w.standingPedestrianM)
                    {
                        pedestrianCost += w.standingPedestrian * sq(w.standingPedestrianM - gap) * dt;
                    }
                }
            }
            // This step's predicted agents in one copy; the broad phase below reads only their centres.
            final int agents = scene.allAgents();
            future.get(i * maxAgents * 3, stepFuture, 0, agents * 3);
            // Beyond this distance from the ego's centre (plus the agent's own half length and width) an agent
            // reaches neither the inflated time-to-collision footprint (the larger of the two overlap tests) nor
            // the clearance window.
            final double ttcReach = ttcHalfLength + ttcHalfWidth + 0.5 * reachAhead;
            // A branch-free pass collects the agents within reach; only those are tested in full.
            int near = 0;
            for (int n = 0; n < agents; n++)
            {
                final double dx = stepFuture[3 * n] - x;
                final double dy = stepFuture[3 * n + 1] - y;
                final double reach =
                    Math.max(windowReach[n], ttcReach + agentHalfSum[n]) * BROAD_SLACK + BROAD_SLACK_M;
                nearAgents[near] = n;
                near += dx * dx + dy * dy > reach * reach ? 0 : 1;
            }
            for (int j = 0; j < near; j++)
            {
                final int n = nearAgents[j];
                final double ax = stepFuture[3 * n];
                final double ay = stepFuture[3 * n + 1];
                final double dx = ax - x;
                final double dy = ay - y;
                final double ah = stepFuture[3 * n + 2];
                final double aHalfLength = 0.5 * scene.agentLength[n];
                final double aHalfWidth = 0.5 * scene.agentWidth[n];
                if (behindInLane[n] && (rearEnded[n] || dx * cosH + dy * sinH < 0))
                {
                    // A follower still behind the ego's centre, or one that has met it so: a rear-end is the
                    // follower's to avoid, and so is whatever its prediction does through the ego after it.
                    rearEnded[n] = rearEnded[n] ||
                        !Footprints.apart(x, y, halfLength, halfWidth, ax, ay, aHalfLength, aHalfWidth) &&
                        Footprints.overlap(x, y, cosH, sinH, halfLength, halfWidth, ax, ay, Math.cos(ah), Math.sin(ah),
                            aHalfLength, aHalfWidth);
                    continue;
                }
                // The agent's heading as cosine and sine, computed once when a footprint test needs them.
                boolean agentTrig = false;
                double agentCos = 0;
                double agentSin = 0;

                // Clearance between the footprints, in the ego's own axes (agents taken as aligned with it).
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
                            if (!agentTrig)
                            {
                                agentCos = Math.cos(ah);
                                agentSin = Math.sin(ah);
                                agentTrig = true;
                            }
                            final double gap = Footprints.distance(x, y, cosH, sinH, halfLength, halfWidth,
                                ax, ay, agentCos, agentSin, aHalfLength, aHalfWidth);
                            if (gap < w.clearanceFloorM)
                            {
                                clearanceCost += w.clearanceFloor * sq(w.clearanceFloorM - gap) * dt;
                            }
                        }
                    }
                }

                final double reach = followerReach[n];
                if (reach > 0)
                {
                    if (!agentTrig)
                    {
                        agentCos = Math.cos(ah);
                        agentSin = Math.sin(ah);
                        agentTrig = true;
                    }
                    if (Footprints.overlap(x, y, cosH, sinH, halfLength, halfWidth, ax + 0.5 * reach * agentCos,
                        ay + 0.5 * reach * agentSin, agentCos, agentSin, aHalfLength + 0.5 * reach,
                        aHalfWidth + FOLLOWER_LATERAL_MARGIN_M))
                    {
                        clearanceCost += w.cutIn * dt;
                    }
                }
                if (v < SceneSnapshot.STANDING_MPS && scene.agentKind[n] == SceneCodes.PEDESTRIAN)
                {
                    // A walker predicted into an ego that stands walks round it: no collision of the plan's, and
                    // none NAVSIM or the rig counts against it.
                    continue;
                }
                final boolean apart = Footprints.apart(x, y, halfLength, halfWidth, ax, ay, aHalfLength, aHalfWidth);
                final boolean ttcApart = t >= firstTtc ||
                    Footprints.apart(ttcX, ttcY, ttcHalfLength, ttcHalfWidth, ax, ay, aHalfLength, aHalfWidth);
                if ((!apart || !ttcApart) && !agentTrig)
                {
                    agentCos = Math.cos(ah);
                    agentSin = Math.sin(ah);
                    agentTrig = true;
                }
                if (!apart && Footprints.overlap(x, y, cosH, sinH, halfLength, halfWidth,
                    ax, ay, agentCos, agentSin, aHalfLength, aHalfWidth))
                {
                    if (firstCollision < 0)
                    {
                        firstCollision = h;
                        // Earlier is worse; a collision while standing still costs less than one at speed.
                        collisionCost = w.collision * (2.0 - (double)h / horizon) * (0.5 + Math.min(1, v));
                    }
                }
                if (!ttcApart && Footprints.overlap(ttcX, ttcY, cosH, sinH, ttcHalfLength, ttcHalfWidth,
                    ax, ay, agentCos, agentSin, aHalfLength, aHalfWidth))
                {
                    firstTtc = t;
                }
            }
            // What is counted so far only grows (each term is a sum of non-negative parts, or set once), and so
            // does a total made of it: past both bests, this candidate cannot be chosen.
            if (bounded)
            {
                final double soFar = totalOf(k, collisionCost, ttcOf(firstTtc, clearanceCost), pedestrianCost);
                if (soFar > boundTotal && analyticOf(k, soFar) > boundAnalytic)
                {
                    return false;
                }
            }
        }

        final double lastS = lastSOf[k];
        final double lastD = lastDOf[k];
        afterHorizon[k] = afterHorizonCost(scene, set, future, base, halfLength, halfWidth);
        unfinishedPass[k] = w.unfinishedPass > 0 && Math.abs(lastD) - inLane > PASS_OUTSIDE_M ?
            unfinishedPassCost(scene, set, future, base, halfLength, halfWidth, lastS, lastD) : 0;
        collision[k] = collisionCost + afterHorizon[k] + unfinishedPass[k];
        firstCollisionStep[k] = firstCollision;
        minTtcS[k] = firstTtc;
        ttc[k] = ttcOf(firstTtc, clearanceCost);
        pedestrian[k] = pedestrianCost;
        total[k] = totalOf(k, collision[k], ttc[k], pedestrian[k]);
        analytic[k] = analyticOf(k, total[k]);
        complete[k] = true;
        return true;
    }

    private double ttcOf(final double firstTtc, final double clearanceCost)
    {
        return (firstTtc < w.ttcThresholdS ? w.ttc * (w.ttcThresholdS - firstTtc) : 0) + clearanceCost;
    }

    /** The total of candidate k with its own terms as scored and the given agent terms, summed in one order. */
    private double totalOf(final int k, final double collisionTerm, final double ttcTerm, final double pedestrianTerm)
    {
        return collisionTerm + ttcTerm + progress[k] + comfort[k] + lane[k] + redLight[k] + pedestrianTerm +
            consistency[k] + risk[k];
    }

    /** The analytic total of candidate k given its total: the scene rule's verdicts, no learned risk. */
    private double analyticOf(final int k, final double totalValue)
    {
        return totalValue - risk[k] + (ruleOutOfLaneWeight - outOfLaneWeight) * outsideSumOf[k] -
            w.progress * (ruleProgressMetresOf[k] - progressMetresOf[k]) +
            (ruleCorneredOf[k] == corneredOf[k] ? 0 : ruleCorneredOf[k] - corneredOf[k]);
    }

    private void leaveIncomplete(final int k)
    {
        complete[k] = false;
        collision[k] = Double.NaN;
        ttc[k] = Double.NaN;
        pedestrian[k] = Double.NaN;
        afterHorizon[k] = Double.NaN;
        unfinishedPass[k] = Double.NaN;
        minTtcS[k] = Double.NaN;
        firstCollisionStep[k] = -1;
        total[k] = Double.NaN;
        analytic[k] = Double.NaN;
    }


    /**
     * Whether an ego at rest with its front at route arc length {@code frontS}, its centre {@code d} off the route
     * and its heading {@code headingToRoute} from the route's, stands too close behind this tick's blocker to
     * steer round it without reversing: to get its side {@link #CORNERED_CLEARANCE_M} clear of the blocker's on
     * either side, turning at full lock (radius wheelbase / tan of the steering bound) from its heading, the ego
     * must move forward further than the gap to the blocker's rear allows, less {@link #CORNERED_SLACK_M}. The
     * arc is the rear axle's; the slack stands for the front corner's wider sweep.
     */
    private boolean cornered(final double frontS, final double d, final double headingToRoute, final double halfWidth)
    {
        final double gap = blockerRearS - frontS;
        if (gap < 0)
        {
            return false;
        }
        final double leftNeed = blockerD + blockerHalfWidth + CORNERED_CLEARANCE_M - (d - halfWidth);
        final double rightNeed = d + halfWidth - (blockerD - blockerHalfWidth - CORNERED_CLEARANCE_M);
        final double heading = Math.atan2(Math.sin(headingToRoute), Math.cos(headingToRoute));
        return gap < Math.min(mergeRoom(config, leftNeed, heading), mergeRoom(config, rightNeed, -heading));
    }

    /**
     * Whether an ego at rest with its front at route arc length {@code frontS}, its centre {@code d} off the route
     * and its heading {@code headingToRoute} from the route's, partly or wholly beside its lane on a side whose
     * room ends ahead ({@link SceneSnapshot#drivableLeftEndS}, {@link SceneSnapshot#drivableRightEndS}), stands
     * too close to that end to get its outer side inside its lane before it: turning at full lock from rest, the
     * ego must move forward further than the room left to the end, less {@link #CORNERED_SLACK_M}.
     */
    private boolean atRoomEnd(final SceneSnapshot scene, final double frontS, final double d,
        final double headingToRoute)
    {
        final double endS = roomEndS(scene, d);
        final double need = mergeNeed(scene, d);
        if (endS == Double.POSITIVE_INFINITY || need <= 0)
        {
            return false;
        }
        final double towardsLane = Math.atan2(Math.sin(headingToRoute), Math.cos(headingToRoute)) * (d < 0 ? 1 : -1);
        return endS - frontS < mergeRoom(config, need, towardsLane);
    }

    /** Where the room beside the ego lane ends on the side of {@code d} (positive infinity: it does not). */
    private static double roomEndS(final SceneSnapshot scene, final double d)
    {
        return d < 0 ? scene.drivableRightEndS : scene.drivableLeftEndS;
    }

    /** How far an ego centred {@code d} off the route must move towards it to have its outer side inside its lane. */
    static double mergeNeed(final SceneSnapshot scene, final double d)
    {
        return Math.abs(d) + 0.5 * scene.egoWidth - 0.5 * scene.laneWidth;
    }

    /**
     * The room ahead an ego at rest needs to move {@code need} metres sideways at full lock (radius wheelbase /
     * tan of the steering bound), starting at {@code heading} towards that side: the rear axle's forward run plus
     * {@link #CORNERED_SLACK_M} for the front corner's wider sweep.
     */
    static double mergeRoom(final PlannerConfig config, final double need, final double heading)
    {
        final double radius = config.wheelbaseM() / Math.tan(Math.max(Math.abs(config.steerMin()), config.steerMax()));
        return fullLockAdvance(need, heading, radius) + CORNERED_SLACK_M;
    }

    /**
     * How far forward a turn of {@code radius} towards one side, starting at {@code heading} (towards that side
     * positive), goes before it has moved {@code need} metres to that side: 0 when it need not move, and at most
     * the advance to a quarter turn (more than that is no longer forward).
     */
    static double fullLockAdvance(final double need, final double heading, final double radius)
    {
        if (need <= 0)
        {
            return 0;
        }
        final double sinStart = Math.sin(heading);
        final double cosEnd = Math.cos(heading) - need / radius;
        if (cosEnd <= 0)
        {
            return Math.max(0, radius * (1 - sinStart));
        }
        return Math.max(0, radius * (Math.sqrt(1 - cosEnd * cosEnd) - sinStart));
    }

    /**
     * Mean advance over the horizon of this tick's scored steps, doubled (equal to the end advance at constant
     * speed), counted up to the stop line and, inside the standoff, against the plan.
     */
    private double advance(final int base, final double egoS, final double lineS, final double standoffS)
    {
        double advance = 0;
        for (int h = 0; h < horizon; h++)
        {
            double reachable = Math.min(stepS[base + h], lineS);
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
                if (Footprints.overlap(ex + evx * t, ey + evy * t, eh, halfLength, halfWidth,
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
        // Past everything, the plan still has to steer back in before the oncoming lane's traffic arrives: such a
        // plan was free while one 0.1 m short of the room was charged, and the ego, which chose to end its pass
        // out of lane just past two parked cars, stood there when the car coming the other way reached it
        // (double-parked-10100-041).
        final boolean allPassed = first == passCount;
        // Only a pass under way: charging a plan from the ego's own lane kept the ego behind obstacles it passed
        // in time when replanning (double-parked-10100-005, -025, -029, narrow-street-10100-000, -002, -017).
        if (allPassed && !passUnderWay)
        {
            return 0;
        }
        if (!allPassed && passRear(scene, first, tEnd) - (lastS + halfLength) > PASS_BEGUN_WITHIN_M)
        {
            return 0;
        }
        final double slot = pullInSlotM(scene.egoLength);
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

        final RouteFrame route = scene.route;
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
            // Past everything, the return left is the part of the oncoming road user's way the plan still
            // covers: all of the return when it ends in the middle of that way, none when it ends clear of it.
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

    /**
     * Whether a road user ahead comes towards the ego in the lane at offset {@code d} from the route: a lane of
     * the other direction, not one of the ego's own.
     */
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

    /**
     * Whether the ego waits behind standing vehicle {@code n} with room to steer round it, whatever the verdict
     * on it says: the next stop line beyond it shows green, or nothing holds it where it stands (no stop line that
     * is not green within {@link #FIRST_AT_GREEN_M} beyond its front, and the nearest vehicle within
     * {@link SceneSnapshot#QUEUE_GAP_M} ahead of it in the lane, if any, standing and not held itself: the chain is
     * followed to its head). Two cars parked nose to tail 2.6 m apart were, for the rule, a queue of two; the ego
     * closed up to 4 m behind the rear one and stood there, with no room to steer round it, after both were judged
     * parked (double-parked-9500-004, -028). At green a standing queue starts within
     * seconds, and one that does not is held by something broken down; traffic closes up to the line or to the
     * car in front, so a car standing 21 m short of a red line with the road ahead empty is broken down or about
     * to move. Stopped a queue's 3 m behind either, the ego could never steer round once they were judged parked:
     * it cannot reverse (red-light-queue-8500-004, -8300-000: it arrived in the first seconds of green, when a
     * car standing before the line is taken for a slow starter).
     */
    static boolean waitWithRoom(final SceneSnapshot scene, final int n)
    {
        final double frontS = scene.agentS[n] + 0.5 * scene.agentLength[n];
        int next = -1;
        for (int i = 0; i < scene.lightCount; i++)
        {
            if (scene.lightStopS[i] >= frontS && (next < 0 || scene.lightStopS[i] < scene.lightStopS[next]))
            {
                next = i;
            }
        }
        if (next >= 0 && scene.lightState[next] == SceneCodes.LIGHT_GREEN)
        {
            return true;
        }
        for (int i = 0; i < scene.lightCount; i++)
        {
            final double beyond = scene.lightStopS[i] - frontS;
            if (beyond > -1 && beyond <= FIRST_AT_GREEN_M && scene.lightState[i] != SceneCodes.LIGHT_GREEN)
            {
                return false;
            }
        }
        // The nearest vehicle in the lane within QUEUE_GAP_M ahead: one moving holds this one; one standing holds
        // it only if it is held itself, so two cars parked nose to tail are waited behind with room as one is.
        int ahead = -1;
        double nearest = SceneSnapshot.QUEUE_GAP_M;
        for (int m = 0; m < scene.allAgents(); m++)
        {
            final double beyond = scene.agentS[m] - 0.5 * scene.agentLength[m] - frontS;
            if (m != n && !scene.isVulnerable(m) && beyond > 0 && beyond < nearest &&
                Math.abs(scene.agentD[m]) < 0.5 * scene.laneWidth)
            {
                ahead = m;
                nearest = beyond;
            }
        }
        if (ahead >= 0)
        {
            return scene.agentSpeed[ahead] < SceneSnapshot.STANDING_MPS && waitWithRoom(scene, ahead);
        }
        return true;
    }

    /**
     * Whether vehicle {@code n}, moving in the ego lane but slower than {@link #TAILING_SLOW_MPS}, has within
     * {@link SceneSnapshot#QUEUE_GAP_M} ahead of its front a vehicle standing in the lane that the ego would wait
     * behind with room (judged parked, or {@link #waitWithRoom}): it is about to pull out round that one, and may
     * stop half way. Followed at a queue's gap, the ego closed up to 2 m behind a car that had started round a
     * broken-down one at green and stopped across the centre line for the rest of the green; from there no path
     * led past either (red-light-queue-9400-019, -036).
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
