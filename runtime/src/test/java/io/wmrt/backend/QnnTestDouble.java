package io.wmrt.backend;

import io.wmrt.TestRepo;
import io.wmrt.model.QnnTensor;
import io.wmrt.profile.ContextPriority;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.PerformanceMode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The TEST DOUBLE of a QNN backend library ({@code src/test/native/qnn_test_double.c}), for tests only: compiled
 * with gcc once per test JVM into {@code target/qnn-test-double/}, never packaged. Each {@link #install} copies it
 * to a directory of its own with its configuration beside it; a copy at its own path is loaded by the dynamic
 * loader as its own instance, so every test gets a fresh double, configured as it says, whatever else this JVM
 * loaded before.
 * <p>
 * Not thread safe: one per test.
 */
public final class QnnTestDouble
{
    /** The file name a copy is installed under. */
    public static final String FILE_NAME = "libQnnHtp_test_double.so";

    private static Path built;

    private final Path library;

    private QnnTestDouble(final Path library)
    {
        this.library = library;
    }

    /**
     * What the double expects of the configs of {@link #npu}'s profile unless a test says otherwise: the device
     * created for HTP v73 with no SoC model, every context with QNN's normal priority (100).
     */
    public static final List<String> NPU_CONFIG = List.of("htp_arch=73", "context_priority=100");

    /**
     * Installs a fresh copy of the double in a directory.
     *
     * @param config lines of the double's configuration, e.g. {@code "api=3.0"} or {@code "execute_error=1007@3"};
     *               they come after {@link #NPU_CONFIG}, and a key given again overrides it.
     */
    public static QnnTestDouble install(final Path directory, final String... config) throws IOException
    {
        final Path library = directory.resolve(FILE_NAME);
        Files.copy(build(), library, StandardCopyOption.REPLACE_EXISTING);
        final List<String> lines = new ArrayList<>(NPU_CONFIG);
        lines.addAll(List.of(config));
        Files.writeString(library.resolveSibling(FILE_NAME + ".conf"), String.join("\n", lines) + "\n");
        return new QnnTestDouble(library);
    }

    /**
     * @return the absolute path of this copy, to use as a profile's {@code npu.backend_path}.
     */
    public Path path()
    {
        return library;
    }

    /**
     * @return every call the double recorded, one line each, in order.
     */
    public List<String> calls() throws IOException
    {
        final Path log = library.resolveSibling(FILE_NAME + ".log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /**
     * @return the calls whose line starts with the given call name.
     */
    public List<String> calls(final String call) throws IOException
    {
        final List<String> matching = new ArrayList<>();
        for (final String line : calls())
        {
            if (line.startsWith(call))
            {
                matching.add(line);
            }
        }
        return matching;
    }

    /**
     * An NPU as a profile declares it, with this double as its backend library.
     */
    public HardwareProfile.Npu npu(final PerformanceMode mode)
    {
        return npu(library.toString(), mode);
    }

    public static HardwareProfile.Npu npu(final String backendPath, final PerformanceMode mode)
    {
        return new HardwareProfile.Npu("v73", HardwareProfile.Npu.SOC_MODEL_UNSET, 100, "test", 0, true, backendPath,
            null, mode, 8, ContextPriority.NORMAL, Path.of("/nonexistent/qnn-cache"));
    }

    /**
     * One graph of the double's context binary: output j is {@code a * in_k[i % n_k] + b} on the stored values
     * (k = j mod the number of inputs), rounded half to even and saturated to the output's type.
     */
    public record Graph(String name, double a, double b, List<QnnTensor> inputs, List<QnnTensor> outputs)
    {
    }

    /**
     * @return a context binary in the double's own format holding the graphs.
     */
    public static byte[] contextBinary(final Graph... graphs)
    {
        final StringBuilder text = new StringBuilder("WMRT-QNN-TEST-DOUBLE-CONTEXT 1\n");
        for (final Graph graph : graphs)
        {
            text.append("graph ").append(graph.name()).append(' ').append(graph.a()).append(' ').append(graph.b())
                .append('\n');
            for (final QnnTensor tensor : graph.inputs())
            {
                tensorLine(text.append("in "), tensor);
            }
            for (final QnnTensor tensor : graph.outputs())
            {
                tensorLine(text.append("out "), tensor);
            }
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void tensorLine(final StringBuilder text, final QnnTensor tensor)
    {
        // %.9g: the float the bridge passes prints back to the same float.
        text.append(tensor.name()).append(' ').append(tensor.id()).append(' ').append(tensor.dtype()).append(' ')
            .append(String.format(Locale.ROOT, "%.9g", (float)tensor.scale())).append(' ').append(tensor.offset());
        for (final long d : tensor.shape())
        {
            text.append(' ').append(d);
        }
        text.append('\n');
    }

    /**
     * Compiles the double once per JVM; without gcc the calling test is skipped, except under CI where it fails.
     */
    private static synchronized Path build() throws IOException
    {
        if (null != built)
        {
            return built;
        }
        final Path root = TestRepo.root();
        final Path source = root.resolve("runtime/src/test/native/qnn_test_double.c");
        final Path out = root.resolve("runtime/target/qnn-test-double/libqnn_test_double.so");
        Files.createDirectories(out.getParent());
        final List<String> command = List.of("gcc", "-std=c11", "-O2", "-fPIC", "-shared", "-fvisibility=hidden",
            "-Wall", "-Wextra", "-Werror", "-I", root.resolve("jni/src").toString(), "-o", out.toString(),
            source.toString(), "-ldl", "-lm");
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            if ("true".equals(System.getenv("CI")))
            {
                throw new IOException("gcc is needed to build the QNN test double: " + ex.getMessage(), ex);
            }
            Assumptions.abort("gcc not found: the QNN test double cannot be built (" + ex.getMessage() + ")");
            throw ex;
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try
        {
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0)
            {
                throw new IOException("building the QNN test double failed: " + command + "\n" + output);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while building the QNN test double", ex);
        }
        built = out;
        return out;
    }
}
