package io.wmrt.hil.metrics;

import io.wmrt.hil.net.RoadNetwork;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Constructed roads and drives for the ruler's tests: a straight two-way street along +x from 0 to 300 m, the
 * ego's lane {@code WE_0} centred at y = -1.6, the oncoming lane {@code EW_0} at y = +1.6, both 3.2 m wide, and a
 * junction square from x = 200 to 210.
 */
final class ConstructedDrives
{
    static final double DT = 0.1;
    static final double LENGTH = 4.6;
    static final double WIDTH = 1.8;
    static final double OWN_Y = -1.6;
    static final double ONCOMING_Y = 1.6;

    private ConstructedDrives()
    {
    }

    static RoadGeometry street()
    {
        final List<RoadNetwork.Lane> lanes = List.of(
            new RoadNetwork.Lane("WE_0", "WE", 0, 3.2, 300.0, new double[] {0.0, OWN_Y, 300.0, OWN_Y}, true, false,
                false),
            new RoadNetwork.Lane("EW_0", "EW", 0, 3.2, 300.0, new double[] {300.0, ONCOMING_Y, 0.0, ONCOMING_Y}, true,
                false, false));
        return new RoadGeometry(lanes, List.of(new double[] {200.0, -3.2, 210.0, -3.2, 210.0, 3.2, 200.0, 3.2}));
    }

    static DriveLog log(final double initialSpeed)
    {
        return new DriveLog(DT, LENGTH, WIDTH, initialSpeed, Set.of("WE"));
    }

    /** A drive at constant speed along y, from x0, for n samples, with the agents given per sample. */
    static DriveLog straight(final double x0, final double y, final double speed, final int n,
        final java.util.function.IntFunction<List<DriveLog.Agent>> agents)
    {
        final DriveLog log = log(speed);
        for (int i = 0; i < n; i++)
        {
            log.add(new DriveLog.Sample(i * DT, x0 + speed * i * DT, y, 0.0, speed, 0.0, agents.apply(i), false));
        }
        return log;
    }

    static DriveLog.Agent car(final String key, final double x, final double y, final double heading,
        final double speed)
    {
        return new DriveLog.Agent(key, DriveLog.AgentKind.VEHICLE, x, y, heading, speed, 4.6, 1.8);
    }

    static List<DriveLog.Agent> none()
    {
        return new ArrayList<>();
    }
}
