package io.wmrt.hil.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunScores;
import io.wmrt.hil.run.RunTrace;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link HilReport} as its readers see it: {@code summary.json} read by a strict JSON reader, and
 * {@code index.html} read as text, its SVG numbers checked attribute by attribute.
 */
class HilReportTest
{
    /** One key per RunResult component, the PDM terms named as NAVSIM names them. */
    private static final Set<String> SUMMARY_KEYS = Set.of(
        "scenario", "model", "profile", "timing", "seed", "passed", "failures", "collisions", "sumo_collisions",
        "footprint_collisions", "red_light_violations", "offroad", "progress_m", "route_length_m",
        "route_completion", "min_ttc_s", "max_accel_mps2", "max_decel_mps2", "max_abs_jerk_mps3",
        "max_abs_lat_accel_mps2", "lane_changes", "weaving", "opposite_lane_s", "min_pedestrian_distance_m",
        "stopped_s", "creeping_s", "tick_ms_p50", "tick_ms_p99", "deadline_misses", "learned_choice_changes", "learned_parked_overrides", "clock_degraded_ticks", "stale_steps", "pdms",
        "epdms", "nc", "dac", "ddc", "tlc", "ttc", "ep", "lk", "hc", "ec", "reference_progress_m", "forgiven", "family", "action_bounds", "duration_s", "ticks", "wall_s");

    /** Attributes whose whole value is one number. */
    private static final Set<String> NUMBER_ATTRIBUTES = Set.of(
        "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "stroke-width", "offset",
        "fill-opacity", "font-size");
    private static final String NUMBER = "-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?";
    private static final Pattern ATTRIBUTE = Pattern.compile("\\s([a-zA-Z:-]+)=\"([^\"]*)\"");
    /** One token of path data: a command, a number, or a command with its first number. */
    private static final Pattern PATH_TOKEN = Pattern.compile("[MLVH]|[MLVH]?" + NUMBER);
    private static final Pattern TRANSFORM = Pattern.compile(
        "( ?(translate|rotate|matrix)\\(" + NUMBER + "( " + NUMBER + ")*\\))+");
    private static final Pattern MATRIX = Pattern.compile(
        "transform=\"matrix\\((" + NUMBER + ") 0 0 (" + NUMBER + ") (" + NUMBER + ") (" + NUMBER + ")\\)\"");

    @TempDir
    Path directory;

    @Test
    void shouldWriteOneSummaryObjectPerRunWithEveryScoreAsSnakeCaseKey() throws IOException
    {
        HilReport.write(directory, List.of(
            run(SyntheticRuns.passing("straight"), SyntheticRuns.drivingTrace(100)),
            run(SyntheticRuns.passing("junction"), SyntheticRuns.drivingTrace(50))));

        final List<Map<String, Object>> runs = summaryRuns();
        assertEquals(2, runs.size());
        for (final Map<String, Object> run : runs)
        {
            assertEquals(SUMMARY_KEYS, run.keySet());
            assertEquals(RunResult.class.getRecordComponents().length - 1 +
                RunScores.class.getRecordComponents().length, run.size(),
                "one key per RunResult component, the scores flattened into the run");
        }
        assertEquals("straight", runs.get(0).get("scenario"));
        assertEquals("junction", runs.get(1).get("scenario"));
    }

    @Test
    void shouldWriteScoresWithTheirValues() throws IOException
    {
        final RunResult result = SyntheticRuns.result("cut-in", 3, 0.75, false,
            List.of("3 collisions, allowed 0", "min TTC 0.75 s below 1.5 s"));
        HilReport.write(directory, List.of(run(result, SyntheticRuns.drivingTrace(30))));

        final Map<String, Object> summary = summary();
        assertEquals(Boolean.FALSE, summary.get("all_passed"));
        final Map<String, Object> run = summaryRuns().get(0);
        assertEquals("cut-in", run.get("scenario"));
        assertEquals("toy-planner", run.get("model"));
        assertEquals("qcs8550", run.get("profile"));
        assertNumber(42, run.get("seed"));
        assertEquals(Boolean.FALSE, run.get("passed"));
        assertEquals(List.of("3 collisions, allowed 0", "min TTC 0.75 s below 1.5 s"), run.get("failures"));
        assertNumber(3, run.get("collisions"));
        assertNumber(1, run.get("sumo_collisions"));
        assertNumber(3, run.get("offroad"));
        assertNumber(123.46, run.get("progress_m"));
        assertNumber(0.3086, run.get("route_completion"));
        assertNumber(0.75, run.get("min_ttc_s"));
        assertNumber(3.25, run.get("max_decel_mps2"));
        assertNumber(1.234, run.get("tick_ms_p50"));
        assertNumber(4.567, run.get("tick_ms_p99"));
        assertNumber(0.3086, run.get("ep"));
        assertNumber(200, run.get("ticks"));
        assertNumber(12.5, run.get("wall_s"));
        assertNumber(0.7, run.get("opposite_lane_s"));
    }

