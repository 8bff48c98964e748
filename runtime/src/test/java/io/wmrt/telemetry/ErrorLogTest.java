package io.wmrt.telemetry;

import io.wmrt.bus.BusDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every part of a runtime that records errors (the planner, the command around it) shares the instance's one
 * error log: none overwrites another's.
 */
class ErrorLogTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldKeepTheErrorsOfEveryErrorLogOfOneInstance() throws Exception
    {
        final BusDirectory bus = BusDirectory.create(tmp.resolve("instance"));
        try
        {
            new ErrorLog(bus).record(new IllegalStateException("planner: first"));
            new ErrorLog(bus).record(new IllegalArgumentException("command: second"));

            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            try (BusDirectory reader = BusDirectory.open(bus.dir()))
            {
                assertEquals(2, ErrorLog.print(reader, new PrintStream(text, true, StandardCharsets.UTF_8)));
            }
            final String errors = text.toString(StandardCharsets.UTF_8);
            assertTrue(errors.contains("1 time(s)") && !errors.contains("2 time(s)"), errors);
            assertTrue(errors.contains("planner: first"), errors);
            assertTrue(errors.contains("command: second"), errors);
            assertEquals(2, bus.counter(WmrtCounter.ERRORS).get());
        }
        finally
        {
            bus.closeAndDelete();
        }
    }
}
