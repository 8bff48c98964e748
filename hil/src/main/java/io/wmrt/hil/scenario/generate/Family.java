package io.wmrt.hil.scenario.generate;

import java.util.List;

/**
 * A procedural scenario family: a layout close to one hand-built scenario (or, for the corridor, several in a
 * row) whose parameters are drawn from documented ranges. Families are stateless; everything random comes
 * from the {@link Draw}.
 */
public interface Family
{
    /** The family's name, used in directory names and on the command line. */
    String name();

    /** One line on what the family's scenarios test. */
    String summary();

    /** Every parameter the family draws, with its documented range (the common {@code sumo_seed} first). */
    List<Parameter> parameters();

    /**
     * Draws one scenario. {@code name} is the directory's name; the plain network sources are named after it
     * ({@code <name>.nod.xml} ...), as are the built net and the SUMO configuration.
     */
    GeneratedScenario generate(Draw draw, String name);
}
