package io.wmrt.hil.metrics;

import io.wmrt.hil.net.RoadNetwork;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;
import org.locationtech.jts.operation.buffer.BufferOp;
import org.locationtech.jts.operation.buffer.BufferParameters;
import org.locationtech.jts.operation.union.UnaryUnionOp;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The road as the ruler sees it, in JTS polygons built from the SUMO network: every lane that admits cars as
 * its centre line buffered by half its width (flat caps), junction outlines, and their union, the drivable
 * area. NAVSIM's ego areas come from here: in several lanes at once, off the drivable area, in oncoming traffic
 * (centre in no lane of the route), inside a junction.
 *
 * <p>Immutable after construction: safe from any thread.
 */
public final class RoadGeometry
{
    /** Slack on the drivable area's edges: a wheel on the line is still on the road. */
    public static final double EDGE_TOLERANCE_M = 0.15;

    /** One lane's polygon and centre line. */
    private record LaneShape(String laneId, String edgeId, boolean internal, PreparedGeometry area,
        LineString centre)
    {
    }

    /** Where the ego's box is at one step, in NAVSIM's terms. */
    public record EgoAreas(boolean multipleLanes, boolean nonDrivable, boolean oncoming, boolean inJunction)
    {
    }

    private final List<LaneShape> lanes = new ArrayList<>();
    private final PreparedGeometry drivable;
    private final PreparedGeometry junctions;
    private final Geometry drivableGeometry;

    public RoadGeometry(final RoadNetwork network)
    {
        this(network.lanes(), network.junctionOutlines());
    }

    /**
     * The road of the given lanes (those that admit cars count) and junction outlines (x0,y0,x1,y1,...).
     */
    public RoadGeometry(final List<RoadNetwork.Lane> networkLanes, final List<double[]> junctionOutlines)
    {
        final List<Geometry> drivableParts = new ArrayList<>();
        for (final RoadNetwork.Lane lane : networkLanes)
        {
            if (!lane.passenger() || lane.shape().length < 4)
            {
                continue;
            }
            final LineString centre = line(lane.shape());
            final Geometry area = strip(centre, 0.5 * lane.widthM());
            lanes.add(new LaneShape(lane.id(), lane.edgeId(), lane.internal(), PreparedGeometryFactory.prepare(area),
                centre));
            drivableParts.add(strip(centre, 0.5 * lane.widthM() + EDGE_TOLERANCE_M));
        }
        final List<Geometry> junctionParts = new ArrayList<>();
        for (final double[] outline : junctionOutlines)
        {
            if (outline.length >= 6)
            {
                final Geometry polygon = polygon(outline).buffer(0.0);
                junctionParts.add(polygon);
                drivableParts.add(polygon);
            }
        }
        drivableGeometry = UnaryUnionOp.union(drivableParts);
        drivable = PreparedGeometryFactory.prepare(null == drivableGeometry ?
            Footprint.FACTORY.createPolygon() : drivableGeometry);
        final Geometry junctionUnion = UnaryUnionOp.union(junctionParts);
        junctions = PreparedGeometryFactory.prepare(null == junctionUnion ?
            Footprint.FACTORY.createPolygon() : junctionUnion);
    }

    /** The drivable area: lanes that admit cars (with {@value #EDGE_TOLERANCE_M} m slack) and junctions. */
    public Geometry drivableArea()
    {
        return drivableGeometry;
    }

    /** Whether every corner of the box is on the drivable area. */
    public boolean cornersDrivable(final Coordinate[] corners)
    {
        for (final Coordinate c : corners)
        {
            if (!drivable.covers(Footprint.FACTORY.createPoint(c)))
            {
                return false;
            }
        }
        return true;
    }

    public boolean inJunction(final double x, final double y)
    {
        return junctions.covers(Footprint.point(x, y));
    }

    /** The ego's areas for a box centred at (x, y) with the given corners, on a route of {@code routeEdges}. */
    public EgoAreas areas(final double x, final double y, final Coordinate[] corners, final Set<String> routeEdges)
    {
        final Point centre = Footprint.point(x, y);
        int lanesTouched = 0;
        boolean oneLaneHoldsAll = false;
        boolean onRoute = false;
        for (final LaneShape lane : lanes)
        {
            int inside = 0;
            for (final Coordinate c : corners)
            {
                if (lane.area().covers(Footprint.FACTORY.createPoint(c)))
                {
                    inside++;
                }
            }
            if (inside > 0)
            {
                lanesTouched++;
            }
            if (inside == corners.length)
            {
                oneLaneHoldsAll = true;
            }
            if (!onRoute && !lane.internal() && routeEdges.contains(lane.edgeId()) && lane.area().covers(centre))
            {
                onRoute = true;
            }
        }
        final boolean junction = junctions.covers(centre);
        return new EgoAreas(lanesTouched > 1 && !oneLaneHoldsAll, !cornersDrivable(corners), !onRoute && !junction,
            junction);
    }

    /**
     * The distance from (x, y) to the nearest centre line of a lane of the route (normal edges), or infinity
     * when the route has no lane here.
     */
    public double routeLaneDeviation(final double x, final double y, final Set<String> routeEdges)
    {
        final Point p = Footprint.point(x, y);
        double best = Double.POSITIVE_INFINITY;
        for (final LaneShape lane : lanes)
        {
            if (!lane.internal() && routeEdges.contains(lane.edgeId()))
            {
                best = Math.min(best, lane.centre().distance(p));
            }
        }
        return best;
    }

    static LineString line(final double[] xy)
    {
        final Coordinate[] c = new Coordinate[xy.length / 2];
        for (int i = 0; i < c.length; i++)
        {
            c[i] = new Coordinate(xy[2 * i], xy[2 * i + 1]);
        }
        return Footprint.FACTORY.createLineString(c);
    }

    static Polygon polygon(final double[] xy)
    {
        final int n = xy.length / 2;
        final Coordinate[] c = new Coordinate[n + 1];
        for (int i = 0; i < n; i++)
        {
            c[i] = new Coordinate(xy[2 * i], xy[2 * i + 1]);
        }
        c[n] = new Coordinate(c[0]);
        return Footprint.FACTORY.createPolygon(c);
    }

    private static Geometry strip(final LineString centre, final double halfWidth)
    {
        final BufferParameters parameters = new BufferParameters();
        parameters.setEndCapStyle(BufferParameters.CAP_FLAT);
        parameters.setJoinStyle(BufferParameters.JOIN_MITRE);
        return BufferOp.bufferOp(centre, halfWidth, parameters);
    }
}
