package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.telemetry.ErrorLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(
    name = "stat",
    mixinStandardHelpOptions = true,
    description = "Print the counters and distinct errors of a runtime instance, from another process.")
final class StatCommand implements Callable<Integer>
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

    @Option(names = "--errors", negatable = true, defaultValue = "true",
        description = "also print the error log (default: ${DEFAULT-VALUE})")
    boolean errors;

    public Integer call() throws Exception
    {
        final Path instance = null != dir ? dir : Defaults.instanceDir();
        try (BusDirectory bus = BusDirectory.open(instance))
        {
            System.out.printf("instance %s: runtime pid %d started %s, %s%n", instance, bus.runtimePid(),
                java.time.Instant.ofEpochMilli(bus.startEpochMs()),
                bus.runtimeAlive() ? "running" : "NOT RUNNING (figures are from its last moment)");
            bus.countersReader().forEach((counterId, typeId, keyBuffer, label) ->
                System.out.printf("  %3d %-46s %,d%n", counterId, label, bus.countersReader().getCounterValue(counterId)));
            if (errors)
            {
                System.out.println("errors:");
                if (ErrorLog.print(bus, System.out) == 0)
                {
                    System.out.println("  none");
                }
            }
        }
        return 0;
    }
}
