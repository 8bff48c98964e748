package io.wmrt.hil.metrics;

import io.wmrt.hil.scenario.Scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a run against its scenario's pass criteria: one sentence per criterion that did not hold; an empty list
 * passes.
 *
 * <p>Stateless: safe from any thread.
 */
public final class PassJudge
{
    private PassJudge()
    {
    }

    /**
     * The share of the reference driver's progress the ego must make when the reference driver itself fell short
     * of {@code min_progress_m} in the same run: the progress criterion then asks what a competent driver made
     * there, less a tenth, not what the scenario's author hoped for.
     */
    public static final double REFERENCE_SHARE = 0.9;

    /**
     * @param pass               the scenario's criteria
     * @param measured           the run's step-by-step measures
     * @param collisions         contacts with other road users (the ruler's boxes plus SUMO's reports they confirm)
     * @param progressM          the run's progress
     * @param referenceProgressM the reference driver's progress in the same scenario and seed (NaN: none ran)
     * @param pdms               the run's PDMS (for {@code min_pdms})
     */
    public static List<String> failures(final Scenario.PassCriteria pass, final DrivingMetrics measured,
        final int collisions, final double progressM, final double referenceProgressM, final double pdms)
    {
        final List<String> failures = new ArrayList<>();
        if (collisions > pass.maxCollisions())
        {
            failures.add(collisions + " collision(s), at most " + pass.maxCollisions() + " allowed");
        }
        if (measured.redLightViolations() > pass.maxRedLightViolations())
        {
            failures.add(measured.redLightViolations() + " red-light violation(s), at most " +
                pass.maxRedLightViolations() + " allowed");
        }
        if (measured.offroad() > pass.maxOffroadSteps())
        {
            failures.add(measured.offroad() + " step(s) off the drivable area, at most " + pass.maxOffroadSteps() +
                " allowed");
        }
        final String progressFailure = progressFailure(pass.minProgressM(), referenceProgressM, progressM);
        if (null != progressFailure)
        {
            failures.add(progressFailure);
        }
        pass.maxDecelMps2().ifPresent(limit ->
        {
            if (measured.maxDecelMps2() > limit)
            {
                failures.add(String.format(Locale.ROOT, "braked at %.2f m/s², at most %.2f allowed",
                    measured.maxDecelMps2(), limit));
            }
        });
        pass.minPedestrianDistanceM().ifPresent(limit ->
        {
            if (measured.minPedestrianDistanceM() < limit)
            {
                failures.add(String.format(Locale.ROOT, "came within %.2f m of a pedestrian, at least %.2f m " +
                    "required", measured.minPedestrianDistanceM(), limit));
            }
        });
        pass.maxWeaving().ifPresent(limit ->
        {
            if (measured.weaving() > limit)
            {
                failures.add(String.format(Locale.ROOT, "%d weaving lane change(s) (the first undone at t = %.1f s), " +
                    "at most %d allowed", measured.weaving(), measured.firstWeavingS(), limit));
            }
        });
        pass.maxLaneChanges().ifPresent(limit ->
        {
            if (measured.laneChanges() > limit)
            {
                failures.add(measured.laneChanges() + " lane change(s), at most " + limit + " allowed");
            }
        });
        pass.maxOppositeLaneS().ifPresent(limit ->
        {
            if (measured.oppositeLaneS() > limit)
            {
                failures.add(String.format(Locale.ROOT, "%.1f s in the opposite lane, at most %.1f s allowed",
                    measured.oppositeLaneS(), limit));
            }
        });
        pass.minPdms().ifPresent(limit ->
        {
            if (pdms < limit)
            {
                failures.add(String.format(Locale.ROOT, "PDMS %.3f, at least %.3f required", pdms, limit));
            }
        });
        return failures;
    }

    /**
     * The progress criterion, with NAVSIM's false-positive filtering: {@code min_progress_m} is asked unless the
     * reference driver made less in the same run (the traffic drawn left no way through in time), in which case
     * {@link #REFERENCE_SHARE} of what it made is.
     *
     * @return the failure's sentence, or null when the criterion holds.
     */
    public static String progressFailure(final double minProgressM, final double referenceProgressM,
        final double progressM)
    {
        final boolean referenceShort = Double.isFinite(referenceProgressM) && referenceProgressM < minProgressM;
        final double required = referenceShort ? REFERENCE_SHARE * Math.max(0, referenceProgressM) : minProgressM;
        if (progressM >= required)
        {
            return null;
        }
        return referenceShort ?
            String.format(Locale.ROOT, "progress %.1f m, at least %.1f m required (%.0f %% of the reference " +
                "driver's %.1f m, itself short of the %.1f m asked)", progressM, required, 100 * REFERENCE_SHARE,
                referenceProgressM, minProgressM) :
            String.format(Locale.ROOT, "progress %.1f m, at least %.1f m required", progressM, minProgressM);
    }
}
