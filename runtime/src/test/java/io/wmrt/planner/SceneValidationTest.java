package io.wmrt.planner;

import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneCodes;
import io.wmrt.dispatch.GraphRunner;
import io.wmrt.backend.NativeOrtBackend;
import io.wmrt.model.ModelPackage;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile SceneFrames reach the planner's tick: each is checked before any value is used. A bad agent is
 * left out and counted and the rest of the scene is planned as usual; a bad ego state, count, route, light or
 * a stale timestamp rejects the frame, the previous plan stays valid for the deadline, and then a
 * comfortable stop along it is published. No input hangs the tick.
 */
@Timeout(60)
class SceneValidationTest
{
    private static final long DEADLINE_NS = 80_000_000L;

    @TempDir
    Path tmp;

    private final CachedNanoClock clock = new CachedNanoClock();
    private PlannerHarness h;

    @BeforeEach
    void start() throws Exception
    {
        h = new PlannerHarness(tmp.resolve("bus"), DEADLINE_NS, clock, (model, arena, owned) ->
        {
            final NativeOrtBackend backend = new NativeOrtBackend(1);
            return new GraphRunner[] {
                new GraphRunner("encoder", PlannerHarness.prepare(backend, model, ModelPackage.ENCODER, arena, owned)),
                new GraphRunner("rollout", PlannerHarness.prepare(backend, model, ModelPackage.ROLLOUT, arena, owned))};
        });
    }

    @AfterEach
    void stop()
    {
        h.close();
    }

    private long counter(final WmrtCounter counter)
    {
        return h.bus.counter(counter).get();
    }

    /**
     * Write frame {@code sequence} with one change, tick, and return the scene sequence answered (or -1).
     */
    private long tick(final long sequence, final Consumer<SceneFrameEncoder> change)
    {
        h.lastSceneSequence = -1;
        h.writeFrame(sequence, change);
        clock.update(sequence * 100_000_000L);
        h.tickAndRead();
        return h.lastSceneSequence;
    }

    private long valid(final long sequence)
    {
        return tick(sequence, f -> { });
    }

    @Test
    void shouldAnswerLaterFramesAfterAnInfiniteOrHugeAgentHeading()
    {
        assertEquals(1, valid(1));
        assertEquals(2, tick(2, f -> f.agentHeading(1, Float.POSITIVE_INFINITY)));
        assertEquals(3, tick(3, f -> f.agentHeading(1, 1e30f)));
        assertEquals(4, tick(4, f -> f.agentHeading(1, Float.NEGATIVE_INFINITY)));
        assertEquals(5, valid(5));
        assertEquals(3, counter(WmrtCounter.AGENTS_DROPPED_INVALID));
        assertSame(SceneFault.AGENT_HEADING, h.agent.lastFault());
    }

    @Test
    void shouldDropANanAgentWithoutBrakingForAPhantom()
    {
        valid(1);
        for (long seq = 2; seq <= 6; seq++)
        {
            // The oncoming car's position is NaN: left out; the parked car ahead is still seen.
            assertEquals(seq, tick(seq, f -> f.agentX(1, Float.NaN)));
            assertEquals("NOMINAL", h.lastMode, "a NaN track is not a reason to stop");
            assertEquals(0f, h.lastCollisionCost, "no candidate scored as colliding with a phantom");
        }
        assertEquals(5, counter(WmrtCounter.AGENTS_DROPPED_INVALID));
        assertEquals(0, counter(WmrtCounter.MINIMAL_RISK_TICKS));
        assertEquals(1, h.agent.scene().agentCount, "the parked car is planned with");
    }

    @Test
    void shouldStillSeeTheOtherAgentsWhenOneIsBad()
    {
        valid(1);
        // A pedestrian with an unknown kind and one with Inf speed are dropped; the parked car stays.
        tick(2, f -> f.agentCount(4)
            .agentId(2, 3).agentKind(2, (byte)9).agentX(2, 20f).agentY(2, 0f).agentHeading(2, 0f)
            .agentSpeed(2, 1f).agentYawRate(2, 0f).agentLength(2, 0.6f).agentWidth(2, 0.6f)
            .agentId(3, 4).agentKind(3, SceneCodes.PEDESTRIAN).agentX(3, 20f).agentY(3, 0f).agentHeading(3, 0f)
            .agentSpeed(3, Float.POSITIVE_INFINITY).agentYawRate(3, 0f).agentLength(3, 0.6f).agentWidth(3, 0.6f));
        final SceneSnapshot scene = h.agent.scene();
        assertEquals(2, scene.agentCount);
        assertEquals(2, scene.droppedAgents);
        assertEquals(1, scene.agentId[0]);
        assertEquals(2, scene.agentId[1]);
    }

