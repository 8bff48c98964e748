package io.wmrt.hil.rig;

import io.wmrt.bus.BusDirectory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The runtime under test, unchanged, in its own JVM: {@code wmrt run} with the given profile and model on
 * a bus directory of the rig's choosing. The rig talks to it only through that bus.
 *
 * <p>{@link #close()} asks it to stop (SIGTERM, which the runtime handles by closing cleanly), forces it
 * after a grace period, and removes the bus directory. A JVM shutdown hook does the same for runtimes
 * still running when the rig's JVM exits (an exception, Ctrl-C, SIGTERM), so a failed or interrupted rig
 * leaves no runtime and no bus files behind.
 *
 * <p>Not thread safe: owned by the rig thread.
 */
public final class RuntimeProcess implements AutoCloseable
{
    /** The runtime's command line; the rig runs its {@code run} command. */
    public static final String WMRT_MAIN = "io.wmrt.cli.WmrtCommand";
    /**
     * How long {@code wmrt run} may take to map its bus while it is alive (one that exits is reported at once).
     * Eight rigs starting together on two cores took over 30 s to start a JVM that had printed nothing yet.
     */
    public static final long START_TIMEOUT_MS = 120_000;
    private static final long STOP_GRACE_MS = 10_000;
    /** Runtimes started and not yet stopped, with their bus directories. */
    private static final Map<Process, Path> RUNNING = new ConcurrentHashMap<>();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            for (final Map.Entry<Process, Path> running : RUNNING.entrySet())
            {
                running.getKey().destroyForcibly();
                try
                {
                    running.getKey().waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                deleteBus(running.getValue());
            }
        }, "wmrt-hil-runtime-reaper"));
    }

    private final Process process;
    private final Path busDir;
    private final Path log;
    private final BusDirectory bus;

    private RuntimeProcess(final Process process, final Path busDir, final Path log, final BusDirectory bus)
    {
        this.process = process;
        this.busDir = busDir;
        this.log = log;
        this.bus = bus;
    }

    /**
     * Starts {@code wmrt run} from this JVM's class path and waits until its bus is mapped.
     *
     * @param mainClass  the runtime's command line, {@link #WMRT_MAIN}; a test may put a scripted driver
     *                   with the same arguments in its place
     * @param jvmOptions further JVM options for the runtime
     * @param runOptions further options of {@code wmrt run} (its timing mode)
     * @param busDir where the runtime creates its bus files; must not exist yet
     * @param log    the runtime's stdout and stderr
     * @throws IOException naming the log when the runtime exits or does not map its bus in time
     */
    public static RuntimeProcess start(final String mainClass, final List<String> jvmOptions,
        final List<String> runOptions, final Path profile, final Path model, final long seed, final Path busDir,
        final Path log) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-XX:+UseParallelGC");
        command.add("-Xms128m");
        command.add("-Xmx512m");
        final String home = System.getProperty("wmrt.home");
        if (null != home)
        {
            command.add("-Dwmrt.home=" + home);
        }
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.add("run");
        command.add("--profile");
        command.add(profile.toAbsolutePath().toString());
        command.add("--model");
        command.add(model.toAbsolutePath().toString());
        command.add("--dir");
        command.add(busDir.toAbsolutePath().toString());
        command.add("--seed");
        command.add(Long.toString(seed));
        command.addAll(runOptions);

        Files.createDirectories(log.toAbsolutePath().getParent());
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        RUNNING.put(process, busDir);
        try
        {
            final long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
            while (true)
            {
                if (!process.isAlive())
                {
                    throw new IOException("wmrt run exited with code " + process.exitValue() +
                        " before mapping its bus; its output (" + log + ") ends with:\n" + tail(log));
                }
                try
                {
                    return new RuntimeProcess(process, busDir, log, BusDirectory.open(busDir));
                }
                catch (final IOException notYet)
                {
                    if (System.currentTimeMillis() > deadline)
                    {
                        throw new IOException("wmrt run did not map its bus " + busDir + " within " +
                            START_TIMEOUT_MS + " ms; its output (" + log + ") ends with:\n" + tail(log), notYet);
                    }
                    Thread.sleep(20);
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            stop(process);
            deleteBus(busDir);
            throw ex;
        }
        catch (final InterruptedException ex)
        {
            stop(process);
            deleteBus(busDir);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting wmrt run", ex);
        }
    }

    /** The runtime's bus, mapped by the rig. */
    public BusDirectory bus()
    {
        return bus;
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    public long pid()
    {
        return process.pid();
    }

    public Path log()
    {
        return log;
    }

    /** Last lines of the runtime's output, for error messages. */
    public String outputTail()
    {
        return tail(log);
    }

    public void close()
    {
        bus.close();
        stop(process);
        deleteBus(busDir);
    }

    private static void stop(final Process process)
    {
        try
        {
            process.destroy();
            if (!process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(STOP_GRACE_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        finally
        {
            if (!process.isAlive())
            {
                RUNNING.remove(process);
            }
        }
    }

    private static void deleteBus(final Path busDir)
    {
        try (var files = Files.list(busDir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(busDir);
        }
        catch (final IOException ignored)
        {
            // Nothing mapped yet, or already gone.
        }
    }

    private static String tail(final Path log)
    {
        try
        {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(cannot read " + log + ": " + ex.getMessage() + ")";
        }
    }
}
