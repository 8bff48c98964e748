package io.wmrt.hil.scenario.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code narrow-street}: the layout of hil/scenarios/narrow-street (a two-way street W - J - E with one car lane
 * per direction and 2 m sidewalks, a side street J - N with zebras across all three arms at J, 30 km/h) with a
 * drawn lane width and junction position, a parked car (or two) partly blocking the ego's lane before J,
 * oncoming traffic, walkers on both sidewalks and over the zebras, and an optional cyclist.
 */
final class NarrowStreetFamily implements Family
{
    static final Parameter LANE_WIDTH = Parameter.real("lane_width_m", "m", 2.7, 3.5, 2,
        "width of the car lane in each direction");
    static final Parameter JUNCTION_X = Parameter.real("junction_x_m", "m", 130, 170, 0,
        "x of the side-street junction J (the street runs on to E at J + 150 m)");
    static final Parameter PARKED_FRONT = Parameter.real("parked_front_m", "m", 60, 100, 1,
        "front bumper of the parked car in the ego's lane WJ_1 (the ego starts at 10 m)");
    static final Parameter PARKED_LENGTH = Parameter.real("parked_length_m", "m", 4.2, 5.2, 1,
        "length of the parked car");
    static final Parameter PARKED_KERB_GAP = Parameter.real("parked_kerb_gap_m", "m", 0.05, 0.4, 2,
        "gap between the parked car (1.8 m wide) and the kerb; the rest of the lane is what is left to pass");
    static final Parameter SECOND_PARKED = Parameter.flag("second_parked", 0.5,
        "a second parked car (4.6 m) behind the first, at the same kerb gap");
    static final Parameter SECOND_GAP = Parameter.real("second_parked_gap_m", "m", 1.0, 15.0, 1,
        "gap between the second car's front and the first car's rear (only with second_parked)");
    static final Parameter ONCOMING_RATE = Parameter.real("oncoming_rate_per_s", "1/s", 0.08, 0.2, 3,
        "Poisson rate of the oncoming flow from E");
    static final Parameter ONCOMING_INITIAL = Parameter.integer("oncoming_initial", "count", 0, 3,
        "oncoming cars already on EJ at t=0 (SUMO's random free positions)");
    static final Parameter SIDEWALK_RATE = Parameter.real("sidewalk_walker_rate_per_s", "1/s", 0.02, 0.08, 3,
        "Poisson rate of each of the four sidewalk walker flows (both sidewalks, both directions)");
    static final Parameter INITIAL_WALKERS = Parameter.integer("initial_walkers", "count", 2, 8,
        "walkers already on the sidewalks at t=0 (random positions)");
    static final Parameter ZEBRA_RATE = Parameter.real("zebra_walker_rate_per_s", "1/s", 0.03, 0.12, 3,
        "Poisson rate of each of the two walker flows between the side street and the south sidewalk over the zebras");
    static final Parameter CYCLIST = Parameter.flag("cyclist", 0.5, "a cyclist (vClass bicycle) on the street");
    static final Parameter CYCLIST_DIRECTION = Parameter.choice("cyclist_direction", List.of("ahead", "oncoming"),
        "ahead: rides east in the ego's lane, starting ahead of it; oncoming: rides west in the opposite lane");
    static final Parameter CYCLIST_SPEED = Parameter.real("cyclist_speed_mps", "m/s", 3.5, 6.0, 1,
        "the cyclist's top speed");
    static final Parameter CYCLIST_POS = Parameter.real("cyclist_depart_pos_m", "m", 20, 60, 0,
        "where the cyclist starts at t=0 along its first edge (ahead: 20-30 m on WJ, behind the parked cars; " +
            "oncoming: 20-60 m on EJ)");

    static final double SPEED = 8.33;
    static final double EGO_POS = 10;
    static final double JUNCTION_INSET = 7;

    @Override
    public String name()
    {
        return "narrow-street";
    }

    @Override
    public String summary()
    {
        return "pass a parked car that blocks most of a narrow lane, timing gaps in oncoming traffic; walkers on " +
            "both sidewalks and on the zebras, optionally a second parked car and a cyclist";
    }

