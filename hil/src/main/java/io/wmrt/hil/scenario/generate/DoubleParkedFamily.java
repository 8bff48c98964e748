package io.wmrt.hil.scenario.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code double-parked}: the layout of hil/scenarios/double-parked-car (a straight 400 m two-way street W - E, one
 * car lane per direction with 2 m sidewalks, no junction) with a drawn obstacle standing in the ego's lane (one
 * car, two cars nose to tail, or a delivery van), lane width, speed limit and oncoming traffic.
 */
final class DoubleParkedFamily implements Family
{
    static final Parameter OBSTACLE = Parameter.choice("obstacle", List.of("car", "two_cars", "van"),
        "what stands in the ego's lane: one car (4.6 m), two cars nose to tail, or a delivery van (2.1 m wide)");
    static final Parameter OBSTACLE_FRONT = Parameter.real("obstacle_front_m", "m", 80, 130, 1,
        "front of the obstacle (of the front car for two_cars) along WE; the ego starts at 10 m");
    static final Parameter NOSE_TO_TAIL_GAP = Parameter.real("nose_to_tail_gap_m", "m", 0.8, 3.0, 1,
        "gap between the two cars (two_cars only)");
    static final Parameter VAN_LENGTH = Parameter.real("van_length_m", "m", 6.5, 7.5, 1,
        "length of the delivery van (van only)");
    static final Parameter OBSTACLE_LAT = Parameter.real("obstacle_lat_offset_m", "m", -0.3, 0.3, 2,
        "lateral offset of the obstacle from the lane's centre (positive: towards the opposite lane)");
    static final Parameter LANE_WIDTH = Parameter.real("lane_width_m", "m", 3.0, 3.5, 2,
        "width of the car lane in each direction");
    static final Parameter SPEED_LIMIT = Parameter.integer("speed_limit_kmh", "km/h", 30, 50,
        "speed limit of the street");
    static final Parameter ONCOMING_RATE = Parameter.real("oncoming_rate_per_s", "1/s", 0.05, 0.15, 3,
        "Poisson rate of the oncoming flow from E");
    static final Parameter ONCOMING_INITIAL = Parameter.integer("oncoming_initial", "count", 0, 3,
        "oncoming cars already on EW at t=0 (SUMO's random free positions)");

    static final double EGO_POS = 10;
    static final double MARGIN = 85;

    @Override
    public String name()
    {
        return "double-parked";
    }

    @Override
    public String summary()
    {
        return "pass a car, two cars or a delivery van standing in the ego's lane through the opposite lane " +
            "between oncoming cars";
    }

