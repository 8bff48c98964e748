package io.wmrt.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The CI gate over a JMH run: {@code JmhGate RESULTS.json BASELINE.properties}. It prints every benchmark
 * (score, error, B/op and its role in the gate), then the checks, and fails when
 * <ul>
 *   <li>a hot-path benchmark allocates more than the baseline's threshold per op (or is missing, or was run
 *   without {@code -prof gc});</li>
 *   <li>a known-allocating benchmark allocates more than its ceiling;</li>
 *   <li>a same-run ratio of two scores exceeds {@code baseline * (1 + margin)}, or one of its benchmarks is
 *   missing and the ratio is not optional.</li>
 * </ul>
 * Absolute times are printed, never gated: on shared 2-core machines they move too much.
 * <p>
 * A ratio can be failed by the machine rather than the code: one fork of a benchmark slowed for its few seconds.
 * So a failed ratio gets one re-measurement: {@code --retry-pattern FILE} writes a JMH pattern naming the
 * benchmarks of every failed ratio (nothing is written when no ratio failed), {@code run-gate.sh} runs those
 * again with more forks and iterations, and {@code --retry RETRY.json} judges each ratio whose two benchmarks
 * are in the re-measurement on it alone (the check says so, with the first run's value). A regression fails
 * both measurements; allocation checks are never re-measured (allocation per op does not depend on the
 * machine's speed).
 * Exit codes: 0 passed, 1 a check failed, 2 the input could not be read (the message names the file).
 * <p>
 * Stateless: {@link #evaluate} and {@link #run} are safe from any thread.
 */
public final class JmhGate
{
    public static final int PASSED = 0;
    public static final int FAILED = 1;
    public static final int INPUT_REFUSED = 2;

    /**
     * One gate check and its outcome.
     *
     * @param status PASS, FAIL or SKIP (an optional ratio whose benchmarks did not run).
     * @param text   what was checked, with the measured value and the limit.
     */
    public record Check(String status, String text)
    {
        public boolean failed()
        {
            return status.equals("FAIL");
        }

        @Override
        public String toString()
        {
            return status + "  " + text;
        }
    }

    private JmhGate()
    {
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The command line, with its output streams given.
     *
     * @return the exit code.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        final String usage = "usage: JmhGate RESULTS.json BASELINE.properties [--retry RETRY.json] " +
            "[--retry-pattern FILE]";
        if (args.length < 2 || args.length % 2 != 0)
        {
            err.println(usage);
            return INPUT_REFUSED;
        }
        final Path resultsFile = Path.of(args[0]);
        final Path baselineFile = Path.of(args[1]);
        Path retryFile = null;
        Path retryPatternFile = null;
        for (int i = 2; i < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--retry" -> retryFile = Path.of(args[i + 1]);
                case "--retry-pattern" -> retryPatternFile = Path.of(args[i + 1]);
                default ->
                {
                    err.println("JmhGate: unknown option " + args[i] + "; " + usage);
                    return INPUT_REFUSED;
                }
            }
        }
        final List<BenchmarkScore> scores;
        final List<BenchmarkScore> retryScores;
        final GateBaseline baseline;
        try
        {
            scores = readResults(resultsFile);
            retryScores = null == retryFile ? List.of() : readResults(retryFile);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println("JmhGate: cannot read JMH results " + ex.getMessage());
            return INPUT_REFUSED;
        }
        try (Reader reader = Files.newBufferedReader(baselineFile, StandardCharsets.UTF_8))
        {
            baseline = GateBaseline.read(reader);
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println("JmhGate: cannot read baseline " + baselineFile + ": " + ex.getMessage());
            return INPUT_REFUSED;
        }

        printTable(scores, baseline, out);
        if (!retryScores.isEmpty())
        {
            out.println();
            out.println("re-measured (" + retryFile + "):");
            printTable(retryScores, baseline, out);
        }
        final List<Check> checks = evaluate(scores, baseline, retryScores);
        if (null != retryPatternFile)
        {
            final String pattern = retryPattern(scores, baseline);
            try
            {
                Files.deleteIfExists(retryPatternFile);
                if (!pattern.isEmpty())
                {
                    Files.writeString(retryPatternFile, pattern + "\n", StandardCharsets.UTF_8);
                }
            }
            catch (final IOException ex)
            {
                err.println("JmhGate: cannot write the retry pattern " + retryPatternFile + ": " + ex.getMessage());
                return INPUT_REFUSED;
            }
        }
        out.println();
        int failures = 0;
        for (final Check check : checks)
        {
            out.println(check);
            failures += check.failed() ? 1 : 0;
        }
        out.println();
        out.println(failures == 0 ? "gate PASSED (" + checks.size() + " checks)" :
            "gate FAILED: " + failures + " of " + checks.size() + " checks failed");
        return failures == 0 ? PASSED : FAILED;
    }

    /**
     * Every check the baseline asks for, in order: hot-path allocation, known-allocating ceilings, ratios.
     */
    public static List<Check> evaluate(final List<BenchmarkScore> scores, final GateBaseline baseline)
    {
        return evaluate(scores, baseline, List.of());
    }

    /**
     * As {@link #evaluate(List, GateBaseline)}, with each ratio whose two benchmarks were re-measured judged on
     * the re-measurement.
     */
    public static List<Check> evaluate(
        final List<BenchmarkScore> scores, final GateBaseline baseline, final List<BenchmarkScore> retryScores)
    {
        final Map<String, BenchmarkScore> byName = byName(scores);
        final Map<String, BenchmarkScore> retried = byName(retryScores);
        final List<Check> checks = new ArrayList<>();
        for (final String name : baseline.hotPath())
        {
            final BenchmarkScore score = byName.get(name);
            final double ops = null == score ? Double.NaN : score.opsPerIteration();
            final double limit = baseline.hotPathLimit(ops);
            // Say where the limit comes from when JMH's per-iteration overhead moved it visibly.
            final String role = limit - baseline.allocThreshold() < 0.01 ? "hot path" : "hot path; limit " +
                format(baseline.allocThreshold()) + " + " + format(baseline.iterationOverheadBytes()) +
                " B of JMH overhead per iteration / " + format(ops) + " ops per iteration";
            checks.add(allocation(score, name, limit, role));
        }
        for (final GateBaseline.KnownAllocating known : baseline.knownAllocating())
        {
            checks.add(allocation(byName.get(known.benchmark()), known.benchmark(), known.ceilingBytesPerOp(),
                "known allocating '" + known.label() + "', measured " + format(known.measuredBytesPerOp()) + " B/op"));
        }
        for (final GateBaseline.Ratio ratio : baseline.ratios())
        {
            final Check first = ratio(byName.get(ratio.numerator()), byName.get(ratio.denominator()), ratio);
            final BenchmarkScore numerator = retried.get(ratio.numerator());
            final BenchmarkScore denominator = retried.get(ratio.denominator());
            if (null == numerator || null == denominator)
            {
                checks.add(first);
                continue;
            }
            final Check again = ratio(numerator, denominator, ratio);
            checks.add(new Check(again.status(), again.text() + "; re-measured, the first run measured " +
                format(firstRatio(byName, ratio))));
        }
        return checks;
    }

    /**
     * A JMH benchmark pattern for the benchmarks of every ratio that was measured and failed in {@code scores},
     * empty when none did (a ratio with a benchmark missing is not the machine's doing). Benchmarks with parameters are named without them: a re-measurement runs every parameter set.
     */
    public static String retryPattern(final List<BenchmarkScore> scores, final GateBaseline baseline)
    {
        final Map<String, BenchmarkScore> byName = byName(scores);
        final Set<String> methods = new TreeSet<>();
        for (final GateBaseline.Ratio ratio : baseline.ratios())
        {
            final boolean bothMeasured = byName.containsKey(ratio.numerator()) &&
                byName.containsKey(ratio.denominator());
            if (bothMeasured && ratio(byName.get(ratio.numerator()), byName.get(ratio.denominator()), ratio).failed())
            {
                methods.add(withoutParameters(ratio.numerator()));
                methods.add(withoutParameters(ratio.denominator()));
            }
        }
        if (methods.isEmpty())
        {
            return "";
        }
        final StringJoiner pattern = new StringJoiner("|", "\\.(?:", ")$");
        for (final String method : methods)
        {
            pattern.add(Pattern.quote(method));
        }
        return pattern.toString();
    }

    private static String withoutParameters(final String name)
    {
        final int bracket = name.indexOf('[');
        return bracket < 0 ? name : name.substring(0, bracket);
    }

    private static double firstRatio(final Map<String, BenchmarkScore> byName, final GateBaseline.Ratio ratio)
    {
        final BenchmarkScore numerator = byName.get(ratio.numerator());
        final BenchmarkScore denominator = byName.get(ratio.denominator());
        return null == numerator || null == denominator ? Double.NaN : numerator.score() / denominator.score();
    }

    private static Map<String, BenchmarkScore> byName(final List<BenchmarkScore> scores)
    {
        final Map<String, BenchmarkScore> byName = new HashMap<>();
        for (final BenchmarkScore score : scores)
        {
            byName.put(score.name(), score);
        }
        return byName;
    }

    private static List<BenchmarkScore> readResults(final Path file) throws IOException
    {
        try
        {
            return BenchmarkScore.parseAll(Files.readString(file, StandardCharsets.UTF_8));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(file + ": " + ex.getMessage(), ex);
        }
    }

    private static Check allocation(
        final BenchmarkScore score, final String name, final double limit, final String role)
    {
        final String subject = "alloc  " + name + " (" + role + ")";
        if (null == score)
        {
            return new Check("FAIL", subject + ": not in the results (did the run include it?)");
        }
        if (Double.isNaN(score.allocBytesPerOp()))
        {
            return new Check("FAIL", subject + ": no gc.alloc.rate.norm (run JMH with -prof gc)");
        }
        final boolean within = score.allocBytesPerOp() <= limit;
        return new Check(within ? "PASS" : "FAIL", subject + ": " + format(score.allocBytesPerOp()) + " B/op " +
            (within ? "<= " : "> ") + format(limit));
    }

    private static Check ratio(final BenchmarkScore numerator, final BenchmarkScore denominator,
        final GateBaseline.Ratio ratio)
    {
        final String subject = "ratio  " + ratio.label() + " = " + ratio.numerator() + " / " + ratio.denominator();
        if (null == numerator || null == denominator)
        {
            final String missing = null == numerator ? ratio.numerator() : ratio.denominator();
            return ratio.optional() ? new Check("SKIP", subject + ": " + missing + " not in the results (optional)") :
                new Check("FAIL", subject + ": " + missing + " not in the results");
        }
        if (!numerator.isTimePerOp() || !denominator.isTimePerOp() || !numerator.unit().equals(denominator.unit()))
        {
            return new Check("FAIL", subject + ": needs two time-per-op scores in one unit, got " +
                numerator.mode() + " " + numerator.unit() + " and " + denominator.mode() + " " + denominator.unit());
        }
        final double measured = numerator.score() / denominator.score();
        final boolean within = measured <= ratio.limit();
        return new Check(within ? "PASS" : "FAIL", subject + ": " + format(measured) + (within ? " <= " : " > ") +
            format(ratio.limit()) + " (baseline " + format(ratio.baseline()) + ", margin " + format(ratio.margin()) +
            ")");
    }

    private static void printTable(
        final List<BenchmarkScore> scores, final GateBaseline baseline, final PrintStream out)
    {
        int width = "benchmark".length();
        for (final BenchmarkScore score : scores)
        {
            width = Math.max(width, score.name().length());
        }
        final String row = "%-" + width + "s  %5s  %12s  %10s  %-6s  %10s  %s%n";
        out.printf(Locale.ROOT, row, "benchmark", "mode", "score", "+-error", "unit", "B/op", "gate");
        for (final BenchmarkScore score : scores)
        {
            out.printf(Locale.ROOT, row, score.name(), score.mode(), format(score.score()), format(score.scoreError()),
                score.unit(), format(score.allocBytesPerOp()), baseline.roleOf(score.name()).isEmpty() ? "-" :
                baseline.roleOf(score.name()));
        }
    }

    /**
     * Whole numbers from 100, one decimal from 10, three significant digits below; "-" for NaN.
     */
    static String format(final double value)
    {
        if (Double.isNaN(value))
        {
            return "-";
        }
        final double magnitude = Math.abs(value);
        if (magnitude >= 100 || magnitude == 0)
        {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        if (magnitude >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (magnitude >= 1e-3)
        {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        return String.format(Locale.ROOT, "%.1e", value);
    }
}
