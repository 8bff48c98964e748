package io.wmrt.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which backend calls fail on purpose, and how: the plan a {@link FaultInjectingBackend} follows, written as
 * a test writes it or as the environment variable {@code WMRT_FAULTS} gives it, so a rig can drive the
 * runtime's failure paths through the same command it runs every day.
 * <pre>
 *   WMRT_FAULTS = fault[,fault...]
 *   fault       = target ":" kind "@" when
 *   target      = role ["/" backend]      role: encoder | rollout | *    backend: a backend id, e.g. ort-native
 *   kind        = throw                   the call fails with a backend error
 *               | nan | inf               the call runs, then every output is overwritten with NaN or +Inf
 *               | hang=DURATION           the call blocks for DURATION (e.g. 500ms, 2s), then runs
 *   when        = N                       the Nth call of that graph on that backend (counting from 1)
 *               | N+M                     M calls from the Nth
 *               | N/P                     the Nth, then every Pth after it
 *               | N-                      every call from the Nth on
 *               | pX                      each call with probability X, from a stream seeded by the plan's seed
 * </pre>
 * Example: {@code rollout:throw@100,rollout:nan@200,rollout:hang=500ms@300}.
 * <p>
 * Immutable once parsed; each prepared graph draws from its own seeded stream.
 */
public final class FaultPlan
{
    /** The environment variable the command line reads the plan from. */
    public static final String ENVIRONMENT_VARIABLE = "WMRT_FAULTS";
    public static final FaultPlan NONE = new FaultPlan(List.of(), 0, "");

    /**
     * What an injected fault does to the call.
     */
    public enum Kind
    {
        THROW, NAN, INF, HANG
    }

    /**
     * One entry of the plan.
     *
     * @param role        graph role, or "*" for every role.
     * @param backendId   backend id, or null for every backend.
     * @param kind        what happens.
     * @param hangNanos   how long a hang lasts; 0 for other kinds.
     * @param first       first call it applies to (1-based); unused with a probability.
     * @param count       calls it applies to from the first ({@link Long#MAX_VALUE}: all later calls).
     * @param period      1 for consecutive calls, P for every Pth.
     * @param probability per-call probability, or 0 when the fault is scheduled by call number.
     */
    public record Fault(
        String role, String backendId, Kind kind, long hangNanos, long first, long count, long period,
        double probability)
    {
        boolean appliesTo(final String graphRole, final String backend)
        {
            return ("*".equals(role) || role.equals(graphRole)) && (null == backendId || backendId.equals(backend));
        }

        /**
         * @param call the call's number, from 1.
         */
        boolean firesOn(final long call, final SplittableRandom random)
        {
            if (probability > 0)
            {
                return random.nextDouble() < probability;
            }
            if (call < first)
            {
                return false;
            }
            final long since = call - first;
            return since % period == 0 && since / period < count;
        }
    }

    private final List<Fault> faults;
    private final long seed;
    private final String text;

    private FaultPlan(final List<Fault> faults, final long seed, final String text)
    {
        this.faults = List.copyOf(faults);
        this.seed = seed;
        this.text = text;
    }

    /**
     * @param spec the plan as written above; null or blank for none.
     * @param seed the seed of the probability streams.
     * @throws IllegalArgumentException naming the entry and what is wrong with it.
     */
    public static FaultPlan parse(final String spec, final long seed)
    {
        if (null == spec || spec.isBlank())
        {
            return NONE;
        }
        final List<Fault> faults = new ArrayList<>();
        for (final String raw : spec.split(","))
        {
            final String entry = raw.trim();
            try
            {
                faults.add(parseFault(entry));
            }
            catch (final RuntimeException ex)
            {
                throw new IllegalArgumentException("entry '" + entry + "': " +
                    ex.getMessage() + " (form: role[/backend]:throw|nan|inf|hang=500ms@N|N+M|N/P|N-|pX)", ex);
            }
        }
        return new FaultPlan(faults, seed, spec.trim());
    }

