package io.wmrt.hil.scenario.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random draws of one generated scenario: a {@link SplittableRandom} seeded from (family, seed, index), so
 * that the same three always give the same values, and the list of every value drawn, in order, for
 * parameters.yaml. Values are drawn from a {@link Parameter}'s documented range (or a narrower part of it that a
 * family documents for a variant) and rounded as the parameter says, so what is recorded is exactly what the
 * scenario files use.
 */
public final class Draw
{
    /**
     * One drawn value.
     *
     * @param parameter the parameter it was drawn for (possibly renamed with a scene prefix).
     * @param value     the value as written to parameters.yaml.
     */
    public record Value(Parameter parameter, String value)
    {
    }

    private final SplittableRandom random;
    private final List<Value> values;
    private final String prefix;

    private Draw(final SplittableRandom random, final List<Value> values, final String prefix)
    {
        this.random = random;
        this.values = values;
        this.prefix = prefix;
    }

    /** The draws of scenario {@code index} of {@code family} under {@code seed}. */
    public static Draw of(final String family, final long seed, final int index)
    {
        long mixed = seed * 0x9E3779B97F4A7C15L + (index + 1L) * 0xC2B2AE3D27D4EB4FL;
        for (final char c : family.toCharArray())
        {
            mixed = (mixed ^ c) * 0x100000001B3L;
        }
        return new Draw(new SplittableRandom(mixed), new ArrayList<>(), "");
    }

    /** A view that draws from the same generator and records under {@code scope + "."} (corridor scenes). */
    public Draw scoped(final String scope)
    {
        return new Draw(random, values, prefix + scope + ".");
    }

    /** Draws a real value of {@code p} from its whole range. */
    public double real(final Parameter p)
    {
        return real(p, p.min(), p.max());
    }

    /** Draws a real value of {@code p} from [min, max], a part of its range that a variant uses. */
    public double real(final Parameter p, final double min, final double max)
    {
        check(p, Parameter.Kind.REAL, min, max);
        final double raw = min + random.nextDouble() * (max - min);
        final double value = Math.min(max, Math.max(min, Double.parseDouble(Parameter.format(raw, p.decimals()))));
        record(p, Parameter.format(value, p.decimals()));
        return value;
    }

    /** Draws an integer value of {@code p} from its whole range. */
    public int integer(final Parameter p)
    {
        return integer(p, (int)p.min(), (int)p.max());
    }

    /** Draws an integer value of {@code p} from min..max, a part of its range that a variant uses. */
    public int integer(final Parameter p, final int min, final int max)
    {
        check(p, Parameter.Kind.INTEGER, min, max);
        final int value = random.nextInt(min, max + 1);
        record(p, Integer.toString(value));
        return value;
    }

    /** Draws a flag of {@code p}: true with its probability. */
    public boolean flag(final Parameter p)
    {
        check(p, Parameter.Kind.FLAG, 0, 1);
        final boolean value = random.nextDouble() < p.probability();
        record(p, Boolean.toString(value));
        return value;
    }

    /** Draws one of the choices of {@code p}. */
    public String choice(final Parameter p)
    {
        check(p, Parameter.Kind.CHOICE, p.min(), p.max());
        final String value = p.choices().get(random.nextInt(p.choices().size()));
        record(p, value);
        return value;
    }

    /** A uniform integer in min..max that is not a documented parameter (an order or a pick), not recorded. */
    public int pick(final int min, final int max)
    {
        return random.nextInt(min, max + 1);
    }

    /**
     * Records {@code value} for {@code p} when it was derived from {@link #pick} draws (an order), checking that it
     * lies in the parameter's range.
     */
    public String derived(final Parameter p, final String value)
    {
        if (!p.accepts(value))
        {
            throw new IllegalArgumentException(p.name() + ": " + value + " is not inside " + p.range());
        }
        record(p, value);
        return value;
    }

    /** Every value drawn so far, in order. */
    public List<Value> values()
    {
        return Collections.unmodifiableList(values);
    }

    private void record(final Parameter p, final String value)
    {
        values.add(new Value(prefix.isEmpty() ? p : p.renamed(prefix + p.name()), value));
    }

    private static void check(final Parameter p, final Parameter.Kind kind, final double min, final double max)
    {
        if (p.kind() != kind)
        {
            throw new IllegalArgumentException(p.name() + " is " + p.kind() + ", not " + kind);
        }
        if (min < p.min() || max > p.max() || min > max)
        {
            throw new IllegalArgumentException(p.name() + ": " + min + ".." + max + " is not inside " + p.range());
        }
    }
}
