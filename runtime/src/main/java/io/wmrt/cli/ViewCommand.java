package io.wmrt.cli;

import io.wmrt.bus.BusDirectory;
import io.wmrt.record.BusRecorder;
import io.wmrt.view.FoxgloveLiveView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

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
    @CommandLine.Mixin
    TapOptions bus;

    @Option(names = "--port", paramLabel = "P", defaultValue = "8765",
        description = "TCP port (default: ${DEFAULT-VALUE}, Foxglove's; 0 picks a free one)")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
        description = "address to listen on (default: ${DEFAULT-VALUE}: this machine only)")
    String host;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public Integer call() throws Exception
    {
        if (port < 0 || port > 65535)
        {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535], not " + port);
        }
        final Path instance = bus.instance();
        FoxgloveLiveView view = null;
        try (TapLoop loop = new TapLoop("wmrt-view");
            BusDirectory live = BusDirectory.await(instance, bus.waitMs);
            BusDirectory shadow = ShadowInstance.open(instance, bus.shadowDir, bus.waitMs))
        {
            view = new FoxgloveLiveView(new InetSocketAddress(host, port), "wmrt view " + instance, System.out);
            final BusRecorder tap = new BusRecorder(live, shadow, bus.shadowDivergenceM, view);
            view.start();
            view.awaitStarted(10_000);
            System.out.printf("wmrt view: ws://%s:%d serves %s (Foxglove: Open connection, Foxglove WebSocket); " +
                "Ctrl-C stops%n", host, view.getPort(), instance);
            final String why = loop.run(tap, live, Long.MAX_VALUE);
            System.out.printf("wmrt view: %s; %d frames sent, %d clients dropped; %s%n", why, view.framesSent(),
                view.droppedClients(), tap.summary());
        }
        finally
        {
            if (null != view)
            {
                view.stop(1000);
            }
        }
        return 0;
    }
}
