package io.wmrt.backend;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A QNN provider for a machine without one. It records what it was given; when the session options ask for an
 * EP context model it writes one where ONNX Runtime would, refusing as ONNX Runtime does when the file exists.
 * The "context model" is the original graph, so that the sessions it hands out, real ONNX Runtime CPU sessions,
 * run it: loading a damaged one fails as ONNX Runtime fails on a damaged model.
 */
final class FakeQnnProvider implements OrtQnnProvider
{
    static final String PLUGIN_PATH = "/opt/qairt/lib/libonnxruntime_providers_qnn.so";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    String onnxRuntimeVersion = "1.24.1";
    /** Where the plugin registers from; the QNN backend library is looked for beside it. */
    String pluginPath = PLUGIN_PATH;
    boolean builtIn;
    /** Null: the plugin registers from {@link #PLUGIN_PATH}; else why it does not. */
    String pluginMissing;
    List<Device> devices = List.of(
        new Device(0, "CPUExecutionProvider", "", "CPU", "AMD"),
        new Device(1, EP_NAME, "2.3.0", "NPU", "Qualcomm"));
    /** A message to refuse every context model with, as QNN refuses one compiled by another SDK. */
    String refuseContext;
    /** A message to fail every compilation with. */
    String failCompile;

    final List<String> calls = new ArrayList<>();
    final List<Map<String, String>> providerOptions = new ArrayList<>();
    final List<Map<String, String>> sessionEntries = new ArrayList<>();
    Device addedDevice;

    public String onnxRuntimeVersion()
    {
        return onnxRuntimeVersion;
    }

    public boolean hasBuiltInQnn()
    {
        return builtIn;
    }

    public String registerPlugin(final String library) throws OrtException
    {
        calls.add("register " + library);
        if (null != pluginMissing)
        {
            throw new OrtException(pluginMissing);
        }
        return pluginPath;
    }

    public List<Device> devices()
    {
        return devices;
    }

    public void addPlugin(
        final OrtSession.SessionOptions options, final Device device, final Map<String, String> given)
    {
        calls.add("addPlugin " + device.deviceType());
        addedDevice = device;
        providerOptions.add(new LinkedHashMap<>(given));
    }

    public void addBuiltIn(final OrtSession.SessionOptions options, final Map<String, String> given)
    {
        calls.add("addBuiltIn");
        providerOptions.add(new LinkedHashMap<>(given));
    }

    public OrtSession createSession(final byte[] model, final OrtSession.SessionOptions options)
        throws OrtException
    {
        final Map<String, String> entries = options.getConfigEntries();
        sessionEntries.add(new LinkedHashMap<>(entries));
        if ("1".equals(entries.get(QnnProviderOptions.CONTEXT_ENABLE)))
        {
            final Path ctx = Path.of(entries.get(QnnProviderOptions.CONTEXT_FILE_PATH));
            calls.add("compile " + ctx.getFileName());
            if (null != failCompile)
            {
                throw new OrtException(failCompile);
            }
            if (Files.exists(ctx))
            {
                throw new OrtException("Failed to generate EP context model since the file '" + ctx +
                    "' exists already.");
            }
            try
            {
                Files.write(ctx, model);
            }
            catch (final IOException ex)
            {
                throw new OrtException("cannot write " + ctx + ": " + ex);
            }
        }
        else
        {
            calls.add("session from bytes");
        }
        return env.createSession(model);
    }

    public OrtSession createSession(final Path model, final OrtSession.SessionOptions options) throws OrtException
    {
        sessionEntries.add(new LinkedHashMap<>(options.getConfigEntries()));
        calls.add("load " + model.getFileName());
        if (null != refuseContext)
        {
            throw new OrtException(refuseContext);
        }
        return env.createSession(model.toString());
    }

    long count(final String prefix)
    {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }
}
