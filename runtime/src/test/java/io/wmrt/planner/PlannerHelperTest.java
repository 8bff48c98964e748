package io.wmrt.planner;

import io.wmrt.TestRepo;
import io.wmrt.backend.OrtCpuBackend;
import io.wmrt.bus.SceneCodes;
import io.wmrt.cpu.CpuAffinity;
import io.wmrt.sbe.TrajectoryDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The planner's helper thread: a planner that runs its samples and own cost terms on it publishes, byte for byte,
 * what a planner without it does; every job runs exactly once, on one thread, whoever claims it; a job's failure
 * reaches the planner; the helper allocates nothing; it is pinned where it is told, and refused where the machine
 * has no such core.
 */
class PlannerHelperTest
{
    @TempDir
    Path tmp;

    @Test
    void shouldPublishExactlyWhatThePlannerPublishesWithoutIt() throws Exception
    {
        // The int8 student: every optional tensor, the model's say on standing vehicles (which shapes the lattice,
        // made beside the samples) and its risk (scored after the own terms the helper made).
        final Path model = TestRepo.model("wm-student-int8");
        final List<byte[]> withHelper = new ArrayList<>();
        final List<byte[]> without = new ArrayList<>();
        final Set<Byte> behaviours = new HashSet<>();
        try (PlannerHarness on = PlannerHarness.withHelper(tmp.resolve("on"), 7, model, new OrtCpuBackend(1), true);
            PlannerHarness off = PlannerHarness.withHelper(tmp.resolve("off"), 7, model, new OrtCpuBackend(1), false))
        {
            assertNull(off.agent.helper());
            final Random random = new Random(20261203);
            double egoX = 0;
            double speed = 6;
            for (int seq = 1; seq <= 240; seq++)
            {
                final double[][] agents = randomAgents(random, egoX);
                final double stopLine = random.nextInt(4) == 0 ? egoX + 20 + 40 * random.nextDouble() : Double.NaN;
                final boolean red = random.nextBoolean();
                on.writeScene(seq, egoX, speed, agents, stopLine, red);
                off.writeScene(seq, egoX, speed, agents, stopLine, red);
                withHelper.add(tickAndCopy(on, behaviours));
                without.add(tickAndCopy(off, behaviours));
                egoX += 0.1 * speed;
                speed = Math.max(0, Math.min(12, speed + random.nextGaussian()));
            }
            final PlannerHelper helper = on.agent.helper();
            // Two jobs a tick: the candidates beside the encoder, the own terms beside the rollout.
            assertEquals(2 * 240, helper.helperRuns() + helper.inlineRuns());
            assertTrue(helper.helperRuns() > 0, "the helper thread ran none of the jobs");
            // The model judged standing vehicles after the lattice was made, and some of it was made again.
            assertTrue(on.agent.generator().latticeRebuilds() > 0, "no lattice was made stale by the model");
            assertEquals(0, off.agent.generator().latticeRebuilds());
        }
        assertEquals(without.size(), withHelper.size());
        for (int i = 0; i < without.size(); i++)
        {
            assertArrayEquals(without.get(i), withHelper.get(i), "trajectory of scene " + (i + 1));
        }
        assertTrue(behaviours.size() >= 2, "the scenes asked for one behaviour only: " + behaviours);
    }

    private static double[][] randomAgents(final Random random, final double egoX)
    {
        final double[][] agents = new double[random.nextInt(9)][];
        for (int i = 0; i < agents.length; i++)
        {
            final boolean pedestrian = random.nextInt(3) == 0;
            final double lane = (random.nextInt(3) - 1) * PlannerHarness.LANE;
            agents[i] = new double[] {
                pedestrian ? SceneCodes.PEDESTRIAN : SceneCodes.VEHICLE,
                egoX - 20 + 100 * random.nextDouble(),
                pedestrian ? (random.nextBoolean() ? 1 : -1) * (2 + 3 * random.nextDouble()) : lane,
                pedestrian ? random.nextDouble() * 2 * Math.PI : (lane > 0 ? Math.PI : 0),
                random.nextInt(3) == 0 ? 0 : (pedestrian ? 1.4 : 10) * random.nextDouble()};
        }
        return agents;
    }

