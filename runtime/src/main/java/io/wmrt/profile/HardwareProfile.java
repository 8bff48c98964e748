package io.wmrt.profile;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One SoC as the runtime needs to know it: what accelerators exist, how fast the planner must tick, and in
 * which order to try backends for each graph role. Loaded and validated by {@link HardwareProfileLoader}.
 * <p>
 * Immutable; safe from any thread.
 *
 * @param file            where the profile was read from.
 * @param soc             SoC name, e.g. SA8650P.
 * @param description     one line for humans.
 * @param npu             the NPU, or null when the SoC has none this runtime can use.
 * @param cpu             CPU facts.
 * @param memoryBandwidthGBps DRAM bandwidth, for roofline estimates.
 * @param planner         tick rate, deadline and threading of the planner.
 * @param dispatch        per graph role (encoder, rollout, ...), backend ids in order of preference.
 * @param requireSignedModels refuse model packages without a valid signature from a trusted key.
 * @param trustedKeys     public keys (resolved against the profile's directory) that may sign models.
 */
public record HardwareProfile(
    Path file,
    String soc,
    String description,
    Npu npu,
    Cpu cpu,
    double memoryBandwidthGBps,
    Planner planner,
    Map<String, List<String>> dispatch,
    boolean requireSignedModels,
    List<Path> trustedKeys)
{
    /**
     * @param htpArch          Hexagon tensor processor generation (v73, v81, ...).
     * @param socModel         QNN's number for the SoC (its {@code Qnn_SocModel_t}), or {@link #SOC_MODEL_UNSET}
     *                         when the profile gives none and the QNN backend is left to detect the SoC itself.
     * @param denseInt8Tops    dense int8 throughput.
     * @param topsSource       where that figure comes from (datasheet or press report).
     * @param topsUncertaintyPct how far the figure may be off, percent.
     * @param fp16             whether the HTP runs fp16 natively.
     * @param backendPath      shared library of the QNN backend, e.g. libQnnHtp.so: a bare name is looked up
     *                         the way the dynamic loader does ({@code LD_LIBRARY_PATH}), a path is used as is.
     * @param ortEpLibrary     ONNX Runtime's QNN plugin library (libonnxruntime_providers_qnn.so) to register,
     *                         or null to use a QNN provider compiled into ONNX Runtime.
     * @param performanceMode  HTP power mode requested at start.
     * @param vtcmMb           tightly coupled memory available to a graph.
     * @param contextPriority  QNN context priority: low, normal, normal_high or high.
     * @param contextCacheDir  where compiled QNN context binaries are cached.
     */
    public record Npu(
        String htpArch,
        int socModel,
        double denseInt8Tops,
        String topsSource,
        double topsUncertaintyPct,
        boolean fp16,
        String backendPath,
        String ortEpLibrary,
        PerformanceMode performanceMode,
        int vtcmMb,
        ContextPriority contextPriority,
        Path contextCacheDir)
    {
        /** {@link #socModel()} when the profile has no {@code npu.soc_model}; QNN's own "unknown" is also 0. */
        public static final int SOC_MODEL_UNSET = 0;

        public boolean hasSocModel()
        {
            return SOC_MODEL_UNSET != socModel;
        }
    }

    /**
     * @param cores       cores available to the runtime.
     * @param plannerCore core the planner thread should be pinned to, or -1 for no pinning.
     * @param helperCore  core the planner's helper thread should be pinned to, or -1 for no pinning.
     * @param isa         instruction set, informational.
     */
    public record Cpu(int cores, int plannerCore, int helperCore, String isa)
    {
    }

    /**
     * @param tickHz           planning rate.
     * @param deadlineMs       a tick slower than this is a deadline miss; anytime planning aims below it.
     * @param idleStrategy     how the planner waits for scenes.
     * @param intraOpThreads   threads ONNX Runtime may use inside one graph on the CPU.
     * @param helperThread     whether the planner runs its work that does not wait for a graph (samples, the
     *                         candidates' own cost terms) on a second thread, beside the graph calls.
     */
    public record Planner(double tickHz, double deadlineMs, IdleStrategyKind idleStrategy, int intraOpThreads,
        boolean helperThread)
    {
        public long deadlineNs()
        {
            return (long)(deadlineMs * 1_000_000L);
        }

        public long tickPeriodNs()
        {
            return (long)(1e9 / tickHz);
        }
    }

    public boolean hasNpu()
    {
        return null != npu;
    }

    public List<String> dispatchOrder(final String role)
    {
        final List<String> order = dispatch.get(role);
        return null != order ? order : dispatch.get(HardwareProfileLoader.DEFAULT_ROLE);
    }
}
