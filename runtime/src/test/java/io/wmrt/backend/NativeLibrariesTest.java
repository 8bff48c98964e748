package io.wmrt.backend;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The wmrt-jni jar carries the bridge for both Linux targets, each an ELF shared object for its machine.
 */
class NativeLibrariesTest
{
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    @Test
    void shouldCarryTheBridgeForX8664()
    {
        assertElf("linux-x86_64", EM_X86_64, true);
    }

    @Test
    void shouldCarryTheBridgeForAarch64()
    {
        // Everywhere CI runs (CI=true) the cross-built library must be there; elsewhere it needs the cross gcc.
        assertElf("linux-aarch64", EM_AARCH64, "true".equals(System.getenv("CI")));
    }

    private static void assertElf(final String platform, final int machine, final boolean required)
    {
        final String resource = "/native/" + platform + "/" + NativeOrtBridge.LIBRARY;
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
