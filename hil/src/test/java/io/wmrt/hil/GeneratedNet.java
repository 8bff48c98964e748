package io.wmrt.hil;

import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.scenario.generate.Families;
import io.wmrt.hil.scenario.generate.Family;
import io.wmrt.hil.scenario.generate.ScenarioGenerator;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.traci.TraciConnection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first generated scenario of a family whose files match, written and built, with its road network: what
 * the rig's scene tests drive their ego through in a real SUMO.
 *
 * @param directory the scenario directory
 * @param scenario  its scenario.yaml
 * @param network   its built net
 */
record GeneratedNet(Path directory, Scenario scenario, RoadNetwork network)
{
    /**
     * Generates, under {@code dir}, the first scenario of {@code family} (seeds from 1) whose {@code file} matches.
     */
    static GeneratedNet first(final String family, final String file, final Predicate<String> matches,
        final Path dir) throws Exception
    {
        final Family generator = Families.byName(family).orElseThrow();
        long seed = 1;
        while (!matches.test(ScenarioGenerator.draw(generator, seed, 0).files().get(file)))
        {
            seed++;
        }
        final Path generated = ScenarioGenerator.generate(generator, 1, seed, dir.resolve("gen")).get(0);
        final Scenario scenario = Scenario.load(generated);
        final String config = Files.readString(scenario.sumoConfig());
        final Matcher net = Pattern.compile("net-file value=\"([^\"]+)\"").matcher(config);
        assertTrue(net.find(), config);
        return new GeneratedNet(generated, scenario,
            RoadNetwork.load(scenario.sumoConfig().resolveSibling(net.group(1))));
    }

    /** SUMO on the scenario at the rig's step and lateral resolution, run until the ego has departed. */
    SumoProcess startWithEgo() throws IOException
    {
        final SumoProcess process = SumoProcess.withConfig(scenario.sumoConfig()).seed(scenario.seed())
            .stepLengthSeconds(0.1).lateralResolutionMetres(0.4).start();
        try
        {
            final TraciConnection traci = process.connection();
            for (int step = 0; step < 600 && !traci.vehicleIds().contains(scenario.egoId()); step++)
            {
                traci.simulationStep();
            }
            assertTrue(traci.vehicleIds().contains(scenario.egoId()), "the ego departed");
            return process;
        }
        catch (final RuntimeException | Error ex)
        {
            process.close();
            throw ex;
        }
    }
}
