package io.wmrt.hil.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The filter reproduces polynomials it can fit exactly, with their derivatives, at the ends too. */
class SavitzkyGolayTest
{
    @Test
    void fitsAQuadraticExactlyWithItsDerivatives()
    {
        final double dt = 0.1;
        final double[] y = new double[30];
        for (int i = 0; i < y.length; i++)
        {
            final double t = i * dt;
            y[i] = 3.0 - 2.0 * t + 1.5 * t * t;
        }
        final double[] value = SavitzkyGolay.filter(y, 7, 2, 0, dt);
        final double[] slope = SavitzkyGolay.filter(y, 7, 2, 1, dt);
        final double[] curvature = SavitzkyGolay.filter(y, 5, 3, 2, dt);
        for (int i = 0; i < y.length; i++)
        {
            final double t = i * dt;
            assertEquals(y[i], value[i], 1e-9);
            assertEquals(-2.0 + 3.0 * t, slope[i], 1e-9);
            assertEquals(3.0, curvature[i], 1e-6);
        }
    }

    @Test
    void handlesShortSeries()
    {
        assertEquals(0, SavitzkyGolay.filter(new double[0], 7, 2, 1, 0.1).length);
        assertEquals(3.0, SavitzkyGolay.filter(new double[] {3.0}, 7, 2, 0, 0.1)[0]);
        assertEquals(10.0, SavitzkyGolay.filter(new double[] {1.0, 2.0}, 7, 2, 1, 0.1)[1], 1e-9);
    }
}