    /** The trajectory the tick published, its bytes with the tick's own duration zeroed. */
    private static byte[] tickAndCopy(final PlannerHarness h, final Set<Byte> behaviours)
    {
        h.agent.doWork();
        final byte[][] copy = new byte[1][];
        final int read = h.reader.poll((TrajectoryDecoder t) ->
        {
            final byte[] bytes = new byte[t.sbeBlockLength()];
            t.buffer().getBytes(t.offset(), bytes);
            Arrays.fill(bytes, TrajectoryDecoder.tickNanosEncodingOffset(),
                TrajectoryDecoder.tickNanosEncodingOffset() + TrajectoryDecoder.tickNanosEncodingLength(), (byte)0);
            behaviours.add(t.behaviour());
            copy[0] = bytes;
        });
        assertEquals(1, read, "one trajectory a tick");
        return copy[0];
    }

    @Test
    void shouldRunEveryPostedJobOnceWhoeverClaimsIt()
    {
        final PlannerHelper helper = new PlannerHelper("test-helper", -1, "test");
        helper.start();
        final AtomicInteger ran = new AtomicInteger();
        final Thread[] ranOn = new Thread[1];
        final Runnable job = () ->
        {
            ran.incrementAndGet();
            ranOn[0] = Thread.currentThread();
        };
        try
        {
            for (int i = 0; i < 20_000; i++)
            {
                helper.post(job);
                // Now and then give the helper time to claim it (also out of its sleep); mostly race it.
                if (i % 100 == 0)
                {
                    LockSupport.parkNanos(PlannerHelper.SPIN_NS * (i % 300 == 0 ? 10 : 0) + 200_000);
                }
                helper.await();
                assertEquals(i + 1, ran.get(), "job " + i);
            }
            assertEquals(20_000, helper.helperRuns() + helper.inlineRuns());
            assertTrue(helper.helperRuns() > 0, "the helper claimed nothing");
            helper.post(job);
            LockSupport.parkNanos(5_000_000);
            helper.await();
            assertSame(helper.thread(), ranOn[0], "a job left long enough runs on the helper");
        }
        finally
        {
            helper.close();
        }
        helper.post(job);
        helper.await();
        assertSame(Thread.currentThread(), ranOn[0], "after close a job runs on the planner thread");
        assertEquals(20_002, ran.get());
    }

