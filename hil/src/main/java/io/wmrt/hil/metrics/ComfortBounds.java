package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HC (and the PDMS's C): NAVSIM's six comfort bounds on the driven trajectory. NAVSIM checks each 4 s frame; the
 * closed loop has one long trajectory, so it is cut into {@value #WINDOW_S} s windows every {@value #EVERY_S} s
 * (NAVSIM's frame rate) and every window must hold all six:
 * longitudinal acceleration in (-4.05, 2.40) m/s², |lateral acceleration| below 4.89 m/s², |jerk magnitude|
 * below 8.37 m/s³, |longitudinal jerk| below 4.13 m/s³, |yaw rate| below 0.95 rad/s and |yaw acceleration|
 * below 1.93 rad/s². Filtered as NAVSIM filters them: accelerations by a quadratic Savitzky-Golay fit over the
 * window, jerks as the derivative (quadratic, over the window) of an 8-sample fit, yaw rate and yaw acceleration
 * as the first and second derivatives of the heading over 5 samples (quadratic and cubic).
 *
 * <p>Stateless: safe from any thread.
 */
public final class ComfortBounds
{
    public static final double WINDOW_S = 4.0;
    public static final double EVERY_S = 0.5;
    public static final double MIN_LON_ACCEL = -4.05;
    public static final double MAX_LON_ACCEL = 2.40;
    public static final double MAX_ABS_LAT_ACCEL = 4.89;
    public static final double MAX_ABS_JERK = 8.37;
    public static final double MAX_ABS_LON_JERK = 4.13;
    public static final double MAX_ABS_YAW_RATE = 0.95;
    public static final double MAX_ABS_YAW_ACCEL = 1.93;

    private ComfortBounds()
    {
    }

    static SubScore score(final DriveLog log)
    {
        final int n = log.size();
        if (n < 3)
        {
            return SubScore.perfect();
        }
        final double dt = log.stepS();
        final double[] lon = new double[n];
        final double[] lat = new double[n];
        for (int i = 0; i < n; i++)
        {
            lon[i] = log.accel(i);
            lat[i] = log.speed(i) * log.yawRate(i);
        }
        final double[] heading = log.unwrappedHeadings();
        final int window = Math.min(n, (int)Math.round(WINDOW_S / dt) + 1);
        final int every = Math.max(1, (int)Math.round(EVERY_S / dt));
        final List<RunEvent> events = new ArrayList<>();
        String note = "";
        boolean previousBraked = false;
        final List<Integer> starts = new ArrayList<>();
        for (int start = 0; start + window <= n; start += every)
        {
            starts.add(start);
        }
        if (starts.get(starts.size() - 1) + window < n)
        {
            starts.add(n - window);
        }
        for (final int start : starts)
        {
            final String failure = check(lon, lat, heading, start, window, dt);
            final boolean braked = failure.startsWith("longitudinal acceleration -");
            if (!failure.isEmpty())
            {
                final DriveLog.Sample s = log.sample(start);
                if (note.isEmpty())
                {
                    note = String.format(Locale.ROOT, "window from t=%.1f s: %s", s.timeS(), failure);
                }
                if (braked && !previousBraked)
                {
                    final int hardest = hardestBraking(lon, start, window);
                    final DriveLog.Sample h = log.sample(hardest);
                    events.add(new RunEvent(h.timeS(), RunEvent.Kind.HARD_BRAKE, h.x(), h.y(), failure));
                }
            }
            previousBraked = braked;
        }
        return note.isEmpty() ? SubScore.perfect() : new SubScore(0.0, events, note);
    }

    /** The first bound the window breaks, described, or empty. */
    static String check(final double[] lonAll, final double[] latAll, final double[] headingAll, final int start,
        final int window, final double dt)
    {
        final double[] lonRaw = java.util.Arrays.copyOfRange(lonAll, start, start + window);
        final double[] latRaw = java.util.Arrays.copyOfRange(latAll, start, start + window);
        final double[] heading = java.util.Arrays.copyOfRange(headingAll, start, start + window);
        final double[] lon = SavitzkyGolay.filter(lonRaw, window, 2, 0, dt);
        final double[] lat = SavitzkyGolay.filter(latRaw, window, 2, 0, dt);
        final double[] magnitude = new double[window];
        for (int i = 0; i < window; i++)
        {
            magnitude[i] = Math.hypot(lonRaw[i], latRaw[i]);
        }
        final double[] jerk = SavitzkyGolay.filter(SavitzkyGolay.filter(magnitude, 8, 2, 0, dt), window, 2, 1, dt);
        final double[] lonJerk = SavitzkyGolay.filter(SavitzkyGolay.filter(lonRaw, 8, 2, 0, dt), window, 2, 1, dt);
        final double[] yawRate = SavitzkyGolay.filter(heading, 5, 2, 1, dt);
        final double[] yawAccel = SavitzkyGolay.filter(heading, 5, 3, 2, dt);
        for (int i = 0; i < window; i++)
        {
            if (!(lon[i] > MIN_LON_ACCEL && lon[i] < MAX_LON_ACCEL))
            {
                return String.format(Locale.ROOT, "longitudinal acceleration %.2f m/s² outside (%.2f, %.2f)", lon[i],
                    MIN_LON_ACCEL, MAX_LON_ACCEL);
            }
        }
        final String lateral = bound("lateral acceleration", lat, MAX_ABS_LAT_ACCEL, "m/s²");
        if (!lateral.isEmpty())
        {
            return lateral;
        }
        final String j = bound("jerk magnitude", jerk, MAX_ABS_JERK, "m/s³");
        if (!j.isEmpty())
        {
            return j;
        }
        final String lj = bound("longitudinal jerk", lonJerk, MAX_ABS_LON_JERK, "m/s³");
        if (!lj.isEmpty())
        {
            return lj;
        }
        final String yr = bound("yaw rate", yawRate, MAX_ABS_YAW_RATE, "rad/s");
        if (!yr.isEmpty())
        {
            return yr;
        }
        return bound("yaw acceleration", yawAccel, MAX_ABS_YAW_ACCEL, "rad/s²");
    }

    private static String bound(final String what, final double[] values, final double limit, final String unit)
    {
        for (final double v : values)
        {
            if (!(Math.abs(v) < limit))
            {
                return String.format(Locale.ROOT, "|%s| %.2f %s, at most %.2f", what, Math.abs(v), unit, limit);
            }
        }
        return "";
    }

    private static int hardestBraking(final double[] lon, final int start, final int window)
    {
        int at = start;
        for (int i = start; i < start + window; i++)
        {
            if (lon[i] < lon[at])
            {
                at = i;
            }
        }
        return at;
    }
}
