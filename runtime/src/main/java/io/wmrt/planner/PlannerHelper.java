package io.wmrt.planner;

import io.wmrt.cpu.CpuAffinity;
import io.wmrt.telemetry.TickStats;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A second thread for the planner's work that does not wait for a graph: while the planner thread is inside an
 * encoder or rollout call, the helper runs a job the planner posted before the call (the samples' generation,
 * the candidates' own cost terms), and the planner collects it after the call.
 * <p>
 * One job at a time. A posted job is claimed by whichever thread gets to it first: the helper, or the planner
 * when it comes to {@link #await} and finds the job still unclaimed (a helper that was asleep, descheduled, or
 * closed). So a job runs exactly once, on one thread, and a tick is never slower for want of a helper than it
 * would be without one. Jobs run the same code on either thread, so what they compute does not depend on which.
 * <p>
 * Between jobs the helper spins for {@link #SPIN_NS} (the jobs of one tick come within a graph call of each
 * other), then sleeps until the next post unparks it: it does not hold a core of a shared machine between ticks.
 * <p>
 * Allocates nothing per job; what a job allocates on the helper is counted ({@link #allocatedBytes}) so the
 * planner's per-tick allocation figure includes it. Owned by one planner thread: {@link #post} and
 * {@link #await} are called from it only; {@link #allocatedBytes} and {@link #close} from any thread.
 */
public final class PlannerHelper implements AutoCloseable
{
    /** How long the helper spins after a job before it parks. */
    static final long SPIN_NS = 20_000;
    /** How long the planner spins on a job the helper runs before it yields between looks. */
    private static final long AWAIT_SPIN_NS = 1_000_000;

    private static final int IDLE = 0;
    private static final int POSTED = 1;
    private static final int CLAIMED = 2;
    private static final int DONE = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final int core;
    private final String coreKey;
    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Runnable job;
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private volatile RuntimeException pinFailure;
    private volatile long allocatedBytes;
    private volatile int[] cpus;
    private boolean threadStarted;
    private volatile boolean pinRequested;
    private long helperRuns;
    private long inlineRuns;

    /**
     * @param name    the helper thread's name.
     * @param core    the CPU to pin the helper to, or -1 to leave it unpinned.
     * @param coreKey what to call {@code core} in an error (the profile key that set it).
     */
    public PlannerHelper(final String name, final int core, final String coreKey)
    {
        this.core = core;
        this.coreKey = coreKey;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    /**
     * Start the helper thread (once; later calls do nothing) and, when it is to be pinned, wait until the kernel
     * has taken the pin.
     *
     * @throws IllegalArgumentException naming the core's key when the helper could not be pinned (the helper
     *                                  is then stopped, and jobs run on the planner thread).
     */
    public void start()
    {
        start(true);
    }

    /**
     * As {@link #start()}, but the helper is pinned only when {@code pinned} is true and it was given a core: a
     * driver that ticks the planner on a thread of its own choosing (a test, the demo) starts the helper unpinned,
     * as its planner thread is.
     */
    public void start(final boolean pinned)
    {
        if (threadStarted)
        {
            return;
        }
        threadStarted = true;
        pinRequested = pinned && core >= 0;
        thread.start();
        boolean reported;
        try
        {
            reported = started.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            reported = false;
        }
        final RuntimeException pin = pinFailure;
        if (!reported || null != pin)
        {
            close();
            throw new IllegalArgumentException(coreKey + " " + core + ": the planner's helper thread could not be " +
                "pinned: " + (null != pin ? pin.getMessage() : "it did not report within 10 s"), pin);
        }
    }

    /**
     * Hand {@code work} to the helper. A job posted before and not collected (a tick cut short by an exception)
     * is collected first.
     */
    public void post(final Runnable work)
    {
        if (state.get() != IDLE)
        {
            await();
        }
        job = work;
        state.set(POSTED);
        if (parked)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Wait for the posted job: run it here when the helper has not taken it yet, else spin (and, past a
     * millisecond, yield) until the helper has finished it.
     *
     * @throws IllegalStateException when the job threw on the helper (the exception is the cause).
     */
    public void await()
    {
        final int now = state.get();
        if (now == IDLE)
        {
            return;
        }
        if (now == POSTED && state.compareAndSet(POSTED, CLAIMED))
        {
            inlineRuns++;
            final Runnable work = job;
            job = null;
            try
            {
                work.run();
            }
            finally
            {
                state.set(IDLE);
            }
            return;
        }
        final long start = System.nanoTime();
        while (state.get() != DONE)
        {
            if (System.nanoTime() - start < AWAIT_SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
        helperRuns++;
        final Throwable thrown = failure;
        failure = null;
        state.set(IDLE);
        if (null != thrown)
        {
            throw new IllegalStateException("the planner's helper thread failed: " + thrown, thrown);
        }
    }

    /**
     * End the posted job without its result, for a tick that is failing anyway: a job the helper has not claimed is
     * dropped; one it runs is waited for, and what it threw is forgotten (the tick's own exception is the one
     * reported). Afterwards the helper touches nothing until the next {@link #post}, so the next tick may write
     * the scene and the candidates the job was reading.
     */
    public void quiesce()
    {
        if (state.get() == POSTED && state.compareAndSet(POSTED, CLAIMED))
        {
            job = null;
            state.set(IDLE);
            return;
        }
        final long start = System.nanoTime();
        while (state.get() == CLAIMED)
        {
            if (System.nanoTime() - start < AWAIT_SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else
            {
                Thread.yield();
            }
        }
        failure = null;
        state.set(IDLE);
    }

    /**
     * @return jobs the helper ran and the planner collected (for tests and tools on the planner thread).
     */
    public long helperRuns()
    {
        return helperRuns;
    }

    /**
     * @return jobs the planner found unclaimed and ran itself.
     */
    public long inlineRuns()
    {
        return inlineRuns;
    }

    /**
     * @return bytes the helper thread has allocated while running jobs since it started.
     */
    public long allocatedBytes()
    {
        return allocatedBytes;
    }

    /**
     * @return the CPUs the helper may run on, read back inside it once pinned; null when it is not pinned or not
     *         started.
     */
    public int[] cpus()
    {
        final int[] read = cpus;
        return null == read ? null : read.clone();
    }

    /**
     * @return the helper thread (for tests).
     */
    Thread thread()
    {
        return thread;
    }

    /**
     * Stop the helper; a job it is running is finished first. Jobs posted later run on the planner thread.
     */
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        if (threadStarted && Thread.currentThread() != thread)
        {
            try
            {
                thread.join(10_000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run()
    {
        if (pinRequested)
        {
            try
            {
                CpuAffinity.pinCurrentThread(core);
                cpus = CpuAffinity.currentThreadCpus();
            }
            catch (final RuntimeException ex)
            {
                pinFailure = ex;
                started.countDown();
                return;
            }
        }
        started.countDown();
        long idleSince = System.nanoTime();
        while (running)
        {
            if (state.get() == POSTED && state.compareAndSet(POSTED, CLAIMED))
            {
                runClaimed();
                idleSince = System.nanoTime();
            }
            else if (System.nanoTime() - idleSince < SPIN_NS)
            {
                Thread.onSpinWait();
            }
            else
            {
                parked = true;
                // Looked at after saying so: a post from now on sees the flag and unparks.
                if (state.get() != POSTED && running)
                {
                    LockSupport.park(this);
                }
                parked = false;
                idleSince = System.nanoTime();
            }
        }
    }

    private void runClaimed()
    {
        final long before = TickStats.threadAllocatedBytes();
        final Runnable work = job;
        job = null;
        try
        {
            work.run();
        }
        catch (final Throwable ex)
        {
            failure = ex;
        }
        allocatedBytes += TickStats.threadAllocatedBytes() - before;
        state.set(DONE);
    }
}
