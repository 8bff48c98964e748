package io.wmrt.bench.reference;

import io.wmrt.planner.RouteFrame;
import io.wmrt.planner.SceneSnapshot;
import io.wmrt.sbe.SceneFrameEncoder;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One run of the decision corpus ({@code bench/corpus/decision-corpus/<run>/}, cut from a rig recording by
 * {@code bench/corpus/cut_corpus.py}): the SceneFrame fields of each kept step, float32 as the rig published them,
 * with the columns named in {@code corpus.json}. {@link #encode} rebuilds the SceneFrame of a step.
 */
public final class RecordedScenes
{
    public final int steps;
    private final Npy timestamps;
    private final Npy ego;
    private final Npy agents;
    private final Npy agentValid;
    private final Npy route;
    private final Npy routeCount;
    private final Npy lights;
    private final Npy lightCount;
    private final Map<String, List<String>> columns;

    @SuppressWarnings("unchecked")
    private RecordedScenes(final Path dir) throws IOException
    {
        columns = columns(dir);
        timestamps = Npy.read(dir.resolve("timestamp_ns.npy"));
        ego = Npy.read(dir.resolve("ego.npy"));
        agents = Npy.read(dir.resolve("agents.npy"));
        agentValid = Npy.read(dir.resolve("agent_valid.npy"));
        route = Npy.read(dir.resolve("route.npy"));
        routeCount = Npy.read(dir.resolve("route_count.npy"));
        lights = Npy.read(dir.resolve("lights.npy"));
        lightCount = Npy.read(dir.resolve("light_count.npy"));
        steps = timestamps.shape[0];
        if (null == columns || !columns.keySet().containsAll(List.of("ego", "agents", "route", "lights")))
        {
            throw new IOException(describing(dir) + ": no columns for ego, agents, route and lights");
        }
        check(dir, "timestamp_ns.npy", timestamps, "<i8", steps);
        check(dir, "ego.npy", ego, "<f4", steps, columns.get("ego").size());
        check(dir, "agents.npy", agents, "<f4", steps, SceneSnapshot.MAX_AGENTS, columns.get("agents").size());
        check(dir, "agent_valid.npy", agentValid, "|u1", steps, SceneSnapshot.MAX_AGENTS);
        check(dir, "route.npy", route, "<f4", steps, RouteFrame.MAX_POINTS, columns.get("route").size());
        check(dir, "route_count.npy", routeCount, "<i4", steps);
        check(dir, "lights.npy", lights, "<f4", steps, SceneSnapshot.MAX_LIGHTS, columns.get("lights").size());
        check(dir, "light_count.npy", lightCount, "<i4", steps);
        for (int t = 0; t < steps; t++)
        {
            if (routeCount.i4(t) < 0 || routeCount.i4(t) > RouteFrame.MAX_POINTS ||
                lightCount.i4(t) < 0 || lightCount.i4(t) > SceneSnapshot.MAX_LIGHTS)
            {
                throw new IOException(dir + ": step " + t + " has " + routeCount.i4(t) + " route points and " +
                    lightCount.i4(t) + " lights (at most " + RouteFrame.MAX_POINTS + " and " +
                    SceneSnapshot.MAX_LIGHTS + ")");
            }
        }
    }

    /**
     * The columns of each file: from {@code corpus.json} in a corpus run, else from {@code meta.json} in a run
     * directory the rig recorded ({@code --record}), whose layout the corpus keeps.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, List<String>> columns(final Path dir) throws IOException
    {
        final Path corpus = dir.resolve("corpus.json");
        final Path meta = dir.resolve("meta.json");
        if (Files.isRegularFile(corpus))
        {
            try (Reader reader = Files.newBufferedReader(corpus))
            {
                return (Map<String, List<String>>)((Map<String, Object>)new Yaml().load(reader)).get("columns");
            }
        }
        if (!Files.isRegularFile(meta))
        {
            throw new IOException(dir + ": neither corpus.json (a decision-corpus run) nor meta.json (a run " +
                "recorded with --record)");
        }
        final Map<String, Object> files;
        try (Reader reader = Files.newBufferedReader(meta))
        {
            files = (Map<String, Object>)((Map<String, Object>)new Yaml().load(reader)).get("files");
        }
        if (null == files)
        {
            throw new IOException(meta + ": no files");
        }
        final Map<String, List<String>> columns = new HashMap<>();
        for (final Map.Entry<String, Object> file : files.entrySet())
        {
            final Object described = file.getValue();
            if (file.getKey().endsWith(".npy") && described instanceof Map &&
                ((Map<String, Object>)described).get("columns") instanceof List)
            {
                columns.put(file.getKey().substring(0, file.getKey().length() - 4),
                    (List<String>)((Map<String, Object>)described).get("columns"));
            }
        }
        return columns;
    }

    private static Path describing(final Path dir)
    {
        return Files.isRegularFile(dir.resolve("corpus.json")) ? dir.resolve("corpus.json") : dir.resolve("meta.json");
    }

    /** Refuses a file whose dtype or shape is not the one the corpus format names. */
    private static void check(final Path dir, final String file, final Npy array, final String dtype,
        final int... shape) throws IOException
    {
        if (!array.dtype.equals(dtype) || !Arrays.equals(array.shape, shape))
        {
            throw new IOException(dir.resolve(file) + ": " + array.dtype + " " + Arrays.toString(array.shape) +
                ", expected " + dtype + " " + Arrays.toString(shape));
        }
    }

    public static RecordedScenes read(final Path dir) throws IOException
    {
        return new RecordedScenes(dir);
    }

    private float ego(final int t, final String column)
    {
        return ego.f4(t * ego.shape[1] + index("ego", column));
    }

    private float agent(final int t, final int slot, final String column)
    {
        return agents.f4((t * agents.shape[1] + slot) * agents.shape[2] + index("agents", column));
    }

    private int index(final String file, final String column)
    {
        final int i = columns.get(file).indexOf(column);
        if (i < 0)
        {
            throw new IllegalStateException("no column " + column + " in " + file + ".npy");
        }
        return i;
    }

    /** Scene t as the SceneFrame the rig published (sequence t + 1), into a frame the caller wrapped. */
    public void encode(final SceneFrameEncoder frame, final int t)
    {
        frame.sequence(t + 1)
            .timestampNs(timestamps.i8(t))
            .egoX(ego(t, "x"))
            .egoY(ego(t, "y"))
            .egoHeading(ego(t, "heading"))
            .egoSpeed(ego(t, "speed"))
            .egoAccel(ego(t, "accel"))
            .egoSteer(ego(t, "steer"))
            .egoLength(ego(t, "length"))
            .egoWidth(ego(t, "width"))
            .speedLimit(ego(t, "speed_limit"))
            .laneWidth(ego(t, "lane_width"))
            .drivableLeft(ego(t, "drivable_left"))
            .drivableRight(ego(t, "drivable_right")).drivableLeftEndS(0f).drivableRightEndS(0f);
        final int count = agentCount(t);
        frame.agentCount(count);
        for (int i = 0; i < count; i++)
        {
            frame.agentId(i, (int)agent(t, i, "id"))
                .agentKind(i, (byte)agent(t, i, "kind"))
                .agentX(i, agent(t, i, "x"))
                .agentY(i, agent(t, i, "y"))
                .agentHeading(i, agent(t, i, "heading"))
                .agentSpeed(i, agent(t, i, "speed"))
                .agentYawRate(i, agent(t, i, "yaw_rate"))
                .agentLength(i, agent(t, i, "length"))
                .agentWidth(i, agent(t, i, "width"));
        }
        final int points = routeCount.i4(t);
        frame.routePointCount(points);
        for (int i = 0; i < points; i++)
        {
            final int at = (t * route.shape[1] + i) * route.shape[2];
            frame.routeX(i, route.f4(at + index("route", "x"))).routeY(i, route.f4(at + index("route", "y")));
        }
        final int lightsHere = lightCount.i4(t);
        frame.lightCount(lightsHere);
        for (int i = 0; i < lightsHere; i++)
        {
            final int at = (t * lights.shape[1] + i) * lights.shape[2];
            frame.lightStopS(i, lights.f4(at + index("lights", "stop_s")))
                .lightState(i, (byte)lights.f4(at + index("lights", "state")));
        }
    }

    /** The corpus shipped with the repository. */
    public static Path corpus(final Path repositoryRoot)
    {
        return repositoryRoot.resolve("bench").resolve("corpus").resolve("decision-corpus");
    }

    /** The run directories of a corpus, in name order. */
    public static List<Path> runs(final Path corpus) throws IOException
    {
        try (Stream<Path> dirs = Files.list(corpus))
        {
            return new ArrayList<>(dirs.filter(Files::isDirectory).filter(d -> !d.getFileName().toString()
                .startsWith(".")).sorted().toList());
        }
    }

    /** Agents in scene t. */
    public int agentCount(final int t)
    {
        int count = 0;
        while (count < agentValid.shape[1] && agentValid.u1(t * agentValid.shape[1] + count) == 1)
        {
            count++;
        }
        return count;
    }
}
