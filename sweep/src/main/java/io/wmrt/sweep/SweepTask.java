package io.wmrt.sweep;

import java.io.Serializable;

/**
 * One rig run of a sweep: one scenario with one seed, one model package and one hardware profile. Tasks are the
 * product of the matrix; {@link #id()} is derived from their content ({@link TaskIds}), so the same task always
 * has the same id and a changed scenario, model or profile is a new task.
 * <p>
 * Paths are absolute strings so a task means the same on every executor that sees the same file system.
 * Immutable: safe from any thread, and serialised to the executors.
 *
 * @param id            content-derived id, the name of the task's directory under {@code runs/}.
 * @param scenarioDir   the scenario directory.
 * @param scenario      the scenario's name (its directory name).
 * @param seed          seed of SUMO's traffic, the planner's sampler and any perturbation.
 * @param modelDir      the model package directory.
 * @param model         the package's name, for the report.
 * @param profileFile   the hardware profile file.
 * @param perturb       probability per second of perturbing the ego's actions, as {@code wmrt hil --perturb}.
 * @param record        whether the run writes a dataset, as {@code wmrt hil --record}.
 * @param timing        the rig's timing mode, as {@code wmrt hil --timing}.
 * @param timeoutS      hard wall-clock limit of one attempt, after which its whole process tree is killed.
 */
public record SweepTask(
    String id,
    String scenarioDir,
    String scenario,
    long seed,
    String modelDir,
    String model,
    String profileFile,
    double perturb,
    boolean record,
    String timing,
    long timeoutS) implements Serializable
{
    private static final long serialVersionUID = 1L;

    /** The run's name in reports, as {@code wmrt hil --seeds} names it. */
    public String runName()
    {
        return scenario + "-seed" + seed;
    }
}
