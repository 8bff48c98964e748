package io.wmrt.hil.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest
{
    @TempDir
    Path dir;

    @Test
    void headerIsTheNumpyDictPaddedWithSpacesToAMultipleOfSixtyFourBytes()
    {
        // 10 bytes of preamble + 59 of dict + newline = 70, padded to 128.
        final byte[] header = NpyWriter.header(NpyDtype.FLOAT32, 3, 4);
        assertEquals(128, header.length);
        assertArrayEquals(new byte[] {(byte)0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, Arrays.copyOf(header, 10));
        final String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";
        assertEquals(dict + " ".repeat(117 - dict.length()) + "\n",
            new String(header, 10, 118, StandardCharsets.US_ASCII));
    }

    @Test
    void everyHeaderIsAlignedToSixtyFourBytesAndEndsWithANewline()
    {
        final int[][] shapes = {{}, {0}, {7}, {3, 4}, {123456, 13}, {1000, 32, 30, 4}, {0, 32, 30}};
        for (final NpyDtype dtype : NpyDtype.values())
        {
            for (final int[] shape : shapes)
            {
                final byte[] header = NpyWriter.header(dtype, shape);
                final String text = new String(header, 10, header.length - 10, StandardCharsets.US_ASCII);
                assertEquals(0, header.length % 64, dtype + " " + Arrays.toString(shape));
                assertEquals(header.length - 10, (header[8] & 0xFF) | (header[9] & 0xFF) << 8);
                assertTrue(text.endsWith("\n") && text.trim().endsWith("}"), text);
                assertTrue(text.contains("'descr': '" + dtype.descr() + "'"), text);
            }
        }
        assertTrue(new String(NpyWriter.header(NpyDtype.INT32, 7), StandardCharsets.US_ASCII).contains("(7,)"),
            "a one-dimensional shape is a one-element tuple");
        assertTrue(new String(NpyWriter.header(NpyDtype.INT32), StandardCharsets.US_ASCII).contains("'shape': ()"));
    }

    @Test
    void elementsAreWrittenLittleEndianInCOrderForEveryDtype() throws IOException
    {
        final Path floats = dir.resolve("f.npy");
        try (NpyWriter out = NpyWriter.create(floats, NpyDtype.FLOAT32, 2, 3))
        {
            for (int i = 0; i < 6; i++)
            {
                out.putFloat(i + 0.5f);
            }
        }
        final LoadedNpy f = LoadedNpy.load(floats);
        assertEquals("<f4", f.descr);
        assertFalse(f.fortranOrder);
        assertArrayEquals(new int[] {2, 3}, f.shape);
        assertEquals(4.5f, f.f4(1, 1));
        assertEquals(f.dataOffset() + 6 * 4, Files.size(floats));
        assertEquals(0, f.dataOffset() % 64);

        final Path ints = dir.resolve("i.npy");
        try (NpyWriter out = NpyWriter.create(ints, NpyDtype.INT32, 2))
        {
            out.putInt(-2);
            out.putInt(0x01020304);
        }
        final LoadedNpy i = LoadedNpy.load(ints);
        assertEquals("<i4", i.descr);
        assertEquals(-2, i.i4(0));
        assertEquals(0x04, i.data.get(4), "least significant byte first");

        final Path longs = dir.resolve("l.npy");
        try (NpyWriter out = NpyWriter.create(longs, NpyDtype.INT64, 1))
        {
            out.putLong(1_234_567_890_123L);
        }
        assertEquals(1_234_567_890_123L, LoadedNpy.load(longs).i8(0));

        final Path bytes = dir.resolve("u.npy");
        try (NpyWriter out = NpyWriter.create(bytes, NpyDtype.UINT8, 3))
        {
            out.putUint8(0);
            out.putUint8(1);
            out.putUint8(255);
        }
        final LoadedNpy u = LoadedNpy.load(bytes);
        assertEquals("|u1", u.descr);
        assertEquals(255, u.u1(2));
    }

    @Test
    void arraysLargerThanTheBufferAreWrittenWhole() throws IOException
    {
        final Path file = dir.resolve("big.npy");
        final int n = 100_003;
        try (NpyWriter out = NpyWriter.create(file, NpyDtype.FLOAT32, n))
        {
            for (int i = 0; i < n; i++)
            {
                out.putFloat(i);
            }
            assertEquals(n, out.elementsWritten());
        }
        final LoadedNpy loaded = LoadedNpy.load(file);
        assertEquals(loaded.dataOffset() + 4L * n, Files.size(file));
        assertEquals(16_385.0f, loaded.f4(16_385));
        assertEquals(n - 1, loaded.f4(n - 1));
    }

    @Test
    void shouldRefuseAFileWithTooFewElementsNamingTheFileAndTheCount() throws IOException
    {
        final Path file = dir.resolve("short.npy");
        final NpyWriter out = NpyWriter.create(file, NpyDtype.FLOAT32, 3);
        out.putFloat(1.0f);
        out.putFloat(2.0f);
        final IllegalStateException refused = assertThrows(IllegalStateException.class, out::close);
        assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("2 of the 3 elements of shape (3,)"), refused.getMessage());
        out.close();
    }

    @Test
    void shouldRefuseElementsBeyondTheShapeOrOfAnotherDtype() throws IOException
    {
        try (NpyWriter out = NpyWriter.create(dir.resolve("one.npy"), NpyDtype.INT32, 1))
        {
            assertThrows(IllegalStateException.class, () -> out.putFloat(1.0f));
            assertThrows(IllegalStateException.class, () -> out.putLong(1L));
            out.putInt(7);
            assertThrows(IllegalStateException.class, () -> out.putInt(8));
        }
        try (NpyWriter out = NpyWriter.create(dir.resolve("u.npy"), NpyDtype.UINT8, 1))
        {
            assertThrows(IllegalArgumentException.class, () -> out.putUint8(256));
            assertThrows(IllegalArgumentException.class, () -> out.putUint8(-1));
            out.putUint8(3);
        }
    }

    @Test
    void shouldRefuseToOverwriteAnExistingFile() throws IOException
    {
        final Path file = dir.resolve("taken.npy");
        Files.writeString(file, "keep me");
        assertThrows(FileAlreadyExistsException.class, () -> NpyWriter.create(file, NpyDtype.FLOAT32, 1));
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void anEmptyArrayIsJustTheHeader() throws IOException
    {
        final Path file = dir.resolve("empty.npy");
        NpyWriter.create(file, NpyDtype.FLOAT32, 0, 13).close();
        final LoadedNpy loaded = LoadedNpy.load(file);
        assertArrayEquals(new int[] {0, 13}, loaded.shape);
        assertEquals(loaded.dataOffset(), Files.size(file));
    }
}
