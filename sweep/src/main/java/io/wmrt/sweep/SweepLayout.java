package io.wmrt.sweep;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of a sweep's output directory, and the commit protocol of its tasks.
 * <pre>
 * DIR/
 * ├── summary.json                   every committed run, in wmrt hil's run schema plus task_id and attempts
 * ├── index.html                     per scenario x model: pass rate, collisions, PDMS with 95 % CI, worst runs
 * ├── datasets/manifest.json         with record: true, every recording and its task
 * ├── attempts/&lt;task id&gt;/attempt-&lt;n&gt;/  one attempt in progress, or one that failed (kept with its logs)
 * │   ├── rig.log                    the rig's output (wmrt hil for one scenario and one seed)
 * │   ├── summary.json, index.html   the rig's own report of the run
 * │   ├── logs/&lt;run&gt;/              SUMO's and the runtime's output
 * │   ├── dataset/&lt;run&gt;/           the recording, with record: true
 * │   └── _SUCCESS                   written last, before the commit
 * └── runs/&lt;task id&gt;/               a committed attempt: the directory above, renamed
 * </pre>
 * A task is done when {@code runs/<task id>/_SUCCESS} exists. An attempt commits by one atomic rename of its
 * directory to {@code runs/<task id>}: the rename fails when that directory exists, so the first attempt to
 * finish wins and a speculative or retried twin cannot overwrite it, and a reader never sees a half-written run.
 * (An attempt cannot be staged under {@code runs/<task id>/} itself: a directory cannot be renamed onto its own
 * parent.) Attempt numbers count every attempt ever made in this directory, so a resumed sweep does not reuse
 * the directory of an earlier failure.
 * <p>
 * Safe from any thread and process sharing the file system: every step is one atomic file-system operation.
 */
public final class SweepLayout
{
    public static final String SUCCESS_MARKER = "_SUCCESS";
    public static final String RUNS = "runs";
    public static final String ATTEMPTS = "attempts";
    public static final String RIG_LOG = "rig.log";
    public static final String DATASET = "dataset";
    private static final Pattern ATTEMPT = Pattern.compile("attempt-([0-9]+)");

    private final Path root;

    public SweepLayout(final Path root)
    {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root()
    {
        return root;
    }

    /** Where a task's committed run lives. */
    public Path runDir(final String taskId)
    {
        return root.resolve(RUNS).resolve(taskId);
    }

    public boolean isCommitted(final String taskId)
    {
        return Files.isRegularFile(runDir(taskId).resolve(SUCCESS_MARKER));
    }

    /**
     * Creates the next attempt's directory, {@code attempts/<task id>/attempt-<n>} with n one more than any
     * attempt made so far (1 for the first); atomic, so concurrent attempts get distinct numbers.
     */
    public Path newAttempt(final String taskId) throws IOException
    {
        final Path attempts = root.resolve(ATTEMPTS).resolve(taskId);
        Files.createDirectories(attempts);
        int n = highestAttempt(attempts) + 1;
        while (true)
        {
            try
            {
                return Files.createDirectory(attempts.resolve("attempt-" + n));
            }
            catch (final FileAlreadyExistsException taken)
            {
                n++;
            }
        }
    }

    /** The attempt's number, from its directory's name. */
    public static int attemptNumber(final Path attempt)
    {
        final Matcher m = ATTEMPT.matcher(attempt.getFileName().toString());
        if (!m.matches())
        {
            throw new IllegalArgumentException(attempt + " is not an attempt directory");
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * Marks the attempt complete and renames it to the task's run directory.
     *
     * @return true when this attempt is the task's run; false when another attempt committed first (this one is
     * left where it is)
     */
    public boolean commit(final String taskId, final Path attempt) throws IOException
    {
        Files.writeString(attempt.resolve(SUCCESS_MARKER), "");
        final Path target = runDir(taskId);
        Files.createDirectories(target.getParent());
        if (Files.exists(target))
        {
            return false;
        }
        try
        {
            Files.move(attempt, target, StandardCopyOption.ATOMIC_MOVE);
            deleteIfEmpty(attempt.getParent());
            return true;
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            throw new IOException("cannot commit " + attempt + ": " + root + " must be on one file system that " +
                "renames atomically (a local disk, NFS, or a POSIX mount of an object store)", ex);
        }
        catch (final IOException ex)
        {
            // Lost the race: the winner's directory is never empty, so the rename onto it fails.
            if (Files.exists(target))
            {
                return false;
            }
            throw ex;
        }
    }

    private static void deleteIfEmpty(final Path directory)
    {
        try
        {
            Files.deleteIfExists(directory);
        }
        catch (final IOException notEmpty)
        {
            // Earlier failed attempts are kept with their logs.
        }
    }

    private static int highestAttempt(final Path attempts) throws IOException
    {
        int highest = 0;
        try (Stream<Path> children = Files.list(attempts))
        {
            for (final Path child : (Iterable<Path>)children::iterator)
            {
                final Matcher m = ATTEMPT.matcher(child.getFileName().toString());
                if (m.matches())
                {
                    highest = Math.max(highest, Integer.parseInt(m.group(1)));
                }
            }
        }
        return highest;
    }
}
