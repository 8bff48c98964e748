package io.wmrt.hil.traci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The route, lane, edge and next-traffic-light queries against a real SUMO running {@link TinyScenario}. */
class TraciRoadQueriesTest
{
    @TempDir
    static Path scenarioDirectory;

    static TinyScenario scenario;

    @BeforeAll
    static void generateScenario() throws Exception
    {
        scenario = TinyScenario.generate(scenarioDirectory);
    }

    private static SumoProcess startSumo()
    {
        return SumoProcess.withNetAndRoutes(scenario.network, scenario.routes).stepLengthSeconds(0.1).start();
    }

    private static void stepUntilPresent(TraciConnection traci, String vehicleId)
    {
        for (int i = 0; i < 100; i++)
        {
            if (traci.vehicleIds().contains(vehicleId))
            {
                return;
            }
            traci.simulationStep();
        }
        throw new AssertionError(vehicleId + " did not depart");
    }

    @Test
    void routeIndexAndLanePositionMatchTheVehiclesPlace()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v0");
            traci.simulationStep(3.0);
            assertEquals(List.of(TinyScenario.FIRST_EDGE, TinyScenario.SECOND_EDGE), traci.vehicleRoute("v0"));
            assertEquals(0, traci.vehicleRouteIndex("v0"));
            String lane = traci.vehicleLaneId("v0");
            assertEquals(TinyScenario.FIRST_EDGE + "_1", lane);

            List<Position2D> shape = traci.laneShape(lane);
            assertTrue(shape.size() >= 2, shape.toString());
            double lanePosition = traci.vehicleLanePosition("v0");
            Position2D front = traci.vehiclePosition("v0");
            // The row is straight and eastbound: lane position is x measured from the lane's first point.
            assertEquals(shape.get(0).x() + lanePosition, front.x(), 0.05);
            for (Position2D point : shape)
            {
                assertEquals(front.y(), point.y(), 0.05, "the lane centre line passes through the vehicle");
            }
            double length = traci.laneLength(lane);
            assertEquals(shape.get(0).distanceTo(shape.get(shape.size() - 1)), length, 0.1);

            // Past the light (it may be red first) v0 is on the second edge of its route.
            for (int i = 0; i < 1500 && !traci.vehicleRoadId("v0").equals(TinyScenario.SECOND_EDGE); i++)
            {
                traci.simulationStep();
            }
            assertEquals(TinyScenario.SECOND_EDGE, traci.vehicleRoadId("v0"));
            assertEquals(1, traci.vehicleRouteIndex("v0"));
        }
    }

    @Test
    void laneWidthSpeedAllowedClassesAndLaneCount()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v0");
            assertEquals(3, traci.edgeLaneCount(TinyScenario.FIRST_EDGE), "sidewalk and two car lanes");
            assertEquals(List.of("pedestrian"), traci.laneAllowed(TinyScenario.FIRST_EDGE + "_0"));
            assertFalse(traci.laneAllowed(TinyScenario.FIRST_EDGE + "_1").contains("pedestrian"));
            assertEquals(3.2, traci.laneWidth(TinyScenario.FIRST_EDGE + "_1"), 1e-9, "netgenerate's default lane width");
            // Two car lanes 3.2 m wide: their centre lines are 3.2 m apart.
            Position2D lane1 = traci.laneShape(TinyScenario.FIRST_EDGE + "_1").get(0);
            Position2D lane2 = traci.laneShape(TinyScenario.FIRST_EDGE + "_2").get(0);
            assertEquals(3.2, lane1.distanceTo(lane2), 0.01);
            assertTrue(lane2.y() > lane1.y(), "lane 2 is left of lane 1 when driving east");

            double limit = traci.laneMaxSpeed(TinyScenario.FIRST_EDGE + "_1");
            assertEquals(13.89, limit, 0.01, "netgenerate's default speed");
            double allowed = traci.vehicleAllowedSpeed("v0");
            assertTrue(allowed > 0.7 * limit && allowed < 1.3 * limit, "allowed " + allowed + " of limit " + limit);

            TraciException unknown = assertThrows(TraciException.class, () -> traci.laneShape("nope_0"));
            assertTrue(unknown.getMessage().contains("lane.getShape(\"nope_0\")"), unknown.getMessage());
            assertEquals(3, traci.edgeLaneCount(TinyScenario.FIRST_EDGE), "the connection stays usable");
        }
    }

    @Test
    void nextTrafficLightIsTheCentreJunctionAtTheEndOfTheLane()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v0");
            traci.simulationStep(2.0);
            List<NextTrafficLight> lights = traci.vehicleNextTrafficLights("v0");
            assertFalse(lights.isEmpty());
            NextTrafficLight light = lights.get(0);
            assertEquals(TinyScenario.CENTRE_TRAFFIC_LIGHT, light.trafficLightId());
            String lane = traci.vehicleLaneId("v0");
            assertEquals(traci.laneLength(lane) - traci.vehicleLanePosition("v0"), light.distanceMetres(), 0.01,
                    "the stop line is the end of the lane");
            String state = traci.trafficLightState(TinyScenario.CENTRE_TRAFFIC_LIGHT);
            assertTrue(light.linkIndex() >= 0 && light.linkIndex() < state.length(), light.toString());
            assertEquals(state.charAt(light.linkIndex()), light.state());
        }
    }
}
