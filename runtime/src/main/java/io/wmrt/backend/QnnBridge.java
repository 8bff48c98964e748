package io.wmrt.backend;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The JNI bridge in {@code jni/} that drives a QNN backend library ({@code libQnnHtp.so}) directly: it loads the
 * library, checks its API version, creates the backend, device and contexts from precompiled context binaries,
 * and runs a graph in one JNI call that quantizes the arena's float32 inputs, executes, and dequantizes the
 * outputs back, allocating nothing on the Java heap. The jar carries the bridge for linux-x86_64 and
 * linux-aarch64; the one for this machine is extracted and loaded once per JVM. The QNN backend library itself
 * is opened per {@link QnnDirectBackend}, from the profile's {@code npu.backend_path}.
 * <p>
 * {@link #availability()} is safe from any thread; the native calls follow {@link QnnDirectBackend}'s contract.
 */
public final class QnnBridge
{
    public static final String LIBRARY = "libwmrt_qnn_bridge.so";

    /** Which call a run failed in, as {@link #failure0} reports it in its high 32 bits. */
    static final int CALL_GRAPH_EXECUTE = 1;
    static final int CALL_CONTEXT_RECREATE = 2;
    static final int CALL_GRAPH_RETRIEVE = 3;
    static final int CALL_MEM_REGISTER = 4;

    /** The QNN error that means the DSP subsystem restarted under the call (QNN_COMMON_ERROR_SYSTEM_COMMUNICATION). */
    public static final int ERROR_SYSTEM_COMMUNICATION = 1007;

    private static final Availability AVAILABILITY = load();

    private QnnBridge()
    {
    }

    /**
     * @return whether the bridge itself loaded, for this platform, or why not.
     */
    public static Availability availability()
    {
        return AVAILABILITY;
    }

    /**
     * Loads the backend library and checks its API version.
     *
     * @return the library handle.
     * @throws IllegalStateException with the reason the user sees (library not found, version not accepted).
     */
    static native long open0(String backendPath);

    static native String describe0(long library);

    static native int coreMinor0(long library);

    /**
     * Creates log, backend and device, then sets the power mode. The device is created with an HTP custom config
     * carrying the HTP arch and, when {@code socModel} is not 0, one carrying the SoC model; every context created
     * later carries the priority.
     *
     * @param powerMode see {@link QnnDirectBackend#powerMode}.
     * @param htpArch   the HTP generation as QNN numbers it: 73 for v73.
     * @param socModel  QNN's SoC model number, or 0 to let the backend detect the SoC.
     * @param priority  see {@link QnnDirectBackend#contextPriority}.
     * @return a warning when the power mode could not be set, else null.
     * @throws IllegalStateException naming the call that failed, its QNN error code and the config it was given.
     */
    static native String start0(long library, int powerMode, int htpArch, int socModel, int priority);

    static native void stop0(long library);

    static native long contextCreate0(long library, byte[] binary);

    static native int recreations0(long context);

    static native void contextFree0(long context);

    static native long bind0(long context, String graphName, String[] names, long[] ids, int[] dataTypes, float[] scales,
        int[] offsets, long[][] shapes, long[] addresses, int inputCount);

    /**
     * @return 0, or non-zero with the failure kept for {@link #failure0}.
     */
    static native int run0(long graph);

    /**
     * @return the last failure of {@link #run0}: call in the high 32 bits, QNN error code in the low 32.
     */
    static native long failure0(long graph);

    /**
     * @return "error CODE (NAME)" for a QNN error code.
     */
    static native String errorText0(int code);

    static native void release0(long graph);

    private static Availability load()
    {
        final String platform = NativeOrtBridge.platform();
        if (null == platform)
        {
            return Availability.no("no QNN bridge for " + System.getProperty("os.name") + " " +
                System.getProperty("os.arch") + " (built for linux-x86_64 and linux-aarch64)");
        }
        final String resource = "/native/" + platform + "/" + LIBRARY;
        try (InputStream in = QnnBridge.class.getResourceAsStream(resource))
        {
            if (null == in)
            {
                return Availability.no("the QNN bridge " + resource + " is not on the class path (wmrt-jni was " +
                    "built without it)");
            }
            final Path file = Files.createTempFile("wmrt_qnn_bridge", ".so");
            file.toFile().deleteOnExit();
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toString());
            return Availability.yes("QNN bridge (" + platform + ")");
        }
        catch (final IOException | UnsatisfiedLinkError ex)
        {
            return Availability.no("the QNN bridge cannot load: " + ex.getMessage());
        }
    }
}
