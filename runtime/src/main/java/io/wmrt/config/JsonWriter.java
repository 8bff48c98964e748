package io.wmrt.config;

import java.util.Locale;

/**
 * Just enough JSON for the reports wmrt writes ({@code soak.json}, {@code wmrt board-check --json}): nested
 * objects and arrays of names, numbers, strings and booleans, two-space indented, numbers in plain decimal
 * (never an exponent), NaN and infinities written as null.
 * <p>
 * Not thread safe.
 */
public final class JsonWriter
{
    private final StringBuilder text = new StringBuilder(4096);
    private int depth;
    private boolean first = true;

    public JsonWriter beginObject(final String name)
    {
        return open(name, '{');
    }

    public JsonWriter endObject()
    {
        return close('}');
    }

    public JsonWriter beginArray(final String name)
    {
        return open(name, '[');
    }

    public JsonWriter endArray()
    {
        return close(']');
    }

    public JsonWriter field(final String name, final long value)
    {
        element(name).append(value);
        return this;
    }

    public JsonWriter field(final String name, final double value, final int decimals)
    {
        final StringBuilder out = element(name);
        if (Double.isFinite(value))
        {
            out.append(String.format(Locale.ROOT, "%." + decimals + "f", value));
        }
        else
        {
            out.append("null");
        }
        return this;
    }

    public JsonWriter field(final String name, final boolean value)
    {
        element(name).append(value);
        return this;
    }

    public JsonWriter field(final String name, final String value)
    {
        quote(element(name), value);
        return this;
    }

    /**
     * A string element of an array.
     */
    public JsonWriter value(final String value)
    {
        quote(element(null), value);
        return this;
    }

    public String text()
    {
        if (depth != 0)
        {
            throw new IllegalStateException("JSON not closed: depth " + depth);
        }
        return text.append('\n').toString();
    }

    private JsonWriter open(final String name, final char bracket)
    {
        element(name).append(bracket);
        depth++;
        first = true;
        return this;
    }

    private JsonWriter close(final char bracket)
    {
        depth--;
        if (!first)
        {
            newline();
        }
        text.append(bracket);
        first = false;
        return this;
    }

    private StringBuilder element(final String name)
    {
        if (depth > 0)
        {
            if (!first)
            {
                text.append(',');
            }
            newline();
        }
        first = false;
        if (null != name)
        {
            quote(text, name).append(": ");
        }
        return text;
    }

    private void newline()
    {
        text.append('\n');
        for (int i = 0; i < depth; i++)
        {
            text.append("  ");
        }
    }

    private static StringBuilder quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                out.append('\\').append(c);
            }
            else if (c == '\n')
            {
                out.append("\\n");
            }
            else if (c < 0x20)
            {
                out.append(String.format(Locale.ROOT, "\\u%04x", (int)c));
            }
            else
            {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
