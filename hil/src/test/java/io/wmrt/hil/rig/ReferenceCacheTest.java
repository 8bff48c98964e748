package io.wmrt.hil.rig;

import io.wmrt.hil.metrics.NavsimRuler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The reference driver's cache is used only when it is ours and current; anything else means a fresh run. */
class ReferenceCacheTest
{
    @TempDir
    Path dir;

    private NavsimRuler.Reference read(final String text) throws Exception
    {
        final Path file = dir.resolve("seed-1.properties");
        Files.writeString(file, text);
        return ReferenceDriver.read(file, "abc");
    }

    @Test
    void readsItsOwnCurrentCache() throws Exception
    {
        final NavsimRuler.Reference r = read("format=" + ReferenceDriver.FORMAT +
            "\ndigest=abc\nprogress_m=239.01234\nfailed=lk,ddc\n");
        assertEquals(239.01234, r.progressM());
        assertEquals(Set.of("ddc", "lk"), r.failed());
    }

    @Test
    void refusesStaleGarbageAndNonsense() throws Exception
    {
        final String head = "format=" + ReferenceDriver.FORMAT + "\n";
        assertNull(read(head + "digest=old\nprogress_m=10\n"), "another input's digest");
        assertNull(read("format=other/1\ndigest=abc\nprogress_m=10\n"), "another format");
        assertNull(read(head + "digest=abc\nprogress_m=NaN\n"));
        assertNull(read(head + "digest=abc\nprogress_m=Infinity\n"));
        assertNull(read(head + "digest=abc\nprogress_m=-3\n"));
        assertNull(read(head + "digest=abc\nprogress_m=ten\n"));
        assertNull(read(head + "digest=abc\n"), "no progress");
        assertNull(read(head + "digest=abc\nprogress_m=1\\u12\n"), "a malformed escape");
        assertNull(read("\u0000\u00ff garbage \\uZZZZ"));
        assertNull(ReferenceDriver.read(dir.resolve("missing.properties"), "abc"));
    }
}
