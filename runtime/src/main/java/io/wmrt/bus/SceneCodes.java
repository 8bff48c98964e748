package io.wmrt.bus;

/**
 * Values of the SceneFrame's byte arrays {@code agentKind} and {@code lightState}. SBE has no arrays of
 * enums, so the schema's AgentKind and LightState enums document these values and this class is their
 * Java spelling.
 */
public final class SceneCodes
{
    public static final byte VEHICLE = 0;
    public static final byte PEDESTRIAN = 1;
    public static final byte CYCLIST = 2;
    public static final byte STATIC = 3;

    public static final byte LIGHT_UNKNOWN = 0;
    public static final byte LIGHT_GREEN = 1;
    public static final byte LIGHT_YELLOW = 2;
    public static final byte LIGHT_RED = 3;

    private SceneCodes()
    {
    }
}
