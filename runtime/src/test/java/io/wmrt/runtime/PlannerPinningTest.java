package io.wmrt.runtime;

import io.wmrt.TestRepo;
import io.wmrt.bus.BusDirectory;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A profile's {@code cpu.planner_core} pins the planner thread: the kernel's own record of the thread's CPUs
 * ({@code /proc/self/task/TID/status}, read here, not through the project's library) shows only that core. A core
 * the machine lacks is refused before anything starts, naming the key.
 */
class PlannerPinningTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldPinThePlannerThreadToTheProfilesCore() throws Exception
    {
        // The last CPU this process may use (a container's cpuset may hold fewer than the machine has).
        final int[] allowed = CpuAffinity.currentThreadCpus();
        final int core = allowed[allowed.length - 1];
        try (WmrtRuntime runtime = runtime(profileWithPlannerCore(core)))
        {
            runtime.start(Throwable::printStackTrace);

            assertArrayEquals(new int[]{core}, runtime.plannerCpus(), "read back inside the planner thread");
            final Path status = Path.of("/proc/self/task/" + runtime.plannerThreadId() + "/status");
            final String kernel = Files.readAllLines(status, StandardCharsets.UTF_8).stream()
                .filter(line -> line.startsWith("Cpus_allowed_list:"))
                .findFirst().orElseThrow().substring("Cpus_allowed_list:".length()).strip();
            assertEquals(String.valueOf(core), kernel, "the kernel's view of the planner thread, " + status);
            assertArrayEquals(allowed, CpuAffinity.currentThreadCpus(), "only the planner thread is pinned");
        }
    }

    @Test
    void shouldLeaveThePlannerUnpinnedWhenTheProfileSaysMinusOne() throws Exception
    {
        try (WmrtRuntime runtime = runtime(HardwareProfileLoader.load(TestRepo.profile("host"))))
        {
            runtime.start(Throwable::printStackTrace);
            assertNull(runtime.plannerCpus());
            assertEquals(-1, runtime.plannerThreadId());
        }
    }

    @Test
    void shouldRefuseACoreTheMachineLacksNamingTheKey() throws Exception
    {
        final int missing = CpuAffinity.configuredCpus();
        final HardwareProfile profile = profileWithPlannerCore(missing);
        try (WmrtRuntime runtime = runtime(profile))
        {
            final IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> runtime.start(Throwable::printStackTrace));
            assertTrue(refused.getMessage().contains("cpu.planner_core " + missing), refused.getMessage());
            assertTrue(refused.getMessage().contains(profile.file().toString()), refused.getMessage());
            assertTrue(refused.getMessage().contains("has " + missing), refused.getMessage());
        }
    }

    private WmrtRuntime runtime(final HardwareProfile profile) throws Exception
    {
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        return new WmrtRuntime(profile, model, PlannerConfig.from(model, profile).conclude(),
            BusDirectory.create(Files.createTempDirectory(tmp, "bus")), SystemNanoClock.INSTANCE,
            SystemEpochClock.INSTANCE);
    }

    /** The host profile with {@code cores} raised to 256 (the loader's bound) and the planner core given. */
    private HardwareProfile profileWithPlannerCore(final int core) throws Exception
    {
        final Path host = TestRepo.profile("host");
        final String yaml = Files.readString(host)
            .replace("  cores: 2\n", "  cores: 256\n")
            .replace("  planner_core: -1 ", "  planner_core: " + core + " ")
            .replace("../models/keys/", host.getParent().resolve("../models/keys").normalize() + "/");
        final Path file = tmp.resolve("pinned-" + core + ".yaml");
        Files.writeString(file, yaml);
        final HardwareProfile profile = HardwareProfileLoader.load(file);
        assertEquals(core, profile.cpu().plannerCore(), "the variant took");
        return profile;
    }
}
