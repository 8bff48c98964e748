package io.wmrt.hil.rig;

import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.traci.Position2D;

/**
 * Where the rig tells SUMO the ego's front is. SUMO's sublane model keeps one lateral offset per vehicle and
 * lays the whole box along its lane at that offset; a TraCI-moved vehicle gets the offset of the point it is
 * moved to, its front. An ego turned across its lane (cutting back in after a pass) then stands, to SUMO,
 * wholly at its front's offset: 0.34 to 0.42 m nearer the car it has just passed than its centre is, at 8 to
 * 10 degrees, and SUMO reported contacts where the footprints were 0.36 m apart (narrow-street-9900-012, -047).
 * Moving the ego to the point half its length along the lane from its centre gives SUMO's box the centre's
 * offset, the offset that box is best laid at; the rig keeps the true pose (centre and heading) itself.
 */
public final class EgoPlacement
{
    private EgoPlacement()
    {
    }

    /**
     * The point to move the ego to: {@code length / 2} from the centre along the direction of the segment of
     * {@code laneShape} (x0, y0, x1, y1, ...) nearest the centre ({@link RoadNetwork#nearestSegment}), that
     * direction turned to the ego's side of it; along the heading when there is no lane or that segment has no
     * length.
     */
    public static Position2D sumoFront(
        final double centreX, final double centreY, final double heading, final double length, final double[] laneShape)
    {
        double ux = Math.cos(heading);
        double uy = Math.sin(heading);
        final int i = laneShape == null ? -1 : RoadNetwork.nearestSegment(laneShape, centreX, centreY);
        if (i >= 0)
        {
            final double dx = laneShape[i + 2] - laneShape[i];
            final double dy = laneShape[i + 3] - laneShape[i + 1];
            final double norm = Math.hypot(dx, dy);
            if (norm > 0)
            {
                final double sign = dx * ux + dy * uy < 0 ? -1 : 1;
                ux = sign * dx / norm;
                uy = sign * dy / norm;
            }
        }
        return new Position2D(centreX + ux * 0.5 * length, centreY + uy * 0.5 * length);
    }
}
