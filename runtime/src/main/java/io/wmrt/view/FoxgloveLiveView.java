package io.wmrt.view;

import io.wmrt.config.JsonWriter;
import io.wmrt.record.ChannelSink;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.extensions.IExtension;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.protocols.IProtocol;
import org.java_websocket.protocols.Protocol;
import org.java_websocket.server.WebSocketServer;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live view: a server of the Foxglove WebSocket protocol ({@value #SUBPROTOCOL}, the open spec Foxglove
 * connects with), fed by a {@link io.wmrt.record.BusRecorder} with the channels a recording has. On connecting, a
 * client gets {@code serverInfo} and an {@code advertise} of every channel with its schema; it then subscribes
 * and receives each message as a binary frame (opcode 1, subscription id, log time, payload).
 * <p>
 * Bad clients are dropped, and never reach the runtime, which only this process's bus reader touches:
 * <ul>
 *   <li>a client that does not speak the subprotocol is refused at the handshake;</li>
 *   <li>a text frame that is not a JSON object with a known {@code op}, an op the server does not offer,
 *   a subscription to a channel that does not exist, or a binary frame is answered with a status error and the
 *   connection is closed;</li>
 *   <li>a client with more than {@value #MAX_QUEUED_BYTES} bytes queued and unsent (it does not read) is
 *   closed.</li>
 * </ul>
 * Thread safe: {@link #message} is called by the bus reader's thread, the callbacks by the server's.
 */
public final class FoxgloveLiveView extends WebSocketServer implements ChannelSink
{
    public static final String SUBPROTOCOL = "foxglove.websocket.v1";
    /** A client with more than this queued and unsent is not reading: it is closed. */
    static final long MAX_QUEUED_BYTES = 8L << 20;
    private static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final byte OP_MESSAGE_DATA = 0x01;

    private record Channel(int id, String topic, String encoding, String schemaName, String schema,
        String schemaEncoding)
    {
    }

    /** Per connection: subscription id by channel id. */
    private static final class Client
    {
        final Map<Integer, Integer> subscriptionByChannel = new ConcurrentHashMap<>();
        final Map<Integer, Integer> channelBySubscription = new ConcurrentHashMap<>();
    }

    private final String name;
    private final PrintStream log;
    private final List<String[]> schemas = new ArrayList<>();
    private final List<Channel> channels = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private volatile boolean started;
    private volatile Exception startFailure;

    /**
     * @param address where to listen (wmrt view binds to 127.0.0.1 unless told otherwise).
     * @param name    shown by Foxglove as the server's name.
     * @param log     where each dropped client is reported with the reason, or null.
     */
    public FoxgloveLiveView(final InetSocketAddress address, final String name, final PrintStream log)
    {
        super(address, List.<Draft>of(new Draft_6455(List.<IExtension>of(), List.<IProtocol>of(new Protocol(SUBPROTOCOL)))));
        this.log = log;
        this.name = name;
        setReuseAddr(true);
        setTcpNoDelay(true);
    }

    /** Waits until the server listens; @throws IOException naming the address when it cannot. */
    public void awaitStarted(final long timeoutMs) throws IOException, InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!started && null == startFailure && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        if (null != startFailure)
        {
            throw new IOException("cannot listen on " + getAddress() + ": " + startFailure.getMessage(), startFailure);
        }
        if (!started)
        {
            throw new IOException("not listening on " + getAddress() + " after " + timeoutMs + " ms");
        }
    }

    /** Clients closed for misbehaving (garbage, unknown ops, not reading). */
    public long droppedClients()
    {
        return dropped.get();
    }

    /** Message frames sent to subscribers. */
    public long framesSent()
    {
        return sent.get();
    }

    @Override
    public synchronized int schema(final String schemaName, final String encoding, final byte[] data)
    {
        if (started)
        {
            throw new IllegalStateException("channels are declared before the server starts");
        }
        schemas.add(new String[]{schemaName, encoding, new String(data, StandardCharsets.UTF_8)});
        return schemas.size();
    }

    @Override
    public synchronized int channel(final int schemaId, final String topic, final String messageEncoding,
        final Map<String, String> metadata)
    {
        if (started)
        {
            throw new IllegalStateException("channels are declared before the server starts");
        }
        final String[] schema = schemas.get(schemaId - 1);
        final Channel channel = new Channel(channels.size() + 1, topic, messageEncoding, schema[0], schema[2], schema[1]);
        channels.add(channel);
        return channel.id() - 1;
    }

    @Override
    public void message(final int channelId, final long sequence, final long logTime, final long publishTime,
        final byte[] data, final int offset, final int length)
    {
        final int advertised = channelId + 1;
        ByteBuffer frame = null;
        for (final WebSocket conn : getConnections())
        {
            final Client client = conn.getAttachment();
            if (null == client || !conn.isOpen())
            {
                continue;
            }
            final Integer subscription = client.subscriptionByChannel.get(advertised);
            if (null == subscription)
            {
                continue;
            }
            if (conn instanceof WebSocketImpl && unread((WebSocketImpl)conn) > MAX_QUEUED_BYTES)
            {
                drop(conn, "too slow: more than " + (MAX_QUEUED_BYTES >> 20) + " MiB unread");
                continue;
            }
            if (null == frame)
            {
                frame = ByteBuffer.allocate(1 + 4 + 8 + length).order(ByteOrder.LITTLE_ENDIAN);
            }
            frame.clear();
            frame.put(OP_MESSAGE_DATA).putInt(subscription).putLong(logTime).put(data, offset, length).flip();
            conn.send(frame.duplicate());
            sent.incrementAndGet();
        }
    }

    /** Bytes queued for a client and not yet taken by its socket: what it has not read. */
    private static long unread(final WebSocketImpl conn)
    {
        if (conn.outQueue.size() < 64)
        {
            return 0;
        }
        long bytes = 0;
        for (final ByteBuffer queued : conn.outQueue)
        {
            bytes += queued.remaining();
        }
        return bytes;
    }

    @Override
    public void flush()
    {
        // Frames go out as they are sent.
    }

    @Override
    public void onStart()
    {
        started = true;
    }

    @Override
    public void onOpen(final WebSocket conn, final ClientHandshake handshake)
    {
        conn.setAttachment(new Client());
        final JsonWriter info = new JsonWriter().beginObject(null)
            .field("op", "serverInfo")
            .field("name", name)
            .beginArray("capabilities").endArray()
            .beginArray("supportedEncodings").endArray()
            .beginObject("metadata").endObject()
            .field("sessionId", Long.toString(ProcessHandle.current().pid()))
            .endObject();
        conn.send(info.text());
        final JsonWriter advertise = new JsonWriter().beginObject(null).field("op", "advertise").beginArray("channels");
        for (final Channel c : channels)
        {
            advertise.beginObject(null).field("id", c.id()).field("topic", c.topic()).field("encoding", c.encoding())
                .field("schemaName", c.schemaName()).field("schema", c.schema())
                .field("schemaEncoding", c.schemaEncoding()).endObject();
        }
        conn.send(advertise.endArray().endObject().text());
    }

    @Override
    public void onMessage(final WebSocket conn, final String text)
    {
        final Client client = conn.getAttachment();
        if (null == client)
        {
            return;
        }
        if (text.length() > MAX_TEXT_BYTES)
        {
            drop(conn, "message of " + text.length() + " characters");
            return;
        }
        final Object parsed;
        try
        {
            parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        }
        catch (final RuntimeException ex)
        {
            drop(conn, "not JSON");
            return;
        }
        if (!(parsed instanceof Map<?, ?> request) || !(request.get("op") instanceof String op))
        {
            drop(conn, "not a JSON object with an \"op\"");
            return;
        }
        switch (op)
        {
            case "subscribe":
                if (!subscribe(client, request.get("subscriptions")))
                {
                    drop(conn, "subscribe: each subscription needs an integer id and an advertised channelId");
                }
                break;
            case "unsubscribe":
                if (!(request.get("subscriptionIds") instanceof List<?> ids))
                {
                    drop(conn, "unsubscribe: subscriptionIds must be a list");
                    break;
                }
                for (final Object id : ids)
                {
                    final Integer channel = id instanceof Integer ? client.channelBySubscription.remove(id) : null;
                    if (null != channel)
                    {
                        client.subscriptionByChannel.remove(channel);
                    }
                }
                break;
            default:
                drop(conn, "unknown or unsupported op \"" + op + "\"");
                break;
        }
    }

    @Override
    public void onMessage(final WebSocket conn, final ByteBuffer message)
    {
        drop(conn, "binary frames from clients are not accepted (no client publishing)");
    }

    @Override
    public void onClose(final WebSocket conn, final int code, final String reason, final boolean remote)
    {
        // Nothing held per client beyond its attachment.
    }

    @Override
    public void onError(final WebSocket conn, final Exception ex)
    {
        if (null == conn)
        {
            startFailure = ex;
        }
        else
        {
            drop(conn, "connection error: " + ex.getMessage());
        }
    }

    private boolean subscribe(final Client client, final Object subscriptions)
    {
        if (!(subscriptions instanceof List<?> list))
        {
            return false;
        }
        for (final Object s : list)
        {
            if (!(s instanceof Map<?, ?> sub) || !(sub.get("id") instanceof Integer id) ||
                !(sub.get("channelId") instanceof Integer channelId) || channelId < 1 || channelId > channels.size())
            {
                return false;
            }
            final Integer previous = client.subscriptionByChannel.put(channelId, id);
            if (null != previous)
            {
                client.channelBySubscription.remove(previous);
            }
            client.channelBySubscription.put(id, channelId);
        }
        return true;
    }

    private void drop(final WebSocket conn, final String why)
    {
        if (conn.isOpen())
        {
            dropped.incrementAndGet();
            if (null != log)
            {
                log.println("wmrt view: dropped client " + conn.getRemoteSocketAddress() + ": " + why);
            }
            try
            {
                conn.send(new JsonWriter().beginObject(null).field("op", "status").field("level", 2)
                    .field("message", "wmrt view closes this connection: " + why).endObject().text());
            }
            catch (final RuntimeException closing)
            {
                // already closing
            }
            conn.close(1008, why.length() > 120 ? why.substring(0, 120) : why);
        }
    }
}
