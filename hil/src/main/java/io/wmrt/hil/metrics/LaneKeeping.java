package io.wmrt.hil.metrics;

import java.util.Locale;

/**
 * LK: 0 when the ego's centre stays more than {@value #DEVIATION_M} m from every lane centre of its route for
 * {@value #WINDOW_S} s in a row, else 1. Samples inside a junction neither count nor break a run (NAVSIM's
 * implementation); samples where the route has no lane nearby count as off-centre.
 *
 * <p>Stateless: safe from any thread.
 */
public final class LaneKeeping
{
    public static final double DEVIATION_M = 0.5;
    public static final double WINDOW_S = 2.0;

    private LaneKeeping()
    {
    }

    static SubScore score(final Track track)
    {
        final DriveLog log = track.log;
        final int needed = (int)Math.ceil(WINDOW_S / log.stepS() - 1e-9);
        int run = 0;
        for (int i = 0; i < track.size(); i++)
        {
            if (track.areas[i].inJunction())
            {
                continue;
            }
            final DriveLog.Sample s = log.sample(i);
            final double deviation = track.road.routeLaneDeviation(s.x(), s.y(), log.routeEdges());
            run = deviation > DEVIATION_M ? run + 1 : 0;
            if (run >= needed)
            {
                return new SubScore(0.0, java.util.List.of(), String.format(Locale.ROOT,
                    "more than %.1f m off the lane centre for %.0f s until t=%.1f s", DEVIATION_M, WINDOW_S,
                    s.timeS()));
            }
        }
        return SubScore.perfect();
    }
}
