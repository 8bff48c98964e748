package io.wmrt.soak;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's heap by class, as {@code jcmd PID GC.class_histogram -all} prints it (every object, reachable or
 * not). Two of them, one taken just after a full GC and one later with no GC in between, differ by what was
 * allocated in between: the soak's census of what the runtime allocates in steady state.
 * <pre>
 *  num     #instances         #bytes  class name (module)
 *    1:          1566        1430224  [I (java.base@17.0.15)
 * </pre>
 * On JDK 17 the unused ends of thread-local allocation buffers are filled with {@code int[]} objects, so the
 * {@code [I} row holds that filler as well as real int arrays.
 * <p>
 * Immutable once parsed.
 */
final class ClassHistogram
{
    /**
     * What grew for one class.
     */
    record Growth(String className, long instances, long bytes)
    {
        public String toString()
        {
            return String.format(Locale.ROOT, "%s: %,d instances, %,d bytes%s", className, instances, bytes,
                "[I".equals(className) ? " (with the JVM's filler of unused thread-local buffers)" : "");
        }
    }

    private static final Pattern ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private final Map<String, long[]> rows;

    private ClassHistogram(final Map<String, long[]> rows)
    {
        this.rows = rows;
    }

    static ClassHistogram parse(final String text)
    {
        final Map<String, long[]> rows = new HashMap<>();
        for (final String line : text.split("\n"))
        {
            final Matcher row = ROW.matcher(line);
            if (row.find())
            {
                rows.put(row.group(3), new long[]{Long.parseLong(row.group(1)), Long.parseLong(row.group(2))});
            }
        }
        return new ClassHistogram(rows);
    }

    /**
     * @return the classes that have more bytes on the heap here than in {@code earlier}, most bytes first.
     */
    List<Growth> growthSince(final ClassHistogram earlier)
    {
        final List<Growth> growth = new ArrayList<>();
        for (final Map.Entry<String, long[]> row : rows.entrySet())
        {
            final long[] before = earlier.rows.getOrDefault(row.getKey(), new long[2]);
            final long bytes = row.getValue()[1] - before[1];
            if (bytes > 0)
            {
                growth.add(new Growth(row.getKey(), row.getValue()[0] - before[0], bytes));
            }
        }
        growth.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return growth;
    }
}
