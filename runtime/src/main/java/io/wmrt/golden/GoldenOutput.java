package io.wmrt.golden;

import io.wmrt.backend.BackendException;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.backend.PreparedGraph;
import io.wmrt.backend.TensorArena;
import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.model.TensorSpec;
import io.wmrt.planner.SeededNoise;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records and checks a package's golden output ({@code golden.json}, laid out in {@link GoldenFile}): what
 * its graphs answer, on ONNX Runtime's CPU provider, to a fixed input drawn from a seed. The manifest's
 * signature guards the graphs' bytes; the golden output guards their behaviour, so that an ONNX Runtime
 * upgrade, a new CPU or a re-exported graph that computes something else is caught in CI.
 * <p>
 * Record or re-record (from the repository root, after {@code mvn -B -q -DskipTests -pl runtime -am package}):
 * <pre>
 *   java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -cp runtime/target/wmrt.jar \
 *     io.wmrt.golden.GoldenOutput --write models/cv-baseline
 * </pre>
 * and {@code --check DIR...} to compare without writing.
 * <p>
 * {@link GoldenReference} holds a package to its golden.json on any backend; this class records the file and
 * checks it on the CPU.
 * <p>
 * Stateless; each call prepares and closes its own sessions, so it is safe from any thread.
 */
public final class GoldenOutput
{
    public static final String FILE = GoldenFile.NAME;
    /** Seed of the committed golden files. */
    public static final long DEFAULT_SEED = 1;
    /** Output elements recorded per tensor; smaller tensors are recorded whole. */
    public static final int SAMPLES = 256;
    /** Allowed difference at any magnitude: ULPs of intermediates near 100 m, not a behaviour change. */
    public static final double ABSOLUTE_TOLERANCE = 1e-4;
    /** Allowed difference per unit of the expected value's magnitude. */
    public static final double RELATIVE_TOLERANCE = 1e-4;

    /** Inputs lie on a 1/GRID grid: each is a short decimal that any JSON reader turns back into the same float32. */
    private static final double GRID = 1024;
    /** Free-running inputs other than the planner's agents and actions are drawn from [-1, 1]. */
    private static final double OTHER_INPUT_RANGE = 1.0;
    private static final double MAX_AGENT_RANGE_M = 100;
    private static final double MAX_SPEED_MPS = 25;
    private static final double MAX_YAW_RATE = 0.5;
    /** Exit codes, as every wmrt command: the job ran and failed its checks; input refused. */
    private static final int EXIT_FAILED = 1;
    private static final int EXIT_BAD_INPUT = 2;
    private static final String COMMAND = "java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED " +
        "-cp runtime/target/wmrt.jar " + GoldenOutput.class.getName() + " --write ";

    private GoldenOutput()
    {
    }

    /**
     * The command that records the golden output of the package in {@code dir}, for messages.
     */
    public static String recordCommand(final Path dir)
    {
        return COMMAND + dir + " (from the repository root; see models/GOLDEN.md)";
    }

