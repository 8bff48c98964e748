package io.wmrt.planner;

/**
 * Weights of the analytic cost terms. Units are cost per the term's natural unit, so that a decision can be
 * read off the breakdown published with each trajectory: one metre of progress is worth 1.
 * <p>
 * Immutable after construction in practice; read by the planner agent only.
 */
public final class CostWeights
{
    /** Any predicted footprint overlap: dominates everything else. */
    public double collision = 10_000;
    /**
     * Per unit of the model's own collision probability for a candidate (the optional rollout output
     * {@code risk}, clamped to [0, 1]): risk 1.0 costs as much as a certain collision. The footprint term
     * prices an overlap at 0.5 to 3 times {@link #collision} by how early and how fast it happens; the model's
     * risk says neither, so it is priced at the footprint term's base, {@link #collision} itself, which makes
     * the term an expected collision cost. Unused when the package does not predict risk; replaced by the
     * package's {@code planner.risk_cost} when its risk means something milder than a collision.
     */
    public double risk = 10_000;
    /** Per second that time to collision falls below {@link #ttcThresholdS}. */
    public double ttc = 100;
    public double ttcThresholdS = 2.0;
    /**
     * Per m^2 per second that the gap to another vehicle falls below {@link #clearanceM} plus
     * {@link #clearancePerMps} per m/s of ego speed; reported with the time-to-collision term.
     */
    public double clearance = 300;
    public double clearanceM = 0.4;
    public double clearancePerMps = 0.08;
    /**
     * Per m^2 per second that the gap to another vehicle, measured between the footprints as they stand (not
     * aligned with the ego), falls below {@link #clearanceFloorM}; reported with the time-to-collision term. The
     * aligned estimate above misses a car pulling back into its lane nose first past a parked one (its front
     * corner swings towards the parked car's rear): such passes were measured at 0.3-0.5 m where the aligned
     * estimate said 0.75 m, and some ended in contact.
     */
    public double clearanceFloor = 3_000;
    public double clearanceFloorM = 0.6;
    /**
     * Per second that the ego's footprint lies within {@link #cutInHeadwayS} (plus a metre) ahead of a vehicle or
     * cyclist behind it going its way in a lane the ego is not already in: a lane change or merge in front of a
     * follower that leaves it less than that time gap. The predictions held the follower at its speed, and the
     * ego changed lanes with a car entering from a side street 3 m behind it and speeding up, which ran into its
     * side (corridor-9300-011). With 0.8 s the ego let one car after another by on an acceleration lane until
     * it stood at the lane's end (corridor-9300-000). Reported with the time-to-collision term.
     */
    public double cutIn = 200;
    public double cutInHeadwayS = 0.5;
    /** Reward (negative cost) per metre of progress along the route. */
    public double progress = 1.0;
    /**
     * Metres of progress forgone per second a plan stands (under {@link #parkedWaitSpeedMps}) behind a vehicle
     * judged parked that it does not get past. Waiting there gains nothing while the vehicle stays parked, and a
     * six-second horizon cannot see that: a pass from a standstill, slower and so longer out of its lane than
     * one at speed, had cost more than waiting on an empty road, and the ego waited for good behind a van with
     * nothing coming (double-parked-7500-004: 2.57 against 0.02). Below half of it per m/s a crawl into the
     * standoff (which counts twice against the plan) would cost less than standing: it does not. Not charged
     * while anyone ahead comes the other way: then waiting lets them by, and charging it had started passes
     * into a stream that ended stopped in the oncoming lane (narrow-street-7700-006).
     */
    public double parkedWait = 0.8;
    public double parkedWaitSpeedMps = 0.5;
    /** Per (m/s^2)^2 of longitudinal acceleration, averaged over the horizon. */
    public double accel = 0.4;
    /** Per (m/s^2)^2 of braking harder than {@link #hardBrakeMps2}, per step: hard stops only for safety. */
    public double hardBrake = 3.0;
    public double hardBrakeMps2 = 3.0;
    /**
     * Per step and per m/s^2 of braking beyond {@link #brakeBoundMps2}, the comfort bound: past it a brake is a
     * last resort, dearer than a step with a corner over the kerb and far dearer at low speed than the few
     * centimetres it saves.
     */
    public double beyondBrakeBound = 60;
    public double brakeBoundMps2 = 4.0;
    /** Per (m/s^3)^2 of jerk, averaged over the horizon. */
    public double jerk = 0.04;
    /** Per (m/s^2)^2 of lateral acceleration, averaged over the horizon. */
    public double lateralAccel = 0.5;
    /** Per m^2 of offset from the lane centre, averaged over the horizon. */
    public double laneOffset = 1.0;
    /** Per metre outside the ego lane, per step (overtaking is allowed, not free). */
    public double outOfLane = 0.25;
    /** Per step with any part of the footprint outside the drivable area. */
    public double offroad = 500;
    /**
     * Per second with the footprint touching the drivable area's edge, growing quadratically from nothing at
     * {@link #kerbMarginM} inside it: a car that drifts onto the kerb line (away from oncoming traffic in a narrow
     * street) cannot pull out again without its rear corner swinging over it.
     */
    public double kerbMargin = 10;
    /** The room kept between the footprint and the drivable area's edge, metres. */
    public double kerbMarginM = 0.3;
    /** Crossing a red or yellow stop line that could have been stopped for. */
    public double redLight = 2_000;
    /** Leaving the lane on the approach to a red light: a standing queue there is traffic, not parked cars. */
    public double queuePass = 600;
    /** How far before a red stop line overtaking is forbidden, metres. */
    public double queueZoneM = 80;
    /**
     * A plan that ends at rest or creeping where a road user coming the other way or across runs into it, both
     * held at their last velocity for {@link #afterHorizonS} after the horizon: standing or creeping in the
     * opposite lane with oncoming traffic on its way, or with the nose on a crossing that walkers are heading for.
     * Within the horizon the collision term sees nothing of it, so a stop there looked as safe as a stop in lane.
     * Charged from half this (met at the end of the extension) to all of it (met at its start). Road users going
     * the ego's way are left out: behind it they are predicted to stop, ahead of it the ego will.
     */
    public double afterHorizon = 2_000;
    public double afterHorizonS = 4.0;
    /**
     * A plan that ends out of its lane part-way through a pass that cannot be finished before a road user
     * coming the other way arrives: the ego carried on from the end of the horizon, speeding up to the limit,
     * until it is clear of everything it is passing (a stopped vehicle, and whatever stands or rides slowly too
     * close beyond it to pull back in between) with room to pull back in, against each oncoming road user held
     * at its last predicted velocity for up to {@link #passLookAheadS}. The horizon alone sees only the first
     * seconds of a pass, so starting one looked as safe as finishing it. Charged from half this (met at the
     * end of the look-ahead) to all of it (met at the end of the horizon). It was off while the scene reached
     * 80 m (a car coming into a pass was not seen in time for it to matter); with a 150 m scene and the agents
     * beyond the model's range carried, it is what keeps a pass from starting into traffic (README, "A scene
     * that reaches the oncoming car").
     */
    public double unfinishedPass = 2_000;
    public double passLookAheadS = 10.0;
    /**
     * A plan that leaves the ego at rest closer behind a standing vehicle it waits behind with room (judged
     * parked, or {@code TrajectoryScorer.waitWithRoom}) than the ego needs to steer round it at full lock: it
     * cannot reverse, so from there it never gets past (TrajectoryScorer.cornered). Half out of the lane past
     * the first of two cars parked 13 m apart, a comfort stop into the gap between them tied with finishing the
     * pass, and the ego stood 1 m behind the second for the rest of the run (narrow-street-9500-025).
     */
    public double cornered = 1_000;
    /** Per (m/s)^2 of speed near a pedestrian, scaled by how near (creep, do not rush past people). */
    public double pedestrian = 1.2;
    /** Clearance to a pedestrian below which speed is penalised, metres. */
    public double pedestrianRadiusM = 4.0;
    /**
     * Per m^2, per second, that the ego's nose is closer than {@link #pedestrianFrontM} to a pedestrian in front
     * of it, moving or not: the speed term alone let the ego roll up to a zebra and wait with its bumper 0.8 m
     * from the walkers' line, and a walker crossing on the slant passed its corner at 0.37 m (zebra-7900-007).
     */
    public double pedestrianFront = 30;
    public double pedestrianFrontM = 2.0;
    /**
     * Per m^2, per second, that the gap to a pedestrian standing still (under {@link SceneSnapshot#STANDING_MPS})
     * is under {@link #standingPedestrianM}, at any speed: one waiting at a zebra's kerb may step out, and the
     * speed term let the ego pass one at 5 m/s with 0.73 m, centred in its lane (zebra-8300-003), where half a
     * metre to the left was free.
     */
    public double standingPedestrian = 1_000;
    public double standingPedestrianM = 1.25;
    /**
     * Per m^2 of mean squared distance from the previous plan over its first {@link #consistencySteps} steps:
     * commit to a manoeuvre once begun instead of flip-flopping between plans of similar cost.
     */
    public double consistency = 5.0;
    public int consistencySteps = 5;
    /** Per (m/s)^2 above the speed limit, per step. */
    public double overSpeed = 2.0;
}
