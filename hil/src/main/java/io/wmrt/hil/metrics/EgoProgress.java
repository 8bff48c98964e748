package io.wmrt.hil.metrics;

/**
 * EP: the ego's progress over a reference driver's in the same scenario and seed, at most 1; 1 when the reference
 * made less than {@value #MIN_REFERENCE_M} m (NAVSIM's threshold: nothing to compare with). Progress is the
 * centre's movement along the vehicle's course, summed over the drive.
 *
 * <p>Stateless: safe from any thread.
 */
public final class EgoProgress
{
    public static final double MIN_REFERENCE_M = 5.0;

    private EgoProgress()
    {
    }

    /** Metres of forward movement over the log. */
    public static double progressM(final DriveLog log)
    {
        double sum = 0.0;
        for (int i = 1; i < log.size(); i++)
        {
            final DriveLog.Sample s = log.sample(i);
            final DriveLog.Sample p = log.sample(i - 1);
            // Forward component of the centre's movement along the course.
            sum += Math.max(0.0, (s.x() - p.x()) * Math.cos(s.course()) + (s.y() - p.y()) * Math.sin(s.course()));
        }
        return sum;
    }

    /** EP for {@code egoM} against {@code referenceM}; 1 when no reference ran (NaN) or it made under 5 m. */
    public static double ep(final double egoM, final double referenceM)
    {
        if (Double.isNaN(referenceM) || referenceM < MIN_REFERENCE_M)
        {
            return 1.0;
        }
        return Math.max(0.0, Math.min(1.0, egoM / referenceM));
    }
}
