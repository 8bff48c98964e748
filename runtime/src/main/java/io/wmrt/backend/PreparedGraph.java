package io.wmrt.backend;

/**
 * A graph bound to its tensors on one backend: {@link #execute()} reads the arena's input buffers and writes
 * its output buffers in place.
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public interface PreparedGraph extends AutoCloseable
{
    /**
     * @return the backend id, e.g. ort-cpu.
     */
    String backendId();

    /**
     * Run the graph once over the bound buffers.
     */
    void execute() throws BackendException;

    void close();
}
