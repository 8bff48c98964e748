package io.wmrt.soak;

import io.wmrt.bus.BusDirectory;
import io.wmrt.config.AtomicFiles;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A soak of the runtime: {@code wmrt run} in its own process (see {@link RuntimeProcess}), fed from this one
 * at a steady rate with moving traffic ({@link SoakTraffic}) and malformed items between the frames
 * ({@link SceneStream}), every answer matched to its frame ({@link AnswerTracker}), the figures gathered by
 * {@link SoakRun}. The runtime is stopped and its instance directory removed at the end, and also when this
 * process is stopped first (a shutdown hook). What was measured comes back as a {@link SoakReport};
 * {@link SoakVerdict} judges it.
 * <p>
 * Not thread safe: {@link #run()} once, on one thread.
 */
public final class Soak
{
    public static final String REPORT_FILE = "soak.json";

    private final SoakConfig config;
    private final PrintStream progress;

    /**
     * @param progress where a line of progress goes every minute.
     */
    public Soak(final SoakConfig config, final PrintStream progress)
    {
        if (!config.concluded())
        {
            throw new IllegalStateException("conclude() the SoakConfig first");
        }
        this.config = config;
        this.progress = progress;
    }

    /**
     * Run the soak to its end, or until the runtime dies.
     *
     * @throws IOException when the runtime could not be started or never made its instance directory ready.
     */
    public SoakReport run() throws IOException, InterruptedException
    {
        Files.createDirectories(config.outDir());
        final RuntimeProcess runtime = RuntimeProcess.start(config);
        final Thread stopOnExit = new Thread(() ->
        {
            stopQuietly(runtime);
            progress.printf("wmrt soak: stopped before its end; the runtime (pid %d) is stopped and %s removed%n",
                runtime.pid(), config.instanceDir());
        }, "wmrt-soak-stop-runtime");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        final SoakRun soakRun;
        try
        {
            try (BusDirectory bus = runtime.awaitBus(config.startTimeoutNs()))
            {
                soakRun = new SoakRun(config, runtime, bus, progress);
                soakRun.drive();
                soakRun.finish();
            }
        }
        finally
        {
            runtime.stop();
            try
            {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            catch (final IllegalStateException ex)
            {
                // Already shutting down: the hook stops the runtime.
            }
        }
        return soakRun.report();
    }

    /**
     * Write the report as JSON into the output directory, with the verdict's failures.
     *
     * @return the file written.
     */
    public static Path write(final SoakReport report, final List<String> failures, final Path outDir)
        throws IOException
    {
        final Path file = outDir.resolve(REPORT_FILE);
        AtomicFiles.write(file, report.toJson(failures).getBytes(StandardCharsets.UTF_8), false);
        return file;
    }

    private static void stopQuietly(final RuntimeProcess runtime)
    {
        try
        {
            runtime.stop();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
