package io.wmrt.planner;

/**
 * The route centre line in the ego frame with its arc lengths, and the Frenet projection (s along, d to the
 * left) that every cost term and the lateral controller use.
 * <p>
 * Not thread safe: owned by the planner agent. Results of {@link #project} are left in {@link #s} and
 * {@link #d} so the hot path allocates nothing.
 */
public final class RouteFrame
{
    public static final int MAX_POINTS = 64;

    private final double[] x = new double[MAX_POINTS];
    private final double[] y = new double[MAX_POINTS];
    private final double[] cumulative = new double[MAX_POINTS];
    private int count;

    /** Segments per bounding circle of the projection's first pass. */
    private static final int GROUP = 8;
    /**
     * A projection past the last point by less than this fraction of the segment might still round onto it;
     * such a point is computed on the extension, not pruned by the segment's circle.
     */
    private static final double END_SLACK = 1 - 1e-9;
    private final double[] segX = new double[MAX_POINTS];
    private final double[] segY = new double[MAX_POINTS];
    private final double[] segLength = new double[MAX_POINTS];
    private final double[] segLengthSq = new double[MAX_POINTS];
    private final double[] midX = new double[MAX_POINTS];
    private final double[] midY = new double[MAX_POINTS];
    private final double[] halfLength = new double[MAX_POINTS];
    private final double[] unitX = new double[MAX_POINTS];
    private final double[] unitY = new double[MAX_POINTS];
    private final double[] segHeading = new double[MAX_POINTS];
    private final double[] groupX = new double[MAX_POINTS / GROUP + 1];
    private final double[] groupY = new double[MAX_POINTS / GROUP + 1];
    private final double[] groupRadius = new double[MAX_POINTS / GROUP + 1];
    private int groups;
    /** The points {@link #index()} last saw; -1 until then, so a cleared and refilled route is indexed anew. */
    private int indexedCount = -1;
    private long version;
    private int hint;
    private int bestIndex;
    private double bestDist;
    private double bestReach;

    /** Arc length of the last projection. */
    public double s;
    /** Signed lateral offset of the last projection, positive to the left. */
    public double d;
    /** Unit tangent of the route where the last projection landed. */
    public double tangentX = 1;
    public double tangentY;
    /** The direction of that tangent, radians (atan2 of it, to rounding). */
    public double tangentHeading;
    /** Result of {@link #pointAt}. */
    public double px;
    public double py;
    public double heading;

    public void clear()
    {
        count = 0;
        indexedCount = -1;
        version++;
    }

    /** Changes whenever the route does (cleared, a point added): projections made before are stale. */
    public long version()
    {
        return version;
    }

    /**
     * Append a point; points closer than 1 cm to the previous one are skipped.
     */
    public void add(final double px, final double py)
    {
        if (count > 0)
        {
            final double dx = px - x[count - 1];
            final double dy = py - y[count - 1];
            final double len = Math.sqrt(dx * dx + dy * dy);
            if (len < 0.01 || count == MAX_POINTS)
            {
                return;
            }
            cumulative[count] = cumulative[count - 1] + len;
        }
        else
        {
            cumulative[0] = 0;
        }
        x[count] = px;
        y[count] = py;
        count++;
        version++;
    }

    public int count()
    {
        return count;
    }

    /**
     * @return x of point i in the ego frame, for i below {@link #count()}.
     */
    public double x(final int i)
    {
        return x[i];
    }

    /**
     * @return y of point i in the ego frame, for i below {@link #count()}.
     */
    public double y(final int i)
    {
        return y[i];
    }

    public boolean usable()
    {
        return count >= 2;
    }

    public double length()
    {
        return count > 0 ? cumulative[count - 1] : 0;
    }

    /**
     * Project a point onto the polyline; beyond the ends the first and last segments extend straight.
     * Leaves the result in {@link #s}, {@link #d} and the tangent there.
     * <p>
     * The nearest segment wins, the first of equally near ones, exactly as a scan of every segment in order would
     * find it, with the same arithmetic for the segment chosen. Most segments are never computed: the scan
     * starts at the segment the previous projection landed on (a trajectory's next step is near it), then
     * skips any group of {@link #GROUP} segments, and any single segment, whose bounding circle is further from
     * the point than the nearest segment found so far. The end segments extend without bound: a point beyond an
     * end is computed on that end's extension.
     */
    public void project(final double qx, final double qy)
    {
        if (indexedCount != count)
        {
            index();
        }
        // What a scan finds when no segment is nearer than Double.MAX_VALUE (no segments, a NaN point).
        s = 0;
        d = 0;
        tangentX = 1;
        tangentY = 0;
        tangentHeading = 0;
        if (count < 2)
        {
            return;
        }
        final int last = count - 2;
        bestIndex = -1;
        bestDist = Double.MAX_VALUE;
        bestReach = Double.MAX_VALUE;
        final int start = hint <= last ? hint : 0;
        consider(start, qx, qy, last);
        // The end segments extend without bound: one whose projection falls on its extension (before the first
        // point, after the last) is computed now; otherwise it is a segment like the others, inside its circle.
        if (start != 0 && (qx - x[0]) * segX[0] + (qy - y[0]) * segY[0] < 0)
        {
            consider(0, qx, qy, last);
        }
        if (start != last && last > 0 &&
            (qx - x[last]) * segX[last] + (qy - y[last]) * segY[last] > segLengthSq[last] * END_SLACK)
        {
            consider(last, qx, qy, last);
        }
        for (int g = 0; g < groups; g++)
        {
            final double gx = qx - groupX[g];
            final double gy = qy - groupY[g];
            final double limit = bestReach + groupRadius[g];
            if (gx * gx + gy * gy > limit * limit)
            {
                continue;
            }
            final int to = Math.min(last, (g + 1) * GROUP - 1);
            for (int i = g * GROUP; i <= to; i++)
            {
                final double mx = qx - midX[i];
                final double my = qy - midY[i];
                final double segLimit = bestReach + halfLength[i];
                if (i != start && mx * mx + my * my <= segLimit * segLimit)
                {
                    consider(i, qx, qy, last);
                }
            }
        }
        if (bestIndex >= 0)
        {
            hint = bestIndex;
        }
    }

