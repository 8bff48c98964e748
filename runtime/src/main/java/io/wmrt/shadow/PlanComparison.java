package io.wmrt.shadow;

import io.wmrt.sbe.TrajectoryDecoder;

import java.util.Arrays;

/**
 * Pairs the live planner's plans with a shadow planner's by scene sequence and says where they disagree:
 * <ul>
 *   <li>{@link #BEHAVIOUR}: they chose different behaviours (follow, creep, stop, hold, a sample...);</li>
 *   <li>{@link #DIVERGED}: within the first {@value #HORIZON_S} s the two plans are further apart than the
 *   divergence distance at some common time;</li>
 *   <li>{@link #COLLISION}: one predicts that its plan meets a road user and the other does not.</li>
 * </ul>
 * Plans arrive in any order, from two broadcasts; each is kept until its partner arrives or {@value #SLOTS}
 * newer scenes have passed. No allocation after construction: the shadow runs in the live runtime's process,
 * where a garbage collection would pause the live planner too.
 * <p>
 * Not thread safe: one thread feeds both sides.
 */
public final class PlanComparison
{
    public static final int BEHAVIOUR = 1;
    public static final int DIVERGED = 2;
    public static final int COLLISION = 4;
    /** No pair yet for this plan. */
    public static final int UNPAIRED = -1;
    public static final double HORIZON_S = 3.0;
    static final int SLOTS = 64;
    private static final int LIVE = 0;
    private static final int SHADOW = 1;
    private static final int WAYPOINTS = 32;

    private final double divergenceM;
    private final long[][] sequence = new long[2][SLOTS];
    private final long[][] timestamp = new long[2][SLOTS];
    private final int[][] count = new int[2][SLOTS];
    private final byte[][] behaviour = new byte[2][SLOTS];
    private final boolean[][] collision = new boolean[2][SLOTS];
    private final float[][] x = new float[2][SLOTS * WAYPOINTS];
    private final float[][] y = new float[2][SLOTS * WAYPOINTS];
    private final float[][] t = new float[2][SLOTS * WAYPOINTS];

    private long compared;
    private long disagreements;
    private final long[] byKind = new long[3];
    // The last pair compared.
    private long lastSequence;
    private long lastTimestampNs;
    private double lastDivergenceM;
    private byte lastLiveBehaviour;
    private byte lastShadowBehaviour;
    private boolean lastLiveCollision;
    private boolean lastShadowCollision;

    /** @param divergenceM plans further apart than this within {@value #HORIZON_S} s disagree. */
    public PlanComparison(final double divergenceM)
    {
        if (!(divergenceM > 0 && divergenceM < 1e4))
        {
            throw new IllegalArgumentException("divergence distance must be positive metres, not " + divergenceM);
        }
        this.divergenceM = divergenceM;
        for (final long[] side : sequence)
        {
            Arrays.fill(side, Long.MIN_VALUE);
        }
    }

    /** A plan of the live planner; @return what the pair disagrees on (0: nothing), or {@link #UNPAIRED}. */
    public int live(final TrajectoryDecoder plan)
    {
        return add(LIVE, plan);
    }

    /** A plan of the shadow planner; @return what the pair disagrees on (0: nothing), or {@link #UNPAIRED}. */
    public int shadow(final TrajectoryDecoder plan)
    {
        return add(SHADOW, plan);
    }

    private int add(final int side, final TrajectoryDecoder plan)
    {
        final long seq = plan.sceneSequence();
        final int slot = (int)(seq & (SLOTS - 1));
        sequence[side][slot] = seq;
        timestamp[side][slot] = plan.sceneTimestampNs();
        behaviour[side][slot] = plan.behaviour();
        collision[side][slot] = plan.predictedCollision() != 0;
        final int n = Math.min(Math.max(plan.waypointCount(), 0), WAYPOINTS);
        count[side][slot] = n;
        for (int i = 0; i < n; i++)
        {
            x[side][slot * WAYPOINTS + i] = plan.wpX(i);
            y[side][slot * WAYPOINTS + i] = plan.wpY(i);
            t[side][slot * WAYPOINTS + i] = plan.wpT(i);
        }
        final int other = 1 - side;
        if (sequence[other][slot] != seq)
        {
            return UNPAIRED;
        }
        sequence[LIVE][slot] = Long.MIN_VALUE;
        sequence[SHADOW][slot] = Long.MIN_VALUE;
        return compare(slot, seq);
    }

