package io.wmrt.bench;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuantizedLayersBenchmarkTest
{
    @Test
    void shouldPrepareEveryWidthWithItsInt8GraphAQuantizedCopyOfTheFloatOne() throws Exception
    {
        for (final int width : new int[]{24, 32, 64, 96, 128, 256})
        {
            final QuantizedLayersBenchmark.LayersState state = new QuantizedLayersBenchmark.LayersState();
            state.width = width;
            state.setUp();
            try
            {
                final double error = QuantizedLayersBenchmark.relativeRms(state.fp32Out, state.int8Out);
                assertTrue(error > 0, "width " + width + ": int8 output identical to float32: not quantized");
                assertTrue(error < QuantizedLayersBenchmark.MAX_RELATIVE_RMS, "width " + width + ": " + error);
            }
            finally
            {
                state.tearDown();
            }
        }
    }

    @Test
    void shouldMeasureTheRelativeRmsDifferenceTheGuardRefusesAbove()
    {
        final FloatBuffer reference = floats(3f, 4f, 0f, 0f);
        assertEquals(0.0, QuantizedLayersBenchmark.relativeRms(reference, floats(3f, 4f, 0f, 0f)), 0.0);
        // An error of 0.5 against a signal of norm 5: 10 %, over the guard.
        final double error = QuantizedLayersBenchmark.relativeRms(reference, floats(3f, 4f, 0.3f, 0.4f));
        assertEquals(0.1, error, 1e-6);
        assertTrue(error > QuantizedLayersBenchmark.MAX_RELATIVE_RMS);
    }

    private static FloatBuffer floats(final float... values)
    {
        final FloatBuffer buffer = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(values).flip();
        return buffer;
    }
}
