package io.wmrt.model;

import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The optional {@code qnn:} section of a manifest: per SoC, a QNN context binary compiled for it and a sidecar
 * describing the graphs inside (graph names, tensor names, shapes, dtypes and quantization), so that the direct
 * QNN backend binds without Qualcomm's system library:
 * <pre>
 * qnn:
 *   SA8650P:
 *     context: qnn/sa8650p.bin          # contextCreateFromBinary input
 *     sha256: ...                       # of the binary
 *     htp_arch: v73                     # what it was compiled for
 *     qnn_api: "2.29"                   # QNN core API major.minor it was built with
 *     sidecar: qnn/sa8650p.yaml
 *     sidecar_sha256: ...
 * </pre>
 * Both digests sit in the manifest body, so the signature covers the binaries like every graph. Files are read
 * once, verified, and only then parsed; the sidecar must describe every graph of the package with the ONNX
 * graph's tensors (same names in the same order, same shapes), or the package is refused naming the file.
 * <p>
 * Stateless: used by {@link ModelPackageLoader} at load time.
 */
final class QnnBinaries
{
    static final String SECTION = "qnn";
    static final String SIDECAR_FORMAT = "wmrt-qnn-sidecar/1";
    private static final Set<String> DTYPES = Set.of("float32", "int8", "uint8", "uint16", "int32");

    /**
     * One SoC's entry as the manifest declares it, before its files are read.
     */
    record Declared(
        String soc, Path binary, String binarySha256, String htpArch, String qnnApi, Path sidecar,
        String sidecarSha256, String key)
    {
    }

    private QnnBinaries()
    {
    }

    /**
     * Read the section's declarations (no file is opened: that waits for the signature check).
     */
    static List<Declared> declare(final Path dir, final StrictYaml q) throws ConfigException
    {
        final List<Declared> declared = new ArrayList<>();
        for (final String soc : q.keys())
        {
            if (!soc.matches("[A-Z][A-Z0-9]{1,31}"))
            {
                throw new ConfigException(q.file(), q.path(soc), "'" + soc + "' is not a SoC id (upper case, e.g. " +
                    "SA8650P, as the hardware profile's 'soc')");
            }
            final StrictYaml s = q.section(soc);
            final Path binary = inside(dir, s, "context");
            final String binarySha = digest(s, "sha256");
            final String arch = s.string("htp_arch");
            if (!arch.matches("v[0-9]{2,3}"))
            {
                throw new ConfigException(s.file(), s.path("htp_arch"), "'" + arch + "' is not an HTP arch (v73, v81)");
            }
            final String api = s.string("qnn_api");
            if (!api.matches("[0-9]{1,3}\\.[0-9]{1,3}"))
            {
                throw new ConfigException(s.file(), s.path("qnn_api"), "'" + api + "' is not a QNN API version " +
                    "major.minor (quote it: \"2.29\")");
            }
            final Path sidecar = inside(dir, s, "sidecar");
            final String sidecarSha = digest(s, "sidecar_sha256");
            s.finish();
            declared.add(new Declared(soc, binary, binarySha, arch, api, sidecar, sidecarSha, q.path(soc)));
        }
        q.finish();
        return declared;
    }

    /**
     * Read and verify every declared binary and sidecar, check each sidecar against the package's verified
     * graphs, and return the graphs with their QNN views attached.
     */
    static Map<String, GraphSpec> attach(
        final Path manifest, final List<Declared> declared, final Map<String, GraphSpec> graphs)
        throws ConfigException
    {
        final Map<String, Map<String, QnnGraph>> byRole = new LinkedHashMap<>();
        for (final String role : graphs.keySet())
        {
            byRole.put(role, new LinkedHashMap<>());
        }
        for (final Declared d : declared)
        {
            final byte[] binary = readVerified(manifest, d.key() + ".sha256", d.binary(), d.binarySha256());
            final byte[] sidecarBytes = readVerified(manifest, d.key() + ".sidecar_sha256", d.sidecar(),
                d.sidecarSha256());
            final StrictYaml root = StrictYaml.parse(d.sidecar(), new String(sidecarBytes, StandardCharsets.UTF_8));
            final String format = root.string("format");
            if (!SIDECAR_FORMAT.equals(format))
            {
                throw new ConfigException(d.sidecar(), "format", "'" + format + "' is not supported; expected " +
                    SIDECAR_FORMAT);
            }
            final String soc = root.string("soc");
            if (!d.soc().equals(soc))
            {
                throw new ConfigException(d.sidecar(), "soc", "describes a binary for " + soc + " but the manifest " +
                    "lists it under " + d.soc());
            }
            final StrictYaml g = root.section("graphs");
            for (final String role : g.keys())
            {
                final GraphSpec spec = graphs.get(role);
                if (null == spec)
                {
                    throw new ConfigException(d.sidecar(), g.path(role), "the package has no graph '" + role +
                        "'; its graphs: " + graphs.keySet());
                }
                final StrictYaml r = g.section(role);
                final String graphName = r.string("name");
                final List<QnnTensor> inputs = tensors(r, "inputs", spec.inputs(), spec);
                final List<QnnTensor> outputs = tensors(r, "outputs", spec.outputs(), spec);
                r.finish();
                byRole.get(role).put(d.soc(), new QnnGraph(d.soc(), d.htpArch(), d.qnnApi(), d.binary(),
                    d.binarySha256(), graphName, inputs, outputs, binary));
            }
            for (final String role : graphs.keySet())
            {
                if (!g.has(role))
                {
                    throw new ConfigException(d.sidecar(), g.path(role), "missing: the binary must hold every graph " +
                        "of the package (" + graphs.keySet() + ")");
                }
            }
            g.finish();
            root.finish();
        }
        final Map<String, GraphSpec> attached = new LinkedHashMap<>();
        for (final Map.Entry<String, GraphSpec> e : graphs.entrySet())
        {
            attached.put(e.getKey(), e.getValue().withQnn(byRole.get(e.getKey())));
        }
        return Collections.unmodifiableMap(attached);
    }

