package io.wmrt.hil.traci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TraCI client against a real SUMO running the generated {@link TinyScenario}. */
class TraciConnectionTest
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

    /** Steps until {@code vehicleId} is in the network, at most {@code maxSteps}. */
    private static void stepUntilPresent(TraciConnection traci, String vehicleId, int maxSteps)
    {
        for (int i = 0; i < maxSteps; i++)
        {
            if (traci.vehicleIds().contains(vehicleId))
            {
                return;
            }
            traci.simulationStep();
        }
        throw new AssertionError(vehicleId + " did not depart within " + maxSteps + " steps");
    }

    @Test
    void versionNamesTheApiAndTheInstalledSumo() throws Exception
    {
        Process versionCommand = new ProcessBuilder(SumoProcess.resolveBinary(System.getenv()).toString(), "--version")
                .redirectErrorStream(true).start();
        String versionOutput = new String(versionCommand.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        versionCommand.waitFor();
        Matcher installed = Pattern.compile("Version (\\d+\\.\\d+\\.\\d+)").matcher(versionOutput);
        assertTrue(installed.find(), versionOutput);

        try (SumoProcess sumo = SumoProcess.withConfig(scenario.config).start())
        {
            TraciVersion version = sumo.connection().getVersion();
            assertTrue(version.apiVersion() >= TraciConstants.TRACI_VERSION_SUMO_1_15, version.toString());
            assertTrue(version.sumoVersion().contains(installed.group(1)), version + " vs installed " + installed.group(1));
        }
    }

    @Test
    void steppingAdvancesTimeAndVehiclesDriveEast()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            assertEquals(0.0, traci.getTime(), 1e-9);
            traci.simulationStep();
            assertEquals(0.1, traci.getTime(), 1e-9);
            assertTrue(traci.departedVehicleIds().contains("v0"), traci.departedVehicleIds().toString());

            Position2D start = traci.vehiclePosition("v0");
            traci.simulationStep(2.0);
            assertEquals(2.0, traci.getTime(), 1e-9);
            Position2D later = traci.vehiclePosition("v0");

            assertTrue(later.x() - start.x() > 10.0, start + " -> " + later);
            assertEquals(start.y(), later.y(), 1e-6);
            assertTrue(traci.vehicleSpeed("v0") > 0.0);
            assertEquals(90.0, traci.vehicleAngle("v0"), 1e-6);
            assertEquals(0.0, traci.vehicleHeadingRadians("v0"), 1e-9);
            assertEquals(5.0, traci.vehicleLength("v0"), 1e-9);
            assertEquals(1.8, traci.vehicleWidth("v0"), 1e-9);
            assertEquals(TinyScenario.FIRST_EDGE, traci.vehicleRoadId("v0"));
            assertEquals(TinyScenario.FIRST_EDGE + "_1", traci.vehicleLaneId("v0"));
            assertEquals(1, traci.vehicleLaneIndex("v0"));
            assertTrue(Double.isFinite(traci.vehicleAcceleration("v0")));
            assertTrue(traci.loadedVehicleIds().isEmpty() || traci.loadedVehicleIds().contains("v1"));
        }
    }

    @Test
    void walkingPersonIsVisible()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            traci.simulationStep(1.0);
            assertEquals(List.of("p0"), traci.personIds());
            Position2D start = traci.personPosition("p0");
            traci.simulationStep(5.0);
            Position2D later = traci.personPosition("p0");
            assertTrue(later.x() > start.x() + 2.0, start + " -> " + later);
            assertTrue(traci.personSpeed("p0") > 0.5);
            assertEquals(90.0, traci.personAngle("p0"), 1.0);
            assertTrue(traci.personLength("p0") > 0.0);
            assertTrue(traci.personWidth("p0") > 0.0);
        }
    }

    @Test
    void moveToXYPlacesTheVehicleOnTheNextStep()
    {
        try (SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes)
                .lateralResolutionMetres(0.4).start())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v0", 10);
            traci.simulationStep(1.0);
            double laneY = traci.vehiclePosition("v0").y();
            Position2D target = new Position2D(380.0, laneY);

            traci.moveVehicleToXY("v0", TinyScenario.SECOND_EDGE, 1, target.x(), target.y(), 90.0, 1);
            traci.simulationStep();

            Position2D placed = traci.vehiclePosition("v0");
            assertTrue(placed.distanceTo(target) < 0.5, "asked " + target + ", got " + placed);
            assertEquals(TinyScenario.SECOND_EDGE, traci.vehicleRoadId("v0"));
            assertEquals(90.0, traci.vehicleAngle("v0"), 1e-6);
        }
    }

    @Test
    void setSpeedWithSpeedModeZeroJumpsInOneStep()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v0", 10);
            traci.simulationStep(1.0);
            traci.setVehicleSpeedMode("v0", 0);
            traci.setVehicleSpeed("v0", 2.0);
            traci.simulationStep();
            assertEquals(2.0, traci.vehicleSpeed("v0"), 1e-9);
            traci.setVehicleSpeed("v0", 25.0);
            traci.simulationStep();
            assertEquals(25.0, traci.vehicleSpeed("v0"), 1e-9);
        }
    }

    @Test
    void trafficLightStateHasOneCharacterPerLinkAndChanges() throws Exception
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            assertTrue(traci.trafficLightIds().contains(TinyScenario.CENTRE_TRAFFIC_LIGHT), traci.trafficLightIds().toString());
            int links = scenario.linkCount(TinyScenario.CENTRE_TRAFFIC_LIGHT);
            assertTrue(links > 0);
            Set<String> states = new HashSet<>();
            for (int second = 1; second <= 100; second++)
            {
                traci.simulationStep(second);
                String state = traci.trafficLightState(TinyScenario.CENTRE_TRAFFIC_LIGHT);
                assertEquals(links, state.length(), state);
                assertTrue(state.matches("[rRyYgGsuoO]+"), state);
                states.add(state);
            }
            assertTrue(states.size() >= 3, "states seen: " + states);
        }
    }

    @Test
    void unknownVehicleFailsWithItsIdAndTheConnectionStaysUsable()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            traci.simulationStep();
            TraciException failure = assertThrows(TraciException.class, () -> traci.vehicleSpeed("no-such-car"));
            assertTrue(failure.getMessage().contains("no-such-car"), failure.getMessage());
            assertEquals("vehicle.getSpeed(\"no-such-car\")", failure.command());
            assertTrue(failure.sumoDescription().contains("no-such-car"), failure.sumoDescription());

            TraciException refusedMove = assertThrows(TraciException.class,
                    () -> traci.moveVehicleToXY("ghost", "", -1, 0.0, 0.0, 0.0, 1));
            assertTrue(refusedMove.getMessage().contains("ghost"), refusedMove.getMessage());

            assertTrue(traci.isOpen());
            traci.simulationStep();
            assertEquals(0.2, traci.getTime(), 1e-9);
            assertTrue(traci.vehicleIds().contains("v0"));
        }
    }

    @Test
    void addedVehicleDepartsOnItsRoute()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            traci.simulationStep(10.0);
            traci.addVehicle("extra", TinyScenario.ROUTE_EAST);
            traci.simulationStep();
            assertTrue(traci.vehicleIds().contains("extra"), traci.vehicleIds().toString());
            assertEquals(TinyScenario.FIRST_EDGE, traci.vehicleRoadId("extra"));

            // Requests and answers over 255 bytes use the extended command length in both directions.
            String longId = "long-" + "x".repeat(300);
            traci.addVehicle(longId, TinyScenario.ROUTE_EAST, "DEFAULT_VEHTYPE", "2", "0");
            traci.simulationStep();
            assertTrue(traci.vehicleIds().contains(longId));
            assertEquals(TinyScenario.FIRST_EDGE + "_2", traci.vehicleLaneId(longId));

            TraciException duplicate = assertThrows(TraciException.class,
                    () -> traci.addVehicle("extra", TinyScenario.ROUTE_EAST));
            assertTrue(duplicate.getMessage().contains("extra"), duplicate.getMessage());
        }
    }

    @Test
    void scenarioEndsWhenEveryVehicleArrived()
    {
        try (SumoProcess sumo = startSumo())
        {
            TraciConnection traci = sumo.connection();
            assertTrue(traci.minExpectedVehicles() > 0);
            Set<String> arrived = new HashSet<>();
            int second = 0;
            while (traci.minExpectedVehicles() > 0 && second < 300)
            {
                second++;
                for (int step = 0; step < 10; step++)
                {
                    traci.simulationStep();
                    arrived.addAll(traci.arrivedVehicleIds());
                }
            }
            assertEquals(0, traci.minExpectedVehicles(), "still expected after " + second + " s");
            assertEquals(Set.of("v0", "v1", "v2"), arrived);
            assertTrue(traci.vehicleIds().isEmpty());
        }
    }

    @Test
    void rearEndCollisionIsReported(@TempDir Path output) throws Exception
    {
        Path collisions = output.resolve("collisions.xml");
        try (SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes)
                .collisionOutput(collisions).start())
        {
            TraciConnection traci = sumo.connection();
            stepUntilPresent(traci, "v1", 40);
            traci.setVehicleSpeedMode("v0", 0);
            traci.setVehicleSpeed("v0", 0.0);
            traci.setVehicleSpeedMode("v1", 0);
            traci.setVehicleLaneChangeMode("v1", 0);
            traci.setVehicleSpeed("v1", 20.0);
            Set<String> colliding = new HashSet<>();
            for (int step = 0; step < 100 && colliding.isEmpty(); step++)
            {
                traci.simulationStep();
                colliding.addAll(traci.collidingVehicleIds());
            }
            assertTrue(colliding.contains("v1"), "colliding: " + colliding);
        }
        String report = java.nio.file.Files.readString(collisions);
        assertTrue(report.contains("<collision ") && report.contains("\"v1\""), report);
    }

    @Test
    void callsOnAClosedConnectionNameTheCall()
    {
        SumoProcess sumo = startSumo();
        try
        {
            TraciConnection traci = sumo.connection();
            traci.close();
            assertFalse(traci.isOpen());
            traci.close();
            TraciException failure = assertThrows(TraciException.class, () -> traci.vehiclePosition("v0"));
            assertTrue(failure.getMessage().startsWith("vehicle.getPosition(\"v0\")"), failure.getMessage());
        }
        finally
        {
            sumo.close();
        }
        assertFalse(sumo.processHandle().isAlive());
        assertNotEquals(0, sumo.port());
    }
}
