package io.wmrt.nativelib;

/**
 * Which of the wmrt-jni jar's native directories ({@code native/linux-x86_64}, {@code native/linux-aarch64})
 * serves this JVM: one answer for the ONNX Runtime and QNN bridges and the CPU affinity library.
 */
public final class NativePlatform
{
    private NativePlatform()
    {
    }

    /**
     * @return {@code linux-x86_64} or {@code linux-aarch64}, or null on any other OS or architecture.
     */
    public static String current()
    {
        final String os = System.getProperty("os.name", "").toLowerCase();
        final String arch = System.getProperty("os.arch", "");
        if (!os.contains("linux"))
        {
            return null;
        }
        switch (arch)
        {
            case "amd64":
            case "x86_64":
                return "linux-x86_64";
            case "aarch64":
            case "arm64":
                return "linux-aarch64";
            default:
                return null;
        }
    }
}