    private static Fault parseFault(final String entry)
    {
        final int colon = entry.indexOf(':');
        final int at = entry.lastIndexOf('@');
        if (colon <= 0 || at < colon)
        {
            throw new IllegalArgumentException("expected target:kind@when");
        }
        final String target = entry.substring(0, colon);
        final int slash = target.indexOf('/');
        final String role = slash < 0 ? target : target.substring(0, slash);
        final String backendId = slash < 0 ? null : target.substring(slash + 1);
        if (!role.equals("*") && !role.equals("encoder") && !role.equals("rollout"))
        {
            throw new IllegalArgumentException("role '" + role + "' is none of encoder, rollout, *");
        }
        if (null != backendId && backendId.isEmpty())
        {
            throw new IllegalArgumentException("empty backend id after '/'");
        }

        final String kindText = entry.substring(colon + 1, at);
        final Kind kind;
        long hangNanos = 0;
        if (kindText.startsWith("hang="))
        {
            kind = Kind.HANG;
            hangNanos = parseDuration(kindText.substring("hang=".length()));
        }
        else
        {
            switch (kindText)
            {
                case "throw":
                    kind = Kind.THROW;
                    break;
                case "nan":
                    kind = Kind.NAN;
                    break;
                case "inf":
                    kind = Kind.INF;
                    break;
                default:
                    throw new IllegalArgumentException("kind '" + kindText + "' is none of throw, nan, inf, hang=D");
            }
        }

        final String when = entry.substring(at + 1);
        if (when.startsWith("p"))
        {
            final double probability = Double.parseDouble(when.substring(1));
            if (!(probability > 0 && probability <= 1))
            {
                throw new IllegalArgumentException("probability " + probability + " is not in (0, 1]");
            }
            return new Fault(role, backendId, kind, hangNanos, 1, Long.MAX_VALUE, 1, probability);
        }
        final long first;
        long count = 1;
        long period = 1;
        if (when.endsWith("-"))
        {
            first = positive(when.substring(0, when.length() - 1));
            count = Long.MAX_VALUE;
        }
        else if (when.contains("+"))
        {
            first = positive(when.substring(0, when.indexOf('+')));
            count = positive(when.substring(when.indexOf('+') + 1));
        }
        else if (when.contains("/"))
        {
            first = positive(when.substring(0, when.indexOf('/')));
            period = positive(when.substring(when.indexOf('/') + 1));
            count = Long.MAX_VALUE;
        }
        else
        {
            first = positive(when);
        }
        return new Fault(role, backendId, kind, hangNanos, first, count, period, 0);
    }

    private static long parseDuration(final String text)
    {
        final String lower = text.toLowerCase(Locale.ROOT);
        // multiplyExact: a duration too long for a long is refused, not wrapped into a negative one.
        if (lower.endsWith("ms"))
        {
            return Math.multiplyExact(positive(lower.substring(0, lower.length() - 2)), 1_000_000L);
        }
        if (lower.endsWith("s"))
        {
            return Math.multiplyExact(positive(lower.substring(0, lower.length() - 1)), 1_000_000_000L);
        }
        throw new IllegalArgumentException("duration '" + text + "' needs a unit, ms or s");
    }

    private static long positive(final String text)
    {
        final long value = Long.parseLong(text.trim());
        if (value < 1)
        {
            throw new IllegalArgumentException(value + " must be at least 1");
        }
        return value;
    }

    public boolean isEmpty()
    {
        return faults.isEmpty();
    }

    public List<Fault> faults()
    {
        return faults;
    }

    /**
     * @return the faults that apply to one graph on one backend.
     */
    List<Fault> forGraph(final String role, final String backendId)
    {
        final List<Fault> applicable = new ArrayList<>();
        for (final Fault fault : faults)
        {
            if (fault.appliesTo(role, backendId))
            {
                applicable.add(fault);
            }
        }
        return applicable;
    }

    long seed()
    {
        return seed;
    }

    public String toString()
    {
        return text.isEmpty() ? "none" : text;
    }
}