    @Override
    public List<Parameter> parameters()
    {
        return List.of(Families.SUMO_SEED, OBSTACLE, OBSTACLE_FRONT, NOSE_TO_TAIL_GAP, VAN_LENGTH, OBSTACLE_LAT,
            LANE_WIDTH, SPEED_LIMIT, ONCOMING_RATE, ONCOMING_INITIAL);
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final String obstacle = draw.choice(OBSTACLE);
        final double front = draw.real(OBSTACLE_FRONT);
        final double gap = "two_cars".equals(obstacle) ? draw.real(NOSE_TO_TAIL_GAP) : 0;
        final double vanLength = "van".equals(obstacle) ? draw.real(VAN_LENGTH) : 0;
        final double lat = draw.real(OBSTACLE_LAT);
        final double width = draw.real(LANE_WIDTH);
        final int limitKmh = draw.integer(SPEED_LIMIT);
        final double oncomingRate = draw.real(ONCOMING_RATE);
        final int oncomingInitial = draw.integer(ONCOMING_INITIAL);
        final double speed = Xml.mps(limitKmh);

        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER +
            "<!-- " + name + ": one 400 m two-way street W - E, no junction in between -->\n" +
            "<nodes>\n" +
            "    <node id=\"W\" x=\"0.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"E\" x=\"400.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "</nodes>\n");
        files.put(name + ".edg.xml", Xml.HEADER +
            Xml.f("<!-- one %s m car lane per direction (lane 1) with a 2.0 m sidewalk (lane 0), %d km/h -->\n",
                Xml.num(width), limitKmh) +
            "<edges>\n" +
            Xml.f("    <edge id=\"WE\" from=\"W\" to=\"E\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", Xml.num(speed), Xml.num(width)) +
            Xml.f("    <edge id=\"EW\" from=\"E\" to=\"W\" priority=\"3\" numLanes=\"1\" speed=\"%s\" width=\"%s\" " +
                "sidewalkWidth=\"2.0\"/>\n", Xml.num(speed), Xml.num(width)) +
            "</edges>\n");

        final RoutesBuilder routes = new RoutesBuilder()
            .head(RoutesBuilder.EGO_TYPE_OPPOSITE)
            .head(RoutesBuilder.CAR_TYPE);
        if ("van".equals(obstacle))
        {
            routes.head(Xml.f("<vType id=\"van_type\" vClass=\"delivery\" length=\"%s\" width=\"2.1\" minGap=\"0.5\" " +
                "height=\"2.6\" color=\"0.9,0.9,0.9\"/>", Xml.num(vanLength, 1)));
        }
        else
        {
            routes.head(RoutesBuilder.PARKED_TYPE);
        }
        routes.head("").head("<route id=\"r_ego\" edges=\"WE\"/>").head("<route id=\"r_oncoming\" edges=\"EW\"/>");
        final String type = "van".equals(obstacle) ? "van_type" : "parked_type";
        routes.entry(0, Xml.f("<!-- %s in the ego's lane WE_1, front at %s m, %s m off the lane's centre -->\n",
            switch (obstacle)
            {
                case "van" -> "a delivery van (" + Xml.num(vanLength, 1) + " m)";
                case "two_cars" -> "two cars nose to tail (" + Xml.num(gap, 1) + " m apart)";
                default -> "a double-parked car";
            }, Xml.num(front, 1), Xml.num(lat)) + standing("dpark", type, front, lat));
        if ("two_cars".equals(obstacle))
        {
            routes.entry(0, standing("dpark2", type, front - 4.6 - gap, lat));
        }
        if (oncomingInitial > 0)
        {
            routes.entry(0, Xml.f("<flow id=\"onc_init\" type=\"car\" route=\"r_oncoming\" begin=\"0\" end=\"1\" " +
                "number=\"%d\" departLane=\"1\" departPos=\"random_free\" departSpeed=\"max\"/>", oncomingInitial));
        }
        routes.entry(0, Xml.f("<!-- oncoming flow: Poisson arrivals, mean gap %s s -->\n" +
            "<flow id=\"onc\" type=\"car\" begin=\"0\" end=\"400\" period=\"exp(%s)\" departLane=\"1\" " +
            "departSpeed=\"max\" route=\"r_oncoming\"/>", Xml.num(1 / oncomingRate, 1), Xml.num(oncomingRate, 3)));
        routes.entry(2, "<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"1\" " +
            "departPos=\"10\" departSpeed=\"8\"/>");
        files.put("routes.rou.xml", routes.build());
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, 300));

        // Key point: the obstacle's front; the ego must be 85 m past it (room to return and go on).
        final double minProgress = Xml.ceilTo(front + MARGIN - EGO_POS, 5);
        final double duration = Xml.ceilTo(minProgress / (0.6 * speed) + 15, 5);
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(List.of(
            Xml.f("A %s stands in the middle of the ego's lane (front at %s m) on a %d km/h two-way street:",
                "van".equals(obstacle) ? "delivery van" : "two_cars".equals(obstacle) ? "pair of cars" : "car",
                Xml.num(front, 1), limitKmh),
            "stop behind it if needed, pass it through the opposite lane in a gap of the oncoming traffic, return.",
            "Generated by 'wmrt scenarios generate --family double-parked'; parameters in parameters.yaml."),
            "generated two-way street: " + obstacle.replace('_', ' ') + " in the ego's lane, pass through the " +
                "opposite lane between oncoming cars", name, seed, duration,
            new ScenarioFiles.Pass(minProgress, "obstacle front (" + Xml.num(front - EGO_POS, 0) + " from the start) + " +
                Xml.num(MARGIN, 0) + " m")));
        return new GeneratedScenario(name, files);
    }

    private static String standing(final String id, final String type, final double front, final double lat)
    {
        return Xml.f("<vehicle id=\"%s\" type=\"%s\" depart=\"0\" departLane=\"1\" departPos=\"%s\" " +
            "departPosLat=\"%s\" departSpeed=\"0\" route=\"r_ego\">\n" +
            "    <stop lane=\"WE_1\" startPos=\"%s\" endPos=\"%s\" posLat=\"%s\" duration=\"10000\"/>\n" +
            "</vehicle>", id, type, Xml.num(front, 1), Xml.num(lat), Xml.num(front - 10, 1), Xml.num(front, 1),
            Xml.num(lat));
    }
}
