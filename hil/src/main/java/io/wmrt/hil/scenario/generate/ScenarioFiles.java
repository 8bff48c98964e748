package io.wmrt.hil.scenario.generate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the text of the files every family shares: the SUMO configuration, scenario.yaml (only the keys the
 * strict parser knows) and parameters.yaml.
 */
final class ScenarioFiles
{
    private ScenarioFiles()
    {
    }

    /** {@code <name>.sumocfg}: the net and routes by relative path, begin 0 and {@code end}. */
    static String sumocfg(final String name, final int end)
    {
        return Xml.HEADER +
            "<configuration>\n" +
            "    <input>\n" +
            "        <net-file value=\"" + name + ".net.xml\"/>\n" +
            "        <route-files value=\"routes.rou.xml\"/>\n" +
            "    </input>\n" +
            "    <time>\n" +
            "        <begin value=\"0\"/>\n" +
            "        <end value=\"" + end + "\"/>\n" +
            "    </time>\n" +
            "</configuration>\n";
    }

    /**
     * The pass criteria of scenario.yaml, in the documented order; each value with an optional comment.
     */
    static final class Pass
    {
        private final Map<String, String[]> criteria = new LinkedHashMap<>();

        Pass(final double minProgressM, final String progressComment)
        {
            put("max_collisions", "0", null);
            put("max_red_light_violations", "0", null);
            put("max_offroad_steps", "0", null);
            put("min_progress_m", Xml.num(minProgressM, 0), progressComment);
        }

        Pass put(final String key, final String value, final String comment)
        {
            criteria.put(key, new String[] {value, comment});
            return this;
        }
    }

    /** scenario.yaml with a comment header, the ego {@code ego}, and {@code pass}. */
    static String scenarioYaml(final List<String> comments, final String description, final String name,
        final long seed, final double durationS, final Pass pass)
    {
        final StringBuilder out = new StringBuilder();
        for (final String comment : comments)
        {
            out.append("# ").append(comment).append('\n');
        }
        out.append("description: \"").append(description.replace("\"", "'")).append("\"\n");
        out.append(line("sumo_config: " + name + ".sumocfg", "relative to this file"));
        out.append(line("seed: " + seed, "SUMO --seed and the planner's sampler seed (drawn)"));
        out.append(line("duration_s: " + Xml.num(durationS, 0),
            "simulated seconds of ego control, from the ego's departure"));
        out.append("ego:\n");
        out.append(line("  id: ego", "vehicle id in the routes; the rig takes over when it departs"));
        out.append("pass:\n");
        for (final Map.Entry<String, String[]> e : pass.criteria.entrySet())
        {
            out.append(line("  " + e.getKey() + ": " + e.getValue()[0], e.getValue()[1]));
        }
        return out.toString();
    }

    /** parameters.yaml: family, generator version, seed, index and every drawn value with its unit. */
    static String parametersYaml(final String family, final long seed, final int index, final List<Draw.Value> values)
    {
        final StringBuilder out = new StringBuilder();
        out.append("# parameters drawn by 'wmrt scenarios generate' for this scenario (ranges: hil/scenarios/FAMILIES.md)\n");
        out.append("family: ").append(family).append('\n');
        out.append("generator_version: ").append(ScenarioGenerator.VERSION).append('\n');
        out.append("seed: ").append(seed).append('\n');
        out.append("index: ").append(index).append('\n');
        out.append("parameters:\n");
        final List<String> lines = new ArrayList<>();
        for (final Draw.Value v : values)
        {
            lines.add("  " + v.parameter().name() + ": {value: " + v.value() + ", unit: " + v.parameter().unit() + "}");
        }
        out.append(String.join("\n", lines)).append('\n');
        return out.toString();
    }

    private static String line(final String text, final String comment)
    {
        if (null == comment)
        {
            return text + "\n";
        }
        final int pad = Math.max(1, 37 - text.length());
        return text + " ".repeat(pad) + "# " + comment + "\n";
    }
}
