package io.wmrt.boardcheck;

import io.wmrt.config.AtomicFiles;
import io.wmrt.config.JsonWriter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code wmrt board-check} found: the machine, every backend with its availability, and per package which
 * backend each graph dispatches to and how each backend that could run it did against the golden output.
 * Printed as text, and written as JSON:
 * <pre>
 * {"passed": bool, "profile": {"file", "soc", "soc_seen"}, "runs": N, "warmup_runs": W,
 *  "machine": {"os", "arch", "cpu", "cores", "soc", "jvm", "onnx_runtime"},
 *  "backends": [{"id", "available", "reason", "built"}],
 *  "packages": [{"name", "version", "precision", "dir", "passed", "problem"?,
 *                "dispatch": [{"role", "primary", "usable": [...], "skipped": [...]}],
 *                "graphs": [{"role", "backend", "primary", "golden_ok", "max_abs_err", "p50_us", "p99_us",
 *                            "error"?}]}]}
 * </pre>
 * One entry in {@code graphs} per (role, backend) tried; {@code max_abs_err} and the latencies are null where
 * the graph did not run.
 *
 * @param profileFile hardware profile the backends were built for.
 * @param profileSoc  the SoC the profile is for.
 * @param runs        timed runs per graph and backend.
 * @param warmUpRuns  untimed runs before them.
 * @param machine     what the machine says about itself.
 * @param backends    every backend the profile names or the runtime built for it.
 * @param packages    one result per package checked.
 * <p>
 * Immutable: safe from any thread.
 */
