package io.wmrt.dispatch;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.PreparedGraph;

import java.util.List;

/**
 * Runs one graph role on its current backend and, if that backend fails at run time, on the next one in
 * fallback order within the same call. Each switch is counted by the caller through {@link #fallbacks()}.
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public final class GraphRunner implements AutoCloseable
{
    private final String role;
    private final PreparedGraph[] chain;
    private final List<String> prepareFailures;
    private int current;
    private long fallbacks;
    private BackendException lastFailure;

    GraphRunner(final String role, final PreparedGraph[] chain, final List<String> prepareFailures)
    {
        this.role = role;
        this.chain = chain;
        this.prepareFailures = List.copyOf(prepareFailures);
    }

    public GraphRunner(final String role, final PreparedGraph... chain)
    {
        this(role, chain, List.of());
    }

    /**
     * Execute on the current backend, falling back down the chain on failure.
     *
     * @throws BackendException when every backend in the chain has failed.
     */
    public void run() throws BackendException
    {
        while (true)
        {
            try
            {
                chain[current].execute();
                return;
            }
            catch (final BackendException ex)
            {
                lastFailure = ex;
                if (current + 1 >= chain.length)
                {
                    throw ex;
                }
                current++;
                fallbacks++;
            }
        }
    }

    public String role()
    {
        return role;
    }

    public String backendId()
    {
        return chain[current].backendId();
    }

    public long fallbacks()
    {
        return fallbacks;
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
