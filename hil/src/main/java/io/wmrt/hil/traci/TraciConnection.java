package io.wmrt.hil.traci;

import static io.wmrt.hil.traci.TraciConstants.ADD_FULL;
import static io.wmrt.hil.traci.TraciConstants.CMD_CLOSE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GETVERSION;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_EDGE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_LANE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_PERSON_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_SIM_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_TL_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_GET_VEHICLE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_SET_ROUTE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_SET_VEHICLE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.CMD_SIMSTEP;
import static io.wmrt.hil.traci.TraciConstants.LANE_ALLOWED;
import static io.wmrt.hil.traci.TraciConstants.MOVE_TO_XY;
import static io.wmrt.hil.traci.TraciConstants.POSITION_2D;
import static io.wmrt.hil.traci.TraciConstants.REMOVE_VAPORIZED;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_EDGE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_LANE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_PERSON_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_SIM_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_TL_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.RESPONSE_GET_VEHICLE_VARIABLE;
import static io.wmrt.hil.traci.TraciConstants.ROUTE_ADD;
import static io.wmrt.hil.traci.TraciConstants.RTYPE_ERR;
import static io.wmrt.hil.traci.TraciConstants.RTYPE_NOTIMPLEMENTED;
import static io.wmrt.hil.traci.TraciConstants.RTYPE_OK;
import static io.wmrt.hil.traci.TraciConstants.TL_RED_YELLOW_GREEN_STATE;
import static io.wmrt.hil.traci.TraciConstants.TRACI_ID_LIST;
import static io.wmrt.hil.traci.TraciConstants.TYPE_BYTE;
import static io.wmrt.hil.traci.TraciConstants.TYPE_COMPOUND;
import static io.wmrt.hil.traci.TraciConstants.TYPE_DOUBLE;
import static io.wmrt.hil.traci.TraciConstants.TYPE_INTEGER;
import static io.wmrt.hil.traci.TraciConstants.TYPE_POLYGON;
import static io.wmrt.hil.traci.TraciConstants.TYPE_STRING;
import static io.wmrt.hil.traci.TraciConstants.TYPE_STRINGLIST;
import static io.wmrt.hil.traci.TraciConstants.VAR_ACCELERATION;
import static io.wmrt.hil.traci.TraciConstants.VAR_ALLOWED_SPEED;
import static io.wmrt.hil.traci.TraciConstants.VAR_ANGLE;
import static io.wmrt.hil.traci.TraciConstants.VAR_ARRIVED_VEHICLES_IDS;
import static io.wmrt.hil.traci.TraciConstants.VAR_COLLIDING_VEHICLES_IDS;
import static io.wmrt.hil.traci.TraciConstants.VAR_DEPARTED_VEHICLES_IDS;
import static io.wmrt.hil.traci.TraciConstants.VAR_EDGES;
import static io.wmrt.hil.traci.TraciConstants.VAR_LANECHANGE_MODE;
import static io.wmrt.hil.traci.TraciConstants.VAR_LANEPOSITION;
import static io.wmrt.hil.traci.TraciConstants.VAR_LANE_ID;
import static io.wmrt.hil.traci.TraciConstants.VAR_LANE_INDEX;
import static io.wmrt.hil.traci.TraciConstants.VAR_LENGTH;
import static io.wmrt.hil.traci.TraciConstants.VAR_LOADED_VEHICLES_IDS;
import static io.wmrt.hil.traci.TraciConstants.VAR_MAXSPEED;
import static io.wmrt.hil.traci.TraciConstants.VAR_MIN_EXPECTED_VEHICLES;
import static io.wmrt.hil.traci.TraciConstants.VAR_NEXT_TLS;
import static io.wmrt.hil.traci.TraciConstants.VAR_POSITION;
import static io.wmrt.hil.traci.TraciConstants.VAR_ROAD_ID;
import static io.wmrt.hil.traci.TraciConstants.VAR_ROUTE_INDEX;
import static io.wmrt.hil.traci.TraciConstants.VAR_SHAPE;
import static io.wmrt.hil.traci.TraciConstants.VAR_SPEED;
import static io.wmrt.hil.traci.TraciConstants.VAR_SPEEDSETMODE;
import static io.wmrt.hil.traci.TraciConstants.VAR_TIME;
import static io.wmrt.hil.traci.TraciConstants.VAR_TYPE;
import static io.wmrt.hil.traci.TraciConstants.VAR_WIDTH;
import static io.wmrt.hil.traci.TraciConstants.VEHICLE_REMOVE;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A blocking TraCI client over one TCP socket to a running SUMO: every call sends one request
 * message, waits for SUMO's answer and checks the status SUMO returns for the command.
 *
 * <p>Framing (SUMO docs "TraCI/Protocol"): a message is a 4-byte big-endian total length (itself
 * included) followed by commands; a command is a 1-byte length (or 0 and a 4-byte length) covering
 * itself, then the command id and its content. Every command is answered by a status command (its id,
 * a result byte and a description string), followed for get commands by a response command carrying
 * the variable id, the object id and one typed value. A request SUMO refuses raises a
 * {@link TraciException} naming the command and SUMO's description; the whole answer has been read by
 * then, so the connection stays usable. A socket failure or timeout closes the connection.
 *
 * <p>One heap {@link ByteBuffer} serves both directions and grows only when a message needs more room.
 *
 * <p>Not thread safe: one connection per thread.
 */
