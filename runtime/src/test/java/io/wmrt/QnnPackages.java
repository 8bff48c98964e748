package io.wmrt;

import io.wmrt.backend.QnnTestDouble;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelSignature;
import io.wmrt.model.QnnTensor;
import io.wmrt.model.TensorSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Gives a copied model package a {@code qnn:} section for tests: a context binary (whatever bytes the test
 * provides: the QNN test double's format, or junk) and a sidecar. The package's signature block is dropped,
 * so load it with a trust that does not require one, or sign it again.
 */
public final class QnnPackages
{
    private QnnPackages()
    {
    }

    /**
     * A sidecar describing every graph of the package with float32 tensors named and shaped as the ONNX graphs'.
     */
    public static String floatSidecar(final ModelPackage pkg, final String soc)
    {
        final StringBuilder out = new StringBuilder();
        out.append("format: wmrt-qnn-sidecar/1\nsoc: ").append(soc).append("\ngraphs:\n");
        for (final GraphSpec g : pkg.graphs().values())
        {
            out.append("  ").append(g.role()).append(":\n    name: ").append(g.role()).append('\n');
            tensors(out, "inputs", g.inputs(), 1);
            tensors(out, "outputs", g.outputs(), 1 + g.inputs().size());
        }
        return out.toString();
    }

    /**
     * Write {@code qnn/<soc>.bin} and {@code qnn/<soc>.yaml} into the package and list them in its manifest.
     */
    public static void add(
        final Path pkg, final String soc, final String htpArch, final String qnnApi, final byte[] binary,
        final String sidecar) throws IOException
    {
        final Path dir = Files.createDirectories(pkg.resolve("qnn"));
        final String base = soc.toLowerCase(Locale.ROOT);
        Files.write(dir.resolve(base + ".bin"), binary);
        final byte[] sidecarBytes = sidecar.getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve(base + ".yaml"), sidecarBytes);
        final Path manifest = pkg.resolve("manifest.yaml");
        String text = Files.readString(manifest);
        final int signature = text.indexOf("\n" + ModelSignature.BLOCK_START);
        if (signature >= 0)
        {
            text = text.substring(0, signature + 1);
        }
        final String section = text.contains("\nqnn:\n") ? "" : "qnn:\n";
        text = text + section +
            "  " + soc + ":\n" +
            "    context: qnn/" + base + ".bin\n" +
            "    sha256: " + ModelSignature.sha256Hex(binary) + "\n" +
            "    htp_arch: " + htpArch + "\n" +
            "    qnn_api: \"" + qnnApi + "\"\n" +
            "    sidecar: qnn/" + base + ".yaml\n" +
            "    sidecar_sha256: " + ModelSignature.sha256Hex(sidecarBytes) + "\n";
        Files.writeString(manifest, text);
    }

    /**
     * Give the package a context binary in the QNN test double's format for the SoC, holding every graph with
     * float32 tensors (the double computes {@code out[i] = a * in[i % n] + b}: not the package's function, which is
     * the point when a test needs a backend that disagrees with the golden outputs), and the sidecar that
     * describes it.
     */
    public static void addTestDoubleBinary(final Path pkg, final ModelPackage loaded, final String soc)
        throws IOException
    {
        final List<QnnTestDouble.Graph> graphs = new ArrayList<>();
        for (final GraphSpec g : loaded.graphs().values())
        {
            graphs.add(new QnnTestDouble.Graph(g.role(), 0.5, 0.25, floats(g.inputs(), 1),
                floats(g.outputs(), 1 + g.inputs().size())));
        }
        add(pkg, soc, "v73", "2.29", QnnTestDouble.contextBinary(graphs.toArray(new QnnTestDouble.Graph[0])),
            floatSidecar(loaded, soc));
    }

    private static List<QnnTensor> floats(final List<TensorSpec> specs, final int firstId)
    {
        final List<QnnTensor> tensors = new ArrayList<>();
        for (final TensorSpec t : specs)
        {
            tensors.add(new QnnTensor(firstId + tensors.size(), t.name(), "float32", t.shape(), 1.0, 0));
        }
        return tensors;
    }

    private static void tensors(final StringBuilder out, final String kind, final List<TensorSpec> specs, final int id)
    {
        out.append("    ").append(kind).append(":\n");
        int next = id;
        for (final TensorSpec t : specs)
        {
            out.append("      - {name: ").append(t.name()).append(", id: ").append(next++)
                .append(", dtype: float32, shape: ")
                .append(Arrays.toString(t.shape())).append(", scale: 1.0, offset: 0}\n");
        }
    }
}
