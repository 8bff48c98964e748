package io.wmrt.hil.report;

import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunTrace;
import java.util.List;

/**
 * A close-up map of one failure event: {@link #SPAN_M} metres square around the event's position, with the
 * road (lanes and sidewalks), the ego's path from {@link #PATH_WINDOW_S} seconds before to as long after the
 * event, the ego's footprint at the step nearest the event's time, the road users and the chosen trajectory of
 * the snapshot nearest that time, and a ring of the event kind's colour ({@link EventStyle}) at the event.
 *
 * <p>Drawn as {@link RoadMapPlot} draws its map, through one {@code matrix(s 0 0 -s tx ty)} from world metres
 * to pixels, north up. An event whose position is not usable is centred on the ego at its time; with neither
 * the zoom says so and draws nothing else.
 *
 * <p>Stateless: safe from any thread, given a trace no thread is adding to.
 */
final class EventZoomMap
{
    /** Width and height of the zoom, metres. */
    static final double SPAN_M = 40.0;
    static final double SIZE_PX = 360.0;
    /** The ego's path is drawn this long before and after the event. */
    static final double PATH_WINDOW_S = 8.0;

    private static final double SCALE = SIZE_PX / SPAN_M;
    private static final double DEGREES_PER_RADIAN = 180.0 / Math.PI;
    private static final int WORLD_DECIMALS = 2;
    private static final int STROKE_DECIMALS = 4;
    private static final double MIN_STEP_PX = 0.3;
    private static final String AGENT_COLOUR = "#1f5fbf";
    private static final String PLAN_COLOUR = "#2e7d32";

    private EventZoomMap()
    {
    }

    /**
     * @param trace  the run's trace
     * @param event  the event to zoom on
     * @param number the event's number on the page
     * @param id     unique in the page and a valid HTML id; prefixes the zoom's clip path id
     */
    static String render(final RunTrace trace, final RunEvent event, final int number, final String id)
    {
        final RunTrace.Step step = nearestStep(trace.steps(), event.timeS());
        final RunTrace.Snapshot snapshot = nearestSnapshot(trace.snapshots(), event.timeS());
        final boolean atEvent = RoadMapPlot.usable(event.x(), event.y()) && Double.isFinite(event.x()) &&
            Double.isFinite(event.y());
        final boolean atEgo = null != step && RoadMapPlot.usable(step.x(), step.y()) &&
            Double.isFinite(step.x()) && Double.isFinite(step.y());
        final SvgWriter svg = new SvgWriter(SIZE_PX, SIZE_PX, "Zoom on event " + EventStyle.describe(event, number));
        if (!atEvent && !atEgo)
        {
            new PlotArea(0.0, SIZE_PX, SIZE_PX, 0.0).empty(svg, "event position unknown");
            return svg.finish();
        }
        final double cx = atEvent ? event.x() : step.x();
        final double cy = atEvent ? event.y() : step.y();
        final RoadMapPlot.View view = new RoadMapPlot.View(cx - SPAN_M / 2.0, cy + SPAN_M / 2.0, SCALE, SIZE_PX,
            SIZE_PX);

        svg.start("defs").open();
        svg.start("clipPath").attr("id", id + "-clip").open();
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", SIZE_PX, 1).attr("height", SIZE_PX, 1)
            .close();
        svg.end("clipPath");
        svg.end("defs");
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", SIZE_PX, 1).attr("height", SIZE_PX, 1)
            .attr("fill", "#f7f7f4").close();
        svg.start("g").attr("clip-path", "url(#" + id + "-clip)").open();
        svg.start("g").attr("transform", RoadMapPlot.worldTransform(view)).open();
        RoadMapPlot.road(svg, trace.road(), view, true);
        RoadMapPlot.road(svg, trace.road(), view, false);
        RoadMapPlot.egoPath(svg, pathAround(trace.steps(), event.timeS(), step), view, "ego-path");
        if (null != snapshot)
        {
            plan(svg, snapshot);
            svg.start("g").attr("fill", AGENT_COLOUR).attr("stroke", AGENT_COLOUR).attr("fill-opacity", "0.45")
                .attr("stroke-width", 1.0 / SCALE, STROKE_DECIMALS).attr("class", "snapshot").open();
            RoadMapPlot.agents(svg, snapshot, SCALE);
            svg.end("g");
        }
        if (atEgo)
        {
            egoFootprint(svg, trace, step);
        }
        svg.end("g");
        if (atEvent)
        {
            ring(svg, event, number, view);
        }
        svg.end("g");
        svg.start("rect").attr("x", 0.5, 1).attr("y", 0.5, 1).attr("width", SIZE_PX - 1.0, 1)
            .attr("height", SIZE_PX - 1.0, 1).attr("fill", "none").attr("stroke", "#555").close();
        times(svg, event, step, snapshot);
        if (!atEvent)
        {
            svg.start("text").attr("x", 8.0, 1).attr("y", 36.0, 1).attr("font-size", "11").attr("fill", "#b3261e")
                .attr("class", "zoom-note").closeWithText("event position unknown: centred on the ego", "text");
        }
        RoadMapPlot.scaleBar(svg, SCALE, SIZE_PX, SIZE_PX);
        key(svg);
        return svg.finish();
    }

