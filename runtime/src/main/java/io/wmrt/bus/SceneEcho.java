package io.wmrt.bus;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;

/**
 * The planner's echo of every SceneFrame it takes off the scene ring, as it took it, on the instance's scene
 * broadcast: the ring's frames are consumed by the planner, so recorders and viewers in other processes read
 * the scenes here. One copy of a frame per tick, at its end (after the plan it led to): a shadow planner fed from
 * here plans while the live one is idle. The planner never waits for a reader.
 * <p>
 * Not thread safe: the planner thread is the only transmitter.
 */
public final class SceneEcho
{
    private final BroadcastTransmitter transmitter;

    public SceneEcho(final BusDirectory bus)
    {
        transmitter = new BroadcastTransmitter(bus.sceneEchoBuffer());
    }

    /** Transmit the frame at {@code offset} (header first, {@link SceneWriter#FRAME_LENGTH} bytes). */
    public void echo(final DirectBuffer frame, final int offset)
    {
        transmitter.transmit(BusLayout.SCENE_MSG_TYPE, frame, offset, SceneWriter.FRAME_LENGTH);
    }
}
