package io.wmrt.soak;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.config.AtomicFiles;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A soak of the runtime: {@code wmrt run} in its own process (see {@link RuntimeProcess}), fed from this one
 * at a steady rate with moving traffic ({@link SoakTraffic}) and malformed items between the frames
 * ({@link SceneStream}), every answer matched to its frame ({@link AnswerTracker}). At the end of warm-up the
 * soak asks the runtime's JVM for a GC and reads its heap and RSS; at the end it reads them again, with the GC
 * log and every counter, stops the runtime and removes its instance directory, also when this process is
 * stopped (a shutdown hook). What it measured comes back as a {@link SoakReport}; {@link SoakVerdict} judges it.
 * <p>
 * Not thread safe: {@link #run()} once, on one thread.
 */
public final class Soak
{
    public static final String REPORT_FILE = "soak.json";
    public static final String ERRORS_FILE = "errors.txt";
    public static final String ALLOCATIONS_FILE = "allocated-after-warmup.txt";
    /** Classes listed in the report; the file has them all. */
    private static final int ALLOCATIONS_REPORTED = 12;

    private static final long SEED = 11;
    /** The producer looks for answers this often while one is outstanding. */
    private static final long ANSWER_POLL_NS = 100_000L;
    private static final long LIVENESS_CHECK_NS = 100_000_000L;
    private static final long RSS_SAMPLE_NS = 10_000_000_000L;
    private static final long PROGRESS_NS = 60_000_000_000L;
    /** After the last frame, answers still in flight get this long to arrive. */
    private static final long DRAIN_NS = 2_000_000_000L;
    private static final Pattern PLANNER_ALLOCATION = Pattern.compile("alloc_bytes_per_tick (.*)$");

    private final SoakConfig config;
    private final PrintStream progress;

    private long startNs;
    private long measureStartNs;
    private long endNs;
    private boolean measured;
    private long awaited;
    private long slotsSkipped;
    private long maxLatenessNs;
    private boolean died;
    private double diedAfterS = Double.NaN;
    private int boundaryGcId = -1;
    private double boundaryUptimeS;
    private long heapAfterGcStart = SoakReport.NOT_MEASURED;
    private long rssStart = SoakReport.NOT_MEASURED;
    private long rssEnd = SoakReport.NOT_MEASURED;
    private long rssMax = SoakReport.NOT_MEASURED;
    private ClassHistogram histogramAtWarmupEnd;
    private ClassHistogram histogramAtEnd;
    private GcLog logBeforeFinalGc;
    private GcLog logAfterFinalGc;
    private final Map<WmrtCounter, Long> counters = new EnumMap<>(WmrtCounter.class);

    /**
     * @param progress where a line of progress goes every minute.
     */
    public Soak(final SoakConfig config, final PrintStream progress)
    {
        if (!config.concluded())
        {
            throw new IllegalStateException("conclude() the SoakConfig first");
        }
        this.config = config;
        this.progress = progress;
    }

    /**
     * Run the soak to its end, or until the runtime dies.
     *
     * @throws IOException when the runtime could not be started or never made its instance directory ready.
     */
    public SoakReport run() throws IOException, InterruptedException
    {
        Files.createDirectories(config.outDir());
        final RuntimeProcess runtime = RuntimeProcess.start(config);
        final Thread stopOnExit = new Thread(() -> stopQuietly(runtime), "wmrt-soak-stop-runtime");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        final SceneStream stream;
        final AnswerTracker answers;
        try
        {
            try (BusDirectory bus = runtime.awaitBus(config.startTimeoutNs()))
            {
                answers = new AnswerTracker();
                final TrajectoryReader reader = new TrajectoryReader(bus);
                stream = new SceneStream(bus, new SoakTraffic(config.periodNs() / 1e9, SEED), config.periodNs(), SEED);
                drive(runtime, stream, reader, answers);
                finish(runtime, bus, stream, reader, answers);
            }
        }
        finally
        {
            runtime.stop();
            try
            {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            }
            catch (final IllegalStateException ex)
            {
                // Already shutting down: the hook stops the runtime.
            }
        }
        return report(runtime, stream, answers);
    }

    /**
     * Write the report as JSON into the output directory, with the verdict's failures.
     *
     * @return the file written.
     */
    public static Path write(final SoakReport report, final List<String> failures, final Path outDir)
        throws IOException
    {
        final Path file = outDir.resolve(REPORT_FILE);
        AtomicFiles.write(file, report.toJson(failures).getBytes(StandardCharsets.UTF_8), false);
        return file;
    }

    private void drive(
        final RuntimeProcess runtime, final SceneStream stream, final TrajectoryReader reader,
        final AnswerTracker answers) throws IOException, InterruptedException
    {
        final long periodNs = config.periodNs();
        final int badEvery = config.badEvery();
        startNs = System.nanoTime();
        final long warmupEndNs = startNs + config.warmupNs();
        endNs = startNs + config.durationNs();
        long slot = 0;
        long nextFrameNs = startNs;
        long nextBadNs = Long.MAX_VALUE;
        long badSlot = 0;
        long nextLivenessNs = startNs;
        long nextRssNs = Long.MAX_VALUE;
        long nextProgressNs = startNs + PROGRESS_NS;
        boolean resync = false;

        while (true)
        {
            long now = System.nanoTime();
            if (now - nextLivenessNs >= 0)
            {
                nextLivenessNs = now + LIVENESS_CHECK_NS;
                if (!runtime.alive())
                {
                    died = true;
                    diedAfterS = (now - startNs) / 1e9;
                    return;
                }
            }
            if (!measured && now - warmupEndNs >= 0)
            {
                beginMeasuring(runtime, stream, answers);
                resync = true;
                now = System.nanoTime();
                nextRssNs = now + RSS_SAMPLE_NS;
            }
            if (now - endNs >= 0)
            {
                return;
            }

            if (now - nextFrameNs >= 0)
            {
                final long behind = (now - nextFrameNs) / periodNs;
                if (behind > 0)
                {
                    // Woken more than a period late (the forced GC, a stalled machine): skip, never burst.
                    slot += behind;
                    if (!resync)
                    {
                        slotsSkipped += behind;
                    }
                }
                else if (measured && !resync)
                {
                    maxLatenessNs = Math.max(maxLatenessNs, now - nextFrameNs);
                }
                resync = false;
                final long sequence = stream.writeValid(slot);
                if (sequence > 0)
                {
                    answers.expect(sequence, AnswerTracker.VALID, System.nanoTime());
                    awaited = sequence;
                }
                slot++;
                nextFrameNs = startNs + slot * periodNs;
                if (badEvery > 0 && slot % badEvery == 0)
                {
                    // Half a period after the frame, or a quarter after it was written when that was late.
                    badSlot = slot - 1;
                    nextBadNs = Math.max(nextFrameNs - periodNs / 2, System.nanoTime() + periodNs / 4);
                }
            }
            if (now - nextBadNs >= 0)
            {
                nextBadNs = Long.MAX_VALUE;
                // So close to the next frame that the runtime could take both in one poll and supersede one of
                // them: left out.
                final MalformedKind kind = nextFrameNs - now >= periodNs / 4 ? stream.writeMalformed(badSlot) : null;
                if (null != kind && !kind.record())
                {
                    answers.expect(stream.lastSequence(),
                        kind.planned() ? AnswerTracker.BAD_AGENT : AnswerTracker.REJECTED, System.nanoTime());
                    if (kind.planned())
                    {
                        awaited = stream.lastSequence();
                    }
                }
            }

            while (reader.poll(answers) > 0)
            {
                // drain every answer published so far
            }

            if (measured && now - nextRssNs >= 0)
            {
                nextRssNs = now + RSS_SAMPLE_NS;
                rssMax = Math.max(rssMax, runtime.rssBytes());
            }
            if (now - nextProgressNs >= 0)
            {
                nextProgressNs = now + PROGRESS_NS;
                progress.printf(Locale.ROOT, "[%5.1f min] %d frames written, %d answered, RSS %.1f MiB%n",
                    (now - startNs) / 60e9, stream.validWritten(), answers.validAnswered(),
                    runtime.rssBytes() / 1048576.0);
            }

            long wakeNs = Math.min(nextFrameNs, Math.min(nextBadNs, nextLivenessNs));
            if (awaited > 0 && !answers.answered(awaited))
            {
                wakeNs = Math.min(wakeNs, System.nanoTime() + ANSWER_POLL_NS);
            }
            final long sleepNs = wakeNs - System.nanoTime();
            if (sleepNs > 0)
            {
                LockSupport.parkNanos(sleepNs);
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException("soak interrupted");
            }
        }
    }

    /**
     * The end of warm-up: a GC the soak asks for, so that the heap after GC and the RSS are read from a clean
     * start and any later GC is the runtime's own; latencies count from the next frame.
     */
    private void beginMeasuring(final RuntimeProcess runtime, final SceneStream stream, final AnswerTracker answers)
        throws IOException, InterruptedException
    {
        runtime.forceGc();
        final GcLog log = GcLog.read(runtime.gcLog());
        boundaryGcId = log.lastGcId();
        boundaryUptimeS = log.lastUptimeS();
        if (!log.pauses().isEmpty())
        {
            heapAfterGcStart = log.pauses().get(log.pauses().size() - 1).heapAfterBytes();
        }
        histogramAtWarmupEnd = runtime.classHistogram();
        rssStart = runtime.rssBytes();
        rssMax = rssStart;
        answers.measureFrom(stream.lastSequence() + 1);
        measureStartNs = System.nanoTime();
        measured = true;
    }

    private void finish(
        final RuntimeProcess runtime, final BusDirectory bus, final SceneStream stream, final TrajectoryReader reader,
        final AnswerTracker answers) throws IOException, InterruptedException
    {
        final long drainUntil = System.nanoTime() + DRAIN_NS;
        while (!died && awaited > 0 && System.nanoTime() - drainUntil < 0 && !answers.answered(awaited))
        {
            while (reader.poll(answers) > 0)
            {
                // drain
            }
            LockSupport.parkNanos(ANSWER_POLL_NS);
        }
        while (reader.poll(answers) > 0)
        {
            // and whatever came with the last one
        }
        answers.finish();
        endNs = System.nanoTime();

        rssEnd = runtime.rssBytes();
        rssMax = Math.max(rssMax, rssEnd);
        logBeforeFinalGc = GcLog.read(runtime.gcLog());
        histogramAtEnd = runtime.classHistogram();
        for (final WmrtCounter counter : WmrtCounter.values())
        {
            counters.put(counter, bus.counter(counter).get());
        }
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(errors, true, StandardCharsets.UTF_8))
        {
            if (0 == ErrorLog.print(bus, out))
            {
                out.println("no errors recorded");
            }
        }
        Files.write(config.outDir().resolve(ERRORS_FILE), errors.toByteArray());
        if (!died)
        {
            runtime.forceGc();
        }
        logAfterFinalGc = GcLog.read(runtime.gcLog());
    }

    private SoakReport report(final RuntimeProcess runtime, final SceneStream stream, final AnswerTracker answers)
    {
        final SoakReport.Setup setup = new SoakReport.Setup(config.profileName(), config.modelName(),
            config.rateHz(), config.deadlineNs(), config.injectsFaults() ? config.faults() : SoakConfig.NO_FAULTS,
            config.badEvery(), config.durationNs() / 1e9, config.warmupNs() / 1e9, measured ? (endNs - measureStartNs) / 1e9 : 0,
            config.heapMiB(), config.rssGrowthBoundBytes());

        final Map<String, Long> malformed = new LinkedHashMap<>();
        final Map<WmrtCounter, Long> expected = new EnumMap<>(WmrtCounter.class);
        for (final MalformedKind kind : MalformedKind.values())
        {
            final long written = stream.malformedWritten(kind);
            malformed.put(kind.name(), written);
            expected.merge(kind.counter(), written, Long::sum);
        }
        final SoakReport.Stream frames = new SoakReport.Stream(stream.validWritten(), answers.validAnswered(),
            answers.validUnanswered(), counters.getOrDefault(WmrtCounter.SCENES_DROPPED, 0L), answers.plannedModes(),
            answers.badAgentUnanswered(), answers.rejectedAnswered(), malformed, slotsSkipped, maxLatenessNs,
            stream.ringFull());

        final SoakReport.RuntimeEnd end = new SoakReport.RuntimeEnd(runtime.pid(), died, runtime.exitCode(),
            diedAfterS, plannerAllocation(runtime), died ? runtime.outputTail(30) : "");
        return new SoakReport(setup, frames, answers.tickLatency(), answers.roundTripLatency(), gc(),
            new SoakReport.Rss(rssStart, rssEnd, rssMax), end, counters, expected);
    }

    private SoakReport.Gc gc()
    {
        long afterCount = 0;
        long afterPauseNs = 0;
        long overallCount = 0;
        long overallPauseNs = 0;
        final List<String> pausesAfter = new ArrayList<>();
        for (final GcLog.Pause pause : logBeforeFinalGc.pauses())
        {
            if (pause.requestedByDiagnosticCommand())
            {
                continue;
            }
            overallCount++;
            overallPauseNs += pause.pauseNs();
            if (measured && pause.id() > boundaryGcId)
            {
                afterCount++;
                afterPauseNs += pause.pauseNs();
                pausesAfter.add(String.format(Locale.ROOT, "GC(%d) at %.1f s: %s, %.1f to %.1f MiB, %.3f ms",
                    pause.id(), pause.uptimeS(), pause.name(), pause.heapBeforeBytes() / 1048576.0,
                    pause.heapAfterBytes() / 1048576.0, pause.pauseNs() / 1e6));
            }
        }
        long forced = 0;
        for (final GcLog.Pause pause : logAfterFinalGc.pauses())
        {
            if (pause.requestedByDiagnosticCommand())
            {
                forced++;
            }
        }

        long heapAfterEnd = SoakReport.NOT_MEASURED;
        long heapGrowth = SoakReport.NOT_MEASURED;
        final List<GcLog.Pause> finalPauses = new ArrayList<>();
        for (final GcLog.Pause pause : logAfterFinalGc.pauses())
        {
            if (pause.id() > logBeforeFinalGc.lastGcId())
            {
                finalPauses.add(pause);
            }
        }
        if (!finalPauses.isEmpty())
        {
            heapAfterEnd = finalPauses.get(finalPauses.size() - 1).heapAfterBytes();
            if (heapAfterGcStart >= 0)
            {
                heapGrowth = finalPauses.get(0).heapBeforeBytes() - heapAfterGcStart;
            }
        }

        long safepoints = 0;
        long safepointNs = 0;
        GcLog.Safepoint longest = null;
        if (measured)
        {
            for (final GcLog.Safepoint safepoint : logBeforeFinalGc.safepoints())
            {
                if (safepoint.uptimeS() > boundaryUptimeS)
                {
                    safepoints++;
                    safepointNs += safepoint.totalNs();
                    if (null == longest || safepoint.totalNs() > longest.totalNs())
                    {
                        longest = safepoint;
                    }
                }
            }
        }
        return new SoakReport.Gc(afterCount, afterPauseNs, overallCount, overallPauseNs, forced, heapAfterGcStart,
            heapAfterEnd, heapGrowth, safepoints, safepointNs, null == longest ? 0 : longest.totalNs(),
            null == longest ? "" : String.format(Locale.ROOT, "%.3f ms (%s at %.1f s)", longest.totalNs() / 1e6,
                longest.operation(), longest.uptimeS()),
            pausesAfter, allocatedAfterWarmup(afterCount));
    }

    /**
     * The heap's growth by class between the histograms at the end of warm-up and at the end, all of it in
     * {@link #ALLOCATIONS_FILE}, the largest in the report.
     */
    private List<String> allocatedAfterWarmup(final long gcsBetween)
    {
        final List<String> lines = new ArrayList<>();
        if (null == histogramAtWarmupEnd || null == histogramAtEnd)
        {
            lines.add("not measured: no class histogram from jcmd");
        }
        else if (gcsBetween > 0)
        {
            lines.add("not measured: a GC ran between the two class histograms");
        }
        else
        {
            for (final ClassHistogram.Growth growth : histogramAtEnd.growthSince(histogramAtWarmupEnd))
            {
                lines.add(growth.toString());
            }
        }
        try
        {
            Files.write(config.outDir().resolve(ALLOCATIONS_FILE), lines, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            lines.add("(" + ALLOCATIONS_FILE + " not written: " + ex.getMessage() + ")");
        }
        return List.copyOf(lines.subList(0, Math.min(lines.size(), ALLOCATIONS_REPORTED)));
    }

    /**
     * @return the runtime's own account of the planner thread's allocation, from the line it prints on exit.
     */
    private static String plannerAllocation(final RuntimeProcess runtime)
    {
        try
        {
            for (final String line : Files.readAllLines(runtime.runLog(), StandardCharsets.UTF_8))
            {
                final Matcher matcher = PLANNER_ALLOCATION.matcher(line);
                if (matcher.find())
                {
                    return "planner alloc_bytes_per_tick " + matcher.group(1);
                }
            }
        }
        catch (final IOException ex)
        {
            return "planner allocation not reported (" + ex.getMessage() + ")";
        }
        return "planner allocation not reported";
    }

    private static void stopQuietly(final RuntimeProcess runtime)
    {
        try
        {
            runtime.stop();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
