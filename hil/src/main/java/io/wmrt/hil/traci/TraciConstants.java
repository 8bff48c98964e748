package io.wmrt.hil.traci;

/**
 * The TraCI protocol numbers this client uses, each named once.
 *
 * <p>Every value was checked against SUMO 1.15's {@code tools/traci/constants.py} (Debian package
 * {@code sumo-tools}, installed at {@code /usr/share/sumo/tools/traci/constants.py}), which SUMO
 * generates from its C++ header {@code src/libsumo/TraCIConstants.h}; the framing and the data type
 * codes are described on SUMO's documentation pages "TraCI/Protocol" and "TraCI/Control-related
 * commands". Immutable constants: safe to read from any thread.
 */
public final class TraciConstants
{
    private TraciConstants()
    {
    }

    // ---- protocol version (constants.py: TRACI_VERSION) ----

    /** The API version SUMO 1.15 reports from {@link #CMD_GETVERSION}. */
    public static final int TRACI_VERSION_SUMO_1_15 = 20;

    // ---- control commands (constants.py: CMD_*) ----

    /** Get version: response carries the API version (int) and a SUMO version string. */
    public static final int CMD_GETVERSION = 0x00;
    /** Simulation step: content is a raw double target time in seconds (0 means one step). */
    public static final int CMD_SIMSTEP = 0x02;
    /** Close: SUMO ends the simulation and closes the socket after the status response. */
    public static final int CMD_CLOSE = 0x7F;

    // ---- domain get/set commands (constants.py) ----

    /** Get traffic light variable; its response id is {@link #RESPONSE_GET_TL_VARIABLE}. */
    public static final int CMD_GET_TL_VARIABLE = 0xA2;
    public static final int RESPONSE_GET_TL_VARIABLE = 0xB2;
    /** Get vehicle variable; its response id is {@link #RESPONSE_GET_VEHICLE_VARIABLE}. */
    public static final int CMD_GET_VEHICLE_VARIABLE = 0xA4;
    public static final int RESPONSE_GET_VEHICLE_VARIABLE = 0xB4;
    /** Change vehicle state. */
    public static final int CMD_SET_VEHICLE_VARIABLE = 0xC4;
    /** Set a route variable (constants.py CMD_SET_ROUTE_VARIABLE): here only adding a route. */
    public static final int CMD_SET_ROUTE_VARIABLE = 0xC6;
    /** Get lane variable; its response id is {@link #RESPONSE_GET_LANE_VARIABLE}. */
    public static final int CMD_GET_LANE_VARIABLE = 0xA3;
    public static final int RESPONSE_GET_LANE_VARIABLE = 0xB3;
    /** Get edge variable; its response id is {@link #RESPONSE_GET_EDGE_VARIABLE}. */
    public static final int CMD_GET_EDGE_VARIABLE = 0xAA;
    public static final int RESPONSE_GET_EDGE_VARIABLE = 0xBA;
    /** Get simulation variable; its response id is {@link #RESPONSE_GET_SIM_VARIABLE}. */
    public static final int CMD_GET_SIM_VARIABLE = 0xAB;
    public static final int RESPONSE_GET_SIM_VARIABLE = 0xBB;
    /** Get person variable; its response id is {@link #RESPONSE_GET_PERSON_VARIABLE}. */
    public static final int CMD_GET_PERSON_VARIABLE = 0xAE;
    public static final int RESPONSE_GET_PERSON_VARIABLE = 0xBE;

    // ---- data type codes (constants.py: TYPE_*, POSITION_2D) ----

    /** Polygon: unsigned byte point count (0 then an int when over 255) + that many x, y doubles. */
    public static final int TYPE_POLYGON = 0x06;
    /** Two doubles x, y in network coordinates (metres). */
    public static final int POSITION_2D = 0x01;
    public static final int TYPE_UBYTE = 0x07;
    public static final int TYPE_BYTE = 0x08;
    public static final int TYPE_INTEGER = 0x09;
    public static final int TYPE_DOUBLE = 0x0B;
    /** int length + bytes (SUMO's Python client encodes them as Latin-1). */
    public static final int TYPE_STRING = 0x0C;
    /** int count + that many strings. */
    public static final int TYPE_STRINGLIST = 0x0E;
    /** int item count + that many typed items. */
    public static final int TYPE_COMPOUND = 0x0F;

    // ---- status results (constants.py: RTYPE_*) ----

    public static final int RTYPE_OK = 0x00;
    public static final int RTYPE_NOTIMPLEMENTED = 0x01;
    public static final int RTYPE_ERR = 0xFF;

    // ---- variables shared by domains (constants.py) ----

