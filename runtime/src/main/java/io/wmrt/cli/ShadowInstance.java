package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shadow planner's instance beside a live one, for {@code wmrt record} and {@code wmrt view}. */
final class ShadowInstance
{
    private ShadowInstance()
    {
    }

    /** The directory {@code wmrt run --shadow} uses when not told otherwise: the live one's, '-shadow' appended. */
    static Path defaultDir(final Path instance)
    {
        return instance.resolveSibling(instance.getFileName() + "-shadow");
    }

    /**
     * Open the shadow named by {@code explicit}, or, without one, the default shadow directory if a runtime has
     * made it ready; null when there is none.
     *
     * @throws IOException when {@code explicit} names no ready instance.
     */
    static BusDirectory open(final Path instance, final Path explicit, final long waitMs)
        throws IOException, InterruptedException
    {
        if (null != explicit)
        {
            return BusDirectory.await(explicit, waitMs);
        }
        final Path beside = defaultDir(instance);
        if (!Files.isRegularFile(beside.resolve(BusLayout.COUNTERS_FILE)))
        {
            return null;
        }
        try
        {
            final BusDirectory shadow = BusDirectory.open(beside);
            if (!shadow.runtimeAlive())
            {
                shadow.close();
                return null;
            }
            return shadow;
        }
        catch (final IOException notReady)
        {
            return null;
        }
    }
}
