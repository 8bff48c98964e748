package io.wmrt.hil.report;

import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunTrace;
import java.util.List;

/**
 * The text of {@code index.html}: one self-contained page (inline CSS and SVG, no script, nothing fetched,
 * which its Content-Security-Policy enforces) with a summary table of every run and then, per run, its
 * scores and five plots: map, speed, acceleration, jerk and planner tick-time histogram.
 *
 * <p>All text taken from a run is HTML-escaped. The page holds no time stamp or host name, so the same runs
 * give the same bytes.
 *
 * <p>Stateless: safe from any thread, given traces no thread is adding to.
 */
final class ReportPage
{
    /** Plots drawn per run, each one {@code <svg>} element. */
    static final int PLOTS_PER_RUN = 5;

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
            .append("<th>tick p50 / p99 [ms]</th><th>deadline misses</th><th>PDMS</th>")
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
        term(out, "PDMS", quantity(r.pdms(), 3));
        final io.wmrt.hil.run.RunScores s = r.scores();
        term(out, "EPDMS", quantity(s.epdms(), 3));
        term(out, "sub-scores", "nc " + quantity(s.nc(), 2) + ", dac " + quantity(s.dac(), 2) + ", ddc " +
            quantity(s.ddc(), 2) + ", tlc " + quantity(s.tlc(), 2) + ", ttc " + quantity(s.ttc(), 2) + ", ep " +
            quantity(s.ep(), 2) + ", lk " + quantity(s.lk(), 2) + ", hc " + quantity(s.hc(), 2) + ", ec " +
            quantity(s.ec(), 2));
        term(out, "reference progress", quantity(s.referenceProgressM(), 1) + " m" +
            (s.forgiven().isEmpty() ? "" : "; forgiven (the reference failed them too): " + String.join(", ", s.forgiven())));
        term(out, "deadline misses", r.deadlineMisses() + ", stale steps " + r.staleSteps());
        out.append("</dl>\n");

        final List<RunTrace.Step> steps = trace.steps();
        final double[] times = new double[steps.size()];
        final double[] speed = new double[steps.size()];
        final double[] accel = new double[steps.size()];
        final double[] jerk = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++)
        {
            final RunTrace.Step step = steps.get(i);
            times[i] = step.timeS();
            speed[i] = step.speedMps();
            accel[i] = step.accelMps2();
            jerk[i] = step.jerkMps3();
        }
        figure(out, RoadMapPlot.render(trace, id + "-map"));
        figure(out, TimeSeriesPlot.render("Speed", "speed [m/s]", times, speed, "#1f5fbf"));
        figure(out, TimeSeriesPlot.render("Acceleration", "acceleration [m/s²]", times, accel, "#2e7d32"));
        figure(out, TimeSeriesPlot.render("Jerk", "jerk [m/s³]", times, jerk, "#8e44ad"));
        figure(out, TickLatencyHistogram.render(trace.tickMs(), r.tickMsP50(), r.tickMsP99()));
        out.append("</section>\n");
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
