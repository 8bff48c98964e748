package io.wmrt.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link JmhGate} holds a run to, read from a properties file (see bench/gate-baseline.properties):
 * <pre>
 * alloc.hot_path_max_bytes_per_op = 0.5
 * alloc.jmh_iteration_overhead_bytes = 8192
 * hot_path = BusBenchmark.publishReceiveSameProcess, PlannerStagesBenchmark.scenePacking, ...
 * known_allocating.&lt;label&gt; = &lt;benchmark&gt;, measured &lt;B/op&gt;, ceiling &lt;B/op&gt;
 * ratio.&lt;label&gt; = &lt;benchmark A&gt; / &lt;benchmark B&gt;, baseline &lt;A/B&gt;, margin &lt;m&gt;[, optional]
 * </pre>
 * Benchmark names are {@code SimpleClass.method}, with {@code [param=value,...]} for a benchmark with JMH
 * parameters, as {@link BenchmarkScore#name()} spells them. Any other key, a malformed value, or a benchmark listed
 * both as hot path and as known allocating is refused with the key and the reason.
 * <p>
 * Immutable once read; safe to share between threads.
 */
public final class GateBaseline
{
    public static final String ALLOC_THRESHOLD_KEY = "alloc.hot_path_max_bytes_per_op";
    public static final String ITERATION_OVERHEAD_KEY = "alloc.jmh_iteration_overhead_bytes";
    public static final String HOT_PATH_KEY = "hot_path";
    public static final String KNOWN_ALLOCATING_PREFIX = "known_allocating.";
    public static final String RATIO_PREFIX = "ratio.";
    /** JMH never reports exactly 0 B/op (about 1e-4 of noise): the default ceiling for a hot path. */
    public static final double DEFAULT_ALLOC_THRESHOLD = 0.5;

    /**
     * A benchmark that allocates today for a known reason, held under a ceiling so a regression still fails.
     */
    public record KnownAllocating(String label, String benchmark, double measuredBytesPerOp, double ceilingBytesPerOp)
    {
    }

    /**
     * A same-run ratio of two scores: it passes when {@code numerator / denominator <= baseline * (1 + margin)}.
     */
    public record Ratio(
        String label, String numerator, String denominator, double baseline, double margin, boolean optional)
    {
        public double limit()
        {
            return baseline * (1 + margin);
        }
    }

    private final double allocThreshold;
    private final double iterationOverheadBytes;
    private final List<String> hotPath;
    private final List<KnownAllocating> knownAllocating;
    private final List<Ratio> ratios;

    private GateBaseline(
        final double allocThreshold,
        final double iterationOverheadBytes,
        final List<String> hotPath,
        final List<KnownAllocating> knownAllocating,
        final List<Ratio> ratios)
    {
        this.allocThreshold = allocThreshold;
        this.iterationOverheadBytes = iterationOverheadBytes;
        this.hotPath = List.copyOf(hotPath);
        this.knownAllocating = List.copyOf(knownAllocating);
        this.ratios = List.copyOf(ratios);
    }

    public static GateBaseline parse(final String text)
    {
        try
        {
            return read(new StringReader(text));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("reading a string cannot fail", ex);
        }
    }

    /**
     * @throws IllegalArgumentException naming the key and what is wrong with it.
     */
    public static GateBaseline read(final Reader reader) throws IOException
    {
        final Properties properties = new Properties();
        properties.load(reader);
        double threshold = DEFAULT_ALLOC_THRESHOLD;
        double overhead = 0;
        final List<String> hotPath = new ArrayList<>();
        final List<KnownAllocating> known = new ArrayList<>();
        final List<Ratio> ratios = new ArrayList<>();
        // Sorted, so that checks are reported in the same order whatever the file's order.
        for (final String key : new TreeSet<>(properties.stringPropertyNames()))
        {
            final String value = properties.getProperty(key).trim();
            if (key.equals(ALLOC_THRESHOLD_KEY))
            {
                threshold = number(key, value);
            }
            else if (key.equals(ITERATION_OVERHEAD_KEY))
            {
                overhead = number(key, value);
            }
            else if (key.equals(HOT_PATH_KEY))
            {
                hotPath.addAll(names(key, value));
            }
            else if (key.startsWith(KNOWN_ALLOCATING_PREFIX))
            {
                known.add(knownAllocating(key, key.substring(KNOWN_ALLOCATING_PREFIX.length()), value));
            }
            else if (key.startsWith(RATIO_PREFIX))
            {
                ratios.add(ratio(key, key.substring(RATIO_PREFIX.length()), value));
            }
            else
            {
                throw new IllegalArgumentException(key + ": unknown key (known: " + ALLOC_THRESHOLD_KEY + ", " +
                    ITERATION_OVERHEAD_KEY + ", " + HOT_PATH_KEY + ", " + KNOWN_ALLOCATING_PREFIX + "<label>, " +
                    RATIO_PREFIX + "<label>)");
            }
        }
        for (final KnownAllocating entry : known)
        {
            if (hotPath.contains(entry.benchmark()))
            {
                throw new IllegalArgumentException(KNOWN_ALLOCATING_PREFIX + entry.label() + ": " + entry.benchmark() +
                    " is also listed in " + HOT_PATH_KEY + "; a benchmark is one or the other");
            }
        }
        return new GateBaseline(threshold, overhead, hotPath, known, ratios);
    }

    public double allocThreshold()
    {
        return allocThreshold;
    }

    /**
     * Bytes JMH itself allocates in every measurement iteration (counted by {@code -prof gc} across the
     * fork's threads, whatever the benchmark): spread over the iteration's ops, it is added to a hot path's
     * threshold. It matters only for slow ops: 8 KB over a million ops is 0.008 B/op, over 1,700 ops 4.8 B/op.
     */
    public double iterationOverheadBytes()
    {
        return iterationOverheadBytes;
    }

    /**
     * The allocation limit of a hot-path benchmark with {@code opsPerIteration} ops in each iteration.
     */
    public double hotPathLimit(final double opsPerIteration)
    {
        return Double.isNaN(opsPerIteration) || opsPerIteration <= 0 ? allocThreshold :
            allocThreshold + iterationOverheadBytes / opsPerIteration;
    }

    public List<String> hotPath()
    {
        return hotPath;
    }

    public List<KnownAllocating> knownAllocating()
    {
        return knownAllocating;
    }

    public List<Ratio> ratios()
    {
        return ratios;
    }

    /**
     * @return the gate's role for a benchmark, for the results table: hot path, known allocating, or "".
     */
    public String roleOf(final String benchmark)
    {
        if (hotPath.contains(benchmark))
        {
            return "hot path";
        }
        for (final KnownAllocating entry : knownAllocating)
        {
            if (entry.benchmark().equals(benchmark))
            {
                return "known allocating";
            }
        }
        return "";
    }

    private static KnownAllocating knownAllocating(final String key, final String label, final String value)
    {
        final String[] parts = splitOutsideBrackets(value, ',');
        if (label.isEmpty() || parts.length != 3)
        {
            throw new IllegalArgumentException(key + ": expected '<benchmark>, measured <B/op>, ceiling <B/op>', " +
                "got '" + value + "'");
        }
        final String benchmark = benchmarkName(key, parts[0]);
        final double measured = number(key, word(key, "measured", parts[1]));
        final double ceiling = number(key, word(key, "ceiling", parts[2]));
        if (ceiling < measured)
        {
            throw new IllegalArgumentException(key + ": ceiling " + ceiling + " is below the measured " + measured);
        }
        return new KnownAllocating(label, benchmark, measured, ceiling);
    }

    private static Ratio ratio(final String key, final String label, final String value)
    {
        final String[] parts = splitOutsideBrackets(value, ',');
        final boolean optional = parts.length == 4 && parts[3].trim().equals("optional");
        if (label.isEmpty() || !(parts.length == 3 || optional))
        {
            throw new IllegalArgumentException(key + ": expected '<benchmark A> / <benchmark B>, baseline <A/B>, " +
                "margin <fraction>[, optional]', got '" + value + "'");
        }
        final String[] names = splitOutsideBrackets(parts[0], '/');
        if (names.length != 2)
        {
            throw new IllegalArgumentException(key + ": expected '<benchmark A> / <benchmark B>', got '" +
                parts[0].trim() + "'");
        }
        final double baseline = number(key, word(key, "baseline", parts[1]));
        final double margin = number(key, word(key, "margin", parts[2]));
        if (baseline <= 0 || margin < 0)
        {
            throw new IllegalArgumentException(key + ": baseline must be positive and margin not negative");
        }
        return new Ratio(label, benchmarkName(key, names[0]), benchmarkName(key, names[1]), baseline, margin, optional);
    }

    private static List<String> names(final String key, final String value)
    {
        final Set<String> names = new LinkedHashSet<>();
        for (final String part : splitOutsideBrackets(value, ','))
        {
            if (!part.isBlank() && !names.add(benchmarkName(key, part)))
            {
                throw new IllegalArgumentException(key + ": " + part.trim() + " is listed twice");
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Split at {@code separator}, except inside a benchmark's {@code [param=value,...]}.
     */
    private static String[] splitOutsideBrackets(final String text, final char separator)
    {
        final List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            depth += c == '[' ? 1 : c == ']' ? -1 : 0;
            if (c == separator && depth == 0)
            {
                parts.add(text.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts.toArray(new String[0]);
    }

    private static String benchmarkName(final String key, final String text)
    {
        final String name = text.trim();
        if (!name.matches("[A-Za-z_$][\\w$]*\\.[A-Za-z_$][\\w$]*(\\[[^\\]]*\\])?"))
        {
            throw new IllegalArgumentException(key + ": '" + name + "' is not a benchmark name (SimpleClass.method)");
        }
        return name;
    }

    private static String word(final String key, final String expected, final String part)
    {
        final String[] words = part.trim().split("\\s+");
        if (words.length != 2 || !words[0].equals(expected))
        {
            throw new IllegalArgumentException(key + ": expected '" + expected + " <number>', got '" + part.trim() +
                "'");
        }
        return words[1];
    }

    private static double number(final String key, final String text)
    {
        try
        {
            final double value = Double.parseDouble(text.trim());
            if (Double.isNaN(value) || Double.isInfinite(value) || value < 0)
            {
                throw new NumberFormatException();
            }
            return value;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(key + ": '" + text.trim() + "' is not a non-negative number " +
                "(" + String.format(Locale.ROOT, "e.g. %.2f", DEFAULT_ALLOC_THRESHOLD) + ")");
        }
    }
}
