package io.wmrt.hil.traci;

/**
 * A TraCI request that SUMO refused, answered in an unexpected form, or that could not be carried
 * over the socket. The message names the command (for example {@code vehicle.getPosition("ego")})
 * and, where SUMO sent one, SUMO's own description. Immutable: safe to pass between threads.
 */
public final class TraciException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String command;
    private final String sumoDescription;

    TraciException(String command, String message, String sumoDescription, Throwable cause)
    {
        super(command + ": " + message, cause);
        this.command = command;
        this.sumoDescription = sumoDescription;
    }

    static TraciException refusedBySumo(String command, String resultName, String sumoDescription)
    {
        return new TraciException(command, "SUMO answered " + resultName + ": " + sumoDescription,
                sumoDescription, null);
    }

    static TraciException protocol(String command, String problem)
    {
        return new TraciException(command, problem, "", null);
    }

    static TraciException io(String command, java.io.IOException cause)
    {
        return new TraciException(command, "connection to SUMO failed: " + cause, "", cause);
    }

    /** The command that failed, written as a call, for example {@code vehicle.getSpeed("v0")}. */
    public String command()
    {
        return command;
    }

    /** SUMO's description of the failure, or "" when the failure was not reported by SUMO. */
    public String sumoDescription()
    {
        return sumoDescription;
    }
}
