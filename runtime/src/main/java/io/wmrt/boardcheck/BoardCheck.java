package io.wmrt.boardcheck;

import io.wmrt.backend.Backend;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.Backends;
import io.wmrt.backend.FaultPlan;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.config.ConfigException;
import io.wmrt.dispatch.Dispatcher;
import io.wmrt.golden.GoldenReference;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.profile.HardwareProfile;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The first check on a freshly flashed board: builds every backend the runtime has for a hardware profile,
 * says which are available and why the others are not, and runs each package's golden input through every
 * backend that is available and takes the package's precision (not only the one the dispatcher picks), holding
 * the outputs to {@code golden.json} and timing each graph.
 * <p>
 * A package's graphs run on one backend at a time, over one fresh arena, in the order {@link GoldenReference}
 * runs them: the encoder's latent feeds the rollout on the same backend, as {@code GoldenOutput.check} does on
 * the CPU.
 * <p>
 * Not thread safe: one check at a time.
 */
public final class BoardCheck
{
    /**
     * Timed runs per graph and backend: enough for a p99 that shows a backend's stalls, few enough that the
     * whole check of the committed packages stays well under a minute on a board's CPU (the largest rollout
     * takes about 14 ms on a 2-core x86 host). Pass more for a steadier p99; JMH (bench/) for figures to quote.
     */
    public static final int DEFAULT_RUNS = 200;
    /** Untimed runs before the timed ones, at least: class loading, JIT and the backend's first-run costs. */
    public static final int MIN_WARM_UP_RUNS = 10;

    private final HardwareProfile profile;
    private int runs = DEFAULT_RUNS;
    private FaultPlan faults = FaultPlan.NONE;

    public BoardCheck(final HardwareProfile profile)
    {
        this.profile = profile;
    }

    /**
     * @param runs timed runs per graph and backend, at least 1.
     */
    public BoardCheck runs(final int runs)
    {
        if (runs < 1)
        {
            throw new IllegalArgumentException("runs must be at least 1, not " + runs);
        }
        this.runs = runs;
        return this;
    }

    /**
     * @param faults faults to inject into the backends, so a test can show what a failing backend looks like;
     *               {@link FaultPlan#NONE} (the default) checks the board as it is.
     */
    public BoardCheck faults(final FaultPlan faults)
    {
        this.faults = faults;
        return this;
    }

    /**
     * A tenth of the timed runs, and no fewer than {@value #MIN_WARM_UP_RUNS}.
     */
    public int warmUpRuns()
    {
        return Math.max(MIN_WARM_UP_RUNS, runs / 10);
    }

    /**
     * Check every package on every backend built for the profile.
     */
    public BoardReport check(final List<ModelPackage> packages, final Machine machine)
    {
        final List<Backend> backends = Backends.forProfile(profile, faults);
        try
        {
            final Dispatcher dispatcher = new Dispatcher(profile, backends);
            final List<BoardReport.PackageResult> results = new ArrayList<>();
            for (final ModelPackage model : packages)
            {
                results.add(checkPackage(model, backends, dispatcher));
            }
            return new BoardReport(profile.file(), profile.soc(), runs, warmUpRuns(), machine, statuses(backends),
                List.copyOf(results));
        }
        finally
        {
            backends.forEach(Backend::close);
        }
    }

    /**
     * Any backend the profile's dispatch names that this runtime does not have, then every backend built.
     */
    private List<BoardReport.BackendStatus> statuses(final List<Backend> backends)
    {
        final List<BoardReport.BackendStatus> statuses = new ArrayList<>();
        final Set<String> built = new LinkedHashSet<>();
        for (final Backend backend : backends)
        {
            built.add(backend.id());
            statuses.add(new BoardReport.BackendStatus(backend.id(), true, backend.availability().available(),
                backend.availability().reason(), List.copyOf(backend.preparationEvents())));
        }
        final Set<String> named = new LinkedHashSet<>();
        profile.dispatch().values().forEach(named::addAll);
        named.removeAll(built);
        int at = 0;
        for (final String id : named)
        {
            // First, as the profile lists what it would rather have.
            statuses.add(at++, new BoardReport.BackendStatus(id, false, false,
                "not built into this runtime (the profile's dispatch names it)", List.of()));
        }
        return List.copyOf(statuses);
    }

