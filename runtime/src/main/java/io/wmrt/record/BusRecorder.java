package io.wmrt.record;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.CandidatesPublisher;
import io.wmrt.bus.CandidatesReader;
import io.wmrt.bus.SceneEchoReader;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.planner.CandidateSet;
import io.wmrt.sbe.CandidatesDecoder;
import io.wmrt.sbe.MessageHeaderDecoder;
import io.wmrt.sbe.SceneFrameDecoder;
import io.wmrt.sbe.TrajectoryDecoder;
import io.wmrt.shadow.PlanComparison;
import io.wmrt.telemetry.WmrtCounter;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Records a runtime instance's bus into a {@link ChannelSink} (an MCAP file, the live view), from a process of its
 * own: it only reads the
 * instance's broadcasts and counters, so the planner never waits for it (a recorder that falls a whole buffer
 * behind loses the records it was lapped on, and says how many laps in {@link #laps()}).
 * <p>
 * Channels (topic: schema, encoding):
 * <ul>
 *   <li>{@value #SCENE_TOPIC}: {@code io.wmrt.sbe.SceneFrame}, x-sbe. Every SceneFrame the planner took, the
 *   bytes as the producer wrote them (SBE header first); the schema record holds the SBE XML schema.</li>
 *   <li>{@value #TRAJECTORY_TOPIC}: {@code io.wmrt.sbe.Trajectory}, x-sbe. Every published plan.</li>
 *   <li>{@value #CANDIDATES_TOPIC}: {@code io.wmrt.sbe.Candidates}, x-sbe. Every candidate weighed, with its
 *   costs (a runtime started with {@code --debug-candidates} only).</li>
 *   <li>{@value #FOXGLOVE_SCENE_TOPIC}, {@value #FOXGLOVE_PLAN_TOPIC}, {@value #FOXGLOVE_CANDIDATES_TOPIC}:
 *   {@code foxglove.SceneUpdate}, json ({@link FoxgloveScene}).</li>
 *   <li>{@value #TF_TOPIC}: {@code foxglove.FrameTransform}, json: map to ego.</li>
 *   <li>{@value #COUNTERS_TOPIC}: {@code wmrt.Counters}, json: every counter, ten times a second.</li>
 * </ul>
 * With a shadow instance ({@code wmrt run --shadow}), also: {@value #SHADOW_TRAJECTORY_TOPIC} (x-sbe) and
 * {@value #FOXGLOVE_SHADOW_PLAN_TOPIC} (its plans), {@value #SHADOW_DISAGREEMENTS_TOPIC}
 * ({@code wmrt.ShadowDisagreement}, json: one message per scene the two planners disagreed on, compared by
 * {@link PlanComparison} as the runtime does) and {@value #FOXGLOVE_SHADOW_DISAGREEMENTS_TOPIC} (a text marker
 * over the ego there).
 * Log times are the producer's clock: a scene's {@code timestampNs}; a plan's and its candidates' scene time
 * (a plan's publish time adds its tick); counters the last scene's time plus the time since it arrived.
 * <p>
 * Not thread safe: one thread polls.
 */
public final class BusRecorder
{
    public static final String SCENE_TOPIC = "/wmrt/scene";
    public static final String TRAJECTORY_TOPIC = "/wmrt/trajectory";
    public static final String CANDIDATES_TOPIC = "/wmrt/candidates";
    public static final String FOXGLOVE_SCENE_TOPIC = "/foxglove/scene";
    public static final String FOXGLOVE_PLAN_TOPIC = "/foxglove/plan";
    public static final String FOXGLOVE_CANDIDATES_TOPIC = "/foxglove/candidates";
    public static final String TF_TOPIC = "/tf";
    public static final String COUNTERS_TOPIC = "/wmrt/counters";
    public static final String SHADOW_TRAJECTORY_TOPIC = "/wmrt/shadow/trajectory";
    public static final String FOXGLOVE_SHADOW_PLAN_TOPIC = "/foxglove/shadow/plan";
    public static final String SHADOW_DISAGREEMENTS_TOPIC = "/wmrt/shadow/disagreements";
    public static final String FOXGLOVE_SHADOW_DISAGREEMENTS_TOPIC = "/foxglove/shadow/disagreements";
    /** Schema encoding and message encoding of the raw bus channels (MCAP's prefix for custom encodings). */
    public static final String SBE_ENCODING = "x-sbe";
    static final String SBE_SCHEMA_RESOURCE = "/sbe/wmrt-messages.xml";
    private static final long COUNTERS_PERIOD_NS = 100_000_000L;
    private static final long CHUNK_PERIOD_NS = 1_000_000_000L;
    /** Ego poses of the most recent scenes, by sequence, to place candidates planned on them. */
    private static final int POSES = 64;
    /** Records taken from one broadcast per poll at most, so one busy broadcast cannot starve the others. */
    private static final int DRAIN = 64;

    private final BusDirectory bus;
    private final ChannelSink out;
    private final SceneEchoReader scenes;
    private final TrajectoryReader trajectories;
    private final CandidatesReader candidates;
    private final FoxgloveScene foxglove = new FoxgloveScene();
    private final int sceneChannel;
    private final int trajectoryChannel;
    private final int candidatesChannel;
    private final int foxgloveSceneChannel;
    private final int foxglovePlanChannel;
    private final int foxgloveCandidatesChannel;
    private final int tfChannel;
    private final int countersChannel;
    private final TrajectoryReader shadowPlans;
    private final PlanComparison comparison;
    private final int shadowTrajectoryChannel;
    private final int foxgloveShadowPlanChannel;
    private final int disagreementsChannel;
    private final int foxgloveDisagreementsChannel;
    private final TrajectoryReader.Handler onShadowTrajectory = this::onShadowTrajectory;
    private long disagreementsRecorded;
    private final long[] channelSequence = new long[16];
    private final long[] poseSequence = new long[POSES];
    private final double[] poseX = new double[POSES];
    private final double[] poseY = new double[POSES];
    private final double[] poseHeading = new double[POSES];
    private final StringBuilder countersJson = new StringBuilder(2048);
    private final SceneEchoReader.Handler onScene = this::onScene;
    private final TrajectoryReader.Handler onTrajectory = this::onTrajectory;
    private final CandidatesReader.Handler onCandidates = this::onCandidates;
    private byte[] copy = new byte[32 * 1024];
    /** A candidate set whose scene had not been read yet, placed after the next scenes are. */
    private final UnsafeBuffer pending = new UnsafeBuffer(new byte[CandidatesPublisher.MESSAGE_LENGTH]);
    private final CandidatesDecoder pendingDecoder = new CandidatesDecoder();
    private boolean pendingCandidates;
    private long newestSceneSequence = Long.MIN_VALUE;
    private long lastSceneTimeNs;
    private long lastSceneArrivalNs = System.nanoTime();
    private long nextCountersNs;
    private long nextChunkNs;
    private long scenesRecorded;
    private long trajectoriesRecorded;
    private long candidatesRecorded;
    private long unplacedCandidates;

    public BusRecorder(final BusDirectory bus, final ChannelSink out) throws IOException
    {
        this(bus, null, 1.0, out);
    }

    /**
     * @param shadow      a shadow planner's instance to record beside the live one, or null.
     * @param divergenceM plans further apart than this within 3 s disagree (as {@code wmrt run --shadow-divergence-m}).
     */
    public BusRecorder(final BusDirectory bus, final BusDirectory shadow, final double divergenceM,
        final ChannelSink out) throws IOException
    {
        this.bus = bus;
        this.out = out;
        final byte[] sbeSchema = sbeSchema();
        final Map<String, String> none = Map.of();
        sceneChannel = out.channel(out.schema("io.wmrt.sbe.SceneFrame", SBE_ENCODING, sbeSchema), SCENE_TOPIC,
            SBE_ENCODING, sbeMetadata(SceneFrameDecoder.TEMPLATE_ID));
        trajectoryChannel = out.channel(out.schema("io.wmrt.sbe.Trajectory", SBE_ENCODING, sbeSchema),
            TRAJECTORY_TOPIC, SBE_ENCODING, sbeMetadata(TrajectoryDecoder.TEMPLATE_ID));
        candidatesChannel = out.channel(out.schema("io.wmrt.sbe.Candidates", SBE_ENCODING, sbeSchema),
            CANDIDATES_TOPIC, SBE_ENCODING, sbeMetadata(CandidatesDecoder.TEMPLATE_ID));
        final int sceneUpdate = out.schema("foxglove.SceneUpdate", "jsonschema", resource("foxglove.SceneUpdate.json"));
        foxgloveSceneChannel = out.channel(sceneUpdate, FOXGLOVE_SCENE_TOPIC, "json", none);
        foxglovePlanChannel = out.channel(sceneUpdate, FOXGLOVE_PLAN_TOPIC, "json", none);
        foxgloveCandidatesChannel = out.channel(sceneUpdate, FOXGLOVE_CANDIDATES_TOPIC, "json", none);
        tfChannel = out.channel(out.schema("foxglove.FrameTransform", "jsonschema",
            resource("foxglove.FrameTransform.json")), TF_TOPIC, "json", none);
        countersChannel = out.channel(out.schema("wmrt.Counters", "jsonschema", resource("wmrt.Counters.json")),
            COUNTERS_TOPIC, "json", none);
        if (null != shadow)
        {
            shadowTrajectoryChannel = out.channel(out.schema("io.wmrt.sbe.Trajectory", SBE_ENCODING, sbeSchema),
                SHADOW_TRAJECTORY_TOPIC, SBE_ENCODING, sbeMetadata(TrajectoryDecoder.TEMPLATE_ID));
            foxgloveShadowPlanChannel = out.channel(sceneUpdate, FOXGLOVE_SHADOW_PLAN_TOPIC, "json", none);
            disagreementsChannel = out.channel(out.schema("wmrt.ShadowDisagreement", "jsonschema",
                resource("wmrt.ShadowDisagreement.json")), SHADOW_DISAGREEMENTS_TOPIC, "json", none);
            foxgloveDisagreementsChannel = out.channel(sceneUpdate, FOXGLOVE_SHADOW_DISAGREEMENTS_TOPIC, "json", none);
            shadowPlans = new TrajectoryReader(shadow);
            comparison = new PlanComparison(divergenceM);
        }
        else
        {
            shadowTrajectoryChannel = -1;
            foxgloveShadowPlanChannel = -1;
            disagreementsChannel = -1;
            foxgloveDisagreementsChannel = -1;
            shadowPlans = null;
            comparison = null;
        }
        scenes = new SceneEchoReader(bus);
        trajectories = new TrajectoryReader(bus);
        candidates = new CandidatesReader(bus);
        java.util.Arrays.fill(poseSequence, Long.MIN_VALUE);
    }

    /**
     * Record what the bus holds now (up to {@value #DRAIN} records of each kind), the counters when due, and
     * finish the open chunk once a second.
     *
     * @return records written (0 when there was nothing new).
     */
    public int poll() throws IOException
    {
        int work = 0;
        try
        {
            // Scenes first: candidates are placed with the ego pose of the scene they were planned on.
            for (int i = 0; i < DRAIN && scenes.poll(onScene) > 0; i++)
            {
                work++;
            }
            placePending();
            for (int i = 0; i < DRAIN && trajectories.poll(onTrajectory) > 0; i++)
            {
                work++;
            }
            for (int i = 0; i < DRAIN && candidates.poll(onCandidates) > 0; i++)
            {
                work++;
            }
            for (int i = 0; null != shadowPlans && i < DRAIN && shadowPlans.poll(onShadowTrajectory) > 0; i++)
            {
                work++;
            }
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        final long now = System.nanoTime();
        if (now - nextCountersNs >= 0)
        {
            nextCountersNs = now + COUNTERS_PERIOD_NS;
            writeCounters(now);
            work++;
        }
        if (now - nextChunkNs >= 0)
        {
            nextChunkNs = now + CHUNK_PERIOD_NS;
            out.flush();
        }
        return work;
    }

    /** Scenes, plans and candidate sets recorded so far. */
    public String summary()
    {
        return String.format(Locale.ROOT, "%d scenes, %d trajectories, %d candidate sets%s%s; laps lost: %d",
            scenesRecorded, trajectoriesRecorded, candidatesRecorded,
            unplacedCandidates > 0 ? " (" + unplacedCandidates + " without their scene's ego pose)" : "",
            null == comparison ? "" : ", " + comparison.compared() + " plans compared with the shadow's, " +
            disagreementsRecorded + " disagreed", laps());
    }

    public long scenesRecorded()
    {
        return scenesRecorded;
    }

    public long trajectoriesRecorded()
    {
        return trajectoriesRecorded;
    }

    public long candidatesRecorded()
    {
        return candidatesRecorded;
    }

    /** Times the recorder fell a whole buffer behind one of the broadcasts (what it skipped is not recorded). */
    public long laps()
    {
        return scenes.lappedCount() + trajectories.lappedCount() + candidates.lappedCount() +
            (null == shadowPlans ? 0 : shadowPlans.lappedCount());
    }

    private void onScene(final UnsafeBuffer frame, final int length, final SceneFrameDecoder scene)
    {
        final long t = Math.max(0, scene.timestampNs());
        lastSceneTimeNs = t;
        lastSceneArrivalNs = System.nanoTime();
        final int slot = (int)(scene.sequence() & (POSES - 1));
        newestSceneSequence = Math.max(newestSceneSequence, scene.sequence());
        poseSequence[slot] = scene.sequence();
        poseX[slot] = scene.egoX();
        poseY[slot] = scene.egoY();
        poseHeading[slot] = scene.egoHeading();
        write(sceneChannel, t, t, frame, length);
        // The accessors read the copy the reader made; the JSON is built from the decoder over it.
        writeJson(foxgloveSceneChannel, t, t, foxglove.scene(scene));
        writeJson(tfChannel, t, t, foxglove.egoTransform(scene));
        scenesRecorded++;
    }

    private void onTrajectory(final TrajectoryDecoder trajectory)
    {
        final long t = Math.max(0, trajectory.sceneTimestampNs());
        final long published = t + Math.max(0, trajectory.tickNanos());
        final UnsafeBuffer record = (UnsafeBuffer)trajectory.buffer();
        write(trajectoryChannel, t, published, record, MessageHeaderDecoder.ENCODED_LENGTH + TrajectoryDecoder.BLOCK_LENGTH);
        writeJson(foxglovePlanChannel, t, published, foxglove.plan(trajectory));
        trajectoriesRecorded++;
        if (null != comparison)
        {
            disagreement(comparison.live(trajectory));
        }
    }

    private void onShadowTrajectory(final TrajectoryDecoder trajectory)
    {
        final long t = Math.max(0, trajectory.sceneTimestampNs());
        final long published = t + Math.max(0, trajectory.tickNanos());
        final UnsafeBuffer record = (UnsafeBuffer)trajectory.buffer();
        write(shadowTrajectoryChannel, t, published, record,
            MessageHeaderDecoder.ENCODED_LENGTH + TrajectoryDecoder.BLOCK_LENGTH);
        writeJson(foxgloveShadowPlanChannel, t, published, foxglove.shadowPlan(trajectory));
        disagreement(comparison.shadow(trajectory));
    }

    /** A marker for a pair of plans that disagreed ({@code kinds} from PlanComparison; 0 or unpaired: none). */
    private void disagreement(final int kinds)
    {
        if (kinds <= 0)
        {
            return;
        }
        final long t = Math.max(0, comparison.lastTimestampNs());
        final StringBuilder names = new StringBuilder();
        if ((kinds & PlanComparison.BEHAVIOUR) != 0)
        {
            names.append("\"behaviour\"");
        }
        if ((kinds & PlanComparison.DIVERGED) != 0)
        {
            names.append(names.length() > 0 ? "," : "").append("\"plan\"");
        }
        if ((kinds & PlanComparison.COLLISION) != 0)
        {
            names.append(names.length() > 0 ? "," : "").append("\"collision\"");
        }
        final String live = behaviourName(comparison.lastLiveBehaviour());
        final String shadow = behaviourName(comparison.lastShadowBehaviour());
        writeJson(disagreementsChannel, t, t, "{\"scene_sequence\":" + comparison.lastSequence() + ",\"kinds\":[" +
            names + "],\"live_behaviour\":\"" + live + "\",\"shadow_behaviour\":\"" + shadow +
            "\",\"live_predicts_collision\":" + comparison.lastLiveCollision() +
            ",\"shadow_predicts_collision\":" + comparison.lastShadowCollision() +
            ",\"apart_within_3s_m\":" + Math.rint(comparison.lastDivergenceM() * 1000) / 1000 +
            ",\"divergence_bound_m\":" + comparison.divergenceM() + "}");
        final int slot = (int)(comparison.lastSequence() & (POSES - 1));
        final boolean placed = poseSequence[slot] == comparison.lastSequence();
        writeJson(foxgloveDisagreementsChannel, t, t, foxglove.disagreement(t, placed ? poseX[slot] : 0,
            placed ? poseY[slot] : 0, "shadow disagrees (" + names.toString().replace("\"", "") + "): live " + live +
            ", shadow " + shadow));
        disagreementsRecorded++;
    }

    private static String behaviourName(final byte behaviour)
    {
        return behaviour < 0 ? "minimal-risk-stop" : CandidateSet.behaviourName(behaviour);
    }

    /** Scenes the live and shadow planners disagreed on, as recorded. */
    public long disagreementsRecorded()
    {
        return disagreementsRecorded;
    }

    private void onCandidates(final UnsafeBuffer message, final int length, final CandidatesDecoder set)
    {
        final long t = Math.max(0, set.sceneTimestampNs());
        write(candidatesChannel, t, t, message, length);
        // Its scene is echoed once the tick is done, right after it: read the scenes that came since.
        for (int i = 0; i < DRAIN && !place(set) && scenes.poll(onScene) > 0; i++)
        {
            // the pose of the scene it was planned on may be among them
        }
        if (!place(set))
        {
            // Not echoed yet: keep it until the next poll has read the scenes.
            if (pendingCandidates)
            {
                unplacedCandidates++;
            }
            pending.putBytes(0, message, 0, length);
            pendingCandidates = true;
        }
        candidatesRecorded++;
    }

    private boolean place(final CandidatesDecoder set)
    {
        final int slot = (int)(set.sceneSequence() & (POSES - 1));
        if (poseSequence[slot] != set.sceneSequence())
        {
            return false;
        }
        final long t = Math.max(0, set.sceneTimestampNs());
        writeJson(foxgloveCandidatesChannel, t, t, foxglove.candidates(set, poseX[slot], poseY[slot], poseHeading[slot]));
        return true;
    }

    private void placePending()
    {
        if (pendingCandidates)
        {
            pendingDecoder.wrap(pending, MessageHeaderDecoder.ENCODED_LENGTH, CandidatesDecoder.BLOCK_LENGTH,
                CandidatesDecoder.SCHEMA_VERSION);
            if (place(pendingDecoder))
            {
                pendingCandidates = false;
            }
            else if (newestSceneSequence >= pendingDecoder.sceneSequence())
            {
                // The scenes have moved past it without its own: lapped or never echoed.
                unplacedCandidates++;
                pendingCandidates = false;
            }
        }
    }

    private void writeCounters(final long now) throws IOException
    {
        countersJson.setLength(0);
        countersJson.append("{");
        final WmrtCounter[] all = WmrtCounter.values();
        for (int i = 0; i < all.length; i++)
        {
            if (i > 0)
            {
                countersJson.append(',');
            }
            countersJson.append('"').append(all[i].name().toLowerCase(Locale.ROOT)).append("\":")
                .append(bus.counter(all[i]).get());
        }
        countersJson.append('}');
        final long t = lastSceneTimeNs + Math.max(0, now - lastSceneArrivalNs);
        final byte[] bytes = countersJson.toString().getBytes(StandardCharsets.UTF_8);
        out.message(countersChannel, channelSequence[countersChannel]++, t, t, bytes, 0, bytes.length);
    }

    private void write(final int channel, final long logTime, final long publishTime, final UnsafeBuffer record,
        final int length)
    {
        if (copy.length < length)
        {
            copy = new byte[length];
        }
        record.getBytes(0, copy, 0, length);
        try
        {
            out.message(channel, channelSequence[channel]++, logTime, publishTime, copy, 0, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private void writeJson(final int channel, final long logTime, final long publishTime, final String json)
    {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try
        {
            out.message(channel, channelSequence[channel]++, logTime, publishTime, bytes, 0, bytes.length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static Map<String, String> sbeMetadata(final int templateId)
    {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("sbe.schema_id", String.valueOf(SceneFrameDecoder.SCHEMA_ID));
        metadata.put("sbe.schema_version", String.valueOf(SceneFrameDecoder.SCHEMA_VERSION));
        metadata.put("sbe.template_id", String.valueOf(templateId));
        metadata.put("sbe.byte_order", "littleEndian");
        metadata.put("wmrt.bus_file", templateId == SceneFrameDecoder.TEMPLATE_ID ? "scene.broadcast" :
            templateId == TrajectoryDecoder.TEMPLATE_ID ? "trajectory.broadcast" : "candidates.broadcast");
        return metadata;
    }

    static byte[] sbeSchema() throws IOException
    {
        try (InputStream in = BusRecorder.class.getResourceAsStream(SBE_SCHEMA_RESOURCE))
        {
            if (null == in)
            {
                throw new IOException("the SBE schema " + SBE_SCHEMA_RESOURCE + " is not on the class path");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = BusRecorder.class.getResourceAsStream(name))
        {
            if (null == in)
            {
                throw new IOException("schema resource " + name + " missing from the wmrt jar");
            }
            return in.readAllBytes();
        }
    }
}
