package io.wmrt.hil.traci;

/**
 * A point in SUMO's network coordinates, in metres (x east, y north). Immutable: safe to share
 * between threads.
 */
public record Position2D(double x, double y)
{
    /** Euclidean distance to {@code other}, in metres. */
    public double distanceTo(Position2D other)
    {
        return Math.hypot(x - other.x, y - other.y);
    }
}
