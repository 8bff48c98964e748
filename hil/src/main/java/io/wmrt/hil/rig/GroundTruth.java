package io.wmrt.hil.rig;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.metrics.DriveLog;
import io.wmrt.hil.metrics.DrivingMetrics;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.traci.NextTrafficLight;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.SumoAngles;
import io.wmrt.hil.traci.TraciConnection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the rig reads from SUMO about the ego and everyone around it, the same way for a drive by the runtime
 * under test and for the reference driver's: the road users near the ego, the ego's next signal, red-light
 * crossings, the route and where it ends.
 *
 * <p>Stateless: every method reads through the connection it is given.
 */
final class GroundTruth
{
    private static final double ROUTE_END_MARGIN_M = 3.0;

    private GroundTruth()
    {
    }

    /** Steps SUMO until the ego is in the simulation. */
    static void awaitDeparture(final TraciConnection traci, final Scenario scenario) throws IOException
    {
        final double limit = traci.getTime() + HilRig.MAX_DEPART_WAIT_S;
        while (!traci.vehicleIds().contains(scenario.egoId()))
        {
            if (traci.getTime() > limit)
            {
                throw new IOException(scenario.directory().resolve(Scenario.FILE_NAME) + ": ego '" +
                    scenario.egoId() + "' did not depart within " + HilRig.MAX_DEPART_WAIT_S +
                    " s of simulated time; is it in the routes?");
            }
            traci.simulationStep();
        }
    }

    /** The other road users within {@link HilRig#SCENE_RANGE_M} of the ego's centre. */
    static List<DrivingMetrics.RoadUser> roadUsers(final TraciConnection traci, final String ego,
        final Position2D centre)
    {
        final List<DrivingMetrics.RoadUser> others = new ArrayList<>();
        for (final String id : traci.vehicleIds())
        {
            if (GroundTruthScene.isEgoOrStandIn(id, ego))
            {
                continue;
            }
            final Position2D front = traci.vehiclePosition(id);
            if (front.distanceTo(centre) > HilRig.SCENE_RANGE_M)
            {
                continue;
            }
            final double h = traci.vehicleHeadingRadians(id);
            final double length = traci.vehicleLength(id);
            final Position2D c = GroundTruthScene.centreOf(front, h, length);
            others.add(new DrivingMetrics.RoadUser("vehicle:" + id, SceneCodes.VEHICLE, c.x(), c.y(), h,
                traci.vehicleSpeed(id), length, traci.vehicleWidth(id)));
        }
        for (final String id : traci.personIds())
        {
            final Position2D p = traci.personPosition(id);
            if (p.distanceTo(centre) > HilRig.SCENE_RANGE_M)
            {
                continue;
            }
            others.add(new DrivingMetrics.RoadUser("person:" + id, SceneCodes.PEDESTRIAN, p.x(), p.y(),
                SumoAngles.sumoDegreesToHeadingRadians(traci.personAngle(id)), traci.personSpeed(id),
                traci.personLength(id), traci.personWidth(id)));
        }
        return others;
    }

    /** The same road users as the ruler's log holds them. */
    static List<DriveLog.Agent> agents(final List<DrivingMetrics.RoadUser> others)
    {
        final List<DriveLog.Agent> agents = new ArrayList<>(others.size());
        for (final DrivingMetrics.RoadUser o : others)
        {
            final DriveLog.AgentKind kind = switch (o.kind())
            {
                case SceneCodes.PEDESTRIAN -> DriveLog.AgentKind.PEDESTRIAN;
                case SceneCodes.CYCLIST -> DriveLog.AgentKind.BICYCLE;
                default -> DriveLog.AgentKind.VEHICLE;
            };
            agents.add(new DriveLog.Agent(o.key(), kind, o.x(), o.y(), o.heading(), o.speed(), o.length(),
                o.width()));
        }
        return agents;
    }

    /** The ego's next signal still ahead of its front bumper, or null. */
    static NextTrafficLight nextLight(final TraciConnection traci, final String ego)
    {
        for (final NextTrafficLight light : traci.vehicleNextTrafficLights(ego))
        {
            if (light.distanceMetres() >= 0.0)
            {
                return light;
            }
        }
        return null;
    }

    /**
     * Whether the ego crossed the stop line of {@code before} (its next signal before the step) while it was
     * red: the signal was red and within reach, and after the step it is no longer the ego's next one.
     */
    static boolean crossedRed(final TraciConnection traci, final String ego, final NextTrafficLight before,
        final double speed, final double stepS)
    {
        if (null == before || !isRed(before.state()) || before.distanceMetres() >= speed * stepS + 5.0)
        {
            return false;
        }
        final NextTrafficLight after = nextLight(traci, ego);
        final boolean sameAhead = null != after && after.trafficLightId().equals(before.trafficLightId()) &&
            after.linkIndex() == before.linkIndex();
        return !sameAhead;
    }

    private static boolean isRed(final char state)
    {
        return state == 'r' || state == 'R';
    }

    /** The normal edges of the ego's route. */
    static Set<String> routeEdges(final TraciConnection traci, final String ego)
    {
        return new LinkedHashSet<>(traci.vehicleRoute(ego));
    }

    /** Metres of route ahead of the ego's front. */
    static double remainingRoute(final TraciConnection traci, final String ego, final RoadNetwork network)
    {
        final List<String> route = traci.vehicleRoute(ego);
        double remaining = -traci.vehicleLanePosition(ego);
        for (int i = traci.vehicleRouteIndex(ego); i < route.size(); i++)
        {
            remaining += network.edge(route.get(i)).map(e -> e.lanes().get(0).lengthM()).orElse(0.0);
        }
        return Math.max(0.0, remaining);
    }

    /** Whether the ego is within a few metres of its route's end. */
    static boolean routeDone(final TraciConnection traci, final String ego, final RoadNetwork network)
    {
        final List<String> route = traci.vehicleRoute(ego);
        if (traci.vehicleRouteIndex(ego) < route.size() - 1)
        {
            return false;
        }
        final String lane = traci.vehicleLaneId(ego);
        final double length = network.lane(lane).map(RoadNetwork.Lane::lengthM).orElse(Double.POSITIVE_INFINITY);
        return traci.vehicleLanePosition(ego) >= length - ROUTE_END_MARGIN_M;
    }
}
