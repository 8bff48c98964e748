package io.wmrt.hil;

import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.sumo.Sumo;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route {@link GroundTruthScene} writes on a generated corridor, driven through by SUMO itself: where a
 * one-lane street meets the double-parked scene's road with two lanes each way, the junction lane the ego is on
 * leads into one of them, and the route must go on in that one. The network's table keeps one connection per
 * lane and next edge, and the route had jumped 3.3 m sideways within 2 m into the other lane, which the planner
 * read as a kerb across its way (a 6 m/s² stop, corridor-7400-007).
 */
class GroundTruthSceneCorridorTest
{
    /** Corridors run W to E; the sharpest turn between route segments of 1 m or more is the ramp's merge. */
    private static final double MAX_TURN_RAD = Math.toRadians(40);

    @TempDir
    Path dir;

    @Test
    void routeGoesOnInTheLaneTheJunctionLeadsIntoWithoutJumpingSideways() throws Exception
    {
        Sumo.require();
        final GeneratedNet corridor = GeneratedNet.first("corridor", "routes.rou.xml",
            routes -> routes.contains("id=\"dp_r\""), dir);
        final Path generated = corridor.directory();
        final RoadNetwork network = corridor.network();
        final String dpEdge = doubleParkedEdge(Files.readString(generated.resolve("routes.rou.xml")));

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        final SceneFrameDecoder frame = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);
        int junctionSteps = 0;
        try (SumoProcess process = corridor.startWithEgo())
        {
            final TraciConnection traci = process.connection();
            final String ego = corridor.scenario().egoId();
            final List<String> route = traci.vehicleRoute(ego);
            final String before = route.get(route.indexOf(dpEdge) - 1);
            final double[] end = lastPoint(network.lane(before + "_1").orElseThrow().shape());
            final GroundTruthScene scene = new GroundTruthScene(traci, ego, 80).network(network);
            // As the rig moves its ego: straight on along the one-lane street's lane, across the junction and
            // into the lane it lines up with, the route's edges kept.
            for (double front = end[0] - 30; front < end[0] + 25; front += 0.5)
            {
                traci.moveVehicleToXY(ego, "", -1, front, end[1], 90, 1);
                traci.simulationStep();
                scene.fill(encoder);
                junctionSteps += traci.vehicleLaneId(ego).startsWith(":") ? 1 : 0;
                final int n = frame.routePointCount();
                for (int i = 2; i < n; i++)
                {
                    final double a = Math.atan2(frame.routeY(i - 1) - frame.routeY(i - 2),
                        frame.routeX(i - 1) - frame.routeX(i - 2));
                    final double b = Math.atan2(frame.routeY(i) - frame.routeY(i - 1),
                        frame.routeX(i) - frame.routeX(i - 1));
                    final double turn = Math.abs(Math.IEEEremainder(b - a, 2 * Math.PI));
                    assertTrue(turn <= MAX_TURN_RAD, generated.getFileName() + " with the front at x=" + front +
                        " on " + traci.vehicleLaneId(ego) + ": the route turns " + Math.round(Math.toDegrees(turn)) +
                        "° between points " + (i - 1) + " and " + i + " (" + frame.routeX(i - 1) + ", " +
                        frame.routeY(i - 1) + ") -> (" + frame.routeX(i) + ", " + frame.routeY(i) + ")");
                }
            }
        }
        assertTrue(junctionSteps > 0, "the ego crossed the junction with the route checked");
    }

    @Test
    void aLowerLimitAheadIsWrittenFromWhereTheEgoWouldStartSlowingForIt() throws Exception
    {
        Sumo.require();
        // A merge section, then a slower street from K1: the limit drops where CK1 ends.
        final GeneratedNet corridor = GeneratedNet.first("corridor", "routes.rou.xml",
            routes -> routes.contains("r_merge_main") && routes.contains("edges=\"RB BC CK1 K1K2"), dir);
        final RoadNetwork network = corridor.network();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        final SceneFrameDecoder frame = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);
        try (SumoProcess process = corridor.startWithEgo())
        {
            final TraciConnection traci = process.connection();
            final String ego = corridor.scenario().egoId();
            final double main = traci.laneMaxSpeed("CK1_0");
            final double street = traci.laneMaxSpeed("K1K2_1");
            assertTrue(street < main - 1, "the corridor's next street is slower: " + street + " < " + main);
            final double[] k1 = lastPoint(network.lane("CK1_0").orElseThrow().shape());
            final double speed = main;
            final double slowing = (speed * speed - street * street) / (2 * GroundTruthScene.SIGN_DECEL_MPS2) +
                GroundTruthScene.SIGN_MARGIN_METRES;
            final double sight = Math.min(GroundTruthScene.SIGN_SIGHT_METRES, slowing);
            final GroundTruthScene scene = new GroundTruthScene(traci, ego, 80).network(network);
            final double halfLength = 0.5 * traci.vehicleLength(ego);
            double firstLower = Double.NaN;
            // Front from 95 m before K1 on: the ego's centre is then beyond the sight distance of a car at the
            // main road's limit until it is within it.
            for (double front = k1[0] - 95; front < k1[0] - 2; front += 1.0)
            {
                traci.moveVehicleToXY(ego, "", -1, front, k1[1], 90, 1);
                traci.simulationStep();
                scene.egoMotion(speed, 0);
                scene.fill(encoder);
                final double toK1 = k1[0] - (front - halfLength);
                if (frame.speedLimit() < main - 0.01)
                {
                    assertEquals(street, frame.speedLimit(), 0.01, "the slower street's limit");
                    if (Double.isNaN(firstLower))
                    {
                        firstLower = toK1;
                    }
                }
                else
                {
                    assertEquals(main, frame.speedLimit(), 0.01, "the limit in force");
                    assertTrue(Double.isNaN(firstLower), "once slowing, the lower limit stays until the ego gets " +
                        "there; back at " + toK1 + " m");
                }
                if (toK1 < 5)
                {
                    break;
                }
            }
            assertEquals(sight, firstLower, 2.0, "written from where a car at " + speed + " m/s starts slowing");
            // Slowed down (here: standing), it is still written until the ego gets there.
            scene.egoMotion(0, 0);
            scene.fill(encoder);
            assertEquals(street, frame.speedLimit(), 0.01, "held while the ego slows");
        }
    }

    private static double[] lastPoint(final double[] shape)
    {
        return new double[]{shape[shape.length - 2], shape[shape.length - 1]};
    }

    private static String doubleParkedEdge(final String routes)
    {
        final Matcher m = Pattern.compile("<route id=\"r_dp\" edges=\"([^\"]+)\"").matcher(routes);
        assertTrue(m.find(), routes);
        return m.group(1);
    }
}
