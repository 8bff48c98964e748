package io.wmrt.soak;

import io.wmrt.bus.TrajectoryReader;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.TrajectoryDecoder;
import org.HdrHistogram.Histogram;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Matches every trajectory the runtime publishes to the frame it answers, over a window of the most recent
 * frame sequences: which frames were answered and in what plan mode, and, after warm-up, the runtime's own
 * {@code tickNanos} of every trajectory and the round trip from committing a valid frame to receiving its
 * answer. A frame that leaves the window unanswered is counted as such.
 * <p>
 * Not thread safe: owned by the soak's producer thread, which polls the trajectory reader.
 */
final class AnswerTracker implements TrajectoryReader.Handler
{
    /** A valid frame: must be answered. */
    static final byte VALID = 1;
    /** A frame with one bad agent: planned without it, so must be answered too. */
    static final byte BAD_AGENT = 2;
    /** A frame the runtime rejects: may be answered with the stop along the last plan. */
    static final byte REJECTED = 3;

    /** Sequences remembered: at 1 kHz, 16 s of frames, far longer than any answer takes. */
    private static final int WINDOW = 1 << 14;
    private static final int MASK = WINDOW - 1;
    private static final long HIGHEST_NS = 600_000_000_000L;

    private final long[] sequenceAt = new long[WINDOW];
    private final byte[] expectation = new byte[WINDOW];
    private final long[] committedNs = new long[WINDOW];
    private final boolean[] answered = new boolean[WINDOW];
    private final Histogram ticks = new Histogram(HIGHEST_NS, 3);
    private final Histogram roundTrip = new Histogram(HIGHEST_NS, 3);
    private final long[] plannedModes = new long[PlanMode.values().length];
    private long measureFromSequence = Long.MAX_VALUE;
    private long validAnswered;
    private long validUnanswered;
    private long badAgentUnanswered;
    private long rejectedAnswered;
    private long received;

    /**
     * A frame was just committed; what it expects of the runtime.
     */
    void expect(final long sequence, final byte what, final long committedAtNs)
    {
        final int i = (int)(sequence & MASK);
        retire(i);
        sequenceAt[i] = sequence;
        expectation[i] = what;
        committedNs[i] = committedAtNs;
        answered[i] = false;
    }

    /**
     * Record latencies only for answers to frames from this sequence on (frames committed after warm-up).
     */
    void measureFrom(final long sequence)
    {
        measureFromSequence = sequence;
    }

    public void onTrajectory(final TrajectoryDecoder trajectory)
    {
        final long now = System.nanoTime();
        received++;
        final long sequence = trajectory.sceneSequence();
        final boolean measured = sequence >= measureFromSequence;
        if (measured)
        {
            ticks.recordValue(Math.max(0, Math.min(trajectory.tickNanos(), HIGHEST_NS)));
        }
        final int i = (int)(sequence & MASK);
        if (sequenceAt[i] != sequence || answered[i])
        {
            return;
        }
        answered[i] = true;
        switch (expectation[i])
        {
            case VALID:
                validAnswered++;
                countMode(trajectory.mode());
                if (measured)
                {
                    roundTrip.recordValue(Math.max(0, Math.min(now - committedNs[i], HIGHEST_NS)));
                }
                break;
            case BAD_AGENT:
                countMode(trajectory.mode());
                break;
            case REJECTED:
                rejectedAnswered++;
                break;
            default:
                break;
        }
    }

    private void countMode(final PlanMode mode)
    {
        if (mode != PlanMode.NULL_VAL)
        {
            plannedModes[mode.ordinal()]++;
        }
    }

    /**
     * Count every frame still in the window that went unanswered: call once, after the last answers had time
     * to arrive.
     */
    void finish()
    {
        for (int i = 0; i < WINDOW; i++)
        {
            retire(i);
        }
    }

    private void retire(final int i)
    {
        if (sequenceAt[i] > 0 && !answered[i])
        {
            if (expectation[i] == VALID)
            {
                validUnanswered++;
            }
            else if (expectation[i] == BAD_AGENT)
            {
                badAgentUnanswered++;
            }
        }
        sequenceAt[i] = 0;
    }

    /**
     * @return true when the frame with this sequence has been answered (or has left the window).
     */
    boolean answered(final long sequence)
    {
        final int i = (int)(sequence & MASK);
        return sequenceAt[i] != sequence || answered[i];
    }

    long received()
    {
        return received;
    }

    long validAnswered()
    {
        return validAnswered;
    }

    long validUnanswered()
    {
        return validUnanswered;
    }

    long badAgentUnanswered()
    {
        return badAgentUnanswered;
    }

    long rejectedAnswered()
    {
        return rejectedAnswered;
    }

    /**
     * @return answers to the frames the runtime plans on, by plan mode name, every mode listed.
     */
    Map<String, Long> plannedModes()
    {
        final Map<String, Long> modes = new LinkedHashMap<>();
        for (final PlanMode mode : PlanMode.values())
        {
            if (mode != PlanMode.NULL_VAL)
            {
                modes.put(mode.name(), plannedModes[mode.ordinal()]);
            }
        }
        return modes;
    }

    SoakReport.Latency tickLatency()
    {
        return latency(ticks);
    }

    SoakReport.Latency roundTripLatency()
    {
        return latency(roundTrip);
    }

    private static SoakReport.Latency latency(final Histogram histogram)
    {
        if (histogram.getTotalCount() == 0)
        {
            return new SoakReport.Latency(0, SoakReport.NOT_MEASURED, SoakReport.NOT_MEASURED,
                SoakReport.NOT_MEASURED, SoakReport.NOT_MEASURED);
        }
        return new SoakReport.Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
            histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
    }
}
