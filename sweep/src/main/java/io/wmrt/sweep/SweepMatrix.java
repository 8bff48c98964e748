package io.wmrt.sweep;

import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;
import io.wmrt.hil.rig.RigTiming;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's matrix file, read strictly (unknown keys refused naming the key), and the tasks it stands for:
 * every scenario × model × profile × seed.
 * <pre>
 * scenarios: [hil/scenarios/narrow-street, hil/scenarios/on-ramp-merge]   # or: all (every hil/scenarios/*),
 *                                   # or: "all under DIR" (every scenario directory in DIR)
 * seeds: [11, 3001, 3002]          # or: {from: 3001, count: 100}
 * models: [models/cv-baseline, models/wm-student-int8]
 * profiles: [hardware-profiles/host.yaml]   # optional, this default
 * perturb: 0.0                     # optional, as wmrt hil --perturb
 * record: false                    # optional, write datasets as wmrt hil --record
 * timing: deterministic            # optional: deterministic[:MS] (default) or wall-clock, as wmrt hil --timing
 * timeout_s: 900                   # optional: hard limit of one attempt (default 300 s + 10 x duration_s)
 * </pre>
 * A relative path is taken from the current directory when it exists there, else from the wmrt home. Every
 * scenario, profile and model is loaded and checked (signatures as each profile demands) before anything runs.
 * <p>
 * Immutable once loaded: safe from any thread.
 */
public final class SweepMatrix
{
    /** Most seeds one matrix may ask for per scenario, model and profile. */
    public static final long MAX_SEEDS = 100_000;
    private static final long DEFAULT_TIMEOUT_BASE_S = 300;
    private static final long DEFAULT_TIMEOUT_PER_SIMULATED_S = 10;

    private final Path file;
    private final List<SweepTask> tasks;

    private SweepMatrix(final Path file, final List<SweepTask> tasks)
    {
        this.file = file;
        this.tasks = List.copyOf(tasks);
    }

    public Path file()
    {
        return file;
    }

    /** Every task, in the order the report shows them: model, profile, scenario, seed. */
    public List<SweepTask> tasks()
    {
        return tasks;
    }

    /**
     * Reads and checks a matrix file.
     *
     * @param home the wmrt home: where "all" looks for scenarios, and the second place relative paths are tried
     * @throws ConfigException naming the file and key of what is wrong
     */
    public static SweepMatrix load(final Path file, final Path home) throws ConfigException
    {
        final StrictYaml yaml = StrictYaml.load(file);
        final List<Path> scenarioDirs = scenarios(yaml, home);
        final long[] seeds = seeds(yaml);
        final List<Path> models = resolveAll(yaml, "models", yaml.filePathList("models", 1), home);
        final List<Path> profiles = yaml.has("profiles") ?
            resolveAll(yaml, "profiles", yaml.filePathList("profiles", 1), home) :
            List.of(home.resolve("hardware-profiles/host.yaml"));
        final double perturb = yaml.has("perturb") ? yaml.number("perturb", 0.0, 1.0) : 0.0;
        final boolean record = yaml.has("record") && yaml.bool("record");
        final RigTiming timing = timing(yaml);
        final long timeoutS = yaml.has("timeout_s") ? yaml.integer("timeout_s", 10, 86_400) : -1;
        yaml.finish();

        final List<Scenario> scenarios = new ArrayList<>();
        final Map<Path, String> scenarioDigests = new LinkedHashMap<>();
        for (final Path dir : scenarioDirs)
        {
            final Scenario scenario = Scenario.load(dir);
            scenarios.add(scenario);
            scenarioDigests.put(dir, digest(file, "scenarios", dir, true));
        }
        final List<SweepTask> tasks = new ArrayList<>();
        for (final Path profileFile : profiles)
        {
            final HardwareProfile profile = HardwareProfileLoader.load(profileFile);
            final String profileDigest = digest(file, "profiles", profileFile, false);
            for (final Path modelDir : models)
            {
                final ModelPackage model = ModelPackageLoader.load(modelDir,
                    new ModelPackageLoader.Trust(profile.requireSignedModels(), profile.trustedKeys()));
                final String modelDigest = digest(file, "models", modelDir, true);
                for (final Scenario scenario : scenarios)
                {
                    final Path dir = scenario.directory();
                    final long limitS = timeoutS > 0 ? timeoutS :
                        DEFAULT_TIMEOUT_BASE_S + DEFAULT_TIMEOUT_PER_SIMULATED_S * Math.round(scenario.durationS());
                    for (final long seed : seeds)
                    {
                        final String id = TaskIds.taskId(scenarioDigests.get(dir), seed, modelDigest,
                            profileDigest, perturb, record, timing.toString());
                        tasks.add(new SweepTask(id, dir.toString(), scenario.name(), seed, modelDir.toString(),
                            model.name(), profileFile.toString(), perturb, record, timing.toString(), limitS));
                    }
                }
            }
        }
        return new SweepMatrix(file, tasks);
    }

