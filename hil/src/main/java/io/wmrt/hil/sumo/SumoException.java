package io.wmrt.hil.sumo;

/**
 * SUMO could not be found, started or reached over TraCI. The message names the file, binary or port
 * involved and, when SUMO printed something, ends with the tail of its output. Immutable: safe to
 * pass between threads.
 */
public final class SumoException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    SumoException(String message)
    {
        super(message);
    }

    SumoException(String message, Throwable cause)
    {
        super(message, cause);
    }
}
