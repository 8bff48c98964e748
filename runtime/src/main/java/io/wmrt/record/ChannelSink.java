package io.wmrt.record;

import java.io.IOException;
import java.util.Map;

/**
 * Where {@link BusRecorder} sends what it reads off the bus: schemas and channels declared once, then timestamped
 * messages. An MCAP file ({@link McapWriter}) and the Foxglove WebSocket live view are the two sinks.
 */
public interface ChannelSink
{
    /** Declare a schema; @return its id. */
    int schema(String name, String encoding, byte[] data) throws IOException;

    /** Declare a channel on a declared schema; @return its id. */
    int channel(int schemaId, String topic, String messageEncoding, Map<String, String> metadata) throws IOException;

    /** One message; the bytes are the caller's again when this returns. */
    void message(int channelId, long sequence, long logTime, long publishTime, byte[] data, int offset, int length)
        throws IOException;

    /** Called about once a second: make what was sent so far durable or visible. */
    void flush() throws IOException;
}
