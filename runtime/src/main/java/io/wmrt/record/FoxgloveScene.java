package io.wmrt.record;

import io.wmrt.bus.SceneCodes;
import io.wmrt.planner.CandidateSet;
import io.wmrt.sbe.CandidatesDecoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.TrajectoryDecoder;

/**
 * The bus's messages as the JSON messages Foxglove renders without a plug-in: {@code foxglove.SceneUpdate}
 * entities in frame {@code map} (the scene's world frame: x east, y north) and a {@code foxglove.FrameTransform}
 * from {@code map} to {@code ego}.
 * <ul>
 *   <li>scene: entity {@code ego} (a cube), {@code agents} (a cube each, coloured by kind, with a text label),
 *   {@code route} (the centre line) and {@code stop-lines} (one line across the lane per light, red, yellow,
 *   green or grey);</li>
 *   <li>plan: entity {@code plan}, the published trajectory;</li>
 *   <li>candidates: entity {@code candidate-NN} per candidate, coloured from green (cheapest) to red (dearest
 *   scored), grey when not scored this tick, the chosen one thick and magenta; each carries its cost terms as
 *   metadata, which Foxglove shows on selection.</li>
 * </ul>
 * Values that are not finite (a frame the planner rejected may carry them) are written as 0, so every message
 * is valid JSON. Not thread safe; each call returns a new string.
 */
public final class FoxgloveScene
{
    private static final double LINE_Z = 0.05;

    private final StringBuilder json = new StringBuilder(64 * 1024);

    /** The scene: ego, agents, route and stop lines. */
    public String scene(final SceneFrameDecoder s)
    {
        json.setLength(0);
        final long t = Math.max(0, s.timestampNs());
        json.append("{\"deletions\":[],\"entities\":[");
        entityStart(t, "ego");
        json.append("\"cubes\":[");
        cube(s.egoX(), s.egoY(), s.egoHeading(), s.egoLength(), s.egoWidth(), 1.5, 0.2, 0.5, 1.0, 0.9);
        json.append("],\"lines\":[],\"texts\":[]");
        entityEnd(kv("speed_mps", s.egoSpeed()), kv("accel_mps2", s.egoAccel()), kv("sequence", s.sequence()));

        json.append(',');
        entityStart(t, "agents");
        final int agents = clampCount(s.agentCount(), SceneFrameDecoder.agentXLength());
        json.append("\"cubes\":[");
        for (int i = 0; i < agents; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            final double[] rgb = kindColour(s.agentKind(i));
            cube(s.agentX(i), s.agentY(i), s.agentHeading(i), s.agentLength(i), s.agentWidth(i),
                s.agentKind(i) == SceneCodes.PEDESTRIAN ? 1.8 : 1.5, rgb[0], rgb[1], rgb[2], 0.85);
        }
        json.append("],\"lines\":[],\"texts\":[");
        for (int i = 0; i < agents; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            json.append("{\"pose\":");
            pose(s.agentX(i), s.agentY(i), 2.5, 0);
            json.append(",\"billboard\":true,\"font_size\":14,\"scale_invariant\":true,\"color\":");
            colour(1, 1, 1, 1);
            json.append(",\"text\":\"").append(kindName(s.agentKind(i))).append(' ').append(s.agentId(i))
                .append(' ').append(fmt(s.agentSpeed(i))).append(" m/s\"}");
        }
        json.append(']');
        entityEnd(kv("count", agents));

        final int points = clampCount(s.routePointCount(), SceneFrameDecoder.routeXLength());
        json.append(',');
        entityStart(t, "route");
        json.append("\"cubes\":[],\"lines\":[{\"type\":0,\"pose\":");
        pose(0, 0, 0, 0);
        json.append(",\"thickness\":0.15,\"scale_invariant\":false,\"points\":[");
        for (int i = 0; i < points; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            point(s.routeX(i), s.routeY(i), LINE_Z);
        }
        json.append("],\"color\":");
        colour(1, 1, 1, 0.6);
        json.append(",\"colors\":[],\"indices\":[]}],\"texts\":[]");
        entityEnd(kv("lane_width_m", s.laneWidth()), kv("speed_limit_mps", s.speedLimit()));

        json.append(',');
        entityStart(t, "stop-lines");
        json.append("\"cubes\":[],\"lines\":[");
        final int lights = clampCount(s.lightCount(), SceneFrameDecoder.lightStopSLength());
        for (int i = 0; i < lights; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            stopLine(s, points, s.lightStopS(i), s.lightState(i));
        }
        json.append("],\"texts\":[]");
        entityEnd(kv("count", lights));
        json.append("]}");
        return json.toString();
    }

