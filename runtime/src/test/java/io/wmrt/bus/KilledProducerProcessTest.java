package io.wmrt.bus;

import io.wmrt.TestProcesses;
import io.wmrt.telemetry.WmrtCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer process killed with SIGKILL between claim and commit must not silence {@code wmrt run}: after the
 * unblock timeout the scenes of the producers still alive are answered again, and the skip is counted.
 */
class KilledProducerProcessTest
{
    private static final long ANSWER_WAIT_MS = 30_000;

    @TempDir
    Path tmp;

    @Test
    void shouldAnswerLaterScenesAfterAProducerIsKilledMidClaim() throws Exception
    {
        final Path dir = tmp.resolve("instance");
        final Path log = tmp.resolve("run.log");
        final Process run = TestProcesses.start(TestProcesses.wmrt("run", "--dir", dir.toString()), log);
        Process producer = null;
        try (BusDirectory bus = BusDirectory.await(dir, 60_000))
        {
            final SceneWriter writer = new SceneWriter(bus);
            final TrajectoryReader reader = new TrajectoryReader(bus);
            final List<Long> answered = new ArrayList<>();
            TestProcesses.writeScene(writer, 1);
            awaitAnswer(reader, answered, 1);

            producer = new ProcessBuilder(TestProcesses.java(ClaimAndWaitProducer.class.getName(), dir.toString()))
                .redirectErrorStream(true).start();
            TestProcesses.awaitLine(producer, ClaimAndWaitProducer.CLAIMED, 60_000);
            producer.destroyForcibly();
            producer.waitFor();

            final long unblocksBefore = bus.counter(WmrtCounter.SCENE_RING_UNBLOCKS).get();
            for (long seq = 2; seq <= 4; seq++)
            {
                TestProcesses.writeScene(writer, seq);
            }
            final long answer = awaitAnswer(reader, answered, 4);
            // The planner counts the skip before it can read what lay behind the dead claim.
            assertEquals(1, bus.counter(WmrtCounter.SCENE_RING_UNBLOCKS).get(),
                "the dead producer's record is skipped once and counted; answered " + answered);
            assertEquals(0, unblocksBefore, "nothing was skipped while the producer lived");
            assertEquals(4, answer, "the newest scene written after the kill is answered: " + answered);
            for (long seq = 5; seq <= 7; seq++)
            {
                TestProcesses.writeScene(writer, seq);
                assertEquals(seq, awaitAnswer(reader, answered, seq), "and the ring carries on: " + answered);
            }
            assertTrue(run.isAlive(), TestProcesses.read(log));
        }
        finally
        {
            if (null != producer)
            {
                TestProcesses.kill(producer);
            }
            run.destroy();
            run.waitFor();
        }
        assertFalse(TestProcesses.read(log).contains("Exception"), TestProcesses.read(log));
    }

    /**
     * @return the scene sequence of the first trajectory answering {@code sequence} or a newer scene.
     */
    private static long awaitAnswer(final TrajectoryReader reader, final List<Long> answered, final long sequence)
        throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + ANSWER_WAIT_MS;
        while (System.currentTimeMillis() < deadline)
        {
            while (reader.poll(t -> answered.add(t.sceneSequence())) > 0)
            {
                if (answered.get(answered.size() - 1) >= sequence)
                {
                    return answered.get(answered.size() - 1);
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("scene " + sequence + " not answered within " + ANSWER_WAIT_MS + " ms; answered " +
            answered);
    }
}
