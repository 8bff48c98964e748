package io.wmrt.hil.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A linear axis with round ticks (1, 2 or 5 times a power of ten) whose ends are ticks, mapping data values
 * to pixels. Built so a plot never divides by zero: a constant or empty range is widened first.
 *
 * <p>Immutable: safe from any thread.
 */
final class PlotAxis
{
    /** Data beyond this magnitude is drawn at this magnitude: no physical quantity of a run gets there. */
    static final double LIMIT = 1e12;

    private static final int MAX_DECIMALS = 12;
    private static final MathContext LABEL_DIGITS = new MathContext(3, RoundingMode.HALF_EVEN);

    private final double min;
    private final double max;
    private final double step;
    private final int decimals;

    private PlotAxis(final double min, final double max, final double step, final int decimals)
    {
        this.min = min;
        this.max = max;
        this.step = step;
        this.decimals = decimals;
    }

    /**
     * An axis covering [lo, hi] with about {@code targetTicks} intervals. Non-finite ends count as missing;
     * with both missing the axis is [0, 1]. A range narrower than a millionth of its magnitude is taken as
     * constant and widened to show the value in the middle.
     */
    static PlotAxis covering(final double lo, final double hi, final int targetTicks)
    {
        double low = Double.isFinite(lo) ? clamp(lo) : (Double.isFinite(hi) ? clamp(hi) : 0.0);
        double high = Double.isFinite(hi) ? clamp(hi) : low;
        if (high < low)
        {
            final double swap = low;
            low = high;
            high = swap;
        }
        final double magnitude = Math.max(1.0, Math.max(Math.abs(low), Math.abs(high)));
        if (high - low < magnitude * 1e-6)
        {
            final double half = Math.max(0.5, Math.abs(low) * 0.1);
            low -= half;
            high += half;
        }
        return rounded(low, high, (high - low) / Math.max(1, targetTicks), false);
    }

    /** A count axis from 0 to at least {@code maxCount} with whole-number ticks. */
    static PlotAxis counting(final long maxCount, final int targetTicks)
    {
        final double high = Math.max(1.0, (double)maxCount);
        return rounded(0.0, high, high / Math.max(1, targetTicks), true);
    }

    private static PlotAxis rounded(final double low, final double high, final double rawStep, final boolean whole)
    {
        int exponent = (int)Math.floor(Math.log10(rawStep));
        final double fraction = rawStep / Math.pow(10.0, exponent);
        final int multiple;
        if (fraction < 1.5)
        {
            multiple = 1;
        }
        else if (fraction < 3.5)
        {
            multiple = 2;
        }
        else if (fraction < 7.5)
        {
            multiple = 5;
        }
        else
        {
            multiple = 1;
            exponent++;
        }
        double step = multiple * Math.pow(10.0, exponent);
        int decimals = Math.min(MAX_DECIMALS, Math.max(0, -exponent));
        if (whole && step < 1.0)
        {
            step = 1.0;
            decimals = 0;
        }
        final double min = Math.floor(low / step) * step;
        double max = Math.ceil(high / step) * step;
        if (!(max > min))
        {
            max = min + step;
        }
        return new PlotAxis(min, max, step, decimals);
    }

    private static double clamp(final double value)
    {
        return Math.max(-LIMIT, Math.min(LIMIT, value));
    }

    double min()
    {
        return min;
    }

    double max()
    {
        return max;
    }

    /** Tick values from min to max inclusive. */
    double[] ticks()
    {
        final int count = (int)Math.round((max - min) / step) + 1;
        final double[] ticks = new double[count];
        for (int i = 0; i < count; i++)
        {
            ticks[i] = min + i * step;
        }
        return ticks;
    }

    /**
     * A tick value printed with as many decimals as the step needs; from a million on in scientific notation
     * with three significant digits, so that a wild value still gives a label that fits.
     */
    String label(final double tick)
    {
        if (Math.abs(tick) >= 1e6)
        {
            return BigDecimal.valueOf(tick).round(LABEL_DIGITS).stripTrailingZeros().toString();
        }
        return Markup.decimal(tick, decimals);
    }

    /** Pixel position of {@code value} when min is at {@code fromPx} and max at {@code toPx}. */
    double toPixel(final double value, final double fromPx, final double toPx)
    {
        final double clamped = clamp(value);
        return fromPx + (clamped - min) / (max - min) * (toPx - fromPx);
    }
}