public record BoardReport(
    Path profileFile,
    String profileSoc,
    int runs,
    int warmUpRuns,
    Machine machine,
    List<BackendStatus> backends,
    List<PackageResult> packages)
{
    private static final int MICROSECONDS_DECIMALS = 1;
    private static final int ERROR_DECIMALS = 9;

    /**
     * @param id        backend id, as profiles name it.
     * @param built     false when the profile names a backend this runtime does not have.
     * @param available true when graphs can be prepared on it here.
     * @param reason    why not, or what was found.
     * @param events    what preparing graphs on it did, one line each (ort-qnn: the context cache compiled,
     *                  loaded, regenerated or rebuilt).
     */
    public record BackendStatus(String id, boolean built, boolean available, String reason, List<String> events)
    {
    }

    /**
     * The dispatcher's choice for one graph.
     *
     * @param role    graph role.
     * @param usable  backends that can run it, in fallback order; the first is the primary.
     * @param skipped why each other backend of the profile's order was passed over.
     */
    public record Dispatch(String role, List<String> usable, List<String> skipped)
    {
        public String primary()
        {
            return usable.isEmpty() ? null : usable.get(0);
        }
    }

    /**
     * One graph on one backend.
     *
     * @param role        graph role.
     * @param backend     backend id.
     * @param primary     true when the dispatcher runs this graph on this backend.
     * @param goldenOk    true when the graph's outputs match golden.json within its tolerance.
     * @param maxAbsError largest |got - expected| over the recorded values; NaN when the graph did not run.
     * @param p50Us       median execution time, microseconds; NaN when not timed.
     * @param p99Us       99th percentile execution time, microseconds; NaN when not timed.
     * @param error       what went wrong (a difference from golden.json, a failure to prepare or run), or null.
     */
    public record GraphResult(
        String role,
        String backend,
        boolean primary,
        boolean goldenOk,
        double maxAbsError,
        double p50Us,
        double p99Us,
        String error)
    {
        public boolean passed()
        {
            return goldenOk && null == error;
        }
    }

    /**
     * @param name      package name.
     * @param version   package version.
     * @param precision fp32 or int8-qdq.
     * @param dir       package directory.
     * @param problem   what keeps the package's golden output from being checked (no golden.json, recorded for
     *                  other graphs), or null.
     * @param dispatch  the dispatcher's choice per graph, in run order.
     * @param graphs    every (role, backend) pair tried.
     */
    public record PackageResult(
        String name,
        String version,
        String precision,
        Path dir,
        String problem,
        List<Dispatch> dispatch,
        List<GraphResult> graphs)
    {
        public boolean passed()
        {
            if (null != problem || graphs.isEmpty())
            {
                return false;
            }
            for (final GraphResult graph : graphs)
            {
                if (!graph.passed())
                {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * @return true when every backend tried gives every package's golden outputs.
     */
    public boolean passed()
    {
        for (final PackageResult pkg : packages)
        {
            if (!pkg.passed())
            {
                return false;
            }
        }
        return true;
    }

    public void print(final PrintStream out)
    {
        out.printf("wmrt board-check: profile %s (%s); latency over %d runs per graph after %d warm-up runs%n",
            profileSoc, shown(profileFile), runs, warmUpRuns);

        out.printf("%nmachine%n");
        out.printf("  os    %s, %s%n", machine.os(), machine.arch());
        out.printf("  cpu   %s, %d cores%n", machine.cpuModel(), machine.cores());
        out.printf("  soc   %s%n", null != machine.soc() ? machine.soc() + (machine.socMatches(profileSoc) ? "" :
            "; the profile is for " + profileSoc + ": is this the right profile?") :
            "not named by the kernel (no device tree, no /sys/devices/soc0); the profile is for " + profileSoc);
        out.printf("  jvm   %s%n", machine.jvm());
        out.printf("  onnx  %s%n", machine.onnxRuntime());

        out.printf("%nbackends%n");
        int width = 0;
        for (final BackendStatus backend : backends)
        {
            width = Math.max(width, backend.id().length());
        }
        for (final BackendStatus backend : backends)
        {
            out.printf("  %-" + width + "s  %-9s  %s%n", backend.id(), backend.available() ? "available" : "absent",
                backend.reason());
            for (final String event : backend.events())
            {
                out.printf("  %-" + width + "s  %-9s  %s%n", "", "", event);
            }
        }

        for (final PackageResult pkg : packages)
        {
            printPackage(out, pkg);
        }

        int graphs = 0;
        for (final PackageResult pkg : packages)
        {
            graphs += pkg.graphs().size();
        }
        out.printf("%nboard-check %s: %d package(s), %d (graph, backend) pairs%s%n",
            passed() ? "PASSED" : "FAILED", packages.size(), graphs,
            passed() ? "; every backend tried gives the golden outputs" : "; see FAIL above");
    }

    private void printPackage(final PrintStream out, final PackageResult pkg)
    {
        out.printf("%npackage %s %s (%s, %s)%s%n", pkg.name(), pkg.version(), pkg.precision(), shown(pkg.dir()),
            pkg.passed() ? "" : "  FAIL");
        if (null != pkg.problem())
        {
            out.printf("  problem: %s%n", pkg.problem());
        }
        out.printf("  %-8s %-12s %-7s %12s %10s %10s%n", "graph", "backend", "golden", "max |err|", "p50 us", "p99 us");
        for (final GraphResult g : pkg.graphs())
        {
            out.printf(Locale.ROOT, "  %-8s %-12s %-7s %12s %10s %10s%n", g.role(),
                g.backend() + (g.primary() ? " *" : ""), g.goldenOk() ? "ok" : "FAIL", error(g.maxAbsError()),
                number("%.1f", g.p50Us()), number("%.1f", g.p99Us()));
        }
        for (final GraphResult g : pkg.graphs())
        {
            if (null != g.error())
            {
                out.printf("  %s on %s: %s%n", g.role(), g.backend(), g.error());
            }
        }
        // Roles the dispatcher treats alike are printed once; a backend passed over for being absent is
        // named only, its reason is in the backends list above.
        final Map<String, List<String>> rolesByChoice = new LinkedHashMap<>();
        for (final Dispatch d : pkg.dispatch())
        {
            final List<String> skipped = new ArrayList<>();
            for (final String reason : d.skipped())
            {
                skipped.add(absentBackend(reason) ? reason.substring(0, reason.indexOf(':')) + " (absent)" : reason);
            }
            final String choice = (d.usable().isEmpty() ? "no backend" : String.join(" -> ", d.usable())) +
                (skipped.isEmpty() ? "" : "; passed over " + String.join(", ", skipped));
            rolesByChoice.computeIfAbsent(choice, k -> new ArrayList<>()).add(d.role());
        }
        rolesByChoice.forEach((choice, roles) ->
            out.printf("  * dispatch of %s: %s%n", String.join(", ", roles), choice));
    }

    /**
     * @return true when a dispatcher's skip reason ("id: why") is an absent backend's.
     */
    private boolean absentBackend(final String skipReason)
    {
        for (final BackendStatus backend : backends)
        {
            if (!backend.available() && skipReason.startsWith(backend.id() + ": "))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * A path under the working directory relative to it, as the user would type it; any other as it is.
     */
    private static Path shown(final Path path)
    {
        final Path here = Path.of("").toAbsolutePath();
        return path.isAbsolute() && path.startsWith(here) ? here.relativize(path) : path;
    }

    private static String error(final double value)
    {
        return 0 == value ? "0" : number("%.2e", value);
    }

    private static String number(final String format, final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value);
    }

    public String toJson()
    {
        final JsonWriter json = new JsonWriter().beginObject(null);
        json.field("passed", passed())
            .beginObject("profile")
            .field("file", profileFile.toString())
            .field("soc", profileSoc)
            .field("soc_seen", machine.socMatches(profileSoc))
            .endObject()
            .field("runs", runs)
            .field("warmup_runs", warmUpRuns);

        json.beginObject("machine")
            .field("os", machine.os())
            .field("arch", machine.arch())
            .field("cpu", machine.cpuModel())
            .field("cores", machine.cores());
        if (null != machine.soc())
        {
            json.field("soc", machine.soc());
        }
        json.field("jvm", machine.jvm())
            .field("onnx_runtime", machine.onnxRuntime())
            .endObject();

        json.beginArray("backends");
        for (final BackendStatus backend : backends)
        {
            json.beginObject(null)
                .field("id", backend.id())
                .field("available", backend.available())
                .field("reason", backend.reason())
                .field("built", backend.built())
                .beginArray("events");
            for (final String event : backend.events())
            {
                json.value(event);
            }
            json.endArray()
                .endObject();
        }
        json.endArray();

        json.beginArray("packages");
        for (final PackageResult pkg : packages)
        {
            packageJson(json, pkg);
        }
        json.endArray();
        return json.endObject().text();
    }

    /**
     * Write {@link #toJson()} to the file, replacing it atomically.
     */
    public void writeJson(final Path file) throws IOException
    {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8), false);
    }

    private static void packageJson(final JsonWriter json, final PackageResult pkg)
    {
        json.beginObject(null)
            .field("name", pkg.name())
            .field("version", pkg.version())
            .field("precision", pkg.precision())
            .field("dir", pkg.dir().toString())
            .field("passed", pkg.passed());
        if (null != pkg.problem())
        {
            json.field("problem", pkg.problem());
        }
        json.beginArray("dispatch");
        for (final Dispatch d : pkg.dispatch())
        {
            json.beginObject(null).field("role", d.role());
            if (null != d.primary())
            {
                json.field("primary", d.primary());
            }
            json.beginArray("usable");
            d.usable().forEach(json::value);
            json.endArray().beginArray("skipped");
            d.skipped().forEach(json::value);
            json.endArray().endObject();
        }
        json.endArray();

        json.beginArray("graphs");
        for (final GraphResult g : pkg.graphs())
        {
            json.beginObject(null)
                .field("role", g.role())
                .field("backend", g.backend())
                .field("primary", g.primary())
                .field("golden_ok", g.goldenOk())
                .field("max_abs_err", g.maxAbsError(), ERROR_DECIMALS)
                .field("p50_us", g.p50Us(), MICROSECONDS_DECIMALS)
                .field("p99_us", g.p99Us(), MICROSECONDS_DECIMALS);
            if (null != g.error())
            {
                json.field("error", g.error());
            }
            json.endObject();
        }
        json.endArray().endObject();
    }
}
