package io.wmrt.hil.scenario.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code corridor}: several scenes chained along one long eastbound route on y=0 (about 0.8-1.8 km). 3-5 of the
 * five scenes {@code merge} (a ramp merge over an ending acceleration lane), {@code signal} (a signalised
 * crossroads with a queue), {@code zebra} (a mid-block zebra with walkers), {@code double_parked} (a car or van
 * standing in the right lane of a road with two lanes per direction, traffic coming from behind) and
 * {@code narrow} (a narrow two-way street with a parked car) are picked in a random order; the merge, when
 * picked, always comes first (the ego starts on its ramp), otherwise the ego starts on a 60 m lead-in street.
 * Sections meet at nodes K1, K2, ...; the route ends on a 100 m lead-out street to Z.
 *
 * <p>Every street but the merge section's has 2 m sidewalks (lane 0), so car lanes count from 1 there. Traffic is
 * local to each scene (flows start and end inside it, none on a street the ego drives), and what must meet the ego
 * (the signal's queue and light phase) is timed from the ego's earliest possible arrival (driving at the limits),
 * so it is approximate.
 * The pass criteria have no {@code max_opposite_lane_s} (the narrow street needs the opposite lane).
 */
final class CorridorFamily implements Family
{
    static final List<String> SCENES = List.of("merge", "signal", "zebra", "double_parked", "narrow");

    static final Parameter SCENE_COUNT = Parameter.integer("scene_count", "count", 3, 5,
        "how many scenes the corridor chains");
    static final List<Parameter> SCENE_AT = List.of(
        Parameter.choice("scene_1", SCENES, "first scene (merge is always first when picked)"),
        Parameter.choice("scene_2", SCENES, "second scene"),
        Parameter.choice("scene_3", SCENES, "third scene"),
        Parameter.choice("scene_4", SCENES, "fourth scene (scene_count >= 4)"),
        Parameter.choice("scene_5", SCENES, "fifth scene (scene_count 5)"));

    static final Parameter M_ACCEL = Parameter.real("accel_lane_m", "m", 100, 200, 0,
        "length of the ending acceleration lane B - C");
    static final Parameter M_MAIN_SPEED = Parameter.integer("main_speed_kmh", "km/h", 60, 80,
        "speed limit of the road the ramp joins (one lane each way)");
    static final Parameter M_RAMP_SPEED = Parameter.integer("ramp_speed_kmh", "km/h", 40, 60, "ramp speed limit");
    static final Parameter M_RATE = Parameter.real("main_rate_per_s", "1/s", 0.15, 0.35, 3,
        "Poisson rate of eastbound vehicles from K0 (they leave at K1)");
    static final Parameter M_TRUCKS = Parameter.real("truck_share", "fraction", 0.0, 0.2, 2,
        "share of 12 m trucks in that traffic");
    static final Parameter M_PREFILL = Parameter.integer("prefill_vehicles", "count", 2, 6,
        "cars already on K0 - B at t=0");

    static final Parameter S_SPEED = Parameter.integer("speed_limit_kmh", "km/h", 40, 60, "speed limit");
    static final Parameter S_QUEUE = Parameter.integer("queue_length", "count", 0, 6,
        "cars inserted near the stop line in the ego's lane 25 s before the ego could arrive");
    static final Parameter S_GREEN_DELAY = Parameter.real("green_delay_s", "s", 0, 15, 0,
        "light phase offset: the ego's green starts this long after its earliest possible arrival at the stop line");
    static final Parameter S_CROSS = Parameter.real("cross_rate_per_s", "1/s", 0.05, 0.12, 3,
        "side street traffic each way");
    static final Parameter S_OPPOSITE = Parameter.choice("opposite_lane", List.of("free", "busy"),
        "whether westbound cars use the ego's opposite lane");
    static final Parameter S_OPPOSITE_RATE = Parameter.real("opposite_rate_per_s", "1/s", 0.05, 0.15, 3,
        "westbound rate (busy only)");

    static final Parameter Z_SPEED = Parameter.integer("speed_limit_kmh", "km/h", 30, 50, "speed limit");
    static final Parameter Z_SOUTH = Parameter.real("walker_rate_south_per_s", "1/s", 0.02, 0.1, 3,
        "walkers crossing from the south");
    static final Parameter Z_NORTH = Parameter.real("walker_rate_north_per_s", "1/s", 0.02, 0.1, 3,
        "walkers crossing from the north");
    static final Parameter Z_GROUP = Parameter.integer("group_size", "count", 0, 5,
        "a group departing together from the south when the ego could first arrive (0: none)");
    static final Parameter Z_HESITATE = Parameter.flag("hesitating_walker", 0.5,
        "a walker who stops at the south kerb before crossing, timed to the ego's arrival");
    static final Parameter Z_HESITATE_WAIT = Parameter.real("hesitate_wait_s", "s", 2, 8, 1,
        "how long it waits (hesitating_walker only)");
    static final Parameter Z_ONCOMING = Parameter.real("oncoming_rate_per_s", "1/s", 0.02, 0.1, 3, "oncoming rate");

    /** Where the double-parked scene's right-lane traffic from behind turns off: this far before the obstacle. */
    static final double RIGHT_LANE_TURN_OFF_M = 40;
    /**
     * The double-parked scene's road, two lanes each way, ends in a stretch this long in which its right lane ends:
     * only the left lane goes on, straight into the next section's single lane. Joined at one node, the right lane
     * ran on into that single lane 3.3 m to its left within the junction's 8 m, a step no car follows at speed
     * (corridor-10100-033, -038, 10200-029 braked there at 4.7 to 6.3 m/s^2).
     */
    static final double LANE_END_M = 80;
    /** The double-parked scene's side street D runs from this far west and south of the section's start to it. */
    static final double SIDE_STREET_BACK_M = 50;
    static final double SIDE_STREET_SOUTH_M = 60;

    static final Parameter D_OBSTACLE = Parameter.choice("obstacle", List.of("car", "two_cars", "van"),
        "what stands in the right lane");
    static final Parameter D_FRONT = Parameter.real("obstacle_front_m", "m", 110, 160, 1,
        "front of the obstacle from the section's start");
    static final Parameter D_GAP = Parameter.real("nose_to_tail_gap_m", "m", 0.8, 3.0, 1, "gap (two_cars only)");
    static final Parameter D_VAN_LENGTH = Parameter.real("van_length_m", "m", 6.5, 7.5, 1, "van length (van only)");
    static final Parameter D_SPEED = Parameter.integer("speed_limit_kmh", "km/h", 40, 60, "speed limit");
    static final Parameter D_BEHIND = Parameter.real("behind_rate_per_s", "1/s", 0.05, 0.2, 3,
        "eastbound traffic entering the section behind the ego from a side street, each lane");
    static final Parameter D_ONCOMING = Parameter.real("oncoming_rate_per_s", "1/s", 0.05, 0.15, 3,
        "westbound traffic, each lane");

    static final Parameter N_WIDTH = Parameter.real("lane_width_m", "m", 2.7, 3.5, 2, "car lane width");
    static final Parameter N_FRONT = Parameter.real("parked_front_m", "m", 90, 150, 1,
        "front of the parked car from the section's start");
    static final Parameter N_LENGTH = Parameter.real("parked_length_m", "m", 4.2, 5.2, 1, "parked car length");
    static final Parameter N_KERB = Parameter.real("parked_kerb_gap_m", "m", 0.05, 0.4, 2, "gap to the kerb");
    static final Parameter N_ONCOMING = Parameter.real("oncoming_rate_per_s", "1/s", 0.08, 0.2, 3, "oncoming rate");
    static final Parameter N_WALKERS = Parameter.real("sidewalk_walker_rate_per_s", "1/s", 0.02, 0.08, 3,
        "walkers on each sidewalk");

    private static final double RAMP_PART = MergeFamily.rampLength() - 2 - 20;

    @Override
    public String name()
    {
        return "corridor";
    }

    @Override
    public String summary()
    {
        return "3-5 scenes (merge, signal, zebra, double_parked, narrow) in a random order on one long route";
    }

    @Override
    public List<Parameter> parameters()
    {
        final List<Parameter> all = new ArrayList<>(List.of(Families.SUMO_SEED, SCENE_COUNT));
        all.addAll(SCENE_AT);
        prefixed(all, "merge", M_ACCEL, M_MAIN_SPEED, M_RAMP_SPEED, M_RATE, M_TRUCKS, M_PREFILL);
        prefixed(all, "signal", S_SPEED, S_QUEUE, S_GREEN_DELAY, S_CROSS, S_OPPOSITE, S_OPPOSITE_RATE);
        prefixed(all, "zebra", Z_SPEED, Z_SOUTH, Z_NORTH, Z_GROUP, Z_HESITATE, Z_HESITATE_WAIT, Z_ONCOMING);
        prefixed(all, "double_parked", D_OBSTACLE, D_FRONT, D_GAP, D_VAN_LENGTH, D_SPEED, D_BEHIND, D_ONCOMING);
        prefixed(all, "narrow", N_WIDTH, N_FRONT, N_LENGTH, N_KERB, N_ONCOMING, N_WALKERS);
        return all;
    }

    private static void prefixed(final List<Parameter> all, final String scene, final Parameter... parameters)
    {
        for (final Parameter p : parameters)
        {
            all.add(p.renamed(scene + "." + p.name()));
        }
    }

    /** The corridor being laid out from west to east, with the ego's timing estimates. */
    private static final class Layout
    {
        final StringBuilder nodes = new StringBuilder();
        final StringBuilder edges = new StringBuilder();
        final StringBuilder connections = new StringBuilder();
        final StringBuilder tll = new StringBuilder();
        final RoutesBuilder routes = new RoutesBuilder();
        final List<String> egoEdges = new ArrayList<>();
        /** Ego edges whose right car lane ends with them: only their left lane goes on into the next ego edge. */
        final List<String> rightLaneEnds = new ArrayList<>();
        final List<String> story = new ArrayList<>();
        boolean merge;
        double x;
        String node = "K0";
        int sections;
        /** When the ego could be at x driving at the limits, and when it is expected there (60 % plus waits). */
        double tEarly = 2;
        double tExpected = 2;
        /** Progress of the last key point. */
        double keyProgress;

        void node(final String id, final double nx, final double ny, final String type)
        {
            nodes.append(Xml.f("    <node id=\"%s\" x=\"%s\" y=\"%s\" type=\"%s\"%s/>\n", id, Xml.num(nx, 1),
                Xml.num(ny, 1), type, "traffic_light".equals(type) ? " tl=\"" + id + "\"" : ""));
        }

        /** A two-way street pair from -> to and back, with sidewalks. */
        void street(final String from, final String to, final int lanes, final double speed, final double width,
            final String backWidth)
        {
            edge(from + to, from, to, lanes, speed, Xml.num(width), true);
            edge(to + from, to, from, lanes, speed, backWidth, true);
        }

        void edge(final String id, final String from, final String to, final int lanes, final double speed,
            final String width, final boolean sidewalk)
        {
            edges.append(Xml.f("    <edge id=\"%s\" from=\"%s\" to=\"%s\" priority=\"3\" numLanes=\"%d\" speed=\"%s\" " +
                "width=\"%s\"%s/>\n", id, from, to, lanes, Xml.num(speed), width,
                sidewalk ? " sidewalkWidth=\"2.0\"" : ""));
        }

        /** The ego's progress at x on the main axis. */
        double progress(final double px)
        {
            return merge ? RAMP_PART + px - MergeFamily.B_X : px - 10;
        }

        /** Advances the cursor by {@code length} at {@code speed} (m/s), with {@code wait} s of waiting. */
        void advance(final double length, final double speed, final double wait)
        {
            x += length;
            tEarly += length / speed;
            tExpected += length / (0.6 * speed) + wait;
        }

        String next()
        {
            sections++;
            return "K" + sections;
        }
    }

    @Override
    public GeneratedScenario generate(final Draw draw, final String name)
    {
        final long seed = draw.integer(Families.SUMO_SEED);
        final int count = draw.integer(SCENE_COUNT);
        final List<String> pool = new ArrayList<>(SCENES);
        final List<String> order = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            order.add(pool.remove(draw.pick(0, pool.size() - 1)));
        }
        if (order.remove("merge"))
        {
            order.add(0, "merge");
        }
        for (int i = 0; i < count; i++)
        {
            draw.derived(SCENE_AT.get(i), order.get(i));
        }

        final Layout l = new Layout();
        l.routes.head(RoutesBuilder.EGO_TYPE_OPPOSITE).head(RoutesBuilder.CAR_TYPE).head(RoutesBuilder.PARKED_TYPE)
            .head(RoutesBuilder.WALKER_TYPE);
        l.node("K0", 0, 0, "priority");
        if (!"merge".equals(order.get(0)))
        {
            final String k1 = l.next();
            l.node(k1, 60, 0, "priority");
            l.street("K0", k1, 1, 11.11, 3.3, "3.3");
            l.egoEdges.add("K0" + k1);
            l.advance(60, 11.11, 0);
            l.node = k1;
            l.story.add("a 60 m lead-in street");
        }
        for (final String scene : order)
        {
            final Draw d = draw.scoped(scene);
            switch (scene)
            {
                case "merge" -> merge(d, l);
                case "signal" -> signal(d, l);
                case "zebra" -> zebra(d, l);
                case "double_parked" -> doubleParked(d, l);
                default -> narrow(d, l);
            }
        }
        l.node("Z", l.x + 100, 0, "priority");
        l.street(l.node, "Z", 1, 11.11, 3.3, "3.3");
        l.egoEdges.add(l.node + "Z");
        l.story.add("a 100 m lead-out street");
        for (final String ending : l.rightLaneEnds)
        {
            final String next = l.egoEdges.get(l.egoEdges.indexOf(ending) + 1);
            l.connections.append(Xml.f("    <!-- %s: its right lane ends; the left lane goes on into %s -->\n" +
                "    <connection from=\"%s\" to=\"%s\" fromLane=\"2\" toLane=\"1\"/>\n", ending, next, ending, next));
        }

        final Map<String, String> files = new LinkedHashMap<>();
        files.put(name + ".nod.xml", Xml.HEADER + "<!-- " + name + ": " + String.join(", then ", order) +
            " along one eastbound route on y=0, sections meeting at K1, K2, ... -->\n<nodes>\n" + l.nodes + "</nodes>\n");
        files.put(name + ".edg.xml", Xml.HEADER + "<!-- two-way streets with 2.0 m sidewalks (lane 0, car lanes from " +
            "1) except in the merge section; footpaths for the zebra -->\n<edges>\n" + l.edges + "</edges>\n");
        if (l.connections.length() > 0)
        {
            files.put(name + ".con.xml", Xml.HEADER + "<connections>\n" + l.connections + "</connections>\n");
        }
        if (l.tll.length() > 0)
        {
            files.put(name + ".tll.xml", Xml.HEADER + "<tlLogics>\n" + l.tll + "</tlLogics>\n");
        }
        l.routes.head("").head("<route id=\"r_ego\" edges=\"" + String.join(" ", l.egoEdges) + "\"/>");
        final boolean merge = l.merge;
        l.routes.entry(2, merge
            ? "<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"0\" departPos=\"20\" " +
                "departSpeed=\"10\"/>"
            : "<vehicle id=\"ego\" type=\"ego_type\" route=\"r_ego\" depart=\"2\" departLane=\"1\" departPos=\"10\" " +
                "departSpeed=\"8\"/>");
        files.put("routes.rou.xml", l.routes.build());
        final double minProgress = Xml.ceilTo(l.keyProgress, 5);
        final double duration = Xml.ceilTo(l.tExpected - 2, 5);
        files.put(name + ".sumocfg", ScenarioFiles.sumocfg(name, (int)Math.max(300, Xml.ceilTo(duration + 100, 50))));
        final ScenarioFiles.Pass pass = new ScenarioFiles.Pass(minProgress,
            "past the last scene's key point (with its margin)")
            .put("max_decel_mps2", "4.0", null);
        if (order.contains("zebra") || order.contains("narrow"))
        {
            pass.put("min_pedestrian_distance_m", "0.5", "walkers on narrow sidewalks pass at about 0.8 m");
        }
        if (merge)
        {
            pass.put("max_weaving", "0", null);
        }
        files.put("scenario.yaml", ScenarioFiles.scenarioYaml(List.of(
            "Corridor of " + count + " scenes on one route (" + Xml.num(l.x + 100, 0) + " m): " +
                String.join(", ", order) + ".",
            String.join("; ", l.story) + ".",
            "Generated by 'wmrt scenarios generate --family corridor'; parameters in parameters.yaml."),
            "generated corridor: " + String.join(", ", order), name, seed, duration, pass));
        return new GeneratedScenario(name, files);
    }

    private static void merge(final Draw d, final Layout l)
    {
        final double accel = d.real(M_ACCEL);
        final int mainKmh = d.integer(M_MAIN_SPEED);
        final int rampKmh = d.integer(M_RAMP_SPEED);
        final double rate = d.real(M_RATE);
        final double trucks = d.real(M_TRUCKS);
        final int prefill = d.integer(M_PREFILL);
        final double main = Xml.mps(mainKmh);
        final double ramp = Xml.mps(rampKmh);
        final double bx = MergeFamily.B_X;
        final double cx = bx + accel;
        final double kx = cx + 100;
        final String k = l.next();
        l.merge = true;
        l.node("B", bx, 0, "priority");
        l.node("C", cx, 0, "priority");
        l.node(k, kx, 0, "priority");
        l.node("R", 80, -60, "priority");
        // The westbound lane runs from C to K0 without meeting B: with it at B, netconvert widened the junction
        // past the ramp's angle and ran the main road's internal lane 47 m backwards (K0B's end east of BC's
        // start), so SUMO's cars there moved west at twice their speed (generator version 2).
        l.edge("K0B", "K0", "B", 1, main, "3.5", false);
        l.edge("BC", "B", "C", 2, main, "3.5", false);
        l.edge("CK0", "C", "K0", 1, main, "3.5", false);
        l.edge("C" + k, "C", k, 1, main, "3.5", false);
        l.edge(k + "C", k, "C", 1, main, "3.5", false);
        l.edges.append(Xml.f("    <edge id=\"RB\" from=\"R\" to=\"B\" priority=\"1\" numLanes=\"1\" speed=\"%s\" " +
            "width=\"3.5\"\n          shape=\"80.0,-60.0 160.0,-36.0 220.0,-20.0 265.0,-11.5 300.0,-7.0\"/>\n",
            Xml.num(ramp)));
        l.connections.append("    <!-- merge: the ramp feeds the acceleration lane BC_0, which ends at C -->\n")
            .append("    <connection from=\"RB\" to=\"BC\" fromLane=\"0\" toLane=\"0\"/>\n")
            .append("    <connection from=\"K0B\" to=\"BC\" fromLane=\"0\" toLane=\"1\"/>\n")
            .append(Xml.f("    <connection from=\"BC\" to=\"C%s\" fromLane=\"1\" toLane=\"0\"/>\n", k));
        l.routes.head("<vType id=\"truck\" vClass=\"truck\" length=\"12.0\" width=\"2.5\" accel=\"1.3\" " +
                "decel=\"4.0\" sigma=\"0.5\" maxSpeed=\"22.0\" speedFactor=\"0.9\" speedDev=\"0.05\"/>")
            .head(Xml.f("<route id=\"r_merge_main\" edges=\"K0B BC C%s\"/>", k));
        final int pre = prefill;
        l.routes.entry(0, Xml.f("<!-- merge: the road already has %d cars at t=0, then %s veh/s (%s %% trucks) from K0 " +
            "that leave at %s -->\n" +
            "<flow id=\"m_pre\" type=\"car\" route=\"r_merge_main\" begin=\"0\" end=\"1\" number=\"%d\" " +
            "departLane=\"0\" departPos=\"random_free\" departSpeed=\"max\"/>", pre, Xml.num(rate, 3),
            Xml.num(trucks * 100, 0), k, pre));
        l.routes.entry(0, Xml.f("<flow id=\"m_car\" type=\"car\" route=\"r_merge_main\" begin=\"0\" end=\"1000\" " +
            "period=\"exp(%s)\" departSpeed=\"max\"/>", Xml.num(rate * (1 - trucks), 3)));
        if (rate * trucks > 0.0005)
        {
            l.routes.entry(0, Xml.f("<flow id=\"m_truck\" type=\"truck\" route=\"r_merge_main\" begin=\"0\" " +
                "end=\"1000\" period=\"exp(%s)\" departSpeed=\"max\"/>", Xml.num(rate * trucks, 3)));
        }
        l.egoEdges.addAll(List.of("RB", "BC", "C" + k));
        l.tEarly = 2 + RAMP_PART / ramp;
        l.tExpected = 2 + RAMP_PART / (0.6 * ramp);
        l.x = bx;
        l.advance(kx - bx, main, 0);
        l.node = k;
        l.keyProgress = l.progress(cx + 30);
        l.story.add(Xml.f("merge from a %d km/h ramp over a %s m acceleration lane onto a %d km/h road", rampKmh,
            Xml.num(accel, 0), mainKmh));
    }

    private static void signal(final Draw d, final Layout l)
    {
        final int kmh = d.integer(S_SPEED);
        final int queue = d.integer(S_QUEUE);
        final double greenDelay = d.real(S_GREEN_DELAY);
        final double cross = d.real(S_CROSS);
        final boolean busy = "busy".equals(d.choice(S_OPPOSITE));
        final double oppositeRate = busy ? d.real(S_OPPOSITE_RATE) : 0;
        final double v = Xml.mps(kmh);
        final String from = l.node;
        final String to = l.next();
        final double jx = l.x + 180;
        l.node("J", jx, 0, "traffic_light");
        l.node("N", jx, 100, "priority");
        l.node("S", jx, -100, "priority");
        l.node(to, jx + 120, 0, "priority");
        l.street(from, "J", 1, v, 3.2, "3.2");
        l.street("J", to, 1, v, 3.2, "3.2");
        l.edge("NJ", "N", "J", 1, v, "3.2", false);
        l.edge("JN", "J", "N", 1, v, "3.2", false);
        l.edge("SJ", "S", "J", 1, v, "3.2", false);
        l.edge("JS", "J", "S", 1, v, "3.2", false);
        final double approach = 180 - 7.2;
        final double early = l.tEarly + approach / v;
        final double greenAt = early + greenDelay;
        final double offset = ((greenAt - 38) % 83 + 83) % 83;
        l.tll.append(Xml.f("    <!-- signal J: links 0-2 NJ, 3-5 J's east arm, 6-8 SJ, 9-11 the ego's approach; " +
            "the ego's green at %s s, then every 83 s -->\n", Xml.num(greenAt, 0)))
            .append(Xml.f("    <tlLogic id=\"J\" type=\"static\" programID=\"0\" offset=\"%s\">\n", Xml.num(offset, 0)))
            .append("        <phase duration=\"33\" state=\"GGgrrrGGgrrr\"/>\n")
            .append("        <phase duration=\"3\"  state=\"yyyrrryyyrrr\"/>\n")
            .append("        <phase duration=\"2\"  state=\"rrrrrrrrrrrr\"/>\n")
            .append("        <phase duration=\"40\" state=\"rrrGGgrrrGGg\"/>\n")
            .append("        <phase duration=\"3\"  state=\"rrryyyrrryyy\"/>\n")
            .append("        <phase duration=\"2\"  state=\"rrrrrrrrrrrr\"/>\n")
            .append("    </tlLogic>\n");
        l.routes.head(Xml.f("<route id=\"r_sig_queue\" edges=\"%sJ J%s\"/>", from, to))
            .head("<route id=\"r_sig_ns\" edges=\"NJ JS\"/>").head("<route id=\"r_sig_sn\" edges=\"SJ JN\"/>")
            .head(Xml.f("<route id=\"r_sig_west\" edges=\"%sJ J%s\"/>", to, from));
        final double queueDepart = Math.max(0, Math.floor(early - 25));
        for (int i = 1; i <= queue; i++)
        {
            l.routes.entry(queueDepart, (i == 1 ? Xml.f("<!-- signal: %d car(s) to queue at J ahead of the ego -->\n",
                queue) : "") + Xml.f("<vehicle id=\"sq%d\" type=\"car\" depart=\"%s\" departLane=\"1\" departPos=\"%s\" " +
                "departSpeed=\"0\" route=\"r_sig_queue\"/>", i, Xml.num(queueDepart, 0),
                Xml.num(approach - 10 - 20 * (i - 1), 1)));
        }
        l.routes.entry(0, Xml.f("<!-- signal: side street traffic -->\n" +
            "<flow id=\"sig_ns\" type=\"car\" route=\"r_sig_ns\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departSpeed=\"max\"/>\n" +
            "<flow id=\"sig_sn\" type=\"car\" route=\"r_sig_sn\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departSpeed=\"max\"/>", Xml.num(cross, 3), Xml.num(cross, 3)));
        if (busy)
        {
            l.routes.entry(0, Xml.f("<flow id=\"sig_west\" type=\"car\" route=\"r_sig_west\" begin=\"0\" end=\"1000\" " +
                "period=\"exp(%s)\" departLane=\"1\" departSpeed=\"max\"/>", Xml.num(oppositeRate, 3)));
        }
        l.egoEdges.addAll(List.of(from + "J", "J" + to));
        l.advance(300, v, 25 + 1.5 * queue + greenDelay);
        l.node = to;
        l.keyProgress = l.progress(jx + 7 + 30);
        l.story.add(Xml.f("a signalised crossroads at %d km/h with %d car(s) queued, green %s s after the ego could " +
            "first arrive", kmh, queue, Xml.num(greenDelay, 0)));
    }

    private static void zebra(final Draw d, final Layout l)
    {
        final int kmh = d.integer(Z_SPEED);
        final double south = d.real(Z_SOUTH);
        final double north = d.real(Z_NORTH);
        final int group = d.integer(Z_GROUP);
        final boolean hesitate = d.flag(Z_HESITATE);
        final double wait = hesitate ? d.real(Z_HESITATE_WAIT) : 0;
        final double oncoming = d.real(Z_ONCOMING);
        final double v = Xml.mps(kmh);
        final String from = l.node;
        final String to = l.next();
        final double mx = l.x + 150;
        l.node("M", mx, 0, "priority");
        l.node("P", mx, -40, "priority");
        l.node("Q", mx, 40, "priority");
        l.node(to, mx + 100, 0, "priority");
        l.street(from, "M", 1, v, 3.5, "3.5");
        l.street("M", to, 1, v, 3.5, "3.5");
        l.edges.append("    <edge id=\"PM\" from=\"P\" to=\"M\" priority=\"1\" numLanes=\"1\" speed=\"2.0\" width=\"3.0\" " +
            "allow=\"pedestrian\" spreadType=\"center\"/>\n")
            .append("    <edge id=\"MQ\" from=\"M\" to=\"Q\" priority=\"1\" numLanes=\"1\" speed=\"2.0\" width=\"3.0\" " +
                "allow=\"pedestrian\" spreadType=\"center\"/>\n");
        l.connections.append(Xml.f("    <!-- zebra: walkers have priority on M's west arm -->\n" +
            "    <crossing node=\"M\" edges=\"%sM M%s\" priority=\"true\" width=\"4.0\"/>\n", from, from));
        l.routes.head(Xml.f("<route id=\"r_zeb_onc\" edges=\"%sM M%s\"/>", to, from));
        l.routes.entry(0, Xml.f("<!-- zebra: walker streams across, oncoming cars -->\n" +
            "<personFlow id=\"zs\" type=\"walker\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" departPos=\"0\">" +
            "<walk edges=\"PM MQ\" arrivalPos=\"25\"/></personFlow>\n" +
            "<personFlow id=\"zn\" type=\"walker\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" departPos=\"30\">" +
            "<walk edges=\"MQ PM\" arrivalPos=\"3\"/></personFlow>\n" +
            "<flow id=\"zeb_onc\" type=\"car\" route=\"r_zeb_onc\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departLane=\"1\" departSpeed=\"max\"/>", Xml.num(south, 3), Xml.num(north, 3), Xml.num(oncoming, 3)));
        final double early = l.tEarly + 147 / v;
        if (group > 0)
        {
            final double t = Math.max(0, Math.floor(early - 8));
            final StringBuilder g = new StringBuilder(Xml.f("<!-- zebra: a group of %d from the south -->", group));
            for (int i = 1; i <= group; i++)
            {
                g.append(Xml.f("\n<person id=\"group_%d\" type=\"walker\" depart=\"%s\" departPos=\"20\">" +
                    "<walk edges=\"PM MQ\" arrivalPos=\"25\"/></person>", i, Xml.num(t, 0)));
            }
            l.routes.entry(t, g.toString());
        }
        if (hesitate)
        {
            final double t = Math.max(0, Math.floor(early - 10));
            l.routes.entry(t, Xml.f("<!-- zebra: a walker who stops at the kerb for %s s -->\n" +
                "<person id=\"hesitant\" type=\"walker\" depart=\"%s\" departPos=\"20\">\n" +
                "    <walk edges=\"PM\" arrivalPos=\"31\"/>\n" +
                "    <stop lane=\"PM_0\" endPos=\"31\" duration=\"%s\" actType=\"hesitating at the kerb\"/>\n" +
                "    <walk edges=\"PM MQ\" arrivalPos=\"25\"/>\n" +
                "</person>", Xml.num(wait, 1), Xml.num(t, 0), Xml.num(wait, 1)));
        }
        l.egoEdges.addAll(List.of(from + "M", "M" + to));
        l.advance(250, v, 12 + wait);
        l.node = to;
        l.keyProgress = l.progress(mx + 1 + 10);
        l.story.add(Xml.f("a zebra at %d km/h%s%s", kmh, group > 0 ? " with a group of " + group : "",
            hesitate ? " and a hesitating walker" : ""));
    }

    private static void doubleParked(final Draw d, final Layout l)
    {
        final String obstacle = d.choice(D_OBSTACLE);
        final double front = d.real(D_FRONT);
        final double gap = "two_cars".equals(obstacle) ? d.real(D_GAP) : 0;
        final double vanLength = "van".equals(obstacle) ? d.real(D_VAN_LENGTH) : 0;
        final int kmh = d.integer(D_SPEED);
        final double behind = d.real(D_BEHIND);
        final double oncoming = d.real(D_ONCOMING);
        final double v = Xml.mps(kmh);
        final String from = l.node;
        final String to = l.next();
        l.node(to, l.x + 260, 0, "priority");
        l.street(from, to, 2, v, 3.3, "3.3");
        final String edge = from + to;
        final String type = "van".equals(obstacle) ? "dp_van" : "parked_type";
        if ("van".equals(obstacle))
        {
            l.routes.head(Xml.f("<vType id=\"dp_van\" vClass=\"delivery\" length=\"%s\" width=\"2.1\" minGap=\"0.5\" height=\"2.6\" " +
                "color=\"0.9,0.9,0.9\"/>", Xml.num(vanLength, 1)));
        }
        // Traffic from behind comes in from a side street joining at the section's start, so that the ego sees it
        // coming: inserted on the section itself, a car appeared 1.5 m behind the ego at 9.9 m/s as it moved right
        // (corridor-9300-034, generator version 4).
        final String side = "D" + from;
        l.node("D", l.x - SIDE_STREET_BACK_M, -SIDE_STREET_SOUTH_M, "priority");
        l.edges.append(Xml.f("    <edge id=\"%s\" from=\"D\" to=\"%s\" priority=\"1\" numLanes=\"2\" speed=\"%s\" " +
            "width=\"3.3\" allow=\"passenger\"/>\n", side, from, Xml.num(v)));
        l.connections.append(Xml.f("    <!-- double-parked: the side street D feeds both eastbound lanes of %s -->\n" +
            "    <connection from=\"%s\" to=\"%s\" fromLane=\"0\" toLane=\"1\"/>\n" +
            "    <connection from=\"%s\" to=\"%s\" fromLane=\"1\" toLane=\"2\"/>\n", edge, side, edge, side, edge));
        l.routes.head(Xml.f("<route id=\"r_dp\" edges=\"%s\"/>", edge))
            .head(Xml.f("<route id=\"r_dp_in\" edges=\"%s %s\"/>", side, edge))
            .head(Xml.f("<route id=\"r_dp_onc\" edges=\"%s%s\"/>", to, from));
        l.routes.entry(0, Xml.f("<!-- double-parked: a %s in the right lane %s_1, front at %s m -->\n", obstacle, edge,
            Xml.num(front, 1)) + standing("dp1", type, edge, front));
        if ("two_cars".equals(obstacle))
        {
            l.routes.entry(0, standing("dp2", type, edge, front - 4.6 - gap));
        }
        // Traffic from behind in the right lane turns off (arrives) well before the obstacle: left to queue behind
        // it from t = 0, SUMO's own drivers jammed both lanes for minutes before the ego came (corridor-7400-007).
        final double obstacleRear = front - ("van".equals(obstacle) ? vanLength : "two_cars".equals(obstacle) ?
            4.6 + gap + 4.6 : 4.6);
        final double turnOff = Math.max(10, obstacleRear - RIGHT_LANE_TURN_OFF_M);
        l.routes.entry(0, Xml.f("<!-- double-parked: traffic from behind in both lanes, from the side street D " +
            "(the right lane's turns off at %s m, %s m before the obstacle), oncoming in both -->\n", Xml.num(turnOff, 1),
            Xml.num(obstacleRear - turnOff, 1)) + Xml.f(
            "<flow id=\"dp_r\" type=\"car\" route=\"r_dp_in\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departLane=\"0\" departSpeed=\"max\" arrivalLane=\"1\" arrivalPos=\"" + Xml.num(turnOff, 1) + "\"/>\n" +
            "<flow id=\"dp_l\" type=\"car\" route=\"r_dp_in\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" departLane=\"1\" " +
            "departSpeed=\"max\"/>\n" +
            "<flow id=\"dp_onc\" type=\"car\" route=\"r_dp_onc\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departLane=\"random\" departSpeed=\"max\"/>", Xml.num(behind, 3), Xml.num(behind, 3),
            Xml.num(oncoming * 2, 3)));
        l.egoEdges.add(edge);
        final double x0 = l.x;
        l.advance(260, v, 10);
        final String end = l.next();
        l.node(end, l.x + LANE_END_M, 0, "priority");
        l.street(to, end, 2, v, 3.3, "3.3");
        l.egoEdges.add(to + end);
        l.rightLaneEnds.add(to + end);
        l.advance(LANE_END_M, v, 0);
        l.node = end;
        l.keyProgress = l.progress(x0 + front + 40);
        l.story.add(Xml.f("a %s standing in the right lane of a %d km/h road with two lanes each way and traffic " +
            "from behind, whose right lane ends %s m on", obstacle.replace('_', ' '), kmh, Xml.num(LANE_END_M, 0)));
    }

    private static String standing(final String id, final String type, final String edge, final double front)
    {
        return Xml.f("<vehicle id=\"%s\" type=\"%s\" depart=\"0\" departLane=\"1\" departPos=\"%s\" departSpeed=\"0\" " +
            "route=\"r_dp\">\n    <stop lane=\"%s_1\" startPos=\"%s\" endPos=\"%s\" duration=\"10000\"/>\n</vehicle>",
            id, type, Xml.num(front, 1), edge, Xml.num(front - 10, 1), Xml.num(front, 1));
    }

    private static void narrow(final Draw d, final Layout l)
    {
        final double width = d.real(N_WIDTH);
        final double front = d.real(N_FRONT);
        final double length = d.real(N_LENGTH);
        final double kerb = d.real(N_KERB);
        final double oncoming = d.real(N_ONCOMING);
        final double walkers = d.real(N_WALKERS);
        final String from = l.node;
        final String to = l.next();
        l.node(to, l.x + 220, 0, "priority");
        l.street(from, to, 1, 8.33, width, Xml.num(width));
        final String edge = from + to;
        final double posLat = -(width / 2 - 0.9 - kerb);
        l.routes.head(Xml.f("<vType id=\"nw_parked\" vClass=\"passenger\" length=\"%s\" width=\"1.8\" minGap=\"0.5\" " +
            "color=\"0.5,0.5,0.5\"/>", Xml.num(length, 1)))
            .head(Xml.f("<route id=\"r_nw\" edges=\"%s\"/>", edge))
            .head(Xml.f("<route id=\"r_nw_onc\" edges=\"%s%s\"/>", to, from));
        l.routes.entry(0, Xml.f("<!-- narrow street: a parked car in %s_1, front at %s m, leaving %s m of the %s m lane -->\n" +
            "<vehicle id=\"nw_parked\" type=\"nw_parked\" depart=\"0\" departLane=\"1\" departPos=\"%s\" " +
            "departPosLat=\"%s\" departSpeed=\"0\" route=\"r_nw\">\n" +
            "    <stop lane=\"%s_1\" startPos=\"%s\" endPos=\"%s\" posLat=\"%s\" duration=\"10000\"/>\n" +
            "</vehicle>", edge, Xml.num(front, 1), Xml.num(width - 1.8 - kerb), Xml.num(width), Xml.num(front, 1),
            Xml.num(posLat), edge, Xml.num(front - 10, 1), Xml.num(front, 1), Xml.num(posLat)));
        l.routes.entry(0, Xml.f("<!-- narrow street: oncoming cars, walkers on both sidewalks -->\n" +
            "<flow id=\"nw_onc\" type=\"car\" route=\"r_nw_onc\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" " +
            "departLane=\"1\" departSpeed=\"max\"/>\n" +
            "<personFlow id=\"nw_ps\" type=\"walker\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" departPos=\"2\">" +
            "<walk edges=\"%s\" arrivalPos=\"200\"/></personFlow>\n" +
            "<personFlow id=\"nw_pn\" type=\"walker\" begin=\"0\" end=\"1000\" period=\"exp(%s)\" departPos=\"2\">" +
            "<walk edges=\"%s%s\" arrivalPos=\"200\"/></personFlow>", Xml.num(oncoming, 3), Xml.num(walkers, 3), edge,
            Xml.num(walkers, 3), to, from));
        l.egoEdges.add(edge);
        final double x0 = l.x;
        l.advance(220, 8.33, 15);
        l.node = to;
        l.keyProgress = l.progress(x0 + front + 40);
        l.story.add(Xml.f("a narrow street (%s m lanes) with a parked car leaving %s m", Xml.num(width),
            Xml.num(width - 1.8 - kerb)));
    }
}
