package io.wmrt.cli;

import io.wmrt.TestProcesses;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two {@code wmrt run} processes on one instance directory, as an operator could start them by mistake: the
 * second is refused and the first goes on; a runtime killed outright leaves no lock behind.
 */
class InstanceLockProcessTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldRefuseASecondRunOnTheSameDirectoryNamingTheRunningPid() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Path firstLog = tmp.resolve("first.log");
        // umask 000: the modes are the runtime's own choice, not the shell's.
        final Process first = TestProcesses.start(
            TestProcesses.withOpenUmask(TestProcesses.wmrt("run", "--dir", dir.toString())), firstLog);
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            assertEquals("rwx------", mode(dir), "instance directory");
            for (final String name : BusLayout.MAPPED_FILES)
            {
                assertEquals("rw-------", mode(dir.resolve(name)), name);
            }
            assertEquals("rw-------", mode(dir.resolve(BusLayout.LOCK_FILE)), BusLayout.LOCK_FILE);
            final long firstPid = bus.runtimePid();

            final Path secondLog = tmp.resolve("second.log");
            final Process second = TestProcesses.start(TestProcesses.wmrt("run", "--dir", dir.toString()), secondLog);
            assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second run gives up at once");
            final String refused = TestProcesses.read(secondLog);
            assertEquals(WmrtCommand.EXIT_BAD_INPUT, second.exitValue(), refused);
            assertTrue(refused.contains("wmrt: refused: " + dir + ": is in use by wmrt pid " + firstPid), refused);
            assertTrue(refused.contains("stop that runtime first ('kill " + firstPid + "')"), refused);

            assertEquals(firstPid, bus.runtimePid(), "the first runtime's files are untouched");
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final long[] answered = {0};
            final long deadline = System.currentTimeMillis() + 30_000;
            for (long seq = 1; answered[0] == 0 && System.currentTimeMillis() < deadline; seq++)
            {
                TestProcesses.writeScene(writer, seq);
                Thread.sleep(20);
                reader.poll(t -> answered[0] = t.sceneSequence());
            }
            assertTrue(answered[0] > 0, "the first runtime still plans\n" + TestProcesses.read(firstLog));
        }
        finally
        {
            TestProcesses.kill(first);
        }

        // Killed with SIGKILL: its lock file stays, its lock does not.
        assertTrue(Files.exists(dir.resolve(BusLayout.LOCK_FILE)));
        final Path thirdLog = tmp.resolve("third.log");
        final Process third = TestProcesses.start(TestProcesses.wmrt("run", "--dir", dir.toString()), thirdLog);
        try
        {
            final long deadline = System.currentTimeMillis() + 60_000;
            long pid = -1;
            while (pid != third.pid() && third.isAlive() && System.currentTimeMillis() < deadline)
            {
                try (BusDirectory bus = BusDirectory.await(dir, 60_000))
                {
                    pid = bus.runtimePid();
                }
                Thread.sleep(50);
            }
            assertEquals(third.pid(), pid, "a new run starts over the dead one's lock file\n" +
                TestProcesses.read(thirdLog));
        }
        finally
        {
            TestProcesses.kill(third);
        }
    }

    private static String mode(final Path path) throws Exception
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
