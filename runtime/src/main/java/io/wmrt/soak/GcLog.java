package io.wmrt.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JVM's unified GC log read back, as the runtime process writes it ({@code -Xlog:gc*,safepoint} decorated
 * with {@code uptime,level,tags}): every pause with its name, its heap before and after, and its time; every
 * safepoint with its total time. The heap figures come from the per-generation {@code [gc,heap]} lines to the
 * KiB where the collector writes them (Parallel, Serial), else from the pause line's rounded summary.
 * <pre>
 *   [10.326s][info][gc,heap     ] GC(0) PSYoungGen: 22549K(76288K)->3327K(76288K) Eden: ...
 *   [10.326s][info][gc,heap     ] GC(0) ParOldGen: 0K(175104K)->16K(175104K)
 *   [10.326s][info][gc          ] GC(0) Pause Young (Allocation Failure) 22M->3M(245M) 3.935ms
 *   [12.369s][info][safepoint   ] Safepoint "Cleanup", Time since last: ..., Total: 53077 ns
 * </pre>
 * Immutable once read.
 */
final class GcLog
{
    /**
     * One stop-the-world GC pause.
     *
     * @param id              the JVM's GC number.
     * @param uptimeS         when it ended, seconds since the JVM started.
     * @param name            e.g. "Pause Young (Allocation Failure)".
     * @param heapBeforeBytes heap used before it.
     * @param heapAfterBytes  heap used after it.
     * @param pauseNs         how long the application stood still.
     */
    record Pause(int id, double uptimeS, String name, long heapBeforeBytes, long heapAfterBytes, long pauseNs)
    {
        /**
         * @return true for a GC asked for with {@code jcmd GC.run}: the soak's own, for the heap figures.
         */
        boolean requestedByDiagnosticCommand()
        {
            return name.contains("Diagnostic Command");
        }
    }

    /**
     * One safepoint: every application thread stopped for {@code totalNs}.
     */
    record Safepoint(double uptimeS, String operation, long totalNs)
    {
    }

    private static final Pattern LINE = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?)s]\\[\\w+\\s*]\\[([a-z,]+)\\s*] (.*)$");
    private static final Pattern PAUSE = Pattern.compile(
        "^GC\\((\\d+)\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) (\\d+(?:\\.\\d+)?)ms$");
    private static final Pattern GENERATION = Pattern.compile(
        "^GC\\((\\d+)\\) (\\w+): (\\d+)K\\(\\d+K\\)->(\\d+)K\\(\\d+K\\)");
    private static final Pattern SAFEPOINT = Pattern.compile("^Safepoint \"([^\"]+)\".* Total: (\\d+) ns");

    private final List<Pause> pauses;
    private final List<Safepoint> safepoints;
    private final double lastUptimeS;

    private GcLog(final List<Pause> pauses, final List<Safepoint> safepoints, final double lastUptimeS)
    {
        this.pauses = List.copyOf(pauses);
        this.safepoints = List.copyOf(safepoints);
        this.lastUptimeS = lastUptimeS;
    }

    /**
     * @return the log as it stands, or an empty one when the file does not exist yet.
     */
    static GcLog read(final Path file) throws IOException
    {
        try
        {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        catch (final NoSuchFileException ex)
        {
            return parse(List.of());
        }
    }

    static GcLog parse(final List<String> lines)
    {
        final List<Pause> pauses = new ArrayList<>();
        final List<Safepoint> safepoints = new ArrayList<>();
        final Map<Integer, long[]> generations = new HashMap<>();
        double lastUptimeS = 0;
        for (final String line : lines)
        {
            final Matcher decorated = LINE.matcher(line);
            if (!decorated.matches())
            {
                continue;
            }
            final double uptimeS = Double.parseDouble(decorated.group(1));
            lastUptimeS = Math.max(lastUptimeS, uptimeS);
            final String tags = decorated.group(2);
            final String message = decorated.group(3);
            if (tags.equals("gc,heap"))
            {
                final Matcher generation = GENERATION.matcher(message);
                if (generation.find())
                {
                    final long[] sum = generations.computeIfAbsent(Integer.valueOf(generation.group(1)),
                        id -> new long[2]);
                    sum[0] += Long.parseLong(generation.group(3)) * 1024;
                    sum[1] += Long.parseLong(generation.group(4)) * 1024;
                }
            }
            else if (tags.equals("gc"))
            {
                final Matcher pause = PAUSE.matcher(message);
                if (pause.matches())
                {
                    final int id = Integer.parseInt(pause.group(1));
                    final long[] exact = generations.remove(id);
                    pauses.add(new Pause(id, uptimeS, pause.group(2),
                        null != exact ? exact[0] : bytes(pause.group(3), pause.group(4)),
                        null != exact ? exact[1] : bytes(pause.group(5), pause.group(6)),
                        (long)(Double.parseDouble(pause.group(9)) * 1e6)));
                }
            }
            else if (tags.equals("safepoint"))
            {
                final Matcher safepoint = SAFEPOINT.matcher(message);
                if (safepoint.find())
                {
                    safepoints.add(new Safepoint(uptimeS, safepoint.group(1), Long.parseLong(safepoint.group(2))));
                }
            }
        }
        return new GcLog(pauses, safepoints, lastUptimeS);
    }

    private static long bytes(final String value, final String unit)
    {
        final long shift = "K".equals(unit) ? 10 : "M".equals(unit) ? 20 : 30;
        return Long.parseLong(value) << shift;
    }

    List<Pause> pauses()
    {
        return pauses;
    }

    List<Safepoint> safepoints()
    {
        return safepoints;
    }

    /**
     * @return the uptime of the last line logged, seconds; 0 for an empty log.
     */
    double lastUptimeS()
    {
        return lastUptimeS;
    }

    /**
     * @return the highest GC number logged, or -1 when there has been no GC.
     */
    int lastGcId()
    {
        return pauses.isEmpty() ? -1 : pauses.get(pauses.size() - 1).id();
    }
}
