package io.wmrt.sweep;

import java.io.Serializable;

/**
 * What one task sends back to the driver: small by design (the run's summary object, a few kilobytes), never
 * its trace, logs or dataset, which stay in its run directory.
 * <p>
 * Immutable: safe from any thread.
 *
 * @param taskId    the task.
 * @param status    how the task ended.
 * @param runJson   the run's object from its rig report's {@code summary.json}; null unless it produced a result.
 * @param attempt   number of the attempt whose result this is (or that failed last), counted over every sweep
 *                  of the output directory.
 * @param passed    the run met its scenario's pass criteria.
 * @param taskWallS wall-clock seconds of the task body: the rig process from start to exit, plus the commit.
 * @param failure   why the task failed, with the rig's output tail; null otherwise.
 */
public record TaskOutcome(String taskId, Status status, String runJson, int attempt, boolean passed,
    double taskWallS, String failure) implements Serializable
{
    private static final long serialVersionUID = 1L;

    public enum Status
    {
        /** Ran in this sweep and committed. */
        RAN,
        /** Committed already (an earlier sweep, or a twin attempt); not run again. */
        SKIPPED,
        /** No result: failed on every attempt allowed, or refused its input. */
        FAILED
    }

    public boolean hasResult()
    {
        return status != Status.FAILED;
    }
}
