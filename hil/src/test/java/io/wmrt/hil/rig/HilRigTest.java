package io.wmrt.hil.rig;

import io.wmrt.config.ConfigException;
import io.wmrt.hil.run.RunResult;
import io.wmrt.hil.run.RunTrace;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.sumo.TinyScenario;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rig against real SUMO with a scripted driver in place of the runtime: what the driver does wrong,
 * the rig must score. The road is TinyScenario's straight A1 - B1 - C1 (two car lanes and a sidewalk each
 * way, signal at B1); the ego starts on lane 1 of A1B1 at 10 m/s.
 */
class HilRigTest
{
    @TempDir
    static Path dir;
    static TinyScenario grid;

    @BeforeAll
    static void generate() throws Exception
    {
        grid = TinyScenario.generate(dir);
    }

    private static Scenario scenario(final String name, final String vehicles, final String additional,
        final double durationS) throws IOException, ConfigException
    {
        final Path scenarioDir = Files.createDirectories(dir.resolve(name));
        Files.copy(grid.network, scenarioDir.resolve("grid.net.xml"));
        Files.writeString(scenarioDir.resolve("routes.rou.xml"), String.join("\n",
            "<routes>",
            "  <route id=\"east\" edges=\"" + TinyScenario.FIRST_EDGE + " " + TinyScenario.SECOND_EDGE + "\"/>",
            vehicles,
            "  <vehicle id=\"ego\" route=\"east\" depart=\"0\" departLane=\"1\" departPos=\"10\" departSpeed=\"10\"/>",
            "</routes>", ""));
        Files.writeString(scenarioDir.resolve("s.sumocfg"), String.join("\n",
            "<configuration>",
            "  <input>",
            "    <net-file value=\"grid.net.xml\"/>",
            "    <route-files value=\"routes.rou.xml\"/>",
            additional.isEmpty() ? "" : "    <additional-files value=\"extra.add.xml\"/>",
            "  </input>",
            "</configuration>", ""));
        if (!additional.isEmpty())
        {
            Files.writeString(scenarioDir.resolve("extra.add.xml"), additional);
        }
        Files.writeString(scenarioDir.resolve(Scenario.FILE_NAME), String.join("\n",
            "description: \"" + name + "\"",
            "sumo_config: s.sumocfg",
            "seed: 1",
            "duration_s: " + durationS,
            "ego:",
            "  id: ego",
            "pass:",
            "  max_collisions: 0",
            "  max_red_light_violations: 0",
            "  max_offroad_steps: 0",
            "  min_progress_m: 10", ""));
        return Scenario.load(scenarioDir);
    }

    private static RunResult drive(final Scenario scenario, final String script, final RunTrace trace)
        throws Exception
    {
        final HilRig rig = new HilRig(new HilRig.Options(Path.of("unused-profile"), Path.of("unused-model"), "scripted",
            "test", dir.resolve("logs"), null, 0.0, 5_000, null, ScriptedDriver.class.getName(),
            List.of("-D" + ScriptedDriver.SCRIPT + "=" + script), RigTiming.WALL_CLOCK, List.of()));
        final RunResult result = rig.run(scenario, trace);
        final String busName = "wmrt-hil-" + ProcessHandle.current().pid() + "-" + scenario.name();
        assertEquals(List.of(), TinyScenario.pgrep(busName), "driver process left behind");
        assertEquals(List.of(), TinyScenario.pgrep(scenario.sumoConfig().toString()), "SUMO left behind");
        assertFalse(Files.exists(Path.of("/dev/shm", busName)), "bus files left behind");
        return result;
    }

    @Test
    void shouldDetectAScriptedCollisionWithAParkedCar() throws Exception
    {
        final Scenario s = scenario("collision",
            "  <vehicle id=\"parked\" route=\"east\" depart=\"0\" departLane=\"1\" departPos=\"60\">\n" +
            "    <stop lane=\"" + TinyScenario.FIRST_EDGE + "_1\" endPos=\"65\" duration=\"1000\"/>\n" +
            "  </vehicle>", "", 10.0);
        final RunTrace trace = new RunTrace();
        final RunResult r = drive(s, "10,0", trace);
        assertTrue(r.footprintCollisions() >= 1, "footprint check: " + r);
        assertTrue(r.sumoCollisions() >= 1, "SUMO's collision output: " + r);
        assertTrue(r.collisions() >= 1);
        assertFalse(r.passed());
        assertTrue(r.failures().get(0).contains("collision"), r.failures().toString());
        assertEquals(0.0, r.scores().nc(), "NAVSIM: an at-fault contact with a vehicle, standing or not, zeroes NC");
        assertTrue(trace.events().stream().anyMatch(e -> e.kind() == io.wmrt.hil.run.RunEvent.Kind.COLLISION &&
            e.detail().startsWith("at fault, stopped track, with vehicle:parked")), trace.events().toString());
        assertEquals(0.0, r.minTtcS());
        assertEquals(1.0, r.tickMsP99(), 1e-9);
        assertTrue(trace.steps().size() >= 90, "steps " + trace.steps().size());
    }

    @Test
    void shouldCountACrossingOfARedLight() throws Exception
    {
        final StringBuilder red = new StringBuilder();
        for (int i = 0; i < grid.linkCount(TinyScenario.CENTRE_TRAFFIC_LIGHT); i++)
        {
            red.append('r');
        }
        final Scenario s = scenario("red-light", "",
            "<additional>\n  <tlLogic id=\"" + TinyScenario.CENTRE_TRAFFIC_LIGHT +
            "\" type=\"static\" programID=\"allred\" offset=\"0\">\n" +
            "    <phase duration=\"1000\" state=\"" + red + "\"/>\n  </tlLogic>\n</additional>\n", 30.0);
        final RunResult r = drive(s, "10,0", new RunTrace());
        assertEquals(1, r.redLightViolations(), r.toString());
        assertEquals(0, r.collisions());
        assertEquals(0, r.offroad());
        assertTrue(r.progressM() > 250, "progress " + r.progressM());
    }

    @Test
    void shouldFlagLeavingTheRoad() throws Exception
    {
        final Scenario s = scenario("offroad", "", "", 6.0);
        final RunTrace trace = new RunTrace();
        final RunResult r = drive(s, "8,-0.3", trace);
        assertTrue(r.offroad() > 0, r.toString());
        assertEquals(0.0, r.scores().dac());
        assertEquals(0.0, r.pdms());
        assertTrue(trace.steps().stream().anyMatch(RunTrace.Step::offroad));
        assertFalse(trace.steps().get(0).offroad(), "starts on its lane");
    }
}
