package io.wmrt.golden;

import io.wmrt.backend.TensorArena;
import io.wmrt.config.ConfigException;
import io.wmrt.model.GraphSpec;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.TensorSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A package's golden output ({@code golden.json}), read and held against the package: the fixed input to fill
 * an arena with before the graphs run, and the recorded outputs to compare the arena's with after. The graphs
 * run over one arena in {@link #runOrder(ModelPackage)}, so the encoder's latent feeds the rollout as it does
 * on the road. {@link GoldenOutput#check} runs them on ONNX Runtime's CPU provider; {@code wmrt board-check}
 * on every backend a board has.
 * <p>
 * Immutable once read: safe from any thread; the arena is the caller's.
 */
public final class GoldenReference
{
    private final ModelPackage model;
    private final Path file;
    private final GoldenFile golden;
    private final List<String> staleGraphs;

    /**
     * What one graph's outputs did against the recorded ones.
     *
     * @param role           graph role.
     * @param maxAbsError    largest |got - expected| over the recorded values of the graph's outputs (NaN when
     *                       an output is NaN).
     * @param differences    what differs beyond tolerance, one text per output (tensor, index, values); empty
     *                       when the graph gives its golden output.
     * @param firstDiffering name of the first output that differs, or null.
     */
    public record Comparison(String role, double maxAbsError, List<String> differences, String firstDiffering)
    {
        public boolean matches()
        {
            return differences.isEmpty();
        }
    }

    private GoldenReference(
        final ModelPackage model, final Path file, final GoldenFile golden, final List<String> staleGraphs)
    {
        this.model = model;
        this.file = file;
        this.golden = golden;
        this.staleGraphs = staleGraphs;
    }

    /**
     * Read the package's {@code golden.json} and check that it was recorded for this package's name, inputs
     * and outputs.
     *
     * @throws ConfigException naming the file when there is none (with the command that records one), when it
     *                         is malformed, or when it was recorded for another package or other tensors.
     */
    public static GoldenReference read(final ModelPackage model) throws ConfigException
    {
        final Path file = model.dir().resolve(GoldenOutput.FILE);
        if (!Files.isRegularFile(file))
        {
            throw new ConfigException(file, null, "package '" + model.name() + "' has no golden output; record it: " +
                GoldenOutput.recordCommand(model.dir()));
        }
        final GoldenFile golden = GoldenFile.read(file);
        if (!golden.packageName().equals(model.name()))
        {
            throw new ConfigException(file, "package", "was recorded for package '" + golden.packageName() +
                "', not '" + model.name() + "'; record this package's own: " + GoldenOutput.recordCommand(model.dir()));
        }
        checkTensors(file, model, golden);
        return new GoldenReference(model, file, golden, staleGraphs(model, golden));
    }

    /**
     * Encoder first, then rollout, then any other role in manifest order: each graph's inputs are written
     * before it runs.
     */
    public static List<GraphSpec> runOrder(final ModelPackage model)
    {
        final List<GraphSpec> order = new ArrayList<>();
        order.add(model.graph(ModelPackage.ENCODER));
        order.add(model.graph(ModelPackage.ROLLOUT));
        for (final GraphSpec graph : model.graphs().values())
        {
            if (!order.contains(graph))
            {
                order.add(graph);
            }
        }
        return order;
    }

    public Path file()
    {
        return file;
    }

    /**
     * @return one text per graph whose sha256 is not the one the file was recorded with (and one when the
     * roles differ); empty when the file was recorded for these graphs.
     */
    public List<String> staleGraphs()
    {
        return staleGraphs;
    }

    /**
     * @return a fresh arena bound to every graph of the package, in run order, all zeros.
     */
    public static TensorArena bind(final ModelPackage model)
    {
        final TensorArena arena = new TensorArena();
        for (final GraphSpec graph : runOrder(model))
        {
            arena.bind(graph);
        }
        return arena;
    }

    /**
     * @return a fresh arena bound to every graph of the package, holding the golden input.
     */
    public TensorArena arena()
    {
        final TensorArena arena = bind(model);
        fill(arena);
        return arena;
    }

    /**
     * Write the golden input into an arena bound to the package's graphs.
     */
    public void fill(final TensorArena arena)
    {
        for (final GoldenFile.Input input : golden.inputs())
        {
            arena.floats(input.name()).put(input.values());
        }
    }

    /**
     * Compare what one graph wrote into the arena with what was recorded for it.
     */
    public Comparison compare(final TensorArena arena, final String role)
    {
        double maxAbsError = 0;
        String firstDiffering = null;
        final List<String> differences = new ArrayList<>();
        for (final GoldenFile.Output expected : golden.outputs())
        {
            if (!expected.graph().equals(role))
            {
                continue;
            }
            final float[] got = new float[GoldenFile.count(expected.shape())];
            arena.floats(expected.name()).get(got);
            for (int i = 0; i < expected.indices().length; i++)
            {
                final double off = Math.abs(got[expected.indices()[i]] - (double)expected.values()[i]);
                maxAbsError = Double.isNaN(off) ? off : Math.max(maxAbsError, off);
            }
            final String difference = GoldenOutput.compare(expected, got);
            if (null != difference)
            {
                firstDiffering = null == firstDiffering ? expected.name() : firstDiffering;
                differences.add(difference);
            }
        }
        return new Comparison(role, maxAbsError, Collections.unmodifiableList(differences), firstDiffering);
    }

    private static List<String> staleGraphs(final ModelPackage model, final GoldenFile golden)
    {
        final List<String> stale = new ArrayList<>();
        for (final GraphSpec graph : runOrder(model))
        {
            final String recorded = golden.graphDigests().get(graph.role());
            if (!graph.sha256().equals(recorded))
            {
                stale.add(graph.role() + " (recorded for sha256 " + recorded + ", the manifest pins " +
                    graph.sha256() + ")");
            }
        }
        if (golden.graphDigests().size() != runOrder(model).size())
        {
            stale.add("graph roles " + golden.graphDigests().keySet() + " recorded, the package has " +
                model.graphs().keySet());
        }
        return Collections.unmodifiableList(stale);
    }

    private static void checkTensors(final Path file, final ModelPackage model, final GoldenFile golden)
        throws ConfigException
    {
        final List<String> want = new ArrayList<>();
        for (final TensorSpec spec : GoldenOutput.freeInputs(model).values())
        {
            want.add(spec.name() + spec.shapeText());
        }
        final List<String> have = new ArrayList<>();
        for (final GoldenFile.Input input : golden.inputs())
        {
            have.add(input.name() + Arrays.toString(input.shape()));
        }
        if (!have.equals(want))
        {
            throw new ConfigException(file, "inputs", "package '" + model.name() + "': golden.json holds inputs " +
                have + " but the package's graphs read " + want + "; re-record it: " +
                GoldenOutput.recordCommand(model.dir()));
        }
        want.clear();
        for (final GraphSpec graph : runOrder(model))
        {
            for (final TensorSpec spec : graph.outputs())
            {
                want.add(graph.role() + ":" + spec.name() + spec.shapeText());
            }
        }
        have.clear();
        for (final GoldenFile.Output output : golden.outputs())
        {
            have.add(output.graph() + ":" + output.name() + Arrays.toString(output.shape()));
        }
        if (!have.equals(want))
        {
            throw new ConfigException(file, "outputs", "package '" + model.name() + "': golden.json holds outputs " +
                have + " but the package's graphs write " + want + "; re-record it: " +
                GoldenOutput.recordCommand(model.dir()));
        }
    }
}
