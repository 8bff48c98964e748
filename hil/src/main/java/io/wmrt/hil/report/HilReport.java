package io.wmrt.hil.report;

import io.wmrt.config.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The report of a rig session: {@value #SUMMARY_FILE} for machines (every score of every run, and
 * {@code all_passed}) and {@value #PAGE_FILE} for people (a summary table, then per run its scores, map,
 * speed, acceleration, jerk and tick-time plots with the run's failure events marked, and a table and zoomed
 * map of those events, as one self-contained page).
 *
 * <p>Both files are rendered in memory before either is written, and each is written whole or not at all
 * ({@link AtomicFiles}): a failure leaves any earlier report as it was, and a reader never sees a half-written
 * file. Writing over an earlier report replaces its two files; other files in the directory are left alone.
 *
 * <p>Stateless: safe from any thread, given traces no thread is still adding to.
 */
public final class HilReport
{
    /** Scores of every run, as JSON, in the report directory. */
    public static final String SUMMARY_FILE = "summary.json";
    /** The page, in the report directory. */
    public static final String PAGE_FILE = "index.html";

    private HilReport()
    {
    }

    /**
     * Writes {@value #SUMMARY_FILE} and {@value #PAGE_FILE} into {@code directory}, creating it if needed.
     *
     * @param directory where the report goes
     * @param runs      the runs in the order to show them; an empty list gives a report saying so, with
     *                  {@code all_passed} false
     * @throws IOException when the directory cannot be created or a file cannot be written; the message names
     *                     the file
     */
    public static void write(final Path directory, final List<ScenarioRun> runs) throws IOException
    {
        Objects.requireNonNull(directory, "report directory");
        Objects.requireNonNull(runs, "scenario runs");
        final List<ScenarioRun> copy = List.copyOf(runs);
        final byte[] summary = SummaryJson.render(copy).getBytes(StandardCharsets.UTF_8);
        final byte[] page = ReportPage.render(copy).getBytes(StandardCharsets.UTF_8);
        write(directory.resolve(SUMMARY_FILE), summary);
        write(directory.resolve(PAGE_FILE), page);
    }

    private static void write(final Path file, final byte[] bytes) throws IOException
    {
        try
        {
            AtomicFiles.write(file, bytes, false);
        }
        catch (final IOException ex)
        {
            throw new IOException("could not write the report file " + file + ": " + ex, ex);
        }
    }
}
