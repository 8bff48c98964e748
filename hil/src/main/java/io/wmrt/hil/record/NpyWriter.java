package io.wmrt.hil.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one numpy array file (.npy, format version 1.0), element by element in C order (last axis
 * fastest), through a 64 KiB buffer, so an array larger than memory can be streamed out. The shape is
 * fixed when the file is created and the header is written at once; {@link #close()} refuses a file
 * that did not receive exactly as many elements as its shape holds.
 *
 * <p>Layout of the file, as numpy's {@code np.load} reads it:
 * <pre>
 *   offset    bytes  content
 *   0         6      magic: 0x93 'N' 'U' 'M' 'P' 'Y'
 *   6         1      major version 1
 *   7         1      minor version 0
 *   8         2      header length HL, uint16 little endian
 *   10        HL     ASCII: {'descr': '&lt;f4', 'fortran_order': False, 'shape': (T, 13), }
 *                    padded with spaces and ended by '\n', so that 10 + HL is a multiple of 64
 *   10 + HL   ...    the elements, C order, each little endian (see {@link NpyDtype})
 * </pre>
 * A one-dimensional shape is written {@code (T,)}, as Python spells a one-element tuple.
 *
 * <p>Not thread safe: owned by the thread that writes the file.
 */
public final class NpyWriter implements AutoCloseable
{
    public static final int PREAMBLE_LENGTH = 10;
    public static final int HEADER_ALIGNMENT = 64;
    public static final int MAX_HEADER_LENGTH = 0xFFFF;

    private static final byte[] MAGIC = {(byte)0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final byte MAJOR_VERSION = 1;
    private static final byte MINOR_VERSION = 0;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final Path file;
    private final NpyDtype dtype;
    private final String shapeText;
    private final long elementCount;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean closed;

    private NpyWriter(final Path file, final NpyDtype dtype, final int[] shape, final FileChannel channel)
    {
        this.file = file;
        this.dtype = dtype;
        this.shapeText = shapeTuple(shape);
        this.elementCount = elementCount(shape);
        this.channel = channel;
    }

    /**
     * Creates {@code file}, which must not exist yet, and writes its header.
     *
     * @param file  where to write
     * @param dtype element type
     * @param shape array shape, every dimension at least 0; no dimension at all is a scalar (one element)
     * @throws java.nio.file.FileAlreadyExistsException when the file exists
     */
    public static NpyWriter create(final Path file, final NpyDtype dtype, final int... shape) throws IOException
    {
        final byte[] header = header(dtype, shape);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        final NpyWriter writer = new NpyWriter(file, dtype, shape.clone(), channel);
        writer.buffer.put(header);
        return writer;
    }

    /**
     * The magic, version, header length and header dict of an array of {@code dtype} and {@code shape}:
     * everything before the first element, a multiple of {@link #HEADER_ALIGNMENT} bytes long.
     */
    public static byte[] header(final NpyDtype dtype, final int... shape)
    {
        elementCount(shape);
        final String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': " +
            shapeTuple(shape) + ", }";
        final int unpadded = PREAMBLE_LENGTH + dict.length() + 1;
        final int padding = (HEADER_ALIGNMENT - unpadded % HEADER_ALIGNMENT) % HEADER_ALIGNMENT;
        final int headerLength = dict.length() + padding + 1;
        if (headerLength > MAX_HEADER_LENGTH)
        {
            throw new IllegalArgumentException("npy 1.0 header longer than 65535 bytes for shape " + shapeTuple(shape));
        }
        final ByteBuffer bytes = ByteBuffer.allocate(PREAMBLE_LENGTH + headerLength).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(MAGIC).put(MAJOR_VERSION).put(MINOR_VERSION).putShort((short)headerLength);
        bytes.put(dict.getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < padding; i++)
        {
            bytes.put((byte)' ');
        }
        bytes.put((byte)'\n');
        return bytes.array();
    }

    public Path file()
    {
        return file;
    }

    public NpyDtype dtype()
    {
        return dtype;
    }

    /** Elements the shape holds. */
    public long elementCount()
    {
        return elementCount;
    }

    /** Elements written so far. */
    public long elementsWritten()
    {
        return written;
    }

    /** Appends one element of a {@link NpyDtype#FLOAT32} file. */
    public void putFloat(final float value) throws IOException
    {
        claim(NpyDtype.FLOAT32);
        buffer.putFloat(value);
    }

    /** Appends {@code length} elements of a {@link NpyDtype#FLOAT32} file from {@code values}. */
    public void putFloats(final float[] values, final int offset, final int length) throws IOException
    {
        for (int i = offset, end = offset + length; i < end; i++)
        {
            putFloat(values[i]);
        }
    }

    /** Appends one element of a {@link NpyDtype#INT32} file. */
    public void putInt(final int value) throws IOException
    {
        claim(NpyDtype.INT32);
        buffer.putInt(value);
    }

    /** Appends one element of a {@link NpyDtype#INT64} file. */
    public void putLong(final long value) throws IOException
    {
        claim(NpyDtype.INT64);
        buffer.putLong(value);
    }

    /** Appends one element, 0 to 255, of a {@link NpyDtype#UINT8} file. */
    public void putUint8(final int value) throws IOException
    {
        if (value < 0 || value > 0xFF)
        {
            throw new IllegalArgumentException(file + ": uint8 element out of range: " + value);
        }
        claim(NpyDtype.UINT8);
        buffer.put((byte)value);
    }

    /**
     * Writes what is buffered, forces it to the storage device and closes the file. The file is a complete
     * array only when this returns normally; closing again does nothing.
     *
     * @throws IllegalStateException when fewer elements were written than the shape holds (the file is
     *                               closed, and incomplete)
     */
    @Override
    public void close() throws IOException
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try (FileChannel toClose = channel)
        {
            if (written != elementCount)
            {
                throw new IllegalStateException(file + ": " + written + " of the " + elementCount +
                    " elements of shape " + shapeText + " written");
            }
            flush();
            toClose.force(false);
        }
    }

    private void claim(final NpyDtype type) throws IOException
    {
        if (type != dtype)
        {
            throw new IllegalStateException(file + " holds " + dtype.descr() + " elements, not " + type.descr());
        }
        if (closed)
        {
            throw new IllegalStateException(file + " is closed");
        }
        if (written == elementCount)
        {
            throw new IllegalStateException(file + ": all " + elementCount + " elements of shape " + shapeText +
                " already written");
        }
        if (buffer.remaining() < Long.BYTES)
        {
            flush();
        }
        written++;
    }

    private void flush() throws IOException
    {
        buffer.flip();
        while (buffer.hasRemaining())
        {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private static long elementCount(final int[] shape)
    {
        long count = 1;
        for (final int dimension : shape)
        {
            if (dimension < 0)
            {
                throw new IllegalArgumentException("negative dimension in shape " + shapeTuple(shape));
            }
            count = Math.multiplyExact(count, dimension);
        }
        return count;
    }

    private static String shapeTuple(final int[] shape)
    {
        final StringBuilder text = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++)
        {
            text.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return text.append(shape.length == 1 ? ",)" : ")").toString();
    }
}
