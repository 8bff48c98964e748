package io.wmrt.hil.report;

/**
 * The rectangle of an SVG plot where data is drawn, in pixels with y pointing down: {@code bottom > top}.
 * Draws what every chart shares: grid, tick labels, the zero line and the frame.
 *
 * <p>Immutable: safe from any thread.
 *
 * @param left   pixel x of the x axis minimum
 * @param right  pixel x of the x axis maximum
 * @param bottom pixel y of the y axis minimum
 * @param top    pixel y of the y axis maximum
 */
record PlotArea(double left, double right, double bottom, double top)
{
    double x(final PlotAxis axis, final double value)
    {
        return axis.toPixel(value, left, right);
    }

    double y(final PlotAxis axis, final double value)
    {
        return axis.toPixel(value, bottom, top);
    }

    double centreX()
    {
        return (left + right) / 2.0;
    }

    double centreY()
    {
        return (bottom + top) / 2.0;
    }

    /** Grid lines at the ticks, tick labels, a darker line at y = 0 when in range, and the frame. */
    void grid(final SvgWriter svg, final PlotAxis xAxis, final PlotAxis yAxis)
    {
        svg.start("g").attr("stroke", "#e3e3e3").attr("stroke-width", "1").open();
        for (final double tick : xAxis.ticks())
        {
            final double x = x(xAxis, tick);
            svg.start("line").attr("x1", x, 1).attr("y1", bottom, 1).attr("x2", x, 1).attr("y2", top, 1).close();
        }
        for (final double tick : yAxis.ticks())
        {
            final double y = y(yAxis, tick);
            svg.start("line").attr("x1", left, 1).attr("y1", y, 1).attr("x2", right, 1).attr("y2", y, 1).close();
        }
        svg.end("g");
        if (yAxis.min() < 0.0 && yAxis.max() > 0.0)
        {
            final double zero = y(yAxis, 0.0);
            svg.start("line").attr("x1", left, 1).attr("y1", zero, 1).attr("x2", right, 1).attr("y2", zero, 1)
                .attr("stroke", "#888").attr("stroke-width", "1").close();
        }
        svg.start("g").attr("font-size", "11").attr("fill", "#333").open();
        for (final double tick : xAxis.ticks())
        {
            svg.text(x(xAxis, tick), bottom + 15.0, "middle", xAxis.label(tick));
        }
        for (final double tick : yAxis.ticks())
        {
            svg.text(left - 6.0, y(yAxis, tick) + 4.0, "end", yAxis.label(tick));
        }
        svg.end("g");
        frame(svg);
    }

    void frame(final SvgWriter svg)
    {
        svg.start("rect").attr("x", left, 1).attr("y", top, 1).attr("width", right - left, 1)
            .attr("height", bottom - top, 1).attr("fill", "none").attr("stroke", "#555").attr("stroke-width", "1")
            .close();
    }

    /** Axis labels: below the x axis, and turned upright left of the y axis. */
    void axisLabels(final SvgWriter svg, final String xLabel, final String yLabel)
    {
        svg.text(centreX(), bottom + 34.0, "middle", xLabel);
        svg.start("text").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("text-anchor", "middle")
            .attr("transform", "translate(14 " + Markup.decimal(centreY(), 1) + ") rotate(-90)")
            .closeWithText(yLabel, "text");
    }

    /** The frame with a message in the middle, for a plot without data. */
    void empty(final SvgWriter svg, final String message)
    {
        frame(svg);
        svg.text(centreX(), centreY(), "middle", message);
    }
}
