package io.wmrt.hil.scenario.generate;

import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.sumo.SumoException;
import io.wmrt.hil.sumo.SumoProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt scenarios generate}: determinism per seed, parameters in their documented ranges, scenario.yaml
 * accepted by the rig's strict parser, nets that netconvert builds and scenarios SUMO runs with the ego departing
 * on time, and refusal of an existing target directory.
 */
class ScenarioGeneratorTest
{
    private static final Pattern PARAMETER = Pattern.compile("^  ([a-z0-9_.]+): \\{value: ([^,]+), unit: ([^}]+)}$");
    private static final Pattern EGO_DEPART = Pattern.compile("<vehicle id=\"ego\" [^>]*depart=\"([0-9.]+)\"");
    private static final Pattern FCD_STEP = Pattern.compile("<timestep time=\"([0-9.]+)\"");

    @TempDir
    Path root;

    private static Path sumo;

    @BeforeAll
    static void findSumo()
    {
        try
        {
            sumo = SumoProcess.resolveBinary(System.getenv());
        }
        catch (final SumoException missing)
        {
            if ("true".equals(System.getenv("CI")))
            {
                throw missing;
            }
            sumo = null;
        }
    }

    private static void requireSumo()
    {
        Assumptions.assumeTrue(null != sumo, "SUMO is not installed (apt-get install sumo)");
    }

    /** parameters.yaml's drawn values, name to value, checking the header and the line format. */
    private static Map<String, String> parameters(final String yaml, final String family)
    {
        assertTrue(yaml.contains("\nfamily: " + family + "\n"), yaml);
        assertTrue(yaml.contains("\ngenerator_version: " + ScenarioGenerator.VERSION + "\n"), yaml);
        final Map<String, String> values = new LinkedHashMap<>();
        final String body = yaml.substring(yaml.indexOf("parameters:\n") + "parameters:\n".length());
        for (final String line : body.split("\n"))
        {
            final Matcher m = PARAMETER.matcher(line);
            assertTrue(m.matches(), "parameters.yaml line: " + line);
            values.put(m.group(1), m.group(2));
        }
        return values;
    }

