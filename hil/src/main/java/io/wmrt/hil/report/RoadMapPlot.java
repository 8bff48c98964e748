package io.wmrt.hil.report;

import io.wmrt.bus.SceneCodes;
import io.wmrt.hil.run.RunTrace;
import java.util.ArrayList;
import java.util.List;

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

    private static final double LEGEND_PX = 64.0;
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
     * @param trace what to draw
     * @param id    unique in the page and a valid HTML id; prefixes the plot's clip path and gradient ids
     */
    static String render(final RunTrace trace, final String id)
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

        final double worldWidth = seen.maxX - seen.minX + 2.0 * MARGIN_M;
        final double worldHeight = seen.maxY - seen.minY + 2.0 * MARGIN_M;
        final double mapHeight = nothing ? MIN_MAP_HEIGHT_PX : Math.max(MIN_MAP_HEIGHT_PX,
            Math.min(MAX_MAP_HEIGHT_PX, Math.rint(WIDTH_PX * worldHeight / worldWidth)));
        // Pixels per metre, rounded as the transform writes it so that overlays and scale bar agree with it.
        final double scale = Math.rint(Math.min(WIDTH_PX / worldWidth, mapHeight / worldHeight) * 1e9) / 1e9;
        final View view = new View(
            (seen.minX + seen.maxX) / 2.0 - WIDTH_PX / scale / 2.0,
            (seen.minY + seen.maxY) / 2.0 + mapHeight / scale / 2.0,
            scale, mapHeight);

        final double[] timeRange = snapshotTimeRange(trace);
        final SvgWriter svg = new SvgWriter(WIDTH_PX, mapHeight + LEGEND_PX, "Map: road, ego path, planned " +
            "trajectories and road users");
        defs(svg, id, mapHeight);
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", WIDTH_PX, 1)
            .attr("height", mapHeight, 1).attr("fill", "#f7f7f4").close();

        svg.start("g").attr("clip-path", "url(#" + id + "-clip)").open();
        svg.start("g").attr("transform", "matrix(" + Markup.decimal(scale, 9) + " 0 0 " +
            Markup.decimal(-scale, 9) + " " + Markup.decimal(-view.minX * scale, 3) + " " +
            Markup.decimal(view.maxY * scale, 3) + ")").open();
        road(svg, trace.road(), view, true);
        road(svg, trace.road(), view, false);
        for (final RunTrace.Snapshot snapshot : trace.snapshots())
        {
            snapshot(svg, snapshot, timeRange, scale);
        }
        egoPath(svg, trace.steps(), scale);
        egoFootprints(svg, trace, scale);
        svg.end("g");
        egoLabels(svg, trace, view);
        svg.end("g");

        svg.start("rect").attr("x", 0.5, 1).attr("y", 0.5, 1).attr("width", WIDTH_PX - 1.0, 1)
            .attr("height", mapHeight - 1.0, 1).attr("fill", "none").attr("stroke", "#555").close();
        if (path.isEmpty())
        {
            svg.text(WIDTH_PX / 2.0, 20.0, "middle", "no ego path recorded");
        }
        scaleBar(svg, scale, mapHeight);
        legend(svg, id, timeRange, mapHeight);
        return svg.finish();
    }

    private static void defs(final SvgWriter svg, final String id, final double mapHeight)
    {
        svg.start("defs").open();
        svg.start("clipPath").attr("id", id + "-clip").open();
        svg.start("rect").attr("x", 0.0, 1).attr("y", 0.0, 1).attr("width", WIDTH_PX, 1)
            .attr("height", mapHeight, 1).close();
        svg.end("clipPath");
        svg.start("linearGradient").attr("id", id + "-time").open();
        for (int i = 0; i <= 4; i++)
        {
            svg.start("stop").attr("offset", i / 4.0, 2).attr("stop-color", timeColour(i / 4.0)).close();
        }
        svg.end("linearGradient");
        svg.end("defs");
    }

    private static void road(final SvgWriter svg, final List<RunTrace.RoadShape> road, final View view,
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
            final String d = SvgWriter.pathData(xy, WORLD_DECIMALS, MIN_STEP_PX / view.scale);
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
        svg.end("g");
    }

    private static void egoPath(final SvgWriter svg, final List<RunTrace.Step> steps, final double scale)
    {
        final double[] xy = new double[2 * steps.size()];
        for (int i = 0; i < steps.size(); i++)
        {
            final RunTrace.Step step = steps.get(i);
            final boolean usable = usable(step.x(), step.y());
            xy[2 * i] = usable ? step.x() : Double.NaN;
            xy[2 * i + 1] = usable ? step.y() : Double.NaN;
        }
        final String d = SvgWriter.pathData(xy, WORLD_DECIMALS, MIN_STEP_PX / scale);
        if (!d.isEmpty())
        {
            svg.start("path").attr("d", d).attr("fill", "none").attr("stroke", "#111")
                .attr("stroke-width", 2.0 / scale, STROKE_DECIMALS).attr("class", "ego-path").close();
        }
    }

    private static void egoFootprints(final SvgWriter svg, final RunTrace trace, final double scale)
    {
        final double length = size(trace.egoLengthM(), VEHICLE_LENGTH_M);
        final double width = size(trace.egoWidthM(), VEHICLE_WIDTH_M);
        svg.start("g").attr("fill", "#ffffff").attr("fill-opacity", "0.75").attr("stroke", "#111")
            .attr("stroke-width", 1.5 / scale, STROKE_DECIMALS).attr("class", "ego").open();
        for (final RunTrace.Step step : footprintSteps(trace.steps(), length))
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
    private static void egoLabels(final SvgWriter svg, final RunTrace trace, final View view)
    {
        final List<RunTrace.Step> steps = trace.steps();
        svg.start("g").attr("font-size", "11").attr("fill", "#111").open();
        for (final RunTrace.Step step : footprintSteps(steps, size(trace.egoLengthM(), VEHICLE_LENGTH_M)))
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

    private static void scaleBar(final SvgWriter svg, final double scale, final double mapHeight)
    {
        final double metres = roundLength(WIDTH_PX / scale / 5.0);
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
    private static int agentCount(final RunTrace.Snapshot snapshot)
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

    private static String kindName(final byte kind)
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

    private static double size(final double metres, final double fallback)
    {
        return Double.isFinite(metres) && metres > 0.0 && metres <= MAX_SIZE_M ? metres : fallback;
    }

    private static boolean usable(final double x, final double y)
    {
        return Math.abs(x) <= WORLD_LIMIT_M && Math.abs(y) <= WORLD_LIMIT_M;
    }

    /** A copy of x0,y0,... with NaN for points that are not {@link #usable}; empty for null. */
    private static double[] usablePoints(final double[] xy)
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
    private static final class Bounds
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
    }

    /** The world rectangle shown, left and top edges in metres, and its pixel mapping (y flipped). Immutable. */
    private record View(double minX, double maxY, double scale, double heightPx)
    {
        double pixelX(final double x)
        {
            return (x - minX) * scale;
        }

        double pixelY(final double y)
        {
            return (maxY - y) * scale;
        }

        boolean overlaps(final Bounds bounds, final double padding)
        {
            final double maxX = minX + WIDTH_PX / scale;
            final double minY = maxY - heightPx / scale;
            return bounds.maxX + padding >= minX && bounds.minX - padding <= maxX &&
                bounds.maxY + padding >= minY && bounds.minY - padding <= this.maxY;
        }
    }
}
