package io.wmrt.hil.report;

import java.util.Arrays;
import java.util.List;

/**
 * Histogram of the planner's tick times over a run, with the run's p50 and p99 marked as dashed lines. The
 * marks are the {@link io.wmrt.hil.run.RunResult} figures, so the plot, the summary table and
 * {@code summary.json} agree; a mark that is not finite is left out and says so in the legend.
 *
 * <p>Stateless: safe from any thread.
 */
final class TickLatencyHistogram
{
    static final double WIDTH_PX = 720.0;
    static final double HEIGHT_PX = 240.0;

    private static final PlotArea AREA = new PlotArea(64.0, WIDTH_PX - 16.0, HEIGHT_PX - 44.0, 44.0);
    private static final int MIN_BINS = 5;
    private static final int MAX_BINS = 60;
    private static final String P50_COLOUR = "#1f5fbf";
    private static final String P99_COLOUR = "#c0392b";

    private TickLatencyHistogram()
    {
    }

    /**
     * @param tickMs tick times in milliseconds; values that are not finite are not counted
     * @param p50Ms  median tick time to mark
     * @param p99Ms  99th percentile tick time to mark
     */
    static String render(final List<Double> tickMs, final double p50Ms, final double p99Ms)
    {
        final double[] ticks = finiteValues(tickMs);
        final String title = "Planner tick time";
        final SvgWriter svg = new SvgWriter(WIDTH_PX, HEIGHT_PX, title);
        svg.start("text").attr("x", AREA.left(), 1).attr("y", 18.0, 1).attr("font-weight", "bold")
            .closeWithText(title, "text");
        if (ticks.length == 0)
        {
            AREA.empty(svg, "no planner ticks recorded");
            return svg.finish();
        }

        double low = 0.0;
        double high = 0.0;
        for (final double tick : ticks)
        {
            high = Math.max(high, tick);
            low = Math.min(low, tick);
        }
        if (Double.isFinite(p50Ms))
        {
            high = Math.max(high, p50Ms);
        }
        if (Double.isFinite(p99Ms))
        {
            high = Math.max(high, p99Ms);
        }
        final PlotAxis time = PlotAxis.covering(low, high, 10);
        final int bins = Math.max(MIN_BINS, Math.min(MAX_BINS, (int)Math.ceil(2.0 * Math.sqrt(ticks.length))));
        final double binWidth = (time.max() - time.min()) / bins;
        final long[] counts = new long[bins];
        long maxCount = 0;
        for (final double tick : ticks)
        {
            final int bin = Math.max(0, Math.min(bins - 1, (int)((tick - time.min()) / binWidth)));
            counts[bin]++;
            maxCount = Math.max(maxCount, counts[bin]);
        }
        final PlotAxis count = PlotAxis.counting(maxCount, 4);
        AREA.grid(svg, time, count);

        svg.start("g").attr("fill", "#7a8fa6").attr("stroke", "#fff").attr("stroke-width", "0.5").open();
        for (int bin = 0; bin < bins; bin++)
        {
            if (counts[bin] == 0)
            {
                continue;
            }
            final double x0 = AREA.x(time, time.min() + bin * binWidth);
            final double x1 = AREA.x(time, time.min() + (bin + 1) * binWidth);
            final double top = AREA.y(count, counts[bin]);
            svg.start("rect").attr("x", x0, 1).attr("y", top, 1).attr("width", x1 - x0, 1)
                .attr("height", AREA.bottom() - top, 1).close();
        }
        svg.end("g");

        mark(svg, time, p50Ms, "p50", P50_COLOUR, AREA.left() + 150.0);
        mark(svg, time, p99Ms, "p99", P99_COLOUR, AREA.left() + 300.0);
        svg.text(AREA.right(), 34.0, "end", ticks.length + " ticks, max " + Markup.decimal(maxOf(ticks), 3) + " ms");
        AREA.axisLabels(svg, "tick time [ms]", "ticks");
        return svg.finish();
    }

    private static void mark(
        final SvgWriter svg, final PlotAxis time, final double valueMs, final String name, final String colour,
        final double legendX)
    {
        final String legend = Double.isFinite(valueMs) ? name + " " + Markup.decimal(valueMs, 3) + " ms" :
            name + " n/a";
        svg.start("line").attr("x1", legendX, 1).attr("y1", 30.0, 1).attr("x2", legendX + 18.0, 1)
            .attr("y2", 30.0, 1).attr("stroke", colour).attr("stroke-width", "2").attr("stroke-dasharray", "4 3")
            .close();
        svg.start("text").attr("x", legendX + 22.0, 1).attr("y", 34.0, 1).attr("fill", colour)
            .attr("class", "mark-" + name).closeWithText(legend, "text");
        if (Double.isFinite(valueMs))
        {
            final double x = AREA.x(time, valueMs);
            svg.start("line").attr("x1", x, 1).attr("y1", AREA.bottom(), 1).attr("x2", x, 1)
                .attr("y2", AREA.top(), 1).attr("stroke", colour).attr("stroke-width", "2")
                .attr("stroke-dasharray", "4 3").attr("class", "mark-" + name).close();
        }
    }

    private static double[] finiteValues(final List<Double> values)
    {
        int n = 0;
        final double[] finite = new double[values.size()];
        for (final Double value : values)
        {
            if (null != value && Double.isFinite(value))
            {
                finite[n++] = value;
            }
        }
        return Arrays.copyOf(finite, n);
    }

    private static double maxOf(final double[] values)
    {
        double max = Double.NEGATIVE_INFINITY;
        for (final double value : values)
        {
            max = Math.max(max, value);
        }
        return max;
    }
}
