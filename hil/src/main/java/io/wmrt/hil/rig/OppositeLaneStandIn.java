package io.wmrt.hil.rig;

import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the oncoming drivers see of an ego that reaches into their lane. The rig moves the ego along its own
 * route's edges, so to SUMO it never leaves its own lane, and a car coming the other way drives on into an ego
 * standing half across the centre line as if it were not there: no driver does that. While any corner of the
 * ego's footprint is inside a lane of the opposite edge, a standing vehicle of the ego's type and size is kept
 * on that lane at the ego's pose, facing that lane's way: the oncoming drivers follow it as they would a car
 * stopped ahead (they brake for it, queue behind it, or squeeze past it in the sublane model when there is
 * room). Once the ego is back in its own lane (or in a junction) the stand-in is taken out. It is never a road
 * user of the scene, the metrics or a recording ({@link GroundTruthScene#isEgoOrStandIn}).
 * <p>
 * The stand-in is reported standing: to a driver it comes at, an ego driving the wrong way looks like a car
 * stopped closer each step, and the driver brakes harder than for a car that moves away.
 * <p>
 * Not thread safe: owned by the rig's drive loop.
 */
final class OppositeLaneStandIn
{
    private final TraciConnection traci;
    private final RoadNetwork network;
    private final String id;
    private final String typeId;
    private final Set<String> routesAdded = new HashSet<>();
    private final double[] corners = new double[8];
    private String onEdge;
    private long placedSteps;

    OppositeLaneStandIn(final TraciConnection traci, final RoadNetwork network, final String egoId,
        final String egoTypeId)
    {
        this.traci = traci;
        this.network = network;
        this.id = GroundTruthScene.standInId(egoId);
        this.typeId = egoTypeId;
    }

    /**
     * Place, move or take out the stand-in for the ego's pose this step: centre, heading (radians), footprint
     * length and width, and the id of the road SUMO has the ego on.
     */
    void update(final double centreX, final double centreY, final double heading, final double length,
        final double width, final String egoRoad)
    {
        final RoadNetwork.Lane lane = egoRoad.startsWith(":") ? null :
            intrudedLane(network, egoRoad, centreX, centreY, heading, length, width, corners);
        if (null == lane)
        {
            takeOut();
            return;
        }
        if (!lane.edgeId().equals(onEdge))
        {
            takeOut();
            final String route = id + ":" + lane.edgeId();
            if (routesAdded.add(route))
            {
                traci.addRoute(route, List.of(lane.edgeId()));
            }
            traci.addVehicle(id, route, typeId, Integer.toString(lane.index()), "0");
            traci.setVehicleSpeedMode(id, 0);
            traci.setVehicleLaneChangeMode(id, 0);
            onEdge = lane.edgeId();
        }
        final Position2D front = EgoPlacement.sumoFront(centreX, centreY, heading + Math.PI, length, lane.shape());
        final double laneHeading = Math.atan2(front.y() - centreY, front.x() - centreX);
        traci.moveVehicleToXY(id, lane.edgeId(), lane.index(), front.x(), front.y(),
            SumoAngles.headingRadiansToSumoDegrees(laneHeading), 1);
        traci.setVehicleSpeed(id, 0);
        placedSteps++;
    }

    private void takeOut()
    {
        if (null != onEdge)
        {
            traci.removeVehicle(id);
            onEdge = null;
        }
    }

    /** Steps the stand-in stood in an opposite lane so far. */
    long placedSteps()
    {
        return placedSteps;
    }

    /**
     * The lane of the edge opposite {@code egoRoad} that a corner of the footprint is inside (nearest the centre
     * when several), or null: none, or the road has no opposite edge. {@code corners} is scratch of 8.
     */
    static RoadNetwork.Lane intrudedLane(final RoadNetwork network, final String egoRoad, final double centreX,
        final double centreY, final double heading, final double length, final double width, final double[] corners)
    {
        final RoadNetwork.Edge opposite = network.oppositeOf(egoRoad).orElse(null);
        if (null == opposite)
        {
            return null;
        }
        final double ux = Math.cos(heading);
        final double uy = Math.sin(heading);
        for (int i = 0; i < 4; i++)
        {
            final double along = (i < 2 ? 0.5 : -0.5) * length;
            final double across = (i % 2 == 0 ? 0.5 : -0.5) * width;
            corners[2 * i] = centreX + ux * along - uy * across;
            corners[2 * i + 1] = centreY + uy * along + ux * across;
        }
        RoadNetwork.Lane intruded = null;
        double nearest = Double.POSITIVE_INFINITY;
        for (final RoadNetwork.Lane lane : opposite.lanes())
        {
            if (!lane.passenger())
            {
                continue;
            }
            boolean inside = false;
            for (int i = 0; i < 4 && !inside; i++)
            {
                inside = RoadNetwork.distanceToPolyline(lane.shape(), corners[2 * i], corners[2 * i + 1]) <
                    0.5 * lane.widthM();
            }
            final double d = RoadNetwork.distanceToPolyline(lane.shape(), centreX, centreY);
            if (inside && d < nearest)
            {
                nearest = d;
                intruded = lane;
            }
        }
        return intruded;
    }
}
