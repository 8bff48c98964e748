package io.wmrt.hil.scenario.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/**
 * One documented parameter of a scenario family: its name, unit, kind and the range its values are drawn from.
 * Real values are drawn uniformly and rounded to {@code decimals} places, integers uniformly from min..max
 * inclusive, flags with {@code probability} of being true, choices uniformly from {@code choices}.
 *
 * @param name        the key in parameters.yaml (lower case, underscores).
 * @param unit        m, m/s, km/h, 1/s, s, count, flag, choice, fraction or none.
 * @param kind        how values are drawn.
 * @param min         smallest value (REAL, INTEGER).
 * @param max         largest value (REAL, INTEGER).
 * @param decimals    decimals a REAL value is rounded to.
 * @param probability the chance of true (FLAG).
 * @param choices     the possible values (CHOICE).
 * @param description what it sets, one line.
 */
public record Parameter(
    String name,
    String unit,
    Kind kind,
    double min,
    double max,
    int decimals,
    double probability,
    List<String> choices,
    String description)
{
    /** How a parameter's values are drawn. */
    public enum Kind
    {
        REAL,
        INTEGER,
        FLAG,
        CHOICE
    }

    /** A real parameter drawn uniformly from [min, max], rounded to {@code decimals}. */
    public static Parameter real(final String name, final String unit, final double min, final double max,
        final int decimals, final String description)
    {
        return new Parameter(name, unit, Kind.REAL, min, max, decimals, 0.0, List.of(), description);
    }

    /** An integer parameter drawn uniformly from min..max inclusive. */
    public static Parameter integer(final String name, final String unit, final int min, final int max,
        final String description)
    {
        return new Parameter(name, unit, Kind.INTEGER, min, max, 0, 0.0, List.of(), description);
    }

    /** A flag that is true with {@code probability}. */
    public static Parameter flag(final String name, final double probability, final String description)
    {
        return new Parameter(name, "flag", Kind.FLAG, 0, 1, 0, probability, List.of(), description);
    }

    /** One of {@code choices}, each equally likely. */
    public static Parameter choice(final String name, final List<String> choices, final String description)
    {
        return new Parameter(name, "choice", Kind.CHOICE, 0, choices.size() - 1, 0, 0.0, List.copyOf(choices),
            description);
    }

    /** This parameter under another name (the corridor family prefixes its scenes' parameters). */
    public Parameter renamed(final String otherName)
    {
        return new Parameter(otherName, unit, kind, min, max, decimals, probability, choices, description);
    }

    /** The range as documented: "2.7–3.5 m", "0–6" (a count), "true with p=0.5", "car | van". */
    public String range()
    {
        return switch (kind)
        {
            case REAL -> format(min, decimals) + "–" + format(max, decimals) + " " + unit;
            case INTEGER -> format(min, 0) + "–" + format(max, 0) +
                ("count".equals(unit) || "none".equals(unit) ? "" : " " + unit);
            case FLAG -> "true with p=" + format(probability, 2);
            case CHOICE -> String.join(" | ", choices);
        };
    }

    /** Whether {@code value} (as written to parameters.yaml) lies in this parameter's range. */
    public boolean accepts(final String value)
    {
        return switch (kind)
        {
            case REAL, INTEGER ->
            {
                final double v = Double.parseDouble(value);
                yield v >= min - 1e-9 && v <= max + 1e-9 && (kind == Kind.REAL || v == Math.rint(v));
            }
            case FLAG -> "true".equals(value) || "false".equals(value);
            case CHOICE -> choices.contains(value);
        };
    }

    /** {@code value} rounded to {@code decimals} places, without trailing zeros ("3", "3.25"). */
    public static String format(final double value, final int decimals)
    {
        final BigDecimal rounded = BigDecimal.valueOf(value).setScale(decimals, RoundingMode.HALF_EVEN)
            .stripTrailingZeros();
        final String text = rounded.scale() < 0 ? rounded.setScale(0).toPlainString() : rounded.toPlainString();
        return "-0".equals(text) ? "0" : text;
    }

    @Override
    public String toString()
    {
        return String.format(Locale.ROOT, "%s (%s)", name, range());
    }
}
