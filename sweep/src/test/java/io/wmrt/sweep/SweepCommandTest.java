package io.wmrt.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldTakeTheAttemptsFromTheLocalMasterAndTheOptionElsewhere()
    {
        assertEquals(2, SweepCommand.attemptsOf("local[2,2]", 3));
        assertEquals(1, SweepCommand.attemptsOf("local[4]", 3), "local[N] does not retry");
        assertEquals(1, SweepCommand.attemptsOf("local", 3));
        assertEquals(3, SweepCommand.attemptsOf("spark://host:7077", 3));
        assertEquals(2, SweepCommand.slotsOf("local[4,3]", 2));
        assertEquals(2, SweepCommand.slotsOf("local[2,2]", 1));
    }

    @Test
    void shouldExitWithTwoNamingTheKeyOfABadMatrixBeforeStartingSpark() throws Exception
    {
        final Path matrix = dir.resolve("bad.yaml");
        Files.writeString(matrix, "scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline]\nrecrod: true\n");
        final StringWriter err = new StringWriter();
        final SweepCommand command = new SweepCommand();
        final int exit = SweepCommand.commandLine(command).setErr(new PrintWriter(err))
            .execute("--matrix", matrix.toString(), "--out", dir.resolve("out").toString());
        assertEquals(SweepCommand.EXIT_BAD_INPUT, exit);
        assertTrue(err.toString().contains("key 'recrod'"), err.toString());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written for a refused matrix");
    }
}
