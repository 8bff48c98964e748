package io.wmrt.hil.scenario.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Generates scenario directories of one family: scenario {@code i} of {@code count} under {@code seed} is named
 * {@code <family>-<seed>-<i as 3 digits>}, its values come from {@link Draw#of(String, long, int)}, and it records
 * them in parameters.yaml. Same family, seed and index give byte-identical files.
 */
public final class ScenarioGenerator
{
    /** Written to parameters.yaml; raise it whenever a family draws or writes differently. */
    public static final int VERSION = 7;

    /** The most scenarios one call generates (the index has three digits). */
    public static final int MAX_COUNT = 1000;

    private ScenarioGenerator()
    {
    }

    /** The directory name of scenario {@code index}. */
    public static String directoryName(final String family, final long seed, final int index)
    {
        return String.format(Locale.ROOT, "%s-%d-%03d", family, seed, index);
    }

    /** Draws scenario {@code index} without writing it (the files, parameters.yaml included). */
    public static GeneratedScenario draw(final Family family, final long seed, final int index)
    {
        final Draw draw = Draw.of(family.name(), seed, index);
        final String name = directoryName(family.name(), seed, index);
        final GeneratedScenario scenario = family.generate(draw, name);
        final Map<String, String> files = new LinkedHashMap<>(scenario.files());
        files.put("parameters.yaml", ScenarioFiles.parametersYaml(family.name(), seed, index, draw.values()));
        return new GeneratedScenario(name, files);
    }

    /**
     * Writes {@code count} scenarios of {@code family} under {@code out}. Every target is checked before the first
     * is written, so an existing non-empty one refuses the whole call.
     */
    public static List<Path> generate(final Family family, final int count, final long seed, final Path out)
        throws IOException
    {
        if (count < 1 || count > MAX_COUNT)
        {
            throw new IllegalArgumentException("--count must be in [1, " + MAX_COUNT + "], not " + count);
        }
        if (seed < 0)
        {
            throw new IllegalArgumentException("--seed must not be negative, not " + seed);
        }
        for (int i = 0; i < count; i++)
        {
            ScenarioWriter.checkTarget(out.resolve(directoryName(family.name(), seed, i)));
        }
        final List<Path> written = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            written.add(ScenarioWriter.write(out, draw(family, seed, i)));
        }
        return written;
    }
}
