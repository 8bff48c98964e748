package io.wmrt.dispatch;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.PreparedGraph;

import java.util.List;

/**
 * Runs one graph role on its current backend and, if that backend fails at run time, on the next one in
 * fallback order within the same call. A backend fails when it throws, or when what it wrote does not pass
 * the caller's {@link OutputCheck} (NaN or Inf in an output is a failure, never a result). A backend that was
 * left behind is re-probed with exponential backoff and takes its place back the first time it answers
 * correctly. Switches both ways are counted through {@link #fallbacks()} and {@link #recoveries()}.
 * <p>
 * Nothing is allocated per call: the failures a backend reports are its own (preallocated on the paths that
 * must not allocate) and the output failure of each backend is made once, here.
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public final class GraphRunner implements AutoCloseable
{
    /** The first re-probe of a backend that failed, after this long; doubling up to {@link #MAX_PROBE_BACKOFF_NS}. */
    public static final long MIN_PROBE_BACKOFF_NS = 1_000_000_000L;
    public static final long MAX_PROBE_BACKOFF_NS = 30_000_000_000L;

    /**
     * Whether the outputs a backend just wrote may be used.
     */
    @FunctionalInterface
    public interface OutputCheck
    {
        OutputCheck NONE = () -> true;

        boolean outputsValid();
    }

    private final String role;
    private final PreparedGraph[] chain;
    private final BackendException[] invalidOutput;
    private final List<String> prepareFailures;
    private int current;
    private long fallbacks;
    private long recoveries;
    private long invalidOutputs;
    private long probeBackoffNs = MIN_PROBE_BACKOFF_NS;
    private long nextProbeNs;
    private BackendException lastFailure;

    GraphRunner(final String role, final PreparedGraph[] chain, final List<String> prepareFailures)
    {
        this.role = role;
        this.chain = chain;
        this.prepareFailures = List.copyOf(prepareFailures);
        invalidOutput = new BackendException[chain.length];
        for (int i = 0; i < chain.length; i++)
        {
            invalidOutput[i] = BackendException.preallocated(chain[i].backendId(), role,
                "an output holds NaN or Inf; the result is discarded and the backend treated as failed");
        }
    }

    public GraphRunner(final String role, final PreparedGraph... chain)
    {
        this(role, chain, List.of());
    }

    /**
     * Execute on the current backend, falling back down the chain on failure; first re-probe the primary
     * backend when one was left behind and its backoff has passed.
     *
     * @param nowNs the caller's clock reading for this tick, for the re-probe backoff.
     * @param check whether the outputs just written may be used.
     * @return true when a backend produced valid outputs; false when every backend failed
     * ({@link #lastFailure()} says why).
     */
    public boolean run(final long nowNs, final OutputCheck check)
    {
        if (current > 0 && nowNs - nextProbeNs >= 0)
        {
            if (attempt(0, check))
            {
                current = 0;
                recoveries++;
                probeBackoffNs = MIN_PROBE_BACKOFF_NS;
                return true;
            }
            probeBackoffNs = Math.min(2 * probeBackoffNs, MAX_PROBE_BACKOFF_NS);
            nextProbeNs = nowNs + probeBackoffNs;
        }
        while (!attempt(current, check))
        {
            if (current + 1 >= chain.length)
            {
                return false;
            }
            if (0 == current)
            {
                nextProbeNs = nowNs + probeBackoffNs;
            }
            current++;
            fallbacks++;
        }
        return true;
    }

    private boolean attempt(final int index, final OutputCheck check)
    {
        try
        {
            chain[index].execute();
        }
        catch (final BackendException ex)
        {
            lastFailure = ex;
            return false;
        }
        if (!check.outputsValid())
        {
            invalidOutputs++;
            lastFailure = invalidOutput[index];
            return false;
        }
        return true;
    }

    public String role()
    {
        return role;
    }

    public String backendId()
    {
        return chain[current].backendId();
    }

    /**
     * @return true while a backend further down the chain stands in for the primary.
     */
    public boolean onFallback()
    {
        return current > 0;
    }

    public long fallbacks()
    {
        return fallbacks;
    }

    public long recoveries()
    {
        return recoveries;
    }

    /**
     * @return runs whose outputs failed the check (NaN or Inf), on any backend.
     */
    public long invalidOutputs()
    {
        return invalidOutputs;
    }

    public BackendException lastFailure()
    {
        return lastFailure;
    }

    public List<String> prepareFailures()
    {
        return prepareFailures;
    }

    public void close()
    {
        for (final PreparedGraph graph : chain)
        {
            graph.close();
        }
    }
}
