package io.wmrt.hil.sumo;

import org.junit.jupiter.api.Assumptions;

/**
 * For tests that start SUMO: on CI (CI=true) a missing SUMO fails the test; elsewhere it skips it.
 */
public final class Sumo
{
    private Sumo()
    {
    }

    /** Aborts the calling test when SUMO is not installed, unless on CI, where the missing binary fails it. */
    public static void require()
    {
        try
        {
            SumoProcess.resolveBinary(System.getenv());
        }
        catch (final SumoException missing)
        {
            if ("true".equals(System.getenv("CI")))
            {
                throw missing;
            }
            Assumptions.abort("SUMO is not installed (apt-get install sumo)");
        }
    }
}
