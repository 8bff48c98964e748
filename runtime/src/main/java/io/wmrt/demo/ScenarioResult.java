package io.wmrt.demo;

import java.util.Locale;

/**
 * What one closed-loop scene run produced, as printed by {@code wmrt demo} and written to its summary JSON.
 *
 * @param name                scene name.
 * @param ticks               planning ticks.
 * @param tickMsP50           median tick time.
 * @param tickMsP99           99th percentile tick time.
 * @param collisions          contacts between the ego's footprint and any road user's.
 * @param minDistanceM        smallest footprint-to-footprint distance to any road user.
 * @param progressM           distance the ego advanced along its route.
 * @param backend             backends that ran the graphs.
 * @param allocBytesPerTick   bytes the planner thread allocated per tick after warm-up (measured).
 * @param redLightViolations  stop-line crossings on red.
 * @param overtookQueue       whether the ego left its lane while the light was red.
 * @param maxDecelMps2        hardest braking of the ego.
 * @param minTtcS             smallest predicted time to collision published.
 * @param minimalRiskTicks    ticks that fell back to a minimal-risk stop.
 * @param passed              no collision, no red-light violation, no queue overtake, enough progress.
 */
public record ScenarioResult(
    String name,
    long ticks,
    double tickMsP50,
    double tickMsP99,
    int collisions,
    double minDistanceM,
    double progressM,
    String backend,
    double allocBytesPerTick,
    int redLightViolations,
    boolean overtookQueue,
    double maxDecelMps2,
    double minTtcS,
    long minimalRiskTicks,
    boolean passed)
{
    public String toJson()
    {
        return String.format(Locale.ROOT,
            "{\"name\":\"%s\",\"ticks\":%d,\"tick_ms_p50\":%.3f,\"tick_ms_p99\":%.3f,\"collisions\":%d," +
            "\"min_distance_m\":%.3f,\"progress_m\":%.2f,\"backend\":\"%s\",\"alloc_bytes_per_tick\":%.1f," +
            "\"red_light_violations\":%d,\"overtook_queue\":%b,\"max_decel_mps2\":%.2f,\"min_ttc_s\":%s," +
            "\"minimal_risk_ticks\":%d,\"passed\":%b}",
            name, ticks, tickMsP50, tickMsP99, collisions, minDistanceM, progressM, backend, allocBytesPerTick,
            redLightViolations, overtookQueue, maxDecelMps2,
            Double.isFinite(minTtcS) ? String.format(Locale.ROOT, "%.2f", minTtcS) : "null",
            minimalRiskTicks, passed);
    }
}