    /**
     * Run the package's graphs on the input drawn from {@code seed} and write {@code golden.json} into the
     * package directory, replacing any earlier one atomically.
     *
     * @return the file written.
     * @throws ConfigException  when an output is not finite on the golden input.
     * @throws BackendException when ONNX Runtime cannot run a graph.
     * @throws IOException      when the file cannot be written.
     */
    public static Path write(final ModelPackage model, final long seed)
        throws ConfigException, BackendException, IOException
    {
        final SeededNoise noise = new SeededNoise();
        noise.reseed(seed);
        final TensorArena arena = GoldenReference.bind(model);
        final List<GoldenFile.Input> inputs = new ArrayList<>();
        for (final TensorSpec spec : freeInputs(model).values())
        {
            final float[] values = draw(model, spec, noise);
            arena.floats(spec.name()).put(values);
            inputs.add(new GoldenFile.Input(spec.name(), spec.shape(), values));
        }

        runOnCpu(model, arena);
        final StrictYaml manifestGraphs = StrictYaml.load(model.dir().resolve(ModelPackageLoader.MANIFEST))
            .section("graphs");
        final List<GoldenFile.Output> outputs = new ArrayList<>();
        for (final GraphSpec graph : GoldenReference.runOrder(model))
        {
            for (final TensorSpec spec : graph.outputs())
            {
                final float[] got = new float[GoldenFile.count(spec.shape())];
                arena.floats(spec.name()).get(got);
                outputs.add(record(graph, spec, got, tolerance(manifestGraphs, graph, spec), noise));
            }
        }

        final Map<String, String> digests = new LinkedHashMap<>();
        for (final GraphSpec graph : GoldenReference.runOrder(model))
        {
            digests.put(graph.role(), graph.sha256());
        }
        final String recordedWith;
        try (OrtCpuBackend backend = new OrtCpuBackend(1))
        {
            recordedWith = backend.id() + ", " + backend.availability().reason() + ", " +
                System.getProperty("os.name") + " " + System.getProperty("os.arch");
        }
        final Path file = model.dir().resolve(FILE);
        new GoldenFile(model.name(), digests, seed, recordedWith, inputs, outputs).write(file);
        return file;
    }

    /**
     * Run the package's graphs on the input in its {@code golden.json} and compare with what is recorded there.
     *
     * @throws ConfigException  naming the package, the tensor and the index when an output differs, when the
     *                          file was recorded for other graphs or tensors, or when there is no golden.json
     *                          (with the command that records one).
     * @throws BackendException when ONNX Runtime cannot run a graph.
     */
    public static void check(final ModelPackage model) throws ConfigException, BackendException
    {
        final GoldenReference golden = GoldenReference.read(model);
        final TensorArena arena = golden.arena();
        runOnCpu(model, arena);
        String firstKey = null;
        final List<String> differences = new ArrayList<>();
        for (final GraphSpec graph : GoldenReference.runOrder(model))
        {
            final GoldenReference.Comparison comparison = golden.compare(arena, graph.role());
            if (!comparison.matches())
            {
                firstKey = null == firstKey ? "outputs." + comparison.firstDiffering() : firstKey;
                differences.addAll(comparison.differences());
            }
        }

        final List<String> stale = golden.staleGraphs();
        if (!stale.isEmpty())
        {
            throw new ConfigException(golden.file(), "graphs", "package '" + model.name() + "': golden.json was " +
                "recorded for other graphs: " + String.join("; ", stale) + ". On its input the package's outputs " +
                (differences.isEmpty() ? "still match it" : "differ: " + String.join("; ", differences)) +
                ". Re-record it and review its diff: " + recordCommand(model.dir()));
        }
        if (!differences.isEmpty())
        {
            throw new ConfigException(golden.file(), firstKey, "package '" + model.name() + "' no longer gives its " +
                "golden output: " + String.join("; ", differences) + ". If the change is intended, re-record it and " +
                "review its diff: " + recordCommand(model.dir()));
        }
    }

