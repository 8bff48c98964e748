package io.wmrt.bench;

import org.openjdk.jmh.annotations.Param;

/**
 * {@link TickBenchmark}'s full tick with and without the planner publishing every candidate it weighed, with its
 * costs, on the candidates broadcast ({@code wmrt run --debug-candidates}), for the baseline and the int8
 * student: what the option costs a tick, in one run. Not part of the gate (run-gate.sh excludes it); the README
 * quotes it:
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -jar bench/target/benchmarks.jar \
 *     DebugCandidatesTickBenchmark -p backend=ort-native -f 3 -prof gc
 * </pre>
 */
public class DebugCandidatesTickBenchmark extends TickBenchmark
{
    @Param({"false", "true"})
    public boolean debug;

    /** A package directory name under models/. */
    @Param({"cv-baseline", "wm-student-int8"})
    public String model;

    @Override
    protected boolean debugCandidates()
    {
        return debug;
    }

    @Override
    protected String modelName()
    {
        return model;
    }
}
