package io.wmrt.hil.report;

import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunScores;
import io.wmrt.hil.run.RunTrace;
import java.util.List;

/**
 * The text of {@code index.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched,
 * which its Content-Security-Policy enforces) with a summary table of every run and then, per run, its
 * details, a table of its NAVSIM scores (PDMS, EPDMS, every sub-score, the reference driver's progress and the
 * sub-metrics forgiven), and {@value #PLOTS_PER_RUN} plots: map, speed, acceleration, jerk, planner tick time
 * over the run and the tick-time histogram.
 *
 * <p>When the run has failure events ({@link RunTrace#events()}), they are marked on the map and on every
 * plot over time in their kind's colour ({@link EventStyle}), and the section ends with a table of them (time,
 * kind, position, detail) linking to a zoomed map of each of the first {@value #MAX_ZOOMS}
 * ({@link EventZoomMap}). A run without events has no events part.
 *
 * <p>All text taken from a run is HTML-escaped. The page holds no time stamp or host name, so the same runs
 * give the same bytes.
 *
 * <p>Stateless: safe from any thread, given traces no thread is adding to.
 */
final class ReportPage
{
    /** Plots drawn per run, each one {@code <svg>} element. */
    static final int PLOTS_PER_RUN = 6;
    /** Events beyond this many get a row in the events table but no zoomed map. */
    static final int MAX_ZOOMS = 12;
    /** Events beyond this many are counted under the events table but not listed. */
    static final int MAX_EVENT_ROWS = 200;
    /** The sub-scores in the order of the scores table, by the short names {@link RunScores#forgiven()} uses. */
    private static final String[] SUB_SCORES = {"nc", "dac", "ddc", "tlc", "ttc", "ep", "lk", "hc", "ec"};

    private static final String STYLE = String.join("\n",
        "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1a1a1a;" +
            "background:#fff}",
        "h1{font-size:1.6em;margin:0 0 8px}",
        "h2{font-size:1.25em;margin:0 0 6px}",
        "table{border-collapse:collapse;font-size:13px;margin:12px 0 24px}",
        "th,td{border:1px solid #d0d0d0;padding:4px 7px;vertical-align:top;text-align:right}",
        "th{background:#f0f0ee;text-align:center}",
        "td.text{text-align:left}",
        "td ul{margin:4px 0 0 16px;padding:0;text-align:left;font-size:12px}",
        "small{color:#555}",
        ".pass{color:#1b7a2e;font-weight:bold}",
        ".fail{color:#b3261e;font-weight:bold}",
        ".verdict{font-size:1.1em}",
        "section{border-top:2px solid #ddd;padding-top:14px;margin-top:22px}",
        "dl{display:grid;grid-template-columns:max-content auto max-content auto max-content auto;" +
            "gap:2px 10px;font-size:13px;margin:6px 0 12px}",
        "dt{color:#555}",
        "dd{margin:0}",
        "figure{margin:0 0 14px}",
        "svg.plot{display:block;max-width:100%;height:auto;font-size:12px}",
        "h3{font-size:1.05em;margin:14px 0 4px}",
        "table.scores td.low{color:#b3261e;font-weight:bold}",
        "table.scores td.composite{font-weight:bold}",
        "table.scores th small{display:block;font-weight:normal;color:#555;max-width:9em}",
        "table.events td.detail{text-align:left;max-width:40em}",
        ".swatch{display:inline-block;width:10px;height:10px;margin-right:5px;vertical-align:baseline}",
        swatchStyles(),
        ".zooms{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}",
        ".zooms figure{margin:0}",
        "figcaption{font-size:12px;margin-top:3px}",
        "");

    private ReportPage()
    {
    }

