package io.wmrt.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options of the commands that read an instance's bus from the side: {@code wmrt record}, {@code wmrt view}. */
final class TapOptions
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

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

    Path instance()
    {
        return null != dir ? dir : Defaults.instanceDir();
    }
}
