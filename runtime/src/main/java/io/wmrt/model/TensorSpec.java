package io.wmrt.model;

import java.util.Arrays;

/**
 * A graph input or output as the manifest declares it: name, element type and static shape.
 *
 * @param name  tensor name inside the graph.
 * @param dtype element type, as ONNX spells it in lower case (float32, int8, ...).
 * @param shape static shape; every dimension is positive.
 */
public record TensorSpec(String name, String dtype, long[] shape)
{
    public long elementCount()
    {
        long n = 1;
        for (final long d : shape)
        {
            n *= d;
        }
        return n;
    }

    public int byteSize()
    {
        return Math.toIntExact(elementCount() * elementBytes(dtype));
    }

    public static int elementBytes(final String dtype)
    {
        switch (dtype)
        {
            case "float32":
            case "int32":
                return 4;
            case "int8":
            case "uint8":
                return 1;
            case "int64":
                return 8;
            default:
                throw new IllegalArgumentException("unsupported dtype " + dtype);
        }
    }

    public String shapeText()
    {
        return Arrays.toString(shape);
    }

    public boolean equals(final Object o)
    {
        return o instanceof TensorSpec && name.equals(((TensorSpec)o).name) &&
            dtype.equals(((TensorSpec)o).dtype) && Arrays.equals(shape, ((TensorSpec)o).shape);
    }

    public int hashCode()
    {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    public String toString()
    {
        return name + ":" + dtype + shapeText();
    }
}
