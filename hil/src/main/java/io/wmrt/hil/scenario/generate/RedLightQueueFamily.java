package io.wmrt.hil.scenario.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code red-light-queue}: the layout of hil/scenarios/red-light-queue (a main street W - J - E with one lane per
 * direction, no sidewalks, a signalised crossroads J with a side street S - J - N, the fixed 83 s program of the
 * hand-built scenario) with a drawn queue in the ego's lane, a gap in it, a queue slow to start at green, a
 * broken-down car before the light, a free or busy opposite lane and the light's phase offset.
 *
 * <p>With a broken-down car the scenario allows the opposite lane (no {@code max_opposite_lane_s}): the car stands
 * for good (a 10000 s stop) and may be passed when the opposite lane is clear. Without one, overtaking the queue
 * through the opposite lane fails the run ({@code max_opposite_lane_s: 0}).
 */
final class RedLightQueueFamily implements Family
{
    static final Parameter SPEED_LIMIT = Parameter.integer("speed_limit_kmh", "km/h", 40, 60,
        "speed limit of every street");
    static final Parameter BROKEN_DOWN = Parameter.flag("broken_down", 0.3,
        "a broken-down car stands for good in the ego's lane before the light, which is green early");
    static final Parameter BROKEN_DIST = Parameter.real("broken_down_dist_m", "m", 8, 30, 1,
        "distance from the broken-down car's front to the stop line (broken_down only)");
    static final Parameter GREEN_AT = Parameter.real("ego_green_at_s", "s", 0, 45, 0,
        "light phase offset: the ego's signal turns green at this time (15-45 s; 0-20 s with broken_down), then " +
            "every 83 s");
    static final Parameter QUEUE_LENGTH = Parameter.integer("queue_length", "count", 0, 6,
        "cars ahead of the ego in its lane that queue at the light (0-2 behind a broken-down car)");
    static final Parameter QUEUE_GAP = Parameter.flag("queue_gap", 0.4,
        "a gap in the standing queue: one car stops short until green (queue_length >= 2, no broken-down car)");
    static final Parameter QUEUE_GAP_M = Parameter.real("queue_gap_m", "m", 8, 20, 1,
        "extra room the car behind the gap leaves (queue_gap only)");
    static final Parameter QUEUE_GAP_AFTER = Parameter.integer("queue_gap_after", "count", 1, 5,
        "how many queued cars stand before the gap (1 .. queue_length - 1; queue_gap only)");
    static final Parameter SLOW_START = Parameter.flag("slow_start", 0.4,
        "the first queued car is slow to start at green (queue_length >= 1, no broken-down car)");
    static final Parameter SLOW_START_DELAY = Parameter.real("slow_start_delay_s", "s", 3, 8, 1,
        "how long after green it stays at the stop line (slow_start only)");
    static final Parameter OPPOSITE = Parameter.choice("opposite_lane", List.of("free", "busy"),
        "free: nothing uses the ego's opposite lane JW; busy: westbound cars and right-turners from N use it");
    static final Parameter OPPOSITE_RATE = Parameter.real("opposite_rate_per_s", "1/s", 0.08, 0.2, 3,
        "Poisson rate of the westbound flow from E (busy only; right-turners N->W at a third of it)");
    static final Parameter CROSS_RATE = Parameter.real("cross_rate_per_s", "1/s", 0.05, 0.15, 3,
        "Poisson rate of the side street's traffic each way (N->S, S->N)");

    static final double STOP_LINE = 242.8;
    static final double EGO_POS = 10;
    static final double CYCLE = 83;
    static final double MAIN_GREEN_IN_CYCLE = 38;
    static final double CAR_SPACING = 7.3;

    @Override
    public String name()
    {
        return "red-light-queue";
    }

    @Override
    public String summary()
    {
        return "wait behind a queue at a red light without overtaking it, go on green; variants with a gap in the " +
            "queue, a slow start, or a broken-down car that may be passed when the opposite lane is clear";
    }