    /** The ego's pose in the map, for following it in the 3D panel. */
    public String egoTransform(final SceneFrameDecoder s)
    {
        json.setLength(0);
        json.append("{\"timestamp\":");
        time(Math.max(0, s.timestampNs()));
        json.append(",\"parent_frame_id\":\"map\",\"child_frame_id\":\"ego\",\"translation\":");
        point(s.egoX(), s.egoY(), 0);
        json.append(",\"rotation\":");
        yaw(s.egoHeading());
        json.append('}');
        return json.toString();
    }

    /** The published trajectory (world coordinates already). */
    public String plan(final TrajectoryDecoder p)
    {
        return plan(p, "plan", 1, 0.2, 1);
    }

    /** A shadow planner's plan: entity {@code shadow-plan}, cyan. */
    public String shadowPlan(final TrajectoryDecoder p)
    {
        return plan(p, "shadow-plan", 0.1, 0.9, 1);
    }

    /**
     * Where the shadow disagreed: entity {@code shadow-disagreement}, a text over the live plan's first waypoint
     * saying what differed, shown for a second.
     */
    public String disagreement(final long timestampNs, final double x, final double y, final String text)
    {
        json.setLength(0);
        json.append("{\"deletions\":[],\"entities\":[");
        json.append("{\"timestamp\":");
        time(Math.max(0, timestampNs));
        json.append(",\"frame_id\":\"map\",\"id\":\"shadow-disagreement\",\"lifetime\":{\"sec\":1,\"nsec\":0},")
            .append("\"frame_locked\":false,\"arrows\":[],\"spheres\":[],\"cylinders\":[],\"triangles\":[],")
            .append("\"models\":[],\"cubes\":[],\"lines\":[],\"texts\":[{\"pose\":");
        pose(x, y, 4, 0);
        json.append(",\"billboard\":true,\"font_size\":16,\"scale_invariant\":true,\"color\":");
        colour(1, 0.5, 0.1, 1);
        json.append(",\"text\":\"");
        for (int i = 0; i < text.length(); i++)
        {
            final char ch = text.charAt(i);
            json.append(ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : ' ');
        }
        json.append("\"}]");
        entityEnd();
        json.append("]}");
        return json.toString();
    }

