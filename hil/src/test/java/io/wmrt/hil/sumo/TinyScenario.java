package io.wmrt.hil.sumo;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small SUMO scenario generated at test time: a 3 x 3 grid of 250 m edges with a sidewalk (lane 0) and two car
 * lanes (1, 2) each way and a traffic light at every junction, so that the row y = 250 m is a straight
 * 500 m road A1 - B1 - C1 (edges A1B1, B1C1) through the signalised junction B1. Vehicles v0, v1, v2
 * drive east on it, one person walks east on its sidewalk. Not thread safe: generate once per class.
 */
public final class TinyScenario
{
    public static final String ROUTE_EAST = "east";
    public static final String FIRST_EDGE = "A1B1";
    public static final String SECOND_EDGE = "B1C1";
    public static final String CENTRE_TRAFFIC_LIGHT = "B1";
    public static final double ROAD_Y = 250.0;

    public final Path network;
    public final Path routes;
    public final Path config;

    private TinyScenario(Path network, Path routes, Path config)
    {
        this.network = network;
        this.routes = routes;
        this.config = config;
    }

    public static TinyScenario generate(Path directory) throws IOException, InterruptedException
    {
        Path network = directory.resolve("grid.net.xml");
        Path sumo;
        try
        {
            sumo = SumoProcess.resolveBinary(System.getenv());
        }
        catch (SumoException missing)
        {
            // CI installs SUMO and must run these tests; elsewhere they need Debian's sumo package.
            if ("true".equals(System.getenv("CI")))
            {
                throw missing;
            }
            Assumptions.abort("SUMO is not installed (apt-get install sumo): " + missing.getMessage());
            throw missing;
        }
        Path netgenerate = sumo.resolveSibling("netgenerate");
        List<String> command = List.of(Files.isExecutable(netgenerate) ? netgenerate.toString() : "netgenerate",
                "--grid", "--grid.x-number=3", "--grid.y-number=3", "--grid.length=250",
                "--default.lanenumber=2", "--default-junction-type=traffic_light", "--sidewalks.guess=true",
                "--no-turnarounds=true", "--seed=1", "--output-file=" + network);
        Path log = directory.resolve("netgenerate.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !Files.isRegularFile(network))
        {
            process.destroyForcibly();
            throw new IllegalStateException("netgenerate failed: " + command + "\n" + Files.readString(log));
        }

        Path routes = directory.resolve("east.rou.xml");
        Files.writeString(routes, String.join("\n",
                "<routes>",
                "  <route id=\"" + ROUTE_EAST + "\" edges=\"" + FIRST_EDGE + " " + SECOND_EDGE + "\"/>",
                "  <vehicle id=\"v0\" route=\"east\" depart=\"0\" departLane=\"1\" departSpeed=\"max\"/>",
                "  <person id=\"p0\" depart=\"0\">",
                "    <walk edges=\"" + FIRST_EDGE + " " + SECOND_EDGE + "\"/>",
                "  </person>",
                "  <vehicle id=\"v1\" route=\"east\" depart=\"2\" departLane=\"1\" departSpeed=\"max\"/>",
                "  <vehicle id=\"v2\" route=\"east\" depart=\"4\" departLane=\"2\" departSpeed=\"max\"/>",
                "</routes>",
                ""), StandardCharsets.UTF_8);

        Path config = directory.resolve("east.sumocfg");
        Files.writeString(config, String.join("\n",
                "<configuration>",
                "  <input>",
                "    <net-file value=\"" + network.getFileName() + "\"/>",
                "    <route-files value=\"" + routes.getFileName() + "\"/>",
                "  </input>",
                "</configuration>",
                ""), StandardCharsets.UTF_8);
        return new TinyScenario(network, routes, config);
    }

    /** Number of links traffic light {@code tlId} controls: one more than its highest link index in the net. */
    public int linkCount(String tlId) throws IOException
    {
        Pattern connection = Pattern.compile("<connection [^>]*tl=\"" + Pattern.quote(tlId) + "\" linkIndex=\"(\\d+)\"");
        Matcher matcher = connection.matcher(Files.readString(network));
        int highest = -1;
        while (matcher.find())
        {
            highest = Math.max(highest, Integer.parseInt(matcher.group(1)));
        }
        return highest + 1;
    }

    public static List<String> pgrep(String pattern) throws IOException, InterruptedException
    {
        Process process = new ProcessBuilder("pgrep", "-f", "--", pattern).redirectErrorStream(true).start();
        List<String> pids = new ArrayList<>();
        for (String line : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n"))
        {
            if (!line.isBlank())
            {
                pids.add(line.trim());
            }
        }
        process.waitFor(10, TimeUnit.SECONDS);
        return pids;
    }
}