    /** {@code scenarios: "all under DIR"}: every scenario directory in DIR (a generated family, say). */
    static final String ALL_UNDER = "all under ";

    private static List<Path> scenarios(final StrictYaml yaml, final Path home) throws ConfigException
    {
        if (yaml.isString("scenarios"))
        {
            final String word = yaml.string("scenarios").trim();
            final Path root;
            if ("all".equals(word))
            {
                root = home.resolve("hil/scenarios");
            }
            else if (word.startsWith(ALL_UNDER))
            {
                final Path named = Path.of(word.substring(ALL_UNDER.length()).trim());
                final Path besideMatrix = yaml.file().toAbsolutePath().getParent().resolve(named);
                root = named.isAbsolute() ? named : Files.isDirectory(besideMatrix) ? besideMatrix : home.resolve(named);
                if (!Files.isDirectory(root))
                {
                    throw new ConfigException(yaml.file(), "scenarios", "'" + word + "': no directory " + root);
                }
            }
            else
            {
                throw new ConfigException(yaml.file(), "scenarios", "expected a list of scenario directories, " +
                    "'all' or '" + ALL_UNDER + "DIR', got the string '" + word + "'");
            }
            final List<Path> all = new ArrayList<>();
            for (final Scenario scenario : Scenario.select("all", root))
            {
                all.add(scenario.directory().toAbsolutePath().normalize());
            }
            if (all.isEmpty())
            {
                throw new ConfigException(yaml.file(), "scenarios", "'" + word + "': no scenario directory in " + root);
            }
            return all;
        }
        return resolveAll(yaml, "scenarios", yaml.filePathList("scenarios", 1), home);
    }

    private static long[] seeds(final StrictYaml yaml) throws ConfigException
    {
        if (yaml.isMapping("seeds"))
        {
            final StrictYaml range = yaml.section("seeds");
            final long from = range.integer("from", 0, Integer.MAX_VALUE);
            final long count = range.integer("count", 1, MAX_SEEDS);
            range.finish();
            if (from + count - 1 > Integer.MAX_VALUE)
            {
                throw new ConfigException(yaml.file(), "seeds.count", "seeds from " + from + " would pass " +
                    Integer.MAX_VALUE);
            }
            final long[] seeds = new long[(int)count];
            for (int i = 0; i < seeds.length; i++)
            {
                seeds[i] = from + i;
            }
            return seeds;
        }
        final long[] seeds = yaml.integerList("seeds", 1, 0, Integer.MAX_VALUE);
        if (seeds.length > MAX_SEEDS)
        {
            throw new ConfigException(yaml.file(), "seeds", "has " + seeds.length + " seeds, at most " + MAX_SEEDS);
        }
        for (int i = 0; i < seeds.length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (seeds[i] == seeds[j])
                {
                    throw new ConfigException(yaml.file(), "seeds[" + i + "]", "seed " + seeds[i] +
                        " is listed twice");
                }
            }
        }
        return seeds;
    }

    private static RigTiming timing(final StrictYaml yaml) throws ConfigException
    {
        if (!yaml.has("timing"))
        {
            return RigTiming.DETERMINISTIC;
        }
        try
        {
            return RigTiming.parse(yaml.string("timing"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(yaml.file(), "timing", ex.getMessage());
        }
    }

    private static List<Path> resolveAll(final StrictYaml yaml, final String key, final List<Path> paths,
        final Path home) throws ConfigException
    {
        final List<Path> out = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++)
        {
            final Path given = paths.get(i);
            Path resolved = given.toAbsolutePath().normalize();
            if (!given.isAbsolute() && !Files.exists(resolved))
            {
                resolved = home.resolve(given).toAbsolutePath().normalize();
            }
            if (!Files.exists(resolved))
            {
                throw new ConfigException(yaml.file(), key + "[" + i + "]", given + " does not exist (looked in the " +
                    "current directory and in " + home + ")");
            }
            if (out.contains(resolved))
            {
                throw new ConfigException(yaml.file(), key + "[" + i + "]", given + " is listed twice");
            }
            out.add(resolved);
        }
        return out;
    }

    private static String digest(final Path matrix, final String key, final Path path, final boolean directory)
        throws ConfigException
    {
        try
        {
            return directory ? TaskIds.directoryDigest(path) : TaskIds.fileDigest(path);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(matrix, key, "cannot read " + path + " to derive task ids (" + ex + ")", ex);
        }
    }
}
