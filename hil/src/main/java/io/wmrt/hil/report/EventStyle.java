package io.wmrt.hil.report;

import io.wmrt.hil.run.RunEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the report shows a run's failure events ({@link RunEvent}) wherever it draws them: one colour and one
 * CSS class per kind, the same on the time-series plots, the maps, the zoom maps and the events table; the
 * events numbered in time order, the number shown in the markers, the table and the zooms' captions; and a
 * one-line description for tooltips.
 *
 * <p>Stateless: safe from any thread.
 */
final class EventStyle
{
    /** Radius of an event marker on a map, pixels whatever the map's scale. */
    static final double MARKER_RADIUS_PX = 7.0;
    /** Width of a legend character at the legend's 10 px font, generously: labels must not overlap. */
    private static final double LEGEND_CHAR_PX = 5.5;
    /** Width of the legend's "events:" label and the space after it. */
    private static final double LEGEND_LABEL_PX = 42.0;
    private static final double LEGEND_GAP_PX = 10.0;

    private EventStyle()
    {
    }

    /** The colour of a kind: distinct from each other and from the plots' own line colours. */
    static String colour(final RunEvent.Kind kind)
    {
        switch (kind)
        {
            case COLLISION:
                return "#d50000";
            case NEAR_MISS:
                return "#ef6c00";
            case RED_LIGHT:
                return "#c51162";
            case HARD_BRAKE:
                return "#6d4c41";
            case OFF_ROAD:
                return "#00838f";
            case WRONG_WAY:
                return "#9e9d24";
            case SHADOW_DISAGREEMENT:
                return "#0277bd";
            default:
                return "#444444";
        }
    }

    /** The kind's CSS class, {@code event-collision}, {@code event-near-miss}, ... (from the enum, never text). */
    static String cssClass(final RunEvent.Kind kind)
    {
        return "event-" + kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The events to show, null ones left out, in time order (stable: events at the same time keep the trace's
     * order; a time that is not finite goes last). Event number k of the page is element k - 1.
     */
    static List<RunEvent> ordered(final List<RunEvent> events)
    {
        final List<RunEvent> ordered = new ArrayList<>(events.size());
        for (final RunEvent event : events)
        {
            if (null != event && null != event.kind())
            {
                ordered.add(event);
            }
        }
        ordered.sort(Comparator.comparingDouble(EventStyle::sortTime));
        return ordered;
    }

    /** The kinds among {@code events}, in the enum's order. */
    static Set<RunEvent.Kind> kinds(final List<RunEvent> events)
    {
        final Set<RunEvent.Kind> kinds = EnumSet.noneOf(RunEvent.Kind.class);
        for (final RunEvent event : events)
        {
            kinds.add(event.kind());
        }
        return kinds;
    }

    /** "#3 collision at 12.3 s: detail", plain text (the writer escapes it). */
    static String describe(final RunEvent event, final int number)
    {
        final StringBuilder text = new StringBuilder();
        text.append('#').append(number).append(' ').append(event.kind().label());
        if (Double.isFinite(event.timeS()))
        {
            text.append(" at ").append(Markup.decimal(event.timeS(), 1)).append(" s");
        }
        if (null != event.detail() && !event.detail().isEmpty())
        {
            text.append(": ").append(event.detail());
        }
        return text.toString();
    }

    /**
     * A map marker in pixels: a disc of the kind's colour with a white rim and the event's number, its tooltip
     * the event's description, linking to the event's zoom when {@code zoomId} is not null. Left out when the
     * position is not finite.
     */
    static void mapMarker(final SvgWriter svg, final RunEvent event, final int number, final double px,
        final double py, final String zoomId)
    {
        if (!Double.isFinite(px) || !Double.isFinite(py))
        {
            return;
        }
        if (null != zoomId)
        {
            svg.start("a").attr("href", "#" + zoomId).open();
        }
        svg.start("g").attr("class", "event-marker " + cssClass(event.kind())).open();
        svg.start("title").closeWithText(describe(event, number), "title");
        svg.start("circle").attr("cx", px, 1).attr("cy", py, 1).attr("r", MARKER_RADIUS_PX, 1)
            .attr("fill", colour(event.kind())).attr("stroke", "#ffffff").attr("stroke-width", "1.5").close();
        svg.start("text").attr("x", px, 1).attr("y", py + 3.5, 1).attr("text-anchor", "middle")
            .attr("font-size", "9").attr("font-weight", "bold").attr("fill", "#ffffff")
            .closeWithText(Integer.toString(number), "text");
        svg.end("g");
        if (null != zoomId)
        {
            svg.end("a");
        }
    }

    /**
     * A legend of the kinds present, left to right from {@code x} on the baseline {@code y}: a swatch of the
     * kind's colour and its label. Nothing when there are no events.
     *
     * @return the x after the legend
     */
    static double legend(final SvgWriter svg, final double x, final double y, final Set<RunEvent.Kind> kinds)
    {
        if (kinds.isEmpty())
        {
            return x;
        }
        double at = x;
        svg.start("g").attr("class", "event-legend").attr("font-size", "10").attr("fill", "#111").open();
        svg.text(at, y, "start", "events:");
        at += LEGEND_LABEL_PX;
        for (final RunEvent.Kind kind : kinds)
        {
            svg.start("rect").attr("x", at, 1).attr("y", y - 9.0, 1).attr("width", 10.0, 1).attr("height", 10.0, 1)
                .attr("fill", colour(kind)).attr("class", "legend-" + cssClass(kind)).close();
            svg.text(at + 13.0, y, "start", kind.label());
            at += legendEntryWidth(kind);
        }
        svg.end("g");
        return at;
    }

    /** Width {@link #legend} takes for {@code kinds}, pixels (from the same estimate of a character's width). */
    static double legendWidth(final Set<RunEvent.Kind> kinds)
    {
        if (kinds.isEmpty())
        {
            return 0.0;
        }
        double width = LEGEND_LABEL_PX;
        for (final RunEvent.Kind kind : kinds)
        {
            width += legendEntryWidth(kind);
        }
        return width - LEGEND_GAP_PX;
    }

    private static double legendEntryWidth(final RunEvent.Kind kind)
    {
        return 13.0 + LEGEND_CHAR_PX * kind.label().length() + LEGEND_GAP_PX;
    }

    private static double sortTime(final RunEvent event)
    {
        return Double.isFinite(event.timeS()) ? event.timeS() : Double.POSITIVE_INFINITY;
    }
}