    private BoardReport.PackageResult checkPackage(
        final ModelPackage model, final List<Backend> backends, final Dispatcher dispatcher)
    {
        final List<GraphSpec> order = GoldenReference.runOrder(model);
        final List<BoardReport.Dispatch> dispatch = new ArrayList<>();
        for (final GraphSpec graph : order)
        {
            final Dispatcher.Decision decision = dispatcher.decide(graph, model);
            dispatch.add(new BoardReport.Dispatch(graph.role(), decision.usable(), decision.skipped()));
        }

        GoldenReference golden = null;
        String problem = null;
        try
        {
            golden = GoldenReference.read(model);
            if (!golden.staleGraphs().isEmpty())
            {
                problem = golden.file() + ": recorded for other graphs: " + String.join("; ", golden.staleGraphs());
            }
        }
        catch (final ConfigException ex)
        {
            problem = ex.getMessage();
        }

        final List<BoardReport.GraphResult> graphs = new ArrayList<>();
        for (final Backend backend : backends)
        {
            // A backend that cannot take one of the package's graphs (qnn without a context binary for this SoC)
            // is not tried: the dispatch lines say why.
            if (backend.availability().available() && Dispatcher.takesPrecision(backend, model) &&
                takesEvery(backend, order))
            {
                graphs.addAll(runOn(backend, model, order, golden, dispatch));
            }
        }
        return new BoardReport.PackageResult(model.name(), model.version(), model.precision().toString(), model.dir(),
            problem, List.copyOf(dispatch), List.copyOf(graphs));
    }

    private static boolean takesEvery(final Backend backend, final List<GraphSpec> graphs)
    {
        for (final GraphSpec graph : graphs)
        {
            if (null != backend.cannotRun(graph))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Prepare every graph on the backend over a fresh arena holding the golden input, run them once in order and
     * compare, then time each graph alone.
     */
    private List<BoardReport.GraphResult> runOn(
        final Backend backend,
        final ModelPackage model,
        final List<GraphSpec> order,
        final GoldenReference golden,
        final List<BoardReport.Dispatch> dispatch)
    {
        final TensorArena arena = null != golden ? golden.arena() : GoldenReference.bind(model);
        final List<BoardReport.GraphResult> results = new ArrayList<>();
        final List<PreparedGraph> prepared = new ArrayList<>();
        try
        {
            String failure = null;
            for (final GraphSpec graph : order)
            {
                try
                {
                    prepared.add(backend.prepare(graph, arena));
                }
                catch (final BackendException | RuntimeException ex)
                {
                    failure = "cannot prepare " + graph.role() + ": " + ex.getMessage();
                    break;
                }
            }
            int ran = 0;
            while (ran < prepared.size())
            {
                try
                {
                    prepared.get(ran).execute();
                    ran++;
                }
                catch (final BackendException | RuntimeException ex)
                {
                    failure = order.get(ran).role() + " failed on the golden input: " + ex.getMessage();
                    break;
                }
            }
            // Graphs that ran are compared and timed; the one that failed, and those after it that read its
            // outputs, report the failure.
            for (int i = 0; i < order.size(); i++)
            {
                final String role = order.get(i).role();
                final boolean primary = backend.id().equals(dispatch.get(i).primary());
                results.add(i < ran ?
                    compareAndTime(prepared.get(i), role, backend.id(), primary, golden, arena) :
                    new BoardReport.GraphResult(role, backend.id(), primary, false, Double.NaN, Double.NaN,
                        Double.NaN, failure));
            }
        }
        finally
        {
            prepared.forEach(PreparedGraph::close);
        }
        return results;
    }

    /**
     * Compare what the golden run left in the arena, then time the graph.
     */
    private BoardReport.GraphResult compareAndTime(
        final PreparedGraph graph,
        final String role,
        final String backendId,
        final boolean primary,
        final GoldenReference golden,
        final TensorArena arena)
    {
        boolean goldenOk = false;
        double maxAbsError = Double.NaN;
        String error = null;
        if (null != golden)
        {
            final GoldenReference.Comparison comparison = golden.compare(arena, role);
            goldenOk = comparison.matches();
            maxAbsError = comparison.maxAbsError();
            error = goldenOk ? null : "differs from golden.json: " + String.join("; ", comparison.differences());
        }
        else
        {
            error = "no golden output to compare with (see the package's problem)";
        }

        final Histogram nanos = new Histogram(3);
        try
        {
            for (int i = 0, warmUp = warmUpRuns(); i < warmUp; i++)
            {
                graph.execute();
            }
            for (int i = 0; i < runs; i++)
            {
                final long start = System.nanoTime();
                graph.execute();
                nanos.recordValue(System.nanoTime() - start);
            }
        }
        catch (final BackendException | RuntimeException ex)
        {
            error = (null != error ? error + "; " : "") + "failed while timed: " + ex.getMessage();
            return new BoardReport.GraphResult(role, backendId, primary, goldenOk, maxAbsError, Double.NaN,
                Double.NaN, error);
        }
        return new BoardReport.GraphResult(role, backendId, primary, goldenOk, maxAbsError,
            nanos.getValueAtPercentile(50) / 1e3, nanos.getValueAtPercentile(99) / 1e3, error);
    }
}
