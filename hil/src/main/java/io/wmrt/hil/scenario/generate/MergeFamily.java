package io.wmrt.hil.scenario.generate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code merge}: the layout of hil/scenarios/on-ramp-merge (a one-way main road A - B - C with 3.5 m lanes, an
 * on-ramp R - B feeding an acceleration lane {@code BC_0} that ends at C) with a drawn acceleration lane length,
 * main-road density and truck share, main-road and ramp speeds, and an optional lane drop: after the merge the
 * road runs on C - X (2 lanes, 150 m) and X - D, which has 2 lanes, or 1 with the lane drop: the left lane ends
 * at X and the right one runs straight on, X - D drawn 3.5 m south of the node line so that its one lane lies
 * where the right lane was. (Up to generator version 5 it lay where the left lane was, so the right lane, which
 * continued, jogged 3.5 m left inside the 8 m junction: a 24 degree kink no road has, into which the left lane's
 * cars, stopped at their lane's end, stood; merge-9500-007, -024 and -032 braked hard there.)
 */
final class MergeFamily implements Family
{
    static final Parameter ACCEL_LANE = Parameter.real("accel_lane_m", "m", 80, 250, 0,
        "length of the acceleration lane B - C");
    static final Parameter MAIN_SPEED = Parameter.integer("main_speed_kmh", "km/h", 70, 100,
        "speed limit of the main road");
    static final Parameter RAMP_SPEED = Parameter.integer("ramp_speed_kmh", "km/h", 40, 60,
        "speed limit of the ramp");
    static final Parameter RIGHT_RATE = Parameter.real("right_lane_rate_per_s", "1/s", 0.2, 0.45, 3,
        "Poisson rate of all vehicles (cars and trucks) entering the right lane at A");
    static final Parameter LEFT_RATE = Parameter.real("left_lane_rate_per_s", "1/s", 0.1, 0.3, 3,
        "Poisson rate of cars entering the left lane at A");
    static final Parameter TRUCK_SHARE = Parameter.real("truck_share", "fraction", 0.0, 0.3, 2,
        "share of 12 m trucks in the right lane's traffic");
    static final Parameter TRUCK_SPEED = Parameter.integer("truck_speed_kmh", "km/h", 70, 85,
        "trucks' top speed (the speed difference to the cars)");
    static final Parameter PREFILL = Parameter.integer("prefill_vehicles", "count", 4, 12,
        "cars already on A - B at t=0 (random free positions, 60 % in the right lane)");
    static final Parameter LANE_DROP = Parameter.flag("lane_drop", 0.5,
        "the main road drops from 2 lanes to 1 at X, 150 m after the end of the acceleration lane");

    static final double B_X = 300;
    static final double EGO_POS = 20;
    static final double[][] RAMP = {{80, -60}, {160, -36}, {220, -20}, {265, -11.5}, {300, -7}};

    @Override
    public String name()
    {
        return "merge";
    }

    @Override
    public String summary()
    {
        return "merge from an on-ramp over an acceleration lane into the busy right lane of a two-lane road, once, " +
            "with trucks, speed differences and optionally a lane drop after the merge";
    }

    @Override
    public List<Parameter> parameters()
    {
        return List.of(Families.SUMO_SEED, ACCEL_LANE, MAIN_SPEED, RAMP_SPEED, RIGHT_RATE, LEFT_RATE, TRUCK_SHARE,
            TRUCK_SPEED, PREFILL, LANE_DROP);
    }

    /** The ramp's polyline length (its net lane is about 2 m shorter). */
    static double rampLength()
    {
        double length = 0;
        for (int i = 1; i < RAMP.length; i++)
        {
            length += Math.hypot(RAMP[i][0] - RAMP[i - 1][0], RAMP[i][1] - RAMP[i - 1][1]);
        }
        return length;
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final double accel = draw.real(ACCEL_LANE);
        final int mainKmh = draw.integer(MAIN_SPEED);
        final int rampKmh = draw.integer(RAMP_SPEED);
        final double rightRate = draw.real(RIGHT_RATE);
        final double leftRate = draw.real(LEFT_RATE);
        final double truckShare = draw.real(TRUCK_SHARE);
        final int truckKmh = draw.integer(TRUCK_SPEED);
        final int prefill = draw.integer(PREFILL);
        final boolean drop = draw.flag(LANE_DROP);
        final double mainSpeed = Xml.mps(mainKmh);
        final double rampSpeed = Xml.mps(rampKmh);
        final double cx = B_X + accel;
        final double xx = cx + 150;
        final double dx = xx + 300;

        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER +
            "<!-- " + name + ": one-way main road A - B - C - X - D (east), on-ramp R - B joining from the south-west -->\n" +
            "<nodes>\n" +
            "    <node id=\"A\" x=\"0.0\" y=\"0.0\" type=\"priority\"/>\n" +
            "    <node id=\"B\" x=\"300.0\" y=\"0.0\" type=\"priority\"/>\n" +
            Xml.f("    <node id=\"C\" x=\"%s\" y=\"0.0\" type=\"priority\"/>\n", Xml.num(cx, 1)) +
            Xml.f("    <node id=\"X\" x=\"%s\" y=\"0.0\" type=\"priority\"/>\n", Xml.num(xx, 1)) +
            Xml.f("    <node id=\"D\" x=\"%s\" y=\"0.0\" type=\"priority\"/>\n", Xml.num(dx, 1)) +
            "    <node id=\"R\" x=\"80.0\" y=\"-60.0\" type=\"priority\"/>\n" +
            "</nodes>\n");
        final StringBuilder shape = new StringBuilder();
        for (final double[] p : RAMP)
        {
            shape.append(shape.length() == 0 ? "" : " ").append(Xml.num(p[0], 1)).append(',').append(Xml.num(p[1], 1));
        }
        final String main = Xml.num(mainSpeed);
        files.put(name + ".edg.xml", Xml.HEADER +
            Xml.f("<!-- main road 2 x 3.5 m lanes at %d km/h; BC has a third lane (index 0) as the %s m acceleration " +
                "lane;\n     XD has %s; the ramp is one 3.5 m lane at %d km/h that bends gently until it runs parallel " +
                "to the main road -->\n", mainKmh, Xml.num(accel, 0), drop ? "1 lane (lane drop)" : "2 lanes", rampKmh) +
            "<edges>\n" +
            Xml.f("    <edge id=\"AB\" from=\"A\" to=\"B\" priority=\"3\" numLanes=\"2\" speed=\"%s\" width=\"3.5\"/>\n", main) +
            Xml.f("    <edge id=\"BC\" from=\"B\" to=\"C\" priority=\"3\" numLanes=\"3\" speed=\"%s\" width=\"3.5\"/>\n", main) +
            Xml.f("    <edge id=\"CX\" from=\"C\" to=\"X\" priority=\"3\" numLanes=\"2\" speed=\"%s\" width=\"3.5\"/>\n", main) +
            Xml.f("    <edge id=\"XD\" from=\"X\" to=\"D\" priority=\"3\" numLanes=\"%d\" speed=\"%s\" width=\"3.5\"%s/>\n",
                drop ? 1 : 2, main, drop ? Xml.f(" shape=\"%s,-3.5 %s,-3.5\"", Xml.num(xx, 1), Xml.num(dx, 1)) : "") +
            Xml.f("    <edge id=\"RB\" from=\"R\" to=\"B\" priority=\"1\" numLanes=\"1\" speed=\"%s\" width=\"3.5\"\n" +
                "          shape=\"%s\"/>\n", Xml.num(rampSpeed), shape) +
            "</edges>\n");
        files.put(name + ".con.xml", Xml.HEADER +
            "<!-- the ramp feeds the acceleration lane BC_0, the main lanes run straight on; BC_0 ends at C" +
            (drop ? "; CX_1 ends at X (lane drop)" : "") + " -->\n" +
            "<connections>\n" +
            "    <connection from=\"RB\" to=\"BC\" fromLane=\"0\" toLane=\"0\"/>\n" +
            "    <connection from=\"AB\" to=\"BC\" fromLane=\"0\" toLane=\"1\"/>\n" +
            "    <connection from=\"AB\" to=\"BC\" fromLane=\"1\" toLane=\"2\"/>\n" +
            "    <connection from=\"BC\" to=\"CX\" fromLane=\"1\" toLane=\"0\"/>\n" +
            "    <connection from=\"BC\" to=\"CX\" fromLane=\"2\" toLane=\"1\"/>\n" +
            "    <connection from=\"CX\" to=\"XD\" fromLane=\"0\" toLane=\"0\"/>\n" +
            (drop ? "" : "    <connection from=\"CX\" to=\"XD\" fromLane=\"1\" toLane=\"1\"/>\n") +
            "</connections>\n");

        final double truckRate = rightRate * truckShare;
        final double carRate = rightRate - truckRate;
        final RoutesBuilder routes = new RoutesBuilder()
            .head(RoutesBuilder.EGO_TYPE)
            .head(RoutesBuilder.CAR_TYPE)
            .head(Xml.f("<vType id=\"truck\" vClass=\"truck\" length=\"12.0\" width=\"2.5\" accel=\"1.3\" " +
                "decel=\"4.0\" sigma=\"0.5\" maxSpeed=\"%s\" speedFactor=\"0.9\" speedDev=\"0.05\"/>",
                Xml.num(Xml.mps(truckKmh))))
            .head("")
            .head("<route id=\"r_main\" edges=\"AB BC CX XD\"/>")
            .head("<route id=\"r_ego\" edges=\"RB BC CX XD\"/>");
        final int prefillRight = (int)Math.round(prefill * 0.6);
        routes.entry(0, Xml.f("<!-- main road already filled at t=0: random free positions on AB, both lanes -->\n" +
            "<flow id=\"pre_r\" type=\"car\" route=\"r_main\" begin=\"0\" end=\"1\" number=\"%d\" departLane=\"0\" " +
            "departPos=\"random_free\" departSpeed=\"max\"/>\n" +
            "<flow id=\"pre_l\" type=\"car\" route=\"r_main\" begin=\"0\" end=\"1\" number=\"%d\" departLane=\"1\" " +
            "departPos=\"random_free\" departSpeed=\"max\"/>", prefillRight, prefill - prefillRight));
        routes.entry(0, Xml.f("<!-- right lane: %s veh/s of which %s trucks; left lane %s cars/s -->\n" +
            "<flow id=\"main_r\" type=\"car\" route=\"r_main\" begin=\"0\" end=\"400\" period=\"exp(%s)\" " +
            "departLane=\"0\" departSpeed=\"max\"/>", Xml.num(rightRate, 3), Xml.num(truckShare * 100, 0) + " %",
            Xml.num(leftRate, 3), Xml.num(carRate, 3)));
        if (truckRate > 0.0005)
        {
            routes.entry(0, Xml.f("<flow id=\"main_t\" type=\"truck\" route=\"r_main\" begin=\"0\" end=\"400\" " +
                "period=\"exp(%s)\" departLane=\"0\" departSpeed=\"max\"/>", Xml.num(truckRate, 3)));
        }
        routes.entry(0, Xml.f("<flow id=\"main_l\" type=\"car\" route=\"r_main\" begin=\"0\" end=\"400\" " +
            "period=\"exp(%s)\" departLane=\"1\" departSpeed=\"max\"/>", Xml.num(leftRate, 3)));
        final double egoSpeed = Math.min(12, Math.floor(rampSpeed * 0.9 * 2) / 2);
        routes.entry(2, Xml.f("<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"0\" " +
            "departPos=\"20\" departSpeed=\"%s\"/>", Xml.num(egoSpeed, 1)));
        files.put("routes.rou.xml", routes.build());
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, 300));

        // Key point: the end of the acceleration lane at C (the net's lanes are about 2 m shorter on the ramp and
        // 6 m on BC than the node distances), plus 30 m.
        final double rampPart = rampLength() - 2 - EGO_POS;
        final double minProgress = Xml.ceilTo(rampPart + accel - 6 + 30, 5);
        final double duration = Xml.ceilTo(rampPart / (0.6 * rampSpeed) + (minProgress - rampPart) / (0.6 * mainSpeed),
            5);
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(List.of(
            Xml.f("Merge from a %d km/h on-ramp over a %s m acceleration lane into the right lane of a two-lane %d km/h",
                rampKmh, Xml.num(accel, 0), mainKmh),
            Xml.f("road (%s veh/s, %s %% trucks)%s: one decisive lane change into a gap, no weaving.",
                Xml.num(rightRate, 2), Xml.num(truckShare * 100, 0), drop ? ", which drops to one lane 150 m later" : ""),
            "Generated by 'wmrt scenarios generate --family merge'; parameters in parameters.yaml."),
            Xml.f("generated on-ramp merge: %s m acceleration lane, ramp %d km/h, road %d km/h%s", Xml.num(accel, 0),
                rampKmh, mainKmh, drop ? ", lane drop after the merge" : ""), name, seed, duration,
            new ScenarioFiles.Pass(minProgress, "merged and 30 m past the end of the acceleration lane")
                .put("max_weaving", "0", null)
                .put("max_decel_mps2", "4.0", null)));
        return new GeneratedScenario(name, files);
    }
}
