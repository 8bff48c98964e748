package io.wmrt.hil;

import io.wmrt.hil.sumo.TinyScenario;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt hil} end to end: the real runtime in its own process, real SUMO, the report and the dataset.
 */
class HilCommandTest
{
    @TempDir
    Path dir;

    private int run(final StringWriter err, final String... args)
    {
        final CommandLine cli = HilCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path scenario() throws Exception
    {
        return scenario(8, "");
    }

    /** The grid's straight road east, a car ahead of the ego, optionally an additional file. */
    private Path scenario(final double durationS, final String additional) throws Exception
    {
        final TinyScenario grid = TinyScenario.generate(dir);
        final Path scenario = Files.createDirectories(dir.resolve("tiny"));
        Files.copy(grid.network, scenario.resolve("grid.net.xml"));
        Files.writeString(scenario.resolve("routes.rou.xml"), String.join("\n",
            "<routes>",
            "  <route id=\"east\" edges=\"" + TinyScenario.FIRST_EDGE + " " + TinyScenario.SECOND_EDGE + "\"/>",
            "  <vehicle id=\"lead\" route=\"east\" depart=\"0\" departLane=\"1\" departPos=\"60\" departSpeed=\"8\"/>",
            "  <vehicle id=\"ego\" route=\"east\" depart=\"1\" departLane=\"1\" departPos=\"5\" departSpeed=\"8\"/>",
            "</routes>", ""));
        Files.writeString(scenario.resolve("s.sumocfg"), "<configuration><input><net-file value=\"grid.net.xml\"/>" +
            "<route-files value=\"routes.rou.xml\"/>" +
            (additional.isEmpty() ? "" : "<additional-files value=\"extra.add.xml\"/>") +
            "</input></configuration>\n");
        if (!additional.isEmpty())
        {
            Files.writeString(scenario.resolve("extra.add.xml"), additional);
        }
        Files.writeString(scenario.resolve("scenario.yaml"), String.join("\n",
            "description: \"follow a car east\"",
            "sumo_config: s.sumocfg",
            "seed: 2",
            "duration_s: " + durationS,
            "ego:",
            "  id: ego",
            "pass:",
            "  max_collisions: 0",
            "  max_red_light_violations: 0",
            "  max_offroad_steps: 0",
            "  min_progress_m: 0", ""));
        return scenario;
    }

    @Test
    void shouldDriveAScenarioWithTheRealRuntimeAndWriteReportAndDataset() throws Exception
    {
        final Path scenario = scenario();
        final Path report = dir.resolve("report");
        final Path record = dir.resolve("data");
        final StringWriter err = new StringWriter();
        final int exit = run(err, "--scenario", scenario.toString(), "--report", report.toString(),
            "--record", record.toString(), "--perturb", "0.5", "--seeds", "4,5");
        assertTrue(exit == 0 || exit == 1, "exit " + exit + ": " + err);
        final String summary = Files.readString(report.resolve("summary.json"));
        for (final String run : List.of("tiny-seed4", "tiny-seed5"))
        {
            assertTrue(summary.contains("\"scenario\":\"" + run + "\""), summary);
            assertTrue(Files.isRegularFile(report.resolve("logs/" + run + "/runtime.log")));
            assertTrue(Files.isRegularFile(record.resolve(run + "/meta.json")));
        }
        assertTrue(summary.contains("\"seed\":5"), summary);
        assertTrue(summary.contains("\"model\":\"cv-baseline\""), summary);
        assertTrue(summary.contains("\"timing\":\"deterministic\""), "the default mode, named: " + summary);
        assertTrue(Files.readString(report.resolve("index.html")).contains("<svg"));
        assertEquals(List.of(), TinyScenario.pgrep(scenario.resolve("s.sumocfg").toString()), "SUMO left behind");
        assertEquals(List.of(), TinyScenario.pgrep("wmrt-hil-" + ProcessHandle.current().pid() + "-tiny"),
            "runtime left behind");
        assertTrue(Files.readString(record.resolve("tiny-seed4/meta.json")).contains("\"seed\": 4") ||
            Files.readString(record.resolve("tiny-seed4/meta.json")).contains("\"seed\":4"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRecordEachRunToMcapWithAShadowAndLinkItFromTheReport() throws Exception
    {
        final Path scenario = scenario();
        final Path report = dir.resolve("report");
        final Path record = dir.resolve("data");
        final StringWriter err = new StringWriter();
        final int exit = run(err, "--scenario", scenario.toString(), "--report", report.toString(),
            "--record", record.toString(), "--record-mcap", "--shadow",
            Path.of("..", "models", "cv-baseline").toAbsolutePath().normalize().toString());
        assertTrue(exit == 0 || exit == 1, "exit " + exit + ": " + err);
        final Path mcap = report.resolve("mcap/tiny.mcap");
        assertTrue(Files.isRegularFile(mcap), "the run's recording");
        final String page = Files.readString(report.resolve("index.html"));
        assertTrue(page.contains("href=\"mcap/tiny.mcap\""), "linked from the report");
        assertTrue(page.contains("Shadow planner <b>cv-baseline</b>"), "the shadow's section");

        // @mcap/core, the format's reference reader, reads it through its index; the scenes are the rig's.
        final Path readers = Path.of("..", "runtime", "src", "test", "node").toAbsolutePath().normalize();
        if (!Files.isDirectory(readers.resolve("node_modules/@mcap/core")))
        {
            assertEquals(0, new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(readers.toFile())
                .inheritIO().start().waitFor());
        }
        final Process node = new ProcessBuilder("node", "read-mcap.mjs", mcap.toString(), "--dump", "/wmrt/scene",
            "100000").directory(readers.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final String json = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, node.waitFor());
        final java.util.Map<String, Object> read = (java.util.Map<String, Object>)new org.yaml.snakeyaml.Yaml().load(json);
        final java.util.Map<String, Integer> counts = (java.util.Map<String, Integer>)read.get("counts");
        final long[] timestamps = Npy.longs(record.resolve("tiny/timestamp_ns.npy"));
        final float[] ego = Npy.floats(record.resolve("tiny/ego.npy"));
        final int steps = timestamps.length;
        assertTrue(steps > 30, "steps " + steps);
        assertEquals(steps, counts.get("/wmrt/scene"), "every scene the rig wrote, deterministic timing: " + counts);
        for (final String topic : List.of("/wmrt/trajectory", "/wmrt/candidates", "/foxglove/scene", "/tf",
            "/wmrt/shadow/trajectory"))
        {
            assertEquals(steps, counts.get(topic), topic + ": " + counts);
        }
        assertEquals(counts.getOrDefault("/wmrt/shadow/disagreements", 0),
            counts.getOrDefault("/foxglove/shadow/disagreements", 0));
        final io.wmrt.sbe.MessageHeaderDecoder header = new io.wmrt.sbe.MessageHeaderDecoder();
        final io.wmrt.sbe.SceneFrameDecoder frame = new io.wmrt.sbe.SceneFrameDecoder();
        final List<java.util.Map<String, Object>> dumped = (List<java.util.Map<String, Object>>)read.get("dumped");
        for (int t = 0; t < steps; t++)
        {
            final byte[] bytes = java.util.Base64.getDecoder().decode((String)dumped.get(t).get("data"));
            frame.wrapAndApplyHeader(new org.agrona.concurrent.UnsafeBuffer(bytes), 0, header);
            assertEquals(timestamps[t], frame.timestampNs(), "step " + t);
            assertEquals(ego[13 * t + 1], frame.egoX(), "step " + t + " x");
            assertEquals(ego[13 * t + 2], frame.egoY(), "step " + t + " y");
            assertEquals(ego[13 * t + 4], frame.egoSpeed(), "step " + t + " speed");
        }
    }

    @Test
    void shouldLeaveNoSumoRuntimeOrBusFilesWhenStoppedMidRun() throws Exception
    {
        // An hour behind a light that never turns green: the run is still going when it is stopped.
        final TinyScenario grid = TinyScenario.generate(Files.createDirectories(dir.resolve("grid-for-red")));
        final StringBuilder red = new StringBuilder();
        for (int i = 0; i < grid.linkCount(TinyScenario.CENTRE_TRAFFIC_LIGHT); i++)
        {
            red.append('r');
        }
        final Path scenario = scenario(3600, "<additional><tlLogic id=\"" + TinyScenario.CENTRE_TRAFFIC_LIGHT +
            "\" type=\"static\" programID=\"red\" offset=\"0\"><phase duration=\"9999\" state=\"" + red +
            "\"/></tlLogic></additional>\n");
        final Path report = dir.resolve("stopped");
        final Process rig = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Dwmrt.home=" + System.getProperty("wmrt.home"),
            "-cp", System.getProperty("java.class.path"),
            HilCommand.class.getName(), "--scenario", scenario.toString(), "--report", report.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("rig.log").toFile())
            .start();
        final String busName = "wmrt-hil-" + rig.pid() + "-tiny";
        final long deadline = System.nanoTime() + 60_000_000_000L;
        while (!(Files.exists(Path.of("/dev/shm", busName)) &&
            !TinyScenario.pgrep(scenario.resolve("s.sumocfg").toString()).isEmpty()))
        {
            assertTrue(rig.isAlive(), "rig ended early: " + Files.readString(dir.resolve("rig.log")));
            assertTrue(System.nanoTime() < deadline, "the run did not start");
            Thread.sleep(100);
        }
        Thread.sleep(1_000);
        assertTrue(rig.isAlive(), "the run should still be going");
        rig.destroy();
        assertTrue(rig.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        // SUMO quits when the rig's connection drops; give it a moment.
        Thread.sleep(500);
        assertEquals(List.of(), TinyScenario.pgrep(scenario.resolve("s.sumocfg").toString()), "SUMO left behind");
        assertEquals(List.of(), TinyScenario.pgrep(busName), "runtime left behind");
        assertFalse(Files.exists(Path.of("/dev/shm", busName)), "bus files left behind");
    }

    @Test
    void shouldRefuseABadScenarioFileNamingTheKey() throws Exception
    {
        final Path scenario = scenario();
        Files.writeString(scenario.resolve("scenario.yaml"),
            Files.readString(scenario.resolve("scenario.yaml")).replace("duration_s", "durations"));
        final StringWriter err = new StringWriter();
        assertEquals(HilCommand.EXIT_BAD_INPUT, run(err, "--scenario", scenario.toString(), "--report",
            dir.resolve("r").toString()));
        assertTrue(err.toString().contains("duration_s") || err.toString().contains("durations"), err.toString());
        assertFalse(Files.exists(dir.resolve("r/summary.json")));
    }
}
