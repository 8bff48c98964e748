package io.wmrt.backend;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.wmrt.model.GraphSpec;
import io.wmrt.profile.HardwareProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * ONNX Runtime with the QNN execution provider on the Hexagon HTP, configured from the hardware profile, with a
 * context cache so that the HTP graph is compiled once per graph, SoC and QNN stack.
 * <p>
 * Two ways in, chosen at construction and said in {@link #availability()}: Qualcomm's QNN plugin library for a
 * stock ONNX Runtime ({@code npu.ort_ep_library}, registered with the environment, its device picked from
 * {@code getEpDevices()}), else an ONNX Runtime built with QNN compiled in. Every session carries
 * {@code session.disable_cpu_ep_fallback=1}: a graph the HTP cannot take whole fails to prepare, and the
 * dispatcher says so and falls back, rather than running partly on the CPU under an NPU label.
 * <p>
 * Each prepared graph leaves one line in {@link #preparationEvents()}: compiled, loaded, regenerated (and
 * why) or rebuilt (and what was corrupt). Sessions are created from the verified graph bytes, or from the
 * cached context model that {@link QnnContextCache} checked against that graph's digest.
 * <p>
 * Not thread safe: graphs are prepared by one thread at start-up. {@link #availability()} and
 * {@link #preparationEvents()} are safe from any thread.
 */
public final class OrtQnnBackend extends OrtBackend
{
    public static final String ID = "ort-qnn";

    private final HardwareProfile.Npu npu;
    private final OrtQnnProvider provider;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Map<String, String> providerOptions;
    private OrtQnnProvider.Device pluginDevice;
    private QnnContextCache cache;
    private final Availability availability;

    /**
     * @param soc the profile's SoC id (SA8650P): contexts are cached per SoC.
     */
    public OrtQnnBackend(final String soc, final HardwareProfile.Npu npu, final int intraOpThreads)
    {
        this(soc, npu, intraOpThreads, new OnnxRuntimeQnnProvider());
    }

    OrtQnnBackend(
        final String soc, final HardwareProfile.Npu npu, final int intraOpThreads, final OrtQnnProvider provider)
    {
        super(intraOpThreads);
        this.npu = npu;
        this.provider = provider;
        this.availability = probe(soc);
    }

    public String id()
    {
        return ID;
    }

    public Availability availability()
    {
        return availability;
    }

    public boolean requiresQuantized()
    {
        return true;
    }

    /**
     * @return one line per graph prepared, in order: "ort-qnn: rollout: loaded context cache /var/cache/...".
     */
    public List<String> preparationEvents()
    {
        return List.copyOf(events);
    }

    protected void configure(final OrtSession.SessionOptions options, final GraphSpec graph) throws OrtException
    {
        if (null != pluginDevice)
        {
            provider.addPlugin(options, pluginDevice, providerOptions);
        }
        else
        {
            provider.addBuiltIn(options, providerOptions);
        }
        for (final Map.Entry<String, String> entry : QnnProviderOptions.sessionEntries().entrySet())
        {
            options.addConfigEntry(entry.getKey(), entry.getValue());
        }
    }

    /**
     * Load the cached context model when it is valid, else compile the graph and cache what the provider wrote.
     * A context model that is stale is regenerated; one that is damaged, or that the provider refuses, is set
     * aside and rebuilt: never skipped in favour of the CPU.
     */
    protected OrtSession createSession(final GraphSpec graph) throws OrtException
    {
        final String sha256 = graph.sha256();
        final QnnContextCache.Inspection found = io(() -> cache.inspect(sha256));
        final Path ctx = found.ctxFile();
        switch (found.state())
        {
            case VALID:
                return loadOrRebuild(graph, ctx);
            case STALE:
                io(() -> cache.discard(sha256));
                return compile(graph, "regenerated context cache " + ctx + " because " + found.reason());
            case CORRUPT:
                return compile(graph, "rebuilt context cache " + ctx + ": corrupt (" + found.reason() +
                    setAside(sha256) + ")");
            case MISSING:
            default:
                return compile(graph, "compiled context cache " + ctx);
        }
    }

    /**
     * Create the session from the checked context model; when the provider refuses it (QNN reports a binary it
     * cannot take), set it aside and compile again.
     */
    private OrtSession loadOrRebuild(final GraphSpec graph, final Path ctx) throws OrtException
    {
        final String refusal;
        try (OrtSession.SessionOptions options = newSessionOptions(graph))
        {
            try
            {
                final OrtSession session = provider.createSession(ctx, options);
                event(graph, "loaded context cache " + ctx);
                return session;
            }
            catch (final OrtException ex)
            {
                refusal = ex.getMessage();
            }
        }
        return compile(graph, "rebuilt context cache " + ctx + ": corrupt (ONNX Runtime refused it: " + refusal +
            setAside(graph.sha256()) + ")");
    }

    /**
     * Create the session from the verified graph bytes with ONNX Runtime's EP context options, so that the
     * provider writes the context model to a new file in the cache dir; then move it into place. The session is
     * the compiled one: it runs whether or not the cache could be written.
     */
    private OrtSession compile(final GraphSpec graph, final String what) throws OrtException
    {
        final String sha256 = graph.sha256();
        final Path temporary = cache.temporaryCtxFile(sha256);
        final OrtSession session;
        try (OrtSession.SessionOptions options = newSessionOptions(graph))
        {
            for (final Map.Entry<String, String> entry :
                QnnProviderOptions.generateEntries(temporary.toString()).entrySet())
            {
                options.addConfigEntry(entry.getKey(), entry.getValue());
            }
            session = provider.createSession(graph.bytes(), options);
        }
        catch (final OrtException | RuntimeException ex)
        {
            deleteQuietly(temporary);
            event(graph, "could not compile context cache " + cache.ctxFile(sha256) + ": " + ex.getMessage());
            throw ex;
        }
        try
        {
            cache.commit(temporary, sha256);
            event(graph, what);
        }
        catch (final IOException ex)
        {
            deleteQuietly(temporary);
            event(graph, what + ", but could not store it (" + ex + "); the next start compiles again");
        }
        return session;
    }

    private String setAside(final String sha256)
    {
        final Path aside = io(() -> cache.setAside(sha256));
        return null == aside ? "" : "; set aside as " + aside.getFileName();
    }

    private void event(final GraphSpec graph, final String what)
    {
        events.add(ID + ": " + graph.role() + ": " + what);
    }

    /**
     * Find a way in (plugin, else built in), then open the context cache. Nothing is written anywhere unless a
     * provider was found.
     */
    private Availability probe(final String soc)
    {
        try
        {
            providerOptions = QnnProviderOptions.forNpu(npu);
        }
        catch (final IllegalArgumentException ex)
        {
            return Availability.no("the profile's npu section: " + ex.getMessage());
        }

        final String ortVersion = provider.onnxRuntimeVersion();
        final Plugin plugin = null == npu.ortEpLibrary() ?
            new Plugin(null, null, "plugin: none configured (npu.ort_ep_library)") : findPlugin(npu.ortEpLibrary());

        final String way;
        final String qnnProvider;
        if (null != plugin.device())
        {
            pluginDevice = plugin.device();
            way = "the QNN plugin " + plugin.path() + " (" + pluginDevice + ")";
            qnnProvider = "plugin " + OrtQnnProvider.EP_NAME + " " + pluginDevice.epVersion();
        }
        else if (provider.hasBuiltInQnn())
        {
            way = "QNN compiled in (" + plugin.whyNot() + ")";
            qnnProvider = "built into ONNX Runtime " + ortVersion;
        }
        else
        {
            return Availability.no(plugin.whyNot() + "; built-in: this ONNX Runtime (" + ortVersion + ") has no " +
                "QNN provider. A board needs Qualcomm's " + (null == npu.ortEpLibrary() ? "QNN plugin library" :
                npu.ortEpLibrary()) + " (or an ONNX Runtime built with QNN) and the QNN SDK's " + npu.backendPath());
        }

        final QnnContextCache.Stack stack = new QnnContextCache.Stack(ortVersion, qnnProvider,
            backendIdentity(npu.backendPath(), plugin.path()));
        cache = new QnnContextCache(npu.contextCacheDir(), soc, npu.htpArch(), stack);
        try
        {
            cache.open();
        }
        catch (final IOException ex)
        {
            return Availability.no("QNN context cache refused: " + ex.getMessage());
        }
        return Availability.yes("ONNX Runtime " + ortVersion + " with " + way + ", backend " + npu.backendPath() +
            ", " + npu.performanceMode() + ", context cache " + npu.contextCacheDir());
    }

    /**
     * The plugin library as found: registered from {@code path} with a device for the HTP, or why not.
     */
    private record Plugin(String path, OrtQnnProvider.Device device, String whyNot)
    {
    }

    /**
     * Register the plugin library and pick its device for the HTP.
     */
    private Plugin findPlugin(final String library)
    {
        final String path;
        final List<OrtQnnProvider.Device> devices;
        try
        {
            path = provider.registerPlugin(library);
            devices = provider.devices();
        }
        catch (final OrtException | RuntimeException ex)
        {
            return new Plugin(null, null, "plugin " + library + ": " + ex.getMessage());
        }
        final OrtQnnProvider.Device device = htpDevice(devices);
        if (null != device)
        {
            return new Plugin(path, device, null);
        }
        final List<String> listed = new ArrayList<>();
        devices.forEach(d -> listed.add(d.toString()));
        return new Plugin(null, null, "plugin " + library + ": registered from " + path + " but it offers no " +
            OrtQnnProvider.EP_NAME + " device on the NPU or the CPU (ONNX Runtime lists: " +
            (listed.isEmpty() ? "none" : String.join(", ", listed)) + ")");
    }

    /**
     * The QNN provider's device for the HTP: on the NPU when ONNX Runtime lists one; else its entry on the CPU
     * device, which is how the plugin appears where ONNX Runtime discovers no NPU (its Linux device discovery finds
     * CPUs and GPUs only), {@code backend_path} still selecting the HTP. Never the GPU, which is QNN's GPU backend.
     *
     * @return the device, or null when the provider offers neither.
     */
    static OrtQnnProvider.Device htpDevice(final List<OrtQnnProvider.Device> devices)
    {
        OrtQnnProvider.Device onCpu = null;
        for (final OrtQnnProvider.Device device : devices)
        {
            if (device.epName().equals(OrtQnnProvider.EP_NAME))
            {
                if ("NPU".equals(device.deviceType()))
                {
                    return device;
                }
                if ("CPU".equals(device.deviceType()) && null == onCpu)
                {
                    onCpu = device;
                }
            }
        }
        return onCpu;
    }

    /**
     * @return the QNN backend library by name and content digest, so that a QNN update regenerates the contexts it
     *         would refuse; looked for beside the plugin first, where the plugin looks for it.
     */
    static String backendIdentity(final String backendPath, final String pluginPath)
    {
        Path found = null;
        if (backendPath.indexOf('/') < 0 && null != pluginPath && null != Path.of(pluginPath).getParent())
        {
            final Path beside = Path.of(pluginPath).getParent().resolve(backendPath);
            found = Files.isRegularFile(beside) ? beside : null;
        }
        if (null == found)
        {
            found = OnnxRuntimeQnnProvider.findLibrary(backendPath, System.getenv("LD_LIBRARY_PATH"));
        }
        if (null == found)
        {
            return backendPath + " (not found by wmrt: its changes go unnoticed)";
        }
        try
        {
            return backendPath + " sha256:" + QnnContextCache.sha256(found).substring(0, 16);
        }
        catch (final IOException ex)
        {
            return backendPath + " (unreadable: " + ex.getMessage() + ")";
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // a leftover temporary file is hidden and harmless; the error being reported matters more
        }
    }

    private interface IoAction<T>
    {
        T run() throws IOException;
    }

    private interface IoStep
    {
        void run() throws IOException;
    }

    private static <T> T io(final IoAction<T> action)
    {
        try
        {
            return action.run();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("QNN context cache: " + ex.getMessage(), ex);
        }
    }

    private static void io(final IoStep step)
    {
        io(() ->
        {
            step.run();
            return null;
        });
    }
}
