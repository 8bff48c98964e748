package io.wmrt.hil.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code hil/src/test/python/check_dataset.py} on a recorded run: the dataset as numpy reads it.
 * Without python3 and numpy the calling test is skipped, except under {@code CI=true}, where CI installs
 * python3-numpy and a missing numpy is a failure. Stateless: safe from any thread.
 */
final class NumpyCheck
{
    static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "src", "test", "python",
        "check_dataset.py");
    private static final long TIMEOUT_SECONDS = 120;

    private NumpyCheck()
    {
    }

    /** Runs the check script on {@code runDir} with further arguments; fails the test with its output. */
    static void checkRun(final Path runDir, final String... arguments) throws IOException, InterruptedException
    {
        assumeNumpy();
        assertTrue(Files.isRegularFile(SCRIPT), "check script at " + SCRIPT.toAbsolutePath());
        final List<String> command = new ArrayList<>(List.of("python3", SCRIPT.toString(), runDir.toString()));
        command.addAll(List.of(arguments));
        final Result result = run(command);
        assertEquals(0, result.exitCode, String.join(" ", command) + "\n" + result.output);
        assertTrue(result.output.contains("all checks passed"), result.output);
    }

    private static void assumeNumpy() throws InterruptedException
    {
        String problem;
        try
        {
            final Result result = run(List.of("python3", "-c", "import numpy"));
            problem = result.exitCode == 0 ? null : result.output.trim();
        }
        catch (final IOException ex)
        {
            problem = ex.getMessage();
        }
        if (problem == null)
        {
            return;
        }
        final String message = "python3 with numpy is not available (apt-get install python3-numpy): " + problem;
        if ("true".equals(System.getenv("CI")))
        {
            fail(message);
        }
        Assumptions.abort(message);
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result run(final List<String> command) throws IOException, InterruptedException
    {
        final Path log = Files.createTempFile("numpy-check", ".log");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                fail(command + " did not finish within " + TIMEOUT_SECONDS + " s\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }
}
