package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;
import org.locationtech.jts.geom.Polygon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * NC, NAVSIM's no at-fault collision term, re-implemented on the ruler's own boxes. Every sample, each road user
 * whose box intersects the ego's is classified the way nuPlan does it: the ego stopped (speed at most
 * {@value #STOPPED_MPS} m/s) is not at fault; the other stopped is; the other behind the ego (more than 150
 * degrees off its heading from the rear axle, i.e. the ego was rear-ended) is not; the ego's front bumper on the
 * other is; a lateral contact is at fault only while the ego straddles lanes or is off the drivable area. An
 * at-fault contact with a vehicle, pedestrian or bicycle makes NC 0, with a static object 0.5. A road user once
 * hit without fault is ignored from then on, as NAVSIM does.
 *
 * <p>Stateless: safe from any thread.
 */
public final class AtFaultCollisions
{
    /** nuPlan's threshold for a stopped ego or track in collisions. */
    public static final double STOPPED_MPS = 0.05;

    /** How a contact happened, after nuPlan's collision types. */
    public enum Type
    {
        STOPPED_EGO, STOPPED_TRACK, ACTIVE_REAR, ACTIVE_FRONT, ACTIVE_LATERAL
    }

    /**
     * The NC value, one event per contact (at fault or not), the count of contacts, and the road users hit without
     * fault with the time from which they are ignored.
     */
    public record Result(SubScore score, int contacts, Map<String, Double> notAtFault)
    {
    }

    private AtFaultCollisions()
    {
    }

    static Result score(final Track track)
    {
        final DriveLog log = track.log;
        double nc = 1.0;
        int contacts = 0;
        String worst = "";
        final Map<String, Double> notAtFault = new HashMap<>();
        final Set<String> touching = new HashSet<>();
        final List<RunEvent> events = new ArrayList<>();
        for (int i = 0; i < track.size(); i++)
        {
            final DriveLog.Sample s = log.sample(i);
            final Set<String> now = new HashSet<>();
            for (final DriveLog.Agent agent : s.agents())
            {
                if (!track.near(i, agent, 0.0))
                {
                    continue;
                }
                final Polygon other = Track.boxOf(agent);
                if (!track.box[i].intersects(other))
                {
                    continue;
                }
                now.add(agent.key());
                final boolean started = !touching.contains(agent.key());
                if (started)
                {
                    contacts++;
                }
                if (notAtFault.containsKey(agent.key()))
                {
                    continue;
                }
                final Type type = classify(log.speed(i), s, log.egoLength(), log.egoWidth(), agent, other);
                final RoadGeometry.EgoAreas areas = track.areas[i];
                final boolean atFault = type == Type.ACTIVE_FRONT || type == Type.STOPPED_TRACK ||
                    (type == Type.ACTIVE_LATERAL && (areas.multipleLanes() || areas.nonDrivable()));
                final String detail = String.format(Locale.ROOT, "%s, %s, with %s (%s, %.1f m/s); ego %.1f m/s",
                    atFault ? "at fault" : "not at fault", type.name().toLowerCase(Locale.ROOT).replace('_', ' '),
                    agent.key(), agent.kind().name().toLowerCase(Locale.ROOT), agent.speed(), log.speed(i));
                if (atFault)
                {
                    final double value = agent.kind().agent() ? 0.0 : 0.5;
                    if (value < nc)
                    {
                        nc = value;
                        worst = String.format(Locale.ROOT, "t=%.1f s: %s", s.timeS(), detail);
                    }
                }
                else
                {
                    notAtFault.put(agent.key(), s.timeS());
                }
                if (started)
                {
                    events.add(new RunEvent(s.timeS(), RunEvent.Kind.COLLISION, s.x(), s.y(), detail));
                }
            }
            touching.clear();
            touching.addAll(now);
        }
        return new Result(new SubScore(nc, events, worst), contacts, notAtFault);
    }

    /** nuPlan's collision type for the ego's box at one sample touching {@code other}. */
    static Type classify(final double egoSpeed, final DriveLog.Sample ego, final double length, final double width,
        final DriveLog.Agent agent, final Polygon other)
    {
        if (egoSpeed <= STOPPED_MPS)
        {
            return Type.STOPPED_EGO;
        }
        if (agent.speed() <= STOPPED_MPS)
        {
            return Type.STOPPED_TRACK;
        }
        if (Footprint.behind(ego.x(), ego.y(), ego.heading(), length, agent.x(), agent.y()))
        {
            return Type.ACTIVE_REAR;
        }
        if (Footprint.frontEdge(ego.x(), ego.y(), ego.heading(), length, width).intersects(other))
        {
            return Type.ACTIVE_FRONT;
        }
        return Type.ACTIVE_LATERAL;
    }
}
