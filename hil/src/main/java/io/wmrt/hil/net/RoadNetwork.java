package io.wmrt.hil.net;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rig's own reading of a SUMO network file: lanes with their centre lines, widths and permissions,
 * edges with their end nodes, and junction outlines. SUMO accepts poses off the road, so the rig decides
 * drivable area itself from this: a point is drivable when it lies on a lane that admits passenger cars
 * (within half the lane's width of its centre line) or inside the outline of a junction.
 *
 * <p>Immutable after {@link #load(Path)}: safe from any thread.
 */
public final class RoadNetwork
{
    /** SUMO's lane width when a lane names none. */
    public static final double DEFAULT_LANE_WIDTH_M = 3.2;
    /** Slack on lane edges for the drivable check: a wheel on the line is still on the road. */
    public static final double EDGE_TOLERANCE_M = 0.15;

    /** One lane; centre line as x0,y0,x1,y1,... */
    public record Lane(String id, String edgeId, int index, double widthM, double lengthM, double[] shape,
        boolean passenger, boolean pedestrianOnly, boolean internal)
    {
    }

    /** One edge; {@code function} is SUMO's ("normal" when absent, "internal", "crossing", "walkingarea"). */
    public record Edge(String id, String from, String to, String function, List<Lane> lanes)
    {
    }

    private final Path file;
    private final Map<String, Edge> edges;
    private final Map<String, Lane> lanes;
    private final List<Lane> passengerLanes;
    private final List<double[]> junctionOutlines;
    /** "fromEdge_fromLane toEdge" to the lane index reached on toEdge, normal edges only. */
    private final Map<String, Integer> connections;

    private RoadNetwork(final Path file, final Map<String, Edge> edges, final Map<String, Lane> lanes,
        final List<double[]> junctionOutlines, final Map<String, Integer> connections)
    {
        this.file = file;
        this.connections = connections;
        this.edges = edges;
        this.lanes = lanes;
        final List<Lane> drivable = new ArrayList<>();
        for (final Lane lane : lanes.values())
        {
            if (lane.passenger())
            {
                drivable.add(lane);
            }
        }
        this.passengerLanes = List.copyOf(drivable);
        this.junctionOutlines = List.copyOf(junctionOutlines);
    }

    /**
     * Reads a SUMO .net.xml.
     *
     * @throws IOException naming the file when it cannot be read or is not a SUMO network
     */
    public static RoadNetwork load(final Path file) throws IOException
    {
        final Document document = readNet(file);
        final Element root = document.getDocumentElement();

        final Map<String, Edge> edges = new HashMap<>();
        final Map<String, Lane> lanes = new HashMap<>();
        final NodeList edgeNodes = root.getElementsByTagName("edge");
        for (int i = 0; i < edgeNodes.getLength(); i++)
        {
            final Element edge = (Element)edgeNodes.item(i);
            final String edgeId = edge.getAttribute("id");
            final String function = edge.hasAttribute("function") ? edge.getAttribute("function") : "normal";
            final List<Lane> edgeLanes = new ArrayList<>();
            final NodeList laneNodes = edge.getElementsByTagName("lane");
            for (int j = 0; j < laneNodes.getLength(); j++)
            {
                final Element lane = (Element)laneNodes.item(j);
                final String laneId = lane.getAttribute("id");
                final double width = lane.hasAttribute("width") ?
                    number(file, laneId, "width", lane.getAttribute("width")) : DEFAULT_LANE_WIDTH_M;
                final double length = number(file, laneId, "length", lane.getAttribute("length"));
                final double[] shape = shape(file, laneId, lane.getAttribute("shape"));
                final boolean vehicleEdge = "normal".equals(function) || "internal".equals(function);
                final boolean passenger = vehicleEdge && permits(lane, "passenger");
                final boolean pedestrianOnly = !passenger && permits(lane, "pedestrian");
                final Lane parsed = new Lane(laneId, edgeId,
                    lane.hasAttribute("index") ? Integer.parseInt(lane.getAttribute("index")) : j,
                    width, length, shape, passenger, pedestrianOnly, "internal".equals(function));
                edgeLanes.add(parsed);
                lanes.put(laneId, parsed);
            }
            edges.put(edgeId, new Edge(edgeId, edge.getAttribute("from"), edge.getAttribute("to"), function,
                List.copyOf(edgeLanes)));
        }

        final List<double[]> outlines = new ArrayList<>();
        final NodeList junctionNodes = root.getElementsByTagName("junction");
        for (int i = 0; i < junctionNodes.getLength(); i++)
        {
            final Element junction = (Element)junctionNodes.item(i);
            final String type = junction.getAttribute("type");
            if ("internal".equals(type) || "dead_end".equals(type) || !junction.hasAttribute("shape"))
            {
                continue;
            }
            final double[] outline = shape(file, junction.getAttribute("id"), junction.getAttribute("shape"));
            if (outline.length >= 6)
            {
                outlines.add(outline);
            }
        }
        final Map<String, Integer> connections = new HashMap<>();
        final NodeList connectionNodes = root.getElementsByTagName("connection");
        for (int i = 0; i < connectionNodes.getLength(); i++)
        {
            final Element connection = (Element)connectionNodes.item(i);
            final String from = connection.getAttribute("from");
            if (from.startsWith(":"))
            {
                continue;
            }
            final String key = from + "_" + connection.getAttribute("fromLane") + " " + connection.getAttribute("to");
            connections.putIfAbsent(key, (int)number(file, "connection " + key, "toLane",
                connection.getAttribute("toLane")));
        }
        return new RoadNetwork(file, Collections.unmodifiableMap(edges), Collections.unmodifiableMap(lanes),
            outlines, Collections.unmodifiableMap(connections));
    }

    public Path file()
    {
        return file;
    }

    public Optional<Lane> lane(final String laneId)
    {
        return Optional.ofNullable(lanes.get(laneId));
    }

    public Optional<Edge> edge(final String edgeId)
    {
        return Optional.ofNullable(edges.get(edgeId));
    }

    /** Every lane, for drawing. */
    public List<Lane> lanes()
    {
        return List.copyOf(lanes.values());
    }

    /** The junctions' outlines, each x0,y0,x1,y1,... (not closed). */
    public List<double[]> junctionOutlines()
    {
        return junctionOutlines;
    }

    /** The normal edge running the other way between the same two junctions, if the street is two-way. */
    public Optional<Edge> oppositeOf(final String edgeId)
    {
        final Edge edge = edges.get(edgeId);
        if (null == edge || !"normal".equals(edge.function()))
        {
            return Optional.empty();
        }
        for (final Edge other : edges.values())
        {
            if ("normal".equals(other.function()) && other.from().equals(edge.to()) &&
                other.to().equals(edge.from()))
            {
                return Optional.of(other);
            }
        }
        return Optional.empty();
    }

    /**
     * The lane of {@code fromEdge} a car in lane {@code fromLane} must drive in to reach {@code toEdge}:
     * {@code fromLane} itself when it connects there, else the nearest lane that does (an acceleration
     * lane that ends has none). Empty when no lane of {@code fromEdge} leads to {@code toEdge}.
     */
    public OptionalInt continuingLane(final String fromEdge, final int fromLane, final String toEdge)
    {
        final Edge edge = edges.get(fromEdge);
        final int lanes = null == edge ? 0 : edge.lanes().size();
        for (int distance = 0; distance <= lanes; distance++)
        {
            if (connections.containsKey(fromEdge + "_" + (fromLane - distance) + " " + toEdge))
            {
                return OptionalInt.of(fromLane - distance);
            }
            if (connections.containsKey(fromEdge + "_" + (fromLane + distance) + " " + toEdge))
            {
                return OptionalInt.of(fromLane + distance);
            }
        }
        return OptionalInt.empty();
    }

    /**
     * The lane of {@code toEdge} reached from lane {@code fromLane} of {@code fromEdge}, through the
     * {@link #continuingLane} when {@code fromLane} itself does not lead there.
     */
    public OptionalInt nextLaneIndex(final String fromEdge, final int fromLane, final String toEdge)
    {
        final OptionalInt via = continuingLane(fromEdge, fromLane, toEdge);
        return via.isPresent() ?
            OptionalInt.of(connections.get(fromEdge + "_" + via.getAsInt() + " " + toEdge)) : OptionalInt.empty();
    }

    /** Lanes of {@code edge} that admit passenger cars. */
    public static int passengerLaneCount(final Edge edge)
    {
        int count = 0;
        for (final Lane lane : edge.lanes())
        {
            if (lane.passenger())
            {
                count++;
            }
        }
        return count;
    }

    /** Whether a car may be at (x, y): on a lane that admits passenger cars, or inside a junction's outline. */
    public boolean isDrivable(final double x, final double y)
    {
        for (final Lane lane : passengerLanes)
        {
            if (distanceToPolyline(lane.shape(), x, y) <= 0.5 * lane.widthM() + EDGE_TOLERANCE_M)
            {
                return true;
            }
        }
        for (final double[] outline : junctionOutlines)
        {
            if (insidePolygon(outline, x, y))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the whole footprint is drivable: its four corners and the middles of its long sides.
     *
     * @param x centre, y centre, heading radians CCW from +x, length and width in metres
     */
    public boolean isFootprintDrivable(final double x, final double y, final double heading, final double length,
        final double width)
    {
        final double c = Math.cos(heading);
        final double s = Math.sin(heading);
        final double hl = 0.5 * length;
        final double hw = 0.5 * width;
        final double[][] points = {{hl, hw}, {hl, -hw}, {-hl, hw}, {-hl, -hw}, {0, hw}, {0, -hw}};
        for (final double[] p : points)
        {
            if (!isDrivable(x + c * p[0] - s * p[1], y + s * p[0] + c * p[1]))
            {
                return false;
            }
        }
        return true;
    }

    /** Distance from (x, y) to the polyline x0,y0,x1,y1,... */
    public static double distanceToPolyline(final double[] xy, final double x, final double y)
    {
        if (xy.length == 2)
        {
            return Math.hypot(xy[0] - x, xy[1] - y);
        }
        final int i = nearestSegment(xy, x, y);
        return i < 0 ? Double.POSITIVE_INFINITY : distanceToSegment(xy, i, x, y);
    }

    /**
     * The index of the first coordinate of the segment of the polyline x0,y0,x1,y1,... nearest (x, y) (the first
     * of equally near ones), or -1 when it has no segment.
     */
    public static int nearestSegment(final double[] xy, final double x, final double y)
    {
        double best = Double.POSITIVE_INFINITY;
        int nearest = -1;
        for (int i = 0; i + 3 < xy.length; i += 2)
        {
            final double distance = distanceToSegment(xy, i, x, y);
            if (distance < best || nearest < 0)
            {
                best = distance;
                nearest = i;
            }
        }
        return nearest;
    }

    private static double distanceToSegment(final double[] xy, final int i, final double x, final double y)
    {
        final double ax = xy[i];
        final double ay = xy[i + 1];
        final double dx = xy[i + 2] - ax;
        final double dy = xy[i + 3] - ay;
        final double squared = dx * dx + dy * dy;
        final double t = squared > 0 ? Math.max(0.0, Math.min(1.0, ((x - ax) * dx + (y - ay) * dy) / squared)) : 0.0;
        return Math.hypot(ax + t * dx - x, ay + t * dy - y);
    }

    /** Even-odd rule point-in-polygon for the closed outline x0,y0,x1,y1,... */
    public static boolean insidePolygon(final double[] xy, final double x, final double y)
    {
        boolean inside = false;
        final int n = xy.length / 2;
        for (int i = 0, j = n - 1; i < n; j = i++)
        {
            final double xi = xy[2 * i];
            final double yi = xy[2 * i + 1];
            final double xj = xy[2 * j];
            final double yj = xy[2 * j + 1];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            {
                inside = !inside;
            }
        }
        return inside;
    }

    private static boolean permits(final Element lane, final String vClass)
    {
        if (lane.hasAttribute("allow"))
        {
            final String allow = lane.getAttribute("allow");
            return "all".equals(allow) || List.of(allow.trim().split("\\s+")).contains(vClass);
        }
        if (lane.hasAttribute("disallow"))
        {
            final String disallow = lane.getAttribute("disallow");
            return !"all".equals(disallow) && !List.of(disallow.trim().split("\\s+")).contains(vClass);
        }
        return true;
    }

    private static double number(final Path file, final String id, final String key, final String text)
        throws IOException
    {
        try
        {
            return Double.parseDouble(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(file + ": " + id + " has " + key + "=\"" + text + "\", not a number", ex);
        }
    }

    private static double[] shape(final Path file, final String id, final String text) throws IOException
    {
        final String trimmed = text.trim();
        if (trimmed.isEmpty())
        {
            throw new IOException(file + ": " + id + " has no shape");
        }
        final String[] points = trimmed.split("\\s+");
        final double[] xy = new double[points.length * 2];
        for (int i = 0; i < points.length; i++)
        {
            final String[] parts = points[i].split(",");
            if (parts.length < 2)
            {
                throw new IOException(file + ": " + id + " has shape point \"" + points[i] + "\", want x,y");
            }
            xy[2 * i] = number(file, id, "shape", parts[0]);
            xy[2 * i + 1] = number(file, id, "shape", parts[1]);
        }
        return xy;
    }

    /**
     * Parses a SUMO .net.xml without resolving external entities and checks that its root is {@code <net>}.
     *
     * @throws IOException naming the file when it cannot be read or is not a SUMO network
     */
    public static Document readNet(final Path file) throws IOException
    {
        final Document document;
        try
        {
            final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(file.toFile());
        }
        catch (final SAXException | ParserConfigurationException ex)
        {
            throw new IOException(file + ": not a readable SUMO network (" + ex.getMessage() + ")", ex);
        }
        final Element root = document.getDocumentElement();
        if (!"net".equals(root.getTagName()))
        {
            throw new IOException(file + ": not a SUMO network (root element <" + root.getTagName() + ">, want <net>)");
        }
        return document;
    }
}