public final class TraciConnection implements AutoCloseable
{
    /** Default time to wait for one answer from SUMO before the connection is given up. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

    private static final int INITIAL_BUFFER_BYTES = 64 * 1024;
    private static final int MESSAGE_LENGTH_BYTES = 4;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private ByteBuffer buffer = ByteBuffer.allocate(INITIAL_BUFFER_BYTES);
    private boolean open = true;

    /** The call in progress, kept only to name it in an error. */
    private String callDomain = "";
    private String callMethod = "";
    private String callObjectId;

    private TraciConnection(Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to SUMO's TraCI port.
     *
     * @param host          host name or address; SUMO runs locally, so normally "127.0.0.1"
     * @param port          the port given to SUMO with {@code --remote-port}
     * @param connectTimeout how long to wait for the TCP connection
     * @param readTimeout   how long to wait for any one answer (a long simulation step included)
     * @throws IOException when nothing accepts the connection in time (for example SUMO is not
     *                     listening yet)
     */
    public static TraciConnection connect(String host, int port, Duration connectTimeout, Duration readTimeout)
            throws IOException
    {
        Socket socket = new Socket();
        try
        {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
            socket.connect(new InetSocketAddress(host, port), Math.toIntExact(connectTimeout.toMillis()));
            return new TraciConnection(socket);
        }
        catch (IOException | RuntimeException e)
        {
            socket.close();
            throw e;
        }
    }

    /** True until {@link #close()} or a socket failure. */
    public boolean isOpen()
    {
        return open;
    }

    // ------------------------------------------------------------------ control

    /** The API version and SUMO version string of the server. */
    public TraciVersion getVersion()
    {
        startCall("control", "getVersion", null);
        beginMessage();
        int command = beginCommand(CMD_GETVERSION);
        endCommand(command);
        exchange();
        readStatus(CMD_GETVERSION);
        readCommandLength();
        expectUnsignedByte("response command id", CMD_GETVERSION);
        requireAnswerBytes(Integer.BYTES, "API version");
        int apiVersion = buffer.getInt();
        String sumoVersion = readRawString();
        return new TraciVersion(apiVersion, sumoVersion);
    }

    /** Performs exactly one simulation step of SUMO's {@code --step-length}. */
    public void simulationStep()
    {
        simulationStep(0.0);
    }

    /**
     * Simulates until {@code targetTimeSeconds} (SUMO time); 0 performs exactly one step and a time at
     * or before the current time does nothing. This client makes no subscriptions, so SUMO must report
     * no subscription results.
     */
    public void simulationStep(double targetTimeSeconds)
    {
        startCall("simulation", "step", Double.toString(targetTimeSeconds));
        beginMessage();
        int command = beginCommand(CMD_SIMSTEP);
        ensureWritable(Double.BYTES);
        buffer.putDouble(targetTimeSeconds);
        endCommand(command);
        exchange();
        readStatus(CMD_SIMSTEP);
        requireAnswerBytes(Integer.BYTES, "subscription result count");
        int subscriptionResults = buffer.getInt();
        if (subscriptionResults != 0)
        {
            throw TraciException.protocol(callName(),
                    subscriptionResults + " subscription results arrived, but this client subscribes to nothing");
        }
    }

    /**
     * Asks SUMO to end the simulation and closes the socket. SUMO exits after this. Safe to call
     * twice; the socket is closed even when SUMO does not answer.
     */
    @Override
    public void close()
    {
        if (!open)
        {
            return;
        }
        try
        {
            startCall("control", "close", null);
            beginMessage();
            int command = beginCommand(CMD_CLOSE);
            endCommand(command);
            exchange();
            readStatus(CMD_CLOSE);
        }
        finally
        {
            closeSocket();
        }
    }

    // ------------------------------------------------------------------ simulation

    /** Current simulation time in seconds. */
    public double getTime()
    {
        getVariable(Domain.SIMULATION, "getTime", VAR_TIME, "");
        return readTypedDouble();
    }

    /** Ids of the vehicles loaded in the last step. */
    public List<String> loadedVehicleIds()
    {
        getVariable(Domain.SIMULATION, "getLoadedIDList", VAR_LOADED_VEHICLES_IDS, "");
        return readTypedStringList();
    }

    /** Ids of the vehicles that departed (entered the network) in the last step. */
    public List<String> departedVehicleIds()
    {
        getVariable(Domain.SIMULATION, "getDepartedIDList", VAR_DEPARTED_VEHICLES_IDS, "");
        return readTypedStringList();
    }

    /** Ids of the vehicles that arrived (left the network) in the last step. */
    public List<String> arrivedVehicleIds()
    {
        getVariable(Domain.SIMULATION, "getArrivedIDList", VAR_ARRIVED_VEHICLES_IDS, "");
        return readTypedStringList();
    }

    /** Ids of the vehicles involved in a collision in the last step (needs a collision action that keeps them, such as warn). */
    public List<String> collidingVehicleIds()
    {
        getVariable(Domain.SIMULATION, "getCollidingVehiclesIDList", VAR_COLLIDING_VEHICLES_IDS, "");
        return readTypedStringList();
    }

    /**
     * Vehicles in the network plus vehicles still waiting to be inserted. When it reaches 0 the
     * vehicles of the scenario are done (persons are not counted).
     */
    public int minExpectedVehicles()
    {
        getVariable(Domain.SIMULATION, "getMinExpectedNumber", VAR_MIN_EXPECTED_VEHICLES, "");
        return readTypedInt();
    }

    // ------------------------------------------------------------------ vehicle getters

    /** Ids of all vehicles currently in the network. */
    public List<String> vehicleIds()
    {
        getVariable(Domain.VEHICLE, "getIDList", TRACI_ID_LIST, "");
        return readTypedStringList();
    }

    /** Position of the vehicle's front bumper centre, network coordinates in metres. */
    public Position2D vehiclePosition(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getPosition", VAR_POSITION, vehicleId);
        return readTypedPosition2D();
    }

    /**
     * SUMO angle of the vehicle in degrees (clockwise from north); see
     * {@link SumoAngles#sumoDegreesToHeadingRadians(double)} for the runtime's heading.
     */
    public double vehicleAngle(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getAngle", VAR_ANGLE, vehicleId);
        return readTypedDouble();
    }

    /** The vehicle's heading in the runtime's convention: radians counter-clockwise from +x. */
    public double vehicleHeadingRadians(String vehicleId)
    {
        return SumoAngles.sumoDegreesToHeadingRadians(vehicleAngle(vehicleId));
    }

    /** Speed in m/s. */
    public double vehicleSpeed(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getSpeed", VAR_SPEED, vehicleId);
        return readTypedDouble();
    }

    /** Length in metres. */
    public double vehicleLength(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getLength", VAR_LENGTH, vehicleId);
        return readTypedDouble();
    }

    /** Width in metres. */
    public double vehicleWidth(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getWidth", VAR_WIDTH, vehicleId);
        return readTypedDouble();
    }

    /** Acceleration in the last step, m/s^2. */
    public double vehicleAcceleration(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getAcceleration", VAR_ACCELERATION, vehicleId);
        return readTypedDouble();
    }

    /** Id of the lane the vehicle is on (an internal junction lane starts with ':'). */
    public String vehicleLaneId(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getLaneID", VAR_LANE_ID, vehicleId);
        return readTypedString();
    }

    /** Index of the lane the vehicle is on within its edge (0 is the rightmost lane). */
    public int vehicleLaneIndex(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getLaneIndex", VAR_LANE_INDEX, vehicleId);
        return readTypedInt();
    }

    /** Id of the edge the vehicle is on. */
    public String vehicleRoadId(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getRoadID", VAR_ROAD_ID, vehicleId);
        return readTypedString();
    }

    // ------------------------------------------------------------------ vehicle setters

    /**
     * Places the vehicle at a pose; SUMO applies it in the next simulation step.
     *
     * @param edgeId       edge hint for the map matching ("" lets SUMO choose)
     * @param laneIndex    lane hint (-1 or any index; SUMO matches the nearest lane)
     * @param x            network x of the front bumper centre, metres
     * @param y            network y of the front bumper centre, metres
     * @param angleDegrees SUMO angle, or {@link TraciConstants#INVALID_DOUBLE_VALUE} to keep the lane's
     * @param keepRoute    0: any edge of the route; 1: stay on the route (the rig's ego mode); 2: any
     *                     edge, the route is replaced
     */
    public void moveVehicleToXY(String vehicleId, String edgeId, int laneIndex, double x, double y,
            double angleDegrees, int keepRoute)
    {
        startCall("vehicle", "moveToXY", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, MOVE_TO_XY, vehicleId);
        putCompoundHeader(6);
        putTypedString(edgeId);
        putTypedInt(laneIndex);
        putTypedDouble(x);
        putTypedDouble(y);
        putTypedDouble(angleDegrees);
        putTypedByte(keepRoute);
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /**
     * Holds the vehicle at {@code speedMetresPerSecond} (a negative value hands the speed back to
     * SUMO's car-following model). With speed mode 0 the speed jumps in one step.
     */
    public void setVehicleSpeed(String vehicleId, double speedMetresPerSecond)
    {
        startCall("vehicle", "setSpeed", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, VAR_SPEED, vehicleId);
        putTypedDouble(speedMetresPerSecond);
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /**
     * Sets which safety checks SUMO applies to a speed set through TraCI (bit set; 31 is SUMO's
     * default with all checks, 0 disables them all).
     */
    public void setVehicleSpeedMode(String vehicleId, int speedMode)
    {
        startCall("vehicle", "setSpeedMode", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, VAR_SPEEDSETMODE, vehicleId);
        putTypedInt(speedMode);
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /**
     * Sets which lane changes SUMO makes on its own for the vehicle (bit set; 1621 is SUMO's default,
     * 0 keeps the vehicle in its lane unless TraCI moves it).
     */
    public void setVehicleLaneChangeMode(String vehicleId, int laneChangeMode)
    {
        startCall("vehicle", "setLaneChangeMode", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, VAR_LANECHANGE_MODE, vehicleId);
        putTypedInt(laneChangeMode);
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /**
     * Adds a vehicle of the default type on a route defined in the scenario, departing now on the
     * first allowed lane at speed 0.
     */
    public void addVehicle(String vehicleId, String routeId)
    {
        addVehicle(vehicleId, routeId, "DEFAULT_VEHTYPE", "first", "0");
    }

    /**
     * Adds a vehicle on a route defined in the scenario, departing now.
     *
     * @param typeId      a vehicle type of the scenario, or "DEFAULT_VEHTYPE"
     * @param departLane  SUMO's departLane attribute: an index, "first", "free", "best", ...
     * @param departSpeed SUMO's departSpeed attribute: m/s, "max", "desired", ...
     */
    public void addVehicle(String vehicleId, String routeId, String typeId, String departLane, String departSpeed)
    {
        startCall("vehicle", "add", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, ADD_FULL, vehicleId);
        putCompoundHeader(14);
        putTypedString(routeId);
        putTypedString(typeId);
        putTypedString("now"); // depart
        putTypedString(departLane);
        putTypedString("base"); // departPos
        putTypedString(departSpeed);
        putTypedString("current"); // arrivalLane
        putTypedString("max"); // arrivalPos
        putTypedString("current"); // arrivalSpeed
        putTypedString(""); // fromTaz
        putTypedString(""); // toTaz
        putTypedString(""); // line
        putTypedInt(0); // personCapacity
        putTypedInt(0); // personNumber
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /** The id of the vehicle's type. */
    public String vehicleTypeId(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getTypeID", VAR_TYPE, vehicleId);
        return readTypedString();
    }

    /** Takes the vehicle out of the simulation (as vaporized, not arrived). */
    public void removeVehicle(String vehicleId)
    {
        startCall("vehicle", "remove", vehicleId);
        int command = beginSetVariable(CMD_SET_VEHICLE_VARIABLE, VEHICLE_REMOVE, vehicleId);
        putTypedByte(REMOVE_VAPORIZED);
        finishSetVariable(command, CMD_SET_VEHICLE_VARIABLE);
    }

    /** Defines a route over these edges, for vehicles added later. */
    public void addRoute(String routeId, List<String> edgeIds)
    {
        startCall("route", "add", routeId);
        int command = beginSetVariable(CMD_SET_ROUTE_VARIABLE, ROUTE_ADD, routeId);
        ensureWritable(5);
        buffer.put((byte) TYPE_STRINGLIST);
        buffer.putInt(edgeIds.size());
        for (String edge : edgeIds)
        {
            putRawString(edge);
        }
        finishSetVariable(command, CMD_SET_ROUTE_VARIABLE);
    }

    // ------------------------------------------------------------------ person getters

    /** Ids of all persons currently in the network. */
    public List<String> personIds()
    {
        getVariable(Domain.PERSON, "getIDList", TRACI_ID_LIST, "");
        return readTypedStringList();
    }

    /** Position of the person, network coordinates in metres. */
    public Position2D personPosition(String personId)
    {
        getVariable(Domain.PERSON, "getPosition", VAR_POSITION, personId);
        return readTypedPosition2D();
    }

    /** SUMO angle of the person in degrees (clockwise from north). */
    public double personAngle(String personId)
    {
        getVariable(Domain.PERSON, "getAngle", VAR_ANGLE, personId);
        return readTypedDouble();
    }

    /** Speed in m/s. */
    public double personSpeed(String personId)
    {
        getVariable(Domain.PERSON, "getSpeed", VAR_SPEED, personId);
        return readTypedDouble();
    }

    /** Length in metres. */
    public double personLength(String personId)
    {
        getVariable(Domain.PERSON, "getLength", VAR_LENGTH, personId);
        return readTypedDouble();
    }

    /** Width in metres. */
    public double personWidth(String personId)
    {
        getVariable(Domain.PERSON, "getWidth", VAR_WIDTH, personId);
        return readTypedDouble();
    }

    // ------------------------------------------------------------------ traffic lights

    /** Ids of all traffic lights. */
    public List<String> trafficLightIds()
    {
        getVariable(Domain.TRAFFIC_LIGHT, "getIDList", TRACI_ID_LIST, "");
        return readTypedStringList();
    }

    /**
     * The traffic light's state, one character per controlled link in link index order: 'r' red,
     * 'y' yellow, 'g' green without priority, 'G' green with priority, and SUMO's others ('s', 'u',
     * 'o', 'O').
     */
    public String trafficLightState(String trafficLightId)
    {
        getVariable(Domain.TRAFFIC_LIGHT, "getRedYellowGreenState", TL_RED_YELLOW_GREEN_STATE, trafficLightId);
        return readTypedString();
    }

    /**
     * Ids of the edges of the vehicle's route, in driving order (TraCI {@code VAR_EDGES}; SUMO's
     * Python {@code vehicle.getRoute}).
     */
    public List<String> vehicleRoute(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getRoute", VAR_EDGES, vehicleId);
        return readTypedStringList();
    }

    /** Index in {@link #vehicleRoute(String)} of the edge the vehicle is on (-1 before it departs). */
    public int vehicleRouteIndex(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getRouteIndex", VAR_ROUTE_INDEX, vehicleId);
        return readTypedInt();
    }

    /** Distance of the vehicle's front bumper from the start of its lane, metres along the lane. */
    public double vehicleLanePosition(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getLanePosition", VAR_LANEPOSITION, vehicleId);
        return readTypedDouble();
    }

    /** The speed the vehicle may drive on its lane (lane limit times the vehicle's speed factor), m/s. */
    public double vehicleAllowedSpeed(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getAllowedSpeed", VAR_ALLOWED_SPEED, vehicleId);
        return readTypedDouble();
    }

    /**
     * The traffic lights ahead on the vehicle's route, nearest first: light id, index of the link the
     * vehicle will use, distance from the vehicle's front bumper to the stop line (m) and the link's
     * state character ('r', 'y', 'g', 'G', ...).
     */
    public List<NextTrafficLight> vehicleNextTrafficLights(String vehicleId)
    {
        getVariable(Domain.VEHICLE, "getNextTLS", VAR_NEXT_TLS, vehicleId);
        expectUnsignedByte("value type", TYPE_COMPOUND);
        requireAnswerBytes(Integer.BYTES, "compound item count");
        buffer.getInt();
        int count = readTypedInt();
        List<NextTrafficLight> lights = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            String lightId = readTypedString();
            int linkIndex = readTypedInt();
            double distance = readTypedDouble();
            expectUnsignedByte("value type", TYPE_BYTE);
            requireAnswerBytes(1, "state byte");
            char state = (char) Byte.toUnsignedInt(buffer.get());
            lights.add(new NextTrafficLight(lightId, linkIndex, distance, state));
        }
        return lights;
    }

    // ------------------------------------------------------------------ lanes and edges

    /** Centre line of the lane, network coordinates in metres, in driving direction. */
    public List<Position2D> laneShape(String laneId)
    {
        getVariable(Domain.LANE, "getShape", VAR_SHAPE, laneId);
        expectUnsignedByte("value type", TYPE_POLYGON);
        requireAnswerBytes(1, "polygon length");
        int count = Byte.toUnsignedInt(buffer.get());
        if (count == 0)
        {
            requireAnswerBytes(Integer.BYTES, "extended polygon length");
            count = buffer.getInt();
        }
        List<Position2D> points = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            requireAnswerBytes(2 * Double.BYTES, "polygon point");
            double x = buffer.getDouble();
            double y = buffer.getDouble();
            points.add(new Position2D(x, y));
        }
        return points;
    }

    /** Width of the lane in metres. */
    public double laneWidth(String laneId)
    {
        getVariable(Domain.LANE, "getWidth", VAR_WIDTH, laneId);
        return readTypedDouble();
    }

    /** Length of the lane in metres. */
    public double laneLength(String laneId)
    {
        getVariable(Domain.LANE, "getLength", VAR_LENGTH, laneId);
        return readTypedDouble();
    }

    /** Speed limit of the lane in m/s. */
    public double laneMaxSpeed(String laneId)
    {
        getVariable(Domain.LANE, "getMaxSpeed", VAR_MAXSPEED, laneId);
        return readTypedDouble();
    }

    /** Vehicle classes allowed on the lane, for example ["pedestrian"] for a sidewalk (empty: all). */
    public List<String> laneAllowed(String laneId)
    {
        getVariable(Domain.LANE, "getAllowed", LANE_ALLOWED, laneId);
        return readTypedStringList();
    }

    /** Number of lanes of the edge, sidewalks included (TraCI edge {@code VAR_LANE_INDEX}). */
    public int edgeLaneCount(String edgeId)
    {
        getVariable(Domain.EDGE, "getLaneNumber", VAR_LANE_INDEX, edgeId);
        return readTypedInt();
    }

    // ------------------------------------------------------------------ request building

    private enum Domain
    {
        SIMULATION("simulation", CMD_GET_SIM_VARIABLE, RESPONSE_GET_SIM_VARIABLE),
        VEHICLE("vehicle", CMD_GET_VEHICLE_VARIABLE, RESPONSE_GET_VEHICLE_VARIABLE),
        PERSON("person", CMD_GET_PERSON_VARIABLE, RESPONSE_GET_PERSON_VARIABLE),
        TRAFFIC_LIGHT("trafficlight", CMD_GET_TL_VARIABLE, RESPONSE_GET_TL_VARIABLE),
        LANE("lane", CMD_GET_LANE_VARIABLE, RESPONSE_GET_LANE_VARIABLE),
        EDGE("edge", CMD_GET_EDGE_VARIABLE, RESPONSE_GET_EDGE_VARIABLE);

        final String label;
        final int getCommand;
        final int getResponse;

        Domain(String label, int getCommand, int getResponse)
        {
            this.label = label;
            this.getCommand = getCommand;
            this.getResponse = getResponse;
        }
    }

    private void startCall(String domain, String method, String objectId)
    {
        if (!open)
        {
            throw TraciException.protocol(domain + "." + method + argument(objectId), "the connection is closed");
        }
        callDomain = domain;
        callMethod = method;
        callObjectId = objectId;
    }

    private static String argument(String objectId)
    {
        return objectId == null ? "()" : "(\"" + objectId + "\")";
    }

    private String callName()
    {
        return callDomain + "." + callMethod + argument(callObjectId);
    }

    /** Sends a get-variable command and leaves the buffer at the typed value of SUMO's response. */
    private void getVariable(Domain domain, String method, int variableId, String objectId)
    {
        startCall(domain.label, method, objectId.isEmpty() ? null : objectId);
        beginMessage();
        int command = beginCommand(domain.getCommand);
        ensureWritable(1);
        buffer.put((byte) variableId);
        putRawString(objectId);
        endCommand(command);
        exchange();
        readStatus(domain.getCommand);
        readCommandLength();
        expectUnsignedByte("response command id", domain.getResponse);
        expectUnsignedByte("variable id", variableId);
        String answeredObject = readRawString();
        if (!answeredObject.equals(objectId))
        {
            throw TraciException.protocol(callName(), "answer is for object \"" + answeredObject + "\"");
        }
    }

    /** Starts a set-variable command; returns where the command starts, for {@link #finishSetVariable}. */
    private int beginSetVariable(int setCommand, int variableId, String objectId)
    {
        beginMessage();
        int command = beginCommand(setCommand);
        ensureWritable(1);
        buffer.put((byte) variableId);
        putRawString(objectId);
        return command;
    }

    private void finishSetVariable(int command, int setCommand)
    {
        endCommand(command);
        exchange();
        readStatus(setCommand);
    }

    private void beginMessage()
    {
        buffer.clear();
        buffer.position(MESSAGE_LENGTH_BYTES);
    }

    /**
     * Writes a command header in the extended form (0, 4-byte length, id) and returns where it
     * starts; {@link #endCommand(int)} fills in the length and shortens the header when it fits one
     * byte.
     */
    private int beginCommand(int commandId)
    {
        ensureWritable(6);
        int start = buffer.position();
        buffer.put((byte) 0);
        buffer.putInt(0);
        buffer.put((byte) commandId);
        return start;
    }

    private void endCommand(int start)
    {
        int end = buffer.position();
        int extendedLength = end - start;
        int shortLength = extendedLength - Integer.BYTES;
        if (shortLength <= 255)
        {
            byte[] bytes = buffer.array();
            int contentStart = start + 1 + Integer.BYTES;
            System.arraycopy(bytes, contentStart, bytes, start + 1, end - contentStart);
            bytes[start] = (byte) shortLength;
            buffer.position(end - Integer.BYTES);
        }
        else
        {
            buffer.putInt(start + 1, extendedLength);
        }
    }

    private void putCompoundHeader(int items)
    {
        ensureWritable(5);
        buffer.put((byte) TYPE_COMPOUND);
        buffer.putInt(items);
    }

    private void putTypedString(String value)
    {
        ensureWritable(1);
        buffer.put((byte) TYPE_STRING);
        putRawString(value);
    }

    private void putTypedInt(int value)
    {
        ensureWritable(5);
        buffer.put((byte) TYPE_INTEGER);
        buffer.putInt(value);
    }

    private void putTypedByte(int value)
    {
        ensureWritable(2);
        buffer.put((byte) TYPE_BYTE);
        buffer.put((byte) value);
    }

    private void putTypedDouble(double value)
    {
        ensureWritable(9);
        buffer.put((byte) TYPE_DOUBLE);
        buffer.putDouble(value);
    }

    private void putRawString(String value)
    {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        ensureWritable(Integer.BYTES + bytes.length);
        buffer.putInt(bytes.length);
        buffer.put(bytes);
    }

    private void ensureWritable(int bytes)
    {
        if (buffer.remaining() < bytes)
        {
            grow(buffer.position() + bytes);
        }
    }

    private void grow(int minimumCapacity)
    {
        int capacity = Math.max(minimumCapacity, buffer.capacity() * 2);
        ByteBuffer larger = ByteBuffer.allocate(capacity);
        buffer.flip();
        larger.put(buffer);
        buffer = larger;
    }

    // ------------------------------------------------------------------ exchange and response reading

    /** Sends the message in the buffer and reads SUMO's whole answer into it, positioned after the length. */
    private void exchange()
    {
        try
        {
            int length = buffer.position();
            buffer.putInt(0, length);
            out.write(buffer.array(), 0, length);
            out.flush();

            readFully(0, MESSAGE_LENGTH_BYTES);
            int answerLength = buffer.getInt(0);
            if (answerLength < MESSAGE_LENGTH_BYTES)
            {
                closeSocket();
                throw TraciException.protocol(callName(), "answer has an impossible length " + answerLength);
            }
            if (answerLength > buffer.capacity())
            {
                buffer = ByteBuffer.allocate(Math.max(answerLength, buffer.capacity() * 2));
            }
            readFully(MESSAGE_LENGTH_BYTES, answerLength - MESSAGE_LENGTH_BYTES);
            buffer.limit(answerLength);
            buffer.position(MESSAGE_LENGTH_BYTES);
        }
        catch (IOException e)
        {
            closeSocket();
            throw TraciException.io(callName(), e);
        }
    }

    private void readFully(int offset, int length) throws IOException
    {
        int read = in.readNBytes(buffer.array(), offset, length);
        if (read < length)
        {
            throw new EOFException("SUMO closed the connection after " + read + " of " + length + " bytes");
        }
    }

    private void readStatus(int expectedCommand)
    {
        readCommandLength();
        requireAnswerBytes(2, "status");
        int commandId = Byte.toUnsignedInt(buffer.get());
        int result = Byte.toUnsignedInt(buffer.get());
        String description = readRawString();
        if (commandId != expectedCommand)
        {
            throw TraciException.protocol(callName(),
                    String.format("status is for command 0x%02x, expected 0x%02x", commandId, expectedCommand));
        }
        if (result != RTYPE_OK)
        {
            throw TraciException.refusedBySumo(callName(), resultName(result), description);
        }
    }

    private static String resultName(int result)
    {
        switch (result)
        {
            case RTYPE_NOTIMPLEMENTED:
                return "unsupported by this SUMO (RTYPE_NOTIMPLEMENTED)";
            case RTYPE_ERR:
                return "failed";
            default:
                return String.format("unknown result 0x%02x", result);
        }
    }

    private int readCommandLength()
    {
        requireAnswerBytes(1, "command length");
        int length = Byte.toUnsignedInt(buffer.get());
        if (length != 0)
        {
            return length;
        }
        requireAnswerBytes(Integer.BYTES, "extended command length");
        return buffer.getInt();
    }

    private void expectUnsignedByte(String what, int expected)
    {
        requireAnswerBytes(1, what);
        int actual = Byte.toUnsignedInt(buffer.get());
        if (actual != expected)
        {
            throw TraciException.protocol(callName(),
                    String.format("answer has %s 0x%02x, expected 0x%02x", what, actual, expected));
        }
    }

    private void requireAnswerBytes(int bytes, String what)
    {
        if (buffer.remaining() < bytes)
        {
            throw TraciException.protocol(callName(), "answer ends before its " + what);
        }
    }

    private String readRawString()
    {
        requireAnswerBytes(Integer.BYTES, "string length");
        int length = buffer.getInt();
        requireAnswerBytes(length, "string");
        String value = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return value;
    }

    private double readTypedDouble()
    {
        expectUnsignedByte("value type", TYPE_DOUBLE);
        requireAnswerBytes(Double.BYTES, "double");
        return buffer.getDouble();
    }

    private int readTypedInt()
    {
        expectUnsignedByte("value type", TYPE_INTEGER);
        requireAnswerBytes(Integer.BYTES, "integer");
        return buffer.getInt();
    }

    private String readTypedString()
    {
        expectUnsignedByte("value type", TYPE_STRING);
        return readRawString();
    }

    private List<String> readTypedStringList()
    {
        expectUnsignedByte("value type", TYPE_STRINGLIST);
        requireAnswerBytes(Integer.BYTES, "string list count");
        int count = buffer.getInt();
        List<String> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            values.add(readRawString());
        }
        return values;
    }

    private Position2D readTypedPosition2D()
    {
        expectUnsignedByte("value type", POSITION_2D);
        requireAnswerBytes(2 * Double.BYTES, "position");
        double x = buffer.getDouble();
        double y = buffer.getDouble();
        return new Position2D(x, y);
    }

    private void closeSocket()
    {
        open = false;
        try
        {
            socket.close();
        }
        catch (IOException ignored)
        {
            // Closing a socket that already failed: nothing left to release.
        }
    }
}
