package io.wmrt.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wmrt.config.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A sweep's report: {@code summary.json} (every run in {@code wmrt hil}'s run schema, plus {@code task_id},
 * {@code attempts} and {@code report}, its own rig report; the tasks that failed beyond their retries under
 * {@code failed_tasks}), {@code index.html} (per scenario family x model: runs, pass rate, collisions, red-light
 * violations, mean EPDMS with a 95 % interval over seeds, lowest EPDMS, mean PDMS with its interval, the worst
 * runs linked to their rig reports, the models side by side, and which action bounds differ between the models),
 * and with recordings {@code datasets/manifest.json} plus one directory of links per model that
 * {@code models/recipe} reads as {@code --data}.
 * <p>
 * A run's family is its {@code family} member; without one, or for {@code "hand-built"} (the fixed scenarios), its
 * task's scenario (the scenario directory's name), as {@code hil/summary-table.py} reads it.
 * <p>
 * Each file is written whole or not at all ({@link AtomicFiles}). Stateless: safe from any thread.
 */
public final class SweepReport
{
    public static final String SUMMARY_FILE = "summary.json";
    public static final String PAGE_FILE = "index.html";
    public static final String DATASETS = "datasets";
    public static final String MANIFEST_FILE = "manifest.json";
    static final String HAND_BUILT = "hand-built";
    private static final int WORST_RUNS = 3;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private SweepReport()
    {
    }

    /** One row of the report: a task and what it gave. */
    record Row(SweepTask task, TaskOutcome outcome, ObjectNode run)
    {
        double pdms()
        {
            return run.path("pdms").asDouble(0.0);
        }

        double epdms()
        {
            return run.path("epdms").asDouble(0.0);
        }

        /** The run's scenario family: its {@code family} member, else its task's scenario. */
        String family()
        {
            final String family = run.path("family").asText("");
            return family.isEmpty() || HAND_BUILT.equals(family) ? task.scenario() : family;
        }

        /** The model package's action-space bounds, null when the run does not give them. */
        JsonNode actionBounds()
        {
            final JsonNode bounds = run.path("action_bounds");
            return bounds.isObject() ? bounds : null;
        }

        boolean passed()
        {
            return run.path("passed").asBoolean(false);
        }
    }

    /**
     * Writes the report of every task of the matrix that has an outcome.
     *
     * @return the rows written, in matrix order (for the caller's exit code and summary line)
     */
    public static List<Row> write(final SweepLayout layout, final List<SweepTask> tasks,
        final Map<String, TaskOutcome> outcomes) throws IOException
    {
        final List<Row> rows = new ArrayList<>();
        final List<Row> failed = new ArrayList<>();
        for (final SweepTask task : tasks)
        {
            final TaskOutcome outcome = outcomes.get(task.id());
            if (null == outcome)
            {
                continue;
            }
            if (!outcome.hasResult())
            {
                failed.add(new Row(task, outcome, JSON.createObjectNode()));
                continue;
            }
            final ObjectNode run = (ObjectNode)JSON.readTree(outcome.runJson());
            run.put("task_id", task.id());
            run.put("attempts", outcome.attempt());
            run.put("report", SweepLayout.RUNS + "/" + task.id() + "/" + PAGE_FILE);
            rows.add(new Row(task, outcome, run));
        }
        AtomicFiles.write(layout.root().resolve(SUMMARY_FILE), summary(rows, failed, tasks.size()), false);
        AtomicFiles.write(layout.root().resolve(PAGE_FILE),
            SweepPage.render(rows, failed).getBytes(StandardCharsets.UTF_8), false);
        if (tasks.stream().anyMatch(SweepTask::record))
        {
            datasets(layout, rows);
        }
        return rows;
    }

