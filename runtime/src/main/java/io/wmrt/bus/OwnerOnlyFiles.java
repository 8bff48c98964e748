package io.wmrt.bus;

import com.sun.security.auth.module.UnixSystem;
import org.agrona.IoUtil;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The instance directory and its files are private to the user who runs wmrt: the directory {@code 0700}, its
 * files {@code 0600}, set explicitly whatever the umask. What already exists is refused rather than reused when
 * it is a symbolic link, belongs to another user or is open wider than that, because any of these lets someone
 * else read the scenes or write plans a controller would follow. Links are never followed.
 * <p>
 * The same rules guard other private directories of the runtime (the QNN context cache), through
 * {@link #createOrCheckDirectory(Path, String, String)}, whose messages name that directory's role and its
 * setting.
 * <p>
 * Stateless: safe from any thread.
 */
public final class OwnerOnlyFiles
{
    static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<OpenOption> CREATE_NEW_FILE = Set.of(
        StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

    private OwnerOnlyFiles()
    {
    }

    private static final String INSTANCE_DIRECTORY = "an instance directory";
    private static final String INSTANCE_SETTING = "--dir";

    /**
     * Create the instance directory {@code 0700} (its parents as the umask makes them), or check the existing
     * one.
     */
    static void createOrCheckDirectory(final Path dir) throws IOException
    {
        createOrCheckDirectory(dir, INSTANCE_DIRECTORY, INSTANCE_SETTING);
    }

    /**
     * Create a private directory {@code 0700} (its parents as the umask makes them), or check the existing one:
     * refused when it is a link, another user's, not a directory or open to others.
     *
     * @param what    the directory's role, for messages: "a QNN context cache directory".
     * @param setting where the user chooses another path, for messages: "npu.context_cache_dir".
     */
    public static void createOrCheckDirectory(final Path dir, final String what, final String setting)
        throws IOException
    {
        final Path parent = dir.toAbsolutePath().getParent();
        if (null != parent)
        {
            Files.createDirectories(parent);
        }
        try
        {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        }
        catch (final FileAlreadyExistsException ex)
        {
            refuseUnsafe(dir, true, what, setting);
        }
        Files.setPosixFilePermissions(dir, DIRECTORY_MODE);
    }

    /**
     * Refuse what exists at the path when it is a link, another user's, of the wrong kind or open wider than
     * the instance's modes. Nothing at the path is fine.
     */
    static void refuseUnsafe(final Path path, final boolean directory) throws IOException
    {
        refuseUnsafe(path, directory, directory ? INSTANCE_DIRECTORY : "a file of the instance", INSTANCE_SETTING);
    }

    private static void refuseUnsafe(final Path path, final boolean directory, final String what, final String setting)
        throws IOException
    {
        final PosixFileAttributes attributes;
        try
        {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        catch (final NoSuchFileException ex)
        {
            return;
        }
        if (attributes.isSymbolicLink())
        {
            throw new InstanceRefusedException(path, "is a symbolic link (to " + Files.readSymbolicLink(path) +
                "); wmrt does not follow links for " + what + ": " + (directory ?
                "give " + setting + " the real path" : "remove the link and start the runtime again"));
        }
        if (directory ? !attributes.isDirectory() : !attributes.isRegularFile())
        {
            throw new InstanceRefusedException(path, "exists and is not a " +
                (directory ? "directory" : "regular file") + "; remove it or choose another " + setting);
        }
        final int owner = (Integer)Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        final long me = currentUid();
        if (owner != me)
        {
            throw new InstanceRefusedException(path, "is owned by uid " + owner + " (" +
                attributes.owner().getName() + "), not by this user (uid " + me + "); " + what +
                " must be the runtime user's own: choose another " + setting);
        }
        final Set<PosixFilePermission> allowed = directory ? DIRECTORY_MODE : FILE_MODE;
        final Set<PosixFilePermission> wider = EnumSet.noneOf(PosixFilePermission.class);
        wider.addAll(attributes.permissions());
        wider.removeAll(allowed);
        if (!wider.isEmpty())
        {
            throw new InstanceRefusedException(path, "has mode " + octal(attributes.permissions()) + " (" +
                PosixFilePermissions.toString(attributes.permissions()) + "); " + what + " must be " +
                octal(allowed) + ", private to its user: " + (directory ?
                "'chmod 700 " + path + "' if you trust what is in it, or remove it and let wmrt create it" :
                "remove the instance directory and let wmrt create it again"));
        }
    }

    /**
     * Create a new file {@code 0600} of the given length, zero-filled, and map it. Fails if anything exists at
     * the path: the caller removes the previous run's file first.
     */
    static MappedByteBuffer createAndMap(final Path file, final int length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, CREATE_NEW_FILE, ownerOnlyFile()))
        {
            Files.setPosixFilePermissions(file, FILE_MODE);
            IoUtil.fill(channel, 0, length, (byte)0);
            return channel.map(FileChannel.MapMode.READ_WRITE, 0, length);
        }
    }

    static FileAttribute<Set<PosixFilePermission>> ownerOnlyFile()
    {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }

    public static long currentUid()
    {
        return new UnixSystem().getUid();
    }

    static String octal(final Set<PosixFilePermission> permissions)
    {
        int mode = 0;
        for (final PosixFilePermission permission : permissions)
        {
            mode |= 1 << (8 - permission.ordinal());
        }
        return String.format("%04o", mode);
    }
}
