package io.wmrt.hil.scenario.generate;

import io.wmrt.hil.net.RoadNetwork;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a built SUMO network for connections whose lanes do not follow on from each other: a junction's internal
 * lane that starts away from the end of the lane feeding it, or that heads back against it. netconvert produces
 * such a net without a warning when a junction's shape grows past the edges around it (it did for the corridor's
 * ramp merge with a two-way main road: the main road's internal lane ran 47 m backwards), and SUMO then reports
 * the vehicles on it moving the wrong way at twice their speed, which the rig renders into the scene as
 * oncoming traffic. A generated scenario with such a net is refused.
 */
public final class LaneContinuity
{
    /** Largest gap allowed between a lane's end and the start of the internal lane that continues it. */
    static final double MAX_GAP_M = 1.0;
    /** Largest turn allowed between a lane's last segment and the internal lane's overall direction. */
    static final double MAX_TURN_RAD = Math.toRadians(100);

    private LaneContinuity()
    {
    }

    /**
     * Every connection of {@code net} through an internal lane that does not continue its incoming lane, as
     * {@code "from_lane -> via -> to_lane: why"}; empty when the net is sound.
     *
     * @throws IOException naming the file when it cannot be read as a SUMO network
     */
    public static List<String> problems(final Path net) throws IOException
    {
        final Document document = RoadNetwork.readNet(net);
        final Map<String, double[]> shapes = new HashMap<>();
        final NodeList lanes = document.getElementsByTagName("lane");
        for (int i = 0; i < lanes.getLength(); i++)
        {
            final Element lane = (Element)lanes.item(i);
            shapes.put(lane.getAttribute("id"), shape(net, lane.getAttribute("id"), lane.getAttribute("shape")));
        }
        final List<String> problems = new ArrayList<>();
        final NodeList connections = document.getElementsByTagName("connection");
        for (int i = 0; i < connections.getLength(); i++)
        {
            final Element c = (Element)connections.item(i);
            final String via = c.getAttribute("via");
            if (via.isEmpty())
            {
                continue;
            }
            final String from = c.getAttribute("from") + "_" + c.getAttribute("fromLane");
            final String to = c.getAttribute("to") + "_" + c.getAttribute("toLane");
            final double[] in = shapes.get(from);
            final double[] through = shapes.get(via);
            if (null == in || null == through)
            {
                problems.add(from + " -> " + via + " -> " + to + ": lane missing from the net");
                continue;
            }
            final String why = why(in, through);
            if (null != why)
            {
                problems.add(from + " -> " + via + " -> " + to + ": " + why);
            }
        }
        return problems;
    }

    /** Why the internal lane {@code through} does not continue {@code in}, or null when it does. */
    static String why(final double[] in, final double[] through)
    {
        final int n = in.length;
        final double endX = in[n - 2];
        final double endY = in[n - 1];
        final double gap = Math.hypot(through[0] - endX, through[1] - endY);
        if (gap > MAX_GAP_M)
        {
            return String.format("starts %.1f m from the end of the lane feeding it", gap);
        }
        final double inHeading = Math.atan2(endY - in[n - 3], endX - in[n - 4]);
        final int m = through.length;
        final double dx = through[m - 2] - through[0];
        final double dy = through[m - 1] - through[1];
        if (Math.hypot(dx, dy) < MAX_GAP_M)
        {
            return null;
        }
        final double turn = Math.abs(Math.IEEEremainder(Math.atan2(dy, dx) - inHeading, 2 * Math.PI));
        if (turn > MAX_TURN_RAD)
        {
            return String.format("runs %.0f degrees against the lane feeding it for %.1f m", Math.toDegrees(turn),
                Math.hypot(dx, dy));
        }
        return null;
    }

    private static double[] shape(final Path net, final String lane, final String text) throws IOException
    {
        final String[] points = text.trim().split("\\s+");
        if (points.length < 2)
        {
            throw new IOException(net + ": lane " + lane + " has a shape of fewer than two points");
        }
        final double[] xy = new double[2 * points.length];
        for (int i = 0; i < points.length; i++)
        {
            final String[] p = points[i].split(",");
            try
            {
                xy[2 * i] = Double.parseDouble(p[0]);
                xy[2 * i + 1] = Double.parseDouble(p[1]);
            }
            catch (final NumberFormatException | ArrayIndexOutOfBoundsException ex)
            {
                throw new IOException(net + ": lane " + lane + " has an unreadable shape point '" + points[i] + "'");
            }
            if (!Double.isFinite(xy[2 * i]) || !Double.isFinite(xy[2 * i + 1]))
            {
                throw new IOException(net + ": lane " + lane + " has a shape point that is not finite '" + points[i] + "'");
            }
        }
        return xy;
    }
}
