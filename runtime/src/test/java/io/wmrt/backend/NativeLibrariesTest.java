package io.wmrt.backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The wmrt-jni jar carries both bridges (ONNX Runtime IoBinding and QNN) for both Linux targets, each an ELF
 * shared object for its machine.
 */
class NativeLibrariesTest
{
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    @ParameterizedTest
    @ValueSource(strings = {NativeOrtBridge.LIBRARY, QnnBridge.LIBRARY})
    void shouldCarryTheBridgeForX8664(final String library)
    {
        assertElf(library, "linux-x86_64", EM_X86_64, true);
    }

    @ParameterizedTest
    @ValueSource(strings = {NativeOrtBridge.LIBRARY, QnnBridge.LIBRARY})
    void shouldCarryTheBridgeForAarch64(final String library)
    {
        // Everywhere CI runs (CI=true) the cross-built library must be there; elsewhere it needs the cross gcc.
        assertElf(library, "linux-aarch64", EM_AARCH64, "true".equals(System.getenv("CI")));
    }

    @Test
    void shouldNeverCarryTheQnnTestDouble() throws IOException
    {
        for (final String platform : new String[]{"linux-x86_64", "linux-aarch64"})
        {
            try (InputStream in = NativeLibrariesTest.class.getResourceAsStream(
                "/native/" + platform + "/libqnn_test_double.so"))
            {
                assertNull(in, "the QNN test double is for tests only");
            }
        }
    }

    private static void assertElf(final String library, final String platform, final int machine,
        final boolean required)
    {
        final String resource = "/native/" + platform + "/" + library;
        try (InputStream in = NativeLibrariesTest.class.getResourceAsStream(resource))
        {
            if (!required)
            {
                Assumptions.assumeTrue(null != in, resource + " not built here (install gcc-aarch64-linux-gnu)");
            }
            assertNotNull(in, resource + " missing from the class path");
            final byte[] header = in.readNBytes(20);
            assertEquals(0x7f, header[0] & 0xff);
            assertEquals("ELF", new String(header, 1, 3, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(2, header[4], "64-bit");
            assertEquals(3, header[16] & 0xff, "a shared object (ET_DYN)");
            assertEquals(machine, (header[18] & 0xff) | (header[19] & 0xff) << 8, platform + " machine");
        }
        catch (final IOException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
