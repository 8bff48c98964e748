package io.wmrt.backend;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.wmrt.nativelib.NativePlatform;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI bridge in {@code jni/} that runs an ONNX Runtime session through IoBinding over the runtime's own
 * buffers: a run allocates nothing on the Java heap. The jar carries the bridge for linux-x86_64 and
 * linux-aarch64; the one for this machine is extracted and loaded once. The bridge binds to the
 * libonnxruntime that ONNX Runtime Java loaded, after checking its version.
 * <p>
 * {@link #availability()} is safe from any thread; bind, run and release follow {@link NativeOrtBackend}.
 */
public final class NativeOrtBridge
{
    public static final String LIBRARY = "libwmrt_ort_bridge.so";

    private static final Availability AVAILABILITY = load();

    private NativeOrtBridge()
    {
    }

    /**
     * @return whether the bridge loaded and accepted this process's ONNX Runtime, and which version or why not.
     */
    public static Availability availability()
    {
        return AVAILABILITY;
    }

    /**
     * The {@code OrtSession*} behind an ONNX Runtime Java session.
     */
    static long sessionHandle(final OrtSession session)
    {
        try
        {
            final Field field = OrtSession.class.getDeclaredField("nativeHandle");
            field.setAccessible(true);
            return field.getLong(session);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("this ONNX Runtime Java has no OrtSession.nativeHandle", ex);
        }
    }

    static native String open0();

    static native long bind0(long session, String[] names, long[] addresses, long[] lengths, long[][] shapes,
        int inputCount);

    static native int run0(long binding);

    static native long runRepeatedly0(long binding, int count);

    static native String error0(long binding);

    static native void release0(long binding);

    static String platform()
    {
        return NativePlatform.current();
    }

    private static Availability load()
    {
        final String platform = platform();
        if (null == platform)
        {
            return Availability.no("no native bridge for " + System.getProperty("os.name") + " " +
                System.getProperty("os.arch") + " (built for linux-x86_64 and linux-aarch64)");
        }
        final String resource = "/native/" + platform + "/" + LIBRARY;
        try (InputStream in = NativeOrtBridge.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                return Availability.no("the native bridge " + resource + " is not on the class path (wmrt-jni " +
                    "was built without it)");
            }
            final Path file = Files.createTempFile("wmrt_ort_bridge", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            // ONNX Runtime Java must have loaded libonnxruntime before the bridge looks for it.
            OrtEnvironment.getEnvironment();
            System.load(file.toString());
            return Availability.yes("native IoBinding bridge (" + platform + ") over ONNX Runtime " + open0());
        }
        catch (final IOException | UnsatisfiedLinkError | IllegalStateException ex)
        {
            return Availability.no("the native bridge cannot load: " + ex.getMessage());
        }
    }
}
