package io.wmrt.backend;

import io.wmrt.model.GraphSpec;

import java.util.List;

/**
 * The seam between the planner and whatever runs a graph: ONNX Runtime on the CPU, ONNX Runtime with the QNN
 * execution provider on the NPU, or (later) QNN directly. Prepare once with bound buffers, then execute per
 * tick.
 */
public interface Backend extends AutoCloseable
{
    /**
     * @return the id the hardware profile uses in its dispatch order.
     */
    String id();

    /**
     * @return whether this backend can run on this machine, and why not.
     */
    Availability availability();

    /**
     * @return true when the backend runs only int8 QDQ graphs (the HTP).
     */
    boolean requiresQuantized();

    /**
     * Whether this backend, available on this machine, can take this particular graph: the direct QNN backend
     * needs a context binary compiled for the SoC, for instance. Asked by the dispatcher before preparing.
     *
     * @return null when it can, else why not (one line, naming what is missing).
     */
    default String cannotRun(final GraphSpec graph)
    {
        return null;
    }

    PreparedGraph prepare(GraphSpec graph, TensorArena arena) throws BackendException;

    /**
     * @return what preparing graphs did that a user should know, one line each, in order (ort-qnn: "ort-qnn:
     *         rollout: loaded context cache ..."); empty for most backends.
     */
    default List<String> preparationEvents()
    {
        return List.of();
    }

    void close();
}