    private String plan(final TrajectoryDecoder p, final String id, final double r, final double g, final double b)
    {
        json.setLength(0);
        json.append("{\"deletions\":[],\"entities\":[");
        entityStart(Math.max(0, p.sceneTimestampNs()), id);
        json.append("\"cubes\":[],\"lines\":[{\"type\":0,\"pose\":");
        pose(0, 0, 0, 0);
        json.append(",\"thickness\":0.35,\"scale_invariant\":false,\"points\":[");
        final int n = clampCount(p.waypointCount(), TrajectoryDecoder.wpXLength());
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            point(p.wpX(i), p.wpY(i), 2 * LINE_Z);
        }
        json.append("],\"color\":");
        colour(r, g, b, 1);
        json.append(",\"colors\":[],\"indices\":[]}],\"texts\":[]");
        entityEnd(kv("mode", p.mode().name()), kv("cost_total", p.costTotal()), kv("min_ttc_s", p.minTtcS()),
            kv("progress_m", p.progressM()), kv("tick_ms", p.tickNanos() / 1e6), kv("model", p.modelName().trim()));
        json.append("]}");
        return json.toString();
    }

    /**
     * Every candidate, placed in the map with the ego pose of the scene they were planned on.
     */
    public String candidates(final CandidatesDecoder c, final double egoX, final double egoY, final double egoHeading)
    {
        json.setLength(0);
        final int count = c.candidateCount();
        final int steps = c.stepCount();
        final int scored = c.scoredCount();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < scored; k++)
        {
            final double total = c.costTotal(k);
            if (Double.isFinite(total))
            {
                lo = Math.min(lo, total);
                hi = Math.max(hi, total);
            }
        }
        final double cos = Math.cos(egoHeading);
        final double sin = Math.sin(egoHeading);
        final long t = Math.max(0, c.sceneTimestampNs());
        json.append("{\"deletions\":[],\"entities\":[");
        for (int k = 0; k < count; k++)
        {
            if (k > 0)
            {
                json.append(',');
            }
            entityStart(t, k < 10 ? "candidate-0" + k : "candidate-" + k);
            final boolean chosen = k == c.chosen();
            json.append("\"cubes\":[],\"lines\":[{\"type\":0,\"pose\":");
            pose(0, 0, 0, 0);
            json.append(",\"thickness\":").append(chosen ? "0.25" : "0.06").append(",\"scale_invariant\":false,\"points\":[");
            for (int i = 0; i < steps; i++)
            {
                if (i > 0)
                {
                    json.append(',');
                }
                final double x = c.stepX(k * steps + i);
                final double y = c.stepY(k * steps + i);
                point(egoX + cos * x - sin * y, egoY + sin * x + cos * y, 3 * LINE_Z);
            }
            json.append("],\"color\":");
            if (chosen)
            {
                colour(1, 0.2, 1, 1);
            }
            else if (k >= scored)
            {
                colour(0.5, 0.5, 0.5, 0.4);
            }
            else
            {
                final double f = hi > lo ? Math.min(1, Math.max(0, (c.costTotal(k) - lo) / (hi - lo))) : 0;
                colour(f, 1 - f, 0.1, 0.7);
            }
            json.append(",\"colors\":[],\"indices\":[]}],\"texts\":[]");
            entityEnd(kv("behaviour", CandidateSet.behaviourName(c.behaviour(k))), kv("chosen", String.valueOf(chosen)),
                kv("scored", String.valueOf(k < scored)), kv("total", c.costTotal(k)),
                kv("collision", c.costCollision(k)), kv("ttc", c.costTtc(k)), kv("progress", c.costProgress(k)),
                kv("comfort", c.costComfort(k)), kv("lane", c.costLane(k)), kv("red_light", c.costRedLight(k)),
                kv("pedestrian", c.costPedestrian(k)), kv("consistency", c.costConsistency(k)),
                kv("risk", c.costRisk(k)));
        }
        json.append("]}");
        return json.toString();
    }

    private void stopLine(final SceneFrameDecoder s, final int points, final double stopS, final byte state)
    {
        // The point at arc length stopS along the route (the ends extended), and the line across the lane there.
        double x = points > 0 ? s.routeX(0) : 0;
        double y = points > 0 ? s.routeY(0) : 0;
        double hx = 1;
        double hy = 0;
        double walked = 0;
        for (int i = 0; i + 1 < points; i++)
        {
            final double dx = s.routeX(i + 1) - s.routeX(i);
            final double dy = s.routeY(i + 1) - s.routeY(i);
            final double len = Math.hypot(dx, dy);
            if (!(len > 0))
            {
                continue;
            }
            hx = dx / len;
            hy = dy / len;
            x = s.routeX(i);
            y = s.routeY(i);
            if (walked + len >= stopS || i + 2 == points)
            {
                break;
            }
            walked += len;
        }
        final double along = stopS - walked;
        final double cx = x + hx * along;
        final double cy = y + hy * along;
        final double half = 0.5 * s.laneWidth();
        json.append("{\"type\":0,\"pose\":");
        pose(0, 0, 0, 0);
        json.append(",\"thickness\":0.4,\"scale_invariant\":false,\"points\":[");
        point(cx - hy * half, cy + hx * half, LINE_Z);
        json.append(',');
        point(cx + hy * half, cy - hx * half, LINE_Z);
        json.append("],\"color\":");
        if (state == SceneCodes.LIGHT_RED)
        {
            colour(1, 0.1, 0.1, 1);
        }
        else if (state == SceneCodes.LIGHT_YELLOW)
        {
            colour(1, 0.85, 0.1, 1);
        }
        else if (state == SceneCodes.LIGHT_GREEN)
        {
            colour(0.1, 0.9, 0.2, 1);
        }
        else
        {
            colour(0.6, 0.6, 0.6, 1);
        }
        json.append(",\"colors\":[],\"indices\":[]}");
    }

    private void entityStart(final long timestampNs, final String id)
    {
        json.append("{\"timestamp\":");
        time(timestampNs);
        json.append(",\"frame_id\":\"map\",\"id\":\"").append(id)
            .append("\",\"lifetime\":{\"sec\":0,\"nsec\":0},\"frame_locked\":false,")
            .append("\"arrows\":[],\"spheres\":[],\"cylinders\":[],\"triangles\":[],\"models\":[],");
    }

    private void entityEnd(final String... metadata)
    {
        json.append(",\"metadata\":[");
        for (int i = 0; i < metadata.length; i++)
        {
            if (i > 0)
            {
                json.append(',');
            }
            json.append(metadata[i]);
        }
        json.append("]}");
    }

    private static String kv(final String key, final double value)
    {
        return "{\"key\":\"" + key + "\",\"value\":\"" + fmt(value) + "\"}";
    }

    private static String kv(final String key, final long value)
    {
        return "{\"key\":\"" + key + "\",\"value\":\"" + value + "\"}";
    }

    private static String kv(final String key, final String value)
    {
        final StringBuilder clean = new StringBuilder();
        for (int i = 0; i < value.length(); i++)
        {
            final char ch = value.charAt(i);
            clean.append(ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\' ? ch : '?');
        }
        return "{\"key\":\"" + key + "\",\"value\":\"" + clean + "\"}";
    }

    private void cube(final double x, final double y, final double heading, final double length, final double width,
        final double height, final double r, final double g, final double b, final double a)
    {
        json.append("{\"pose\":");
        pose(x, y, 0.5 * height, heading);
        json.append(",\"size\":");
        point(length, width, height);
        json.append(",\"color\":");
        colour(r, g, b, a);
        json.append('}');
    }

    private void pose(final double x, final double y, final double z, final double heading)
    {
        json.append("{\"position\":");
        point(x, y, z);
        json.append(",\"orientation\":");
        yaw(heading);
        json.append('}');
    }

    private void yaw(final double heading)
    {
        final double h = Double.isFinite(heading) ? heading : 0;
        json.append("{\"x\":0,\"y\":0,\"z\":").append(fmt(Math.sin(0.5 * h))).append(",\"w\":")
            .append(fmt(Math.cos(0.5 * h))).append('}');
    }

    private void point(final double x, final double y, final double z)
    {
        json.append("{\"x\":").append(fmt(x)).append(",\"y\":").append(fmt(y)).append(",\"z\":").append(fmt(z))
            .append('}');
    }

    private void colour(final double r, final double g, final double b, final double a)
    {
        json.append("{\"r\":").append(fmt(r)).append(",\"g\":").append(fmt(g)).append(",\"b\":").append(fmt(b))
            .append(",\"a\":").append(fmt(a)).append('}');
    }

    private void time(final long ns)
    {
        json.append("{\"sec\":").append(ns / 1_000_000_000L).append(",\"nsec\":").append(ns % 1_000_000_000L)
            .append('}');
    }

    /** Millimetre precision; JSON numbers (Java's exponent form included), never NaN or Infinity. */
    private static String fmt(final double v)
    {
        if (!Double.isFinite(v))
        {
            return "0";
        }
        final double rounded = Math.rint(v * 1000) / 1000;
        return rounded == (long)rounded ? Long.toString((long)rounded) : Double.toString(rounded);
    }

    private static int clampCount(final int count, final int capacity)
    {
        return Math.max(0, Math.min(count, capacity));
    }

    private static double[] kindColour(final byte kind)
    {
        if (kind == SceneCodes.PEDESTRIAN)
        {
            return new double[]{1.0, 0.8, 0.1};
        }
        if (kind == SceneCodes.CYCLIST)
        {
            return new double[]{0.2, 0.85, 0.3};
        }
        if (kind == SceneCodes.STATIC)
        {
            return new double[]{0.9, 0.3, 0.2};
        }
        return new double[]{0.65, 0.65, 0.7};
    }

    private static String kindName(final byte kind)
    {
        if (kind == SceneCodes.PEDESTRIAN)
        {
            return "pedestrian";
        }
        if (kind == SceneCodes.CYCLIST)
        {
            return "cyclist";
        }
        if (kind == SceneCodes.STATIC)
        {
            return "static";
        }
        return "vehicle";
    }
}
