package io.wmrt.sweep;

import java.util.List;

/**
 * Mean, lowest and a 95 % confidence interval of one score over the seeds of a scenario family, with Student's t
 * (the seeds are few, and the scores are not known to be normal: read the interval as a guide).
 * <p>
 * Immutable: safe from any thread.
 *
 * @param n        how many values.
 * @param mean     their mean.
 * @param lowest   the smallest.
 * @param halfWidth half the width of the 95 % interval around the mean; NaN for fewer than two values.
 */
public record SeedStatistics(int n, double mean, double lowest, double halfWidth)
{
    /** Two-sided 97.5 % quantiles of Student's t for 1 to 30 degrees of freedom. */
    private static final double[] T_975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    private static final double Z_975 = 1.960;

    public static SeedStatistics of(final List<Double> values)
    {
        final int n = values.size();
        if (n == 0)
        {
            return new SeedStatistics(0, Double.NaN, Double.NaN, Double.NaN);
        }
        double sum = 0;
        double lowest = Double.POSITIVE_INFINITY;
        for (final double v : values)
        {
            sum += v;
            lowest = Math.min(lowest, v);
        }
        final double mean = sum / n;
        if (n < 2)
        {
            return new SeedStatistics(n, mean, lowest, Double.NaN);
        }
        double squares = 0;
        for (final double v : values)
        {
            squares += (v - mean) * (v - mean);
        }
        final double sd = Math.sqrt(squares / (n - 1));
        final int df = n - 1;
        final double t = df <= T_975.length ? T_975[df - 1] : Z_975;
        return new SeedStatistics(n, mean, lowest, t * sd / Math.sqrt(n));
    }
}
