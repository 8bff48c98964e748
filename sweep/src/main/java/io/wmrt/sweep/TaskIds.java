package io.wmrt.sweep;

import io.wmrt.hil.rig.HilRig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Content-derived task ids: SHA-256 over the scenario directory's digest, the seed, the model package's digest,
 * the profile's digest, the rig's version ({@link HilRig#VERSION}), and the run's settings that change its result
 * (perturbation, recording, timing mode). The same task has the same id on any machine and in any sweep; a
 * changed model, scenario or profile file is a new task. Ids are the first 128 bits, in hex.
 * <p>
 * A directory's digest covers every regular file under it, by relative path (with '/' separators), length and
 * bytes, in path order; file times and permissions do not count.
 * <p>
 * Stateless: safe from any thread.
 */
public final class TaskIds
{
    /** Changes when the id's recipe changes. */
    static final String RECIPE = "wmrt-sweep-task/1";
    private static final int ID_BYTES = 16;

    private TaskIds()
    {
    }

    /**
     * The id of one run. Digests are passed in (a matrix computes each directory's once).
     */
    public static String taskId(final String scenarioDigest, final long seed, final String modelDigest,
        final String profileDigest, final double perturb, final boolean record, final String timing)
    {
        final String recipe = RECIPE + "\n" +
            "scenario " + scenarioDigest + "\n" +
            "seed " + seed + "\n" +
            "model " + modelDigest + "\n" +
            "profile " + profileDigest + "\n" +
            "rig " + HilRig.VERSION + "\n" +
            "perturb " + String.format(Locale.ROOT, "%.6f", perturb) + "\n" +
            "record " + record + "\n" +
            "timing " + timing + "\n";
        final byte[] digest = sha256().digest(recipe.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, ID_BYTES);
    }

    /** The rig's reference-driver cache inside a scenario directory, left out of its digest. */
    static final String REFERENCE_CACHE = "reference";

    /**
     * SHA-256 of a directory's files (but a scenario's {@value #REFERENCE_CACHE}/ cache), in hex; symbolic links are
     * followed, so a linked scenario is the same task as its target.
     */
    public static String directoryDigest(final Path directory) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(directory, java.nio.file.FileVisitOption.FOLLOW_LINKS))
        {
            // A scenario's reference/ holds the rig's cache of the reference driver, derived from the other files.
            walk.filter(Files::isRegularFile)
                .filter(file -> !directory.relativize(file).startsWith(REFERENCE_CACHE))
                .forEach(files::add);
        }
        final List<String> names = new ArrayList<>();
        for (final Path file : files)
        {
            names.add(directory.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
        }
        names.sort(String::compareTo);
        final MessageDigest digest = sha256();
        final byte[] buffer = new byte[64 * 1024];
        for (final String name : names)
        {
            final Path file = directory.resolve(name);
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte)0);
            digest.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.US_ASCII));
            digest.update((byte)0);
            try (InputStream in = Files.newInputStream(file))
            {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
                {
                    digest.update(buffer, 0, n);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of one file's bytes, in hex. */
    public static String fileDigest(final Path file) throws IOException
    {
        return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
    }

    private static MessageDigest sha256()
    {
        try
        {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new UncheckedIOException(new IOException("this JVM has no SHA-256", ex));
        }
    }
}
