package io.wmrt.telemetry;

/**
 * Every counter the runtime keeps, in one place, so the runtime and {@code wmrt stat} can never disagree
 * about what exists. The counter id in the counters file is the ordinal.
 */
public enum WmrtCounter
{
    TICKS("planner ticks"),
    SCENES_RECEIVED("scenes received"),
    SCENES_DROPPED("scenes superseded before planning"),
    TRAJECTORIES_PUBLISHED("trajectories published"),
    DEADLINE_MISSES("ticks over the deadline"),
    DEGRADED_TICKS("ticks planned with fewer candidates"),
    MINIMAL_RISK_TICKS("ticks that published the minimal-risk stop"),
    BACKEND_FALLBACKS("backend fallbacks"),
    READERS_LAPPED("trajectory readers lapped"),
    ERRORS("errors recorded"),
    TICK_NS_LAST("last tick, ns"),
    TICK_NS_MAX("slowest tick, ns"),
    ALLOC_BYTES_LAST_TICK("bytes allocated by the last tick"),
    HEARTBEAT_MS("planner heartbeat, epoch ms"),
    SCENE_RECORDS_MALFORMED("scene ring records not a SceneFrame"),
    SCENES_REJECTED_STALE("scenes rejected: timestamp out of order"),
    SCENES_REJECTED_EGO("scenes rejected: ego state invalid"),
    SCENES_REJECTED_AGENT_COUNT("scenes rejected: agent count invalid"),
    SCENES_REJECTED_ROUTE("scenes rejected: route invalid"),
    SCENES_REJECTED_LIGHTS("scenes rejected: traffic light invalid"),
    AGENTS_DROPPED_INVALID("agents dropped: invalid values"),
    MINIMAL_RISK_NO_MODEL("minimal-risk: no backend ran the model"),
    MINIMAL_RISK_ALL_COLLIDE("minimal-risk: every candidate collides"),
    MINIMAL_RISK_NO_VALID_SCENE("minimal-risk: no valid scene in deadline"),
    MINIMAL_RISK_WATCHDOG("minimal-risk: tick hung (watchdog)"),
    LATE_PLANS_DROPPED("plans dropped: finished after watchdog"),
    BACKEND_OUTPUTS_INVALID("backend outputs with NaN or Inf"),
    BACKEND_RECOVERIES("backends restored after a re-probe"),
    SCENE_RING_UNBLOCKS("scene ring records of dead producers skipped"),
    SCENE_TIMELINE_RESTARTS("scene timelines restarted by the producer"),
    DEGRADED_BY_WALL_CLOCK("ticks the clock would have degraded (modelled timing)"),
    LEARNED_PARKED_OVERRIDES("standing vehicles the model judged against the queue rule"),
    LEARNED_CHOICE_CHANGES("plans the learned terms chose over the analytic terms' choice"),
    SHADOW_PLANS_COMPARED("plans compared with the shadow planner's"),
    SHADOW_DISAGREED_BEHAVIOUR("shadow disagreed: another behaviour"),
    SHADOW_DISAGREED_PLAN("shadow disagreed: plans apart within 3 s"),
    SHADOW_DISAGREED_COLLISION("shadow disagreed: one predicts a collision"),
    SHADOW_SCENES_NOT_FORWARDED("scenes the shadow's ring had no room for");

    private final String label;

    WmrtCounter(final String label)
    {
        this.label = label;
    }

    public String label()
    {
        return label;
    }

    public int id()
    {
        return ordinal();
    }
}
