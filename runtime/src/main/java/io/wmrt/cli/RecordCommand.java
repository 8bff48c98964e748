package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import io.wmrt.record.McapWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

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
    @CommandLine.Mixin
    TapOptions bus;

    @Option(names = "--out", paramLabel = "FILE.mcap", required = true, description = "the recording to write")
    Path out;

    @Option(names = "--duration", paramLabel = "S", description = "stop after S seconds (default: until stopped)")
    Double durationS;

    @Option(names = "--compression", paramLabel = "zstd|none", defaultValue = "zstd",
        description = "chunk compression (default: ${DEFAULT-VALUE})")
    String compression;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

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
        final Path instance = bus.instance();
        try (TapLoop loop = new TapLoop("wmrt-record");
            BusDirectory live = BusDirectory.await(instance, bus.waitMs);
            BusDirectory shadow = ShadowInstance.open(instance, bus.shadowDir, bus.waitMs);
            McapWriter writer = new McapWriter(file, "wmrt record 0.1.0", chunks, 1 << 20))
        {
            final BusRecorder recorder = new BusRecorder(live, shadow, bus.shadowDivergenceM, writer);
            if (null != shadow)
            {
                System.out.printf("wmrt record: with the shadow planner at %s%n", shadow.dir());
            }
            System.out.printf("wmrt record: %s -> %s (Ctrl-C stops and closes the file)%n", instance, file);
            final String why = loop.run(recorder, live, null == durationS ? Long.MAX_VALUE :
                System.nanoTime() + Math.round(durationS * 1e9));
            writer.close();
            System.out.printf("wmrt record: %s; %d messages in %s: %s%n", why, writer.messageCount(), file,
                recorder.summary());
        }
        return 0;
    }
}
