package io.wmrt.cli;

import io.wmrt.TestRepo;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One in-process run of the {@code wmrt} command line from the repository root, as a user would see it.
 *
 * @param exit the exit code.
 * @param out  what it printed to standard output.
 * @param err  what it printed to standard error, then picocli's own messages.
 */
record WmrtInvocation(int exit, String out, String err)
{
    static WmrtInvocation run(final String... args)
    {
        final PrintStream oldOut = System.out;
        final PrintStream oldErr = System.err;
        final ByteArrayOutputStream o = new ByteArrayOutputStream();
        final ByteArrayOutputStream e = new ByteArrayOutputStream();
        final StringWriter picoErr = new StringWriter();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int exit = -1;
        try
        {
            final CommandLine cli = WmrtCommand.commandLine();
            cli.setErr(new PrintWriter(picoErr, true));
            System.setProperty("wmrt.home", TestRepo.root().toString());
            exit = cli.execute(args);
        }
        finally
        {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new WmrtInvocation(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8) + picoErr);
    }
}