    /** The step nearest in time to {@code timeS} (the last one when the time is not finite); null for none. */
    static RunTrace.Step nearestStep(final List<RunTrace.Step> steps, final double timeS)
    {
        RunTrace.Step nearest = null;
        double best = Double.POSITIVE_INFINITY;
        for (final RunTrace.Step step : steps)
        {
            if (!Double.isFinite(step.timeS()))
            {
                continue;
            }
            final double distance = Double.isFinite(timeS) ? Math.abs(step.timeS() - timeS) : -step.timeS();
            if (null == nearest || distance < best)
            {
                nearest = step;
                best = distance;
            }
        }
        return nearest;
    }

    /** The snapshot nearest in time to {@code timeS}; null when there is none with a finite time. */
    static RunTrace.Snapshot nearestSnapshot(final List<RunTrace.Snapshot> snapshots, final double timeS)
    {
        RunTrace.Snapshot nearest = null;
        double best = Double.POSITIVE_INFINITY;
        for (final RunTrace.Snapshot snapshot : snapshots)
        {
            if (!Double.isFinite(snapshot.timeS()))
            {
                continue;
            }
            final double distance = Double.isFinite(timeS) ? Math.abs(snapshot.timeS() - timeS) :
                -snapshot.timeS();
            if (null == nearest || distance < best)
            {
                nearest = snapshot;
                best = distance;
            }
        }
        return nearest;
    }

    /** Steps within {@link #PATH_WINDOW_S} of the event's time (of the nearest step's when it has none). */
    private static List<RunTrace.Step> pathAround(final List<RunTrace.Step> steps, final double timeS,
        final RunTrace.Step nearest)
    {
        final double centre = Double.isFinite(timeS) ? timeS : null == nearest ? Double.NaN : nearest.timeS();
        if (!Double.isFinite(centre))
        {
            return List.of();
        }
        int from = -1;
        int to = -1;
        for (int i = 0; i < steps.size(); i++)
        {
            final double t = steps.get(i).timeS();
            if (Double.isFinite(t) && Math.abs(t - centre) <= PATH_WINDOW_S)
            {
                from = from < 0 ? i : from;
                to = i;
            }
        }
        return from < 0 ? List.of() : steps.subList(from, to + 1);
    }

    private static void plan(final SvgWriter svg, final RunTrace.Snapshot snapshot)
    {
        final String d = SvgWriter.pathData(RoadMapPlot.usablePoints(snapshot.trajectoryXy()), WORLD_DECIMALS,
            MIN_STEP_PX / SCALE);
        if (!d.isEmpty())
        {
            svg.start("path").attr("d", d).attr("fill", "none").attr("stroke", PLAN_COLOUR)
                .attr("stroke-width", 2.5 / SCALE, STROKE_DECIMALS).attr("stroke-opacity", "0.85")
                .attr("class", "trajectory").close();
        }
    }

    private static void egoFootprint(final SvgWriter svg, final RunTrace trace, final RunTrace.Step step)
    {
        final double length = RoadMapPlot.size(trace.egoLengthM(), 4.5);
        final double width = RoadMapPlot.size(trace.egoWidthM(), 1.8);
        final double degrees = Double.isFinite(step.heading()) ? step.heading() * DEGREES_PER_RADIAN : 0.0;
        svg.start("g").attr("fill", "#ffffff").attr("fill-opacity", "0.85").attr("stroke", "#111")
            .attr("stroke-width", 2.0 / SCALE, STROKE_DECIMALS).attr("class", "ego").open();
        svg.start("rect").attr("x", -length / 2.0, WORLD_DECIMALS).attr("y", -width / 2.0, WORLD_DECIMALS)
            .attr("width", length, WORLD_DECIMALS).attr("height", width, WORLD_DECIMALS)
            .placed(step.x(), step.y(), degrees, WORLD_DECIMALS).attr("class", "ego-footprint").close();
        svg.start("line").attr("x1", 0.0, 1).attr("y1", 0.0, 1).attr("x2", length / 2.0, WORLD_DECIMALS)
            .attr("y2", 0.0, 1).placed(step.x(), step.y(), degrees, WORLD_DECIMALS).close();
        svg.end("g");
    }

