package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import io.wmrt.view.FoxgloveLiveView;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

@Command(
    name = "view",
    mixinStandardHelpOptions = true,
    description = "Serve a runtime instance's bus live over the Foxglove WebSocket protocol, from a process of its " +
        "own: the channels of 'wmrt record' (scenes, plans and candidates as Foxglove scene entities and as SBE; " +
        "the ego's transform; the counters). In Foxglove: Open connection, Foxglove WebSocket, the URL printed. " +
        "Clients that send garbage, unknown ops or do not read are dropped; the runtime never waits for this " +
        "process.")
final class ViewCommand implements Callable<Integer>
{
    @Option(names = "--dir", paramLabel = "DIR",
        description = "instance directory (default: /dev/shm/" + Defaults.INSTANCE_NAME + ")")
    Path dir;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8765",
        description = "TCP port (default: ${DEFAULT-VALUE}, Foxglove's; 0 picks a free one)")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "address to listen on (default: ${DEFAULT-VALUE}: this machine only)")
    String host;

    @Option(names = "--shadow-dir", paramLabel = "DIR",
        description = "also the shadow planner's instance ('wmrt run --shadow'), its plans and where they disagree " +
            "with the live ones (default: the live directory with '-shadow' appended, when a runtime is there)")
    Path shadowDir;

    @Option(names = "--shadow-divergence-m", paramLabel = "M", defaultValue = "1.0",
        description = "plans further apart than this within 3 s disagree (default: ${DEFAULT-VALUE})")
    double shadowDivergenceM;

    @Option(names = "--wait-ms", description = "wait this long for the instance to appear (default: ${DEFAULT-VALUE})",
        defaultValue = "5000")
    long waitMs;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private volatile boolean stop;

    public Integer call() throws Exception
    {
        if (port < 0 || port > 65535)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535], not " + port);
        }
        final Path instance = null != dir ? dir : Defaults.instanceDir();
        final CountDownLatch done = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop = true;
            try
            {
                done.await(10, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "wmrt-view-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        FoxgloveLiveView view = null;
        try (BusDirectory bus = BusDirectory.await(instance, waitMs);
            BusDirectory shadow = ShadowInstance.open(instance, shadowDir, waitMs))
        {
            view = new FoxgloveLiveView(new InetSocketAddress(host, port), "wmrt view " + instance, System.out);
            final BusRecorder tap = new BusRecorder(bus, shadow, shadowDivergenceM, view);
            view.start();
            view.awaitStarted(10_000);
            System.out.printf("wmrt view: ws://%s:%d serves %s (Foxglove: Open connection, Foxglove WebSocket); " +
                "Ctrl-C stops%n", host, view.getPort(), instance);
            final IdleStrategy idle = new BackoffIdleStrategy();
            long nextAliveCheck = 0;
            String why = "stopped";
            while (!stop)
            {
                idle.idle(tap.poll());
                final long now = System.nanoTime();
                if (now - nextAliveCheck >= 0)
                {
                    nextAliveCheck = now + 500_000_000L;
                    if (!bus.runtimeAlive())
                    {
                        why = "the runtime stopped";
                        break;
                    }
                }
            }
            System.out.printf("wmrt view: %s; %d frames sent, %d clients dropped; %s%n", why, view.framesSent(),
                view.droppedClients(), tap.summary());
        }
        finally
        {
            if (null != view)
            {
                view.stop(1000);
            }
            done.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException shuttingDown)
            {
                // The hook is running: it waited for the stop above.
            }
        }
        return 0;
    }
}
