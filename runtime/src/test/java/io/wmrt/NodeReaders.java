package io.wmrt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the independent readers in {@code runtime/src/test/node} (the reference MCAP reader, the Foxglove
 * WebSocket client) with Node, installing their pinned packages with {@code npm ci} the first time.
 */
public final class NodeReaders
{
    public static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    private NodeReaders()
    {
    }

    /** Run {@code node SCRIPT ARGS...} in the readers' directory; its stdout, or an error with its stderr. */
    public static String run(final String script, final String... args) throws IOException, InterruptedException
    {
        install();
        final List<String> command = new ArrayList<>(List.of("node", script));
        command.addAll(List.of(args));
        return exec(command, 120);
    }

    /** The readers' directory, their packages installed: for tests that run a reader their own way. */
    public static Path dir() throws IOException, InterruptedException
    {
        install();
        return DIR;
    }

    private static synchronized void install() throws IOException, InterruptedException
    {
        if (Files.isDirectory(DIR.resolve("node_modules").resolve("@mcap").resolve("core")))
        {
            return;
        }
        exec(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
    }

    private static String exec(final List<String> command, final int timeoutS) throws IOException, InterruptedException
    {
        final Path stderr = Files.createTempFile("wmrt-node", ".err");
        final Process process;
        try
        {
            process = new ProcessBuilder(command).directory(DIR.toFile())
                .redirectError(stderr.toFile()).start();
        }
        catch (final IOException ex)
        {
            throw new IOException("cannot run " + command.get(0) + " (the tests read recordings with Node's " +
                "@mcap/core: apt-get install nodejs npm): " + ex.getMessage(), ex);
        }
        final byte[] stdout = process.getInputStream().readAllBytes();
        if (!process.waitFor(timeoutS, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new IOException(command + " did not finish in " + timeoutS + " s");
        }
        final String err = Files.readString(stderr);
        Files.deleteIfExists(stderr);
        if (process.exitValue() != 0)
        {
            throw new IOException(command + " exited " + process.exitValue() + ": " + err);
        }
        return new String(stdout, StandardCharsets.UTF_8);
    }
}