    @Override
    public List<Parameter> parameters()
    {
        return List.of(Families.SUMO_SEED, LANE_WIDTH, JUNCTION_X, PARKED_FRONT, PARKED_LENGTH, PARKED_KERB_GAP,
            SECOND_PARKED, SECOND_GAP, ONCOMING_RATE, ONCOMING_INITIAL, SIDEWALK_RATE, INITIAL_WALKERS, ZEBRA_RATE,
            CYCLIST, CYCLIST_DIRECTION, CYCLIST_SPEED, CYCLIST_POS);
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final double width = draw.real(LANE_WIDTH);
        final double jx = draw.real(JUNCTION_X);
        final double parkedFront = draw.real(PARKED_FRONT);
        final double parkedLength = draw.real(PARKED_LENGTH);
        final double kerbGap = draw.real(PARKED_KERB_GAP);
        final boolean second = draw.flag(SECOND_PARKED);
        final double secondGap = second ? draw.real(SECOND_GAP) : 0;
        final double oncomingRate = draw.real(ONCOMING_RATE);
        final int oncomingInitial = draw.integer(ONCOMING_INITIAL);
        final double sidewalkRate = draw.real(SIDEWALK_RATE);
        final int initialWalkers = draw.integer(INITIAL_WALKERS);
        final double zebraRate = draw.real(ZEBRA_RATE);
        final boolean cyclist = draw.flag(CYCLIST);
        final String cyclistDirection = cyclist ? draw.choice(CYCLIST_DIRECTION) : "";
        final double cyclistSpeed = cyclist ? draw.real(CYCLIST_SPEED) : 0;
        final double cyclistPos = !cyclist ? 0
            : "ahead".equals(cyclistDirection) ? draw.real(CYCLIST_POS, 20, 30) : draw.real(CYCLIST_POS);

        final double ex = jx + 150;
        final double wjLength = jx - JUNCTION_INSET;
        final double jeLength = ex - jx - JUNCTION_INSET;
        final double posLat = -(width / 2 - 0.9 - kerbGap);
        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER +
            "<!-- " + name + ": a two-way street W - J - E with a short side street J - N to the north -->\n" +
            "<nodes>\n" +
            "    <node id=\"W\" x=\"0.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"J\" x=\"" + Xml.num(jx, 1) + "\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"E\" x=\"" + Xml.num(ex, 1) + "\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"N\" x=\"" + Xml.num(jx, 1) + "\" y=\"60.0\" type=\"priority\"/>\n" +
            "</nodes>\n");
        final StringBuilder edges = new StringBuilder(Xml.HEADER)
            .append("<!-- one ").append(Xml.num(width)).append(" m car lane per direction (lane 1) and a 2.0 m ")
            .append("sidewalk (lane 0) on each edge; 30 km/h -->\n<edges>\n");
        for (final String[] e : new String[][] {{"WJ", "W", "J", "3"}, {"JW", "J", "W", "3"}, {"JE", "J", "E", "3"},
            {"EJ", "E", "J", "3"}, {"JN", "J", "N", "1"}, {"NJ", "N", "J", "1"}})
        {
            edges.append(Xml.f("    <edge id=\"%s\" from=\"%s\" to=\"%s\" priority=\"%s\" numLanes=\"1\" " +
                "speed=\"8.33\" width=\"%s\" sidewalkWidth=\"2.0\"/>\n", e[0], e[1], e[2], e[3],
                e[0].contains("N") ? "3.0" : Xml.num(width)));
        }
        files.put(name + ".edg.xml", edges.append("</edges>\n").toString());
        files.put(name + ".con.xml", Xml.HEADER +
            "<!-- zebra crossings at the side-street junction J: across both arms of the main street and across " +
            "the side street -->\n" +
            "<connections>\n" +
            "    <crossing node=\"J\" edges=\"WJ JW\" priority=\"true\"/>\n" +
            "    <crossing node=\"J\" edges=\"JE EJ\" priority=\"true\"/>\n" +
            "    <crossing node=\"J\" edges=\"JN NJ\" priority=\"true\"/>\n" +
            "</connections>\n");

