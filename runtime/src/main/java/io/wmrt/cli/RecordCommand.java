package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import io.wmrt.record.McapWriter;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description = "Record a runtime instance's bus to an MCAP file, from a process of its own: every scene the " +
        "planner took and every plan it published (SBE, with the schema in the file), the same as Foxglove " +
        "scene entities, the ego's transform and the counters; the candidates too when the runtime runs with " +
        "--debug-candidates. Stops after --duration, when the runtime stops, or on Ctrl-C, and closes the file " +
        "indexed. Until then it is written as FILE.part, readable up to its last complete chunk (at most a " +
        "second old) if the recorder dies.")
final class RecordCommand implements Callable<Integer>
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE.mcap", required = true, description = "the recording to write")
    Path out;

    @Option(names = "--duration", paramLabel = "S", description = "stop after S seconds (default: until stopped)")
    Double durationS;

    @Option(names = "--compression", paramLabel = "zstd|none", defaultValue = "zstd",
        description = "chunk compression (default: ${DEFAULT-VALUE})")
    String compression;

    @Option(names = "--shadow-dir", paramLabel = "DIR",
        description = "also the shadow planner's instance ('wmrt run --shadow'), its plans and where they disagree " +
            "with the live ones (default: the live directory with '-shadow' appended, when a runtime is there)")
    Path shadowDir;

    @Option(names = "--shadow-divergence-m", paramLabel = "M", defaultValue = "1.0",
        description = "plans further apart than this within 3 s disagree (default: ${DEFAULT-VALUE})")
    double shadowDivergenceM;

    @Option(names = "--wait-ms", description = "wait this long for the instance to appear (default: ${DEFAULT-VALUE})",
        defaultValue = "5000")
    long waitMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private volatile boolean stop;

    public Integer call() throws Exception
    {
        final McapWriter.Compression chunks;
        switch (compression)
        {
            case "zstd":
                chunks = McapWriter.Compression.ZSTD;
                break;
            case "none":
                chunks = McapWriter.Compression.NONE;
                break;
            default:
                throw new CommandLine.ParameterException(spec.commandLine(),
                    "--compression must be zstd or none, not " + compression);
        }
        if (null != durationS && !(durationS > 0 && durationS < 1e7))
        {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--duration must be a positive number of seconds, not " + durationS);
        }
        final Path file = out.toAbsolutePath();
        if (Files.isDirectory(file))
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + file + " is a directory");
        }
        Files.createDirectories(file.getParent());
        final Path instance = null != dir ? dir : Defaults.instanceDir();
        final CountDownLatch closed = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop = true;
            try
            {
                closed.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignored)
            {
                Thread.currentThread().interrupt();
            }
        }, "wmrt-record-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (BusDirectory bus = BusDirectory.await(instance, waitMs);
            BusDirectory shadow = ShadowInstance.open(instance, shadowDir, waitMs);
            McapWriter writer = new McapWriter(file, "wmrt record 0.1.0", chunks, 1 << 20))
        {
            final BusRecorder recorder = new BusRecorder(bus, shadow, shadowDivergenceM, writer);
            if (null != shadow)
            {
                System.out.printf("wmrt record: with the shadow planner at %s%n", shadow.dir());
            }
            System.out.printf("wmrt record: %s -> %s (Ctrl-C stops and closes the file)%n", instance, file);
            final long deadline = null == durationS ? Long.MAX_VALUE :
                System.nanoTime() + Math.round(durationS * 1e9);
            final IdleStrategy idle = new BackoffIdleStrategy();
            long nextAliveCheck = 0;
            String why = "stopped";
            while (!stop)
            {
                idle.idle(recorder.poll());
                final long now = System.nanoTime();
                if (now - deadline >= 0)
                {
                    why = "duration reached";
                    break;
                }
                if (now - nextAliveCheck >= 0)
                {
                    nextAliveCheck = now + 500_000_000L;
                    if (!bus.runtimeAlive())
                    {
                        // Take what it published last, then stop.
                        for (int i = 0; i < 100_000 && recorder.poll() > 0; i++)
                        {
                            Thread.onSpinWait();
                        }
                        why = "the runtime stopped";
                        break;
                    }
                }
            }
            writer.close();
            System.out.printf("wmrt record: %s; %d messages in %s: %s%n", why, writer.messageCount(), file,
                recorder.summary());
        }
        finally
        {
            closed.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // The hook is running: it waited for the close above.
            }
        }
        return 0;
    }
}
