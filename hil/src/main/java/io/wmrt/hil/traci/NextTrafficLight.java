package io.wmrt.hil.traci;

/**
 * One entry of a vehicle's upcoming traffic lights as TraCI reports them: the light's id, the index
 * of the controlled link the vehicle will use, the distance from the vehicle's front bumper to the
 * stop line in metres, and the link's state character ('r', 'y', 'g', 'G', 's', 'u', 'o', 'O').
 * Immutable: safe to share between threads.
 */
public record NextTrafficLight(String trafficLightId, int linkIndex, double distanceMetres, char state)
{
}
