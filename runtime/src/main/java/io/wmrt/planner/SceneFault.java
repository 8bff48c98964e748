package io.wmrt.planner;

import io.wmrt.telemetry.FaultRecord;
import io.wmrt.telemetry.WmrtCounter;

/**
 * Why a scene-ring record, a SceneFrame or one of its agents was not used: one constant per field and rule,
 * each with its category (which decides what happens and which counter counts it) and a {@link FaultRecord}
 * made once, naming the field, so that recording a stream of bad frames allocates nothing.
 * <p>
 * The ranges are physical, not tuned: they refuse what no sensor stack should ever send (NaN, infinities, a
 * car 200 m long, 50 agents in a 32-slot frame) and accept everything a real road shows.
 * <p>
 * Immutable; safe from any thread.
 */
public enum SceneFault
{
    RECORD_NOT_SCENE(Category.RECORD, "record",
        "has another message type or length than a SceneFrame"),
    RECORD_OTHER_TEMPLATE(Category.RECORD, "messageHeader",
        "names another template or schema than the SceneFrame"),
    STALE_TIMESTAMP(Category.STALE, "timestampNs",
        "is not after the last accepted frame's (repeated or going backwards)"),
    TIMESTAMP_LEAP(Category.STALE, "timestampNs",
        "is more than " + SceneTimeline.MAX_STEP_NS / 1_000_000_000L + " s after the last accepted frame's (" +
        SceneTimeline.REANCHOR_FRAMES + " consecutive frames that agree start a new timeline)"),

    EGO_POSITION(Category.EGO, "egoX/egoY", "must be finite and within " + SceneLimits.MAX_COORDINATE_M + " m"),
    EGO_HEADING(Category.EGO, "egoHeading", "must be finite and within " + SceneLimits.MAX_ANGLE_RAD + " rad"),
    EGO_SPEED(Category.EGO, "egoSpeed", "must be in [" + SceneLimits.MIN_EGO_SPEED_MPS + ", " +
        SceneLimits.MAX_SPEED_MPS + "] m/s"),
    EGO_ACCEL(Category.EGO, "egoAccel", "must be within " + SceneLimits.MAX_ACCEL_MPS2 + " m/s^2"),
    EGO_STEER(Category.EGO, "egoSteer", "must be within " + SceneLimits.MAX_STEER_RAD + " rad"),
    EGO_SIZE(Category.EGO, "egoLength/egoWidth", "must be in (" + SceneLimits.MIN_EGO_SIZE_M + ", " +
        SceneLimits.MAX_LENGTH_M + "] and (" + SceneLimits.MIN_EGO_SIZE_M + ", " + SceneLimits.MAX_WIDTH_M + "] m"),
    SPEED_LIMIT(Category.EGO, "speedLimit", "must be in [0, " + SceneLimits.MAX_SPEED_MPS + "] m/s"),
    LANE_WIDTH(Category.EGO, "laneWidth", "must be in [" + SceneLimits.MIN_LANE_WIDTH_M + ", " +
        SceneLimits.MAX_LANE_WIDTH_M + "] m"),
    DRIVABLE_AREA(Category.EGO, "drivableLeft/drivableRight", "must be in [0, " + SceneLimits.MAX_DRIVABLE_M +
        "] m"),
    DRIVABLE_END(Category.EGO, "drivableLeftEndS/drivableRightEndS", "must be in [0, " +
        SceneLimits.MAX_COORDINATE_M + "] m"),

    AGENT_COUNT(Category.AGENT_COUNT, "agentCount", "must be in [0, " + SceneSnapshot.MAX_AGENTS + "]"),

    ROUTE_COUNT(Category.ROUTE, "routePointCount", "must be in [0, " + RouteFrame.MAX_POINTS + "]"),
    ROUTE_POINT(Category.ROUTE, "routeX/routeY", "must be finite and within " + SceneLimits.MAX_COORDINATE_M +
        " m"),
    ROUTE_DEGENERATE(Category.ROUTE, "routeX/routeY",
        "give fewer than two points 1 cm apart (send routePointCount 0 for no route)"),

