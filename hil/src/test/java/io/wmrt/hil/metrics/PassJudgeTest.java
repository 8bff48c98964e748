package io.wmrt.hil.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress criterion and its filtering against the reference driver, on constructed figures. */
class PassJudgeTest
{
    @Test
    void shouldAskTheScenariosProgressWhenTheReferenceDriverMadeIt()
    {
        assertNull(PassJudge.progressFailure(170, 290, 170));
        final String failure = PassJudge.progressFailure(170, 290, 169.9);
        assertNotNull(failure);
        assertTrue(failure.contains("at least 170.0 m"), failure);
    }

    @Test
    void shouldAskTheScenariosProgressWhenNoReferenceDriverRan()
    {
        assertNotNull(PassJudge.progressFailure(170, Double.NaN, 150));
        assertNull(PassJudge.progressFailure(170, Double.NaN, 170));
    }

    @Test
    void shouldAskNineTenthsOfWhatTheReferenceDriverMadeWhenItFellShortToo()
    {
        // The reference driver made 128 m of the 170 asked (narrow-street-10100-019): 115.2 m passes, less fails
        // and says why.
        assertNull(PassJudge.progressFailure(170, 128, 122.3));
        assertNull(PassJudge.progressFailure(170, 128, 115.2));
        final String failure = PassJudge.progressFailure(170, 128, 115.1);
        assertNotNull(failure);
        assertTrue(failure.contains("at least 115.2 m") && failure.contains("reference driver's 128.0 m"), failure);
    }

    @Test
    void shouldHoldTheEgoToWhatTheReferenceDriverMadeHoweverLittle()
    {
        // A reference that made nothing asks nothing more than it made; the ego standing still with it is not a
        // progress failure, but any shortfall beyond the tenth still is.
        assertNull(PassJudge.progressFailure(170, 0, 0));
        assertNotNull(PassJudge.progressFailure(170, 50, 40));
    }
}
