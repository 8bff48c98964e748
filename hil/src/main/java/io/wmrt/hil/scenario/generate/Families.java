package io.wmrt.hil.scenario.generate;

import java.util.List;
import java.util.Optional;

/**
 * The scenario families {@code wmrt scenarios generate} knows, in the order they are listed, and the parameter
 * every family draws first.
 */
public final class Families
{
    /** SUMO's --seed of the scenario (scenario.yaml's seed), drawn like every other parameter. */
    public static final Parameter SUMO_SEED = Parameter.integer("sumo_seed", "none", 1, 99_999,
        "scenario.yaml's seed: SUMO's --seed (Poisson flows, walkers) and the planner sampler's seed");

    private static final List<Family> ALL = List.of(
        new NarrowStreetFamily(),
        new DoubleParkedFamily(),
        new RedLightQueueFamily(),
        new MergeFamily(),
        new ZebraFamily(),
        new CorridorFamily());

    private Families()
    {
    }

    /** Every family. */
    public static List<Family> all()
    {
        return ALL;
    }

    /** The family called {@code name}. */
    public static Optional<Family> byName(final String name)
    {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The names of every family, for messages. */
    public static String names()
    {
        return String.join(", ", ALL.stream().map(Family::name).toList());
    }
}
