package io.wmrt.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the command line looks when the user names nothing: the repository the launcher runs from
 * ({@code -Dwmrt.home}, else the working directory) and shared memory under /dev/shm.
 */
final class Defaults
{
    static final String DEFAULT_PROFILE = "hardware-profiles/host.yaml";
    static final String DEFAULT_MODEL = "models/cv-baseline";
    static final String INSTANCE_NAME = "wmrt-default";

    private Defaults()
    {
    }

    static Path home()
    {
        return Path.of(System.getProperty("wmrt.home", ".")).toAbsolutePath().normalize();
    }

    static Path profile()
    {
        return home().resolve(DEFAULT_PROFILE);
    }

    static Path model()
    {
        return home().resolve(DEFAULT_MODEL);
    }

    /**
     * /dev/shm where it exists and is writable (tmpfs: the bus never touches a disk), else the temp dir.
     */
    static Path sharedMemoryBase()
    {
        final Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    static Path instanceDir()
    {
        return sharedMemoryBase().resolve(INSTANCE_NAME);
    }
}
