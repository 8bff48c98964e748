package io.wmrt.dispatch;

import io.wmrt.backend.Availability;
import io.wmrt.backend.Backend;
import io.wmrt.backend.BackendException;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.profile.HardwareProfile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides, per graph role, which backend runs it: the profile's order of preference, filtered by what this
 * machine has and what the model's precision allows. Every backend passed over is explained once.
 * <p>
 * Not thread safe: used at start-up.
 */
public final class Dispatcher
{
    private final HardwareProfile profile;
    private final Map<String, Backend> backends;

    /**
     * One graph's dispatch: the usable backends in fallback order, and why others were passed over.
     *
     * @param role    graph role.
     * @param usable  backend ids that can run the graph, first is primary.
     * @param skipped human-readable reasons, one per backend passed over.
     */
    public record Decision(String role, List<String> usable, List<String> skipped)
    {
        public String primary()
        {
            return usable.isEmpty() ? null : usable.get(0);
        }
    }

    public Dispatcher(final HardwareProfile profile, final List<Backend> available)
    {
        this.profile = profile;
        final Map<String, Backend> byId = new LinkedHashMap<>();
        for (final Backend backend : available)
        {
            byId.put(backend.id(), backend);
        }
        this.backends = Collections.unmodifiableMap(byId);
    }

    public Decision decide(final GraphSpec graph, final ModelPackage model)
    {
        final List<String> usable = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        for (final String id : profile.dispatchOrder(graph.role()))
        {
            final Backend backend = backends.get(id);
            if (null == backend)
            {
                skipped.add(id + ": not built into this runtime");
                continue;
            }
            final Availability availability = backend.availability();
            if (!availability.available())
            {
                skipped.add(id + ": " + availability.reason());
                continue;
            }
            if (!takesPrecision(backend, model))
            {
                skipped.add(id + ": the HTP runs int8 QDQ graphs only and model '" + model.name() + "' is " +
                    model.precision());
                continue;
            }
            final String cannot = backend.cannotRun(graph);
            if (null != cannot)
            {
                skipped.add(id + ": " + cannot);
                continue;
            }
            usable.add(id);
        }
        return new Decision(graph.role(), List.copyOf(usable), List.copyOf(skipped));
    }

    /**
     * @return true when the backend runs graphs of the model's precision: an int8-only backend (the HTP) takes
     * int8 QDQ models only, any other takes every model.
     */
    public static boolean takesPrecision(final Backend backend, final ModelPackage model)
    {
        return !backend.requiresQuantized() || model.precision() == ModelPackage.Precision.INT8_QDQ;
    }

    /**
     * Prepare a graph on every usable backend of its decision, so that falling back inside a tick costs no
     * preparation. A backend that fails to prepare is dropped with its reason.
     *
     * @throws BackendException when no backend can run the graph.
     */
    public GraphRunner prepare(final Decision decision, final GraphSpec graph, final TensorArena arena)
        throws BackendException
    {
        final List<PreparedGraph> prepared = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        for (final String id : decision.usable())
        {
            try
            {
                prepared.add(backends.get(id).prepare(graph, arena));
            }
            catch (final BackendException ex)
            {
                failures.add(ex.getMessage());
            }
        }
        if (prepared.isEmpty())
        {
            throw new BackendException("dispatch", graph.role(), "no backend can run " + graph.file() + "; " +
                "passed over: " + decision.skipped() + "; failed: " + failures, null);
        }
        return new GraphRunner(graph.role(), prepared.toArray(new PreparedGraph[0]), failures);
    }
}
