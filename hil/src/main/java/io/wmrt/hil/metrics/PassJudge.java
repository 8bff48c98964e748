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
     * @param pass       the scenario's criteria
     * @param measured   the run's step-by-step measures
     * @param collisions contacts with other road users (the ruler's boxes plus SUMO's reports they confirm)
     * @param progressM  the run's progress
     * @param pdms       the run's PDMS (for {@code min_pdms})
     */
    public static List<String> failures(final Scenario.PassCriteria pass, final DrivingMetrics measured,
        final int collisions, final double progressM, final double pdms)
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
        if (progressM < pass.minProgressM())
        {
            failures.add(String.format(Locale.ROOT, "progress %.1f m, at least %.1f m required", progressM,
                pass.minProgressM()));
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
}
