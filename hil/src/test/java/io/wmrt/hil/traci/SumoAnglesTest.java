package io.wmrt.hil.traci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SumoAnglesTest
{
    private static final double EPSILON = 1e-12;

    @Test
    void compassPointsMapToRuntimeHeadings()
    {
        assertEquals(Math.PI / 2, SumoAngles.sumoDegreesToHeadingRadians(0.0), EPSILON); // north
        assertEquals(0.0, SumoAngles.sumoDegreesToHeadingRadians(90.0), EPSILON); // east
        assertEquals(-Math.PI / 2, SumoAngles.sumoDegreesToHeadingRadians(180.0), EPSILON); // south
        assertEquals(Math.PI, SumoAngles.sumoDegreesToHeadingRadians(270.0), EPSILON); // west
        assertEquals(Math.PI / 4, SumoAngles.sumoDegreesToHeadingRadians(45.0), EPSILON); // north-east
        assertEquals(Math.PI / 2, SumoAngles.sumoDegreesToHeadingRadians(360.0), EPSILON);
    }

    @Test
    void headingBackToSumoDegreesIsTheInverse()
    {
        for (double degrees = 0.0; degrees < 360.0; degrees += 7.5)
        {
            double heading = SumoAngles.sumoDegreesToHeadingRadians(degrees);
            assertEquals(degrees, SumoAngles.headingRadiansToSumoDegrees(heading), 1e-9);
        }
        assertEquals(180.0, SumoAngles.headingRadiansToSumoDegrees(-Math.PI / 2), 1e-9);
    }
}
