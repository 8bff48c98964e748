package io.wmrt.hil.report;

import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunScores;
import java.util.List;

/**
 * The text of {@code summary.json}: {@code {"all_passed":bool,"runs":[{...},...]}} with one object per run
 * and one snake_case member per {@link RunResult} component, the scores ({@link RunScores}) flattened into the
 * run under NAVSIM's short names ({@code pdms}, {@code epdms}, {@code nc}, {@code dac}, {@code ddc}, {@code tlc},
 * {@code ttc}, {@code ep}, {@code lk}, {@code hc}, {@code ec}) with {@code reference_progress_m} and
 * {@code forgiven}.
 *
 * <p>Doubles are rounded to the precision their unit needs and written without a locale; a NaN or an
 * infinity is written as {@code null} (an infinite min TTC means the ego never closed on anyone).
 * {@code all_passed} is false for an empty list: a rig that ran nothing has not shown anything passes.
 * Members are written {@code "name":value}, without spaces, one per line, so the file reads well and a
 * plain text search for {@code "scenario":"name"} finds a run.
 *
 * <p>Stateless: safe from any thread.
 */
final class SummaryJson
{
    private static final int METRES = 2;
    private static final int SECONDS = 3;
    private static final int MOTION = 3;
    private static final int MILLISECONDS = 4;
    private static final int FRACTION = 4;

    private SummaryJson()
    {
    }

    static boolean allPassed(final List<ScenarioRun> runs)
    {
        if (runs.isEmpty())
        {
            return false;
        }
        for (final ScenarioRun run : runs)
        {
            if (!run.result().passed())
            {
                return false;
            }
        }
        return true;
    }

    static String render(final List<ScenarioRun> runs)
    {
        final StringBuilder out = new StringBuilder(2048 * (1 + runs.size()));
        out.append("{\n  \"all_passed\":").append(allPassed(runs)).append(",\n  \"runs\":[");
        for (int i = 0; i < runs.size(); i++)
        {
            out.append(i == 0 ? "\n" : ",\n");
            appendRun(out, runs.get(i).result());
        }
        out.append(runs.isEmpty() ? "]\n}\n" : "\n  ]\n}\n");
        return out.toString();
    }

    private static void appendRun(final StringBuilder out, final RunResult r)
    {
        final Members m = new Members(out);
        m.string("scenario", r.scenario());
        m.string("model", r.model());
        m.string("profile", r.profile());
        m.string("timing", r.timing());
        m.integer("seed", r.seed());
        m.bool("passed", r.passed());
        m.strings("failures", r.failures());
        m.decimal("duration_s", r.durationS(), SECONDS);
        m.integer("ticks", r.ticks());
        m.integer("collisions", r.collisions());
        m.integer("sumo_collisions", r.sumoCollisions());
        m.integer("footprint_collisions", r.footprintCollisions());
        m.integer("red_light_violations", r.redLightViolations());
        m.integer("offroad", r.offroad());
        m.decimal("progress_m", r.progressM(), METRES);
        m.decimal("route_length_m", r.routeLengthM(), METRES);
        m.decimal("route_completion", r.routeCompletion(), FRACTION);
        m.decimal("min_ttc_s", r.minTtcS(), SECONDS);
        m.decimal("max_accel_mps2", r.maxAccelMps2(), MOTION);
        m.decimal("max_decel_mps2", r.maxDecelMps2(), MOTION);
        m.decimal("max_abs_jerk_mps3", r.maxAbsJerkMps3(), MOTION);
        m.decimal("max_abs_lat_accel_mps2", r.maxAbsLatAccelMps2(), MOTION);
        m.integer("lane_changes", r.laneChanges());
        m.integer("weaving", r.weaving());
        m.decimal("opposite_lane_s", r.oppositeLaneS(), SECONDS);
        m.decimal("min_pedestrian_distance_m", r.minPedestrianDistanceM(), METRES);
        m.decimal("stopped_s", r.stoppedS(), SECONDS);
        m.decimal("creeping_s", r.creepingS(), SECONDS);
        m.decimal("tick_ms_p50", r.tickMsP50(), MILLISECONDS);
        m.decimal("tick_ms_p99", r.tickMsP99(), MILLISECONDS);
        m.integer("deadline_misses", r.deadlineMisses());
        m.integer("learned_choice_changes", r.learnedChoiceChanges());
        m.integer("learned_parked_overrides", r.learnedParkedOverrides());
        m.integer("clock_degraded_ticks", r.clockDegradedTicks());
        m.integer("stale_steps", r.staleSteps());
        final RunScores s = r.scores();
        m.decimal("pdms", s.pdms(), FRACTION);
        m.decimal("epdms", s.epdms(), FRACTION);
        m.decimal("nc", s.nc(), FRACTION);
        m.decimal("dac", s.dac(), FRACTION);
        m.decimal("ddc", s.ddc(), FRACTION);
        m.decimal("tlc", s.tlc(), FRACTION);
        m.decimal("ttc", s.ttc(), FRACTION);
        m.decimal("ep", s.ep(), FRACTION);
        m.decimal("lk", s.lk(), FRACTION);
        m.decimal("hc", s.hc(), FRACTION);
        m.decimal("ec", s.ec(), FRACTION);
        m.decimal("reference_progress_m", s.referenceProgressM(), METRES);
        m.strings("forgiven", s.forgiven());
        m.decimal("wall_s", r.wallS(), SECONDS);
        m.string("family", r.family());
        m.bounds("action_bounds", r.actionBounds());
        m.end();
    }

