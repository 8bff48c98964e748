package io.wmrt.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files written whole or not at all: a temporary file in the same directory, then a rename, so that a crash
 * or a full disk never leaves a half-written manifest, key or report behind.
 */
public final class AtomicFiles
{
    private AtomicFiles()
    {
    }

    public static void write(final Path target, final byte[] bytes, final boolean ownerOnly) throws IOException
    {
        final Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        final Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try
        {
            // A replaced file keeps its permissions; a new one is world-readable unless it holds a secret.
            Files.setPosixFilePermissions(tmp, ownerOnly ? PosixFilePermissions.fromString("rw-------") :
                Files.exists(target) ? Files.getPosixFilePermissions(target) :
                PosixFilePermissions.fromString("rw-r--r--"));
            Files.write(tmp, bytes);
            try
            {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        finally
        {
            Files.deleteIfExists(tmp);
        }
    }
}
