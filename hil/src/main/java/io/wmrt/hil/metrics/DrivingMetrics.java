package io.wmrt.hil.metrics;

import io.wmrt.bus.SceneCodes;
import org.locationtech.jts.geom.Polygon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures one run step by step from the ground truth the rig observes, for the scenarios' pass criteria and the
 * report: contacts, hardest braking, weaving, lane changes, time in the opposite lane, distance to pedestrians,
 * creeping instead of stopping. The NAVSIM score is {@link NavsimRuler}'s, from the whole drive's log. Geometry is
 * the ruler's own ({@link Footprint}, on JTS), never the planner's.
 *
 * <p>Definitions (also in hil/README.md):
 * <ul>
 *   <li>collision: the ego's footprint starts to overlap another road user's (one per contact); a
 *       contact SUMO reports counts too when the footprints were that close then ({@link #closeTo});</li>
 *   <li>red-light violation: the ego's front crosses a stop line whose signal was red for it;</li>
 *   <li>offroad: a step with part of the footprint outside every drivable lane and junction;</li>
 *   <li>time to collision: the ego and every road user ahead of it moved on at constant velocity,
 *       footprints checked every {@value #TTC_STEP_S} s up to {@value #TTC_HORIZON_S} s;</li>
 *   <li>comfort: longitudinal acceleration within [-{@value #COMFORT_MAX_DECEL}, {@value #COMFORT_MAX_ACCEL}],
 *       |jerk| at most {@value #COMFORT_MAX_JERK} and |lateral acceleration| at most
 *       {@value #COMFORT_MAX_LAT_ACCEL} (NAVSIM's thresholds), filtered the way nuPlan's comfort metrics
 *       filter them: a quadratic Savitzky-Golay fit over {@value #ACCEL_WINDOW_STEPS} steps for the
 *       accelerations, and the derivative of a quadratic fit over {@value #JERK_WINDOW_STEPS} steps of the
 *       smoothed acceleration for the jerk (nuPlan uses windows of 8 and 15 steps at 10 Hz; these windows are
 *       odd so that they centre on their step);</li>
 *   <li>lane change: the lane the ego's centre sits in (with hysteresis) changes sideways, the
 *       opposite direction of a two-way street included; weaving: a lane change between lanes of the ego's
 *       direction undone within {@value #WEAVING_WINDOW_S} s, unless in between the ego got past a vehicle or
 *       cyclist that was ahead of it in the lane it left and went back to (an overtake, say of a double-parked
 *       car on a road with two lanes each way); time in the opposite lane: the ego's centre nearest to a lane of the
 *       edge running the other way (passing a parked car, or overtaking a queue where it must not);</li>
 *   <li>stopped: speed below {@value #STOPPED_MPS} m/s; creeping: below {@value #CREEPING_MPS} m/s;</li>
 * </ul>
 *
 * <p>Not thread safe: owned by the rig thread.
 */
public final class DrivingMetrics
{
    public static final double TTC_HORIZON_S = 4.0;
    public static final double TTC_STEP_S = 0.1;
    public static final double PDMS_TTC_S = 0.9;
    public static final double COMFORT_MAX_ACCEL = 2.40;
    public static final double COMFORT_MAX_DECEL = 4.05;
    public static final double COMFORT_MAX_JERK = 4.13;
    public static final double COMFORT_MAX_LAT_ACCEL = 4.89;
    public static final int ACCEL_WINDOW_STEPS = 7;
    public static final int JERK_WINDOW_STEPS = 15;
    public static final double WEAVING_WINDOW_S = 3.0;
    /** How far ahead, centre to centre, a road user in the lane the ego leaves may be to count as overtaken. */
    public static final double OVERTAKE_AHEAD_M = 60.0;
    /** Sideways band, from the ego's centre as its lane change counts, in which that lane's road users lie. */
    public static final double OVERTAKE_LANE_NEAR_M = 1.0;
    public static final double OVERTAKE_LANE_FAR_M = 5.0;
    public static final double STOPPED_MPS = 0.1;
    public static final double CREEPING_MPS = 2.0;
    /** A SUMO-reported contact counts when the footprints were at most this far apart then. */
    public static final double CONFIRM_GAP_M = 0.5;
    /** ... within this time of the report. */
    public static final double CONFIRM_WINDOW_S = 0.25;
    /** A road user slower than this is standing (a parked car, a queue at a light). */
    public static final double STANDING_MPS = 0.1;

    /** Another road user at one step: footprint centre, heading, size and speed. */
    public record RoadUser(String key, byte kind, double x, double y, double heading, double speed, double length,
        double width)
    {
    }

    /** One contact. */
    public record Contact(double timeS, String other, boolean egoStanding, boolean otherStanding)
    {
    }

    private final Map<String, Boolean> touching = new HashMap<>();
    private final List<Contact> contacts = new ArrayList<>();
    /** Per road user, the times its footprint came within {@link #CONFIRM_GAP_M} of the ego's. */
    private final Map<String, List<Double>> closeCalls = new HashMap<>();
    private double[] accelSeries = new double[1024];
    private double[] latAccelSeries = new double[1024];
    private int samples;
    private double stepS = Double.NaN;
    private boolean comfortCurrent = true;

    private long steps;
    private int redLightViolations;
    private int offroad;
    private double progressM;
    private double minTtcS = Double.POSITIVE_INFINITY;
    private double maxAccel;
    private double maxDecel;
    private double maxAbsJerk;
    private double maxAbsLatAccel;
    private double minPedestrianDistance = Double.POSITIVE_INFINITY;
    private double stoppedS;
    private double creepingS;

    private double oppositeLaneS;
    private int laneChanges;
    private int weaving;
    private double firstWeavingS = Double.NaN;
    private int lastLaneSlot = Integer.MIN_VALUE;
    private String lastLaneSlotEdge = "";
    private final Set<String> aheadInLaneLeft = new HashSet<>();
    private double lastX;
    private double lastY;
    private double lastHeading;
    private List<RoadUser> lastOthers = List.of();
    private double lastLaneChangeTime = Double.NEGATIVE_INFINITY;
    private int lastLaneChangeDirection;

    /**
     * Scores the state after one step.
     *
     * @param timeS     simulation time
     * @param dt        step length
     * @param egoX      ego footprint centre x
     * @param egoY      ego footprint centre y
     * @param heading   ego heading, radians CCW from +x
     * @param speed     ego speed
     * @param accel     ego longitudinal acceleration over the step
     * @param yawRate   ego yaw rate over the step
     * @param length    ego length
     * @param width     ego width
     * @param drivable  whether the ego's whole footprint was on drivable area
     * @param others    the other road users around the ego
     */
    public void step(final double timeS, final double dt, final double egoX, final double egoY, final double heading,
        final double speed, final double accel, final double yawRate, final double length, final double width,
        final boolean drivable, final List<RoadUser> others)
    {
        steps++;
        progressM += speed * dt;
        lastX = egoX;
        lastY = egoY;
        lastHeading = heading;
        lastOthers = others;
        if (!drivable)
        {
            offroad++;
        }
        if (speed < STOPPED_MPS)
        {
            stoppedS += dt;
        }
        else if (speed < CREEPING_MPS)
        {
            creepingS += dt;
        }
        comfort(accel, speed * yawRate, dt);

        final double hl = 0.5 * length;
        final double hw = 0.5 * width;
        final Polygon egoBox = Footprint.box(egoX, egoY, heading, length, width);
        for (final RoadUser other : others)
        {
            final Polygon otherBox = Footprint.box(other.x(), other.y(), other.heading(), other.length(),
                other.width());
            final boolean overlap = egoBox.intersects(otherBox);
            final Boolean before = touching.put(other.key(), overlap);
            if (overlap && !Boolean.TRUE.equals(before))
            {
                contacts.add(new Contact(timeS, other.key(), speed < STANDING_MPS, other.speed() < STANDING_MPS));
            }
            final boolean near = Math.hypot(other.x() - egoX, other.y() - egoY) <
                hl + hw + other.length() + other.width() + CONFIRM_GAP_M;
            if (near || other.kind() == SceneCodes.PEDESTRIAN)
            {
                final double gap = overlap ? 0.0 : egoBox.distance(otherBox);
                if (other.kind() == SceneCodes.PEDESTRIAN)
                {
                    minPedestrianDistance = Math.min(minPedestrianDistance, gap);
                }
                if (gap <= CONFIRM_GAP_M)
                {
                    closeCalls.computeIfAbsent(other.key(), key -> new ArrayList<>()).add(timeS);
                }
            }
            minTtcS = Math.min(minTtcS, timeToCollision(egoX, egoY, heading, speed, hl, hw, other));
        }
    }

    /**
     * Whether the ego's footprint was within {@link #CONFIRM_GAP_M} of road user {@code key} within
     * {@link #CONFIRM_WINDOW_S} of {@code timeS}: the geometry's confirmation of a contact SUMO reported.
     * SUMO lays a TraCI-moved ego's box along its lane at one lateral offset, whatever its heading, and caps
     * that offset a little beyond its lane's edge, so its picture of an ego turned across the lane or far out
     * in the opposite lane is not the footprint.
     */
    public boolean closeTo(final String key, final double timeS)
    {
        for (final double t : closeCalls.getOrDefault(key, List.of()))
        {
            if (Math.abs(t - timeS) <= CONFIRM_WINDOW_S + 1e-9)
            {
                return true;
            }
        }
        return false;
    }

    /** Counts a crossing of a stop line on red. */
    public void redLightCrossed()
    {
        redLightViolations++;
    }

    /**
     * The sideways lane slot the ego's centre is in (0 = rightmost lane of its direction, counting on
     * into the opposite direction) on the edge the simulator has it on, or {@link Integer#MIN_VALUE} when it
     * is between lanes or on a junction. A change of slot on the same edge is a lane change. A slot on another
     * edge than the last slot's is not, however many steps lie between them: at a junction the simulator may
     * report the next edge while the centre is still nearest a lane of the last one (no slot then), and
     * comparing the next edge's first slot with the last edge's had counted a one-lane to two-lane join as a
     * lane change, and the first real one after it as weaving. Slots from {@code ownLanes} up are the
     * opposite direction's.
     */
    public void laneSlot(final double timeS, final String edge, final int slot, final int ownLanes)
    {
        if (slot == Integer.MIN_VALUE)
        {
            return;
        }
        final boolean sameEdge = edge.equals(lastLaneSlotEdge);
        if (lastLaneSlot != Integer.MIN_VALUE && slot != lastLaneSlot && sameEdge)
        {
            final int direction = Integer.signum(slot - lastLaneSlot);
            laneChanges++;
            // Out into the opposite direction and back is passing, not weaving; so is going back after getting
            // past something that was ahead in the lane left.
            final boolean ownDirection = slot < ownLanes && lastLaneSlot < ownLanes;
            if (ownDirection && direction == -lastLaneChangeDirection &&
                timeS - lastLaneChangeTime <= WEAVING_WINDOW_S && !passedOneLeftAhead())
            {
                weaving++;
                if (Double.isNaN(firstWeavingS))
                {
                    firstWeavingS = timeS;
                }
            }
            rememberAheadInLaneLeft(direction);
            lastLaneChangeDirection = direction;
            lastLaneChangeTime = timeS;
        }
        lastLaneSlot = slot;
        lastLaneSlotEdge = edge;
    }

    /**
     * The road users other than pedestrians ahead of the ego (centre 0-{@value #OVERTAKE_AHEAD_M} m along its
     * heading) in the lane it has just left: {@value #OVERTAKE_LANE_NEAR_M}-{@value #OVERTAKE_LANE_FAR_M} m to
     * the side it came from.
     */
    private void rememberAheadInLaneLeft(final int direction)
    {
        aheadInLaneLeft.clear();
        final double cos = Math.cos(lastHeading);
        final double sin = Math.sin(lastHeading);
        for (final RoadUser other : lastOthers)
        {
            if (other.kind() == SceneCodes.PEDESTRIAN)
            {
                continue;
            }
            final double dx = other.x() - lastX;
            final double dy = other.y() - lastY;
            final double along = dx * cos + dy * sin;
            // Slots count from the right: a change to a higher slot is to the left, so the lane left is on the right.
            final double towardsLaneLeft = -direction * (-dx * sin + dy * cos);
            if (along > 0 && along < OVERTAKE_AHEAD_M &&
                towardsLaneLeft > OVERTAKE_LANE_NEAR_M && towardsLaneLeft < OVERTAKE_LANE_FAR_M)
            {
                aheadInLaneLeft.add(other.key());
            }
        }
    }

    /** Whether one of the road users ahead in the lane the ego left at its last change is now behind its centre. */
    private boolean passedOneLeftAhead()
    {
        final double cos = Math.cos(lastHeading);
        final double sin = Math.sin(lastHeading);
        for (final RoadUser other : lastOthers)
        {
            if (aheadInLaneLeft.contains(other.key()) && (other.x() - lastX) * cos + (other.y() - lastY) * sin < 0)
            {
                return true;
            }
        }
        return false;
    }

    /** Counts a step spent with the ego's centre in a lane of the opposite direction. */
    public void inOppositeLane(final double dt)
    {
        oppositeLaneS += dt;
    }

    public double oppositeLaneS()
    {
        return oppositeLaneS;
    }

    private void comfort(final double accel, final double latAccel, final double dt)
    {
        if (samples == accelSeries.length)
        {
            accelSeries = Arrays.copyOf(accelSeries, 2 * samples);
            latAccelSeries = Arrays.copyOf(latAccelSeries, 2 * samples);
        }
        accelSeries[samples] = accel;
        latAccelSeries[samples] = latAccel;
        samples++;
        stepS = dt;
        comfortCurrent = false;
    }

    /** Filters the whole series so far (the fits look ahead as well as back) and takes the extremes. */
    private void updateComfort()
    {
        if (comfortCurrent)
        {
            return;
        }
        comfortCurrent = true;
        final double[] accel = Arrays.copyOf(accelSeries, samples);
        final double[] smoothed = savitzkyGolay(accel, ACCEL_WINDOW_STEPS, stepS, false);
        final double[] jerk = savitzkyGolay(smoothed, JERK_WINDOW_STEPS, stepS, true);
        final double[] lateral = savitzkyGolay(Arrays.copyOf(latAccelSeries, samples), ACCEL_WINDOW_STEPS,
            stepS, false);
        maxAccel = 0.0;
        maxDecel = 0.0;
        maxAbsJerk = 0.0;
        maxAbsLatAccel = 0.0;
        for (int i = 0; i < samples; i++)
        {
            maxAccel = Math.max(maxAccel, smoothed[i]);
            maxDecel = Math.max(maxDecel, -smoothed[i]);
            maxAbsJerk = Math.max(maxAbsJerk, Math.abs(jerk[i]));
            maxAbsLatAccel = Math.max(maxAbsLatAccel, Math.abs(lateral[i]));
        }
    }

    /** A quadratic Savitzky-Golay fit over {@code window} samples: the value, or with {@code derivative} the slope. */
    static double[] savitzkyGolay(final double[] y, final int window, final double dt, final boolean derivative)
    {
        return SavitzkyGolay.filter(y, window, 2, derivative ? 1 : 0, dt);
    }

    /**
     * Constant-velocity time to collision with a road user ahead of the ego (its centre in front of the
     * ego's centre); infinite when they do not meet within the horizon, 0 when already touching.
     */
    static double timeToCollision(final double egoX, final double egoY, final double heading, final double speed,
        final double hl, final double hw, final RoadUser other)
    {
        final double c = Math.cos(heading);
        final double s = Math.sin(heading);
        if ((other.x() - egoX) * c + (other.y() - egoY) * s <= 0.0)
        {
            return Double.POSITIVE_INFINITY;
        }
        final double reach = hl + hw + 0.5 * (other.length() + other.width());
        final double ovx = Math.cos(other.heading()) * other.speed();
        final double ovy = Math.sin(other.heading()) * other.speed();
        final double closing = Math.hypot(c * speed - ovx, s * speed - ovy);
        final double gap = Math.hypot(other.x() - egoX, other.y() - egoY) - reach;
        if (gap > closing * TTC_HORIZON_S)
        {
            return Double.POSITIVE_INFINITY;
        }
        final int steps = (int)Math.round(TTC_HORIZON_S / TTC_STEP_S);
        for (int k = 0; k <= steps; k++)
        {
            final double t = k * TTC_STEP_S;
            if (Footprint.box(egoX + c * speed * t, egoY + s * speed * t, heading, 2.0 * hl, 2.0 * hw).intersects(
                Footprint.box(other.x() + ovx * t, other.y() + ovy * t, other.heading(), other.length(), other.width())))
            {
                return t;
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    public long steps()
    {
        return steps;
    }

    /** Contacts found by the footprint check, in time order. */
    public List<Contact> contacts()
    {
        return List.copyOf(contacts);
    }

    public int redLightViolations()
    {
        return redLightViolations;
    }

    public int offroad()
    {
        return offroad;
    }

    public double progressM()
    {
        return progressM;
    }

    public double minTtcS()
    {
        return minTtcS;
    }

    public double maxAccelMps2()
    {
        updateComfort();
        return maxAccel;
    }

    public double maxDecelMps2()
    {
        updateComfort();
        return maxDecel;
    }

    public double maxAbsJerkMps3()
    {
        updateComfort();
        return maxAbsJerk;
    }

    public double maxAbsLatAccelMps2()
    {
        updateComfort();
        return maxAbsLatAccel;
    }

    public double minPedestrianDistanceM()
    {
        return minPedestrianDistance;
    }

    public double stoppedS()
    {
        return stoppedS;
    }

    public double creepingS()
    {
        return creepingS;
    }

    public int laneChanges()
    {
        return laneChanges;
    }

    public int weaving()
    {
        return weaving;
    }

    /** When the first weaving lane change was completed, simulation seconds; NaN when none was. */
    public double firstWeavingS()
    {
        return firstWeavingS;
    }

    /** Whether acceleration, jerk and lateral acceleration stayed within NAVSIM's comfort thresholds. */
    public boolean comfortable()
    {
        updateComfort();
        return maxAccel <= COMFORT_MAX_ACCEL && maxDecel <= COMFORT_MAX_DECEL && maxAbsJerk <= COMFORT_MAX_JERK &&
            maxAbsLatAccel <= COMFORT_MAX_LAT_ACCEL;
    }
}
