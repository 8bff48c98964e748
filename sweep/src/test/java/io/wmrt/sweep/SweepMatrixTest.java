package io.wmrt.sweep;

import io.wmrt.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepMatrixTest
{
    static final Path HOME = Path.of(System.getProperty("wmrt.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private SweepMatrix load(final String yaml) throws Exception
    {
        final Path file = dir.resolve("m.yaml");
        Files.writeString(file, yaml);
        return SweepMatrix.load(file, HOME);
    }

    private ConfigException refused(final String yaml)
    {
        return assertThrows(ConfigException.class, () -> load(yaml));
    }

    @Test
    void shouldExpandScenariosSeedsAndModelsIntoOneTaskEach() throws Exception
    {
        final SweepMatrix matrix = load(String.join("\n",
            "scenarios: [hil/scenarios/narrow-street, hil/scenarios/on-ramp-merge]",
            "seeds: [11, 3001, 3002]",
            "models: [models/cv-baseline, models/wm-student-int8]",
            "profiles: [hardware-profiles/host.yaml]",
            "perturb: 0.0",
            "record: false", ""));
        final List<SweepTask> tasks = matrix.tasks();
        assertEquals(12, tasks.size());
        final Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.id()));
        assertEquals(12, ids.size(), "every task has its own id");
        assertEquals("narrow-street-seed11", tasks.get(0).runName());
        assertEquals("cv-baseline", tasks.get(0).model());
        assertEquals("deterministic", tasks.get(0).timing(), "sweeps default to deterministic timing");
        assertTrue(tasks.get(0).timeoutS() >= 300);
    }

    @Test
    void shouldReadASeedRangeAndAllScenarios() throws Exception
    {
        final SweepMatrix matrix = load("scenarios: all\nseeds: {from: 3001, count: 4}\nmodels: [models/cv-baseline]\n");
        final long scenarios = matrix.tasks().stream().map(SweepTask::scenario).distinct().count();
        assertEquals(5, scenarios, "every scenario under hil/scenarios");
        assertEquals(5 * 4, matrix.tasks().size());
        assertEquals(3004, matrix.tasks().get(3).seed());
    }

    @Test
    void shouldReadEveryScenarioUnderADirectoryAndRefuseAnEmptyOne()
    {
        final SweepMatrix matrix = assertDoesNotThrow(() ->
            load("scenarios: all under hil/scenarios\nseeds: [5001]\nmodels: [models/cv-baseline]\n"));
        assertEquals(5, matrix.tasks().size());
        final ConfigException ex = refused("scenarios: all under models/keys\nseeds: [1]\nmodels: [models/cv-baseline]\n");
        assertTrue(ex.getMessage().contains("models/keys"), ex.getMessage());
        assertTrue(refused("scenarios: all under no/such/dir\nseeds: [1]\nmodels: [models/cv-baseline]\n")
            .getMessage().contains("no directory"));
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingIt()
    {
        final ConfigException ex = refused("scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline]\nseed: [2]\n");
        assertEquals("seed", ex.key());
        assertTrue(ex.getMessage().contains("unknown key"), ex.getMessage());
    }

    @Test
    void shouldRefuseAnUnknownKeyInTheSeedRange()
    {
        assertEquals("seeds.step", refused("scenarios: all\nseeds: {from: 1, count: 2, step: 3}\n" +
            "models: [models/cv-baseline]\n").key());
    }

    @Test
    void shouldRefuseMissingOrMistypedKeysNamingThem()
    {
        assertEquals("models", refused("scenarios: all\nseeds: [1]\n").key());
        assertEquals("seeds[1]", refused("scenarios: all\nseeds: [1, two]\nmodels: [models/cv-baseline]\n").key());
        assertEquals("seeds[1]", refused("scenarios: all\nseeds: [1, 1]\nmodels: [models/cv-baseline]\n").key());
        assertEquals("scenarios", refused("scenarios: some\nseeds: [1]\nmodels: [models/cv-baseline]\n").key());
        assertEquals("perturb", refused("scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline]\nperturb: 2\n")
            .key());
        assertEquals("record", refused("scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline]\nrecord: yes please\n")
            .key());
        assertEquals("timing", refused("scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline]\ntiming: fast\n")
            .key());
        assertEquals("seeds.count", refused("scenarios: all\nseeds: {from: 1, count: 0}\n" +
            "models: [models/cv-baseline]\n").key());
    }

    @Test
    void shouldRefuseAPathThatDoesNotExistNamingTheEntry()
    {
        final ConfigException ex = refused("scenarios: all\nseeds: [1]\nmodels: [models/cv-baseline, models/nope]\n");
        assertEquals("models[1]", ex.key());
        assertTrue(ex.getMessage().contains("models/nope"), ex.getMessage());
    }

    @Test
    void shouldRefuseABadScenarioBeforeAnythingRuns() throws Exception
    {
        final Path scenario = Files.createDirectories(dir.resolve("broken"));
        Files.writeString(scenario.resolve("scenario.yaml"), "description: x\nspeed: 3\n");
        final ConfigException ex = refused("scenarios: [" + scenario + "]\nseeds: [1]\nmodels: [models/cv-baseline]\n");
        assertTrue(ex.getMessage().contains("scenario.yaml"), ex.getMessage());
    }
}
