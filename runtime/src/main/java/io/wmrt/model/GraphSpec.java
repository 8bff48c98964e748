package io.wmrt.model;

import java.nio.file.Path;
import java.util.List;

/**
 * One graph of a model package, by role.
 *
 * @param role      encoder, rollout or decoder.
 * @param file      absolute path of the ONNX file.
 * @param sha256    lowercase hex digest the manifest declares.
 * @param inputs    declared inputs, in graph order.
 * @param outputs   declared outputs, in graph order.
 * @param quantized whether the graph carries int8 QDQ pairs.
 */
public record GraphSpec(
    String role, Path file, String sha256, List<TensorSpec> inputs, List<TensorSpec> outputs, boolean quantized)
{
    public TensorSpec input(final String name)
    {
        return find(inputs, name);
    }

    public TensorSpec output(final String name)
    {
        return find(outputs, name);
    }

    private static TensorSpec find(final List<TensorSpec> specs, final String name)
    {
        for (final TensorSpec spec : specs)
        {
            if (spec.name().equals(name))
            {
                return spec;
            }
        }
        return null;
    }
}
