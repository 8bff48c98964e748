package io.wmrt.model;

import java.nio.file.Path;
import java.util.List;

/**
 * One graph of a package as a QNN context binary compiled for one SoC holds it: which binary, what it was built
 * for, the graph's name inside it and its tensors as the sidecar describes them. The binary's bytes are the ones
 * the loader verified against the manifest's digest (covered by the signature like every graph).
 * <p>
 * Immutable (the bytes are handed out as copies): safe from any thread.
 *
 * @param soc          SoC id the binary was compiled for, upper case (SA8650P).
 * @param htpArch      Hexagon tensor processor generation it was compiled for (v73).
 * @param qnnApi       QNN core API version it was built with, major.minor (2.29).
 * @param binaryFile   the context binary, for messages: never read again after loading.
 * @param binarySha256 its digest as the manifest declares it.
 * @param graphName    the graph's name inside the binary.
 * @param inputs       the graph's inputs, in the ONNX graph's order.
 * @param outputs      the graph's outputs, in the ONNX graph's order.
 * @param binary       the binary's verified bytes.
 */
public record QnnGraph(
    String soc, String htpArch, String qnnApi, Path binaryFile, String binarySha256, String graphName,
    List<QnnTensor> inputs, List<QnnTensor> outputs, byte[] binary)
{
    /**
     * @return a copy of the verified context binary.
     */
    public byte[] binary()
    {
        return binary.clone();
    }

    public QnnTensor input(final String name)
    {
        return find(inputs, name);
    }

    public QnnTensor output(final String name)
    {
        return find(outputs, name);
    }

    public String toString()
    {
        return "QnnGraph[" + soc + " " + htpArch + " QNN " + qnnApi + ", " + binaryFile + " graph '" + graphName +
            "', inputs=" + inputs + ", outputs=" + outputs + "]";
    }

    private static QnnTensor find(final List<QnnTensor> tensors, final String name)
    {
        for (final QnnTensor t : tensors)
        {
            if (t.name().equals(name))
            {
                return t;
            }
        }
        return null;
    }
}
