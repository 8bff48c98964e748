package io.wmrt.hil.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report tests' JSON reader refuses what a lenient reader lets through, so their checks have teeth. */
class StrictJsonTest
{
    @Test
    void shouldReadWhatJsonAllows()
    {
        assertEquals(Map.of("a", List.of(new BigDecimal("1.5e3"), "x\"\n\u00e9", true)),
            StrictJson.parse(" {\"a\": [1.5e3, \"x\\\"\\n\\u00e9\", true]} "));
        assertEquals(Arrays.asList((Object)null), StrictJson.parse("[null]"));
        assertEquals(new BigDecimal("-0.25"), StrictJson.parse("-0.25"));
    }

    @Test
    void shouldRefuseWhatJsonDoesNotAllow()
    {
        for (final String text : List.of("NaN", "[Infinity]", "[-Infinity]", "01", "1.", ".5", "[1,]", "{\"a\":1,}",
            "'a'", "\"tab\there\"", "\"bad \\x escape\"", "{\"a\":1,\"a\":2}", "[1] [2]", "", "{\"a\" 1}",
            "\"\\u12\"", "1,5"))
        {
            assertThrows(IllegalArgumentException.class, () -> StrictJson.parse(text), text);
        }
    }
}