    @Override
    public List<Parameter> parameters()
    {
        return List.of(Families.SUMO_SEED, SPEED_LIMIT, BROKEN_DOWN, BROKEN_DIST, GREEN_AT, QUEUE_LENGTH, QUEUE_GAP,
            QUEUE_GAP_M, QUEUE_GAP_AFTER, SLOW_START, SLOW_START_DELAY, OPPOSITE, OPPOSITE_RATE, CROSS_RATE);
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final int limitKmh = draw.integer(SPEED_LIMIT);
        final boolean broken = draw.flag(BROKEN_DOWN);
        final double brokenDist = broken ? draw.real(BROKEN_DIST) : 0;
        final double greenAt = broken ? draw.real(GREEN_AT, 0, 20) : draw.real(GREEN_AT, 15, 45);
        final int queue = broken ? draw.integer(QUEUE_LENGTH, 0, 2) : draw.integer(QUEUE_LENGTH);
        final boolean gap = !broken && queue >= 2 && draw.flag(QUEUE_GAP);
        final double gapM = gap ? draw.real(QUEUE_GAP_M) : 0;
        final int gapAfter = gap ? draw.integer(QUEUE_GAP_AFTER, 1, queue - 1) : 0;
        final boolean slow = !broken && queue >= 1 && draw.flag(SLOW_START);
        final double slowDelay = slow ? draw.real(SLOW_START_DELAY) : 0;
        final boolean busy = "busy".equals(draw.choice(OPPOSITE));
        final double oppositeRate = busy ? draw.real(OPPOSITE_RATE) : 0;
        final double crossRate = draw.real(CROSS_RATE);
        final double speed = Xml.mps(limitKmh);
        final double offset = ((greenAt - MAIN_GREEN_IN_CYCLE) % CYCLE + CYCLE) % CYCLE;

        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER +
            "<!-- " + name + ": two-way main street W - J - E with a signalised crossroads at J (side street " +
            "S - J - N) -->\n" +
            "<nodes>\n" +
            "    <node id=\"W\" x=\"0.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"J\" x=\"250.0\" y=\"0.0\" type=\"traffic_light\" tl=\"J\"/>\n" +
            "    <node id=\"E\" x=\"460.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"N\" x=\"250.0\" y=\"120.0\" type=\"priority\"/>\n" +
            "    <node id=\"S\" x=\"250.0\" y=\"-120.0\" type=\"priority\"/>\n" +
            "</nodes>\n");
        final StringBuilder edges = new StringBuilder(Xml.HEADER)
            .append(Xml.f("<!-- one 3.2 m lane per direction everywhere, %d km/h, no sidewalks -->\n<edges>\n", limitKmh));
        for (final String[] e : new String[][] {{"WJ", "3"}, {"JW", "3"}, {"JE", "3"}, {"EJ", "3"}, {"NJ", "2"},
            {"JN", "2"}, {"SJ", "2"}, {"JS", "2"}})
        {
            edges.append(Xml.f("    <edge id=\"%s\" from=\"%s\" to=\"%s\" priority=\"%s\" numLanes=\"1\" speed=\"%s\" " +
                "width=\"3.2\"/>\n", e[0], e[0].substring(0, 1), e[0].substring(1), e[1], Xml.num(speed)));
        }
        files.put(name + ".edg.xml", edges.append("</edges>\n").toString());
        files.put(name + ".tll.xml", Xml.HEADER +
            "<!-- fixed-time program of the light at J (as in hil/scenarios/red-light-queue): link indices 0-2 NJ, 3-5 " +
            "EJ,\n     6-8 SJ, 9-11 WJ (the ego's approach). Cycle 83 s: side street green 33 s, yellow 3, all red 2, " +
            "main street\n" +
            Xml.f("     green 40 s, yellow 3, all red 2. Offset %s s: the ego's green starts at t=%s s (and every 83 s). -->\n",
                Xml.num(offset, 0), Xml.num(greenAt, 0)) +
            "<tlLogics>\n" +
            Xml.f("    <tlLogic id=\"J\" type=\"static\" programID=\"0\" offset=\"%s\">\n", Xml.num(offset, 0)) +
            "        <phase duration=\"33\" state=\"GGgrrrGGgrrr\"/>\n" +
            "        <phase duration=\"3\"  state=\"yyyrrryyyrrr\"/>\n" +
            "        <phase duration=\"2\"  state=\"rrrrrrrrrrrr\"/>\n" +
            "        <phase duration=\"40\" state=\"rrrGGgrrrGGg\"/>\n" +
            "        <phase duration=\"3\"  state=\"rrryyyrrryyy\"/>\n" +
            "        <phase duration=\"2\"  state=\"rrrrrrrrrrrr\"/>\n" +
            "    </tlLogic>\n" +
            "</tlLogics>\n");

