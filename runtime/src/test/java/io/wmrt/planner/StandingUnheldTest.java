package io.wmrt.planner;

import io.wmrt.TestFrames;
import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A vehicle that has stood in the ego lane for 15 s while nothing held it (the light beyond it green, or no light
 * that is not green within 40 m, nothing moving and no walker just ahead) is parked, whatever the queue rule or
 * the model says: two cars queued behind a car broken down 18 m before a green light were, by the rule (a car
 * 12 m ahead, a stop line within 40 m) and by the model, a queue that would move, and the ego waited behind them
 * for 48 s, through a clear opposite lane (red-light-queue-8300-006); two cars parked nose to tail on a street
 * without a light kept it there for good (narrow-street-8700-011).
 * <p>
 * TestFrames' straight road: the car standing 40 m ahead (id 1), with the light put 8 m beyond it; frames 0.1 s
 * apart.
 */
class StandingUnheldTest
{
    private static final FloatBuffer MOVES = FloatBuffer.wrap(new float[]{0.9f, 0.9f});
    private final SceneSnapshot scene = new SceneSnapshot();

    @Test
    void shouldCallAVehicleStandingFifteenSecondsAtGreenParkedWhateverTheRuleAndTheModelSay()
    {
        load(1, SceneCodes.LIGHT_GREEN, 0f);
        assertFalse(scene.agentParkedByRule[0], "a stop line 8 m on: queued by the rule");
        for (long n = 2; n <= 150; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertEquals(14_900_000_000L, scene.agentStandingUnheldNs[0]);
        assertFalse(scene.agentParkedByRule[0], "14.9 s");
        scene.useLearnedMoves(MOVES);
        assertFalse(scene.agentParked[0], "14.9 s, and the model says it moves");
        load(151, SceneCodes.LIGHT_GREEN, 0f);
        assertTrue(scene.agentParkedByRule[0], "15 s standing through green");
        scene.useLearnedMoves(MOVES);
        assertTrue(scene.agentParked[0], "the model's 0.9 of moving does not outweigh 15 s of not moving");
        assertFalse(scene.agentParked[1], "the oncoming car is not standing in the ego lane");
    }

    @Test
    void shouldStartCountingAgainWhenTheLightShowsRed()
    {
        for (long n = 1; n <= 100; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        load(101, SceneCodes.LIGHT_RED, 0f);
        assertEquals(0, scene.agentStandingUnheldNs[0], "standing at red is queueing");
        for (long n = 102; n <= 200; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertFalse(scene.agentParkedByRule[0], "9.8 s of green since the red");
    }

    @Test
    void shouldKeepAVehicleThatStoodThroughGreenParkedAtTheRedThatFollows()
    {
        for (long n = 1; n <= 151; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertTrue(scene.agentParkedByRule[0]);
        for (long n = 152; n <= 500; n++)
        {
            load(n, SceneCodes.LIGHT_RED, 0f);
            assertTrue(scene.agentParkedByRule[0], "broken down at green, broken down at red: frame " + n);
        }
        load(501, SceneCodes.LIGHT_GREEN, 0f);
        assertTrue(scene.agentParkedByRule[0], "still standing at the next green");
        load(502, SceneCodes.LIGHT_RED, 2f);
        assertFalse(scene.agentParkedByRule[0], "it moved");
        load(503, SceneCodes.LIGHT_RED, 0f);
        assertEquals(0, scene.agentStandingUnheldNs[0], "standing again at red: queueing");
    }

    @Test
    void shouldStartCountingAgainWhenTheVehicleMoves()
    {
        for (long n = 1; n <= 140; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        load(141, SceneCodes.LIGHT_GREEN, 2f);
        assertEquals(0, scene.agentStandingUnheldNs[0]);
        for (long n = 142; n <= 160; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertFalse(scene.agentParkedByRule[0], "it crept forward 1.9 s ago");
    }

    @Test
    void shouldStartCountingAgainWhenTheClockGoesBack()
    {
        for (long n = 100; n <= 260; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertTrue(scene.agentParkedByRule[0]);
        load(1, SceneCodes.LIGHT_GREEN, 0f);
        assertFalse(scene.agentParkedByRule[0], "a producer that restarted its clock has no history");
    }

    @Test
    void shouldStartCountingAgainAfterAGapInTheFrames()
    {
        for (long n = 1; n <= 100; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        // 1.1 s without a frame: nobody saw it stand then.
        load(111, SceneCodes.LIGHT_GREEN, 0f);
        assertEquals(0, scene.agentStandingUnheldNs[0]);
        for (long n = 112; n <= 200; n++)
        {
            load(n, SceneCodes.LIGHT_GREEN, 0f);
        }
        assertFalse(scene.agentParkedByRule[0], "8.9 s seen standing since the gap");
    }

    @Test
    void shouldCallTheRearOfTwoCarsParkedNoseToTailParkedAfterFifteenSecondsWithoutALight()
    {
        for (long n = 1; n <= 150; n++)
        {
            loadPair(n, 0f, SceneCodes.VEHICLE, 0f);
            assertFalse(scene.agentParkedByRule[0], "a car 7 m ahead: queued by the rule, frame " + n);
            assertTrue(scene.agentParkedByRule[2], "nothing ahead of the front one");
        }
        loadPair(151, 0f, SceneCodes.VEHICLE, 0f);
        assertTrue(scene.agentParkedByRule[0], "15 s behind a parked car, with no light to wait for");
        scene.useLearnedMoves(FloatBuffer.wrap(new float[]{0.9f, 0.9f, 0.9f}));
        assertTrue(scene.agentParked[0], "the model's 0.9 of moving does not outweigh 15 s of not moving");
    }

    @Test
    void shouldNotCountACarBehindOneThatMoves()
    {
        for (long n = 1; n <= 300; n++)
        {
            loadPair(n, 0.6f, SceneCodes.VEHICLE, 0f);
        }
        assertEquals(0, scene.agentStandingUnheldNs[0], "the car ahead creeps: traffic");
        assertFalse(scene.agentParkedByRule[0]);
    }

    @Test
    void shouldNotCountACarStandingBehindAChainHeldByARedLight()
    {
        for (long n = 1; n <= 300; n++)
        {
            loadPairBeforeLight(n, SceneCodes.LIGHT_RED);
        }
        assertEquals(0, scene.agentStandingUnheldNs[0], "the chain's head stands 30 m before a red light");
        assertFalse(scene.agentParkedByRule[0]);
        for (long n = 301; n <= 451; n++)
        {
            loadPairBeforeLight(n, SceneCodes.LIGHT_GREEN);
        }
        assertTrue(scene.agentParkedByRule[0], "through 15 s of green the chain has not moved");
    }

    @Test
    void shouldNotCountACarWaitingForAWalkerOnTheRoad()
    {
        for (long n = 1; n <= 300; n++)
        {
            loadPair(n, 0f, SceneCodes.PEDESTRIAN, 1.2f);
        }
        assertEquals(0, scene.agentStandingUnheldNs[0], "a walker crossing 5 m ahead of it");
        assertFalse(scene.agentParkedByRule[0]);
    }

    /**
     * Frame {@code sequence} without a light: the car standing 40 m ahead (id 1), another road user (id 3, of
     * {@code kind} at {@code speed}) 7 m beyond its front, in the lane, and the oncoming car.
     */
    private void loadPair(final long sequence, final float speed, final byte kind, final float across)
    {
        loadPair(sequence, speed, kind, across, SceneCodes.LIGHT_GREEN, false);
    }

    /** As {@link #loadPair} with a standing car ahead, and a light 30 m beyond that car's front. */
    private void loadPairBeforeLight(final long sequence, final byte light)
    {
        loadPair(sequence, 0f, SceneCodes.VEHICLE, 0f, light, true);
    }

    private void loadPair(final long sequence, final float speed, final byte kind, final float across,
        final byte light, final boolean withLight)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        final SceneFrameEncoder frame = TestFrames.straightRoad(new SceneFrameEncoder().wrap(buffer, 0), sequence,
            sequence * 100_000_000L, 0f);
        if (withLight)
        {
            frame.lightStopS(0, 10f + 40f + 2.25f + 7f + 4.5f + 30f).lightState(0, light);
        }
        else
        {
            frame.lightCount(0);
        }
        addAhead(frame, speed, kind, across);
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), 32, 200);
    }

    private static void addAhead(final SceneFrameEncoder frame, final float speed, final byte kind,
        final float across)
    {
        final boolean walker = kind == SceneCodes.PEDESTRIAN;
        final float length = walker ? 0.5f : 4.5f;
        frame.agentCount(3).agentId(2, 3).agentKind(2, kind).agentX(2, 40f + 2.25f + 7f + 0.5f * length)
            .agentY(2, walker ? -1f : 0f).agentHeading(2, walker ? (float)(0.5 * Math.PI) : 0f)
            .agentSpeed(2, walker ? across : speed).agentYawRate(2, 0f).agentLength(2, length)
            .agentWidth(2, walker ? 0.5f : 1.9f);
    }

    /** Frame {@code sequence} at 0.1 s per frame, the standing car at {@code speed}, the light 8 m beyond it. */
    private void load(final long sequence, final byte light, final float speed)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocate(SceneFrameEncoder.BLOCK_LENGTH));
        TestFrames.straightRoad(new SceneFrameEncoder().wrap(buffer, 0), sequence, sequence * 100_000_000L, 0f)
            .agentSpeed(0, speed).lightStopS(0, 10f + 40f + 2.25f + 8f).lightState(0, light);
        scene.load(new SceneFrameDecoder().wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH,
            SceneFrameDecoder.SCHEMA_VERSION), 32, 200);
    }
}
