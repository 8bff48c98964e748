package io.wmrt.soak;

import io.wmrt.backend.FaultPlan;
import io.wmrt.bus.BusDirectory;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code wmrt run} in a process of its own, as the soak runs it: the same java and class path as this process,
 * a fixed heap touched at start, every GC and safepoint logged to {@code gc.log}, the fault plan in
 * {@code WMRT_FAULTS}, and a fresh instance directory that {@link #stop()} removes.
 * <p>
 * Safe from any thread: {@link #stop()} is called by the soak and by its shutdown hook, whichever comes first.
 */
final class RuntimeProcess
{
    static final String GC_LOG = "gc.log";
    static final String RUN_LOG = "run.log";
    /** How long a SIGTERM may take before the process is killed. */
    private static final long STOP_TIMEOUT_MS = 20_000;
    private static final long JCMD_TIMEOUT_MS = 60_000;

    private final Process process;
    private final Path instanceDir;
    private final Path gcLog;
    private final Path runLog;
    private final Path jcmd;
    private volatile boolean stopRequested;

    private RuntimeProcess(final Process process, final Path instanceDir, final Path gcLog, final Path runLog,
        final Path jcmd)
    {
        this.process = process;
        this.instanceDir = instanceDir;
        this.gcLog = gcLog;
        this.runLog = runLog;
        this.jcmd = jcmd;
    }

    static RuntimeProcess start(final SoakConfig config) throws IOException
    {
        final Path javaHome = Path.of(System.getProperty("java.home"));
        final Path gcLog = config.outDir().resolve(GC_LOG).toAbsolutePath();
        final Path runLog = config.outDir().resolve(RUN_LOG).toAbsolutePath();
        Files.deleteIfExists(gcLog);
        final List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.add("--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-XX:+UseParallelGC");
        command.add("-Xms" + config.heapMiB() + "m");
        command.add("-Xmx" + config.heapMiB() + "m");
        command.add("-XX:+AlwaysPreTouch");
        // One file, never rotated: every GC with its heap figures, and every safepoint with its time.
        command.add("-Xlog:gc*,safepoint:file=\"" + gcLog + "\":uptime,level,tags:filecount=0");
        if (null != config.home())
        {
            command.add("-Dwmrt.home=" + config.home());
        }
        command.addAll(config.runtimeJvmOptions());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(SoakConfig.RUNTIME_MAIN_CLASS);
        command.add("run");
        command.add("--dir");
        command.add(config.instanceDir().toAbsolutePath().toString());
        command.add("--profile");
        command.add(config.profileFile().toAbsolutePath().toString());
        command.add("--model");
        command.add(config.modelDir().toAbsolutePath().toString());

        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(runLog.toFile());
        if (config.injectsFaults())
        {
            builder.environment().put(FaultPlan.ENVIRONMENT_VARIABLE, config.faults());
        }
        else
        {
            builder.environment().remove(FaultPlan.ENVIRONMENT_VARIABLE);
        }
        final Path jcmd = javaHome.resolve("bin").resolve("jcmd");
        return new RuntimeProcess(builder.start(), config.instanceDir(), gcLog, runLog,
            Files.isExecutable(jcmd) ? jcmd : null);
    }

    /**
     * Wait until the runtime has made its instance directory ready.
     *
     * @throws IOException when the process exits first or the timeout passes, with the end of its output.
     */
    BusDirectory awaitBus(final long timeoutNs) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutNs;
        while (true)
        {
            if (!process.isAlive())
            {
                throw new IOException("the runtime exited with " + process.exitValue() + " before it was ready:\n" +
                    outputTail(20));
            }
            try
            {
                return BusDirectory.open(instanceDir);
            }
            catch (final IOException ex)
            {
                if (System.nanoTime() - deadline > 0)
                {
                    throw new IOException("the runtime did not make " + instanceDir + " ready within " +
                        timeoutNs / 1_000_000_000L + " s: " + ex.getMessage() + "\n" + outputTail(20), ex);
                }
                Thread.sleep(50);
            }
        }
    }

    long pid()
    {
        return process.pid();
    }

    boolean alive()
    {
        return process.isAlive();
    }

    /**
     * @return the exit code, or -1 while it runs.
     */
    int exitCode()
    {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /**
     * @return true when it exited before {@link #stop()} asked it to.
     */
    boolean died()
    {
        return !stopRequested && !process.isAlive();
    }

    Path gcLog()
    {
        return gcLog;
    }

    Path runLog()
    {
        return runLog;
    }

    /**
     * @return the resident set size from /proc, or -1 where there is no /proc or the process is gone.
     */
    long rssBytes()
    {
        final Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        try
        {
            for (final String line : Files.readAllLines(status, StandardCharsets.US_ASCII))
            {
                if (line.startsWith("VmRSS:"))
                {
                    final String kib = line.substring("VmRSS:".length()).replace("kB", "").trim();
                    return Long.parseLong(kib) * 1024;
                }
            }
        }
        catch (final IOException | NumberFormatException ex)
        {
            return -1;
        }
        return -1;
    }

    /**
     * Ask the runtime's JVM for a full GC ({@code jcmd PID GC.run}, which the log marks "Diagnostic Command"),
     * so that the heap after GC can be read at a moment the soak chooses.
     *
     * @return false when this JDK has no jcmd or the command failed.
     */
    boolean forceGc() throws InterruptedException
    {
        return null != jcmd("GC.run");
    }

    /**
     * Every object on the runtime's heap, reachable or not, by class ({@code jcmd PID GC.class_histogram -all},
     * which walks the heap without collecting it).
     *
     * @return the histogram, or null when this JDK has no jcmd or the command failed.
     */
    ClassHistogram classHistogram() throws InterruptedException
    {
        final String text = jcmd("GC.class_histogram", "-all");
        return null == text ? null : ClassHistogram.parse(text);
    }

    private String jcmd(final String... command) throws InterruptedException
    {
        if (null == jcmd || !process.isAlive())
        {
            return null;
        }
        final List<String> line = new ArrayList<>();
        line.add(jcmd.toString());
        line.add(Long.toString(process.pid()));
        line.addAll(List.of(command));
        Path output = null;
        try
        {
            output = Files.createTempFile("wmrt-soak-jcmd", ".txt");
            final Process jcmdProcess = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
            if (!jcmdProcess.waitFor(JCMD_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                jcmdProcess.destroyForcibly();
                return null;
            }
            return 0 == jcmdProcess.exitValue() ? Files.readString(output, StandardCharsets.UTF_8) : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
        finally
        {
            if (null != output)
            {
                try
                {
                    Files.deleteIfExists(output);
                }
                catch (final IOException ex)
                {
                    // a temporary file left behind is harmless
                }
            }
        }
    }

    /**
     * Stop the runtime (SIGTERM, then SIGKILL after a bounded wait) and remove its instance directory.
     * Idempotent.
     */
    void stop() throws InterruptedException
    {
        stopRequested = true;
        if (process.isAlive())
        {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        }
        IoUtil.delete(instanceDir.toFile(), true);
    }

    /**
     * @return the last lines the runtime printed.
     */
    String outputTail(final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(runLog, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(no output: " + ex.getMessage() + ")";
        }
    }
}
