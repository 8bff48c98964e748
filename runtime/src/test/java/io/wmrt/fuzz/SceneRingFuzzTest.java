package io.wmrt.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wmrt.TestRepo;
import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.BusLayout;
import io.wmrt.bus.SceneCodes;
import io.wmrt.bus.SceneWriter;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.model.ModelPackage;
import io.wmrt.model.ModelPackageLoader;
import io.wmrt.planner.PlannerAgent;
import io.wmrt.planner.PlannerConfig;
import io.wmrt.planner.SceneFault;
import io.wmrt.profile.HardwareProfile;
import io.wmrt.profile.HardwareProfileLoader;
import io.wmrt.runtime.WmrtRuntime;
import io.wmrt.sbe.MessageHeaderEncoder;
import io.wmrt.sbe.PlanMode;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.SceneFrameEncoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.telemetry.TickStats;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Raw bytes from the fuzzer as a scene-ring record, through the planner's tick: the runtime as {@code wmrt run}
 * assembles it (host profile, cv-baseline on ONNX Runtime), made once per JVM, driven by calling
 * {@link PlannerAgent#doWork()} with a clock that advances 25 ms per frame. After each fuzzed record a valid
 * frame follows. Whatever the record, no exception escapes the tick, the tick returns (a hang is the fuzzer's
 * timeout), every trajectory published is well formed, and the valid frame is answered with a plan that is not
 * the minimal-risk stop (its road is clear). After a warm-up, valid frames' ticks allocate nothing: one that does is
 * followed by more valid frames until a tick allocates nothing, and fails the input when none of
 * {@link AllocationSettling#TICKS} does (checked when {@code -Dwmrt.fuzz.checkAllocation=true}, as
 * {@code .ci/fuzz.sh} runs it).
 * <p>
 * Input, byte 0 bit 0 clear: bytes 1.. are a SceneFrame (message header and block, zero-padded or cut to
 * {@link SceneWriter#FRAME_LENGTH}) written as a producer would, and its {@code sequence} and
 * {@code timestampNs} are offsets from the last valid frame's, so that an input means the same whatever ran
 * before it. Bit 0 set: bytes 1-4 are the message type (little endian; below 1, which the ring refuses, becomes
 * 1) and bytes 5.. the record, of any length up to the ring's maximum.
 * <p>
 * The valid frame after an input is stamped one period after the newest frame the planner accepted: a frame
 * from the future that the planner takes moves the producer's clock on with it.
 * <p>
 * Not thread safe: one fuzz test per JVM, run by JUnit's thread.
 */
class SceneRingFuzzTest
{
    static final long PERIOD_NS = 50_000_000L;
    private static final long START_NS = 1_000_000_000_000L;
    /**
     * Whether the valid frame's tick must allocate nothing after {@link #WARM_UP_INPUTS}: only where the fuzzer's
     * instrumentation itself allocates nothing on the planner thread ({@code .ci/fuzz.sh} turns Jazzer's compare
     * tracing off, which makes an array per switch executed, and this on).
     */
    private static final boolean CHECK_ALLOCATION = Boolean.getBoolean("wmrt.fuzz.checkAllocation");
    /**
     * Inputs after which the valid frame's tick must allocate nothing (class loading, JIT and caches done): on a
     * busy 2-core machine 2,000 inputs took 2 s, with C2 still compiling the tick.
     */
    private static final long WARM_UP_INPUTS = 5_000;

    private static Path dir;
    private static BusDirectory bus;
    private static WmrtRuntime runtime;
    private static PlannerAgent agent;
    private static ManyToOneRingBuffer ring;
    private static TrajectoryReader reader;
    private static final CachedNanoClock CLOCK = new CachedNanoClock();
    private static final CachedEpochClock EPOCH_CLOCK = new CachedEpochClock();
    private static final UnsafeBuffer RECORD = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
    private static final MessageHeaderEncoder HEADER = new MessageHeaderEncoder();
    private static final SceneFrameEncoder ENCODER = new SceneFrameEncoder();
    private static final SceneFrameDecoder DECODER = new SceneFrameDecoder();
    private static final List<Published> PUBLISHED = new ArrayList<>();
    private static AtomicCounter ticks;
    private static AtomicCounter[] rejections;
    private static int horizon;

    private static long inputs;
    private static long validSequence;
    private static long newestAcceptedNs;

    /** What the harness keeps of a trajectory it read. */
    private record Published(long sceneSequence, long sceneTimestampNs, PlanMode mode, int waypoints, boolean finite)
    {
    }

    @BeforeAll
    static void startPlanner() throws Exception
    {
        final HardwareProfile profile = HardwareProfileLoader.load(TestRepo.profile("host"));
        final ModelPackage model = ModelPackageLoader.load(TestRepo.model("cv-baseline"),
            ModelPackageLoader.Trust.none());
        dir = Files.createTempDirectory("wmrt-fuzz-scene");
        bus = BusDirectory.create(dir.resolve("instance"));
        CLOCK.update(START_NS);
        EPOCH_CLOCK.update(1_800_000_000_000L);
        runtime = new WmrtRuntime(profile, model, PlannerConfig.from(model, profile).conclude(), bus, CLOCK,
            EPOCH_CLOCK);
        agent = runtime.agent();
        horizon = agent.candidates().horizon;
        ring = new ManyToOneRingBuffer(bus.sceneRingBuffer());
        reader = new TrajectoryReader(bus);
        ticks = bus.counter(WmrtCounter.TICKS);
        final List<AtomicCounter> rejecting = new ArrayList<>();
        for (final SceneFault.Category category : SceneFault.Category.values())
        {
            if (category.rejectsFrame())
            {
                rejecting.add(bus.counter(category.counter()));
            }
        }
        rejections = rejecting.toArray(new AtomicCounter[0]);
        newestAcceptedNs = START_NS;
        validSequence = 1;
        writeValidFrame(validSequence, newestAcceptedNs);
        CLOCK.advance(PERIOD_NS);
        agent.doWork();
        drainPublished();
    }

    @AfterAll
    static void stopPlanner() throws Exception
    {
        runtime.close();
        bus.closeAndDelete();
        Files.deleteIfExists(dir);
    }

    static Stream<Arguments> shouldAnswerTheNextValidFrameWhateverRecordCameBefore()
    {
        return Stream.of(
            frame("valid frame", f -> { }),
            frame("ego heading +Inf", f -> f.egoHeading(Float.POSITIVE_INFINITY)),
            frame("ego heading 1e30", f -> f.egoHeading(1e30f)),
            frame("ego x NaN", f -> f.egoX(Float.NaN)),
            frame("ego speed NaN", f -> f.egoSpeed(Float.NaN)),
            frame("ego speed -1e30", f -> f.egoSpeed(-1e30f)),
            frame("ego size 0", f -> f.egoLength(0f).egoWidth(0f)),
            frame("lane width 0", f -> f.laneWidth(0f)),
            frame("speed limit +Inf", f -> f.speedLimit(Float.POSITIVE_INFINITY)),
            frame("drivable end NaN", f -> f.drivableRightEndS(Float.NaN)),
            frame("drivable end -1", f -> f.drivableLeftEndS(-1f)),
            frame("agent heading +Inf", f -> f.agentHeading(0, Float.POSITIVE_INFINITY)),
            frame("agent heading -1e30", f -> f.agentHeading(1, -1e30f)),
            frame("agent x NaN", f -> f.agentX(0, Float.NaN)),
            frame("agent y NaN in the ego lane", f -> f.agentY(1, Float.NaN)),
            frame("agent speed 1e30", f -> f.agentSpeed(0, 1e30f)),
            frame("agent yaw rate NaN", f -> f.agentYawRate(1, Float.NaN)),
            frame("agent size NaN", f -> f.agentLength(0, Float.NaN)),
            frame("agent kind 77", f -> f.agentKind(0, (byte)77)),
            frame("agent count 1000", f -> f.agentCount(1000)),
            frame("agent count -1", f -> f.agentCount(-1)),
            frame("every agent slot used", f -> fillAgents(f)),
            frame("route point count 1000", f -> f.routePointCount(1000)),
            frame("route point count -5", f -> f.routePointCount(-5)),
            frame("no route", f -> f.routePointCount(0)),
            frame("route point +Inf", f -> f.routeX(5, Float.POSITIVE_INFINITY)),
            frame("route of one point repeated", f -> repeatRoutePoint(f)),
            frame("stop line NaN under red", f -> f.lightStopS(0, Float.NaN).lightState(0, SceneCodes.LIGHT_RED)),
            frame("light count 99", f -> f.lightCount(99)),
            frame("light state 9", f -> f.lightState(0, (byte)9)),
            frame("timestamp repeated", f -> f.timestampNs(0)),
            frame("timestamp 1 s back", f -> f.timestampNs(-1_000_000_000L)),
            frame("timestamp 2^62 ns ahead", f -> f.timestampNs(1L << 62)),
            frame("other template id", f -> new MessageHeaderEncoder().wrap(f.buffer(), 0).templateId(2)),
            frame("other schema id", f -> new MessageHeaderEncoder().wrap(f.buffer(), 0).schemaId(1)),
            raw("trajectory message type", 2, validRecord(), SceneWriter.FRAME_LENGTH),
            raw("scene type, 8 bytes short", BusLayout.SCENE_MSG_TYPE, validRecord(), SceneWriter.FRAME_LENGTH - 8),
            raw("scene type, empty", BusLayout.SCENE_MSG_TYPE, validRecord(), 0));
    }

    @MethodSource
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    @FuzzTest(maxExecutions = 100_000, maxDuration = "")
    void shouldAnswerTheNextValidFrameWhateverRecordCameBefore(final byte[] input)
    {
        inputs++;
        final long lastValidSequence = validSequence;
        final long lastValidNs = newestAcceptedNs;
        final int length = writeRecord(input, lastValidSequence, lastValidNs);
        final long ticksBefore = ticks.get();
        final long rejectedBefore = rejected();
        CLOCK.advance(PERIOD_NS / 2);
        agent.doWork();
        drainPublished();
        if (length == SceneWriter.FRAME_LENGTH && ticks.get() > ticksBefore && rejected() == rejectedBefore)
        {
            newestAcceptedNs = DECODER.wrap(RECORD, MessageHeaderEncoder.ENCODED_LENGTH,
                SceneFrameDecoder.BLOCK_LENGTH, SceneFrameDecoder.SCHEMA_VERSION).timestampNs();
        }

        answerValidFrame(input);
    }

    private static void answerValidFrame(final byte[] input)
    {
        if (newestAcceptedNs > Long.MAX_VALUE - PERIOD_NS)
        {
            fail("the planner accepted a frame stamped " + newestAcceptedNs + " ns: no later frame can be newer, " +
                "so it would refuse every frame from now on");
        }
        final long sequence = ++validSequence;
        final long timestampNs = newestAcceptedNs + PERIOD_NS;
        writeValidFrame(sequence, timestampNs);
        CLOCK.advance(PERIOD_NS / 2);
        final long allocatedBefore = TickStats.threadAllocatedBytes();
        agent.doWork();
        final long allocated = TickStats.threadAllocatedBytes() - allocatedBefore;
        drainPublished();
        newestAcceptedNs = timestampNs;

        assertEquals(1, PUBLISHED.size(), "one trajectory answers the valid frame after input of " + input.length +
            " bytes (reader refused " + reader.malformedCount() + " malformed trajectories in all)");
        final Published answer = PUBLISHED.get(0);
        assertEquals(sequence, answer.sceneSequence(), "the answer is to the valid frame");
        assertEquals(timestampNs, answer.sceneTimestampNs(), "the answer is to the valid frame");
        assertNotEquals(PlanMode.MINIMAL_RISK, answer.mode(), "the valid frame's road is clear: no minimal-risk stop " +
            "(last fault " + agent.lastFault() + ")");
        assertEquals(horizon, answer.waypoints());
        if (CHECK_ALLOCATION && inputs > WARM_UP_INPUTS && allocated > 0)
        {
            final String ticks = AllocationSettling.settle(allocated, SceneRingFuzzTest::nextValidTickAllocation);
            if (ticks != null)
            {
                fail("after warm-up, valid frames' ticks go on allocating after this input: " + ticks + " bytes in " +
                    "successive ticks");
            }
        }
    }

    /** One more valid frame, one period on, answered: the bytes its tick allocated. */
    private static long nextValidTickAllocation()
    {
        writeValidFrame(++validSequence, newestAcceptedNs + PERIOD_NS);
        newestAcceptedNs += PERIOD_NS;
        CLOCK.advance(PERIOD_NS);
        final long before = TickStats.threadAllocatedBytes();
        agent.doWork();
        final long allocated = TickStats.threadAllocatedBytes() - before;
        drainPublished();
        assertEquals(1, PUBLISHED.size(), "one trajectory answers each valid frame");
        return allocated;
    }

    /**
     * @return the length of the record written, or -1 when none was.
     */
    private static int writeRecord(final byte[] input, final long lastValidSequence, final long lastValidNs)
    {
        if (input.length == 0)
        {
            return -1;
        }
        if ((input[0] & 1) == 0)
        {
            final int length = SceneWriter.FRAME_LENGTH;
            RECORD.setMemory(0, length, (byte)0);
            RECORD.putBytes(0, input, 1, Math.min(input.length - 1, length));
            DECODER.wrap(RECORD, MessageHeaderEncoder.ENCODED_LENGTH, SceneFrameDecoder.BLOCK_LENGTH,
                SceneFrameDecoder.SCHEMA_VERSION);
            ENCODER.wrap(RECORD, MessageHeaderEncoder.ENCODED_LENGTH)
                .sequence(lastValidSequence + DECODER.sequence())
                .timestampNs(lastValidNs + DECODER.timestampNs());
            assertTrue(ring.write(BusLayout.SCENE_MSG_TYPE, RECORD, 0, length), "ring has room");
            return length;
        }
        if (input.length < 5)
        {
            return -1;
        }
        final int msgTypeId = Math.max(1, (input[1] & 0xff) | (input[2] & 0xff) << 8 | (input[3] & 0xff) << 16 |
            (input[4] & 0xff) << 24);
        final int length = Math.min(input.length - 5, ring.maxMsgLength());
        RECORD.putBytes(0, input, 5, length);
        assertTrue(ring.write(msgTypeId, RECORD, 0, length), "ring has room");
        return msgTypeId == BusLayout.SCENE_MSG_TYPE ? length : -1;
    }

    private static long rejected()
    {
        long sum = 0;
        for (final AtomicCounter counter : rejections)
        {
            sum += counter.get();
        }
        return sum;
    }

    private static void drainPublished()
    {
        PUBLISHED.clear();
        final long malformedBefore = reader.malformedCount();
        int polls = 0;
        while (reader.poll(SceneRingFuzzTest::onTrajectory) > 0)
        {
            assertTrue(++polls < 1_000, "a tick publishes a trajectory or two, not a thousand");
        }
        assertEquals(malformedBefore, reader.malformedCount(), "every trajectory published is well formed");
        for (final Published published : PUBLISHED)
        {
            assertTrue(published.finite(), "every waypoint published is finite: " + published);
        }
    }

    private static void onTrajectory(final TrajectoryDecoder t)
    {
        boolean finite = true;
        for (int i = 0; i < t.waypointCount(); i++)
        {
            finite &= Float.isFinite(t.wpX(i)) && Float.isFinite(t.wpY(i)) && Float.isFinite(t.wpHeading(i)) &&
                Float.isFinite(t.wpSpeed(i)) && Float.isFinite(t.wpT(i));
        }
        PUBLISHED.add(new Published(t.sceneSequence(), t.sceneTimestampNs(), t.mode(), t.waypointCount(), finite));
    }

    private static void writeValidFrame(final long sequence, final long timestampNs)
    {
        validFrame(ENCODER.wrapAndApplyHeader(RECORD, 0, HEADER)).sequence(sequence).timestampNs(timestampNs);
        assertTrue(ring.write(BusLayout.SCENE_MSG_TYPE, RECORD, 0, SceneWriter.FRAME_LENGTH), "ring has room");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Seeds
    // ---------------------------------------------------------------------------------------------------------

    /**
     * A straight road along +x: the ego at the origin at 8 m/s, a car oncoming in the other lane, a pedestrian on
     * the pavement, a green light 120 m on. Sequence 1 and timestamp 25 ms: as offsets, one after the last valid.
     */
    static SceneFrameEncoder validFrame(final SceneFrameEncoder f)
    {
        f.sequence(1).timestampNs(PERIOD_NS / 2)
            .egoX(0f).egoY(0f).egoHeading(0f).egoSpeed(8f).egoAccel(0f).egoSteer(0f)
            .egoLength(4.6f).egoWidth(1.9f).speedLimit(13.9f).laneWidth(3.5f).drivableLeft(5.25f).drivableRight(2.25f)
            .drivableLeftEndS(0f).drivableRightEndS(0f)
            .agentCount(2)
            .agentId(0, 1).agentKind(0, SceneCodes.VEHICLE).agentX(0, 80f).agentY(0, 3.5f)
            .agentHeading(0, (float)Math.PI).agentSpeed(0, 8f).agentYawRate(0, 0f).agentLength(0, 4.5f)
            .agentWidth(0, 1.9f)
            .agentId(1, 2).agentKind(1, SceneCodes.PEDESTRIAN).agentX(1, 30f).agentY(1, -4f)
            .agentHeading(1, 0f).agentSpeed(1, 1.2f).agentYawRate(1, 0f).agentLength(1, 0.6f).agentWidth(1, 0.6f)
            .routePointCount(40)
            .lightCount(1).lightStopS(0, 130f).lightState(0, SceneCodes.LIGHT_GREEN);
        for (int i = 0; i < 40; i++)
        {
            f.routeX(i, -10f + 10f * i).routeY(i, 0f);
        }
        return f;
    }

    private static void fillAgents(final SceneFrameEncoder f)
    {
        f.agentCount(32);
        for (int i = 0; i < 32; i++)
        {
            f.agentId(i, i + 1).agentKind(i, (byte)(i % 4)).agentX(i, 20f + 6f * i).agentY(i, i % 2 == 0 ? 3.5f : -4f)
                .agentHeading(i, (float)Math.PI).agentSpeed(i, i % 5).agentYawRate(i, 0f).agentLength(i, 4.5f)
                .agentWidth(i, 1.9f);
        }
    }

    private static void repeatRoutePoint(final SceneFrameEncoder f)
    {
        for (int i = 0; i < 40; i++)
        {
            f.routeX(i, 5f).routeY(i, 5f);
        }
    }

    private static byte[] validRecord()
    {
        final byte[] record = new byte[SceneWriter.FRAME_LENGTH];
        validFrame(new SceneFrameEncoder().wrapAndApplyHeader(new UnsafeBuffer(record), 0, new MessageHeaderEncoder()));
        return record;
    }

    /**
     * A SceneFrame input: the valid frame changed by {@code change}.
     */
    private static Arguments frame(final String name, final Consumer<SceneFrameEncoder> change)
    {
        final byte[] input = new byte[1 + SceneWriter.FRAME_LENGTH];
        change.accept(validFrame(new SceneFrameEncoder().wrapAndApplyHeader(
            new UnsafeBuffer(input, 1, SceneWriter.FRAME_LENGTH), 0, new MessageHeaderEncoder())));
        return Arguments.of(Named.of(name, input));
    }

    /**
     * A raw record input: message type and the first {@code length} bytes of {@code record}.
     */
    private static Arguments raw(final String name, final int msgTypeId, final byte[] record, final int length)
    {
        final byte[] input = new byte[5 + length];
        input[0] = 1;
        input[1] = (byte)msgTypeId;
        input[2] = (byte)(msgTypeId >>> 8);
        input[3] = (byte)(msgTypeId >>> 16);
        input[4] = (byte)(msgTypeId >>> 24);
        System.arraycopy(record, 0, input, 5, length);
        return Arguments.of(Named.of(name, input));
    }
}
