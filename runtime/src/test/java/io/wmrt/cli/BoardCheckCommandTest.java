package io.wmrt.cli;

import io.wmrt.TestRepo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wmrt board-check} on this machine: the committed packages pass on every CPU backend under the host
 * and the SA8650P profile, the NPU backends are reported absent with their reasons, a package whose golden
 * value was moved fails on exactly the graph that writes it, and a model path that does not exist is refused
 * by name.
 */
class BoardCheckCommandTest
{
    /** Few timed runs: the test checks what is reported, not how fast. */
    private static final String RUNS = "3";
    private static final List<String> CPU_BACKENDS = List.of("ort-native", "ort-cpu");

    @TempDir
    Path tmp;

    private String out;
    private String err;

    @Test
    void shouldPassEveryCommittedPackageOnEveryCpuBackendUnderTheHostProfile() throws IOException
    {
        final Map<String, Object> json = boardCheck("host");

        assertEquals(true, json.get("passed"), out);
        assertEquals(Set.of("ort-native", "ort-cpu"), ids(json));
        assertCpuBackendsPassEveryCommittedPackage(json);
    }

    @Test
    void shouldSaySa8650pNpuBackendsAreAbsentHereAndPassEveryCpuBackend() throws IOException
    {
        final Map<String, Object> json = boardCheck("sa8650p");

        assertEquals(true, json.get("passed"), out);
        assertTrue(ids(json).containsAll(List.of("qnn", "ort-qnn", "ort-native", "ort-cpu")), out);
        for (final Map<String, Object> backend : list(json, "backends"))
        {
            assertFalse(((String)backend.get("reason")).isBlank(), backend.toString());
            if (List.of("qnn", "ort-qnn").contains(backend.get("id")) && !(Boolean)backend.get("available"))
            {
                assertTrue(out.contains("  " + backend.get("id")) && out.contains((String)backend.get("reason")),
                    "one line per backend with its reason: " + out);
                for (final Map<String, Object> pkg : list(json, "packages"))
                {
                    for (final Map<String, Object> graph : list(pkg, "graphs"))
                    {
                        assertFalse(backend.get("id").equals(graph.get("backend")), "absent, yet tried: " + graph);
                    }
                    for (final Map<String, Object> dispatch : list(pkg, "dispatch"))
                    {
                        assertTrue(strings(dispatch, "skipped").stream()
                            .anyMatch(skip -> skip.startsWith(backend.get("id") + ": ")), dispatch.toString());
                    }
                }
            }
        }
        assertCpuBackendsPassEveryCommittedPackage(json);
    }

    @Test
    void shouldFailTheGraphWhoseGoldenValueWasMovedBeyondTolerance() throws IOException
    {
        final Path copy = TestRepo.copyModel("cv-baseline", tmp);
        final Path golden = copy.resolve("golden.json");
        Files.writeString(golden, moveFirstValue(Files.readString(golden), "agent_future", 1.0));
        final Path report = tmp.resolve("report/board.json");

        final int exit = wmrt("board-check", "--profile", TestRepo.profile("host").toString(),
            "--model", copy.toString(), "--runs", RUNS, "--json", report.toString());

        assertEquals(WmrtCommand.EXIT_FAILED, exit, out + err);
        final Map<String, Object> json = new Yaml().load(Files.readString(report));
        assertEquals(false, json.get("passed"));
        final Map<String, Object> pkg = list(json, "packages").get(0);
        assertEquals(false, pkg.get("passed"));
        for (final Map<String, Object> graph : list(pkg, "graphs"))
        {
            final boolean rollout = "rollout".equals(graph.get("role"));
            assertEquals(!rollout, graph.get("golden_ok"), graph.toString());
            if (rollout)
            {
                assertTrue(((Number)graph.get("max_abs_err")).doubleValue() >= 0.99, graph.toString());
                assertTrue(((String)graph.get("error")).contains("output 'agent_future' of rollout"), graph.toString());
            }
        }
        assertTrue(out.contains("FAIL") && out.contains("board-check FAILED"), out);
    }

    @Test
    void shouldRefuseAModelPathThatDoesNotExistNamingIt()
    {
        final Path nowhere = tmp.resolve("no-such-package");

        final int exit = wmrt("board-check", "--model", nowhere.toString(), "--runs", RUNS);

        assertEquals(WmrtCommand.EXIT_BAD_INPUT, exit, out + err);
        assertTrue(err.contains(nowhere.toString()) && err.contains("no such directory"), err);
    }

