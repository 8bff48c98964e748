package io.wmrt.hil.traci;

/**
 * Converts between SUMO's angles (degrees, clockwise from north, the +y axis) and the runtime's
 * headings (radians, counter-clockwise from the +x axis). Stateless: safe from any thread.
 */
public final class SumoAngles
{
    private SumoAngles()
    {
    }

    /**
     * Runtime heading of a SUMO angle: {@code (90 - angleDegrees)} in radians, normalised to
     * (-pi, pi]. SUMO angle 0 (north) is pi/2, 90 (east) is 0, 180 (south) is -pi/2.
     */
    public static double sumoDegreesToHeadingRadians(double sumoAngleDegrees)
    {
        return normalizeRadians(Math.toRadians(90.0 - sumoAngleDegrees));
    }

    /** SUMO angle of a runtime heading, normalised to [0, 360) degrees; inverse of the above. */
    public static double headingRadiansToSumoDegrees(double headingRadians)
    {
        double degrees = 90.0 - Math.toDegrees(headingRadians);
        degrees = degrees % 360.0;
        return degrees < 0.0 ? degrees + 360.0 : degrees;
    }

    /** {@code radians} wrapped into (-pi, pi]. */
    public static double normalizeRadians(double radians)
    {
        double wrapped = Math.IEEEremainder(radians, 2.0 * Math.PI);
        return wrapped <= -Math.PI ? wrapped + 2.0 * Math.PI : wrapped;
    }
}
