package io.wmrt.bench;

import org.openjdk.jmh.annotations.Param;

/**
 * {@link TickBenchmark}'s full planning tick with another model package: the same scene, planner and bus,
 * the package's own encoder and rollout graphs. This is where a model's CPU time per tick is measured,
 * with everything the runtime does around it; run a package that is not in the list with
 * {@code -p model=<name>}:
 * <pre>
 * java --add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -jar bench/target/benchmarks.jar ModelTickBenchmark \
 *     -p backend=ort-native -p model=cv-baseline-int8,wm-student-int8
 * </pre>
 */
public class ModelTickBenchmark extends TickBenchmark
{
    /**
     * A package directory name under models/. The two students are here for the gate: int8 against float32 in
     * the same run ({@code ratio.student_int8_over_fp32} in gate-baseline.properties).
     */
    @Param({"cv-baseline-int8", "wm-student", "wm-student-int8"})
    public String model;

    @Override
    protected String modelName()
    {
        return model;
    }
}
