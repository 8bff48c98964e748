package io.wmrt.backend;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtEpDevice;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link OrtQnnProvider} on ONNX Runtime's Java API (1.24): {@code OrtEnvironment.registerExecutionProviderLibrary},
 * {@code getEpDevices}, {@code SessionOptions.addExecutionProvider(List, Map)} for the plugin library, and
 * {@code SessionOptions.addQnn} for a build with QNN compiled in.
 * <p>
 * A plugin library stays registered for the life of the process: ONNX Runtime's environment is one per process,
 * and unregistering is only allowed once every session using the library is released.
 * <p>
 * Safe from any thread: registration is serialised on the class.
 */
final class OnnxRuntimeQnnProvider implements OrtQnnProvider
{
    /** Where the dynamic loader looks after LD_LIBRARY_PATH, on the distributions wmrt targets. */
    private static final List<String> SYSTEM_LIBRARY_DIRS = List.of(
        "/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib",
        "/usr/lib/aarch64-linux-gnu", "/usr/lib/x86_64-linux-gnu");

    /** Library asked for, to the path registered: the environment refuses a second registration of a name. */
    private static final Map<String, String> REGISTERED = new HashMap<>();

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();

    public String onnxRuntimeVersion()
    {
        return env.getVersion();
    }

    public boolean hasBuiltInQnn()
    {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.QNN);
    }

    public String registerPlugin(final String library) throws OrtException
    {
        synchronized (OnnxRuntimeQnnProvider.class)
        {
            final String registered = REGISTERED.get(library);
            if (null != registered)
            {
                return registered;
            }
            if (!REGISTERED.isEmpty())
            {
                throw new OrtException("another QNN plugin library is registered in this process already (" +
                    REGISTERED + "); one process uses one");
            }
            final String ldLibraryPath = System.getenv("LD_LIBRARY_PATH");
            final Path found = findLibrary(library, ldLibraryPath);
            if (null == found)
            {
                // Found here or not at all: ONNX Runtime resolves a bare name against its own library's
                // directory (the jar's extraction dir), not the dynamic loader's search path.
                throw new OrtException(library.indexOf('/') >= 0 ?
                    "not found (no file at " + Path.of(library).toAbsolutePath() + ")" :
                    "not found (searched LD_LIBRARY_PATH=" + (null == ldLibraryPath ? "" : ldLibraryPath) + " and " +
                    String.join(", ", SYSTEM_LIBRARY_DIRS) + ")");
            }
            final String path = found.toString();
            try
            {
                env.registerExecutionProviderLibrary(EP_NAME, path);
            }
            catch (final OrtException ex)
            {
                throw new OrtException("cannot be loaded from " + path + " (" + ex.getMessage() + ")");
            }
            REGISTERED.put(library, path);
            return path;
        }
    }

    public List<Device> devices() throws OrtException
    {
        final List<OrtEpDevice> epDevices = env.getEpDevices();
        final List<Device> devices = new ArrayList<>(epDevices.size());
        for (int i = 0; i < epDevices.size(); i++)
        {
            final OrtEpDevice device = epDevices.get(i);
            final String version = device.getEpMetadata().get("version");
            devices.add(new Device(i, device.getEpName(), null == version ? "" : version,
                device.getDevice().getType().name(), nullToEmpty(device.getDevice().getVendor())));
        }
        return devices;
    }

    public void addPlugin(
        final OrtSession.SessionOptions options, final Device device, final Map<String, String> providerOptions)
        throws OrtException
    {
        final List<OrtEpDevice> epDevices = env.getEpDevices();
        if (device.index() >= epDevices.size() || !epDevices.get(device.index()).getEpName().equals(device.epName()))
        {
            throw new OrtException("ONNX Runtime's device list changed since " + device + " was chosen");
        }
        options.addExecutionProvider(List.of(epDevices.get(device.index())), providerOptions);
    }

    public void addBuiltIn(final OrtSession.SessionOptions options, final Map<String, String> providerOptions)
        throws OrtException
    {
        options.addQnn(providerOptions);
    }

    public OrtSession createSession(final byte[] model, final OrtSession.SessionOptions options) throws OrtException
    {
        return env.createSession(model, options);
    }

    public OrtSession createSession(final Path model, final OrtSession.SessionOptions options) throws OrtException
    {
        return env.createSession(model.toString(), options);
    }

    /**
     * @return the library as a path when it names a file that exists, or a bare file name found in
     *         LD_LIBRARY_PATH or a system library directory; null when not found.
     */
    static Path findLibrary(final String library, final String ldLibraryPath)
    {
        if (library.indexOf('/') >= 0)
        {
            final Path path = Path.of(library).toAbsolutePath();
            return Files.isRegularFile(path) ? path : null;
        }
        final List<String> dirs = new ArrayList<>();
        if (null != ldLibraryPath)
        {
            for (final String dir : ldLibraryPath.split(":"))
            {
                if (!dir.isEmpty())
                {
                    dirs.add(dir);
                }
            }
        }
        dirs.addAll(SYSTEM_LIBRARY_DIRS);
        for (final String dir : dirs)
        {
            final Path candidate = Path.of(dir, library);
            if (Files.isRegularFile(candidate))
            {
                return candidate.toAbsolutePath();
            }
        }
        return null;
    }

    private static String nullToEmpty(final String text)
    {
        return null == text ? "" : text;
    }
}
