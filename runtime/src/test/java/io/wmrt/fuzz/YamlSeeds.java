package io.wmrt.fuzz;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Seeds for the YAML fuzz tests: committed files as they are, and near misses made by one textual edit of a
 * committed file, each named for what it gets wrong. A seed is the target's prefix bytes, then the text.
 * <p>
 * Stateless; safe from any thread.
 */
final class YamlSeeds
{
    private static final byte[] NO_PREFIX = new byte[0];

    /**
     * Replace the first {@code from} with {@code to}.
     */
    record Edit(String name, String from, String to)
    {
    }

    private YamlSeeds()
    {
    }

    static Arguments seed(final String name, final byte[] input)
    {
        return Arguments.of(Named.of(name, input));
    }

    static Arguments seed(final String name, final byte[] prefix, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final byte[] input = new byte[prefix.length + bytes.length];
        System.arraycopy(prefix, 0, input, 0, prefix.length);
        System.arraycopy(bytes, 0, input, prefix.length, bytes.length);
        return seed(name, input);
    }

    /**
     * Each file under {@code dir}, seeded as it is and named by its path there.
     */
    static Stream<Arguments> files(final Path dir, final String... names)
    {
        return Stream.of(names).map(name -> seed(name, NO_PREFIX, read(dir.resolve(name))));
    }

    static Stream<Arguments> edits(final String base, final List<Edit> edits)
    {
        return edits(NO_PREFIX, base, edits);
    }

    /**
     * {@code base} with each edit applied on its own; an edit whose text is not in {@code base} is a broken seed.
     */
    static Stream<Arguments> edits(final byte[] prefix, final String base, final List<Edit> edits)
    {
        return edits.stream().map(edit ->
        {
            final int at = base.indexOf(edit.from());
            if (at < 0)
            {
                throw new IllegalStateException("seed '" + edit.name() + "': '" + edit.from() + "' is not in the file");
            }
            return seed(edit.name(), prefix, base.substring(0, at) + edit.to() + base.substring(at + edit.from().length()));
        });
    }

    static String read(final Path file)
    {
        try
        {
            return Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
