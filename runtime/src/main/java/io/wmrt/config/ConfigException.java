package io.wmrt.config;

import java.nio.file.Path;

/**
 * A configuration file (hardware profile, model manifest) that wmrt refuses, with the file, the
 * key and what is wrong, so the user can fix it without reading code.
 */
public final class ConfigException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final Path file;
    private final String key;

    public ConfigException(final Path file, final String key, final String reason)
    {
        super(format(file, key, reason));
        this.file = file;
        this.key = key;
    }

    public ConfigException(final Path file, final String key, final String reason, final Throwable cause)
    {
        super(format(file, key, reason), cause);
        this.file = file;
        this.key = key;
    }

    public Path file()
    {
        return file;
    }

    /**
     * @return dotted path of the offending key, or null when the whole file is at fault.
     */
    public String key()
    {
        return key;
    }

    private static String format(final Path file, final String key, final String reason)
    {
        return file + (null == key ? "" : ": key '" + key + "'") + ": " + reason;
    }
}
