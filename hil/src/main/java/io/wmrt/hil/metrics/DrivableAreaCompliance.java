package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * DAC: 0 when at any sample a corner of the ego's box is off the drivable area (lanes that admit cars, with
 * {@value RoadGeometry#EDGE_TOLERANCE_M} m slack, and junctions), else 1. One event per excursion.
 *
 * <p>Stateless: safe from any thread.
 */
public final class DrivableAreaCompliance
{
    private DrivableAreaCompliance()
    {
    }

    static SubScore score(final Track track)
    {
        final List<RunEvent> events = new ArrayList<>();
        boolean off = false;
        int steps = 0;
        for (int i = 0; i < track.size(); i++)
        {
            final boolean now = track.areas[i].nonDrivable();
            if (now)
            {
                steps++;
                if (!off)
                {
                    final DriveLog.Sample s = track.log.sample(i);
                    events.add(new RunEvent(s.timeS(), RunEvent.Kind.OFF_ROAD, s.x(), s.y(),
                        "a corner of the ego's box left the drivable area"));
                }
            }
            off = now;
        }
        return events.isEmpty() ? SubScore.perfect() : new SubScore(0.0, events,
            String.format(Locale.ROOT, "%d step(s) off the drivable area, first at t=%.1f s", steps,
                events.get(0).timeS()));
    }
}
