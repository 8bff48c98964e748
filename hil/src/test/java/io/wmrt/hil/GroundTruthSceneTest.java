package io.wmrt.hil;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import io.wmrt.hil.traci.NextTrafficLight;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GroundTruthScene} against a real SUMO running {@link TinyScenario}, with an extra vehicle "ego"
 * added on the eastbound route in lane 2 at time 0.
 */
class GroundTruthSceneTest
{
    private static final String EGO = "ego";
    private static final double RANGE = 100.0;

    @TempDir
    static Path scenarioDirectory;

    static TinyScenario scenario;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
    private final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
    private final SceneFrameDecoder frame = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);

    @BeforeAll
    static void generateScenario() throws Exception
    {
        scenario = TinyScenario.generate(scenarioDirectory);
    }

    private static SumoProcess startSumoWithEgo()
    {
        SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes).stepLengthSeconds(0.1).start();
        TraciConnection traci = sumo.connection();
        traci.addVehicle(EGO, TinyScenario.ROUTE_EAST, "DEFAULT_VEHTYPE", "2", "max");
        for (int i = 0; i < 100 && !traci.vehicleIds().contains(EGO); i++)
        {
            traci.simulationStep();
        }
        assertTrue(traci.vehicleIds().contains(EGO), "ego departed");
        return sumo;
    }

    private static List<Position2D> routePoints(SceneFrameDecoder frame)
    {
        List<Position2D> points = new ArrayList<>();
        for (int i = 0; i < frame.routePointCount(); i++)
        {
            points.add(new Position2D(frame.routeX(i), frame.routeY(i)));
        }
        return points;
    }

    private static double polylineLength(List<Position2D> points)
    {
        double length = 0.0;
        for (int i = 0; i + 1 < points.size(); i++)
        {
            length += points.get(i).distanceTo(points.get(i + 1));
        }
        return length;
    }

    private static double distanceToPolyline(Position2D point, List<Position2D> polyline)
    {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < polyline.size(); i++)
        {
            Position2D a = polyline.get(i);
            Position2D b = polyline.get(i + 1);
            double dx = b.x() - a.x();
            double dy = b.y() - a.y();
            double squared = dx * dx + dy * dy;
            double t = squared == 0.0 ? 0.0 : ((point.x() - a.x()) * dx + (point.y() - a.y()) * dy) / squared;
            t = Math.max(0.0, Math.min(1.0, t));
            best = Math.min(best, Math.hypot(a.x() + t * dx - point.x(), a.y() + t * dy - point.y()));
        }
        return best;
    }

    @Test
    void egoIsTheFootprintCentreAndAgentsAreSortedWithinRange()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            boolean sawVehicleAgent = false;
            for (int step = 0; step < 60; step++)
            {
                traci.simulationStep();
                scene.fill(encoder);

                Position2D front = traci.vehiclePosition(EGO);
                double heading = traci.vehicleHeadingRadians(EGO);
                double length = traci.vehicleLength(EGO);
                Position2D expected = new Position2D(front.x() - Math.cos(heading) * length / 2.0,
                        front.y() - Math.sin(heading) * length / 2.0);
                Position2D centre = new Position2D(frame.egoX(), frame.egoY());
                assertTrue(centre.distanceTo(expected) <= 0.3, centre + " vs " + expected);
                assertEquals(heading, frame.egoHeading(), 1e-5);
                assertEquals(traci.vehicleSpeed(EGO), frame.egoSpeed(), 1e-4);
                assertEquals(length, frame.egoLength(), 1e-5);
                assertEquals(traci.vehicleWidth(EGO), frame.egoWidth(), 1e-5);
                assertEquals(0.0f, frame.egoSteer());
                assertEquals(step + 1, frame.sequence());
                assertEquals(Math.round(traci.getTime() * 1e9), frame.timestampNs());
                assertEquals(traci.laneMaxSpeed(traci.vehicleLaneId(EGO)), frame.speedLimit(), 1e-4);
                assertEquals(3.2f, frame.laneWidth(), 1e-5f);
                // Ego in lane 2 (leftmost car lane) of sidewalk, lane 1, lane 2: no lane left, one right.
                assertEquals(3.2f * 0.5f, frame.drivableLeft(), 1e-5f);
                assertEquals(3.2f * 1.5f, frame.drivableRight(), 1e-5f);

                double previous = 0.0;
                Set<Integer> ids = new HashSet<>();
                for (int i = 0; i < frame.agentCount(); i++)
                {
                    double distance = Math.hypot(frame.agentX(i) - frame.egoX(), frame.agentY(i) - frame.egoY());
                    assertTrue(distance <= RANGE + 1e-3, "agent " + i + " at " + distance);
                    assertTrue(distance >= previous - 1e-3, "agents nearest first");
                    previous = distance;
                    assertTrue(ids.add(frame.agentId(i)), "agent ids are distinct");
                    assertEquals(0.0f, frame.agentYawRate(i));
                    sawVehicleAgent |= frame.agentKind(i) == SceneCodes.VEHICLE;
                }
                int inRange = 0;
                for (String id : traci.vehicleIds())
                {
                    if (!id.equals(EGO))
                    {
                        Position2D other = GroundTruthScene.centreOf(traci.vehiclePosition(id),
                                traci.vehicleHeadingRadians(id), traci.vehicleLength(id));
                        inRange += other.distanceTo(expected) <= RANGE - 0.5 ? 1 : 0;
                    }
                }
                for (String id : traci.personIds())
                {
                    inRange += traci.personPosition(id).distanceTo(expected) <= RANGE - 0.5 ? 1 : 0;
                }
                assertTrue(frame.agentCount() >= inRange, frame.agentCount() + " agents, " + inRange + " in range");
            }
            assertTrue(sawVehicleAgent, "the other vehicles appear as agents");
        }
    }

    @Test
    void egoMotionGivenByTheRigsVehicleModelReplacesSumos()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            traci.simulationStep();
            scene.fill(encoder);
            assertEquals(traci.vehicleSpeed(EGO), frame.egoSpeed(), 1e-4, "without a vehicle model, SUMO's");

            // Where a lane ends under a moved ego SUMO says 0 m/s for a step; the vehicle model's speed holds.
            scene.egoMotion(7.25, -1.5);
            traci.simulationStep();
            scene.fill(encoder);
            assertEquals(7.25f, frame.egoSpeed());
            assertEquals(-1.5f, frame.egoAccel());
        }
    }

    @Test
    void routeFollowsTheLanesAheadOfTheEgo()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            List<Position2D> lanes = new ArrayList<>(traci.laneShape(TinyScenario.FIRST_EDGE + "_2"));
            lanes.addAll(traci.laneShape(TinyScenario.SECOND_EDGE + "_2"));
            boolean checkedLongRoute = false;
            for (int step = 0; step < 400 && traci.vehicleIds().contains(EGO); step++)
            {
                traci.simulationStep();
                if (!traci.vehicleIds().contains(EGO) || traci.vehicleLaneIndex(EGO) != 2)
                {
                    continue;
                }
                scene.fill(encoder);
                List<Position2D> route = routePoints(frame);
                assertTrue(route.size() >= 2 && route.size() <= 64, "route of " + route.size() + " points");
                Position2D centre = new Position2D(frame.egoX(), frame.egoY());
                assertTrue(route.get(0).distanceTo(centre) <= 2.0, route.get(0) + " vs ego " + centre);
                for (int i = 0; i < route.size(); i++)
                {
                    assertTrue(distanceToPolyline(route.get(i), lanes) <= 0.5, "point " + i + " " + route.get(i));
                    if (i > 0)
                    {
                        assertTrue(route.get(i).distanceTo(route.get(i - 1)) >= 1.0 - 1e-4, "spacing at " + i);
                    }
                }
                double ahead = traci.laneLength(traci.vehicleLaneId(EGO)) - traci.vehicleLanePosition(EGO);
                if (traci.vehicleRoadId(EGO).equals(TinyScenario.FIRST_EDGE) && ahead > 0.0)
                {
                    assertTrue(polylineLength(route) >= 100.0, "route length " + polylineLength(route));
                    checkedLongRoute = true;
                }
            }
            assertTrue(checkedLongRoute);
        }
    }

    @Test
    void lightAheadHasItsStopLineOnTheRouteAndItsStateInRedAndGreen()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            // Hold the ego 100 m before the light while the light cycles.
            traci.setVehicleSpeedMode(EGO, 0);
            traci.setVehicleLaneChangeMode(EGO, 0);
            for (int i = 0; i < 300 && traci.vehicleLanePosition(EGO) < 100.0; i++)
            {
                traci.simulationStep();
            }
            traci.setVehicleSpeed(EGO, 0.0);
            Set<Byte> states = new HashSet<>();
            for (int step = 0; step < 1200; step++)
            {
                traci.simulationStep();
                if (step % 5 != 0)
                {
                    continue;
                }
                scene.fill(encoder);
                List<NextTrafficLight> lights = traci.vehicleNextTrafficLights(EGO);
                assertFalse(lights.isEmpty());
                assertEquals(Math.min(4, lights.size()), frame.lightCount());
                NextTrafficLight light = lights.get(0);
                assertEquals(TinyScenario.CENTRE_TRAFFIC_LIGHT, light.trafficLightId());
                double frontS = GroundTruthScene.arcLengthOfProjection(routePoints(frame), traci.vehiclePosition(EGO));
                assertEquals(frontS + light.distanceMetres(), frame.lightStopS(0), 1.0);
                // The stop line lies on the route: the end of the ego's lane.
                Position2D laneEnd = traci.laneShape(traci.vehicleLaneId(EGO)).get(1);
                double stopOnRoute = GroundTruthScene.arcLengthOfProjection(routePoints(frame), laneEnd);
                assertEquals(stopOnRoute, frame.lightStopS(0), 1.0);

                char sumoState = traci.trafficLightState(light.trafficLightId()).charAt(light.linkIndex());
                assertEquals(sumoState, light.state());
                byte expected = Character.toLowerCase(sumoState) == 'r' ? SceneCodes.LIGHT_RED
                        : Character.toLowerCase(sumoState) == 'g' ? SceneCodes.LIGHT_GREEN
                        : Character.toLowerCase(sumoState) == 'y' ? SceneCodes.LIGHT_YELLOW : SceneCodes.LIGHT_UNKNOWN;
                assertEquals(expected, frame.lightState(0), "SUMO state " + sumoState);
                states.add(frame.lightState(0));
            }
            assertTrue(states.contains(SceneCodes.LIGHT_RED), "seen " + states);
            assertTrue(states.contains(SceneCodes.LIGHT_GREEN), "seen " + states);
            assertEquals(SceneCodes.LIGHT_UNKNOWN, GroundTruthScene.lightCode('o'));
            assertEquals(SceneCodes.LIGHT_YELLOW, GroundTruthScene.lightCode('Y'));
        }
    }

    /**
     * SUMO stops listing a light once the ego's front reaches its stop line; the scene keeps it while the front
     * stands on the line or just past it (red-light-queue-8800-008 crept into the junction at red without it).
     */
    @Test
    void lightReachedIsKeptWhileTheFrontStandsOnItsLineOrJustPastIt()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            traci.setVehicleSpeedMode(EGO, 0);
            traci.setVehicleLaneChangeMode(EGO, 0);
            traci.simulationStep();
            List<Position2D> lane = traci.laneShape(traci.vehicleLaneId(EGO));
            Position2D start = lane.get(lane.size() - 2);
            Position2D line = lane.get(lane.size() - 1);
            double length = start.distanceTo(line);
            double ux = (line.x() - start.x()) / length;
            double uy = (line.y() - start.y()) / length;
            double angle = SumoAngles.headingRadiansToSumoDegrees(Math.atan2(uy, ux));
            NextTrafficLight reached = null;
            boolean droppedBySumo = false;
            for (double past = -20.0; past <= 3.01; past += 0.5)
            {
                traci.moveVehicleToXY(EGO, "", -1, line.x() + ux * past, line.y() + uy * past, angle, 1);
                traci.setVehicleSpeed(EGO, 0.0);
                traci.simulationStep();
                scene.fill(encoder);
                List<NextTrafficLight> listed = traci.vehicleNextTrafficLights(EGO);
                if (past < -1.0)
                {
                    reached = listed.get(0);
                    continue;
                }
                droppedBySumo |= listed.isEmpty() || !listed.get(0).trafficLightId().equals(reached.trafficLightId());
                double lineS = GroundTruthScene.arcLengthOfProjection(routePoints(frame), line);
                int shown = -1;
                for (int i = 0; i < frame.lightCount(); i++)
                {
                    if (Math.abs(frame.lightStopS(i) - lineS) < 1.0)
                    {
                        shown = i;
                    }
                }
                if (past > GroundTruthScene.LIGHT_KEPT_PAST_LINE_METRES + 0.5)
                {
                    assertEquals(-1, shown, "front " + past + " m past the line: the junction is entered");
                    continue;
                }
                if (past > GroundTruthScene.LIGHT_KEPT_PAST_LINE_METRES - 0.5)
                {
                    continue;
                }
                assertTrue(shown >= 0, "front " + past + " m past the line: its light is in the scene");
                char state = traci.trafficLightState(reached.trafficLightId()).charAt(reached.linkIndex());
                assertEquals(GroundTruthScene.lightCode(state), frame.lightState(shown), "state, " + past + " m past");
            }
            assertTrue(droppedBySumo, "SUMO stopped listing the light at its line, which the scene must bridge");
        }
    }

    @Test
    void nearbyPedestrianIsAnAgentOfKindPedestrian()
    {
        try (SumoProcess sumo = startSumoWithEgo())
        {
            TraciConnection traci = sumo.connection();
            GroundTruthScene scene = new GroundTruthScene(traci, EGO, RANGE);
            boolean seen = false;
            int personAgentId = -1;
            for (int step = 0; step < 100; step++)
            {
                traci.simulationStep();
                if (!traci.personIds().contains("p0"))
                {
                    continue;
                }
                scene.fill(encoder);
                Position2D person = traci.personPosition("p0");
                double distance = person.distanceTo(new Position2D(frame.egoX(), frame.egoY()));
                int found = -1;
                for (int i = 0; i < frame.agentCount(); i++)
                {
                    if (frame.agentKind(i) == SceneCodes.PEDESTRIAN)
                    {
                        found = i;
                    }
                }
                if (distance < RANGE - 1.0)
                {
                    assertNotEquals(-1, found, "p0 at " + distance + " m is an agent");
                    assertEquals(person.x(), frame.agentX(found), 1e-3);
                    assertEquals(person.y(), frame.agentY(found), 1e-3);
                    assertEquals(traci.personSpeed("p0"), frame.agentSpeed(found), 1e-4);
                    if (personAgentId >= 0)
                    {
                        assertEquals(personAgentId, frame.agentId(found), "stable id");
                    }
                    personAgentId = frame.agentId(found);
                    seen = true;
                }
                else if (distance > RANGE + 1.0)
                {
                    assertEquals(-1, found, "p0 at " + distance + " m is out of range");
                }
            }
            assertTrue(seen, "p0 came within range");
        }
    }
}
