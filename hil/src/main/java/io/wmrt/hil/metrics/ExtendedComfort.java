package io.wmrt.hil.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * EC: whether successive plans agree on the ride they promise. NAVSIM compares the plan of each frame with the
 * previous frame's (0.5 s earlier) over the time both cover: the RMS difference of acceleration magnitude, jerk
 * magnitude, yaw rate and yaw acceleration must stay within 0.7 m/s², 0.5 m/s³, 0.1 rad/s and 0.1 rad/s². The
 * closed loop replans every step; the plans {@value #EVERY_S} s apart are compared, and EC is the share of pairs
 * that agree (NAVSIM averages EC over frames the same way). 1 when the drive has no plans (the reference driver).
 * A plan's dynamics come from its waypoints: speed and heading interpolated at the later plan's waypoint times,
 * then differentiated with 5-sample Savitzky-Golay fits.
 *
 * <p>Stateless: safe from any thread.
 */
public final class ExtendedComfort
{
    public static final double EVERY_S = 0.5;
    public static final double MAX_RMS_ACCEL = 0.7;
    public static final double MAX_RMS_JERK = 0.5;
    public static final double MAX_RMS_YAW_RATE = 0.1;
    public static final double MAX_RMS_YAW_ACCEL = 0.1;
    /** Fewer shared waypoints than this and a pair is not compared. */
    public static final int MIN_SHARED_POINTS = 5;

    private ExtendedComfort()
    {
    }

    static SubScore score(final DriveLog log)
    {
        final List<DriveLog.Plan> chosen = new ArrayList<>();
        for (final DriveLog.Plan plan : log.plans())
        {
            if (plan.t().length >= 2 && (chosen.isEmpty() ||
                plan.timeS() >= chosen.get(chosen.size() - 1).timeS() + EVERY_S - 1e-6))
            {
                chosen.add(plan);
            }
        }
        int pairs = 0;
        int agree = 0;
        String first = "";
        for (int k = 1; k < chosen.size(); k++)
        {
            final String disagreement = compare(chosen.get(k - 1), chosen.get(k));
            if (null == disagreement)
            {
                continue;
            }
            pairs++;
            if (disagreement.isEmpty())
            {
                agree++;
            }
            else if (first.isEmpty())
            {
                first = String.format(Locale.ROOT, "plans of t=%.1f and %.1f s: %s", chosen.get(k - 1).timeS(),
                    chosen.get(k).timeS(), disagreement);
            }
        }
        if (pairs == 0)
        {
            return SubScore.perfect();
        }
        final double value = agree / (double)pairs;
        return new SubScore(value, List.of(), value < 1.0 ? String.format(Locale.ROOT,
            "%d of %d successive plan pairs disagree; first: %s", pairs - agree, pairs, first) : "");
    }

    /** Empty when the plans agree, the first disagreement otherwise, null when they share too little. */
    static String compare(final DriveLog.Plan earlier, final DriveLog.Plan later)
    {
        final double end = earlier.timeS() + earlier.t()[earlier.t().length - 1];
        final List<Double> times = new ArrayList<>();
        for (final double t : later.t())
        {
            final double absolute = later.timeS() + t;
            if (absolute >= earlier.timeS() + earlier.t()[0] && absolute <= end + 1e-9)
            {
                times.add(absolute);
            }
        }
        final int m = times.size();
        if (m < MIN_SHARED_POINTS)
        {
            return null;
        }
        final double dt = (times.get(m - 1) - times.get(0)) / (m - 1);
        final double[][] a = features(earlier, times, dt);
        final double[][] b = features(later, times, dt);
        final String[] names = {"acceleration", "jerk", "yaw rate", "yaw acceleration"};
        final double[] limits = {MAX_RMS_ACCEL, MAX_RMS_JERK, MAX_RMS_YAW_RATE, MAX_RMS_YAW_ACCEL};
        for (int f = 0; f < 4; f++)
        {
            double sum = 0.0;
            for (int i = 0; i < m; i++)
            {
                final double d = a[f][i] - b[f][i];
                sum += d * d;
            }
            final double rms = Math.sqrt(sum / m);
            if (!(rms <= limits[f]))
            {
                return String.format(Locale.ROOT, "RMS difference of %s %.2f, at most %.2f", names[f], rms, limits[f]);
            }
        }
        return "";
    }

    /** Acceleration magnitude, jerk magnitude, yaw rate and yaw acceleration of a plan at the given times. */
    static double[][] features(final DriveLog.Plan plan, final List<Double> times, final double dt)
    {
        final int m = times.size();
        final double[] speed = new double[m];
        final double[] heading = new double[m];
        final double[] unwrapped = unwrap(plan.heading());
        for (int i = 0; i < m; i++)
        {
            final double t = times.get(i) - plan.timeS();
            speed[i] = interpolate(plan.t(), plan.speed(), t);
            heading[i] = interpolate(plan.t(), unwrapped, t);
        }
        final double[] lon = SavitzkyGolay.filter(speed, 5, 2, 1, dt);
        final double[] yawRate = SavitzkyGolay.filter(heading, 5, 2, 1, dt);
        final double[] yawAccel = SavitzkyGolay.filter(heading, 5, 3, 2, dt);
        final double[] accel = new double[m];
        for (int i = 0; i < m; i++)
        {
            accel[i] = Math.hypot(lon[i], speed[i] * yawRate[i]);
        }
        final double[] jerk = SavitzkyGolay.filter(accel, 5, 2, 1, dt);
        return new double[][] {accel, jerk, yawRate, yawAccel};
    }

    private static double[] unwrap(final double[] h)
    {
        final double[] out = new double[h.length];
        for (int i = 0; i < h.length; i++)
        {
            if (i == 0)
            {
                out[i] = h[i];
                continue;
            }
            final double d = h[i] - h[i - 1];
            out[i] = out[i - 1] + Math.atan2(Math.sin(d), Math.cos(d));
        }
        return out;
    }

    static double interpolate(final double[] xs, final double[] ys, final double x)
    {
        if (x <= xs[0])
        {
            return ys[0];
        }
        for (int i = 1; i < xs.length; i++)
        {
            if (x <= xs[i])
            {
                final double f = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
                return ys[i - 1] + f * (ys[i] - ys[i - 1]);
            }
        }
        return ys[ys.length - 1];
    }
}
