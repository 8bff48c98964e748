package io.wmrt.hil.rig;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RigTimingTest
{
    @Test
    void shouldReadEachFormAndWriteItBackAsReportsNameIt()
    {
        assertEquals(RigTiming.DETERMINISTIC, RigTiming.parse("deterministic"));
        assertEquals(RigTiming.WALL_CLOCK, RigTiming.parse("wall-clock"));
        assertEquals("deterministic:55.0", RigTiming.parse("deterministic:55").toString());
        assertEquals("deterministic", RigTiming.parse("deterministic:0").toString());
        assertEquals("wall-clock", RigTiming.WALL_CLOCK.toString());
    }

    @Test
    void shouldRefuseOtherFormsNamingWhatIsAccepted()
    {
        for (final String bad : List.of("fast", "deterministic:-1", "deterministic:x", "Deterministic"))
        {
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> RigTiming.parse(bad));
            assertTrue(ex.getMessage().contains(RigTiming.SYNTAX), ex.getMessage());
        }
    }

    @Test
    void shouldPassTheModelledTimeToTheRuntimeAndWaitForEveryPlan()
    {
        assertEquals(List.of("--modelled-inference-ms", "0.0"), RigTiming.DETERMINISTIC.runtimeArguments());
        assertEquals(List.of(), RigTiming.WALL_CLOCK.runtimeArguments());
        assertEquals(1000, RigTiming.WALL_CLOCK.planWaitMs(1000));
        assertEquals(RigTiming.DETERMINISTIC_PLAN_WAIT_MS, RigTiming.DETERMINISTIC.planWaitMs(1000));
    }
}
