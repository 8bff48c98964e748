package io.wmrt.bus;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An instance directory (or one of its files) that wmrt will not use: another user's, a symbolic link, open to
 * other users, or in use by a running instance. The message names the path, what is wrong and what to do.
 * <p>
 * Immutable: safe from any thread.
 */
public final class InstanceRefusedException extends IOException
{
    private static final long serialVersionUID = 1L;

    private final Path path;

    public InstanceRefusedException(final Path path, final String reason)
    {
        super(path + ": " + reason);
        this.path = path;
    }

    /**
     * @return the directory or file refused.
     */
    public Path path()
    {
        return path;
    }
}
