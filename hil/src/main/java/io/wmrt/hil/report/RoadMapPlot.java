package io.wmrt.hil.report;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The map of one run, drawn in world metres: lanes as grey strokes of their width (sidewalks lighter), the
 * chosen trajectory and the other road users at each snapshot coloured from blue (early) to red (late), the
 * ego's path as a black line and its footprint at a few times.
 *
 * <p>The drawing uses one transform, {@code matrix(s 0 0 -s tx ty)}, from SUMO's coordinates (y up) to
 * pixels (y down), so one metre is as long in x as in y and north is up. Thin lines are meant in pixels and
 * written in metres (pixels divided by the scale) rather than with {@code vector-effect}, which not every SVG
 * renderer honours.
 *
 * <p>The view is the bounding box of the ego's path plus {@link #MARGIN_M} on every side, widened to the
 * picture's aspect; road shapes outside it are left out and the rest clipped to it. Without an ego path the
 * view falls back to the snapshots, then the road, then the origin. Coordinates that are not finite, or
 * farther than {@link #WORLD_LIMIT_M} from the origin, are not drawn.
 *
 * <p>A long route would give a whole-route map of under {@link #SEGMENT_BELOW_PX_PER_M} pixels per metre, on
 * which a lane is a hairline: then the whole route comes first, with its pieces outlined and numbered, and
 * below it the path cut into segments of at most {@link #SEGMENT_SIDE_M} square (more when that would make
 * more than {@link #MAX_SEGMENTS}), each drawn as its own map with the footprints of its own stretch.
 *
 * <p>Failure events are marked on every map that shows their position, as numbered discs of their kind's
 * colour of a fixed pixel size whatever the scale ({@link EventStyle}), each linking to the event's zoom.
 *
 * <p>Stateless: safe from any thread, given a trace no thread is adding to.
 */
final class RoadMapPlot
{
    static final double MARGIN_M = 30.0;
    static final double WIDTH_PX = 720.0;
    static final double MIN_MAP_HEIGHT_PX = 240.0;
    static final double MAX_MAP_HEIGHT_PX = 560.0;
    /** Coordinates beyond this are taken as garbage: SUMO networks are far smaller. */
    static final double WORLD_LIMIT_M = 1e7;
    /** Lane width drawn when a road shape's own width is missing or not positive (SUMO's default). */
    static final double DEFAULT_LANE_WIDTH_M = 3.2;

    /** A whole-route map under this many pixels per metre is followed by segments of the route. */
    static final double SEGMENT_BELOW_PX_PER_M = 1.5;
    /** Largest width and height of a segment's path, metres (before the margin). */
    static final double SEGMENT_SIDE_M = 300.0;
    static final int MAX_SEGMENTS = 8;
    /** A segment along a straight road needs less height than the whole map's minimum. */
    static final double MIN_SEGMENT_HEIGHT_PX = 160.0;

    private static final double LEGEND_PX = 64.0;
    private static final double EVENT_LEGEND_PX = 20.0;
    private static final double SEGMENT_HEADER_PX = 24.0;
    /** Snapshots farther than this outside a view are not drawn in it (the clip would hide them anyway). */
    private static final double SNAPSHOT_PADDING_M = 60.0;
    /** The ego's path is drawn this far outside a view (the clip cuts it), so it leaves the picture whole. */
    private static final double PATH_PADDING_M = 20.0;
    private static final int EGO_FOOTPRINTS = 5;
    private static final int WORLD_DECIMALS = 2;
    /** Line widths are given in pixels and written in metres (pixels / scale), enough digits for both ends. */
    private static final int STROKE_DECIMALS = 4;
    private static final double MIN_STEP_PX = 0.3;
    private static final double PEDESTRIAN_RADIUS_M = 0.4;
    private static final double VEHICLE_LENGTH_M = 4.5;
    private static final double VEHICLE_WIDTH_M = 1.8;
    private static final double OTHER_SIZE_M = 1.0;
    /** Sizes above this are taken as garbage and drawn at the kind's default size. */
    private static final double MAX_SIZE_M = 50.0;
    private static final double DEGREES_PER_RADIAN = 180.0 / Math.PI;

    private RoadMapPlot()
    {
    }

    /**
     * The map without events.
     *
     * @param trace what to draw
     * @param id    unique in the page and a valid HTML id; prefixes the plot's clip path and gradient ids
     */
    static String render(final RunTrace trace, final String id)
    {
        return render(trace, List.of(), id, number -> null);
    }

    /**
     * @param trace   what to draw
     * @param events  failure events to mark, numbered from 1 in this order ({@link EventStyle#ordered})
     * @param id      unique in the page and a valid HTML id; prefixes the plot's clip path and gradient ids
     * @param zoomIds the id of event number n's zoom, to link its marker to; null for an event without one
     */
    static String render(final RunTrace trace, final List<RunEvent> events, final String id,
        final IntFunction<String> zoomIds)
    {
        final Bounds path = new Bounds();
        for (final RunTrace.Step step : trace.steps())
        {
            path.add(step.x(), step.y());
        }
        final Bounds focus = path.isEmpty() ? snapshotBounds(trace.snapshots()) : path;
        final Bounds seen = focus.isEmpty() ? roadBounds(trace.road()) : focus;
        final boolean nothing = seen.isEmpty();
        if (nothing)
        {
            seen.add(0.0, 0.0);
        }
        final View whole = fit(seen, MIN_MAP_HEIGHT_PX, nothing);
        final List<Segment> segments = whole.scale() < SEGMENT_BELOW_PX_PER_M ? segments(trace.steps()) :
            List.of();

        double height = whole.heightPx();
        for (final Segment segment : segments)
        {
            height += SEGMENT_HEADER_PX + segment.view().heightPx();
        }
        final double legendTop = height;
        final boolean anyEvents = !events.isEmpty();
        height += LEGEND_PX + (anyEvents ? EVENT_LEGEND_PX : 0.0);

        final double[] timeRange = snapshotTimeRange(trace);
        final SvgWriter svg = new SvgWriter(WIDTH_PX, height, "Map: road, ego path, planned " +
            "trajectories and road users" + (segments.isEmpty() ? "" : ", the whole route and then " +
            segments.size() + " segments of it") + (anyEvents ? ", failure events marked" : ""));
        svg.start("defs").open();
        clip(svg, id + "-clip", whole);
        for (int k = 0; k < segments.size(); k++)
        {
            clip(svg, id + "-clip-" + (k + 1), segments.get(k).view());
        }
        svg.start("linearGradient").attr("id", id + "-time").open();
        for (int i = 0; i <= 4; i++)
        {
            svg.start("stop").attr("offset", i / 4.0, 2).attr("stop-color", timeColour(i / 4.0)).close();
        }
        svg.end("linearGradient");
        svg.end("defs");

        final Panel overview = new Panel(whole, id + "-clip", trace.steps());
        panel(svg, trace, overview, timeRange, events, zoomIds);
        if (path.isEmpty())
        {
            svg.text(WIDTH_PX / 2.0, 20.0, "middle", "no ego path recorded");
        }
        segmentOutlines(svg, whole, segments);
        double top = whole.heightPx();
        for (int k = 0; k < segments.size(); k++)
        {
            final Segment segment = segments.get(k);
            final List<RunTrace.Step> steps = trace.steps().subList(segment.from(), segment.to() + 1);
            svg.start("text").attr("x", 4.0, 1).attr("y", top + SEGMENT_HEADER_PX - 7.0, 1)
                .attr("font-weight", "bold").attr("class", "segment-title")
                .closeWithText("Segment " + (k + 1) + " of " + segments.size() + timeSpan(steps), "text");
            svg.start("g").attr("transform", "translate(0 " + Markup.decimal(top + SEGMENT_HEADER_PX, 1) + ")")
                .attr("class", "segment").open();
            panel(svg, trace, new Panel(segment.view(), id + "-clip-" + (k + 1), steps), timeRange, events,
                zoomIds);
            svg.end("g");
            top += SEGMENT_HEADER_PX + segment.view().heightPx();
        }
        legend(svg, id, timeRange, legendTop);
        if (anyEvents)
        {
            EventStyle.legend(svg, 12.0, legendTop + LEGEND_PX + 6.0, EventStyle.kinds(events));
        }
        return svg.finish();
    }

    /**
     * The view of {@code seen} plus {@link #MARGIN_M} on every side, {@link #WIDTH_PX} wide and as high as the
     * box's aspect asks within {@code minHeightPx} to {@link #MAX_MAP_HEIGHT_PX}, widened to the picture's
     * aspect around the box's centre.
     */
    private static View fit(final Bounds seen, final double minHeightPx, final boolean nothing)
    {
        final double worldWidth = seen.maxX - seen.minX + 2.0 * MARGIN_M;
        final double worldHeight = seen.maxY - seen.minY + 2.0 * MARGIN_M;
        final double mapHeight = nothing ? minHeightPx : Math.max(minHeightPx,
            Math.min(MAX_MAP_HEIGHT_PX, Math.rint(WIDTH_PX * worldHeight / worldWidth)));
        // Pixels per metre, rounded as the transform writes it so that overlays and scale bar agree with it.
        final double scale = Math.rint(Math.min(WIDTH_PX / worldWidth, mapHeight / worldHeight) * 1e9) / 1e9;
        return new View(
            (seen.minX + seen.maxX) / 2.0 - WIDTH_PX / scale / 2.0,
            (seen.minY + seen.maxY) / 2.0 + mapHeight / scale / 2.0,
            scale, WIDTH_PX, mapHeight);
    }

    private static void clip(final SvgWriter svg, final String clipId, final View view)
    {
        svg.start("clipPath").attr("id", clipId).open();
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", view.widthPx(), 1)
            .attr("height", view.heightPx(), 1).close();
        svg.end("clipPath");
    }

    /**
     * One map picture at the origin of the current user space: background, everything in world metres
     * clipped to the view, the pixel-sized overlays (ego labels, event markers), frame and scale bar.
     */
    private static void panel(final SvgWriter svg, final RunTrace trace, final Panel panel,
        final double[] timeRange, final List<RunEvent> events, final IntFunction<String> zoomIds)
    {
        final View view = panel.view();
        final double scale = view.scale();
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", view.widthPx(), 1)
            .attr("height", view.heightPx(), 1).attr("fill", "#f7f7f4").close();
        svg.start("g").attr("clip-path", "url(#" + panel.clipId() + ")").open();
        svg.start("g").attr("transform", worldTransform(view)).open();
        road(svg, trace.road(), view, true);
        road(svg, trace.road(), view, false);
        for (final RunTrace.Snapshot snapshot : trace.snapshots())
        {
            if (view.overlaps(snapshotBounds(List.of(snapshot)), SNAPSHOT_PADDING_M))
            {
                snapshot(svg, snapshot, timeRange, scale);
            }
        }
        egoPath(svg, trace.steps(), view, "ego-path");
        egoFootprints(svg, trace, panel.steps(), scale);
        svg.end("g");
        egoLabels(svg, trace, panel.steps(), view);
        eventMarkers(svg, events, view, zoomIds);
        svg.end("g");

        svg.start("rect").attr("x", 0.5, 1).attr("y", 0.5, 1).attr("width", view.widthPx() - 1.0, 1)
            .attr("height", view.heightPx() - 1.0, 1).attr("fill", "none").attr("stroke", "#555").close();
        scaleBar(svg, scale, view.widthPx(), view.heightPx());
    }

    /** {@code matrix(s 0 0 -s tx ty)}: world metres (y up) to the view's pixels (y down). */
    static String worldTransform(final View view)
    {
        final double scale = view.scale();
        return "matrix(" + Markup.decimal(scale, 9) + " 0 0 " + Markup.decimal(-scale, 9) + " " +
            Markup.decimal(-view.minX() * scale, 3) + " " + Markup.decimal(view.maxY() * scale, 3) + ")";
    }

    /** A numbered marker of fixed pixel size at each event inside the view, linked to its zoom. */
    private static void eventMarkers(final SvgWriter svg, final List<RunEvent> events, final View view,
        final IntFunction<String> zoomIds)
    {
        if (events.isEmpty())
        {
            return;
        }
        svg.start("g").attr("class", "events").open();
        for (int i = 0; i < events.size(); i++)
        {
            final RunEvent event = events.get(i);
            if (usable(event.x(), event.y()) && view.contains(event.x(), event.y()))
            {
                EventStyle.mapMarker(svg, event, i + 1, view.pixelX(event.x()), view.pixelY(event.y()),
                    zoomIds.apply(i + 1));
            }
        }
        svg.end("g");
    }

    /** On the whole route's map, each segment's view as a dashed rectangle with the segment's number. */
    private static void segmentOutlines(final SvgWriter svg, final View whole, final List<Segment> segments)
    {
        if (segments.isEmpty())
        {
            return;
        }
        svg.start("g").attr("fill", "none").attr("stroke", "#555").attr("stroke-dasharray", "4 3")
            .attr("font-size", "11").attr("class", "segment-outlines").open();
        for (int k = 0; k < segments.size(); k++)
        {
            final View view = segments.get(k).view();
            final double x0 = Math.max(1.0, whole.pixelX(view.minX()));
            final double y0 = Math.max(1.0, whole.pixelY(view.maxY()));
            final double x1 = Math.min(whole.widthPx() - 1.0,
                whole.pixelX(view.minX() + view.widthPx() / view.scale()));
            final double y1 = Math.min(whole.heightPx() - 1.0,
                whole.pixelY(view.maxY() - view.heightPx() / view.scale()));
            svg.start("rect").attr("x", x0, 1).attr("y", y0, 1).attr("width", Math.max(0.0, x1 - x0), 1)
                .attr("height", Math.max(0.0, y1 - y0), 1).close();
            svg.start("text").attr("x", x0 + 3.0, 1).attr("y", y0 + 12.0, 1).attr("stroke", "none")
                .attr("fill", "#333").closeWithText(Integer.toString(k + 1), "text");
        }
        svg.end("g");
    }

    /**
     * The ego's path cut into pieces no piece of whose bounding box is wider or higher than
     * {@link #SEGMENT_SIDE_M} (more when that would give more than {@link #MAX_SEGMENTS}), consecutive pieces
     * sharing their end step; empty when the path fits one piece.
     */
    private static List<Segment> segments(final List<RunTrace.Step> steps)
    {
        double side = SEGMENT_SIDE_M;
        while (true)
        {
            final List<int[]> ranges = split(steps, side);
            if (ranges.size() <= MAX_SEGMENTS)
            {
                final List<Segment> segments = new ArrayList<>(ranges.size());
                if (ranges.size() < 2)
                {
                    return segments;
                }
                for (final int[] range : ranges)
                {
                    final Bounds bounds = new Bounds();
                    for (int i = range[0]; i <= range[1]; i++)
                    {
                        bounds.add(steps.get(i).x(), steps.get(i).y());
                    }
                    segments.add(new Segment(range[0], range[1], fit(bounds, MIN_SEGMENT_HEIGHT_PX, false)));
                }
                return segments;
            }
            side *= 1.5;
        }
    }

    private static List<int[]> split(final List<RunTrace.Step> steps, final double side)
    {
        final List<int[]> ranges = new ArrayList<>();
        Bounds bounds = new Bounds();
        int from = -1;
        int last = -1;
        for (int i = 0; i < steps.size(); i++)
        {
            final RunTrace.Step step = steps.get(i);
            if (!usable(step.x(), step.y()))
            {
                continue;
            }
            if (from < 0)
            {
                from = i;
            }
            else if (!bounds.fits(step.x(), step.y(), side))
            {
                ranges.add(new int[] {from, last});
                from = last;
                bounds = new Bounds();
                bounds.add(steps.get(last).x(), steps.get(last).y());
            }
            bounds.add(step.x(), step.y());
            last = i;
        }
        if (from >= 0 && last > from)
        {
            ranges.add(new int[] {from, last});
        }
        return ranges;
    }

    /** ": t = 12.3 to 45.6 s" over the finite times of the steps, or nothing. */
    private static String timeSpan(final List<RunTrace.Step> steps)
    {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (final RunTrace.Step step : steps)
        {
            if (Double.isFinite(step.timeS()))
            {
                low = Math.min(low, step.timeS());
                high = Math.max(high, step.timeS());
            }
        }
        return low > high ? "" : ": t = " + Markup.decimal(low, 1) + " to " + Markup.decimal(high, 1) + " s";
    }

    static void road(final SvgWriter svg, final List<RunTrace.RoadShape> road, final View view,
        final boolean sidewalks)
    {
        svg.start("g").attr("fill", "none").attr("stroke", sidewalks ? "#e4e2dc" : "#bdbdbd")
            .attr("stroke-linejoin", "round").attr("class", sidewalks ? "sidewalks" : "lanes").open();
        for (final RunTrace.RoadShape shape : road)
        {
            if (null == shape || shape.sidewalk() != sidewalks || null == shape.xy())
            {
                continue;
            }
            final double width = Double.isFinite(shape.widthM()) && shape.widthM() > 0.0 ?
                shape.widthM() : DEFAULT_LANE_WIDTH_M;
            final double[] xy = usablePoints(shape.xy());
            final Bounds bounds = new Bounds();
            for (int i = 0; i + 1 < xy.length; i += 2)
            {
                bounds.add(xy[i], xy[i + 1]);
            }
            if (bounds.isEmpty() || !view.overlaps(bounds, width / 2.0))
            {
                continue;
            }
            final String d = SvgWriter.pathData(xy, WORLD_DECIMALS, MIN_STEP_PX / view.scale());
            if (!d.isEmpty())
            {
                svg.start("path").attr("d", d).attr("stroke-width", width, 2).close();
            }
        }
        svg.end("g");
    }

    private static void snapshot(final SvgWriter svg, final RunTrace.Snapshot snapshot, final double[] timeRange,
        final double scale)
    {
        final double fraction = timeFraction(snapshot.timeS(), timeRange);
        final String colour = timeColour(fraction);
        svg.start("g").attr("fill", colour).attr("stroke", colour).attr("fill-opacity", 0.2 + 0.5 * fraction, 2)
            .attr("stroke-width", 1.0 / scale, STROKE_DECIMALS).attr("class", "snapshot").open();
        final String d = SvgWriter.pathData(usablePoints(snapshot.trajectoryXy()), WORLD_DECIMALS,
            MIN_STEP_PX / scale);
        if (!d.isEmpty())
        {
            svg.start("path").attr("d", d).attr("fill", "none").attr("stroke-width", 1.2 / scale, STROKE_DECIMALS)
                .attr("class", "trajectory").close();
        }
        agents(svg, snapshot, scale);
        svg.end("g");
    }

    /**
     * The snapshot's road users in world metres, in the colours of the enclosing group: vehicles, cyclists and
     * static objects as rotated rectangles of their size, pedestrians as circles.
     */
    static void agents(final SvgWriter svg, final RunTrace.Snapshot snapshot, final double scale)
    {
        final double[] xy = snapshot.agentXy();
        final int agents = agentCount(snapshot);
        for (int i = 0; i < agents; i++)
        {
            final double x = xy[2 * i];
            final double y = xy[2 * i + 1];
            if (!usable(x, y))
            {
                continue;
            }
            final byte kind = snapshot.agentKind()[i];
            if (kind == SceneCodes.PEDESTRIAN)
            {
                svg.start("circle").attr("cx", x, WORLD_DECIMALS).attr("cy", y, WORLD_DECIMALS)
                    .attr("r", Math.max(PEDESTRIAN_RADIUS_M, 1.5 / scale), 3).attr("class", "pedestrian").close();
            }
            else
            {
                final boolean vehicle = kind == SceneCodes.VEHICLE;
                final double length = size(snapshot.agentLength()[i], vehicle ? VEHICLE_LENGTH_M : OTHER_SIZE_M);
                final double width = size(snapshot.agentWidth()[i], vehicle ? VEHICLE_WIDTH_M : OTHER_SIZE_M);
                final double heading = snapshot.agentHeading()[i];
                svg.start("rect").attr("x", -length / 2.0, WORLD_DECIMALS).attr("y", -width / 2.0, WORLD_DECIMALS)
                    .attr("width", length, WORLD_DECIMALS).attr("height", width, WORLD_DECIMALS)
                    .placed(x, y, Double.isFinite(heading) ? heading * DEGREES_PER_RADIAN : 0.0, WORLD_DECIMALS)
                    .attr("class", kindName(kind)).close();
            }
        }
    }

    /** The ego's path through the steps in the view (plus a margin), broken where it leaves the view. */
    static void egoPath(final SvgWriter svg, final List<RunTrace.Step> steps, final View view,
        final String cssClass)
    {
        final double scale = view.scale();
        final double[] xy = new double[2 * steps.size()];
        for (int i = 0; i < steps.size(); i++)
        {
            final RunTrace.Step step = steps.get(i);
            final boolean usable = usable(step.x(), step.y()) && view.near(step.x(), step.y(), PATH_PADDING_M);
            xy[2 * i] = usable ? step.x() : Double.NaN;
            xy[2 * i + 1] = usable ? step.y() : Double.NaN;
        }
        final String d = SvgWriter.pathData(xy, WORLD_DECIMALS, MIN_STEP_PX / scale);
        if (!d.isEmpty())
        {
            svg.start("path").attr("d", d).attr("fill", "none").attr("stroke", "#111")
                .attr("stroke-width", 2.0 / scale, STROKE_DECIMALS).attr("class", cssClass).close();
        }
    }

    private static void egoFootprints(final SvgWriter svg, final RunTrace trace, final List<RunTrace.Step> steps,
        final double scale)
    {
        final double length = size(trace.egoLengthM(), VEHICLE_LENGTH_M);
        final double width = size(trace.egoWidthM(), VEHICLE_WIDTH_M);
        svg.start("g").attr("fill", "#ffffff").attr("fill-opacity", "0.75").attr("stroke", "#111")
            .attr("stroke-width", 1.5 / scale, STROKE_DECIMALS).attr("class", "ego").open();
        for (final RunTrace.Step step : footprintSteps(steps, length))
        {
            final double degrees = Double.isFinite(step.heading()) ? step.heading() * DEGREES_PER_RADIAN : 0.0;
            svg.start("rect").attr("x", -length / 2.0, WORLD_DECIMALS).attr("y", -width / 2.0, WORLD_DECIMALS)
                .attr("width", length, WORLD_DECIMALS).attr("height", width, WORLD_DECIMALS)
                .placed(step.x(), step.y(), degrees, WORLD_DECIMALS).close();
            // The front half of the centre line shows which way the ego faces.
            svg.start("line").attr("x1", 0.0, 1).attr("y1", 0.0, 1).attr("x2", length / 2.0, WORLD_DECIMALS)
                .attr("y2", 0.0, 1).placed(step.x(), step.y(), degrees, WORLD_DECIMALS).close();
        }
        svg.end("g");
    }

    /** Start and end of the ego's path and the times of its footprints, drawn in pixels so text stays upright. */
    private static void egoLabels(final SvgWriter svg, final RunTrace trace, final List<RunTrace.Step> panelSteps,
        final View view)
    {
        final List<RunTrace.Step> steps = trace.steps();
        svg.start("g").attr("font-size", "11").attr("fill", "#111").open();
        for (final RunTrace.Step step : footprintSteps(panelSteps, size(trace.egoLengthM(), VEHICLE_LENGTH_M)))
        {
            if (Double.isFinite(step.timeS()))
            {
                svg.text(view.pixelX(step.x()) + 6.0, view.pixelY(step.y()) - 8.0, "start",
                    "t=" + Markup.decimal(step.timeS(), 1) + " s");
            }
        }
        if (!steps.isEmpty())
        {
            final RunTrace.Step first = steps.get(0);
            if (usable(first.x(), first.y()))
            {
                svg.start("circle").attr("cx", view.pixelX(first.x()), 1).attr("cy", view.pixelY(first.y()), 1)
                    .attr("r", "4").attr("fill", "#2e7d32").attr("class", "ego-start").close();
            }
        }
        svg.end("g");
    }

    static void scaleBar(final SvgWriter svg, final double scale, final double widthPx, final double mapHeight)
    {
        final double metres = roundLength(widthPx / scale / 5.0);
        final double pixels = metres * scale;
        final double x = 12.0;
        final double y = mapHeight - 14.0;
        svg.start("g").attr("class", "scale-bar").open();
        svg.start("rect").attr("x", x - 6.0, 1).attr("y", y - 20.0, 1).attr("width", pixels + 12.0, 1)
            .attr("height", 28.0, 1).attr("fill", "#ffffff").attr("fill-opacity", "0.8").close();
        svg.start("path").attr("d", "M" + Markup.decimal(x, 1) + " " + Markup.decimal(y - 5.0, 1) + " V" +
            Markup.decimal(y, 1) + " H" + Markup.decimal(x + pixels, 1) + " V" + Markup.decimal(y - 5.0, 1))
            .attr("fill", "none").attr("stroke", "#111").attr("stroke-width", "2").close();
        svg.text(x + pixels / 2.0, y - 8.0, "middle", Markup.decimal(metres, 3) + " m");
        svg.end("g");
    }

    private static void legend(final SvgWriter svg, final String id, final double[] timeRange,
        final double mapHeight)
    {
        final double top = mapHeight + 12.0;
        svg.start("g").attr("font-size", "11").attr("fill", "#111").attr("class", "legend").open();
        svg.text(12.0, top + 8.0, "start", "snapshot time");
        svg.start("rect").attr("x", 100.0, 1).attr("y", top, 1).attr("width", 200.0, 1).attr("height", 10.0, 1)
            .attr("fill", "url(#" + id + "-time)").close();
        final boolean times = Double.isFinite(timeRange[0]);
        svg.text(100.0, top + 24.0, "start", times ? Markup.decimal(timeRange[0], 1) + " s" : "no snapshots");
        if (times)
        {
            svg.text(300.0, top + 24.0, "end", Markup.decimal(timeRange[1], 1) + " s");
        }

        final double keyX = 340.0;
        svg.start("line").attr("x1", keyX, 1).attr("y1", top + 5.0, 1).attr("x2", keyX + 20.0, 1)
            .attr("y2", top + 5.0, 1).attr("stroke", "#111").attr("stroke-width", "2").close();
        svg.text(keyX + 24.0, top + 9.0, "start", "ego path");
        svg.start("rect").attr("x", keyX + 90.0, 1).attr("y", top, 1).attr("width", 20.0, 1)
            .attr("height", 9.0, 1).attr("fill", "#fff").attr("stroke", "#111").close();
        svg.text(keyX + 114.0, top + 9.0, "start", "ego footprint");
        svg.start("line").attr("x1", keyX, 1).attr("y1", top + 27.0, 1).attr("x2", keyX + 20.0, 1)
            .attr("y2", top + 27.0, 1).attr("stroke", timeColour(0.5)).attr("stroke-width", "1.2").close();
        svg.text(keyX + 24.0, top + 31.0, "start", "planned trajectory");
        svg.start("rect").attr("x", keyX + 140.0, 1).attr("y", top + 22.0, 1).attr("width", 20.0, 1)
            .attr("height", 9.0, 1).attr("fill", timeColour(0.5)).attr("fill-opacity", "0.45")
            .attr("stroke", timeColour(0.5)).close();
        svg.text(keyX + 164.0, top + 31.0, "start", "vehicle");
        svg.start("circle").attr("cx", keyX + 230.0, 1).attr("cy", top + 27.0, 1).attr("r", "4")
            .attr("fill", timeColour(0.5)).attr("fill-opacity", "0.45").attr("stroke", timeColour(0.5)).close();
        svg.text(keyX + 240.0, top + 31.0, "start", "pedestrian");
        svg.end("g");
    }

    /**
     * Up to {@link #EGO_FOOTPRINTS} steps with a usable position, spread evenly over the run, first included;
     * a step within one ego length of the one chosen before it is skipped, so a standing ego is drawn once.
     */
    private static List<RunTrace.Step> footprintSteps(final List<RunTrace.Step> steps, final double egoLength)
    {
        final List<RunTrace.Step> chosen = new ArrayList<>(EGO_FOOTPRINTS);
        final int count = Math.min(EGO_FOOTPRINTS, steps.size());
        for (int k = 0; k < count; k++)
        {
            final int index = count == 1 ? 0 : (int)Math.round(k * (steps.size() - 1) / (double)(count - 1));
            final RunTrace.Step step = steps.get(index);
            if (!usable(step.x(), step.y()))
            {
                continue;
            }
            final RunTrace.Step previous = chosen.isEmpty() ? null : chosen.get(chosen.size() - 1);
            if (null == previous || Math.hypot(step.x() - previous.x(), step.y() - previous.y()) >= egoLength)
            {
                chosen.add(step);
            }
        }
        return chosen;
    }

    /** Agents fully described by every array of the snapshot; a shorter array bounds the count. */
    static int agentCount(final RunTrace.Snapshot snapshot)
    {
        if (null == snapshot.agentXy() || null == snapshot.agentHeading() || null == snapshot.agentLength() ||
            null == snapshot.agentWidth() || null == snapshot.agentKind())
        {
            return 0;
        }
        return Math.min(Math.min(snapshot.agentXy().length / 2, snapshot.agentHeading().length),
            Math.min(Math.min(snapshot.agentLength().length, snapshot.agentWidth().length),
            snapshot.agentKind().length));
    }

    static String kindName(final byte kind)
    {
        switch (kind)
        {
            case SceneCodes.VEHICLE:
                return "vehicle";
            case SceneCodes.CYCLIST:
                return "cyclist";
            case SceneCodes.STATIC:
                return "static";
            default:
                return "agent";
        }
    }

    private static Bounds snapshotBounds(final List<RunTrace.Snapshot> snapshots)
    {
        final Bounds bounds = new Bounds();
        for (final RunTrace.Snapshot snapshot : snapshots)
        {
            bounds.addAll(snapshot.trajectoryXy());
            bounds.addAll(snapshot.agentXy());
        }
        return bounds;
    }

    private static Bounds roadBounds(final List<RunTrace.RoadShape> road)
    {
        final Bounds bounds = new Bounds();
        for (final RunTrace.RoadShape shape : road)
        {
            if (null != shape)
            {
                bounds.addAll(shape.xy());
            }
        }
        return bounds;
    }

    /** [first, last] finite snapshot time, else of the steps, else NaN. */
    private static double[] snapshotTimeRange(final RunTrace trace)
    {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (final RunTrace.Snapshot snapshot : trace.snapshots())
        {
            if (Double.isFinite(snapshot.timeS()))
            {
                low = Math.min(low, snapshot.timeS());
                high = Math.max(high, snapshot.timeS());
            }
        }
        if (low > high)
        {
            for (final RunTrace.Step step : trace.steps())
            {
                if (Double.isFinite(step.timeS()))
                {
                    low = Math.min(low, step.timeS());
                    high = Math.max(high, step.timeS());
                }
            }
        }
        return low > high ? new double[] {Double.NaN, Double.NaN} : new double[] {low, high};
    }

    private static double timeFraction(final double timeS, final double[] range)
    {
        if (!Double.isFinite(timeS) || !(range[1] > range[0]))
        {
            return 0.0;
        }
        return Math.max(0.0, Math.min(1.0, (timeS - range[0]) / (range[1] - range[0])));
    }

    /** Blue at 0 through cyan, green and yellow to red at 1: hue falls from 230 to 0 degrees. */
    private static String timeColour(final double fraction)
    {
        return "hsl(" + Math.round(230.0 * (1.0 - fraction)) + ",75%,45%)";
    }

    /** The largest of 1, 2 or 5 times a power of ten not above {@code metres} (at least 1 cm). */
    private static double roundLength(final double metres)
    {
        final double power = Math.pow(10.0, Math.floor(Math.log10(Math.max(0.01, metres))));
        final double fraction = Math.max(0.01, metres) / power;
        return (fraction >= 5.0 ? 5.0 : fraction >= 2.0 ? 2.0 : 1.0) * power;
    }

    static double size(final double metres, final double fallback)
    {
        return Double.isFinite(metres) && metres > 0.0 && metres <= MAX_SIZE_M ? metres : fallback;
    }

    static boolean usable(final double x, final double y)
    {
        return Math.abs(x) <= WORLD_LIMIT_M && Math.abs(y) <= WORLD_LIMIT_M;
    }

    /** A copy of x0,y0,... with NaN for points that are not {@link #usable}; empty for null. */
    static double[] usablePoints(final double[] xy)
    {
        if (null == xy)
        {
            return new double[0];
        }
        final double[] copy = new double[xy.length - xy.length % 2];
        for (int i = 0; i + 1 < xy.length; i += 2)
        {
            final boolean usable = usable(xy[i], xy[i + 1]);
            copy[i] = usable ? xy[i] : Double.NaN;
            copy[i + 1] = usable ? xy[i + 1] : Double.NaN;
        }
        return copy;
    }

    /** Bounding box of the usable points added. Not thread safe: a local of one render. */
    static final class Bounds
    {
        double minX = Double.POSITIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;

        void add(final double x, final double y)
        {
            if (usable(x, y))
            {
                minX = Math.min(minX, x);
                minY = Math.min(minY, y);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
            }
        }

        void addAll(final double[] xy)
        {
            if (null != xy)
            {
                for (int i = 0; i + 1 < xy.length; i += 2)
                {
                    add(xy[i], xy[i + 1]);
                }
            }
        }

        boolean isEmpty()
        {
            return minX > maxX;
        }

        /** Whether the box with (x, y) added would be at most {@code side} wide and high. */
        boolean fits(final double x, final double y, final double side)
        {
            return Math.max(maxX, x) - Math.min(minX, x) <= side && Math.max(maxY, y) - Math.min(minY, y) <= side;
        }
    }

    /** The world rectangle shown, left and top edges in metres, and its pixel mapping (y flipped). Immutable. */
    record View(double minX, double maxY, double scale, double widthPx, double heightPx)
    {
        double pixelX(final double x)
        {
            return (x - minX) * scale;
        }

        double pixelY(final double y)
        {
            return (maxY - y) * scale;
        }

        boolean contains(final double x, final double y)
        {
            return near(x, y, 0.0);
        }

        /** Whether (x, y) is in the view grown by {@code padding} metres on every side. */
        boolean near(final double x, final double y, final double padding)
        {
            return x >= minX - padding && x <= minX + widthPx / scale + padding && y <= maxY + padding &&
                y >= maxY - heightPx / scale - padding;
        }

        boolean overlaps(final Bounds bounds, final double padding)
        {
            if (bounds.isEmpty())
            {
                return false;
            }
            final double maxX = minX + widthPx / scale;
            final double minY = maxY - heightPx / scale;
            return bounds.maxX + padding >= minX && bounds.minX - padding <= maxX &&
                bounds.maxY + padding >= minY && bounds.minY - padding <= this.maxY;
        }
    }

    /** One map picture: its view, its clip path's id and the steps whose footprints it shows. Immutable. */
    private record Panel(View view, String clipId, List<RunTrace.Step> steps)
    {
    }

    /** A piece of the ego's path, steps from..to inclusive, and its view. Immutable. */
    private record Segment(int from, int to, View view)
    {
    }
}
