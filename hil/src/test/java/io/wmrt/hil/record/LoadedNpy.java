package io.wmrt.hil.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An .npy file read back for tests, parsed from the bytes by the format's description, independently of
 * {@link NpyWriter}: magic, version 1.0, header dict, then C-order little-endian elements. Not thread safe.
 */
final class LoadedNpy
{
    private static final Pattern DESCR = Pattern.compile("'descr': '([^']*)'");
    private static final Pattern FORTRAN_ORDER = Pattern.compile("'fortran_order': (True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape': \\(([^)]*)\\)");

    final Path path;
    final int headerLength;
    final String header;
    final String descr;
    final boolean fortranOrder;
    final int[] shape;
    final ByteBuffer data;

    private LoadedNpy(final Path path, final int headerLength, final String header, final String descr,
        final boolean fortranOrder, final int[] shape, final ByteBuffer data)
    {
        this.path = path;
        this.headerLength = headerLength;
        this.header = header;
        this.descr = descr;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
        this.data = data;
    }

    static LoadedNpy load(final Path path) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] magic = new byte[6];
        bytes.get(magic);
        if (!Arrays.equals(magic, new byte[] {(byte)0x93, 'N', 'U', 'M', 'P', 'Y'}))
        {
            throw new IOException(path + ": bad magic");
        }
        final int major = bytes.get();
        final int minor = bytes.get();
        if (major != 1 || minor != 0)
        {
            throw new IOException(path + ": version " + major + "." + minor);
        }
        final int headerLength = Short.toUnsignedInt(bytes.getShort());
        final byte[] headerBytes = new byte[headerLength];
        bytes.get(headerBytes);
        final String header = new String(headerBytes, StandardCharsets.US_ASCII);
        final String descr = group(DESCR, header, path);
        final boolean fortranOrder = "True".equals(group(FORTRAN_ORDER, header, path));
        final String shapeText = group(SHAPE, header, path).trim();
        final int[] shape = shapeText.isEmpty() ? new int[0] : Arrays.stream(shapeText.split(","))
            .map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        final ByteBuffer data = bytes.slice().order(ByteOrder.LITTLE_ENDIAN);
        return new LoadedNpy(path, headerLength, header, descr, fortranOrder, shape, data);
    }

    private static String group(final Pattern pattern, final String header, final Path path) throws IOException
    {
        final Matcher matcher = pattern.matcher(header);
        if (!matcher.find())
        {
            throw new IOException(path + ": no " + pattern + " in header " + header);
        }
        return matcher.group(1);
    }

    /** Bytes before the first element. */
    int dataOffset()
    {
        return NpyWriter.PREAMBLE_LENGTH + headerLength;
    }

    long elementCount()
    {
        long count = 1;
        for (final int dimension : shape)
        {
            count *= dimension;
        }
        return count;
    }

    int elementSize()
    {
        return Integer.parseInt(descr.substring(2));
    }

    float f4(final int... index)
    {
        return data.getFloat(byteOffset(index));
    }

    int i4(final int... index)
    {
        return data.getInt(byteOffset(index));
    }

    long i8(final int... index)
    {
        return data.getLong(byteOffset(index));
    }

    int u1(final int... index)
    {
        return Byte.toUnsignedInt(data.get(byteOffset(index)));
    }

    private int byteOffset(final int[] index)
    {
        if (index.length != shape.length)
        {
            throw new IllegalArgumentException(path + ": index " + Arrays.toString(index) + " for shape " +
                Arrays.toString(shape));
        }
        long flat = 0;
        for (int axis = 0; axis < shape.length; axis++)
        {
            if (index[axis] < 0 || index[axis] >= shape[axis])
            {
                throw new IndexOutOfBoundsException(path + ": index " + Arrays.toString(index) + " for shape " +
                    Arrays.toString(shape));
            }
            flat = flat * shape[axis] + index[axis];
        }
        return Math.toIntExact(flat * elementSize());
    }
}