    @Test
    void shouldRejectANanStopLineUnderRedInsteadOfDroppingTheLight()
    {
        valid(1);

        // 100 ms after the last plan (10 Hz) is past the 80 ms deadline: the answer is the stop along it, never
        // a plan made as if there were no red light.
        assertEquals(2, tick(2, f -> f.lightStopS(0, Float.NaN).lightState(0, SceneCodes.LIGHT_RED)));

        assertEquals("MINIMAL_RISK", h.lastMode);
        assertEquals(1, counter(WmrtCounter.SCENES_REJECTED_LIGHTS));
        assertSame(SceneFault.LIGHT_STOP_LINE, h.agent.lastFault());
    }

    @Test
    void shouldRejectBadEgoStatesRoutesAndCountsEachByReason()
    {
        valid(1);
        tick(2, f -> f.egoSpeed(Float.NaN));
        tick(3, f -> f.egoX(Float.POSITIVE_INFINITY));
        tick(4, f -> f.laneWidth(0f));
        tick(5, f -> f.agentCount(1000));
        tick(6, f -> f.agentCount(-5));
        tick(7, f -> f.routeX(7, Float.POSITIVE_INFINITY));
        tick(8, f -> f.routePointCount(65));
        tick(9, f -> f.lightCount(17));
        tick(10, f -> f.lightState(0, (byte)99));
        tick(11, f -> f.egoLength(1e9f));
        tick(12, f -> f.drivableRightEndS(Float.NaN));
        assertSame(SceneFault.DRIVABLE_END, h.agent.lastFault());
        tick(13, f -> f.drivableLeftEndS(-1f));
        assertEquals(6, counter(WmrtCounter.SCENES_REJECTED_EGO));
        assertEquals(2, counter(WmrtCounter.SCENES_REJECTED_AGENT_COUNT));
        assertEquals(2, counter(WmrtCounter.SCENES_REJECTED_ROUTE));
        assertEquals(2, counter(WmrtCounter.SCENES_REJECTED_LIGHTS));
        assertEquals(14, valid(14), "a valid frame after them all is planned");
        assertEquals("NOMINAL", h.lastMode);
    }

    @Test
    void shouldRejectADegenerateRouteButDriveAlongTheHeadingWithoutOne()
    {
        valid(1);
        tick(2, f ->
        {
            for (int i = 0; i < 40; i++)
            {
                f.routeX(i, 5f).routeY(i, 5f);
            }
        });
        assertEquals(1, counter(WmrtCounter.SCENES_REJECTED_ROUTE));
        assertSame(SceneFault.ROUTE_DEGENERATE, h.agent.lastFault());

        assertEquals(3, tick(3, f -> f.routePointCount(0)), "no route is not a fault");
        assertEquals(1, counter(WmrtCounter.SCENES_REJECTED_ROUTE));
    }

    @Test
    void shouldRejectTimestampsThatRepeatOrGoBackwards()
    {
        assertEquals(5, valid(5));
        tick(6, f -> f.timestampNs(500_000_000L));
        assertEquals("MINIMAL_RISK", h.lastMode, "repeated: rejected");
        tick(7, f -> f.timestampNs(100_000_000L));
        assertEquals("MINIMAL_RISK", h.lastMode, "backwards: rejected");
        assertEquals(2, counter(WmrtCounter.SCENES_REJECTED_STALE));
        assertEquals(8, valid(8));
        assertEquals("NOMINAL", h.lastMode);
    }

    @Test
    void shouldNotBeBlindedByAFrameStampedFarInTheFuture()
    {
        assertEquals(1, valid(1));
        tick(2, f -> f.timestampNs(Long.MAX_VALUE));
        assertSame(SceneFault.TIMESTAMP_LEAP, h.agent.lastFault());
        for (long seq = 3; seq <= 8; seq++)
        {
            assertEquals(seq, valid(seq));
            assertEquals("NOMINAL", h.lastMode, "frame " + seq + " planned on as usual");
        }
        assertEquals(1, counter(WmrtCounter.SCENES_REJECTED_STALE));
        assertEquals(0, counter(WmrtCounter.SCENE_TIMELINE_RESTARTS));
    }

    @Test
    void shouldAdoptANewTimelineWhenTheProducerRestartsItsClock()
    {
        for (long seq = 1; seq <= 20; seq++)
        {
            valid(seq);
        }
        // The producer restarts: its clock begins again at 0.1 s. Four frames are rejected, the fifth that
        // agrees with them starts the new timeline.
        for (long seq = 21; seq <= 24; seq++)
        {
            final long restarted = (seq - 20) * 100_000_000L;
            tick(seq, f -> f.timestampNs(restarted));
            assertSame(SceneFault.STALE_TIMESTAMP, h.agent.lastFault());
            assertEquals("MINIMAL_RISK", h.lastMode, "frame " + seq);
        }
        assertEquals(25, tick(25, f -> f.timestampNs(500_000_000L)));
        assertEquals("NOMINAL", h.lastMode);
        assertEquals(1, counter(WmrtCounter.SCENE_TIMELINE_RESTARTS));
        assertEquals(26, tick(26, f -> f.timestampNs(600_000_000L)));
        assertEquals(4, counter(WmrtCounter.SCENES_REJECTED_STALE));
    }

