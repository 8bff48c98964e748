package io.wmrt.golden;

import io.wmrt.config.AtomicFiles;
import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A package's {@code golden.json}: a fixed input and what the package's graphs answered to it. The format is
 * written down once, here and in {@code models/GOLDEN.md}:
 * <pre>
 * {
 *   "format": "wmrt-golden/1",
 *   "package": "cv-baseline",                               the manifest's name
 *   "graphs": {"encoder": "ee79...", "rollout": "133e..."},  sha256 of each graph it was recorded with
 *   "seed": 1,                                               SplitMix64 seed of the input and the indices
 *   "recorded_with": "ort-cpu, ONNX Runtime 1.24.1 ...",     provenance, never compared
 *   "inputs": {                                              every graph input no graph produces
 *     "agents": {"shape": [1, 32, 8], "values": [...]},      every element, row-major
 *     "actions": {"shape": [64, 30, 2], "values": [...]}
 *   },
 *   "outputs": {                                             every output of every graph
 *     "latent": {
 *       "graph": "encoder",
 *       "shape": [1, 32, 6],
 *       "tolerance": {"absolute": 1.0E-4, "relative": 1.0E-4,
 *                     "step_axis": 2, "steps": [0.5, ...]},  steps only for tensors the manifest quantizes
 *       "sum": ..., "sum_abs": ..., "sum_squares": ...,      over every element, in float64, row-major order
 *       "indices": [...],                                    flat row-major indices, ascending
 *       "values": [...]                                      the expected value at each index
 *     }, ...
 *   }
 * }
 * </pre>
 * Every float32 is written as the decimal of its exact float64 value, so any float64 JSON reader (Python's
 * {@code json}, then {@code numpy.float32}) gets the float32 back bit for bit. JSON is YAML's flow syntax:
 * the runtime reads the file with {@link StrictYaml}, which refuses unknown, missing and duplicate keys.
 *
 * @param packageName  the manifest name of the package it was recorded for.
 * @param graphDigests sha256 of each graph, by role, when it was recorded.
 * @param seed         seed of the input values and the sampled indices.
 * @param recordedWith backend, ONNX Runtime version and machine that recorded it.
 * @param inputs       the fixed input, in run order.
 * @param outputs      the expected outputs, in run order.
 */
