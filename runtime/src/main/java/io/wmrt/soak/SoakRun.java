package io.wmrt.soak;

import io.wmrt.bus.BusDirectory;
import io.wmrt.bus.TrajectoryReader;
import io.wmrt.telemetry.ErrorLog;
import io.wmrt.telemetry.WmrtCounter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * One soak in progress against a started runtime: the producer's schedule (a valid frame per slot at
 * {@code start + slot * period}, never drifting and never bursting after a late wake-up; a malformed item half
 * a period after every K-th), the warm-up boundary, and the figures gathered at the end.
 * <p>
 * Not thread safe: {@link #drive()}, {@link #finish()} and {@link #report()} once each, in that order, on one
 * thread.
 */
final class SoakRun
{
    static final String ERRORS_FILE = "errors.txt";
    static final String ALLOCATIONS_FILE = "allocated-after-warmup.txt";

    private static final long SEED = 11;
    /** The producer looks for answers this often while one is outstanding. */
    private static final long ANSWER_POLL_NS = 100_000L;
    private static final long LIVENESS_CHECK_NS = 100_000_000L;
    private static final long RSS_SAMPLE_NS = 10_000_000_000L;
    private static final long PROGRESS_NS = 60_000_000_000L;
    /** After the last frame, answers still in flight get this long to arrive. */
    private static final long DRAIN_NS = 2_000_000_000L;
    /** Classes listed in the report; the file has them all. */
    private static final int ALLOCATIONS_REPORTED = 12;
    private static final Pattern PLANNER_ALLOCATION = Pattern.compile("alloc_bytes_per_tick (.*)$");

    private final SoakConfig config;
    private final RuntimeProcess runtime;
    private final BusDirectory bus;
    private final PrintStream progress;
    private final SceneStream stream;
    private final TrajectoryReader reader;
    private final AnswerTracker answers = new AnswerTracker();
    private final long periodNs;
    private final Map<WmrtCounter, Long> counters = new EnumMap<>(WmrtCounter.class);

    // The schedule.
    private long startNs;
    private long warmupEndNs;
    private long endNs;
    private long slot;
    private long nextFrameNs;
    private long nextMalformedNs = Long.MAX_VALUE;
    private long malformedSlot;
    private long nextLivenessNs;
    private long nextRssNs = Long.MAX_VALUE;
    private long nextProgressNs;
    /** The next frame is the first after a stall the soak caused itself: its lateness is not the producer's. */
    private boolean resync;
    /** The last frame written that must be answered. */
    private long awaited;

    // What was measured.
    private boolean measured;
    private long measureStartNs;
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

    SoakRun(final SoakConfig config, final RuntimeProcess runtime, final BusDirectory bus, final PrintStream progress)
    {
        this.config = config;
        this.runtime = runtime;
        this.bus = bus;
        this.progress = progress;
        periodNs = config.periodNs();
        // Made before the first frame, so that it sees every answer.
        reader = new TrajectoryReader(bus);
        stream = new SceneStream(bus, new SoakTraffic(periodNs / 1e9, SEED), periodNs, SEED);
    }

    /**
     * Feed the runtime and read its answers until the end of the run, or until it dies.
     */
    void drive() throws IOException, InterruptedException
    {
        if (!primed())
        {
            return;
        }
        // Slot 0 is answered: the schedule starts now, with slot 1.
        startNs = System.nanoTime() - periodNs;
        slot = 1;
        warmupEndNs = startNs + config.warmupNs();
        endNs = startNs + config.durationNs();
        nextFrameNs = startNs + periodNs;
        nextLivenessNs = startNs;
        nextProgressNs = startNs + PROGRESS_NS;
        while (true)
        {
            final long now = System.nanoTime();
            if (runtimeDied(now))
            {
                return;
            }
            if (!measured && now - warmupEndNs >= 0)
            {
                beginMeasuring();
                continue;
            }
            if (now - endNs >= 0)
            {
                return;
            }
            writeFrameWhenDue(now);
            writeMalformedWhenDue(now);
            drainAnswers();
            sampleRssWhenDue(now);
            printProgressWhenDue(now);
            sleepUntilNextEvent();
        }
    }

    /**
     * Write the first frame and wait for its answer: the runtime's first tick loads classes and warms ONNX
     * Runtime, and frames scheduled behind it would only be superseded.
     *
     * @return false when the runtime died or did not answer within the start timeout.
     */
    private boolean primed() throws InterruptedException
    {
        final long primeStartNs = System.nanoTime();
        final long sequence = stream.writeValid(0);
        answers.expect(sequence, AnswerTracker.VALID, primeStartNs);
        awaited = sequence;
        while (!answers.answered(sequence))
        {
            final long now = System.nanoTime();
            if (!runtime.alive() || now - primeStartNs > config.startTimeoutNs())
            {
                died = !runtime.alive();
                diedAfterS = died ? 0 : Double.NaN;
                startNs = primeStartNs;
                return false;
            }
            drainAnswers();
            LockSupport.parkNanos(ANSWER_POLL_NS);
        }
        return true;
    }

    private boolean runtimeDied(final long now)
    {
        if (now - nextLivenessNs < 0)
        {
            return false;
        }
        nextLivenessNs = now + LIVENESS_CHECK_NS;
        if (runtime.alive())
        {
            return false;
        }
        died = true;
        diedAfterS = (now - startNs) / 1e9;
        return true;
    }

    /**
     * The end of warm-up: a GC the soak asks for, so that the heap after GC, the class histogram and the RSS
     * are read from a clean start and any later GC is the runtime's own; latencies count from the next frame.
     */
    private void beginMeasuring() throws IOException, InterruptedException
    {
        runtime.forceGc();
        histogramAtWarmupEnd = runtime.classHistogram();
        // Read after both requests, so that their safepoints count as warm-up.
        final GcLog log = GcLog.read(runtime.gcLog());
        boundaryGcId = log.lastGcId();
        boundaryUptimeS = log.lastUptimeS();
        if (!log.pauses().isEmpty())
        {
            heapAfterGcStart = log.pauses().get(log.pauses().size() - 1).heapAfterBytes();
        }
        rssStart = runtime.rssBytes();
        rssMax = rssStart;
        answers.measureFrom(stream.lastSequence() + 1);
        measureStartNs = System.nanoTime();
        nextRssNs = measureStartNs + RSS_SAMPLE_NS;
        measured = true;
        resync = true;
    }

    private void writeFrameWhenDue(final long now)
    {
        if (now - nextFrameNs < 0)
        {
            return;
        }
        final long behind = (now - nextFrameNs) / periodNs;
        if (behind > 0)
        {
            // Woken more than a period late (a stalled machine, the soak's own GC request): skip, never burst.
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
        // A malformed item still waiting belongs between the previous frame and this one: too late for it now.
        nextMalformedNs = Long.MAX_VALUE;
        final long sequence = stream.writeValid(slot);
        if (sequence > 0)
        {
            answers.expect(sequence, AnswerTracker.VALID, System.nanoTime());
            awaited = sequence;
        }
        slot++;
        nextFrameNs = startNs + slot * periodNs;
        if (config.badEvery() > 0 && slot % config.badEvery() == 0)
        {
            // Half a period after the frame, or a quarter after it was written when that was late.
            malformedSlot = slot - 1;
            nextMalformedNs = Math.max(nextFrameNs - periodNs / 2, System.nanoTime() + periodNs / 4);
        }
    }

    private void writeMalformedWhenDue(final long now)
    {
        if (now - nextMalformedNs < 0)
        {
            return;
        }
        nextMalformedNs = Long.MAX_VALUE;
        if (nextFrameNs - now < periodNs / 4)
        {
            // So close to the next frame that the runtime could take both in one poll and supersede one: left out.
            return;
        }
        final MalformedKind kind = stream.writeMalformed(malformedSlot);
        if (null == kind || kind.record())
        {
            return;
        }
        answers.expect(stream.lastSequence(), kind.planned() ? AnswerTracker.BAD_AGENT : AnswerTracker.REJECTED,
            System.nanoTime());
        if (kind.planned())
        {
            awaited = stream.lastSequence();
        }
    }

    private void drainAnswers()
    {
        while (reader.poll(answers) > 0)
        {
            // every answer published so far
        }
    }

    private void sampleRssWhenDue(final long now)
    {
        if (now - nextRssNs >= 0)
        {
            nextRssNs = now + RSS_SAMPLE_NS;
            rssMax = Math.max(rssMax, runtime.rssBytes());
        }
    }

    private void printProgressWhenDue(final long now)
    {
        if (now - nextProgressNs >= 0)
        {
            nextProgressNs = now + PROGRESS_NS;
            progress.printf(Locale.ROOT, "[%5.1f min] %d frames written, %d answered, RSS %.1f MiB%n",
                (now - startNs) / 60e9, stream.validWritten(), answers.validAnswered(),
                runtime.rssBytes() / 1048576.0);
        }
    }

    private void sleepUntilNextEvent() throws InterruptedException
    {
        long wakeNs = Math.min(nextFrameNs, Math.min(nextMalformedNs, nextLivenessNs));
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

    /**
     * The end of the run: the last answers, RSS, the GC log, the class histogram, every counter and the error
     * log, then a GC the soak asks for, for the heap after GC at the end. The runtime is still running.
     */
    void finish() throws IOException, InterruptedException
    {
        final long drainUntil = System.nanoTime() + DRAIN_NS;
        while (!died && awaited > 0 && System.nanoTime() - drainUntil < 0 && !answers.answered(awaited))
        {
            drainAnswers();
            LockSupport.parkNanos(ANSWER_POLL_NS);
        }
        drainAnswers();
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
        writeErrorLog();
        if (!died)
        {
            runtime.forceGc();
        }
        logAfterFinalGc = GcLog.read(runtime.gcLog());
    }

    private void writeErrorLog() throws IOException
    {
        final ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(errors, true, StandardCharsets.UTF_8))
        {
            if (0 == ErrorLog.print(bus, out))
            {
                out.println("no errors recorded");
            }
        }
        Files.write(config.outDir().resolve(ERRORS_FILE), errors.toByteArray());
    }

    /**
     * @return what was measured; call after the runtime was stopped, so that its exit code and its own report
     * of the planner's allocation are known.
     */
    SoakReport report()
    {
        final SoakReport.Setup setup = new SoakReport.Setup(config.profileName(), config.modelName(),
            config.rateHz(), config.deadlineNs(), config.injectsFaults() ? config.faults() : SoakConfig.NO_FAULTS,
            config.badEvery(), config.durationNs() / 1e9, config.warmupNs() / 1e9,
            measured ? (endNs - measureStartNs) / 1e9 : 0, config.heapMiB(), config.rssGrowthBoundBytes());
        final SoakReport.RuntimeEnd end = new SoakReport.RuntimeEnd(runtime.pid(), died, runtime.exitCode(),
            diedAfterS, plannerAllocation(), died ? runtime.outputTail(30) : "");
        final Map<WmrtCounter, Long> expected = new EnumMap<>(WmrtCounter.class);
        for (final MalformedKind kind : MalformedKind.values())
        {
            expected.merge(kind.counter(), stream.malformedWritten(kind), Long::sum);
        }
        return new SoakReport(setup, frames(), answers.tickLatency(), answers.roundTripLatency(), gc(),
            new SoakReport.Rss(rssStart, rssEnd, rssMax), end, counters, expected);
    }

    private SoakReport.Stream frames()
    {
        final Map<String, Long> malformed = new LinkedHashMap<>();
        for (final MalformedKind kind : MalformedKind.values())
        {
            malformed.put(kind.name(), stream.malformedWritten(kind));
        }
        return new SoakReport.Stream(stream.validWritten(), answers.validAnswered(), answers.validUnanswered(),
            counters.getOrDefault(WmrtCounter.SCENES_DROPPED, 0L), answers.plannedModes(),
            answers.badAgentUnanswered(), answers.rejectedAnswered(), malformed, slotsSkipped, maxLatenessNs,
            stream.ringFull());
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
        final List<GcLog.Pause> finalPauses = new ArrayList<>();
        for (final GcLog.Pause pause : logAfterFinalGc.pauses())
        {
            forced += pause.requestedByDiagnosticCommand() ? 1 : 0;
            if (pause.id() > logBeforeFinalGc.lastGcId())
            {
                finalPauses.add(pause);
            }
        }
        long heapAfterEnd = SoakReport.NOT_MEASURED;
        long heapGrowth = SoakReport.NOT_MEASURED;
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
        for (final GcLog.Safepoint safepoint : logBeforeFinalGc.safepoints())
        {
            if (measured && safepoint.uptimeS() > boundaryUptimeS)
            {
                safepoints++;
                safepointNs += safepoint.totalNs();
                longest = null == longest || safepoint.totalNs() > longest.totalNs() ? safepoint : longest;
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
    private String plannerAllocation()
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
}
