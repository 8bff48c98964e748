package io.wmrt.hil.record;

import java.util.ArrayList;
import java.util.List;

/**
 * Every array file of a recorded run, in one place, so the recorder, {@code meta.json} and the tests can
 * never disagree about what exists: file name, element type, axes and the columns of the last axis. The
 * layout as a whole is drawn in {@link DatasetLayout}. Immutable: safe from any thread.
 */
public enum DatasetFile
{
    TIMESTAMP_NS("timestamp_ns.npy", NpyDtype.INT64, List.of(), Axis.STEP),
    EGO("ego.npy", NpyDtype.FLOAT32, DatasetLayout.EGO_COLUMNS, Axis.STEP),
    AGENTS("agents.npy", NpyDtype.FLOAT32, DatasetLayout.AGENT_COLUMNS, Axis.STEP, Axis.AGENT),
    AGENT_VALID("agent_valid.npy", NpyDtype.UINT8, List.of(), Axis.STEP, Axis.AGENT),
    ROUTE("route.npy", NpyDtype.FLOAT32, DatasetLayout.ROUTE_COLUMNS, Axis.STEP, Axis.ROUTE_POINT),
    ROUTE_COUNT("route_count.npy", NpyDtype.INT32, List.of(), Axis.STEP),
    LIGHTS("lights.npy", NpyDtype.FLOAT32, DatasetLayout.LIGHT_COLUMNS, Axis.STEP, Axis.LIGHT),
    LIGHT_COUNT("light_count.npy", NpyDtype.INT32, List.of(), Axis.STEP),
    ACTIONS("actions.npy", NpyDtype.FLOAT32, DatasetLayout.ACTION_COLUMNS, Axis.STEP),
    EGO_FUTURE("ego_future.npy", NpyDtype.FLOAT32, DatasetLayout.FUTURE_COLUMNS, Axis.STEP, Axis.HORIZON),
    EGO_FUTURE_VALID("ego_future_valid.npy", NpyDtype.UINT8, List.of(), Axis.STEP, Axis.HORIZON),
    AGENT_FUTURE("agent_future.npy", NpyDtype.FLOAT32, DatasetLayout.FUTURE_COLUMNS,
        Axis.STEP, Axis.AGENT, Axis.HORIZON),
    AGENT_FUTURE_VALID("agent_future_valid.npy", NpyDtype.UINT8, List.of(), Axis.STEP, Axis.AGENT, Axis.HORIZON);

    /** Axes before the column axis; their names appear in {@code meta.json}. */
    public enum Axis
    {
        /** Recorded step t, 0 .. T-1. */
        STEP("step"),
        /** Agent slot of the SceneFrame, 0 .. 31. */
        AGENT("agent"),
        /** Route point, 0 .. 63. */
        ROUTE_POINT("route_point"),
        /** Traffic light, 0 .. 3. */
        LIGHT("light"),
        /** Future step k = 1 .. H, stored at index k - 1. */
        HORIZON("horizon");

        private final String label;

        Axis(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    /** Name of the last axis of files that have columns. */
    public static final String COLUMN_AXIS = "column";

    private final String fileName;
    private final NpyDtype dtype;
    private final List<DatasetLayout.Column> columns;
    private final List<Axis> axes;

    DatasetFile(final String fileName, final NpyDtype dtype, final List<DatasetLayout.Column> columns,
        final Axis... axes)
    {
        this.fileName = fileName;
        this.dtype = dtype;
        this.columns = columns;
        this.axes = List.of(axes);
    }

    public String fileName()
    {
        return fileName;
    }

    public NpyDtype dtype()
    {
        return dtype;
    }

    /** Columns of the last axis; empty when the file has no column axis. */
    public List<DatasetLayout.Column> columns()
    {
        return columns;
    }

    /** Axes before the column axis. */
    public List<Axis> axes()
    {
        return axes;
    }

    /** Names of all axes, the column axis last when there is one. */
    public List<String> axisLabels()
    {
        final List<String> labels = new ArrayList<>();
        for (final Axis axis : axes)
        {
            labels.add(axis.label());
        }
        if (!columns.isEmpty())
        {
            labels.add(COLUMN_AXIS);
        }
        return labels;
    }

    /** Shape of this file in a run of {@code steps} steps recorded with a horizon of {@code horizonSteps}. */
    public int[] shape(final int steps, final int horizonSteps)
    {
        final int[] shape = new int[axes.size() + (columns.isEmpty() ? 0 : 1)];
        for (int i = 0; i < axes.size(); i++)
        {
            switch (axes.get(i))
            {
                case STEP:
                    shape[i] = steps;
                    break;
                case AGENT:
                    shape[i] = DatasetLayout.MAX_AGENTS;
                    break;
                case ROUTE_POINT:
                    shape[i] = DatasetLayout.MAX_ROUTE_POINTS;
                    break;
                case LIGHT:
                    shape[i] = DatasetLayout.MAX_LIGHTS;
                    break;
                case HORIZON:
                    shape[i] = horizonSteps;
                    break;
                default:
                    throw new IllegalStateException("axis " + axes.get(i));
            }
        }
        if (!columns.isEmpty())
        {
            shape[shape.length - 1] = columns.size();
        }
        return shape;
    }
}
