package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;

import java.util.List;

/**
 * One sub-metric's value for a drive and the events behind it.
 *
 * @param value  in [0, 1]
 * @param events where and when it was lost, in time order
 * @param note   one line on the worst moment, e.g. "6.4 m against the traffic in 1 s at t=24.1 s"; empty when none
 */
public record SubScore(double value, List<RunEvent> events, String note)
{
    public SubScore
    {
        events = List.copyOf(events);
    }

    static SubScore perfect()
    {
        return new SubScore(1.0, List.of(), "");
    }
}
