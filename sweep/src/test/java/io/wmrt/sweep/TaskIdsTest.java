package io.wmrt.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TaskIdsTest
{
    @TempDir
    Path dir;

    private static void copy(final Path from, final Path to) throws Exception
    {
        try (Stream<Path> walk = Files.walk(from))
        {
            for (final Path p : (Iterable<Path>)walk::iterator)
            {
                final Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p))
                {
                    Files.createDirectories(target);
                }
                else
                {
                    Files.copy(p, target);
                }
            }
        }
    }

    private List<SweepTask> tasks(final Path scenario, final Path model, final String seeds) throws Exception
    {
        final Path file = dir.resolve("m-" + System.nanoTime() + ".yaml");
        Files.writeString(file, "scenarios: [" + scenario + "]\nseeds: " + seeds + "\nmodels: [" + model + "]\n");
        return SweepMatrix.load(file, SweepMatrixTest.HOME).tasks();
    }

    @Test
    void shouldGiveTheSameTaskTheSameIdWhereverItsFilesLive() throws Exception
    {
        final Path home = SweepMatrixTest.HOME;
        copy(home.resolve("hil/scenarios/on-ramp-merge"), dir.resolve("elsewhere/on-ramp-merge"));
        copy(home.resolve("models/cv-baseline"), dir.resolve("elsewhere/cv-baseline"));
        final SweepTask original = tasks(home.resolve("hil/scenarios/on-ramp-merge"),
            home.resolve("models/cv-baseline"), "[7]").get(0);
        final SweepTask copied = tasks(dir.resolve("elsewhere/on-ramp-merge"), dir.resolve("elsewhere/cv-baseline"),
            "[7]").get(0);
        assertEquals(original.id(), copied.id());
        assertTrue(original.id().matches("[0-9a-f]{32}"), original.id());
    }

    @Test
    void shouldFollowALinkedScenarioAndLeaveTheReferenceCacheOut() throws Exception
    {
        final Path real = Files.createDirectories(dir.resolve("linked-real"));
        Files.writeString(real.resolve("scenario.yaml"), "seed: 1\n");
        Files.writeString(real.resolve("routes.rou.xml"), "<routes/>\n");
        final Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        final String digest = TaskIds.directoryDigest(real);
        assertEquals(digest, TaskIds.directoryDigest(link), "a link is its target");
        Files.createDirectories(real.resolve("reference"));
        Files.writeString(real.resolve("reference/seed-1.properties"), "progress_m=3\n");
        assertEquals(digest, TaskIds.directoryDigest(real), "the reference driver's cache is not an input");
        Files.writeString(real.resolve("routes.rou.xml"), "<routes> </routes>\n");
        assertNotEquals(digest, TaskIds.directoryDigest(real));
    }

    @Test
    void shouldGiveAChangedModelOrSeedANewId() throws Exception
    {
        final Path home = SweepMatrixTest.HOME;
        final Path scenario = home.resolve("hil/scenarios/on-ramp-merge");
        final Path model = dir.resolve("cv-baseline");
        copy(home.resolve("models/cv-baseline"), model);
        final List<SweepTask> before = tasks(scenario, model, "[7, 8]");
        assertNotEquals(before.get(0).id(), before.get(1).id(), "another seed is another task");
        // Any byte of the package counts: a changed model is a new task.
        Files.writeString(model.resolve("NOTES.txt"), "retrained\n");
        final List<SweepTask> after = tasks(scenario, model, "[7, 8]");
        assertNotEquals(before.get(0).id(), after.get(0).id());
    }

    @Test
    void shouldDependOnTheRecipesInputsOnly()
    {
        final String a = TaskIds.taskId("s", 1, "m", "p", 0.0, false, "deterministic");
        assertEquals(a, TaskIds.taskId("s", 1, "m", "p", 0.0, false, "deterministic"));
        assertNotEquals(a, TaskIds.taskId("s", 1, "m", "p", 0.1, false, "deterministic"));
        assertNotEquals(a, TaskIds.taskId("s", 1, "m", "p", 0.0, false, "wall-clock"));
        assertNotEquals(a, TaskIds.taskId("s", 1, "m", "q", 0.0, false, "deterministic"));
    }
}
