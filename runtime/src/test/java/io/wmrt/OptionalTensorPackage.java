package io.wmrt;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A model package that uses the planner's optional tensors, written for a test by
 * {@code runtime/src/test/python/make_optional_tensor_package.py} (cv-baseline's graphs plus the optional
 * encoder inputs, echoed back as the encoder output {@code context}, and a rollout {@code risk} that calls
 * every accelerating candidate risky). It needs Debian's {@code python3-onnx} under {@code /usr/bin/python3},
 * as the baseline's generator does: without it the calling test is skipped, except under {@code CI=true},
 * where CI installs it and its absence is a failure.
 * <p>
 * Stateless: safe from any thread.
 */
public final class OptionalTensorPackage
{
    /** The interpreter the model generators are written for (Debian's, with python3-onnx). */
    public static final String PYTHON = "/usr/bin/python3";
    /** Encoder output echoing ego, route and lights as packed, flattened in that order: [1, 8 + 192 + 12]. */
    public static final String CONTEXT_TENSOR = "context";
    /** Risk the rollout gives a candidate per m/s^2 of mean acceleration, before clipping to [0, 1]. */
    public static final double RISK_PER_MPS2 = 10.0;
    private static final long TIMEOUT_SECONDS = 120;

    private OptionalTensorPackage()
    {
    }

    /**
     * Write the package into {@code dir}.
     *
     * @param options the script's options: none for ego, route, lights and risk as the contract wants them;
     *                {@code --input NAME:DTYPE:DIMS} (repeatable, replaces the default inputs),
     *                {@code --risk DTYPE:DIMS}, {@code --no-risk}.
     * @return {@code dir}.
     */
    public static Path write(final Path dir, final String... options) throws IOException, InterruptedException
    {
        assumeOnnx();
        final Path script = TestRepo.root().resolve("runtime/src/test/python/make_optional_tensor_package.py");
        final List<String> command = new ArrayList<>(List.of(PYTHON, script.toString(), dir.toString()));
        command.addAll(List.of(options));
        final Result result = run(command);
        assertEquals(0, result.exitCode, String.join(" ", command) + "\n" + result.output);
        return dir;
    }

    private static void assumeOnnx() throws InterruptedException
    {
        String problem;
        try
        {
            final Result result = run(List.of(PYTHON, "-c", "import onnx, numpy"));
            problem = result.exitCode == 0 ? null : result.output.trim();
        }
        catch (final IOException ex)
        {
            problem = ex.getMessage();
        }
        if (null == problem)
        {
            return;
        }
        final String message = PYTHON + " with onnx is not available (apt-get install python3-onnx): " + problem;
        if ("true".equals(System.getenv("CI")))
        {
            fail(message);
        }
        Assumptions.abort(message);
    }

    private record Result(int exitCode, String output)
    {
    }

    private static Result run(final List<String> command) throws IOException, InterruptedException
    {
        final Path log = Files.createTempFile("optional-tensor-package", ".log");
        try
        {
            final Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS))
            {
                process.destroyForcibly().waitFor();
                fail(command + " did not finish within " + TIMEOUT_SECONDS + " s\n" + Files.readString(log));
            }
            return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
        }
        finally
        {
            Files.deleteIfExists(log);
        }
    }
}
