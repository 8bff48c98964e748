package io.wmrt.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One graph of a model package, by role, with the bytes its digest was verified on. Sessions are created from
 * those bytes, never by reopening the file: what ONNX Runtime parses is exactly what was hashed (and, under a
 * profile that requires it, signed), whatever happens to the file afterwards.
 * <p>
 * Immutable (the bytes are handed out as copies): safe from any thread.
 *
 * @param role      encoder, rollout or decoder.
 * @param file      absolute path of the ONNX file, for messages: never read again after loading.
 * @param sha256    lowercase hex digest the manifest declares.
 * @param inputs    declared inputs, in graph order.
 * @param outputs   declared outputs, in graph order.
 * @param quantized whether the graph carries int8 QDQ pairs.
 * @param bytes     the file's content as read once and verified against {@code sha256}; null while the graph is
 *                  only declared (read from the manifest, not yet verified).
 * @param qnn       the graph as precompiled QNN context binaries hold it, by SoC id (upper case); empty when the
 *                  package carries none.
 */
public record GraphSpec(
    String role, Path file, String sha256, List<TensorSpec> inputs, List<TensorSpec> outputs, boolean quantized,
    byte[] bytes, Map<String, QnnGraph> qnn)
{
    /**
     * A graph as the manifest declares it, before its file is read and verified.
     */
    public GraphSpec(
        final String role, final Path file, final String sha256, final List<TensorSpec> inputs,
        final List<TensorSpec> outputs, final boolean quantized)
    {
        this(role, file, sha256, inputs, outputs, quantized, null, Map.of());
    }

    /**
     * @return this graph with the bytes its digest was verified on.
     */
    GraphSpec withVerifiedBytes(final byte[] verified)
    {
        return new GraphSpec(role, file, sha256, inputs, outputs, quantized, verified, qnn);
    }

    /**
     * @return this graph with its precompiled QNN context binaries, by SoC id.
     */
    GraphSpec withQnn(final Map<String, QnnGraph> binaries)
    {
        return new GraphSpec(role, file, sha256, inputs, outputs, quantized, bytes, Map.copyOf(binaries));
    }

    /**
     * @return the graph precompiled for this SoC (any case), or null when the package has no binary for it.
     */
    public QnnGraph qnnFor(final String soc)
    {
        return qnn.get(soc.toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * @return whether the graph's bytes were read and verified, so a session can be created from them.
     */
    public boolean verified()
    {
        return null != bytes;
    }

    /**
     * @return a copy of the verified bytes, to create a session from.
     * @throws IllegalStateException when the graph was only declared: sessions come from verified bytes only.
     */
    public byte[] bytes()
    {
        if (null == bytes)
        {
            throw new IllegalStateException("graph '" + role + "' (" + file + ") was declared but its bytes were " +
                "never read and verified; load the package with ModelPackageLoader");
        }
        return bytes.clone();
    }

    public TensorSpec input(final String name)
    {
        return find(inputs, name);
    }

    public TensorSpec output(final String name)
    {
        return find(outputs, name);
    }

    public String toString()
    {
        return "GraphSpec[role=" + role + ", file=" + file + ", sha256=" + sha256 + ", inputs=" + inputs +
            ", outputs=" + outputs + ", quantized=" + quantized + ", bytes=" +
            (null == bytes ? "not read" : bytes.length + " verified") + ", qnn=" + qnn.keySet() + "]";
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