record GoldenFile(
    String packageName,
    Map<String, String> graphDigests,
    long seed,
    String recordedWith,
    List<Input> inputs,
    List<Output> outputs)
{
    static final String NAME = "golden.json";
    static final String FORMAT = "wmrt-golden/1";

    private static final int VALUES_PER_LINE = 8;

    /**
     * One input tensor, every element.
     *
     * @param name   tensor name.
     * @param shape  static shape, as the manifest declares it.
     * @param values every element, row-major.
     */
    record Input(String name, long[] shape, float[] values)
    {
    }

    /**
     * How far a recomputed value may lie from the recorded one: {@code absolute + relative * |expected|}, plus
     * one quantization step of the element's channel for a tensor the manifest quantizes.
     *
     * @param absolute allowed difference at any magnitude.
     * @param relative allowed difference per unit of the expected value's magnitude.
     * @param stepAxis axis the steps run along, or -1 when the tensor is not quantized.
     * @param steps    one quantization step per index along {@code stepAxis}; empty when not quantized.
     */
    record Tolerance(double absolute, double relative, int stepAxis, double[] steps)
    {
        boolean quantized()
        {
            return stepAxis >= 0;
        }

        double allowed(final int index, final long[] shape, final double expected)
        {
            return absolute + relative * Math.abs(expected) + step(index, shape);
        }

        double largestStep()
        {
            double largest = 0;
            for (final double step : steps)
            {
                largest = Math.max(largest, step);
            }
            return largest;
        }

        private double step(final int index, final long[] shape)
        {
            if (!quantized())
            {
                return 0;
            }
            long stride = 1;
            for (int d = shape.length - 1; d > stepAxis; d--)
            {
                stride *= shape[d];
            }
            return steps[(int)((index / stride) % shape[stepAxis])];
        }
    }

    /**
     * One output tensor: whole-tensor statistics and the expected values at sampled indices.
     *
     * @param name       tensor name.
     * @param graph      role of the graph that produces it.
     * @param shape      static shape, as the manifest declares it.
     * @param tolerance  how far a recomputed value may lie from the recorded one.
     * @param sum        sum of every element, in float64, row-major order.
     * @param sumAbs     sum of every element's magnitude.
     * @param sumSquares sum of every element's square.
     * @param indices    flat row-major indices of the sampled elements, ascending.
     * @param values     the recorded value at each sampled index.
     */
    record Output(
        String name,
        String graph,
        long[] shape,
        Tolerance tolerance,
        double sum,
        double sumAbs,
        double sumSquares,
        int[] indices,
        float[] values)
    {
    }

    static GoldenFile read(final Path file) throws ConfigException
    {
        if (!Files.isRegularFile(file))
        {
            throw new ConfigException(file, null, "no such file");
        }
        final StrictYaml root = StrictYaml.load(file);
        final String format = root.string("format");
        if (!FORMAT.equals(format))
        {
            throw new ConfigException(file, "format", "'" + format + "' is not supported; expected " + FORMAT);
        }
        final String packageName = root.string("package");

        final StrictYaml g = root.section("graphs");
        final Map<String, String> digests = new LinkedHashMap<>();
        for (final String role : g.keys())
        {
            digests.put(role, g.string(role));
        }
        g.finish();

        final long seed = root.integer("seed", 0, Long.MAX_VALUE);
        final String recordedWith = root.string("recorded_with");

        final StrictYaml in = root.section("inputs");
        final List<Input> inputs = new ArrayList<>();
        for (final String name : in.keys())
        {
            final StrictYaml t = in.section(name);
            final long[] shape = t.integerList("shape", 1, 1, 1 << 20);
            final float[] values = floats(t, "values", count(shape));
            t.finish();
            inputs.add(new Input(name, shape, values));
        }
        in.finish();

        final StrictYaml out = root.section("outputs");
        final List<Output> outputs = new ArrayList<>();
        for (final String name : out.keys())
        {
            outputs.add(readOutput(file, name, out.section(name)));
        }
        out.finish();
        root.finish();

        return new GoldenFile(packageName, Collections.unmodifiableMap(digests), seed, recordedWith,
            Collections.unmodifiableList(inputs), Collections.unmodifiableList(outputs));
    }

    void write(final Path file) throws IOException
    {
        final StringBuilder json = new StringBuilder(1 << 17);
        json.append("{\n");
        json.append("  \"format\": ").append(quote(FORMAT)).append(",\n");
        json.append("  \"package\": ").append(quote(packageName)).append(",\n");
        json.append("  \"graphs\": {");
        String separator = "";
        for (final Map.Entry<String, String> e : graphDigests.entrySet())
        {
            json.append(separator).append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            separator = ", ";
        }
        json.append("},\n");
        json.append("  \"seed\": ").append(seed).append(",\n");
        json.append("  \"recorded_with\": ").append(quote(recordedWith)).append(",\n");

        json.append("  \"inputs\": {\n");
        for (int i = 0; i < inputs.size(); i++)
        {
            final Input input = inputs.get(i);
            json.append("    ").append(quote(input.name())).append(": {\n");
            json.append("      \"shape\": ").append(longs(input.shape())).append(",\n");
            json.append("      \"values\": ");
            appendArray(json, input.values().length, at -> (double)input.values()[at], "      ");
            json.append("\n    }").append(i + 1 < inputs.size() ? ",\n" : "\n");
        }
        json.append("  },\n");

        json.append("  \"outputs\": {\n");
        for (int i = 0; i < outputs.size(); i++)
        {
            final Output output = outputs.get(i);
            final Tolerance tolerance = output.tolerance();
            json.append("    ").append(quote(output.name())).append(": {\n");
            json.append("      \"graph\": ").append(quote(output.graph())).append(",\n");
            json.append("      \"shape\": ").append(longs(output.shape())).append(",\n");
            json.append("      \"tolerance\": {\"absolute\": ").append(tolerance.absolute())
                .append(", \"relative\": ").append(tolerance.relative());
            if (tolerance.quantized())
            {
                json.append(", \"step_axis\": ").append(tolerance.stepAxis()).append(", \"steps\": [");
                for (int s = 0; s < tolerance.steps().length; s++)
                {
                    json.append(s > 0 ? ", " : "").append(tolerance.steps()[s]);
                }
                json.append(']');
            }
            json.append("},\n");
            json.append("      \"sum\": ").append(output.sum()).append(",\n");
            json.append("      \"sum_abs\": ").append(output.sumAbs()).append(",\n");
            json.append("      \"sum_squares\": ").append(output.sumSquares()).append(",\n");
            json.append("      \"indices\": ");
            appendArray(json, output.indices().length, at -> output.indices()[at], "      ");
            json.append(",\n      \"values\": ");
            appendArray(json, output.values().length, at -> (double)output.values()[at], "      ");
            json.append("\n    }").append(i + 1 < outputs.size() ? ",\n" : "\n");
        }
        json.append("  }\n");
        json.append("}\n");
        AtomicFiles.write(file, json.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    static int count(final long[] shape)
    {
        long n = 1;
        for (final long d : shape)
        {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static Output readOutput(final Path file, final String name, final StrictYaml t) throws ConfigException
    {
        final String graph = t.string("graph");
        final long[] shape = t.integerList("shape", 1, 1, 1 << 20);
        final int count = count(shape);

        final StrictYaml tol = t.section("tolerance");
        final double absolute = tol.number("absolute", 0, 1e6);
        final double relative = tol.number("relative", 0, 1);
        int stepAxis = -1;
        double[] steps = new double[0];
        if (tol.has("step_axis"))
        {
            stepAxis = (int)tol.integer("step_axis", 0, shape.length - 1);
            steps = tol.numberList("steps", (int)shape[stepAxis], 0, 1e6);
        }
        tol.finish();

        final double sum = t.number("sum", -Double.MAX_VALUE, Double.MAX_VALUE);
        final double sumAbs = t.number("sum_abs", 0, Double.MAX_VALUE);
        final double sumSquares = t.number("sum_squares", 0, Double.MAX_VALUE);
        final long[] indices = t.integerList("indices", 1, 0, count - 1);
        final int[] flat = new int[indices.length];
        for (int i = 0; i < indices.length; i++)
        {
            if (i > 0 && indices[i] <= indices[i - 1])
            {
                throw new ConfigException(file, t.path("indices") + "[" + i + "]",
                    "indices must be strictly ascending; " + indices[i] + " follows " + indices[i - 1]);
            }
            flat[i] = (int)indices[i];
        }
        final float[] values = floats(t, "values", flat.length);
        t.finish();
        return new Output(name, graph, shape, new Tolerance(absolute, relative, stepAxis, steps),
            sum, sumAbs, sumSquares, flat, values);
    }

    private static float[] floats(final StrictYaml node, final String key, final int size) throws ConfigException
    {
        final double[] numbers = node.numberList(key, size, -Float.MAX_VALUE, Float.MAX_VALUE);
        final float[] values = new float[size];
        for (int i = 0; i < size; i++)
        {
            // Exact: every value was written as the float64 image of a float32.
            values[i] = (float)numbers[i];
        }
        return values;
    }

    /**
     * A JSON array, {@value #VALUES_PER_LINE} elements a line, so that a re-recorded file diffs line by line.
     */
    private static void appendArray(
        final StringBuilder json, final int length, final IntFunction<Object> element, final String indent)
    {
        json.append('[');
        for (int i = 0; i < length; i++)
        {
            json.append(i == 0 ? "" : ",").append(i % VALUES_PER_LINE == 0 ? "\n  " + indent : " ");
            json.append(element.apply(i));
        }
        json.append('\n').append(indent).append(']');
    }

    private static String longs(final long[] values)
    {
        final StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < values.length; i++)
        {
            text.append(i > 0 ? ", " : "").append(values[i]);
        }
        return text.append(']').toString();
    }

    private static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
