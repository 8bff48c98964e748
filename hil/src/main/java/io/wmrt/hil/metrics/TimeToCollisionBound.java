package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;
import org.locationtech.jts.geom.Polygon;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;

/**
 * TTC within bound: at every sample where the ego moves (at least {@value #MOVING_MPS} m/s), its box is moved on at
 * constant speed and heading by 0, 0.3, 0.6 and 0.9 s and checked against where the others really were at those
 * times (the log holds the future). A hit counts when the other is ahead of the ego (within 30 degrees of its
 * heading from the rear axle), or when the ego straddles lanes, is off the drivable area or in a junction and the
 * other is not behind it; otherwise that road user is ignored from then on, and so is anyone from the time it hit the
 * ego without the ego's fault.
 * 1 when nothing counted, else 0 (NAVSIM's rule). One event per road user.
 *
 * <p>Stateless: safe from any thread.
 */
public final class TimeToCollisionBound
{
    public static final double MOVING_MPS = 5e-3;
    public static final double[] PROJECTIONS_S = {0.0, 0.3, 0.6, 0.9};

    private TimeToCollisionBound()
    {
    }

    static SubScore score(final Track track, final Map<String, Double> notAtFault)
    {
        final DriveLog log = track.log;
        final int n = track.size();
        final Set<String> ignored = new HashSet<>();
        final Set<String> reported = new HashSet<>();
        final List<RunEvent> events = new ArrayList<>();
        double ttc = 1.0;
        String note = "";
        for (int i = 0; i < n; i++)
        {
            final double v = log.speed(i);
            if (v < MOVING_MPS)
            {
                continue;
            }
            final DriveLog.Sample s = log.sample(i);
            final RoadGeometry.EgoAreas areas = track.areas[i];
            final boolean exposed = areas.multipleLanes() || areas.nonDrivable() || areas.inJunction();
            for (final double dt : PROJECTIONS_S)
            {
                final int j = i + (int)Math.round(dt / log.stepS());
                if (j >= n)
                {
                    break;
                }
                final double px = s.x() + Math.cos(s.heading()) * v * dt;
                final double py = s.y() + Math.sin(s.heading()) * v * dt;
                final Polygon projected = Footprint.box(px, py, s.heading(), log.egoLength(), log.egoWidth());
                final double reach = v * dt;
                for (final DriveLog.Agent agent : log.sample(j).agents())
                {
                    final Double hitWithoutFault = notAtFault.get(agent.key());
                    if (ignored.contains(agent.key()) || (null != hitWithoutFault && hitWithoutFault <= s.timeS()) ||
                        !track.near(i, agent, reach))
                    {
                        continue;
                    }
                    if (!projected.intersects(Track.boxOf(agent)))
                    {
                        continue;
                    }
                    final boolean ahead = Footprint.ahead(s.x(), s.y(), s.heading(), log.egoLength(), agent.x(),
                        agent.y());
                    final boolean behind = Footprint.behind(s.x(), s.y(), s.heading(), log.egoLength(), agent.x(),
                        agent.y());
                    if (ahead || (exposed && !behind))
                    {
                        if (reported.add(agent.key()))
                        {
                            final String detail = String.format(Locale.ROOT,
                                "within %.1f s of %s (%s, %.1f m/s) at %.1f m/s", dt, agent.key(),
                                agent.kind().name().toLowerCase(Locale.ROOT), agent.speed(), v);
                            events.add(new RunEvent(s.timeS(), RunEvent.Kind.NEAR_MISS, s.x(), s.y(), detail));
                            if (ttc > 0.0)
                            {
                                note = String.format(Locale.ROOT, "t=%.1f s: %s", s.timeS(), detail);
                            }
                        }
                        ttc = 0.0;
                    }
                    else
                    {
                        ignored.add(agent.key());
                    }
                }
            }
        }
        return new SubScore(ttc, events, note);
    }
}
