package io.wmrt.planner;

import java.util.Arrays;

/**
 * K candidate plans of H steps: the actions given to the world model and the ego poses the kinematic
 * bicycle integrates from them. Index {@code k * H + h} is step h of candidate k; pose h is the state after
 * action h, at time {@code (h + 1) * dt}.
 * <p>
 * Not thread safe: owned by the planner agent; sized once at start.
 */
public final class CandidateSet
{
    /** Longitudinal behaviours of the lattice; samples have {@link #SAMPLE}. */
    public static final int FOLLOW_LIMIT = 0;
    public static final int FOLLOW_HALF = 1;
    public static final int CREEP = 2;
    public static final int COMFORT_STOP = 3;
    public static final int HOLD = 4;
    public static final int EMERGENCY_STOP = 5;
    public static final int SAMPLE = 6;
    public static final int FIRM_STOP = 7;

    public final int candidates;
    public final int horizon;
    public final float[] accel;
    public final float[] steer;
    public final double[] x;
    public final double[] y;
    public final double[] heading;
    public final double[] speed;
    /** Longitudinal behaviour of each candidate. */
    public final int[] behaviour;
    /** Lateral target of each candidate, metres left of the route. */
    public final double[] lateralTarget;
    /**
     * Where the generator's pure pursuit projected each pose on the route, per step: the pose projected
     * ({@link #projectedX}, {@link #projectedY}) and its arc length, offset and the route's unit tangent there (and that tangent's heading);
     * valid for candidate k while {@link #projectedRoute}[k] is the scene's route at {@link #projectedVersion}[k]
     * and the pose is still the one projected. The scorer reads them instead of projecting again.
     */
    public final double[] projectedX;
    public final double[] projectedY;
    public final double[] routeS;
    public final double[] routeD;
    public final double[] routeTangentX;
    public final double[] routeTangentY;
    public final double[] routeTangentHeading;
    public final RouteFrame[] projectedRoute;
    /**
     * {@code Math.tan} of a steering angle the generator's bicycle took, per step, and the angle it took
     * ({@link #tanSteerOf}, as a float): the scorer reads the tangent while the step's {@link #steer} is still
     * that angle.
     */
    public final double[] tanSteer;
    public final float[] tanSteerOf;
    public final long[] projectedVersion;
    /** Whether the first sample (index latticeCount) is the previous plan carried forward. */
    public boolean hasPrevious;
    /** Candidates [0, latticeCount) are the lattice; the rest are samples. */
    public int latticeCount;
    /** The in-lane emergency stop: the plan when every candidate is predicted to collide. */
    public int emergencyIndex;
    /** The in-lane comfortable stop: the minimal-risk plan when the world model cannot run. */
    public int comfortStopIndex;
    /**
     * The in-lane firm stop: braking harder than comfortably, short of the emergency stop and of the hard-braking
     * bar; what stops for a road user that comes into the way late without braking as hard as allowed.
     */
    public int firmStopIndex;

    public CandidateSet(final int candidates, final int horizon)
    {
        this.candidates = candidates;
        this.horizon = horizon;
        final int n = candidates * horizon;
        accel = new float[n];
        steer = new float[n];
        x = new double[n];
        y = new double[n];
        heading = new double[n];
        speed = new double[n];
        behaviour = new int[candidates];
        lateralTarget = new double[candidates];
        projectedX = new double[n];
        projectedY = new double[n];
        routeS = new double[n];
        routeD = new double[n];
        routeTangentX = new double[n];
        routeTangentY = new double[n];
        routeTangentHeading = new double[n];
        projectedRoute = new RouteFrame[candidates];
        tanSteer = new double[n];
        tanSteerOf = new float[n];
        Arrays.fill(tanSteerOf, Float.NaN);
        projectedVersion = new long[candidates];
    }

    public static String behaviourName(final int behaviour)
    {
        switch (behaviour)
        {
            case FOLLOW_LIMIT:
                return "follow-limit";
            case FOLLOW_HALF:
                return "follow-half";
            case CREEP:
                return "creep";
            case COMFORT_STOP:
                return "comfort-stop";
            case HOLD:
                return "hold";
            case EMERGENCY_STOP:
                return "emergency-stop";
            case FIRM_STOP:
                return "firm-stop";
            default:
                return "sample";
        }
    }
}
