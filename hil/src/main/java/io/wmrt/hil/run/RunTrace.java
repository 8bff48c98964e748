package io.wmrt.hil.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the report draws of one run: the road, and per simulation step the ego's state, plus every
 * {@link #SNAPSHOT_EVERY_STEPS} steps the chosen trajectory and the other road users.
 *
 * <p>Filled by the rig during the run (allocation here is off the planner's path: the planner runs in
 * another process). Not thread safe: owned by the rig thread.
 */
public final class RunTrace
{
    /** Steps between snapshots of the chosen trajectory and the agents (1 s at SUMO's 0.1 s step). */
    public static final int SNAPSHOT_EVERY_STEPS = 10;

    /** A lane or sidewalk of the network, for drawing: centre line x0,y0,x1,y1,... and width. */
    public record RoadShape(double[] xy, double widthM, boolean sidewalk)
    {
    }

    /** Ego state after one simulation step. tickMs is NaN when no new Trajectory arrived for the step. */
    public record Step(double timeS, double x, double y, double heading, double speedMps, double accelMps2,
        double jerkMps3, double tickMs, boolean offroad)
    {
    }

    /**
     * The trajectory the ego was following and the road users around it at one time.
     *
     * @param trajectoryXy  waypoints x0,y0,x1,y1,... (world metres)
     * @param agentXy       agent footprint centres x0,y0,...
     * @param agentHeading  agent headings, radians counter-clockwise from +x
     * @param agentLength   agent lengths
     * @param agentWidth    agent widths
     * @param agentKind     SceneCodes kind per agent (vehicle, pedestrian, ...)
     */
    public record Snapshot(double timeS, double[] trajectoryXy, double[] agentXy, double[] agentHeading,
        double[] agentLength, double[] agentWidth, byte[] agentKind)
    {
    }

    private final List<RoadShape> road = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final List<Snapshot> snapshots = new ArrayList<>();
    private final List<Double> tickMs = new ArrayList<>();
    private final List<RunEvent> events = new ArrayList<>();
    private Path recording;
    private final List<RunEvent> shadowDisagreements = new ArrayList<>();
    private String shadowModel;
    private long shadowCompared;
    private double egoLengthM = 4.5;
    private double egoWidthM = 1.8;

    /**
     * The shadow planner's run: its package, the plans compared with the live ones, and a
     * {@link RunEvent.Kind#SHADOW_DISAGREEMENT} event per scene they disagreed on.
     */
    public void shadow(final String model, final long compared, final List<RunEvent> disagreements)
    {
        shadowModel = model;
        shadowCompared = compared;
        shadowDisagreements.clear();
        shadowDisagreements.addAll(disagreements);
    }

    /** The shadow's package name, or null when the run had no shadow. */
    public String shadowModel()
    {
        return shadowModel;
    }

    public long shadowCompared()
    {
        return shadowCompared;
    }

    public List<RunEvent> shadowDisagreements()
    {
        return shadowDisagreements;
    }

    /** The run's MCAP recording ({@code --record-mcap}), for the report to link. */
    public void recording(final Path file)
    {
        recording = file;
    }

    /** The run's MCAP recording, or null when it was not recorded. */
    public Path recording()
    {
        return recording;
    }

    public void addRoad(final RoadShape shape)
    {
        road.add(shape);
    }

    public void addStep(final Step step)
    {
        steps.add(step);
        if (!Double.isNaN(step.tickMs()))
        {
            tickMs.add(step.tickMs());
        }
    }

    /** Adds a failure event (the ruler adds them once the run is scored). */
    public void addEvent(final RunEvent event)
    {
        events.add(event);
    }

    /** Failure events in the order they were added. */
    public List<RunEvent> events()
    {
        return events;
    }

    public void addSnapshot(final Snapshot snapshot)
    {
        snapshots.add(snapshot);
    }

    public void egoSize(final double lengthM, final double widthM)
    {
        egoLengthM = lengthM;
        egoWidthM = widthM;
    }

    public List<RoadShape> road()
    {
        return road;
    }

    public List<Step> steps()
    {
        return steps;
    }

    public List<Snapshot> snapshots()
    {
        return snapshots;
    }

    /** Planner tick times of the Trajectories the rig received, in order. */
    public List<Double> tickMs()
    {
        return tickMs;
    }

    public double egoLengthM()
    {
        return egoLengthM;
    }

    public double egoWidthM()
    {
        return egoWidthM;
    }
}
