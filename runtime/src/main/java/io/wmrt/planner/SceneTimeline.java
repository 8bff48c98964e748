package io.wmrt.planner;

/**
 * Whether a frame's timestamp continues the timeline of the frames already planned on. A frame must be
 * newer than the last accepted one, and not by more than {@link #MAX_STEP_NS}: a timestamp that repeats or
 * goes back is stale, one that leaps ahead is implausible (a single frame stamped with a huge value would
 * otherwise make every later frame look stale, and blind the planner for good).
 * <p>
 * A producer may legitimately start a new timeline (it restarted, or its clock was reset). When
 * {@link #REANCHOR_FRAMES} consecutive frames that do not continue the old timeline do continue each other,
 * the planner adopts theirs from the last of them on.
 * <p>
 * Differences are taken without overflow for any two longs. Not thread safe: owned by the planner agent.
 */
final class SceneTimeline
{
    /** The largest step between consecutive frames that continues a timeline: 10 s. */
    static final long MAX_STEP_NS = 10_000_000_000L;
    /** Consecutive frames that agree among themselves and start a new timeline. */
    static final int REANCHOR_FRAMES = 5;

    private boolean anchored;
    private long lastAcceptedNs;
    private int candidates;
    private long lastCandidateNs;
    private long reanchors;

    /**
     * @return null when the timestamp continues the timeline (it is then the last accepted), otherwise why not.
     */
    SceneFault check(final long timestampNs)
    {
        if (!anchored || continues(lastAcceptedNs, timestampNs))
        {
            accept(timestampNs);
            return null;
        }
        candidates = candidates > 0 && continues(lastCandidateNs, timestampNs) ? candidates + 1 : 1;
        lastCandidateNs = timestampNs;
        if (candidates >= REANCHOR_FRAMES)
        {
            reanchors++;
            accept(timestampNs);
            return null;
        }
        return timestampNs > lastAcceptedNs ? SceneFault.TIMESTAMP_LEAP : SceneFault.STALE_TIMESTAMP;
    }

    /**
     * @return the timestamp of the last frame accepted, or {@link Long#MIN_VALUE} before any.
     */
    long lastAcceptedNs()
    {
        return anchored ? lastAcceptedNs : Long.MIN_VALUE;
    }

    /**
     * @return how many times a new timeline was adopted.
     */
    long reanchors()
    {
        return reanchors;
    }

    private void accept(final long timestampNs)
    {
        anchored = true;
        lastAcceptedNs = timestampNs;
        candidates = 0;
    }

    private static boolean continues(final long previousNs, final long nextNs)
    {
        // When next > previous, next - previous is exact read as an unsigned long, whatever the signs.
        return nextNs > previousNs && Long.compareUnsigned(nextNs - previousNs, MAX_STEP_NS) <= 0;
    }
}
