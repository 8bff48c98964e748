package io.wmrt.backend;

/**
 * Whether a backend can run on this machine, and if not, why (shown to the user once, at start).
 *
 * @param available true when graphs can be prepared.
 * @param reason    why not, or a short description of what was found.
 */
public record Availability(boolean available, String reason)
{
    public static Availability yes(final String what)
    {
        return new Availability(true, what);
    }

    public static Availability no(final String why)
    {
        return new Availability(false, why);
    }
}
