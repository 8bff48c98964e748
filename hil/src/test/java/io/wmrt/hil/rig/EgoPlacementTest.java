package io.wmrt.hil.rig;

import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.sumo.TinyScenario;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the rig moves the ego in SUMO ({@link EgoPlacement}): SUMO must see a contact exactly when the footprints
 * touch, also for an ego turned across its lane cutting back in after a pass.
 */
class EgoPlacementTest
{
    private static final double TURNED = Math.toRadians(-10);
    private static final double FRONT_X = 400;

    @TempDir
    static Path directory;

    static TinyScenario scenario;

    @BeforeAll
    static void generate() throws Exception
    {
        scenario = TinyScenario.generate(directory);
    }

    @Test
    void shouldPutTheFrontHalfALengthAlongTheLaneFromTheCentre()
    {
        final double[] east = {0, 0, 100, 0};
        final Position2D front = EgoPlacement.sumoFront(10, 1.5, TURNED, 4.6, east);
        assertEquals(12.3, front.x(), 1e-12);
        assertEquals(1.5, front.y(), 1e-12, "the centre's offset from the lane, not the turned front's");
        // A lane drawn the other way gives the same point; the nearest segment of a bent lane gives its direction.
        final Position2D reversed = EgoPlacement.sumoFront(10, 1.5, TURNED, 4.6, new double[]{100, 0, 0, 0});
        assertEquals(12.3, reversed.x(), 1e-12);
        final Position2D bent = EgoPlacement.sumoFront(60, 48, Math.PI / 2, 4, new double[]{0, 0, 50, 0, 50, 100});
        assertEquals(60, bent.x(), 1e-12);
        assertEquals(50, bent.y(), 1e-12);
        // No lane, or none with length: along the heading.
        final Position2D alone = EgoPlacement.sumoFront(10, 1.5, TURNED, 4.6, null);
        assertEquals(10 + 2.3 * Math.cos(TURNED), alone.x(), 1e-12);
        assertEquals(1.5 + 2.3 * Math.sin(TURNED), alone.y(), 1e-12);
        final Position2D point = EgoPlacement.sumoFront(10, 1.5, TURNED, 4.6, new double[]{5, 5, 5, 5});
        assertEquals(alone, point);
    }

    /**
     * A car standing in the left lane of a straight road (front at x = 400, where the scenario's own traffic
     * is not yet) and the ego, 10 degrees across the lane, its rear just past that car's front, 2 m to the left
     * of the lane's centre (footprints 0.53 m apart) and 1.2 m to the left (overlapping). Each case in a SUMO of
     * its own: SUMO reports a pair's contact once, not again after they part and touch again.
     */
    @Test
    void shouldLetSumoSeeAContactOnlyWhereTheFootprintsTouch() throws Exception
    {
        final RoadNetwork network = RoadNetwork.load(scenario.network);
        final double[] lane = network.lane(TinyScenario.SECOND_EDGE + "_2").orElseThrow().shape();
        final double laneY = lane[1];
        assertEquals(laneY, lane[lane.length - 1], 1e-6, "a straight lane along x");
        final double length = 5.0;
        final double width = 1.8;
        final Polygon parked = box(FRONT_X - length / 2, laneY, 0, length, width);
        final double centreX = FRONT_X + 2.0;
        final double clearY = laneY + 2.0;
        final double touchingY = laneY + 1.2;
        final double apart = box(centreX, clearY, TURNED, length, width).distance(parked);
        assertTrue(apart > 0.5 && apart < 0.6, "footprints apart " + apart);
        assertTrue(box(centreX, touchingY, TURNED, length, width).intersects(parked));

        assertFalse(contact(centreX, clearY, lane, laneY), "0.53 m apart, placed by the lane");
        assertTrue(contact(centreX, clearY, null, laneY),
            "placed by its turned front, SUMO lays the whole box 0.43 m nearer the car: it reports a contact");
        assertTrue(contact(centreX, touchingY, lane, laneY), "touching, placed by the lane");
    }

    /**
     * In a new SUMO, stands "parked" at {@link #FRONT_X} on the lane's centre, moves the ego to the pose (its
     * front by {@code lane}, see {@link EgoPlacement}), steps once and says whether SUMO saw the ego in a contact.
     */
    private static boolean contact(final double centreX, final double centreY, final double[] lane,
        final double laneY)
    {
        try (SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes)
            .lateralResolutionMetres(0.4).stepLengthSeconds(0.1).start())
        {
            final TraciConnection traci = sumo.connection();
            traci.addVehicle("parked", TinyScenario.ROUTE_EAST, "DEFAULT_VEHTYPE", "2", "0");
            traci.addVehicle("ego", TinyScenario.ROUTE_EAST, "DEFAULT_VEHTYPE", "1", "0");
            for (int i = 0; i < 20 && !traci.vehicleIds().containsAll(List.of("parked", "ego")); i++)
            {
                traci.simulationStep();
            }
            assertEquals(5.0, traci.vehicleLength("ego"), 1e-9);
            assertEquals(1.8, traci.vehicleWidth("ego"), 1e-9);
            for (final String id : List.of("parked", "ego"))
            {
                traci.setVehicleSpeedMode(id, 0);
                traci.setVehicleSpeed(id, 0);
            }
            // Apart first, away from where they departed among the scenario's cars, so the step below is theirs.
            traci.moveVehicleToXY("parked", "", -1, FRONT_X, laneY, SumoAngles.headingRadiansToSumoDegrees(0), 1);
            traci.moveVehicleToXY("ego", "", -1, FRONT_X - 60, laneY, SumoAngles.headingRadiansToSumoDegrees(0), 1);
            traci.simulationStep();
            traci.simulationStep();
            assertEquals(List.of(), traci.collidingVehicleIds());
            traci.moveVehicleToXY("parked", "", -1, FRONT_X, laneY, SumoAngles.headingRadiansToSumoDegrees(0), 1);
            final Position2D front = EgoPlacement.sumoFront(centreX, centreY, TURNED, 5.0, lane);
            traci.moveVehicleToXY("ego", "", -1, front.x(), front.y(),
                SumoAngles.headingRadiansToSumoDegrees(TURNED), 1);
            traci.simulationStep();
            return traci.collidingVehicleIds().contains("ego");
        }
    }

    private static Polygon box(final double x, final double y, final double heading, final double length,
        final double width)
    {
        final double c = Math.cos(heading);
        final double s = Math.sin(heading);
        final Coordinate[] ring = new Coordinate[5];
        final double[][] corners = {{0.5, 0.5}, {-0.5, 0.5}, {-0.5, -0.5}, {0.5, -0.5}, {0.5, 0.5}};
        for (int i = 0; i < 5; i++)
        {
            final double a = corners[i][0] * length;
            final double b = corners[i][1] * width;
            ring[i] = new Coordinate(x + a * c - b * s, y + a * s + b * c);
        }
        return new GeometryFactory().createPolygon(ring);
    }
}