    private static Map<String, byte[]> contents(final Path dir) throws IOException
    {
        final Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> list = Files.list(dir))
        {
            for (final Path p : list.sorted().toList())
            {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    @Test
    void everyFamilyIsDeterministicPerSeedDownToTheBuiltNet() throws Exception
    {
        requireSumo();
        for (final Family family : Families.all())
        {
            final Path a = ScenarioGenerator.generate(family, 1, 42, root.resolve("a")).get(0);
            final Path b = ScenarioGenerator.generate(family, 1, 42, root.resolve("b")).get(0);
            assertEquals(family.name() + "-42-000", a.getFileName().toString());
            final Map<String, byte[]> first = contents(a);
            final Map<String, byte[]> second = contents(b);
            assertEquals(first.keySet(), second.keySet(), family.name());
            assertTrue(first.containsKey(a.getFileName() + ".net.xml"), first.keySet().toString());
            for (final String file : first.keySet())
            {
                assertArrayEquals(first.get(file), second.get(file), family.name() + ": " + file + " differs");
            }
            final String net = new String(first.get(a.getFileName() + ".net.xml"), StandardCharsets.UTF_8);
            assertFalse(net.contains("generated on"), "the net's date header line is rewritten");
            assertFalse(net.contains(root.toString()), "the net names only relative files");
        }
    }

    @Test
    void aCorridorsRightLaneTrafficFromBehindTurnsOffBeforeTheDoubleParkedObstacle()
    {
        final Pattern arrival = Pattern.compile("<flow id=\"dp_r\"[^>]*arrivalLane=\"1\" arrivalPos=\"([0-9.]+)\"");
        final Pattern standing = Pattern.compile("<vehicle id=\"dp[12]\"[^>]*departPos=\"([0-9.]+)\"");
        final Pattern van = Pattern.compile("<vType id=\"dp_van\"[^>]*length=\"([0-9.]+)\"");
        int seen = 0;
        for (long seed = 1; seed <= 30; seed++)
        {
            final GeneratedScenario corridor = ScenarioGenerator.draw(Families.byName("corridor").orElseThrow(), seed, 0);
            final String routes = corridor.files().get("routes.rou.xml");
            if (!routes.contains("id=\"dp_r\""))
            {
                continue;
            }
            seen++;
            final Matcher a = arrival.matcher(routes);
            assertTrue(a.find(), corridor.name() + ": the right lane's flow from behind arrives in its lane");
            double rear = Double.MAX_VALUE;
            final Matcher v = van.matcher(routes);
            final double length = v.find() ? Double.parseDouble(v.group(1)) : 4.6;
            for (final Matcher m = standing.matcher(routes); m.find(); )
            {
                rear = Math.min(rear, Double.parseDouble(m.group(1)) - length);
            }
            assertTrue(rear < Double.MAX_VALUE, corridor.name() + ": an obstacle stands in the right lane");
            assertEquals(CorridorFamily.RIGHT_LANE_TURN_OFF_M, rear - Double.parseDouble(a.group(1)), 0.11,
                corridor.name() + ": turns off 40 m before the obstacle's rear");
        }
        assertTrue(seen >= 5, "corridors with a double-parked scene among 30 seeds: " + seen);
    }

    @Test
    void noCorridorFlowIsInsertedOnAStreetTheEgoDrives()
    {
        // A flow departing on the ego's own street puts cars down beside or just behind it wherever the ego happens
        // to be: in corridor-9300-034 (generator version 4) one appeared 1.5 m behind the ego at 9.9 m/s.
        final Pattern route = Pattern.compile("<route id=\"([^\"]+)\" edges=\"([^\"]+)\"");
        final Pattern flow = Pattern.compile("<flow id=\"([^\"]+)\"[^>]*route=\"([^\"]+)\"");
        int sideStreets = 0;
        for (long seed = 1; seed <= 30; seed++)
        {
            final GeneratedScenario corridor = ScenarioGenerator.draw(Families.byName("corridor").orElseThrow(), seed, 0);
            final String routes = corridor.files().get("routes.rou.xml");
            final Map<String, List<String>> edges = new HashMap<>();
            for (final Matcher m = route.matcher(routes); m.find(); )
            {
                edges.put(m.group(1), List.of(m.group(2).split(" ")));
            }
            final List<String> ego = edges.get("r_ego");
            assertNotNull(ego, corridor.name() + ": the ego's route");
            int flows = 0;
            for (final Matcher m = flow.matcher(routes); m.find(); )
            {
                flows++;
                final String first = edges.get(m.group(2)).get(0);
                assertFalse(ego.contains(first), corridor.name() + ": flow " + m.group(1) + " departs on " + first +
                    ", a street of the ego's route " + ego);
            }
            assertTrue(flows > 0, corridor.name());
            if (routes.contains("id=\"dp_r\""))
            {
                sideStreets++;
                assertTrue(routes.contains("<flow id=\"dp_l\" type=\"car\" route=\"r_dp_in\""), corridor.name());
                assertTrue(corridor.files().values().stream().anyMatch(f -> f.contains("<connection from=\"D")),
                    corridor.name() + ": the side street feeds the double-parked section");
            }
        }
        assertTrue(sideStreets >= 5, "corridors with a double-parked scene among 30 seeds: " + sideStreets);
    }

    @Test
    void differentSeedsAndIndicesGiveDifferentScenarios()
    {
        for (final Family family : Families.all())
        {
            final GeneratedScenario one = ScenarioGenerator.draw(family, 1, 0);
            final GeneratedScenario two = ScenarioGenerator.draw(family, 2, 0);
            final GeneratedScenario next = ScenarioGenerator.draw(family, 1, 1);
            assertEquals(family.name() + "-1-000", one.name());
            assertNotEquals(one.files().get("routes.rou.xml") + one.files().get("scenario.yaml"),
                two.files().get("routes.rou.xml") + two.files().get("scenario.yaml"), family.name());
            assertNotEquals(one.files().get("parameters.yaml").replace("index: 1", "index: 0"),
                next.files().get("parameters.yaml"), family.name());
            assertEquals(one.files(), ScenarioGenerator.draw(family, 1, 0).files(), family.name());
        }
    }

    @Test
    void everyDrawnParameterIsDocumentedAndInItsRange()
    {
        for (final Family family : Families.all())
        {
            final Map<String, Parameter> documented = new LinkedHashMap<>();
            for (final Parameter p : family.parameters())
            {
                documented.put(p.name(), p);
            }
            assertTrue(documented.size() >= 7, family.name() + " has the SUMO seed and at least six parameters");
            assertEquals(Families.SUMO_SEED, family.parameters().get(0));
            final Set<String> seen = new HashSet<>();
            for (int i = 0; i < 50; i++)
            {
                final GeneratedScenario s = ScenarioGenerator.draw(family, 7, i);
                final Map<String, String> values = parameters(s.files().get("parameters.yaml"), family.name());
                assertTrue(s.files().get("parameters.yaml").contains("\nseed: 7\nindex: " + i + "\n"));
                for (final Map.Entry<String, String> v : values.entrySet())
                {
                    final Parameter p = documented.get(v.getKey());
                    assertTrue(null != p, family.name() + ": " + v.getKey() + " is not documented");
                    assertTrue(p.accepts(v.getValue()), family.name() + ": " + v.getKey() + " = " + v.getValue() +
                        " is outside " + p.range());
                }
                seen.addAll(values.keySet());
                assertTrue(s.files().get("scenario.yaml").contains("\nseed: " + values.get("sumo_seed") + " "),
                    "scenario.yaml's seed is the drawn sumo_seed");
            }
            assertEquals(documented.keySet(), seen, family.name() + ": every documented parameter is drawn");
        }
    }

    @Test
    void scenarioYamlIsAcceptedByTheStrictParserAndFollowsTheCriteriaRules() throws Exception
    {
        for (final Family family : Families.all())
        {
            for (int i = 0; i < 20; i++)
            {
                final GeneratedScenario s = ScenarioGenerator.draw(family, 3, i);
                final Path dir = Files.createDirectories(root.resolve(s.name()));
                for (final Map.Entry<String, String> f : s.files().entrySet())
                {
                    Files.writeString(dir.resolve(f.getKey()), f.getValue());
                }
                final Scenario scenario = Scenario.load(dir);
                final Map<String, String> values = parameters(s.files().get("parameters.yaml"), family.name());
                assertEquals("ego", scenario.egoId());
                assertEquals(Long.parseLong(values.get("sumo_seed")), scenario.seed());
                assertEquals(0, scenario.pass().maxCollisions());
                assertEquals(0, scenario.pass().maxRedLightViolations());
                assertEquals(0, scenario.pass().maxOffroadSteps());
                assertTrue(scenario.pass().minProgressM() > 100, s.name());
                assertEquals(dir.resolve(s.name() + ".sumocfg").normalize(), scenario.sumoConfig());
                final String routes = s.files().get("routes.rou.xml");
                final Matcher ego = EGO_DEPART.matcher(routes);
                assertTrue(ego.find(), s.name() + " has the ego");
                assertTrue(routes.contains("type=\"ego_type\""), s.name());
                assertDepartsSorted(routes, s.name());
                assertTrue(routes.contains("period=\"exp("), s.name() + " has Poisson flows");
                switch (family.name())
                {
                    case "red-light-queue" ->
                    {
                        final boolean broken = "true".equals(values.get("broken_down"));
                        assertEquals(!broken, scenario.pass().maxOppositeLaneS().isPresent(), s.name());
                        assertEquals(broken, routes.contains("<vehicle id=\"broken\""), s.name());
                        if (broken)
                        {
                            assertTrue(routes.contains("duration=\"10000\""), s.name() + ": a long stop");
                        }
                        assertEquals(4.0, scenario.pass().maxDecelMps2().orElseThrow());
                    }
                    case "merge" ->
                    {
                        assertEquals(0, scenario.pass().maxWeaving().orElseThrow());
                        assertEquals(4.0, scenario.pass().maxDecelMps2().orElseThrow());
                    }
                    case "zebra" ->
                    {
                        assertEquals(1.0, scenario.pass().minPedestrianDistanceM().orElseThrow());
                        assertEquals(4.0, scenario.pass().maxDecelMps2().orElseThrow());
                    }
                    case "narrow-street" ->
                        assertEquals(0.5, scenario.pass().minPedestrianDistanceM().orElseThrow());
                    case "corridor" -> assertTrue(scenario.pass().maxOppositeLaneS().isEmpty(), s.name());
                    default -> assertTrue(scenario.pass().maxOppositeLaneS().isEmpty(), s.name());
                }
            }
        }
    }

    private static void assertDepartsSorted(final String routes, final String name)
    {
        final Matcher m = Pattern.compile("^    <(?:vehicle|person|flow|personFlow) [^>]*?(?:depart|begin)=\"([0-9.]+)\"",
            Pattern.MULTILINE).matcher(routes);
        double last = -1;
        int entries = 0;
        while (m.find())
        {
            final double t = Double.parseDouble(m.group(1));
            assertTrue(t >= last, name + ": entries sorted by departure, " + t + " after " + last);
            last = t;
            entries++;
        }
        assertTrue(entries > 2, name);
    }

    @Test
    void everyGeneratedScenarioBuildsAndRunsInSumoWithTheEgoDepartingOnTime() throws Exception
    {
        requireSumo();
        final List<String> failures = new ArrayList<>();
        for (final Family family : Families.all())
        {
            for (final Path dir : ScenarioGenerator.generate(family, 3, 5, root.resolve("run")))
            {
                final Scenario scenario = Scenario.load(dir);
                final Path fcd = root.resolve(dir.getFileName() + ".fcd.xml");
                final Path log = root.resolve(dir.getFileName() + ".log");
                final Path err = root.resolve(dir.getFileName() + ".err");
                final Process process = new ProcessBuilder(sumo.toString(), "-c", scenario.sumoConfig().toString(),
                    "--seed", Long.toString(scenario.seed()), "--step-length", "0.1", "--no-step-log", "true",
                    "--collision.action", "warn", "--lateral-resolution", "0.4", "--end", "40",
                    "--device.fcd.explicit", scenario.egoId(), "--fcd-output", fcd.toString())
                    .redirectOutput(log.toFile()).redirectError(err.toFile()).start();
                assertTrue(process.waitFor(60, TimeUnit.SECONDS), dir + ": SUMO did not finish");
                final String stderr = Files.readString(err);
                if (process.exitValue() != 0 || stderr.contains("Error"))
                {
                    failures.add(dir.getFileName() + ": exit " + process.exitValue() + "\n" + stderr);
                    continue;
                }
                final Matcher depart = EGO_DEPART.matcher(Files.readString(dir.resolve("routes.rou.xml")));
                assertTrue(depart.find());
                final double expected = Double.parseDouble(depart.group(1));
                final double first = firstEgoStep(Files.readString(fcd));
                if (!(Math.abs(first - expected) <= 1e-6))
                {
                    failures.add(dir.getFileName() + ": the ego departed at " + first + ", not " + expected);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    private static double firstEgoStep(final String fcd)
    {
        double time = Double.NaN;
        for (final String line : fcd.split("\n"))
        {
            final Matcher step = FCD_STEP.matcher(line);
            if (step.find())
            {
                time = Double.parseDouble(step.group(1));
            }
            else if (line.contains("id=\"ego\""))
            {
                return time;
            }
        }
        return Double.NaN;
    }

    @Test
    void aMergesLaneDropEndsTheLeftLaneAndTheRightOneRunsStraightOn() throws Exception
    {
        // Up to generator version 5 the one lane after the drop lay where the left lane had been, so the right
        // lane, which continues, jogged 3.5 m left inside the 8 m junction X; the merges with a drop among the
        // failed 9500 variants all braked hard there.
        requireSumo();
        final Pattern laneShape = Pattern.compile("<lane id=\"(CX_0|XD_0|XD_1)\"[^>]*shape=\"([^\"]+)\"");
        int drops = 0;
        for (final Path dir : ScenarioGenerator.generate(Families.byName("merge").orElseThrow(), 8, 11, root))
        {
            final String name = dir.getFileName().toString();
            final boolean drop = parameters(Files.readString(dir.resolve("parameters.yaml")), "merge")
                .get("lane_drop").equals("true");
            final Map<String, double[]> lanes = new HashMap<>();
            for (final Matcher m = laneShape.matcher(Files.readString(dir.resolve(name + ".net.xml"))); m.find(); )
            {
                final String[] points = m.group(2).split(" ");
                final String[] first = points[0].split(",");
                final String[] last = points[points.length - 1].split(",");
                lanes.put(m.group(1), new double[] {Double.parseDouble(first[1]), Double.parseDouble(last[1])});
            }
            assertEquals(lanes.get("CX_0")[1], lanes.get("XD_0")[0], 0.01, name + ": XD_0 starts where CX_0 ends");
            assertEquals(!drop, lanes.containsKey("XD_1"), name + ": X - D has one lane with the drop, two without");
            drops += drop ? 1 : 0;
        }
        assertTrue(drops > 0 && drops < 8, "merges with a lane drop among 8: " + drops);
    }

    @Test
    void whereTheEgosRoadLosesALaneTheLanesThatGoOnRunStraightOn() throws Exception
    {
        // Up to generator version 6 a corridor's double-parked road (two lanes each way) joined the next section's
        // single lane at one node, and its right lane ran on into that lane 3.3 m to its left within the junction's
        // 8 m; the ego braked there at 4.7 to 6.3 m/s^2 (corridor-10100-033, -038, 10200-029). Now the right lane
        // ends: along the ego's route, every connection from a road into one with fewer car lanes continues its
        // lane within half a metre sideways.
        requireSumo();
        final Pattern egoRoute = Pattern.compile("<route id=\"r_ego\" edges=\"([^\"]+)\"");
        final Pattern connection = Pattern.compile(
            "<connection from=\"([^\":]+)\" to=\"([^\":]+)\" fromLane=\"(\\d+)\" toLane=\"(\\d+)\"");
        final List<String> steps = new ArrayList<>();
        int narrowings = 0;
        int doubleParked = 0;
        for (final Family family : Families.all())
        {
            final int count = "corridor".equals(family.name()) ? 6 : 3;
            for (final Path dir : ScenarioGenerator.generate(family, count, 11, root.resolve(family.name())))
            {
                final String name = dir.getFileName().toString();
                final Path netFile = dir.resolve(name + ".net.xml");
                final RoadNetwork net = RoadNetwork.load(netFile);
                final Matcher route = egoRoute.matcher(Files.readString(dir.resolve("routes.rou.xml")));
                assertTrue(route.find(), name + ": the ego's route");
                final List<String> edges = List.of(route.group(1).split(" "));
                doubleParked += Files.readString(dir.resolve("parameters.yaml")).contains("value: double_parked,") ? 1 : 0;
                for (final Matcher m = connection.matcher(Files.readString(netFile)); m.find(); )
                {
                    final int at = edges.indexOf(m.group(1));
                    if (at < 0 || at + 1 >= edges.size() || !edges.get(at + 1).equals(m.group(2)))
                    {
                        continue;
                    }
                    final RoadNetwork.Lane in = net.lane(m.group(1) + "_" + m.group(3)).orElseThrow();
                    final RoadNetwork.Edge to = net.edge(m.group(2)).orElseThrow();
                    if (!in.passenger() ||
                        RoadNetwork.passengerLaneCount(to) >= RoadNetwork.passengerLaneCount(net.edge(m.group(1)).orElseThrow()))
                    {
                        continue;
                    }
                    narrowings++;
                    final double[] a = in.shape();
                    final double[] b = net.lane(m.group(2) + "_" + m.group(4)).orElseThrow().shape();
                    final int n = a.length;
                    final double dx = a[n - 2] - a[n - 4];
                    final double dy = a[n - 1] - a[n - 3];
                    final double sideways = Math.abs((b[0] - a[n - 2]) * dy - (b[1] - a[n - 1]) * dx) / Math.hypot(dx, dy);
                    if (sideways > 0.5)
                    {
                        steps.add(Xml.f("%s: %s_%s -> %s_%s steps %s m sideways", name, m.group(1), m.group(3),
                            m.group(2), m.group(4), Xml.num(sideways, 2)));
                    }
                }
            }
        }
        assertTrue(doubleParked > 0, "corridors with a double-parked road among 6");
        assertTrue(narrowings >= doubleParked, "connections into a road with fewer lanes: " + narrowings);
        assertEquals(List.of(), steps);
    }

    @Test
    void anExistingNonEmptyTargetIsRefusedNamingItAndNothingIsWritten() throws Exception
    {
        final Family family = Families.byName("double-parked").orElseThrow();
        final Path out = root.resolve("out");
        final Path second = Files.createDirectories(out.resolve("double-parked-9-001"));
        Files.writeString(second.resolve("mine.txt"), "keep me");
        final FileAlreadyExistsException ex = assertThrows(FileAlreadyExistsException.class,
            () -> ScenarioGenerator.generate(family, 3, 9, out));
        assertTrue(ex.getMessage().contains(second.toString()), ex.getMessage());
        try (Stream<Path> list = Files.list(out))
        {
            assertEquals(List.of(second), list.toList(), "nothing else written, no temporary directory left");
        }
        assertEquals("keep me", Files.readString(second.resolve("mine.txt")));
    }

    @Test
    void anEmptyTargetDirectoryIsReplaced() throws Exception
    {
        requireSumo();
        final Path out = root.resolve("out");
        final Path empty = Files.createDirectories(out.resolve("zebra-4-000"));
        ScenarioGenerator.generate(Families.byName("zebra").orElseThrow(), 1, 4, out);
        assertTrue(Files.isRegularFile(empty.resolve("scenario.yaml")));
        try (Stream<Path> list = Files.list(out))
        {
            assertEquals(List.of(empty), list.toList(), "no temporary directory left");
        }
    }

    @Test
    void theCommandListsEveryFamilyAndRefusesBadInput() throws Exception
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = ScenariosCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        assertEquals(0, cli.execute("families"));
        for (final Family family : Families.all())
        {
            assertTrue(out.toString().contains(family.name() + ": "), family.name());
            for (final Parameter p : family.parameters())
            {
                assertTrue(out.toString().contains(p.name()) && out.toString().contains(p.range()), p.toString());
            }
        }
        final StringWriter listed = new StringWriter();
        cli.setOut(new PrintWriter(listed));
        assertEquals(0, cli.execute("--list"));
        assertEquals(out.toString(), listed.toString());
        assertEquals(2, cli.execute("generate", "--family", "nope", "--out", root.toString()));
        assertTrue(err.toString().contains("unknown family 'nope'"), err.toString());
        assertEquals(2, cli.execute("generate", "--family", "zebra", "--count", "0", "--out", root.toString()));
        final Path taken = Files.createDirectories(root.resolve("cli/merge-3-000"));
        Files.writeString(taken.resolve("notes.txt"), "mine");
        assertEquals(ScenariosCommand.EXIT_BAD_INPUT,
            cli.execute("generate", "--family", "merge", "--seed", "3", "--out", root.resolve("cli").toString()));
        assertTrue(err.toString().contains("refused: " + taken), err.toString());
    }

    @Test
    void theFamiliesDocumentListsEveryParameterWithItsRange() throws Exception
    {
        final Path doc = Path.of(System.getProperty("wmrt.home", "..")).resolve("hil/scenarios/FAMILIES.md");
        final String text = Files.readString(doc);
        for (final Family family : Families.all())
        {
            assertTrue(text.contains("## " + family.name()), family.name());
            for (final Parameter p : family.parameters())
            {
                assertTrue(text.contains("| `" + p.name() + "` | " + p.range() + " |"), doc + " lacks " + p);
            }
        }
    }
}