    LIGHT_COUNT(Category.LIGHTS, "lightCount", "must be in [0, " + SceneSnapshot.MAX_LIGHTS + "]"),
    LIGHT_STOP_LINE(Category.LIGHTS, "lightStopS", "must be finite and within " + SceneLimits.MAX_COORDINATE_M +
        " m"),
    LIGHT_STATE(Category.LIGHTS, "lightState", "must be a LightState value (0 to 3)"),

    AGENT_POSITION(Category.AGENT, "agentX/agentY", "must be finite and within " + SceneLimits.MAX_COORDINATE_M +
        " m"),
    AGENT_HEADING(Category.AGENT, "agentHeading", "must be finite and within " + SceneLimits.MAX_ANGLE_RAD +
        " rad"),
    AGENT_SPEED(Category.AGENT, "agentSpeed", "must be in [" + SceneLimits.MIN_AGENT_SPEED_MPS + ", " +
        SceneLimits.MAX_SPEED_MPS + "] m/s"),
    AGENT_YAW_RATE(Category.AGENT, "agentYawRate", "must be within " + SceneLimits.MAX_YAW_RATE_RADPS +
        " rad/s"),
    AGENT_SIZE(Category.AGENT, "agentLength/agentWidth", "must be in [0, " + SceneLimits.MAX_LENGTH_M +
        "] and [0, " + SceneLimits.MAX_WIDTH_M + "] m"),
    AGENT_KIND(Category.AGENT, "agentKind", "must be an AgentKind value (0 to 3)");

    /**
     * What a fault does to the frame, and the counter that counts it.
     */
    public enum Category
    {
        /** The ring record is not a SceneFrame: skipped, as if never written. */
        RECORD(WmrtCounter.SCENE_RECORDS_MALFORMED, "skipped"),
        /** The frame does not continue the timeline of those already planned on: rejected. */
        STALE(WmrtCounter.SCENES_REJECTED_STALE, "frame rejected"),
        /** The ego state cannot be trusted: rejected. */
        EGO(WmrtCounter.SCENES_REJECTED_EGO, "frame rejected"),
        /** The agent slots cannot be read: rejected. */
        AGENT_COUNT(WmrtCounter.SCENES_REJECTED_AGENT_COUNT, "frame rejected"),
        /** The route cannot be trusted: rejected. */
        ROUTE(WmrtCounter.SCENES_REJECTED_ROUTE, "frame rejected"),
        /** A traffic light cannot be trusted: rejected (a red light may be among them). */
        LIGHTS(WmrtCounter.SCENES_REJECTED_LIGHTS, "frame rejected"),
        /** One agent cannot be trusted: it alone is left out of this tick. */
        AGENT(WmrtCounter.AGENTS_DROPPED_INVALID, "agent dropped from this tick");

        private final WmrtCounter counter;
        private final String consequence;

        Category(final WmrtCounter counter, final String consequence)
        {
            this.counter = counter;
            this.consequence = consequence;
        }

        public WmrtCounter counter()
        {
            return counter;
        }

        public boolean rejectsFrame()
        {
            return this != AGENT && this != RECORD;
        }
    }

    private final Category category;
    private final String field;
    private final FaultRecord record;

    SceneFault(final Category category, final String field, final String rule)
    {
        this.category = category;
        this.field = field;
        this.record = new FaultRecord("SceneFrame " + field + " " + rule + ": " + category.consequence);
    }

    public Category category()
    {
        return category;
    }

    /**
     * @return the SceneFrame field (or fields) the rule reads.
     */
    public String field()
    {
        return field;
    }

    /**
     * @return the preallocated error to record, naming the field, the rule and the consequence.
     */
    public FaultRecord record()
    {
        return record;
    }
}
