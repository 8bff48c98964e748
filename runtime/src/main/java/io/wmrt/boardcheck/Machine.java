package io.wmrt.boardcheck;

import ai.onnxruntime.OrtEnvironment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a board says about itself: operating system, CPU (from {@code /proc/cpuinfo}), SoC (from the device
 * tree or {@code /sys/devices/soc0}, where the kernel has them), JVM and ONNX Runtime. Read once, from files
 * under a root directory ({@code /} on a board, a fixture directory in tests).
 *
 * @param os          operating system name and kernel release.
 * @param arch        JVM architecture, e.g. aarch64.
 * @param cpuModel    CPU model text, e.g. "Intel(R) Xeon(R) Processor" or "4x ARM Cortex-A78AE"; "unknown"
 *                    when {@code /proc/cpuinfo} does not say.
 * @param cores       logical cores ({@code processor} entries in {@code /proc/cpuinfo}, else the JVM's count).
 * @param soc         the SoC as the kernel names it, each source labelled, or null when no source exists (a PC).
 * @param jvm         JVM name and version.
 * @param onnxRuntime ONNX Runtime version of the Java API's native library, or why it did not load.
 * <p>
 * Immutable: safe from any thread.
 */
public record Machine(
    String os,
    String arch,
    String cpuModel,
    int cores,
    String soc,
    String jvm,
    String onnxRuntime)
{
    /**
     * Where the kernel names the SoC, in the order they are reported: device-tree model and compatible
     * strings (NUL-separated), and the soc0 bus's machine and soc_id.
     */
    static final List<String> SOC_SOURCES = List.of(
        "proc/device-tree/model",
        "sys/firmware/devicetree/base/compatible",
        "sys/devices/soc0/machine",
        "sys/devices/soc0/soc_id");

    /**
     * ARM's CPU part numbers (implementer 0x41) for the cores on automotive SoCs, as the kernel's cputype.h.
     */
    private static final Map<String, String> ARM_PARTS = Map.ofEntries(
        Map.entry("0xd03", "Cortex-A53"),
        Map.entry("0xd04", "Cortex-A35"),
        Map.entry("0xd05", "Cortex-A55"),
        Map.entry("0xd07", "Cortex-A57"),
        Map.entry("0xd08", "Cortex-A72"),
        Map.entry("0xd09", "Cortex-A73"),
        Map.entry("0xd0a", "Cortex-A75"),
        Map.entry("0xd0b", "Cortex-A76"),
        Map.entry("0xd0c", "Neoverse-N1"),
        Map.entry("0xd0d", "Cortex-A77"),
        Map.entry("0xd0e", "Cortex-A76AE"),
        Map.entry("0xd41", "Cortex-A78"),
        Map.entry("0xd42", "Cortex-A78AE"),
        Map.entry("0xd44", "Cortex-X1"),
        Map.entry("0xd46", "Cortex-A510"),
        Map.entry("0xd47", "Cortex-A710"),
        Map.entry("0xd48", "Cortex-X2"),
        Map.entry("0xd4d", "Cortex-A715"),
        Map.entry("0xd4e", "Cortex-X3"),
        Map.entry("0xd80", "Cortex-A520"),
        Map.entry("0xd81", "Cortex-A720"),
        Map.entry("0xd82", "Cortex-X4"));

    /**
     * @param root where {@code proc} and {@code sys} are: {@code /} on a board.
     */
    public static Machine probe(final Path root)
    {
        final List<Map<String, String>> processors = cpuinfo(root.resolve("proc/cpuinfo"));
        final int cores = processors.isEmpty() ? Runtime.getRuntime().availableProcessors() : processors.size();
        return new Machine(
            System.getProperty("os.name") + " " + System.getProperty("os.version"),
            System.getProperty("os.arch"),
            cpuModel(processors),
            cores,
            soc(root),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
            onnxRuntimeVersion());
    }

    /**
     * @return true when the SoC the kernel names contains the profile's SoC name (case and punctuation
     * aside: "qcom,sa8650p" matches "SA8650P"); false when it names another or nothing.
     */
    public boolean socMatches(final String profileSoc)
    {
        return null != soc && squash(soc).contains(squash(profileSoc));
    }

    private static String onnxRuntimeVersion()
    {
        try
        {
            return "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + " (Java API)";
        }
        catch (final RuntimeException | LinkageError ex)
        {
            return "ONNX Runtime did not load: " + ex;
        }
    }

    private static String squash(final String text)
    {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /**
     * One map per {@code processor} block: blank lines separate blocks, "key : value" lines fill them.
     * Blocks without a {@code processor} key (ARM's trailing "Hardware" block) are merged into every one.
     */
    private static List<Map<String, String>> cpuinfo(final Path file)
    {
        final List<Map<String, String>> processors = new ArrayList<>();
        final Map<String, String> shared = new LinkedHashMap<>();
        final String text = read(file);
        if (null == text)
        {
            return processors;
        }
        for (final String block : text.split("\\n\\s*\\n"))
        {
            final Map<String, String> entries = new LinkedHashMap<>();
            for (final String line : block.split("\\n"))
            {
                final int colon = line.indexOf(':');
                if (colon > 0)
                {
                    entries.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
                }
            }
            if (entries.containsKey("processor"))
            {
                processors.add(entries);
            }
            else
            {
                shared.putAll(entries);
            }
        }
        for (final Map<String, String> processor : processors)
        {
            shared.forEach(processor::putIfAbsent);
        }
        return processors;
    }

    /**
     * x86 says "model name"; ARM names each core by implementer and part, so count the cores of each part
     * ("4x ARM Cortex-A78AE + 4x ARM Cortex-A55"); old ARM kernels add a "Hardware" line.
     */
    private static String cpuModel(final List<Map<String, String>> processors)
    {
        final Map<String, Integer> counts = new LinkedHashMap<>();
        for (final Map<String, String> processor : processors)
        {
            counts.merge(coreName(processor), 1, Integer::sum);
        }
        counts.remove(null);
        if (counts.isEmpty())
        {
            return "unknown (/proc/cpuinfo names no model)";
        }
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, Integer> e : counts.entrySet())
        {
            text.append(text.length() > 0 ? " + " : "").append(counts.size() > 1 ? e.getValue() + "x " : "")
                .append(e.getKey());
        }
        final String hardware = processors.get(0).get("Hardware");
        return null != hardware ? text + " (" + hardware + ")" : text.toString();
    }

    private static String coreName(final Map<String, String> processor)
    {
        final String model = processor.get("model name");
        if (null != model && !model.isEmpty())
        {
            return model;
        }
        final String implementer = processor.get("CPU implementer");
        final String part = processor.get("CPU part");
        if (null == implementer || null == part)
        {
            return null;
        }
        final String known = "0x41".equalsIgnoreCase(implementer) ? ARM_PARTS.get(part.toLowerCase(Locale.ROOT)) : null;
        return null != known ? "ARM " + known : "CPU implementer " + implementer + " part " + part;
    }

    private static String soc(final Path root)
    {
        final List<String> found = new ArrayList<>();
        for (final String source : SOC_SOURCES)
        {
            final String text = read(root.resolve(source));
            if (null != text)
            {
                // Device-tree strings are NUL-terminated, and compatible is a NUL-separated list.
                final String value = String.join(", ", text.replace('\n', '\0').split("\0+")).trim();
                if (!value.isEmpty())
                {
                    found.add(value + " (/" + source + ")");
                }
            }
        }
        return found.isEmpty() ? null : String.join("; ", found);
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.isReadable(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