    @Test
    void shouldWriteScoresThatAreNotFiniteAsNull() throws IOException
    {
        final RunResult result = withTickPercentiles(SyntheticRuns.passing("open road"), Double.NaN,
            Double.NEGATIVE_INFINITY);
        HilReport.write(directory, List.of(run(result, SyntheticRuns.drivingTrace(30))));

        final Map<String, Object> run = summaryRuns().get(0);
        assertTrue(run.containsKey("min_ttc_s"));
        assertNull(run.get("min_ttc_s"), "never closing on anyone: infinite TTC");
        assertNull(run.get("min_pedestrian_distance_m"), "no pedestrian seen");
        assertNull(run.get("tick_ms_p50"));
        assertNull(run.get("tick_ms_p99"));
        assertEquals(Boolean.TRUE, summary().get("all_passed"));
    }

    @Test
    void shouldWriteNumbersWithAPointWhateverTheDefaultLocale() throws IOException
    {
        final Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try
        {
            HilReport.write(directory, List.of(run(SyntheticRuns.passing("komma"), SyntheticRuns.drivingTrace(30))));
        }
        finally
        {
            Locale.setDefault(before);
        }
        assertNumber(123.46, summaryRuns().get(0).get("progress_m"));
        assertTrue(page().contains("123.5"), "progress in the table");
    }

    @Test
    void shouldEscapeScenarioNameAndFailuresInSummary() throws IOException
    {
        final String name = "say \"hi\" \\ back\nslash\ttab \u0007bell é 😀 \u2028";
        final RunResult result = SyntheticRuns.result(name, 1, 2.0, false, List.of("quote \" in a failure"));
        HilReport.write(directory, List.of(run(result, SyntheticRuns.drivingTrace(10))));

        final Map<String, Object> run = summaryRuns().get(0);
        assertEquals(name, run.get("scenario"));
        assertEquals(List.of("quote \" in a failure"), run.get("failures"));
    }

    @Test
    void shouldSayAllPassedOnlyWhenEveryRunPassed() throws IOException
    {
        final ScenarioRun passing = run(SyntheticRuns.passing("a"), SyntheticRuns.drivingTrace(10));
        final ScenarioRun failing = run(SyntheticRuns.result("b", 1, 0.5, false, List.of("1 collision")),
            SyntheticRuns.drivingTrace(10));

        HilReport.write(directory, List.of(passing, passing));
        assertEquals(Boolean.TRUE, summary().get("all_passed"));
        assertTrue(page().contains("2 of 2 runs passed"));

        HilReport.write(directory, List.of(passing, failing));
        assertEquals(Boolean.FALSE, summary().get("all_passed"));
        assertTrue(page().contains("1 of 2 runs passed"));

        HilReport.write(directory, List.of());
        assertEquals(Boolean.FALSE, summary().get("all_passed"), "a rig that ran nothing has shown nothing passes");
        assertEquals(List.of(), summary().get("runs"));
        assertTrue(page().contains("No scenario runs."));
    }

    @Test
    void shouldDrawMapSpeedAccelerationJerkAndTickTimesForEveryScenario() throws IOException
    {
        HilReport.write(directory, List.of(
            run(SyntheticRuns.passing("first"), SyntheticRuns.drivingTrace(100)),
            run(SyntheticRuns.passing("second"), SyntheticRuns.drivingTrace(60))));

        final String page = page();
        assertEquals(2 * ReportPage.PLOTS_PER_RUN, svgElements(page).size());
        for (final String id : List.of("run-1", "run-2"))
        {
            final List<String> plots = svgElements(section(page, id));
            assertEquals(6, plots.size(), id);
            assertTrue(plots.get(0).contains("aria-label=\"Map"), id);
            assertTrue(plots.get(1).contains("aria-label=\"Speed\""), id);
            assertTrue(plots.get(2).contains("aria-label=\"Acceleration\""), id);
            assertTrue(plots.get(3).contains("aria-label=\"Jerk\""), id);
            assertTrue(plots.get(4).contains("aria-label=\"Tick time per step\""), id);
            assertTrue(plots.get(5).contains("aria-label=\"Planner tick time\""), id);
            assertTrue(plots.get(1).contains("time [s]") && plots.get(1).contains("speed [m/s]"), id);
        }
        assertTrue(page.contains("<a href=\"#run-2\">second</a>"), "summary row links to the section");
    }