        final RoutesBuilder routes = new RoutesBuilder()
            .head(RoutesBuilder.EGO_TYPE_OPPOSITE)
            .head(RoutesBuilder.CAR_TYPE)
            .head(Xml.f("<vType id=\"parked_type\" vClass=\"passenger\" length=\"%s\" width=\"1.8\" minGap=\"0.5\" " +
                "color=\"0.5,0.5,0.5\"/>", Xml.num(parkedLength, 1)))
            .head(RoutesBuilder.WALKER_TYPE);
        if (second)
        {
            routes.head("<vType id=\"parked2_type\" vClass=\"passenger\" length=\"4.6\" width=\"1.8\" minGap=\"0.5\" " +
                "color=\"0.5,0.5,0.5\"/>");
        }
        if (cyclist)
        {
            routes.head(Xml.f("<vType id=\"bike\" vClass=\"bicycle\" length=\"1.7\" width=\"0.65\" " +
                "maxSpeed=\"%s\" accel=\"1.2\" decel=\"3.0\" sigma=\"0.5\" speedDev=\"0.1\"/>", Xml.num(cyclistSpeed)));
        }
        routes.head("").head("<route id=\"r_ego\" edges=\"WJ JE\"/>").head("<route id=\"r_oncoming\" edges=\"EJ JW\"/>");