        final RoutesBuilder routes = new RoutesBuilder()
            .head(broken ? RoutesBuilder.EGO_TYPE_OPPOSITE : RoutesBuilder.EGO_TYPE)
            .head(RoutesBuilder.CAR_TYPE);
        if (broken)
        {
            routes.head("<vType id=\"broken_type\" vClass=\"passenger\" length=\"4.6\" width=\"1.8\" minGap=\"0.5\" " +
                "color=\"0.8,0.4,0.1\"/>");
        }
        routes.head("").head("<route id=\"r_ego\" edges=\"WJ JE\"/>").head("<route id=\"r_west\" edges=\"EJ JW\"/>")
            .head("<route id=\"r_ns\" edges=\"NJ JS\"/>").head("<route id=\"r_sn\" edges=\"SJ JN\"/>")
            .head("<route id=\"r_nw\" edges=\"NJ JW\"/>");
        double firstQueuePos = 215;
        if (broken)
        {
            final double brokenFront = STOP_LINE - brokenDist;
            routes.entry(0, Xml.f("<!-- a broken-down car in the ego's lane WJ_0, front %s m before the stop line, " +
                "standing for good: it may be passed through the opposite lane when that is clear -->\n" +
                "<vehicle id=\"broken\" type=\"broken_type\" depart=\"0\" departLane=\"0\" departPos=\"%s\" " +
                "departSpeed=\"0\" route=\"r_ego\">\n" +
                "    <stop lane=\"WJ_0\" startPos=\"%s\" endPos=\"%s\" duration=\"10000\"/>\n" +
                "</vehicle>", Xml.num(brokenDist, 1), Xml.num(brokenFront, 1), Xml.num(brokenFront - 10, 1),
                Xml.num(brokenFront, 1)));
            firstQueuePos = brokenFront - 4.6 - 15;
        }
        if (queue > 0)
        {
            routes.entry(0, Xml.f("<!-- the queue: %d car(s) ahead of the ego in WJ_0 that stop at the red light%s -->",
                queue, broken ? " (here: behind the broken-down car)" : ""));
        }
        for (int i = 1; i <= queue; i++)
        {
            final double pos = firstQueuePos - 25 * (i - 1);
            final StringBuilder q = new StringBuilder(Xml.f("<vehicle id=\"q%d\" type=\"car\" depart=\"0\" " +
                "departLane=\"0\" departPos=\"%s\" departSpeed=\"%s\" route=\"r_ego\"", i, Xml.num(pos, 1),
                broken ? "max" : "8"));
            if (slow && i == 1)
            {
                q.insert(0, Xml.f("<!-- q1 is slow to start: it stays at the stop line until %s s after green -->\n",
                    Xml.num(slowDelay, 1)));
                q.append(Xml.f(">\n    <stop lane=\"WJ_0\" endPos=\"242\" until=\"%s\"/>\n</vehicle>",
                    Xml.num(greenAt + slowDelay, 1)));
            }
            else if (gap && i == gapAfter + 1)
            {
                final double stopAt = STOP_LINE - 0.8 - CAR_SPACING * gapAfter - gapM;
                q.insert(0, Xml.f("<!-- the gap: q%d stops %s m short of the queue ahead until green -->\n", i,
                    Xml.num(gapM, 1)));
                q.append(Xml.f(">\n    <stop lane=\"WJ_0\" endPos=\"%s\" until=\"%s\"/>\n</vehicle>",
                    Xml.num(stopAt, 1), Xml.num(greenAt, 0)));
            }
            else
            {
                q.append("/>");
            }
            routes.entry(0, q.toString());
        }
        routes.entry(0, Xml.f("<!-- cross traffic on the side street, each way mean gap %s s -->\n" +
            "<flow id=\"ns\" type=\"car\" route=\"r_ns\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departSpeed=\"max\"/>\n" +
            "<flow id=\"sn\" type=\"car\" route=\"r_sn\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departSpeed=\"max\"/>",
            Xml.num(1 / crossRate, 1), Xml.num(crossRate, 3), Xml.num(crossRate, 3)));
        if (busy)
        {
            routes.entry(0, Xml.f("<!-- a busy opposite lane JW: westbound cars (mean gap %s s) and right-turners " +
                "from the north -->\n" +
                "<flow id=\"west\" type=\"car\" route=\"r_west\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departSpeed=\"max\"/>\n" +
                "<flow id=\"nw\" type=\"car\" route=\"r_nw\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departSpeed=\"max\"/>", Xml.num(1 / oppositeRate, 1), Xml.num(oppositeRate, 3),
                Xml.num(oppositeRate / 3, 3)));
        }
        else
        {
            routes.entry(0, "<!-- the opposite lane JW stays free: no westbound traffic, no right-turners from N -->");
        }
        routes.entry(3, "<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"3\" departLane=\"0\" " +
            "departPos=\"10\" departSpeed=\"10\"/>");
        files.put("routes.rou.xml", routes.build());
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, 300));

        // Key point: the stop line (232.8 m from the ego's start); past it, through J (15 m) and 50 m on.
        final double minProgress = Xml.ceilTo(STOP_LINE - EGO_POS + 15 + 50, 5);
        final double wait = Math.max(0, greenAt - 20) + 1.5 * queue + slowDelay + (broken ? 20 : 0) + 5;
        final double duration = Xml.ceilTo(minProgress / (0.6 * speed) + wait, 5);
        final ScenarioFiles.Pass pass = new ScenarioFiles.Pass(minProgress,
            "through the junction (stop line at 233 m) and 50 m on")
            .put("max_decel_mps2", "4.0", "the standing queue is visible from far away");
        if (!broken)
        {
            pass.put("max_opposite_lane_s", "0", "never overtake the queue through the opposite lane");
        }
        final String what = broken
            ? "a broken-down car " + Xml.num(brokenDist, 0) + " m before the light" +
                (queue > 0 ? " with " + queue + " car(s) behind it" : "") + "; pass it when the opposite lane is clear"
            : queue + " car(s) queued at the light" + (gap ? " with a gap" : "") + (slow ? ", slow to start" : "") +
                "; wait behind, do not overtake, go on green";
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(List.of(
            Xml.f("Signalised crossroads, %d km/h, the ego's green at %s s: %s.", limitKmh, Xml.num(greenAt, 0), what),
            "Opposite lane " + (busy ? "busy" : "free") + ". Generated by 'wmrt scenarios generate --family " +
                "red-light-queue'; parameters in parameters.yaml."),
            "generated red light: " + what, name, seed, duration, pass));
        return new GeneratedScenario(name, files);
    }
}