    /**
     * Appends {@code text} as a JSON string: quotes, backslashes and every control character escaped, and
     * U+2028, U+2029 and unpaired surrogates as {@code \}{@code u} escapes so the text survives any UTF-8
     * reader and a JavaScript embedding. Null becomes {@code null}.
     */
    static void appendString(final StringBuilder out, final String text)
    {
        if (null == text)
        {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                default:
                    if (c < 0x20 || c == '\u2028' || c == '\u2029' || isUnpairedSurrogate(text, i))
                    {
                        appendUnicodeEscape(out, c);
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    private static boolean isUnpairedSurrogate(final String text, final int i)
    {
        final char c = text.charAt(i);
        if (Character.isHighSurrogate(c))
        {
            return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
        }
        if (Character.isLowSurrogate(c))
        {
            return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
        }
        return false;
    }

    private static void appendUnicodeEscape(final StringBuilder out, final char c)
    {
        final String hex = Integer.toHexString(c);
        out.append("\\u");
        for (int pad = hex.length(); pad < 4; pad++)
        {
            out.append('0');
        }
        out.append(hex);
    }

    /** Members of one run object, one per line. Not thread safe: one per object being written. */
    private static final class Members
    {
        private static final String INDENT = "      ";

        private final StringBuilder out;
        private boolean first = true;

        Members(final StringBuilder out)
        {
            this.out = out;
            out.append("    {");
        }

        void string(final String name, final String value)
        {
            name(name);
            appendString(out, value);
        }

        void integer(final String name, final long value)
        {
            name(name);
            out.append(value);
        }

        void bool(final String name, final boolean value)
        {
            name(name);
            out.append(value);
        }

        void decimal(final String name, final double value, final int decimals)
        {
            name(name);
            out.append(Double.isFinite(value) ? Markup.decimal(value, decimals) : "null");
        }

        void strings(final String name, final List<String> values)
        {
            name(name);
            out.append('[');
            for (int i = 0; i < values.size(); i++)
            {
                out.append(i == 0 ? "" : ",");
                appendString(out, values.get(i));
            }
            out.append(']');
        }

        private static String decimalOrNull(final double value)
        {
            return Double.isFinite(value) ? Markup.decimal(value, 4) : "null";
        }

        void bounds(final String name, final List<RunResult.ActionBound> bounds)
        {
            name(name);
            out.append('{');
            for (int i = 0; i < bounds.size(); i++)
            {
                out.append(i == 0 ? "" : ",");
                appendString(out, bounds.get(i).name());
                out.append(":[").append(decimalOrNull(bounds.get(i).lower())).append(',')
                    .append(decimalOrNull(bounds.get(i).upper())).append(']');
            }
            out.append('}');
        }

        void end()
        {
            out.append('\n').append("    }");
        }

        private void name(final String name)
        {
            out.append(first ? "\n" : ",\n").append(INDENT);
            first = false;
            appendString(out, name);
            out.append(':');
        }
    }
}
