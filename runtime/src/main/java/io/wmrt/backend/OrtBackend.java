package io.wmrt.backend;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX Runtime through its Java API. Input and output tensors are created once over the arena's direct
 * buffers; outputs are pinned, so ONNX Runtime writes results straight into the arena. What remains per
 * call is ONNX Runtime Java's own bookkeeping inside {@code OrtSession.run} (a few hundred bytes), which the
 * native fast path removes.
 */
public abstract class OrtBackend implements Backend
{
    protected final OrtEnvironment env = OrtEnvironment.getEnvironment();
    protected final int intraOpThreads;
    private final List<OrtSession> sessions = new ArrayList<>();
    private String profilingPrefix;

    protected OrtBackend(final int intraOpThreads)
    {
        this.intraOpThreads = intraOpThreads;
    }

    /**
     * Add the execution provider and its options.
     */
    protected abstract void configure(OrtSession.SessionOptions options, GraphSpec graph) throws OrtException;

    public PreparedGraph prepare(final GraphSpec graph, final TensorArena arena) throws BackendException
    {
        final Availability availability = availability();
        if (!availability.available())
        {
            throw new BackendException(id(), graph.role(), availability.reason(), null);
        }
        OrtSession session = null;
        try
        {
            session = openSession(graph);
            return bind(session, graph, arena);
        }
        catch (final OrtException | RuntimeException ex)
        {
            closeQuietly(session);
            throw new BackendException(id(), graph.role(), "cannot prepare " + graph.file() + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A session for the graph with this backend's execution provider, remembered so that profiling can be ended
     * on it.
     */
    protected final OrtSession openSession(final GraphSpec graph) throws OrtException
    {
        final OrtSession session = createSession(graph);
        sessions.add(session);
        return session;
    }

    /**
     * Create the session. This one creates it from the bytes the loader verified, never from the file, which may
     * have changed since; a backend that loads something else (a compiled context model) overrides it.
     */
    protected OrtSession createSession(final GraphSpec graph) throws OrtException
    {
        try (OrtSession.SessionOptions options = newSessionOptions(graph))
        {
            return env.createSession(graph.bytes(), options);
        }
    }

    /**
     * Options with this backend's execution provider, one intra-op thread pool of the profile's size, sequential
     * execution and full graph optimisation; the caller closes them.
     */
    protected final OrtSession.SessionOptions newSessionOptions(final GraphSpec graph) throws OrtException
    {
        final OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try
        {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            configure(options, graph);
            if (null != profilingPrefix)
            {
                options.enableProfiling(profilingPrefix + "_" + graph.role());
            }
            return options;
        }
        catch (final OrtException | RuntimeException ex)
        {
            options.close();
            throw ex;
        }
    }

    /**
     * Bind the session to the arena's buffers. This one uses ONNX Runtime Java: tensors over the buffers,
     * outputs pinned.
     */
    protected PreparedGraph bind(final OrtSession session, final GraphSpec graph, final TensorArena arena)
        throws OrtException
    {
        final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
        final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
        try
        {
            for (final TensorSpec spec : graph.inputs())
            {
                inputs.put(spec.name(), OnnxTensor.createTensor(env, arena.floats(spec.name()), spec.shape()));
            }
            for (final TensorSpec spec : graph.outputs())
            {
                outputs.put(spec.name(), OnnxTensor.createTensor(env, arena.floats(spec.name()), spec.shape()));
            }
        }
        catch (final OrtException | RuntimeException ex)
        {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
            throw ex;
        }
        return new OrtPreparedGraph(id(), graph.role(), session,
            Collections.unmodifiableMap(inputs), Collections.unmodifiableMap(outputs));
    }

    /**
     * Have ONNX Runtime profile every session this backend prepares from now on (a JSON trace per session,
     * named after the prefix and the graph role). For measuring, never for driving: profiling costs time.
     */
    public void enableProfiling(final Path prefix)
    {
        profilingPrefix = prefix.toString();
    }

    /**
     * End profiling on every session prepared while it was enabled.
     *
     * @return the trace files ONNX Runtime wrote.
     */
    public List<Path> endProfiling() throws OrtException
    {
        final List<Path> traces = new ArrayList<>();
        if (null != profilingPrefix)
        {
            for (final OrtSession session : sessions)
            {
                traces.add(Path.of(session.endProfiling()));
            }
        }
        return traces;
    }

    static void closeQuietly(final OrtSession session)
    {
        if (null != session)
        {
            try
            {
                session.close();
            }
            catch (final OrtException ignore)
            {
                // already failing or shutting down: the first error is the one to report
            }
        }
    }

    public void close()
    {
    }

    /**
     * Not thread safe: owned by the planner agent.
     */
    static final class OrtPreparedGraph implements PreparedGraph
    {
        private final String backendId;
        private final String role;
        private final OrtSession session;
        private final Map<String, OnnxTensor> inputs;
        private final Map<String, OnnxTensor> outputs;

        OrtPreparedGraph(
            final String backendId,
            final String role,
            final OrtSession session,
            final Map<String, OnnxTensor> inputs,
            final Map<String, OnnxTensor> outputs)
        {
            this.backendId = backendId;
            this.role = role;
            this.session = session;
            this.inputs = inputs;
            this.outputs = outputs;
        }

        public String backendId()
        {
            return backendId;
        }

        public void execute() throws BackendException
        {
            // The Result owns nothing here (every output is pinned): closing it releases no tensor.
            try (OrtSession.Result ignored = session.run(inputs, outputs))
            {
                assert ignored.size() == outputs.size();
            }
            catch (final OrtException ex)
            {
                throw new BackendException(backendId, role, "run failed: " + ex.getMessage(), ex);
            }
        }

        public void close()
        {
            inputs.values().forEach(OnnxTensor::close);
            outputs.values().forEach(OnnxTensor::close);
            closeQuietly(session);
        }
    }
}
