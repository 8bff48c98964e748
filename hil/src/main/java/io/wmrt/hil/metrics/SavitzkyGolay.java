package io.wmrt.hil.metrics;

/**
 * Savitzky-Golay filtering the way scipy's {@code savgol_filter} does it in its default "interp" mode, which
 * NAVSIM's and nuPlan's comfort metrics use: a least-squares polynomial over {@code window} samples around each
 * sample (the first and last windows serve the samples near the ends), evaluated at the sample, or its
 * derivative there.
 *
 * <p>Stateless: safe from any thread.
 */
public final class SavitzkyGolay
{
    private SavitzkyGolay()
    {
    }

    /**
     * Filters {@code y}.
     *
     * @param y          samples, equally spaced by {@code dt}
     * @param window     samples per fit (capped at y.length)
     * @param order      polynomial order (capped below the window)
     * @param derivative 0 for the smoothed value, 1 for the first derivative per second, 2 for the second
     * @param dt         sample spacing in seconds
     */
    public static double[] filter(final double[] y, final int window, final int order, final int derivative,
        final double dt)
    {
        final int n = y.length;
        final double[] out = new double[n];
        final int w = Math.min(window, n);
        final int p = Math.min(order, w - 1);
        if (w < 2 || p < derivative)
        {
            if (derivative == 0)
            {
                System.arraycopy(y, 0, out, 0, n);
            }
            return out;
        }
        final double[] coefficients = new double[p + 1];
        for (int i = 0; i < n; i++)
        {
            final int start = Math.max(0, Math.min(n - w, i - w / 2));
            fit(y, start, w, i, p, coefficients);
            // Polynomial in u = k - i (steps), so the value at the sample is c0, the first derivative c1,
            // the second 2 c2.
            double value = coefficients[derivative];
            for (int d = 2; d <= derivative; d++)
            {
                value *= d;
            }
            out[i] = value / Math.pow(dt, derivative);
        }
        return out;
    }

    /** Least squares of y[start..start+w) against powers of (k - centre), by the normal equations. */
    private static void fit(final double[] y, final int start, final int w, final int centre, final int p,
        final double[] c)
    {
        final int m = p + 1;
        final double[][] a = new double[m][m + 1];
        for (int k = start; k < start + w; k++)
        {
            final double u = k - centre;
            final double[] powers = new double[2 * m - 1];
            powers[0] = 1.0;
            for (int e = 1; e < powers.length; e++)
            {
                powers[e] = powers[e - 1] * u;
            }
            for (int r = 0; r < m; r++)
            {
                for (int col = 0; col < m; col++)
                {
                    a[r][col] += powers[r + col];
                }
                a[r][m] += powers[r] * y[k];
            }
        }
        // Gaussian elimination with partial pivoting.
        for (int col = 0; col < m; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < m; r++)
            {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col]))
                {
                    pivot = r;
                }
            }
            final double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = col + 1; r < m; r++)
            {
                final double f = a[r][col] / a[col][col];
                for (int k = col; k <= m; k++)
                {
                    a[r][k] -= f * a[col][k];
                }
            }
        }
        for (int r = m - 1; r >= 0; r--)
        {
            double s = a[r][m];
            for (int k = r + 1; k < m; k++)
            {
                s -= a[r][k] * c[k];
            }
            c[r] = s / a[r][r];
        }
    }
}
