package io.wmrt.hil.sumo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SUMO process manager against the real {@code sumo} binary. */
class SumoProcessTest
{
    @TempDir
    static Path scenarioDirectory;

    static TinyScenario scenario;

    @BeforeAll
    static void generateScenario() throws Exception
    {
        scenario = TinyScenario.generate(scenarioDirectory);
    }

    @Test
    void closeLeavesNoSumoProcess() throws Exception
    {
        SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes).seed(7).start();
        long pid = sumo.processHandle().pid();
        String portArgument = "--remote-port " + sumo.port();
        Path output = sumo.outputFile();
        assertTrue(sumo.processHandle().isAlive());
        assertEquals(List.of(Long.toString(pid)), TinyScenario.pgrep(portArgument));
        assertTrue(sumo.command().containsAll(List.of("--seed", "7", "--no-step-log", "--collision.action", "warn")),
                sumo.command().toString());
        sumo.connection().simulationStep();

        sumo.close();

        assertTrue(ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true), "pid " + pid + " alive");
        assertEquals(List.of(), TinyScenario.pgrep(portArgument));
        assertFalse(Files.exists(output), "temporary output file kept: " + output);
        sumo.close();
    }

    @Test
    void jvmExitWithoutCloseLeavesNoSumoProcess() throws Exception
    {
        assertNoSumoLeftBy(abandonSumoInChildJvm("exit"), false);
    }

    @Test
    void killedJvmLeavesNoSumoProcess() throws Exception
    {
        assertNoSumoLeftBy(abandonSumoInChildJvm("hang"), true);
    }

    private static Process abandonSumoInChildJvm(String mode) throws Exception
    {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                AbandonedSumoMain.class.getName(), scenario.network.toString(), scenario.routes.toString(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    private static void assertNoSumoLeftBy(Process child, boolean killChild) throws Exception
    {
        try
        {
            String[] pidAndPort = new java.io.BufferedReader(new java.io.InputStreamReader(
                    child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8)).readLine().split(" ");
            long sumoPid = Long.parseLong(pidAndPort[0]);
            String portArgument = "--remote-port " + pidAndPort[1];
            if (killChild)
            {
                child.destroyForcibly();
            }
            assertTrue(child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "child JVM did not end");
            ProcessHandle.of(sumoPid).ifPresent(handle -> handle.onExit().orTimeout(10,
                    java.util.concurrent.TimeUnit.SECONDS).join());
            assertEquals(List.of(), TinyScenario.pgrep(portArgument));
        }
        finally
        {
            child.destroyForcibly();
        }
    }

    @Test
    void closeEndsAProcessWhoseConnectionIsAlreadyClosed() throws Exception
    {
        SumoProcess sumo = SumoProcess.withConfig(scenario.config).start();
        long pid = sumo.processHandle().pid();
        sumo.connection().close();
        sumo.close();
        assertTrue(ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
        assertEquals(List.of(), TinyScenario.pgrep("--remote-port " + sumo.port()));
    }

    @Test
    void sumoThatIsStoppedBehindTheConnectionsBackIsStillCleanedUp() throws Exception
    {
        SumoProcess sumo = SumoProcess.withNetAndRoutes(scenario.network, scenario.routes).start();
        long pid = sumo.processHandle().pid();
        sumo.processHandle().destroyForcibly();
        sumo.processHandle().onExit().get();
        sumo.close();
        assertTrue(ProcessHandle.of(pid).map(handle -> !handle.isAlive()).orElse(true));
    }

    @Test
    void missingConfigFileIsNamed(@TempDir Path directory)
    {
        Path missing = directory.resolve("nowhere.sumocfg");
        SumoException failure = assertThrows(SumoException.class, () -> SumoProcess.withConfig(missing).start());
        assertTrue(failure.getMessage().contains(missing.toAbsolutePath().toString()), failure.getMessage());
        assertTrue(failure.getMessage().contains("does not exist"), failure.getMessage());
    }

    @Test
    void missingRoutesFileIsNamed(@TempDir Path directory)
    {
        Path missing = directory.resolve("none.rou.xml");
        SumoException failure = assertThrows(SumoException.class,
                () -> SumoProcess.withNetAndRoutes(scenario.network, missing).start());
        assertTrue(failure.getMessage().contains("none.rou.xml"), failure.getMessage());
    }

    @Test
    void sumoRefusingTheScenarioFailsWithItsOutput(@TempDir Path directory) throws Exception
    {
        Path brokenNetwork = directory.resolve("broken.net.xml");
        Files.writeString(brokenNetwork, "this is not a SUMO network\n");
        SumoException failure = assertThrows(SumoException.class,
                () -> SumoProcess.withNetAndRoutes(brokenNetwork, scenario.routes).start());
        assertTrue(failure.getMessage().contains("exited with code"), failure.getMessage());
        assertTrue(failure.getMessage().contains("broken.net.xml"), failure.getMessage());
        assertEquals(List.of(), TinyScenario.pgrep(brokenNetwork.toString()));
    }

    @Test
    void missingBinaryTellsHowToInstallSumo(@TempDir Path emptyDirectory)
    {
        SumoException failure = assertThrows(SumoException.class,
                () -> SumoProcess.resolveBinary(Map.of("PATH", emptyDirectory.toString())));
        assertTrue(failure.getMessage().contains("install Debian's sumo package"), failure.getMessage());

        SumoException badOverride = assertThrows(SumoException.class,
                () -> SumoProcess.withConfig(scenario.config)
                        .environment(Map.of(SumoProcess.BINARY_ENV, emptyDirectory.resolve("sumo").toString()))
                        .start());
        assertTrue(badOverride.getMessage().contains(SumoProcess.BINARY_ENV), badOverride.getMessage());
    }

    @Test
    void binaryFromTheEnvironmentVariableIsUsed() throws Exception
    {
        Path onPath = SumoProcess.resolveBinary(System.getenv());
        assertEquals(onPath, SumoProcess.resolveBinary(Map.of(SumoProcess.BINARY_ENV, onPath.toString())));
        try (SumoProcess sumo = SumoProcess.withConfig(scenario.config)
                .environment(Map.of(SumoProcess.BINARY_ENV, onPath.toString())).start())
        {
            assertEquals(onPath.toString(), sumo.command().get(0));
            sumo.connection().simulationStep();
            assertEquals(0.1, sumo.connection().getTime(), 1e-9);
        }
    }
}