    /** List of all object ids of a domain (string list; object id ""). */
    public static final int TRACI_ID_LIST = 0x00;
    /** Red/yellow/green state string of a traffic light, one character per controlled link. */
    public static final int TL_RED_YELLOW_GREEN_STATE = 0x20;
    /** Speed in m/s (get: double; vehicle set: double, the speed to hold). */
    public static final int VAR_SPEED = 0x40;
    /** Position of the front bumper centre (vehicle) or of the person: {@link #POSITION_2D}. */
    public static final int VAR_POSITION = 0x42;
    /** Angle in degrees, clockwise from north (+y), in SUMO's navigational convention. */
    public static final int VAR_ANGLE = 0x43;
    /** Length in metres. */
    public static final int VAR_LENGTH = 0x44;
    /** Width in metres. */
    public static final int VAR_WIDTH = 0x4D;
    /** Id of the edge the vehicle is on (string). */
    public static final int VAR_ROAD_ID = 0x50;
    /** Id of the lane the vehicle is on (string). */
    public static final int VAR_LANE_ID = 0x51;
    /** Index of the lane the vehicle is on (vehicle, int); number of lanes (edge, int). */
    public static final int VAR_LANE_INDEX = 0x52;
    /** Lane: vehicle classes allowed (string list). */
    public static final int LANE_ALLOWED = 0x34;
    /** Lane: speed limit in m/s (double). */
    public static final int VAR_MAXSPEED = 0x41;
    /** Lane: centre line ({@link #TYPE_POLYGON}). */
    public static final int VAR_SHAPE = 0x4E;
    /**
     * Vehicle: edge ids of its route (string list; Python {@code getRoute}). Not {@code VAR_ROUTE}
     * (0x57), which only sets a route.
     */
    public static final int VAR_EDGES = 0x54;
    /** Vehicle: front bumper distance from its lane's start, metres (double). */
    public static final int VAR_LANEPOSITION = 0x56;
    /** Vehicle: index of its current edge in its route (int). */
    public static final int VAR_ROUTE_INDEX = 0x69;
    /**
     * Vehicle: upcoming traffic lights, a compound of a typed int count and per light a typed string
     * id, typed int link index, typed double distance and typed byte state character.
     */
    public static final int VAR_NEXT_TLS = 0x70;
    /** Vehicle: the speed it may drive on its lane, m/s (double). */
    public static final int VAR_ALLOWED_SPEED = 0xB7;
    /** Vehicle acceleration in m/s^2 (get). */
    public static final int VAR_ACCELERATION = 0x72;
    /** Speed mode bit set (vehicle set: int). */
    public static final int VAR_SPEEDSETMODE = 0xB3;
    /** Lane change mode bit set (vehicle set: int); 0 stops SUMO's own lane changes. */
    public static final int VAR_LANECHANGE_MODE = 0xB6;
    /** Move a vehicle to a pose (vehicle set: compound of 6 or 7 items). */
    public static final int MOVE_TO_XY = 0xB4;
    /** Vehicle: its type id (get: string). */
    public static final int VAR_TYPE = 0x4F;
    /** Route add (route set: string list of edge ids; constants.py ADD). */
    public static final int ROUTE_ADD = 0x80;
    /** Remove a vehicle (vehicle set: byte reason; constants.py REMOVE). */
    public static final int VEHICLE_REMOVE = 0x81;
    /** The reason given for a removal: vanished without arriving (constants.py REMOVE_VAPORIZED). */
    public static final int REMOVE_VAPORIZED = 2;
    /** Add a vehicle with all parameters (vehicle set: compound of 14 items; constants.py ADD_FULL). */
    public static final int ADD_FULL = 0x85;

    // ---- simulation variables (constants.py) ----

    /** Current simulation time in seconds (double). */
    public static final int VAR_TIME = 0x66;
    /** Ids of vehicles loaded in the last step (string list). */
    public static final int VAR_LOADED_VEHICLES_IDS = 0x72;
    /** Ids of vehicles that departed in the last step (string list). */
    public static final int VAR_DEPARTED_VEHICLES_IDS = 0x74;
    /** Ids of vehicles that arrived in the last step (string list). */
    public static final int VAR_ARRIVED_VEHICLES_IDS = 0x7A;
    /** Vehicles running plus vehicles still waiting to be inserted (int); 0 means the scenario ended. */
    public static final int VAR_MIN_EXPECTED_VEHICLES = 0x7D;
    /** Ids of vehicles involved in a collision in the last step (string list). */
    public static final int VAR_COLLIDING_VEHICLES_IDS = 0x81;

    // ---- special values (constants.py) ----

    /** SUMO's "no value" double, e.g. for a moveToXY angle SUMO should pick itself. */
    public static final double INVALID_DOUBLE_VALUE = -1073741824.0;
}
