package io.wmrt.hil.scenario.generate;

import java.util.Locale;

/**
 * Small helpers for the generated XML and YAML text: numbers without trailing zeros and in the ROOT locale.
 */
final class Xml
{
    static final String HEADER = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private Xml()
    {
    }

    /** {@code value} with at most two decimals ("3", "3.25", "-0.5"). */
    static String num(final double value)
    {
        return Parameter.format(value, 2);
    }

    /** {@code value} with at most {@code decimals} decimals. */
    static String num(final double value, final int decimals)
    {
        return Parameter.format(value, decimals);
    }

    /** A speed limit in km/h as m/s with two decimals (30 -> 8.33). */
    static double mps(final double kmh)
    {
        return Double.parseDouble(num(kmh / 3.6));
    }

    /** {@code value} rounded up to a multiple of {@code step}. */
    static double ceilTo(final double value, final double step)
    {
        return Math.ceil(value / step - 1e-9) * step;
    }

    /** String.format in the ROOT locale. */
    static String f(final String format, final Object... args)
    {
        return String.format(Locale.ROOT, format, args);
    }
}
