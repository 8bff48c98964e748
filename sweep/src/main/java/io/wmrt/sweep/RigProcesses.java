package io.wmrt.sweep;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The rig processes this JVM started (one per running task), so that a timeout, a cancelled task or the JVM's
 * exit (Ctrl-C) kills each one's whole tree: the rig, its SUMO and its runtime. Descendants are killed before the
 * rig, while they are still its descendants (an orphan is re-parented and could no longer be found).
 * <p>
 * Safe from any thread.
 */
final class RigProcesses
{
    private static final long KILL_WAIT_MS = 10_000;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile boolean shuttingDown;

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            shuttingDown = true;
            for (final Process process : List.copyOf(RUNNING))
            {
                killTree(process);
            }
        }, "wmrt-sweep-rig-reaper"));
    }

    private RigProcesses()
    {
    }

    static void register(final Process process)
    {
        RUNNING.add(process);
        if (shuttingDown)
        {
            killTree(process);
        }
    }

    static void unregister(final Process process)
    {
        RUNNING.remove(process);
    }

    /** True once this JVM is exiting: nothing may be committed any more. */
    static boolean shuttingDown()
    {
        return shuttingDown;
    }

    /** Processes this JVM's rigs still have, for tests and the exit check. */
    static int running()
    {
        return RUNNING.size();
    }

    /**
     * Kills the process and everything it started, and waits for them to exit.
     */
    static void killTree(final Process process)
    {
        // Twice: a rig may have been starting a child while the first pass ran.
        for (int pass = 0; pass < 2; pass++)
        {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
        }
        final List<ProcessHandle> left = process.toHandle().descendants().toList();
        process.destroyForcibly();
        try
        {
            process.waitFor(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
            for (final ProcessHandle child : left)
            {
                child.destroyForcibly();
                child.onExit().get(KILL_WAIT_MS, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
        {
            // Reported by the caller's check for leftovers; nothing more to do here.
        }
        RUNNING.remove(process);
    }
}
