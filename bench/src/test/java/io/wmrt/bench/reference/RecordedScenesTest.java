package io.wmrt.bench.reference;

import io.wmrt.bench.BenchEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A damaged corpus run is refused with the file named, never read past its data. */
class RecordedScenesTest
{
    @Test
    void shouldRefuseATruncatedOrMismatchedFileNamingIt(@TempDir final Path tmp) throws IOException
    {
        final List<Path> runs = RecordedScenes.runs(RecordedScenes.corpus(BenchEnvironment.repositoryRoot()));
        final Path source = runs.get(0);

        final Path truncated = copy(source, tmp.resolve("truncated"));
        final byte[] agents = Files.readAllBytes(truncated.resolve("agents.npy"));
        Files.write(truncated.resolve("agents.npy"), java.util.Arrays.copyOf(agents, agents.length - 7));
        final IOException cut = assertThrows(IOException.class, () -> RecordedScenes.read(truncated));
        assertTrue(cut.getMessage().contains("agents.npy"), cut.getMessage());

        final Path swapped = copy(source, tmp.resolve("swapped"));
        Files.copy(source.resolve("ego.npy"), swapped.resolve("route.npy"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        final IOException shape = assertThrows(IOException.class, () -> RecordedScenes.read(swapped));
        assertTrue(shape.getMessage().contains("route.npy"), shape.getMessage());

        final Path garbage = copy(source, tmp.resolve("garbage"));
        Files.write(garbage.resolve("lights.npy"), new byte[] {1, 2, 3});
        final IOException junk = assertThrows(IOException.class, () -> RecordedScenes.read(garbage));
        assertTrue(junk.getMessage().contains("lights.npy"), junk.getMessage());
    }

    private static Path copy(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        try (var files = Files.list(from))
        {
            for (final Path f : files.toList())
            {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }
}
