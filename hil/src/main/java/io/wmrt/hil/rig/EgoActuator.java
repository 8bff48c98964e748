package io.wmrt.hil.rig;

import io.wmrt.sbe.TrajectoryDecoder;

/**
 * Moves the ego along the newest planned trajectory the way a vehicle's low-level controller would, with
 * the limits the rig enforces: SUMO applies any pose and speed it is given in one step, so acceleration,
 * braking and jerk are bounded here.
 *
 * <p>Each step: the speed the trajectory asks for at the next step is reached as closely as the limits
 * allow; the ego then advances that far along the trajectory's path (from the point of the path nearest
 * to it) and takes the path's heading there. A trajectory older than the current scene is still followed
 * (the car keeps its last plan when a tick is late). An optional perturbation adds a longitudinal
 * acceleration offset and a sideways drift, so recorded data shows the consequences of actions the
 * planner did not choose.
 *
 * <p>Not thread safe: owned by the rig thread.
 */
public final class EgoActuator
{
    public static final double MAX_ACCEL_MPS2 = 3.0;
    /** Hardest braking the rig allows (an emergency stop of a passenger car). */
    public static final double MAX_DECEL_MPS2 = 8.0;
    public static final double MAX_JERK_MPS3 = 15.0;
    private static final int MAX_WAYPOINTS = 64;

    private final double[] pathX = new double[MAX_WAYPOINTS + 1];
    private final double[] pathY = new double[MAX_WAYPOINTS + 1];
    private final double[] pathHeading = new double[MAX_WAYPOINTS + 1];
    private final double[] pathSpeed = new double[MAX_WAYPOINTS + 1];
    private final double[] pathT = new double[MAX_WAYPOINTS + 1];
    private int pathPoints;
    private double planStartS;

    private double x;
    private double y;
    private double heading;
    private double speed;
    private double accel;
    private double jerk;
    private double yawRate;

    private double accelOffset;
    private double lateralDrift;

    /** Starts from the pose SUMO reports when the rig takes control. */
    public void reset(final double x, final double y, final double heading, final double speed)
    {
        this.x = x;
        this.y = y;
        this.heading = heading;
        this.speed = Math.max(0.0, speed);
        this.accel = 0.0;
        this.jerk = 0.0;
        this.yawRate = 0.0;
        this.pathPoints = 0;
    }

    /**
     * Puts the ego where SUMO says it is (the ground truth the runtime also sees), keeping its speed,
     * acceleration and plan.
     */
    public void resync(final double x, final double y, final double heading)
    {
        this.x = x;
        this.y = y;
        this.heading = heading;
    }

    /**
     * Takes a new plan: its waypoints, timed from {@code sceneTimeS} (the simulation time of the scene it
     * answers), preceded by the ego's pose at that time.
     */
    public void follow(final TrajectoryDecoder trajectory, final double sceneTimeS, final double sceneX,
        final double sceneY, final double sceneHeading, final double sceneSpeed)
    {
        final int count = Math.min(trajectory.waypointCount(), MAX_WAYPOINTS);
        pathX[0] = sceneX;
        pathY[0] = sceneY;
        pathHeading[0] = sceneHeading;
        pathSpeed[0] = sceneSpeed;
        pathT[0] = 0.0;
        for (int i = 0; i < count; i++)
        {
            pathX[i + 1] = trajectory.wpX(i);
            pathY[i + 1] = trajectory.wpY(i);
            pathHeading[i + 1] = trajectory.wpHeading(i);
            pathSpeed[i + 1] = trajectory.wpSpeed(i);
            pathT[i + 1] = trajectory.wpT(i);
        }
        pathPoints = count + 1;
        planStartS = sceneTimeS;
    }

    /** Sets the perturbation applied from the next step on: zero and zero follow the plan exactly. */
    public void perturb(final double accelOffsetMps2, final double lateralDriftMps)
    {
        this.accelOffset = accelOffsetMps2;
        this.lateralDrift = lateralDriftMps;
    }

