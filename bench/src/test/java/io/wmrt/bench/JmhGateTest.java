package io.wmrt.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JmhGateTest
{
    private static final String BASELINE = String.join("\n",
        "# hot path: allocation-free",
        "alloc.hot_path_max_bytes_per_op = 0.5",
        "alloc.jmh_iteration_overhead_bytes = 8192",
        "hot_path = BusBenchmark.publishReceiveSameProcess, \\",
        "    PlannerStagesBenchmark.scenePacking, \\",
        "    PlannerStagesBenchmark.candidatesAndScoring",
        "known_allocating.ort_run = InferenceBenchmark.pinned, measured 443, ceiling 665",
        "ratio.pinned_over_naive = InferenceBenchmark.pinned / InferenceBenchmark.naive, baseline 0.025, margin 0.5",
        "ratio.native_over_pinned = InferenceBenchmark.nativeFastPath / InferenceBenchmark.pinned, " +
            "baseline 0.5, margin 0.3, optional",
        "");

    @Test
    void shouldPassWhenEverythingIsWithinLimits()
    {
        final List<JmhGate.Check> checks = evaluate(healthyRun(), BASELINE);

        assertTrue(checks.stream().noneMatch(JmhGate.Check::failed), checks::toString);
        assertEquals(6, checks.size(), checks::toString);
        assertTrue(checks.stream().anyMatch(c -> c.status().equals("SKIP") && c.text().contains("nativeFastPath")),
            "the optional ratio without its benchmark is skipped: " + checks);
    }

    @Test
    void shouldFailNamingTheBenchmarkWhenAHotPathAllocates()
    {
        final String run = json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, 24.0),
            entry("PlannerStagesBenchmark.scenePacking", 860, 0.005),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, 3.4),
            entry("InferenceBenchmark.pinned", 86_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000));

        final List<JmhGate.Check> failed = failures(evaluate(run, BASELINE));

        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("BusBenchmark.publishReceiveSameProcess"), failed::toString);
        assertTrue(failed.get(0).text().contains("24.0 B/op"), failed::toString);
    }

    @Test
    void shouldAllowJmhIterationOverheadOnlyInProportionToOpsPerIteration()
    {
        // 0.58 ms per op in 1 s iterations: ~1,724 ops share JMH's ~6 KB, about 3.4 B/op; the limit is
        // 0.5 + 8192 / 1724 = 5.25 B/op. One object per op (16 B or more) still fails.
        final String leaking = json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, 0.001),
            entry("PlannerStagesBenchmark.scenePacking", 860, 0.005),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, 19.4),
            entry("InferenceBenchmark.pinned", 86_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000));

        final List<JmhGate.Check> failed = failures(evaluate(leaking, BASELINE));

        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("PlannerStagesBenchmark.candidatesAndScoring"), failed::toString);
        assertTrue(failed.get(0).text().contains("> 5.25"), failed::toString);
    }

    @Test
    void shouldFailWhenAKnownAllocatingBenchmarkExceedsItsCeiling()
    {
        final String run = healthyRun().replace("\"score\" : 443.0", "\"score\" : 700.0");

        final List<JmhGate.Check> failed = failures(evaluate(run, BASELINE));

        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("InferenceBenchmark.pinned"), failed::toString);
        assertTrue(failed.get(0).text().contains("700 B/op > 665"), failed::toString);
    }

    @Test
    void shouldFailWhenARatioRegressesBeyondItsMargin()
    {
        // 0.025 * 1.5 = 0.0375 allowed; 150 us / 3.7 ms = 0.0405.
        final String run = json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, 0.001),
            entry("PlannerStagesBenchmark.scenePacking", 860, 0.005),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, 3.4),
            entry("InferenceBenchmark.pinned", 150_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000));

        final List<JmhGate.Check> failed = failures(evaluate(run, BASELINE));

        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().startsWith("ratio  pinned_over_naive"), failed::toString);
        assertTrue(failed.get(0).text().contains(": 0.0405 > "), failed::toString);
    }

    @Test
    void shouldPassARatioJustInsideItsMargin()
    {
        // 135 us / 3.7 ms = 0.0365 <= 0.0375.
        final String run = healthyRun().replace("\"score\" : 86000.0", "\"score\" : 135000.0");

        assertTrue(failures(evaluate(run, BASELINE)).isEmpty());
    }

    @Test
    void shouldFailOnAMissingBenchmark()
    {
        final String run = json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, 0.001),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, 3.4),
            entry("InferenceBenchmark.pinned", 86_000, 443));

        final List<JmhGate.Check> failed = failures(evaluate(run, BASELINE));

        assertEquals(2, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("PlannerStagesBenchmark.scenePacking (hot path): not in the results"),
            failed::toString);
        assertTrue(failed.get(1).text().contains("InferenceBenchmark.naive not in the results"), failed::toString);
    }

    @Test
    void shouldFailAHotPathRunWithoutTheAllocationProfiler()
    {
        final String run = json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, Double.NaN),
            entry("PlannerStagesBenchmark.scenePacking", 860, Double.NaN),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, Double.NaN),
            entry("InferenceBenchmark.pinned", 86_000, Double.NaN),
            entry("InferenceBenchmark.naive", 3_700_000, Double.NaN));

        final List<JmhGate.Check> failed = failures(evaluate(run, BASELINE));

        assertEquals(4, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("run JMH with -prof gc"), failed::toString);
    }

    @Test
    void shouldReadJmhNamesWithParametersAndNaNErrors()
    {
        final String run = "[{\"benchmark\" : \"io.wmrt.bench.QueueBenchmark.offer\", \"mode\" : \"avgt\", " +
            "\"measurementTime\" : \"500 ms\", \"params\" : {\"size\" : \"32\"}, \"primaryMetric\" : " +
            "{\"score\" : 1.5e1, \"scoreError\" : \"NaN\", \"scoreUnit\" : \"us/op\", \"rawData\" : [[15.0]]}, " +
            "\"secondaryMetrics\" : {\"\\u00b7gc.alloc.rate.norm\" : {\"score\" : 0.0001}}}]";

        final BenchmarkScore score = BenchmarkScore.parseAll(run).get(0);

        assertEquals("QueueBenchmark.offer[size=32]", score.name());
        assertTrue(Double.isNaN(score.scoreError()));
        assertEquals(0.0001, score.allocBytesPerOp());
        assertEquals(500e6 / 15e3, score.opsPerIteration(), 1e-9);
    }

    @Test
    void shouldGateBenchmarksWithParametersByTheirFullName()
    {
        final String run = "[{\"benchmark\" : \"io.wmrt.bench.TickBenchmark.tick\", \"mode\" : \"avgt\", " +
            "\"measurementTime\" : \"2 s\", \"params\" : {\"backend\" : \"ort-cpu\", \"scene\" : \"straight\"}, " +
            "\"primaryMetric\" : {\"score\" : 750000.0, \"scoreError\" : 1.0, \"scoreUnit\" : \"ns/op\"}, " +
            "\"secondaryMetrics\" : {\"gc.alloc.rate.norm\" : {\"score\" : 1700.0}}}]";
        final String baseline = "known_allocating.tick = TickBenchmark.tick[backend=ort-cpu,scene=straight], " +
            "measured 1000, ceiling 1500\n";

        final List<JmhGate.Check> failed = failures(evaluate(run, baseline));

        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("TickBenchmark.tick[backend=ort-cpu,scene=straight]"),
            failed::toString);
        assertTrue(failed.get(0).text().contains("1700 B/op > 1500"), failed::toString);
    }

    @Test
    void shouldRefuseAMalformedBaseline()
    {
        final IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
            () -> GateBaseline.parse("hotpath = TickBenchmark.tick\n"));
        assertTrue(unknown.getMessage().startsWith("hotpath: unknown key"), unknown.getMessage());

        final IllegalArgumentException ratio = assertThrows(IllegalArgumentException.class,
            () -> GateBaseline.parse("ratio.x = A.a / B.b, baseline 0.3\n"));
        assertTrue(ratio.getMessage().startsWith("ratio.x: expected"), ratio.getMessage());

        final IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
            () -> GateBaseline.parse("hot_path = A.a\nknown_allocating.a = A.a, measured 10, ceiling 15\n"));
        assertTrue(both.getMessage().contains("also listed in hot_path"), both.getMessage());
    }

    @Test
    void shouldPrintTheTableAndExitWithTheGateResult(@TempDir final Path dir) throws Exception
    {
        final Path baseline = Files.writeString(dir.resolve("baseline.properties"), BASELINE);
        final Path good = Files.writeString(dir.resolve("good.json"), healthyRun());
        final Path bad = Files.writeString(dir.resolve("bad.json"),
            healthyRun().replace("\"score\" : 443.0", "\"score\" : 900.0"));
        final Path broken = Files.writeString(dir.resolve("broken.json"), "[{\"benchmark\" : ");

        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertEquals(JmhGate.PASSED, JmhGate.run(args(good, baseline), outStream, errStream));
        final String table = out.toString(StandardCharsets.UTF_8);
        assertTrue(table.startsWith("benchmark"), table);
        assertTrue(table.contains("InferenceBenchmark.naive"), table);
        assertTrue(table.contains("known allocating"), table);
        assertTrue(table.contains("gate PASSED"), table);

        out.reset();
        assertEquals(JmhGate.FAILED, JmhGate.run(args(bad, baseline), outStream, errStream));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("FAIL  alloc  InferenceBenchmark.pinned"),
            out::toString);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("gate FAILED: 1 of 6 checks failed"), out::toString);

        assertEquals(JmhGate.INPUT_REFUSED, JmhGate.run(args(broken, baseline), outStream, errStream));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("broken.json"), err::toString);
        assertFalse(err.toString(StandardCharsets.UTF_8).isEmpty());
    }

    @Test
    void shouldJudgeAFailedRatioOnItsReMeasurementAndStillFailARealRegression()
    {
        // pinned/naive = 0.05 against a limit of 0.0375: the short run failed the ratio.
        final String slowedRun = healthyRun().replace("\"score\" : 86000.0", "\"score\" : 185000.0");
        final GateBaseline baseline = GateBaseline.parse(BASELINE);
        assertEquals(List.of("ratio  pinned_over_naive"), failures(evaluate(slowedRun, BASELINE)).stream()
            .map(c -> c.text().substring(0, c.text().indexOf(" ="))).toList());
        final String pattern = JmhGate.retryPattern(BenchmarkScore.parseAll(slowedRun), baseline);
        assertTrue(Pattern.compile(pattern).matcher("io.wmrt.bench.InferenceBenchmark.pinned").find(),
            pattern);
        assertTrue(Pattern.compile(pattern).matcher("io.wmrt.bench.InferenceBenchmark.naive").find(),
            pattern);
        assertFalse(Pattern.compile(pattern).matcher("io.wmrt.bench.BusBenchmark.publishReceiveSameProcess")
            .find(), pattern);
        assertEquals("", JmhGate.retryPattern(BenchmarkScore.parseAll(healthyRun()), baseline));

        final String quietRetry = json(entry("InferenceBenchmark.pinned", 86_500, 443),
            entry("InferenceBenchmark.naive", 3_650_000, 2_318_000));
        final List<JmhGate.Check> judged = JmhGate.evaluate(BenchmarkScore.parseAll(slowedRun), baseline,
            BenchmarkScore.parseAll(quietRetry));
        assertTrue(failures(judged).isEmpty(), judged::toString);
        assertTrue(judged.stream().anyMatch(c -> c.text().contains("re-measured, the first run measured 0.05")),
            judged::toString);

        final String slowAgain = json(entry("InferenceBenchmark.pinned", 190_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000));
        final List<JmhGate.Check> regression = failures(JmhGate.evaluate(BenchmarkScore.parseAll(slowedRun), baseline,
            BenchmarkScore.parseAll(slowAgain)));
        assertEquals(1, regression.size(), regression::toString);
        assertTrue(regression.get(0).text().contains("pinned_over_naive"), regression::toString);
    }

    @Test
    void shouldNeverLetAReMeasurementClearAnAllocationFailure()
    {
        final String leaking = healthyRun().replace("\"score\" : 443.0", "\"score\" : 900.0");
        final String retry = json(entry("InferenceBenchmark.pinned", 86_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000));
        final List<JmhGate.Check> failed = failures(JmhGate.evaluate(BenchmarkScore.parseAll(leaking),
            GateBaseline.parse(BASELINE), BenchmarkScore.parseAll(retry)));
        assertEquals(1, failed.size(), failed::toString);
        assertTrue(failed.get(0).text().contains("alloc  InferenceBenchmark.pinned"), failed::toString);
    }

    @Test
    void shouldWriteTheRetryPatternOnlyWhenARatioFailedAndReadTheRetryResults(@TempDir final Path dir)
        throws Exception
    {
        final Path baseline = Files.writeString(dir.resolve("baseline.properties"), BASELINE);
        final Path slowed = Files.writeString(dir.resolve("slowed.json"),
            healthyRun().replace("\"score\" : 86000.0", "\"score\" : 185000.0"));
        final Path good = Files.writeString(dir.resolve("good.json"), healthyRun());
        final Path pattern = dir.resolve("retry-pattern");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertEquals(JmhGate.FAILED, JmhGate.run(new String[] {slowed.toString(), baseline.toString(),
            "--retry-pattern", pattern.toString()}, outStream, errStream));
        assertTrue(Files.readString(pattern).contains("InferenceBenchmark.naive"), Files.readString(pattern));

        out.reset();
        assertEquals(JmhGate.PASSED, JmhGate.run(new String[] {slowed.toString(), baseline.toString(),
            "--retry", good.toString()}, outStream, errStream));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("re-measured ("), out::toString);

        assertEquals(JmhGate.PASSED, JmhGate.run(new String[] {good.toString(), baseline.toString(),
            "--retry-pattern", pattern.toString()}, outStream, errStream));
        assertFalse(Files.exists(pattern), "a passing run leaves no retry pattern behind");

        assertEquals(JmhGate.INPUT_REFUSED, JmhGate.run(new String[] {slowed.toString(), baseline.toString(),
            "--retry", dir.resolve("missing.json").toString()}, outStream, errStream));
        assertEquals(JmhGate.INPUT_REFUSED, JmhGate.run(new String[] {slowed.toString(), baseline.toString(),
            "--again", good.toString()}, outStream, errStream));
    }

    private static String[] args(final Path results, final Path baseline)
    {
        return new String[] {results.toString(), baseline.toString()};
    }

    private static List<JmhGate.Check> evaluate(final String run, final String baseline)
    {
        return JmhGate.evaluate(BenchmarkScore.parseAll(run), GateBaseline.parse(baseline));
    }

    private static List<JmhGate.Check> failures(final List<JmhGate.Check> checks)
    {
        return checks.stream().filter(JmhGate.Check::failed).toList();
    }

    private static String healthyRun()
    {
        return json(
            entry("BusBenchmark.publishReceiveSameProcess", 180, 0.001),
            entry("PlannerStagesBenchmark.scenePacking", 860, 0.005),
            entry("PlannerStagesBenchmark.candidatesAndScoring", 580_000, 3.4),
            entry("InferenceBenchmark.pinned", 86_000, 443),
            entry("InferenceBenchmark.naive", 3_700_000, 2_318_000),
            entry("QueueBenchmark.arrayBlockingQueue", 38, 0.0001));
    }

    private static String json(final String... entries)
    {
        final StringJoiner array = new StringJoiner(",\n", "[\n", "\n]\n");
        for (final String entry : entries)
        {
            array.add(entry);
        }
        return array.toString();
    }

    /**
     * One benchmark as JMH 1.37 writes it, 1 s iterations, with {@code -prof gc} unless bytesPerOp is NaN.
     */
    private static String entry(final String name, final double nanosPerOp, final double bytesPerOp)
    {
        final String allocation = Double.isNaN(bytesPerOp) ? "" : String.join("\n",
            "            \"gc.alloc.rate\" : {\"score\" : 0.01, \"scoreError\" : \"NaN\", \"scoreUnit\" : \"MB/sec\"},",
            "            \"gc.alloc.rate.norm\" : {",
            "                \"score\" : " + bytesPerOp + ",",
            "                \"scoreError\" : 0.001,",
            "                \"scoreUnit\" : \"B/op\"",
            "            }");
        return String.format(Locale.ROOT, String.join("\n",
            "    {",
            "        \"jmhVersion\" : \"1.37\",",
            "        \"benchmark\" : \"io.wmrt.bench.%s\",",
            "        \"mode\" : \"avgt\",",
            "        \"threads\" : 1,",
            "        \"forks\" : 1,",
            "        \"jvmArgs\" : [ \"--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED\" ],",
            "        \"warmupIterations\" : 2,",
            "        \"warmupTime\" : \"1 s\",",
            "        \"measurementIterations\" : 3,",
            "        \"measurementTime\" : \"1 s\",",
            "        \"primaryMetric\" : {",
            "            \"score\" : %.1f,",
            "            \"scoreError\" : 12.5,",
            "            \"scoreConfidence\" : [ 1.0, 2.0 ],",
            "            \"scorePercentiles\" : { \"0.0\" : 1.0, \"100.0\" : 2.0 },",
            "            \"scoreUnit\" : \"ns/op\",",
            "            \"rawData\" : [ [ 1.0, 2.0, 3.0 ] ]",
            "        },",
            "        \"secondaryMetrics\" : {",
            "%s",
            "        }",
            "    }"), name, nanosPerOp, allocation);
    }
}