    /**
     * The projection on segment i, taken when nearer than the best so far (or as near and earlier in the
     * polyline); the arithmetic of a plain scan, term for term.
     */
    private void consider(final int i, final double qx, final double qy, final int last)
    {
        final double ax = x[i];
        final double ay = y[i];
        final double sx = segX[i];
        final double sy = segY[i];
        final double segLen = segLength[i];
        double t = ((qx - ax) * sx + (qy - ay) * sy) / segLengthSq[i];
        if (t < 0 && i > 0)
        {
            t = 0;
        }
        else if (t > 1 && i < last)
        {
            t = 1;
        }
        final double cx = ax + t * sx;
        final double cy = ay + t * sy;
        final double ex = qx - cx;
        final double ey = qy - cy;
        final double dist = ex * ex + ey * ey;
        if (dist < bestDist || (dist == bestDist && i < bestIndex))
        {
            bestDist = dist;
            // The bound the pruning compares against: a little beyond the true distance, so rounding never
            // skips a segment that a plain scan would have taken.
            bestReach = Math.sqrt(dist) * (1 + 1e-9) + 1e-9;
            bestIndex = i;
            s = cumulative[i] + t * segLen;
            d = (sx * ey - sy * ex) / segLen;
            tangentX = sx / segLen;
            tangentY = sy / segLen;
            tangentHeading = segHeading[i];
        }
    }

    /** Segment vectors, lengths and bounding circles, and the circles of each group of segments. */
    private void index()
    {
        final int segments = count - 1;
        for (int i = 0; i < segments; i++)
        {
            segX[i] = x[i + 1] - x[i];
            segY[i] = y[i + 1] - y[i];
            segLength[i] = cumulative[i + 1] - cumulative[i];
            segLengthSq[i] = segLength[i] * segLength[i];
            unitX[i] = segX[i] / segLength[i];
            unitY[i] = segY[i] / segLength[i];
            segHeading[i] = Math.atan2(unitY[i], unitX[i]);
            midX[i] = 0.5 * (x[i] + x[i + 1]);
            midY[i] = 0.5 * (y[i] + y[i + 1]);
            // Half the chord, and a hair more: the circle must hold both end points after rounding.
            halfLength[i] = 0.5 * Math.sqrt(segX[i] * segX[i] + segY[i] * segY[i]) * (1 + 1e-9) + 1e-9;
        }
        groups = Math.max(0, (segments + GROUP - 1) / GROUP);
        for (int g = 0; g < groups; g++)
        {
            // The circle around the group's points (segments g*GROUP .. g*GROUP+GROUP-1 join them).
            final int from = g * GROUP;
            final int to = Math.min(count - 1, from + GROUP);
            double minX = Double.MAX_VALUE;
            double minY = Double.MAX_VALUE;
            double maxX = -Double.MAX_VALUE;
            double maxY = -Double.MAX_VALUE;
            for (int p = from; p <= to; p++)
            {
                minX = Math.min(minX, x[p]);
                maxX = Math.max(maxX, x[p]);
                minY = Math.min(minY, y[p]);
                maxY = Math.max(maxY, y[p]);
            }
            groupX[g] = 0.5 * (minX + maxX);
            groupY[g] = 0.5 * (minY + maxY);
            double radiusSq = 0;
            for (int p = from; p <= to; p++)
            {
                final double dx = x[p] - groupX[g];
                final double dy = y[p] - groupY[g];
                radiusSq = Math.max(radiusSq, dx * dx + dy * dy);
            }
            groupRadius[g] = Math.sqrt(radiusSq) * (1 + 1e-9) + 1e-9;
        }
        indexedCount = count;
        hint = 0;
    }

    /**
     * The point at arc length {@code atS}, offset {@code offset} to the left; beyond the ends the end segments
     * extend straight. Leaves the result in {@link #px}, {@link #py} and {@link #heading}; the route must be
     * {@link #usable()}.
     * <p>
     * The segment is the first whose end lies at or beyond {@code atS} (the last when none does), found by
     * bisection of the arc lengths; its unit vector and heading were computed once when the route was indexed.
     */
    public void pointAt(final double atS, final double offset)
    {
        if (indexedCount != count)
        {
            index();
        }
        // The first i in [0, count - 2] with cumulative[i + 1] >= atS, or count - 2 (a NaN arc length gives 0).
        int lo = 0;
        int hi = count - 2;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cumulative[mid + 1] < atS)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        final int i = lo;
        final double ux = unitX[i];
        final double uy = unitY[i];
        final double t = atS - cumulative[i];
        px = x[i] + ux * t - uy * offset;
        py = y[i] + uy * t + ux * offset;
        heading = segHeading[i];
    }
}
