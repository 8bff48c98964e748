package io.wmrt.bench;

/**
 * A trajectory as a plain mutable struct of float arrays (about 700 bytes), for queues that move object
 * references: preallocated once and recycled, never allocated per message.
 * <p>
 * Not thread safe: owned by whichever side of a queue currently holds it; the queue's own hand-over
 * publishes its contents.
 */
public final class WaypointMessage
{
    public long sequence;
    public int waypointCount;
    public final float[] x = new float[WaypointFixture.CAPACITY];
    public final float[] y = new float[WaypointFixture.CAPACITY];
    public final float[] heading = new float[WaypointFixture.CAPACITY];
    public final float[] speed = new float[WaypointFixture.CAPACITY];
    public final float[] t = new float[WaypointFixture.CAPACITY];
}
