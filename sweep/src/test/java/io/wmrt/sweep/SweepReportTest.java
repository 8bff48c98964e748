package io.wmrt.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepReportTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static SweepTask task(final String scenario, final long seed, final String model, final boolean record)
    {
        final String id = TaskIds.taskId(scenario, seed, model, "p", 0.0, record, "deterministic");
        return new SweepTask(id, "/s/" + scenario, scenario, seed, "/m/" + model, model, "/p.yaml", 0.0, record,
            "deterministic", 300);
    }

    private static String run(final SweepTask task, final double epdms, final boolean passed, final int collisions)
    {
        return run(task, epdms, passed, collisions, "");
    }

    /** A run as the rig writes it, its PDMS 0.1 above its EPDMS; extra: more members, each with a leading comma. */
    private static String run(final SweepTask task, final double epdms, final boolean passed, final int collisions,
        final String extra)
    {
        return String.format(Locale.ROOT, "{\"scenario\":\"%s\",\"model\":\"%s\",\"profile\":\"host-x86-64\"," +
            "\"timing\":\"deterministic\",\"seed\":%d,\"passed\":%s,\"failures\":[],\"collisions\":%d," +
            "\"red_light_violations\":0,\"offroad\":0,\"progress_m\":100.0,\"min_ttc_s\":null," +
            "\"max_decel_mps2\":2.0,\"min_pedestrian_distance_m\":null,\"opposite_lane_s\":0,\"stopped_s\":0," +
            "\"creeping_s\":0,\"pdms\":%s,\"epdms\":%s,\"nc\":1.0,\"dac\":1.0,\"ddc\":1.0,\"tlc\":1.0," +
            "\"ttc\":1.0,\"ep\":%s,\"lk\":1.0,\"hc\":1.0,\"ec\":1.0,\"reference_progress_m\":100.0,\"forgiven\":[]," +
            "\"tick_ms_p50\":1.0,\"tick_ms_p99\":2.0,\"deadline_misses\":0,\"wall_s\":3.0%s}", task.runName(),
            task.model(), task.seed(), passed, collisions, Math.min(1.0, epdms + 0.1), epdms, epdms, extra);
    }

    @Test
    void shouldWriteEveryRunInTheRigsSchemaWithTaskIdAndAttemptsAndListFailedTasks() throws Exception
    {
        final List<SweepTask> tasks = new ArrayList<>();
        final Map<String, TaskOutcome> outcomes = new LinkedHashMap<>();
        final double[] pdms = {1.0, 0.8, 0.9};
        for (final String model : List.of("cv-baseline", "wm-student-int8"))
        {
            for (int seed = 0; seed < 3; seed++)
            {
                final SweepTask t = task("narrow-street", 3001 + seed, model, false);
                tasks.add(t);
                final boolean passed = pdms[seed] > 0.85;
                outcomes.put(t.id(), new TaskOutcome(t.id(), TaskOutcome.Status.RAN, run(t, pdms[seed], passed,
                    passed ? 0 : 1), seed == 1 ? 2 : 1, passed, 5.0, null));
            }
        }
        final SweepTask broken = task("on-ramp-merge", 1, "cv-baseline", false);
        tasks.add(broken);
        outcomes.put(broken.id(), new TaskOutcome(broken.id(), TaskOutcome.Status.FAILED, null, 3, false, 1.0,
            "the rig failed with exit 3 (SUMO or the runtime failed)"));

        SweepReport.write(new SweepLayout(dir), tasks, outcomes);

        final JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
        assertFalse(summary.get("all_passed").asBoolean());
        assertEquals(7, summary.get("tasks").asInt());
        assertEquals(6, summary.get("runs").size());
        final JsonNode first = summary.get("runs").get(0);
        assertEquals("narrow-street-seed3001", first.get("scenario").asText());
        assertEquals(tasks.get(0).id(), first.get("task_id").asText());
        assertEquals(2, summary.get("runs").get(1).get("attempts").asInt());
        assertEquals("runs/" + tasks.get(0).id() + "/index.html", first.get("report").asText());
        assertEquals(broken.id(), summary.get("failed_tasks").get(0).get("task_id").asText());

        final String page = Files.readString(dir.resolve("index.html"));
        // EPDMS mean 0.9, sd 0.1, t(2) 4.303: half-width 0.248; lowest 0.8; PDMS 1.0, 0.9, 1.0: 0.967 ± 0.143.
        assertTrue(page.contains("<td>0.900 ± 0.248</td><td>0.800</td><td>0.967 ± 0.143</td>"), page);
        assertTrue(page.contains("<th>mean EPDMS ± 95 % CI</th><th>lowest EPDMS</th><th>mean PDMS ± 95 % CI</th>"));
        assertTrue(page.contains("<th>wm-student-int8</th>"), "models side by side");
        assertTrue(page.contains("href=\"runs/" + tasks.get(1).id() + "/index.html\">seed 3002</a> " +
            "<span class=\"fail\">FAIL</span> 0.800"), "the worst run first, linked to its rig report: " + page);
        assertTrue(page.contains("Tasks without a result") && page.contains("exit 3"), page);
        assertFalse(page.contains("action spaces differ"), "no bounds given, none differ");
    }

    @Test
    void shouldGroupByTheRunsFamilyAndSayWhichActionBoundsDiffer() throws Exception
    {
        final String wide = ",\"action_bounds\":{\"accel_mps2\":[-6.0,2.0],\"steer_rad\":[-0.55,0.55]}";
        final String narrow = ",\"action_bounds\":{\"accel_mps2\":[-4.0,2.0],\"steer_rad\":[-0.55,0.55]}";
        final List<SweepTask> tasks = List.of(task("gen-a", 1, "cv-baseline", false),
            task("gen-b", 2, "cv-baseline", false), task("zebra-crossing", 11, "cv-baseline", false),
            task("gen-a", 1, "wm-student-int8", false));
        final List<String> extras = List.of(",\"family\":\"narrow-street\"" + wide,
            ",\"family\":\"narrow-street\"" + wide, ",\"family\":\"hand-built\"", ",\"family\":\"narrow-street\"" +
            narrow);
        final Map<String, TaskOutcome> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++)
        {
            final SweepTask t = tasks.get(i);
            outcomes.put(t.id(), new TaskOutcome(t.id(), TaskOutcome.Status.RAN, run(t, 0.5 + 0.1 * i, true, 0,
                extras.get(i)), 1, true, 1, null));
        }
        final List<SweepReport.Row> rows = SweepReport.write(new SweepLayout(dir), tasks, outcomes);

        final Map<String, Map<String, List<SweepReport.Row>>> groups = SweepReport.byFamilyAndModel(rows);
        assertEquals(List.of("narrow-street", "zebra-crossing"), List.copyOf(groups.keySet()),
            "the family member, else the scenario for a hand-built run");
        assertEquals(2, groups.get("narrow-street").get("cv-baseline").size());
        assertEquals(List.of("Action bounds differ: accel_mps2 is [-6.0,2.0] for cv-baseline, [-4.0,2.0] for " +
            "wm-student-int8."), SweepReport.actionBoundsNotes(rows), "steer_rad agrees; a run without bounds skipped");
        final String page = Files.readString(dir.resolve("index.html"));
        assertTrue(page.contains("action spaces differ"), page);
        assertTrue(page.contains("\">gen-b-seed2</a> <span class=\"pass\">PASS</span> 0.600"),
            "a family of several scenarios names its worst runs: " + page);
        assertTrue(page.contains("<li>Action bounds differ: accel_mps2 is [-6.0,2.0] for cv-baseline"), page);
        // cv-baseline on narrow-street: EPDMS 0.5 and 0.6.
        assertTrue(page.contains("<td class=\"text\">narrow-street</td><td class=\"text\">cv-baseline</td><td>2</td>" +
            "<td>100 %</td><td>0</td><td>0</td><td>0.550 ± 0.635</td><td>0.500</td>"), page);
    }

    @Test
    void shouldBeReadableByTheSummaryTableScript() throws Exception
    {
        final SweepTask a = task("narrow-street", 1, "cv-baseline", false);
        final SweepTask b = task("narrow-street", 2, "cv-baseline", false);
        final Map<String, TaskOutcome> outcomes = new LinkedHashMap<>();
        outcomes.put(a.id(), new TaskOutcome(a.id(), TaskOutcome.Status.RAN, run(a, 1.0, true, 0), 1, true, 1, null));
        outcomes.put(b.id(), new TaskOutcome(b.id(), TaskOutcome.Status.RAN, run(b, 0.5, false, 1), 1, false, 1, null));
        SweepReport.write(new SweepLayout(dir), List.of(a, b), outcomes);
        final Path script = SweepMatrixTest.HOME.resolve("hil/summary-table.py");
        for (final List<String> args : List.<List<String>>of(List.of(), List.of("--sweep")))
        {
            final List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
            command.addAll(args);
            command.add(dir.resolve("summary.json").toString());
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("narrow-street"), output);
            if (args.contains("--sweep"))
            {
                assertTrue(output.contains("| narrow-street | cv-baseline | 2 | 50 % | 1 | 0 | 0.750 ± 3.176 | 0.500 "
                    + "| 0.800 |"), output);
            }
        }
    }

    @Test
    void shouldListEveryRecordingWithItsTaskAndLinkItForTheRecipe() throws Exception
    {
        final SweepTask t = task("zebra-crossing", 5, "cv-baseline", true);
        final SweepLayout layout = new SweepLayout(dir);
        final Path recording = Files.createDirectories(layout.runDir(t.id()).resolve("dataset").resolve(t.runName()));
        Files.writeString(recording.resolve("meta.json"), "{}");
        SweepReport.write(layout, List.of(t), Map.of(t.id(), new TaskOutcome(t.id(), TaskOutcome.Status.RAN,
            run(t, 1.0, true, 0), 1, true, 1, null)));
        final JsonNode manifest = JSON.readTree(dir.resolve("datasets/manifest.json").toFile());
        final JsonNode entry = manifest.get("recordings").get(0);
        assertEquals(t.id(), entry.get("task_id").asText());
        assertEquals("runs/" + t.id() + "/dataset/zebra-crossing-seed5", entry.get("path").asText());
        assertTrue(Files.isRegularFile(dir.resolve(entry.get("link").asText()).resolve("meta.json")),
            "datasets/<model>/ holds the run as models/recipe --data reads it");
    }

    @Test
    void shouldGiveTheMeanAndA95PercentIntervalOverSeeds()
    {
        final SeedStatistics s = SeedStatistics.of(List.of(1.0, 0.8, 0.9));
        assertEquals(0.9, s.mean(), 1e-12);
        assertEquals(0.8, s.lowest(), 1e-12);
        assertEquals(4.303 * 0.1 / Math.sqrt(3), s.halfWidth(), 1e-9);
        assertTrue(Double.isNaN(SeedStatistics.of(List.of(1.0)).halfWidth()), "no interval from one seed");
    }
}
