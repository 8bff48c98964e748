package io.wmrt.bench.reference;

/**
 * Oriented-rectangle geometry for footprints: overlap by the separating axis theorem, and the gap between
 * two footprints that do not overlap.
 * <p>
 * <b>The reference.</b> A frozen copy of the planner's Footprints as it stood before the planner was made
 * leaner (issue 14, part 2), kept so that a benchmark can time today's code against it in the same run and a test
 * can hold today's decisions to it. Never edit it to follow the runtime: it is the yardstick.
 */
public final class ReferenceFootprints
{
    private ReferenceFootprints()
    {
    }

    /**
     * @return true when rectangle A (centre, heading, half length, half width) overlaps rectangle B.
     */
    public static boolean overlap(
        final double ax, final double ay, final double ah, final double aHalfLength, final double aHalfWidth,
        final double bx, final double by, final double bh, final double bHalfLength, final double bHalfWidth)
    {
        final double dx = bx - ax;
        final double dy = by - ay;
        final double reach = aHalfLength + aHalfWidth + bHalfLength + bHalfWidth;
        if (dx * dx + dy * dy > reach * reach)
        {
            return false;
        }
        final double ac = Math.cos(ah);
        final double as = Math.sin(ah);
        final double bc = Math.cos(bh);
        final double bs = Math.sin(bh);
        // The four candidate separating axes are the rectangles' own axes.
        return !separated(dx, dy, ac, as, ac, as, aHalfLength, aHalfWidth, bc, bs, bHalfLength, bHalfWidth) &&
            !separated(dx, dy, -as, ac, ac, as, aHalfLength, aHalfWidth, bc, bs, bHalfLength, bHalfWidth) &&
            !separated(dx, dy, bc, bs, ac, as, aHalfLength, aHalfWidth, bc, bs, bHalfLength, bHalfWidth) &&
            !separated(dx, dy, -bs, bc, ac, as, aHalfLength, aHalfWidth, bc, bs, bHalfLength, bHalfWidth);
    }

    /**
     * Smallest distance between two non-overlapping rectangles (centre, heading, half length, half width):
     * the nearest corner of either to the other, which is exact for convex boxes that do not overlap.
     * Overlapping rectangles give 0 or a small positive value: test {@link #overlap} first.
     */
    public static double distance(
        final double ax, final double ay, final double ah, final double aHalfLength, final double aHalfWidth,
        final double bx, final double by, final double bh, final double bHalfLength, final double bHalfWidth)
    {
        return Math.min(
            cornersToBox(ax, ay, ah, aHalfLength, aHalfWidth, bx, by, bh, bHalfLength, bHalfWidth),
            cornersToBox(bx, by, bh, bHalfLength, bHalfWidth, ax, ay, ah, aHalfLength, aHalfWidth));
    }

    private static double cornersToBox(
        final double cx, final double cy, final double h, final double hl, final double hw,
        final double bx, final double by, final double bh, final double bhl, final double bhw)
    {
        final double c = Math.cos(h);
        final double s = Math.sin(h);
        final double bc = Math.cos(bh);
        final double bs = Math.sin(bh);
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 4; i++)
        {
            final double lx = (i < 2 ? hl : -hl);
            final double ly = (i % 2 == 0 ? hw : -hw);
            final double px = cx + c * lx - s * ly - bx;
            final double py = cy + s * lx + c * ly - by;
            // Corner in the box's frame; distance to the box is the excess over its half extents.
            final double u = Math.abs(bc * px + bs * py) - bhl;
            final double v = Math.abs(-bs * px + bc * py) - bhw;
            best = Math.min(best, Math.hypot(Math.max(0, u), Math.max(0, v)));
        }
        return best;
    }

    private static boolean separated(
        final double dx, final double dy, final double ux, final double uy,
        final double ac, final double as, final double aHalfLength, final double aHalfWidth,
        final double bc, final double bs, final double bHalfLength, final double bHalfWidth)
    {
        final double distance = Math.abs(dx * ux + dy * uy);
        return distance > halfExtent(ux, uy, ac, as, aHalfLength, aHalfWidth) +
            halfExtent(ux, uy, bc, bs, bHalfLength, bHalfWidth);
    }

    /**
     * Half the length of a rectangle's shadow on the unit axis (ux, uy).
     */
    private static double halfExtent(
        final double ux, final double uy, final double c, final double s, final double halfLength,
        final double halfWidth)
    {
        return halfLength * Math.abs(c * ux + s * uy) + halfWidth * Math.abs(-s * ux + c * uy);
    }
}
