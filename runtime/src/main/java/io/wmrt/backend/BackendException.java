package io.wmrt.backend;

/**
 * A backend that could not prepare or run a graph. Carries the backend id and graph role.
 */
public final class BackendException extends Exception
{
    private static final long serialVersionUID = 1L;

    public BackendException(final String backendId, final String role, final String message, final Throwable cause)
    {
        super(backendId + " [" + role + "]: " + message, cause);
    }
}
