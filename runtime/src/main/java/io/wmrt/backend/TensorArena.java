package io.wmrt.backend;

import io.wmrt.model.GraphSpec;
import io.wmrt.model.TensorSpec;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every tensor the model's graphs read or write, allocated once at start as 64-byte aligned direct buffers
 * in native order. A tensor that one graph writes and another reads (the encoder's latent feeding the
 * rollout) is one buffer: nothing is copied between graphs.
 * <p>
 * Not thread safe: built at start-up, then its buffers are owned by the planner agent.
 */
public final class TensorArena
{
    private static final int ALIGNMENT = 64;

    private final Map<String, TensorSpec> specs = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> buffers = new LinkedHashMap<>();

    public void bind(final GraphSpec graph)
    {
        for (final TensorSpec spec : graph.inputs())
        {
            allocate(spec);
        }
        for (final TensorSpec spec : graph.outputs())
        {
            allocate(spec);
        }
    }

    /**
     * @return true when a graph bound to this arena reads or writes a tensor of this name.
     */
    public boolean has(final String name)
    {
        return buffers.containsKey(name);
    }

    /**
     * @return the names of every tensor bound, in the order the graphs declared them.
     */
    public java.util.Set<String> names()
    {
        return java.util.Collections.unmodifiableSet(buffers.keySet());
    }

    public ByteBuffer buffer(final String name)
    {
        final ByteBuffer buffer = buffers.get(name);
        if (null == buffer)
        {
            throw new IllegalArgumentException("no tensor '" + name + "' bound; bound: " + buffers.keySet());
        }
        return buffer;
    }

    /**
     * The tensor's elements exactly: the buffer is padded to the alignment, the view is not.
     */
    public FloatBuffer floats(final String name)
    {
        final ByteBuffer exact = buffer(name).duplicate().limit(specs.get(name).byteSize()).slice();
        return exact.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    public TensorSpec spec(final String name)
    {
        return specs.get(name);
    }

    public long totalBytes()
    {
        long total = 0;
        for (final ByteBuffer b : buffers.values())
        {
            total += b.capacity();
        }
        return total;
    }

    private void allocate(final TensorSpec spec)
    {
        final TensorSpec existing = specs.get(spec.name());
        if (null != existing)
        {
            if (!existing.equals(spec))
            {
                throw new IllegalArgumentException("tensor '" + spec.name() + "' bound twice with different specs: " +
                    existing + " and " + spec);
            }
            return;
        }
        specs.put(spec.name(), spec);
        buffers.put(spec.name(),
            BufferUtil.allocateDirectAligned(alignUp(spec.byteSize()), ALIGNMENT).order(ByteOrder.nativeOrder()));
    }

    private static int alignUp(final int size)
    {
        return (size + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
