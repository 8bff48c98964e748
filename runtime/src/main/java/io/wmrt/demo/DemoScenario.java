package io.wmrt.demo;

import java.util.List;

/**
 * A built-in scripted scene for {@code wmrt demo}: a straight two-way road along +x with right-hand
 * traffic (the ego lane's centre line is y = 0, the oncoming lane's is y = +lane width), scripted road users,
 * and optionally a traffic light with a fixed red phase.
 * <p>
 * Immutable; safe from any thread.
 *
 * @param name          scene name as printed and written to the summary.
 * @param description   one line saying what the ego must do.
 * @param durationS     simulated seconds.
 * @param egoSpeed      ego's initial speed, m/s.
 * @param speedLimit    m/s.
 * @param laneWidth     metres.
 * @param agents        scripted road users.
 * @param stopLineX     x of the stop line, or NaN when the scene has no light.
 * @param redUntilS     the light is red from the start until this time, then green.
 * @param minProgressM  progress the ego must make for the scene to count as driven.
 */
public record DemoScenario(
    String name,
    String description,
    double durationS,
    double egoSpeed,
    double speedLimit,
    double laneWidth,
    List<ScriptedAgent> agents,
    double stopLineX,
    double redUntilS,
    double minProgressM)
{
    public static final double EGO_LENGTH = 4.6;
    public static final double EGO_WIDTH = 1.9;
    public static final double ROUTE_START_X = -10;
    public static final double ROUTE_END_X = 600;

    public boolean hasLight()
    {
        return !Double.isNaN(stopLineX);
    }

    public boolean redAt(final double t)
    {
        return hasLight() && t < redUntilS;
    }

    /**
     * Left edge of the drivable area: the far side of the oncoming lane.
     */
    public double drivableLeft()
    {
        return 1.5 * laneWidth;
    }

    /**
     * Right edge of the drivable area: the ego lane's edge plus a narrow shoulder.
     */
    public double drivableRight()
    {
        return 0.5 * laneWidth + 0.5;
    }

    /**
     * The scenes the product brief names that a closed loop in one process can show.
     */
    public static List<DemoScenario> builtIn()
    {
        final double lane = 3.5;
        return List.of(
            new DemoScenario(
                "double-parked-car",
                "a car double-parked in the ego lane, oncoming traffic: wait for the gap, pass, return",
                25, 8, 10, lane,
                List.of(
                    ScriptedAgent.parkedCar(1, 45, 0),
                    ScriptedAgent.car(2, 95, lane, Math.PI, 8),
                    ScriptedAgent.car(3, 260, lane, Math.PI, 8)),
                Double.NaN, 0, 90),
            new DemoScenario(
                "pedestrian-crossing",
                "a pedestrian crosses ahead and another waits at the kerb: yield, creep, no hard stop",
                22, 8, 10, lane,
                List.of(
                    ScriptedAgent.pedestrian(11, 40, -4.0, Math.PI / 2, 1.3, 1.0, 12.0),
                    ScriptedAgent.pedestrian(12, 75, -2.9, Math.PI / 2, 0.0, 0.0, 0.0)),
                Double.NaN, 0, 70),
            new DemoScenario(
                "red-light-queue",
                "two cars queue at a red light with the oncoming lane free: queue behind them, never overtake",
                26, 8, 10, lane,
                List.of(
                    ScriptedAgent.queuedCar(21, 75.5, 0, 13.0),
                    ScriptedAgent.queuedCar(22, 68.0, 0, 14.0)),
                78, 12, 50));
    }
}