    private static List<QnnTensor> tensors(
        final StrictYaml graph, final String kind, final List<TensorSpec> onnx, final GraphSpec spec)
        throws ConfigException
    {
        final List<StrictYaml> nodes = graph.sectionList(kind, 1);
        if (nodes.size() != onnx.size())
        {
            throw new ConfigException(graph.file(), graph.path(kind), nodes.size() + " " + kind + " but the ONNX " +
                "graph " + spec.file().getFileName() + " has " + onnx.size() + " " + names(onnx));
        }
        final List<QnnTensor> tensors = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++)
        {
            final StrictYaml t = nodes.get(i);
            final String name = t.string("name");
            final long id = t.integer("id", 0, 0xFFFF_FFFFL);
            final String dtype = t.string("dtype");
            if (!DTYPES.contains(dtype))
            {
                throw new ConfigException(t.file(), t.path("dtype"), "'" + dtype + "' is not one of " + DTYPES);
            }
            final long[] shape = t.integerList("shape", 1, 1, 1 << 20);
            final double scale = t.number("scale", Double.MIN_NORMAL, 1e9);
            final long offset = t.integer("offset", -65_536, 65_536);
            t.finish();
            final TensorSpec expected = onnx.get(i);
            if (!expected.name().equals(name))
            {
                throw new ConfigException(t.file(), t.path("name"), "'" + name + "' but the ONNX graph's " + kind +
                    "[" + i + "] is '" + expected.name() + "' (" + spec.file().getFileName() + ")");
            }
            if (!Arrays.equals(expected.shape(), shape))
            {
                throw new ConfigException(t.file(), t.path("shape"), Arrays.toString(shape) + " but the ONNX " +
                    "graph's '" + name + "' is " + expected.shapeText() + " (" + spec.file().getFileName() + ")");
            }
            if ("float32".equals(dtype) && (scale != 1.0 || offset != 0))
            {
                throw new ConfigException(t.file(), t.path("scale"), "a float32 tensor has scale 1 and offset 0");
            }
            for (final QnnTensor other : tensors)
            {
                if (other.id() == id)
                {
                    throw new ConfigException(t.file(), t.path("id"), id + " is also the id of '" + other.name() + "'");
                }
            }
            tensors.add(new QnnTensor(id, name, dtype, shape, scale, (int)offset));
        }
        return Collections.unmodifiableList(tensors);
    }

    private static String names(final List<TensorSpec> specs)
    {
        final List<String> names = new ArrayList<>();
        for (final TensorSpec s : specs)
        {
            names.add(s.name());
        }
        return names.toString();
    }

    private static Path inside(final Path dir, final StrictYaml s, final String key) throws ConfigException
    {
        final Path name = s.filePath(key);
        final Path file = dir.resolve(name).normalize();
        if (!file.startsWith(dir.normalize()))
        {
            throw new ConfigException(s.file(), s.path(key), "'" + name + "' lies outside the package");
        }
        return file;
    }

    private static String digest(final StrictYaml s, final String key) throws ConfigException
    {
        final String sha = s.string(key);
        if (!sha.matches("[0-9a-f]{64}"))
        {
            throw new ConfigException(s.file(), s.path(key), "expected 64 lowercase hex digits");
        }
        return sha.toLowerCase(Locale.ROOT);
    }

    private static byte[] readVerified(final Path manifest, final String key, final Path file, final String sha256)
        throws ConfigException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(file, null, "cannot be read (" + ex + "); the manifest lists it at " + key, ex);
        }
        final String actual = ModelSignature.sha256Hex(bytes);
        if (!actual.equals(sha256))
        {
            throw new ConfigException(file, null, "sha256 differs from the manifest's " + key + ": manifest says " +
                sha256 + ", file has " + actual + " (file altered or manifest stale)");
        }
        return bytes;
    }
}
