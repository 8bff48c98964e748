package io.wmrt.planner;

import io.wmrt.bus.SceneCodes;
import io.wmrt.model.ModelPackage;
import io.wmrt.sbe.SceneFrameDecoder;

import java.nio.FloatBuffer;

/**
 * The scene the planner works on, converted once per tick into the ego frame (ego at the origin facing +x,
 * y to the left), with the route as a {@link RouteFrame}. Arrays are sized at start.
 * <p>
 * Input is hostile. The planner checks a frame with {@link SceneLimits#frameFault} before it is loaded here,
 * and this class checks every agent as it copies it in. The policy:
 * <ul>
 *   <li>a bad agent (a value that is NaN, infinite or outside its physical range, or an unknown kind) is left
 *   out of this tick and counted ({@link #droppedAgents}); the others are planned with as usual, so one bad
 *   track neither blinds the planner nor stops the car;</li>
 *   <li>a bad ego state, agent count, route or traffic light rejects the whole frame, as does a timestamp
 *   that does not continue the timeline ({@link SceneTimeline}); the previous plan stays valid until it is
 *   older than the deadline, then the planner publishes a comfortable stop along it ({@code MINIMAL_RISK}),
 *   counting each reason;</li>
 *   <li>a frame with no route (count 0) is not bad: the planner drives along its heading instead.</li>
 * </ul>
 * No loop here runs longer than a capacity on any input; angles are wrapped in constant time.
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public final class SceneSnapshot
{
    public static final int MAX_AGENTS = 32;
    public static final int MAX_LIGHTS = 4;
    /** Below this speed a vehicle is standing. */
    public static final double STANDING_MPS = 0.5;
    /** A stop line this far beyond a standing vehicle's front makes it queued. */
    public static final double QUEUE_LOOKAHEAD_M = 40;
    /** Another vehicle this close ahead of a standing vehicle makes it queued. */
    public static final double QUEUE_GAP_M = 12;
    /** A standing vehicle the model gives less than this probability of moving within 30 s is parked. */
    public static final float PARKED_BELOW = 0.5f;
    /** How long after its light turns green a vehicle standing before the stop line is taken to be queued. */
    public static final long QUEUE_STARTING_NS = 10_000_000_000L;
    /**
     * A vehicle standing in the ego lane this long while nothing holds it is parked (broken down, or queued
     * behind one that is) whatever the model or the queue rule says. What holds a standing vehicle is a stop line
     * that does not show green within {@link #QUEUE_LOOKAHEAD_M} beyond its front, or a moving vehicle within
     * {@link #QUEUE_GAP_M} ahead of it, or a standing one there that is itself held ({@link #heldAhead}): a
     * queue at green starts within seconds (red-light-queue's slow start, 3-8 s), while two cars waiting 40 s
     * behind a broken-down one at a green light had kept the ego behind them for good (red-light-queue-8300-006),
     * and so had two cars parked nose to tail on a street without a light (narrow-street-8700-011, -014, -036,
     * -039). It stays parked through the red that follows for as long as it stands: taken for a queue again at
     * red, the car behind a broken-down one let the ego close up to 3 m, too close to steer round it at the next
     * green.
     */
    public static final long STANDING_UNHELD_NS = 15_000_000_000L;
    /** Frames further apart than this (or stamped back) start the count of {@link #STANDING_UNHELD_NS} again. */
    public static final long STANDING_SEEN_GAP_NS = 1_000_000_000L;
    /** Metres beyond the ego's front within which the end of the room beside its lane counts as reached. */
    public static final double ROOM_END_REACHED_M = 1.0;
    /**
     * An agent beyond the model's range is carried when within this many lane widths of the route's centre line
     * ...
     */
    public static final double CARRY_ALONG_ROUTE_LANES = 2.5;
    /** ... and heading along the route or against it, within about 45 degrees. */
    public static final double CARRY_ALONG_ROUTE_COS = 0.7;
    /**
     * A walker heading across the road (more than about 45 degrees off the route's direction, either way) is
     * given way to: see {@link #walkerYieldS}.
     */
    public static final double YIELD_ACROSS_COS = 0.7;
    /** How far before a line it must stop at the ego's plans stand, m (see the scorer's red-light rule). */
    public static final double STOP_LINE_MARGIN_M = 1.0;
    /** How fast the ego is taken to speed up when working out whether it is past before a walker comes, m/s². */
    public static final double YIELD_ACCEL_MPS2 = 1.5;
    /** How far the ego's rear must be past a walker's line before it comes, m. */
    public static final double YIELD_CLEAR_M = 1.0;
    /** ... and how long before, s. */
    public static final double YIELD_MARGIN_S = 0.5;
    /** The room a walker is given beside the ego's side, m: the zebra family's bar is 1 m. */
    public static final double YIELD_SIDE_M = 1.2;
    /** The ego gives way this far before the walker's line along the route, m (stop lines add their margin). */
    public static final double YIELD_BEFORE_M = 3.0;
    /** The deceleration (m/s²) the ego must be able to stop at for a walker not yet in its way. */
    public static final double YIELD_COMING_DECEL_MPS2 = 2.5;
    /** Walkers further ahead than this are not given way to yet, m. */
    public static final double YIELD_AHEAD_M = 50.0;
    /**
     * How far past the line it gives way at (or a red light's) the front of a standing ego may be and still be
     * held by it, m: the scorer holds such a line where the ego stands.
     */
    public static final double STOP_LINE_HELD_M = 1.0;
    /**
     * Walkers heading across within this distance of each other along the route are on one crossing (a zebra is
     * 3 to 5 m wide): while the ego gives way to one of them, it stands before the nearest of them all that is in
     * or coming into its way, so it does not creep up to a walker's line nearer than the one it waits for.
     */
    public static final double YIELD_CROSSING_M = 4.0;
    /**
     * An agent beyond the model's range behind the ego is carried when faster than this: the car coming up in the
     * lane a merge joins, which came into the model's range half-way through the merge (corridor-8800-001).
     */
    public static final double CARRY_BEHIND_MIN_MPS = 1.0;

    public long sequence;
    public long timestampNs;

    // Ego in the world frame, to convert the plan back.
    public double egoWorldX;
    public double egoWorldY;
    public double egoWorldHeading;
    public double egoSpeed;
    public double egoAccel;
    public double egoSteer;
    /**
     * The steering the lattice starts from: the frame's {@link #egoSteer}, unless the planner knows better (the
     * steering its previous plan has in force now, which the vehicle is executing).
     */
    public double steerNow;
    /**
     * For how much of a step {@link #steerNow} has been in force (1 without a previous plan): the lattice's first
     * step may change it by the steering's bound for that long, so a plan every half step does not turn the wheel
     * twice as fast as any one plan may.
     */
    public double steerHeldSteps = 1.0;
    public double egoLength;
    public double egoWidth;

    public double speedLimit;
    public double laneWidth;
    public double drivableLeft;
    public double drivableRight;
    /**
     * Route arc length past which the room counted in {@link #drivableLeft} ends and only the ego lane's half
     * width is drivable on the left; +infinity when the frame says it lasts the whole route (0 on the wire).
     */
    public double drivableLeftEndS = Double.POSITIVE_INFINITY;
    /** The same for {@link #drivableRight}: an acceleration lane's end, a lane on the right that ends. */
    public double drivableRightEndS = Double.POSITIVE_INFINITY;
    /**
     * Route arc length of the line the ego gives way at for a walker crossing ahead, +infinity when none: the
     * nearest of {@link #YIELD_BEFORE_M} before each walker ahead who heads across the road and either is in the
     * ego's way and will still be when the ego's front gets to it, or comes into the ego's way before the ego is
     * past: the ego's way is the strip along the route that the ego's width takes up in its lane (and at its own
     * offset, when it is beside its lane), widened by {@link #YIELD_SIDE_M} on each side; walkers keep their
     * velocity, the ego speeds up at {@link #YIELD_ACCEL_MPS2} from its speed now.
     * The scorer and the lattice treat it as a red light's stop line.
     */
    public double walkerYieldS = Double.POSITIVE_INFINITY;
    /** Ego's arc length on the route. */
    public double egoS;
    /** Ego's offset from the route centre line. */
    public double egoD;

    /** Agents the model sees: slots 0 .. agentCount - 1, within its range, in the frame's order. */
    public int agentCount;
    /**
     * Road users on the road along the route beyond the model's range that the frame still reports, in the
     * rollout slots the model's agents leave free: slots agentCount .. {@link #allAgents()} - 1. The model is
     * not shown them; the planner carries each along the route at its reported speed ({@link #carryInto}), so
     * that a car coming into a pass from farther than the model can see is still met in the plan.
     */
    public int carriedCount;
    public final int[] agentId = new int[MAX_AGENTS];
    public final byte[] agentKind = new byte[MAX_AGENTS];
    public final double[] agentX = new double[MAX_AGENTS];
    public final double[] agentY = new double[MAX_AGENTS];
    public final double[] agentHeading = new double[MAX_AGENTS];
    public final double[] agentSpeed = new double[MAX_AGENTS];
    public final double[] agentYawRate = new double[MAX_AGENTS];
    public final double[] agentLength = new double[MAX_AGENTS];
    public final double[] agentWidth = new double[MAX_AGENTS];
    /** Agent's arc length and offset on the route, for leader selection. */
    public final double[] agentS = new double[MAX_AGENTS];
    public final double[] agentD = new double[MAX_AGENTS];

    /**
     * Standing in the ego lane and not about to move: parked (or broken down), so it may be passed. A standing
     * vehicle that is not parked is queued: traffic, not an obstacle. The scene rule decides
     * ({@link #agentParkedByRule}) unless the model said which standing vehicles will move
     * ({@link #useLearnedMoves}).
     */
    public final boolean[] agentParked = new boolean[MAX_AGENTS];
    /**
     * The scene rule's verdict, kept when the model's replaces it: standing in the ego lane with neither a stop
     * line within {@link #QUEUE_LOOKAHEAD_M} nor another vehicle, or a walker or cyclist on the road, within
     * {@link #QUEUE_GAP_M} ahead of it, or
     * standing there unheld for {@link #STANDING_UNHELD_NS} (which the model's verdict keeps too).
     */
    public final boolean[] agentParkedByRule = new boolean[MAX_AGENTS];
    /** Carried agents coming up behind the ego, carried straight on rather than along the route. */
    private final boolean[] carriedStraight = new boolean[MAX_AGENTS];
    /** Frame indices of the agents beyond the model's range, this load. */
    private final int[] carriedFrom = new int[MAX_AGENTS];
    /**
     * The next light ahead turned green less than {@link #QUEUE_STARTING_NS} ago, having shown red or yellow in
     * an earlier frame: a vehicle standing before its stop line is queued whatever the model says, since a queue
     * takes seconds to start and its first car may be slow to (red-light-queue's slow start, 3-8 s). A car
     * still standing there after that is the model's to judge: a broken-down car may then be passed.
     */
    public boolean queueStarting;
    /** The frame time the next light ahead last showed red or yellow, if {@link #stopShown}. */
    private long stopShownNs;
    private boolean stopShown;
    /**
     * Per agent slot, this load: how long it has stood in the ego lane with nothing holding it ({@link
     * #heldAhead}) or with the next light beyond it green, ns (0 when it does not now). Counted from the first frame it was seen so by {@link #agentId}; a vehicle that
     * reached {@link #STANDING_UNHELD_NS} keeps counting at red while it stands.
     */
    public final long[] agentStandingUnheldNs = new long[MAX_AGENTS];
    /** The ids of the vehicles standing so, and since when (frame time): this load's and the last load's. */
    private int[] standingIds = new int[MAX_AGENTS];
    private long[] standingSince = new long[MAX_AGENTS];
    private int standingCount;
    private int[] lastStandingIds = new int[MAX_AGENTS];
    private long[] lastStandingSince = new long[MAX_AGENTS];
    private int lastStandingCount;
    private long lastLoadNs = Long.MIN_VALUE;
    /** Standing vehicles in the ego lane whose learned verdict differs from the rule's, this tick. */
    public int learnedOverrides;

    public int lightCount;
    /** Stop line arc length, relative to the route's first point. */
    public final double[] lightStopS = new double[MAX_LIGHTS];
    public final byte[] lightState = new byte[MAX_LIGHTS];

    /** Agents of the last frame loaded that failed their checks and were left out. */
    public int droppedAgents;
    /** Why the last agent dropped was dropped, or null when none was. */
    public SceneFault lastAgentFault;

    public final RouteFrame route = new RouteFrame();
    /**
     * False when the SceneFrame had no usable route (fewer than two distinct points) and {@link #route} is the
     * stand-in straight line ahead that the planner drives along instead.
     */
    public boolean routeGiven;

    /**
     * Copy a decoded SceneFrame in, converting to the ego frame. The frame must have passed
     * {@link SceneLimits#frameFault}; agents that fail {@link SceneLimits#agentFault} are left out and counted
     * in {@link #droppedAgents}.
     */
    public void load(final SceneFrameDecoder frame, final int maxAgents, final double agentRange)
    {
        sequence = frame.sequence();
        timestampNs = frame.timestampNs();
        egoWorldX = frame.egoX();
        egoWorldY = frame.egoY();
        egoWorldHeading = frame.egoHeading();
        egoSpeed = Math.max(0, frame.egoSpeed());
        egoAccel = frame.egoAccel();
        egoSteer = frame.egoSteer();
        steerNow = egoSteer;
        steerHeldSteps = 1.0;
        egoLength = frame.egoLength();
        egoWidth = frame.egoWidth();
        speedLimit = frame.speedLimit();
        laneWidth = frame.laneWidth();
        drivableLeft = frame.drivableLeft();
        drivableRight = frame.drivableRight();

        final double c = Math.cos(egoWorldHeading);
        final double s = Math.sin(egoWorldHeading);

        route.clear();
        final int points = clamp(frame.routePointCount(), RouteFrame.MAX_POINTS);
        for (int i = 0; i < points; i++)
        {
            final double dx = frame.routeX(i) - egoWorldX;
            final double dy = frame.routeY(i) - egoWorldY;
            route.add(c * dx + s * dy, -s * dx + c * dy);
        }
        routeGiven = route.usable();
        if (!routeGiven)
        {
            // No route: drive straight ahead along the current heading.
            route.clear();
            route.add(0, 0);
            route.add(100, 0);
        }
        route.project(0, 0);
        egoS = route.s;
        egoD = route.d;
        // An ego whose front is already within ROOM_END_REACHED_M of where the room beside its lane ends (or past
        // it) is committed to what it is doing there: the end binds the plans of an ego that can still stop short
        // of it. Standing angled at an acceleration lane's end, every merge would first take a corner further over
        // it, and the ego waited there while the traffic it blocked waited for it (corridor-8300-001).
        final double front = egoS + 0.5 * egoLength + ROOM_END_REACHED_M;
        // Without the frame's route the ends, arc lengths along it, say nothing about the stand-in line.
        drivableLeftEndS = routeGiven ? endAhead(frame.drivableLeftEndS(), front) : Double.POSITIVE_INFINITY;
        drivableRightEndS = routeGiven ? endAhead(frame.drivableRightEndS(), front) : Double.POSITIVE_INFINITY;

        lightCount = clamp(frame.lightCount(), MAX_LIGHTS);
        int nextLight = -1;
        for (int i = 0; i < lightCount; i++)
        {
            lightStopS[i] = frame.lightStopS(i);
            lightState[i] = frame.lightState(i);
            if (lightStopS[i] > egoS && (nextLight < 0 || lightStopS[i] < lightStopS[nextLight]))
            {
                nextLight = i;
            }
        }
        // How long the next light ahead has shown green (or nothing to stop for) since it last showed red or
        // yellow: a queue is still starting in the first seconds of green.
        if (nextLight >= 0 && isStopLight(nextLight))
        {
            stopShownNs = timestampNs;
            stopShown = true;
        }
        final long sinceStopNs = timestampNs - stopShownNs;
        queueStarting = nextLight >= 0 && !isStopLight(nextLight) && stopShown && sinceStopNs >= 0 &&
            sinceStopNs < QUEUE_STARTING_NS;

        // Agents beyond the model's range are not clamped onto the edge of its grid: the model is shown those
        // within it (as many as its slots hold), and of the rest, those along the route may be carried.
        final int offered = clamp(frame.agentCount(), MAX_AGENTS);
        final int capacity = Math.min(maxAgents, MAX_AGENTS);
        agentCount = 0;
        int beyond = 0;
        droppedAgents = 0;
        lastAgentFault = null;
        for (int j = 0; j < offered; j++)
        {
            final SceneFault fault = SceneLimits.agentFault(frame, j);
            if (null != fault)
            {
                droppedAgents++;
                lastAgentFault = fault;
                continue;
            }
            final double dx = frame.agentX(j) - egoWorldX;
            final double dy = frame.agentY(j) - egoWorldY;
            final double localX = c * dx + s * dy;
            final double localY = -s * dx + c * dy;
            // The model is shown what it was trained on: agents within its range of the ego, a circle (the scene
            // its data was recorded from), though its grid reaches the square's corners.
            if (localX * localX + localY * localY > agentRange * agentRange || agentCount == capacity)
            {
                carriedFrom[beyond++] = j;
                continue;
            }
            copyAgent(frame, j, agentCount++, localX, localY);
        }
        // Of those beyond, the road users on the road along the route are carried (a car coming the other way
        // into a pass); others, cross traffic the carrying would drive through its red light, stay out.
        carriedCount = 0;
        for (int k = 0; k < beyond && agentCount + carriedCount < capacity; k++)
        {
            final int j = carriedFrom[k];
            final double dx = frame.agentX(j) - egoWorldX;
            final double dy = frame.agentY(j) - egoWorldY;
            final int i = agentCount + carriedCount;
            copyAgent(frame, j, i, c * dx + s * dy, -s * dx + c * dy);
            route.pointAt(agentS[i], 0);
            carriedStraight[i] = false;
            if (agentS[i] >= 0 && Math.abs(agentD[i]) < CARRY_ALONG_ROUTE_LANES * laneWidth &&
                Math.abs(Math.cos(agentHeading[i] - route.heading)) > CARRY_ALONG_ROUTE_COS)
            {
                carriedCount++;
            }
            else if (agentS[i] < 0 && comingUpBehind(i))
            {
                carriedStraight[i] = true;
                carriedCount++;
            }
        }

        walkerYieldS = walkerYield();
        trackStandingUnheld();
        for (int i = 0; i < allAgents(); i++)
        {
            agentParkedByRule[i] = isStandingInLane(i) &&
                (!queuedAhead(agentS[i] + 0.5 * agentLength[i]) || standingUnheld(i));
            agentParked[i] = agentParkedByRule[i];
        }
        learnedOverrides = 0;
    }

    /**
     * Fills {@link #agentStandingUnheldNs}: the vehicles standing in the ego lane with the next light beyond them
     * green, or with nothing holding them ({@link #heldAhead}), keep the time they were first seen so, by id, from the last load; a frame stamped earlier than the
     * last (a producer that restarted its clock) or more than {@link #STANDING_SEEN_GAP_NS} after it starts the
     * count again.
     */
    private void trackStandingUnheld()
    {
        final int[] ids = lastStandingIds;
        final long[] since = lastStandingSince;
        lastStandingIds = standingIds;
        lastStandingSince = standingSince;
        // Standing is counted over frames seen at most STANDING_SEEN_GAP_NS apart: across a gap nobody saw it stand.
        final long sinceLast = timestampNs - lastLoadNs;
        lastStandingCount = timestampNs >= lastLoadNs && sinceLast >= 0 && sinceLast <= STANDING_SEEN_GAP_NS ?
            standingCount : 0;
        standingIds = ids;
        standingSince = since;
        standingCount = 0;
        lastLoadNs = timestampNs;
        for (int i = 0; i < allAgents(); i++)
        {
            agentStandingUnheldNs[i] = 0;
            if (!isStandingInLane(i))
            {
                continue;
            }
            long from = Long.MIN_VALUE;
            for (int n = 0; n < lastStandingCount; n++)
            {
                if (lastStandingIds[n] == agentId[i])
                {
                    from = lastStandingSince[n];
                    break;
                }
            }
            final double frontS = agentS[i] + 0.5 * agentLength[i];
            if (!greenBeyond(frontS) && heldAhead(frontS))
            {
                // Held by a light that is not green, or by traffic ahead, a standing car queues, unless it stood
                // unheld for long before: that one is broken down, and stays so for as long as it stands.
                if (Long.MIN_VALUE == from || timestampNs - from < STANDING_UNHELD_NS)
                {
                    continue;
                }
            }
            else if (Long.MIN_VALUE == from)
            {
                from = timestampNs;
            }
            standingIds[standingCount] = agentId[i];
            standingSince[standingCount++] = from;
            agentStandingUnheldNs[i] = timestampNs - from;
        }
    }

    /** Whether agent i has stood in the ego lane unheld for {@link #STANDING_UNHELD_NS} or more. */
    public boolean standingUnheld(final int agent)
    {
        return agentStandingUnheldNs[agent] >= STANDING_UNHELD_NS;
    }

    /**
     * Whether something holds a vehicle standing with its front at {@code frontS}: a stop line that does not show
     * green within {@link #QUEUE_LOOKAHEAD_M} beyond it, a moving vehicle within {@link #QUEUE_GAP_M} ahead in
     * the lane, or a standing one there that is itself held; or a walker or cyclist on the road within
     * {@link #QUEUE_GAP_M} ahead (a car waiting at a zebra). The chain ends within {@link #allAgents} steps.
     */
    private boolean heldAhead(final double frontS)
    {
        double front = frontS;
        for (int step = 0; step <= allAgents(); step++)
        {
            for (int i = 0; i < lightCount; i++)
            {
                final double beyond = lightStopS[i] - front;
                if (beyond > -1 && beyond < QUEUE_LOOKAHEAD_M && lightState[i] != SceneCodes.LIGHT_GREEN)
                {
                    return true;
                }
            }
            if (walkerOnRoadAhead(front))
            {
                return true;
            }
            int next = -1;
            double nearest = QUEUE_GAP_M;
            for (int n = 0; n < allAgents(); n++)
            {
                final double beyond = agentS[n] - 0.5 * agentLength[n] - front;
                if (!isVulnerable(n) && beyond > 0 && beyond < nearest && Math.abs(agentD[n]) < 0.5 * laneWidth)
                {
                    next = n;
                    nearest = beyond;
                }
            }
            if (next < 0)
            {
                return false;
            }
            if (agentSpeed[next] >= STANDING_MPS)
            {
                return true;
            }
            front = agentS[next] + 0.5 * agentLength[next];
        }
        return true;
    }

    /** Whether the nearest stop line beyond {@code frontS} (at most 1 m behind it) has a green light. */
    private boolean greenBeyond(final double frontS)
    {
        int nearest = -1;
        for (int i = 0; i < lightCount; i++)
        {
            if (lightStopS[i] - frontS > -1 && (nearest < 0 || lightStopS[i] < lightStopS[nearest]))
            {
                nearest = i;
            }
        }
        return nearest >= 0 && lightState[nearest] == SceneCodes.LIGHT_GREEN;
    }

    /** Every agent the planner plans with: those the model sees, then those carried. */
    public int allAgents()
    {
        return agentCount + carriedCount;
    }

    private void copyAgent(final SceneFrameDecoder frame, final int j, final int i, final double localX,
        final double localY)
    {
        agentId[i] = frame.agentId(j);
        agentKind[i] = frame.agentKind(j);
        agentX[i] = localX;
        agentY[i] = localY;
        agentHeading[i] = wrap(frame.agentHeading(j) - egoWorldHeading);
        agentSpeed[i] = frame.agentSpeed(j);
        agentYawRate[i] = frame.agentYawRate(j);
        agentLength[i] = frame.agentLength(j);
        agentWidth[i] = frame.agentWidth(j);
        route.project(localX, localY);
        agentS[i] = route.s;
        agentD[i] = route.d;
    }

    /**
     * Write the carried agents' futures into the rollout's agent_future, which leaves their slots to the planner,
     * for candidates 0 .. count - 1 (the same future for all: the model is not asked how they answer the ego).
     * Each keeps its offset from the route's centre line and its speed along the route, so that a car coming
     * round a bend stays in its lane.
     *
     * @param future the rollout's agent_future, [K, horizon, maxAgents, 3] of (x, y, heading) in the ego frame.
     */
    public void carryInto(final FloatBuffer future, final int count, final int horizon, final int maxAgents,
        final double dt)
    {
        for (int n = agentCount; n < allAgents(); n++)
        {
            if (carriedStraight[n])
            {
                carryStraight(future, count, horizon, maxAgents, dt, n);
                continue;
            }
            route.pointAt(agentS[n], 0);
            final double along = Math.cos(agentHeading[n] - route.heading);
            final double vs = agentSpeed[n] * along;
            for (int h = 0; h < horizon; h++)
            {
                route.pointAt(agentS[n] + vs * (h + 1) * dt, agentD[n]);
                final float x = (float)route.px;
                final float y = (float)route.py;
                final float heading = (float)wrap(along < 0 ? route.heading + Math.PI : route.heading);
                for (int k = 0; k < count; k++)
                {
                    final int at = ((k * horizon + h) * maxAgents + n) * 3;
                    future.put(at, x);
                    future.put(at + 1, y);
                    future.put(at + 2, heading);
                }
            }
        }
    }

    /**
     * Whether carried agent {@code i}, behind the route's start, is coming up behind the ego: moving, heading the
     * ego's way (within about 45 degrees) and towards it, on a line that passes within
     * {@link #CARRY_ALONG_ROUTE_LANES} lane widths of it. Behind the ego the route gives no lane to carry it
     * along (its first segment, extended back, may be a junction's slant), so it is carried straight on.
     */
    private boolean comingUpBehind(final int i)
    {
        final double cos = Math.cos(agentHeading[i]);
        final double sin = Math.sin(agentHeading[i]);
        final double ahead = -agentX[i] * cos - agentY[i] * sin;
        final double beside = Math.abs(agentX[i] * sin - agentY[i] * cos);
        return agentSpeed[i] > CARRY_BEHIND_MIN_MPS && cos > CARRY_ALONG_ROUTE_COS && ahead > 0 &&
            beside < CARRY_ALONG_ROUTE_LANES * laneWidth;
    }

    private void carryStraight(final FloatBuffer future, final int count, final int horizon, final int maxAgents,
        final double dt, final int n)
    {
        final double vx = agentSpeed[n] * Math.cos(agentHeading[n]);
        final double vy = agentSpeed[n] * Math.sin(agentHeading[n]);
        for (int h = 0; h < horizon; h++)
        {
            final float x = (float)(agentX[n] + vx * (h + 1) * dt);
            final float y = (float)(agentY[n] + vy * (h + 1) * dt);
            for (int k = 0; k < count; k++)
            {
                final int at = ((k * horizon + h) * maxAgents + n) * 3;
                future.put(at, x);
                future.put(at + 1, y);
                future.put(at + 2, (float)agentHeading[n]);
            }
        }
    }

    /**
     * Let the model decide which standing vehicles in the ego lane are parked: those it gives less than
     * {@link #PARKED_BELOW} probability of moving within 30 s. A value that is not a number counts as
     * moving (a model that cannot say does not license an overtake). Call after {@link #load}, once the encoder
     * has run; counts the vehicles whose verdict changed in {@link #learnedOverrides}.
     *
     * @param moves the encoder's {@code agent_moves} tensor, [1, N], slots in this scene's agent order.
     */
    public void useLearnedMoves(final FloatBuffer moves)
    {
        int overrides = 0;
        for (int i = 0; i < agentCount; i++)
        {
            final float p = moves.get(i);
            agentParked[i] = isStandingInLane(i) && (standingUnheld(i) || p < PARKED_BELOW &&
                !(queueStarting && stopLineWithin(agentS[i] + 0.5 * agentLength[i])));
            if (agentParked[i] != agentParkedByRule[i])
            {
                overrides++;
            }
        }
        learnedOverrides = overrides;
    }

    /**
     * Write the agents into the encoder's input tensor, [1, N, 8]: x, y, heading, speed, yaw rate, length,
     * width, valid. Empty slots are zero.
     */
    public void packAgents(final FloatBuffer agents, final int maxAgents)
    {
        final int f = ModelPackage.AGENT_FEATURES;
        for (int i = 0; i < maxAgents; i++)
        {
            final int base = i * f;
            if (i < agentCount)
            {
                agents.put(base, (float)agentX[i]);
                agents.put(base + 1, (float)agentY[i]);
                agents.put(base + 2, (float)agentHeading[i]);
                agents.put(base + 3, (float)agentSpeed[i]);
                agents.put(base + 4, (float)agentYawRate[i]);
                agents.put(base + 5, (float)agentLength[i]);
                agents.put(base + 6, (float)agentWidth[i]);
                agents.put(base + 7, 1.0f);
            }
            else
            {
                for (int j = 0; j < f; j++)
                {
                    agents.put(base + j, 0.0f);
                }
            }
        }
    }

    /**
     * Write the ego into the encoder's optional ego input, [1, 8]: speed, acceleration, steering, length, width,
     * speed limit, lane width, 1.0.
     */
    public void packEgo(final FloatBuffer ego)
    {
        ego.put(0, (float)egoSpeed);
        ego.put(1, (float)egoAccel);
        ego.put(2, (float)egoSteer);
        ego.put(3, (float)egoLength);
        ego.put(4, (float)egoWidth);
        ego.put(5, (float)speedLimit);
        ego.put(6, (float)laneWidth);
        ego.put(7, 1.0f);
    }

    /**
     * Write the route the planner scores against into the encoder's optional route input, [1, 64, 3]: x, y in
     * the ego frame and valid, for each of its points in order, then zero rows. A stand-in route (the frame
     * gave none) is not the model's to see: every row is zero then.
     */
    public void packRoute(final FloatBuffer out)
    {
        final int f = ModelPackage.ROUTE_FEATURES;
        final int points = routeGiven ? Math.min(route.count(), ModelPackage.ROUTE_POINTS) : 0;
        for (int i = 0; i < ModelPackage.ROUTE_POINTS; i++)
        {
            final int base = i * f;
            if (i < points)
            {
                out.put(base, (float)route.x(i));
                out.put(base + 1, (float)route.y(i));
                out.put(base + 2, 1.0f);
            }
            else
            {
                out.put(base, 0.0f);
                out.put(base + 1, 0.0f);
                out.put(base + 2, 0.0f);
            }
        }
    }

    /**
     * Write the lights into the encoder's optional lights input, [1, 4, 3]: stop line arc length from the
     * route's first point, 1.0 when red or yellow (else 0.0), and valid; rows past the light count are zero.
     */
    public void packLights(final FloatBuffer out)
    {
        final int f = ModelPackage.LIGHT_FEATURES;
        for (int i = 0; i < ModelPackage.LIGHT_SLOTS; i++)
        {
            final int base = i * f;
            if (i < lightCount)
            {
                out.put(base, (float)lightStopS[i]);
                out.put(base + 1, isStopLight(i) ? 1.0f : 0.0f);
                out.put(base + 2, 1.0f);
            }
            else
            {
                out.put(base, 0.0f);
                out.put(base + 1, 0.0f);
                out.put(base + 2, 0.0f);
            }
        }
    }

    public boolean isVulnerable(final int agent)
    {
        return agentKind[agent] == SceneCodes.PEDESTRIAN || agentKind[agent] == SceneCodes.CYCLIST;
    }

    /**
     * @return true when the light is red or yellow.
     */
    public boolean isStopLight(final int light)
    {
        return lightState[light] == SceneCodes.LIGHT_RED || lightState[light] == SceneCodes.LIGHT_YELLOW;
    }

    /**
     * Whether anyone on the road ahead (a vehicle or a cyclist) is coming the other way: faster than
     * {@code minSpeed} towards the ego along the route where it is. Moves the route's projection.
     */
    public boolean oncomingAhead(final double minSpeed)
    {
        for (int n = 0; n < allAgents(); n++)
        {
            if (agentKind[n] == SceneCodes.PEDESTRIAN || agentS[n] <= egoS)
            {
                continue;
            }
            route.pointAt(agentS[n], 0);
            if (agentSpeed[n] * Math.cos(agentHeading[n] - route.heading) < -minSpeed)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @return true for a vehicle (not a person) standing inside the ego lane.
     */
    public boolean isStandingInLane(final int agent)
    {
        return !isVulnerable(agent) && agentSpeed[agent] < STANDING_MPS && Math.abs(agentD[agent]) < 0.5 * laneWidth;
    }

    private boolean queuedAhead(final double frontS)
    {
        if (stopLineWithin(frontS) || walkerOnRoadAhead(frontS))
        {
            return true;
        }
        for (int n = 0; n < allAgents(); n++)
        {
            final double beyond = agentS[n] - 0.5 * agentLength[n] - frontS;
            if (!isVulnerable(n) && beyond > 0 && beyond < QUEUE_GAP_M && Math.abs(agentD[n]) < 0.5 * laneWidth)
            {
                return true;
            }
        }
        return false;
    }

    /** The {@link #walkerYieldS} of this scene. Moves the route's projection. */
    double walkerYield()
    {
        final double frontS = egoS + 0.5 * egoLength;
        final double side = 0.5 * egoWidth + YIELD_SIDE_M;
        final double low = Math.min(0, egoD) - side;
        final double high = Math.max(0, egoD) + side;
        double nearest = Double.POSITIVE_INFINITY;
        for (int n = 0; n < allAgents(); n++)
        {
            final double v = agentSpeed[n];
            final double ahead = agentS[n] - frontS;
            if (agentKind[n] != SceneCodes.PEDESTRIAN || !(v >= STANDING_MPS) || !(ahead > 0) ||
                ahead > YIELD_AHEAD_M)
            {
                continue;
            }
            route.pointAt(agentS[n], 0);
            final double relative = wrap(agentHeading[n] - route.heading);
            if (!(Math.abs(Math.cos(relative)) < YIELD_ACROSS_COS))
            {
                continue;
            }
            final double sideways = v * Math.sin(relative);
            final double d = agentD[n];
            final double line = agentS[n] - YIELD_BEFORE_M;
            if (d >= low && d <= high)
            {
                // In the ego's way: given way to unless it is out of it by the time the ego's front gets there.
                final double toLeave = sideways < 0 ? (d - low) / -sideways : (high - d) / sideways;
                if (toLeave > yieldArrival(ahead))
                {
                    nearest = Math.min(nearest, line);
                }
                continue;
            }
            // Coming into the ego's way: given way to unless the ego is past, a car's length clear, with a margin,
            // before it comes; and only where the ego can stop for it comfortably where the scorer has it stand, a
            // margin before the line (a walker still on the kerb is not braked hard for).
            final double toWay = d > high ? (d - high) / -sideways : (low - d) / sideways;
            if (toWay > 0 && toWay < yieldArrival(ahead + egoLength + YIELD_CLEAR_M) + YIELD_MARGIN_S &&
                canStandFor(line, frontS))
            {
                nearest = Math.min(nearest, line);
            }
        }
        return nearest == Double.POSITIVE_INFINITY ? nearest : crossingYield(nearest, frontS, low, high);
    }

    /**
     * Whether the ego can give way at {@code line} to a walker not yet in its way: it can stop a margin before it
     * at {@link #YIELD_COMING_DECEL_MPS2}, or it stands already no further past it than the scorer holds. An ego
     * standing with its nose just past a walker's line had been let creep on as he came (zebra-9900-015).
     */
    private boolean canStandFor(final double line, final double frontS)
    {
        return (line - STOP_LINE_MARGIN_M - frontS) * 2 * YIELD_COMING_DECEL_MPS2 >= egoSpeed * egoSpeed ||
            egoSpeed < STANDING_MPS && line - frontS > -STOP_LINE_HELD_M;
    }

    /**
     * The line given way at, moved back to the nearest walker on the same crossing ({@link #YIELD_CROSSING_M}) who
     * heads across and is in the ego's way or coming into it, where the ego can still stand for him. Giving way to
     * walkers on the far side of a zebra, the ego had crept up to their line and stood with its nose a metre from
     * the line of walkers coming on the near side (zebra-9900-017, -034 at 0.80 m).
     */
    private double crossingYield(final double line, final double frontS, final double low, final double high)
    {
        double crossingS = line + YIELD_BEFORE_M;
        boolean moved = true;
        while (moved)
        {
            moved = false;
            for (int n = 0; n < allAgents(); n++)
            {
                final double v = agentSpeed[n];
                final double s = agentS[n];
                if (agentKind[n] != SceneCodes.PEDESTRIAN || !(v >= STANDING_MPS) || !(s < crossingS) ||
                    !(s >= crossingS - YIELD_CROSSING_M) || !(s > frontS))
                {
                    continue;
                }
                route.pointAt(s, 0);
                final double relative = wrap(agentHeading[n] - route.heading);
                if (!(Math.abs(Math.cos(relative)) < YIELD_ACROSS_COS))
                {
                    continue;
                }
                final double sideways = v * Math.sin(relative);
                final double d = agentD[n];
                final boolean inOrComing = d >= low && d <= high || d > high && sideways < 0 || d < low && sideways > 0;
                if (inOrComing && canStandFor(s - YIELD_BEFORE_M, frontS))
                {
                    crossingS = s;
                    moved = true;
                }
            }
        }
        return crossingS - YIELD_BEFORE_M;
    }

    /**
     * Seconds the ego takes to cover {@code metres} from its speed now, speeding up at {@link #YIELD_ACCEL_MPS2}
     * to the speed limit (or its speed, if faster).
     */
    private double yieldArrival(final double metres)
    {
        final double v = egoSpeed;
        final double top = Math.max(v, speedLimit);
        final double speedingUp = (top * top - v * v) / (2 * YIELD_ACCEL_MPS2);
        if (metres <= speedingUp || !(top > 0))
        {
            return (Math.sqrt(v * v + 2 * YIELD_ACCEL_MPS2 * metres) - v) / YIELD_ACCEL_MPS2;
        }
        return (top - v) / YIELD_ACCEL_MPS2 + (metres - speedingUp) / top;
    }

    /**
     * Whether a walker or cyclist is on the road (between the ego lane's right edge and the far edge of the lane
     * beside it) within {@link #QUEUE_GAP_M} beyond {@code frontS}: a vehicle standing behind one waits for it.
     */
    private boolean walkerOnRoadAhead(final double frontS)
    {
        for (int n = 0; n < allAgents(); n++)
        {
            final double beyond = agentS[n] - frontS;
            if (isVulnerable(n) && beyond > 0 && beyond < QUEUE_GAP_M && agentD[n] > -0.5 * laneWidth &&
                agentD[n] < 1.5 * laneWidth)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether a stop line, whatever its light shows, lies within {@link #QUEUE_LOOKAHEAD_M} beyond frontS. */
    private boolean stopLineWithin(final double frontS)
    {
        for (int i = 0; i < lightCount; i++)
        {
            final double beyond = lightStopS[i] - frontS;
            if (beyond > -1 && beyond < QUEUE_LOOKAHEAD_M)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The angle in [-pi, pi], in constant time for any input (NaN and infinities give NaN).
     */
    static double wrap(final double angle)
    {
        return Math.IEEEremainder(angle, 2 * Math.PI);
    }

    /** A frame's end of drivable room beyond {@code front}; 0 (the room lasts the whole route) or one already
     * reached as +infinity. */
    private static double endAhead(final float endS, final double front)
    {
        return endS > 0 && endS > front ? endS : Double.POSITIVE_INFINITY;
    }

    private static int clamp(final int count, final int max)
    {
        return Math.max(0, Math.min(count, max));
    }
}
