package io.wmrt.cpu;

import io.wmrt.nativelib.NativePlatform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI side of {@link CpuAffinity}: {@code libwmrt_affinity} from the wmrt-jni jar
 * ({@code jni/src/wmrt_affinity.c}), loaded once on first use. Every call acts on the calling thread.
 */
final class NativeAffinity
{
    static final String LIBRARY = "libwmrt_affinity.so";
    /** Null when loaded, else why not. */
    static final String UNAVAILABLE = load();

    private NativeAffinity()
    {
    }

    /** @return 0, or the errno of sched_setaffinity. */
    static native int pin0(int cpu);

    static native int[] cpus0();

    static native int configuredCpus0();

    static native int threadId0();

    private static String load()
    {
        final String platform = NativePlatform.current();
        if (null == platform)
        {
            return "no affinity library for " + System.getProperty("os.name") + " " + System.getProperty("os.arch") +
                " (built for linux-x86_64 and linux-aarch64)";
        }
        final String resource = "/native/" + platform + "/" + LIBRARY;
        try (InputStream in = NativeAffinity.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                return resource + " is not on the class path (wmrt-jni was built without it)";
            }
            final Path file = Files.createTempFile("wmrt_affinity", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toString());
            return null;
        }
        catch (final IOException | UnsatisfiedLinkError ex)
        {
            return LIBRARY + " cannot load: " + ex.getMessage();
        }
    }
}
