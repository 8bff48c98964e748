package io.wmrt.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A YAML mapping read strictly: every key must be asked for exactly by name and type, and
 * {@link #finish()} refuses any key that nobody asked for. Errors carry the file and the dotted key.
 * <p>
 * Not thread safe: used once, at start-up, by the loader that owns it.
 */
public final class StrictYaml
{
    private final Path file;
    private final String prefix;
    private final Map<String, Object> map;
    private final Set<String> consumed = new LinkedHashSet<>();

    private StrictYaml(final Path file, final String prefix, final Map<String, Object> map)
    {
        this.file = file;
        this.prefix = prefix;
        this.map = map;
    }

    /**
     * Parse a file whose top level must be a mapping.
     */
    public static StrictYaml load(final Path file) throws ConfigException
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file, null, "cannot read file (" + ex + ")", ex);
        }
        return parse(file, text);
    }

    public static StrictYaml parse(final Path file, final String text) throws ConfigException
    {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        final Object root;
        try
        {
            root = new Yaml(new SafeConstructor(options)).load(text);
        }
        catch (final YAMLException ex)
        {
            throw new ConfigException(file, null, "not valid YAML: " + reason(ex), ex);
        }
        catch (final RuntimeException ex)
        {
            // SnakeYAML lets some malformed input out as other exceptions (a tag that ends in an escaped space: an
            // IllegalArgumentException); the file is just as unreadable.
            throw new ConfigException(file, null, "not valid YAML: " + reason(ex), ex);
        }
        if (!(root instanceof Map))
        {
            throw new ConfigException(file, null, "top level must be a mapping of keys to values");
        }
        return new StrictYaml(file, "", asStringKeyed(file, "", root));
    }

    public Path file()
    {
        return file;
    }

    public String path(final String key)
    {
        return prefix + key;
    }

    public boolean has(final String key)
    {
        return map.containsKey(key);
    }

    /**
     * Whether the key holds a mapping, for keys that take one of two forms (a list or a mapping); reads nothing.
     */
    public boolean isMapping(final String key)
    {
        return map.get(key) instanceof Map;
    }

    /**
     * Whether the key holds a string, for keys that take one of two forms (a word or a list); reads nothing.
     */
    public boolean isString(final String key)
    {
        return map.get(key) instanceof String;
    }

    public String string(final String key) throws ConfigException
    {
        final Object value = require(key);
        if (!(value instanceof String) || ((String)value).isBlank())
        {
            throw wrongType(key, "a non-empty string", value);
        }
        return (String)value;
    }

    /**
     * A file system path: a non-empty string this system can make a path of (no NUL character).
     */
    public Path filePath(final String key) throws ConfigException
    {
        return toPath(key, string(key));
    }

    public String optionalString(final String key, final String defaultValue) throws ConfigException
    {
        return has(key) ? string(key) : defaultValue;
    }

    public boolean bool(final String key) throws ConfigException
    {
        final Object value = require(key);
        if (!(value instanceof Boolean))
        {
            throw wrongType(key, "true or false", value);
        }
        return (Boolean)value;
    }

    public long integer(final String key, final long min, final long max) throws ConfigException
    {
        final Object value = require(key);
        if (!(value instanceof Integer || value instanceof Long))
        {
            throw wrongType(key, "an integer", value);
        }
        final long v = ((Number)value).longValue();
        if (v < min || v > max)
        {
            throw new ConfigException(file, path(key), v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    public double number(final String key, final double min, final double max) throws ConfigException
    {
        return checkRange(key, toDouble(key, require(key)), min, max);
    }

    public <E extends Enum<E>> E choice(final String key, final Class<E> type) throws ConfigException
    {
        final String text = string(key);
        for (final E e : type.getEnumConstants())
        {
            if (e.toString().equals(text))
            {
                return e;
            }
        }
        final List<String> allowed = new ArrayList<>();
        for (final E e : type.getEnumConstants())
        {
            allowed.add(e.toString());
        }
        throw new ConfigException(file, path(key), "'" + text + "' is not one of " + allowed);
    }

    public StrictYaml section(final String key) throws ConfigException
    {
        final Object value = require(key);
        if (!(value instanceof Map))
        {
            throw wrongType(key, "a mapping", value);
        }
        return new StrictYaml(file, path(key) + ".", asStringKeyed(file, path(key), value));
    }

    public List<String> stringList(final String key, final int minSize) throws ConfigException
    {
        final List<?> list = list(key, minSize);
        final List<String> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            final Object item = list.get(i);
            if (!(item instanceof String) || ((String)item).isBlank())
            {
                throw wrongType(key + "[" + i + "]", "a non-empty string", item);
            }
            out.add((String)item);
        }
        return out;
    }

    public List<Path> filePathList(final String key, final int minSize) throws ConfigException
    {
        final List<String> texts = stringList(key, minSize);
        final List<Path> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++)
        {
            out.add(toPath(key + "[" + i + "]", texts.get(i)));
        }
        return out;
    }

    public double[] numberList(final String key, final int size, final double min, final double max)
        throws ConfigException
    {
        final List<?> list = list(key, size);
        if (list.size() != size)
        {
            throw new ConfigException(file, path(key), "has " + list.size() + " entries, expected " + size);
        }
        final double[] out = new double[size];
        for (int i = 0; i < size; i++)
        {
            out[i] = checkRange(key + "[" + i + "]", toDouble(key + "[" + i + "]", list.get(i)), min, max);
        }
        return out;
    }

    public long[] integerList(final String key, final int minSize, final long min, final long max)
        throws ConfigException
    {
        final List<?> list = list(key, minSize);
        final long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++)
        {
            final Object item = list.get(i);
            if (!(item instanceof Integer || item instanceof Long))
            {
                throw wrongType(key + "[" + i + "]", "an integer", item);
            }
            out[i] = ((Number)item).longValue();
            if (out[i] < min || out[i] > max)
            {
                throw new ConfigException(
                    file, path(key) + "[" + i + "]", out[i] + " is out of range [" + min + ", " + max + "]");
            }
        }
        return out;
    }

    /**
     * A list of mappings, each read strictly.
     */
    public List<StrictYaml> sectionList(final String key, final int minSize) throws ConfigException
    {
        final List<?> list = list(key, minSize);
        final List<StrictYaml> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++)
        {
            final String itemPath = path(key) + "[" + i + "]";
            final Object item = list.get(i);
            if (!(item instanceof Map))
            {
                throw new ConfigException(file, itemPath, "expected a mapping, got " + describe(item));
            }
            out.add(new StrictYaml(file, itemPath + ".", asStringKeyed(file, itemPath, item)));
        }
        return out;
    }

    /**
     * Names of the keys of this mapping, for mappings whose keys are data (graph roles, dispatch roles).
     */
    public Set<String> keys()
    {
        return new LinkedHashSet<>(map.keySet());
    }

    /**
     * Refuse any key that was not read: a misspelt key must never be silently ignored.
     */
    public void finish() throws ConfigException
    {
        for (final String key : map.keySet())
        {
            if (!consumed.contains(key))
            {
                throw new ConfigException(file, path(key), "unknown key (not part of this format; misspelt?)");
            }
        }
    }

    private List<?> list(final String key, final int minSize) throws ConfigException
    {
        final Object value = require(key);
        if (!(value instanceof List))
        {
            throw wrongType(key, "a list", value);
        }
        final List<?> list = (List<?>)value;
        if (list.size() < minSize)
        {
            throw new ConfigException(file, path(key), "needs at least " + minSize + " entries, has " + list.size());
        }
        return list;
    }

    private Object require(final String key) throws ConfigException
    {
        consumed.add(key);
        if (!map.containsKey(key))
        {
            throw new ConfigException(file, path(key), "missing required key");
        }
        final Object value = map.get(key);
        if (null == value)
        {
            throw new ConfigException(file, path(key), "has no value");
        }
        return value;
    }

    private Path toPath(final String key, final String text) throws ConfigException
    {
        try
        {
            return Path.of(text);
        }
        catch (final InvalidPathException ex)
        {
            throw new ConfigException(file, path(key), "'" + text.replace("\0", "\\0") + "' is not a usable path (" +
                ex.getReason() + ")", ex);
        }
    }

    private double toDouble(final String key, final Object value) throws ConfigException
    {
        if (!(value instanceof Number))
        {
            throw wrongType(key, "a number", value);
        }
        final double v = ((Number)value).doubleValue();
        if (!Double.isFinite(v))
        {
            throw new ConfigException(file, path(key), "must be a finite number, got " + value);
        }
        return v;
    }

    private double checkRange(final String key, final double v, final double min, final double max)
        throws ConfigException
    {
        if (v < min || v > max)
        {
            throw new ConfigException(file, path(key), v + " is out of range [" + min + ", " + max + "]");
        }
        return v;
    }

    private ConfigException wrongType(final String key, final String expected, final Object value)
    {
        return new ConfigException(file, path(key), "expected " + expected + ", got " + describe(value));
    }

    private static String reason(final RuntimeException ex)
    {
        return null == ex.getMessage() ? ex.toString() : ex.getMessage().replace('\n', ' ');
    }

    private static String describe(final Object value)
    {
        if (null == value)
        {
            return "nothing";
        }
        if (value instanceof String)
        {
            return "the string '" + value + "'";
        }
        if (value instanceof Map)
        {
            return "a mapping";
        }
        if (value instanceof List)
        {
            return "a list";
        }
        return value.getClass().getSimpleName().toLowerCase() + " " + value;
    }

    private static Map<String, Object> asStringKeyed(final Path file, final String path, final Object value)
        throws ConfigException
    {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (final Map.Entry<?, ?> e : ((Map<?, ?>)value).entrySet())
        {
            if (!(e.getKey() instanceof String))
            {
                throw new ConfigException(file, path.isEmpty() ? String.valueOf(e.getKey()) : path,
                    "keys must be strings, got " + e.getKey());
            }
            out.put((String)e.getKey(), e.getValue());
        }
        return out;
    }
}
