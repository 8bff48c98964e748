package io.wmrt.fuzz;

import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class AllocationSettlingTest
{
    @Test
    void shouldPassAJvmChargeSpreadOverTwoTicks()
    {
        assertNull(AllocationSettling.settle(120, ticks(3_928, 0, 0)));
    }

    @Test
    void shouldFailATickThatAllocatesEveryTime()
    {
        assertEquals("120, 16, 16, 16, 16, 16", AllocationSettling.settle(120, ticks(16, 16, 16, 16, 16, 16, 0)));
    }

    @Test
    void shouldRunNoMoreTicksThanItNeeds()
    {
        final int[] runs = {0};
        assertNull(AllocationSettling.settle(8, () -> runs[0]++ == 0 ? 24 : 0));
        assertEquals(2, runs[0]);
    }

    private static LongSupplier ticks(final long... bytes)
    {
        final int[] next = {0};
        return () -> bytes[next[0]++];
    }
}
