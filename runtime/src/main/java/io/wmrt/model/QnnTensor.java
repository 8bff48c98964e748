package io.wmrt.model;

import java.util.Arrays;

/**
 * A tensor of a graph inside a QNN context binary, as the package's sidecar describes it: the runtime binds by
 * this description and never asks QNN's system library for it.
 * <p>
 * Quantized values follow QNN's convention: {@code real = scale * (q + offset)} (QNN's offset is the negative
 * of ONNX's zero point). For float32 tensors scale is 1 and offset 0.
 *
 * @param id     the tensor's id inside the QNN graph, as the binary's metadata gives it: QNN identifies graph
 *               inputs and outputs at execute by id, not by name.
 * @param name   tensor name inside the QNN graph, equal to the ONNX graph's tensor of the same role.
 * @param dtype  float32, int8, uint8, uint16 or int32.
 * @param shape  static shape, equal to the ONNX graph's.
 * @param scale  quantization scale (positive, finite).
 * @param offset quantization offset.
 */
public record QnnTensor(long id, String name, String dtype, long[] shape, double scale, int offset)
{
    public boolean quantized()
    {
        return !"float32".equals(dtype);
    }

    public long elementCount()
    {
        long n = 1;
        for (final long d : shape)
        {
            n *= d;
        }
        return n;
    }

    public boolean equals(final Object o)
    {
        return o instanceof QnnTensor t && id == t.id && name.equals(t.name) && dtype.equals(t.dtype) &&
            Arrays.equals(shape, t.shape) && Double.compare(scale, t.scale) == 0 && offset == t.offset;
    }

    public int hashCode()
    {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    public String toString()
    {
        return name + "#" + id + ":" + dtype + Arrays.toString(shape) + (quantized() ? " scale " + scale + " offset " + offset : "");
    }
}
