package io.wmrt.hil.scenario.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code zebra}: the layout of hil/scenarios/zebra-crossing (a two-way street W - M - E with one car lane per
 * direction and 2 m sidewalks, footpaths from S and N meeting it at M, a 4 m zebra with priority for walkers on
 * M's west arm) with drawn walker streams, a group of walkers departing together, a walker who hesitates at the
 * kerb before crossing, a van parked by the north kerb right next to the zebra that hides walkers coming from the
 * north until they step out in front of it, the speed limit and oncoming traffic. The van stands in the opposite
 * lane {@code MW_1} (the ego's lane stays clear), so with the van the oncoming cars end at M.
 */
final class ZebraFamily implements Family
{
    static final Parameter SPEED_LIMIT = Parameter.integer("speed_limit_kmh", "km/h", 30, 50,
        "speed limit of the street");
    static final Parameter LANE_WIDTH = Parameter.real("lane_width_m", "m", 3.0, 3.5, 2,
        "width of the car lane in each direction (without the parking strip)");
    static final Parameter SOUTH_RATE = Parameter.real("walker_rate_south_per_s", "1/s", 0.02, 0.1, 3,
        "Poisson rate of walkers crossing from the south footpath (the ego's side)");
    static final Parameter NORTH_RATE = Parameter.real("walker_rate_north_per_s", "1/s", 0.02, 0.1, 3,
        "Poisson rate of walkers crossing from the north footpath");
    static final Parameter TIMED_WALKERS = Parameter.integer("timed_walkers", "count", 1, 4,
        "walkers timed to be in the ego's half of the zebra around the ego's arrival (as in the hand-built " +
            "scenario), alternately from the south and the north, 3 s apart");
    static final Parameter TIMED_OFFSET = Parameter.real("timed_offset_s", "s", -3, 2, 1,
        "when the first timed walker is in the ego's half, relative to the ego's unhindered arrival at the zebra " +
            "(negative: already on it when the ego would get there)");
    static final Parameter GROUP = Parameter.flag("group", 0.6, "a group of walkers departing together");
    static final Parameter GROUP_SIZE = Parameter.integer("group_size", "count", 2, 5, "persons in the group");
    static final Parameter GROUP_SIDE = Parameter.choice("group_side", List.of("south", "north"),
        "which footpath the group comes from");
    static final Parameter GROUP_DEPART = Parameter.real("group_depart_s", "s", 0, 15, 1,
        "when the group starts, 10 m (south) or 20 m (north) from the street");
    static final Parameter HESITATE = Parameter.flag("hesitating_walker", 0.5,
        "a walker from the south stops at the kerb (a <stop> in its plan) before crossing");
    static final Parameter HESITATE_DEPART = Parameter.real("hesitate_depart_s", "s", 0, 10, 1,
        "when the hesitating walker starts, 10 m from the kerb");
    static final Parameter HESITATE_WAIT = Parameter.real("hesitate_wait_s", "s", 2, 8, 1,
        "how long it waits at the kerb");
    static final Parameter VAN = Parameter.flag("occluding_van", 0.5,
        "a van parked by the north kerb right next to the zebra (in the opposite lane MW_1; oncoming cars then end " +
            "at M), hiding walkers coming from the north");
    static final Parameter VAN_LENGTH = Parameter.real("van_length_m", "m", 6.0, 7.5, 1, "the van's length");
    static final Parameter VAN_GAP = Parameter.real("van_gap_m", "m", 1.0, 6.0, 1,
        "gap between the van's rear and the zebra");
    static final Parameter ONCOMING_RATE = Parameter.real("oncoming_rate_per_s", "1/s", 0.02, 0.1, 3,
        "Poisson rate of the oncoming flow from E");

    static final double EGO_POS = 20;
    static final double LANE_END = 147;
    static final double ZEBRA_FAR = 151;

    @Override
    public String name()
    {
        return "zebra";
    }

    @Override
    public String summary()
    {
        return "yield at a mid-block zebra to walker streams, a group and a walker hesitating at the kerb, " +
            "optionally hidden behind a parked van";
    }

    @Override
    public List<Parameter> parameters()
    {
        return List.of(Families.SUMO_SEED, SPEED_LIMIT, LANE_WIDTH, SOUTH_RATE, NORTH_RATE, TIMED_WALKERS,
            TIMED_OFFSET, GROUP, GROUP_SIZE, GROUP_SIDE, GROUP_DEPART, HESITATE, HESITATE_DEPART, HESITATE_WAIT, VAN, VAN_LENGTH, VAN_GAP,
            ONCOMING_RATE);
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final int limitKmh = draw.integer(SPEED_LIMIT);
        final double width = draw.real(LANE_WIDTH);
        final double southRate = draw.real(SOUTH_RATE);
        final double northRate = draw.real(NORTH_RATE);
        final int timed = draw.integer(TIMED_WALKERS);
        final double timedOffset = draw.real(TIMED_OFFSET);
        final boolean group = draw.flag(GROUP);
        final int groupSize = group ? draw.integer(GROUP_SIZE) : 0;
        final String groupSide = group ? draw.choice(GROUP_SIDE) : "";
        final double groupDepart = group ? draw.real(GROUP_DEPART) : 0;
        final boolean hesitate = draw.flag(HESITATE);
        final double hesitateDepart = hesitate ? draw.real(HESITATE_DEPART) : 0;
        final double hesitateWait = hesitate ? draw.real(HESITATE_WAIT) : 0;
        final boolean van = draw.flag(VAN);
        final double vanLength = van ? draw.real(VAN_LENGTH) : 0;
        final double vanGap = van ? draw.real(VAN_GAP) : 0;
        final double oncomingRate = draw.real(ONCOMING_RATE);
        final double speed = Xml.mps(limitKmh);
        // The south footpath ends where the street's south side (car lane and sidewalk) plus 1.5 m begins.
        final double smLength = 40 - (width + 2 + 1.5);

        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER +
            "<!-- " + name + ": a 320 m two-way street W - M - E; at M two footpaths (from S and N) meet the street\n" +
            "     and a zebra crossing takes walkers across the street on M's west arm -->\n" +
            "<nodes>\n" +
            "    <node id=\"W\" x=\"0.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"M\" x=\"150.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"E\" x=\"320.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"S\" x=\"150.0\" y=\"-40.0\" type=\"priority\"/>\n" +
            "    <node id=\"N\" x=\"150.0\" y=\"40.0\" type=\"priority\"/>\n" +
            "</nodes>\n");
        final String v = Xml.num(speed);
        final String w = Xml.num(width);
        files.put(name + ".edg.xml", Xml.HEADER +
            Xml.f("<!-- one %s m car lane per direction (lane 1) with a 2.0 m sidewalk (lane 0), %d km/h;\n" +
                "     footpaths S - M and M - N are pedestrian-only -->\n", w, limitKmh) +
            "<edges>\n" +
            Xml.f("    <edge id=\"WM\" from=\"W\" to=\"M\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", v, w) +
            Xml.f("    <edge id=\"MW\" from=\"M\" to=\"W\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", v, w) +
            Xml.f("    <edge id=\"ME\" from=\"M\" to=\"E\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", v, w) +
            Xml.f("    <edge id=\"EM\" from=\"E\" to=\"M\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", v, w) +
            "    <edge id=\"SM\" from=\"S\" to=\"M\" priority=\"1\" numLanes=\"1\" speed=\"2.0\" width=\"3.0\" " +
            "allow=\"pedestrian\" spreadType=\"center\"/>\n" +
            "    <edge id=\"MN\" from=\"M\" to=\"N\" priority=\"1\" numLanes=\"1\" speed=\"2.0\" width=\"3.0\" " +
            "allow=\"pedestrian\" spreadType=\"center\"/>\n" +
            "</edges>\n");
        files.put(name + ".con.xml", Xml.HEADER +
            "<!-- the zebra: walkers have priority over cars on both lanes of the west arm of M -->\n" +
            "<connections>\n" +
            "    <crossing node=\"M\" edges=\"WM MW\" priority=\"true\" width=\"4.0\"/>\n" +
            "</connections>\n");

        final RoutesBuilder routes = new RoutesBuilder()
            .head(RoutesBuilder.EGO_TYPE)
            .head(RoutesBuilder.CAR_TYPE)
            .head(RoutesBuilder.WALKER_TYPE);
        if (van)
        {
            routes.head(Xml.f("<vType id=\"van_type\" vClass=\"delivery\" length=\"%s\" width=\"2.1\" minGap=\"0.5\" height=\"2.6\" " +
                "color=\"0.9,0.9,0.9\"/>", Xml.num(vanLength, 1)));
        }
        routes.head("").head("<route id=\"r_ego\" edges=\"WM ME\"/>")
            .head("<route id=\"r_oncoming\" edges=\"" + (van ? "EM" : "EM MW") + "\"/>");
        if (van)
        {
            routes.head("<route id=\"r_van\" edges=\"MW\"/>");
        }
        if (van)
        {
            final double front = vanGap + vanLength;
            final double posLat = -(width / 2 - 1.05 - 0.1);
            routes.entry(0, Xml.f("<!-- a van parked by the north kerb in MW_1, its rear %s m from the zebra: it hides " +
                "walkers coming from the north (oncoming cars end at M) -->\n" +
                "<vehicle id=\"van\" type=\"van_type\" depart=\"0\" departLane=\"1\" departPos=\"%s\" " +
                "departPosLat=\"%s\" departSpeed=\"0\" route=\"r_van\">\n" +
                "    <stop lane=\"MW_1\" startPos=\"%s\" endPos=\"%s\" posLat=\"%s\" duration=\"10000\"/>\n" +
                "</vehicle>", Xml.num(vanGap, 1), Xml.num(front, 1), Xml.num(posLat), Xml.num(Math.max(0, front - 10), 1),
                Xml.num(front, 1), Xml.num(posLat)));
        }
        routes.entry(0, Xml.f("<!-- light oncoming traffic (mean gap %s s); it yields at the zebra too -->\n" +
            "<flow id=\"onc\" type=\"car\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departLane=\"1\" " +
            "departSpeed=\"max\" route=\"r_oncoming\"/>", Xml.num(1 / oncomingRate, 1), Xml.num(oncomingRate, 3)));
        final double egoSpeed = Math.min(11, Math.floor(speed * 2) / 2);
        final double arrival = 2 + (LANE_END - EGO_POS) / egoSpeed;
        for (int i = 0; i < timed; i++)
        {
            timedWalker(routes, i, arrival + timedOffset + 3 * i, smLength, width, i == 0 ? Xml.f(
                "<!-- %d walker(s) timed to be in the ego's half of the zebra from about t=%s s (the ego, unhindered, " +
                "reaches it at %s s), 3 s apart -->\n", timed, Xml.num(arrival + timedOffset, 1), Xml.num(arrival, 1))
                : "");
        }
        routes.entry(0, Xml.f("<!-- streams across the zebra: from the south mean gap %s s, from the north %s s -->\n" +
            "<personFlow id=\"zs\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departPos=\"0\">" +
            "<walk edges=\"SM MN\" arrivalPos=\"25\"/></personFlow>\n" +
            "<personFlow id=\"zn\" type=\"walker\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departPos=\"30\">" +
            "<walk edges=\"MN SM\" arrivalPos=\"3\"/></personFlow>", Xml.num(1 / southRate, 1),
            Xml.num(1 / northRate, 1), Xml.num(southRate, 3), Xml.num(northRate, 3)));
        if (group)
        {
            final boolean south = "south".equals(groupSide);
            final StringBuilder g = new StringBuilder(Xml.f("<!-- a group of %d walkers from the %s, departing " +
                "together -->", groupSize, groupSide));
            for (int i = 1; i <= groupSize; i++)
            {
                g.append(Xml.f("\n<person id=\"group_%d\" type=\"walker\" depart=\"%s\" departPos=\"%s\">" +
                    "<walk edges=\"%s\" arrivalPos=\"%s\"/></person>", i, Xml.num(groupDepart, 1),
                    Xml.num(south ? smLength - 10 : 20, 1), south ? "SM MN" : "MN SM", south ? "25" : "3"));
            }
            routes.entry(groupDepart, g.toString());
        }
        if (hesitate)
        {
            final double kerb = smLength - 1;
            routes.entry(hesitateDepart, Xml.f("<!-- a walker who stops at the kerb for %s s before crossing -->\n" +
                "<person id=\"hesitant\" type=\"walker\" depart=\"%s\" departPos=\"%s\">\n" +
                "    <walk edges=\"SM\" arrivalPos=\"%s\"/>\n" +
                "    <stop lane=\"SM_0\" endPos=\"%s\" duration=\"%s\" actType=\"hesitating at the kerb\"/>\n" +
                "    <walk edges=\"SM MN\" arrivalPos=\"25\"/>\n" +
                "</person>", Xml.num(hesitateWait, 1), Xml.num(hesitateDepart, 1), Xml.num(kerb - 10, 1),
                Xml.num(kerb, 1), Xml.num(kerb, 1), Xml.num(hesitateWait, 1)));
        }
        routes.entry(2, Xml.f("<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"1\" " +
            "departPos=\"20\" departSpeed=\"%s\"/>", Xml.num(egoSpeed, 1)));
        files.put("routes.rou.xml", routes.build());
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, 300));

        // Key point: the zebra's far edge (x=151, 131 m from the ego's start), plus 10 m.
        final double minProgress = Xml.ceilTo(ZEBRA_FAR - EGO_POS + 10, 5);
        // Waiting allowance: 12 s, plus the hesitation, 2.5 s per timed walker and 3 s for a group.
        final double duration = Xml.ceilTo(minProgress / (0.6 * speed) + 12 + hesitateWait + 2.5 * timed +
            (group ? 3 : 0), 5);
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(List.of(
            Xml.f("Mid-block zebra on a %d km/h street: yield to walkers (%s/s from the south, %s/s from the north)%s%s%s,",
                limitKmh, Xml.num(southRate, 3), Xml.num(northRate, 3),
                group ? ", a group of " + groupSize + " from the " + groupSide : "",
                hesitate ? ", one hesitating at the kerb" : "",  van ? ", a van hiding the north kerb" : ""),
            "stop short of the zebra while people cross, go when the ego's half is clear.",
            "Generated by 'wmrt scenarios generate --family zebra'; parameters in parameters.yaml."),
            "generated zebra crossing: walker streams" + (group ? ", a group" : "") + (hesitate ? ", a hesitating walker" : "") +
                (van ? ", occluding van" : ""), name, seed, duration,
            new ScenarioFiles.Pass(minProgress, "across the zebra (far edge at 131 m) and 10 m on")
                .put("max_decel_mps2", "4.0", null)
                .put("min_pedestrian_distance_m", "1.0", null)));
        return new GeneratedScenario(name, files);
    }

    /** Walkers go about 1.27 m/s including the walking areas (measured in the hand-built zebra-crossing). */
    static final double WALK_SPEED = 1.27;

    /**
     * Walker {@code i} (even: from the south, odd: from the north), placed so that it enters the ego's half of the
     * zebra at about {@code t}: already on its footpath at t=0 when it can get there in time, otherwise departing
     * from the footpath's far end later.
     */
    private static void timedWalker(final RoutesBuilder routes, final int i, final double t, final double smLength, final double width,
        final String comment)
    {
        final boolean south = i % 2 == 0;
        // From the south: to the end of SM, then about 3.5 m of walking area and sidewalk. From the north: to M,
        // then the north sidewalk and lane (width + 4.5 m) before the ego's half.
        final double reach = south ? smLength + 3.5 : 33 + width + 4.5;
        final double needed = WALK_SPEED * t;
        final double depart = needed <= reach - 1 ? 0 : Math.ceil(t - (reach - 1) / WALK_SPEED);
        final double travel = WALK_SPEED * (t - depart);
        final double pos = south ? Math.max(0.5, Math.min(smLength - 0.5, reach - travel))
            : Math.max(0.5, Math.min(32, travel - (width + 4.5)));
        routes.entry(depart, comment + Xml.f("<person id=\"timed_%d\" type=\"walker\" depart=\"%s\" departPos=\"%s\"><walk " +
            "edges=\"%s\" arrivalPos=\"%s\"/></person>", i + 1, Xml.num(depart, 0), Xml.num(pos, 1),
            south ? "SM MN" : "MN SM", south ? "25" : "3"));
    }
}
