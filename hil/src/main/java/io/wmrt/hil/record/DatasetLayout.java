package io.wmrt.hil.record;

import java.util.List;

/**
 * Where everything lives in one recorded run, written down once. {@link DatasetRecorder} writes it,
 * {@code meta.json} repeats it for readers, {@code hil/DATASET.md} explains it.
 *
 * <pre>
 *   &lt;run dir&gt;/                  one run of one scenario: T recorded steps, horizon H steps
 *     meta.json                   FORMAT_VERSION, scenario, seed, step_s, horizon_steps, steps, and for every
 *                                 file below its dtype, shape, axes, columns and units
 *     timestamp_ns.npy   &lt;i8  [T]              SceneFrame timestampNs (SUMO time in ns on the rig)
 *     ego.npy            &lt;f4  [T, 13]          EGO_* columns
 *     agents.npy         &lt;f4  [T, 32, 9]       AGENT_* columns, slot order of the SceneFrame
 *     agent_valid.npy    |u1  [T, 32]          1 for the first agentCount slots, else 0 (and zeros)
 *     route.npy          &lt;f4  [T, 64, 2]       ROUTE_X, ROUTE_Y; points past route_count are 0
 *     route_count.npy    &lt;i4  [T]
 *     lights.npy         &lt;f4  [T, 4, 2]        LIGHT_STOP_S, LIGHT_STATE; lights past light_count are 0
 *     light_count.npy    &lt;i4  [T]
 *     actions.npy        &lt;f4  [T, 4]           ACTION_* columns: what the rig applied after step t
 *     ego_future.npy     &lt;f4  [T, H, 4]        FUTURE_* columns of the ego at steps t+1 .. t+H
 *     ego_future_valid.npy    |u1 [T, H]       0 past the end of the run
 *     agent_future.npy   &lt;f4  [T, 32, H, 4]    FUTURE_* columns of the agent in slot i of step t (by id)
 *     agent_future_valid.npy  |u1 [T, 32, H]   0 when the slot is empty at t, the agent is absent at t+k,
 *                                              or t+k is past the end of the run
 * </pre>
 * Invalid entries are zeros. Coordinates are world metres as in the SceneFrame (SUMO network
 * coordinates, x east, y north), headings radians counter-clockwise from +x.
 *
 * <p>Immutable constants: safe from any thread.
 */
public final class DatasetLayout
{
    /** Version of this layout; readers check it. Raise it with any change to files, shapes or columns. */
    public static final int FORMAT_VERSION = 1;

    public static final String META_FILE = "meta.json";

    /** Capacities of the SceneFrame (schema wmrt-messages.xml). */
    public static final int MAX_AGENTS = 32;
    public static final int MAX_ROUTE_POINTS = 64;
    public static final int MAX_LIGHTS = 4;

    /** A column of a file's last axis: its name and unit ("" when it has none). */
    public record Column(String name, String unit)
    {
    }

    public static final int EGO_TIME_S = 0;
    public static final int EGO_X = 1;
    public static final int EGO_Y = 2;
    public static final int EGO_HEADING = 3;
    public static final int EGO_SPEED = 4;
    public static final int EGO_ACCEL = 5;
    public static final int EGO_STEER = 6;
    public static final int EGO_LENGTH = 7;
    public static final int EGO_WIDTH = 8;
    public static final int EGO_SPEED_LIMIT = 9;
    public static final int EGO_LANE_WIDTH = 10;
    public static final int EGO_DRIVABLE_LEFT = 11;
    public static final int EGO_DRIVABLE_RIGHT = 12;
    public static final List<Column> EGO_COLUMNS = List.of(
        new Column("time_s", "s"),
        new Column("x", "m"),
        new Column("y", "m"),
        new Column("heading", "rad"),
        new Column("speed", "m/s"),
        new Column("accel", "m/s^2"),
        new Column("steer", "rad"),
        new Column("length", "m"),
        new Column("width", "m"),
        new Column("speed_limit", "m/s"),
        new Column("lane_width", "m"),
        new Column("drivable_left", "m"),
        new Column("drivable_right", "m"));

    public static final int AGENT_ID = 0;
    public static final int AGENT_KIND = 1;
    public static final int AGENT_X = 2;
    public static final int AGENT_Y = 3;
    public static final int AGENT_HEADING = 4;
    public static final int AGENT_SPEED = 5;
    public static final int AGENT_YAW_RATE = 6;
    public static final int AGENT_LENGTH = 7;
    public static final int AGENT_WIDTH = 8;
    public static final List<Column> AGENT_COLUMNS = List.of(
        new Column("id", ""),
        new Column("kind", ""),
        new Column("x", "m"),
        new Column("y", "m"),
        new Column("heading", "rad"),
        new Column("speed", "m/s"),
        new Column("yaw_rate", "rad/s"),
        new Column("length", "m"),
        new Column("width", "m"));

    public static final int ROUTE_X = 0;
    public static final int ROUTE_Y = 1;
    public static final List<Column> ROUTE_COLUMNS = List.of(
        new Column("x", "m"),
        new Column("y", "m"));

    public static final int LIGHT_STOP_S = 0;
    public static final int LIGHT_STATE = 1;
    public static final List<Column> LIGHT_COLUMNS = List.of(
        new Column("stop_s", "m"),
        new Column("state", ""));

    public static final int ACTION_ACCEL = 0;
    public static final int ACTION_YAW_RATE = 1;
    public static final int ACTION_SPEED = 2;
    public static final int ACTION_PERTURBED = 3;
    public static final List<Column> ACTION_COLUMNS = List.of(
        new Column("accel_mps2", "m/s^2"),
        new Column("yaw_rate_rps", "rad/s"),
        new Column("speed_mps", "m/s"),
        new Column("perturbed", ""));

    public static final int FUTURE_X = 0;
    public static final int FUTURE_Y = 1;
    public static final int FUTURE_HEADING = 2;
    public static final int FUTURE_SPEED = 3;
    public static final List<Column> FUTURE_COLUMNS = List.of(
        new Column("x", "m"),
        new Column("y", "m"),
        new Column("heading", "rad"),
        new Column("speed", "m/s"));

    /** Agent kind codes (the SceneFrame's AgentKind, {@code io.wmrt.bus.SceneCodes}), by code. */
    public static final List<String> AGENT_KIND_NAMES = List.of("vehicle", "pedestrian", "cyclist", "static");

    /** Light state codes (the SceneFrame's LightState, {@code io.wmrt.bus.SceneCodes}), by code. */
    public static final List<String> LIGHT_STATE_NAMES = List.of("unknown", "green", "yellow", "red");

    private DatasetLayout()
    {
    }
}
