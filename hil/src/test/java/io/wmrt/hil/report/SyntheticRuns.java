package io.wmrt.hil.report;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.run.RunEvent;
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
    /** Length of the long route, metres: a map 720 px wide shows it at under half a pixel per metre. */
    static final double LONG_ROUTE_M = 1400.0;
    static final double LONG_SPEED_MPS = 12.0;
    /** In the long run, the vehicle ahead and the pedestrian on the sidewalk are this far ahead of the ego. */
    static final double LONG_VEHICLE_AHEAD_M = 9.0;
    static final double LONG_PEDESTRIAN_AHEAD_M = 6.0;
    /** The collision's detail: markup characters the page must escape. */
    static final String MARKUP_DETAIL = "at fault, front, with <vehicle:\"a&b\"> 'x' </td>";

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
            1.234, 4.567, 3L, 2L, 5L, 7L, 4L,
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

    /**
     * The ego drives {@link #LONG_ROUTE_M} east along y = 0 at {@link #LONG_SPEED_MPS} from x = 0 (after 5 s
     * speeding up), with a vehicle and a pedestrian just ahead in every snapshot, and one event of each kind
     * at the ego's position, the kinds in order at 10, 25, 40, 60, 80 and 100 s; the collision's detail is
     * {@link #MARKUP_DETAIL}.
     */
    static RunTrace longRunWithEvents()
    {
        final RunTrace trace = new RunTrace();
        trace.egoSize(4.6, 1.9);
        for (double x = -50.0; x < LONG_ROUTE_M + 50.0; x += 100.0)
        {
            trace.addRoad(new RunTrace.RoadShape(new double[] {x, 0.0, x + 100.0, 0.0}, NEAR_LANE_WIDTH_M, false));
            trace.addRoad(new RunTrace.RoadShape(new double[] {x, 3.2, x + 100.0, 3.2}, NEAR_LANE_WIDTH_M, false));
            trace.addRoad(new RunTrace.RoadShape(new double[] {x, -2.8, x + 100.0, -2.8}, SIDEWALK_WIDTH_M, true));
        }
        double x = 0.0;
        double speed = 0.0;
        for (int i = 0; x < LONG_ROUTE_M; i++)
        {
            final double time = i * STEP_S;
            final double accel = speed < LONG_SPEED_MPS ? 2.4 : 0.0;
            speed = Math.min(LONG_SPEED_MPS, speed + accel * STEP_S);
            x += speed * STEP_S;
            trace.addStep(new RunTrace.Step(time, x, 0.0, 0.0, speed, accel, 0.0, 1.0 + (i % 7) * 0.25, false));
            if (i % RunTrace.SNAPSHOT_EVERY_STEPS == 0)
            {
                trace.addSnapshot(new RunTrace.Snapshot(time,
                    new double[] {x, 0.0, x + 6.0, 0.0, x + 12.0, 0.0},
                    new double[] {x + LONG_VEHICLE_AHEAD_M, 0.0, x + LONG_PEDESTRIAN_AHEAD_M, -2.8},
                    new double[] {0.0, Math.PI / 2.0},
                    new double[] {4.5, 0.3},
                    new double[] {1.8, 0.5},
                    new byte[] {SceneCodes.VEHICLE, SceneCodes.PEDESTRIAN}));
            }
        }
        final double[] times = {10.0, 25.0, 40.0, 60.0, 80.0, 100.0};
        final String[] details = {MARKUP_DETAIL, "projection met vehicle:lead.0 in 0.6 s", "stop line of tls J3",
            "-5.2 m/s²", "rear left corner 0.4 m outside", "3.1 m against the traffic"};
        // Every kind of failure event (a shadow's disagreement is not one: the report lists those apart).
        final RunEvent.Kind[] kinds = java.util.Arrays.stream(RunEvent.Kind.values())
            .filter(kind -> kind != RunEvent.Kind.SHADOW_DISAGREEMENT).toArray(RunEvent.Kind[]::new);
        // Added out of time order: the report orders them.
        for (int k = kinds.length - 1; k >= 0; k--)
        {
            final RunTrace.Step step = trace.steps().get((int)Math.round(times[k] / STEP_S));
            trace.addEvent(new RunEvent(step.timeS(), kinds[k], step.x(), step.y(), details[k]));
        }
        return trace;
    }
}
