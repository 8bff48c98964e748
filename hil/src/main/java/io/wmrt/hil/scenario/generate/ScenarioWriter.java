package io.wmrt.hil.scenario.generate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a {@link GeneratedScenario} as a scenario directory atomically: every file goes into a hidden temporary
 * sibling ({@code .<name>.tmp-<pid>}), netconvert builds the net there, and the directory is then renamed to its
 * name in one step, so a reader sees either no directory or a complete one. An existing non-empty target is
 * refused naming it; an empty one is replaced.
 */
public final class ScenarioWriter
{
    private ScenarioWriter()
    {
    }

    /** Refuses {@code target} when it exists and is not an empty directory. */
    public static void checkTarget(final Path target) throws IOException
    {
        if (!Files.exists(target))
        {
            return;
        }
        if (!Files.isDirectory(target))
        {
            throw new FileAlreadyExistsException(target.toString(), null, "exists and is not a directory");
        }
        try (Stream<Path> children = Files.list(target))
        {
            if (children.findAny().isPresent())
            {
                throw new FileAlreadyExistsException(target.toString(), null,
                    "scenario directory exists and is not empty; remove it or choose another --out or --seed");
            }
        }
    }

    /** Writes {@code scenario} into {@code parent/<name>} and returns that directory. */
    public static Path write(final Path parent, final GeneratedScenario scenario) throws IOException
    {
        final Path target = parent.resolve(scenario.name());
        checkTarget(target);
        Files.createDirectories(parent);
        final Path temp = parent.resolve("." + scenario.name() + ".tmp-" + ProcessHandle.current().pid());
        deleteTree(temp);
        Files.createDirectory(temp);
        try
        {
            for (final Map.Entry<String, String> file : scenario.files().entrySet())
            {
                Files.writeString(temp.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
            }
            final Path net = Netconvert.build(temp, scenario.name());
            final List<String> broken = LaneContinuity.problems(net);
            if (!broken.isEmpty())
            {
                throw new IOException("netconvert built " + scenario.name() + ".net.xml with lanes that do not " +
                    "follow on (the generator's geometry is at fault, not the seed): " + String.join("; ", broken));
            }
            checkTarget(target);
            if (Files.isDirectory(target))
            {
                Files.delete(target);
            }
            try
            {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                throw new IOException("cannot rename " + temp + " to " + target + " atomically: " + ex.getMessage(),
                    ex);
            }
        }
        finally
        {
            deleteTree(temp);
        }
        return target;
    }

    private static void deleteTree(final Path root) throws IOException
    {
        if (!Files.exists(root))
        {
            return;
        }
        try (Stream<Path> all = Files.walk(root))
        {
            for (final Path p : (Iterable<Path>)all.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(p);
            }
        }
    }
}
