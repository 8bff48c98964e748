package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TLC: 0 when the ego's front crossed a stop line whose signal was red for it (the rig observes the crossing
 * from SUMO's signal states and records it in the log), else 1. One event per crossing.
 *
 * <p>Stateless: safe from any thread.
 */
public final class TrafficLightCompliance
{
    private TrafficLightCompliance()
    {
    }

    static SubScore score(final Track track)
    {
        final List<RunEvent> events = new ArrayList<>();
        for (final DriveLog.Sample s : track.log.samples())
        {
            if (s.redLightCrossed())
            {
                events.add(new RunEvent(s.timeS(), RunEvent.Kind.RED_LIGHT, s.x(), s.y(),
                    "crossed a stop line on red"));
            }
        }
        return events.isEmpty() ? SubScore.perfect() : new SubScore(0.0, events,
            String.format(Locale.ROOT, "%d red-light crossing(s), first at t=%.1f s", events.size(),
                events.get(0).timeS()));
    }
}
