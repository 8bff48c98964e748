package io.wmrt.bus;

import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The instance directory is private to its user and held by one runtime at a time; what another user (or a
 * planted link) could read or write is refused before anything in it is touched.
 */
class BusDirectoryTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldCreateTheDirectoryAndItsFilesPrivateToTheUser() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        try (BusDirectory ignored = BusDirectory.create(dir))
        {
            assertEquals("rwx------", mode(dir));
            for (final String name : BusLayout.MAPPED_FILES)
            {
                assertEquals("rw-------", mode(dir.resolve(name)), name);
            }
            assertEquals("rw-------", mode(dir.resolve(BusLayout.LOCK_FILE)));
        }
    }

    @Test
    void shouldRefuseADirectoryThatIsASymbolicLinkAndLeaveItsTargetAlone() throws Exception
    {
        final Path target = Files.createDirectory(tmp.resolve("target"));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
        final Path link = Files.createSymbolicLink(tmp.resolve("instance"), target);

        final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
            () -> BusDirectory.create(link));
        assertEquals(link, ex.path());
        assertTrue(ex.getMessage().startsWith(link + ": is a symbolic link (to " + target + ")"), ex.getMessage());
        assertTrue(ex.getMessage().contains("give --dir the real path"), ex.getMessage());
        try (var files = Files.list(target))
        {
            assertEquals(0, files.count(), "nothing written through the link");
        }
    }

    @Test
    void shouldRefuseAFileOfTheInstanceThatIsASymbolicLinkAndNotWriteThroughIt() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        BusDirectory.create(dir).close();
        final Path victim = Files.writeString(tmp.resolve("victim.txt"), "keep me");
        final Path ring = dir.resolve(BusLayout.SCENE_RING_FILE);
        Files.delete(ring);
        Files.createSymbolicLink(ring, victim);

        final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
            () -> BusDirectory.create(dir));
        assertEquals(ring, ex.path());
        assertTrue(ex.getMessage().startsWith(ring + ": is a symbolic link"), ex.getMessage());
        assertEquals("keep me", Files.readString(victim));
        assertTrue(Files.isRegularFile(dir.resolve(BusLayout.COUNTERS_FILE)),
            "the previous run's files are left as they were");
    }

    @Test
    void shouldRefuseAnExistingDirectoryOpenToOtherUsers() throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve("instance"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
            () -> BusDirectory.create(dir));
        assertEquals(dir + ": has mode 0755 (rwxr-xr-x); an instance directory must be 0700, private to its " +
            "user: 'chmod 700 " + dir + "' if you trust what is in it, or remove it and let wmrt create it",
            ex.getMessage());
        assertFalse(Files.exists(dir.resolve(BusLayout.LOCK_FILE)), "refused before any file is touched");
    }

    @Test
    void shouldRefuseAFileOfTheInstanceOpenToOtherUsers() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        BusDirectory.create(dir).close();
        final Path errors = dir.resolve(BusLayout.ERROR_LOG_FILE);
        Files.setPosixFilePermissions(errors, PosixFilePermissions.fromString("rw-r--r--"));

        final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
            () -> BusDirectory.create(dir));
        assertEquals(errors, ex.path());
        assertTrue(ex.getMessage().contains("has mode 0644 (rw-r--r--); a file of the instance must be 0600"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseADirectoryOwnedByAnotherUser() throws Exception
    {
        final Path dir;
        if (OwnerOnlyFiles.currentUid() == 0)
        {
            dir = Files.createDirectory(tmp.resolve("instance"));
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(dir, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        }
        else
        {
            dir = Path.of("/"); // root's, and only stat'ed before the refusal
        }

        final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
            () -> BusDirectory.create(dir));
        final int owner = (Integer)Files.getAttribute(dir, "unix:uid");
        assertTrue(ex.getMessage().startsWith(dir + ": is owned by uid " + owner + " ("), ex.getMessage());
        assertTrue(ex.getMessage().contains("not by this user (uid " + OwnerOnlyFiles.currentUid() + ")"),
            ex.getMessage());
    }

    @Test
    void shouldRefuseASecondRuntimeOnTheSameDirectoryNamingTheRunningPid() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        try (BusDirectory first = BusDirectory.create(dir))
        {
            first.counter(WmrtCounter.TICKS).set(42);
            final InstanceRefusedException ex = assertThrows(InstanceRefusedException.class,
                () -> BusDirectory.create(dir));
            assertTrue(ex.getMessage().startsWith(dir + ": is in use by wmrt pid " + ProcessHandle.current().pid()),
                ex.getMessage());
            assertEquals(42, first.counter(WmrtCounter.TICKS).get(), "the running instance's files are untouched");
            try (BusDirectory reader = BusDirectory.open(dir))
            {
                assertEquals(42, reader.counter(WmrtCounter.TICKS).get(), "readers still open it");
            }
        }
        try (BusDirectory next = BusDirectory.create(dir))
        {
            assertEquals(0, next.counter(WmrtCounter.TICKS).get(), "free again once the first is closed");
        }
    }

    @Test
    void shouldStartOverALockFileLeftByARuntimeThatDied() throws Exception
    {
        final Path dir = Files.createDirectory(tmp.resolve("instance"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        final Path lock = Files.writeString(dir.resolve(BusLayout.LOCK_FILE), "999999\n");
        Files.setPosixFilePermissions(lock, PosixFilePermissions.fromString("rw-------"));

        try (BusDirectory bus = BusDirectory.create(dir))
        {
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(lock, StandardCharsets.US_ASCII));
            assertEquals(ProcessHandle.current().pid(), bus.runtimePid());
        }
    }

    private static String mode(final Path path) throws Exception
    {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }
}
