package io.wmrt.hil.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict JSON (RFC 8259) reader for the tests, so they check {@code summary.json} the way any consumer
 * would read it without depending on a parser or a python3 on the machine. Rejects what lenient readers
 * accept: NaN, Infinity, leading zeros, trailing commas, raw control characters in strings, unknown escapes,
 * single quotes, duplicate member names and text after the value.
 *
 * <p>Objects become {@code LinkedHashMap<String, Object>} (in file order, a JSON null as a null value),
 * arrays {@code List<Object>}, numbers {@code BigDecimal}, and strings and booleans as themselves.
 *
 * <p>Not thread safe: each parse uses its own instance.
 */
final class StrictJson
{
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final String text;
    private int position;

    private StrictJson(final String text)
    {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the offset and what was expected when the text is not JSON.
     */
    static Object parse(final String text)
    {
        final StrictJson parser = new StrictJson(text);
        final Object value = parser.value();
        parser.whitespace();
        if (parser.position != text.length())
        {
            throw parser.error("end of input");
        }
        return value;
    }

    private Object value()
    {
        whitespace();
        if (position >= text.length())
        {
            throw error("a value");
        }
        final char c = text.charAt(position);
        if (c == '{')
        {
            return object();
        }
        if (c == '[')
        {
            return array();
        }
        if (c == '"')
        {
            return string();
        }
        if (text.startsWith("true", position))
        {
            position += 4;
            return Boolean.TRUE;
        }
        if (text.startsWith("false", position))
        {
            position += 5;
            return Boolean.FALSE;
        }
        if (text.startsWith("null", position))
        {
            position += 4;
            return null;
        }
        final Matcher number = NUMBER.matcher(text).region(position, text.length());
        if (number.lookingAt())
        {
            position = number.end();
            return new BigDecimal(number.group());
        }
        throw error("a value");
    }

    private Map<String, Object> object()
    {
        final Map<String, Object> members = new LinkedHashMap<>();
        position++;
        whitespace();
        if (peek() == '}')
        {
            position++;
            return members;
        }
        while (true)
        {
            whitespace();
            if (peek() != '"')
            {
                throw error("a member name");
            }
            final int at = position;
            final String name = string();
            if (members.containsKey(name))
            {
                position = at;
                throw error("a member name not used before in the object, not \"" + name + "\"");
            }
            whitespace();
            expect(':');
            members.put(name, value());
            whitespace();
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
        whitespace();
        if (peek() == ']')
        {
            position++;
            return elements;
        }
        while (true)
        {
            elements.add(value());
            whitespace();
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
            if (c < 0x20)
            {
                position--;
                throw error("an escaped control character");
            }
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            final char escaped = position < text.length() ? text.charAt(position++) : '\0';
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
                    if (position + 4 > text.length() ||
                        !text.substring(position, position + 4).matches("[0-9a-fA-F]{4}"))
                    {
                        throw error("four hex digits");
                    }
                    out.append((char)Integer.parseInt(text.substring(position, position + 4), 16));
                    position += 4;
                    break;
                default:
                    throw error("a valid escape");
            }
        }
    }

    private void whitespace()
    {
        while (position < text.length() && " \t\n\r".indexOf(text.charAt(position)) >= 0)
        {
            position++;
        }
    }

    private char peek()
    {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void expect(final char c)
    {
        if (peek() != c)
        {
            throw error("'" + c + "'");
        }
        position++;
    }

    private IllegalArgumentException error(final String expected)
    {
        final int end = Math.min(text.length(), position + 20);
        return new IllegalArgumentException("not JSON at offset " + position + ": expected " + expected +
            ", found \"" + text.substring(Math.min(position, end), end) + "\"");
    }
}
