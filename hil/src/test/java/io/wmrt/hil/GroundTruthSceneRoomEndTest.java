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

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where the room beside the ego lane ends, the scene says so: on a generated merge with a lane drop the ego,
 * moved along the acceleration lane as the rig moves it, has the acceleration lane as room on its right up to
 * where that lane ends; past it, in the right lane, the room on its left ends at the drop 150 m on, where the
 * left lane ends and the right one runs straight on (generator version 6). Without
 * the ends the planner read the acceleration lane as going on for ever, drifted back into its last metres at
 * 25 m/s after merging and ran off its end (merge-8300-001), or ran off it at 9 m/s waiting for a gap and then
 * squeezed into one (corridor-8300-002).
 */
class GroundTruthSceneRoomEndTest
{
    private static final double LANE = 3.5;

    @TempDir
    Path dir;

    @Test
    void accelerationLaneAndLaneDropEndWhereTheirLanesDo() throws Exception
    {
        Sumo.require();
        final GeneratedNet generated = GeneratedNet.first("merge", "parameters.yaml",
            parameters -> parameters.contains("lane_drop: {value: true"), dir);
        final RoadNetwork network = generated.network();
        final double[] accelLane = network.lane("BC_0").orElseThrow().shape();
        final double accelEndX = accelLane[accelLane.length - 2];
        // The acceleration lane ends with its edge; at the drop the room on the left ends with the left lane, at
        // the start of the junction whose one internal lane carries the right lane on.
        final double[] leftLane = network.lane("CX_1").orElseThrow().shape();
        final double dropX = leftLane[leftLane.length - 2];

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
        final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
        final SceneFrameDecoder frame = new SceneFrameDecoder()
            .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);
        int onAccelLane = 0;
        int onMainRoad = 0;
        try (SumoProcess process = generated.startWithEgo())
        {
            final TraciConnection traci = process.connection();
            final String ego = generated.scenario().egoId();
            final double laneY = accelLane[accelLane.length - 1];
            final GroundTruthScene scene = new GroundTruthScene(traci, ego, 80).network(network);
            for (double front = accelLane[0] + 20; front < accelEndX - 5; front += 5)
            {
                traci.moveVehicleToXY(ego, "", -1, front, laneY, 90, 1);
                traci.simulationStep();
                scene.fill(encoder);
                if (!traci.vehicleLaneId(ego).equals("BC_0"))
                {
                    continue;
                }
                onAccelLane++;
                final String where = "front at x=" + front + " on BC_0";
                assertEquals(1.5 * LANE, frame.drivableRight(), 1e-4, where);
                assertEquals(accelEndX - frame.egoX(), frame.drivableRightEndS(), 1.0, where);
                assertEquals(1.5 * LANE, frame.drivableLeft(), 1e-4, where);
                // The route reaches the drop only from the acceleration lane's last metres; where it does, the
                // room on the left ends there.
                assertTrue(frame.drivableLeftEndS() == 0f ||
                    Math.abs(dropX - frame.egoX() - frame.drivableLeftEndS()) < 1.0, where + ": " +
                    frame.drivableLeftEndS() + " against " + (dropX - frame.egoX()));
            }
            // Past the acceleration lane, in the right lane of two before the drop: the road's one lane after it
            // carries straight on from the right lane, so the room ends on the left there and the right has none.
            final double[] main = network.lane("CX_0").orElseThrow().shape();
            final double[] after = network.lane("XD_0").orElseThrow().shape();
            assertEquals(0, after[1] - main[main.length - 1], 0.1, "the drop's remaining lane carries on the right one");
            traci.moveVehicleToXY(ego, "", -1, main[0] + 30, main[1], 90, 1);
            traci.simulationStep();
            scene.fill(encoder);
            if (traci.vehicleLaneId(ego).equals("CX_0"))
            {
                onMainRoad++;
                assertEquals(0.5 * LANE, frame.drivableRight(), 1e-4);
                assertEquals(1.5 * LANE, frame.drivableLeft(), 1e-4);
                assertEquals(dropX - frame.egoX(), frame.drivableLeftEndS(), 1.0);
                assertEquals(0f, frame.drivableRightEndS());
            }
        }
        assertTrue(onAccelLane >= 5, "the ego was checked on the acceleration lane " + onAccelLane + " times");
        assertEquals(1, onMainRoad, "the ego was checked past the acceleration lane");
    }
}