    static String render(final List<ScenarioRun> runs)
    {
        final StringBuilder out = new StringBuilder(64 * 1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
            .append("style-src 'unsafe-inline'\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>wmrt HIL report</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
            .append("<h1>wmrt HIL report</h1>\n");

        int passed = 0;
        for (final ScenarioRun run : runs)
        {
            passed += run.result().passed() ? 1 : 0;
        }
        final boolean allPassed = SummaryJson.allPassed(runs);
        out.append("<p class=\"verdict ").append(allPassed ? "pass" : "fail").append("\">")
            .append(passed).append(" of ").append(runs.size()).append(runs.size() == 1 ? " run" : " runs")
            .append(" passed</p>\n");
        if (runs.isEmpty())
        {
            out.append("<p>No scenario runs.</p>\n");
        }
        else
        {
            summaryTable(out, runs);
        }
        for (int i = 0; i < runs.size(); i++)
        {
            section(out, runs.get(i), sectionId(i));
        }
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    /** Id of the i-th run's section; built from the index, never from the scenario name. */
    static String sectionId(final int index)
    {
        return "run-" + (index + 1);
    }

    private static void summaryTable(final StringBuilder out, final List<ScenarioRun> runs)
    {
        out.append("<table class=\"summary\">\n<thead><tr>")
            .append("<th>scenario</th><th>result</th><th>collisions</th><th>red-light violations</th>")
            .append("<th>offroad steps</th><th>progress [m]</th><th>route completion</th><th>min TTC [s]</th>")
            .append("<th>max decel [m/s²]</th><th>max |jerk| [m/s³]</th><th>lane changes / weaving</th>")
            .append("<th>min pedestrian distance [m]</th><th>stopped / creeping [s]</th>")
            .append("<th>tick p50 / p99 [ms]</th><th>deadline misses</th><th>PDMS</th><th>EPDMS</th>")
            .append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < runs.size(); i++)
        {
            final RunResult r = runs.get(i).result();
            out.append("<tr class=\"").append(r.passed() ? "pass-row" : "fail-row").append("\">");
            out.append("<td class=\"text\"><a href=\"#").append(sectionId(i)).append("\">");
            Markup.appendEscaped(out, r.scenario());
            out.append("</a><br><small>");
            Markup.appendEscaped(out, r.model());
            out.append(" · ");
            Markup.appendEscaped(out, r.profile());
            out.append(" · ");
            Markup.appendEscaped(out, r.timing());
            out.append(" · seed ").append(r.seed()).append("</small></td>");

            out.append("<td class=\"text\">");
            verdict(out, r);
            out.append("</td>");

            cell(out, r.collisions() + "<br><small>SUMO " + r.sumoCollisions() + ", footprint " +
                r.footprintCollisions() + "</small>");
            cell(out, Integer.toString(r.redLightViolations()));
            cell(out, Integer.toString(r.offroad()));
            cell(out, quantity(r.progressM(), 1) + "<br><small>of " + quantity(r.routeLengthM(), 1) + "</small>");
            cell(out, percent(r.routeCompletion()));
            cell(out, quantity(r.minTtcS(), 2));
            cell(out, quantity(r.maxDecelMps2(), 2));
            cell(out, quantity(r.maxAbsJerkMps3(), 2));
            cell(out, r.laneChanges() + " / " + r.weaving() + "<br><small>opposite lane " +
                quantity(r.oppositeLaneS(), 1) + " s</small>");
            cell(out, quantity(r.minPedestrianDistanceM(), 2));
            cell(out, quantity(r.stoppedS(), 1) + " / " + quantity(r.creepingS(), 1));
            cell(out, quantity(r.tickMsP50(), 3) + " / " + quantity(r.tickMsP99(), 3));
            cell(out, r.deadlineMisses() + "<br><small>stale steps " + r.staleSteps() + "</small>");
            cell(out, quantity(r.pdms(), 3));
            cell(out, quantity(r.epdms(), 3));
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    private static void section(final StringBuilder out, final ScenarioRun run, final String id)
    {
        final RunResult r = run.result();
        final RunTrace trace = run.trace();
        out.append("<section id=\"").append(id).append("\">\n<h2>");
        Markup.appendEscaped(out, r.scenario());
        out.append(' ');
        verdict(out, r);
        out.append("</h2>\n<dl>\n");
        term(out, "model", Markup.escape(r.model()));
        term(out, "profile", Markup.escape(r.profile()));
        term(out, "timing", Markup.escape(r.timing()) + (r.clockDegradedTicks() > 0 ?
            " (the clock would have cut " + r.clockDegradedTicks() + " tick(s) to the lattice)" : ""));
        term(out, "seed", Long.toString(r.seed()));
        term(out, "simulated", quantity(r.durationS(), 1) + " s, " + r.ticks() + " steps");
        term(out, "wall clock", quantity(r.wallS(), 1) + " s");
        term(out, "route", quantity(r.progressM(), 1) + " of " + quantity(r.routeLengthM(), 1) + " m (" +
            percent(r.routeCompletion()) + ")");
        term(out, "max accel", quantity(r.maxAccelMps2(), 2) + " m/s²");
        term(out, "max |lateral accel|", quantity(r.maxAbsLatAccelMps2(), 2) + " m/s²");
        term(out, "max decel", quantity(r.maxDecelMps2(), 2) + " m/s²");
        term(out, "lane changes", r.laneChanges() + ", weaving " + r.weaving() + ", opposite lane " +
            quantity(r.oppositeLaneS(), 1) + " s");
        term(out, "deadline misses", r.deadlineMisses() + ", stale steps " + r.staleSteps());
        if (null != trace.recording())
        {
            final String name = trace.recording().getFileName().toString();
            term(out, "recording", "<a href=\"mcap/" + Markup.escape(name) + "\">" + Markup.escape(name) +
                "</a> (MCAP: open it in Foxglove; channels in the README, \"Recordings and the live view\")");
        }
        out.append("</dl>\n");
        scoresTable(out, r.scores());
        final List<RunEvent> events = EventStyle.ordered(trace.events());

        final List<RunTrace.Step> steps = trace.steps();
        final double[] times = new double[steps.size()];
        final double[] speed = new double[steps.size()];
        final double[] accel = new double[steps.size()];
        final double[] jerk = new double[steps.size()];
        final double[] tick = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++)
        {
            final RunTrace.Step step = steps.get(i);
            times[i] = step.timeS();
            speed[i] = step.speedMps();
            accel[i] = step.accelMps2();
            jerk[i] = step.jerkMps3();
            tick[i] = step.tickMs();
        }
        figure(out, RoadMapPlot.render(trace, events, id + "-map",
            number -> number <= MAX_ZOOMS ? eventId(id, number) : null));
        figure(out, TimeSeriesPlot.render("Speed", "speed [m/s]", times, speed, "#1f5fbf", events));
        figure(out, TimeSeriesPlot.render("Acceleration", "acceleration [m/s²]", times, accel, "#2e7d32",
            events));
        figure(out, TimeSeriesPlot.render("Jerk", "jerk [m/s³]", times, jerk, "#8e44ad", events));
        figure(out, TimeSeriesPlot.render("Tick time per step", "tick time [ms]", times, tick, "#5d6d7e", events));
        figure(out, TickLatencyHistogram.render(trace.tickMs(), r.tickMsP50(), r.tickMsP99()));
        if (!events.isEmpty())
        {
            events(out, trace, events, id, "Events");
        }
        if (null != trace.shadowModel())
        {
            final List<RunEvent> disagreements = EventStyle.ordered(trace.shadowDisagreements());
            out.append("<p class=\"shadow\">Shadow planner <b>");
            Markup.appendEscaped(out, trace.shadowModel());
            out.append("</b>: ").append(trace.shadowCompared()).append(" plans compared with the live ones, ")
                .append(disagreements.size()).append(" scenes disagreed on (another behaviour, plans more than the ")
                .append("divergence distance apart within 3 s, or one predicting a collision the other does not).")
                .append("</p>\n");
            if (!disagreements.isEmpty())
            {
                events(out, trace, disagreements, id + "-shadow", "Where live and shadow disagreed");
            }
        }
        out.append("</section>\n");
    }

    /** Id of event number {@code number}'s zoom in the section {@code sectionId}; from numbers only. */
    static String eventId(final String sectionId, final int number)
    {
        return sectionId + "-event-" + number;
    }

    /** PDMS, EPDMS and every sub-score as one row, a term below 1 marked, with the reference and forgiven. */
    private static void scoresTable(final StringBuilder out, final RunScores s)
    {
        out.append("<table class=\"scores\">\n<thead><tr>");
        scoreHeader(out, "PDMS", "NAVSIM v1");
        scoreHeader(out, "EPDMS", "NAVSIM v2");
        scoreHeader(out, "NC", "no at-fault collision");
        scoreHeader(out, "DAC", "drivable area compliance");
        scoreHeader(out, "DDC", "driving direction compliance");
        scoreHeader(out, "TLC", "traffic light compliance");
        scoreHeader(out, "TTC", "time to collision within bound");
        scoreHeader(out, "EP", "ego progress");
        scoreHeader(out, "LK", "lane keeping");
        scoreHeader(out, "HC", "history comfort");
        scoreHeader(out, "EC", "extended comfort");
        scoreHeader(out, "reference progress [m]", "the reference driver's, same scenario and seed");
        scoreHeader(out, "forgiven", "failed by the reference too, not held against the ego");
        out.append("</tr></thead>\n<tbody><tr>");
        out.append("<td class=\"composite\">").append(quantity(s.pdms(), 3)).append("</td>");
        out.append("<td class=\"composite\">").append(quantity(s.epdms(), 3)).append("</td>");
        final double[] terms = {s.nc(), s.dac(), s.ddc(), s.tlc(), s.ttc(), s.ep(), s.lk(), s.hc(), s.ec()};
        for (int i = 0; i < terms.length; i++)
        {
            out.append(terms[i] < 1.0 ? "<td class=\"low\">" : "<td>").append(quantity(terms[i], 3));
            if (s.forgiven().contains(SUB_SCORES[i]))
            {
                out.append("<br><small>forgiven</small>");
            }
            out.append("</td>");
        }
        cell(out, quantity(s.referenceProgressM(), 1));
        out.append("<td class=\"text forgiven\">");
        if (s.forgiven().isEmpty())
        {
            out.append("none");
        }
        for (int i = 0; i < s.forgiven().size(); i++)
        {
            out.append(i == 0 ? "" : ", ");
            Markup.appendEscaped(out, s.forgiven().get(i));
        }
        out.append("</td></tr></tbody>\n</table>\n");
    }

    private static void scoreHeader(final StringBuilder out, final String name, final String meaning)
    {
        out.append("<th>").append(name).append("<small>").append(meaning).append("</small></th>");
    }

    /**
     * The events part of a run's section: a table of every event (up to {@value #MAX_EVENT_ROWS}), each row
     * linking to its zoom, then the zooms of the first {@value #MAX_ZOOMS} with a caption each.
     */
    private static void events(final StringBuilder out, final RunTrace trace, final List<RunEvent> events,
        final String id, final String title)
    {
        out.append("<div class=\"events\" id=\"").append(id).append("-events\">\n<h3>").append(title).append(" (")
            .append(events.size()).append(")</h3>\n");
        out.append("<table class=\"events\">\n<thead><tr><th>#</th><th>time [s]</th><th>kind</th>")
            .append("<th>position x, y [m]</th><th>detail</th></tr></thead>\n<tbody>\n");
        final int rows = Math.min(events.size(), MAX_EVENT_ROWS);
        for (int i = 0; i < rows; i++)
        {
            final RunEvent event = events.get(i);
            final int number = i + 1;
            out.append("<tr class=\"").append(EventStyle.cssClass(event.kind())).append("\"><td>");
            if (number <= MAX_ZOOMS)
            {
                out.append("<a href=\"#").append(eventId(id, number)).append("\">").append(number).append("</a>");
            }
            else
            {
                out.append(number);
            }
            out.append("</td>");
            cell(out, quantity(event.timeS(), 1));
            out.append("<td class=\"text\">");
            swatch(out, event.kind());
            out.append(event.kind().label()).append("</td>");
            cell(out, quantity(event.x(), 1) + ", " + quantity(event.y(), 1));
            out.append("<td class=\"text detail\">");
            Markup.appendEscaped(out, event.detail());
            out.append("</td></tr>\n");
        }
        out.append("</tbody>\n</table>\n");
        if (events.size() > rows)
        {
            out.append("<p class=\"more-events\">").append(events.size() - rows)
                .append(" more events not listed.</p>\n");
        }
        out.append("<div class=\"zooms\">\n");
        final int zooms = Math.min(events.size(), MAX_ZOOMS);
        for (int i = 0; i < zooms; i++)
        {
            final RunEvent event = events.get(i);
            final String zoomId = eventId(id, i + 1);
            out.append("<figure id=\"").append(zoomId).append("\" class=\"event-zoom\">\n")
                .append(EventZoomMap.render(trace, event, i + 1, zoomId + "-map"))
                .append("<figcaption>");
            swatch(out, event.kind());
            out.append("<b>#").append(i + 1).append(' ').append(event.kind().label()).append("</b> at ")
                .append(quantity(event.timeS(), 1)).append(" s");
            if (null != event.detail() && !event.detail().isEmpty())
            {
                out.append(": ");
                Markup.appendEscaped(out, event.detail());
            }
            out.append("</figcaption>\n</figure>\n");
        }
        out.append("</div>\n");
        if (events.size() > zooms)
        {
            out.append("<p class=\"more-zooms\">").append(events.size() - zooms)
                .append(events.size() - zooms == 1 ? " more event is" : " more events are")
                .append(" in the table without a zoomed map.</p>\n");
        }
        out.append("</div>\n");
    }

    private static void swatch(final StringBuilder out, final RunEvent.Kind kind)
    {
        out.append("<span class=\"swatch ").append(EventStyle.cssClass(kind)).append("\"></span>");
    }

    /** One CSS rule per event kind giving its swatch the kind's colour. */
    private static String swatchStyles()
    {
        final StringBuilder css = new StringBuilder();
        for (final RunEvent.Kind kind : RunEvent.Kind.values())
        {
            css.append(css.length() == 0 ? "" : "\n").append(".swatch.").append(EventStyle.cssClass(kind))
                .append("{background:").append(EventStyle.colour(kind)).append('}');
        }
        return css.toString();
    }

    private static void verdict(final StringBuilder out, final RunResult r)
    {
        out.append(r.passed() ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>");
        if (!r.failures().isEmpty())
        {
            out.append("<ul class=\"failures\">");
            for (final String failure : r.failures())
            {
                out.append("<li>");
                Markup.appendEscaped(out, failure);
                out.append("</li>");
            }
            out.append("</ul>");
        }
    }

    private static void figure(final StringBuilder out, final String svg)
    {
        out.append("<figure>\n").append(svg).append("</figure>\n");
    }

    /** A table cell of markup this class built from numbers (nothing from the run's strings). */
    private static void cell(final StringBuilder out, final String markup)
    {
        out.append("<td>").append(markup).append("</td>");
    }

    private static void term(final StringBuilder out, final String name, final String markup)
    {
        out.append("<dt>").append(name).append("</dt><dd>").append(markup).append("</dd>\n");
    }

    /** A number for people: rounded, infinity as the sign, NaN as a dash. */
    private static String quantity(final double value, final int decimals)
    {
        if (Double.isNaN(value))
        {
            return "–";
        }
        if (Double.isInfinite(value))
        {
            return value > 0.0 ? "∞" : "−∞";
        }
        return Markup.decimal(value, decimals);
    }

    private static String percent(final double fraction)
    {
        return Double.isFinite(fraction) ? Markup.decimal(100.0 * fraction, 1) + " %" : quantity(fraction, 1);
    }
}