    /**
     * {@code --write [--seed N] DIR...} records, {@code --check DIR...} compares. Exit 0 when done, 1 when a
     * check failed or a graph could not run, 2 when the arguments or a package were refused.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    static int execute(final String[] args)
    {
        final String usage = "usage: GoldenOutput --write [--seed N] DIR... | --check DIR...";
        if (args.length < 2 || !(args[0].equals("--write") || args[0].equals("--check")))
        {
            System.err.println(usage);
            return EXIT_BAD_INPUT;
        }
        final boolean write = args[0].equals("--write");
        long seed = DEFAULT_SEED;
        int first = 1;
        if (write && args[1].equals("--seed"))
        {
            try
            {
                seed = Long.parseLong(args[2]);
                first = 3;
            }
            catch (final NumberFormatException | ArrayIndexOutOfBoundsException ex)
            {
                System.err.println("--seed needs a non-negative integer; " + usage);
                return EXIT_BAD_INPUT;
            }
        }
        if (first >= args.length || seed < 0)
        {
            System.err.println(usage);
            return EXIT_BAD_INPUT;
        }

        int exit = 0;
        for (int i = first; i < args.length; i++)
        {
            final Path dir = Path.of(args[i]);
            final ModelPackage model;
            try
            {
                // The signature is not what the golden output checks: CommittedPackagesTest verifies it.
                model = ModelPackageLoader.load(dir, ModelPackageLoader.Trust.none());
            }
            catch (final ConfigException ex)
            {
                System.err.println("invalid model package: " + ex.getMessage());
                exit = Math.max(exit, EXIT_BAD_INPUT);
                continue;
            }
            try
            {
                if (write)
                {
                    System.out.println(dir + ": wrote " + write(model, seed) + " (seed " + seed + ")");
                }
                else
                {
                    check(model);
                    System.out.println(dir + ": golden output reproduced");
                }
            }
            catch (final ConfigException | BackendException | IOException ex)
            {
                System.err.println(ex.getMessage());
                exit = Math.max(exit, EXIT_FAILED);
            }
        }
        return exit;
    }

    /**
     * Graph inputs that no graph produces: what the planner writes, and what golden.json must hold.
     */
    static Map<String, TensorSpec> freeInputs(final ModelPackage model)
    {
        final Map<String, TensorSpec> produced = new LinkedHashMap<>();
        final Map<String, TensorSpec> free = new LinkedHashMap<>();
        for (final GraphSpec graph : GoldenReference.runOrder(model))
        {
            for (final TensorSpec spec : graph.inputs())
            {
                if (!produced.containsKey(spec.name()))
                {
                    free.putIfAbsent(spec.name(), spec);
                }
            }
            for (final TensorSpec spec : graph.outputs())
            {
                produced.put(spec.name(), spec);
            }
        }
        return free;
    }

    /**
     * Every graph of the package over the arena, in run order, on ONNX Runtime's CPU provider with one
     * intra-op thread.
     */
    private static void runOnCpu(final ModelPackage model, final TensorArena arena) throws BackendException
    {
        try (OrtCpuBackend backend = new OrtCpuBackend(1))
        {
            final List<PreparedGraph> prepared = new ArrayList<>();
            try
            {
                for (final GraphSpec graph : GoldenReference.runOrder(model))
                {
                    prepared.add(backend.prepare(graph, arena));
                }
                for (final PreparedGraph graph : prepared)
                {
                    graph.execute();
                }
            }
            finally
            {
                prepared.forEach(PreparedGraph::close);
            }
        }
    }

    /**
     * The fixed input for one tensor. Agents and actions follow the planner's contract (see
     * {@link ModelPackage#AGENT_FEATURES}) so that the graphs see what they see on the road; any other input
     * is uniform in [-1, 1].
     */
    private static float[] draw(final ModelPackage model, final TensorSpec spec, final SeededNoise noise)
    {
        final float[] values = new float[GoldenFile.count(spec.shape())];
        if (spec.name().equals(ModelPackage.AGENTS_TENSOR))
        {
            drawAgents(model, spec, noise, values);
        }
        else if (spec.name().equals(ModelPackage.ACTIONS_TENSOR))
        {
            final int dims = ModelPackage.ACTION_DIMS;
            for (int i = 0; i < values.length; i++)
            {
                values[i] = uniform(noise, model.actionLower()[i % dims], model.actionUpper()[i % dims]);
            }
        }
        else
        {
            for (int i = 0; i < values.length; i++)
            {
                values[i] = uniform(noise, -OTHER_INPUT_RANGE, OTHER_INPUT_RANGE);
            }
        }
        return values;
    }

