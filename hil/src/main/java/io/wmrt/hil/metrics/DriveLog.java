package io.wmrt.hil.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The ground truth of one drive, step by step, as the ruler scores it: the ego's pose, everyone else's box and
 * speed, red-light crossings, and the plans the ego was given. Filled by whoever drove (the rig with the runtime
 * under test, or SUMO's own driver as the reference) and read only by the metrics, after the drive.
 *
 * <p>The ego's acceleration and yaw rate are derived here from the speed and course the vehicle drove (never from
 * the planner's plan); its box and progress come from the simulator's positions.
 *
 * <p>Not thread safe: filled by one thread, then read.
 */
public final class DriveLog
{
    /** What another road user is, for NAVSIM's collision classes. */
    public enum AgentKind
    {
        VEHICLE, PEDESTRIAN, BICYCLE,
        /** A static object (a cone, a barrier): NAVSIM halves the score for hitting one instead of zeroing it. */
        STATIC;

        /** NAVSIM's agent types: vehicles, pedestrians and bicycles. */
        public boolean agent()
        {
            return this != STATIC;
        }
    }

    /** Another road user at one step: box centre, heading (radians CCW from +x), speed and size. */
    public record Agent(String key, AgentKind kind, double x, double y, double heading, double speed, double length,
        double width)
    {
    }

    /**
     * The state after one step.
     *
     * @param timeS           simulation time
     * @param x               ego box centre
     * @param y               ego box centre
     * @param heading         ego heading, radians CCW from +x, as the simulator holds its box
     * @param speed           ego speed as the vehicle drove it (the rig's vehicle model, or SUMO's own driver)
     * @param course          the direction the vehicle drove in (radians CCW from +x), which the comfort bounds
     *                        differentiate: SUMO maps a moved ego onto its lanes in junctions, which would turn a
     *                        lane's kink into a yaw rate the vehicle never had
     * @param agents          road users near the ego
     * @param redLightCrossed whether the ego's front crossed a stop line on red during the step
     */
    public record Sample(double timeS, double x, double y, double heading, double speed, double course,
        List<Agent> agents, boolean redLightCrossed)
    {
        public Sample
        {
            agents = List.copyOf(agents);
        }
    }

    /** A plan the ego was given: waypoints at times {@code t} (seconds from {@code timeS}). */
    public record Plan(double timeS, double[] t, double[] x, double[] y, double[] heading, double[] speed)
    {
    }

    private final double stepS;
    private final double egoLength;
    private final double egoWidth;
    private final double initialSpeed;
    private final Set<String> routeEdges;
    private final List<Sample> samples = new ArrayList<>();
    private final List<Plan> plans = new ArrayList<>();
    private double[] speed;
    private double[] accel;
    private double[] yawRate;

    /**
     * @param stepS        seconds between samples
     * @param egoLength    ego length
     * @param egoWidth     ego width
     * @param initialSpeed the ego's speed when the log starts (before the first sample)
     * @param routeEdges   the normal edges of the ego's route
     */
    public DriveLog(final double stepS, final double egoLength, final double egoWidth, final double initialSpeed,
        final Set<String> routeEdges)
    {
        this.stepS = stepS;
        this.egoLength = egoLength;
        this.egoWidth = egoWidth;
        this.initialSpeed = initialSpeed;
        this.routeEdges = Set.copyOf(routeEdges);
    }

    public void add(final Sample sample)
    {
        samples.add(sample);
        speed = null;
    }

    public void addPlan(final Plan plan)
    {
        plans.add(plan);
    }

    public double stepS()
    {
        return stepS;
    }

    public double egoLength()
    {
        return egoLength;
    }

    public double egoWidth()
    {
        return egoWidth;
    }

    public Set<String> routeEdges()
    {
        return routeEdges;
    }

    public List<Sample> samples()
    {
        return samples;
    }

    public int size()
    {
        return samples.size();
    }

    public Sample sample(final int i)
    {
        return samples.get(i);
    }

    public List<Plan> plans()
    {
        return plans;
    }

    /** The ego's speed at each sample. */
    public double speed(final int i)
    {
        derive();
        return speed[i];
    }

    /** The ego's longitudinal acceleration at each sample: change of speed over the step. */
    public double accel(final int i)
    {
        derive();
        return accel[i];
    }

    /** The ego's yaw rate at each sample: change of course over the step. */
    public double yawRate(final int i)
    {
        derive();
        return yawRate[i];
    }

    /** The courses of all samples with the 2 pi jumps taken out. */
    public double[] unwrappedHeadings()
    {
        final int n = samples.size();
        final double[] out = new double[n];
        for (int i = 0; i < n; i++)
        {
            final double c = samples.get(i).course();
            if (i == 0)
            {
                out[i] = c;
                continue;
            }
            final double d = c - samples.get(i - 1).course();
            out[i] = out[i - 1] + Math.atan2(Math.sin(d), Math.cos(d));
        }
        return out;
    }

    private void derive()
    {
        if (null != speed)
        {
            return;
        }
        final int n = samples.size();
        speed = new double[n];
        accel = new double[n];
        yawRate = new double[n];
        final double[] course = unwrappedHeadings();
        double previous = initialSpeed;
        for (int i = 0; i < n; i++)
        {
            speed[i] = samples.get(i).speed();
            if (i > 0)
            {
                yawRate[i] = (course[i] - course[i - 1]) / stepS;
            }
            accel[i] = (speed[i] - previous) / stepS;
            previous = speed[i];
        }
        if (n > 1)
        {
            yawRate[0] = yawRate[1];
        }
    }
}