    private static byte[] summary(final List<Row> rows, final List<Row> failed, final int tasks) throws IOException
    {
        final ObjectNode root = JSON.createObjectNode();
        root.put("all_passed", !rows.isEmpty() && failed.isEmpty() && rows.stream().allMatch(Row::passed));
        root.put("tasks", tasks);
        final Set<String> timings = new LinkedHashSet<>();
        rows.forEach(r -> timings.add(r.run().path("timing").asText("")));
        root.put("timing", String.join(", ", timings));
        final ArrayNode failures = root.putArray("failed_tasks");
        for (final Row row : failed)
        {
            final ObjectNode f = failures.addObject();
            f.put("task_id", row.task().id());
            f.put("scenario", row.task().runName());
            f.put("model", row.task().model());
            f.put("attempts", row.outcome().attempt());
            f.put("failure", row.outcome().failure());
        }
        final ArrayNode runs = root.putArray("runs");
        rows.forEach(r -> runs.add(r.run()));
        return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void datasets(final SweepLayout layout, final List<Row> rows) throws IOException
    {
        final Path datasets = layout.root().resolve(DATASETS);
        Files.createDirectories(datasets);
        final ObjectNode root = JSON.createObjectNode();
        final ArrayNode list = root.putArray("recordings");
        for (final Row row : rows)
        {
            final SweepTask task = row.task();
            final Path recording = layout.runDir(task.id()).resolve(SweepLayout.DATASET).resolve(task.runName());
            if (!Files.isDirectory(recording))
            {
                continue;
            }
            // One directory per model of links to its recordings: models/recipe's --data reads it as it is.
            final Path byModel = datasets.resolve(task.model());
            Files.createDirectories(byModel);
            final Path link = byModel.resolve(task.runName() + "-" + task.id().substring(0, 8));
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS))
            {
                Files.createSymbolicLink(link, byModel.relativize(recording));
            }
            final ObjectNode entry = list.addObject();
            entry.put("task_id", task.id());
            entry.put("run", task.runName());
            entry.put("scenario", task.scenario());
            entry.put("seed", task.seed());
            entry.put("model", task.model());
            entry.put("perturb", task.perturb());
            entry.put("path", layout.root().relativize(recording).toString());
            entry.put("link", layout.root().relativize(link).toString());
        }
        AtomicFiles.write(datasets.resolve(MANIFEST_FILE), (JSON.writeValueAsString(root) + "\n")
            .getBytes(StandardCharsets.UTF_8), false);
    }

    /**
     * Rows grouped by scenario family, then model, both in first-seen order; with more than one profile in the
     * sweep, each model is shown once per profile ("model · SoC").
     */
    static Map<String, Map<String, List<Row>>> byFamilyAndModel(final List<Row> rows)
    {
        final boolean profiles = rows.stream().map(r -> r.task().profileFile()).distinct().count() > 1;
        final Map<String, Map<String, List<Row>>> out = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            final String model = profiles ?
                row.task().model() + " · " + row.run().path("profile").asText(row.task().profileFile()) :
                row.task().model();
            out.computeIfAbsent(row.family(), k -> new LinkedHashMap<>())
                .computeIfAbsent(model, k -> new ArrayList<>()).add(row);
        }
        return out;
    }

    static SeedStatistics pdms(final List<Row> rows)
    {
        final List<Double> values = new ArrayList<>();
        rows.forEach(r -> values.add(r.pdms()));
        return SeedStatistics.of(values);
    }

    static SeedStatistics epdms(final List<Row> rows)
    {
        final List<Double> values = new ArrayList<>();
        rows.forEach(r -> values.add(r.epdms()));
        return SeedStatistics.of(values);
    }

    /**
     * Sentences saying which action bounds differ between the models of a sweep (empty when they agree or no run
     * gives them): each bound with its value per model, a model whose runs disagree, a model that gives none
     * while others do. A run without bounds is skipped when other runs of its model give them.
     */
    static List<String> actionBoundsNotes(final List<Row> rows)
    {
        final Map<String, Set<JsonNode>> given = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            final Set<JsonNode> seen = given.computeIfAbsent(row.task().model(), k -> new LinkedHashSet<>());
            if (null != row.actionBounds())
            {
                seen.add(row.actionBounds());
            }
        }
        final List<String> notes = new ArrayList<>();
        final Map<String, JsonNode> known = new LinkedHashMap<>();
        final List<String> unknown = new ArrayList<>();
        for (final Map.Entry<String, Set<JsonNode>> model : given.entrySet())
        {
            if (model.getValue().size() > 1)
            {
                final List<String> texts = new ArrayList<>();
                model.getValue().forEach(b -> texts.add(b.toString()));
                notes.add("Action bounds differ between runs of " + model.getKey() + ": " + String.join("; ", texts) +
                    ".");
            }
            else if (model.getValue().size() == 1)
            {
                known.put(model.getKey(), model.getValue().iterator().next());
            }
            else
            {
                unknown.add(model.getKey());
            }
        }
        if (!known.isEmpty() && !unknown.isEmpty())
        {
            notes.add("Action bounds not given by " + String.join(", ", unknown) + " (given by " +
                String.join(", ", known.keySet()) + "): the action spaces may differ.");
        }
        if (known.size() < 2)
        {
            return notes;
        }
        final Set<String> names = new TreeSet<>();
        known.values().forEach(b -> b.fieldNames().forEachRemaining(names::add));
        for (final String name : names)
        {
            final Set<JsonNode> values = new LinkedHashSet<>();
            final List<String> texts = new ArrayList<>();
            for (final Map.Entry<String, JsonNode> model : known.entrySet())
            {
                final JsonNode value = model.getValue().path(name);
                values.add(value);
                texts.add((value.isMissingNode() ? "not given" : value.toString()) + " for " + model.getKey());
            }
            if (values.size() > 1)
            {
                notes.add("Action bounds differ: " + name + " is " + String.join(", ", texts) + ".");
            }
        }
        return notes;
    }

    /** The worst runs of a group: failed before passed, then lowest EPDMS first. */
    static List<Row> worst(final List<Row> rows)
    {
        final List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparing(Row::passed).thenComparingDouble(Row::epdms));
        return sorted.subList(0, Math.min(WORST_RUNS, sorted.size()));
    }

    static String format(final String pattern, final Object... args)
    {
        return String.format(Locale.ROOT, pattern, args);
    }

    /** The rig's own wall-clock seconds for a run that produced a result. */
    static double runWallS(final TaskOutcome outcome)
    {
        try
        {
            return JSON.readTree(outcome.runJson()).path("wall_s").asDouble(0.0);
        }
        catch (final IOException ex)
        {
            return 0.0;
        }
    }

    static long sum(final List<Row> rows, final String key)
    {
        long total = 0;
        for (final Row row : rows)
        {
            final JsonNode value = row.run().path(key);
            total += value.asLong(0);
        }
        return total;
    }
}
