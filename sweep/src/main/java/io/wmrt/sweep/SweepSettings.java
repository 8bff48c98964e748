package io.wmrt.sweep;

import java.io.Serializable;
import java.util.List;

/**
 * What every task of a sweep shares, sent to the executors once with the task function.
 * <p>
 * Immutable: safe from any thread.
 *
 * @param outDir           the sweep's output directory (shared by the driver and every executor).
 * @param wmrtHome         the wmrt home the rig runs with ({@code -Dwmrt.home}).
 * @param rigClasspath     class path of the rig process: the {@code wmrt-hil} jar and its libraries.
 * @param rigJvmOptions    further JVM options of the rig process.
 * @param maxAttempts      attempts a task gets ({@code F} of {@code local[N,F]}, {@code spark.task.maxFailures}):
 *                         the last one reports a failure instead of throwing, so one bad task does not abort the
 *                         sweep.
 * @param killSumoAfterMs  fault injection for tests: kill the SUMO of every task's first attempt this long after
 *                         it started; 0 for none.
 */
public record SweepSettings(String outDir, String wmrtHome, String rigClasspath, List<String> rigJvmOptions,
    int maxAttempts, long killSumoAfterMs) implements Serializable
{
    private static final long serialVersionUID = 1L;

    public SweepSettings
    {
        rigJvmOptions = List.copyOf(rigJvmOptions);
    }
}
