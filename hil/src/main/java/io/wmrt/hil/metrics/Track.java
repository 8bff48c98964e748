package io.wmrt.hil.metrics;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Polygon;

/**
 * A drive laid over the road once for all metrics: the ego's box and corners at every sample and where the box
 * was ({@link RoadGeometry.EgoAreas}).
 *
 * <p>Immutable after construction.
 */
final class Track
{
    final DriveLog log;
    final RoadGeometry road;
    final Polygon[] box;
    final Coordinate[][] corners;
    final RoadGeometry.EgoAreas[] areas;

    Track(final DriveLog log, final RoadGeometry road)
    {
        this.log = log;
        this.road = road;
        final int n = log.size();
        box = new Polygon[n];
        corners = new Coordinate[n][];
        areas = new RoadGeometry.EgoAreas[n];
        for (int i = 0; i < n; i++)
        {
            final DriveLog.Sample s = log.sample(i);
            corners[i] = Footprint.corners(s.x(), s.y(), s.heading(), log.egoLength(), log.egoWidth());
            box[i] = Footprint.box(s.x(), s.y(), s.heading(), log.egoLength(), log.egoWidth());
            areas[i] = road.areas(s.x(), s.y(), corners[i], log.routeEdges());
        }
    }

    int size()
    {
        return box.length;
    }

    /** Whether an agent's box could touch the ego's at sample i, by their centres' distance. */
    boolean near(final int i, final DriveLog.Agent agent, final double extraM)
    {
        final DriveLog.Sample s = log.sample(i);
        final double reach = 0.5 * Math.hypot(log.egoLength(), log.egoWidth()) +
            0.5 * Math.hypot(agent.length(), agent.width()) + extraM;
        return Math.hypot(agent.x() - s.x(), agent.y() - s.y()) <= reach;
    }

    static Polygon boxOf(final DriveLog.Agent agent)
    {
        return Footprint.box(agent.x(), agent.y(), agent.heading(), agent.length(), agent.width());
    }
}
