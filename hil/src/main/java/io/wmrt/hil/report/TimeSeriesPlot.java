package io.wmrt.hil.report;

import io.wmrt.hil.run.RunEvent;
import java.util.List;
import java.util.Set;

/**
 * A line plot of one quantity over simulated time, with both axes ticked, labelled and gridded, and zero
 * drawn as a darker line (the value axis always includes zero). Missing (NaN) samples break the line; a lone
 * sample without neighbours is drawn as a dot; an empty series gives the frame with "no data".
 *
 * <p>The run's failure events are marked as vertical lines at their times in their kind's colour
 * ({@link EventStyle}), each with its description as tooltip, and a legend of the kinds present above the
 * plot, right-aligned (a title of up to about 18 characters leaves room for all six kinds). The time axis
 * covers the events' times as well as the samples'.
 *
 * <p>Stateless: safe from any thread.
 */
final class TimeSeriesPlot
{
    static final double WIDTH_PX = 720.0;
    static final double HEIGHT_PX = 240.0;

    private static final PlotArea AREA = new PlotArea(64.0, WIDTH_PX - 16.0, HEIGHT_PX - 44.0, 28.0);
    private static final int TIME_TICKS = 10;
    private static final int VALUE_TICKS = 5;
    /** Points closer than this in both directions to the last one drawn are left out of the line. */
    private static final double MIN_STEP_PX = 0.3;

    private TimeSeriesPlot()
    {
    }

    /**
     * @param title  what is plotted, shown above the plot
     * @param yLabel value axis label with its unit
     * @param timesS sample times, seconds
     * @param values sample values, as many as times; NaN where missing
     * @param colour CSS colour of the line
     */
    static String render(
        final String title, final String yLabel, final double[] timesS, final double[] values, final String colour)
    {
        return render(title, yLabel, timesS, values, colour, List.of());
    }

    /**
     * @param title  what is plotted, shown above the plot
     * @param yLabel value axis label with its unit
     * @param timesS sample times, seconds
     * @param values sample values, as many as times; NaN where missing
     * @param colour CSS colour of the line
     * @param events failure events to mark, numbered from 1 in this order ({@link EventStyle#ordered})
     */
    static String render(final String title, final String yLabel, final double[] timesS, final double[] values,
        final String colour, final List<RunEvent> events)
    {
        final int n = Math.min(timesS.length, values.length);
        double timeLow = Double.POSITIVE_INFINITY;
        double timeHigh = Double.NEGATIVE_INFINITY;
        double valueLow = 0.0;
        double valueHigh = 0.0;
        int present = 0;
        for (int i = 0; i < n; i++)
        {
            if (Double.isFinite(timesS[i]) && Double.isFinite(values[i]))
            {
                timeLow = Math.min(timeLow, timesS[i]);
                timeHigh = Math.max(timeHigh, timesS[i]);
                valueLow = Math.min(valueLow, values[i]);
                valueHigh = Math.max(valueHigh, values[i]);
                present++;
            }
        }

        final SvgWriter svg = new SvgWriter(WIDTH_PX, HEIGHT_PX, title);
        svg.start("text").attr("x", AREA.left(), 1).attr("y", AREA.top() - 10.0, 1).attr("font-weight", "bold")
            .closeWithText(title, "text");
        if (present == 0)
        {
            AREA.empty(svg, "no data");
            return svg.finish();
        }

        for (final RunEvent event : events)
        {
            if (Double.isFinite(event.timeS()))
            {
                timeLow = Math.min(timeLow, event.timeS());
                timeHigh = Math.max(timeHigh, event.timeS());
            }
        }
        final PlotAxis time = PlotAxis.covering(timeLow, timeHigh, TIME_TICKS);
        final PlotAxis value = PlotAxis.covering(valueLow, valueHigh, VALUE_TICKS);
        AREA.grid(svg, time, value);
        eventMarkers(svg, time, events);

        final double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            final boolean sample = Double.isFinite(timesS[i]) && Double.isFinite(values[i]);
            xy[2 * i] = sample ? AREA.x(time, timesS[i]) : Double.NaN;
            xy[2 * i + 1] = sample ? AREA.y(value, values[i]) : Double.NaN;
        }
        final String d = SvgWriter.pathData(xy, 1, MIN_STEP_PX);
        if (!d.isEmpty())
        {
            svg.start("path").attr("d", d).attr("fill", "none").attr("stroke", colour).attr("stroke-width", "1.5")
                .attr("stroke-linejoin", "round").close();
        }
        // A sample with no sample next to it is not part of any line: draw it as a dot.
        for (int i = 0; i < n; i++)
        {
            if (isSample(xy, i) && !isSample(xy, i - 1) && !isSample(xy, i + 1))
            {
                svg.start("circle").attr("cx", xy[2 * i], 1).attr("cy", xy[2 * i + 1], 1).attr("r", "3")
                    .attr("fill", colour).close();
            }
        }
        AREA.axisLabels(svg, "time [s]", yLabel);
        return svg.finish();
    }

    /** A vertical line per event at its time, under the data line, and the legend of kinds above the plot. */
    private static void eventMarkers(final SvgWriter svg, final PlotAxis time, final List<RunEvent> events)
    {
        if (events.isEmpty())
        {
            return;
        }
        svg.start("g").attr("class", "events").open();
        for (int i = 0; i < events.size(); i++)
        {
            final RunEvent event = events.get(i);
            if (!Double.isFinite(event.timeS()))
            {
                continue;
            }
            final double x = AREA.x(time, event.timeS());
            final String colour = EventStyle.colour(event.kind());
            svg.start("g").attr("class", "event-marker " + EventStyle.cssClass(event.kind())).open();
            svg.start("title").closeWithText(EventStyle.describe(event, i + 1), "title");
            // A wide transparent line under the visible one, so the tooltip does not need a steady hand.
            svg.start("line").attr("x1", x, 1).attr("y1", AREA.bottom(), 1).attr("x2", x, 1)
                .attr("y2", AREA.top(), 1).attr("stroke", colour).attr("stroke-opacity", "0")
                .attr("stroke-width", "7").close();
            svg.start("line").attr("x1", x, 1).attr("y1", AREA.bottom(), 1).attr("x2", x, 1)
                .attr("y2", AREA.top(), 1).attr("stroke", colour).attr("stroke-width", "1.5").close();
            svg.start("path").attr("d", "M" + Markup.decimal(x - 4.0, 1) + " " + Markup.decimal(AREA.top(), 1) +
                " L" + Markup.decimal(x + 4.0, 1) + " " + Markup.decimal(AREA.top(), 1) + " L" + Markup.decimal(x, 1) +
                " " + Markup.decimal(AREA.top() + 6.0, 1)).attr("fill", colour).close();
            svg.end("g");
        }
        svg.end("g");
        final Set<RunEvent.Kind> kinds = EventStyle.kinds(events);
        EventStyle.legend(svg, AREA.right() - EventStyle.legendWidth(kinds), AREA.top() - 10.0, kinds);
    }

    private static boolean isSample(final double[] xy, final int i)
    {
        return i >= 0 && 2 * i < xy.length && !Double.isNaN(xy[2 * i]);
    }
}
