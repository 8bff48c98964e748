package io.wmrt.planner;

/**
 * Deterministic Gaussian noise from a SplitMix64 stream: the same seed gives the same samples on every JVM,
 * and drawing allocates nothing (unlike {@code java.util.Random#nextGaussian} paths that box or lock).
 * <p>
 * Not thread safe: owned by the planner agent.
 */
public final class SeededNoise
{
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
        long z = (state += 0x9E3779B97F4A7C15L);
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
