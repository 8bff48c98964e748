package io.wmrt.telemetry;

/**
 * A fault as a value: made once at start with its whole text and no stack trace, then recorded as often as
 * it happens. Agrona's distinct error log finds a repeat of the same instance by identity, so recording one
 * again only bumps its count and last-seen time: a stream of the same fault costs no allocation.
 * <p>
 * Immutable; safe from any thread.
 */
public final class FaultRecord extends Exception
{
    private static final long serialVersionUID = 1L;

    public FaultRecord(final String message)
    {
        super(message, null, false, false);
    }
}
