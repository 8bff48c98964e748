package io.wmrt;

import io.wmrt.bus.SceneWriter;
import io.wmrt.sbe.SceneFrameEncoder;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Second JVMs for tests, started as a user starts {@code wmrt}: this JVM's class path, the {@code --add-opens}
 * Agrona needs, the repository as {@code wmrt.home}.
 */
public final class TestProcesses
{
    private TestProcesses()
    {
    }

    /**
     * @return the command line of a JVM running the main class with the arguments.
     */
    public static List<String> java(final String mainClass, final String... args)
    {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"),
            "-Dwmrt.home=" + TestRepo.root(),
            mainClass));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * @return the command line of {@code wmrt} with the arguments.
     */
    public static List<String> wmrt(final String... args)
    {
        return java("io.wmrt.cli.WmrtCommand", args);
    }

    /**
     * The command with SIGINT restored to its default action (coreutils' env): a test stopped by Ctrl-C from a
     * shell that runs it in the background without job control inherits SIGINT ignored, and so would every
     * process it starts, which then cannot be stopped the way a user stops it.
     */
    public static List<String> interruptible(final List<String> command)
    {
        final List<String> env = new ArrayList<>(List.of("env", "--default-signal=INT"));
        env.addAll(command);
        return env;
    }

    /**
     * The command run by a shell with umask 000, so whatever it creates is as open as it itself asks for.
     */
    public static List<String> withOpenUmask(final List<String> command)
    {
        final List<String> shell = new ArrayList<>(List.of("/bin/sh", "-c", "umask 000 && exec \"$@\"", "sh"));
        shell.addAll(command);
        return shell;
    }

    /**
     * Start a process whose output (stdout and stderr) goes to the log file.
     */
    public static Process start(final List<String> command, final Path log) throws IOException
    {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /**
     * Wait for a line of the process's standard output that contains the text.
     *
     * @return the lines read up to and including that one.
     */
    public static String awaitLine(final Process process, final String text, final long timeoutMs)
        throws Exception
    {
        final StringBuilder seen = new StringBuilder();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    synchronized (seen)
                    {
                        seen.append(line).append('\n');
                    }
                    if (line.contains(text))
                    {
                        return;
                    }
                }
            }
            catch (final IOException ignore)
            {
                // the process ended: the caller sees the missing line
            }
        }, "await-line");
        reader.setDaemon(true);
        reader.start();
        reader.join(timeoutMs);
        synchronized (seen)
        {
            if (!seen.toString().contains(text))
            {
                throw new AssertionError("no line with '" + text + "' within " + timeoutMs + " ms; got:\n" + seen +
                    (process.isAlive() ? "" : "(exited " + process.waitFor() + ")"));
            }
            return seen.toString();
        }
    }

    /**
     * Stop the process with SIGKILL if it still runs, and wait for it.
     */
    public static void kill(final Process process) throws InterruptedException
    {
        if (process.isAlive())
        {
            process.destroyForcibly();
        }
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public static String read(final Path log) throws IOException
    {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    }

    /**
     * Wait (up to 60 s) until a process's log file holds the text.
     *
     * @return the log as read then.
     */
    public static String awaitLog(final Path log, final String text) throws Exception
    {
        final long deadline = System.currentTimeMillis() + 60_000;
        String seen = read(log);
        while (!seen.contains(text) && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(20);
            seen = read(log);
        }
        if (!seen.contains(text))
        {
            throw new AssertionError("no '" + text + "' in " + log + ":\n" + seen);
        }
        return seen;
    }

    /**
     * A scene with a car {@code carAheadM} ahead of the ego (8 m/s) going {@code carSpeed}, and a red light 60 m
     * ahead: every channel of a recording has something to show. Null when the ring is full.
     *
     * @return the frame's bytes as written, SBE header first.
     */
    public static byte[] writeSceneWithCarAndRedLight(final SceneWriter writer, final long seq, final long timestampNs,
        final float carAheadM, final float carSpeed)
    {
        final SceneFrameEncoder f = writer.claim();
        if (null == f)
        {
            return null;
        }
        f.sequence(seq).timestampNs(timestampNs).egoX(seq * 0.4f).egoY(0f).egoHeading(0f)
            .egoSpeed(8f).egoAccel(0f).egoSteer(0f).egoLength(4.6f).egoWidth(1.9f).speedLimit(10f).laneWidth(3.5f)
            .drivableLeft(5.25f).drivableRight(2.25f)
            .drivableLeftEndS(0f).drivableRightEndS(0f).agentCount(1).lightCount(1).routePointCount(2)
            .routeX(0, 0f).routeY(0, 0f).routeX(1, 500f).routeY(1, 0f)
            .agentId(0, 7).agentX(0, seq * 0.4f + carAheadM).agentY(0, 0f).agentHeading(0, 0f).agentSpeed(0, carSpeed)
            .agentYawRate(0, 0f).agentLength(0, 4.5f).agentWidth(0, 1.8f).agentKind(0, (byte)0)
            .lightStopS(0, seq * 0.4f + 60f).lightState(0, (byte)3);
        final byte[] bytes = new byte[SceneWriter.FRAME_LENGTH];
        f.buffer().getBytes(f.offset() - io.wmrt.sbe.MessageHeaderEncoder.ENCODED_LENGTH, bytes);
        writer.commit();
        return bytes;
    }

    /**
     * A well-formed scene on a straight empty road, the ego at 8 m/s: any runtime answers it.
     */
    public static void writeScene(final SceneWriter writer, final long sequence)
    {
        final SceneFrameEncoder f = writer.claim();
        f.sequence(sequence).timestampNs(sequence * 50_000_000L).egoX(sequence * 0.4f).egoY(0f).egoHeading(0f)
            .egoSpeed(8f).egoAccel(0f).egoSteer(0f).egoLength(4.6f).egoWidth(1.9f).speedLimit(10f).laneWidth(3.5f)
            .drivableLeft(5.25f).drivableRight(2.25f)
            .drivableLeftEndS(0f).drivableRightEndS(0f).agentCount(0).lightCount(0).routePointCount(2)
            .routeX(0, 0f).routeY(0, 0f).routeX(1, 500f).routeY(1, 0f);
        writer.commit();
    }
}
