package io.wmrt.soak;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runtime JVM's GC log and class histograms as JDK 17 writes them (lines copied from a soak's gc.log and
 * jcmd's output), read back into the figures the soak reports.
 */
class GcLogTest
{
    private static final List<String> LOG = List.of(
        "[0.013s][info][gc] Using Parallel",
        "[1.906s][info][safepoint   ] Safepoint \"Cleanup\", Time since last: 1148627227 ns, Reaching safepoint: " +
            "1387 ns, Cleanup: 115356 ns, At safepoint: 13282 ns, Total: 130025 ns",
        "[10.322s][info][gc,start    ] GC(0) Pause Young (Allocation Failure)",
        "[10.326s][info][gc,heap     ] GC(0) PSYoungGen: 22549K(76288K)->3327K(76288K) Eden: 22549K(65536K)->0K" +
            "(65536K) From: 0K(10752K)->3327K(10752K)",
        "[10.326s][info][gc,heap     ] GC(0) ParOldGen: 0K(175104K)->16K(175104K)",
        "[10.326s][info][gc,metaspace] GC(0) Metaspace: 7638K(7808K)->7638K(7808K) NonClass: 6864K(6976K)->6864K" +
            "(6976K) Class: 773K(832K)->773K(832K)",
        "[10.326s][info][gc          ] GC(0) Pause Young (Allocation Failure) 22M->3M(245M) 3.935ms",
        "[10.326s][info][gc,cpu      ] GC(0) User=0.01s Sys=0.00s Real=0.00s",
        "[10.326s][info][gc,start    ] GC(1) Pause Full (Diagnostic Command)",
        "[10.331s][info][gc,phases      ] GC(1) Marking Phase 4.214ms",
        "[10.345s][info][gc,heap        ] GC(1) PSYoungGen: 3327K(76288K)->0K(76288K) Eden: 0K(65536K)->0K" +
            "(65536K) From: 3327K(10752K)->0K(10752K)",
        "[10.345s][info][gc,heap        ] GC(1) ParOldGen: 16K(175104K)->3287K(175104K)",
        "[10.345s][info][gc             ] GC(1) Pause Full (Diagnostic Command) 3M->3M(245M) 18.263ms",
        "[12.369s][info][safepoint   ] Safepoint \"ParallelGCSystemGC\", Time since last: 6456590897 ns, Reaching " +
            "safepoint: 5858 ns, Cleanup: 7279 ns, At safepoint: 564351 ns, Total: 577488 ns",
        "[13.000s][info][gc] GC(2) Pause Young (Allocation Failure) 70M->4M(245M) 2.5ms");

    @Test
    void shouldReadEveryPauseWithItsHeapToTheKibWhenTheCollectorLogsGenerations()
    {
        final GcLog log = GcLog.parse(LOG);
        assertEquals(3, log.pauses().size());
        final GcLog.Pause young = log.pauses().get(0);
        assertEquals(0, young.id());
        assertEquals("Pause Young (Allocation Failure)", young.name());
        assertEquals((22549L + 0) * 1024, young.heapBeforeBytes());
        assertEquals((3327L + 16) * 1024, young.heapAfterBytes());
        assertEquals(3_935_000L, young.pauseNs());
        assertFalse(young.requestedByDiagnosticCommand());

        final GcLog.Pause full = log.pauses().get(1);
        assertTrue(full.requestedByDiagnosticCommand());
        assertEquals(3287L * 1024, full.heapAfterBytes());
        assertEquals(18_263_000L, full.pauseNs());
        assertEquals(10.345, full.uptimeS(), 1e-9);
    }

    @Test
    void shouldFallBackToThePauseLinesRoundedHeapWhenNoGenerationIsLogged()
    {
        final GcLog.Pause pause = GcLog.parse(LOG).pauses().get(2);
        assertEquals(70L << 20, pause.heapBeforeBytes());
        assertEquals(4L << 20, pause.heapAfterBytes());
        assertEquals(2, GcLog.parse(LOG).lastGcId());
    }

    @Test
    void shouldReadEverySafepointWithItsTotalTime()
    {
        final GcLog log = GcLog.parse(LOG);
        assertEquals(2, log.safepoints().size());
        assertEquals("Cleanup", log.safepoints().get(0).operation());
        assertEquals(130_025L, log.safepoints().get(0).totalNs());
        assertEquals(577_488L, log.safepoints().get(1).totalNs());
        assertEquals(13.0, log.lastUptimeS(), 1e-9);
    }

    @Test
    void shouldReadAnEmptyLogWhenTheRuntimeHasNotWrittenOneYet(@TempDir final Path tmp) throws Exception
    {
        final GcLog log = GcLog.read(tmp.resolve("gc.log"));
        assertEquals(-1, log.lastGcId());
        assertTrue(log.safepoints().isEmpty());
    }

    @Test
    void shouldListWhatTheHeapGrewByClassBetweenTwoHistograms()
    {
        final ClassHistogram before = ClassHistogram.parse(String.join("\n",
            "4242:",
            " num     #instances         #bytes  class name (module)",
            "-------------------------------------------------------",
            "   1:          1566        1430224  [I (java.base@17.0.15)",
            "   2:         13434         729152  [B (java.base@17.0.15)",
            "   3:            10            400  java.util.LinkedHashMap$Entry (java.base@17.0.15)",
            "Total         15010        2159776"));
        final ClassHistogram after = ClassHistogram.parse(String.join("\n",
            " num     #instances         #bytes  class name (module)",
            "   1:          1570        2728496  [I (java.base@17.0.15)",
            "   2:         13434         729152  [B (java.base@17.0.15)",
            "   3:            42           1680  java.util.LinkedHashMap$Entry (java.base@17.0.15)",
            "   4:            32           1024  ai.onnxruntime.OrtSession$Result",
            "Total         15078        3460352"));
        final List<ClassHistogram.Growth> growth = after.growthSince(before);
        assertEquals(3, growth.size(), growth.toString());
        assertEquals(new ClassHistogram.Growth("[I", 4, 1_298_272), growth.get(0));
        assertTrue(growth.get(0).toString().contains("filler"), growth.get(0).toString());
        assertEquals(new ClassHistogram.Growth("java.util.LinkedHashMap$Entry", 32, 1280), growth.get(1));
        assertEquals("ai.onnxruntime.OrtSession$Result: 32 instances, 1,024 bytes", growth.get(2).toString());
    }
}
