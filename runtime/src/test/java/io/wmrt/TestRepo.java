package io.wmrt;

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
}
