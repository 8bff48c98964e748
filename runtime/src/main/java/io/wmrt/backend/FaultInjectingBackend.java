package io.wmrt.backend;

import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A backend that fails on purpose, as its {@link FaultPlan} says: it wraps a real backend and, on the planned
 * calls of a graph, throws, overwrites the outputs with NaN or Inf after a real run, or blocks before one. For
 * tests, and for {@code wmrt run} / {@code wmrt demo} under {@code WMRT_FAULTS}, so a rig can exercise the
 * runtime's failure paths end to end. Injection allocates nothing per call.
 * <p>
 * Not thread safe: its prepared graphs are owned by the planner agent, like any backend's.
 */
public final class FaultInjectingBackend implements Backend
{
    private final Backend delegate;
    private final FaultPlan plan;

    private FaultInjectingBackend(final Backend delegate, final FaultPlan plan)
    {
        this.delegate = delegate;
        this.plan = plan;
    }

    /**
     * @return the backend itself when the plan has no fault for it, else the backend behind the plan.
     */
    public static Backend wrap(final Backend backend, final FaultPlan plan)
    {
        for (final FaultPlan.Fault fault : plan.faults())
        {
            if (null == fault.backendId() || fault.backendId().equals(backend.id()))
            {
                return new FaultInjectingBackend(backend, plan);
            }
        }
        return backend;
    }

    public String id()
    {
        return delegate.id();
    }

    public Availability availability()
    {
        return delegate.availability();
    }

    public boolean requiresQuantized()
    {
        return delegate.requiresQuantized();
    }

    public String cannotRun(final GraphSpec graph)
    {
        return delegate.cannotRun(graph);
    }

    public List<String> preparationEvents()
    {
        return delegate.preparationEvents();
    }

    public PreparedGraph prepare(final GraphSpec graph, final TensorArena arena) throws BackendException
    {
        final PreparedGraph prepared = delegate.prepare(graph, arena);
        final List<FaultPlan.Fault> faults = plan.forGraph(graph.role(), delegate.id());
        if (faults.isEmpty())
        {
            return prepared;
        }
        final FloatBuffer[] outputs = new FloatBuffer[graph.outputs().size()];
        int i = 0;
        for (final TensorSpec spec : graph.outputs())
        {
            outputs[i++] = arena.floats(spec.name());
        }
        return new FaultyGraph(prepared, graph.role(), faults.toArray(new FaultPlan.Fault[0]), outputs,
            new SplittableRandom(plan.seed() ^ (31L * graph.role().hashCode() + delegate.id().hashCode())));
    }

    public void close()
    {
        delegate.close();
    }

    /**
     * Not thread safe: owned by the planner agent.
     */
    static final class FaultyGraph implements PreparedGraph
    {
        private final PreparedGraph delegate;
        private final FaultPlan.Fault[] faults;
        private final BackendException[] thrown;
        private final FloatBuffer[] outputs;
        private final SplittableRandom random;
        private long calls;

        FaultyGraph(
            final PreparedGraph delegate,
            final String role,
            final FaultPlan.Fault[] faults,
            final FloatBuffer[] outputs,
            final SplittableRandom random)
        {
            this.delegate = delegate;
            this.faults = faults;
            this.outputs = outputs;
            this.random = random;
            thrown = new BackendException[faults.length];
            for (int i = 0; i < faults.length; i++)
            {
                thrown[i] = BackendException.preallocated(delegate.backendId(), role,
                    "injected fault (" + FaultPlan.ENVIRONMENT_VARIABLE + "): " + faults[i]);
            }
        }

        public String backendId()
        {
            return delegate.backendId();
        }

        public void execute() throws BackendException
        {
            calls++;
            int fired = -1;
            for (int i = 0; i < faults.length; i++)
            {
                if (faults[i].firesOn(calls, random) && fired < 0)
                {
                    fired = i;
                }
            }
            if (fired < 0)
            {
                delegate.execute();
                return;
            }
            final FaultPlan.Fault fault = faults[fired];
            switch (fault.kind())
            {
                case THROW:
                    throw thrown[fired];
                case HANG:
                    block(fault.hangNanos());
                    delegate.execute();
                    break;
                case NAN:
                    delegate.execute();
                    fill(Float.NaN);
                    break;
                default:
                    delegate.execute();
                    fill(Float.POSITIVE_INFINITY);
                    break;
            }
        }

        /**
         * Block as a hung native call does: interrupts do not end it early (they are kept for afterwards).
         */
        private static void block(final long nanos)
        {
            final long until = System.nanoTime() + nanos;
            boolean interrupted = false;
            long remaining = nanos;
            while (remaining > 0)
            {
                LockSupport.parkNanos(remaining);
                if (Thread.interrupted())
                {
                    interrupted = true;
                }
                remaining = until - System.nanoTime();
            }
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }

        private void fill(final float value)
        {
            for (final FloatBuffer output : outputs)
            {
                for (int i = 0; i < output.limit(); i++)
                {
                    output.put(i, value);
                }
            }
        }

        /**
         * @return calls made so far.
         */
        long calls()
        {
            return calls;
        }

        public void close()
        {
            delegate.close();
        }
    }
}