    @Test
    void shouldReportAJobThatFailedOnTheHelperAndCarryOn()
    {
        final PlannerHelper helper = new PlannerHelper("test-helper", -1, "test");
        helper.start();
        try
        {
            helper.post(() ->
            {
                throw new ArithmeticException("scored by zero");
            });
            LockSupport.parkNanos(5_000_000);
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, helper::await);
            assertTrue(thrown.getCause() instanceof ArithmeticException, thrown.toString());
            assertTrue(thrown.getMessage().contains("scored by zero"), thrown.getMessage());
            final AtomicInteger ran = new AtomicInteger();
            helper.post(ran::incrementAndGet);
            helper.await();
            assertEquals(1, ran.get());
        }
        finally
        {
            helper.close();
        }
    }

    @Test
    void shouldLeaveNothingRunningAfterAFailingTickQuiescesIt()
    {
        final PlannerHelper helper = new PlannerHelper("test-helper", -1, "test");
        helper.start();
        try
        {
            // A job the helper is in the middle of when the tick fails: quiesce waits for it to end and forgets
            // what it threw.
            final AtomicInteger running = new AtomicInteger();
            final AtomicInteger finished = new AtomicInteger();
            helper.post(() ->
            {
                running.set(1);
                LockSupport.parkNanos(50_000_000L);
                finished.set(1);
                throw new IllegalStateException("the job failed too");
            });
            while (running.get() == 0)
            {
                Thread.onSpinWait();
            }
            helper.quiesce();
            assertEquals(1, finished.get(), "the job in flight ended before quiesce returned");

            // The helper takes the next job as usual, with no failure left over from the first.
            final AtomicInteger next = new AtomicInteger();
            helper.post(next::incrementAndGet);
            helper.await();
            assertEquals(1, next.get());

            // A job not yet claimed (here by a helper never started) is dropped, never run.
            final PlannerHelper idle = new PlannerHelper("test-helper-idle", -1, "test");
            final AtomicInteger dropped = new AtomicInteger();
            idle.post(dropped::incrementAndGet);
            idle.quiesce();
            idle.await();
            assertEquals(0, dropped.get());
        }
        finally
        {
            helper.close();
        }
    }

    @Test
    void shouldCollectAJobLeftUncollectedBeforePostingTheNext()
    {
        final PlannerHelper helper = new PlannerHelper("test-helper", -1, "test");
        helper.start();
        try
        {
            final AtomicInteger first = new AtomicInteger();
            final AtomicInteger second = new AtomicInteger();
            helper.post(first::incrementAndGet);
            // A tick cut short by an exception never awaited it.
            helper.post(second::incrementAndGet);
            helper.await();
            assertEquals(1, first.get());
            assertEquals(1, second.get());
        }
        finally
        {
            helper.close();
        }
    }

    @Test
    void shouldAllocateNothingOnTheHelperThreadWorkingOrIdle()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final PlannerHelper helper = new PlannerHelper("test-helper", -1, "test");
        helper.start();
        final double[] sink = new double[64];
        final Runnable job = () ->
        {
            for (int i = 0; i < sink.length; i++)
            {
                sink[i] = Math.sin(sink[i] + i);
            }
        };
        try
        {
            for (int i = 0; i < 20_000; i++)
            {
                helper.post(job);
                helper.await();
            }
            final long id = helper.thread().getId();
            final long before = threads.getThreadAllocatedBytes(id);
            final long jobsBefore = helper.allocatedBytes();
            for (int i = 0; i < 20_000; i++)
            {
                helper.post(job);
                if (i % 1_000 == 0)
                {
                    // Long enough for the helper to fall asleep and be woken by the next post.
                    LockSupport.parkNanos(2 * PlannerHelper.SPIN_NS);
                }
                helper.await();
            }
            final long allocated = threads.getThreadAllocatedBytes(id) - before;
            assertTrue(allocated < 0.5 * 20_000, "the helper thread allocated " + allocated + " bytes in 20,000 jobs");
            assertEquals(0, helper.allocatedBytes() - jobsBefore, "bytes counted against the jobs");
        }
        finally
        {
            helper.close();
        }
    }

    @Test
    void shouldPinTheHelperWhereItIsToldAndReadItBack()
    {
        assumeTrue(null == CpuAffinity.unavailableReason(), "no CPU affinity here");
        final int cpu = CpuAffinity.configuredCpus() - 1;
        final PlannerHelper helper = new PlannerHelper("test-helper", cpu, "cpu.helper_core");
        helper.start();
        try
        {
            assertArrayEquals(new int[] {cpu}, helper.cpus());
        }
        finally
        {
            helper.close();
        }
    }

    @Test
    void shouldRefuseACoreTheMachineLacksNamingTheKey()
    {
        assumeTrue(null == CpuAffinity.unavailableReason(), "no CPU affinity here");
        final int missing = CpuAffinity.configuredCpus() + 7;
        final PlannerHelper helper = new PlannerHelper("test-helper", missing, "host.yaml: cpu.helper_core");
        final IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, helper::start);
        assertTrue(thrown.getMessage().startsWith("host.yaml: cpu.helper_core " + missing), thrown.getMessage());
        // Refused, it runs nothing, and what is posted runs on the caller.
        final AtomicInteger ran = new AtomicInteger();
        helper.post(ran::incrementAndGet);
        helper.await();
        assertEquals(1, ran.get());
        assertEquals(1, helper.inlineRuns());
    }
}
