package io.wmrt.planner;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SeededNoiseTest
{
    @Test
    void shouldLeaveTheStreamWhereDrawingWouldWhateverTheParity()
    {
        for (int before = 0; before < 3; before++)
        {
            for (int skipped = 0; skipped < 9; skipped++)
            {
                final SeededNoise drawn = new SeededNoise();
                final SeededNoise skipping = new SeededNoise();
                drawn.reseed(42);
                skipping.reseed(42);
                for (int i = 0; i < before; i++)
                {
                    drawn.nextGaussian();
                    skipping.nextGaussian();
                }
                for (int i = 0; i < skipped; i++)
                {
                    drawn.nextGaussian();
                }
                skipping.skipGaussians(skipped);
                for (int i = 0; i < 5; i++)
                {
                    assertEquals(drawn.nextGaussian(), skipping.nextGaussian(), 0.0,
                        before + " drawn, " + skipped + " skipped, draw " + i);
                }
            }
        }
    }

    @Test
    void shouldRefuseToSkipBack()
    {
        assertThrows(IllegalArgumentException.class, () -> new SeededNoise().skipGaussians(-2));
    }
}
