package io.wmrt.hil.sumo;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link SumoProcessTest}: starts SUMO, prints its pid and port, and leaves
 * without closing it, so that only the shutdown hook (mode "exit") or SUMO's own reaction to the lost
 * connection (mode "hang", killed from outside) can end it.
 */
public final class AbandonedSumoMain
{
    private AbandonedSumoMain()
    {
    }

    public static void main(String[] arguments) throws Exception
    {
        SumoProcess sumo = SumoProcess.withNetAndRoutes(Path.of(arguments[0]), Path.of(arguments[1])).start();
        sumo.connection().simulationStep();
        System.out.println(sumo.processHandle().pid() + " " + sumo.port());
        System.out.flush();
        if ("hang".equals(arguments[2]))
        {
            Thread.sleep(60_000);
        }
        System.exit(0);
    }
}
