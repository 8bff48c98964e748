package io.wmrt.hil.report;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunScores;
import io.wmrt.hil.run.RunTrace;
import java.util.List;

/**
 * Runs made up for the report tests: an ego driving east along a straight two-lane road with a sidewalk,
 * speeding up from rest, a vehicle ahead and a pedestrian on the sidewalk, snapshots every
 * {@link RunTrace#SNAPSHOT_EVERY_STEPS} steps. Deterministic: no clock, no randomness.
 */
final class SyntheticRuns
{
    static final double STEP_S = 0.1;
    /** Width of a lane far from the ego's path: the map must leave it out. */
    static final double FAR_LANE_WIDTH_M = 7.77;
    static final double NEAR_LANE_WIDTH_M = 3.25;
    static final double SIDEWALK_WIDTH_M = 2.15;

    private SyntheticRuns()
    {
    }

    /** A result with every score set; collisions, min TTC, verdict and failures as given. */
    static RunResult result(
        final String scenario, final int collisions, final double minTtcS, final boolean passed,
        final List<String> failures)
    {
        return new RunResult(
            scenario, "toy-planner", "qcs8550", "deterministic", 42L,
            20.0, 200L,
            collisions, 1, collisions, 0, 3,
            123.456, 400.0, 123.456 / 400.0,
            minTtcS, 1.9, 3.25, 4.5, 0.8,
            2, 1, 0.7, Double.POSITIVE_INFINITY,
            1.5, 2.25,
            1.234, 4.567, 3L, 2L, 5L,
            new RunScores(0.5 * (5.0 + 5.0 * 0.3086 + 2.0) / 12.0, 0.5 * 0.5 * (5.0 * 0.3086 + 5.0 + 2.0 + 2.0 + 0.9 * 2.0) / 16.0,
                0.5, 1.0, 0.5, 1.0, 1.0, 0.3086, 1.0, 1.0, 0.9, 400.0, List.of("lk")),
            passed, failures, 12.5, RunResult.HAND_BUILT,
            List.of(new RunResult.ActionBound("accel_mps2", -6.0, 2.0), new RunResult.ActionBound("steer_rad", -0.55, 0.55)));
    }

    static RunResult passing(final String scenario)
    {
        return result(scenario, 0, Double.POSITIVE_INFINITY, true, List.of());
    }

    /** The ego drives {@code steps} steps east from x = 0 along y = 0. */
    static RunTrace drivingTrace(final int steps)
    {
        final RunTrace trace = new RunTrace();
        trace.egoSize(4.6, 1.9);
        trace.addRoad(new RunTrace.RoadShape(new double[] {-100.0, 0.0, 100.0, 0.0, 400.0, 0.0}, NEAR_LANE_WIDTH_M,
            false));
        trace.addRoad(new RunTrace.RoadShape(new double[] {-100.0, 3.2, 400.0, 3.2}, NEAR_LANE_WIDTH_M, false));
        trace.addRoad(new RunTrace.RoadShape(new double[] {-100.0, -2.8, 400.0, -2.8}, SIDEWALK_WIDTH_M, true));
        trace.addRoad(new RunTrace.RoadShape(new double[] {5000.0, 5000.0, 5100.0, 5000.0}, FAR_LANE_WIDTH_M,
            false));
        double x = 0.0;
        double speed = 0.0;
        for (int i = 0; i < steps; i++)
        {
            final double time = i * STEP_S;
            final double accel = speed < 10.0 ? 2.0 : 0.0;
            speed = Math.min(10.0, speed + accel * STEP_S);
            x += speed * STEP_S;
            final double tickMs = i % 5 == 4 ? Double.NaN : 1.0 + (i % 7) * 0.25;
            trace.addStep(new RunTrace.Step(time, x, 0.0, 0.0, speed, accel, i == 0 ? 20.0 : 0.0, tickMs, false));
            if (i % RunTrace.SNAPSHOT_EVERY_STEPS == 0)
            {
                trace.addSnapshot(new RunTrace.Snapshot(time,
                    new double[] {x, 0.0, x + 5.0, 0.0, x + 10.0, 0.2, x + 15.0, 0.4},
                    new double[] {x + 20.0, 0.0, x + 30.0, -2.8},
                    new double[] {0.0, Math.PI / 2.0},
                    new double[] {4.5, 0.3},
                    new double[] {1.8, 0.5},
                    new byte[] {SceneCodes.VEHICLE, SceneCodes.PEDESTRIAN}));
            }
        }
        return trace;
    }
}
