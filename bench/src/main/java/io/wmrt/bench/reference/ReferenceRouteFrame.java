package io.wmrt.bench.reference;

/**
 * The route centre line in the ego frame with its arc lengths, and the Frenet projection (s along, d to the
 * left) that every cost term and the lateral controller use.
 * <p>
 * <p>
 * <b>The reference.</b> A frozen copy of the planner's RouteFrame as it stood before the planner was made
 * leaner (issue 14, part 2), kept so that a benchmark can time today's code against it in the same run and a test
 * can hold today's decisions to it. Never edit it to follow the runtime: it is the yardstick.
 * Not thread safe: owned by the planner agent. Results of {@link #project} are left in {@link #s} and
 * {@link #d} so the hot path allocates nothing.
 */
public final class ReferenceRouteFrame
{
    public static final int MAX_POINTS = 64;

    private final double[] x = new double[MAX_POINTS];
    private final double[] y = new double[MAX_POINTS];
    private final double[] cumulative = new double[MAX_POINTS];
    private int count;

    /** Arc length of the last projection. */
    public double s;
    /** Signed lateral offset of the last projection, positive to the left. */
    public double d;
    /** Unit tangent of the route where the last projection landed. */
    public double tangentX = 1;
    public double tangentY;
    /** Result of {@link #pointAt}. */
    public double px;
    public double py;
    public double heading;

    /** Take the points of the planner's route, exactly as the planner added them. */
    public void copyOf(final io.wmrt.planner.RouteFrame other)
    {
        clear();
        for (int i = 0; i < other.count(); i++)
        {
            add(other.x(i), other.y(i));
        }
    }

    public void clear()
    {
        count = 0;
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
     */
    public void project(final double qx, final double qy)
    {
        double bestDist = Double.MAX_VALUE;
        double bestS = 0;
        double bestD = 0;
        double bestTx = 1;
        double bestTy = 0;
        final int last = count - 2;
        for (int i = 0; i <= last; i++)
        {
            final double ax = x[i];
            final double ay = y[i];
            final double sx = x[i + 1] - ax;
            final double sy = y[i + 1] - ay;
            final double segLen = cumulative[i + 1] - cumulative[i];
            double t = ((qx - ax) * sx + (qy - ay) * sy) / (segLen * segLen);
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
            if (dist < bestDist)
            {
                bestDist = dist;
                bestS = cumulative[i] + t * segLen;
                bestD = (sx * ey - sy * ex) / segLen;
                bestTx = sx / segLen;
                bestTy = sy / segLen;
            }
        }
        s = bestS;
        d = bestD;
        tangentX = bestTx;
        tangentY = bestTy;
    }

    /**
     * The point at arc length {@code atS}, offset {@code offset} to the left; beyond the ends the end segments
     * extend straight. Leaves the result in {@link #px}, {@link #py} and {@link #heading}.
     */
    public void pointAt(final double atS, final double offset)
    {
        int i = 0;
        while (i < count - 2 && cumulative[i + 1] < atS)
        {
            i++;
        }
        final double segLen = cumulative[i + 1] - cumulative[i];
        final double ux = (x[i + 1] - x[i]) / segLen;
        final double uy = (y[i + 1] - y[i]) / segLen;
        final double t = atS - cumulative[i];
        px = x[i] + ux * t - uy * offset;
        py = y[i] + uy * t + ux * offset;
        heading = Math.atan2(uy, ux);
    }
}
