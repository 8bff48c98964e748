package io.wmrt.hil.sumo;

import io.wmrt.hil.traci.TraciConnection;
import io.wmrt.hil.traci.TraciException;
import io.wmrt.hil.traci.TraciVersion;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A headless {@code sumo} process serving TraCI on a free local port, with its
 * {@link TraciConnection} over 127.0.0.1. {@link #close()} ends the simulation and makes sure the
 * process is gone (TraCI close, then destroy, then destroy forcibly: SUMO ignores SIGTERM while it
 * waits for its client); a JVM shutdown hook destroys every process still running when the JVM
 * exits, and SUMO itself quits when its TraCI client's connection drops.
 *
 * <p>SUMO 1.15 has no option to choose the listening address: it listens on all interfaces, for one
 * client, until this process connects. The start-up handshake ({@code getVersion}) confirms that the
 * scenario loaded; SUMO loads it only after the client connects.
 *
 * <p>Not thread safe: one SumoProcess per thread (its connection is single-threaded too).
 */
public final class SumoProcess implements AutoCloseable
{
    /** Environment variable naming the sumo binary; otherwise {@code sumo} is looked up on PATH. */
    public static final String BINARY_ENV = "WMRT_SUMO_BINARY";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_ATTEMPTS = 3;
    private static final int OUTPUT_TAIL_LINES = 20;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            for (Process process : RUNNING)
            {
                process.destroyForcibly();
            }
        }, "wmrt-sumo-reaper"));
    }

    private final Process process;
    private final int port;
    private final List<String> command;
    private final Path outputFile;
    private final boolean deleteOutputOnClose;
    private final TraciConnection connection;
    private final TraciVersion version;
    private boolean closed;

    private SumoProcess(Process process, int port, List<String> command, Path outputFile,
            boolean deleteOutputOnClose, TraciConnection connection, TraciVersion version)
    {
        this.version = version;
        this.process = process;
        this.port = port;
        this.command = command;
        this.outputFile = outputFile;
        this.deleteOutputOnClose = deleteOutputOnClose;
        this.connection = connection;
    }

    /** A SUMO run described by a {@code .sumocfg} file ({@code -c}). */
    public static Builder withConfig(Path sumoConfig)
    {
        return new Builder(sumoConfig, null, null);
    }

    /** A SUMO run of a network file and a routes file ({@code -n}, {@code -r}). */
    public static Builder withNetAndRoutes(Path network, Path routes)
    {
        return new Builder(null, network, routes);
    }

    /** The TraCI connection to this SUMO; closing it ends the simulation. */
    public TraciConnection connection()
    {
        return connection;
    }

    /** What SUMO answered to the get-version handshake made by {@link Builder#start()}. */
    public TraciVersion version()
    {
        return version;
    }

    /** The local TCP port SUMO serves TraCI on. */
    public int port()
    {
        return port;
    }

    /** The process, for its pid and liveness. */
    public ProcessHandle processHandle()
    {
        return process.toHandle();
    }

    /** The full command line SUMO was started with. */
    public List<String> command()
    {
        return command;
    }

    /** File that receives SUMO's stdout and stderr (deleted on close unless the caller chose it). */
    public Path outputFile()
    {
        return outputFile;
    }

    /** The last {@code lines} lines SUMO printed (stdout and stderr together). */
    public String outputTail(int lines)
    {
        return tail(outputFile, lines);
    }

    /**
     * Ends the simulation over TraCI, waits for SUMO to exit, and destroys it if it does not; after
     * this returns no process of this instance is left. Safe to call twice.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            if (connection.isOpen())
            {
                connection.close();
            }
        }
        catch (RuntimeException closeRefused)
        {
            // SUMO already gone or not answering: the process is ended below either way.
        }
        finally
        {
            stop(process, Duration.ofSeconds(5));
            if (deleteOutputOnClose)
            {
                try
                {
                    Files.deleteIfExists(outputFile);
                }
                catch (IOException ignored)
                {
                    // A leftover log in the temp directory is harmless.
                }
            }
        }
    }

    /** Waits up to {@code grace} for the process to exit, then destroys it, then destroys it forcibly. */
    private static void stop(Process process, Duration grace)
    {
        try
        {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
            {
                process.destroy();
                if (!process.waitFor(2, TimeUnit.SECONDS))
                {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
        catch (InterruptedException e)
        {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        finally
        {
            if (!process.isAlive())
            {
                RUNNING.remove(process);
            }
        }
    }

    /**
     * The sumo binary: {@value #BINARY_ENV} if set, else {@code sumo} on the PATH of {@code environment}.
     *
     * @throws SumoException naming what was looked for when no executable is found
     */
    public static Path resolveBinary(Map<String, String> environment)
    {
        String configured = environment.get(BINARY_ENV);
        if (configured != null && !configured.isBlank())
        {
            Path binary = Path.of(configured);
            if (!Files.isRegularFile(binary) || !Files.isExecutable(binary))
            {
                throw new SumoException(BINARY_ENV + "=" + configured + " is not an executable file");
            }
            return binary;
        }
        String path = environment.getOrDefault("PATH", "");
        for (String directory : path.split(File.pathSeparator))
        {
            if (directory.isEmpty())
            {
                continue;
            }
            Path candidate = Path.of(directory, "sumo");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        throw new SumoException("SUMO's 'sumo' binary is not on PATH (" + path + ") and " + BINARY_ENV
                + " is not set: install Debian's sumo package (apt-get install sumo sumo-tools)"
                + " or set " + BINARY_ENV + " to the binary");
    }

    private static String tail(Path file, int lines)
    {
        try
        {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException e)
        {
            return "(SUMO's output " + file + " could not be read: " + e + ")";
        }
    }

    /** A port that was free on the loopback address a moment ago; SUMO may still lose a race for it. */
    private static int freeLoopbackPort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)))
        {
            return socket.getLocalPort();
        }
        catch (IOException e)
        {
            throw new UncheckedIOException("no free TCP port on " + LOOPBACK, e);
        }
    }

    /** Options of one SUMO run; {@link #start()} launches it. Not thread safe: build on one thread. */
    public static final class Builder
    {
        private final Path config;
        private final Path network;
        private final Path routes;
        private long seed = 42;
        private double stepLengthSeconds = 0.1;
        private Path collisionOutput;
        private Double lateralResolutionMetres;
        private Path outputFile;
        private Duration startTimeout = Duration.ofSeconds(20);
        private Duration readTimeout = TraciConnection.DEFAULT_READ_TIMEOUT;
        private final List<String> extraArguments = new ArrayList<>();
        private Map<String, String> environment = System.getenv();

        private Builder(Path config, Path network, Path routes)
        {
            this.config = config;
            this.network = network;
            this.routes = routes;
        }

        /** Random seed ({@code --seed}); default 42. */
        public Builder seed(long seed)
        {
            this.seed = seed;
            return this;
        }

        /** Simulation step ({@code --step-length}) in seconds; default 0.1. */
        public Builder stepLengthSeconds(double stepLengthSeconds)
        {
            this.stepLengthSeconds = stepLengthSeconds;
            return this;
        }

        /** Writes SUMO's collision report to this XML file ({@code --collision-output}). */
        public Builder collisionOutput(Path collisionOutput)
        {
            this.collisionOutput = collisionOutput;
            return this;
        }

        /** Enables the sublane model ({@code --lateral-resolution}), for example 0.4 m for moveToXY poses. */
        public Builder lateralResolutionMetres(double lateralResolutionMetres)
        {
            this.lateralResolutionMetres = lateralResolutionMetres;
            return this;
        }

        /** Keeps SUMO's stdout and stderr in this file (otherwise a temp file deleted on close). */
        public Builder outputFile(Path outputFile)
        {
            this.outputFile = outputFile;
            return this;
        }

        /** How long to wait for SUMO to accept the TraCI connection; default 20 s. */
        public Builder startTimeout(Duration startTimeout)
        {
            this.startTimeout = startTimeout;
            return this;
        }

        /** How long to wait for any one TraCI answer; default 60 s. */
        public Builder readTimeout(Duration readTimeout)
        {
            this.readTimeout = readTimeout;
            return this;
        }

        /** Further SUMO options, appended as given (for example "--end", "120"). */
        public Builder extraArguments(String... arguments)
        {
            Collections.addAll(extraArguments, arguments);
            return this;
        }

        /** Environment to resolve the binary from and to run SUMO in; default the JVM's. */
        public Builder environment(Map<String, String> environment)
        {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * Starts SUMO and connects to it, retrying the connection until SUMO listens.
         *
         * @throws SumoException when a scenario file is missing, sumo is not installed, SUMO exits
         *                       before it listens, or it does not listen within the start timeout
         */
        public SumoProcess start()
        {
            if (config != null)
            {
                requireFile(config, "SUMO configuration");
            }
            else
            {
                requireFile(network, "SUMO network");
                requireFile(routes, "SUMO routes");
            }
            Path binary = resolveBinary(environment);
            SumoException lastPortRace = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++)
            {
                try
                {
                    return startOnce(binary, freeLoopbackPort());
                }
                catch (PortTakenException e)
                {
                    lastPortRace = e.failure;
                }
            }
            throw lastPortRace;
        }

        private static void requireFile(Path file, String what)
        {
            if (!Files.isRegularFile(file))
            {
                throw new SumoException(what + " file " + file.toAbsolutePath() + " does not exist");
            }
        }

        private List<String> commandLine(Path binary, int port)
        {
            List<String> arguments = new ArrayList<>();
            arguments.add(binary.toString());
            if (config != null)
            {
                arguments.add("-c");
                arguments.add(config.toAbsolutePath().toString());
            }
            else
            {
                arguments.add("-n");
                arguments.add(network.toAbsolutePath().toString());
                arguments.add("-r");
                arguments.add(routes.toAbsolutePath().toString());
            }
            arguments.add("--remote-port");
            arguments.add(Integer.toString(port));
            arguments.add("--seed");
            arguments.add(Long.toString(seed));
            arguments.add("--step-length");
            arguments.add(Double.toString(stepLengthSeconds));
            arguments.add("--no-step-log");
            arguments.add("true");
            arguments.add("--collision.action");
            arguments.add("warn");
            // A contact is bodies touching: by default SUMO also reports a follower inside the leader's minGap
            // (2.5 m for a car), which no footprint check can confirm.
            arguments.add("--collision.mingap-factor");
            arguments.add("0");
            if (collisionOutput != null)
            {
                arguments.add("--collision-output");
                arguments.add(collisionOutput.toAbsolutePath().toString());
            }
            if (lateralResolutionMetres != null)
            {
                arguments.add("--lateral-resolution");
                arguments.add(Double.toString(lateralResolutionMetres));
            }
            arguments.addAll(extraArguments);
            return List.copyOf(arguments);
        }

        private SumoProcess startOnce(Path binary, int port)
        {
            List<String> command = commandLine(binary, port);
            Path output;
            boolean deleteOutput = outputFile == null;
            try
            {
                output = deleteOutput ? Files.createTempFile("wmrt-sumo-" + port + "-", ".log") : outputFile;
            }
            catch (IOException e)
            {
                throw new SumoException("cannot create a file for SUMO's output: " + e, e);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().clear();
            builder.environment().putAll(environment);
            sumoHomeFor(binary).ifPresent(home -> builder.environment().putIfAbsent("SUMO_HOME", home.toString()));

            Process process;
            try
            {
                process = builder.start();
            }
            catch (IOException e)
            {
                throw new SumoException("cannot start " + binary + ": " + e.getMessage(), e);
            }
            RUNNING.add(process);
            try
            {
                TraciConnection connection = connectWithRetries(process, port, output);
                TraciVersion version = handshake(connection, process, port, output);
                return new SumoProcess(process, port, command, output, deleteOutput, connection, version);
            }
            catch (RuntimeException e)
            {
                process.destroyForcibly();
                stop(process, Duration.ZERO);
                throw e;
            }
        }

        /**
         * SUMO accepts the TraCI connection before it loads the scenario; a scenario it cannot load
         * shows up as a closed connection here, reported with SUMO's own output.
         */
        private static TraciVersion handshake(TraciConnection connection, Process process, int port, Path output)
        {
            try
            {
                return connection.getVersion();
            }
            catch (TraciException e)
            {
                connection.close();
                try
                {
                    process.waitFor(5, TimeUnit.SECONDS);
                }
                catch (InterruptedException interrupted)
                {
                    Thread.currentThread().interrupt();
                }
                String exit = process.isAlive() ? "is still running" : "exited with code " + process.exitValue();
                throw new SumoException("sumo on " + LOOPBACK + ":" + port + " accepted TraCI but did not answer "
                        + "getVersion (" + e.getMessage() + ") and " + exit + "; its output ends with:\n"
                        + tail(output, OUTPUT_TAIL_LINES), e);
            }
        }

        private TraciConnection connectWithRetries(Process process, int port, Path output)
        {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            IOException lastRefusal = null;
            while (System.nanoTime() < deadline)
            {
                if (!process.isAlive())
                {
                    String tail = tail(output, OUTPUT_TAIL_LINES);
                    SumoException failure = new SumoException("sumo exited with code " + process.exitValue()
                            + " before accepting TraCI on " + LOOPBACK + ":" + port + "; its output ends with:\n"
                            + tail);
                    if (tail.contains("Address already in use"))
                    {
                        throw new PortTakenException(failure);
                    }
                    throw failure;
                }
                try
                {
                    return TraciConnection.connect(LOOPBACK, port, Duration.ofSeconds(1), readTimeout);
                }
                catch (IOException refused)
                {
                    lastRefusal = refused;
                }
                try
                {
                    Thread.sleep(20);
                }
                catch (InterruptedException e)
                {
                    Thread.currentThread().interrupt();
                    throw new SumoException("interrupted while waiting for sumo on port " + port, e);
                }
            }
            throw new SumoException("sumo did not accept TraCI on " + LOOPBACK + ":" + port + " within "
                    + startTimeout.toMillis() + " ms (last error: " + lastRefusal + "); its output ends with:\n"
                    + tail(output, OUTPUT_TAIL_LINES));
        }

        /** Debian installs SUMO's data beside the binary's prefix: /usr/bin/sumo has /usr/share/sumo. */
        private static Optional<Path> sumoHomeFor(Path binary)
        {
            try
            {
                Path real = binary.toRealPath();
                Path prefix = real.getParent() == null ? null : real.getParent().getParent();
                if (prefix != null)
                {
                    Path home = prefix.resolve("share").resolve("sumo");
                    if (Files.isDirectory(home.resolve("data")))
                    {
                        return Optional.of(home);
                    }
                }
            }
            catch (IOException ignored)
            {
                // No SUMO_HOME then: SUMO only warns about XML validation.
            }
            return Optional.empty();
        }
    }

    /** SUMO lost the race for the port picked for it; start() retries with another. */
    private static final class PortTakenException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private final transient SumoException failure;

        PortTakenException(SumoException failure)
        {
            super(failure.getMessage());
            this.failure = failure;
        }
    }
}
