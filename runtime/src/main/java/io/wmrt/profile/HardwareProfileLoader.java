package io.wmrt.profile;

import io.wmrt.config.ConfigException;
import io.wmrt.config.StrictYaml;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code hardware-profiles/*.yaml}. Unknown keys, missing keys, wrong types and out-of-range values are
 * refused with the file, the key and the reason.
 */
public final class HardwareProfileLoader
{
    /**
     * Dispatch role that applies to any graph role the profile does not name.
     */
    public static final String DEFAULT_ROLE = "default";

    /**
     * Backend ids a profile may name in a dispatch order.
     */
    public static final Set<String> KNOWN_BACKENDS = Set.of("qnn", "ort-qnn", "ort-native", "ort-cpu");

    private HardwareProfileLoader()
    {
    }

    public static HardwareProfile load(final Path file) throws ConfigException
    {
        final StrictYaml root = StrictYaml.load(file);
        final Path dir = file.toAbsolutePath().getParent();

        final String soc = root.string("soc");
        final String description = root.string("description");

        HardwareProfile.Npu npu = null;
        if (root.has("npu"))
        {
            final StrictYaml n = root.section("npu");
            npu = new HardwareProfile.Npu(
                n.string("htp_arch"),
                // Optional: no number is published for every SoC; absent, the backend detects the SoC itself.
                n.has("soc_model") ? (int)n.integer("soc_model", 1, Integer.MAX_VALUE - 1) :
                    HardwareProfile.Npu.SOC_MODEL_UNSET,
                n.number("dense_int8_tops", 0.1, 10_000),
                n.string("tops_source"),
                n.number("tops_uncertainty_pct", 0, 100),
                n.bool("fp16"),
                n.string("backend_path"),
                n.has("ort_ep_library") ? n.string("ort_ep_library") : null,
                n.choice("performance_mode", PerformanceMode.class),
                (int)n.integer("vtcm_mb", 0, 1024),
                n.has("context_priority") ? n.choice("context_priority", ContextPriority.class) :
                    ContextPriority.NORMAL,
                n.filePath("context_cache_dir"));
            n.finish();
        }

        final StrictYaml c = root.section("cpu");
        final int cores = (int)c.integer("cores", 1, 256);
        final int plannerCore = (int)c.integer("planner_core", -1, cores - 1);
        final int helperCore = c.has("helper_core") ? (int)c.integer("helper_core", -1, cores - 1) : -1;
        if (helperCore >= 0 && helperCore == plannerCore)
        {
            throw new ConfigException(file, c.path("helper_core"),
                "is the planner's own core (" + plannerCore + "): the helper is there to run beside it");
        }
        final HardwareProfile.Cpu cpu = new HardwareProfile.Cpu(cores, plannerCore, helperCore, c.string("isa"));
        c.finish();

        final StrictYaml m = root.section("memory");
        final double bandwidth = m.number("bandwidth_gbps", 0.1, 10_000);
        m.finish();

        final StrictYaml p = root.section("planner");
        final double tickHz = p.number("tick_hz", 1, 1_000);
        final double deadlineMs = p.number("deadline_ms", 0.1, 1_000);
        if (deadlineMs > 1_000 / tickHz)
        {
            throw new ConfigException(file, p.path("deadline_ms"),
                deadlineMs + " ms is longer than one tick at " + tickHz + " Hz (" + (1_000 / tickHz) + " ms)");
        }
        final HardwareProfile.Planner planner = new HardwareProfile.Planner(
            tickHz, deadlineMs, p.choice("idle_strategy", IdleStrategyKind.class),
            (int)p.integer("intra_op_threads", 1, cores),
            p.has("helper_thread") && p.bool("helper_thread"));
        p.finish();
        if (cpu.helperCore() >= 0 && !planner.helperThread())
        {
            throw new ConfigException(file, "cpu.helper_core",
                "pins a helper thread that planner.helper_thread does not ask for (set it to true, or drop the key)");
        }

        final StrictYaml d = root.section("dispatch");
        final Map<String, List<String>> dispatch = new LinkedHashMap<>();
        for (final String role : d.keys())
        {
            final List<String> order = d.stringList(role, 1);
            for (int i = 0; i < order.size(); i++)
            {
                final String id = order.get(i);
                if (!KNOWN_BACKENDS.contains(id))
                {
                    throw new ConfigException(file, d.path(role) + "[" + i + "]",
                        "unknown backend '" + id + "'; known: " + KNOWN_BACKENDS);
                }
                if (("qnn".equals(id) || "ort-qnn".equals(id)) && null == npu)
                {
                    throw new ConfigException(file, d.path(role) + "[" + i + "]",
                        "names an NPU backend but the profile has no 'npu' section");
                }
            }
            dispatch.put(role, Collections.unmodifiableList(new ArrayList<>(order)));
        }
        if (!dispatch.containsKey(DEFAULT_ROLE))
        {
            throw new ConfigException(file, d.path(DEFAULT_ROLE), "missing required key (order for unnamed roles)");
        }
        d.finish();

        final StrictYaml models = root.section("models");
        final boolean requireSigned = models.bool("require_signed");
        final List<Path> keys = new ArrayList<>();
        for (final Path key : models.filePathList("trusted_keys", requireSigned ? 1 : 0))
        {
            keys.add(dir.resolve(key).normalize());
        }
        models.finish();

        root.finish();
        return new HardwareProfile(
            file, soc, description, npu, cpu, bandwidth, planner,
            Collections.unmodifiableMap(dispatch), requireSigned, List.copyOf(keys));
    }
}
