package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;
import io.wmrt.hil.run.RunScores;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores a whole drive as NAVSIM does, from its {@link DriveLog} and the road's {@link RoadGeometry} alone: each
 * sub-metric by its own class, then PDMS = NC · DAC · (5 TTC + 5 EP + 2 C) / 12 (C is {@link ComfortBounds}, the
 * same measurement as HC in the closed loop) and EPDMS = NC · DAC · DDC · TLC · (5 EP + 5 TTC + 2 LK + 2 HC +
 * 2 EC) / 16.
 *
 * <p>NAVSIM's false-positive filtering: a sub-metric the reference driver also scored 0 in the same scenario and
 * seed is set to 1 for the ego and named in {@link RunScores#forgiven()}. It applies to {@value #FORGIVABLE_LIST};
 * never to NC (a collision is never excused by SUMO's driver colliding too), nor to HC (SUMO's car-following model
 * changes its acceleration in steps and breaks the jerk bound in every drive, so it would excuse everyone), nor to
 * EP and EC (EP is already relative to the reference, which has no plans).
 *
 * <p>Stateless: safe from any thread.
 */
public final class NavsimRuler
{
    /** Version of the ruler: part of the reference cache's digest and of the rig's version. */
    public static final String VERSION = "navsim-ruler/1";
    static final String FORGIVABLE_LIST = "dac, ddc, tlc, ttc and lk";
    /** The sub-metrics NAVSIM's filtering may forgive here. */
    public static final List<String> FORGIVABLE = List.of("dac", "ddc", "tlc", "ttc", "lk");

    /**
     * A drive's verdict.
     *
     * @param scores    the composites and sub-scores
     * @param unforgiven the sub-scores before filtering by the reference, by short name
     * @param notes     one line per sub-metric that lost something, by short name
     * @param progressM metres of forward progress
     * @param contacts  contacts with other road users (at fault or not)
     * @param events    every failure event, in time order
     */
    public record Verdict(RunScores scores, Map<String, Double> unforgiven, Map<String, String> notes,
        double progressM, int contacts, List<RunEvent> events)
    {
    }

    /** What the reference driver did in the same scenario and seed. */
    public record Reference(double progressM, Set<String> failed)
    {
        public Reference
        {
            failed = Set.copyOf(failed);
        }
    }

    private NavsimRuler()
    {
    }

    /**
     * Scores {@code log}.
     *
     * @param reference the reference driver's outcome, or null when none ran (EP is then 1, nothing is forgiven)
     */
    public static Verdict score(final DriveLog log, final RoadGeometry road, final Reference reference)
    {
        final Track track = new Track(log, road);
        final AtFaultCollisions.Result collisions = AtFaultCollisions.score(track);
        final Map<String, SubScore> subs = new LinkedHashMap<>();
        subs.put("nc", collisions.score());
        subs.put("dac", DrivableAreaCompliance.score(track));
        subs.put("ddc", DrivingDirectionCompliance.score(track));
        subs.put("tlc", TrafficLightCompliance.score(track));
        subs.put("ttc", TimeToCollisionBound.score(track, collisions.notAtFault()));
        subs.put("lk", LaneKeeping.score(track));
        subs.put("hc", ComfortBounds.score(log));
        subs.put("ec", ExtendedComfort.score(log));
        final double progress = EgoProgress.progressM(log);
        final double referenceProgress = null == reference ? Double.NaN : reference.progressM();
        final double ep = EgoProgress.ep(progress, referenceProgress);

        final Map<String, Double> raw = new LinkedHashMap<>();
        final Map<String, String> notes = new LinkedHashMap<>();
        final List<RunEvent> events = new ArrayList<>();
        for (final Map.Entry<String, SubScore> e : subs.entrySet())
        {
            raw.put(e.getKey(), e.getValue().value());
            if (!e.getValue().note().isEmpty())
            {
                notes.put(e.getKey(), e.getValue().note());
            }
            events.addAll(e.getValue().events());
        }
        raw.put("ep", ep);
        events.sort(Comparator.comparingDouble(RunEvent::timeS));

        final Map<String, Double> value = new LinkedHashMap<>(raw);
        final List<String> forgiven = new ArrayList<>();
        if (null != reference)
        {
            for (final String name : FORGIVABLE)
            {
                if (reference.failed().contains(name) && value.get(name) < 1.0)
                {
                    value.put(name, 1.0);
                    forgiven.add(name);
                }
            }
        }
        final double nc = value.get("nc");
        final double dac = value.get("dac");
        final double ddc = value.get("ddc");
        final double tlc = value.get("tlc");
        final double ttc = value.get("ttc");
        final double lk = value.get("lk");
        final double hc = value.get("hc");
        final double ec = value.get("ec");
        final RunScores scores = new RunScores(RunScores.pdms(nc, dac, ttc, ep, hc),
            RunScores.epdms(nc, dac, ddc, tlc, ep, ttc, lk, hc, ec), nc, dac, ddc, tlc, ttc, ep, lk, hc, ec,
            referenceProgress, forgiven);
        return new Verdict(scores, raw, notes, progress, collisions.contacts(), events);
    }

    /** The sub-metrics a drive scored 0 on, among those NAVSIM's filtering may forgive. */
    public static Set<String> failed(final Verdict verdict)
    {
        final java.util.Set<String> failed = new java.util.TreeSet<>();
        for (final String name : FORGIVABLE)
        {
            if (verdict.unforgiven().get(name) == 0.0)
            {
                failed.add(name);
            }
        }
        return failed;
    }
}
