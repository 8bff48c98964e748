package io.wmrt.runtime;

/**
 * The planner thread did not finish within the stop timeout: it is stuck in a call that does not return (a
 * wedged backend, a driver that never answers). Its stack trace is the planner thread's at the moment the
 * timeout passed, so the error log shows where it hung.
 * <p>
 * Immutable once thrown: safe from any thread.
 */
public final class PlannerStuckException extends Exception
{
    private static final long serialVersionUID = 1L;

    PlannerStuckException(final long timeoutMs, final Thread planner)
    {
        super("the planner thread did not finish within " + timeoutMs + " ms of the stop request: stuck in a " +
            "backend call or in its tick (its stack is this error's); its backends were not released");
        if (null != planner)
        {
            setStackTrace(planner.getStackTrace());
        }
    }
}
