package io.wmrt.hil.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunScores;
import io.wmrt.hil.run.RunTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure events of a run as {@code index.html} shows them: marked on the plots over time and on the map,
 * listed in a table, each zoomed on; and the NAVSIM scores table. The run is {@link SyntheticRuns#longRunWithEvents}:
 * a 1.4 km route with one event of every kind.
 */
class EventReportTest
{
    private static final String NUMBER = "(-?[0-9]+(?:\\.[0-9]+)?)";
    private static final Pattern MATRIX = Pattern.compile(
        "transform=\"matrix\\(" + NUMBER + " 0 0 " + NUMBER + " " + NUMBER + " " + NUMBER + "\\)\"");
    private static final Pattern TRANSLATE = Pattern.compile("translate\\(" + NUMBER + " " + NUMBER + "\\)");
    /** Kinds in the order of {@link SyntheticRuns#longRunWithEvents}'s event times. */
    /** The failure kinds SyntheticRuns adds one event of each (a shadow disagreement is not a failure). */
    private static final RunEvent.Kind[] KINDS = java.util.Arrays.stream(RunEvent.Kind.values())
        .filter(kind -> kind != RunEvent.Kind.SHADOW_DISAGREEMENT).toArray(RunEvent.Kind[]::new);

    @TempDir
    Path directory;

    @Test
    void shouldMarkEveryEventOnEveryPlotOverTimeInItsKindsColourWithALegend() throws IOException
    {
        final List<String> plots = HilReportTest.svgElements(page(SyntheticRuns.longRunWithEvents()));
        for (int p = 1; p <= 4; p++)
        {
            final String plot = plots.get(p);
            for (final RunEvent.Kind kind : KINDS)
            {
                final String marker = markers(plot, kind).get(0);
                assertEquals(1, markers(plot, kind).size(), kind + " in plot " + p);
                assertTrue(marker.contains("stroke=\"" + EventStyle.colour(kind) + "\""), marker);
                assertTrue(marker.contains("<title>#" + (kind.ordinal() + 1) + " " + kind.label() + " at "), marker);
                assertTrue(plot.contains(">" + kind.label() + "</text>"), "legend names " + kind);
                assertTrue(plot.contains("class=\"legend-" + EventStyle.cssClass(kind) + "\""), "legend " + kind);
            }
        }
        final String speed = plots.get(1);
        final double[] x = lineXs(markers(speed, RunEvent.Kind.COLLISION).get(0));
        final double[] later = lineXs(markers(speed, RunEvent.Kind.WRONG_WAY).get(0));
        assertTrue(x[0] < later[0], "the collision at 10 s left of the wrong way at 100 s");
        assertEquals(0, markers(plots.get(5), RunEvent.Kind.COLLISION).size(), "the histogram has no time axis");
    }

    @Test
    void shouldMarkEveryEventOnTheMapAtItsPositionAtAFixedPixelSize() throws IOException
    {
        final RunTrace trace = SyntheticRuns.longRunWithEvents();
        final String map = HilReportTest.svgElements(page(trace)).get(0);

        final Matcher matrix = MATRIX.matcher(map);
        assertTrue(matrix.find(), "the whole route's transform");
        final double scale = Double.parseDouble(matrix.group(1));
        final double tx = Double.parseDouble(matrix.group(3));
        final double ty = Double.parseDouble(matrix.group(4));
        assertTrue(scale < RoadMapPlot.SEGMENT_BELOW_PX_PER_M, "1.4 km in 720 px: " + scale);

        final List<RunEvent> events = EventStyle.ordered(trace.events());
        for (int k = 0; k < KINDS.length; k++)
        {
            final RunEvent event = events.get(k);
            assertEquals(KINDS[k], event.kind(), "numbered in time order");
            final List<String> markers = markers(map, event.kind());
            assertTrue(markers.size() >= 2, "on the whole route and on its segment: " + event.kind());
            final String marker = markers.get(0);
            assertEquals(EventStyle.MARKER_RADIUS_PX, number(marker, "r"), 0.0, "radius in pixels, not metres");
            assertTrue(marker.contains("fill=\"" + EventStyle.colour(event.kind()) + "\""), marker);
            assertEquals(scale * event.x() + tx, number(marker, "cx"), 0.1, "at the event's x");
            assertEquals(-scale * event.y() + ty, number(marker, "cy"), 0.1, "at the event's y");
            assertTrue(marker.contains(">" + (k + 1) + "</text>"), "numbered as in the table");
        }
        assertTrue(map.contains("<a href=\"#run-1-event-1\">"), "the marker links to the zoom");

        final int segments = HilReportTest.count(map, "class=\"segment\"");
        assertTrue(segments >= 4 && segments <= RoadMapPlot.MAX_SEGMENTS, "segments: " + segments);
        assertTrue(map.contains("Segment 1 of " + segments + ": t = 0 to "));
        while (matrix.find())
        {
            assertTrue(Double.parseDouble(matrix.group(1)) >= RoadMapPlot.SEGMENT_BELOW_PX_PER_M,
                "a segment is drawn at a scale where lanes show");
        }
        for (final RunEvent.Kind kind : KINDS)
        {
            assertTrue(map.contains("class=\"legend-" + EventStyle.cssClass(kind) + "\""), "legend " + kind);
        }
        HilReportTest.assertOnlyFiniteNumbers(map);
    }

    @Test
    void shouldZoomOnEachEventWithTheEgoAndTheRoadUsersNearbyInside() throws IOException
    {
        final RunTrace trace = SyntheticRuns.longRunWithEvents();
        final String page = page(trace);
        final List<RunEvent> events = EventStyle.ordered(trace.events());
        for (int k = 0; k < events.size(); k++)
        {
            final RunEvent event = events.get(k);
            final String figure = HilReportTest.between(page, "<figure id=\"run-1-event-" + (k + 1) + "\"",
                "</figure>");
            final String zoom = HilReportTest.svgElements(figure).get(0);
            HilReportTest.assertOnlyFiniteNumbers(zoom);
            final Matcher matrix = MATRIX.matcher(zoom);
            assertTrue(matrix.find(), "world transform");
            final double scale = Double.parseDouble(matrix.group(1));
            assertEquals(EventZoomMap.SIZE_PX / EventZoomMap.SPAN_M, scale, 1e-9, "40 m across");
            final double tx = Double.parseDouble(matrix.group(3));
            final double ty = Double.parseDouble(matrix.group(4));

            final String ego = element(zoom, "rect", "ego-footprint");
            final double[] egoXy = translate(ego);
            assertEquals(event.x(), egoXy[0], 0.01, "the ego at the event's time");
            assertInside(scale * egoXy[0] + tx, -scale * egoXy[1] + ty, "ego of event " + (k + 1));
            final double[] vehicle = translate(element(zoom, "rect", "vehicle"));
            assertEquals(egoXy[0] + SyntheticRuns.LONG_VEHICLE_AHEAD_M, vehicle[0], 12.5,
                "the vehicle of the nearest snapshot (1 s apart at 12 m/s)");
            assertInside(scale * vehicle[0] + tx, -scale * vehicle[1] + ty, "vehicle of event " + (k + 1));
            final String pedestrian = element(zoom, "circle", "pedestrian");
            assertInside(scale * number(pedestrian, "cx") + tx, -scale * number(pedestrian, "cy") + ty,
                "pedestrian of event " + (k + 1));
            assertEquals(1, HilReportTest.count(zoom, "class=\"trajectory\""), "the plan of the snapshot");
            assertEquals(1, HilReportTest.count(zoom, "class=\"ego-path\""), "the ego's path around the event");
            assertTrue(zoom.contains("class=\"lanes\"") && zoom.contains("class=\"sidewalks\""));
            assertTrue(zoom.contains("stroke-width=\"" + SyntheticRuns.NEAR_LANE_WIDTH_M + "\""), "lanes drawn");
            assertEquals(1, markers(zoom, event.kind()).size(), "the event ringed");
            final String ring = markers(zoom, event.kind()).get(0);
            assertInside(number(ring, "cx"), number(ring, "cy"), "ring");
            assertEquals(EventZoomMap.SIZE_PX / 2.0, number(ring, "cx"), 0.1, "centred on the event");

            final String caption = HilReportTest.between(figure, "<figcaption>", "</figcaption>");
            assertTrue(caption.contains("#" + (k + 1) + " " + event.kind().label() + "</b> at " +
                Markup.decimal(event.timeS(), 1) + " s"), caption);
        }
        assertEquals(ReportPage.PLOTS_PER_RUN + events.size(), HilReportTest.svgElements(page).size());
    }

    @Test
    void shouldListTheEventsInTimeOrderLinkingToTheirZooms() throws IOException
    {
        final String page = page(SyntheticRuns.longRunWithEvents());
        final String table = HilReportTest.between(page, "<table class=\"events\">", "</table>");
        final List<String> rows = rows(table);
        assertEquals(KINDS.length, rows.size());
        final double[] times = {10.0, 25.0, 40.0, 60.0, 80.0, 100.0};
        for (int k = 0; k < rows.size(); k++)
        {
            final String row = rows.get(k);
            assertTrue(row.contains("<a href=\"#run-1-event-" + (k + 1) + "\">" + (k + 1) + "</a>"), row);
            assertTrue(row.contains("<td>" + Markup.decimal(times[k], 1) + "</td>"), row);
            assertTrue(row.contains("<span class=\"swatch " + EventStyle.cssClass(KINDS[k]) + "\"></span>" +
                KINDS[k].label()), row);
            assertTrue(page.contains("<figure id=\"run-1-event-" + (k + 1) + "\""), "the link's target");
        }
        assertTrue(rows.get(4).contains("rear left corner 0.4 m outside"));
        assertTrue(page.contains("<h3>Events (6)</h3>"));
        assertTrue(page.contains(".swatch.event-collision{background:" + EventStyle.colour(RunEvent.Kind.COLLISION)));
        assertFalse(page.contains("more events"), "all six zoomed");
    }

    @Test
    void shouldEscapeMarkupInAnEventsDetailEverywhereItIsShown() throws IOException
    {
        final String page = page(SyntheticRuns.longRunWithEvents());
        final String escaped = "at fault, front, with &lt;vehicle:&quot;a&amp;b&quot;&gt; &#39;x&#39; &lt;/td&gt;";
        assertFalse(page.contains("<vehicle"), "the detail is not markup");
        assertFalse(page.contains(SyntheticRuns.MARKUP_DETAIL));
        // The table, the zoom's caption, and a tooltip on each of four plots, the map (twice) and the zoom.
        assertTrue(HilReportTest.count(page, Pattern.quote(escaped)) >= 2 + 4 + 2 + 1,
            "escaped: " + HilReportTest.count(page, Pattern.quote(escaped)));
        final String table = HilReportTest.between(page, "<table class=\"events\">", "</table>");
        assertTrue(table.contains("<td class=\"text detail\">" + escaped + "</td>"), table);
        assertEquals(KINDS.length, rows(table).size(), "a </td> in the detail ends no cell");
    }

    @Test
    void shouldHaveNoEventsPartForARunWithoutEvents() throws IOException
    {
        final String page = page(SyntheticRuns.drivingTrace(100));
        assertFalse(page.contains("class=\"events\""), "no events table nor its part");
        assertFalse(page.contains("event-marker"));
        assertFalse(page.contains("event-legend"));
        assertFalse(page.contains("<figure id=\"run-1-event"));
        assertFalse(page.contains("Events ("));
        assertEquals(ReportPage.PLOTS_PER_RUN, HilReportTest.svgElements(page).size(), "no zooms");
        assertEquals(0, HilReportTest.count(page, "class=\"segment\""), "a 90 m run needs no segments");
    }

    @Test
    void shouldZoomOnTheFirstTwelveEventsAndSayHowManyMore() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(200);
        for (int i = 0; i < 15; i++)
        {
            final RunTrace.Step step = trace.steps().get(10 * i + 5);
            trace.addEvent(new RunEvent(step.timeS(), RunEvent.Kind.HARD_BRAKE, step.x(), step.y(), "brake " + i));
        }
        final String page = page(trace);
        assertEquals(ReportPage.PLOTS_PER_RUN + ReportPage.MAX_ZOOMS, HilReportTest.svgElements(page).size());
        assertTrue(page.contains("3 more events are in the table without a zoomed map."));
        final List<String> rows = rows(HilReportTest.between(page, "<table class=\"events\">", "</table>"));
        assertEquals(15, rows.size(), "every event listed");
        assertTrue(rows.get(11).contains("href=\"#run-1-event-12\""));
        assertFalse(rows.get(12).contains("href="), "no zoom to link to");
        final String map = HilReportTest.svgElements(page).get(0);
        assertEquals(15, markers(map, RunEvent.Kind.HARD_BRAKE).size(), "every event on the map");
        assertEquals(ReportPage.MAX_ZOOMS, HilReportTest.count(map, "<a href=\"#run-1-event-"));
    }

    @Test
    void shouldListAtMostTwoHundredEventsAndCountTheRest() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(300);
        for (int i = 0; i < ReportPage.MAX_EVENT_ROWS + 5; i++)
        {
            final RunTrace.Step step = trace.steps().get(i);
            trace.addEvent(new RunEvent(step.timeS(), RunEvent.Kind.NEAR_MISS, step.x(), step.y(), "close " + i));
        }
        final String page = page(trace);
        final List<String> rows = rows(HilReportTest.between(page, "<table class=\"events\">", "</table>"));
        assertEquals(ReportPage.MAX_EVENT_ROWS, rows.size());
        assertTrue(page.contains("5 more events not listed."));
        assertTrue(page.contains("<h3>Events (205)</h3>"));
        assertEquals(ReportPage.PLOTS_PER_RUN + ReportPage.MAX_ZOOMS, HilReportTest.svgElements(page).size());
    }

    @Test
    void shouldKeepNonFiniteNumbersOutOfThePlotsWhateverTheEvents() throws IOException
    {
        final RunTrace trace = SyntheticRuns.drivingTrace(50);
        trace.addEvent(new RunEvent(Double.NaN, RunEvent.Kind.OFF_ROAD, Double.NaN, 0.0, null));
        trace.addEvent(new RunEvent(2.0, RunEvent.Kind.COLLISION, Double.POSITIVE_INFINITY, 1e300, ""));
        trace.addEvent(new RunEvent(Double.NEGATIVE_INFINITY, RunEvent.Kind.NEAR_MISS, 10.0, 0.0, "x"));
        trace.addEvent(null);
        final RunTrace empty = new RunTrace();
        empty.addEvent(new RunEvent(1.0, RunEvent.Kind.RED_LIGHT, Double.NaN, 5.0, "no trace at all"));
        final List<ScenarioRun> runs = new ArrayList<>();
        runs.add(new ScenarioRun(SyntheticRuns.passing("odd events"), trace));
        runs.add(new ScenarioRun(SyntheticRuns.passing("events only"), empty));
        HilReport.write(directory, runs);

        final String page = Files.readString(directory.resolve(HilReport.PAGE_FILE), StandardCharsets.UTF_8);
        final List<String> svgs = HilReportTest.svgElements(page);
        assertEquals(2 * ReportPage.PLOTS_PER_RUN + 3 + 1, svgs.size(), "a zoom per event, null left out");
        svgs.forEach(HilReportTest::assertOnlyFiniteNumbers);
        assertTrue(page.contains("event position unknown"), "an event nowhere near anything usable");
        assertTrue(page.contains("<h3>Events (3)</h3>"));
    }

    @Test
    void shouldShowPdmsEpdmsAndEverySubScoreInATable() throws IOException
    {
        final RunResult result = SyntheticRuns.passing("scored");
        HilReport.write(directory, List.of(new ScenarioRun(result, SyntheticRuns.drivingTrace(30))));
        final String page = Files.readString(directory.resolve(HilReport.PAGE_FILE), StandardCharsets.UTF_8);

        final String scores = HilReportTest.between(page, "<table class=\"scores\">", "</table>");
        final List<String> headers = new ArrayList<>();
        final Matcher header = Pattern.compile("<th>([^<]*)<small>").matcher(scores);
        while (header.find())
        {
            headers.add(header.group(1));
        }
        assertEquals(List.of("PDMS", "EPDMS", "NC", "DAC", "DDC", "TLC", "TTC", "EP", "LK", "HC", "EC",
            "reference progress [m]", "forgiven"), headers);
        final List<String> cells = new ArrayList<>();
        final Matcher cell = Pattern.compile("<td[^>]*>([^<]*)(?:<br><small>forgiven</small>)?</td>").matcher(scores);
        while (cell.find())
        {
            cells.add(cell.group(1));
        }
        final RunScores s = result.scores();
        assertEquals(List.of(Markup.decimal(s.pdms(), 3), Markup.decimal(s.epdms(), 3), "0.5", "1", "0.5", "1", "1",
            "0.309", "1", "1", "0.9", "400", "lk"), cells);
        assertTrue(scores.contains("<td class=\"low\">0.5</td>"), "a term below 1 stands out");
        assertTrue(scores.contains("<td>1<br><small>forgiven</small></td>"), "lk, forgiven, says so");

        final String summary = HilReportTest.between(page, "<table class=\"summary\">", "</table>");
        assertTrue(summary.contains("<th>PDMS</th><th>EPDMS</th>"));
        assertTrue(summary.contains("<td>" + Markup.decimal(s.pdms(), 3) + "</td><td>" +
            Markup.decimal(s.epdms(), 3) + "</td>"), summary);
    }

    private String page(final RunTrace trace) throws IOException
    {
        HilReport.write(directory, List.of(new ScenarioRun(
            SyntheticRuns.result("long", 1, 0.6, false, List.of("1 collision")), trace)));
        return Files.readString(directory.resolve(HilReport.PAGE_FILE), StandardCharsets.UTF_8);
    }

    /** The event markers of {@code kind} in an SVG, each its whole group. */
    private static List<String> markers(final String svg, final RunEvent.Kind kind)
    {
        final List<String> markers = new ArrayList<>();
        final String start = "<g class=\"event-marker " + EventStyle.cssClass(kind) + "\">";
        int from = svg.indexOf(start);
        while (from >= 0)
        {
            final int end = svg.indexOf("</g>", from);
            markers.add(svg.substring(from, end));
            from = svg.indexOf(start, end);
        }
        return markers;
    }

    private static List<String> rows(final String table)
    {
        final List<String> rows = new ArrayList<>();
        final String body = HilReportTest.between(table, "<tbody>", "</tbody>");
        final String[] pieces = body.split("<tr");
        for (int i = 1; i < pieces.length; i++)
        {
            rows.add(pieces[i]);
        }
        return rows;
    }

    /** The first {@code <tag ...>} element whose class is {@code cssClass}. */
    private static String element(final String svg, final String tag, final String cssClass)
    {
        final Matcher m = Pattern.compile("<" + tag + "[^>]*class=\"" + cssClass + "\"[^>]*>").matcher(svg);
        assertTrue(m.find(), tag + " " + cssClass);
        return m.group();
    }

    private static double[] translate(final String element)
    {
        final Matcher m = TRANSLATE.matcher(element);
        assertTrue(m.find(), element);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    private static double number(final String element, final String attribute)
    {
        final Matcher m = Pattern.compile("\\s" + attribute + "=\"" + NUMBER + "\"").matcher(element);
        assertTrue(m.find(), attribute + " in " + element);
        return Double.parseDouble(m.group(1));
    }

    private static double[] lineXs(final String marker)
    {
        return new double[] {number(marker, "x1"), number(marker, "x2")};
    }

    private static void assertInside(final double px, final double py, final String what)
    {
        assertTrue(px >= 0.0 && px <= EventZoomMap.SIZE_PX && py >= 0.0 && py <= EventZoomMap.SIZE_PX,
            what + " at " + px + ", " + py);
    }
}
