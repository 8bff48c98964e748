package io.wmrt.backend;

import io.wmrt.profile.HardwareProfile;

import java.util.ArrayList;
import java.util.List;

/**
 * Every backend this runtime has, built for one hardware profile: the dispatcher chooses among them, and
 * {@code wmrt board-check} reports each. Construction only probes (libraries found, versions accepted); nothing
 * is prepared until a graph is.
 */
public final class Backends
{
    private Backends()
    {
    }

    /**
     * @param faults faults to inject on purpose into every backend ({@link FaultPlan#NONE} to drive for real).
     * @return the backends, NPU ones first when the profile has an NPU (QNN direct, then ONNX Runtime's QNN
     * provider); the caller closes them.
     */
    public static List<Backend> forProfile(final HardwareProfile profile, final FaultPlan faults)
    {
        final int threads = profile.planner().intraOpThreads();
        final List<Backend> backends = new ArrayList<>();
        if (profile.hasNpu())
        {
            backends.add(FaultInjectingBackend.wrap(new QnnDirectBackend(profile.npu(), profile.soc()), faults));
            backends.add(FaultInjectingBackend.wrap(new OrtQnnBackend(profile.soc(), profile.npu(), threads), faults));
        }
        backends.add(FaultInjectingBackend.wrap(new NativeOrtBackend(threads), faults));
        backends.add(FaultInjectingBackend.wrap(new OrtCpuBackend(threads), faults));
        return backends;
    }
}
