package io.wmrt.backend;

import io.wmrt.profile.HardwareProfile;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the profile's {@code npu} section asks of ONNX Runtime's QNN execution provider, spelt as the provider
 * spells its options (onnxruntime-qnn, docs/execution_providers/QNN-ExecutionProvider.md, "EP Provider Options").
 * The same keys serve the plugin library and a build with QNN compiled in.
 * <p>
 * {@code soc_model} is QNN's number for the SoC (its {@code Qnn_SocModel_t}) and is passed only when the profile
 * gives {@code npu.soc_model}: the public copies of {@code QnnTypes.h} stop at SM4450 (59), a list Qualcomm marks
 * deprecated, and no Qualcomm document reachable here gives the number of the SA8650P or the SA8797P, so the
 * committed profiles leave it out. Left unset it means "unknown" and the backend detects the SoC; {@code htp_arch}
 * still names the generation the graph is compiled for.
 * <p>
 * Stateless: safe from any thread.
 */
final class QnnProviderOptions
{
    /** Session option: a graph the HTP cannot take whole fails to load instead of running partly on the CPU. */
    static final String DISABLE_CPU_FALLBACK = "session.disable_cpu_ep_fallback";
    /** Session options of ONNX Runtime's EP context cache (onnxruntime_session_options_config_keys.h). */
    static final String CONTEXT_ENABLE = "ep.context_enable";
    static final String CONTEXT_FILE_PATH = "ep.context_file_path";
    static final String CONTEXT_EMBED_MODE = "ep.context_embed_mode";

    private static final Pattern HTP_ARCH = Pattern.compile("[vV]?(\\d{2,3})");

    private QnnProviderOptions()
    {
    }

    /**
     * @return the provider options, in a stable order.
     * @throws IllegalArgumentException when {@code npu.htp_arch} is not a generation such as v73.
     */
    static Map<String, String> forNpu(final HardwareProfile.Npu npu)
    {
        final Map<String, String> options = new LinkedHashMap<>();
        options.put("backend_path", npu.backendPath());
        options.put("htp_performance_mode", npu.performanceMode().toString());
        options.put("htp_arch", htpArchNumber(npu.htpArch()));
        if (npu.hasSocModel())
        {
            options.put("soc_model", Integer.toString(npu.socModel()));
        }
        options.put("enable_htp_fp16_precision", npu.fp16() ? "1" : "0");
        // 0 is the provider's "not set": the backend's default VTCM size.
        options.put("vtcm_mb", Integer.toString(npu.vtcmMb()));
        options.put("qnn_context_priority", npu.contextPriority().toString());
        return options;
    }

    /**
     * @return the session options every ort-qnn session carries, whether it compiles or loads a context.
     */
    static Map<String, String> sessionEntries()
    {
        return Map.of(DISABLE_CPU_FALLBACK, "1");
    }

    /**
     * @return the session options that make ONNX Runtime write the compiled context model to {@code ctxFile},
     *         with the QNN context binary inside it rather than in a .bin file beside it.
     */
    static Map<String, String> generateEntries(final String ctxFile)
    {
        final Map<String, String> entries = new LinkedHashMap<>();
        entries.put(CONTEXT_ENABLE, "1");
        entries.put(CONTEXT_FILE_PATH, ctxFile);
        entries.put(CONTEXT_EMBED_MODE, "1");
        return entries;
    }

    /**
     * @return the digits of an HTP generation: "v73" gives "73".
     */
    static String htpArchNumber(final String htpArch)
    {
        final Matcher matcher = HTP_ARCH.matcher(null == htpArch ? "" : htpArch.trim());
        if (!matcher.matches())
        {
            throw new IllegalArgumentException("npu.htp_arch '" + htpArch + "' is not an HTP generation such as " +
                "v73 or v81");
        }
        return matcher.group(1);
    }
}
