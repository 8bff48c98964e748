package io.wmrt.backend;

import io.wmrt.model.GraphSpec;
import io.wmrt.model.QnnGraph;
import io.wmrt.model.QnnTensor;
import io.wmrt.model.TensorSpec;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.PerformanceMode;
import org.agrona.BufferUtil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * QNN driven directly through {@link QnnBridge}, with no ONNX Runtime in between: the package's precompiled
 * context binary for the profile's SoC is loaded into the HTP, its graph is bound once to the arena, and each run
 * is one JNI call that quantizes the float32 inputs with the sidecar's scale and offset, executes and dequantizes
 * the outputs, allocating nothing on the Java heap. The device is created for the profile's HTP arch and, when the
 * profile gives one, its SoC model; every context carries the profile's context priority. The profile's
 * {@code vtcm_mb} does not reach this path: VTCM is reserved per graph when the graph is finalized, so a
 * precompiled context binary already carries the size it was compiled with. Where the board has rpcmem (libcdsprpc), the QNN-typed buffers
 * are rpcmem buffers registered with the context, which the HTP reads and writes in place; elsewhere they are
 * aligned buffers of the process passed as client buffers.
 * <p>
 * Graphs compiled into the same context binary (an encoder and a rollout) share one QNN context, counted by
 * reference and freed with the last graph. When a run reports the subsystem restart error, the bridge frees the
 * context and creates it again from the kept binary: that run fails (the dispatcher falls back for it) and the
 * next runs use the new context; {@link #contextRecreations()} counts how often.
 * <p>
 * Not thread safe: prepared and closed at start-up and shutdown; its prepared graphs are owned by the planner
 * agent.
 */
public final class QnnDirectBackend implements Backend
{
    public static final String ID = "qnn";

    /** Qnn_DataType_t of the sidecar's dtypes. */
    static final int DATATYPE_FLOAT_32 = 0x0232;
    static final int DATATYPE_SFIXED_POINT_8 = 0x0308;
    static final int DATATYPE_UFIXED_POINT_8 = 0x0408;
    static final int DATATYPE_UFIXED_POINT_16 = 0x0416;
    static final int DATATYPE_SFIXED_POINT_32 = 0x0332;

    /** Distinct failures a prepared graph keeps an exception for; further distinct ones share the last slot. */
    private static final int FAILURE_KINDS = 8;

    private final HardwareProfile.Npu npu;
    private final String soc;
    private final long library;
    private final Availability availability;
    private final Map<String, SharedContext> contexts = new HashMap<>();
    private final List<QnnPreparedGraph> prepared = new ArrayList<>();
    private boolean started;
    private String powerWarning;

    /**
     * Loads the profile's QNN backend library and checks its version; nothing is created on the device until a
     * graph is prepared.
     *
     * @param npu the profile's NPU: backend library and performance mode.
     * @param soc the profile's SoC, which selects the package's context binary.
     */
    public QnnDirectBackend(final HardwareProfile.Npu npu, final String soc)
    {
        this.npu = npu;
        this.soc = soc;
        long handle = 0;
        Availability probed = QnnBridge.availability();
        if (probed.available())
        {
            try
            {
                handle = QnnBridge.open0(npu.backendPath());
                probed = Availability.yes("QNN direct on " + QnnBridge.describe0(handle) + ", " +
                    npu.performanceMode());
            }
            catch (final IllegalStateException ex)
            {
                probed = Availability.no(ex.getMessage());
            }
        }
        this.library = handle;
        this.availability = probed;
    }

    public String id()
    {
        return ID;
    }

    public Availability availability()
    {
        return availability;
    }

    public boolean requiresQuantized()
    {
        return true;
    }

    /**
     * @return the warning of the power mode request (no HTP performance infrastructure, or the call that failed),
     * or null when the mode was set or nothing was prepared yet.
     */
    public String powerWarning()
    {
        return powerWarning;
    }

    /**
     * @return contexts re-created after a subsystem restart, over every context this backend holds.
     */
    public int contextRecreations()
    {
        int total = 0;
        for (final SharedContext context : contexts.values())
        {
            total += QnnBridge.recreations0(context.handle);
        }
        return total;
    }

    public PreparedGraph prepare(final GraphSpec graph, final TensorArena arena) throws BackendException
    {
        final String role = graph.role();
        if (!availability.available())
        {
            throw new BackendException(ID, role, availability.reason(), null);
        }
        final String refused = cannotRun(graph);
        if (null != refused)
        {
            throw new BackendException(ID, role, refused, null);
        }
        final QnnGraph qnn = graph.qnnFor(soc);
        checkTensors(graph, qnn);
        start(role);
        final SharedContext context = acquireContext(qnn, role);
        final long handle;
        try
        {
            handle = bind(context.handle, qnn, arena);
        }
        catch (final IllegalStateException ex)
        {
            releaseContext(qnn.binarySha256());
            throw new BackendException(ID, role, ex.getMessage() + " (" + qnn.binaryFile() + ")", null);
        }
        final QnnPreparedGraph result = new QnnPreparedGraph(this, role, qnn.binarySha256(), handle);
        prepared.add(result);
        return result;
    }

    public void close()
    {
        for (final QnnPreparedGraph graph : new ArrayList<>(prepared))
        {
            graph.close();
        }
        for (final SharedContext context : contexts.values())
        {
            QnnBridge.contextFree0(context.handle);
        }
        contexts.clear();
        if (started)
        {
            QnnBridge.stop0(library);
            started = false;
        }
    }

    /**
     * The package must carry a context binary for this SoC, compiled for this HTP, with a QNN API the loaded
     * library serves: asked by the dispatcher, so a package without one is passed over with the reason.
     */
    public String cannotRun(final GraphSpec graph)
    {
        final QnnGraph qnn = graph.qnnFor(soc);
        if (null == qnn)
        {
            return "package has no QNN context binary for " + soc + " (it has " +
                (graph.qnn().isEmpty() ? "none" : graph.qnn().keySet().toString()) + "; see models/QNN.md)";
        }
        if (!qnn.htpArch().equalsIgnoreCase(npu.htpArch()))
        {
            return "context binary " + qnn.binaryFile() + " was compiled for HTP " + qnn.htpArch() +
                ", the profile's HTP is " + npu.htpArch();
        }
        if (!availability.available())
        {
            return null;
        }
        final String[] parts = qnn.qnnApi().split("\\.");
        final int served = QnnBridge.coreMinor0(library);
        if (parts.length < 2 || Integer.parseInt(parts[0]) != 2 || Integer.parseInt(parts[1]) > served)
        {
            return "context binary " + qnn.binaryFile() + " was built with QNN " + qnn.qnnApi() +
                " but the backend serves core API 2." + served + ": rebuild it or update the board's QNN libraries";
        }
        return null;
    }

    /**
     * The sidecar must describe the graph the runtime binds: the same tensors, in the same order, with the same
     * shapes.
     */
    private static void checkTensors(final GraphSpec graph, final QnnGraph qnn) throws BackendException
    {
        checkTensors(graph, "input", graph.inputs(), qnn.inputs(), qnn);
        checkTensors(graph, "output", graph.outputs(), qnn.outputs(), qnn);
    }

    private static void checkTensors(
        final GraphSpec graph, final String kind, final List<TensorSpec> specs, final List<QnnTensor> tensors,
        final QnnGraph qnn) throws BackendException
    {
        if (specs.size() != tensors.size())
        {
            throw new BackendException(ID, graph.role(), "the QNN sidecar of " + qnn.binaryFile() + " lists " +
                tensors.size() + " " + kind + "s, the graph has " + specs.size() + ": " + tensors + " against " + specs,
                null);
        }
        for (int i = 0; i < specs.size(); i++)
        {
            final TensorSpec spec = specs.get(i);
            final QnnTensor tensor = tensors.get(i);
            if (!spec.name().equals(tensor.name()) || !Arrays.equals(spec.shape(), tensor.shape()))
            {
                throw new BackendException(ID, graph.role(), "the QNN sidecar of " + qnn.binaryFile() + " has " +
                    kind + " " + i + " as " + tensor.name() + Arrays.toString(tensor.shape()) + ", the graph as " +
                    spec.name() + spec.shapeText(), null);
            }
            dataType(tensor, graph.role());
        }
    }

    private void start(final String role) throws BackendException
    {
        if (started)
        {
            return;
        }
        try
        {
            powerWarning = QnnBridge.start0(library, powerMode(npu.performanceMode()),
                Integer.parseInt(QnnProviderOptions.htpArchNumber(npu.htpArch())), npu.socModel(),
                contextPriority(npu.contextPriority()));
            started = true;
        }
        catch (final IllegalStateException | IllegalArgumentException ex)
        {
            throw new BackendException(ID, role, ex.getMessage() + " (" + npu.backendPath() + ")", null);
        }
    }

    private SharedContext acquireContext(final QnnGraph qnn, final String role) throws BackendException
    {
        SharedContext context = contexts.get(qnn.binarySha256());
        if (null == context)
        {
            try
            {
                context = new SharedContext(QnnBridge.contextCreate0(library, qnn.binary()));
            }
            catch (final IllegalStateException ex)
            {
                throw new BackendException(ID, role, ex.getMessage() + " (" + qnn.binaryFile() + ", compiled for " +
                    qnn.soc() + " " + qnn.htpArch() + " with QNN " + qnn.qnnApi() + ")", null);
            }
            contexts.put(qnn.binarySha256(), context);
        }
        context.references++;
        return context;
    }

    private void releaseContext(final String binarySha256)
    {
        final SharedContext context = contexts.get(binarySha256);
        if (null != context && --context.references == 0)
        {
            QnnBridge.contextFree0(context.handle);
            contexts.remove(binarySha256);
        }
    }

    private static long bind(final long context, final QnnGraph qnn, final TensorArena arena)
    {
        final int count = qnn.inputs().size() + qnn.outputs().size();
        final String[] names = new String[count];
        final long[] ids = new long[count];
        final int[] dataTypes = new int[count];
        final float[] scales = new float[count];
        final int[] offsets = new int[count];
        final long[][] shapes = new long[count][];
        final long[] addresses = new long[count];
        int i = 0;
        for (final QnnTensor tensor : qnn.inputs())
        {
            describe(tensor, arena, i++, names, ids, dataTypes, scales, offsets, shapes, addresses);
        }
        for (final QnnTensor tensor : qnn.outputs())
        {
            describe(tensor, arena, i++, names, ids, dataTypes, scales, offsets, shapes, addresses);
        }
        return QnnBridge.bind0(context, qnn.graphName(), names, ids, dataTypes, scales, offsets, shapes, addresses,
            qnn.inputs().size());
    }

    private static void describe(
        final QnnTensor tensor, final TensorArena arena, final int i, final String[] names, final long[] ids,
        final int[] dataTypes,
        final float[] scales, final int[] offsets, final long[][] shapes, final long[] addresses)
    {
        names[i] = tensor.name();
        ids[i] = tensor.id();
        dataTypes[i] = dataTypeOf(tensor.dtype());
        scales[i] = tensor.quantized() ? (float)tensor.scale() : 1f;
        offsets[i] = tensor.quantized() ? tensor.offset() : 0;
        shapes[i] = tensor.shape().clone();
        addresses[i] = BufferUtil.address(arena.buffer(tensor.name()));
    }

    private static void dataType(final QnnTensor tensor, final String role) throws BackendException
    {
        if (dataTypeOf(tensor.dtype()) < 0)
        {
            throw new BackendException(ID, role, "QNN tensor " + tensor.name() + " has dtype '" + tensor.dtype() +
                "'; the bridge binds float32, int8, uint8, uint16 and int32", null);
        }
        if (tensor.quantized() && !(tensor.scale() > 0 && Double.isFinite(tensor.scale())))
        {
            throw new BackendException(ID, role, "QNN tensor " + tensor.name() + " has scale " + tensor.scale() +
                "; a quantized tensor needs a positive finite scale", null);
        }
    }

    static int dataTypeOf(final String dtype)
    {
        switch (dtype)
        {
            case "float32":
                return DATATYPE_FLOAT_32;
            case "int8":
                return DATATYPE_SFIXED_POINT_8;
            case "uint8":
                return DATATYPE_UFIXED_POINT_8;
            case "uint16":
                return DATATYPE_UFIXED_POINT_16;
            case "int32":
                return DATATYPE_SFIXED_POINT_32;
            default:
                return -1;
        }
    }

    /**
     * The bridge's numbering of the power modes (wmrt_qnn_bridge.c, MODE_*).
     */
    static int powerMode(final PerformanceMode mode)
    {
        switch (mode)
        {
            case BURST:
                return 0;
            case SUSTAINED_HIGH_PERFORMANCE:
                return 1;
            case HIGH_PERFORMANCE:
                return 2;
            case BALANCED:
                return 3;
            default:
                return 4;
        }
    }

    /**
     * The bridge's numbering of the context priorities (wmrt_qnn_bridge.c, PRIORITY_*), which it maps to QNN's.
     */
    static int contextPriority(final ContextPriority priority)
    {
        switch (priority)
        {
            case LOW:
                return 0;
            case NORMAL_HIGH:
                return 2;
            case HIGH:
                return 3;
            default:
                return 1;
        }
    }

    private void closed(final QnnPreparedGraph graph)
    {
        prepared.remove(graph);
        releaseContext(graph.binarySha256);
    }

    /**
     * One QNN context and the graphs using it.
     */
    private static final class SharedContext
    {
        final long handle;
        int references;

        SharedContext(final long handle)
        {
            this.handle = handle;
        }
    }

    /**
     * Not thread safe: owned by the planner agent.
     */
    static final class QnnPreparedGraph implements PreparedGraph
    {
        private final QnnDirectBackend backend;
        private final String role;
        private final String binarySha256;
        private final long[] failureKeys = new long[FAILURE_KINDS];
        private final BackendException[] failures = new BackendException[FAILURE_KINDS];
        private int failureKinds;
        private long graph;

        QnnPreparedGraph(final QnnDirectBackend backend, final String role, final String binarySha256, final long graph)
        {
            this.backend = backend;
            this.role = role;
            this.binarySha256 = binarySha256;
            this.graph = graph;
        }

        public String backendId()
        {
            return ID;
        }

        public void execute() throws BackendException
        {
            if (QnnBridge.run0(graph) != 0)
            {
                throw failure(QnnBridge.failure0(graph));
            }
        }

        /**
         * The exception for a failure: made the first time that call fails with that code, thrown again after, so
         * a graph that fails every tick allocates nothing per tick.
         */
        private BackendException failure(final long key)
        {
            for (int i = 0; i < failureKinds; i++)
            {
                if (failureKeys[i] == key)
                {
                    return failures[i];
                }
            }
            final int slot = failureKinds < FAILURE_KINDS ? failureKinds++ : FAILURE_KINDS - 1;
            failureKeys[slot] = key;
            failures[slot] = BackendException.preallocated(ID, role, describe(key));
            return failures[slot];
        }

        static String describe(final long key)
        {
            final int call = (int)(key >>> 32);
            final int code = (int)key;
            final String error = QnnBridge.errorText0(code);
            switch (call)
            {
                case QnnBridge.CALL_GRAPH_EXECUTE:
                    return QnnBridge.ERROR_SYSTEM_COMMUNICATION == code ?
                        "graphExecute failed: " + error + ": the DSP subsystem restarted; the context was re-created " +
                        "from the package's binary and the next run uses it" :
                        "graphExecute failed: " + error;
                case QnnBridge.CALL_CONTEXT_RECREATE:
                    return "contextCreateFromBinary failed: " + error + " while re-creating the context after a " +
                        "subsystem restart; tried again on the next run";
                case QnnBridge.CALL_MEM_REGISTER:
                    return "memRegister failed: " + error + " registering the shared buffers with the re-created " +
                        "context; tried again on the next run";
                default:
                    return "graphRetrieve failed: " + error + " on the re-created context";
            }
        }

        public void close()
        {
            if (0 != graph)
            {
                QnnBridge.release0(graph);
                graph = 0;
                backend.closed(this);
            }
        }
    }
}
