package io.wmrt.backend;

/**
 * A backend that could not prepare or run a graph. Carries the backend id and graph role.
 * <p>
 * Failures that can repeat every tick are made once, with {@link #preallocated}, and thrown again as often
 * as they happen: no stack trace, nothing allocated per failure.
 */
public final class BackendException extends Exception
{
    private static final long serialVersionUID = 1L;

    public BackendException(final String backendId, final String role, final String message, final Throwable cause)
    {
        super(backendId + " [" + role + "]: " + message, cause);
    }

    private BackendException(final String message)
    {
        super(message, null, false, false);
    }

    /**
     * A failure to be thrown as often as it happens from a path that must not allocate.
     */
    public static BackendException preallocated(final String backendId, final String role, final String message)
    {
        return new BackendException(backendId + " [" + role + "]: " + message);
    }
}
