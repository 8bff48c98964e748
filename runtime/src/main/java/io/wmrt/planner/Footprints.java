package io.wmrt.planner;

/**
 * Oriented-rectangle geometry for footprints: overlap by the separating axis theorem, and the gap between
 * two footprints that do not overlap.
 */
public final class Footprints
{
    private Footprints()
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
        return overlapOriented(dx, dy, Math.cos(ah), Math.sin(ah), aHalfLength, aHalfWidth,
            Math.cos(bh), Math.sin(bh), bHalfLength, bHalfWidth);
    }

    /**
     * {@link #overlap} for rectangles whose headings are given as cosine and sine (the caller's, computed once for
     * several tests), the same answer to the last bit.
     */
    public static boolean overlap(
        final double ax, final double ay, final double ac, final double as, final double aHalfLength,
        final double aHalfWidth, final double bx, final double by, final double bc, final double bs,
        final double bHalfLength, final double bHalfWidth)
    {
        final double dx = bx - ax;
        final double dy = by - ay;
        final double reach = aHalfLength + aHalfWidth + bHalfLength + bHalfWidth;
        if (dx * dx + dy * dy > reach * reach)
        {
            return false;
        }
        return overlapOriented(dx, dy, ac, as, aHalfLength, aHalfWidth, bc, bs, bHalfLength, bHalfWidth);
    }

    /**
     * Whether two rectangles are further apart than their half lengths and widths together: then they cannot
     * overlap, and {@link #overlap} says so without trigonometry.
     */
    public static boolean apart(
        final double ax, final double ay, final double aHalfLength, final double aHalfWidth,
        final double bx, final double by, final double bHalfLength, final double bHalfWidth)
    {
        final double dx = bx - ax;
        final double dy = by - ay;
        final double reach = aHalfLength + aHalfWidth + bHalfLength + bHalfWidth;
        return dx * dx + dy * dy > reach * reach;
    }

    private static boolean overlapOriented(
        final double dx, final double dy, final double ac, final double as, final double aHalfLength,
        final double aHalfWidth, final double bc, final double bs, final double bHalfLength, final double bHalfWidth)
    {
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
        return distance(ax, ay, Math.cos(ah), Math.sin(ah), aHalfLength, aHalfWidth,
            bx, by, Math.cos(bh), Math.sin(bh), bHalfLength, bHalfWidth);
    }

    /**
     * {@link #distance} for rectangles whose headings are given as cosine and sine, the same answer to the last
     * bit.
     */
    public static double distance(
        final double ax, final double ay, final double ac, final double as, final double aHalfLength,
        final double aHalfWidth, final double bx, final double by, final double bc, final double bs,
        final double bHalfLength, final double bHalfWidth)
    {
        return Math.min(
            cornersToBox(ax, ay, ac, as, aHalfLength, aHalfWidth, bx, by, bc, bs, bHalfLength, bHalfWidth),
            cornersToBox(bx, by, bc, bs, bHalfLength, bHalfWidth, ax, ay, ac, as, aHalfLength, aHalfWidth));
    }

    private static double cornersToBox(
        final double cx, final double cy, final double c, final double s, final double hl, final double hw,
        final double bx, final double by, final double bc, final double bs, final double bhl, final double bhw)
    {
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
            // hypot of a number and 0 is that number exactly; only a corner off both sides needs hypot itself.
            final double gap = u <= 0 ? Math.max(0, v) : (v <= 0 ? u : Math.hypot(u, v));
            best = Math.min(best, gap);
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
