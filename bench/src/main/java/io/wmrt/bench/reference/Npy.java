package io.wmrt.bench.reference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The little of NumPy's .npy format the decision corpus needs: version 1 or 2 headers, C order, the dtypes the
 * rig records ({@code <f4}, {@code <i4}, {@code <i8}, {@code |u1}), read whole. Anything else is refused, naming
 * the file.
 */
public final class Npy
{
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public final String dtype;
    public final int[] shape;
    private final ByteBuffer data;

    private Npy(final String dtype, final int[] shape, final ByteBuffer data)
    {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    public static Npy read(final Path file) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.remaining() < 10 || bytes.get() != (byte)0x93 || bytes.get() != 'N' || bytes.get() != 'U' ||
            bytes.get() != 'M' || bytes.get() != 'P' || bytes.get() != 'Y')
        {
            throw new IOException(file + ": not a .npy file");
        }
        final int major = bytes.get();
        bytes.get();
        final int headerLength = major == 1 ? Short.toUnsignedInt(bytes.getShort()) : bytes.getInt();
        final byte[] header = new byte[headerLength];
        bytes.get(header);
        final String text = new String(header, StandardCharsets.ISO_8859_1);
        final Matcher descr = DESCR.matcher(text);
        final Matcher order = ORDER.matcher(text);
        final Matcher shapeText = SHAPE.matcher(text);
        if (!descr.find() || !order.find() || !shapeText.find() || order.group(1).equals("True"))
        {
            throw new IOException(file + ": header not understood (or Fortran order): " + text.trim());
        }
        final String[] dims = shapeText.group(1).split(",");
        int count = 0;
        for (final String dim : dims)
        {
            if (!dim.isBlank())
            {
                count++;
            }
        }
        final int[] shape = new int[count];
        long elements = 1;
        for (int i = 0, j = 0; i < dims.length; i++)
        {
            if (!dims[i].isBlank())
            {
                try
                {
                    shape[j] = Integer.parseInt(dims[i].trim());
                }
                catch (final NumberFormatException ex)
                {
                    throw new IOException(file + ": shape " + shapeText.group(1) + " is not a list of counts");
                }
                if (shape[j] < 0)
                {
                    throw new IOException(file + ": negative dimension in shape " + shapeText.group(1));
                }
                elements *= shape[j++];
            }
        }
        final String dtype = descr.group(1);
        final int size = switch (dtype)
        {
            case "<f4", "<i4" -> 4;
            case "<i8" -> 8;
            case "|u1" -> 1;
            default -> throw new IOException(file + ": dtype " + dtype + " not supported");
        };
        if (bytes.remaining() != elements * size)
        {
            throw new IOException(file + ": " + bytes.remaining() + " bytes of data, the header says " +
                elements * size);
        }
        return new Npy(dtype, shape, bytes.slice().order(ByteOrder.LITTLE_ENDIAN));
    }

    public float f4(final int index)
    {
        return data.getFloat(index * 4);
    }

    public int i4(final int index)
    {
        return data.getInt(index * 4);
    }

    public long i8(final int index)
    {
        return data.getLong(index * 8);
    }

    public int u1(final int index)
    {
        return Byte.toUnsignedInt(data.get(index));
    }
}
