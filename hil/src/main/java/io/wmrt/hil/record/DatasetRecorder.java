package io.wmrt.hil.record;

import io.wmrt.sbe.SceneFrameDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records one rig run as a training dataset: every step's SceneFrame and the action the rig applied after
 * it, and at {@link #close()} the ground-truth futures computed from the recorded frames themselves. The
 * files, their shapes and columns are drawn in {@link DatasetLayout}; {@code hil/DATASET.md} documents
 * them for the people who train on them.
 *
 * <p>Futures: for step t and k = 1 .. H, the ego's pose at step t + k, and for every occupied agent slot of
 * step t the pose at step t + k of the agent with the same id, wherever its slot is then. A future is valid
 * only when step t + k was recorded and, for an agent, the agent is in that frame; otherwise it is zeros
 * with valid 0. Futures count recorded steps, so {@link #record} must be called once for every simulation
 * step of the run.
 *
 * <p>Nothing is written before {@link #close()}: the frames are kept in memory (about 2 KB per step),
 * then the files are written into a hidden sibling directory {@code .<run dir name>.partial-*} and that
 * directory is renamed to the run directory, so the run directory either holds a complete dataset or does
 * not exist; a crash can leave only a hidden partial directory behind.
 *
 * <p>Not thread safe: owned by the rig thread that steps the simulation.
 */
public final class DatasetRecorder implements AutoCloseable
{
    /** Future horizon the rig uses unless told otherwise: 3 s at SUMO's 0.1 s step. */
    public static final int DEFAULT_HORIZON_STEPS = 30;

    /**
     * Marks the hidden sibling a run is written into first, {@code .<run dir name>.partial-<random>}; one
     * that outlives its recorder is what a crash left behind, and can be deleted.
     */
    public static final String PARTIAL_MARK = ".partial-";

    private static final int EGO_STRIDE = DatasetLayout.EGO_COLUMNS.size();
    private static final int AGENT_STRIDE = DatasetLayout.AGENT_COLUMNS.size();
    private static final int ROUTE_STRIDE = DatasetLayout.ROUTE_COLUMNS.size();
    private static final int LIGHT_STRIDE = DatasetLayout.LIGHT_COLUMNS.size();
    private static final int ACTION_STRIDE = DatasetLayout.ACTION_COLUMNS.size();
    private static final int FUTURE_STRIDE = DatasetLayout.FUTURE_COLUMNS.size();
    private static final int AGENTS = DatasetLayout.MAX_AGENTS;
    private static final int ROUTE_POINTS = DatasetLayout.MAX_ROUTE_POINTS;
    private static final int LIGHTS = DatasetLayout.MAX_LIGHTS;

    private static final int INITIAL_CAPACITY_STEPS = 512;
    /** Largest run whose agents array still fits a Java array. */
    private static final int MAX_STEPS = Integer.MAX_VALUE / (AGENTS * AGENT_STRIDE) - 1;
    private static final double NANOS_PER_SECOND = 1e9;
    private static final String COORDINATES =
        "world metres as in the SceneFrame (SUMO network coordinates, x east, y north); " +
        "headings radians counter-clockwise from +x";

    private final Path runDir;
    private final String scenario;
    private final long seed;
    private final double stepS;
    private final int horizonSteps;

    private int steps;
    private int capacity;
    private long[] timestampNs;
    private float[] ego;
    private float[] agents;
    private int[] agentIds;
    private int[] agentCounts;
    private float[] route;
    private int[] routeCounts;
    private float[] lights;
    private int[] lightCounts;
    private float[] actions;

    private final float[] pose = new float[FUTURE_STRIDE];
    private boolean closing;
    private boolean written;

    private DatasetRecorder(final Path runDir, final String scenario, final long seed, final double stepS,
        final int horizonSteps)
    {
        this.runDir = runDir;
        this.scenario = scenario;
        this.seed = seed;
        this.stepS = stepS;
        this.horizonSteps = horizonSteps;
        allocate(INITIAL_CAPACITY_STEPS);
    }

    /**
     * A recorder for one run, to be written into {@code runDir} at {@link #close()}.
     *
     * @param runDir       directory of this run, normally {@code <record dir>/<scenario>}; it must not exist
     *                     or be empty. Its parent directories are created now.
     * @param scenario     scenario name, stored in {@code meta.json}
     * @param seed         seed of the run, stored in {@code meta.json}
     * @param stepS        simulation step length in seconds, positive
     * @param horizonSteps steps of future per recorded step, at least 1 ({@link #DEFAULT_HORIZON_STEPS})
     * @throws IOException when {@code runDir} is a file or a non-empty directory, or its parent cannot be
     *                     created
     */
    public static DatasetRecorder create(final Path runDir, final String scenario, final long seed,
        final double stepS, final int horizonSteps) throws IOException
    {
        if (runDir == null || runDir.toAbsolutePath().normalize().getFileName() == null)
        {
            throw new IllegalArgumentException("run directory must name a directory below a parent: " + runDir);
        }
        if (scenario == null || scenario.isBlank())
        {
            throw new IllegalArgumentException("scenario name is empty");
        }
        if (!(stepS > 0.0) || Double.isInfinite(stepS))
        {
            throw new IllegalArgumentException("step length must be a positive number of seconds: " + stepS);
        }
        if (horizonSteps < 1)
        {
            throw new IllegalArgumentException("future horizon must be at least 1 step: " + horizonSteps);
        }
        final Path absolute = runDir.toAbsolutePath().normalize();
        checkRunDirUsable(absolute);
        Files.createDirectories(absolute.getParent());
        return new DatasetRecorder(absolute, scenario, seed, stepS, horizonSteps);
    }

    /**
     * Copies one step out of {@code scene} (which the caller may reuse right after) with the action the
     * rig applies after it. Counts beyond the SceneFrame's capacities are clamped to them; slots beyond
     * the counts are recorded as zeros whatever the buffer still holds.
     *
     * @param scene       the step's SceneFrame
     * @param accelMps2   longitudinal acceleration command, m/s^2
     * @param yawRateRps  yaw rate command, rad/s
     * @param speedMps    speed command, m/s
     * @param perturbed   the action was perturbed away from the planner's (recorded as 1)
     * @throws IllegalStateException after {@link #close()}
     */
    public void record(final SceneFrameDecoder scene, final float accelMps2, final float yawRateRps,
        final float speedMps, final boolean perturbed)
    {
        if (closing)
        {
            throw new IllegalStateException("recorder of " + runDir + " is closed");
        }
        if (steps == capacity)
        {
            grow();
        }
        final int t = steps;

        final long timestamp = scene.timestampNs();
        timestampNs[t] = timestamp;
        final int e = t * EGO_STRIDE;
        ego[e + DatasetLayout.EGO_TIME_S] = (float)(timestamp / NANOS_PER_SECOND);
        ego[e + DatasetLayout.EGO_X] = scene.egoX();
        ego[e + DatasetLayout.EGO_Y] = scene.egoY();
        ego[e + DatasetLayout.EGO_HEADING] = scene.egoHeading();
        ego[e + DatasetLayout.EGO_SPEED] = scene.egoSpeed();
        ego[e + DatasetLayout.EGO_ACCEL] = scene.egoAccel();
        ego[e + DatasetLayout.EGO_STEER] = scene.egoSteer();
        ego[e + DatasetLayout.EGO_LENGTH] = scene.egoLength();
        ego[e + DatasetLayout.EGO_WIDTH] = scene.egoWidth();
        ego[e + DatasetLayout.EGO_SPEED_LIMIT] = scene.speedLimit();
        ego[e + DatasetLayout.EGO_LANE_WIDTH] = scene.laneWidth();
        ego[e + DatasetLayout.EGO_DRIVABLE_LEFT] = scene.drivableLeft();
        ego[e + DatasetLayout.EGO_DRIVABLE_RIGHT] = scene.drivableRight();

        // Slots past the counts stay zero: the arrays start zeroed and each step is written once.
        final int agentCount = clamp(scene.agentCount(), AGENTS);
        agentCounts[t] = agentCount;
        for (int i = 0; i < agentCount; i++)
        {
            final int id = scene.agentId(i);
            agentIds[t * AGENTS + i] = id;
            final int a = (t * AGENTS + i) * AGENT_STRIDE;
            agents[a + DatasetLayout.AGENT_ID] = id;
            agents[a + DatasetLayout.AGENT_KIND] = scene.agentKind(i);
            agents[a + DatasetLayout.AGENT_X] = scene.agentX(i);
            agents[a + DatasetLayout.AGENT_Y] = scene.agentY(i);
            agents[a + DatasetLayout.AGENT_HEADING] = scene.agentHeading(i);
            agents[a + DatasetLayout.AGENT_SPEED] = scene.agentSpeed(i);
            agents[a + DatasetLayout.AGENT_YAW_RATE] = scene.agentYawRate(i);
            agents[a + DatasetLayout.AGENT_LENGTH] = scene.agentLength(i);
            agents[a + DatasetLayout.AGENT_WIDTH] = scene.agentWidth(i);
        }

        final int routeCount = clamp(scene.routePointCount(), ROUTE_POINTS);
        routeCounts[t] = routeCount;
        for (int i = 0; i < routeCount; i++)
        {
            final int r = (t * ROUTE_POINTS + i) * ROUTE_STRIDE;
            route[r + DatasetLayout.ROUTE_X] = scene.routeX(i);
            route[r + DatasetLayout.ROUTE_Y] = scene.routeY(i);
        }

        final int lightCount = clamp(scene.lightCount(), LIGHTS);
        lightCounts[t] = lightCount;
        for (int i = 0; i < lightCount; i++)
        {
            final int l = (t * LIGHTS + i) * LIGHT_STRIDE;
            lights[l + DatasetLayout.LIGHT_STOP_S] = scene.lightStopS(i);
            lights[l + DatasetLayout.LIGHT_STATE] = scene.lightState(i);
        }

        final int c = t * ACTION_STRIDE;
        actions[c + DatasetLayout.ACTION_ACCEL] = accelMps2;
        actions[c + DatasetLayout.ACTION_YAW_RATE] = yawRateRps;
        actions[c + DatasetLayout.ACTION_SPEED] = speedMps;
        actions[c + DatasetLayout.ACTION_PERTURBED] = perturbed ? 1.0f : 0.0f;

        steps = t + 1;
    }

    /** Steps recorded so far. */
    public int steps()
    {
        return steps;
    }

    public int horizonSteps()
    {
        return horizonSteps;
    }

    /** The run directory, absolute; it exists once {@link #close()} has returned. */
    public Path runDir()
    {
        return runDir;
    }

    /**
     * Computes the futures and writes the whole dataset into the run directory. Recording ends here even
     * when writing fails; then nothing is left in the run directory and calling close again retries (for
     * example after freeing disk space). Once it has succeeded, closing again does nothing.
     *
     * @throws IOException when the run directory meanwhile became a file or a non-empty directory, or
     *                     writing fails; if only the final rename fails the message names the hidden
     *                     directory that holds the complete dataset
     */
    @Override
    public void close() throws IOException
    {
        closing = true;
        if (written)
        {
            return;
        }
        checkRunDirUsable(runDir);
        final Path parent = runDir.getParent();
        Files.createDirectories(parent);
        final Path partial = Files.createTempDirectory(parent, "." + runDir.getFileName() + PARTIAL_MARK);
        try
        {
            // A temporary directory is private; a dataset is for whoever may read its parent.
            if (Files.getFileStore(partial).supportsFileAttributeView("posix"))
            {
                Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            writeArrays(partial);
            writeForced(partial.resolve(DatasetLayout.META_FILE), metaJson().getBytes(StandardCharsets.UTF_8));
            forceDirectory(partial);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            deleteTree(partial, ex);
            throw ex;
        }
        try
        {
            // rename(2) replaces an empty directory and refuses a non-empty one, with no window in between.
            Files.move(partial, runDir, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new IOException("the dataset of " + steps + " steps is complete in " + partial +
                " but could not be renamed to " + runDir + " (" + ex + "); move it there by hand", ex);
        }
        forceDirectory(parent);
        written = true;
    }

    // ------------------------------------------------------------------ files

    private void writeArrays(final Path dir) throws IOException
    {
        try (NpyWriter out = open(dir, DatasetFile.TIMESTAMP_NS))
        {
            for (int t = 0; t < steps; t++)
            {
                out.putLong(timestampNs[t]);
            }
        }
        writeFloats(dir, DatasetFile.EGO, ego);
        writeFloats(dir, DatasetFile.AGENTS, agents);
        try (NpyWriter out = open(dir, DatasetFile.AGENT_VALID))
        {
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < AGENTS; i++)
                {
                    out.putUint8(i < agentCounts[t] ? 1 : 0);
                }
            }
        }
        writeFloats(dir, DatasetFile.ROUTE, route);
        writeInts(dir, DatasetFile.ROUTE_COUNT, routeCounts);
        writeFloats(dir, DatasetFile.LIGHTS, lights);
        writeInts(dir, DatasetFile.LIGHT_COUNT, lightCounts);
        writeFloats(dir, DatasetFile.ACTIONS, actions);
        writeEgoFuture(dir);
        writeAgentFuture(dir);
    }

    private void writeEgoFuture(final Path dir) throws IOException
    {
        try (NpyWriter future = open(dir, DatasetFile.EGO_FUTURE);
            NpyWriter valid = open(dir, DatasetFile.EGO_FUTURE_VALID))
        {
            for (int t = 0; t < steps; t++)
            {
                for (int k = 1; k <= horizonSteps; k++)
                {
                    final int s = t + k;
                    if (s < steps)
                    {
                        final int e = s * EGO_STRIDE;
                        putPose(future, ego[e + DatasetLayout.EGO_X], ego[e + DatasetLayout.EGO_Y],
                            ego[e + DatasetLayout.EGO_HEADING], ego[e + DatasetLayout.EGO_SPEED]);
                        valid.putUint8(1);
                    }
                    else
                    {
                        putPose(future, 0.0f, 0.0f, 0.0f, 0.0f);
                        valid.putUint8(0);
                    }
                }
            }
        }
    }

    private void writeAgentFuture(final Path dir) throws IOException
    {
        try (NpyWriter future = open(dir, DatasetFile.AGENT_FUTURE);
            NpyWriter valid = open(dir, DatasetFile.AGENT_FUTURE_VALID))
        {
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < AGENTS; i++)
                {
                    final boolean occupied = i < agentCounts[t];
                    final int id = occupied ? agentIds[t * AGENTS + i] : 0;
                    for (int k = 1; k <= horizonSteps; k++)
                    {
                        final int s = t + k;
                        final int slot = occupied && s < steps ? slotOf(s, id, i) : -1;
                        if (slot >= 0)
                        {
                            final int a = (s * AGENTS + slot) * AGENT_STRIDE;
                            putPose(future, agents[a + DatasetLayout.AGENT_X], agents[a + DatasetLayout.AGENT_Y],
                                agents[a + DatasetLayout.AGENT_HEADING], agents[a + DatasetLayout.AGENT_SPEED]);
                            valid.putUint8(1);
                        }
                        else
                        {
                            putPose(future, 0.0f, 0.0f, 0.0f, 0.0f);
                            valid.putUint8(0);
                        }
                    }
                }
            }
        }
    }

    /** Slot of agent {@code id} in step {@code step}, trying {@code likelySlot} first; -1 when absent. */
    private int slotOf(final int step, final int id, final int likelySlot)
    {
        final int base = step * AGENTS;
        final int count = agentCounts[step];
        if (likelySlot < count && agentIds[base + likelySlot] == id)
        {
            return likelySlot;
        }
        for (int j = 0; j < count; j++)
        {
            if (agentIds[base + j] == id)
            {
                return j;
            }
        }
        return -1;
    }

    private void putPose(final NpyWriter out, final float x, final float y, final float heading, final float speed)
        throws IOException
    {
        pose[DatasetLayout.FUTURE_X] = x;
        pose[DatasetLayout.FUTURE_Y] = y;
        pose[DatasetLayout.FUTURE_HEADING] = heading;
        pose[DatasetLayout.FUTURE_SPEED] = speed;
        out.putFloats(pose, 0, FUTURE_STRIDE);
    }

    private NpyWriter open(final Path dir, final DatasetFile file) throws IOException
    {
        return NpyWriter.create(dir.resolve(file.fileName()), file.dtype(), file.shape(steps, horizonSteps));
    }

    private void writeFloats(final Path dir, final DatasetFile file, final float[] values) throws IOException
    {
        try (NpyWriter out = open(dir, file))
        {
            out.putFloats(values, 0, Math.toIntExact(out.elementCount()));
        }
    }

    private void writeInts(final Path dir, final DatasetFile file, final int[] values) throws IOException
    {
        try (NpyWriter out = open(dir, file))
        {
            for (int t = 0; t < steps; t++)
            {
                out.putInt(values[t]);
            }
        }
    }

    private String metaJson()
    {
        final StringBuilder json = new StringBuilder(8192);
        json.append("{\n");
        json.append("  \"format_version\": ").append(DatasetLayout.FORMAT_VERSION).append(",\n");
        json.append("  \"scenario\": ");
        appendString(json, scenario).append(",\n");
        json.append("  \"seed\": ").append(seed).append(",\n");
        json.append("  \"step_s\": ").append(stepS).append(",\n");
        json.append("  \"horizon_steps\": ").append(horizonSteps).append(",\n");
        json.append("  \"steps\": ").append(steps).append(",\n");
        json.append("  \"max_agents\": ").append(AGENTS).append(",\n");
        json.append("  \"max_route_points\": ").append(ROUTE_POINTS).append(",\n");
        json.append("  \"max_lights\": ").append(LIGHTS).append(",\n");
        json.append("  \"coordinates\": ");
        appendString(json, COORDINATES).append(",\n");
        json.append("  \"agent_kind_codes\": ");
        appendStrings(json, DatasetLayout.AGENT_KIND_NAMES).append(",\n");
        json.append("  \"light_state_codes\": ");
        appendStrings(json, DatasetLayout.LIGHT_STATE_NAMES).append(",\n");
        json.append("  \"files\": {\n");
        final DatasetFile[] files = DatasetFile.values();
        for (int f = 0; f < files.length; f++)
        {
            final DatasetFile file = files[f];
            json.append("    ");
            appendString(json, file.fileName()).append(": {\"dtype\": ");
            appendString(json, file.dtype().descr()).append(", \"shape\": [");
            final int[] shape = file.shape(steps, horizonSteps);
            for (int i = 0; i < shape.length; i++)
            {
                json.append(i == 0 ? "" : ", ").append(shape[i]);
            }
            json.append("], \"axes\": ");
            appendStrings(json, file.axisLabels()).append(", \"columns\": [");
            final List<DatasetLayout.Column> columns = file.columns();
            for (int i = 0; i < columns.size(); i++)
            {
                appendString(json.append(i == 0 ? "" : ", "), columns.get(i).name());
            }
            json.append("], \"units\": [");
            for (int i = 0; i < columns.size(); i++)
            {
                appendString(json.append(i == 0 ? "" : ", "), columns.get(i).unit());
            }
            json.append("]}").append(f + 1 < files.length ? ",\n" : "\n");
        }
        json.append("  }\n");
        json.append("}\n");
        return json.toString();
    }

    private static StringBuilder appendStrings(final StringBuilder json, final List<String> values)
    {
        json.append('[');
        for (int i = 0; i < values.size(); i++)
        {
            appendString(json.append(i == 0 ? "" : ", "), values.get(i));
        }
        return json.append(']');
    }

    private static StringBuilder appendString(final StringBuilder json, final String value)
    {
        json.append('"');
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '"' || c == '\\')
            {
                json.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                json.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                json.append(c);
            }
        }
        return json.append('"');
    }

    private static void writeForced(final Path file, final byte[] bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(false);
        }
    }

    /**
     * Makes a directory's entries durable, so that after a power loss a renamed run directory holds its
     * files. Best effort: not every platform can open a directory for this.
     */
    private static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ignored)
        {
            // The data files themselves were forced; only the directory entry's durability is at stake.
        }
    }

    private static void deleteTree(final Path dir, final Throwable cause)
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : (Iterable<Path>)paths.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            cause.addSuppressed(ex);
        }
    }

    private static void checkRunDirUsable(final Path runDir) throws IOException
    {
        if (!Files.exists(runDir, LinkOption.NOFOLLOW_LINKS))
        {
            return;
        }
        if (!Files.isDirectory(runDir, LinkOption.NOFOLLOW_LINKS))
        {
            throw new IOException("run directory " + runDir + " exists and is not a directory; " +
                "record into another directory or remove it");
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(runDir))
        {
            if (entries.iterator().hasNext())
            {
                throw new IOException("run directory " + runDir + " already exists and is not empty " +
                    "(a run directory holds exactly one run); record into another directory or remove it");
            }
        }
    }

    // ------------------------------------------------------------------ storage

    private static int clamp(final int count, final int capacity)
    {
        return Math.max(0, Math.min(capacity, count));
    }

    private void allocate(final int stepCapacity)
    {
        capacity = stepCapacity;
        timestampNs = new long[stepCapacity];
        ego = new float[stepCapacity * EGO_STRIDE];
        agents = new float[stepCapacity * AGENTS * AGENT_STRIDE];
        agentIds = new int[stepCapacity * AGENTS];
        agentCounts = new int[stepCapacity];
        route = new float[stepCapacity * ROUTE_POINTS * ROUTE_STRIDE];
        routeCounts = new int[stepCapacity];
        lights = new float[stepCapacity * LIGHTS * LIGHT_STRIDE];
        lightCounts = new int[stepCapacity];
        actions = new float[stepCapacity * ACTION_STRIDE];
    }

    /** Doubles the step capacity; new space is zeroed, which the empty slots of every step rely on. */
    private void grow()
    {
        if (capacity >= MAX_STEPS)
        {
            throw new IllegalStateException("run of " + steps + " steps is too long to record in " + runDir);
        }
        final int newCapacity = (int)Math.min((long)capacity * 2, MAX_STEPS);
        timestampNs = Arrays.copyOf(timestampNs, newCapacity);
        ego = Arrays.copyOf(ego, newCapacity * EGO_STRIDE);
        agents = Arrays.copyOf(agents, newCapacity * AGENTS * AGENT_STRIDE);
        agentIds = Arrays.copyOf(agentIds, newCapacity * AGENTS);
        agentCounts = Arrays.copyOf(agentCounts, newCapacity);
        route = Arrays.copyOf(route, newCapacity * ROUTE_POINTS * ROUTE_STRIDE);
        routeCounts = Arrays.copyOf(routeCounts, newCapacity);
        lights = Arrays.copyOf(lights, newCapacity * LIGHTS * LIGHT_STRIDE);
        lightCounts = Arrays.copyOf(lightCounts, newCapacity);
        actions = Arrays.copyOf(actions, newCapacity * ACTION_STRIDE);
        capacity = newCapacity;
    }
}
