package io.wmrt.soak;

import io.wmrt.config.JsonWriter;
import io.wmrt.telemetry.WmrtCounter;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one soak measured, as figures only: the setup, the scene stream and its answers, tick and round-trip
 * latency after warm-up, GC and safepoints from the runtime's own GC log, heap and RSS, how the runtime
 * process ended, and every counter of the instance. {@link SoakVerdict} judges it; {@link #toJson} and
 * {@link #summary} write it out.
 * <p>
 * Immutable; safe from any thread.
 *
 * @param setup            what ran.
 * @param stream           what was written and what was answered.
 * @param ticks            the runtime's own {@code tickNanos} of every trajectory after warm-up.
 * @param roundTrip        from committing a valid frame to receiving its answer, in the soak's process.
 * @param gc               GC pauses and safepoints, heap after GC.
 * @param rss              the runtime process's resident set.
 * @param runtime          how the runtime process ended.
 * @param counters         every counter of the instance at the end of the run.
 * @param expectedCounters what the malformed items written should have raised each counter by.
 */
public record SoakReport(
    Setup setup,
    Stream stream,
    Latency ticks,
    Latency roundTrip,
    Gc gc,
    Rss rss,
    RuntimeEnd runtime,
    Map<WmrtCounter, Long> counters,
    Map<WmrtCounter, Long> expectedCounters)
{
    /** A figure that could not be measured (no /proc, no jcmd, no GC to read it from). */
    public static final long NOT_MEASURED = -1;

    /**
     * @param deadlineNs          the profile's deadline: what tick p99.9 is held to.
     * @param rssGrowthBoundBytes what RSS may grow by after warm-up.
     */
    public record Setup(
        String profile,
        String model,
        double rateHz,
        long deadlineNs,
        String faults,
        int badEvery,
        double durationS,
        double warmupS,
        double measuredS,
        int heapMiB,
        long rssGrowthBoundBytes)
    {
    }

    /**
     * @param validWritten         valid frames written.
     * @param validUnanswered      valid frames no trajectory answered.
     * @param superseded           frames the runtime counted as superseded before planning (an excuse for
     *                             an unanswered frame).
     * @param plannedModes         answers to the frames the runtime plans on (valid ones and those with one
     *                             bad agent), by plan mode.
     * @param badAgentUnanswered   frames with one bad agent that no trajectory answered.
     * @param rejectedAnswered     rejected frames answered (with the stop along the last plan, once it is
     *                             older than the deadline).
     * @param malformedWritten     malformed items written, by {@link MalformedKind} name.
     * @param slotsSkipped         frame slots the producer skipped because it woke more than a period late.
     * @param maxLatenessNs        the producer's worst wake-up lateness after warm-up.
     * @param ringFull             items not written because the scene ring was full.
     */
    public record Stream(
        long validWritten,
        long validAnswered,
        long validUnanswered,
        long superseded,
        Map<String, Long> plannedModes,
        long badAgentUnanswered,
        long rejectedAnswered,
        Map<String, Long> malformedWritten,
        long slotsSkipped,
        long maxLatenessNs,
        long ringFull)
    {
        public long malformedTotal()
        {
            long total = 0;
            for (final long count : malformedWritten.values())
            {
                total += count;
            }
            return total;
        }
    }

    /**
     * Percentiles from an HdrHistogram; all {@link #NOT_MEASURED} when nothing was recorded.
     */
    public record Latency(long count, long p50Ns, long p99Ns, long p999Ns, long maxNs)
    {
    }

    /**
     * @param afterWarmup          GC pauses after warm-up (the soak's own forced ones not included).
     * @param overall              GC pauses of the whole run, the soak's forced ones not included.
     * @param forced               GC pauses the soak asked for ({@code jcmd GC.run}) to read the heap.
     * @param heapAfterGcStartBytes heap after the GC at the end of warm-up.
     * @param heapAfterGcEndBytes   heap after the GC at the end of the run.
     * @param heapGrowthBytes       heap used just before the final GC less heap after the warm-up one: an upper
     *                              bound on what the runtime allocated after warm-up (to a thread-local
     *                              allocation buffer), valid when no GC ran between.
     * @param longestSafepoint      the longest safepoint after warm-up, its operation and time; empty if none.
     * @param pausesAfterWarmup     each GC pause after warm-up, as the log names it.
     * @param allocatedAfterWarmup  the classes the runtime's heap grew by after warm-up, most bytes first (from
     *                              two class histograms, valid when no GC ran between).
     */
    public record Gc(
        long afterWarmupCount,
        long afterWarmupPauseNs,
        long overallCount,
        long overallPauseNs,
        long forcedCount,
        long heapAfterGcStartBytes,
        long heapAfterGcEndBytes,
        long heapGrowthBytes,
        long safepointsAfterWarmup,
        long safepointTotalNsAfterWarmup,
        long safepointMaxNsAfterWarmup,
        String longestSafepoint,
        List<String> pausesAfterWarmup,
        List<String> allocatedAfterWarmup)
    {
    }

    /**
     * RSS in bytes from /proc/PID/status, {@link #NOT_MEASURED} where there is none.
     */
    public record Rss(long startBytes, long endBytes, long maxBytes)
    {
        public long growthBytes()
        {
            return startBytes < 0 || endBytes < 0 ? NOT_MEASURED : endBytes - startBytes;
        }
    }

    /**
     * @param died              true when the runtime exited before the soak stopped it.
     * @param exitCode          its exit code once stopped (143 for SIGTERM), -1 if unknown.
     * @param diedAfterS        seconds into the run when it was found dead; NaN when it did not die.
     * @param plannerAllocation the runtime's own report of the planner thread's allocation, from its output.
     * @param outputTail        the end of its output when it died, else empty.
     */
    public record RuntimeEnd(
        long pid, boolean died, int exitCode, double diedAfterS, String plannerAllocation, String outputTail)
    {
    }

    /**
     * @return the report and the verdict's failures as JSON.
     */
    public String toJson(final List<String> failures)
    {
        final JsonWriter json = new JsonWriter().beginObject(null);
        json.field("passed", failures.isEmpty()).beginArray("failures");
        failures.forEach(json::value);
        json.endArray();

        json.beginObject("setup")
            .field("profile", setup.profile)
            .field("model", setup.model)
            .field("rate_hz", setup.rateHz, 3)
            .field("deadline_ms", setup.deadlineNs / 1e6, 3)
            .field("faults", setup.faults)
            .field("bad_every", setup.badEvery)
            .field("duration_s", setup.durationS, 1)
            .field("warmup_s", setup.warmupS, 1)
            .field("measured_s", setup.measuredS, 1)
            .field("heap_mib", setup.heapMiB)
            .field("rss_growth_bound_bytes", setup.rssGrowthBoundBytes)
            .endObject();

        json.beginObject("frames")
            .field("valid_written", stream.validWritten)
            .field("valid_answered", stream.validAnswered)
            .field("valid_unanswered", stream.validUnanswered)
            .field("superseded", stream.superseded)
            .field("bad_agent_unanswered", stream.badAgentUnanswered)
            .field("rejected_answered", stream.rejectedAnswered)
            .field("slots_skipped", stream.slotsSkipped)
            .field("producer_max_lateness_ms", stream.maxLatenessNs / 1e6, 3)
            .field("ring_full", stream.ringFull)
            .field("malformed_written", stream.malformedTotal());
        json.beginObject("malformed_by_kind");
        stream.malformedWritten.forEach((kind, count) -> json.field(kind.toLowerCase(Locale.ROOT), count));
        json.endObject().beginObject("planned_answers_by_mode");
        stream.plannedModes.forEach((mode, count) -> json.field(mode.toLowerCase(Locale.ROOT), count));
        json.endObject().endObject();

        latency(json, "tick", ticks);
        latency(json, "round_trip", roundTrip);

        json.beginObject("gc")
            .field("after_warmup_count", gc.afterWarmupCount)
            .field("after_warmup_pause_ms", gc.afterWarmupPauseNs / 1e6, 3)
            .field("overall_count", gc.overallCount)
            .field("overall_pause_ms", gc.overallPauseNs / 1e6, 3)
            .field("forced_by_soak", gc.forcedCount)
            .field("heap_after_gc_start_bytes", gc.heapAfterGcStartBytes)
            .field("heap_after_gc_end_bytes", gc.heapAfterGcEndBytes)
            .field("heap_growth_after_warmup_bytes", gc.heapGrowthBytes)
            .field("safepoints_after_warmup", gc.safepointsAfterWarmup)
            .field("safepoint_total_ms_after_warmup", gc.safepointTotalNsAfterWarmup / 1e6, 3)
            .field("safepoint_max_ms_after_warmup", gc.safepointMaxNsAfterWarmup / 1e6, 3)
            .field("longest_safepoint_after_warmup", gc.longestSafepoint)
            .beginArray("pauses_after_warmup");
        gc.pausesAfterWarmup.forEach(json::value);
        json.endArray().beginArray("allocated_after_warmup");
        gc.allocatedAfterWarmup.forEach(json::value);
        json.endArray().endObject();

        json.beginObject("rss")
            .field("start_bytes", rss.startBytes)
            .field("end_bytes", rss.endBytes)
            .field("max_bytes", rss.maxBytes)
            .field("growth_bytes", rss.growthBytes())
            .endObject();

        json.beginObject("runtime")
            .field("pid", runtime.pid)
            .field("died", runtime.died)
            .field("exit_code", runtime.exitCode)
            .field("died_after_s", runtime.diedAfterS, 1)
            .field("planner_allocation", runtime.plannerAllocation)
            .endObject();

        json.beginObject("counters");
        counters.forEach((counter, value) -> json.field(counter.name().toLowerCase(Locale.ROOT), value));
        json.endObject().beginObject("expected_counters");
        expectedCounters.forEach((counter, value) -> json.field(counter.name().toLowerCase(Locale.ROOT), value));
        json.endObject();

        return json.endObject().text();
    }

    private static void latency(final JsonWriter json, final String name, final Latency latency)
    {
        json.beginObject(name)
            .field("count", latency.count)
            .field("p50_ms", ms(latency.p50Ns), 3)
            .field("p99_ms", ms(latency.p99Ns), 3)
            .field("p99_9_ms", ms(latency.p999Ns), 3)
            .field("max_ms", ms(latency.maxNs), 3)
            .endObject();
    }

    private static double ms(final long nanos)
    {
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }

    /**
     * @return the report for a person to read, ending with the verdict.
     */
    public String summary(final List<String> failures)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT,
            "wmrt soak: %.1f min (%.1f s measured after a %.0f s warm-up), %s on %s, frames at %.1f Hz%n",
            setup.durationS / 60, setup.measuredS, setup.warmupS, setup.model, setup.profile, setup.rateHz));
        out.append(String.format(Locale.ROOT, "  malformed  %s; faults %s%n",
            setup.badEvery > 0 ? "one after every " + setup.badEvery + " valid frames, " + stream.malformedTotal() +
                " written" : "none", setup.faults));
        out.append(String.format(Locale.ROOT,
            "  frames     %d valid written, %d answered, %d unanswered (%d superseded); answers by mode %s; " +
                "%d rejected frames answered%n",
            stream.validWritten, stream.validAnswered, stream.validUnanswered, stream.superseded,
            stream.plannedModes, stream.rejectedAnswered));
        out.append(String.format(Locale.ROOT, "  producer   max lateness %.2f ms, %d slots skipped, ring full %d%n",
            stream.maxLatenessNs / 1e6, stream.slotsSkipped, stream.ringFull));
        out.append(String.format(Locale.ROOT, "  ticks      %d after warm-up: %s (deadline %.1f ms)%n",
            ticks.count, percentiles(ticks), setup.deadlineNs / 1e6));
        out.append(String.format(Locale.ROOT, "  round trip %s (frame committed to trajectory received)%n",
            percentiles(roundTrip)));
        out.append(String.format(Locale.ROOT,
            "  gc         after warm-up %d (%.1f ms of pauses); whole run %d (%.1f ms), plus %d forced by the soak " +
                "to read the heap%n",
            gc.afterWarmupCount, gc.afterWarmupPauseNs / 1e6, gc.overallCount, gc.overallPauseNs / 1e6,
            gc.forcedCount));
        for (final String pause : gc.pausesAfterWarmup)
        {
            out.append("             ").append(pause).append('\n');
        }
        out.append(String.format(Locale.ROOT,
            "  heap       after GC %s at the end of warm-up, %s at the end; %s taken in between (in whole " +
                "thread-local buffers)%n",
            mib(gc.heapAfterGcStartBytes), mib(gc.heapAfterGcEndBytes), mib(gc.heapGrowthBytes)));
        out.append("  allocated  after warm-up, by class:");
        if (gc.allocatedAfterWarmup.isEmpty())
        {
            out.append(" nothing\n");
        }
        else
        {
            out.append('\n');
            gc.allocatedAfterWarmup.forEach(line -> out.append("             ").append(line).append('\n'));
        }
        out.append(String.format(Locale.ROOT,
            "  safepoints after warm-up %d, %.2f ms in all%s%n", gc.safepointsAfterWarmup,
            gc.safepointTotalNsAfterWarmup / 1e6, gc.longestSafepoint.isEmpty() ? "" : ", longest " +
                gc.longestSafepoint));
        out.append(String.format(Locale.ROOT,
            "  rss        %s after warm-up, %s at the end (%s%s, bound %s), max %s%n",
            mib(rss.startBytes), mib(rss.endBytes), rss.growthBytes() >= 0 ? "+" : "", mib(rss.growthBytes()),
            mib(setup.rssGrowthBoundBytes), mib(rss.maxBytes)));
        out.append(String.format(Locale.ROOT, "  runtime    pid %d, %s; %s%n", runtime.pid,
            runtime.died ? String.format(Locale.ROOT, "DIED after %.1f s (exit %d)", runtime.diedAfterS,
                runtime.exitCode) : "stopped by the soak (exit " + runtime.exitCode + ")",
            runtime.plannerAllocation));
        out.append("  counters   (in brackets: what the malformed items written should have raised them by)\n");
        for (final Map.Entry<WmrtCounter, Long> counter : counters.entrySet())
        {
            final Long expected = expectedCounters.get(counter.getKey());
            out.append(String.format(Locale.ROOT, "    %-44s %,d%s%n", counter.getKey().label(), counter.getValue(),
                null != expected ? " (" + expected + ")" : ""));
        }
        if (failures.isEmpty())
        {
            out.append("PASS\n");
        }
        else
        {
            out.append("FAIL\n");
            failures.forEach(failure -> out.append("  ").append(failure).append('\n'));
        }
        return out.toString();
    }

    private static String percentiles(final Latency latency)
    {
        if (latency.count <= 0)
        {
            return "none recorded";
        }
        return String.format(Locale.ROOT, "p50 %.3f ms  p99 %.3f ms  p99.9 %.3f ms  max %.3f ms",
            latency.p50Ns / 1e6, latency.p99Ns / 1e6, latency.p999Ns / 1e6, latency.maxNs / 1e6);
    }

    private static String mib(final long bytes)
    {
        return bytes == NOT_MEASURED ? "not measured" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