    /** A ring of the kind's colour around the event's position, fixed in pixels, with the event as tooltip. */
    private static void ring(final SvgWriter svg, final RunEvent event, final int number,
        final RoadMapPlot.View view)
    {
        final double px = view.pixelX(event.x());
        final double py = view.pixelY(event.y());
        svg.start("g").attr("class", "event-marker " + EventStyle.cssClass(event.kind())).open();
        svg.start("title").closeWithText(EventStyle.describe(event, number), "title");
        svg.start("circle").attr("cx", px, 1).attr("cy", py, 1).attr("r", "12").attr("fill", "none")
            .attr("stroke", "#ffffff").attr("stroke-width", "5").attr("stroke-opacity", "0.8").close();
        svg.start("circle").attr("cx", px, 1).attr("cy", py, 1).attr("r", "12").attr("fill", "none")
            .attr("stroke", EventStyle.colour(event.kind())).attr("stroke-width", "2.5").close();
        svg.start("circle").attr("cx", px, 1).attr("cy", py, 1).attr("r", "2")
            .attr("fill", EventStyle.colour(event.kind())).close();
        svg.end("g");
    }

    /** What the zoom's colours mean, bottom right. */
    private static void key(final SvgWriter svg)
    {
        final double x = SIZE_PX - 118.0;
        final double y = SIZE_PX - 52.0;
        svg.start("g").attr("font-size", "10").attr("fill", "#111").attr("class", "zoom-key").open();
        svg.start("rect").attr("x", x - 6.0, 1).attr("y", y - 6.0, 1).attr("width", 118.0, 1)
            .attr("height", 52.0, 1).attr("fill", "#ffffff").attr("fill-opacity", "0.8").close();
        svg.start("rect").attr("x", x, 1).attr("y", y, 1).attr("width", 16.0, 1).attr("height", 7.0, 1)
            .attr("fill", "#ffffff").attr("stroke", "#111").close();
        svg.text(x + 22.0, y + 7.0, "start", "ego at the event");
        svg.start("rect").attr("x", x, 1).attr("y", y + 14.0, 1).attr("width", 16.0, 1).attr("height", 7.0, 1)
            .attr("fill", AGENT_COLOUR).attr("fill-opacity", "0.45").attr("stroke", AGENT_COLOUR).close();
        svg.text(x + 22.0, y + 21.0, "start", "road users");
        svg.start("line").attr("x1", x, 1).attr("y1", y + 32.0, 1).attr("x2", x + 16.0, 1).attr("y2", y + 32.0, 1)
            .attr("stroke", PLAN_COLOUR).attr("stroke-width", "2.5").close();
        svg.text(x + 22.0, y + 35.0, "start", "plan");
        svg.end("g");
    }

    /** Which times the zoom shows: the event's, the ego's step and the road users' snapshot. */
    private static void times(final SvgWriter svg, final RunEvent event, final RunTrace.Step step,
        final RunTrace.Snapshot snapshot)
    {
        final StringBuilder text = new StringBuilder();
        text.append(Double.isFinite(event.timeS()) ? "t = " + Markup.decimal(event.timeS(), 1) + " s" :
            "time unknown");
        text.append(null == step ? ", no ego step" : ", ego at " + Markup.decimal(step.timeS(), 1) + " s");
        text.append(null == snapshot ? ", no road users recorded" :
            ", road users at " + Markup.decimal(snapshot.timeS(), 1) + " s");
        svg.start("rect").attr("x", 4.0, 1).attr("y", 4.0, 1).attr("width", SIZE_PX - 8.0, 1)
            .attr("height", 18.0, 1).attr("fill", "#ffffff").attr("fill-opacity", "0.8").close();
        svg.start("text").attr("x", 8.0, 1).attr("y", 17.0, 1).attr("font-size", "11").attr("class", "zoom-times")
            .closeWithText(text.toString(), "text");
    }
}