    @Test
    void shouldContinueATimelineWithoutOverflowForAnyTwoTimestamps()
    {
        final SceneTimeline timeline = new SceneTimeline();
        assertNull(timeline.check(Long.MIN_VALUE + 1));
        assertSame(SceneFault.TIMESTAMP_LEAP, timeline.check(Long.MAX_VALUE), "a leap across the whole range");
        assertNull(timeline.check(Long.MIN_VALUE + 1 + SceneTimeline.MAX_STEP_NS));
        assertSame(SceneFault.STALE_TIMESTAMP, timeline.check(Long.MIN_VALUE + 1 + SceneTimeline.MAX_STEP_NS));
        assertSame(SceneFault.TIMESTAMP_LEAP,
            timeline.check(Long.MIN_VALUE + 2 + 2 * SceneTimeline.MAX_STEP_NS));
    }

    @Test
    void shouldSkipRecordsThatAreNotSceneFrames()
    {
        valid(1);
        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(h.bus.sceneRingBuffer());
        final UnsafeBuffer garbage = new UnsafeBuffer(new byte[64]);
        assertTrue(ring.write(BusLayout.SCENE_MSG_TYPE, garbage, 0, 64));
        assertTrue(ring.write(99, garbage, 0, 64));
        h.agent.doWork();
        assertEquals(2, counter(WmrtCounter.SCENE_RECORDS_MALFORMED));
        assertEquals(2, valid(2));
    }

    @Test
    void shouldKeepThePlanForTheDeadlineThenPublishAComfortableStopAlongIt()
    {
        valid(1);
        final float[] plan = h.lastWaypoints.get(h.lastWaypoints.size() - 1);
        final int published = h.lastWaypoints.size();

        // 50 ms later (within the 80 ms deadline): rejected, the plan stands, nothing published.
        h.writeFrame(2, f -> f.egoSpeed(Float.NaN));
        clock.update(150_000_000L);
        h.tickAndRead();
        assertEquals(published, h.lastWaypoints.size());

        // 100 ms after the plan: past the deadline, the stop along it answers the rejected frame.
        tick(3, f -> f.egoSpeed(Float.NaN));
        assertEquals(3, h.lastSceneSequence);
        assertEquals("MINIMAL_RISK", h.lastMode);
        assertEquals(1, counter(WmrtCounter.MINIMAL_RISK_NO_VALID_SCENE));
        final float[] stop = h.lastWaypoints.get(h.lastWaypoints.size() - 1);
        // Along the plan's path (a straight road: y stays the plan's), ending at standstill short of where the
        // plan itself went (the plan holds 8 m/s, the stop brakes at the comfortable rate).
        assertEquals(plan[1], stop[1], 0.05);
        assertTrue(stop[stop.length - 2] < plan[plan.length - 2], "stops short of the plan's end");
        assertTrue(stop[stop.length - 2] > plan[0], "moves on along the plan before stopping");
        assertEquals(0f, h.lastEndSpeed, 1e-3);

        // The stop continues; it does not restart each time it is asked for.
        tick(4, f -> f.egoSpeed(Float.NaN));
        final float[] later = h.lastWaypoints.get(h.lastWaypoints.size() - 1);
        assertEquals(stop[stop.length - 2], later[later.length - 2], 0.01, "same standstill point");

        // A valid frame: planning resumes.
        assertEquals(5, valid(5));
        assertEquals("NOMINAL", h.lastMode);
    }

    @Test
    void shouldPublishAStopWithoutWaypointsWhenNoPlanWasEverMade()
    {
        assertEquals(1, tick(1, f -> f.egoHeading(Float.NaN)));
        assertEquals("MINIMAL_RISK", h.lastMode);
        assertEquals(0, h.lastWaypointCount);
    }

    @Test
    void shouldWrapAnyAngleInConstantTime()
    {
        assertEquals(0.0, SceneSnapshot.wrap(4 * Math.PI), 1e-12);
        assertEquals(-Math.PI / 2, SceneSnapshot.wrap(3 * Math.PI / 2), 1e-12);
        assertTrue(Double.isNaN(SceneSnapshot.wrap(Double.POSITIVE_INFINITY)));
        assertTrue(Math.abs(SceneSnapshot.wrap(1e300)) <= Math.PI);
    }

    @Test
    void shouldNameTheFieldInEveryFault()
    {
        for (final SceneFault fault : SceneFault.values())
        {
            assertTrue(fault.record().getMessage().contains(fault.field()), fault.record().getMessage());
            assertNull(fault.record().getCause());
            assertEquals(0, fault.record().getStackTrace().length, "made once, no stack trace: " + fault);
        }
        assertNotEquals(SceneFault.Category.AGENT.counter(), SceneFault.Category.EGO.counter());
    }
}
