package io.wmrt.planner;

import io.wmrt.bus.TrajectoryPublisher;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.FaultRecord;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Watches the planner from its own thread: when a tick has run longer than the deadline (a backend hung, say),
 * it takes the tick over and publishes the comfortable stop along the last plan ({@code MINIMAL_RISK}), so a
 * controller is never left following a plan nobody is renewing. The planner's plan for that tick, if it ever
 * comes, is dropped. It publishes within the deadline plus one of its own duty cycles.
 * <p>
 * Not thread safe: run by one {@code AgentRunner} thread, with a sleeping idle strategy of a fraction of
 * the deadline. Allocates nothing.
 */
public final class PlannerWatchdog implements Agent
{
    private static final FaultRecord HUNG_TICK = new FaultRecord("planner tick ran past its deadline (a backend " +
        "hung?): the watchdog published the comfortable stop along the last plan and the tick's own plan, " +
        "if it finishes, is dropped");

    private final TickGate gate;
    private final MinimalRiskStop stop;
    private final TrajectoryPublisher publisher;
    private final NanoClock clock;
    private final long deadlineNs;
    private final AtomicCounter watchdogStops;
    private final AtomicCounter minimalRiskTicks;
    private final AtomicCounter published;
    private final ErrorLog errorLog;

    PlannerWatchdog(
        final TickGate gate,
        final MinimalRiskStop stop,
        final TrajectoryPublisher publisher,
        final NanoClock clock,
        final long deadlineNs,
        final AtomicCounter watchdogStops,
        final AtomicCounter minimalRiskTicks,
        final AtomicCounter published,
        final ErrorLog errorLog)
    {
        this.gate = gate;
        this.stop = stop;
        this.publisher = publisher;
        this.clock = clock;
        this.deadlineNs = deadlineNs;
        this.watchdogStops = watchdogStops;
        this.minimalRiskTicks = minimalRiskTicks;
        this.published = published;
        this.errorLog = errorLog;
    }

    public String roleName()
    {
        return "wmrt-watchdog";
    }

    /**
     * @return how often the watchdog should look, for its idle strategy: an eighth of the deadline.
     */
    public long periodNs()
    {
        return Math.max(1_000_000L, deadlineNs / 8);
    }

    public int doWork()
    {
        final long now = clock.nanoTime();
        final long sceneSequence = gate.claimByWatchdog(now, deadlineNs);
        if (sceneSequence < 0)
        {
            return 0;
        }
        try
        {
            stop.encode(publisher, now, sceneSequence, now - gate.tickStartNs());
            publisher.publish();
        }
        finally
        {
            gate.watchdogDone();
        }
        published.increment();
        watchdogStops.increment();
        minimalRiskTicks.increment();
        errorLog.record(HUNG_TICK);
        return 1;
    }
}
