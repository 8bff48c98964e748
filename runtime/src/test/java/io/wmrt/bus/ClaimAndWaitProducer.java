package io.wmrt.bus;

import io.wmrt.sbe.SceneFrameEncoder;

import java.nio.file.Path;

/**
 * A producer that dies mid-write: it claims a scene record on a running instance's ring, half-fills it, says
 * so on standard output and waits to be killed, never committing. Run as a second JVM by
 * {@link KilledProducerProcessTest}.
 */
public final class ClaimAndWaitProducer
{
    public static final String CLAIMED = "claimed a scene record";

    private ClaimAndWaitProducer()
    {
    }

    /**
     * @param args the instance directory.
     */
    public static void main(final String[] args) throws Exception
    {
        final BusDirectory bus = BusDirectory.await(Path.of(args[0]), 60_000);
        final SceneFrameEncoder frame = new SceneWriter(bus).claim();
        frame.sequence(Long.MAX_VALUE).egoSpeed(8f);
        System.out.println(CLAIMED);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
