package io.wmrt.hil.scenario;

import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * One rig scenario: a directory with SUMO's network, routes and configuration, and a {@value #FILE_NAME}
 * naming the ego, the duration, the seed and the pass criteria. The format is described in
 * hil/scenarios/README.md; any directory in it runs.
 *
 * @param name        the directory's name.
 * @param directory   the scenario directory.
 * @param description one line on what the scenario tests.
 * @param sumoConfig  the SUMO configuration, resolved against the directory.
 * @param seed        SUMO's --seed and the planner sampler's seed.
 * @param durationS   simulated seconds of ego control, from the ego's departure.
 * @param egoId       the ego's vehicle id in the routes.
 * @param pass        what the run must achieve.
 */
public record Scenario(
    String name,
    Path directory,
    String description,
    Path sumoConfig,
    long seed,
    double durationS,
    String egoId,
    PassCriteria pass)
{
    public static final String FILE_NAME = "scenario.yaml";

    /**
     * Pass criteria. Optional ones are empty when the scenario does not set them.
     */
    public record PassCriteria(
        int maxCollisions,
        int maxRedLightViolations,
        int maxOffroadSteps,
        double minProgressM,
        OptionalDouble maxDecelMps2,
        OptionalDouble minPedestrianDistanceM,
        OptionalInt maxWeaving,
        OptionalInt maxLaneChanges,
        OptionalDouble maxOppositeLaneS,
        OptionalDouble minPdms)
    {
    }

    /**
     * This scenario with another seed, named {@code <name>-seed<seed>} so that runs of several seeds keep
     * their logs, datasets and report sections apart.
     */
    public Scenario withSeed(final long otherSeed)
    {
        return new Scenario(name + "-seed" + otherSeed, directory, description, sumoConfig, otherSeed, durationS,
            egoId, pass);
    }

    /**
     * Loads {@code directory}/scenario.yaml strictly: unknown keys, missing keys, wrong types and a
     * missing SUMO configuration are refused naming the file and key.
     */
    public static Scenario load(final Path directory) throws ConfigException
    {
        final Path file = directory.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            throw new ConfigException(file, null, "not a scenario directory: " + FILE_NAME + " is missing");
        }
        final StrictYaml yaml = StrictYaml.load(file);
        final String description = yaml.optionalString("description", "");
        final String configName = yaml.string("sumo_config");
        final Path config = directory.resolve(configName).normalize();
        if (!Files.isRegularFile(config))
        {
            throw new ConfigException(file, "sumo_config", "SUMO configuration " + config + " does not exist");
        }
        final long seed = yaml.integer("seed", 0, Integer.MAX_VALUE);
        final double duration = yaml.number("duration_s", 1.0, 3600.0);
        final StrictYaml ego = yaml.section("ego");
        final String egoId = ego.string("id");
        ego.finish();
        final StrictYaml pass = yaml.section("pass");
        final PassCriteria criteria = new PassCriteria(
            (int)pass.integer("max_collisions", 0, 1000),
            (int)pass.integer("max_red_light_violations", 0, 1000),
            (int)pass.integer("max_offroad_steps", 0, 1_000_000),
            pass.number("min_progress_m", 0.0, 100_000.0),
            optionalNumber(pass, "max_decel_mps2", 0.0, 20.0),
            optionalNumber(pass, "min_pedestrian_distance_m", 0.0, 100.0),
            optionalInt(pass, "max_weaving"),
            optionalInt(pass, "max_lane_changes"),
            optionalNumber(pass, "max_opposite_lane_s", 0.0, 3600.0),
            optionalNumber(pass, "min_pdms", 0.0, 1.0));
        pass.finish();
        yaml.finish();
        final Path name = directory.toAbsolutePath().normalize().getFileName();
        return new Scenario(null == name ? directory.toString() : name.toString(), directory, description, config,
            seed, duration, egoId, criteria);
    }

    /**
     * The scenarios named by {@code selector}: "all" is every scenario directory under {@code root}, in
     * name order; anything else is one scenario directory.
     */
    public static List<Scenario> select(final String selector, final Path root) throws ConfigException
    {
        if (!"all".equals(selector))
        {
            return List.of(load(Path.of(selector)));
        }
        final List<Path> directories = new ArrayList<>();
        try (Stream<Path> children = Files.list(root))
        {
            children.filter(p -> Files.isRegularFile(p.resolve(FILE_NAME))).sorted().forEach(directories::add);
        }
        catch (final java.io.IOException ex)
        {
            throw new ConfigException(root, null, "cannot list scenarios (" + ex.getMessage() + ")", ex);
        }
        if (directories.isEmpty())
        {
            throw new ConfigException(root, null, "no scenario directories (with " + FILE_NAME + ") found");
        }
        final List<Scenario> scenarios = new ArrayList<>();
        for (final Path directory : directories)
        {
            scenarios.add(load(directory));
        }
        return scenarios;
    }

    private static OptionalDouble optionalNumber(final StrictYaml yaml, final String key, final double min,
        final double max) throws ConfigException
    {
        return yaml.has(key) ? OptionalDouble.of(yaml.number(key, min, max)) : OptionalDouble.empty();
    }

    private static OptionalInt optionalInt(final StrictYaml yaml, final String key) throws ConfigException
    {
        return yaml.has(key) ? OptionalInt.of((int)yaml.integer(key, 0, 1000)) : OptionalInt.empty();
    }
}
