// Reads an MCAP file with @mcap/core, the reference TypeScript implementation, and prints what it found as
// one JSON object: the tests compare it with what wmrt wrote. It shares no code with wmrt's writer.
//
//   node read-mcap.mjs FILE [--stream] [--dump TOPIC N]
//
// Indexed (default): reads the footer, summary and chunk indexes, then every message through the index, with
// CRCs checked. --stream: reads records front to back as a stream reader does (a file cut short by a crash is
// read up to its last complete record). --dump TOPIC N: also prints the first N messages of TOPIC, base64.
import { McapIndexedReader, McapStreamReader } from "@mcap/core";
import { decompress } from "fzstd";
import { open, readFile } from "node:fs/promises";

const args = process.argv.slice(2);
const file = args[0];
const stream = args.includes("--stream");
const dumpAt = args.indexOf("--dump");
const dumpTopic = dumpAt >= 0 ? args[dumpAt + 1] : undefined;
const dumpCount = dumpAt >= 0 ? Number(args[dumpAt + 2]) : 0;

const decompressHandlers = {
  zstd: (buffer, size) => decompress(buffer, new Uint8Array(Number(size))),
};

function schemaJson(s) {
  return { id: s.id, name: s.name, encoding: s.encoding, data: Buffer.from(s.data).toString("utf8") };
}

function channelJson(c) {
  return { id: c.id, schemaId: c.schemaId, topic: c.topic, messageEncoding: c.messageEncoding,
    metadata: Object.fromEntries(c.metadata) };
}

const out = { schemas: [], channels: [], counts: {}, dumped: [], lastLogTime: {} };
const topicOf = new Map();

function onMessage(m) {
  const topic = topicOf.get(m.channelId);
  out.counts[topic] = (out.counts[topic] ?? 0) + 1;
  out.lastLogTime[topic] = m.logTime.toString();
  if (topic === dumpTopic && out.dumped.length < dumpCount) {
    out.dumped.push({ sequence: m.sequence, logTime: m.logTime.toString(), publishTime: m.publishTime.toString(),
      data: Buffer.from(m.data).toString("base64") });
  }
}

if (stream) {
  const reader = new McapStreamReader({ decompressHandlers, validateCrcs: true });
  reader.append(new Uint8Array(await readFile(file)));
  out.records = {};
  for (let r; (r = reader.nextRecord()); ) {
    out.records[r.type] = (out.records[r.type] ?? 0) + 1;
    if (r.type === "Schema") out.schemas.push(schemaJson(r));
    if (r.type === "Channel") {
      out.channels.push(channelJson(r));
      topicOf.set(r.id, r.topic);
    }
    if (r.type === "Message") onMessage(r);
  }
  out.done = reader.done();
  out.bytesRemaining = reader.bytesRemaining();
} else {
  const handle = await open(file, "r");
  const readable = {
    size: async () => BigInt((await handle.stat()).size),
    read: async (offset, size) => {
      const buffer = new Uint8Array(Number(size));
      await handle.read(buffer, 0, Number(size), Number(offset));
      return buffer;
    },
  };
  const reader = await McapIndexedReader.Initialize({ readable, decompressHandlers });
  out.header = { profile: reader.header.profile, library: reader.header.library };
  for (const s of reader.schemasById.values()) out.schemas.push(schemaJson(s));
  for (const c of reader.channelsById.values()) {
    out.channels.push(channelJson(c));
    topicOf.set(c.id, c.topic);
  }
  const st = reader.statistics;
  out.statistics = st && { messageCount: st.messageCount.toString(), chunkCount: st.chunkCount,
    channelMessageCounts: Object.fromEntries([...st.channelMessageCounts].map(([k, v]) => [k, v.toString()])) };
  out.chunkIndexes = reader.chunkIndexes.length;
  for await (const m of reader.readMessages({ validateCrcs: true })) onMessage(m);
  await handle.close();
}
process.stdout.write(JSON.stringify(out) + "\n");
