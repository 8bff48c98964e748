package io.wmrt.demo;

import io.wmrt.bus.SceneCodes;

/**
 * A road user of a built-in scene whose motion is a closed-form function of time, so a demo run is exactly
 * reproducible: drives at constant speed, stands, walks across after a start time, or waits (in a queue)
 * and then pulls away.
 * <p>
 * Immutable; safe from any thread.
 *
 * @param id      agent id published in the scene.
 * @param kind    {@link SceneCodes} kind.
 * @param x0      start position, metres.
 * @param y0      start position, metres.
 * @param heading direction of travel, radians.
 * @param speed   cruising speed, m/s.
 * @param startS  time at which it starts to move, seconds (0: moving from the start).
 * @param accel   acceleration from standstill after startS, m/s^2 (0: reaches cruising speed at once).
 * @param travel  distance after which it stops again, metres (infinite: never).
 * @param length  footprint length, metres.
 * @param width   footprint width, metres.
 */
public record ScriptedAgent(
    int id, byte kind, double x0, double y0, double heading, double speed, double startS, double accel,
    double travel, double length, double width)
{
    public static ScriptedAgent car(final int id, final double x, final double y, final double heading,
        final double speed)
    {
        return new ScriptedAgent(id, SceneCodes.VEHICLE, x, y, heading, speed, 0, 0, Double.POSITIVE_INFINITY,
            4.5, 1.9);
    }

    public static ScriptedAgent parkedCar(final int id, final double x, final double y)
    {
        return new ScriptedAgent(id, SceneCodes.VEHICLE, x, y, 0, 0, 0, 0, 0, 4.5, 1.9);
    }

    public static ScriptedAgent queuedCar(final int id, final double x, final double y, final double goAtS)
    {
        return new ScriptedAgent(id, SceneCodes.VEHICLE, x, y, 0, 10, goAtS, 1.5, Double.POSITIVE_INFINITY,
            4.5, 1.9);
    }

    public static ScriptedAgent pedestrian(final int id, final double x, final double y, final double heading,
        final double speed, final double startS, final double travel)
    {
        return new ScriptedAgent(id, SceneCodes.PEDESTRIAN, x, y, heading, speed, startS, 0, travel, 0.6, 0.6);
    }

    /**
     * @return distance travelled by time t.
     */
    public double distanceAt(final double t)
    {
        final double moving = t - startS;
        if (moving <= 0 || speed == 0)
        {
            return 0;
        }
        final double d;
        if (accel <= 0)
        {
            d = speed * moving;
        }
        else
        {
            final double rampTime = speed / accel;
            d = moving < rampTime ? 0.5 * accel * moving * moving :
                0.5 * accel * rampTime * rampTime + speed * (moving - rampTime);
        }
        return Math.min(d, travel);
    }

    public double speedAt(final double t)
    {
        final double moving = t - startS;
        if (moving <= 0 || speed == 0 || distanceAt(t) >= travel)
        {
            return 0;
        }
        return accel <= 0 ? speed : Math.min(speed, accel * moving);
    }

    public double xAt(final double t)
    {
        return x0 + Math.cos(heading) * distanceAt(t);
    }

    public double yAt(final double t)
    {
        return y0 + Math.sin(heading) * distanceAt(t);
    }
}
