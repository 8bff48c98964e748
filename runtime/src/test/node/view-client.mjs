// Connects to `wmrt view` as Foxglove does, with @foxglove/ws-protocol's client (over the `ws` package), and
// prints what it received as one JSON object. It shares no code with wmrt's server.
//
//   node view-client.mjs URL live SECONDS        subscribe to /wmrt/scene and /foxglove/scene, decode them
//   node view-client.mjs URL garbage SECONDS     misbehave for SECONDS: garbage text, unknown ops, a subscription
//                                                to a channel that does not exist, binary frames; reconnect each
//                                                time the server closes the connection
//   node view-client.mjs URL slow SECONDS        subscribe to every channel and never read
import wsProtocol from "@foxglove/ws-protocol";
import WebSocket from "ws";

const { FoxgloveClient } = wsProtocol;

const [url, mode, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const out = {};
const finish = () => {
  process.stdout.write(JSON.stringify(out) + "\n");
  process.exit(0);
};

if (mode === "live") {
  const client = new FoxgloveClient({ ws: new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]) });
  out.channels = [];
  out.counts = {};
  out.sceneSequences = [];
  const topicBySubscription = new Map();
  client.on("serverInfo", (info) => { out.serverName = info.name; });
  client.on("advertise", (channels) => {
    for (const c of channels) {
      out.channels.push({ topic: c.topic, encoding: c.encoding, schemaName: c.schemaName,
        schemaEncoding: c.schemaEncoding, schemaLength: c.schema.length });
      if (c.topic === "/wmrt/scene" || c.topic === "/foxglove/scene") {
        topicBySubscription.set(client.subscribe(c.id), c.topic);
      }
    }
  });
  client.on("message", ({ subscriptionId, timestamp, data }) => {
    const topic = topicBySubscription.get(subscriptionId);
    out.counts[topic] = (out.counts[topic] ?? 0) + 1;
    const bytes = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (topic === "/wmrt/scene") {
      // SBE: an 8-byte header (block length, template id, schema id, version), then the SceneFrame's fields.
      out.sceneTemplateId = bytes.getUint16(2, true);
      out.sceneSchemaId = bytes.getUint16(4, true);
      out.sceneSequences.push(Number(bytes.getBigInt64(8, true)));
      out.lastSceneTimestamp = bytes.getBigInt64(16, true).toString();
      out.lastLogTime = timestamp.toString();
    } else {
      const update = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
      out.entityIds = update.entities.map((e) => e.id);
    }
  });
  client.on("error", (e) => { out.error = String(e); });
  setTimeout(finish, seconds * 1000);
} else if (mode === "garbage") {
  out.connections = 0;
  out.closedByServer = 0;
  out.statusMessages = [];
  const attacks = [
    (ws) => ws.send("}{ this is not JSON"),
    (ws) => ws.send(JSON.stringify({ op: "launchMissiles" })),
    (ws) => ws.send(JSON.stringify({ op: "subscribe", subscriptions: [{ id: 1, channelId: 9999 }] })),
    (ws) => ws.send(Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0, 0, 0])),
    (ws) => ws.send(JSON.stringify([1, 2, 3])),
  ];
  const connect = (n) => {
    const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
    out.connections++;
    ws.on("open", () => attacks[n % attacks.length](ws));
    ws.on("message", (data, binary) => {
      if (!binary) {
        const m = JSON.parse(data.toString());
        if (m.op === "status" && out.statusMessages.length < 10) out.statusMessages.push(m.message);
      }
    });
    ws.on("close", (code) => {
      if (code === 1008) out.closedByServer++;
      setTimeout(() => connect(n + 1), 20);
    });
    ws.on("error", () => {});
  };
  connect(0);
  setTimeout(finish, seconds * 1000);
} else if (mode === "slow") {
  const ws = new WebSocket(url, [FoxgloveClient.SUPPORTED_SUBPROTOCOL]);
  out.closed = false;
  ws.on("message", (data, binary) => {
    if (binary) return;
    const m = JSON.parse(data.toString());
    if (m.op === "advertise") {
      ws.send(JSON.stringify({ op: "subscribe", subscriptions: m.channels.map((c, i) => ({ id: i, channelId: c.id })) }));
      // Stop reading: the server's frames pile up in its queue.
      ws._socket.pause();
      out.paused = true;
    }
  });
  ws.on("close", (code) => { out.closed = true; out.code = code; });
  ws.on("error", () => {});
  setTimeout(finish, seconds * 1000);
} else {
  console.error("mode: live, garbage or slow");
  process.exit(2);
}