    private int compare(final int slot, final long seq)
    {
        int kinds = 0;
        if (behaviour[LIVE][slot] != behaviour[SHADOW][slot])
        {
            kinds |= BEHAVIOUR;
        }
        final double divergence = divergence(slot);
        if (divergence > divergenceM)
        {
            kinds |= DIVERGED;
        }
        if (collision[LIVE][slot] != collision[SHADOW][slot])
        {
            kinds |= COLLISION;
        }
        compared++;
        if (kinds != 0)
        {
            disagreements++;
            for (int k = 0; k < byKind.length; k++)
            {
                byKind[k] += (kinds >> k) & 1;
            }
        }
        lastSequence = seq;
        lastTimestampNs = timestamp[LIVE][slot];
        lastDivergenceM = divergence;
        lastLiveBehaviour = behaviour[LIVE][slot];
        lastShadowBehaviour = behaviour[SHADOW][slot];
        lastLiveCollision = collision[LIVE][slot];
        lastShadowCollision = collision[SHADOW][slot];
        return kinds;
    }

    /**
     * The largest distance between the two plans at a common time within {@link #HORIZON_S}: each live
     * waypoint against the shadow plan interpolated at its time (the shadow's first and last points held
     * beyond its ends). 0 when either plan has no waypoint.
     */
    private double divergence(final int slot)
    {
        final int nl = count[LIVE][slot];
        final int ns = count[SHADOW][slot];
        if (nl == 0 || ns == 0)
        {
            return 0;
        }
        final int l0 = slot * WAYPOINTS;
        final int s0 = slot * WAYPOINTS;
        final float[] sx = x[SHADOW];
        final float[] sy = y[SHADOW];
        final float[] st = t[SHADOW];
        double worst = 0;
        int j = 0;
        for (int i = 0; i < nl; i++)
        {
            final double at = t[LIVE][l0 + i];
            if (!(at <= HORIZON_S))
            {
                break;
            }
            while (j + 1 < ns && st[s0 + j + 1] < at)
            {
                j++;
            }
            double px = sx[s0 + j];
            double py = sy[s0 + j];
            if (j + 1 < ns && st[s0 + j] < at)
            {
                final double span = st[s0 + j + 1] - st[s0 + j];
                final double f = span > 0 ? Math.min(1, (at - st[s0 + j]) / span) : 0;
                px += f * (sx[s0 + j + 1] - px);
                py += f * (sy[s0 + j + 1] - py);
            }
            final double d = Math.hypot(x[LIVE][l0 + i] - px, y[LIVE][l0 + i] - py);
            if (d > worst)
            {
                worst = d;
            }
        }
        return worst;
    }

    /** Pairs compared so far. */
    public long compared()
    {
        return compared;
    }

    /** Pairs that disagreed on anything. */
    public long disagreements()
    {
        return disagreements;
    }

    /** Pairs that disagreed on {@code kind} ({@link #BEHAVIOUR}, {@link #DIVERGED} or {@link #COLLISION}). */
    public long disagreements(final int kind)
    {
        return byKind[Integer.numberOfTrailingZeros(kind)];
    }

    public long lastSequence()
    {
        return lastSequence;
    }

    public long lastTimestampNs()
    {
        return lastTimestampNs;
    }

    public double lastDivergenceM()
    {
        return lastDivergenceM;
    }

    public byte lastLiveBehaviour()
    {
        return lastLiveBehaviour;
    }

    public byte lastShadowBehaviour()
    {
        return lastShadowBehaviour;
    }

    public boolean lastLiveCollision()
    {
        return lastLiveCollision;
    }

    public boolean lastShadowCollision()
    {
        return lastShadowCollision;
    }

    public double divergenceM()
    {
        return divergenceM;
    }
}
