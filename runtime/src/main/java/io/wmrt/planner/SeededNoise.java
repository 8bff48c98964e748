package io.wmrt.planner;

/**
 * Deterministic Gaussian noise from a SplitMix64 stream: the same seed gives the same samples on every JVM,
 * and drawing allocates nothing (unlike {@code java.util.Random#nextGaussian} paths that box or lock).
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public final class SeededNoise
{
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;
    private double spare;
    private boolean hasSpare;

    public void reseed(final long seed)
    {
        state = seed;
        hasSpare = false;
    }

    public long nextLong()
    {
        long z = (state += GOLDEN_GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * @return uniform in (0, 1].
     */
    public double nextUniform()
    {
        return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
    }

    /**
     * Leave the stream where {@code count} calls of {@link #nextGaussian} would, without computing them: each
     * pair of Gaussians takes two steps of the stream.
     */
    public void skipGaussians(final int count)
    {
        if (count < 0)
        {
            throw new IllegalArgumentException("cannot skip back " + count + " Gaussians");
        }
        int left = count;
        if (left > 0 && hasSpare)
        {
            hasSpare = false;
            left--;
        }
        state += 2L * (left / 2) * GOLDEN_GAMMA;
        if (left % 2 == 1)
        {
            nextGaussian();
        }
    }

    public double nextGaussian()
    {
        if (hasSpare)
        {
            hasSpare = false;
            return spare;
        }
        final double r = Math.sqrt(-2 * Math.log(nextUniform()));
        final double theta = 2 * Math.PI * nextUniform();
        spare = r * Math.sin(theta);
        hasSpare = true;
        return r * Math.cos(theta);
    }
}
