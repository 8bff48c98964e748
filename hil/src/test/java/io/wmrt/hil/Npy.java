package io.wmrt.hil;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the data of a little-endian .npy file (format 1.0) the dataset writes, for tests. */
final class Npy
{
    private Npy()
    {
    }

    private static ByteBuffer data(final Path file, final String dtype) throws IOException
    {
        final ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        final int headerLength = b.getShort(8) & 0xffff;
        final String header = new String(b.array(), 10, headerLength, StandardCharsets.US_ASCII);
        if (!header.contains("'descr': '" + dtype + "'"))
        {
            throw new IOException(file + ": not " + dtype + ": " + header);
        }
        return b.position(10 + headerLength).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static long[] longs(final Path file) throws IOException
    {
        final ByteBuffer b = data(file, "<i8");
        final long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    static float[] floats(final Path file) throws IOException
    {
        final ByteBuffer b = data(file, "<f4");
        final float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
