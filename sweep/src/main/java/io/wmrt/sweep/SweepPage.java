package io.wmrt.sweep;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a sweep's {@code index.html}: one self-contained page (no script, no external resource).
 * <p>
 * Stateless: safe from any thread.
 */
final class SweepPage
{
    private static final String STYLE =
        "body{font-family:system-ui,sans-serif;margin:2em;color:#222}" +
        "table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}" +
        "th{background:#f4f4f4}td.text,th.text{text-align:left}.fail{color:#b00020}.pass{color:#1b5e20}" +
        "small{color:#666}";

    private SweepPage()
    {
    }

    static String render(final List<SweepReport.Row> rows, final List<SweepReport.Row> failed)
    {
        final StringBuilder out = new StringBuilder(16_384);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
            .append("style-src 'unsafe-inline'\">\n<title>wmrt sweep</title>\n<style>").append(STYLE)
            .append("</style>\n</head>\n<body>\n<h1>wmrt sweep</h1>\n");
        final Set<String> timings = new LinkedHashSet<>();
        rows.forEach(r -> timings.add(r.run().path("timing").asText("")));
        final long passed = rows.stream().filter(SweepReport.Row::passed).count();
        out.append("<p>").append(rows.size()).append(" run(s), ").append(passed).append(" passed their criteria, ")
            .append(rows.size() - passed).append(" failed them; ").append(failed.size())
            .append(" task(s) without a result. Timing: ").append(escape(String.join(", ", timings)))
            .append(". Scores per run: <a href=\"summary.json\">summary.json</a>.</p>\n");
        final List<String> bounds = SweepReport.actionBoundsNotes(rows);
        if (!bounds.isEmpty())
        {
            final boolean differ = bounds.stream().anyMatch(n -> n.startsWith("Action bounds differ"));
            out.append("<p class=\"fail\">The models' action spaces ").append(differ ? "differ" : "may differ")
                .append(": their scores compare the packages as they are, not like for like.</p>\n<ul>\n");
            bounds.forEach(note -> out.append("<li>").append(escape(note)).append("</li>\n"));
            out.append("</ul>\n");
        }
        final Map<String, Map<String, List<SweepReport.Row>>> groups = SweepReport.byFamilyAndModel(rows);
        sideBySide(out, groups);
        families(out, groups);
        failedTasks(out, failed);
        out.append("</body>\n</html>\n");
        return out.toString();
    }

    private static void sideBySide(final StringBuilder out, final Map<String, Map<String, List<SweepReport.Row>>> groups)
    {
        final List<String> models = new ArrayList<>();
        groups.values().forEach(byModel -> byModel.keySet().forEach(m ->
        {
            if (!models.contains(m))
            {
                models.add(m);
            }
        }));
        out.append("<h2>Models side by side</h2>\n<p>Mean EPDMS ± half-width of its 95 % interval over seeds ")
            .append("(Student's t, n - 1 degrees of freedom; none from one seed); passed / runs.</p>\n")
            .append("<table>\n<tr><th class=\"text\">family</th>");
        for (final String model : models)
        {
            out.append("<th>").append(escape(model)).append("</th>");
        }
        out.append("</tr>\n");
        for (final Map.Entry<String, Map<String, List<SweepReport.Row>>> family : groups.entrySet())
        {
            out.append("<tr><td class=\"text\">").append(escape(family.getKey())).append("</td>");
            for (final String model : models)
            {
                final List<SweepReport.Row> runs = family.getValue().get(model);
                if (null == runs)
                {
                    out.append("<td>–</td>");
                    continue;
                }
                final SeedStatistics s = SweepReport.epdms(runs);
                final long pass = runs.stream().filter(SweepReport.Row::passed).count();
                out.append("<td>").append(meanWithInterval(s)).append("<br><small>").append(pass).append(" / ")
                    .append(runs.size()).append("</small></td>");
            }
            out.append("</tr>\n");
        }
        out.append("</table>\n");
    }

