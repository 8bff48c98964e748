package io.wmrt.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads and verifies a model package directory, in this order: manifest format; the Ed25519 signature (refused
 * when the trust demands one that is missing or does not verify); every graph's sha256, on the bytes read once
 * and kept with the graph ({@link GraphSpec#bytes()}); every graph's real inputs and outputs, as ONNX Runtime
 * reports them from those same bytes, against the declared tensors; and the planner contract the runtime relies
 * on ({@link ModelPackage} writes it down). ONNX Runtime parses nothing before the signature and digests hold,
 * and never reads a graph file itself. Every refusal names the file or tensor and what differs.
 * <p>
 * Stateless: safe from any thread.
 */
public final class ModelPackageLoader
{
    public static final String MANIFEST = "manifest.yaml";
    public static final String FORMAT = "wmrt-model/1";
    /** Optional planner key: what a risk of 1.0 costs the plan (see {@link ModelPackage#riskCost()}). */
    public static final String RISK_COST_KEY = "risk_cost";
    private static final Set<String> ROLES = Set.of(ModelPackage.ENCODER, ModelPackage.ROLLOUT, "decoder");
    private static final Set<String> DTYPES = Set.of("float32", "int8", "uint8", "int32", "int64");
    /** Every tensor name the planner writes. */
    private static final List<String> PLANNER_WRITES = List.of(ModelPackage.AGENTS_TENSOR, ModelPackage.EGO_TENSOR,
        ModelPackage.ROUTE_TENSOR, ModelPackage.LIGHTS_TENSOR, ModelPackage.ACTIONS_TENSOR);
    /** Every tensor name the planner writes or reads. */
    private static final List<String> PLANNER_TENSORS = List.of(ModelPackage.AGENTS_TENSOR, ModelPackage.EGO_TENSOR,
        ModelPackage.ROUTE_TENSOR, ModelPackage.LIGHTS_TENSOR, ModelPackage.ACTIONS_TENSOR,
        ModelPackage.AGENT_FUTURE_TENSOR, ModelPackage.RISK_TENSOR, ModelPackage.AGENT_MOVES_TENSOR);
    /** What the encoder may not call its outputs: every planner tensor except the one it may produce. */
    private static final List<String> ENCODER_RESERVED = PLANNER_TENSORS.stream()
        .filter(name -> !name.equals(ModelPackage.AGENT_MOVES_TENSOR)).toList();
    /** What the rollout may not call its outputs: what the planner writes, and the encoder's agent_moves. */
    private static final List<String> ROLLOUT_RESERVED = Stream.concat(
        PLANNER_WRITES.stream(), Stream.of(ModelPackage.AGENT_MOVES_TENSOR)).toList();

    /**
     * What the loader demands of signatures.
     *
     * @param requireSigned refuse a package that carries no signature.
     * @param trustedKeys   public key files; a signature must verify under one of them.
     */
    public record Trust(boolean requireSigned, List<Path> trustedKeys)
    {
        public static Trust none()
        {
            return new Trust(false, List.of());
        }
    }

    private ModelPackageLoader()
    {
    }

    public static ModelPackage load(final Path dir, final Trust trust) throws ConfigException
    {
        final Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile))
        {
            throw new ConfigException(dir, null, "not a model package: no " + MANIFEST);
        }
        final String text;
        try
        {
            text = Files.readString(manifestFile, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new ConfigException(manifestFile, null, "cannot read (" + ex + ")", ex);
        }

        final StrictYaml root = StrictYaml.parse(manifestFile, text);
        final String format = root.string("format");
        if (!FORMAT.equals(format))
        {
            throw new ConfigException(manifestFile, "format", "'" + format + "' is not supported; expected " + FORMAT);
        }
        final String name = root.string("name");
        final String version = root.string("version");
        final ModelPackage.Precision precision = root.choice("precision", ModelPackage.Precision.class);
        root.string("description");

        final StrictYaml p = root.section("planner");
        final ModelPackage.PlannerShape shape = new ModelPackage.PlannerShape(
            (int)p.integer("candidates", 1, 4096),
            (int)p.integer("horizon_steps", 1, 32),
            p.number("dt_s", 0.01, 2.0),
            (int)p.integer("max_agents", 1, 32),
            p.number("agent_range_m", 1, 10_000));
        final OptionalDouble riskCost = p.has(RISK_COST_KEY) ?
            OptionalDouble.of(p.number(RISK_COST_KEY, 0, 1_000_000)) : OptionalDouble.empty();
        final String riskCostPath = p.path(RISK_COST_KEY);
        p.finish();

        final StrictYaml a = root.section("action_space");
        final List<String> actionNames = a.stringList("names", ModelPackage.ACTION_DIMS);
        if (actionNames.size() != ModelPackage.ACTION_DIMS)
        {
            throw new ConfigException(manifestFile, a.path("names"),
                "the planner drives " + ModelPackage.ACTION_DIMS + " actions (acceleration, steering), got " +
                actionNames.size());
        }
        final double[] lower = a.numberList("lower", ModelPackage.ACTION_DIMS, -100, 100);
        final double[] upper = a.numberList("upper", ModelPackage.ACTION_DIMS, -100, 100);
        for (int i = 0; i < lower.length; i++)
        {
            if (lower[i] >= upper[i])
            {
                throw new ConfigException(manifestFile, a.path("lower") + "[" + i + "]",
                    "lower bound " + lower[i] + " is not below upper bound " + upper[i]);
            }
        }
        a.finish();

        final StrictYaml g = root.section("graphs");
        final Map<String, GraphSpec> graphs = new LinkedHashMap<>();
        for (final String role : g.keys())
        {
            if (!ROLES.contains(role))
            {
                throw new ConfigException(manifestFile, g.path(role), "unknown graph role; known: " + ROLES);
            }
            graphs.put(role, readGraph(dir, role, g.section(role)));
        }
        g.finish();
        for (final String required : List.of(ModelPackage.ENCODER, ModelPackage.ROLLOUT))
        {
            if (!graphs.containsKey(required))
            {
                throw new ConfigException(manifestFile, g.path(required), "missing required graph");
            }
        }

        final List<QnnBinaries.Declared> qnn = root.has(QnnBinaries.SECTION) ?
            QnnBinaries.declare(dir, root.section(QnnBinaries.SECTION)) : List.of();

        final StrictYaml l = root.section("lineage");
        final Map<String, String> lineage = new LinkedHashMap<>();
        for (final String key : l.keys())
        {
            lineage.put(key, l.string(key));
        }
        l.finish();

        String signatureKeyId = null;
        byte[] signature = null;
        if (root.has("signature"))
        {
            final StrictYaml s = root.section("signature");
            final String algorithm = s.string("algorithm");
            if (!ModelSignature.ALGORITHM.equals(algorithm))
            {
                throw new ConfigException(manifestFile, s.path("algorithm"), "'" + algorithm + "' is not supported; " +
                    "wmrt signs with " + ModelSignature.ALGORITHM);
            }
            signatureKeyId = s.string("key_id");
            try
            {
                signature = Base64.getDecoder().decode(s.string("value"));
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigException(manifestFile, s.path("value"), "not valid base64", ex);
            }
            s.finish();
        }
        root.finish();

        boolean anyQuantized = false;
        for (final GraphSpec spec : graphs.values())
        {
            if (spec.quantized() && precision != ModelPackage.Precision.INT8_QDQ)
            {
                throw new ConfigException(manifestFile, "graphs." + spec.role() + ".quantization",
                    "graph declares int8 quantization but the package precision is " + precision);
            }
            anyQuantized |= spec.quantized();
        }
        if (precision == ModelPackage.Precision.INT8_QDQ && !anyQuantized)
        {
            throw new ConfigException(manifestFile, "precision",
                "package says int8-qdq but no graph declares its quantization");
        }

        // The signature vouches for the manifest, and the manifest for every graph's digest: it is checked before
        // any graph is read, so ONNX Runtime's parser never sees a graph the profile does not trust.
        final String signedBy = verifySignature(manifestFile, text, signatureKeyId, signature, trust);
        final Map<String, GraphSpec> read = readVerifiedGraphs(graphs);
        for (final GraphSpec spec : read.values())
        {
            verifyTensors(spec);
        }
        // Context binaries are read after the graphs they compile are known good, and checked against them.
        final Map<String, GraphSpec> verified = QnnBinaries.attach(manifestFile, qnn, read);
        verifyPlannerContract(manifestFile, shape, verified);
        if (riskCost.isPresent() && null == verified.get(ModelPackage.ROLLOUT).output(ModelPackage.RISK_TENSOR))
        {
            throw new ConfigException(manifestFile, riskCostPath, "prices the rollout's '" +
                ModelPackage.RISK_TENSOR + "' output, but the rollout declares none");
        }

        return new ModelPackage(dir, name, version, precision, shape, riskCost, lower, upper,
            Collections.unmodifiableMap(verified), Collections.unmodifiableMap(lineage), signedBy);
    }

    private static GraphSpec readGraph(final Path dir, final String role, final StrictYaml node)
        throws ConfigException
    {
        final Path fileName = node.filePath("file");
        final Path file = dir.resolve(fileName).normalize();
        if (!file.startsWith(dir.normalize()))
        {
            throw new ConfigException(node.file(), node.path("file"), "'" + fileName + "' lies outside the package");
        }
        final String sha256 = node.string("sha256");
        if (!sha256.matches("[0-9a-f]{64}"))
        {
            throw new ConfigException(node.file(), node.path("sha256"), "expected 64 lowercase hex digits");
        }
        final List<TensorSpec> inputs = readTensors(node, "inputs");
        final List<TensorSpec> outputs = readTensors(node, "outputs");
        boolean quantized = false;
        if (node.has("quantization"))
        {
            quantized = true;
            for (final StrictYaml q : node.sectionList("quantization", 1))
            {
                final String tensor = q.string("tensor");
                boolean known = false;
                for (final TensorSpec t : inputs)
                {
                    known |= t.name().equals(tensor);
                }
                for (final TensorSpec t : outputs)
                {
                    known |= t.name().equals(tensor);
                }
                if (!known)
                {
                    throw new ConfigException(q.file(), q.path("tensor"),
                        "quantizes tensor '" + tensor + "', which is not an input or output of " + role);
                }
                final String dtype = q.string("dtype");
                if (!"int8".equals(dtype) && !"uint8".equals(dtype))
                {
                    throw new ConfigException(q.file(), q.path("dtype"), "'" + dtype + "' is not int8 or uint8");
                }
                q.integer("axis", -8, 8);
                final long[] zeroPoints = q.integerList("zero_point", 1, -128, 255);
                q.numberList("scale", zeroPoints.length, Double.MIN_NORMAL, 1e6);
                q.finish();
            }
        }
        node.finish();
        return new GraphSpec(role, file, sha256, inputs, outputs, quantized);
    }

    private static List<TensorSpec> readTensors(final StrictYaml node, final String key) throws ConfigException
    {
        final List<TensorSpec> specs = new ArrayList<>();
        for (final StrictYaml t : node.sectionList(key, 1))
        {
            final String tensorName = t.string("name");
            final String dtype = t.string("dtype");
            if (!DTYPES.contains(dtype))
            {
                throw new ConfigException(t.file(), t.path("dtype"), "'" + dtype + "' is not one of " + DTYPES);
            }
            final long[] shape = t.integerList("shape", 1, 1, 1 << 20);
            t.finish();
            specs.add(new TensorSpec(tensorName, dtype, shape));
        }
        return Collections.unmodifiableList(specs);
    }

    /**
     * Read each graph file once and keep the bytes its digest holds for: everything after this (ONNX Runtime's
     * view of the tensors, every backend's session) works on these bytes, never on the file.
     */
    private static Map<String, GraphSpec> readVerifiedGraphs(final Map<String, GraphSpec> declared)
        throws ConfigException
    {
        final Map<String, GraphSpec> verified = new LinkedHashMap<>();
        for (final GraphSpec spec : declared.values())
        {
            verified.put(spec.role(), spec.withVerifiedBytes(readVerified(spec)));
        }
        return verified;
    }

    private static byte[] readVerified(final GraphSpec spec) throws ConfigException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(spec.file());
        }
        catch (final IOException ex)
        {
            throw new ConfigException(spec.file(), null, "graph '" + spec.role() + "' cannot be read (" + ex + ")", ex);
        }
        final String actual = ModelSignature.sha256Hex(bytes);
        if (!actual.equals(spec.sha256()))
        {
            throw new ConfigException(spec.file(), null, "sha256 differs from the manifest: manifest says " +
                spec.sha256() + ", file has " + actual + " (file altered or manifest stale)");
        }
        return bytes;
    }

    /**
     * Ask ONNX Runtime what the graph really takes and returns, and compare with the manifest.
     */
    private static void verifyTensors(final GraphSpec spec) throws ConfigException
    {
        final OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            OrtSession session = env.createSession(spec.bytes(), options))
        {
            compare(spec, "input", spec.inputs(), session.getInputInfo());
            compare(spec, "output", spec.outputs(), session.getOutputInfo());
        }
        catch (final OrtException ex)
        {
            throw new ConfigException(spec.file(), null, "ONNX Runtime cannot load the graph: " + ex.getMessage(), ex);
        }
    }

    private static void compare(
        final GraphSpec spec, final String kind, final List<TensorSpec> declared, final Map<String, NodeInfo> actual)
        throws ConfigException
    {
        for (final TensorSpec t : declared)
        {
            final NodeInfo info = actual.get(t.name());
            if (null == info)
            {
                throw new ConfigException(spec.file(), null, "declared " + kind + " tensor '" + t.name() +
                    "' does not exist in the graph; the graph's " + kind + "s are " + actual.keySet());
            }
            if (!(info.getInfo() instanceof TensorInfo))
            {
                throw new ConfigException(spec.file(), null, kind + " '" + t.name() + "' is not a tensor");
            }
            final TensorInfo ti = (TensorInfo)info.getInfo();
            final String dtype = dtypeName(ti.type);
            if (!t.dtype().equals(dtype))
            {
                throw new ConfigException(spec.file(), null, kind + " tensor '" + t.name() + "': manifest declares " +
                    t.dtype() + ", graph has " + dtype);
            }
            if (!Arrays.equals(t.shape(), ti.getShape()))
            {
                throw new ConfigException(spec.file(), null, kind + " tensor '" + t.name() + "': manifest declares " +
                    "shape " + t.shapeText() + ", graph has " + Arrays.toString(ti.getShape()) +
                    " (graphs must have static shapes that match)");
            }
        }
        if (actual.size() != declared.size())
        {
            final List<String> undeclared = new ArrayList<>(actual.keySet());
            for (final TensorSpec t : declared)
            {
                undeclared.remove(t.name());
            }
            throw new ConfigException(spec.file(), null, "graph has " + kind + " tensors the manifest does not " +
                "declare: " + undeclared);
        }
    }

    private static String dtypeName(final OnnxJavaType type)
    {
        switch (type)
        {
            case FLOAT:
                return "float32";
            case INT8:
                return "int8";
            case UINT8:
                return "uint8";
            case INT32:
                return "int32";
            case INT64:
                return "int64";
            default:
                return type.toString().toLowerCase();
        }
    }

    /**
     * The planner packs agents, actions and the optional ego, route and lights, and reads predicted poses and
     * the optional risk, at fixed places: the graphs must agree with the manifest's planner shape, and may
     * declare no encoder input the planner does not pack. The declarations were compared with ONNX Runtime's
     * view of each graph before this, so what holds for them holds for the graphs.
     */
    private static void verifyPlannerContract(
        final Path manifest, final ModelPackage.PlannerShape shape, final Map<String, GraphSpec> graphs)
        throws ConfigException
    {
        final GraphSpec encoder = graphs.get(ModelPackage.ENCODER);
        final GraphSpec rollout = graphs.get(ModelPackage.ROLLOUT);
        expect(manifest, encoder, encoder.input(ModelPackage.AGENTS_TENSOR), "input",
            new long[]{1, shape.maxAgents(), ModelPackage.AGENT_FEATURES});
        expect(manifest, rollout, rollout.input(ModelPackage.ACTIONS_TENSOR), "input",
            new long[]{shape.candidates(), shape.horizon(), ModelPackage.ACTION_DIMS});
        expect(manifest, rollout, rollout.output(ModelPackage.AGENT_FUTURE_TENSOR), "output",
            new long[]{shape.candidates(), shape.horizon(), shape.maxAgents(), 3});
        for (int i = 0; i < encoder.inputs().size(); i++)
        {
            final String name = encoder.inputs().get(i).name();
            if (!ModelPackage.ENCODER_INPUTS.contains(name))
            {
                throw new ConfigException(manifest, "graphs.encoder.inputs[" + i + "].name", "encoder input '" +
                    name + "' is not one the planner packs; an encoder takes " + ModelPackage.ENCODER_INPUTS +
                    ", of which only '" + ModelPackage.AGENTS_TENSOR + "' is required (misspelt?)");
            }
        }
        expectOptional(manifest, encoder, true, ModelPackage.EGO_TENSOR,
            new long[]{1, ModelPackage.EGO_FEATURES});
        expectOptional(manifest, encoder, true, ModelPackage.ROUTE_TENSOR,
            new long[]{1, ModelPackage.ROUTE_POINTS, ModelPackage.ROUTE_FEATURES});
        expectOptional(manifest, encoder, true, ModelPackage.LIGHTS_TENSOR,
            new long[]{1, ModelPackage.LIGHT_SLOTS, ModelPackage.LIGHT_FEATURES});
        expectOptional(manifest, rollout, false, ModelPackage.RISK_TENSOR, new long[]{shape.candidates()});
        expectOptional(manifest, encoder, false, ModelPackage.AGENT_MOVES_TENSOR, new long[]{1, shape.maxAgents()});
        // The arena shares one buffer per name: a graph's own tensor named like one the planner writes or reads
        // would be overwritten by the planner, or mistaken for the planner's.
        refuseReservedOutputNames(manifest, encoder, ENCODER_RESERVED);
        refuseReservedOutputNames(manifest, rollout, ROLLOUT_RESERVED);
        for (final TensorSpec in : rollout.inputs())
        {
            if (!in.name().equals(ModelPackage.ACTIONS_TENSOR) && null == encoder.output(in.name()))
            {
                throw new ConfigException(manifest, "graphs.rollout.inputs",
                    "rollout input '" + in.name() + "' is neither 'actions' nor an encoder output");
            }
            if (!in.name().equals(ModelPackage.ACTIONS_TENSOR) && !in.equals(encoder.output(in.name())))
            {
                throw new ConfigException(manifest, "graphs.rollout.inputs",
                    "rollout input " + in + " differs from encoder output " + encoder.output(in.name()));
            }
        }
        for (final GraphSpec spec : graphs.values())
        {
            for (final List<TensorSpec> list : List.of(spec.inputs(), spec.outputs()))
            {
                for (final TensorSpec t : list)
                {
                    if (!"float32".equals(t.dtype()))
                    {
                        throw new ConfigException(manifest, "graphs." + spec.role(), "tensor " + t +
                            ": the runtime binds float32 inputs and outputs (int8 lives inside QDQ graphs)");
                    }
                }
            }
        }
    }

    private static void expect(
        final Path manifest, final GraphSpec graph, final TensorSpec spec, final String kind, final long[] shape)
        throws ConfigException
    {
        final String want = (kind.equals("input") ? graph.role() + " input" : graph.role() + " output");
        if (null == spec)
        {
            throw new ConfigException(manifest, "graphs." + graph.role(), "the planner needs a " + want +
                " named '" + (graph.role().equals(ModelPackage.ENCODER) ? ModelPackage.AGENTS_TENSOR :
                kind.equals("input") ? ModelPackage.ACTIONS_TENSOR : ModelPackage.AGENT_FUTURE_TENSOR) + "'");
        }
        if (!Arrays.equals(spec.shape(), shape))
        {
            throw new ConfigException(manifest, "graphs." + graph.role(), want + " tensor '" + spec.name() +
                "' has shape " + spec.shapeText() + " but the planner section implies " + Arrays.toString(shape));
        }
    }

    /**
     * An optional planner tensor, when the graph declares it, must be float32 of exactly the planner's shape.
     */
    private static void expectOptional(
        final Path manifest, final GraphSpec graph, final boolean input, final String name, final long[] shape)
        throws ConfigException
    {
        final TensorSpec spec = input ? graph.input(name) : graph.output(name);
        if (null == spec)
        {
            return;
        }
        final String kind = input ? "inputs" : "outputs";
        final String key = "graphs." + graph.role() + "." + kind + "[" +
            (input ? graph.inputs() : graph.outputs()).indexOf(spec) + "]";
        final String what = graph.role() + (input ? " input '" : " output '") + name + "'";
        if (!"float32".equals(spec.dtype()))
        {
            throw new ConfigException(manifest, key + ".dtype", what + " is " + spec.dtype() + " but the planner " +
                (input ? "packs" : "reads") + " it as float32");
        }
        if (!Arrays.equals(spec.shape(), shape))
        {
            throw new ConfigException(manifest, key + ".shape", what + " has shape " + spec.shapeText() +
                " but the planner " + (input ? "packs " : "reads ") + Arrays.toString(shape) +
                " (see the planner's tensor contract in the runtime's ModelPackage)");
        }
    }

    private static void refuseReservedOutputNames(
        final Path manifest, final GraphSpec graph, final List<String> reserved) throws ConfigException
    {
        for (int i = 0; i < graph.outputs().size(); i++)
        {
            final String name = graph.outputs().get(i).name();
            if (reserved.contains(name))
            {
                throw new ConfigException(manifest, "graphs." + graph.role() + ".outputs[" + i + "].name",
                    graph.role() + " output '" + name + "' takes the name of a tensor the planner writes or reads " +
                    "itself " + reserved + "; rename it");
            }
        }
    }

    private static String verifySignature(
        final Path manifest, final String text, final String keyId, final byte[] signature, final Trust trust)
        throws ConfigException
    {
        if (null == signature)
        {
            if (trust.requireSigned())
            {
                throw new ConfigException(manifest, "signature",
                    "package is unsigned but the profile requires signed models (sign it with 'wmrt sign')");
            }
            return null;
        }
        final String body = ModelSignature.body(text);
        for (final Path keyFile : trust.trustedKeys())
        {
            final PublicKey key;
            try
            {
                key = ModelSignature.readPublicKey(keyFile);
            }
            catch (final IOException | GeneralSecurityException ex)
            {
                throw new ConfigException(keyFile, null, "trusted key cannot be read (" + ex.getMessage() + ")", ex);
            }
            if (!ModelSignature.keyId(key).equals(keyId))
            {
                continue;
            }
            try
            {
                if (ModelSignature.verify(body, signature, key))
                {
                    return keyId;
                }
            }
            catch (final GeneralSecurityException ex)
            {
                throw new ConfigException(manifest, "signature.value", "cannot be verified: " + ex.getMessage(), ex);
            }
            throw new ConfigException(manifest, "signature.value", "does not verify under trusted key " + keyId +
                " (" + keyFile + "): the manifest was changed after signing");
        }
        if (trust.requireSigned())
        {
            throw new ConfigException(manifest, "signature.key_id", "signed by key " + keyId +
                ", which is not among the profile's trusted keys " + trust.trustedKeys());
        }
        return null;
    }
}
