package io.wmrt.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON reader, enough for JMH's result files: objects become {@code Map<String, Object>}
 * (in file order), arrays {@code List<Object>}, numbers {@code Double}, and strings, booleans and null as
 * themselves. No dependency, so the gate runs on a bare JVM.
 * <p>
 * Stateless entry point; each parse uses its own cursor, so it is safe from any thread.
 */
final class JmhJson
{
    private final String text;
    private int position;

    private JmhJson(final String text)
    {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException with the offset and what was expected when the text is not JSON.
     */
    static Object parse(final String text)
    {
        final JmhJson parser = new JmhJson(text);
        final Object value = parser.value();
        parser.skipWhitespace();
        if (parser.position != text.length())
        {
            throw parser.error("end of input");
        }
        return value;
    }

    private Object value()
    {
        skipWhitespace();
        if (position >= text.length())
        {
            throw error("a value");
        }
        final char c = text.charAt(position);
        switch (c)
        {
            case '{':
                return object();
            case '[':
                return array();
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return number();
                }
                throw error("a value");
        }
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> members = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}')
        {
            position++;
            return members;
        }
        while (true)
        {
            skipWhitespace();
            if (peek() != '"')
            {
                throw error("a member name");
            }
            final String name = string();
            skipWhitespace();
            expect(':');
            members.put(name, value());
            skipWhitespace();
            if (peek() == ',')
            {
                position++;
                continue;
            }
            expect('}');
            return members;
        }
    }

    private List<Object> array()
    {
        final List<Object> elements = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']')
        {
            position++;
            return elements;
        }
        while (true)
        {
            elements.add(value());
            skipWhitespace();
            if (peek() == ',')
            {
                position++;
                continue;
            }
            expect(']');
            return elements;
        }
    }

    private String string()
    {
        position++;
        final StringBuilder out = new StringBuilder();
        while (true)
        {
            if (position >= text.length())
            {
                throw error("a closing quote");
            }
            final char c = text.charAt(position++);
            if (c == '"')
            {
                return out.toString();
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (position >= text.length())
            {
                throw error("an escape");
            }
            final char escaped = text.charAt(position++);
            switch (escaped)
            {
                case '"':
                case '\\':
                case '/':
                    out.append(escaped);
                    break;
                case 'b':
                    out.append('\b');
                    break;
                case 'f':
                    out.append('\f');
                    break;
                case 'n':
                    out.append('\n');
                    break;
                case 'r':
                    out.append('\r');
                    break;
                case 't':
                    out.append('\t');
                    break;
                case 'u':
                    if (position + 4 > text.length())
                    {
                        throw error("four hex digits");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw error("four hex digits");
                    }
                    position += 4;
                    break;
                default:
                    throw error("a valid escape");
            }
        }
    }

    private Double number()
    {
        final int start = position;
        while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0)
        {
            position++;
        }
        try
        {
            return Double.valueOf(text.substring(start, position));
        }
        catch (final NumberFormatException ex)
        {
            position = start;
            throw error("a number");
        }
    }

    private Object literal(final String word, final Object value)
    {
        if (!text.startsWith(word, position))
        {
            throw error("'" + word + "'");
        }
        position += word.length();
        return value;
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "'");
        }
        position++;
    }

    private char peek()
    {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void skipWhitespace()
    {
        while (position < text.length() && Character.isWhitespace(text.charAt(position)))
        {
            position++;
        }
    }

    private IllegalArgumentException error(final String expected)
    {
        return new IllegalArgumentException("invalid JSON at offset " + position + ": expected " + expected);
    }
}