    /**
     * Advances the ego by one step ending at simulation time {@code timeS}.
     */
    public void step(final double timeS, final double dt)
    {
        double targetSpeed = speed;
        if (pathPoints > 1)
        {
            targetSpeed = sampleSpeed(timeS - planStartS);
        }
        double wantedAccel = (targetSpeed - speed) / dt + accelOffset;
        wantedAccel = Math.max(-MAX_DECEL_MPS2, Math.min(MAX_ACCEL_MPS2, wantedAccel));
        final double maxChange = MAX_JERK_MPS3 * dt;
        // Jerk is limited except when braking harder is what is asked: an emergency stop may not wait.
        double newAccel = wantedAccel < accel && wantedAccel < -3.0 ?
            wantedAccel : Math.max(accel - maxChange, Math.min(accel + maxChange, wantedAccel));
        double newSpeed = speed + newAccel * dt;
        if (newSpeed < 0.0)
        {
            newSpeed = 0.0;
            newAccel = -speed / dt;
        }
        final double distance = 0.5 * (speed + newSpeed) * dt;
        final double oldHeading = heading;
        if (pathPoints > 1)
        {
            moveAlongPath(distance);
        }
        else
        {
            x += Math.cos(heading) * distance;
            y += Math.sin(heading) * distance;
        }
        if (lateralDrift != 0.0 && newSpeed > 0.5)
        {
            x += -Math.sin(heading) * lateralDrift * dt;
            y += Math.cos(heading) * lateralDrift * dt;
        }
        jerk = (newAccel - accel) / dt;
        accel = newAccel;
        speed = newSpeed;
        yawRate = Math.atan2(Math.sin(heading - oldHeading), Math.cos(heading - oldHeading)) / dt;
    }

    private double sampleSpeed(final double tau)
    {
        if (tau <= pathT[0])
        {
            return pathSpeed[0];
        }
        for (int i = 1; i < pathPoints; i++)
        {
            if (tau <= pathT[i])
            {
                final double span = pathT[i] - pathT[i - 1];
                final double f = span > 0 ? (tau - pathT[i - 1]) / span : 1.0;
                return pathSpeed[i - 1] + (pathSpeed[i] - pathSpeed[i - 1]) * f;
            }
        }
        return pathSpeed[pathPoints - 1];
    }

    /** Projects the ego on the path, then moves {@code distance} further along it. */
    private void moveAlongPath(final double distance)
    {
        int segment = 0;
        double along = 0.0;
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i + 1 < pathPoints; i++)
        {
            final double dx = pathX[i + 1] - pathX[i];
            final double dy = pathY[i + 1] - pathY[i];
            final double squared = dx * dx + dy * dy;
            double t = squared > 0 ? ((x - pathX[i]) * dx + (y - pathY[i]) * dy) / squared : 0.0;
            t = Math.max(0.0, Math.min(1.0, t));
            final double d = Math.hypot(pathX[i] + t * dx - x, pathY[i] + t * dy - y);
            if (d < best)
            {
                best = d;
                segment = i;
                along = t * Math.sqrt(squared);
            }
        }
        double before = 0.0;
        double total = 0.0;
        for (int i = 0; i + 1 < pathPoints; i++)
        {
            final double length = Math.hypot(pathX[i + 1] - pathX[i], pathY[i + 1] - pathY[i]);
            if (i < segment)
            {
                before += length;
            }
            total += length;
        }
        if (before + along >= total - 1e-9)
        {
            // Past the end of the plan (or a plan that does not move): carry on along the current heading.
            x += Math.cos(heading) * distance;
            y += Math.sin(heading) * distance;
            return;
        }
        // Keep the sideways offset from the path (drift, or SUMO's rounding) rather than snapping onto it.
        final double sx = pathX[segment + 1] - pathX[segment];
        final double sy = pathY[segment + 1] - pathY[segment];
        final double segmentLength = Math.hypot(sx, sy);
        double offset = 0.0;
        if (segmentLength > 1e-9)
        {
            offset = ((x - pathX[segment]) * -sy + (y - pathY[segment]) * sx) / segmentLength;
        }
        double remaining = along + distance;
        int i = segment;
        while (i + 1 < pathPoints)
        {
            final double length = Math.hypot(pathX[i + 1] - pathX[i], pathY[i + 1] - pathY[i]);
            if (remaining <= length || i + 2 == pathPoints)
            {
                final double f = length > 1e-9 ? remaining / length : 1.0;
                final double ux = length > 1e-9 ? (pathX[i + 1] - pathX[i]) / length : Math.cos(heading);
                final double uy = length > 1e-9 ? (pathY[i + 1] - pathY[i]) / length : Math.sin(heading);
                x = pathX[i] + ux * remaining - uy * offset;
                y = pathY[i] + uy * remaining + ux * offset;
                final double h0 = pathHeading[i];
                final double dh = Math.atan2(Math.sin(pathHeading[i + 1] - h0), Math.cos(pathHeading[i + 1] - h0));
                heading = h0 + dh * Math.max(0.0, Math.min(1.0, f));
                heading = Math.atan2(Math.sin(heading), Math.cos(heading));
                return;
            }
            remaining -= length;
            i++;
        }
    }

    public double x()
    {
        return x;
    }

    public double y()
    {
        return y;
    }

    public double heading()
    {
        return heading;
    }

    public double speed()
    {
        return speed;
    }

    public double accel()
    {
        return accel;
    }

    public double jerk()
    {
        return jerk;
    }

    public double yawRate()
    {
        return yawRate;
    }
}
