import type { SerfCodec, SerfMessage, SerfOutgoingMessage, TagCodec } from "../../src/cluster/serf-messages.ts";

/** JSON stand-ins for the serf codecs, so simulations need no msgpack. */
export const jsonSerfCodec: SerfCodec = {
  encode(msg: SerfOutgoingMessage): Uint8Array {
    return new TextEncoder().encode(JSON.stringify(msg, replacer));
  },
  decode(bytes: Uint8Array): SerfMessage {
    return JSON.parse(new TextDecoder().decode(bytes), reviver) as SerfMessage;
  },
};

export const jsonTagCodec: TagCodec = {
  encode(tags) {
    const bytes = new TextEncoder().encode(JSON.stringify(tags));
    if (bytes.length > 512) throw new Error(`tags take ${bytes.length} bytes, over 512`);
    return bytes;
  },
  decode(bytes) {
    return bytes.length === 0 ? {} : (JSON.parse(new TextDecoder().decode(bytes)) as Record<string, string>);
  },
};

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { $bytes: Array.from(value) };
  if (value instanceof Map) return { $map: [...value.entries()] };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value && typeof value === "object") {
    if ("$bytes" in value) return new Uint8Array((value as { $bytes: number[] }).$bytes);
    if ("$map" in value) return new Map((value as { $map: [string, unknown][] }).$map);
  }
  return value;
}