        routes.entry(0, Xml.f("<!-- parked car in the ego's lane WJ_1, front bumper at %s m, %s m from the kerb: it " +
            "leaves %s m of the %s m lane -->", Xml.num(parkedFront, 1), Xml.num(kerbGap), Xml.num(width - 1.8 - kerbGap),
            Xml.num(width)) + "\n" + parked("parked", "parked_type", parkedFront, parkedLength, posLat));
        if (second)
        {
            final double front2 = parkedFront - parkedLength - secondGap;
            routes.entry(0, "<!-- a second parked car behind the first -->\n" +
                parked("parked2", "parked2_type", front2, 4.6, posLat));
        }
        if (cyclist)
        {
            final boolean ahead = "ahead".equals(cyclistDirection);
            routes.entry(0, Xml.f("<!-- a cyclist riding %s -->\n<vehicle id=\"cyclist\" type=\"bike\" depart=\"0\" " +
                "departLane=\"1\" departPos=\"%s\" departSpeed=\"max\" route=\"%s\"/>",
                ahead ? "east ahead of the ego in its lane" : "west in the opposite lane",
                Xml.num(cyclistPos, 0), ahead ? "r_ego" : "r_oncoming"));
        }
        if (oncomingInitial > 0)
        {
            routes.entry(0, Xml.f("<flow id=\"onc_init\" type=\"car\" route=\"r_oncoming\" begin=\"0\" end=\"1\" " +
                "number=\"%d\" departLane=\"1\" departPos=\"random_free\" departSpeed=\"max\"/>", oncomingInitial));
        }
        routes.entry(0, Xml.f("<!-- oncoming flow: Poisson arrivals, mean gap %s s -->\n" +
            "<flow id=\"onc\" type=\"car\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departLane=\"1\" " +
            "departSpeed=\"max\" route=\"r_oncoming\"/>", Xml.num(1 / oncomingRate, 1), Xml.num(oncomingRate, 3)));
        routes.entry(0, Xml.f("<!-- walkers on the sidewalks at t=0 (positions from SUMO's seed) -->\n" +
            "<personFlow id=\"ps_init\" type=\"walker\" begin=\"0\" end=\"1\" number=\"%d\" departPos=\"random\">" +
            "<walk edges=\"WJ JE\" arrivalPos=\"%s\"/></personFlow>\n" +
            "<personFlow id=\"pn_init\" type=\"walker\" begin=\"0\" end=\"1\" number=\"%d\" departPos=\"random\">" +
            "<walk edges=\"EJ JW\" arrivalPos=\"%s\"/></personFlow>", (initialWalkers + 1) / 2,
            Xml.num(jeLength - 3, 0), initialWalkers / 2, Xml.num(wjLength - 3, 0)));
        final String sw = Xml.num(sidewalkRate, 3);
        final String zr = Xml.num(zebraRate, 3);
        routes.entry(0, "<!-- walker flows along both sidewalks in both directions, and between the side street " +
            "and the south sidewalk across the zebras at J -->\n" +
            Xml.f("<personFlow id=\"pfs_e\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"2\"><walk edges=\"WJ JE\" arrivalPos=\"%s\"/></personFlow>\n", sw, Xml.num(jeLength - 3, 0)) +
            Xml.f("<personFlow id=\"pfs_w\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"%s\"><walk edges=\"JE WJ\" arrivalPos=\"2\"/></personFlow>\n", sw, Xml.num(jeLength - 2, 0)) +
            Xml.f("<personFlow id=\"pfn_e\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"%s\"><walk edges=\"JW EJ\" arrivalPos=\"3\"/></personFlow>\n", sw, Xml.num(wjLength - 2, 0)) +
            Xml.f("<personFlow id=\"pfn_w\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"2\"><walk edges=\"EJ JW\" arrivalPos=\"%s\"/></personFlow>\n", sw, Xml.num(wjLength - 2, 0)) +
            Xml.f("<personFlow id=\"pfx_s\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"30\"><walk from=\"NJ\" to=\"WJ\" arrivalPos=\"%s\"/></personFlow>\n", zr,
                Xml.num(wjLength - 40, 0)) +
            Xml.f("<personFlow id=\"pfx_n\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
                "departPos=\"%s\"><walk from=\"WJ\" to=\"JN\" arrivalPos=\"40\"/></personFlow>", zr,
                Xml.num(wjLength - 30, 0)));
        routes.entry(2, "<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"1\" " +
            "departPos=\"10\" departSpeed=\"6\"/>");
        files.put("routes.rou.xml", routes.build());
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, 300));

        // Key point: the far side of J (its east zebra ends 7 m past J), plus a 10 m margin, from the ego's start.
        final double minProgress = Xml.ceilTo(jx + JUNCTION_INSET + 10 - EGO_POS, 5);
        final double duration = Xml.ceilTo(minProgress / (0.6 * SPEED) + 15, 5);
        final List<String> comments = new ArrayList<>(List.of(
            Xml.f("Narrow two-way street (%s m lanes, 30 km/h): get past a parked car (front at %s m, leaving %s m)",
                Xml.num(width), Xml.num(parkedFront, 1), Xml.num(width - 1.8 - kerbGap)),
            "by timing a gap in the oncoming traffic, with walkers on both sidewalks and on the zebras at J" +
                (second ? "; a second parked car behind it" : "") + (cyclist ? "; a cyclist riding " +
                cyclistDirection : "") + ".",
            "Generated by 'wmrt scenarios generate --family narrow-street'; parameters in parameters.yaml."));
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(comments,
            "generated narrow street: parked car" + (second ? "s" : "") + ", oncoming traffic, walkers" +
                (cyclist ? ", cyclist" : ""), name, seed, duration,
            new ScenarioFiles.Pass(minProgress, "past the parked car and through J (far side at " +
                Xml.num(jx + JUNCTION_INSET - EGO_POS, 0) + ") + 10 m")
                .put("min_pedestrian_distance_m", "0.5", "a centred ego passes sidewalk walkers at about 0.75-0.9 m")));
        return new GeneratedScenario(name, files);
    }

    private static String parked(final String id, final String type, final double front, final double length,
        final double posLat)
    {
        return Xml.f("<vehicle id=\"%s\" type=\"%s\" depart=\"0\" departLane=\"1\" departPos=\"%s\" " +
            "departPosLat=\"%s\" departSpeed=\"0\" route=\"r_ego\">\n" +
            "    <stop lane=\"WJ_1\" startPos=\"%s\" endPos=\"%s\" posLat=\"%s\" duration=\"10000\"/>\n" +
            "</vehicle>", id, type, Xml.num(front, 1), Xml.num(posLat), Xml.num(Math.max(0, front - 10), 1),
            Xml.num(front, 1), Xml.num(posLat));
    }
}
