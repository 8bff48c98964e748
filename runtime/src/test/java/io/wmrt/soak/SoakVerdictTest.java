package io.wmrt.soak;

import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verdict on reports built by hand to pass, or to fail one check each: what a CI gate would turn red on.
 */
class SoakVerdictTest
{
    private static final long DEADLINE_NS = 80_000_000L;
    private static final long MIB = 1L << 20;

    private static SoakReport.Setup setup()
    {
        return new SoakReport.Setup("host-x86-64", "cv-baseline", 10, DEADLINE_NS, "none", 10, 180, 30, 150, 256,
            32 * MIB);
    }

    private static SoakReport.Stream stream(final long validUnanswered, final long superseded)
    {
        return new SoakReport.Stream(1800, 1800 - validUnanswered, validUnanswered, superseded,
            Map.of("NOMINAL", 1800L - validUnanswered), 0, 0, Map.of("NAN_EGO_SPEED", 15L), 0, 1_000_000L, 0);
    }

    private static SoakReport.Latency ticks(final long p999Ns)
    {
        return new SoakReport.Latency(1500, 900_000L, 2_000_000L, p999Ns, p999Ns + 1_000_000L);
    }

    private static SoakReport.Gc gc(final long afterWarmup)
    {
        return new SoakReport.Gc(afterWarmup, afterWarmup * 3_000_000L, afterWarmup + 1, 5_000_000L, 4, 3 * MIB,
            3 * MIB, MIB, 2, 100_000L, 60_000L, "0.060 ms (Cleanup at 40.0 s)",
            afterWarmup > 0 ? List.of("GC(2) at 100.0 s: Pause Young (Allocation Failure), 64.0 to 3.0 MiB") :
                List.of(), List.of());
    }

    private static SoakReport.Rss rss(final long growthBytes)
    {
        return new SoakReport.Rss(400 * MIB, 400 * MIB + growthBytes, 400 * MIB + growthBytes);
    }

    private static SoakReport.RuntimeEnd runtime(final boolean died)
    {
        return new SoakReport.RuntimeEnd(4242, died, died ? 134 : 143, died ? 75.0 : Double.NaN,
            "planner alloc_bytes_per_tick 0.0", "");
    }

    private static Map<WmrtCounter, Long> counters(final long allCollide)
    {
        final Map<WmrtCounter, Long> counters = new EnumMap<>(WmrtCounter.class);
        counters.put(WmrtCounter.TICKS, 1950L);
        counters.put(WmrtCounter.MINIMAL_RISK_ALL_COLLIDE, allCollide);
        return counters;
    }

    private static SoakReport report(
        final SoakReport.Stream stream, final SoakReport.Latency ticks, final SoakReport.Gc gc,
        final SoakReport.Rss rss, final SoakReport.RuntimeEnd runtime, final Map<WmrtCounter, Long> counters)
    {
        return new SoakReport(setup(), stream, ticks, ticks(5_000_000L), gc, rss, runtime, counters, Map.of());
    }

    private static SoakReport passing()
    {
        return report(stream(0, 0), ticks(5_000_000L), gc(0), rss(MIB), runtime(false), counters(0));
    }

    private static void assertFailsOnce(final SoakReport report, final String expected)
    {
        final List<String> failures = SoakVerdict.failures(report);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains(expected), failures.get(0));
    }

    @Test
    void shouldPassWhenEveryFigureIsWithinItsBound()
    {
        assertEquals(List.of(), SoakVerdict.failures(passing()));
    }

    @Test
    void shouldFailWhenAGcHappensAfterWarmUp()
    {
        assertFailsOnce(report(stream(0, 0), ticks(5_000_000L), gc(1), rss(MIB), runtime(false), counters(0)),
            "1 GC pause(s) after warm-up");
    }

    @Test
    void shouldFailWhenTickP999IsOverTheDeadline()
    {
        assertFailsOnce(report(stream(0, 0), ticks(DEADLINE_NS + 2_500_000L), gc(0), rss(MIB), runtime(false),
            counters(0)), "tick p99.9 82.500 ms is over the profile's deadline 80.000 ms");
    }

    @Test
    void shouldPassWhenTickP999IsExactlyTheDeadline()
    {
        assertEquals(List.of(), SoakVerdict.failures(
            report(stream(0, 0), ticks(DEADLINE_NS), gc(0), rss(MIB), runtime(false), counters(0))));
    }

    @Test
    void shouldFailWhenRssGrowsPastTheBound()
    {
        assertFailsOnce(report(stream(0, 0), ticks(5_000_000L), gc(0), rss(40 * MIB), runtime(false), counters(0)),
            "RSS grew by 40.0 MiB after warm-up (400.0 to 440.0 MiB), more than the bound of 32.0 MiB");
    }

    @Test
    void shouldPassWhenRssGrowsByExactlyTheBound()
    {
        assertEquals(List.of(), SoakVerdict.failures(
            report(stream(0, 0), ticks(5_000_000L), gc(0), rss(32 * MIB), runtime(false), counters(0))));
    }

    @Test
    void shouldFailWhenRssCouldNotBeMeasured()
    {
        assertFailsOnce(report(stream(0, 0), ticks(5_000_000L), gc(0),
            new SoakReport.Rss(SoakReport.NOT_MEASURED, SoakReport.NOT_MEASURED, SoakReport.NOT_MEASURED),
            runtime(false), counters(0)), "RSS not measured");
    }

    @Test
    void shouldFailWhenTheRuntimeDied()
    {
        assertFailsOnce(report(stream(0, 0), ticks(5_000_000L), gc(0), rss(MIB), runtime(true), counters(0)),
            "the runtime process died 75.0 s into the run (exit 134)");
    }

    @Test
    void shouldFailWhenNothingWasAnsweredAfterWarmUp()
    {
        assertFailsOnce(report(stream(0, 0), new SoakReport.Latency(0, -1, -1, -1, -1), gc(0), rss(MIB),
            runtime(false), counters(0)), "no trajectory was received after warm-up");
    }

    @Test
    void shouldFailWhenAValidFrameGoesUnansweredWithoutBeingSuperseded()
    {
        assertFailsOnce(report(stream(2, 1), ticks(5_000_000L), gc(0), rss(MIB), runtime(false), counters(0)),
            "2 frame(s) the runtime plans on went unanswered (2 valid, 0 with one bad agent), only 1 superseded");
    }

    @Test
    void shouldPassWhenEveryUnansweredFrameWasSupersededByANewerOne()
    {
        assertEquals(List.of(), SoakVerdict.failures(
            report(stream(2, 2), ticks(5_000_000L), gc(0), rss(MIB), runtime(false), counters(0))));
    }

    @Test
    void shouldFailWhenTheRuntimeStoppedForAPhantomCollision()
    {
        assertFailsOnce(report(stream(0, 0), ticks(5_000_000L), gc(0), rss(MIB), runtime(false), counters(3)),
            "3 emergency stop(s) because every candidate was predicted to collide");
    }

    @Test
    void shouldNameEveryFailedCheckWhenSeveralFail()
    {
        final List<String> failures = SoakVerdict.failures(
            report(stream(0, 0), ticks(DEADLINE_NS * 2), gc(3), rss(64 * MIB), runtime(true), counters(0)));
        assertEquals(4, failures.size(), failures.toString());
    }
}
