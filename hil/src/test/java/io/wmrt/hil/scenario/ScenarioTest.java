package io.wmrt.hil.scenario;

import io.wmrt.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioTest
{
    private static final String VALID = String.join("\n",
        "description: \"a street\"",
        "sumo_config: street.sumocfg",
        "seed: 5",
        "duration_s: 30",
        "ego:",
        "  id: ego",
        "pass:",
        "  max_collisions: 0",
        "  max_red_light_violations: 0",
        "  max_offroad_steps: 0",
        "  min_progress_m: 50",
        "  max_decel_mps2: 4.0", "");

    @TempDir
    Path root;

    private Path scenario(final String name, final String yaml) throws IOException
    {
        final Path dir = Files.createDirectories(root.resolve(name));
        Files.writeString(dir.resolve("street.sumocfg"), "<configuration/>");
        Files.writeString(dir.resolve(Scenario.FILE_NAME), yaml);
        return dir;
    }

    @Test
    void shouldLoadAScenarioDirectory() throws Exception
    {
        final Scenario s = Scenario.load(scenario("street", VALID));
        assertEquals("street", s.name());
        assertEquals(5, s.seed());
        assertEquals(30.0, s.durationS());
        assertEquals("ego", s.egoId());
        assertEquals(50.0, s.pass().minProgressM());
        assertEquals(4.0, s.pass().maxDecelMps2().orElseThrow());
        assertTrue(s.pass().maxWeaving().isEmpty());
        assertTrue(Files.isRegularFile(s.sumoConfig()));
    }

    @Test
    void shouldRefuseAnUnknownKeyNamingIt() throws Exception
    {
        final Path dir = scenario("typo", VALID.replace("max_decel_mps2", "max_deccel_mps2"));
        final ConfigException ex = assertThrows(ConfigException.class, () -> Scenario.load(dir));
        assertTrue(ex.getMessage().contains("pass.max_deccel_mps2"), ex.getMessage());
        assertTrue(ex.getMessage().contains(Scenario.FILE_NAME), ex.getMessage());
    }

    @Test
    void shouldRefuseAMissingSumoConfiguration() throws Exception
    {
        final Path dir = scenario("nocfg", VALID.replace("street.sumocfg", "other.sumocfg"));
        final ConfigException ex = assertThrows(ConfigException.class, () -> Scenario.load(dir));
        assertTrue(ex.getMessage().contains("sumo_config") && ex.getMessage().contains("other.sumocfg"),
            ex.getMessage());
    }

    @Test
    void shouldSelectEveryScenarioDirectoryInNameOrder() throws Exception
    {
        scenario("b-second", VALID);
        scenario("a-first", VALID);
        Files.createDirectories(root.resolve("not-a-scenario"));
        final List<Scenario> all = Scenario.select("all", root);
        assertEquals(List.of("a-first", "b-second"), all.stream().map(Scenario::name).toList());
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> Scenario.select(root.resolve("not-a-scenario").toString(), root));
        assertTrue(ex.getMessage().contains(Scenario.FILE_NAME), ex.getMessage());
    }
}
