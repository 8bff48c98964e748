package io.wmrt.hil.scenario.generate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The text files of one generated scenario directory, before netconvert: the plain network sources
 * ({@code <name>.nod.xml}, {@code <name>.edg.xml} and where needed {@code <name>.con.xml} and
 * {@code <name>.tll.xml}), routes.rou.xml, {@code <name>.sumocfg}, scenario.yaml and parameters.yaml.
 * The net ({@code <name>.net.xml}) is built from the sources by {@link Netconvert} when the directory is written.
 *
 * @param name  the directory's name, also the base name of the network and configuration files.
 * @param files file name to content, in writing order.
 */
public record GeneratedScenario(String name, Map<String, String> files)
{
    public GeneratedScenario
    {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
    }

    /** Whether the sources include a file with this suffix (".con.xml", ".tll.xml"). */
    public boolean has(final String suffix)
    {
        return files.containsKey(name + suffix);
    }
}