    @Test
    void shouldRefuseAProfileThatDoesNotExistNamingIt()
    {
        final Path nowhere = tmp.resolve("no-such-profile.yaml");

        assertEquals(WmrtCommand.EXIT_BAD_INPUT, wmrt("board-check", "--profile", nowhere.toString()), out + err);
        assertTrue(err.contains(nowhere.toString()), err);
    }

    // ---------------------------------------------------------------------------------------------------------

    private Map<String, Object> boardCheck(final String profile) throws IOException
    {
        final Path report = tmp.resolve(profile + ".json");
        final int exit = wmrt("board-check", "--profile", TestRepo.profile(profile).toString(), "--runs", RUNS,
            "--json", report.toString());
        assertEquals(0, exit, out + err);
        return new Yaml().load(Files.readString(report));
    }

    /**
     * Every package under models/ is reported; on each CPU backend each graph gives its golden output and is
     * timed, and each graph has exactly one primary: the backend the dispatcher chose.
     */
    private void assertCpuBackendsPassEveryCommittedPackage(final Map<String, Object> json) throws IOException
    {
        final List<String> names = new ArrayList<>();
        for (final Map<String, Object> pkg : list(json, "packages"))
        {
            names.add((String)pkg.get("name"));
            final Set<String> tried = new HashSet<>();
            for (final Map<String, Object> graph : list(pkg, "graphs"))
            {
                final String backend = (String)graph.get("backend");
                tried.add(graph.get("role") + "@" + backend);
                if (CPU_BACKENDS.contains(backend))
                {
                    assertEquals(true, graph.get("golden_ok"), pkg.get("name") + ": " + graph);
                    assertTrue(((Number)graph.get("p50_us")).doubleValue() > 0, graph.toString());
                    assertTrue(((Number)graph.get("p99_us")).doubleValue() >=
                        ((Number)graph.get("p50_us")).doubleValue(), graph.toString());
                    assertNotNull(graph.get("max_abs_err"), graph.toString());
                }
            }
            for (final Map<String, Object> dispatch : list(pkg, "dispatch"))
            {
                for (final String backend : CPU_BACKENDS)
                {
                    assertTrue(tried.contains(dispatch.get("role") + "@" + backend), pkg.get("name") + ": " + tried);
                }
                final List<Object> primaries = new ArrayList<>();
                for (final Map<String, Object> graph : list(pkg, "graphs"))
                {
                    if (graph.get("role").equals(dispatch.get("role")) && (Boolean)graph.get("primary"))
                    {
                        primaries.add(graph.get("backend"));
                    }
                }
                assertEquals(List.of(dispatch.get("primary")), primaries, pkg.get("name") + ": " + dispatch);
            }
        }
        assertEquals(committedPackages(), names);
    }

    private static List<String> committedPackages() throws IOException
    {
        try (var dirs = Files.list(TestRepo.root().resolve("models")))
        {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("manifest.yaml")))
                .map(dir -> dir.getFileName().toString()).sorted().toList();
        }
    }

    /**
     * The golden file with the first recorded value of one output moved by {@code by}.
     */
    private static String moveFirstValue(final String golden, final String output, final double by)
    {
        final int section = golden.indexOf("\"" + output + "\": {");
        final Matcher value = Pattern.compile("\"values\": \\[\\s*(-?[0-9.Ee+-]+)").matcher(golden);
        assertTrue(section >= 0 && value.find(section), "no values of '" + output + "' in golden.json");
        final double moved = Double.parseDouble(value.group(1)) + by;
        return golden.substring(0, value.start(1)) + String.format(Locale.ROOT, "%.6f", moved) +
            golden.substring(value.end(1));
    }

    private static Set<String> ids(final Map<String, Object> json)
    {
        final Set<String> ids = new HashSet<>();
        list(json, "backends").forEach(backend -> ids.add((String)backend.get("id")));
        return ids;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(final Map<String, Object> json, final String key)
    {
        return (List<Map<String, Object>>)json.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(final Map<String, Object> json, final String key)
    {
        return (List<String>)json.get(key);
    }

    private int wmrt(final String... args)
    {
        final WmrtInvocation run = WmrtInvocation.run(args);
        out = run.out();
        err = run.err();
        return run.exit();
    }
}
