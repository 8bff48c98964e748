package io.wmrt.bench;

import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What every benchmark JVM shares: the JVM flags of a JMH fork, where the repository's profiles and models
 * are, and where scratch bus directories go.
 * <p>
 * Stateless; safe to use from any thread.
 */
public final class BenchEnvironment
{
    /** Agrona 2.x reaches into jdk.internal.misc: every JVM that touches an UnsafeBuffer needs this. */
    public static final String ADD_OPENS = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** The garbage collector and heap the {@code wmrt} launcher runs with, so a fork measures the same JVM. */
    public static final String GC = "-XX:+UseParallelGC";
    public static final String HEAP_MIN = "-Xms256m";
    public static final String HEAP_MAX = "-Xmx1g";

    /** System property naming the repository root (the directory holding hardware-profiles/ and models/). */
    public static final String HOME_PROPERTY = "wmrt.home";
    private static final String DEFAULT_HOME = "..";

    private BenchEnvironment()
    {
    }

    /**
     * The repository root: {@code -Dwmrt.home} when given, else {@code ..} (running from {@code bench/}),
     * else the working directory (running from the repository root). JMH forks inherit the host JVM's
     * {@code -D} options, so setting it on {@code java -jar benchmarks.jar} is enough.
     *
     * @throws IllegalStateException naming the directory tried when it holds no profiles and models.
     */
    public static Path repositoryRoot()
    {
        final String configured = System.getProperty(HOME_PROPERTY);
        if (null != configured)
        {
            final Path root = Path.of(configured).toAbsolutePath().normalize();
            if (!isRepositoryRoot(root))
            {
                throw new IllegalStateException("-D" + HOME_PROPERTY + "=" + configured + " (" + root +
                    ") has no hardware-profiles/ and models/ directories");
            }
            return root;
        }
        final Path fromBench = Path.of(DEFAULT_HOME).toAbsolutePath().normalize();
        if (isRepositoryRoot(fromBench))
        {
            return fromBench;
        }
        final Path fromRoot = Path.of("").toAbsolutePath().normalize();
        if (isRepositoryRoot(fromRoot))
        {
            return fromRoot;
        }
        throw new IllegalStateException("cannot find the wmrt repository from " + fromRoot + ": run from the " +
            "repository root or bench/, or pass -D" + HOME_PROPERTY + "=<repository root>");
    }

    public static Path profile(final String name)
    {
        return repositoryRoot().resolve("hardware-profiles").resolve(name + ".yaml");
    }

    public static Path model(final String name)
    {
        return repositoryRoot().resolve("models").resolve(name);
    }

    /**
     * A new, empty directory for one benchmark's shared-memory files: under /dev/shm where it exists (as
     * the runtime's default instance directory is), else under java.io.tmpdir. It is deleted by
     * {@link #deleteQuietly}, or when the JVM exits if a failing benchmark never reached its tear-down (JMH
     * skips a trial's tear-down after the benchmark method throws).
     */
    public static Path newScratchDirectory(final String prefix) throws IOException
    {
        final Path shm = Path.of("/dev/shm");
        final Path base = Files.isDirectory(shm) && Files.isWritable(shm) ? shm :
            Path.of(System.getProperty("java.io.tmpdir"));
        final Path dir = Files.createTempDirectory(base, prefix);
        ScratchDirectories.INSTANCE.add(dir);
        return dir;
    }

    public static void deleteQuietly(final Path dir)
    {
        if (null != dir)
        {
            IoUtil.delete(dir.toFile(), true);
            ScratchDirectories.INSTANCE.remove(dir);
        }
    }

    private static boolean isRepositoryRoot(final Path dir)
    {
        return Files.isDirectory(dir.resolve("hardware-profiles")) && Files.isDirectory(dir.resolve("models"));
    }

    /**
     * Scratch directories not yet deleted, removed by one shutdown hook. Thread safe (synchronized set).
     */
    private static final class ScratchDirectories
    {
        private static final ScratchDirectories INSTANCE = new ScratchDirectories();
        private final Set<Path> live = Collections.synchronizedSet(new LinkedHashSet<>());

        private ScratchDirectories()
        {
            Runtime.getRuntime().addShutdownHook(new Thread(this::deleteAll, "wmrt-bench-scratch-cleaner"));
        }

        void add(final Path dir)
        {
            live.add(dir);
        }

        void remove(final Path dir)
        {
            live.remove(dir);
        }

        private void deleteAll()
        {
            synchronized (live)
            {
                for (final Path dir : live)
                {
                    IoUtil.delete(dir.toFile(), true);
                }
                live.clear();
            }
        }
    }
}
