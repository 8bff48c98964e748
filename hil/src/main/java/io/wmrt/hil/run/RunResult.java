package io.wmrt.hil.run;

import java.util.List;

/**
 * The scores of one closed-loop scenario run, as written to {@code summary.json} and the HTML report.
 *
 * @param scenario               scenario name (its directory name unless the scenario file names it).
 * @param model                  model package name.
 * @param profile                hardware profile's SoC name.
 * @param timing                 how the runtime took its timing decisions: {@code deterministic[:MS]} or
 *                               {@code wall-clock} ({@link io.wmrt.hil.rig.RigTiming}).
 * @param seed                   seed of the run (SUMO, planner sampler and any ego perturbation).
 * @param durationS              simulated seconds driven.
 * @param ticks                  simulation steps the rig ran with the ego under control.
 * @param collisions             distinct contacts with other road users: the rig's footprint check, plus
 *                               contacts SUMO reported that the footprints confirm (within 0.5 m then).
 * @param sumoCollisions         contacts involving the ego that SUMO reported, confirmed or not.
 * @param footprintCollisions    contacts the rig's footprint check found.
 * @param redLightViolations     stop-line crossings while the ego's next signal was red.
 * @param offroad                steps with a footprint corner outside every drivable lane and junction.
 * @param progressM              metres the ego advanced along its route.
 * @param routeLengthM           metres of route ahead of the ego when the rig took control.
 * @param routeCompletion        progressM / routeLengthM, at most 1.
 * @param minTtcS                smallest constant-velocity time to collision with any road user ahead
 *                               (infinite when never closing).
 * @param maxAccelMps2           largest forward acceleration.
 * @param maxDecelMps2           hardest braking (positive).
 * @param maxAbsJerkMps3         largest |jerk|.
 * @param maxAbsLatAccelMps2     largest |lateral acceleration| (speed times yaw rate).
 * @param laneChanges            changes of the ego's lane (SUMO lane id on normal edges).
 * @param weaving                lane changes undone within 3 s (out and straight back).
 * @param oppositeLaneS          seconds with the ego's centre in a lane of the opposite direction.
 * @param minPedestrianDistanceM smallest footprint distance to any pedestrian (infinite when none seen).
 * @param stoppedS               seconds with speed below 0.1 m/s.
 * @param creepingS              seconds with speed in [0.1, 2.0) m/s.
 * @param tickMsP50              median planner tick from the Trajectories' own tick times.
 * @param tickMsP99              99th percentile of the same.
 * @param deadlineMisses         ticks over the profile's deadline, from the runtime's counter.
 * @param clockDegradedTicks     with deterministic timing, ticks the planner's clock would have cut to the
 *                               lattice (what wall-clock timing would have done on this machine then); 0 otherwise.
 * @param staleSteps             steps where no Trajectory for the current scene arrived in time and the
 *                               ego followed the previous one.
 * @param learnedChoiceChanges   planner ticks whose plan the learned terms (the model's risk, its say on which
 *                               standing vehicles will move) changed from what the analytic terms alone chose,
 *                               from the runtime's counter; 0 for a package without learned terms.
 * @param learnedParkedOverrides standing vehicles, summed over ticks, that the model judged parked where the queue
 *                               rule said queued or the other way round, from the runtime's counter.
 * @param scores                 NAVSIM's PDMS and EPDMS with every sub-score ({@link RunScores}).
 * @param passed                 every pass criterion of the scenario held.
 * @param failures               the pass criteria that did not hold, one sentence each.
 * @param wallS                  wall-clock seconds the run took.
 * @param family                 the generated scenario family ({@code parameters.yaml}'s {@code family}), or
 *                               {@value #HAND_BUILT} for a scenario written by hand.
 * @param actionBounds           the model package's action space, so comparisons can say when two differ.
 */
public record RunResult(
    String scenario,
    String model,
    String profile,
    String timing,
    long seed,
    double durationS,
    long ticks,
    int collisions,
    int sumoCollisions,
    int footprintCollisions,
    int redLightViolations,
    int offroad,
    double progressM,
    double routeLengthM,
    double routeCompletion,
    double minTtcS,
    double maxAccelMps2,
    double maxDecelMps2,
    double maxAbsJerkMps3,
    double maxAbsLatAccelMps2,
    int laneChanges,
    int weaving,
    double oppositeLaneS,
    double minPedestrianDistanceM,
    double stoppedS,
    double creepingS,
    double tickMsP50,
    double tickMsP99,
    long deadlineMisses,
    long clockDegradedTicks,
    long staleSteps,
    long learnedChoiceChanges,
    long learnedParkedOverrides,
    RunScores scores,
    boolean passed,
    List<String> failures,
    double wallS,
    String family,
    List<ActionBound> actionBounds)
{
    /** The family of a scenario nobody generated. */
    public static final String HAND_BUILT = "hand-built";

    /** One dimension of a model's action space. */
    public record ActionBound(String name, double lower, double upper)
    {
    }

    public RunResult
    {
        failures = List.copyOf(failures);
        actionBounds = List.copyOf(actionBounds);
    }

    /** NAVSIM v1's PDM score of the run. */
    public double pdms()
    {
        return scores.pdms();
    }

    /** NAVSIM v2's extended PDM score of the run. */
    public double epdms()
    {
        return scores.epdms();
    }
}
