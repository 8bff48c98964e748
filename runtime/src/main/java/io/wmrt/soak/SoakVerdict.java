package io.wmrt.soak;

import io.wmrt.telemetry.WmrtCounter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a soak from its report's figures alone, against bounds stated here and in the report's setup: the
 * runtime stayed up, tick p99.9 within the profile's deadline, no GC after warm-up, RSS grew by no more than
 * the bound, every valid frame answered (or superseded by a newer one), and no emergency stop in traffic built
 * never to need one. It shares no code with what measures those figures.
 * <p>
 * Stateless; safe from any thread.
 */
public final class SoakVerdict
{
    private SoakVerdict()
    {
    }

    /**
     * @return one sentence per failed check, naming the figure and its bound; empty when the soak passed.
     */
    public static List<String> failures(final SoakReport report)
    {
        final List<String> failures = new ArrayList<>();
        final SoakReport.RuntimeEnd runtime = report.runtime();
        if (runtime.died())
        {
            failures.add(String.format(Locale.ROOT, "the runtime process died %.1f s into the run (exit %d)",
                runtime.diedAfterS(), runtime.exitCode()));
        }

        final SoakReport.Latency ticks = report.ticks();
        final long deadlineNs = report.setup().deadlineNs();
        if (ticks.count() <= 0)
        {
            failures.add("no trajectory was received after warm-up: no tick time to judge");
        }
        else if (ticks.p999Ns() > deadlineNs)
        {
            failures.add(String.format(Locale.ROOT, "tick p99.9 %.3f ms is over the profile's deadline %.3f ms",
                ticks.p999Ns() / 1e6, deadlineNs / 1e6));
        }

        final SoakReport.Gc gc = report.gc();
        if (gc.afterWarmupCount() > 0)
        {
            failures.add(String.format(Locale.ROOT, "%d GC pause(s) after warm-up (%.3f ms in all): the runtime " +
                "allocates in steady state", gc.afterWarmupCount(), gc.afterWarmupPauseNs() / 1e6));
        }

        final SoakReport.Rss rss = report.rss();
        final long bound = report.setup().rssGrowthBoundBytes();
        if (rss.startBytes() < 0 || rss.endBytes() < 0)
        {
            failures.add("RSS not measured (no /proc/PID/status): its growth cannot be judged");
        }
        else if (rss.endBytes() - rss.startBytes() > bound)
        {
            failures.add(String.format(Locale.ROOT, "RSS grew by %.1f MiB after warm-up (%.1f to %.1f MiB), " +
                "more than the bound of %.1f MiB", (rss.endBytes() - rss.startBytes()) / 1048576.0,
                rss.startBytes() / 1048576.0, rss.endBytes() / 1048576.0, bound / 1048576.0));
        }

        final SoakReport.Stream stream = report.stream();
        final long unanswered = stream.validUnanswered() + stream.badAgentUnanswered();
        if (unanswered > stream.superseded())
        {
            failures.add(String.format(Locale.ROOT, "%d frame(s) the runtime plans on went unanswered (%d valid, " +
                "%d with one bad agent), only %d superseded by a newer frame", unanswered, stream.validUnanswered(),
                stream.badAgentUnanswered(), stream.superseded()));
        }

        final long phantoms = report.counters().getOrDefault(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE, 0L);
        if (phantoms > 0)
        {
            failures.add(phantoms + " emergency stop(s) because every candidate was predicted to collide, in " +
                "traffic that never puts anyone in the ego's path");
        }
        return failures;
    }
}
