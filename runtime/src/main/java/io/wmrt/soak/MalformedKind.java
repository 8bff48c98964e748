package io.wmrt.soak;

import io.wmrt.telemetry.WmrtCounter;

/**
 * The malformed items the soak slips between valid frames, in the order it rotates through them, each with
 * the counter the runtime must raise for it and whether the runtime still plans on the frame (a bad agent is
 * dropped, the frame kept).
 * <p>
 * Immutable; safe from any thread.
 */
enum MalformedKind
{
    NAN_AGENT_POSITION(WmrtCounter.AGENTS_DROPPED_INVALID, true, "an agent at x = NaN"),
    INF_AGENT_HEADING(WmrtCounter.AGENTS_DROPPED_INVALID, true, "an agent heading +Inf"),
    HUGE_AGENT_HEADING(WmrtCounter.AGENTS_DROPPED_INVALID, true, "an agent heading 1e30 rad"),
    NAN_EGO_SPEED(WmrtCounter.SCENES_REJECTED_EGO, false, "ego speed NaN"),
    INF_EGO_HEADING(WmrtCounter.SCENES_REJECTED_EGO, false, "ego heading -Inf"),
    NAN_STOP_LINE_UNDER_RED(WmrtCounter.SCENES_REJECTED_LIGHTS, false, "a red light whose stop line is NaN"),
    ABSURD_AGENT_COUNT(WmrtCounter.SCENES_REJECTED_AGENT_COUNT, false, "agentCount 1,000,000 in 32 slots"),
    ABSURD_ROUTE_COUNT(WmrtCounter.SCENES_REJECTED_ROUTE, false, "routePointCount -7"),
    INF_ROUTE_POINT(WmrtCounter.SCENES_REJECTED_ROUTE, false, "a route point at x = +Inf"),
    STALE_TIMESTAMP(WmrtCounter.SCENES_REJECTED_STALE, false,
        "a timestamp repeating the last accepted frame's, or one period before it"),
    LEAPING_TIMESTAMP(WmrtCounter.SCENES_REJECTED_STALE, false,
        "a timestamp an hour after the last accepted frame's, or Long.MAX_VALUE"),
    GARBAGE_RECORD(WmrtCounter.SCENE_RECORDS_MALFORMED, false, "a ring record of another type, random bytes"),
    OTHER_TEMPLATE(WmrtCounter.SCENE_RECORDS_MALFORMED, false,
        "a frame-sized record whose header names another template");

    private final WmrtCounter counter;
    private final boolean planned;
    private final String description;

    MalformedKind(final WmrtCounter counter, final boolean planned, final String description)
    {
        this.counter = counter;
        this.planned = planned;
        this.description = description;
    }

    /**
     * @return the counter the runtime raises by one for each of these.
     */
    WmrtCounter counter()
    {
        return counter;
    }

    /**
     * @return true when the runtime plans on the frame anyway (and must answer it, without a minimal-risk stop).
     */
    boolean planned()
    {
        return planned;
    }

    /**
     * @return true when it is written as a ring record that is not a SceneFrame: it has no sequence.
     */
    boolean record()
    {
        return this == GARBAGE_RECORD || this == OTHER_TEMPLATE;
    }

    String description()
    {
        return description;
    }
}