    /**
     * Three quarters of the slots hold agents within 90% of the package's agent range (no int8 grid
     * saturates), packed first as the planner packs them; the rest are empty slots of zeros. Slot 0 is parked
     * (speed and yaw rate 0), slot 1 drives straight (yaw rate 0).
     */
    private static void drawAgents(
        final ModelPackage model, final TensorSpec spec, final SeededNoise noise, final float[] values)
    {
        final int slots = (int)spec.shape()[1];
        final int features = ModelPackage.AGENT_FEATURES;
        final double range = 0.9 * Math.min(model.planner().agentRangeM(), MAX_AGENT_RANGE_M);
        final int agents = slots - slots / 4;
        for (int n = 0; n < agents; n++)
        {
            final int at = n * features;
            values[at] = uniform(noise, -range, range);
            values[at + 1] = uniform(noise, -range, range);
            values[at + 2] = uniform(noise, -Math.PI, Math.PI);
            values[at + 3] = n == 0 ? 0f : uniform(noise, 0, MAX_SPEED_MPS);
            values[at + 4] = n <= 1 ? 0f : uniform(noise, -MAX_YAW_RATE, MAX_YAW_RATE);
            values[at + 5] = uniform(noise, 3.5, 12);
            values[at + 6] = uniform(noise, 1.5, 2.6);
            values[at + 7] = 1f;
        }
    }

    /**
     * Uniform on the grid, within [lo, hi].
     */
    private static float uniform(final SeededNoise noise, final double lo, final double hi)
    {
        final double low = Math.ceil(lo * GRID);
        final double high = Math.floor(hi * GRID);
        return (float)(Math.rint(low + (high - low) * noise.nextUniform()) / GRID);
    }

    private static GoldenFile.Output record(
        final GraphSpec graph,
        final TensorSpec spec,
        final float[] values,
        final GoldenFile.Tolerance tolerance,
        final SeededNoise noise) throws ConfigException
    {
        double sum = 0;
        double sumAbs = 0;
        double sumSquares = 0;
        for (int i = 0; i < values.length; i++)
        {
            if (!Float.isFinite(values[i]))
            {
                throw new ConfigException(graph.file(), null, "output '" + spec.name() + "' is " + values[i] +
                    " at index " + i + " " + indexText(i, spec.shape()) + " on the golden input; a package must " +
                    "answer with finite values");
            }
            sum += values[i];
            sumAbs += Math.abs(values[i]);
            sumSquares += (double)values[i] * values[i];
        }
        final int[] indices = sample(values.length, noise);
        final float[] sampled = new float[indices.length];
        for (int i = 0; i < indices.length; i++)
        {
            sampled[i] = values[indices[i]];
        }
        return new GoldenFile.Output(spec.name(), graph.role(), spec.shape(), tolerance, sum, sumAbs, sumSquares,
            indices, sampled);
    }

    /**
     * {@link #SAMPLES} distinct indices, ascending; every index when the tensor is no larger.
     */
    private static int[] sample(final int count, final SeededNoise noise)
    {
        final boolean[] chosen = new boolean[count];
        int remaining = count <= SAMPLES ? 0 : SAMPLES;
        if (0 == remaining)
        {
            Arrays.fill(chosen, true);
        }
        while (remaining > 0)
        {
            final int index = (int)Math.floorMod(noise.nextLong(), (long)count);
            if (!chosen[index])
            {
                chosen[index] = true;
                remaining--;
            }
        }
        final int[] indices = new int[Math.min(SAMPLES, count)];
        int next = 0;
        for (int i = 0; i < count; i++)
        {
            if (chosen[i])
            {
                indices[next++] = i;
            }
        }
        return indices;
    }

