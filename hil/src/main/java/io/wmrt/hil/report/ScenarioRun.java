package io.wmrt.hil.report;

import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunTrace;
import java.util.Objects;

/**
 * One scenario run as the report shows it: its scores and what was recorded to draw it.
 *
 * <p>Immutable reference holder; the trace itself is not thread safe, so hand a run to the report only after
 * the rig has stopped adding to its trace.
 *
 * @param result scores of the run, one row of the summary table and one object of {@code summary.json}.
 * @param trace  road, ego states and snapshots of the run, drawn in the run's section of {@code index.html}.
 */
public record ScenarioRun(RunResult result, RunTrace trace)
{
    public ScenarioRun
    {
        Objects.requireNonNull(result, "result of the scenario run");
        Objects.requireNonNull(trace, "trace of the scenario run");
    }
}
