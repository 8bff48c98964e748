package io.wmrt.bench;

import io.wmrt.bench.reference.RecordedScenes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ExplainRecording} on a run of the committed decision corpus, and on the same scenes laid out as the rig's
 * {@code --record} writes them (meta.json instead of corpus.json): every candidate listed once, the one chosen
 * first and marked, the same choice as the step's summary line, and the same explanation from both layouts.
 */
class ExplainRecordingTest
{
    private static final Path RUN =
        RecordedScenes.corpus(BenchEnvironment.repositoryRoot()).resolve("narrow-street-seed11");
    private static final Pattern CHOSE = Pattern.compile("^step 20 .* chose (\\d+) \\(", Pattern.MULTILINE);
    private static final Pattern ROW =
        Pattern.compile("^([ *])\\s*(\\d+) (\\S+)\\s+(-?[\\d.]+|NaN)", Pattern.MULTILINE);

    @Test
    void shouldListEveryCandidateWithTheChosenOneFirstAndMarked() throws Exception
    {
        final String out = explain(RUN.toString(), "20", "--from", "16");
        final Matcher chose = CHOSE.matcher(out);
        assertTrue(chose.find(), out);
        final Matcher row = ROW.matcher(out.substring(0, out.indexOf("road users in the scene")));
        int rows = 0;
        int marked = 0;
        String first = null;
        double previous = Double.NEGATIVE_INFINITY;
        while (row.find())
        {
            rows++;
            if (null == first)
            {
                first = row.group(2);
            }
            if ("*".equals(row.group(1)))
            {
                marked++;
                assertEquals(chose.group(1), row.group(2), "the marked candidate is the one chosen");
            }
            final double total = Double.parseDouble(row.group(4));
            assertTrue(total >= previous, "cheapest first: " + total + " after " + previous);
            previous = total;
        }
        assertEquals(64, rows, out);
        assertEquals(1, marked, out);
        assertEquals(chose.group(1), first, "the chosen candidate is the cheapest");
        assertEquals(5, out.lines().filter(l -> l.startsWith("step ")).count(), "steps 16 to 20 played");
    }

    @Test
    void shouldReadTheRigsRecordingLayoutAsTheCorpusLayout(@TempDir final Path tmp) throws Exception
    {
        final Path recorded = Files.createDirectory(tmp.resolve("narrow-street-seed11"));
        for (final String file : List.of("timestamp_ns", "ego", "agents", "agent_valid", "route", "route_count",
            "lights", "light_count"))
        {
            Files.copy(RUN.resolve(file + ".npy"), recorded.resolve(file + ".npy"));
        }
        final String corpus = Files.readString(RUN.resolve("corpus.json"));
        final String columns = corpus.substring(corpus.indexOf("\"columns\"") + "\"columns\"".length());
        // meta.json names each file's columns under files.<name>.npy.columns, as hil/DATASET.md has it.
        final StringBuilder meta = new StringBuilder("{\"format_version\": 1, \"files\": {");
        final Matcher file = Pattern.compile("\"(\\w+)\":\\s*(\\[[^\\]]*\\])").matcher(columns);
        boolean firstFile = true;
        while (file.find())
        {
            meta.append(firstFile ? "" : ", ").append('"').append(file.group(1)).append(".npy\": {\"columns\": ")
                .append(file.group(2)).append('}');
            firstFile = false;
        }
        Files.writeString(recorded.resolve("meta.json"), meta.append("}}").toString());

        final String fromCorpus = explain(RUN.toString(), "20", "--from", "18");
        final String fromRecording = explain(recorded.toString(), "20", "--from", "18");
        assertEquals(fromCorpus, fromRecording);
    }

    @Test
    void shouldRefuseADirectoryWithoutItsDescriptionNamingIt(@TempDir final Path tmp)
    {
        final IOException refused = assertThrows(IOException.class, () -> explain(tmp.toString(), "0"));
        assertTrue(refused.getMessage().contains(tmp.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("meta.json"), refused.getMessage());
    }

    @Test
    void shouldRefuseAStepBeyondTheRecordingNamingIt()
    {
        final IllegalArgumentException refused =
            assertThrows(IllegalArgumentException.class, () -> explain(RUN.toString(), "100000"));
        assertTrue(refused.getMessage().contains("STEP 100000"), refused.getMessage());
        assertTrue(refused.getMessage().contains(RUN.toString()), refused.getMessage());
        final IllegalArgumentException notANumber =
            assertThrows(IllegalArgumentException.class, () -> explain(RUN.toString(), "ten"));
        assertTrue(notANumber.getMessage().contains("not a step number"), notANumber.getMessage());
    }

    private static String explain(final String... args) throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            ExplainRecording.run(args, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
