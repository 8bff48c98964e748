package io.wmrt.hil.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Text as the report writes it: HTML escaping and locale-independent decimals, shared by the page, its SVG
 * plots and {@code summary.json} so that all three print a number the same way.
 *
 * <p>Stateless: safe from any thread.
 */
final class Markup
{
    /** Magnitude from which decimals are written in scientific notation instead of a long plain string. */
    private static final double PLAIN_LIMIT = 1e15;
    private static final MathContext SCIENTIFIC = new MathContext(6, RoundingMode.HALF_EVEN);

    private Markup()
    {
    }

    /**
     * A finite value rounded to at most {@code decimals} places, trailing zeros dropped, never "-0":
     * {@code 2.50 -> "2.5"}, {@code -0.0001 -> "0"} at 3 places. Valid as a JSON number and an SVG number.
     * Callers keep non-finite values out (they have no such spelling); this is asserted.
     */
    static String decimal(final double value, final int decimals)
    {
        assert Double.isFinite(value) : "not finite: " + value;
        if (Math.abs(value) >= PLAIN_LIMIT)
        {
            return BigDecimal.valueOf(value).round(SCIENTIFIC).stripTrailingZeros().toString();
        }
        final BigDecimal rounded = BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN);
        if (rounded.signum() == 0)
        {
            return "0";
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    /** HTML-escaped text (element content or a double-quoted attribute value); null becomes empty. */
    static String escape(final String text)
    {
        final StringBuilder out = new StringBuilder();
        appendEscaped(out, text);
        return out.toString();
    }

    /**
     * Appends {@code text} escaped for HTML element content or a double-quoted attribute value. Control
     * characters other than tab, newline and carriage return, which HTML does not allow, become U+FFFD.
     */
    static void appendEscaped(final StringBuilder out, final String text)
    {
        if (null == text)
        {
            return;
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '&':
                    out.append("&amp;");
                    break;
                case '<':
                    out.append("&lt;");
                    break;
                case '>':
                    out.append("&gt;");
                    break;
                case '"':
                    out.append("&quot;");
                    break;
                case '\'':
                    out.append("&#39;");
                    break;
                default:
                    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f))
                    {
                        out.append('\uFFFD');
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
    }
}
