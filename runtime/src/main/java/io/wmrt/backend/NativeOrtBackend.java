package io.wmrt.backend;

import ai.onnxruntime.OrtSession;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;

/**
 * ONNX Runtime's CPU provider driven through the native bridge: the session is ONNX Runtime Java's, the
 * inputs and outputs are bound once over the arena's buffers with IoBinding, and each run is one JNI call
 * with a primitive argument, so inference allocates nothing on the Java heap. Where the bridge cannot load,
 * {@link #availability()} says why and the dispatcher falls back to {@link OrtCpuBackend}.
 */
public final class NativeOrtBackend extends OrtBackend
{
    public static final String ID = "ort-native";

    public NativeOrtBackend(final int intraOpThreads)
    {
        super(intraOpThreads);
    }

    public String id()
    {
        return ID;
    }

    public Availability availability()
    {
        return NativeOrtBridge.availability();
    }

    public boolean requiresQuantized()
    {
        return false;
    }

    /**
     * For measurement only: run a graph this backend prepared {@code count} times back to back inside the native
     * bridge, with no JNI crossing per run, and return the nanoseconds that took: ONNX Runtime's own cost per run,
     * the floor under every Java path's per-call cost.
     *
     * @throws IllegalArgumentException when the graph was not prepared by this backend.
     */
    public static long timeRunsInNative(final PreparedGraph graph, final int count) throws BackendException
    {
        if (!(graph instanceof NativePreparedGraph prepared) || 0 == prepared.binding)
        {
            throw new IllegalArgumentException("not an open graph of the " + ID + " backend: " + graph);
        }
        final long nanos = NativeOrtBridge.runRepeatedly0(prepared.binding, count);
        if (nanos < 0)
        {
            throw new BackendException(ID, prepared.role, NativeOrtBridge.error0(prepared.binding), null);
        }
        return nanos;
    }

    protected void configure(final OrtSession.SessionOptions options, final GraphSpec graph)
    {
        // CPU execution provider, as OrtCpuBackend.
    }

    protected PreparedGraph bind(final OrtSession session, final GraphSpec graph, final TensorArena arena)
    {
        final int count = graph.inputs().size() + graph.outputs().size();
        final String[] names = new String[count];
        final long[] addresses = new long[count];
        final long[] lengths = new long[count];
        final long[][] shapes = new long[count][];
        int i = 0;
        for (final TensorSpec spec : graph.inputs())
        {
            describe(spec, arena, i++, names, addresses, lengths, shapes);
        }
        for (final TensorSpec spec : graph.outputs())
        {
            describe(spec, arena, i++, names, addresses, lengths, shapes);
        }
        final long binding = NativeOrtBridge.bind0(NativeOrtBridge.sessionHandle(session), names, addresses, lengths,
            shapes, graph.inputs().size());
        return new NativePreparedGraph(graph.role(), session, binding);
    }

    private static void describe(
        final TensorSpec spec, final TensorArena arena, final int i, final String[] names, final long[] addresses,
        final long[] lengths, final long[][] shapes)
    {
        final ByteBuffer buffer = arena.buffer(spec.name());
        names[i] = spec.name();
        addresses[i] = BufferUtil.address(buffer);
        lengths[i] = spec.byteSize();
        shapes[i] = spec.shape().clone();
    }

    /**
     * Not thread safe: owned by the planner agent.
     */
    static final class NativePreparedGraph implements PreparedGraph
    {
        private final String role;
        private final OrtSession session;
        private long binding;
        /**
         * What a failed run throws: ONNX Runtime's text of the first failure, made then and thrown again for
         * every later one, so a backend that fails each tick allocates nothing per tick.
         */
        private BackendException runFailure;

        NativePreparedGraph(final String role, final OrtSession session, final long binding)
        {
            this.role = role;
            this.session = session;
            this.binding = binding;
        }

        public String backendId()
        {
            return ID;
        }

        public void execute() throws BackendException
        {
            if (NativeOrtBridge.run0(binding) != 0)
            {
                if (null == runFailure)
                {
                    runFailure = BackendException.preallocated(ID, role, NativeOrtBridge.error0(binding) +
                        " (the first failure's text; later failures of this graph are counted with it)");
                }
                throw runFailure;
            }
        }

        public void close()
        {
            if (0 != binding)
            {
                NativeOrtBridge.release0(binding);
                binding = 0;
                closeQuietly(session);
            }
        }
    }
}
