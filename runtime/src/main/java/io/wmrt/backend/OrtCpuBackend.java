package io.wmrt.backend;

import ai.onnxruntime.OrtSession;
import io.wmrt.model.GraphSpec;

/**
 * ONNX Runtime's CPU execution provider: available wherever the ONNX Runtime jar's native library loads.
 */
public final class OrtCpuBackend extends OrtBackend
{
    public static final String ID = "ort-cpu";

    public OrtCpuBackend(final int intraOpThreads)
    {
        super(intraOpThreads);
    }

    public String id()
    {
        return ID;
    }

    public Availability availability()
    {
        return Availability.yes("ONNX Runtime " + env.getVersion() + " CPU execution provider");
    }

    public boolean requiresQuantized()
    {
        return false;
    }

    protected void configure(final OrtSession.SessionOptions options, final GraphSpec graph)
    {
        // The CPU provider is always present; nothing to add.
    }
}
