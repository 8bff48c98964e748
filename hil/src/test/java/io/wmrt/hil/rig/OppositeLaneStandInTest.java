package io.wmrt.hil.rig;

import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.TraciConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ego's stand-in against real SUMO, on TinyScenario's straight A1 - B1 (two car lanes each way): an ego held
 * standing with its left side 1.3 m across the centre line, and a car coming the other way in the lane next to
 * the centre line. Without the stand-in SUMO drives that car through the ego; with it, the car does not touch
 * it (it stops, or changes lanes round it). And when the ego is back in its lane, the stand-in is gone.
 */
class OppositeLaneStandInTest
{
    private static final double EGO_LENGTH = 5.0;
    private static final double EGO_WIDTH = 1.8;

    @TempDir
    static Path dir;
    static TinyScenario grid;
    static RoadNetwork network;

    @BeforeAll
    static void generate() throws Exception
    {
        grid = TinyScenario.generate(dir);
        network = RoadNetwork.load(grid.network);
    }

    @Test
    void findsTheOppositeLaneACornerOfTheFootprintIsIn()
    {
        final double[] own = network.lane("A1B1_2").orElseThrow().shape();
        final double x = 0.5 * (own[0] + own[2]);
        final double y = own[1];
        final double[] scratch = new double[8];
        assertNull(OppositeLaneStandIn.intrudedLane(network, "A1B1", x, y, 0, EGO_LENGTH, EGO_WIDTH, scratch),
            "centred in its own lane");
        // The centre line is half a lane (1.6 m) to the left: a left side 0.1 m short of it, then 0.1 m over.
        assertNull(OppositeLaneStandIn.intrudedLane(network, "A1B1", x, y + 0.6, 0, EGO_LENGTH, EGO_WIDTH,
            scratch), "0.1 m short of the centre line");
        final RoadNetwork.Lane over = OppositeLaneStandIn.intrudedLane(network, "A1B1", x, y + 0.8, 0, EGO_LENGTH,
            EGO_WIDTH, scratch);
        assertNotNull(over, "0.1 m over the centre line");
        assertEquals("B1A1_2", over.id());
        // Turned 30 degrees towards the centre line, centred in its lane: the front left corner is over.
        assertNotNull(OppositeLaneStandIn.intrudedLane(network, "A1B1", x, y, Math.toRadians(30), EGO_LENGTH,
            EGO_WIDTH, scratch), "front corner over the line");
        assertNull(OppositeLaneStandIn.intrudedLane(network, ":B1_0", x, y + 0.8, 0, EGO_LENGTH, EGO_WIDTH,
            scratch), "a junction lane has no opposite edge");
    }

    @Test
    void anOncomingCarDrivesThroughAnEgoAcrossTheCentreLineUnlessItSeesTheStandIn() throws Exception
    {
        assertTrue(overlapSteps(false) > 0, "without the stand-in, SUMO drives the oncoming car through the ego");
        assertEquals(0, overlapSteps(true), "with the stand-in, the oncoming car keeps out of the ego");
    }

    /** Steps in which the oncoming car's footprint overlaps the standing ego's. */
    private static int overlapSteps(final boolean standIn) throws Exception
    {
        final Path scenario = Files.createDirectories(dir.resolve(standIn ? "with" : "without"));
        Files.writeString(scenario.resolve("r.rou.xml"), String.join("\n",
            "<routes>",
            "  <vType id=\"ego_type\" length=\"" + EGO_LENGTH + "\" width=\"" + EGO_WIDTH + "\"/>",
            "  <route id=\"east\" edges=\"A1B1 B1C1\"/>",
            "  <route id=\"west\" edges=\"B1A1\"/>",
            "  <vehicle id=\"ego\" type=\"ego_type\" route=\"east\" depart=\"0\" departLane=\"2\" departPos=\"120\"" +
                " departSpeed=\"0\"/>",
            "  <vehicle id=\"oncoming\" route=\"west\" depart=\"1\" departLane=\"2\" departPos=\"0\" departSpeed=\"max\"/>",
            "</routes>", ""));
        final Path config = scenario.resolve("s.sumocfg");
        Files.writeString(config, String.join("\n",
            "<configuration><input>",
            "  <net-file value=\"" + grid.network + "\"/>",
            "  <route-files value=\"r.rou.xml\"/>",
            "</input></configuration>", ""));
        int overlaps = 0;
        try (SumoProcess process = SumoProcess.withConfig(config).seed(1).stepLengthSeconds(0.1)
            .lateralResolutionMetres(0.4).start())
        {
            final TraciConnection traci = process.connection();
            traci.simulationStep();
            traci.setVehicleSpeedMode("ego", 0);
            traci.setVehicleLaneChangeMode("ego", 0);
            final double[] lane = network.lane("A1B1_2").orElseThrow().shape();
            final double egoX = lane[0] + 120;
            final double egoY = lane[1] + 2.0;
            final OppositeLaneStandIn stand = new OppositeLaneStandIn(traci, network, "ego", traci.vehicleTypeId("ego"));
            boolean seen = false;
            for (int step = 0; step < 250; step++)
            {
                final Position2D front = EgoPlacement.sumoFront(egoX, egoY, 0, EGO_LENGTH, lane);
                traci.moveVehicleToXY("ego", "", -1, front.x(), front.y(), 90, 1);
                traci.setVehicleSpeed("ego", 0);
                if (standIn)
                {
                    stand.update(egoX, egoY, 0, EGO_LENGTH, EGO_WIDTH, traci.vehicleRoadId("ego"));
                }
                traci.simulationStep();
                if (!traci.vehicleIds().contains("oncoming"))
                {
                    continue;
                }
                seen = true;
                final double heading = traci.vehicleHeadingRadians("oncoming");
                final double length = traci.vehicleLength("oncoming");
                final Position2D centre = GroundTruthScene.centreOf(traci.vehiclePosition("oncoming"), heading,
                    length);
                if (Math.abs(centre.x() - egoX) < 0.5 * (length + EGO_LENGTH) &&
                    Math.abs(centre.y() - egoY) < 0.5 * (traci.vehicleWidth("oncoming") + EGO_WIDTH))
                {
                    overlaps++;
                }
            }
            assertTrue(seen, "the oncoming car departed");
            if (standIn)
            {
                assertTrue(stand.placedSteps() > 0);
                assertTrue(traci.vehicleIds().contains(GroundTruthScene.standInId("ego")), "standing in");
                // Back in its own lane: the stand-in is taken out.
                final Position2D front = EgoPlacement.sumoFront(egoX, lane[1], 0, EGO_LENGTH, lane);
                traci.moveVehicleToXY("ego", "", -1, front.x(), front.y(), 90, 1);
                stand.update(egoX, lane[1], 0, EGO_LENGTH, EGO_WIDTH, traci.vehicleRoadId("ego"));
                traci.simulationStep();
                assertFalse(traci.vehicleIds().contains(GroundTruthScene.standInId("ego")), "taken out");
            }
        }
        return overlaps;
    }
}
