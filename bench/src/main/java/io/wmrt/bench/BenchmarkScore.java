package io.wmrt.bench;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One benchmark's result as the gate sees it, read from a JMH JSON result file ({@code -rf json}).
 *
 * @param name             {@code SimpleClass.method}, with {@code [param=value,...]} appended when the benchmark
 *                         has JMH parameters: the name the baseline file uses.
 * @param mode             JMH's short mode label: avgt, thrpt, sample, ss.
 * @param score            primary metric.
 * @param scoreError       its 99.9% error half-width (NaN when JMH could not compute one).
 * @param unit             primary metric unit, e.g. ns/op.
 * @param allocBytesPerOp  {@code gc.alloc.rate.norm} in B/op, or NaN when the run had no {@code -prof gc}.
 * @param iterationNanos   length of one measurement iteration ("measurementTime"), or NaN for single-shot runs.
 */
public record BenchmarkScore(
    String name,
    String mode,
    double score,
    double scoreError,
    String unit,
    double allocBytesPerOp,
    double iterationNanos)
{
    private static final String ALLOC_NORM = "gc.alloc.rate.norm";
    private static final Map<String, Double> NANOS_PER_UNIT = Map.of(
        "ns", 1.0, "us", 1e3, "ms", 1e6, "s", 1e9, "min", 60e9, "hr", 3600e9, "day", 86400e9);

    /**
     * @return true for modes whose score is time per operation, where lower is better.
     */
    public boolean isTimePerOp()
    {
        return mode.equals("avgt") || mode.equals("sample") || mode.equals("ss");
    }

    /**
     * Operations in one measurement iteration, from the iteration length and the time per op: how many ops
     * JMH's own fixed per-iteration allocation was spread over.
     *
     * @return the estimate, or NaN when the score is not a time per op or the iterations had no fixed length.
     */
    public double opsPerIteration()
    {
        if (!isTimePerOp() || !unit.endsWith("/op"))
        {
            return Double.NaN;
        }
        final Double nanosPerUnit = NANOS_PER_UNIT.get(unit.substring(0, unit.length() - "/op".length()));
        return null == nanosPerUnit || score <= 0 ? Double.NaN : iterationNanos / (score * nanosPerUnit);
    }

    /**
     * Parse a JMH JSON result file: an array of objects with "benchmark", "mode", "params" (optional),
     * "primaryMetric" {"score", "scoreError", "scoreUnit"} and "secondaryMetrics" {"gc.alloc.rate.norm":
     * {"score"}}.
     *
     * @throws IllegalArgumentException naming what is missing or malformed.
     */
    public static List<BenchmarkScore> parseAll(final String json)
    {
        final Object root;
        try
        {
            // JSON is YAML: the runtime's YAML reader, safe constructor, reads JMH's results as they are.
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(json);
        }
        catch (final YAMLException ex)
        {
            throw new IllegalArgumentException("not a JMH JSON result: " + ex.getMessage().replace('\n', ' '), ex);
        }
        if (!(root instanceof List<?> entries))
        {
            throw new IllegalArgumentException("a JMH JSON result is an array of benchmarks; this is not an array");
        }
        final List<BenchmarkScore> scores = new ArrayList<>();
        for (final Object entry : entries)
        {
            final Map<?, ?> benchmark = asObject(entry, "benchmark entry");
            final String fullName = asString(benchmark.get("benchmark"), "benchmark");
            final Map<?, ?> primary = asObject(benchmark.get("primaryMetric"), fullName + ": primaryMetric");
            double alloc = Double.NaN;
            final Object secondary = benchmark.get("secondaryMetrics");
            if (secondary instanceof Map<?, ?> metrics)
            {
                for (final Map.Entry<?, ?> metric : metrics.entrySet())
                {
                    // JMH before 1.35 prefixed profiler metrics with a middle dot.
                    if (String.valueOf(metric.getKey()).endsWith(ALLOC_NORM))
                    {
                        alloc = asNumber(asObject(metric.getValue(), fullName + ": " + ALLOC_NORM).get("score"),
                            fullName + ": " + ALLOC_NORM + ".score");
                    }
                }
            }
            scores.add(new BenchmarkScore(
                shortName(fullName, benchmark.get("params")),
                asString(benchmark.get("mode"), fullName + ": mode"),
                asNumber(primary.get("score"), fullName + ": primaryMetric.score"),
                asNumber(primary.get("scoreError"), fullName + ": primaryMetric.scoreError"),
                asString(primary.get("scoreUnit"), fullName + ": primaryMetric.scoreUnit"),
                alloc,
                nanos(benchmark.get("measurementTime"))));
        }
        return scores;
    }

    /**
     * JMH writes an iteration length as "1 s", "500 ms", or "single-shot".
     */
    private static double nanos(final Object time)
    {
        if (time instanceof String text)
        {
            final String[] parts = text.trim().split(" ");
            if (parts.length == 2 && NANOS_PER_UNIT.containsKey(parts[1]))
            {
                try
                {
                    return Long.parseLong(parts[0]) * NANOS_PER_UNIT.get(parts[1]);
                }
                catch (final NumberFormatException ex)
                {
                    return Double.NaN;
                }
            }
        }
        return Double.NaN;
    }

    private static String shortName(final String fullName, final Object params)
    {
        final int method = fullName.lastIndexOf('.');
        final int type = method > 0 ? fullName.lastIndexOf('.', method - 1) : -1;
        final String name = fullName.substring(type + 1);
        if (!(params instanceof Map<?, ?> values) || values.isEmpty())
        {
            return name;
        }
        final StringJoiner joined = new StringJoiner(",", name + "[", "]");
        values.forEach((key, value) -> joined.add(key + "=" + value));
        return joined.toString();
    }

    private static Map<?, ?> asObject(final Object value, final String what)
    {
        if (value instanceof Map<?, ?> map)
        {
            return map;
        }
        throw new IllegalArgumentException(what + " is missing or not an object");
    }

    private static String asString(final Object value, final String what)
    {
        if (value instanceof String text)
        {
            return text;
        }
        throw new IllegalArgumentException(what + " is missing or not a string");
    }

    /**
     * JMH writes NaN and infinities as strings ("NaN").
     */
    private static double asNumber(final Object value, final String what)
    {
        if (value instanceof Number number)
        {
            return number.doubleValue();
        }
        if (value instanceof String text)
        {
            try
            {
                return Double.parseDouble(text);
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(what + " is not a number: \"" + text + "\"", ex);
            }
        }
        throw new IllegalArgumentException(what + " is missing or not a number");
    }
}
