package io.wmrt;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the committed profiles and model packages are, for tests.
 */
public final class TestRepo
{
    private TestRepo()
    {
    }

    public static Path root()
    {
        final Path root = Path.of(System.getProperty("wmrt.repo.root", "..")).toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("hardware-profiles")))
        {
            throw new IllegalStateException("cannot find the repository root from " + root);
        }
        return root;
    }

    public static Path profile(final String name)
    {
        return root().resolve("hardware-profiles").resolve(name + ".yaml");
    }

    public static Path model(final String name)
    {
        return root().resolve("models").resolve(name);
    }

    /**
     * A copy of a committed model package, to alter: {@code <into>/<name>}.
     */
    public static Path copyModel(final String name, final Path into) throws IOException
    {
        final Path target = Files.createDirectory(into.resolve(name));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(model(name)))
        {
            for (final Path file : files)
            {
                if (Files.isRegularFile(file))
                {
                    Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        }
        return target;
    }
}
