package io.wmrt.hil.metrics;

import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.LineString;
import org.locationtech.jts.geom.Point;
import org.locationtech.jts.geom.Polygon;

/**
 * The ruler's own footprints: oriented boxes as JTS polygons, built from a centre, a heading and a size. Shares
 * nothing with the planner's geometry, so a bug there cannot hide from the rig.
 *
 * <p>Corners are in NAVSIM's order: front left, rear left, rear right, front right; the front bumper is the
 * segment from the first to the last.
 *
 * <p>Stateless apart from the factory: safe from any thread.
 */
public final class Footprint
{
    /** The rear axle sits this share of the length behind the centre (a passenger car's, about 1.4 m of 4.6 m). */
    public static final double REAR_AXLE_SHARE = 0.3;
    /** nuPlan's cone for "ahead": within this many degrees of the heading, seen from the rear axle. */
    public static final double AHEAD_DEGREES = 30.0;
    /** nuPlan's cone for "behind": more than this many degrees off the heading, seen from the rear axle. */
    public static final double BEHIND_DEGREES = 150.0;

    static final GeometryFactory FACTORY = new GeometryFactory();

    private Footprint()
    {
    }

    /** The box around ({@code x}, {@code y}) with the given heading (radians CCW from +x), length and width. */
    public static Polygon box(final double x, final double y, final double heading, final double length,
        final double width)
    {
        final Coordinate[] c = corners(x, y, heading, length, width);
        return FACTORY.createPolygon(new Coordinate[] {c[0], c[1], c[2], c[3], c[0]});
    }

    /** The four corners: front left, rear left, rear right, front right. */
    public static Coordinate[] corners(final double x, final double y, final double heading, final double length,
        final double width)
    {
        final double c = Math.cos(heading);
        final double s = Math.sin(heading);
        final double hl = 0.5 * length;
        final double hw = 0.5 * width;
        return new Coordinate[] {
            new Coordinate(x + c * hl - s * hw, y + s * hl + c * hw),
            new Coordinate(x - c * hl - s * hw, y - s * hl + c * hw),
            new Coordinate(x - c * hl + s * hw, y - s * hl - c * hw),
            new Coordinate(x + c * hl + s * hw, y + s * hl - c * hw),
        };
    }

    /** The front bumper: the segment between the front corners. */
    public static LineString frontEdge(final double x, final double y, final double heading, final double length,
        final double width)
    {
        final Coordinate[] c = corners(x, y, heading, length, width);
        return FACTORY.createLineString(new Coordinate[] {c[0], c[3]});
    }

    public static Point point(final double x, final double y)
    {
        return FACTORY.createPoint(new Coordinate(x, y));
    }

    /**
     * The angle, in degrees 0..180, between a vehicle's heading and the direction from its rear axle to
     * ({@code ox}, {@code oy}).
     */
    public static double bearingDegrees(final double x, final double y, final double heading, final double length,
        final double ox, final double oy)
    {
        final double ax = x - Math.cos(heading) * REAR_AXLE_SHARE * length;
        final double ay = y - Math.sin(heading) * REAR_AXLE_SHARE * length;
        double d = Math.atan2(oy - ay, ox - ax) - heading;
        d = Math.atan2(Math.sin(d), Math.cos(d));
        return Math.toDegrees(Math.abs(d));
    }

    /** nuPlan's is_agent_ahead: the other's centre within {@value #AHEAD_DEGREES} degrees of the heading. */
    public static boolean ahead(final double x, final double y, final double heading, final double length,
        final double ox, final double oy)
    {
        return bearingDegrees(x, y, heading, length, ox, oy) < AHEAD_DEGREES;
    }

    /** nuPlan's is_agent_behind: the other's centre more than {@value #BEHIND_DEGREES} degrees off the heading. */
    public static boolean behind(final double x, final double y, final double heading, final double length,
        final double ox, final double oy)
    {
        return bearingDegrees(x, y, heading, length, ox, oy) > BEHIND_DEGREES;
    }
}
