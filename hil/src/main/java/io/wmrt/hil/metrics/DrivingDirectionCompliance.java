package io.wmrt.hil.metrics;

import io.wmrt.hil.run.RunEvent;

import java.util.List;
import java.util.Locale;

/**
 * DDC: the metres the ego's centre moves while in no lane of its route and not in a junction (oncoming traffic,
 * or off the road beside it), summed over every {@value #HORIZON_S} s window; 1 when the most in any window is
 * below {@value #COMPLIANT_M} m, 0.5 below {@value #VIOLATION_M} m, else 0 (NAVSIM's thresholds).
 *
 * <p>Stateless: safe from any thread.
 */
public final class DrivingDirectionCompliance
{
    public static final double HORIZON_S = 1.0;
    public static final double COMPLIANT_M = 2.0;
    public static final double VIOLATION_M = 6.0;

    private DrivingDirectionCompliance()
    {
    }

    static SubScore score(final Track track)
    {
        final DriveLog log = track.log;
        final int n = track.size();
        final int window = (int)Math.round(HORIZON_S / log.stepS());
        final double[] oncoming = new double[n];
        for (int i = 1; i < n; i++)
        {
            if (track.areas[i].oncoming())
            {
                final DriveLog.Sample s = log.sample(i);
                final DriveLog.Sample p = log.sample(i - 1);
                oncoming[i] = Math.hypot(s.x() - p.x(), s.y() - p.y());
            }
        }
        double worst = 0.0;
        int worstAt = -1;
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            sum += oncoming[i];
            if (i - window - 1 >= 0)
            {
                sum -= oncoming[i - window - 1];
            }
            if (sum > worst + 1e-12)
            {
                worst = sum;
                worstAt = i;
            }
        }
        if (worst < COMPLIANT_M)
        {
            return SubScore.perfect();
        }
        final DriveLog.Sample s = log.sample(worstAt);
        final String note = String.format(Locale.ROOT, "%.1f m against the traffic within %.0f s, at t=%.1f s", worst,
            HORIZON_S, s.timeS());
        return new SubScore(worst < VIOLATION_M ? 0.5 : 0.0,
            List.of(new RunEvent(s.timeS(), RunEvent.Kind.WRONG_WAY, s.x(), s.y(), note)), note);
    }
}
