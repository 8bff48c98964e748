package io.wmrt.backend;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.wmrt.model.GraphSpec;
import io.wmrt.profile.HardwareProfile;

import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX Runtime with the QNN execution provider on the Hexagon HTP, configured from the hardware profile:
 * backend library, performance mode and a context cache so the HTP graph is compiled once per model.
 * <p>
 * Needs an ONNX Runtime build with QNN compiled in (the Maven Central jar has the CPU provider only) and the
 * QNN libraries on the board. Where either is missing, {@link #availability()} says so and the dispatcher
 * falls back.
 */
public final class OrtQnnBackend extends OrtBackend
{
    public static final String ID = "ort-qnn";

    private final HardwareProfile.Npu npu;
    private final Availability availability;

    public OrtQnnBackend(final HardwareProfile.Npu npu, final int intraOpThreads)
    {
        super(intraOpThreads);
        this.npu = npu;
        this.availability = probe();
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
     * The options the QNN execution provider takes, spelt as ONNX Runtime spells them.
     */
    Map<String, String> providerOptions()
    {
        return Map.of(
            "backend_path", npu.backendPath(),
            "htp_performance_mode", npu.performanceMode().toString(),
            "htp_arch", npu.htpArch().replace("v", ""),
            "enable_htp_fp16_precision", npu.fp16() ? "1" : "0");
    }

    protected void configure(final OrtSession.SessionOptions options, final GraphSpec graph) throws OrtException
    {
        options.addQnn(providerOptions());
        // Compile the HTP context once and reuse it: without this every start recompiles the graph.
        final Path cache = npu.contextCacheDir().resolve(graph.sha256() + "_ctx.onnx");
        options.addConfigEntry("ep.context_enable", "1");
        options.addConfigEntry("ep.context_file_path", cache.toString());
        // A graph the HTP cannot take whole must fail here, not silently run on the CPU under an NPU label.
        options.addConfigEntry("session.disable_cpu_ep_fallback", "1");
    }

    private Availability probe()
    {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions())
        {
            options.addQnn(providerOptions());
            return Availability.yes("ONNX Runtime " + env.getVersion() + " with QNN execution provider (" +
                npu.backendPath() + ", " + npu.performanceMode() + ")");
        }
        catch (final OrtException | RuntimeException ex)
        {
            return Availability.no("this ONNX Runtime build has no QNN execution provider (" +
                ex.getMessage() + "); a board needs an ONNX Runtime built with QNN and the QNN SDK's " +
                npu.backendPath());
        }
    }
}
