package io.wmrt.hil.report;

/**
 * Writes one inline {@code <svg>} element. Every computed number goes through
 * {@link #attr(String, double, int)}, {@link #placed} or {@link #pathData}: an element with a NaN or
 * infinite attribute is dropped whole, and a path is broken where a point is not finite, so the page never
 * holds "NaN" or "Infinity" where a browser expects a number.
 *
 * <pre>
 *   svg.start("circle").attr("cx", x, 1).attr("cy", y, 1).attr("r", 2.0, 1).close();
 *   svg.start("g").attr("fill", "none").open();  ...  svg.end("g");
 * </pre>
 *
 * <p>Not thread safe: one instance per plot, used by the thread writing the report.
 */
final class SvgWriter
{
    private final StringBuilder out = new StringBuilder(4096);
    private int elementStart = -1;
    private boolean elementValid;

    /**
     * @param widthPx  width of the drawing, which is also its coordinate range (viewBox 0 0 width height)
     * @param heightPx height of the drawing
     * @param label    what the plot shows, for screen readers and as a tooltip
     */
    SvgWriter(final double widthPx, final double heightPx, final String label)
    {
        final String width = Markup.decimal(widthPx, 0);
        final String height = Markup.decimal(heightPx, 0);
        out.append("<svg class=\"plot\" width=\"").append(width).append("\" height=\"").append(height)
            .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
            .append("\" role=\"img\" aria-label=\"");
        Markup.appendEscaped(out, label);
        out.append("\">\n<title>");
        Markup.appendEscaped(out, label);
        out.append("</title>\n");
    }

    /**
     * Begins an element; finish it with {@link #close()}, {@link #closeWithText(String, String)} or
     * {@link #open()}.
     */
    SvgWriter start(final String name)
    {
        elementStart = out.length();
        elementValid = true;
        out.append('<').append(name);
        return this;
    }

    SvgWriter attr(final String name, final String value)
    {
        out.append(' ').append(name).append("=\"");
        Markup.appendEscaped(out, value);
        out.append('"');
        return this;
    }

    /** A numeric attribute; a non-finite value drops the element at {@link #close()}. */
    SvgWriter attr(final String name, final double value, final int decimals)
    {
        if (!Double.isFinite(value))
        {
            elementValid = false;
            return this;
        }
        out.append(' ').append(name).append("=\"").append(Markup.decimal(value, decimals)).append('"');
        return this;
    }

    /** {@code transform="translate(x y) rotate(degrees)"}; non-finite values drop the element. */
    SvgWriter placed(final double x, final double y, final double degrees, final int decimals)
    {
        if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(degrees))
        {
            elementValid = false;
            return this;
        }
        out.append(" transform=\"translate(").append(Markup.decimal(x, decimals)).append(' ')
            .append(Markup.decimal(y, decimals)).append(") rotate(").append(Markup.decimal(degrees, 1))
            .append(")\"");
        return this;
    }

    /** Ends the element begun by {@link #start} as empty, or removes it if an attribute was not finite. */
    void close()
    {
        if (elementValid)
        {
            out.append("/>\n");
        }
        else
        {
            out.setLength(elementStart);
        }
        elementStart = -1;
    }

    /** Ends the element begun by {@link #start} with escaped text content, or removes it as {@link #close()}. */
    void closeWithText(final String text, final String name)
    {
        if (elementValid)
        {
            out.append('>');
            Markup.appendEscaped(out, text);
            out.append("</").append(name).append(">\n");
        }
        else
        {
            out.setLength(elementStart);
        }
        elementStart = -1;
    }

    /**
     * Ends the start tag of a container; its children follow and {@link #end(String)} closes it.
     *
     * @throws IllegalStateException when a container attribute was not finite: the callers compute those
     *                               from validated bounds, so this is a bug, not bad data.
     */
    void open()
    {
        if (!elementValid)
        {
            throw new IllegalStateException("container with a non-finite attribute: " + out.substring(elementStart));
        }
        out.append(">\n");
        elementStart = -1;
    }

    void end(final String name)
    {
        out.append("</").append(name).append(">\n");
    }

    /** A text label at (x, y); {@code anchor} is start, middle or end. */
    void text(final double x, final double y, final String anchor, final String text)
    {
        start("text").attr("x", x, 1).attr("y", y, 1).attr("text-anchor", anchor).closeWithText(text, "text");
    }

    /** The finished {@code <svg>} element. */
    String finish()
    {
        out.append("</svg>\n");
        return out.toString();
    }

    /**
     * SVG path data through the points x0,y0,x1,y1,... of {@code xy}: "M x y L x y ...", starting a new
     * sub-path after any point with a non-finite coordinate. Within a sub-path a point closer than
     * {@code minStep} in both x and y to the last one written is left out, except the sub-path's last point,
     * so a long run stays small without a visible change. Sub-paths of one point are left out.
     *
     * @return the path data, empty when no two consecutive points are finite.
     */
    static String pathData(final double[] xy, final int decimals, final double minStep)
    {
        final StringBuilder d = new StringBuilder();
        final int points = null == xy ? 0 : xy.length / 2;
        int i = 0;
        while (i < points)
        {
            while (i < points && !finite(xy, i))
            {
                i++;
            }
            int runEnd = i;
            while (runEnd < points && finite(xy, runEnd))
            {
                runEnd++;
            }
            if (runEnd - i >= 2)
            {
                appendRun(d, xy, i, runEnd, decimals, minStep);
            }
            i = runEnd;
        }
        return d.toString();
    }

    private static void appendRun(
        final StringBuilder d, final double[] xy, final int from, final int to, final int decimals,
        final double minStep)
    {
        d.append(d.length() == 0 ? "M" : " M");
        appendPoint(d, xy, from, decimals);
        double lastX = xy[2 * from];
        double lastY = xy[2 * from + 1];
        for (int i = from + 1; i < to; i++)
        {
            final double x = xy[2 * i];
            final double y = xy[2 * i + 1];
            if (i < to - 1 && Math.abs(x - lastX) < minStep && Math.abs(y - lastY) < minStep)
            {
                continue;
            }
            d.append(" L");
            appendPoint(d, xy, i, decimals);
            lastX = x;
            lastY = y;
        }
    }

    private static void appendPoint(final StringBuilder d, final double[] xy, final int i, final int decimals)
    {
        d.append(Markup.decimal(xy[2 * i], decimals)).append(' ').append(Markup.decimal(xy[2 * i + 1], decimals));
    }

    private static boolean finite(final double[] xy, final int i)
    {
        return Double.isFinite(xy[2 * i]) && Double.isFinite(xy[2 * i + 1]);
    }
}
