package io.wmrt.planner;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Who answers the tick in progress: the planner, when it finishes before the watchdog gives up on it, or the
 * watchdog, once the tick has run past its deadline. Exactly one of them publishes per tick, so the
 * single-writer trajectory broadcast never sees two writers; a planner that loses drops its late plan.
 * <p>
 * The state is one word: the tick's number and its phase, so a watchdog that read an old tick can never
 * claim a new one.
 * <pre>
 *   planner: begin ──► TICKING ──claimByPlanner──► PLANNER ──release──► IDLE
 *                         │
 *   watchdog:             └─claimByWatchdog (past deadline)──► WATCHDOG ──watchdogDone──► WATCHDOG_DONE
 *   planner, losing:  claimByPlanner fails ──► awaitWatchdog ──► IDLE (its plan is dropped)
 * </pre>
 * Safe between the planner thread and the watchdog thread; allocates nothing.
 */
final class TickGate
{
    private static final long IDLE = 0;
    private static final long TICKING = 1;
    private static final long PLANNER = 2;
    private static final long WATCHDOG = 3;
    private static final long WATCHDOG_DONE = 4;
    private static final int PHASE_BITS = 3;
    private static final long PHASE_MASK = (1L << PHASE_BITS) - 1;

    private final AtomicLong state = new AtomicLong(IDLE);
    private volatile long tickStartNs;
    private volatile long tickSceneSequence;
    private long tick;

    /**
     * Planner: a tick starts. The previous one must have been released.
     */
    void begin(final long startNs, final long sceneSequence)
    {
        tickStartNs = startNs;
        tickSceneSequence = sceneSequence;
        tick++;
        state.set((tick << PHASE_BITS) | TICKING);
    }

    /**
     * Planner: take the right to publish this tick's answer.
     *
     * @return false when the watchdog has already answered it.
     */
    boolean claimByPlanner()
    {
        return state.compareAndSet((tick << PHASE_BITS) | TICKING, (tick << PHASE_BITS) | PLANNER);
    }

    /**
     * Planner: done with the tick it claimed.
     */
    void release()
    {
        state.set((tick << PHASE_BITS) | IDLE);
    }

    /**
     * Planner, after losing the claim: wait the few microseconds until the watchdog has published, then end
     * the tick.
     */
    void awaitWatchdog()
    {
        while ((state.get() & PHASE_MASK) == WATCHDOG)
        {
            Thread.onSpinWait();
        }
        release();
    }

    /**
     * Watchdog: take over the tick in progress if it has run longer than {@code deadlineNs}.
     *
     * @return the scene sequence of the tick taken over, or -1 when there is none to take.
     */
    long claimByWatchdog(final long nowNs, final long deadlineNs)
    {
        final long observed = state.get();
        if ((observed & PHASE_MASK) != TICKING)
        {
            return -1;
        }
        final long sceneSequence = tickSceneSequence;
        if (nowNs - tickStartNs <= deadlineNs)
        {
            return -1;
        }
        return state.compareAndSet(observed, (observed & ~PHASE_MASK) | WATCHDOG) ? sceneSequence : -1;
    }

    /**
     * @return when the tick in progress started (meaningful to the watchdog once it has claimed the tick).
     */
    long tickStartNs()
    {
        return tickStartNs;
    }

    /**
     * Watchdog: published; the planner may end the tick.
     */
    void watchdogDone()
    {
        final long observed = state.get();
        state.set((observed & ~PHASE_MASK) | WATCHDOG_DONE);
    }
}
