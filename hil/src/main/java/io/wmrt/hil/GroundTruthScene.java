package io.wmrt.hil;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.traci.NextTrafficLight;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.sbe.SceneFrameEncoder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders SUMO's ground truth around one ego vehicle into the runtime's SceneFrame, in the runtime's
 * conventions: world metres, headings in radians counter-clockwise from +x, positions of footprint
 * centres (SUMO reports a vehicle's front bumper centre; the centre is that point moved back by half
 * the length along the heading).
 *
 * <p>What one {@link #fill(SceneFrameEncoder)} writes:
 * <ul>
 *   <li>sequence (counts frames from 1) and timestamp (SUMO time in ns);</li>
 *   <li>ego centre, heading, speed, acceleration, steer 0, length, width; speed limit = the posted
 *       limit of the ego's lane (not SUMO's per-driver speed factor, which the planner must not inherit);
 *       lane width of the ego lane;</li>
 *   <li>drivable area: {@code laneWidth * (lanes + 0.5)} on each side, counting the lanes of the ego's
 *       edge to its left and right and excluding sidewalks (lanes that allow only pedestrians), plus,
 *       given a {@link RoadNetwork}, the car lanes of the edge running the other way on a two-way street
 *       (room to pass on the left); on a junction's internal lane the edge the ego came from is used;
 *       where a following route edge leaves less room on a side, its lanes and the route's sideways shift
 *       onto it counted (an acceleration lane or a lane that ends), that side's end is the route arc length
 *       where the edge before it ends (where the route shifts sideways across the junction between them,
 *       where that edge's lane starts), else 0;</li>
 *   <li>agents: every other vehicle and every person whose centre is within the range of the ego
 *       centre, nearest first, at most 32; yaw rate 0; ids are small ints kept stable per SUMO id for
 *       the life of this object (vehicles and persons have separate id spaces in SUMO, so they are
 *       keyed separately); a person's SUMO position is taken as its centre;</li>
 *   <li>route: centre line of the ego's lane from the ego centre onwards, continued along the route's
 *       following edges on the lane the network's connections lead to (given a {@link RoadNetwork};
 *       where the ego's lane ends before the next route edge, as an acceleration lane does, the route
 *       starts in the nearest lane that continues), else on the same lane index clamped
 *       to each edge's lanes, junctions bridged by the
 *       straight chord between consecutive lane shapes (not SUMO's internal lane shape); cut at
 *       {@link #ROUTE_LENGTH_METRES} and resampled evenly to at most 64 points at least 1 m apart;</li>
 *   <li>lights: the ego's next traffic lights (at most 4), stop line arc length = arc length along the
 *       route from its first point to the projection of the ego's front bumper plus the distance SUMO
 *       reports (which SUMO measures from the front bumper); 'r'/'R' red, 'y'/'Y' yellow, 'g'/'G'
 *       green, any other state unknown.</li>
 * </ul>
 * Lane shapes, widths, lengths and lane counts are cached: they do not change during a simulation.
 *
 * <p>Not thread safe: use from the thread that owns the {@link TraciConnection}.
 */
public final class GroundTruthScene
{
    public static final int MAX_AGENTS = 32;
    public static final int MAX_ROUTE_POINTS = 64;
    public static final int MAX_LIGHTS = 4;
    /** How far the next edge's lane may start from where the route so far ends and still be the one it goes on in. */
    private static final double ROUTE_CONTINUITY_METRES = 1.0;
    /** Length of the route centre line written, from its first point, when the route is that long. */
    public static final double ROUTE_LENGTH_METRES = 160.0;
    public static final double MIN_ROUTE_SPACING_METRES = 1.0;
    /** A room end is written at least this far along the route (0 on the wire means it does not end). */
    private static final double MIN_ROOM_END_METRES = 0.1;
    /** Room on a side that shrinks by no more than this where edges meet does not end there. */
    private static final double ROOM_TOLERANCE_METRES = 0.5;
    /**
     * A lower speed limit is written from where a driver at the ego's speed would start slowing for its sign at
     * {@link #SIGN_DECEL_MPS2}, {@link #SIGN_MARGIN_METRES} early, and at most {@link #SIGN_SIGHT_METRES} before
     * the edge it starts on: with only the limit in force the planner learned of a drop from 77 to 30 km/h where
     * a merge section meets a narrow street when it got there, at 19.5 m/s, and braked at 5.3 m/s²
     * (corridor-9300-003). Not from the sign's full sight distance: 100 m after a merge, the ego would have
     * slowed on the acceleration lane it must leave at the traffic's speed. A higher limit counts from where it
     * starts.
     */
    static final double SIGN_SIGHT_METRES = 100.0;
    static final double SIGN_DECEL_MPS2 = 2.5;
    static final double SIGN_MARGIN_METRES = 10.0;

    /** The ego's acceleration to report instead of SUMO's, or NaN for SUMO's. */
    private double egoAccelMps2 = Double.NaN;
    private double egoSpeedMps = Double.NaN;
    private double egoCentreX = Double.NaN;
    private double egoCentreY = Double.NaN;
    private double egoHeading = Double.NaN;

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double SAME_POINT_METRES = 1e-6;

    private final TraciConnection traci;
    private final String egoId;
    private final double rangeMetres;

    private final Map<String, Integer> vehicleAgentIds = new HashMap<>();
    private final Map<String, Integer> personAgentIds = new HashMap<>();
    private int nextAgentId = 1;
    private long sequence;

    private final Map<String, List<Position2D>> laneShapes = new HashMap<>();
    private final Map<String, Double> laneWidths = new HashMap<>();
    private final Map<String, Double> laneLengths = new HashMap<>();
    private final Map<String, Boolean> sidewalks = new HashMap<>();
    private final Map<String, Integer> edgeLaneCounts = new HashMap<>();
    private final Map<String, Double> laneSpeeds = new HashMap<>();

    /** Edge and lane index of the ego's last normal (non-internal) lane, used on junctions. */
    private String lastNormalEdge;
    private int lastNormalLaneIndex;

    private final List<Position2D> route = new ArrayList<>();

    /**
     * How far past its stop line the ego's front may be and still be shown the light it reached: a stop that
     * overshot the line by less than this has not entered the junction.
     */
    static final double LIGHT_KEPT_PAST_LINE_METRES = 2.0;
    /** A light SUMO stops listing while its line is still this close ahead is kept too. */
    private static final double LIGHT_KEPT_BEFORE_LINE_METRES = 5.0;
    private static final double LIGHT_LINE_ON_ROUTE_METRES = 1.0;
    /** The first light listed in the last scene, its link and its stop line (null: none to keep). */
    private String lightStoodAt;
    private int linkStoodAt;
    private Position2D lineStoodAt;
    private RoadNetwork network;
    /** Lanes beside the ego lane on each side in the last frame (drivableLeft / drivableRight in lanes). */
    private double roomLeft;
    private double roomRight;
    /** Route arc length where that room ends on each side, 0 when it lasts the route (drivable*EndS). */
    private double leftEndS;
    private double rightEndS;
    /** The lowest limit of the route's edges whose sign the ego is slowing for (SIGN_*), m/s (+inf: none). */
    private double limitInSight;
    /** The ego speed written in the frame being filled. */
    private double speedNow;
    /** The edge whose lower limit the last frame wrote before the ego got there (null: none). */
    private String slowingFor;

    /**
     * @param traci       connection to the running SUMO
     * @param egoId       SUMO id of the ego vehicle
     * @param rangeMetres agents whose centre is farther than this from the ego centre are left out
     */
    public GroundTruthScene(TraciConnection traci, String egoId, double rangeMetres)
    {
        if (!(rangeMetres > 0.0))
        {
            throw new IllegalArgumentException("range must be positive: " + rangeMetres);
        }
        this.traci = traci;
        this.egoId = egoId;
        this.rangeMetres = rangeMetres;
    }

    /**
     * The SUMO id of the ego's stand-in in the opposite lane (the rig's {@code OppositeLaneStandIn}): a vehicle
     * the oncoming drivers see, never a road user of the scene, the metrics or a recording.
     */
    public static String standInId(String egoId)
    {
        return egoId + "~opposite";
    }

    /** True for the ego and its stand-in: SUMO vehicles that are not other road users. */
    public static boolean isEgoOrStandIn(String vehicleId, String egoId)
    {
        return vehicleId.equals(egoId) || vehicleId.equals(standInId(egoId));
    }

    /** Counts the opposite direction of two-way streets as drivable, from this network. */
    public GroundTruthScene network(RoadNetwork network)
    {
        this.network = network;
        return this;
    }

    /**
     * Reports {@code speed} and {@code accel} as the ego's in the next scenes instead of SUMO's. The rig passes its
     * vehicle model's, which moves the ego: SUMO derives a TraCI-moved vehicle's acceleration from its speed across
     * the move, which spikes past any car's (over 20 m/s², which the runtime rightly refuses) where a lane ends
     * under the ego, and there it also reports the moved vehicle's speed as 0 for a step, which the planner would
     * plan from (and brake hard for).
     */
    public void egoMotion(final double speed, final double accel)
    {
        egoSpeedMps = speed;
        egoAccelMps2 = accel;
    }

    /**
     * Reports this footprint centre and heading as the ego's in the next scenes instead of SUMO's. The rig moves the
     * ego to a point SUMO takes for its front that is not the front when the ego is turned across its lane
     * ({@code EgoPlacement}), so the pose it moved it to is the ego's.
     */
    public void egoPose(final double centreX, final double centreY, final double heading)
    {
        egoCentreX = centreX;
        egoCentreY = centreY;
        egoHeading = heading;
    }

    /**
     * Writes the current simulation state into {@code encoder}, which must already be wrapped around a
     * buffer with room for a SceneFrame.
     *
     * @throws io.wmrt.hil.traci.TraciException when SUMO refuses a query, for example the ego is not
     *                                          in the network
     */
    public void fill(SceneFrameEncoder encoder)
    {
        double time = traci.getTime();
        double length = traci.vehicleLength(egoId);
        double width = traci.vehicleWidth(egoId);
        Position2D front;
        Position2D centre;
        double heading;
        if (Double.isNaN(egoCentreX))
        {
            front = traci.vehiclePosition(egoId);
            heading = traci.vehicleHeadingRadians(egoId);
            centre = centreOf(front, heading, length);
        }
        else
        {
            heading = egoHeading;
            centre = new Position2D(egoCentreX, egoCentreY);
            front = new Position2D(egoCentreX + Math.cos(heading) * length / 2.0,
                egoCentreY + Math.sin(heading) * length / 2.0);
        }

        String laneId = traci.vehicleLaneId(egoId);
        int laneIndex = traci.vehicleLaneIndex(egoId);
        boolean internal = laneId.startsWith(":");
        if (!internal)
        {
            lastNormalEdge = traci.vehicleRoadId(egoId);
            int continuing = continuingLane(lastNormalEdge, laneIndex);
            if (continuing != laneIndex)
            {
                // The ego's lane ends before the next edge of its route: the route runs in the lane it
                // must move to, and the ego's own lane is drivable room beside it.
                laneIndex = continuing;
                laneId = lastNormalEdge + "_" + continuing;
            }
            lastNormalLaneIndex = laneIndex;
        }
        double laneWidth = laneWidth(laneId);

        sequence++;
        encoder.sequence(sequence);
        encoder.timestampNs(Math.round(time * NANOS_PER_SECOND));
        encoder.egoX((float) centre.x());
        encoder.egoY((float) centre.y());
        encoder.egoHeading((float) heading);
        speedNow = Math.max(0.0, Double.isNaN(egoSpeedMps) ? traci.vehicleSpeed(egoId) : egoSpeedMps);
        encoder.egoSpeed((float) speedNow);
        encoder.egoAccel((float) (Double.isNaN(egoAccelMps2) ? traci.vehicleAcceleration(egoId) : egoAccelMps2));
        encoder.egoSteer(0.0f);
        encoder.egoLength((float) length);
        encoder.egoWidth((float) width);
        encoder.laneWidth((float) laneWidth);
        writeDrivableArea(encoder, laneWidth);
        encoder.reserved(0);

        writeAgents(encoder, centre);

        buildRoute(laneId, laneIndex, traci.vehicleLanePosition(egoId) - length / 2.0);
        encoder.speedLimit((float) Math.min(laneSpeed(laneId), limitInSight));
        encoder.drivableLeftEndS((float) leftEndS);
        encoder.drivableRightEndS((float) rightEndS);
        encoder.routePointCount(route.size());
        for (int i = 0; i < route.size(); i++)
        {
            encoder.routeX(i, (float) route.get(i).x());
            encoder.routeY(i, (float) route.get(i).y());
        }

        writeLights(encoder, front);
    }

    /** The route centre line written by the last {@link #fill}, for inspection; do not modify. */
    public List<Position2D> lastRoute()
    {
        return route;
    }

    /** Footprint centre of a vehicle whose front bumper centre is {@code front}. */
    public static Position2D centreOf(Position2D front, double headingRadians, double length)
    {
        return new Position2D(front.x() - Math.cos(headingRadians) * length / 2.0,
                front.y() - Math.sin(headingRadians) * length / 2.0);
    }

    /** The SceneFrame light state code of a SUMO link state character. */
    public static byte lightCode(char sumoState)
    {
        switch (sumoState)
        {
            case 'r':
            case 'R':
                return SceneCodes.LIGHT_RED;
            case 'y':
            case 'Y':
                return SceneCodes.LIGHT_YELLOW;
            case 'g':
            case 'G':
                return SceneCodes.LIGHT_GREEN;
            default:
                return SceneCodes.LIGHT_UNKNOWN;
        }
    }

    /**
     * Arc length along {@code polyline} from its first point to the point of the polyline nearest to
     * {@code point}.
     */
    public static double arcLengthOfProjection(List<Position2D> polyline, Position2D point)
    {
        if (polyline.size() < 2)
        {
            return 0.0;
        }
        double bestDistance = Double.POSITIVE_INFINITY;
        double bestS = 0.0;
        double s = 0.0;
        for (int i = 0; i + 1 < polyline.size(); i++)
        {
            Position2D a = polyline.get(i);
            Position2D b = polyline.get(i + 1);
            double dx = b.x() - a.x();
            double dy = b.y() - a.y();
            double segment = Math.hypot(dx, dy);
            double t = 0.0;
            if (segment > SAME_POINT_METRES)
            {
                t = ((point.x() - a.x()) * dx + (point.y() - a.y()) * dy) / (segment * segment);
                t = Math.max(0.0, Math.min(1.0, t));
            }
            double distance = Math.hypot(a.x() + t * dx - point.x(), a.y() + t * dy - point.y());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                bestS = s + t * segment;
            }
            s += segment;
        }
        return bestS;
    }

    // ------------------------------------------------------------------ drivable area

    private void writeDrivableArea(SceneFrameEncoder encoder, double laneWidth)
    {
        int left = 0;
        int right = 0;
        if (lastNormalEdge != null)
        {
            left = lanesBeside(lastNormalEdge, lastNormalLaneIndex, true);
            right = lanesBeside(lastNormalEdge, lastNormalLaneIndex, false);
        }
        roomLeft = laneWidth * (left + 0.5);
        roomRight = laneWidth * (right + 0.5);
        encoder.drivableLeft((float) roomLeft);
        encoder.drivableRight((float) roomRight);
    }

    /**
     * Car lanes of {@code edge} beside lane {@code laneIndex} on the left (with, given a {@link RoadNetwork}, the
     * car lanes of the edge running the other way) or on the right; sidewalks do not count.
     */
    private int lanesBeside(String edge, int laneIndex, boolean leftSide)
    {
        int count = 0;
        int lanes = edgeLaneCount(edge);
        for (int i = 0; i < lanes; i++)
        {
            if (i != laneIndex && (i > laneIndex) == leftSide && !isSidewalk(edge + "_" + i))
            {
                count++;
            }
        }
        if (leftSide && network != null)
        {
            count += network.oppositeOf(edge).map(RoadNetwork::passengerLaneCount).orElse(0);
        }
        return count;
    }

    /**
     * Where the route, entering {@code edge} on lane {@code laneIndex} at arc length {@code startS} with that
     * lane's centre {@code shift} metres to the left of where the route so far ends, has less room on a side than
     * the ego's edge has now (its drivable edge on that side nearer the route by more than
     * {@link #ROOM_TOLERANCE_METRES}), the room of {@link #writeDrivableArea} on that side ends at
     * {@code startS}; the first such edge on each side counts. A lane drop whose remaining lane lies where the
     * dropped one was shifts the route over: then the room ends on the side the road moved away from.
     */
    private void noteRoomEnd(String edge, int laneIndex, double startS, double shift)
    {
        double width = laneWidth(edge + "_" + laneIndex);
        double left = shift + width * (lanesBeside(edge, laneIndex, true) + 0.5);
        double right = width * (lanesBeside(edge, laneIndex, false) + 0.5) - shift;
        if (leftEndS == 0.0 && left < roomLeft - ROOM_TOLERANCE_METRES)
        {
            leftEndS = Math.max(MIN_ROOM_END_METRES, startS);
        }
        if (rightEndS == 0.0 && right < roomRight - ROOM_TOLERANCE_METRES)
        {
            rightEndS = Math.max(MIN_ROOM_END_METRES, startS);
        }
    }

    // ------------------------------------------------------------------ agents

    private record Agent(int id, byte kind, Position2D centre, double heading, double speed, double length,
            double width, double distance)
    {
    }

    private void writeAgents(SceneFrameEncoder encoder, Position2D egoCentre)
    {
        List<Agent> agents = new ArrayList<>();
        for (String vehicleId : traci.vehicleIds())
        {
            if (isEgoOrStandIn(vehicleId, egoId))
            {
                continue;
            }
            Position2D front = traci.vehiclePosition(vehicleId);
            double heading = traci.vehicleHeadingRadians(vehicleId);
            double length = traci.vehicleLength(vehicleId);
            Position2D centre = centreOf(front, heading, length);
            double distance = centre.distanceTo(egoCentre);
            if (distance <= rangeMetres)
            {
                agents.add(new Agent(agentId(vehicleAgentIds, vehicleId), SceneCodes.VEHICLE, centre, heading,
                        traci.vehicleSpeed(vehicleId), length, traci.vehicleWidth(vehicleId), distance));
            }
        }
        for (String personId : traci.personIds())
        {
            Position2D centre = traci.personPosition(personId);
            double distance = centre.distanceTo(egoCentre);
            if (distance <= rangeMetres)
            {
                agents.add(new Agent(agentId(personAgentIds, personId), SceneCodes.PEDESTRIAN, centre,
                        SumoAngles.sumoDegreesToHeadingRadians(traci.personAngle(personId)),
                        traci.personSpeed(personId), traci.personLength(personId), traci.personWidth(personId),
                        distance));
            }
        }
        agents.sort(Comparator.comparingDouble(Agent::distance));
        int count = Math.min(MAX_AGENTS, agents.size());
        encoder.agentCount(count);
        for (int i = 0; i < count; i++)
        {
            Agent agent = agents.get(i);
            encoder.agentId(i, agent.id());
            encoder.agentKind(i, agent.kind());
            encoder.agentX(i, (float) agent.centre().x());
            encoder.agentY(i, (float) agent.centre().y());
            encoder.agentHeading(i, (float) agent.heading());
            encoder.agentSpeed(i, (float) Math.max(0.0, agent.speed()));
            encoder.agentYawRate(i, 0.0f);
            encoder.agentLength(i, (float) agent.length());
            encoder.agentWidth(i, (float) agent.width());
        }
    }

    private int agentId(Map<String, Integer> ids, String sumoId)
    {
        Integer id = ids.get(sumoId);
        if (id == null)
        {
            id = nextAgentId++;
            ids.put(sumoId, id);
        }
        return id;
    }

    // ------------------------------------------------------------------ route

    /**
     * Builds {@link #route}: the ego lane's centre line from lane position {@code centreLanePosition}
     * (the ego centre, metres along the lane) onwards, then the following route edges.
     */
    private void buildRoute(String laneId, int laneIndex, double centreLanePosition)
    {
        leftEndS = 0.0;
        rightEndS = 0.0;
        limitInSight = Double.POSITIVE_INFINITY;
        String slowingForNext = null;
        List<Position2D> raw = new ArrayList<>();
        List<Position2D> shape = laneShape(laneId);
        double scale = shapeLength(shape) / Math.max(SAME_POINT_METRES, laneLength(laneId));
        appendFrom(raw, shape, centreLanePosition * scale);

        int clampIndex = laneId.startsWith(":") && lastNormalEdge != null ? lastNormalLaneIndex : laneIndex;
        List<String> edges = traci.vehicleRoute(egoId);
        int routeIndex = traci.vehicleRouteIndex(egoId);
        double collected = shapeLength(raw);
        String previousEdge = routeIndex >= 0 && routeIndex < edges.size() ? edges.get(routeIndex) : null;
        int previousIndex = clampIndex;
        for (int e = routeIndex + 1; e < edges.size() && collected < ROUTE_LENGTH_METRES; e++)
        {
            String edge = edges.get(e);
            int lanes = edgeLaneCount(edge);
            int index = Math.max(0, Math.min(lanes - 1, previousIndex));
            if (network != null && previousEdge != null)
            {
                index = network.nextLaneIndex(previousEdge, previousIndex, edge).orElse(index);
            }
            index = laneStartingAt(edge, lanes, index, raw.isEmpty() ? null : raw.get(raw.size() - 1));
            previousEdge = edge;
            previousIndex = index;
            // Where the route goes straight on, a lane beside it ends with its edge (an acceleration lane); where
            // it shifts sideways across the junction (a corridor's section joins), the room lasts across the
            // junction, which the route crosses on the slant, and ends where the next edge's lane starts.
            List<Position2D> next = laneShape(edge + "_" + index);
            double shift = leftShift(raw, next);
            double across = Math.abs(shift) < ROUTE_CONTINUITY_METRES || raw.isEmpty() || next.isEmpty() ? 0.0 :
                raw.get(raw.size() - 1).distanceTo(next.get(0));
            noteRoomEnd(edge, index, collected + across, shift);
            // Once the ego slows for a sign it keeps doing so until it gets there, whatever its speed then.
            double limit = laneSpeed(edge + "_" + index);
            double slowing = (speedNow * speedNow - limit * limit) / (2 * SIGN_DECEL_MPS2) + SIGN_MARGIN_METRES;
            double sight = edge.equals(slowingFor) ? SIGN_SIGHT_METRES : Math.min(SIGN_SIGHT_METRES, slowing);
            if (collected + across < sight && limit < limitInSight)
            {
                limitInSight = limit;
                slowingForNext = edge;
            }
            for (Position2D point : next)
            {
                appendPoint(raw, point);
            }
            collected = shapeLength(raw);
        }
        slowingFor = slowingForNext;
        resample(raw);
    }

    /**
     * The lane of {@code edge} the route goes on in from {@code end}, the last point so far: {@code index} when
     * its centre line starts there, else the car lane that does. A lane with two connections into the next edge
     * keeps one of them in the network's table; the junction lane the ego is on leads into one lane only, and
     * the route must not jump a lane sideways where the two meet (3.3 m within 2 m at a corridor's section
     * join, which every candidate then paid for as off the road).
     */
    private int laneStartingAt(String edge, int lanes, int index, Position2D end)
    {
        if (end == null || distanceToStart(edge + "_" + index, end) <= ROUTE_CONTINUITY_METRES)
        {
            return index;
        }
        int best = index;
        double bestDistance = distanceToStart(edge + "_" + index, end);
        for (int i = 0; i < lanes; i++)
        {
            String lane = edge + "_" + i;
            double distance = distanceToStart(lane, end);
            if (distance < bestDistance && !isSidewalk(lane))
            {
                best = i;
                bestDistance = distance;
            }
        }
        return best;
    }

    private double distanceToStart(String laneId, Position2D point)
    {
        List<Position2D> shape = laneShape(laneId);
        return shape.isEmpty() ? Double.MAX_VALUE : shape.get(0).distanceTo(point);
    }

    /** The lane of {@code edge} that leads on along the route (see {@link RoadNetwork#continuingLane}). */
    private int continuingLane(String edge, int laneIndex)
    {
        if (network == null)
        {
            return laneIndex;
        }
        List<String> edges = traci.vehicleRoute(egoId);
        int routeIndex = traci.vehicleRouteIndex(egoId);
        if (routeIndex < 0 || routeIndex + 1 >= edges.size() || !edges.get(routeIndex).equals(edge))
        {
            return laneIndex;
        }
        return network.continuingLane(edge, laneIndex, edges.get(routeIndex + 1)).orElse(laneIndex);
    }

    /** How far left of the end of {@code raw}, across its last segment's direction, {@code next} starts. */
    private static double leftShift(List<Position2D> raw, List<Position2D> next)
    {
        if (raw.size() < 2 || next.isEmpty())
        {
            return 0.0;
        }
        Position2D a = raw.get(raw.size() - 2);
        Position2D b = raw.get(raw.size() - 1);
        double length = a.distanceTo(b);
        if (length <= SAME_POINT_METRES)
        {
            return 0.0;
        }
        Position2D start = next.get(0);
        return ((b.x() - a.x()) * (start.y() - b.y()) - (b.y() - a.y()) * (start.x() - b.x())) / length;
    }

    /** Appends the part of {@code shape} from arc length {@code startS} on; before its start it extends the first segment backwards. */
    private static void appendFrom(List<Position2D> out, List<Position2D> shape, double startS)
    {
        if (shape.isEmpty())
        {
            return;
        }
        if (shape.size() == 1)
        {
            appendPoint(out, shape.get(0));
            return;
        }
        if (startS <= 0.0)
        {
            Position2D a = shape.get(0);
            Position2D b = shape.get(1);
            double segment = a.distanceTo(b);
            if (segment > SAME_POINT_METRES && startS < 0.0)
            {
                appendPoint(out, new Position2D(a.x() + (b.x() - a.x()) * startS / segment,
                        a.y() + (b.y() - a.y()) * startS / segment));
            }
            for (Position2D point : shape)
            {
                appendPoint(out, point);
            }
            return;
        }
        double s = 0.0;
        for (int i = 0; i + 1 < shape.size(); i++)
        {
            Position2D a = shape.get(i);
            Position2D b = shape.get(i + 1);
            double segment = a.distanceTo(b);
            if (s + segment >= startS)
            {
                double t = segment > SAME_POINT_METRES ? (startS - s) / segment : 0.0;
                appendPoint(out, new Position2D(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t));
                for (int j = i + 1; j < shape.size(); j++)
                {
                    appendPoint(out, shape.get(j));
                }
                return;
            }
            s += segment;
        }
        appendPoint(out, shape.get(shape.size() - 1));
    }

    private static void appendPoint(List<Position2D> out, Position2D point)
    {
        if (out.isEmpty() || out.get(out.size() - 1).distanceTo(point) > SAME_POINT_METRES)
        {
            out.add(point);
        }
    }

    private static double shapeLength(List<Position2D> shape)
    {
        double length = 0.0;
        for (int i = 0; i + 1 < shape.size(); i++)
        {
            length += shape.get(i).distanceTo(shape.get(i + 1));
        }
        return length;
    }

    /**
     * Resamples {@code raw}, cut at {@link #ROUTE_LENGTH_METRES}, into {@link #route}: evenly spaced by
     * arc length with a spacing of at least 1 m, then any point closer than 1 m (straight line) to the
     * previous one dropped, which only happens at sharp corners.
     */
    private void resample(List<Position2D> raw)
    {
        route.clear();
        if (raw.isEmpty())
        {
            return;
        }
        double total = Math.min(ROUTE_LENGTH_METRES, shapeLength(raw));
        int intervals = (int) Math.min(MAX_ROUTE_POINTS - 1, Math.floor(total / MIN_ROUTE_SPACING_METRES));
        route.add(raw.get(0));
        if (intervals < 1)
        {
            return;
        }
        double spacing = total / intervals;
        int segmentIndex = 0;
        double segmentStartS = 0.0;
        for (int k = 1; k <= intervals; k++)
        {
            double target = k == intervals ? total : k * spacing;
            while (segmentIndex + 1 < raw.size() - 1
                    && segmentStartS + raw.get(segmentIndex).distanceTo(raw.get(segmentIndex + 1)) < target)
            {
                segmentStartS += raw.get(segmentIndex).distanceTo(raw.get(segmentIndex + 1));
                segmentIndex++;
            }
            Position2D a = raw.get(segmentIndex);
            Position2D b = raw.get(segmentIndex + 1);
            double segment = a.distanceTo(b);
            double t = segment > SAME_POINT_METRES ? Math.min(1.0, (target - segmentStartS) / segment) : 0.0;
            Position2D point = new Position2D(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t);
            if (point.distanceTo(route.get(route.size() - 1)) >= MIN_ROUTE_SPACING_METRES)
            {
                route.add(point);
            }
        }
    }

    // ------------------------------------------------------------------ lights

    private void writeLights(SceneFrameEncoder encoder, Position2D front)
    {
        List<NextTrafficLight> lights = traci.vehicleNextTrafficLights(egoId);
        double frontS = arcLengthOfProjection(route, front);
        int count = 0;
        if (route.isEmpty())
        {
            lineStoodAt = null;
        }
        if (lineStoodAt != null && !(!lights.isEmpty() && lights.get(0).trafficLightId().equals(lightStoodAt)
                && lights.get(0).linkIndex() == linkStoodAt))
        {
            // SUMO stops listing a light once the ego's front reaches its stop line, while the ego has not yet
            // entered the junction: the light still holds it, so the scene keeps it, with its state read from
            // the light itself, until the front is well past the line.
            double lineS = arcLengthOfProjection(route, lineStoodAt);
            boolean onRoute = pointAtArcLength(route, lineS).distanceTo(lineStoodAt) < LIGHT_LINE_ON_ROUTE_METRES;
            String states = traci.trafficLightState(lightStoodAt);
            if (onRoute && lineS >= frontS - LIGHT_KEPT_PAST_LINE_METRES && lineS <= frontS + LIGHT_KEPT_BEFORE_LINE_METRES
                    && linkStoodAt < states.length())
            {
                encoder.lightStopS(count, (float) lineS);
                encoder.lightState(count, lightCode(states.charAt(linkStoodAt)));
                count++;
            }
            else
            {
                lineStoodAt = null;
            }
        }
        for (int i = 0; i < lights.size() && count < MAX_LIGHTS; i++)
        {
            NextTrafficLight light = lights.get(i);
            encoder.lightStopS(count, (float) (frontS + light.distanceMetres()));
            encoder.lightState(count, lightCode(light.state()));
            count++;
        }
        encoder.lightCount(count);
        if (!lights.isEmpty() && !route.isEmpty())
        {
            NextTrafficLight next = lights.get(0);
            lightStoodAt = next.trafficLightId();
            linkStoodAt = next.linkIndex();
            lineStoodAt = pointAtArcLength(route, frontS + next.distanceMetres());
        }
    }

    /** The point at arc length {@code s} along {@code polyline}, clamped to its ends. */
    static Position2D pointAtArcLength(List<Position2D> polyline, double s)
    {
        double walked = 0.0;
        for (int i = 0; i + 1 < polyline.size(); i++)
        {
            Position2D a = polyline.get(i);
            Position2D b = polyline.get(i + 1);
            double segment = a.distanceTo(b);
            if (walked + segment >= s && segment > SAME_POINT_METRES)
            {
                double t = Math.max(0.0, (s - walked) / segment);
                return new Position2D(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t);
            }
            walked += segment;
        }
        return polyline.get(polyline.size() - 1);
    }

    // ------------------------------------------------------------------ cached static network data

    private List<Position2D> laneShape(String laneId)
    {
        return laneShapes.computeIfAbsent(laneId, traci::laneShape);
    }

    private double laneSpeed(String laneId)
    {
        return laneSpeeds.computeIfAbsent(laneId, traci::laneMaxSpeed);
    }

    private double laneWidth(String laneId)
    {
        return laneWidths.computeIfAbsent(laneId, traci::laneWidth);
    }

    private double laneLength(String laneId)
    {
        return laneLengths.computeIfAbsent(laneId, traci::laneLength);
    }

    private int edgeLaneCount(String edgeId)
    {
        return edgeLaneCounts.computeIfAbsent(edgeId, traci::edgeLaneCount);
    }

    private boolean isSidewalk(String laneId)
    {
        return sidewalks.computeIfAbsent(laneId, id -> List.of("pedestrian").equals(traci.laneAllowed(id)));
    }
}