    private static void families(final StringBuilder out, final Map<String, Map<String, List<SweepReport.Row>>> groups)
    {
        out.append("<h2>Per scenario family and model</h2>\n<table>\n<tr><th class=\"text\">family</th>")
            .append("<th class=\"text\">model</th><th>runs</th><th>pass rate</th><th>collisions</th>")
            .append("<th>red-light violations</th><th>mean EPDMS ± 95 % CI</th><th>lowest EPDMS</th>")
            .append("<th>mean PDMS ± 95 % CI</th><th class=\"text\">worst runs (EPDMS)</th></tr>\n");
        for (final Map.Entry<String, Map<String, List<SweepReport.Row>>> family : groups.entrySet())
        {
            for (final Map.Entry<String, List<SweepReport.Row>> model : family.getValue().entrySet())
            {
                final List<SweepReport.Row> runs = model.getValue();
                final SeedStatistics s = SweepReport.epdms(runs);
                final long pass = runs.stream().filter(SweepReport.Row::passed).count();
                out.append("<tr><td class=\"text\">").append(escape(family.getKey())).append("</td><td class=\"text\">")
                    .append(escape(model.getKey())).append("</td><td>").append(runs.size()).append("</td><td>")
                    .append(SweepReport.format("%.0f %%", 100.0 * pass / runs.size())).append("</td><td>")
                    .append(SweepReport.sum(runs, "collisions")).append("</td><td>")
                    .append(SweepReport.sum(runs, "red_light_violations")).append("</td><td>")
                    .append(meanWithInterval(s)).append("</td><td>").append(SweepReport.format("%.3f", s.lowest()))
                    .append("</td><td>").append(meanWithInterval(SweepReport.pdms(runs)))
                    .append("</td><td class=\"text\">");
                for (final SweepReport.Row worst : SweepReport.worst(runs))
                {
                    // A family of several scenarios names the run, else the seed says which run it is.
                    final String name = worst.family().equals(worst.task().scenario()) ?
                        "seed " + worst.task().seed() : worst.task().runName();
                    out.append("<a href=\"").append(escape(worst.run().path("report").asText())).append("\">")
                        .append(escape(name)).append("</a> ")
                        .append(worst.passed() ? "<span class=\"pass\">PASS</span>" : "<span class=\"fail\">FAIL</span>")
                        .append(SweepReport.format(" %.3f", worst.epdms()));
                    if (worst.outcome().attempt() > 1)
                    {
                        out.append(" <small>(attempt ").append(worst.outcome().attempt()).append(")</small>");
                    }
                    out.append("<br>");
                }
                out.append("</td></tr>\n");
            }
        }
        out.append("</table>\n");
    }

    private static void failedTasks(final StringBuilder out, final List<SweepReport.Row> failed)
    {
        if (failed.isEmpty())
        {
            return;
        }
        out.append("<h2 class=\"fail\">Tasks without a result</h2>\n<table>\n<tr><th class=\"text\">run</th>")
            .append("<th class=\"text\">model</th><th class=\"text\">task</th><th>attempts</th>")
            .append("<th class=\"text\">why</th></tr>\n");
        for (final SweepReport.Row row : failed)
        {
            out.append("<tr><td class=\"text\">").append(escape(row.task().runName())).append("</td><td class=\"text\">")
                .append(escape(row.task().model())).append("</td><td class=\"text\">").append(row.task().id())
                .append("</td><td>").append(row.outcome().attempt()).append("</td><td class=\"text\"><pre>")
                .append(escape(row.outcome().failure())).append("</pre></td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static String meanWithInterval(final SeedStatistics s)
    {
        return Double.isNaN(s.halfWidth()) ? SweepReport.format("%.3f", s.mean()) :
            SweepReport.format("%.3f ± %.3f", s.mean(), s.halfWidth());
    }

    static String escape(final String text)
    {
        if (null == text)
        {
            return "";
        }
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
