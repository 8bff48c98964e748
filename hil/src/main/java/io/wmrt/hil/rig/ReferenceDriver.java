package io.wmrt.hil.rig;

import io.wmrt.hil.GroundTruthScene;
import io.wmrt.hil.metrics.DriveLog;
import io.wmrt.hil.metrics.NavsimRuler;
import io.wmrt.hil.metrics.RoadGeometry;
import io.wmrt.hil.net.RoadNetwork;
import io.wmrt.hil.scenario.Scenario;
import io.wmrt.hil.sumo.SumoProcess;
import io.wmrt.hil.traci.NextTrafficLight;
import io.wmrt.hil.traci.Position2D;
import io.wmrt.hil.traci.TraciConnection;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The reference driver EP is measured against: SUMO driving the ego itself, in the same scenario and seed, with
 * its plain lane-change model (the rig's sublane option left out: under it SUMO's driver never finds a way round a
 * partial blockage), for the scenario's duration from the ego's departure. Its drive goes through the same ruler,
 * so the rig knows which sub-metrics it fails too (NAVSIM's false-positive filtering).
 *
 * <p>The outcome is cached beside the scenario, {@code reference/seed-<seed>.properties}, with the digest of
 * everything it depends on (the scenario directory's files, the seed, the ruler's version and SUMO's); a changed
 * input makes a new run. Where the scenario directory cannot be written, the cache goes to the rig's work
 * directory instead.
 */
public final class ReferenceDriver
{
    static final String FORMAT = "wmrt-reference/1";

    private ReferenceDriver()
    {
    }

    /**
     * The reference outcome for {@code scenario}, from the cache or from a fresh run.
     *
     * @param workDir where SUMO's output goes, and the cache when the scenario directory is read-only
     */
    public static NavsimRuler.Reference outcome(final Scenario scenario, final RoadNetwork network,
        final RoadGeometry road, final Path workDir, final PrintStream progress) throws IOException
    {
        final String digest = digest(scenario);
        final Path beside = scenario.directory().resolve("reference").resolve("seed-" + scenario.seed() +
            ".properties");
        final Path fallback = workDir.resolve("reference").resolve(scenario.name() + "-seed-" + scenario.seed() +
            ".properties");
        for (final Path cached : List.of(beside, fallback))
        {
            final NavsimRuler.Reference hit = read(cached, digest);
            if (null != hit)
            {
                return hit;
            }
        }
        if (null != progress)
        {
            progress.printf(Locale.ROOT, "  %-20s reference driver (SUMO, plain lane changes), seed %d%n",
                scenario.name(), scenario.seed());
        }
        final NavsimRuler.Reference reference = drive(scenario, network, road, workDir);
        try
        {
            write(beside, digest, scenario, reference);
        }
        catch (final AccessDeniedException | java.nio.file.ReadOnlyFileSystemException e)
        {
            write(fallback, digest, scenario, reference);
        }
        return reference;
    }

    private static NavsimRuler.Reference drive(final Scenario scenario, final RoadNetwork network,
        final RoadGeometry road, final Path workDir) throws IOException
    {
        Files.createDirectories(workDir);
        final String ego = scenario.egoId();
        try (SumoProcess sumo = SumoProcess.withConfig(scenario.sumoConfig())
            .seed(scenario.seed())
            .stepLengthSeconds(HilRig.STEP_S)
            .collisionOutput(workDir.resolve("reference-collisions.xml"))
            .outputFile(workDir.resolve("reference-sumo.log"))
            .start())
        {
            final TraciConnection traci = sumo.connection();
            GroundTruth.awaitDeparture(traci, scenario);
            final double length = traci.vehicleLength(ego);
            final DriveLog log = new DriveLog(HilRig.STEP_S, length, traci.vehicleWidth(ego),
                traci.vehicleSpeed(ego), GroundTruth.routeEdges(traci, ego));
            final long steps = Math.round(scenario.durationS() / HilRig.STEP_S);
            for (long step = 0; step < steps; step++)
            {
                if (!traci.vehicleIds().contains(ego) || GroundTruth.routeDone(traci, ego, network))
                {
                    break;
                }
                final NextTrafficLight before = GroundTruth.nextLight(traci, ego);
                traci.simulationStep();
                if (!traci.vehicleIds().contains(ego))
                {
                    break;
                }
                final double heading = traci.vehicleHeadingRadians(ego);
                final Position2D centre = GroundTruthScene.centreOf(traci.vehiclePosition(ego), heading, length);
                final boolean red = GroundTruth.crossedRed(traci, ego, before, traci.vehicleSpeed(ego),
                    HilRig.STEP_S);
                log.add(new DriveLog.Sample(traci.getTime(), centre.x(), centre.y(), heading, traci.vehicleSpeed(ego),
                    heading, GroundTruth.agents(GroundTruth.roadUsers(traci, ego, centre)), red));
            }
            final NavsimRuler.Verdict verdict = NavsimRuler.score(log, road, null);
            return new NavsimRuler.Reference(verdict.progressM(), NavsimRuler.failed(verdict));
        }
    }

    /** SHA-256 over the ruler's version, SUMO's, the seed, the duration and every file of the scenario directory. */
    static String digest(final Scenario scenario) throws IOException
    {
        final MessageDigest sha;
        try
        {
            sha = MessageDigest.getInstance("SHA-256");
        }
        catch (final NoSuchAlgorithmException e)
        {
            throw new IllegalStateException(e);
        }
        final String head = FORMAT + "\n" + NavsimRuler.VERSION + "\n" + sumoVersion() +
            "\nseed " + scenario.seed() + "\nduration " + scenario.durationS() + "\nego " + scenario.egoId() + "\n";
        sha.update(head.getBytes(StandardCharsets.UTF_8));
        final List<Path> files;
        try (Stream<Path> list = Files.list(scenario.directory()))
        {
            files = list.filter(Files::isRegularFile).sorted().toList();
        }
        for (final Path file : files)
        {
            sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(file));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sumoVersion;

    /** The first line of {@code sumo --version}: a new SUMO may drive differently. */
    static synchronized String sumoVersion() throws IOException
    {
        if (null == sumoVersion)
        {
            final Path binary = SumoProcess.resolveBinary(System.getenv());
            final Process process = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true)
                .start();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try
            {
                process.waitFor();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while asking " + binary + " for its version", e);
            }
            sumoVersion = output.lines().findFirst().orElse(binary.toString());
        }
        return sumoVersion;
    }

    /**
     * The cached outcome in {@code file} when it is one of ours for {@code digest}, else null (missing, stale, or
     * not a cache we wrote: unreadable, a malformed escape, a progress that is not a finite non-negative number).
     */
    static NavsimRuler.Reference read(final Path file, final String digest) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            return null;
        }
        final Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            p.load(in);
        }
        catch (final IllegalArgumentException | java.nio.charset.CharacterCodingException e)
        {
            return null;
        }
        if (!FORMAT.equals(p.getProperty("format")) || !digest.equals(p.getProperty("digest")))
        {
            return null;
        }
        try
        {
            final double progress = Double.parseDouble(p.getProperty("progress_m", ""));
            if (!Double.isFinite(progress) || progress < 0.0)
            {
                return null;
            }
            final Set<String> failed = new TreeSet<>();
            for (final String name : p.getProperty("failed", "").split(","))
            {
                if (!name.isBlank())
                {
                    failed.add(name.trim());
                }
            }
            return new NavsimRuler.Reference(progress, failed);
        }
        catch (final NumberFormatException e)
        {
            return null;
        }
    }

    private static void write(final Path file, final String digest, final Scenario scenario,
        final NavsimRuler.Reference reference) throws IOException
    {
        Files.createDirectories(file.getParent());
        final Path temp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8))
        {
            out.write("# The reference driver's outcome for " + scenario.name() + " with seed " + scenario.seed() +
                ": SUMO driving the ego with its plain lane-change model\n# for " + scenario.durationS() +
                " s. Written by the HIL rig (ReferenceDriver); recomputed when the digest of its inputs changes.\n");
            out.write("format=" + FORMAT + "\n");
            out.write("digest=" + digest + "\n");
            out.write("seed=" + scenario.seed() + "\n");
            // Full precision: a run scored from the cache must equal one scored from a fresh reference.
            out.write("progress_m=" + reference.progressM() + "\n");
            out.write("failed=" + String.join(",", new TreeSet<>(reference.failed())) + "\n");
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
