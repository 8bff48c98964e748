package io.wmrt.backend;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The ONNX Runtime calls {@link OrtQnnBackend} makes to find and use the QNN execution provider, behind one seam
 * so that tests can stand in for a provider this machine does not have. {@link OnnxRuntimeQnnProvider} makes
 * them on ONNX Runtime.
 * <p>
 * Implementations are safe from any thread.
 */
interface OrtQnnProvider
{
    /**
     * The name the plugin library is registered under; the QNN plugin takes it as its execution provider's name
     * (onnxruntime-qnn, qnn_provider_factory.cc: the factory is created with the registration name).
     */
    String EP_NAME = "QNNExecutionProvider";

    /**
     * One execution provider on one hardware device, as {@code OrtEnvironment.getEpDevices()} lists them.
     *
     * @param index      position in the list, to add the same device to session options.
     * @param epName     execution provider name, e.g. QNNExecutionProvider.
     * @param epVersion  the provider's version (ONNX Runtime adds it to the device metadata from the plugin's
     *                   factory since 1.23), or "" when not given.
     * @param deviceType CPU, GPU or NPU.
     * @param vendor     the hardware device's vendor, for messages.
     */
    record Device(int index, String epName, String epVersion, String deviceType, String vendor)
    {
        public String toString()
        {
            return epName + (epVersion.isEmpty() ? "" : " " + epVersion) + " on " + deviceType +
                (vendor.isEmpty() ? "" : " (" + vendor + ")");
        }
    }

    /**
     * @return ONNX Runtime's version, e.g. 1.24.1.
     */
    String onnxRuntimeVersion();

    /**
     * @return whether this ONNX Runtime has the QNN provider compiled in.
     */
    boolean hasBuiltInQnn();

    /**
     * Register the plugin library under {@link #EP_NAME}, once per process.
     *
     * @param library a file name looked up as the dynamic loader would, or a path.
     * @return the path registered.
     * @throws OrtException when the library cannot be found or loaded; the message says where it was looked for.
     */
    String registerPlugin(String library) throws OrtException;

    /**
     * @return every execution provider and device ONNX Runtime knows, plugins included.
     */
    List<Device> devices() throws OrtException;

    /**
     * Add the plugin's provider on this device, with these provider options.
     */
    void addPlugin(OrtSession.SessionOptions options, Device device, Map<String, String> providerOptions)
        throws OrtException;

    /**
     * Add the QNN provider compiled into ONNX Runtime, with these provider options.
     */
    void addBuiltIn(OrtSession.SessionOptions options, Map<String, String> providerOptions) throws OrtException;

    /**
     * Create a session from model bytes; with the EP context options set, the provider also writes the compiled
     * context model.
     */
    OrtSession createSession(byte[] model, OrtSession.SessionOptions options) throws OrtException;

    /**
     * Create a session from a model file: a compiled context model.
     */
    OrtSession createSession(Path model, OrtSession.SessionOptions options) throws OrtException;
}