    /**
     * fp32 tolerance, plus one step of the element's channel for a tensor the graph's manifest entry
     * quantizes (the loader checks those entries but keeps only whether there are any).
     */
    private static GoldenFile.Tolerance tolerance(
        final StrictYaml manifestGraphs, final GraphSpec graph, final TensorSpec spec) throws ConfigException
    {
        final StrictYaml node = manifestGraphs.section(graph.role());
        if (node.has("quantization"))
        {
            for (final StrictYaml q : node.sectionList("quantization", 1))
            {
                if (!q.string("tensor").equals(spec.name()))
                {
                    continue;
                }
                final int rank = spec.shape().length;
                final int axis = Math.floorMod((int)q.integer("axis", -rank, rank - 1), rank);
                final int channels = (int)spec.shape()[axis];
                final int scales = q.integerList("zero_point", 1, -128, 255).length;
                final double[] scale = q.numberList("scale", scales, Double.MIN_NORMAL, 1e6);
                if (scales != 1 && scales != channels)
                {
                    throw new ConfigException(q.file(), q.path("scale"), scales + " scales for tensor '" +
                        spec.name() + "', whose axis " + axis + " has " + channels + " channels");
                }
                final double[] steps = new double[channels];
                for (int c = 0; c < channels; c++)
                {
                    steps[c] = scale[scales == 1 ? 0 : c];
                }
                return new GoldenFile.Tolerance(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, axis, steps);
            }
        }
        return new GoldenFile.Tolerance(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, -1, new double[0]);
    }

    /**
     * @return null when the output matches, else what differs: tensor, index and values.
     */
    static String compare(final GoldenFile.Output expected, final float[] got)
    {
        final GoldenFile.Tolerance tolerance = expected.tolerance();
        int differing = 0;
        String first = null;
        for (int i = 0; i < expected.indices().length; i++)
        {
            final int index = expected.indices()[i];
            final double want = expected.values()[i];
            final double allowed = tolerance.allowed(index, expected.shape(), want);
            final double off = Math.abs(got[index] - want);
            if (!(off <= allowed))
            {
                differing++;
                first = null != first ? first : "output '" + expected.name() + "' of " + expected.graph() +
                    " at index " + index + " " + indexText(index, expected.shape()) + ": expected " + want +
                    ", got " + got[index] + " (off by " + brief(off) + ", allowed " + brief(allowed) + ")";
            }
        }
        if (null != first)
        {
            return first + (differing > 1 ? ", and " + (differing - 1) + " more of " + expected.indices().length +
                " recorded values" : "");
        }

        // The sums are held to what the element tolerance allows over the whole tensor, t_i <= a + r |v_i|:
        // |sum' - sum| <= n a + r L1; |sumsq' - sumsq| <= sum t_i (2 |v_i| + t_i).
        final double n = got.length;
        final double a = tolerance.absolute() + tolerance.largestStep();
        final double r = tolerance.relative();
        double sum = 0;
        double sumAbs = 0;
        double sumSquares = 0;
        for (final float v : got)
        {
            sum += v;
            sumAbs += Math.abs(v);
            sumSquares += (double)v * v;
        }
        final double l1 = expected.sumAbs();
        final double l2 = expected.sumSquares();
        final String stats = statistic(expected, "sum", sum, expected.sum(), n * a + r * l1) +
            statistic(expected, "sum of magnitudes", sumAbs, l1, n * a + r * l1) +
            statistic(expected, "sum of squares", sumSquares, l2, (2 * a + 2 * a * r) * l1 + (2 * r + r * r) * l2 +
                n * a * a);
        return stats.isEmpty() ? null : stats.substring(2);
    }

    private static String statistic(
        final GoldenFile.Output expected, final String what, final double got, final double want, final double allowed)
    {
        final double off = Math.abs(got - want);
        return off <= allowed ? "" : "; " + what + " of output '" + expected.name() + "' of " + expected.graph() +
            " over all " + GoldenFile.count(expected.shape()) + " elements: expected " + want + ", got " + got +
            " (off by " + brief(off) + ", allowed " + brief(allowed) + ")";
    }

    private static String brief(final double difference)
    {
        return String.format(Locale.ROOT, "%.3g", difference);
    }

    /**
     * The flat row-major index as a subscript, e.g. {@code [3, 12, 5, 1]}.
     */
    private static String indexText(final int index, final long[] shape)
    {
        final long[] subscript = new long[shape.length];
        long rest = index;
        for (int d = shape.length - 1; d >= 0; d--)
        {
            subscript[d] = rest % shape[d];
            rest /= shape[d];
        }
        return Arrays.toString(subscript);
    }
}
