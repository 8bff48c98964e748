package io.wmrt.hil.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wmrt.bus.SceneCodes;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DatasetRecorder} on a scripted run of {@link #STEPS} steps with a horizon of {@link #HORIZON}:
 * <ul>
 *   <li>the ego drives with x = 100 + 2t, y = 50 - 0.1t, heading 0.1 + 0.01t, speed 20 + 0.1t;</li>
 *   <li>agent 9 (vehicle) is present throughout;</li>
 *   <li>agent 7 (pedestrian) appears at step 5 and disappears after step 11;</li>
 *   <li>agent 4 (cyclist) is present at steps 0-2, gone at 3-9, back from step 10;</li>
 *   <li>agents fill the slots in ascending id order at even steps, descending at odd steps, so an agent
 *       changes slot from one step to the next;</li>
 *   <li>4 lights at step 0, 1 light until step 9, none after; 3 to 7 route points.</li>
 * </ul>
 * All frames are encoded into one reused buffer, as the rig does.
 */
class DatasetRecorderTest
{
    static final int STEPS = 20;
    static final int HORIZON = 5;
    static final String SCENARIO = "cut_in \"left\"";
    static final long SEED = 42L;
    static final double STEP_S = 0.1;

    static final int VEHICLE = 9;
    static final int PEDESTRIAN = 7;
    static final int CYCLIST = 4;

    @TempDir
    Path recordDir;

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[SceneFrameEncoder.BLOCK_LENGTH]);
    private final SceneFrameEncoder encoder = new SceneFrameEncoder().wrap(buffer, 0);
    private final SceneFrameDecoder decoder = new SceneFrameDecoder()
        .wrap(buffer, 0, SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION);

    // ------------------------------------------------------------------ the script

    static float egoX(final int t)
    {
        return (float)(100.0 + 2.0 * t);
    }

    static float egoY(final int t)
    {
        return (float)(50.0 - 0.1 * t);
    }

    static float egoHeading(final int t)
    {
        return (float)(0.1 + 0.01 * t);
    }

    static float egoSpeed(final int t)
    {
        return (float)(20.0 + 0.1 * t);
    }

    static boolean present(final int id, final int t)
    {
        switch (id)
        {
            case VEHICLE:
                return true;
            case PEDESTRIAN:
                return t >= 5 && t <= 11;
            case CYCLIST:
                return t <= 2 || t >= 10;
            default:
                return false;
        }
    }

    static float agentX(final int id, final int t)
    {
        return id == VEHICLE ? 120.0f + 1.5f * t : id == PEDESTRIAN ? 130.0f - 0.5f * t : 80.0f + t;
    }

    static float agentY(final int id, final int t)
    {
        return id == VEHICLE ? 53.0f : id == PEDESTRIAN ? 45.0f + 0.2f * t : 47.0f;
    }

    static float agentHeading(final int id, final int t)
    {
        return id == VEHICLE ? 0.05f : id == PEDESTRIAN ? 1.0f : 3.0f - 0.01f * t;
    }

    static float agentSpeed(final int id, final int t)
    {
        return id == VEHICLE ? 15.0f : id == PEDESTRIAN ? 1.2f : 10.0f + 0.01f * t;
    }

    static byte agentKind(final int id)
    {
        return id == VEHICLE ? SceneCodes.VEHICLE : id == PEDESTRIAN ? SceneCodes.PEDESTRIAN : SceneCodes.CYCLIST;
    }

    /** Agent ids in slot order at step t. */
    static List<Integer> slots(final int t)
    {
        final List<Integer> ids = new ArrayList<>();
        for (final int id : t % 2 == 0 ? new int[] {CYCLIST, PEDESTRIAN, VEHICLE} :
            new int[] {VEHICLE, PEDESTRIAN, CYCLIST})
        {
            if (present(id, t))
            {
                ids.add(id);
            }
        }
        return ids;
    }

    static int routeCount(final int t)
    {
        return 3 + t % 5;
    }

    static int lightCount(final int t)
    {
        return t == 0 ? 4 : t < 10 ? 1 : 0;
    }

    private void encodeStep(final int t)
    {
        encoder.sequence(t + 1);
        encoder.timestampNs((t + 1) * 100_000_000L);
        encoder.egoX(egoX(t));
        encoder.egoY(egoY(t));
        encoder.egoHeading(egoHeading(t));
        encoder.egoSpeed(egoSpeed(t));
        encoder.egoAccel(1.0f);
        encoder.egoSteer(0.02f);
        encoder.egoLength(4.5f);
        encoder.egoWidth(1.8f);
        encoder.speedLimit(13.89f);
        encoder.laneWidth(3.2f);
        encoder.drivableLeft(1.6f);
        encoder.drivableRight(4.8f);
        final List<Integer> ids = slots(t);
        encoder.agentCount(ids.size());
        for (int i = 0; i < ids.size(); i++)
        {
            final int id = ids.get(i);
            encoder.agentId(i, id);
            encoder.agentKind(i, agentKind(id));
            encoder.agentX(i, agentX(id, t));
            encoder.agentY(i, agentY(id, t));
            encoder.agentHeading(i, agentHeading(id, t));
            encoder.agentSpeed(i, agentSpeed(id, t));
            encoder.agentYawRate(i, 0.01f * id);
            encoder.agentLength(i, id == PEDESTRIAN ? 0.5f : 4.0f);
            encoder.agentWidth(i, id == PEDESTRIAN ? 0.5f : 1.8f);
        }
        encoder.routePointCount(routeCount(t));
        for (int i = 0; i < routeCount(t); i++)
        {
            encoder.routeX(i, t + i);
            encoder.routeY(i, -i);
        }
        encoder.lightCount(lightCount(t));
        for (int i = 0; i < lightCount(t); i++)
        {
            encoder.lightStopS(i, 50.0f - t + 10.0f * i);
            encoder.lightState(i, t < 5 ? SceneCodes.LIGHT_RED : SceneCodes.LIGHT_GREEN);
        }
    }

    private Path recordScriptedRun(final String name) throws IOException
    {
        final Path runDir = recordDir.resolve(name);
        try (DatasetRecorder recorder = DatasetRecorder.create(runDir, SCENARIO, SEED, STEP_S, HORIZON))
        {
            for (int t = 0; t < STEPS; t++)
            {
                encodeStep(t);
                recorder.record(decoder, 0.1f * t, -0.01f * t, egoSpeed(t) + 0.1f, t % 3 == 0);
                assertEquals(t + 1, recorder.steps());
            }
        }
        return runDir;
    }

    private static Map<DatasetFile, LoadedNpy> load(final Path runDir) throws IOException
    {
        final Map<DatasetFile, LoadedNpy> files = new EnumMap<>(DatasetFile.class);
        for (final DatasetFile file : DatasetFile.values())
        {
            files.put(file, LoadedNpy.load(runDir.resolve(file.fileName())));
        }
        return files;
    }

    // ------------------------------------------------------------------ files and headers

    @Test
    void shouldWriteEveryFileOfTheLayoutWithItsDtypeShapeAndAlignedHeader() throws IOException
    {
        final Path runDir = recordScriptedRun("cut_in");
        final Set<String> expected = new HashSet<>();
        expected.add(DatasetLayout.META_FILE);
        for (final DatasetFile file : DatasetFile.values())
        {
            expected.add(file.fileName());
            final LoadedNpy npy = LoadedNpy.load(runDir.resolve(file.fileName()));
            assertEquals(0, npy.dataOffset() % 64, file + " header is 64-byte aligned");
            assertTrue(npy.header.endsWith("\n"), file.fileName());
            assertEquals(file.dtype().descr(), npy.descr, file.fileName());
            assertFalse(npy.fortranOrder, file.fileName());
            assertArrayEquals(file.shape(STEPS, HORIZON), npy.shape, file.fileName());
            assertEquals(npy.dataOffset() + npy.elementCount() * npy.elementSize(),
                Files.size(runDir.resolve(file.fileName())), file.fileName() + " holds exactly its elements");
        }
        try (Stream<Path> list = Files.list(runDir))
        {
            assertEquals(expected, list.map(p -> p.getFileName().toString()).collect(Collectors.toSet()));
        }
        final Map<DatasetFile, LoadedNpy> files = load(runDir);
        assertArrayEquals(new int[] {STEPS, 13}, files.get(DatasetFile.EGO).shape);
        assertArrayEquals(new int[] {STEPS, 32, 9}, files.get(DatasetFile.AGENTS).shape);
        assertArrayEquals(new int[] {STEPS, 32, HORIZON, 4}, files.get(DatasetFile.AGENT_FUTURE).shape);
        assertArrayEquals(new int[] {STEPS, 32, HORIZON}, files.get(DatasetFile.AGENT_FUTURE_VALID).shape);
        assertArrayEquals(new int[] {STEPS}, files.get(DatasetFile.ROUTE_COUNT).shape);
    }

    @Test
    void columnNamesAgreeWithTheirIndices()
    {
        assertEquals("drivable_right", DatasetLayout.EGO_COLUMNS.get(DatasetLayout.EGO_DRIVABLE_RIGHT).name());
        assertEquals(DatasetLayout.EGO_DRIVABLE_RIGHT + 1, DatasetLayout.EGO_COLUMNS.size());
        assertEquals("speed", DatasetLayout.EGO_COLUMNS.get(DatasetLayout.EGO_SPEED).name());
        assertEquals("width", DatasetLayout.AGENT_COLUMNS.get(DatasetLayout.AGENT_WIDTH).name());
        assertEquals(DatasetLayout.AGENT_WIDTH + 1, DatasetLayout.AGENT_COLUMNS.size());
        assertEquals("perturbed", DatasetLayout.ACTION_COLUMNS.get(DatasetLayout.ACTION_PERTURBED).name());
        assertEquals("speed", DatasetLayout.FUTURE_COLUMNS.get(DatasetLayout.FUTURE_SPEED).name());
        assertEquals("state", DatasetLayout.LIGHT_COLUMNS.get(DatasetLayout.LIGHT_STATE).name());
        assertEquals("pedestrian", DatasetLayout.AGENT_KIND_NAMES.get(SceneCodes.PEDESTRIAN));
        assertEquals("cyclist", DatasetLayout.AGENT_KIND_NAMES.get(SceneCodes.CYCLIST));
        assertEquals("red", DatasetLayout.LIGHT_STATE_NAMES.get(SceneCodes.LIGHT_RED));
        assertEquals("yellow", DatasetLayout.LIGHT_STATE_NAMES.get(SceneCodes.LIGHT_YELLOW));
    }

    // ------------------------------------------------------------------ recorded frames and actions

    @Test
    void shouldRecordEgoAgentsRouteLightsAndActionsAsScripted() throws IOException
    {
        final Map<DatasetFile, LoadedNpy> files = load(recordScriptedRun("cut_in"));
        final LoadedNpy ego = files.get(DatasetFile.EGO);
        final LoadedNpy agents = files.get(DatasetFile.AGENTS);
        final LoadedNpy actions = files.get(DatasetFile.ACTIONS);
        for (int t = 0; t < STEPS; t++)
        {
            assertEquals((t + 1) * 100_000_000L, files.get(DatasetFile.TIMESTAMP_NS).i8(t));
            assertEquals((t + 1) * 0.1f, ego.f4(t, DatasetLayout.EGO_TIME_S), 1e-6f);
            assertEquals(egoX(t), ego.f4(t, DatasetLayout.EGO_X));
            assertEquals(egoY(t), ego.f4(t, DatasetLayout.EGO_Y));
            assertEquals(egoHeading(t), ego.f4(t, DatasetLayout.EGO_HEADING));
            assertEquals(egoSpeed(t), ego.f4(t, DatasetLayout.EGO_SPEED));
            assertEquals(1.0f, ego.f4(t, DatasetLayout.EGO_ACCEL));
            assertEquals(0.02f, ego.f4(t, DatasetLayout.EGO_STEER));
            assertEquals(4.5f, ego.f4(t, DatasetLayout.EGO_LENGTH));
            assertEquals(1.8f, ego.f4(t, DatasetLayout.EGO_WIDTH));
            assertEquals(13.89f, ego.f4(t, DatasetLayout.EGO_SPEED_LIMIT));
            assertEquals(3.2f, ego.f4(t, DatasetLayout.EGO_LANE_WIDTH));
            assertEquals(1.6f, ego.f4(t, DatasetLayout.EGO_DRIVABLE_LEFT));
            assertEquals(4.8f, ego.f4(t, DatasetLayout.EGO_DRIVABLE_RIGHT));

            final List<Integer> ids = slots(t);
            for (int i = 0; i < ids.size(); i++)
            {
                final int id = ids.get(i);
                assertEquals(1, files.get(DatasetFile.AGENT_VALID).u1(t, i));
                assertEquals(id, agents.f4(t, i, DatasetLayout.AGENT_ID));
                assertEquals(agentKind(id), agents.f4(t, i, DatasetLayout.AGENT_KIND));
                assertEquals(agentX(id, t), agents.f4(t, i, DatasetLayout.AGENT_X));
                assertEquals(agentY(id, t), agents.f4(t, i, DatasetLayout.AGENT_Y));
                assertEquals(agentHeading(id, t), agents.f4(t, i, DatasetLayout.AGENT_HEADING));
                assertEquals(agentSpeed(id, t), agents.f4(t, i, DatasetLayout.AGENT_SPEED));
                assertEquals(0.01f * id, agents.f4(t, i, DatasetLayout.AGENT_YAW_RATE));
                assertEquals(id == PEDESTRIAN ? 0.5f : 4.0f, agents.f4(t, i, DatasetLayout.AGENT_LENGTH));
                assertEquals(id == PEDESTRIAN ? 0.5f : 1.8f, agents.f4(t, i, DatasetLayout.AGENT_WIDTH));
            }

            assertEquals(routeCount(t), files.get(DatasetFile.ROUTE_COUNT).i4(t));
            for (int i = 0; i < routeCount(t); i++)
            {
                assertEquals(t + i, files.get(DatasetFile.ROUTE).f4(t, i, DatasetLayout.ROUTE_X));
                assertEquals(-i, files.get(DatasetFile.ROUTE).f4(t, i, DatasetLayout.ROUTE_Y));
            }
            assertEquals(lightCount(t), files.get(DatasetFile.LIGHT_COUNT).i4(t));
            for (int i = 0; i < lightCount(t); i++)
            {
                assertEquals(50.0f - t + 10.0f * i, files.get(DatasetFile.LIGHTS).f4(t, i, DatasetLayout.LIGHT_STOP_S));
                assertEquals(t < 5 ? SceneCodes.LIGHT_RED : SceneCodes.LIGHT_GREEN,
                    files.get(DatasetFile.LIGHTS).f4(t, i, DatasetLayout.LIGHT_STATE));
            }

            assertEquals(0.1f * t, actions.f4(t, DatasetLayout.ACTION_ACCEL));
            assertEquals(-0.01f * t, actions.f4(t, DatasetLayout.ACTION_YAW_RATE));
            assertEquals(egoSpeed(t) + 0.1f, actions.f4(t, DatasetLayout.ACTION_SPEED));
            assertEquals(t % 3 == 0 ? 1.0f : 0.0f, actions.f4(t, DatasetLayout.ACTION_PERTURBED));
        }
    }

    @Test
    void emptySlotsAndPointsPastTheCountsAreZerosThoughTheReusedBufferStillHoldsOlderFrames() throws IOException
    {
        final Map<DatasetFile, LoadedNpy> files = load(recordScriptedRun("cut_in"));
        // Step 2 has two agents, step 3 one: the buffer still holds step 2's second agent.
        assertEquals(2, slots(2).size());
        assertEquals(1, slots(3).size());
        for (int t = 0; t < STEPS; t++)
        {
            for (int i = slots(t).size(); i < DatasetLayout.MAX_AGENTS; i++)
            {
                assertEquals(0, files.get(DatasetFile.AGENT_VALID).u1(t, i), "step " + t + " slot " + i);
                for (int c = 0; c < DatasetLayout.AGENT_COLUMNS.size(); c++)
                {
                    assertEquals(0.0f, files.get(DatasetFile.AGENTS).f4(t, i, c), "step " + t + " slot " + i);
                }
            }
            for (int i = routeCount(t); i < DatasetLayout.MAX_ROUTE_POINTS; i++)
            {
                assertEquals(0.0f, files.get(DatasetFile.ROUTE).f4(t, i, DatasetLayout.ROUTE_X), "step " + t);
                assertEquals(0.0f, files.get(DatasetFile.ROUTE).f4(t, i, DatasetLayout.ROUTE_Y), "step " + t);
            }
            for (int i = lightCount(t); i < DatasetLayout.MAX_LIGHTS; i++)
            {
                assertEquals(0.0f, files.get(DatasetFile.LIGHTS).f4(t, i, DatasetLayout.LIGHT_STOP_S), "step " + t);
                assertEquals(0.0f, files.get(DatasetFile.LIGHTS).f4(t, i, DatasetLayout.LIGHT_STATE), "step " + t);
            }
        }
    }

    // ------------------------------------------------------------------ futures

    @Test
    void egoFutureIsThePoseKStepsLaterAndInvalidPastTheEndOfTheRun() throws IOException
    {
        final Map<DatasetFile, LoadedNpy> files = load(recordScriptedRun("cut_in"));
        final LoadedNpy future = files.get(DatasetFile.EGO_FUTURE);
        final LoadedNpy valid = files.get(DatasetFile.EGO_FUTURE_VALID);
        for (int t = 0; t < STEPS; t++)
        {
            for (int k = 1; k <= HORIZON; k++)
            {
                final int s = t + k;
                final String where = "step " + t + " k " + k;
                assertEquals(s < STEPS ? 1 : 0, valid.u1(t, k - 1), where);
                assertEquals(s < STEPS ? egoX(s) : 0.0f, future.f4(t, k - 1, DatasetLayout.FUTURE_X), where);
                assertEquals(s < STEPS ? egoY(s) : 0.0f, future.f4(t, k - 1, DatasetLayout.FUTURE_Y), where);
                assertEquals(s < STEPS ? egoHeading(s) : 0.0f, future.f4(t, k - 1, DatasetLayout.FUTURE_HEADING),
                    where);
                assertEquals(s < STEPS ? egoSpeed(s) : 0.0f, future.f4(t, k - 1, DatasetLayout.FUTURE_SPEED), where);
            }
        }
        // The last step has no future at all; three steps before the end, two.
        for (int k = 1; k <= HORIZON; k++)
        {
            assertEquals(0, valid.u1(STEPS - 1, k - 1));
            assertEquals(k <= 2 ? 1 : 0, valid.u1(STEPS - 3, k - 1));
        }
    }

    @Test
    void agentFutureFollowsTheSameIdAcrossSlotsAndIsInvalidWhileTheAgentIsAbsent() throws IOException
    {
        final Map<DatasetFile, LoadedNpy> files = load(recordScriptedRun("cut_in"));
        final LoadedNpy future = files.get(DatasetFile.AGENT_FUTURE);
        final LoadedNpy valid = files.get(DatasetFile.AGENT_FUTURE_VALID);
        for (int t = 0; t < STEPS; t++)
        {
            final List<Integer> ids = slots(t);
            for (int i = 0; i < DatasetLayout.MAX_AGENTS; i++)
            {
                for (int k = 1; k <= HORIZON; k++)
                {
                    final int s = t + k;
                    final String where = "step " + t + " slot " + i + " k " + k;
                    final boolean expectValid = i < ids.size() && s < STEPS && present(ids.get(i), s);
                    assertEquals(expectValid ? 1 : 0, valid.u1(t, i, k - 1), where);
                    final int id = expectValid ? ids.get(i) : 0;
                    assertEquals(expectValid ? agentX(id, s) : 0.0f, future.f4(t, i, k - 1, DatasetLayout.FUTURE_X),
                        where);
                    assertEquals(expectValid ? agentY(id, s) : 0.0f, future.f4(t, i, k - 1, DatasetLayout.FUTURE_Y),
                        where);
                    assertEquals(expectValid ? agentHeading(id, s) : 0.0f,
                        future.f4(t, i, k - 1, DatasetLayout.FUTURE_HEADING), where);
                    assertEquals(expectValid ? agentSpeed(id, s) : 0.0f,
                        future.f4(t, i, k - 1, DatasetLayout.FUTURE_SPEED), where);
                }
            }
        }

        // The pedestrian at step 9 (odd: slots 9, 7) is seen at steps 10 and 11, then gone.
        assertEquals(List.of(VEHICLE, PEDESTRIAN), slots(9));
        assertEquals(1, valid.u1(9, 1, 0));
        assertEquals(1, valid.u1(9, 1, 1));
        assertEquals(0, valid.u1(9, 1, 2));
        assertEquals(agentX(PEDESTRIAN, 10), future.f4(9, 1, 0, DatasetLayout.FUTURE_X));
        // At step 10 it sits in slot 1 (even: 4, 7, 9): the future followed the id, not the slot.
        assertEquals(List.of(CYCLIST, PEDESTRIAN, VEHICLE), slots(10));
        assertEquals(agentX(VEHICLE, 10), future.f4(9, 0, 0, DatasetLayout.FUTURE_X));
        // The cyclist at step 0 leaves after step 2 and is back at step 10, beyond the horizon.
        assertEquals(List.of(1, 1, 0, 0, 0), List.of(valid.u1(0, 0, 0), valid.u1(0, 0, 1), valid.u1(0, 0, 2),
            valid.u1(0, 0, 3), valid.u1(0, 0, 4)));
        // The cyclist at step 2 (slot 0) is absent at 3..6, so none of its futures are valid.
        for (int k = 1; k <= HORIZON; k++)
        {
            assertEquals(0, valid.u1(2, 0, k - 1));
        }
    }

    // ------------------------------------------------------------------ meta.json

    @Test
    void metaJsonNamesTheRunAndEveryFileWithDtypeShapeAndColumns() throws IOException
    {
        final String meta = Files.readString(recordScriptedRun("cut_in").resolve(DatasetLayout.META_FILE));
        assertTrue(meta.contains("\"format_version\": " + DatasetLayout.FORMAT_VERSION + ","), meta);
        assertTrue(meta.contains("\"scenario\": \"cut_in \\\"left\\\"\","), meta);
        assertTrue(meta.contains("\"seed\": 42,"), meta);
        assertTrue(meta.contains("\"step_s\": 0.1,"), meta);
        assertTrue(meta.contains("\"horizon_steps\": 5,"), meta);
        assertTrue(meta.contains("\"steps\": 20,"), meta);
        assertTrue(meta.contains("\"ego.npy\": {\"dtype\": \"<f4\", \"shape\": [20, 13], \"axes\": [\"step\", " +
            "\"column\"], \"columns\": [\"time_s\", \"x\", \"y\", \"heading\", \"speed\", \"accel\", \"steer\", " +
            "\"length\", \"width\", \"speed_limit\", \"lane_width\", \"drivable_left\", \"drivable_right\"]"), meta);
        assertTrue(meta.contains("\"agent_future_valid.npy\": {\"dtype\": \"|u1\", \"shape\": [20, 32, 5], " +
            "\"axes\": [\"step\", \"agent\", \"horizon\"], \"columns\": [], \"units\": []}"), meta);
        assertTrue(meta.contains("\"timestamp_ns.npy\": {\"dtype\": \"<i8\", \"shape\": [20]"), meta);
        for (final DatasetFile file : DatasetFile.values())
        {
            assertTrue(meta.contains("\"" + file.fileName() + "\": {\"dtype\": \"" + file.dtype().descr()), file + "");
        }
    }

    // ------------------------------------------------------------------ numpy

    @Test
    void numpyLoadsEveryFileWithoutPickleAndFindsTheScriptedValues() throws Exception
    {
        final Path runDir = recordScriptedRun("cut_in");
        NumpyCheck.checkRun(runDir, "--steps", "20", "--horizon", "5", "--scenario", SCENARIO, "--seed", "42",
            "--expect", "ego.npy", "3," + DatasetLayout.EGO_X, Float.toString(egoX(3)),
            "--expect", "ego_future.npy", "16,2," + DatasetLayout.FUTURE_X, Float.toString(egoX(19)),
            "--expect", "ego_future_valid.npy", "16,2", "1",
            "--expect", "ego_future_valid.npy", "16,3", "0",
            "--expect", "agent_future.npy", "9,1,0," + DatasetLayout.FUTURE_X, Float.toString(agentX(PEDESTRIAN, 10)),
            "--expect", "agent_future_valid.npy", "9,1,1", "1",
            "--expect", "agent_future_valid.npy", "9,1,2", "0",
            "--expect", "agent_valid.npy", "3,1", "0",
            "--expect", "actions.npy", "3," + DatasetLayout.ACTION_PERTURBED, "1",
            "--expect", "lights.npy", "0,3," + DatasetLayout.LIGHT_STOP_S, "80",
            "--expect", "route_count.npy", "4", "7",
            "--expect", "timestamp_ns.npy", "19", "2000000000");
    }

    @Test
    void numpyLoadsARunWithoutSteps() throws Exception
    {
        final Path runDir = recordDir.resolve("idle");
        DatasetRecorder.create(runDir, "idle", 1L, STEP_S, DatasetRecorder.DEFAULT_HORIZON_STEPS).close();
        final LoadedNpy agentFuture = LoadedNpy.load(runDir.resolve(DatasetFile.AGENT_FUTURE.fileName()));
        assertArrayEquals(new int[] {0, 32, 30, 4}, agentFuture.shape);
        NumpyCheck.checkRun(runDir, "--steps", "0", "--horizon", "30");
    }

    // ------------------------------------------------------------------ a long run

    @Test
    void shouldKeepEveryStepOfARunLongerThanTheInitialCapacity() throws IOException
    {
        final Path runDir = recordDir.resolve("long");
        final int steps = 1_500;
        try (DatasetRecorder recorder = DatasetRecorder.create(runDir, "long", 7L, STEP_S,
            DatasetRecorder.DEFAULT_HORIZON_STEPS))
        {
            for (int t = 0; t < steps; t++)
            {
                encodeStep(t % STEPS);
                encoder.timestampNs((t + 1) * 100_000_000L);
                encoder.egoX(t);
                recorder.record(decoder, 0.0f, 0.0f, 0.0f, false);
            }
        }
        final Map<DatasetFile, LoadedNpy> files = load(runDir);
        assertArrayEquals(new int[] {steps, 30, 4}, files.get(DatasetFile.EGO_FUTURE).shape);
        for (int t = 0; t < steps; t += 7)
        {
            assertEquals(t, files.get(DatasetFile.EGO).f4(t, DatasetLayout.EGO_X));
            assertEquals((t + 1) * 100_000_000L, files.get(DatasetFile.TIMESTAMP_NS).i8(t));
        }
        assertEquals(steps - 1, files.get(DatasetFile.EGO_FUTURE).f4(steps - 31, 29, DatasetLayout.FUTURE_X));
        assertEquals(0, files.get(DatasetFile.EGO_FUTURE_VALID).u1(steps - 30, 29));
        assertEquals(slots((steps - 1) % STEPS).size(), countValid(files.get(DatasetFile.AGENT_VALID), steps - 1));
    }

    private static int countValid(final LoadedNpy agentValid, final int t)
    {
        int count = 0;
        for (int i = 0; i < DatasetLayout.MAX_AGENTS; i++)
        {
            count += agentValid.u1(t, i);
        }
        return count;
    }

    // ------------------------------------------------------------------ the run directory

    @Test
    void shouldRefuseARunDirectoryThatIsNotEmptyNamingIt() throws IOException
    {
        final Path runDir = Files.createDirectories(recordDir.resolve("cut_in"));
        Files.writeString(runDir.resolve("ego.npy"), "an earlier run");
        final IOException refused = assertThrows(IOException.class,
            () -> DatasetRecorder.create(runDir, SCENARIO, SEED, STEP_S, HORIZON));
        assertTrue(refused.getMessage().contains(runDir.toAbsolutePath().toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
        assertEquals("an earlier run", Files.readString(runDir.resolve("ego.npy")));

        final Path file = Files.writeString(recordDir.resolve("a-file"), "x");
        final IOException notADirectory = assertThrows(IOException.class,
            () -> DatasetRecorder.create(file, SCENARIO, SEED, STEP_S, HORIZON));
        assertTrue(notADirectory.getMessage().contains(file.toAbsolutePath().toString()), notADirectory.getMessage());
    }

    @Test
    void shouldRefuseARunDirectoryThatFilledUpDuringTheRunAndLeaveNothingBehind() throws IOException
    {
        final Path runDir = recordDir.resolve("cut_in");
        final DatasetRecorder recorder = DatasetRecorder.create(runDir, SCENARIO, SEED, STEP_S, HORIZON);
        encodeStep(0);
        recorder.record(decoder, 0.0f, 0.0f, 0.0f, false);
        Files.createDirectories(runDir);
        Files.writeString(runDir.resolve("other.txt"), "someone else's");
        final IOException refused = assertThrows(IOException.class, recorder::close);
        assertTrue(refused.getMessage().contains(runDir.toAbsolutePath().toString()), refused.getMessage());
        assertEquals(List.of("cut_in"), listNames(recordDir));
        assertEquals(List.of("other.txt"), listNames(runDir));
    }

    @Test
    void shouldRecordIntoAnExistingEmptyDirectoryAndCreateMissingParents() throws IOException
    {
        final Path empty = Files.createDirectories(recordDir.resolve("empty"));
        try (DatasetRecorder recorder = DatasetRecorder.create(empty, "a", 1L, STEP_S, HORIZON))
        {
            encodeStep(0);
            recorder.record(decoder, 0.0f, 0.0f, 0.0f, false);
        }
        assertTrue(Files.isRegularFile(empty.resolve(DatasetFile.EGO.fileName())));

        final Path nested = recordDir.resolve("records").resolve("b");
        DatasetRecorder.create(nested, "b", 1L, STEP_S, HORIZON).close();
        assertTrue(Files.isRegularFile(nested.resolve(DatasetLayout.META_FILE)));
    }

    @Test
    void shouldLeaveNoPartialDirectoryBehindAfterClose() throws IOException
    {
        final Path runDir = recordDir.resolve("cut_in");
        final DatasetRecorder recorder = DatasetRecorder.create(runDir, SCENARIO, SEED, STEP_S, HORIZON);
        encodeStep(0);
        recorder.record(decoder, 0.0f, 0.0f, 0.0f, false);
        assertFalse(Files.exists(runDir), "nothing is written before close");
        recorder.close();
        assertEquals(List.of("cut_in"), listNames(recordDir));
        assertTrue(Files.isRegularFile(runDir.resolve(DatasetLayout.META_FILE)));
    }

    @Test
    void closingTwiceIsHarmlessAndRecordingAfterCloseIsRefused() throws IOException
    {
        final Path runDir = recordDir.resolve("cut_in");
        final DatasetRecorder recorder = DatasetRecorder.create(runDir, SCENARIO, SEED, STEP_S, HORIZON);
        encodeStep(0);
        recorder.record(decoder, 0.0f, 0.0f, 0.0f, false);
        recorder.close();
        final String meta = Files.readString(runDir.resolve(DatasetLayout.META_FILE));
        recorder.close();
        assertEquals(meta, Files.readString(runDir.resolve(DatasetLayout.META_FILE)));
        assertThrows(IllegalStateException.class, () -> recorder.record(decoder, 0.0f, 0.0f, 0.0f, false));
        assertEquals(1, recorder.steps());
    }

    @Test
    void shouldRefuseMeaninglessParameters()
    {
        final Path runDir = recordDir.resolve("x");
        assertThrows(IllegalArgumentException.class, () -> DatasetRecorder.create(runDir, "x", 1L, 0.0, HORIZON));
        assertThrows(IllegalArgumentException.class, () -> DatasetRecorder.create(runDir, "x", 1L, Double.NaN, 3));
        assertThrows(IllegalArgumentException.class, () -> DatasetRecorder.create(runDir, "x", 1L, STEP_S, 0));
        assertThrows(IllegalArgumentException.class, () -> DatasetRecorder.create(runDir, " ", 1L, STEP_S, 3));
    }

    private static List<String> listNames(final Path dir) throws IOException
    {
        try (Stream<Path> list = Files.list(dir))
        {
            return list.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
