package io.wmrt.hil.scenario.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds routes.rou.xml: vehicle types and routes first, then every vehicle, flow, person and person flow sorted
 * by departure (SUMO ignores out-of-order entries); entries departing at the same time keep the order they were
 * added in. Comments added with an entry stay above it.
 */
final class RoutesBuilder
{
    /** The ego's type, as in the hand-built routes (lcOpposite where the ego overtakes through the opposite lane). */
    static final String EGO_TYPE = "<vType id=\"ego_type\" vClass=\"passenger\" length=\"4.6\" width=\"1.8\" " +
        "accel=\"2.6\" decel=\"4.5\" emergencyDecel=\"9.0\" sigma=\"0.0\" speedFactor=\"1.0\" speedDev=\"0.0\"/>";
    static final String EGO_TYPE_OPPOSITE = "<vType id=\"ego_type\" vClass=\"passenger\" length=\"4.6\" " +
        "width=\"1.8\" accel=\"2.6\" decel=\"4.5\" emergencyDecel=\"9.0\" sigma=\"0.0\" speedFactor=\"1.0\" " +
        "speedDev=\"0.0\" lcOpposite=\"1.0\"/>";
    static final String CAR_TYPE = "<vType id=\"car\" vClass=\"passenger\" length=\"4.6\" width=\"1.8\" " +
        "accel=\"2.6\" decel=\"4.5\" sigma=\"0.5\" speedFactor=\"1.0\" speedDev=\"0.1\"/>";
    static final String PARKED_TYPE = "<vType id=\"parked_type\" vClass=\"passenger\" length=\"4.6\" " +
        "width=\"1.8\" minGap=\"0.5\" color=\"0.5,0.5,0.5\"/>";
    static final String WALKER_TYPE = "<vType id=\"walker\" vClass=\"pedestrian\" speedDev=\"0.15\"/>";

    private record Entry(double depart, int order, String xml)
    {
    }

    private final List<String> head = new ArrayList<>();
    private final List<Entry> entries = new ArrayList<>();

    /** Adds a vType, route or comment line to the head (before all departures). */
    RoutesBuilder head(final String xml)
    {
        head.add(xml);
        return this;
    }

    /** Adds a departing entry (vehicle, flow, person, personFlow) with its departure or begin time. */
    RoutesBuilder entry(final double depart, final String xml)
    {
        entries.add(new Entry(depart, entries.size(), xml));
        return this;
    }

    String build()
    {
        final StringBuilder out = new StringBuilder(Xml.HEADER).append("<routes>\n");
        for (final String line : head)
        {
            out.append(line.isEmpty() ? "" : "    " + line).append('\n');
        }
        out.append('\n');
        final List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingDouble(Entry::depart).thenComparingInt(Entry::order));
        for (final Entry e : sorted)
        {
            for (final String line : e.xml().split("\n", -1))
            {
                out.append("    ").append(line).append('\n');
            }
        }
        return out.append("</routes>\n").toString();
    }
}