    @Test
    void shouldDrawLanesSidewalkTrajectoriesVehiclesPedestriansAndEgo() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(100);
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("straight"), trace)));

        final String map = svgElements(page()).get(0);
        final int snapshots = trace.snapshots().size();
        assertEquals(10, snapshots);
        assertEquals(snapshots, count(map, "<rect[^>]*class=\"vehicle\""), "one rectangle per vehicle and snapshot");
        assertEquals(snapshots, count(map, "<circle[^>]*class=\"pedestrian\""), "one circle per pedestrian");
        assertEquals(snapshots, count(map, "<path[^>]*class=\"trajectory\""), "one line per trajectory");
        assertEquals(1, count(map, "class=\"ego-path\""));
        assertEquals(5, count(map, "t=[0-9.]+ s"), "ego footprint at five times, labelled");
        assertTrue(map.contains("stroke-width=\"" + SyntheticRuns.NEAR_LANE_WIDTH_M + "\""), "lane as wide as it is");
        assertTrue(map.contains("stroke-width=\"" + SyntheticRuns.SIDEWALK_WIDTH_M + "\""), "sidewalk");
        assertTrue(map.contains("snapshot time") && map.contains("0 s") && map.contains("9 s"), "time colour scale");
        assertTrue(map.contains("class=\"scale-bar\""));
    }

    @Test
    void shouldDrawMapWithEqualMetresInXAndYNorthUpCroppedToTheEgoPathPlusMargin() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(100);
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("straight"), trace)));

        final String map = svgElements(page()).get(0);
        final Matcher matrix = MATRIX.matcher(map);
        assertTrue(matrix.find(), "world to pixel transform");
        final double a = Double.parseDouble(matrix.group(1));
        final double d = Double.parseDouble(matrix.group(4));
        final double e = Double.parseDouble(matrix.group(7));
        final double f = Double.parseDouble(matrix.group(10));
        assertTrue(a > 0.0);
        assertEquals(-a, d, 0.0, "one metre in y is as long as in x, and y points up");

        final double firstX = trace.steps().get(0).x();
        final double lastX = trace.steps().get(trace.steps().size() - 1).x();
        final double width = Double.parseDouble(attribute(map, "svg", "width"));
        assertTrue(e + a * firstX >= 30.0 * a - 0.5, "30 m margin before the start");
        assertTrue(e + a * lastX <= width - 30.0 * a + 0.5, "30 m margin after the end");
        assertTrue(e + a * (firstX - 31.0) < 0.0 && e + a * (lastX + 31.0) > width,
            "no more than 30 m margin: a path longer than it is wide fills the width");
        assertTrue(f > 0.0, "y = 0 is below the top edge");

        assertFalse(map.contains("stroke-width=\"" + SyntheticRuns.FAR_LANE_WIDTH_M + "\""),
            "a lane 5 km away is left out");

        final Matcher bar = Pattern.compile("class=\"scale-bar\".*?d=\"M12 [0-9.]+ V[0-9.]+ H([0-9.]+) V[^\"]*\"" +
            ".*?>([0-9.]+) m</text>", Pattern.DOTALL).matcher(map);
        assertTrue(bar.find(), "scale bar");
        final double barPixels = Double.parseDouble(bar.group(1)) - 12.0;
        final double barMetres = Double.parseDouble(bar.group(2));
        assertEquals(barMetres * a, barPixels, 0.1, "scale bar as long as its metres");
    }

    @Test
    void shouldMarkTickTimeP50AndP99OnTheHistogram() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(100);
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("straight"), trace)));

        final String histogram = svgElements(page()).get(5);
        assertTrue(histogram.contains("p50 1.234 ms"), histogram);
        assertTrue(histogram.contains("p99 4.567 ms"));
        assertEquals(1, count(histogram, "<line[^>]*class=\"mark-p50\""));
        assertEquals(1, count(histogram, "<line[^>]*class=\"mark-p99\""));
        assertTrue(histogram.contains(trace.tickMs().size() + " ticks"), "NaN ticks are not counted");
        assertEquals(80, trace.tickMs().size());
    }

    @Test
    void shouldShowVerdictsAndFailureSentencesInTheSummaryTable() throws IOException
    {
        HilReport.write(directory, List.of(
            run(SyntheticRuns.result("ped", 1, 0.4, false, List.of("hit a pedestrian", "min TTC 0.4 s < 1.5 s")),
                SyntheticRuns.drivingTrace(20)),
            run(SyntheticRuns.passing("calm"), SyntheticRuns.drivingTrace(20))));

        final String table = between(page(), "<table class=\"summary\">", "</table>");
        final List<String> rows = Arrays.stream(table.split("<tr")).skip(2).collect(Collectors.toList());
        assertEquals(2, rows.size());
        assertTrue(rows.get(0).contains("FAIL") && rows.get(0).contains("<li>hit a pedestrian</li>") &&
            rows.get(0).contains("<li>min TTC 0.4 s &lt; 1.5 s</li>"), rows.get(0));
        assertTrue(rows.get(1).contains("PASS") && !rows.get(1).contains("<li>"), rows.get(1));
        assertTrue(rows.get(1).contains("<td>∞</td>"), "infinite min TTC shown as such");
        assertTrue(rows.get(0).contains("<td>0.4</td>"), "min TTC");
        assertTrue(rows.get(0).contains("1.234 / 4.567"), "tick p50 / p99");
        assertTrue(rows.get(0).contains("30.9 %"), "route completion");
    }

    @Test
    void shouldEscapeScenarioNameAndFailuresInThePage() throws IOException
    {
        final String name = "<script>alert(\"x\")</script> & 'co'";
        HilReport.write(directory, List.of(run(
            SyntheticRuns.result(name, 0, 3.0, false, List.of("<b>bold</b> failure")),
            SyntheticRuns.drivingTrace(20))));

        final String page = page();
        assertFalse(page.contains("<script"), "no script, and the name is not markup");
        assertFalse(page.contains("<b>"));
        assertTrue(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"));
        assertTrue(page.contains("&lt;b&gt;bold&lt;/b&gt; failure"));
    }

    @Test
    void shouldBeOnePageThatFetchesNothing() throws IOException
    {
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("a"), SyntheticRuns.drivingTrace(50))));

        final String page = page();
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertFalse(page.contains("<script"));
        assertFalse(page.contains("src="));
        assertFalse(page.contains("http://") || page.contains("https://"));
        assertFalse(page.contains("<link"));
        assertEquals(0, count(page, "url\\((?!#)"), "only references inside the page");
        assertTrue(page.contains("Content-Security-Policy"));
    }

    @Test
    void shouldWriteAReportForAnEmptyTrace() throws IOException
    {
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("nothing happened"), new RunTrace())));

        final String page = page();
        final List<String> plots = svgElements(page);
        assertEquals(ReportPage.PLOTS_PER_RUN, plots.size());
        plots.forEach(HilReportTest::assertOnlyFiniteNumbers);
        assertTrue(page.contains("no ego path recorded"));
        assertTrue(page.contains("no data"));
        assertTrue(page.contains("no planner ticks recorded"));
        assertEquals("nothing happened", summaryRuns().get(0).get("scenario"));
    }

    @Test
    void shouldKeepNonFiniteNumbersOutOfEverySvgWhateverTheTrace() throws IOException
    {
        final List<ScenarioRun> runs = new ArrayList<>();
        runs.add(run(SyntheticRuns.passing("empty"), new RunTrace()));
        runs.add(run(SyntheticRuns.passing("one step"), SyntheticRuns.drivingTrace(1)));
        runs.add(run(SyntheticRuns.passing("standing still"), standingStill()));
        runs.add(run(SyntheticRuns.passing("no ticks"), withoutTicks()));
        runs.add(run(SyntheticRuns.passing("no trajectories"), withoutSnapshots()));
        runs.add(run(withTickPercentiles(SyntheticRuns.passing("broken numbers"), Double.NaN,
            Double.POSITIVE_INFINITY), brokenNumbers()));
        runs.add(run(SyntheticRuns.passing("normal"), SyntheticRuns.drivingTrace(100)));
        HilReport.write(directory, runs);

        final List<String> plots = svgElements(page());
        assertEquals(runs.size() * ReportPage.PLOTS_PER_RUN, plots.size());
        plots.forEach(HilReportTest::assertOnlyFiniteNumbers);
        summaryRuns();
    }

    @Test
    void shouldDrawOneStepAsADotAndAConstantSeriesAsAFlatLine() throws IOException
    {
        HilReport.write(directory, List.of(
            run(SyntheticRuns.passing("one step"), SyntheticRuns.drivingTrace(1)),
            run(SyntheticRuns.passing("standing still"), standingStill())));

        final List<String> plots = svgElements(page());
        assertEquals(1, count(plots.get(1), "<circle"), "the single speed sample");
        assertEquals(1, count(plots.get(ReportPage.PLOTS_PER_RUN), "t=[0-9.]+ s"), "a standing ego is drawn once");
        final String still = plots.get(ReportPage.PLOTS_PER_RUN + 1);
        final Matcher line = Pattern.compile("<path d=\"M([0-9.]+) ([0-9.]+)((?: L[0-9.]+ [0-9.]+)+)\"").matcher(still);
        assertTrue(line.find(), still);
        for (final String point : line.group(3).trim().split(" ?L"))
        {
            if (!point.isEmpty())
            {
                assertEquals(line.group(2), point.split(" ")[1], "flat at one height");
            }
        }
    }

    @Test
    void shouldReplaceAnEarlierReportLeavingNoTemporaryFiles() throws IOException
    {
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("earlier"), SyntheticRuns.drivingTrace(20))));
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("later"), SyntheticRuns.drivingTrace(20))));

        assertEquals("later", summaryRuns().get(0).get("scenario"));
        assertTrue(page().contains("later"));
        assertFalse(page().contains("earlier"));
        assertEquals(new TreeSet<>(List.of(HilReport.PAGE_FILE, HilReport.SUMMARY_FILE)), fileNames());
    }

    @Test
    void shouldLeaveTheEarlierReportWhenTheNewOneCannotBeRendered() throws IOException
    {
        HilReport.write(directory, List.of(run(SyntheticRuns.passing("earlier"), SyntheticRuns.drivingTrace(20))));
        final String summaryBefore = read(HilReport.SUMMARY_FILE);
        final String pageBefore = page();

        final List<ScenarioRun> broken = Arrays.asList(
            run(SyntheticRuns.passing("later"), SyntheticRuns.drivingTrace(20)), null);
        assertThrows(NullPointerException.class, () -> HilReport.write(directory, broken));

        assertEquals(summaryBefore, read(HilReport.SUMMARY_FILE));
        assertEquals(pageBefore, page());
        assertEquals(new TreeSet<>(List.of(HilReport.PAGE_FILE, HilReport.SUMMARY_FILE)), fileNames());
    }

    @Test
    void shouldCreateTheReportDirectory() throws IOException
    {
        final Path nested = directory.resolve("reports").resolve("today");
        HilReport.write(nested, List.of(run(SyntheticRuns.passing("a"), SyntheticRuns.drivingTrace(5))));

        assertTrue(Files.isRegularFile(nested.resolve(HilReport.SUMMARY_FILE)));
        assertTrue(Files.isRegularFile(nested.resolve(HilReport.PAGE_FILE)));
    }

    @Test
    void shouldRefuseARunWithoutResultOrTrace()
    {
        final NullPointerException noTrace = assertThrows(NullPointerException.class,
            () -> new ScenarioRun(SyntheticRuns.passing("a"), null));
        assertTrue(noTrace.getMessage().contains("trace"));
        final NullPointerException noResult = assertThrows(NullPointerException.class,
            () -> new ScenarioRun(null, new RunTrace()));
        assertTrue(noResult.getMessage().contains("result"));
    }

    private static ScenarioRun run(final RunResult result, final RunTrace trace)
    {
        return new ScenarioRun(result, trace);
    }

    /** An ego that never moves: every series is constant, the path one point repeated. */
    private static RunTrace standingStill()
    {
        final RunTrace trace = new RunTrace();
        for (int i = 0; i < 50; i++)
        {
            trace.addStep(new RunTrace.Step(i * 0.1, 12.0, -4.0, 1.0, 0.0, 0.0, 0.0, 2.0, false));
        }
        trace.addSnapshot(new RunTrace.Snapshot(0.0, new double[] {12.0, -4.0}, new double[0], new double[0],
            new double[0], new double[0], new byte[0]));
        return trace;
    }

    /** No Trajectory ever arrived: every step's tick time is NaN. */
    private static RunTrace withoutTicks()
    {
        final RunTrace trace = new RunTrace();
        for (int i = 0; i < 30; i++)
        {
            trace.addStep(new RunTrace.Step(i * 0.1, i, 0.0, 0.0, 10.0, 0.0, 0.0, Double.NaN, false));
        }
        return trace;
    }

    private static RunTrace withoutSnapshots()
    {
        final RunTrace driving = SyntheticRuns.drivingTrace(40);
        final RunTrace trace = new RunTrace();
        driving.road().forEach(trace::addRoad);
        driving.steps().forEach(trace::addStep);
        return trace;
    }

    /** NaN and infinite values in every field a plot reads, and snapshot arrays that disagree in length. */
    private static RunTrace brokenNumbers()
    {
        final RunTrace trace = new RunTrace();
        trace.egoSize(Double.NaN, Double.POSITIVE_INFINITY);
        trace.addRoad(new RunTrace.RoadShape(new double[] {0.0, 0.0, Double.NaN, 1.0, 50.0, 0.0, 60.0}, Double.NaN,
            false));
        trace.addRoad(new RunTrace.RoadShape(null, 3.0, true));
        trace.addRoad(new RunTrace.RoadShape(new double[] {1e300, 0.0, -1e300, 5.0}, 3.0, false));
        trace.addStep(new RunTrace.Step(0.0, 0.0, 0.0, Double.NaN, 1.0, Double.NaN, Double.POSITIVE_INFINITY,
            Double.POSITIVE_INFINITY, false));
        trace.addStep(new RunTrace.Step(0.1, Double.NaN, 0.0, 0.0, Double.NaN, 1.0, 1e300, 1.0, true));
        trace.addStep(new RunTrace.Step(Double.NaN, 1.0, 0.0, 0.0, 2.0, 1.0, 0.0, 2.0, false));
        trace.addStep(new RunTrace.Step(0.3, 2.0, Double.NEGATIVE_INFINITY, 0.0, -1e300, 1.0, 0.0, -1e300, false));
        trace.addStep(new RunTrace.Step(0.4, 3.0, 0.0, 0.0, 3.0, 1.0, -1.0, 3.0, false));
        trace.addStep(new RunTrace.Step(0.5, 4.0, 0.0, 0.0, 4.0, 1.0, 0.0, 3.0, false));
        trace.addSnapshot(new RunTrace.Snapshot(Double.NaN,
            new double[] {0.0, 0.0, Double.NaN, 1.0, 5.0, 0.0, 9.0},
            new double[] {5.0, 0.0, Double.NaN, 1.0, 9.0, Double.POSITIVE_INFINITY, 7.0, 1.0},
            new double[] {Double.NaN, 0.0},
            new double[] {Double.NaN, -1.0, 3.0, 3.0},
            new double[] {1e300, 1.0, 1.0},
            new byte[] {SceneCodes.VEHICLE, SceneCodes.PEDESTRIAN, SceneCodes.STATIC, SceneCodes.CYCLIST}));
        trace.addSnapshot(new RunTrace.Snapshot(0.5, null, null, null, null, null, null));
        trace.addSnapshot(new RunTrace.Snapshot(Double.POSITIVE_INFINITY, new double[] {1.0}, new double[] {1.0, 2.0},
            new double[] {Double.POSITIVE_INFINITY}, new double[] {4.0}, new double[] {2.0}, new byte[] {99}));
        return trace;
    }

    private static RunResult withTickPercentiles(final RunResult r, final double p50, final double p99)
    {
        return new RunResult(r.scenario(), r.model(), r.profile(), r.timing(), r.seed(), r.durationS(), r.ticks(),
            r.collisions(), r.sumoCollisions(), r.footprintCollisions(), r.redLightViolations(), r.offroad(),
            r.progressM(), r.routeLengthM(), r.routeCompletion(), r.minTtcS(), r.maxAccelMps2(), r.maxDecelMps2(),
            r.maxAbsJerkMps3(), r.maxAbsLatAccelMps2(), r.laneChanges(), r.weaving(), r.oppositeLaneS(),
            r.minPedestrianDistanceM(),
            r.stoppedS(), r.creepingS(), p50, p99, r.deadlineMisses(), r.clockDegradedTicks(), r.staleSteps(), r.learnedChoiceChanges(), r.learnedParkedOverrides(), r.scores(),
            r.passed(), r.failures(), r.wallS(), r.family(), r.actionBounds());
    }

    /**
     * Every attribute of the SVG that holds numbers holds finite ones in SVG's number syntax: no "NaN", no
     * "Infinity", nothing a browser would refuse and silently not draw.
     */
    static void assertOnlyFiniteNumbers(final String svg)
    {
        assertFalse(svg.contains("NaN"), svg);
        assertFalse(svg.contains("Infinity"), svg);
        final Matcher attribute = ATTRIBUTE.matcher(svg);
        int numbers = 0;
        while (attribute.find())
        {
            final String name = attribute.group(1);
            final String value = attribute.group(2);
            if (NUMBER_ATTRIBUTES.contains(name))
            {
                assertTrue(value.matches(NUMBER), name + "=\"" + value + "\"");
                assertTrue(Double.isFinite(Double.parseDouble(value)), name + "=\"" + value + "\"");
                numbers++;
            }
            else if (name.equals("d"))
            {
                assertPathData(value);
            }
            else if (name.equals("transform"))
            {
                assertTrue(TRANSFORM.matcher(value).matches(), "transform=\"" + value + "\"");
            }
            else if (name.equals("viewBox"))
            {
                assertTrue(value.matches(NUMBER + " " + NUMBER + " " + NUMBER + " " + NUMBER), value);
            }
        }
        assertTrue(numbers > 0, "the plot was checked");
    }

    /**
     * Path data made of commands and finite numbers separated by single blanks, starting with a move; token by
     * token, since one regular expression over a long path overflows the matcher's stack.
     */
    private static void assertPathData(final String d)
    {
        assertTrue(d.startsWith("M"), "d=\"" + d + "\"");
        for (final String token : d.split(" ", -1))
        {
            assertTrue(PATH_TOKEN.matcher(token).matches(), "token \"" + token + "\" of d=\"" + d + "\"");
            final String number = token.replaceFirst("^[MLVH]", "");
            if (!number.isEmpty())
            {
                assertTrue(Double.isFinite(Double.parseDouble(number)), token);
            }
        }
    }

    private static void assertNumber(final double expected, final Object actual)
    {
        assertTrue(actual instanceof BigDecimal, "a number: " + actual);
        assertEquals(0, new BigDecimal(Double.toString(expected)).compareTo((BigDecimal)actual),
            "expected " + expected + ", was " + actual);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> summary() throws IOException
    {
        return (Map<String, Object>)StrictJson.parse(read(HilReport.SUMMARY_FILE));
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> summaryRuns() throws IOException
    {
        return (List<Map<String, Object>>)summary().get("runs");
    }

    private String page() throws IOException
    {
        return read(HilReport.PAGE_FILE);
    }

    private String read(final String file) throws IOException
    {
        return Files.readString(directory.resolve(file), StandardCharsets.UTF_8);
    }

    private Set<String> fileNames() throws IOException
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    static List<String> svgElements(final String html)
    {
        final List<String> elements = new ArrayList<>();
        int from = html.indexOf("<svg");
        while (from >= 0)
        {
            final int end = html.indexOf("</svg>", from);
            assertTrue(end > from, "closed svg element");
            elements.add(html.substring(from, end + "</svg>".length()));
            from = html.indexOf("<svg", end);
        }
        return elements;
    }

    private static String section(final String html, final String id)
    {
        return between(html, "<section id=\"" + id + "\">", "</section>");
    }

    static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        assertTrue(from >= 0, "found " + start);
        final int to = text.indexOf(end, from);
        assertTrue(to >= 0, "found " + end);
        return text.substring(from, to);
    }

    private static String attribute(final String element, final String tag, final String name)
    {
        final Matcher m = Pattern.compile("<" + tag + "[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(element);
        assertTrue(m.find(), tag + " " + name);
        return m.group(1);
    }

    static int count(final String text, final String regex)
    {
        final Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find())
        {
            n++;
        }
        return n;
    }
}
